/* test_presence.c - presence:{user_id} keys and the presence peers cache
 * (sc_presence.h) against the Redis run.sh starts (its PostgreSQL has no
 * schema: a refresh there shows what a failed statement leaves). */
#include "t_redis.h"

#include "sc_presence.h"

#include <stdlib.h>

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

/* SMEMBERS of presence:peers:{u}, sorted, joined with commas ("" when none) */
static void members(const char *u, char *out, size_t n)
{
	char key[80];
	redisReply *rep;
	size_t i, j, o = 0;
	snprintf(key, sizeof(key), "presence:peers:%s", u);
	rep = t_redis(r, 2, "SMEMBERS", key);
	assert_int_equal(rep->type, REDIS_REPLY_ARRAY);
	/* a small insertion sort: the order of a set is Redis's */
	for (i = 1; i < rep->elements; i++)
		for (j = i; j > 0 && strcmp(rep->element[j - 1]->str, rep->element[j]->str) > 0; j--) {
			redisReply *x = rep->element[j];
			rep->element[j] = rep->element[j - 1];
			rep->element[j - 1] = x;
		}
	out[0] = '\0';
	for (i = 0; i < rep->elements; i++) {
		int w = snprintf(out + o, n - o, "%s%s", i ? "," : "", rep->element[i]->str);
		assert_true(w > 0 && (size_t)w < n - o);
		o += (size_t)w;
	}
	freeReplyObject(rep);
}

static long long peers_ttl(const char *u)
{
	char key[80];
	snprintf(key, sizeof(key), "presence:peers:%s", u);
	return t_redis_int(r, 2, "TTL", key);
}

/* the generation as a number (0 when there is none) */
static long long gen_of(const char *u)
{
	char g[SC_PRESENCE_GEN_SIZE];
	const char *err = NULL;
	assert_int_equal(sc_presence_peers_begin(r, u, g, &err), 0);
	return g[0] ? strtoll(g, NULL, 10) : 0;
}

/* Written: the marker and the peers, with the TTL; a second store replaces
 * the set; no peers leaves the marker alone, so "known, nobody" exists. */
static void test_peers_store(void **state)
{
	char u[SC_UUID_STRLEN + 1], g[SC_PRESENCE_GEN_SIZE], got[512];
	const char *err = NULL;
	long long ttl;
	(void)state;
	sc_uuid_v4(u);
	assert_int_equal(sc_presence_peers_begin(r, u, g, &err), 0);
	assert_string_equal(g, "");
	assert_int_equal(sc_presence_peers_store(r, u, g, "bb,aa,bb", &err), 1);
	members(u, got, sizeof(got));
	assert_string_equal(got, "-,aa,bb");
	ttl = peers_ttl(u);
	assert_true(ttl > SC_PRESENCE_PEERS_TTL - 60 && ttl <= SC_PRESENCE_PEERS_TTL);
	assert_int_equal(sc_presence_peers_store(r, u, g, "cc", &err), 1);
	members(u, got, sizeof(got));
	assert_string_equal(got, "-,cc");
	assert_int_equal(sc_presence_peers_store(r, u, g, NULL, &err), 1);
	members(u, got, sizeof(got));
	assert_string_equal(got, "-");
	assert_int_equal(sc_presence_peers_store(r, u, g, ",,", &err), 1);
	members(u, got, sizeof(got));
	assert_string_equal(got, "-");
	assert_true(peers_ttl(u) > 0);
}

/* More peers than one SADD slice takes. */
static void test_peers_store_many(void **state)
{
	char u[SC_UUID_STRLEN + 1], key[80];
	const char *err = NULL;
	size_t cap = 2500 * (SC_UUID_STRLEN + 1) + 1, o = 0;
	char *csv = calloc(1, cap);
	int i;
	(void)state;
	assert_non_null(csv);
	sc_uuid_v4(u);
	for (i = 0; i < 2500; i++) {
		sc_uuid_v4(csv + o);
		o += SC_UUID_STRLEN;
		csv[o++] = i < 2499 ? ',' : '\0';
	}
	assert_int_equal(sc_presence_peers_store(r, u, "", csv, &err), 1);
	snprintf(key, sizeof(key), "presence:peers:%s", u);
	assert_int_equal(t_redis_int(r, 2, "SCARD", key), 2501);
	assert_int_equal(t_redis_int(r, 3, "SISMEMBER", key, "-"), 1);
	free(csv);
}

