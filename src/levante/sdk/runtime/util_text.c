/* Hex and decimal text conversions declared in <zephyr/sys/util.h>. */
#include <errno.h>
#include <zephyr/sys/util.h>

int char2hex(char c, uint8_t *x)
{
	if (c >= '0' && c <= '9') {
		*x = (uint8_t)(c - '0');
	} else if (c >= 'a' && c <= 'f') {
		*x = (uint8_t)(c - 'a' + 10);
	} else if (c >= 'A' && c <= 'F') {
		*x = (uint8_t)(c - 'A' + 10);
	} else {
		return -EINVAL;
	}
	return 0;
}

int hex2char(uint8_t x, char *c)
{
	if (x <= 9) {
		*c = (char)('0' + x);
	} else if (x <= 15) {
		*c = (char)('a' + x - 10);
	} else {
		return -EINVAL;
	}
	return 0;
}

size_t bin2hex(const uint8_t *buf, size_t buflen, char *hex, size_t hexlen)
{
	/* Compared by division so that a huge buflen cannot wrap the product around. */
	if (hexlen == 0 || buflen > (hexlen - 1) / 2) {
		return 0;
	}
	for (size_t i = 0; i < buflen; i++) {
		(void)hex2char(buf[i] >> 4, &hex[2 * i]);
		(void)hex2char(buf[i] & 0x0f, &hex[2 * i + 1]);
	}
	hex[2 * buflen] = '\0';
	return 2 * buflen;
}

size_t hex2bin(const char *hex, size_t hexlen, uint8_t *buf, size_t buflen)
{
	size_t bytes = hexlen / 2 + hexlen % 2;
	uint8_t high;
	uint8_t low;

	if (buflen < bytes) {
		return 0;
	}
	/* An odd count: the first digit stands alone, as the low half of the first byte. */
	size_t out = 0;

	if (hexlen % 2 != 0) {
		if (char2hex(*hex++, &low) != 0) {
			return 0;
		}
		buf[out++] = low;
	}
	for (; out < bytes; out++, hex += 2) {
		if (char2hex(hex[0], &high) != 0 || char2hex(hex[1], &low) != 0) {
			return 0;
		}
		buf[out] = (uint8_t)((high << 4) | low);
	}
	return bytes;
}

uint8_t u8_to_dec(char *buf, uint8_t buflen, uint8_t value)
{
	uint8_t written = 0;

	/* Hundreds, tens, units; leading zeros dropped but a lone 0 kept. */
	for (uint8_t divisor = 100; divisor > 0 && written < buflen; divisor /= 10) {
		uint8_t digit = value / divisor;

		value %= divisor;
		if (digit != 0 || written != 0 || divisor == 1) {
			buf[written++] = (char)('0' + digit);
		}
	}
	if (written < buflen) {
		buf[written] = '\0';
	}
	return written;
}
