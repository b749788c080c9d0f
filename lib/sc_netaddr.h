/* sc_netaddr.h - which addresses an outbound request made on a user's behalf
 * must not reach (a Web Push subscription endpoint is a URL the user chose).
 *
 * Special: IPv4 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12,
 * 192.0.0/24, 192.0.2/24, 192.88.99/24, 192.168/16, 198.18/15, 198.51.100/24,
 * 203.0.113/24, 224/4, 240/4 (RFC 6890, multicast, reserved); IPv6 ::, ::1,
 * fc00::/7, fe80::/10, fec0::/10, ff00::/8, 2001:db8::/32, 100::/64, and
 * IPv4-mapped, IPv4-compatible and NAT64 (64:ff9b::/96) addresses whose IPv4
 * address is special. */
#ifndef SC_NETADDR_H
#define SC_NETADDR_H

#include <sys/socket.h>

/* 1 when sa (AF_INET or AF_INET6) is special as above; any other family: 1. */
int sc_netaddr_special(const struct sockaddr *sa);

#endif
