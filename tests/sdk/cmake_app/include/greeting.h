/* What the greeting library offers (found through zephyr_include_directories). */
#ifndef GREETING_H
#define GREETING_H

const char *greeting(void);
const char *greeting_extra(void);
int core_a(void);
int core_b(void);
int events_part(void);

#endif
