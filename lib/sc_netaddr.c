/* sc_netaddr.c - special-purpose addresses (sc_netaddr.h). */
#include "sc_netaddr.h"

#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

static int v4_special(uint32_t a)   /* host order */
{
	static const struct { uint32_t net, mask; } r[] = {
		{ 0x00000000, 0xff000000 }, { 0x0a000000, 0xff000000 }, { 0x64400000, 0xffc00000 },
		{ 0x7f000000, 0xff000000 }, { 0xa9fe0000, 0xffff0000 }, { 0xac100000, 0xfff00000 },
		{ 0xc0000000, 0xffffff00 }, { 0xc0000200, 0xffffff00 }, { 0xc0586300, 0xffffff00 },
		{ 0xc0a80000, 0xffff0000 }, { 0xc6120000, 0xfffe0000 }, { 0xc6336400, 0xffffff00 },
		{ 0xcb007100, 0xffffff00 }, { 0xe0000000, 0xf0000000 }, { 0xf0000000, 0xf0000000 },
	};
	size_t i;

	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		if ((a & r[i].mask) == r[i].net)
			return 1;
	return 0;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int v6_special(const unsigned char *a)
{
	static const unsigned char zero12[12], mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff },
		nat64[12] = { 0, 0x64, 0xff, 0x9b }, disc[8] = { 0x01, 0x00 };

	if (memcmp(a, zero12, 12) == 0 || memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0)
		return v4_special(be32(a + 12)) || memcmp(a, zero12, 12) == 0;
	if ((a[0] & 0xfe) == 0xfc || a[0] == 0xff)                 /* fc00::/7, ff00::/8 */
		return 1;
	if (a[0] == 0xfe && (a[1] & 0x80) == 0x80)                 /* fe80::/10, fec0::/10 */
		return 1;
	if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8)   /* 2001:db8::/32 */
		return 1;
	return memcmp(a, disc, 8) == 0;                            /* 100::/64 */
}

int sc_netaddr_special(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return v4_special(ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr));
	if (sa->sa_family == AF_INET6)
		return v6_special(((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr);
	return 1;
}
