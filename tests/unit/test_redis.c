/* test_redis.c - the Redis connection, against the server run.sh starts. */
#include "t_services.h"

#include "sc_redis.h"

static int setup(void **state)
{
	(void)state;
	t_config_services(NULL);
	t_quiet_log();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	t_env_clear();
	return 0;
}

/* Run a command of C strings; returns sc_redis_cmd's result. */
static int cmd(sc_redis *r, redisReply **rep, int *unavail, const char **err, int argc, ...)
{
	const char *argv[8];
	size_t lens[8];
	va_list ap;
	int i;
	assert_true(argc <= 8);
	va_start(ap, argc);
	for (i = 0; i < argc; i++) {
		argv[i] = va_arg(ap, const char *);
		lens[i] = strlen(argv[i]);
	}
	va_end(ap);
	*err = NULL;
	return sc_redis_cmd(r, argc, argv, lens, rep, unavail, err);
}

static void test_ping_with_auth(void **state)
{
	sc_redis *r = sc_redis_new();
	redisReply *rep = NULL;
	int unavail = 7;
	const char *err;
	(void)state;
	assert_non_null(r);
	assert_int_equal(sc_redis_ping(r), 0);
	assert_int_equal(cmd(r, &rep, &unavail, &err, 1, "PING"), 0);
	assert_int_equal(unavail, 0);
	assert_int_equal(rep->type, REDIS_REPLY_STATUS);
	assert_string_equal(rep->str, "PONG");
	freeReplyObject(rep);
	sc_redis_free(r);
	sc_redis_free(NULL);
}

static void test_set_get_binary(void **state)
{
	sc_redis *r = sc_redis_new();
	redisReply *rep;
	int unavail;
	const char *err;
	const char *argv[3] = { "SET", "sc:test:bin", "a\0b\r\nc" };
	size_t lens[3] = { 3, 11, 6 };
	(void)state;
	assert_int_equal(sc_redis_cmd(r, 3, argv, lens, &rep, &unavail, &err), 0);
	freeReplyObject(rep);
	assert_int_equal(cmd(r, &rep, &unavail, &err, 2, "GET", "sc:test:bin"), 0);
	assert_int_equal(rep->type, REDIS_REPLY_STRING);
	assert_int_equal(rep->len, 6);
	assert_memory_equal(rep->str, "a\0b\r\nc", 6);
	freeReplyObject(rep);
	assert_int_equal(cmd(r, &rep, &unavail, &err, 2, "DEL", "sc:test:bin"), 0);
	freeReplyObject(rep);
	sc_redis_free(r);
}

static void test_error_reply(void **state)
{
	sc_redis *r = sc_redis_new();
	redisReply *rep = (redisReply *)&rep;
	int unavail = 7;
	const char *err;
	(void)state;
	assert_int_equal(cmd(r, &rep, &unavail, &err, 3, "SET", "sc:test:str", "abc"), 0);
	freeReplyObject(rep);
	assert_int_equal(cmd(r, &rep, &unavail, &err, 2, "INCR", "sc:test:str"), -1);
	assert_null(rep);
	assert_int_equal(unavail, 0);
	assert_non_null(err);
	assert_true(strlen(err) > 0);
	assert_int_equal(cmd(r, &rep, &unavail, &err, 1, "NOSUCHCOMMAND"), -1);
	assert_int_equal(unavail, 0);
	/* the connection is still fine */
	assert_int_equal(sc_redis_ping(r), 0);
	sc_redis_free(r);
}

static void test_wrong_password(void **state)
{
	sc_redis *r;
	redisReply *rep = (redisReply *)&rep;
	int unavail;
	const char *err;
	(void)state;
	t_config_services("REDIS_PASSWORD", "wrong-password", NULL);
	r = sc_redis_new();
	assert_int_equal(cmd(r, &rep, &unavail, &err, 1, "PING"), -1);
	assert_null(rep);
	assert_non_null(err);
	assert_null(strstr(err, "wrong-password"));
	assert_int_equal(sc_redis_ping(r), -1);
	sc_redis_free(r);
}

static void test_no_password(void **state)
{
	sc_redis *r;
	redisReply *rep;
	int unavail;
	const char *err;
	(void)state;
	t_config_services("REDIS_PASSWORD", "", NULL);
	r = sc_redis_new();
	assert_int_equal(cmd(r, &rep, &unavail, &err, 2, "GET", "x"), -1);
	assert_non_null(err);
	assert_int_equal(sc_redis_ping(r), -1);
	sc_redis_free(r);
}

