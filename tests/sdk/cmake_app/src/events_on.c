#include <greeting.h>

int events_part(void)
{
	return EVENTS_FROM_CMAKE;
}
