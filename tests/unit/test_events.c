/* test_events.c - the event publisher (sc_events.h) against the Redis run.sh
 * starts: one stream entry per distinct recipient, the live JSON on the
 * user's channel seen by a real subscriber on a second connection, the
 * MAXLEN cap, and what is refused. Recipients are fresh UUIDs per test. */
#include "t_redis.h"

#include "sc_events.h"
#include "sc_time.h"

#include <hiredis/hiredis.h>
#include <ctype.h>
#include <regex.h>
#include <sys/time.h>

static sc_redis *r;

static int setup(void **state)
{
	(void)state;
	t_config_services("EVENTS_STREAM_MAXLEN", "10", NULL);
	t_quiet_log();
	r = sc_redis_new();
	assert_non_null(r);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sc_redis_free(r);
	r = NULL;
	t_env_clear();
	return 0;
}

static void uid(char *out)
{
	sc_uuid_v4(out);
}

static long long xlen(const char *user)
{
	char key[96];
	snprintf(key, sizeof(key), "events:user:%s", user);
	return t_redis_int(r, 2, "XLEN", key);
}

/* the stream's entries (XRANGE - +); the caller frees the reply */
static redisReply *xrange(const char *user)
{
	char key[96];
	redisReply *rep;
	snprintf(key, sizeof(key), "events:user:%s", user);
	rep = t_redis(r, 4, "XRANGE", key, "-", "+");
	assert_int_equal(rep->type, REDIS_REPLY_ARRAY);
	return rep;
}

static int rfc3339(const char *s)
{
	regex_t re;
	int ok;
	assert_int_equal(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
	    "(\\.[0-9]+)?Z$", REG_EXTENDED | REG_NOSUB), 0);
	ok = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

/* Duplicates are sent once; each stream entry holds type, ts and data in
 * that order. */
static void test_one_entry_per_distinct_recipient(void **state)
{
	char a[SC_UUID_STRLEN + 1], b[SC_UUID_STRLEN + 1], c[SC_UUID_STRLEN + 1], list[256];
	const char *err = NULL;
	json_object *data = json_tokener_parse("{\"conversation_id\":\"x\",\"n\":1}");
	redisReply *rep;
	const char *users[3] = { a, b, c };
	int i;
	(void)state;
	uid(a); uid(b); uid(c);
	snprintf(list, sizeof(list), "%s,%s,%s,%s,%s,%s", a, b, a, c, b, a);
	assert_int_equal(sc_events_publish(r, list, "message.new", data, &err), 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(xlen(users[i]), 1);
		rep = xrange(users[i]);
		assert_int_equal(rep->elements, 1);
		{
			redisReply *entry = rep->element[0], *f = entry->element[1];
			assert_int_equal(entry->type, REDIS_REPLY_ARRAY);
			assert_int_equal(f->elements, 6);
			assert_string_equal(f->element[0]->str, "type");
			assert_string_equal(f->element[1]->str, "message.new");
			assert_string_equal(f->element[2]->str, "ts");
			assert_true(rfc3339(f->element[3]->str));
			assert_string_equal(f->element[4]->str, "data");
			assert_string_equal(f->element[5]->str, "{\"conversation_id\":\"x\",\"n\":1}");
		}
		freeReplyObject(rep);
	}
	json_object_put(data);
}

/* A second connection SUBSCRIBEd to user:{id} receives exactly
 * {"id":<the stream id>,"type":...,"ts":<the stream's ts>,"data":<data>}. */
static void test_subscriber_receives_event_json(void **state)
{
	char u[SC_UUID_STRLEN + 1], ch[64], want[1024];
	const char *err = NULL, *data =
	    "{\"text\":\"a \\\"quoted\\\" \\/ \xc3\xa9 \\u2028 line\",\"list\":[1,null,true]}";
	struct timeval tv = { 5, 0 };
	redisContext *sub;
	redisReply *rep, *msg;
	json_object *parsed, *d;
	(void)state;
	uid(u);
	snprintf(ch, sizeof(ch), "user:%s", u);
	sub = redisConnectWithTimeout("127.0.0.1", (int)strtol(t_need_env("SC_TEST_REDIS_PORT"), NULL, 10), tv);
	assert_non_null(sub);
	assert_int_equal(sub->err, 0);
	assert_int_equal(redisSetTimeout(sub, tv), REDIS_OK);
	rep = redisCommand(sub, "AUTH %s", t_need_env("SC_TEST_REDIS_PASSWORD"));
	assert_non_null(rep);
	assert_int_not_equal(rep->type, REDIS_REPLY_ERROR);
	freeReplyObject(rep);
	rep = redisCommand(sub, "SUBSCRIBE %s", ch);
	assert_non_null(rep);
	assert_int_equal(rep->type, REDIS_REPLY_ARRAY);
	freeReplyObject(rep);

	assert_int_equal(sc_events_publish_raw(r, u, "read.updated", data, &err), 1);

	assert_int_equal(redisGetReply(sub, (void **)&msg), REDIS_OK);
	assert_int_equal(msg->type, REDIS_REPLY_ARRAY);
	assert_int_equal(msg->elements, 3);
	assert_string_equal(msg->element[0]->str, "message");
	assert_string_equal(msg->element[1]->str, ch);
	rep = xrange(u);
	assert_int_equal(rep->elements, 1);
	snprintf(want, sizeof(want), "{\"id\":\"%s\",\"type\":\"read.updated\",\"ts\":\"%s\",\"data\":%s}",
	    rep->element[0]->element[0]->str, rep->element[0]->element[1]->element[3]->str, data);
	assert_string_equal(msg->element[2]->str, want);
	/* and it is JSON whose data is the object given */
	parsed = json_tokener_parse(msg->element[2]->str);
	assert_non_null(parsed);
	assert_true(json_object_object_get_ex(parsed, "data", &d));
	assert_string_equal(json_object_get_string(json_object_object_get(d, "text")),
	    "a \"quoted\" / \xc3\xa9 \xe2\x80\xa8 line");
	json_object_put(parsed);
	freeReplyObject(rep);
	freeReplyObject(msg);
	redisFree(sub);
}