static void test_closed_port(void **state)
{
	sc_redis *r;
	redisReply *rep = (redisReply *)&rep;
	int unavail = 0;
	const char *err;
	(void)state;
	t_config_services("REDIS_PORT", T_CLOSED_PORT, NULL);
	r = sc_redis_new();
	assert_int_equal(cmd(r, &rep, &unavail, &err, 1, "PING"), -1);
	assert_int_equal(unavail, 1);
	assert_null(rep);
	assert_non_null(err);
	assert_int_equal(sc_redis_ping(r), -1);
	sc_redis_close(r);
	sc_redis_free(r);
}

/* Another client kills our connection: the next command reconnects once and
 * succeeds. */
static void test_reconnect_after_kill(void **state)
{
	sc_redis *r = sc_redis_new(), *killer = sc_redis_new();
	redisReply *rep;
	int unavail;
	const char *err;
	char id[32];
	(void)state;
	assert_int_equal(cmd(r, &rep, &unavail, &err, 2, "CLIENT", "ID"), 0);
	assert_int_equal(rep->type, REDIS_REPLY_INTEGER);
	snprintf(id, sizeof(id), "%lld", rep->integer);
	freeReplyObject(rep);
	assert_int_equal(cmd(killer, &rep, &unavail, &err, 4, "CLIENT", "KILL", "ID", id), 0);
	assert_int_equal(rep->integer, 1);
	freeReplyObject(rep);
	assert_int_equal(cmd(r, &rep, &unavail, &err, 2, "CLIENT", "ID"), 0);
	assert_int_equal(unavail, 0);
	assert_true(rep->integer != atoll(id));
	freeReplyObject(rep);
	sc_redis_free(killer);
	sc_redis_free(r);
}

static void test_close_and_reuse(void **state)
{
	sc_redis *r = sc_redis_new();
	(void)state;
	assert_int_equal(sc_redis_ping(r), 0);
	sc_redis_close(r);
	sc_redis_close(r);
	assert_int_equal(sc_redis_ping(r), 0);
	sc_redis_free(r);
}

static void test_select_db(void **state)
{
	sc_redis *r;
	redisReply *rep;
	int unavail;
	const char *err;
	(void)state;
	t_config_services("REDIS_DB", "3", NULL);
	r = sc_redis_new();
	assert_int_equal(cmd(r, &rep, &unavail, &err, 3, "SET", "sc:test:db", "three"), 0);
	freeReplyObject(rep);
	sc_redis_free(r);
	t_config_services(NULL);
	r = sc_redis_new();
	assert_int_equal(cmd(r, &rep, &unavail, &err, 2, "GET", "sc:test:db"), 0);
	assert_int_equal(rep->type, REDIS_REPLY_NIL);
	freeReplyObject(rep);
	assert_int_equal(cmd(r, &rep, &unavail, &err, 2, "SELECT", "3"), 0);
	freeReplyObject(rep);
	assert_int_equal(cmd(r, &rep, &unavail, &err, 2, "GET", "sc:test:db"), 0);
	assert_string_equal(rep->str, "three");
	freeReplyObject(rep);
	sc_redis_free(r);
}

/* REDIS_HOST as a path: the unix socket. The port is then unused: a closed
 * one does not matter. A path where no socket listens is unavailable. */
static void test_unix_socket(void **state)
{
	char sock[200], path[256];
	redisReply *rep = NULL;
	int unavail = 7;
	const char *err;
	sc_redis *r;
	(void)state;
	/* getenv results may move when the environment changes: copy first */
	snprintf(sock, sizeof(sock), "%s", t_need_env("SC_TEST_REDIS_SOCKET"));
	t_config_services("REDIS_HOST", sock, "REDIS_PORT", T_CLOSED_PORT, NULL);
	r = sc_redis_new();
	assert_int_equal(cmd(r, &rep, &unavail, &err, 3, "SET", "t:unix", "via socket"), 0);
	freeReplyObject(rep);
	assert_int_equal(cmd(r, &rep, &unavail, &err, 2, "GET", "t:unix"), 0);
	assert_int_equal(unavail, 0);
	assert_string_equal(rep->str, "via socket");
	freeReplyObject(rep);
	sc_redis_free(r);

	snprintf(path, sizeof(path), "%s.absent", sock);
	t_config_services("REDIS_HOST", path, NULL);
	r = sc_redis_new();
	rep = NULL;
	assert_int_equal(cmd(r, &rep, &unavail, &err, 1, "PING"), -1);
	assert_int_equal(unavail, 1);
	assert_null(rep);
	sc_redis_free(r);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ping_with_auth),
		T(test_set_get_binary),
		T(test_error_reply),
		T(test_wrong_password),
		T(test_no_password),
		T(test_closed_port),
		T(test_reconnect_after_kill),
		T(test_close_and_reuse),
		T(test_select_db),
		T(test_unix_socket),
	};
	return cmocka_run_group_tests_name("sc_redis", tests, NULL, NULL);
}
