/* test_json.c - strict RFC 8259 validation, object parsing, typed getters. */
#include "t_common.h"

#include "sc_json.h"
#include "sc_limits.h"

static int val(const char *s, const char **why)
{
	*why = NULL;
	return sc_json_validate(s, strlen(s), why);
}

static void accepts(const char *s)
{
	const char *why = NULL;
	if (val(s, &why) != 0)
		fail_msg("refused %s: %s", s, why ? why : "(no reason)");
}

static void rejects(const char *s)
{
	const char *why = NULL;
	if (val(s, &why) != -1)
		fail_msg("accepted %s", s);
	assert_non_null(why);
	assert_true(strlen(why) > 0);
}

static void test_accepts_rfc(void **state)
{
	(void)state;
	accepts("{}");
	accepts("[]");
	accepts("{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}");
	accepts("0");
	accepts("-0");
	accepts("1.5e10");
	accepts("-1.5E-10");
	accepts("1e+5");
	accepts("0.0");
	accepts("123456789012345678901234567890");
	accepts("\"str\"");
	accepts("true");
	accepts("null");
	accepts(" \t\r\n{ \"a\" : [ 1 , 2 ] }");
	accepts("{}   \n\t\r ");                       /* trailing whitespace */
	accepts("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"");
	accepts("\"\\u0041\\u00e9\\uFFFF\"");
	accepts("\"\\ud83d\\ude00\"");                 /* valid surrogate pair */
	accepts("\"\\uD83D\\uDE00\"");
	accepts("\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");   /* raw UTF-8 */
	accepts("\"\x7f\"");                           /* DEL is not a control char in JSON */
	accepts("{\"\":\"\"}");
}

static void test_rejects_extensions(void **state)
{
	(void)state;
	rejects("[1,]");
	rejects("{\"a\":1,}");
	rejects("[,1]");
	rejects("{,}");
	rejects("{'a':1}");
	rejects("{\"a\":'x'}");
	rejects("NaN");
	rejects("[NaN]");
	rejects("{\"a\":NaN}");
	rejects("Infinity");
	rejects("-Infinity");
	rejects("[Infinity]");
	rejects("/* c */ {}");
	rejects("{} // c");
	rejects("{/* c */}");
	rejects("# c\n{}");
	rejects("{a:1}");
	rejects("{1:2}");
	rejects("{\"a\"}");
	rejects("{\"a\":}");
	rejects("{\"a\" 1}");
	rejects("[1 2]");
	rejects("True");
	rejects("nul");
	rejects("undefined");
}

static void test_rejects_numbers(void **state)
{
	(void)state;
	rejects("01");
	rejects("-01");
	rejects("00");
	rejects("1.");
	rejects(".5");
	rejects("-");
	rejects("-.5");
	rejects("+1");
	rejects("1e");
	rejects("1e+");
	rejects("1.e5");
	rejects("0x10");
	rejects("1_000");
	rejects("[01]");
	rejects("{\"a\":1.}");
}

static void test_rejects_strings(void **state)
{
	(void)state;
	rejects("\"\\ud800\"");            /* lone high surrogate */
	rejects("\"\\udc00\"");            /* lone low surrogate */
	rejects("\"\\ud800x\"");
	rejects("\"\\ud800\\u0041\"");     /* high + non-low */
	rejects("\"\\ud800\\ud800\"");
	rejects("\"\\ude00\\ud83d\"");     /* reversed pair */
	rejects("\"\\u0000\"");
	rejects("\"\\u12\"");
	rejects("\"\\u12G4\"");
	rejects("\"\\x41\"");
	rejects("\"\\a\"");
	rejects("\"\\'\"");
	rejects("\"a\tb\"");               /* raw control characters */
	rejects("\"a\nb\"");
	rejects("\"\x01\"");
	rejects("\"\x1f\"");
	rejects("\"unterminated");
	rejects("\"\\");
	rejects("\"\xc0\xaf\"");           /* overlong */
	rejects("\"\xed\xa0\x80\"");       /* encoded surrogate */
	rejects("\"\xe2\x82\"");           /* truncated */
	rejects("\"\xff\"");
	rejects("\"\x80\"");
	rejects("\"\xf4\x90\x80\x80\"");   /* above U+10FFFF */
}

static void test_rejects_framing(void **state)
{
	const char *why;
	(void)state;
	rejects("");
	rejects("   ");
	rejects("{} x");
	rejects("{}{}");
	rejects("{} ,");
	rejects("[1]]");
	rejects("{");
	rejects("[");
	rejects("{\"a\":1");
	rejects("{\f}");                   /* form feed is not JSON whitespace */
	rejects("\v{}");
	rejects("\xc2\xa0{}");             /* NBSP */
	/* an embedded NUL after the value is trailing garbage */
	assert_int_equal(sc_json_validate("{}\0", 3, &why), -1);
	assert_int_equal(sc_json_validate("\"a\0b\"", 5, &why), -1);
	/* length is honoured: a valid prefix of the buffer is accepted */
	assert_int_equal(sc_json_validate("{}garbage", 2, &why), 0);
	assert_int_equal(sc_json_validate("{\"a\":1}", 6, &why), -1);
}

/* n nested arrays around 1 */
static char *nest(size_t n, char open, char close, const char *inner)
{
	size_t il = strlen(inner), i;
	char *s = malloc(2 * n + il + 1);
	assert_non_null(s);
	for (i = 0; i < n; i++)
		s[i] = open;
	memcpy(s + n, inner, il);
	for (i = 0; i < n; i++)
		s[n + il + i] = close;
	s[2 * n + il] = '\0';
	return s;
}

static void test_depth(void **state)
{
	char *s;
	(void)state;
	s = nest(SC_LIMIT_JSON_DEPTH, '[', ']', "1");
	accepts(s);
	free(s);
	s = nest(SC_LIMIT_JSON_DEPTH + 1, '[', ']', "1");
	rejects(s);
	free(s);
	s = nest(10000, '[', ']', "");
	rejects(s);
	free(s);
}

static void test_depth_objects_parse(void **state)
{
	sc_arena a;
	json_object *o;
	const char *why;
	char buf[64 * 8];
	size_t i, n = 0;
	(void)state;
	sc_arena_init(&a);
	for (i = 0; i < SC_LIMIT_JSON_DEPTH; i++)
		n += (size_t)sprintf(buf + n, "{\"k\":");
	buf[n++] = '1';
	for (i = 0; i < SC_LIMIT_JSON_DEPTH; i++)
		buf[n++] = '}';
	buf[n] = '\0';
	assert_int_equal(sc_json_parse_object(&a, buf, n, &o, &why), 0);
	assert_non_null(o);
	/* one more level */
	memmove(buf + 5, buf, n + 1);
	memcpy(buf, "{\"k\":", 5);
	n += 5;
	buf[n++] = '}';
	buf[n] = '\0';
	assert_int_equal(sc_json_parse_object(&a, buf, n, &o, &why), -1);
	assert_null(o);
	sc_arena_cleanup(&a);
}

static void test_parse_object(void **state)
{
	sc_arena a;
	json_object *o, *v;
	const char *why;
	static const char body[] = "{\"name\":\"x\",\"n\":5} \n";
	(void)state;
	sc_arena_init(&a);
	assert_int_equal(sc_json_parse_object(&a, body, sizeof(body) - 1, &o, &why), 0);
	assert_true(json_object_is_type(o, json_type_object));
	assert_true(json_object_object_get_ex(o, "n", &v));
	assert_int_equal(json_object_get_int(v), 5);
	/* the object lives on the arena: ASan/cmocka see a leak if it is not put */
	sc_arena_cleanup(&a);
}

static void test_parse_object_refuses_non_objects(void **state)
{
	static const char *bad[] = { "[1]", "[]", "\"x\"", "1", "0", "true", "null", "-1.5" };
	sc_arena a;
	json_object *o;
	const char *why;
	size_t i;
	(void)state;
	sc_arena_init(&a);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = (json_object *)&o;
		why = NULL;
		assert_int_equal(sc_json_parse_object(&a, bad[i], strlen(bad[i]), &o, &why), -1);
		assert_null(o);
		assert_non_null(why);
	}
	/* invalid JSON carries the validator's reason */
	assert_int_equal(sc_json_parse_object(&a, "{\"a\":1,}", 8, &o, &why), -1);
	assert_non_null(why);
	assert_int_equal(sc_json_parse_object(&a, "", 0, &o, &why), -1);
	assert_non_null(why);
	sc_arena_cleanup(&a);
}

