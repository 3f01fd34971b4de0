/* The C side of the socket layer (CONFIG_NET_SOCKETS): the kernel's socket slots, and
 * what needs no kernel: address text (inet_pton/ntop), numeric getaddrinfo (names go to
 * z_levante_resolve_name, net_dns.c's with CONFIG_DNS_RESOLVER), select over
 * zsock_poll, and the descriptor sets. */
#include <zephyr/kernel.h>

#ifdef CONFIG_NET_SOCKETS
#include <stdlib.h>
#include <string.h>
#include <zephyr/net/net_context.h>
#include <zephyr/net/socket.h>

/* The kernel reads a timeval as a 64-bit tv_sec and a 32-bit tv_usec (16 bytes). */
BUILD_ASSERT(sizeof(struct timeval) == 16 && sizeof(struct zsock_timeval) == 16);

/* The sockets' kernel objects (kernel memory: no user thread reaches them). */
struct net_context z_net_contexts[CONFIG_NET_MAX_CONTEXTS] = {
	[0 ... CONFIG_NET_MAX_CONTEXTS - 1] = { .fd = -1 },
};

/* ---- address text --------------------------------------------------------------------- */

static int parse_ipv4(const char *src, uint8_t out[4])
{
	for (int part = 0; part < 4; part++) {
		unsigned int value = 0;
		int digits = 0;

		while (*src >= '0' && *src <= '9') {
			value = value * 10 + (unsigned int)(*src - '0');
			if (++digits > 3 || value > 255) {
				return 0;
			}
			src++;
		}
		if (digits == 0) {
			return 0;
		}
		out[part] = (uint8_t)value;
		if (part < 3) {
			if (*src != '.') {
				return 0;
			}
			src++;
		}
	}
	return *src == '\0';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* RFC 4291 §2.2's text forms: eight groups, one "::", an IPv4 tail. */
static int parse_ipv6(const char *src, uint8_t out[16])
{
	uint16_t groups[8];
	int count = 0;
	int gap = -1;

	if (src[0] == ':') {
		if (src[1] != ':') {
			return 0;
		}
		gap = 0;
		src += 2;
	}
	while (*src != '\0') {
		if (count == 8) {
			return 0;
		}
		if (strchr(src, '.') != NULL && strchr(src, ':') == NULL) {
			uint8_t tail[4];

			if (count > 6 || !parse_ipv4(src, tail)) {
				return 0;
			}
			groups[count++] = (uint16_t)(tail[0] << 8 | tail[1]);
			groups[count++] = (uint16_t)(tail[2] << 8 | tail[3]);
			src += strlen(src);
			break;
		}
		unsigned int value = 0;
		int digits = 0;
		int digit;

		while ((digit = hex_value(*src)) >= 0) {
			value = value << 4 | (unsigned int)digit;
			if (++digits > 4) {
				return 0;
			}
			src++;
		}
		if (digits == 0) {
			return 0;
		}
		groups[count++] = (uint16_t)value;
		if (*src == ':') {
			src++;
			if (*src == ':') {
				if (gap >= 0) {
					return 0;
				}
				gap = count;
				src++;
			} else if (*src == '\0') {
				return 0;
			}
		} else if (*src != '\0') {
			return 0;
		}
	}
	if (gap < 0 ? count != 8 : count > 7) {
		return 0;
	}
	/* The groups before the gap, then zeros, then the groups after it. */
	int zeros = gap < 0 ? 0 : 8 - count;

	memset(out, 0, 16);
	for (int index = 0; index < count; index++) {
		int target = (gap >= 0 && index >= gap) ? index + zeros : index;

		out[2 * target] = (uint8_t)(groups[index] >> 8);
		out[2 * target + 1] = (uint8_t)groups[index];
	}
	return 1;
}

int zsock_inet_pton(sa_family_t family, const char *src, void *dst)
{
	uint8_t parsed[16];

	if (family == AF_INET) {
		if (!parse_ipv4(src, parsed)) {
			return 0;
		}
		memcpy(dst, parsed, 4);
		return 1;
	}
	if (family == AF_INET6) {
		if (!parse_ipv6(src, parsed)) {
			return 0;
		}
		memcpy(dst, parsed, 16);
		return 1;
	}
	errno = EAFNOSUPPORT;
	return -1;
}

char *zsock_inet_ntop(sa_family_t family, const void *src, char *dst, size_t size)
{
	const uint8_t *raw = src;
	char text[INET6_ADDRSTRLEN];
	int length;

	if (family == AF_INET) {
		length = snprintk(text, sizeof(text), "%u.%u.%u.%u", raw[0], raw[1], raw[2],
				  raw[3]);
	} else if (family == AF_INET6) {
		/* RFC 5952: lower case, no leading zeros, the longest run of two or more zero
		 * groups (the first of equals) as "::". */
		uint16_t groups[8];
		int best = -1, best_length = 1;

		for (int index = 0; index < 8; index++) {
			groups[index] = (uint16_t)(raw[2 * index] << 8 | raw[2 * index + 1]);
		}
		for (int index = 0; index < 8;) {
			int run = 0;

			while (index + run < 8 && groups[index + run] == 0) {
				run++;
			}
			if (run > best_length) {
				best = index;
				best_length = run;
			}
			index += run ? run : 1;
		}
		length = 0;
		for (int index = 0; index < 8; index++) {
			if (index == best) {
				length += snprintk(text + length, sizeof(text) - (size_t)length, "::");
				index += best_length - 1;
				continue;
			}
			length += snprintk(text + length, sizeof(text) - (size_t)length, "%s%x",
					   (index == 0 || index == best + best_length) ? "" : ":",
					   groups[index]);
		}
	} else {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	if ((size_t)length >= size) {
		errno = ENOSPC;
		return NULL;
	}
	memcpy(dst, text, (size_t)length + 1);
	return dst;
}

/* ---- getaddrinfo ------------------------------------------------------------------------ */

__weak int z_levante_resolve_name(const char *host, uint16_t port,
				  const struct zsock_addrinfo *hints,
				  struct zsock_addrinfo **res)
{
	ARG_UNUSED(host);
	ARG_UNUSED(port);
	ARG_UNUSED(hints);
	ARG_UNUSED(res);
	return DNS_EAI_FAIL; /* no resolver in this build */
}

struct zsock_addrinfo *z_levante_addrinfo_new(int family, const uint8_t *address,
					      uint16_t port, const struct zsock_addrinfo *hints)
{
	struct zsock_addrinfo *info = calloc(1, sizeof(*info));

	if (info == NULL) {
		return NULL;
	}
	info->ai_family = family;
	info->ai_socktype = SOCK_STREAM;
	info->ai_protocol = IPPROTO_TCP;
	if (hints != NULL && hints->ai_socktype == SOCK_DGRAM) {
		info->ai_socktype = SOCK_DGRAM;
		info->ai_protocol = IPPROTO_UDP;
	}
	info->ai_addr = &info->_ai_addr;
	if (family == AF_INET) {
		struct sockaddr_in *in = net_sin(info->ai_addr);

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		memcpy(&in->sin_addr, address, 4);
		info->ai_addrlen = sizeof(struct sockaddr_in);
	} else {
		struct sockaddr_in6 *in6 = net_sin6(info->ai_addr);

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		memcpy(&in6->sin6_addr, address, 16);
		info->ai_addrlen = sizeof(struct sockaddr_in6);
	}
	return info;
}

int zsock_getaddrinfo(const char *host, const char *service,
		      const struct zsock_addrinfo *hints, struct zsock_addrinfo **res)
{
	int family = hints != NULL ? hints->ai_family : AF_UNSPEC;
	int flags = hints != NULL ? hints->ai_flags : 0;
	long port = 0;
	uint8_t address[16];

	if (res == NULL) {
		return DNS_EAI_SYSTEM;
	}
	if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) {
		return DNS_EAI_ADDRFAMILY;
	}
	if (service != NULL) {
		char *end;

		port = strtol(service, &end, 10);
		if (*service == '\0' || *end != '\0' || port < 0 || port > 65535) {
			return DNS_EAI_NONAME; /* services are port numbers only */
		}
	}
	if (host == NULL) {
		/* No host: the wildcard address for a server (AI_PASSIVE); Zephyr gives a
		 * client nothing. */
		if (!(flags & AI_PASSIVE)) {
			return DNS_EAI_FAIL;
		}
		memset(address, 0, sizeof(address));
		*res = z_levante_addrinfo_new(family == AF_INET6 ? AF_INET6 : AF_INET, address,
				  (uint16_t)port, hints);
		return *res != NULL ? 0 : DNS_EAI_MEMORY;
	}
	int literal = AF_UNSPEC;

	if (zsock_inet_pton(AF_INET, host, address) == 1) {
		literal = AF_INET;
	} else if (zsock_inet_pton(AF_INET6, host, address) == 1) {
		literal = AF_INET6;
	}
	if (literal != AF_UNSPEC) {
		if (family != AF_UNSPEC && family != literal) {
			return DNS_EAI_NONAME;
		}
		*res = z_levante_addrinfo_new(literal, address, (uint16_t)port, hints);
		return *res != NULL ? 0 : DNS_EAI_MEMORY;
	}
	if (flags & AI_NUMERICHOST) {
		return DNS_EAI_FAIL; /* a name, where only a number was allowed */
	}
	return z_levante_resolve_name(host, (uint16_t)port, hints, res);
}

void zsock_freeaddrinfo(struct zsock_addrinfo *ai)
{
	while (ai != NULL) {
		struct zsock_addrinfo *next = ai->ai_next;

		free(ai);
		ai = next;
	}
}

const char *zsock_gai_strerror(int errcode)
{
	switch (errcode) {
	case 0: return "Success";
	case DNS_EAI_BADFLAGS: return "Invalid value for ai_flags field";
	case DNS_EAI_NONAME: return "NAME or SERVICE is unknown";
	case DNS_EAI_AGAIN: return "Temporary failure in name resolution";
	case DNS_EAI_FAIL: return "Non-recoverable failure in name res";
	case DNS_EAI_NODATA: return "No address associated with NAME";
	case DNS_EAI_FAMILY: return "ai_family not supported";
	case DNS_EAI_SOCKTYPE: return "ai_socktype not supported";
	case DNS_EAI_SERVICE: return "SRV not supported for ai_socktype";
	case DNS_EAI_ADDRFAMILY: return "Address family for NAME not supported";
	case DNS_EAI_MEMORY: return "Memory allocation failure";
	case DNS_EAI_SYSTEM: return "System error returned in errno";
	case DNS_EAI_OVERFLOW: return "Argument buffer overflow";
	default: return "Unknown error";
	}
}

/* ---- select over poll ------------------------------------------------------------------- */

void ZSOCK_FD_ZERO(zsock_fd_set *set)
{
	memset(set, 0, sizeof(*set));
}

int ZSOCK_FD_ISSET(int fd, zsock_fd_set *set)
{
	if (fd < 0 || (size_t)fd >= ZSOCK_FD_SETSIZE) {
		return 0;
	}
	return (set->bitset[fd / 32] >> (fd % 32)) & 1u;
}

void ZSOCK_FD_CLR(int fd, zsock_fd_set *set)
{
	if (fd >= 0 && (size_t)fd < ZSOCK_FD_SETSIZE) {
		set->bitset[fd / 32] &= ~(1u << (fd % 32));
	}
}

void ZSOCK_FD_SET(int fd, zsock_fd_set *set)
{
	if (fd >= 0 && (size_t)fd < ZSOCK_FD_SETSIZE) {
		set->bitset[fd / 32] |= 1u << (fd % 32);
	}
}

int zsock_select(int nfds, zsock_fd_set *readfds, zsock_fd_set *writefds,
		 zsock_fd_set *exceptfds, struct zsock_timeval *timeout)
{
	struct zsock_pollfd fds[CONFIG_NET_SOCKETS_POLL_MAX];
	int count = 0;

	if (nfds < 0 || (size_t)nfds > ZSOCK_FD_SETSIZE) {
		errno = EINVAL;
		return -1;
	}
	for (int fd = 0; fd < nfds; fd++) {
		short events = 0;

		if (readfds != NULL && ZSOCK_FD_ISSET(fd, readfds)) {
			events |= ZSOCK_POLLIN;
		}
		if (writefds != NULL && ZSOCK_FD_ISSET(fd, writefds)) {
			events |= ZSOCK_POLLOUT;
		}
		if (exceptfds != NULL && ZSOCK_FD_ISSET(fd, exceptfds)) {
			events |= ZSOCK_POLLPRI;
		}
		if (events == 0) {
			continue;
		}
		if (count == CONFIG_NET_SOCKETS_POLL_MAX) {
			errno = ENOMEM; /* more descriptors than one poll takes */
			return -1;
		}
		fds[count].fd = fd;
		fds[count].events = events;
		fds[count].revents = 0;
		count++;
	}
	int milliseconds = -1;

	if (timeout != NULL) {
		if (timeout->tv_sec < 0 || timeout->tv_usec < 0) {
			errno = EINVAL;
			return -1;
		}
		long long total = timeout->tv_sec * 1000 + (timeout->tv_usec + 999) / 1000;

		milliseconds = total > INT32_MAX ? INT32_MAX : (int)total;
	}
	int ready = zsock_poll(fds, count, milliseconds);

	if (ready < 0) {
		return -1;
	}
	int set = 0;

	for (int index = 0; index < count; index++) {
		int fd = fds[index].fd;
		short revents = fds[index].revents;

		if (revents & ZSOCK_POLLNVAL) {
			errno = EBADF;
			return -1;
		}
		if (readfds != NULL) {
			if (revents & (ZSOCK_POLLIN | ZSOCK_POLLHUP | ZSOCK_POLLERR)) {
				set++;
			} else {
				ZSOCK_FD_CLR(fd, readfds);
			}
		}
		if (writefds != NULL) {
			if (revents & (ZSOCK_POLLOUT | ZSOCK_POLLERR)) {
				set++;
			} else {
				ZSOCK_FD_CLR(fd, writefds);
			}
		}
		if (exceptfds != NULL) {
			if (revents & ZSOCK_POLLPRI) {
				set++;
			} else {
				ZSOCK_FD_CLR(fd, exceptfds);
			}
		}
	}
	return set;
}

#endif /* CONFIG_NET_SOCKETS */

#if defined(CONFIG_NET_SOCKETS) && (defined(CONFIG_PICOLIBC) || defined(CONFIG_MINIMAL_LIBC))
#include <unistd.h>

/* picolibc has no descriptor calls of its own here (its console is a stream): close,
 * read and write serve the sockets' descriptors (3 and up), as newlib's hooks do
 * (libc_glue.c); write to 1 or 2 is the console's, anything else is no descriptor. */
int close(int fd)
{
	if (fd > 2) {
		return zsock_close(fd);
	}
	errno = EBADF;
	return -1;
}

ssize_t read(int fd, void *buf, size_t len)
{
	if (fd > 2) {
		return zsock_recv(fd, buf, len, 0);
	}
	errno = EBADF;
	return -1;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	if (fd > 2) {
		return zsock_send(fd, buf, len, 0);
	}
	if (fd == 1 || fd == 2) {
		k_str_out((char *)buf, len);
		return (ssize_t)len;
	}
	errno = EBADF;
	return -1;
}
#endif
