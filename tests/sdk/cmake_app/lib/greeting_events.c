#include <greeting.h>

const char *greeting_extra(void)
{
	return "with events";
}
