#include <greeting.h>

int core_b(void)
{
	return 2;
}