static void test_dump(void **state)
{
	json_object *o = json_object_new_object();
	size_t len;
	const char *s;
	(void)state;
	json_object_object_add(o, "url", json_object_new_string("a/b"));
	json_object_object_add(o, "n", json_object_new_int(1));
	s = sc_json_dump(o, &len);
	assert_string_equal(s, "{\"url\":\"a/b\",\"n\":1}");
	assert_int_equal(len, strlen(s));
	json_object_put(o);
}

/* ---- getters ---- */

static json_object *doc;
static sc_arena garena;

static int getters_setup(void **state)
{
	static const char body[] =
	    "{\"name\":\"Ann\",\"accent\":\"\xc3\xa9\xc3\xa9\xc3\xa9\",\"empty\":\"\","
	    "\"n\":42,\"neg\":-7,\"big\":9007199254740993,\"f\":1.5,\"s5\":\"5\","
	    "\"t\":true,\"no\":false,\"nil\":null,\"obj\":{\"x\":1},\"arr\":[1,2,3],"
	    "\"earr\":[]}";
	const char *why;
	(void)state;
	sc_arena_init(&garena);
	if (sc_json_parse_object(&garena, body, sizeof(body) - 1, &doc, &why) != 0)
		return -1;
	return 0;
}

static int getters_teardown(void **state)
{
	(void)state;
	sc_arena_cleanup(&garena);
	return 0;
}