/* XADD MAXLEN ~ N trims whole stream nodes, so the length stays near N
 * (EVENTS_STREAM_MAXLEN is 10 here), never anywhere near what was sent. */
static void test_maxlen_cap(void **state)
{
	char u[SC_UUID_STRLEN + 1];
	const char *err = NULL;
	long long n;
	int i;
	(void)state;
	uid(u);
	for (i = 0; i < 600; i++)
		assert_int_equal(sc_events_publish_raw(r, u, "typing", "{}", &err), 1);
	n = xlen(u);
	assert_true(n >= 10);
	assert_true(n <= 10 + 200);   /* stream-node-max-entries (100) of slack, twice over */
}

/* Malformed types, recipients or data publish nothing and say so. */
static void test_malformed_refused(void **state)
{
	static const char *bad_types[] = {
		"", "Message.new", "message new", "message-new", "a\"b", "m\xc3\xa9ssage",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 65 */
	};
	static const char *bad_data[] = { "", "[1]", "\"x\"", "1", "null" };
	char u[SC_UUID_STRLEN + 1], upper[SC_UUID_STRLEN + 1], list[128];
	const char *err;
	size_t i;
	(void)state;
	uid(u);
	for (i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
		err = NULL;
		assert_int_equal(sc_events_publish_raw(r, u, bad_types[i], "{}", &err), -1);
		assert_non_null(err);
	}
	/* 64 characters is the longest type */
	assert_int_equal(sc_events_publish_raw(r, u,
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "{}", &err), 1);
	assert_int_equal(xlen(u), 1);

	for (i = 0; i < sizeof(bad_data) / sizeof(bad_data[0]); i++) {
		err = NULL;
		assert_int_equal(sc_events_publish_raw(r, u, "typing", bad_data[i], &err), -1);
		assert_non_null(err);
	}
	err = NULL;
	assert_int_equal(sc_events_publish_raw(r, u, "typing", NULL, &err), -1);
	assert_non_null(err);

	/* recipients: only lower-case hex, dashes and commas reach Redis */
	for (i = 0; i <= SC_UUID_STRLEN; i++)
		upper[i] = (char)toupper((unsigned char)u[i]);
	{
		const char *bad_recipients[] = { upper, " x", "user:1", "a\"b", "a;b", "*", "\n" };
		for (i = 0; i < sizeof(bad_recipients) / sizeof(bad_recipients[0]); i++) {
			err = NULL;
			assert_int_equal(sc_events_publish_raw(r, bad_recipients[i], "typing", "{}", &err), -1);
			assert_non_null(err);
		}
		/* one bad item spoils the whole list: nothing is sent to the good one */
		snprintf(list, sizeof(list), "%s,%s", u, upper);
		assert_int_equal(sc_events_publish_raw(r, list, "typing", "{}", &err), -1);
	}
	assert_int_equal(xlen(u), 1);
	assert_int_equal(xlen(upper), 0);
}

/* No recipients: nothing to do, no error, nothing sent. */
static void test_empty_recipients(void **state)
{
	const char *err = NULL;
	json_object *o = json_object_new_object();
	(void)state;
	assert_int_equal(sc_events_publish(r, NULL, "typing", o, &err), 0);
	assert_int_equal(sc_events_publish(r, "", "typing", o, &err), 0);
	assert_int_equal(sc_events_publish_raw(r, ",,", "typing", "{}", &err), 0);
	assert_null(err);
	json_object_put(o);
}

/* Redis unreachable: -1 with a reason (callers log and go on). */
static void test_redis_down(void **state)
{
	char u[SC_UUID_STRLEN + 1];
	const char *err = NULL;
	sc_redis *down;
	(void)state;
	t_config_services("REDIS_PORT", T_CLOSED_PORT, "REDIS_TIMEOUT_MS", "200", NULL);
	down = sc_redis_new();
	uid(u);
	assert_int_equal(sc_events_publish_raw(down, u, "typing", "{}", &err), -1);
	assert_non_null(err);
	sc_redis_free(down);
	t_config_services("EVENTS_STREAM_MAXLEN", "10", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_entry_per_distinct_recipient),
		cmocka_unit_test(test_subscriber_receives_event_json),
		cmocka_unit_test(test_maxlen_cap),
		cmocka_unit_test(test_malformed_refused),
		cmocka_unit_test(test_empty_recipients),
		cmocka_unit_test(test_redis_down),
	};
	return cmocka_run_group_tests_name("sc_events", tests, setup, teardown);
}
