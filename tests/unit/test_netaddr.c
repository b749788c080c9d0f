/* test_netaddr.c - the addresses a Web Push endpoint may not resolve to. */
#include "t_common.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "sc_netaddr.h"

static int special(const char *text)
{
	struct sockaddr_in v4 = { .sin_family = AF_INET };
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6 };

	if (inet_pton(AF_INET, text, &v4.sin_addr) == 1)
		return sc_netaddr_special((struct sockaddr *)&v4);
	assert_int_equal(inet_pton(AF_INET6, text, &v6.sin6_addr), 1);
	return sc_netaddr_special((struct sockaddr *)&v6);
}

static void test_special(void **state)
{
	static const char *const yes[] = {
		"0.0.0.0", "10.1.2.3", "100.64.0.1", "100.127.255.255", "127.0.0.1", "127.255.0.9",
		"169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.1",
		"192.88.99.1", "192.168.1.1", "198.18.0.1", "198.19.255.255", "198.51.100.7",
		"203.0.113.9", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
		"::", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1", "ff02::1",
		"2001:db8::1", "100::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1",
		"64:ff9b::a9fe:a9fe", "64:ff9b::7f00:1",
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!special(yes[i]))
			fail_msg("%s should be special", yes[i]);
	}
}

static void test_public(void **state)
{
	static const char *const no[] = {
		"1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.1", "100.63.255.255", "100.128.0.1",
		"126.255.255.255", "128.0.0.1", "169.253.1.1", "172.15.255.255", "172.32.0.1",
		"192.0.1.1", "192.167.1.1", "192.169.0.1", "198.17.255.255", "198.20.0.1",
		"223.255.255.255", "142.250.185.78",
		"2a00:1450:4001:82a::200a", "2606:4700::6810:85e5", "::ffff:8.8.8.8",
		"64:ff9b::808:808", "fbff::1", "fe7f::1", "2001:db9::1", "100:0:0:1::1",
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		if (special(no[i]))
			fail_msg("%s should not be special", no[i]);
	}
}

static void test_other_family(void **state)
{
	struct sockaddr sa = { .sa_family = AF_UNIX };
	(void)state;
	assert_int_equal(sc_netaddr_special(&sa), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_special),
		cmocka_unit_test(test_public),
		cmocka_unit_test(test_other_family),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
