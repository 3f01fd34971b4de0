/* What Zephyr 4's network samples share (samples/net/common): wait_for_network()
 * returns once the interface is ready for traffic. Without the connection manager
 * there is nothing to wait for: the network configuration (CONFIG_NET_CONFIG_SETTINGS)
 * is in place before main(). */
#ifndef LEVANTE_SAMPLES_NET_COMMON_NET_SAMPLE_COMMON_H_
#define LEVANTE_SAMPLES_NET_COMMON_NET_SAMPLE_COMMON_H_

#if defined(CONFIG_NET_CONNECTION_MANAGER)
void wait_for_network(void);
#else
static inline void wait_for_network(void)
{
}
#endif

#endif /* LEVANTE_SAMPLES_NET_COMMON_NET_SAMPLE_COMMON_H_ */
