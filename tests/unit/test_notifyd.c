/* test_notifyd.c - sc-notifyd's pure parts (notifyd/nd_pure.c): job fields,
 * the type mapping and its texts, the flat push data, the backoff. */
#include "t_common.h"

#include "notifyd.h"

#define U1 "11111111-1111-4111-8111-111111111111"

static void put(nd_job *j, const char *k, const char *v)
{
	assert_int_equal(nd_job_field(j, k, v, strlen(v)), 0);
}

static void test_fields(void **state)
{
	nd_job j;
	const char *why = NULL;
	(void)state;

	nd_job_init(&j, "1700000000000-0");
	put(&j, "user", U1);
	put(&j, "type", "message.new");
	put(&j, "data", "{\"conversation_id\":\"c\",\"sender_id\":\"" U1 "\",\"is_encrypted\":true}");
	put(&j, "event", "1700000000000-5");
	put(&j, "ts", "2024-01-01T00:00:00Z");
	put(&j, "unknown", "ignored");
	assert_int_equal(nd_job_prepare(&j, &why), 0);
	assert_string_equal(j.job_id, "1700000000000-0");   /* a fresh job is its own entry */
	assert_string_equal(j.ntype, "message");
	assert_string_equal(j.body, "New message");
	assert_int_equal(j.urgent, 0);
	assert_int_equal(j.attempt, 0);
	/* strings only, the type and the event id added, booleans as text */
	assert_non_null(strstr(j.push_data, "\"type\":\"message.new\""));
	assert_non_null(strstr(j.push_data, "\"is_encrypted\":\"true\""));
	assert_non_null(strstr(j.push_data, "\"event_id\":\"1700000000000-5\""));
	nd_job_cleanup(&j);

	/* a retry entry names the original job, its device and the tries so far */
	nd_job_init(&j, "1700000000999-0");
	put(&j, "user", U1);
	put(&j, "type", "call.ringing");
	put(&j, "data", "{\"call_type\":\"video\"}");
	put(&j, "job", "1700000000000-0");
	put(&j, "device", "22222222-2222-4222-8222-222222222222");
	put(&j, "attempt", "3");
	assert_int_equal(nd_job_prepare(&j, &why), 0);
	assert_string_equal(j.job_id, "1700000000000-0");
	assert_string_equal(j.id, "1700000000999-0");
	assert_int_equal(j.attempt, 3);
	assert_string_equal(j.body, "Incoming video call");
	assert_int_equal(j.urgent, 1);
	nd_job_cleanup(&j);
}

static void test_bad_fields(void **state)
{
	nd_job j;
	const char *why = NULL;
	char big[ND_DATA_MAX + 2];
	(void)state;

	nd_job_init(&j, "1-0");
	assert_int_equal(nd_job_field(&j, "user", "not-a-uuid", 10), -1);
	assert_int_equal(nd_job_field(&j, "user", U1 "x", 37), -1);
	assert_int_equal(nd_job_field(&j, "job", "12", 2), -1);
	assert_int_equal(nd_job_field(&j, "job", "1-2-3", 5), -1);
	assert_int_equal(nd_job_field(&j, "attempt", "-1", 2), -1);
	assert_int_equal(nd_job_field(&j, "attempt", "x", 1), -1);
	assert_int_equal(nd_job_field(&j, "event", "abc", 3), -1);
	assert_int_equal(nd_job_field(&j, "type", "a\0b", 3), -1);
	memset(big, '{', sizeof(big));
	assert_int_equal(nd_job_field(&j, "data", big, sizeof(big)), -1);
	/* no user */
	put(&j, "type", "message.new");
	assert_int_equal(nd_job_prepare(&j, &why), -1);
	assert_string_equal(why, "no user");
	nd_job_cleanup(&j);
	/* unknown type, data not an object */
	nd_job_init(&j, "1-0");
	put(&j, "user", U1);
	put(&j, "type", "message.edited");
	assert_int_equal(nd_job_prepare(&j, &why), -1);
	assert_string_equal(why, "unknown type");
	put(&j, "type", "contact.request");
	put(&j, "data", "[1]");
	assert_int_equal(nd_job_prepare(&j, &why), -1);
	nd_job_cleanup(&j);
}