/* Forget deletes every listed set (empty items skipped), counts the ones
 * that existed, and moves each generation up, with a TTL. */
static void test_peers_forget(void **state)
{
	char u1[SC_UUID_STRLEN + 1], u2[SC_UUID_STRLEN + 1], u3[SC_UUID_STRLEN + 1];
	char list[160], key[80];
	const char *err = NULL;
	long long g1, g2, ttl;
	(void)state;
	sc_uuid_v4(u1); sc_uuid_v4(u2); sc_uuid_v4(u3);
	assert_int_equal(sc_presence_peers_store(r, u1, "", "x", &err), 1);
	assert_int_equal(sc_presence_peers_store(r, u2, "", NULL, &err), 1);
	snprintf(list, sizeof(list), ",%s,,%s,%s,", u1, u2, u3);
	assert_int_equal(sc_presence_peers_forget(r, list), 2);
	snprintf(key, sizeof(key), "presence:peers:%s", u1);
	assert_int_equal(t_redis_int(r, 2, "EXISTS", key), 0);
	snprintf(key, sizeof(key), "presence:peers:%s", u2);
	assert_int_equal(t_redis_int(r, 2, "EXISTS", key), 0);
	g1 = gen_of(u3);
	assert_true(g1 > 0);
	snprintf(key, sizeof(key), "presence:peersgen:%s", u3);
	ttl = t_redis_int(r, 2, "TTL", key);
	assert_true(ttl > 0 && ttl <= SC_PRESENCE_PEERS_GEN_TTL);
	/* again: nothing left to delete, the generation still moves */
	assert_int_equal(sc_presence_peers_forget(r, list), 0);
	g2 = gen_of(u3);
	assert_true(g2 > g1);
	/* nothing listed: nothing sent */
	assert_int_equal(sc_presence_peers_forget(r, NULL), 0);
	assert_int_equal(sc_presence_peers_forget(r, ""), 0);
	assert_int_equal(sc_presence_peers_forget(r, ",,"), 0);
}

/* Each forget gives a larger generation, even many in a row within one
 * clock tick, and even when the stored one is ahead of Redis's clock. */
static void test_peers_generation_increases(void **state)
{
	char u[SC_UUID_STRLEN + 1], key[80];
	long long prev = 0, g;
	int i;
	redisReply *rep;
	(void)state;
	sc_uuid_v4(u);
	for (i = 0; i < 50; i++) {
		assert_true(sc_presence_peers_forget(r, u) >= 0);
		g = gen_of(u);
		assert_true(g > prev);
		prev = g;
	}
	snprintf(key, sizeof(key), "presence:peersgen:%s", u);
	rep = t_redis(r, 3, "SET", key, "9000000000000000");
	freeReplyObject(rep);
	assert_true(sc_presence_peers_forget(r, u) >= 0);
	assert_int_equal(gen_of(u), 9000000000000001LL);
}

/* The race the generation closes: a refresh read the generation and the
 * peers, a forget came in between (say a block), and the refresh's store
 * then must not bring the old list back. The next refresh writes. */