static void names_field(const sc_verr *e, const char *field)
{
	assert_non_null(e->field);
	assert_string_equal(e->field, field);
	assert_true(strncmp(e->msg, field, strlen(field)) == 0);
	assert_int_equal(e->msg[strlen(field)], ':');
}

static void test_get_str(void **state)
{
	const char *s = NULL;
	size_t len = 0;
	sc_verr e;
	(void)state;
	assert_int_equal(sc_json_get_str(doc, "name", SC_REQUIRED, 1, 50, &s, &len, &e), 1);
	assert_string_equal(s, "Ann");
	assert_int_equal(len, 3);
	/* absent / null: optional -> 0, required -> -1 naming the field */
	s = "untouched";
	assert_int_equal(sc_json_get_str(doc, "missing", SC_OPTIONAL, 1, 50, &s, &len, &e), 0);
	assert_string_equal(s, "untouched");
	assert_int_equal(sc_json_get_str(doc, "nil", SC_OPTIONAL, 1, 50, &s, &len, &e), 0);
	memset(&e, 0, sizeof(e));
	assert_int_equal(sc_json_get_str(doc, "missing", SC_REQUIRED, 1, 50, &s, &len, &e), -1);
	names_field(&e, "missing");
	assert_int_equal(sc_json_get_str(doc, "nil", SC_REQUIRED, 1, 50, &s, &len, &e), -1);
	names_field(&e, "nil");
	/* wrong types */
	assert_int_equal(sc_json_get_str(doc, "n", SC_REQUIRED, 0, 50, &s, &len, &e), -1);
	names_field(&e, "n");
	assert_int_equal(sc_json_get_str(doc, "obj", SC_OPTIONAL, 0, 50, &s, &len, &e), -1);
	names_field(&e, "obj");
	/* range, inclusive at both ends */
	assert_int_equal(sc_json_get_str(doc, "name", SC_REQUIRED, 3, 3, &s, &len, &e), 1);
	assert_int_equal(sc_json_get_str(doc, "name", SC_REQUIRED, 4, 50, &s, &len, &e), -1);
	names_field(&e, "name");
	assert_string_equal(e.msg, "name: must be a string of 4..50 characters");
	assert_int_equal(sc_json_get_str(doc, "name", SC_REQUIRED, 1, 2, &s, &len, &e), -1);
	assert_int_equal(sc_json_get_str(doc, "empty", SC_REQUIRED, 1, 50, &s, &len, &e), -1);
	names_field(&e, "empty");
	assert_int_equal(sc_json_get_str(doc, "empty", SC_REQUIRED, 0, 50, &s, &len, &e), 1);
	assert_int_equal(len, 0);
}

static void test_get_str_counts_characters(void **state)
{
	const char *s;
	size_t len;
	sc_verr e;
	(void)state;
	/* "ééé" is 6 bytes, 3 characters */
	assert_int_equal(sc_json_get_str(doc, "accent", SC_REQUIRED, 3, 3, &s, &len, &e), 1);
	assert_int_equal(len, 6);
	assert_int_equal(sc_json_get_str(doc, "accent", SC_REQUIRED, 1, 5, &s, &len, &e), 1);
	assert_int_equal(sc_json_get_str(doc, "accent", SC_REQUIRED, 4, 10, &s, &len, &e), -1);
	/* out_len may be NULL */
	assert_int_equal(sc_json_get_str(doc, "accent", SC_REQUIRED, 1, 5, &s, NULL, &e), 1);
}

