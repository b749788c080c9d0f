/* test_relay.c - relay internals that need no sockets: stream id order, the
 * event id scan, ticket syntax, shared frames, and the channel index. */
#include "t_common.h"

#include "relay.h"
#include "relay_hub.h"
#include "ws_frame.h"

static void test_sid(void **state)
{
	(void)state;
	assert_true(relay_sid_valid("1700000000000-0", 15));
	assert_true(relay_sid_valid("0-0", 3));
	assert_false(relay_sid_valid("1700000000000", 13));
	assert_false(relay_sid_valid("-1", 2));
	assert_false(relay_sid_valid("1-", 2));
	assert_false(relay_sid_valid("1-2-3", 5));
	assert_false(relay_sid_valid("1-a", 3));
	assert_false(relay_sid_valid("123456789012345678901-0", 23));   /* 21 digits */
	assert_true(relay_sid_newer("5-1", 3, "5-0"));
	assert_true(relay_sid_newer("6-0", 3, "5-9"));
	assert_true(relay_sid_newer("10-0", 4, "9-0"));        /* numeric, not text order */
	assert_false(relay_sid_newer("5-0", 3, "5-0"));
	assert_false(relay_sid_newer("4-9", 3, "5-0"));
	assert_true(relay_sid_newer("0-1", 3, ""));
	assert_false(relay_sid_newer("junk", 4, "1-0"));
}

static void test_event_id(void **state)
{
	const char *id;
	const char *ev = "{\"id\":\"17-3\",\"type\":\"x\"}";
	(void)state;
	assert_int_equal(relay_event_id(ev, strlen(ev), &id), 4);
	assert_memory_equal(id, "17-3", 4);
	assert_int_equal(relay_event_id("{\"id\":\"\",\"type\":\"typing\"}", 26, &id), 0);
	assert_int_equal(relay_event_id("{\"type\":\"x\",\"id\":\"1-0\"}", 23, &id), 0);
	assert_int_equal(relay_event_id("{\"id\":\"1-0", 10, &id), 0);     /* no closing quote */
}

static void test_ticket(void **state)
{
	(void)state;
	assert_true(relay_ticket_valid("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_9", 43));
	assert_false(relay_ticket_valid("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_", 42));
	assert_false(relay_ticket_valid("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-+9", 43));
	assert_false(relay_ticket_valid("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-=9", 43));
}

static void test_frame(void **state)
{
	relay_frame *f;
	uint8_t big[300];
	(void)state;
	f = relay_frame_new(WS_OP_TEXT, "hi", 2);
	assert_int_equal(f->len, 4);
	assert_int_equal(f->data[0], 0x81);
	assert_int_equal(f->data[1], 2);
	assert_memory_equal(f->data + 2, "hi", 2);
	f->refs++;                       /* a second socket holds it */
	relay_frame_unref(f);
	assert_int_equal(f->refs, 1);
	relay_frame_unref(f);
	memset(big, 'x', sizeof(big));
	f = relay_frame_new(WS_OP_BIN, big, sizeof(big));
	assert_int_equal(f->len, 4 + 300);
	assert_int_equal(f->data[1], 126);
	assert_int_equal(f->data[2] << 8 | f->data[3], 300);
	relay_frame_unref(f);
}

/* The two indexes stay consistent: channel -> sockets and socket -> channels. */
static void test_channels(void **state)
{
	relay_conn a, b;
	relay_sub *s1, *s2;
	relay_member *m;
	int n;
	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	s1 = relay_sub_join(&a, 0, "user:a");
	s2 = relay_sub_join(&b, 0, "user:a");
	assert_ptr_equal(s1, s2);
	assert_ptr_equal(relay_sub_find("user:a", 6), s1);
	assert_null(relay_sub_find("user:b", 6));
	assert_null(relay_sub_find("user:", 5));
	relay_sub_join(&a, 1, "chat:c");
	for (n = 0, m = s1->members; m; m = m->next)
		n++;
	assert_int_equal(n, 2);
	assert_int_equal(s1->state, RS_NEW);       /* no subscriber connection in this test */
	relay_sub_leave(&a, 0);
	assert_ptr_equal(s1->members->conn, &b);
	assert_null(s1->members->next);
	assert_null(a.mem[0].sub);
	relay_sub_leave(&a, 0);                     /* twice is harmless */
	relay_sub_leave(&b, 0);
	assert_null(s1->members);
	assert_non_null(relay_sub_find("chat:c", 6));
	relay_sub_leave(&a, 1);
}

/* Many channels: the table grows and every one is still found. */
static void test_channels_grow(void **state)
{
	static relay_conn cs[3000];
	char name[32];
	int i;
	(void)state;
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "user:%d", i);
		relay_sub_join(&cs[i], 0, name);
	}
	for (i = 0; i < 3000; i++) {
		relay_sub *s;
		snprintf(name, sizeof(name), "user:%d", i);
		s = relay_sub_find(name, strlen(name));
		assert_non_null(s);
		assert_ptr_equal(s->members->conn, &cs[i]);
		relay_sub_leave(&cs[i], 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sid),
		cmocka_unit_test(test_event_id),
		cmocka_unit_test(test_ticket),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_channels),
		cmocka_unit_test(test_channels_grow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
