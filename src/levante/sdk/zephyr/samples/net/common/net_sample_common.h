/* wait_for_network(), which Zephyr 4's network samples call before they start: with
 * CONFIG_NET_CONNECTION_MANAGER it returns once the connection manager says the
 * interface is connected (NET_EVENT_L4_CONNECTED); without it at once. */
#ifndef LEVANTE_NET_SAMPLE_COMMON_H_
#define LEVANTE_NET_SAMPLE_COMMON_H_

#if defined(CONFIG_NET_CONNECTION_MANAGER)
void wait_for_network(void);
#else
static inline void wait_for_network(void)
{
}
#endif

#endif
