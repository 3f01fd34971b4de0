/* <sys/socket.h> for Levante's sockets: Zephyr's socket API under its POSIX names
 * (CONFIG_NET_SOCKETS_POSIX_NAMES or CONFIG_POSIX_API). */
#ifndef LEVANTE_POSIX_SYS_SOCKET_H_
#define LEVANTE_POSIX_SYS_SOCKET_H_

#include <zephyr/net/socket.h>

#endif