static void test_get_int(void **state)
{
	long long v = 0;
	sc_verr e;
	(void)state;
	assert_int_equal(sc_json_get_int(doc, "n", SC_REQUIRED, 0, 100, &v, &e), 1);
	assert_int_equal(v, 42);
	assert_int_equal(sc_json_get_int(doc, "n", SC_REQUIRED, 42, 42, &v, &e), 1);
	assert_int_equal(sc_json_get_int(doc, "neg", SC_REQUIRED, -10, 0, &v, &e), 1);
	assert_int_equal(v, -7);
	assert_int_equal(sc_json_get_int(doc, "big", SC_REQUIRED, 0, 9007199254740993LL, &v, &e), 1);
	assert_true(v == 9007199254740993LL);
	v = 99;
	assert_int_equal(sc_json_get_int(doc, "missing", SC_OPTIONAL, 0, 100, &v, &e), 0);
	assert_int_equal(v, 99);
	assert_int_equal(sc_json_get_int(doc, "nil", SC_OPTIONAL, 0, 100, &v, &e), 0);
	assert_int_equal(sc_json_get_int(doc, "missing", SC_REQUIRED, 0, 100, &v, &e), -1);
	names_field(&e, "missing");
	assert_int_equal(sc_json_get_int(doc, "n", SC_REQUIRED, 43, 100, &v, &e), -1);
	names_field(&e, "n");
	assert_int_equal(sc_json_get_int(doc, "n", SC_REQUIRED, 0, 41, &v, &e), -1);
	assert_int_equal(sc_json_get_int(doc, "neg", SC_REQUIRED, 0, 100, &v, &e), -1);
	assert_int_equal(sc_json_get_int(doc, "big", SC_REQUIRED, 0, 9007199254740992LL, &v, &e), -1);
	/* wrong types: a float, a numeric string, a bool */
	assert_int_equal(sc_json_get_int(doc, "f", SC_REQUIRED, 0, 100, &v, &e), -1);
	names_field(&e, "f");
	assert_int_equal(sc_json_get_int(doc, "s5", SC_REQUIRED, 0, 100, &v, &e), -1);
	assert_int_equal(sc_json_get_int(doc, "t", SC_REQUIRED, 0, 100, &v, &e), -1);
	assert_int_equal(v, 99);
}

static void test_get_bool(void **state)
{
	int b = 5;
	sc_verr e;
	(void)state;
	assert_int_equal(sc_json_get_bool(doc, "t", SC_REQUIRED, &b, &e), 1);
	assert_int_equal(b, 1);
	assert_int_equal(sc_json_get_bool(doc, "no", SC_REQUIRED, &b, &e), 1);
	assert_int_equal(b, 0);
	b = 5;
	assert_int_equal(sc_json_get_bool(doc, "missing", SC_OPTIONAL, &b, &e), 0);
	assert_int_equal(sc_json_get_bool(doc, "nil", SC_OPTIONAL, &b, &e), 0);
	assert_int_equal(b, 5);
	assert_int_equal(sc_json_get_bool(doc, "missing", SC_REQUIRED, &b, &e), -1);
	names_field(&e, "missing");
	assert_int_equal(sc_json_get_bool(doc, "n", SC_REQUIRED, &b, &e), -1);
	names_field(&e, "n");
	assert_int_equal(sc_json_get_bool(doc, "s5", SC_OPTIONAL, &b, &e), -1);
}

static void test_get_object(void **state)
{
	json_object *v = NULL;
	sc_verr e;
	(void)state;
	assert_int_equal(sc_json_get_object(doc, "obj", SC_REQUIRED, &v, &e), 1);
	assert_true(json_object_is_type(v, json_type_object));
	v = NULL;
	assert_int_equal(sc_json_get_object(doc, "missing", SC_OPTIONAL, &v, &e), 0);
	assert_int_equal(sc_json_get_object(doc, "nil", SC_OPTIONAL, &v, &e), 0);
	assert_int_equal(sc_json_get_object(doc, "nil", SC_REQUIRED, &v, &e), -1);
	names_field(&e, "nil");
	assert_int_equal(sc_json_get_object(doc, "arr", SC_REQUIRED, &v, &e), -1);
	names_field(&e, "arr");
	assert_null(v);
}

