#include <greeting.h>

int core_a(void)
{
	return 1;
}
