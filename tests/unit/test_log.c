/* test_log.c - one valid JSON line per sc_log() call. */
#include "t_common.h"

#include <json-c/json.h>
#include <unistd.h>

#include "sc_json.h"
#include "sc_limits.h"
#include "sc_log.h"

static int logfd = -1;
static char out[1 << 20];

static int setup(void **state)
{
	char path[] = "/tmp/sc-test-log-XXXXXX";
	(void)state;
	logfd = mkstemp(path);
	if (logfd < 0)
		return -1;
	unlink(path);
	sc_log_init("test/prog", logfd);
	sc_log_set_level(SC_LOG_INFO);
	sc_log_set_request_id(NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sc_log_init(NULL, 2);
	sc_log_set_level(SC_LOG_INFO);
	sc_log_set_request_id(NULL);
	close(logfd);
	return 0;
}

/* Everything written so far; the file is emptied for the next read. */
static size_t take(void)
{
	ssize_t n;
	size_t got = 0;
	assert_int_equal(lseek(logfd, 0, SEEK_SET), 0);
	while ((n = read(logfd, out + got, sizeof(out) - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	assert_int_equal(ftruncate(logfd, 0), 0);
	assert_int_equal(lseek(logfd, 0, SEEK_SET), 0);
	return got;
}

static size_t count_lines(const char *s, size_t n)
{
	size_t i, c = 0;
	for (i = 0; i < n; i++)
		c += s[i] == '\n';
	return c;
}

/* Parse line [p, p+n) (without its newline) as a JSON object. */
static json_object *parse_line(const char *p, size_t n)
{
	const char *why = NULL;
	json_object *o;
	if (sc_json_validate(p, n, &why) != 0)
		fail_msg("log line is not valid JSON (%s): %.*s", why, (int)(n > 300 ? 300 : n), p);
	o = json_tokener_parse(p);
	assert_non_null(o);
	assert_true(json_object_is_type(o, json_type_object));
	return o;
}

/* Exactly one line was written; parse it. */
static json_object *one_line(void)
{
	size_t n = take();
	assert_true(n > 0);
	assert_int_equal(count_lines(out, n), 1);
	assert_int_equal(out[n - 1], '\n');
	assert_true(n <= SC_LIMIT_LOG_LINE);
	out[n - 1] = '\0';
	return parse_line(out, n - 1);
}

static const char *field(json_object *o, const char *k)
{
	json_object *v;
	if (!json_object_object_get_ex(o, k, &v))
		return NULL;
	return json_object_get_string(v);
}

static void test_one_line_per_call(void **state)
{
	size_t n, i, start = 0, lines = 0;
	json_object *o;
	(void)state;
	sc_log(SC_LOG_INFO, "first", NULL);
	sc_log(SC_LOG_WARN, "second", NULL);
	sc_log(SC_LOG_ERROR, "third", NULL);
	n = take();
	assert_int_equal(count_lines(out, n), 3);
	for (i = 0; i < n; i++) {
		if (out[i] != '\n')
			continue;
		out[i] = '\0';
		o = parse_line(out + start, i - start);
		assert_non_null(field(o, "ts"));
		assert_string_equal(field(o, "prog"), "test/prog");
		assert_int_equal(json_object_get_int(json_object_object_get(o, "pid")), getpid());
		assert_string_equal(field(o, "level"), lines == 0 ? "info" : lines == 1 ? "warn" : "error");
		assert_string_equal(field(o, "msg"), lines == 0 ? "first" : lines == 1 ? "second" : "third");
		assert_null(field(o, "request_id"));
		json_object_put(o);
		lines++;
		start = i + 1;
	}
	assert_int_equal(lines, 3);
}

static void test_request_id(void **state)
{
	json_object *o;
	(void)state;
	sc_log_set_request_id("abc-123");
	sc_log_info("with id");
	o = one_line();
	assert_string_equal(field(o, "request_id"), "abc-123");
	json_object_put(o);
	sc_log_set_request_id(NULL);
	sc_log_info("without id");
	o = one_line();
	assert_null(field(o, "request_id"));
	json_object_put(o);
}

static void test_level_filter(void **state)
{
	json_object *o;
	(void)state;
	sc_log(SC_LOG_DEBUG, "hidden by default", NULL);
	assert_int_equal(take(), 0);
	sc_log_set_level(SC_LOG_WARN);
	sc_log_info("hidden");
	assert_int_equal(take(), 0);
	sc_log_warn("shown");
	o = one_line();
	assert_string_equal(field(o, "msg"), "shown");
	json_object_put(o);
	sc_log_set_level(SC_LOG_DEBUG);
	sc_log(SC_LOG_DEBUG, "debug now", NULL);
	o = one_line();
	assert_string_equal(field(o, "level"), "debug");
	json_object_put(o);
}

static void test_level_parse(void **state)
{
	sc_log_level l = SC_LOG_ERROR;
	(void)state;
	assert_int_equal(sc_log_level_parse("debug", &l), 0);
	assert_int_equal(l, SC_LOG_DEBUG);
	assert_int_equal(sc_log_level_parse("warn", &l), 0);
	assert_int_equal(l, SC_LOG_WARN);
	assert_int_equal(sc_log_level_parse("error", &l), 0);
	assert_int_equal(l, SC_LOG_ERROR);
	assert_int_equal(sc_log_level_parse("info", &l), 0);
	assert_int_equal(l, SC_LOG_INFO);
	assert_int_equal(sc_log_level_parse("INFO", &l), -1);
	assert_int_equal(sc_log_level_parse("warning", &l), -1);
	assert_int_equal(sc_log_level_parse("", &l), -1);
}

static void test_message_escaping(void **state)
{
	json_object *o;
	(void)state;
	sc_log_error("quote \" backslash \\ newline \n tab \t bell \x07 sep \xe2\x80\xa8 bad \xff end");
	o = one_line();
	assert_string_equal(field(o, "msg"),
	    "quote \" backslash \\ newline \n tab \t bell \x07 sep \xe2\x80\xa8 bad \xef\xbf\xbd end");
	json_object_put(o);
	/* a forged field in the message stays inside the message */
	sc_log_error("x\",\"level\":\"debug");
	o = one_line();
	assert_string_equal(field(o, "level"), "error");
	assert_string_equal(field(o, "msg"), "x\",\"level\":\"debug");
	json_object_put(o);
}

static void test_extra_fields(void **state)
{
	json_object *o;
	(void)state;
	sc_log(SC_LOG_INFO, "request", "\"status\":%d,\"path\":\"%s\"", 404, "/x");
	o = one_line();
	assert_int_equal(json_object_get_int(json_object_object_get(o, "status")), 404);
	assert_string_equal(field(o, "path"), "/x");
	assert_string_equal(field(o, "msg"), "request");
	json_object_put(o);
}

static void test_overlong_extra_still_valid(void **state)
{
	static char big[SC_LIMIT_LOG_LINE * 2];
	json_object *o;
	(void)state;
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sc_log(SC_LOG_INFO, "short", "\"blob\":\"%s\"", big);
	o = one_line();
	json_object_put(o);
}

static void test_overlong_message_valid_line(void **state)
{
	static char big[SC_LIMIT_LOG_LINE * 3];
	json_object *o;
	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sc_log_error(big);
	o = one_line();
	assert_non_null(field(o, "msg"));
	assert_string_equal(field(o, "level"), "error");
	json_object_put(o);
	/* escaping makes a message grow: 6 output bytes per control byte */
	memset(big, '\x01', SC_LIMIT_LOG_LINE);
	big[SC_LIMIT_LOG_LINE] = '\0';
	sc_log_error(big);
	o = one_line();
	json_object_put(o);
}

/* Every message length around the cap gives one complete line (newline
 * included) that parses. */
static void test_lengths_around_cap(void **state)
{
	static char msg[SC_LIMIT_LOG_LINE + 400];
	size_t len;
	(void)state;
	sc_log_set_request_id("rid-1");
	for (len = SC_LIMIT_LOG_LINE - 400; len < SC_LIMIT_LOG_LINE + 300; len++) {
		json_object *o;
		size_t n;
		memset(msg, 'm', len);
		msg[len] = '\0';
		sc_log_warn(msg);
		n = take();
		if (n == 0 || out[n - 1] != '\n' || count_lines(out, n) != 1)
			fail_msg("message of %zu bytes: %zu bytes written, last byte 0x%02x, "
			    "%zu newlines", len, n, n ? (unsigned char)out[n - 1] : 0,
			    count_lines(out, n));
		assert_true(n <= SC_LIMIT_LOG_LINE);
		out[n - 1] = '\0';
		o = parse_line(out, n - 1);
		json_object_put(o);
	}
}

/* sc_log.h: "Lines are capped at SC_LIMIT_LOG_LINE bytes; a longer message is
 * cut." The line keeps its context (prog, request id) and the start of the
 * message. */
static void test_overlong_message_is_cut(void **state)
{
	static char big[SC_LIMIT_LOG_LINE * 2], msg[SC_LIMIT_LOG_LINE];
	char rid[64], prog[64];
	json_object *o;
	const char *m;
	(void)state;
	memcpy(big, "db error: ", 10);
	memset(big + 10, 'z', sizeof(big) - 11);
	big[sizeof(big) - 1] = '\0';
	sc_log_set_request_id("rid-cut");
	sc_log_error(big);
	o = one_line();
	/* copy what is checked, so a failing assertion does not leak the object */
	snprintf(msg, sizeof(msg), "%s", field(o, "msg") ? field(o, "msg") : "");
	snprintf(rid, sizeof(rid), "%s", field(o, "request_id") ? field(o, "request_id") : "");
	snprintf(prog, sizeof(prog), "%s", field(o, "prog") ? field(o, "prog") : "");
	json_object_put(o);
	m = msg;
	if (strlen(m) <= 10 || strncmp(m, big, strlen(m)) != 0)
		fail_msg("msg is not a cut of the message: '%.60s'", m);
	assert_string_equal(rid, "rid-cut");
	assert_string_equal(prog, "test/prog");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_one_line_per_call),
		T(test_request_id),
		T(test_level_filter),
		T(test_level_parse),
		T(test_message_escaping),
		T(test_extra_fields),
		T(test_overlong_extra_still_valid),
		T(test_overlong_message_valid_line),
		T(test_lengths_around_cap),
		T(test_overlong_message_is_cut),
	};
	return cmocka_run_group_tests_name("sc_log", tests, NULL, NULL);
}