static void test_kinds(void **state)
{
	static const struct {
		const char *type, *data, *ntype, *body;
	} c[] = {
		{ "call.ringing", "{}", "call", "Incoming audio call" },
		{ "call.ringing", "{\"call_type\":\"<b>\"}", "call", "Incoming audio call" },
		{ "call.missed", "{\"call_type\":\"video\"}", "missed_call", "Missed video call" },
		{ "call.missed", "{\"call_type\":\"audio\"}", "missed_call", "Missed audio call" },
		{ "contact.request", "{\"user_id\":\"" U1 "\"}", "friend_request", "Friend request" },
		{ "push.test", "{}", "system", "Test notification" },
	};
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		nd_job j;
		const char *why;
		nd_job_init(&j, "1-0");
		put(&j, "user", U1);
		put(&j, "type", c[i].type);
		put(&j, "data", c[i].data);
		assert_int_equal(nd_job_prepare(&j, &why), 0);
		assert_string_equal(j.ntype, c[i].ntype);
		assert_string_equal(j.body, c[i].body);
		nd_job_cleanup(&j);
	}
	assert_null(nd_ntype("message.read"));
}

static void test_push_test_texts(void **state)
{
	nd_job j;
	const char *why;
	char data[1200], title[700];
	(void)state;

	nd_job_init(&j, "1-0");
	put(&j, "user", U1);
	put(&j, "type", "push.test");
	put(&j, "data", "{\"title\":\"Hi\",\"body\":\"there\"}");
	assert_int_equal(nd_job_prepare(&j, &why), 0);
	assert_string_equal(j.title, "Hi");
	assert_string_equal(j.body, "there");
	/* the texts are not sent as data */
	assert_null(strstr(j.push_data, "there"));
	nd_job_cleanup(&j);
	/* a long title is cut at ND_TITLE_MAX bytes, on a character boundary */
	memset(title, 0, sizeof(title));
	for (size_t i = 0; i + 2 < 600; i += 2)
		memcpy(title + i, "\xc3\xa9", 2);
	snprintf(data, sizeof(data), "{\"title\":\"x%s\"}", title);
	nd_job_init(&j, "1-0");
	put(&j, "user", U1);
	put(&j, "type", "push.test");
	put(&j, "data", data);
	assert_int_equal(nd_job_prepare(&j, &why), 0);
	assert_int_equal(strlen(j.title), ND_TITLE_MAX - 1);   /* x + 127 two-byte characters */
	assert_string_equal(j.body, "Test notification");
	nd_job_cleanup(&j);
}

static void test_utf8_cut(void **state)
{
	char s[16];
	(void)state;
	snprintf(s, sizeof(s), "ab\xc3\xa9" "cd");   /* "abécd" */
	nd_utf8_cut(s, 3);                          /* inside é: cut before it */
	assert_string_equal(s, "ab");
	snprintf(s, sizeof(s), "ab\xc3\xa9" "cd");
	nd_utf8_cut(s, 4);
	assert_string_equal(s, "ab\xc3\xa9");
	nd_utf8_cut(s, 100);
	assert_string_equal(s, "ab\xc3\xa9");
}

static void test_backoff(void **state)
{
	(void)state;
	assert_int_equal(nd_backoff_ms(1, 1000, 3600000, -1), 1000);
	assert_int_equal(nd_backoff_ms(2, 1000, 3600000, -1), 2000);
	assert_int_equal(nd_backoff_ms(5, 1000, 3600000, -1), 16000);
	/* capped */
	assert_int_equal(nd_backoff_ms(30, 1000, 3600000, -1), 3600000);
	assert_int_equal(nd_backoff_ms(100, 1000, 3600000, -1), 3600000);
	assert_int_equal(nd_backoff_ms(3, 1000, 1500, -1), 1500);
	/* at least Retry-After, even past the cap; an absurd one is ignored */
	assert_int_equal(nd_backoff_ms(1, 1000, 3600000, 30), 30000);
	assert_int_equal(nd_backoff_ms(1, 1000, 5000, 60), 60000);
	assert_int_equal(nd_backoff_ms(4, 1000, 3600000, 2), 8000);
	assert_int_equal(nd_backoff_ms(1, 1000, 3600000, 99999999), 1000);
	assert_int_equal(nd_backoff_ms(1, 1000, 3600000, 0), 1000);
}

static void test_ids(void **state)
{
	(void)state;
	assert_true(nd_is_stream_id("1700000000000-0", 15));
	assert_false(nd_is_stream_id("-0", 2));
	assert_false(nd_is_stream_id("1-", 2));
	assert_false(nd_is_stream_id("1x-0", 4));
	assert_true(nd_is_uuid(U1, 36));
	assert_false(nd_is_uuid("11111111-1111-4111-8111-11111111111G", 36));
	assert_false(nd_is_uuid("111111111111141118111111111111111111", 36));
	assert_false(nd_is_uuid("AAAAAAAA-1111-4111-8111-111111111111", 36));  /* lowercase only */
	assert_false(nd_is_uuid(U1, 35));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_push_test_texts),
		cmocka_unit_test(test_utf8_cut),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
