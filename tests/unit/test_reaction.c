/* test_reaction.c - the emoji rule and the UUID body field (sc_reaction). */
#include "t_common.h"

#include <json-c/json.h>

#include "sc_reaction.h"

#define OK(s)  assert_int_equal(sc_reaction_emoji_valid(s, strlen(s)), 1)
#define BAD(s) assert_int_equal(sc_reaction_emoji_valid(s, strlen(s)), 0)

static void test_emoji_accepted(void **state)
{
	(void)state;
	OK("\xf0\x9f\x91\x8d");                                   /* thumbs up */
	OK("\xe2\x9d\xa4\xef\xb8\x8f");                           /* heart + VS16 */
	OK("\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd");                   /* skin tone */
	OK("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7");  /* ZWJ */
	OK("+1");
	OK(":thumbsup:");
	OK("\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d"
	   "\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d"); /* 32 bytes */
}

static void test_emoji_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"a b", " x", "x ", "\t", "\n", "x\r", "\x7f", "\x01",
		"\xc2\x85",           /* NEL */
		"\xc2\xa0",           /* no-break space */
		"\xc2\x9f",           /* C1 control */
		"\xe1\x9a\x80",       /* ogham space */
		"\xe2\x80\x80", "\xe2\x80\x8a", "\xe2\x80\x8b",   /* en quad, hair space, ZWSP */
		"\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe2\x81\xa0",
		"\xe3\x80\x80",       /* ideographic space */
		"\xef\xbb\xbf",       /* BOM */
		"\xff", "\xc3", "\xed\xa0\x80",                   /* not UTF-8, surrogate */
		"\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d"
		"\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d!", /* 33 bytes */
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (sc_reaction_emoji_valid(bad[i], strlen(bad[i])) != 0)
			fail_msg("accepted bad emoji #%zu", i);
	}
	/* n is honoured: an embedded NUL is not part of a shorter valid prefix */
	assert_int_equal(sc_reaction_emoji_valid("x\0y", 3), 0);
	/* ZWJ alone is not white space */
	OK("\xe2\x80\x8d");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emoji_accepted),
		cmocka_unit_test(test_emoji_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
