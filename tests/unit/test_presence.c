/* test_presence.c - presence:{user_id} keys (sc_presence.h) against the
 * Redis run.sh starts. */
#include "t_redis.h"

#include "sc_presence.h"

static sc_redis *r;

static int setup(void **state)
{
	(void)state;
	t_config_services("PRESENCE_TTL_SECONDS", "120", NULL);
	t_quiet_log();
	r = sc_redis_new();
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

static void test_set_online_offline(void **state)
{
	char u[SC_UUID_STRLEN + 1], key[64];
	const char *err = NULL;
	redisReply *rep;
	long long ttl;
	(void)state;
	sc_uuid_v4(u);
	snprintf(key, sizeof(key), "presence:%s", u);
	assert_int_equal(sc_presence_set(r, u, 1, &err), 0);
	rep = t_redis(r, 2, "GET", key);
	assert_int_equal(rep->type, REDIS_REPLY_STRING);
	assert_string_equal(rep->str, "online");
	freeReplyObject(rep);
	ttl = t_redis_int(r, 2, "TTL", key);
	assert_true(ttl > 0 && ttl <= 120);
	/* again: the TTL starts over (a heartbeat) */
	assert_int_equal(t_redis_int(r, 3, "EXPIRE", key, "5"), 1);
	assert_int_equal(sc_presence_set(r, u, 1, &err), 0);
	assert_true(t_redis_int(r, 2, "TTL", key) > 5);
	assert_int_equal(sc_presence_set(r, u, 0, &err), 0);
	assert_int_equal(t_redis_int(r, 2, "EXISTS", key), 0);
	/* offline twice is fine */
	assert_int_equal(sc_presence_set(r, u, 0, &err), 0);
}

static void test_online_many(void **state)
{
	char u[3][SC_UUID_STRLEN + 1];
	const char *ids[4] = { u[0], u[1], u[2], u[0] }, *err = NULL;
	int online[4] = { 7, 7, 7, 7 }, i;
	(void)state;
	for (i = 0; i < 3; i++)
		sc_uuid_v4(u[i]);
	assert_int_equal(sc_presence_set(r, u[0], 1, &err), 0);
	assert_int_equal(sc_presence_set(r, u[2], 1, &err), 0);
	assert_int_equal(sc_presence_online(r, 4, ids, online, &err), 0);
	assert_int_equal(online[0], 1);
	assert_int_equal(online[1], 0);
	assert_int_equal(online[2], 1);
	assert_int_equal(online[3], 1);
	/* nothing asked: nothing sent, nothing written */
	online[0] = 7;
	assert_int_equal(sc_presence_online(r, 0, ids, online, &err), 0);
	assert_int_equal(online[0], 7);
	assert_int_equal(sc_presence_online(r, SC_PRESENCE_MAX_IDS + 1, ids, online, &err), -1);
}

static void test_redis_down(void **state)
{
	char u[SC_UUID_STRLEN + 1];
	const char *ids[1] = { u }, *err = NULL;
	int online[1];
	sc_redis *down;
	(void)state;
	t_config_services("REDIS_PORT", T_CLOSED_PORT, "REDIS_TIMEOUT_MS", "200", NULL);
	down = sc_redis_new();
	sc_uuid_v4(u);
	assert_int_equal(sc_presence_set(down, u, 1, &err), -1);
	assert_non_null(err);
	err = NULL;
	assert_int_equal(sc_presence_online(down, 1, ids, online, &err), -1);
	assert_non_null(err);
	sc_redis_free(down);
	t_config_services("PRESENCE_TTL_SECONDS", "120", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_online_offline),
		cmocka_unit_test(test_online_many),
		cmocka_unit_test(test_redis_down),
	};
	return cmocka_run_group_tests_name("sc_presence", tests, setup, teardown);
}
