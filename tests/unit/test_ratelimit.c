/* test_ratelimit.c - GCRA limits and session revocation (the mark and its
 * notice on SC_REVOKED_CHANNEL), against the Redis run.sh starts. Rates are
 * slow (1 per minute) so nothing refills while a test runs: no result
 * depends on timing. */
#include "t_redis.h"

#include "sc_ratelimit.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

static sc_redis *r;

static int setup(void **state)
{
	(void)state;
	t_config_services(NULL);
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

static sc_rl_result check(const char *class_, const char *subject, long long per_minute,
    long long burst, const char *session)
{
	sc_rl_result res;
	int unavail = 7;
	memset(&res, 0x5a, sizeof(res));
	if (sc_ratelimit_check(r, class_, subject, per_minute, burst, session, &res, &unavail) != 0)
		fail_msg("sc_ratelimit_check failed (unavailable %d)", unavail);
	assert_int_equal(unavail, 0);
	return res;
}

static void test_burst_then_limited(void **state)
{
	char subj[64];
	sc_rl_result res;
	long long i;
	const long long burst = 5;
	(void)state;
	t_unique(subj, sizeof(subj), "");
	for (i = 0; i < burst; i++) {
		res = check("t", subj, 1, burst, NULL);
		assert_int_equal(res.status, SC_RL_ALLOWED);
		assert_int_equal(res.limit, burst);
		assert_int_equal(res.remaining, burst - 1 - i);   /* counts down */
		assert_int_equal(res.retry_after_s, 0);
		/* full again after (i + 1) emission intervals of 60 s */
		assert_true(res.reset_s > 60 * i && res.reset_s <= 60 * (i + 1));
	}
	for (i = 0; i < 3; i++) {
		res = check("t", subj, 1, burst, NULL);
		assert_int_equal(res.status, SC_RL_LIMITED);
		assert_int_equal(res.limit, burst);
		assert_int_equal(res.remaining, 0);
		assert_true(res.retry_after_s >= 1);
		assert_true(res.retry_after_s <= 60);
		assert_true(res.reset_s > 60 * (burst - 1) && res.reset_s <= 60 * burst);
	}
}

/* A limited request is not counted: the key holds the same time afterwards. */
static void test_limited_does_not_extend(void **state)
{
	char subj[64], key[128];
	redisReply *before, *after;
	(void)state;
	t_unique(subj, sizeof(subj), "");
	snprintf(key, sizeof(key), "rl:t:%s", subj);
	assert_int_equal(check("t", subj, 1, 1, NULL).status, SC_RL_ALLOWED);
	before = t_redis(r, 2, "GET", key);
	assert_int_equal(before->type, REDIS_REPLY_STRING);
	assert_int_equal(check("t", subj, 1, 1, NULL).status, SC_RL_LIMITED);
	assert_int_equal(check("t", subj, 1, 1, NULL).status, SC_RL_LIMITED);
	after = t_redis(r, 2, "GET", key);
	assert_string_equal(before->str, after->str);
	/* and the key expires by itself */
	{
		long long pttl = t_redis_int(r, 2, "PTTL", key);
		assert_true(pttl > 0 && pttl <= 60000);
	}
	freeReplyObject(before);
	freeReplyObject(after);
}

static void test_subjects_and_classes_separate(void **state)
{
	char a[64], b[64];
	(void)state;
	t_unique(a, sizeof(a), "");
	t_unique(b, sizeof(b), "");
	assert_int_equal(check("t", a, 1, 2, NULL).status, SC_RL_ALLOWED);
	assert_int_equal(check("t", a, 1, 2, NULL).status, SC_RL_ALLOWED);
	assert_int_equal(check("t", a, 1, 2, NULL).status, SC_RL_LIMITED);
	/* another subject, same class: its own full bucket */
	assert_int_equal(check("t", b, 1, 2, NULL).remaining, 1);
	assert_int_equal(check("t", b, 1, 2, NULL).status, SC_RL_ALLOWED);
	assert_int_equal(check("t", b, 1, 2, NULL).status, SC_RL_LIMITED);
	/* same subject, another class */
	assert_int_equal(check("u", a, 1, 2, NULL).status, SC_RL_ALLOWED);
	/* a is still limited */
	assert_int_equal(check("t", a, 1, 2, NULL).status, SC_RL_LIMITED);
}

static void test_revoked_session(void **state)
{
	char subj[64], sid[SC_UUID_STRLEN + 1], other[SC_UUID_STRLEN + 1], key[128];
	sc_rl_result res;
	long long ttl;
	(void)state;
	t_unique(subj, sizeof(subj), "");
	sc_uuid_v4(sid);
	sc_uuid_v4(other);
	res = check("user", subj, 1, 10, sid);
	assert_int_equal(res.status, SC_RL_ALLOWED);
	assert_int_equal(res.remaining, 9);
	assert_int_equal(sc_ratelimit_revoke(r, sid, 930), 0);
	snprintf(key, sizeof(key), "revoked:sid:%s", sid);
	ttl = t_redis_int(r, 2, "TTL", key);
	assert_true(ttl > 0 && ttl <= 930);
	res = check("user", subj, 1, 10, sid);
	assert_int_equal(res.status, SC_RL_REVOKED);
	assert_int_equal(res.remaining, 0);
	/* a revoked request uses nothing from the bucket */
	res = check("user", subj, 1, 10, other);
	assert_int_equal(res.status, SC_RL_ALLOWED);
	assert_int_equal(res.remaining, 8);
	/* without a session to check, the same subject is merely limited */
	res = check("user", subj, 1, 10, NULL);
	assert_int_equal(res.status, SC_RL_ALLOWED);
	/* the other session is revoked on its own */
	assert_int_equal(sc_ratelimit_revoke(r, other, 60), 0);
	assert_int_equal(check("user", subj, 1, 10, other).status, SC_RL_REVOKED);
	assert_int_equal(check("user", subj, 1, 10, sid).status, SC_RL_REVOKED);
}

/* A second connection SUBSCRIBEd to sc:revoked hears each revocation, with
 * the session id as the message, after the mark is in place; a retried
 * revocation is heard again (the relay treats the notice as idempotent). */
static void test_revoke_publishes(void **state)
{
	char sid[SC_UUID_STRLEN + 1], key[128];
	struct timeval tv = { 5, 0 };
	redisContext *sub;
	redisReply *rep, *msg;
	int i;
	(void)state;
	sc_uuid_v4(sid);
	snprintf(key, sizeof(key), "revoked:sid:%s", sid);
	sub = redisConnectWithTimeout("127.0.0.1",
	    (int)strtol(t_need_env("SC_TEST_REDIS_PORT"), NULL, 10), tv);
	assert_non_null(sub);
	assert_int_equal(sub->err, 0);
	assert_int_equal(redisSetTimeout(sub, tv), REDIS_OK);
	rep = redisCommand(sub, "AUTH %s", t_need_env("SC_TEST_REDIS_PASSWORD"));
	assert_non_null(rep);
	assert_int_not_equal(rep->type, REDIS_REPLY_ERROR);
	freeReplyObject(rep);
	rep = redisCommand(sub, "SUBSCRIBE %s", SC_REVOKED_CHANNEL);
	assert_non_null(rep);
	assert_int_equal(rep->type, REDIS_REPLY_ARRAY);
	freeReplyObject(rep);

	for (i = 0; i < 2; i++) {
		assert_int_equal(sc_ratelimit_revoke(r, sid, 120), 0);
		assert_int_equal(redisGetReply(sub, (void **)&msg), REDIS_OK);
		assert_int_equal(msg->type, REDIS_REPLY_ARRAY);
		assert_int_equal(msg->elements, 3);
		assert_string_equal(msg->element[0]->str, "message");
		assert_string_equal(msg->element[1]->str, "sc:revoked");
		assert_string_equal(msg->element[2]->str, sid);
		freeReplyObject(msg);
		/* the mark is there when the notice arrives */
		{
			long long ttl = t_redis_int(r, 2, "TTL", key);
			assert_true(ttl > 0 && ttl <= 120);
		}
	}
	/* another session: its own id, nothing else in between */
	{
		char other[SC_UUID_STRLEN + 1];
		sc_uuid_v4(other);
		assert_int_equal(sc_ratelimit_revoke(r, other, 0), 0);   /* TTL 0 -> 1 s */
		assert_int_equal(redisGetReply(sub, (void **)&msg), REDIS_OK);
		assert_string_equal(msg->element[2]->str, other);
		freeReplyObject(msg);
	}
	redisFree(sub);
}

/* After SCRIPT FLUSH, EVALSHA answers NOSCRIPT: the script is sent once more
 * with EVAL, then EVALSHA works again. INFO commandstats proves the path. */
static int eval_calls(void)
{
	redisReply *rep = t_redis(r, 2, "INFO", "commandstats");
	const char *p;
	int n = 0;
	assert_int_equal(rep->type, REDIS_REPLY_STRING);
	p = strstr(rep->str, "cmdstat_eval:calls=");
	if (p != NULL)
		n = atoi(p + strlen("cmdstat_eval:calls="));
	freeReplyObject(rep);
	return n;
}

static void test_noscript_reload(void **state)
{
	char subj[64];
	redisReply *rep;
	int before;
	(void)state;
	t_unique(subj, sizeof(subj), "");
	/* make sure the script's SHA is known to the client first */
	assert_int_equal(check("t", subj, 1, 4, NULL).remaining, 3);
	rep = t_redis(r, 2, "SCRIPT", "FLUSH");
	freeReplyObject(rep);
	before = eval_calls();
	assert_int_equal(check("t", subj, 1, 4, NULL).remaining, 2);
	assert_int_equal(eval_calls(), before + 1);
	/* now cached again: no further EVAL */
	assert_int_equal(check("t", subj, 1, 4, NULL).remaining, 1);
	assert_int_equal(eval_calls(), before + 1);
	/* and once more after another flush */
	rep = t_redis(r, 2, "SCRIPT", "FLUSH");
	freeReplyObject(rep);
	assert_int_equal(check("t", subj, 1, 4, NULL).remaining, 0);
	assert_int_equal(eval_calls(), before + 2);
	assert_int_equal(check("t", subj, 1, 4, NULL).status, SC_RL_LIMITED);
}

static void test_redis_unreachable(void **state)
{
	sc_redis *down;
	sc_rl_result res;
	int unavail = 0;
	(void)state;
	t_config_services("REDIS_PORT", T_CLOSED_PORT, NULL);
	down = sc_redis_new();
	memset(&res, 0x5a, sizeof(res));
	assert_int_equal(sc_ratelimit_check(down, "t", "x", 1, 1, NULL, &res, &unavail), -1);
	assert_int_equal(unavail, 1);
	assert_int_not_equal(res.status, SC_RL_ALLOWED);
	unavail = 0;
	assert_int_equal(sc_ratelimit_check(down, "t", "x", 1, 1, "s", &res, &unavail), -1);
	assert_int_equal(unavail, 1);
	assert_int_equal(sc_ratelimit_revoke(down, "s", 60), -1);
	sc_redis_free(down);
}

/* Wrong password: Redis answers, but not to us; still never "allowed". */
static void test_redis_refuses(void **state)
{
	sc_redis *bad;
	sc_rl_result res;
	int unavail = 0;
	(void)state;
	t_config_services("REDIS_PASSWORD", "not-the-password", NULL);
	bad = sc_redis_new();
	memset(&res, 0, sizeof(res));
	assert_int_equal(sc_ratelimit_check(bad, "t", "x", 1, 1, NULL, &res, &unavail), -1);
	assert_int_not_equal(res.status, SC_RL_ALLOWED);
	sc_redis_free(bad);
}

/* The fastest configurable rate (emission interval 60 us) with a burst of 1:
 * the first request is allowed with nothing left (later ones depend on the
 * clock, so they are not asserted). */
static void test_high_rate_allowed(void **state)
{
	char subj[64];
	sc_rl_result res;
	(void)state;
	t_unique(subj, sizeof(subj), "");
	res = check("t", subj, 1000000, 1, NULL);
	assert_int_equal(res.status, SC_RL_ALLOWED);
	assert_int_equal(res.remaining, 0);
	assert_int_equal(res.limit, 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_burst_then_limited),
		T(test_limited_does_not_extend),
		T(test_subjects_and_classes_separate),
		T(test_revoked_session),
		T(test_revoke_publishes),
		T(test_noscript_reload),
		T(test_redis_unreachable),
		T(test_redis_refuses),
		T(test_high_rate_allowed),
	};
	return cmocka_run_group_tests_name("sc_ratelimit", tests, NULL, NULL);
}