static void test_peers_forget_wins_over_older_refresh(void **state)
{
	char u[SC_UUID_STRLEN + 1], g[SC_PRESENCE_GEN_SIZE], g2[SC_PRESENCE_GEN_SIZE], got[128];
	char key[80];
	const char *err = NULL;
	(void)state;
	sc_uuid_v4(u);
	snprintf(key, sizeof(key), "presence:peers:%s", u);
	/* with no generation yet */
	assert_int_equal(sc_presence_peers_begin(r, u, g, &err), 0);
	assert_true(sc_presence_peers_forget(r, u) >= 0);
	assert_int_equal(sc_presence_peers_store(r, u, g, "blocked", &err), 0);
	assert_int_equal(t_redis_int(r, 2, "EXISTS", key), 0);
	/* with one */
	assert_int_equal(sc_presence_peers_begin(r, u, g, &err), 0);
	assert_string_not_equal(g, "");
	assert_int_equal(sc_presence_peers_store(r, u, g, "old", &err), 1);
	assert_true(sc_presence_peers_forget(r, u) >= 0);
	assert_int_equal(sc_presence_peers_store(r, u, g, "old", &err), 0);
	assert_int_equal(t_redis_int(r, 2, "EXISTS", key), 0);
	assert_int_equal(sc_presence_peers_begin(r, u, g2, &err), 0);
	assert_string_not_equal(g, g2);
	assert_int_equal(sc_presence_peers_store(r, u, g2, "new", &err), 1);
	members(u, got, sizeof(got));
	assert_string_equal(got, "-,new");
}

/* Nothing but user ids becomes part of a key. */
static void test_peers_malformed(void **state)
{
	char g[SC_PRESENCE_GEN_SIZE];
	const char *err = NULL;
	(void)state;
	assert_int_equal(sc_presence_peers_forget(r, "x*"), -1);
	assert_int_equal(sc_presence_peers_forget(r, "00000000-0000-4000-8000-00000000000A"), -1);
	assert_int_equal(sc_presence_peers_forget(r, "a b"), -1);
	assert_int_equal(sc_presence_peers_store(r, "a,b", "", NULL, &err), -1);
	assert_non_null(err);
	err = NULL;
	assert_int_equal(sc_presence_peers_store(r, "", "", NULL, &err), -1);
	assert_int_equal(sc_presence_peers_begin(r, "x}", g, &err), -1);
	assert_int_equal(sc_presence_peers_begin(r,
	    "00000000-0000-4000-8000-0000000000000", g, &err), -1);   /* 37 characters */
}

/* A refresh whose statement fails (this database has no tables) writes
 * nothing and says so; so does one without Redis. */
static void test_peers_refresh_fails_closed(void **state)
{
	char u[SC_UUID_STRLEN + 1], key[80];
	sc_arena a;
	sc_db *db;
	sc_redis *down;
	(void)state;
	sc_uuid_v4(u);
	sc_arena_init(&a);
	db = sc_db_new();
	assert_int_equal(sc_presence_peers_refresh(db, r, &a, u), -1);
	snprintf(key, sizeof(key), "presence:peers:%s", u);
	assert_int_equal(t_redis_int(r, 2, "EXISTS", key), 0);
	t_config_services("REDIS_PORT", T_CLOSED_PORT, "REDIS_TIMEOUT_MS", "200", NULL);
	down = sc_redis_new();
	assert_int_equal(sc_presence_peers_refresh(db, down, &a, u), -1);
	assert_int_equal(sc_presence_peers_forget(down, u), -1);
	{
		char g[SC_PRESENCE_GEN_SIZE];
		const char *err = NULL;
		assert_int_equal(sc_presence_peers_begin(down, u, g, &err), -1);
		assert_int_equal(sc_presence_peers_store(down, u, "", "x", &err), -1);
	}
	sc_redis_free(down);
	sc_db_free(db);
	sc_arena_cleanup(&a);
	t_config_services("PRESENCE_TTL_SECONDS", "120", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_online_offline),
		cmocka_unit_test(test_online_many),
		cmocka_unit_test(test_redis_down),
		cmocka_unit_test(test_peers_store),
		cmocka_unit_test(test_peers_store_many),
		cmocka_unit_test(test_peers_forget),
		cmocka_unit_test(test_peers_generation_increases),
		cmocka_unit_test(test_peers_forget_wins_over_older_refresh),
		cmocka_unit_test(test_peers_malformed),
		cmocka_unit_test(test_peers_refresh_fails_closed),
	};
	return cmocka_run_group_tests_name("sc_presence", tests, setup, teardown);
}
