/* test_conv.c - conversation helpers that need no server (sc_conv.h): the
 * title rule, the 403/404 answer and id lists. The SQL parts are covered by
 * tests/integration/cases-conversations.sh. */
#include "t_common.h"

#include "sc_arena.h"
#include "sc_conv.h"
#include "sc_resp.h"

static int title_ok(const char *s)
{
	return sc_conv_title_valid(s, strlen(s));
}

/* n copies of s */
static char *rep(char *out, const char *s, int n)
{
	int i;
	out[0] = '\0';
	for (i = 0; i < n; i++)
		strcat(out, s);
	return out;
}

static void test_title_ok(void **state)
{
	char buf[512];
	(void)state;
	assert_true(title_ok("Team"));
	assert_true(title_ok("x"));
	assert_true(title_ok(" padded "));            /* stored as given */
	assert_true(title_ok("Caf\xc3\xa9 \xf0\x9f\x98\x80"));   /* é and an emoji */
	assert_true(title_ok(rep(buf, "a", 100)));
	assert_true(title_ok(rep(buf, "\xc3\xa9", 100)));        /* 100 characters, 200 bytes */
	assert_true(title_ok(rep(buf, "\xf0\x9f\x98\x80", 100))); /* 400 bytes */
}

static void test_title_refused(void **state)
{
	char buf[512];
	(void)state;
	assert_false(title_ok(""));
	assert_false(title_ok(" "));
	assert_false(title_ok("     "));              /* only spaces */
	assert_false(title_ok(rep(buf, "a", 101)));
	assert_false(title_ok(rep(buf, "\xc3\xa9", 101)));
	assert_false(title_ok("a\tb"));               /* control characters */
	assert_false(title_ok("a\nb"));
	assert_false(title_ok("a\rb"));
	assert_false(title_ok("\x1b[31mred"));
	assert_false(title_ok("del\x7f"));
	assert_false(title_ok("c1 \xc2\x85 next line"));  /* U+0085 */
	assert_false(title_ok("\xc2\x9f"));               /* U+009F */
	assert_true(title_ok("nbsp\xc2\xa0ok"));           /* U+00A0 is not a control */
	assert_false(title_ok("\t"));
	assert_false(title_ok("bad \xc3"));           /* invalid UTF-8 */
	assert_false(title_ok("\xc0\xaf"));           /* overlong */
	assert_false(title_ok("\xed\xa0\x80"));       /* surrogate */
	assert_false(title_ok("\xff"));
	/* the length is honoured: a NUL inside is a control character */
	assert_false(sc_conv_title_valid("ab\0cd", 5));
	assert_true(sc_conv_title_valid("ab\0cd", 2));
	assert_false(sc_conv_title_valid("abc", 0));
}

static void test_denied(void **state)
{
	sc_arena a;
	sc_resp resp;
	(void)state;
	sc_arena_init(&a);
	sc_resp_init(&resp, &a);
	assert_int_equal(sc_conv_denied(&resp, 0, "conversation"), -1);
	assert_int_equal(resp.status, 404);
	assert_string_equal(resp.err_code, "NOT_FOUND");
	assert_string_equal(resp.err_msg, "no such conversation");
	sc_resp_init(&resp, &a);
	assert_int_equal(sc_conv_denied(&resp, 1, "conversation"), -1);
	assert_int_equal(resp.status, 403);
	assert_string_equal(resp.err_code, "FORBIDDEN");
	sc_arena_cleanup(&a);
}

static void expect_ids(const char *csv, const char *json)
{
	json_object *o = sc_conv_ids_json(csv);
	assert_string_equal(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), json);
	json_object_put(o);
}

static void test_ids_json(void **state)
{
	(void)state;
	expect_ids(NULL, "[]");
	expect_ids("", "[]");
	expect_ids("a", "[\"a\"]");
	expect_ids("a,b", "[\"a\",\"b\"]");
	expect_ids(",a,,b,", "[\"a\",\"b\"]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_title_ok),
		cmocka_unit_test(test_title_refused),
		cmocka_unit_test(test_denied),
		cmocka_unit_test(test_ids_json),
	};
	return cmocka_run_group_tests_name("sc_conv", tests, NULL, NULL);
}