static void test_get_array(void **state)
{
	json_object *v = NULL;
	sc_verr e;
	(void)state;
	assert_int_equal(sc_json_get_array(doc, "arr", SC_REQUIRED, 1, 3, &v, &e), 1);
	assert_int_equal(json_object_array_length(v), 3);
	assert_int_equal(sc_json_get_array(doc, "earr", SC_REQUIRED, 0, 3, &v, &e), 1);
	assert_int_equal(sc_json_get_array(doc, "earr", SC_REQUIRED, 1, 3, &v, &e), -1);
	names_field(&e, "earr");
	assert_int_equal(sc_json_get_array(doc, "arr", SC_REQUIRED, 0, 2, &v, &e), -1);
	assert_int_equal(sc_json_get_array(doc, "arr", SC_REQUIRED, 4, 9, &v, &e), -1);
	assert_int_equal(sc_json_get_array(doc, "obj", SC_REQUIRED, 0, 9, &v, &e), -1);
	names_field(&e, "obj");
	assert_int_equal(sc_json_get_array(doc, "missing", SC_OPTIONAL, 0, 9, &v, &e), 0);
	assert_int_equal(sc_json_get_array(doc, "missing", SC_REQUIRED, 0, 9, &v, &e), -1);
	names_field(&e, "missing");
}

static void test_getters_null_object(void **state)
{
	const char *s;
	long long v;
	sc_verr e;
	(void)state;
	assert_int_equal(sc_json_get_str(NULL, "a", SC_OPTIONAL, 0, 5, &s, NULL, &e), 0);
	assert_int_equal(sc_json_get_int(NULL, "a", SC_REQUIRED, 0, 5, &v, &e), -1);
	names_field(&e, "a");
}

static void test_verr_set(void **state)
{
	sc_verr e;
	char longf[400];
	(void)state;
	assert_int_equal(sc_verr_set(&e, "email", "must be an e-mail address (%d)", 7), -1);
	assert_string_equal(e.field, "email");
	assert_string_equal(e.msg, "email: must be an e-mail address (7)");
	/* an overlong field name still gives a NUL-terminated message */
	memset(longf, 'f', sizeof(longf) - 1);
	longf[sizeof(longf) - 1] = '\0';
	assert_int_equal(sc_verr_set(&e, longf, "bad"), -1);
	assert_true(strlen(e.msg) < sizeof(e.msg));
}

static void test_get_uuid(void **state)
{
	json_object *o = json_tokener_parse("{\"a\":\"123E4567-E89B-12D3-A456-426614174000\","
	    "\"b\":\"nope\",\"c\":7,\"d\":null}");
	char out[37];
	sc_verr e;
	(void)state;
	assert_int_equal(sc_json_get_uuid(o, "a", SC_REQUIRED, out, &e), 1);
	assert_string_equal(out, "123e4567-e89b-12d3-a456-426614174000");
	assert_int_equal(sc_json_get_uuid(o, "b", SC_REQUIRED, out, &e), -1);
	assert_string_equal(e.field, "b");
	assert_int_equal(sc_json_get_uuid(o, "c", SC_OPTIONAL, out, &e), -1);
	assert_string_equal(e.field, "c");
	assert_int_equal(sc_json_get_uuid(o, "d", SC_REQUIRED, out, &e), -1);
	assert_int_equal(sc_json_get_uuid(o, "d", SC_OPTIONAL, out, &e), 0);
	assert_int_equal(sc_json_get_uuid(o, "missing", SC_OPTIONAL, out, &e), 0);
	assert_int_equal(sc_json_get_uuid(o, "missing", SC_REQUIRED, out, &e), -1);
	assert_string_equal(e.field, "missing");
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_uuid),
		cmocka_unit_test(test_accepts_rfc),
		cmocka_unit_test(test_rejects_extensions),
		cmocka_unit_test(test_rejects_numbers),
		cmocka_unit_test(test_rejects_strings),
		cmocka_unit_test(test_rejects_framing),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_depth_objects_parse),
		cmocka_unit_test(test_parse_object),
		cmocka_unit_test(test_parse_object_refuses_non_objects),
		cmocka_unit_test(test_dump),
		cmocka_unit_test_setup_teardown(test_get_str, getters_setup, getters_teardown),
		cmocka_unit_test_setup_teardown(test_get_str_counts_characters, getters_setup,
		    getters_teardown),
		cmocka_unit_test_setup_teardown(test_get_int, getters_setup, getters_teardown),
		cmocka_unit_test_setup_teardown(test_get_bool, getters_setup, getters_teardown),
		cmocka_unit_test_setup_teardown(test_get_object, getters_setup, getters_teardown),
		cmocka_unit_test_setup_teardown(test_get_array, getters_setup, getters_teardown),
		cmocka_unit_test(test_getters_null_object),
		cmocka_unit_test(test_verr_set),
	};
	return cmocka_run_group_tests_name("sc_json", tests, NULL, NULL);
}
