/* nd_stream.c - sc-notifyd's Redis side (notifyd.h): the consumer group on
 * push:jobs, the devices served per job, the retry set and the dead letters.
 *
 * Every command goes through the process's synchronous connection
 * (sc_redis.h): it reconnects and sends a command again after an I/O error,
 * so a blocking read is kept well under REDIS_TIMEOUT_MS. An entry delivered
 * to us whose reply was lost stays in our pending list and comes back
 * through our own XAUTOCLAIM. */
#include "notifyd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "sc_alloc.h"
#include "sc_log.h"
#include "sc_push_job.h"

/* argv with strlen lengths; NULL (logged) on failure */
static redisReply *cmd(int argc, const char **argv)
{
	size_t lens[64 + 2048];
	redisReply *rep;
	const char *err;
	int un, i;

	if (argc > (int)(sizeof(lens) / sizeof(lens[0])))
		return NULL;
	for (i = 0; i < argc; i++)
		lens[i] = strlen(argv[i]);
	if (sc_redis_cmd(nd.redis, argc, argv, lens, &rep, &un, &err) < 0) {
		sc_log(SC_LOG_WARN, "redis command failed", "\"command\":\"%s\",\"unavailable\":%s",
		    argv[0], un ? "true" : "false");
		return NULL;
	}
	return rep;
}

static long long now_ms(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

int nd_stream_init(void)
{
	const char *argv[] = { "XGROUP", "CREATE", SC_PUSH_STREAM, SC_PUSH_GROUP, "0", "MKSTREAM" };
	size_t lens[6];
	redisReply *rep;
	const char *err;
	int un, i;

	for (i = 0; i < 6; i++)
		lens[i] = strlen(argv[i]);
	/* "0": jobs queued before the first worker ever ran are delivered too */
	if (sc_redis_cmd(nd.redis, 6, argv, lens, &rep, &un, &err) < 0) {
		if (!un && strncmp(err, "BUSYGROUP", 9) == 0)
			return 0;
		sc_log(SC_LOG_ERROR, "cannot create the consumer group", "\"unavailable\":%s",
		    un ? "true" : "false");
		return -1;
	}
	freeReplyObject(rep);
	return 0;
}

/* entries: an array of [id, [field, value, ...]] */
static int take_entries(redisReply *entries)
{
	size_t i;
	int n = 0;

	if (entries == NULL || entries->type != REDIS_REPLY_ARRAY)
		return 0;
	for (i = 0; i < entries->elements; i++) {
		redisReply *e = entries->element[i];
		if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
		    e->element[0]->type != REDIS_REPLY_STRING)
			continue;
		n++;
		if (e->element[1]->type != REDIS_REPLY_ARRAY)   /* trimmed meanwhile */
			continue;
		nd_take(e->element[0]->str, e->element[1]);
	}
	return n;
}

int nd_stream_read(int n, int block_ms)
{
	char count[16], block[16];
	const char *argv[10];
	redisReply *rep;
	int c = 0, got;

	snprintf(count, sizeof(count), "%d", n > 0 ? n : 1);
	snprintf(block, sizeof(block), "%d", block_ms);
	argv[c++] = "XREADGROUP";
	argv[c++] = "GROUP";
	argv[c++] = SC_PUSH_GROUP;
	argv[c++] = nd.consumer;
	argv[c++] = "COUNT";
	argv[c++] = count;
	if (block_ms > 0) {
		argv[c++] = "BLOCK";
		argv[c++] = block;
	}
	argv[c++] = "STREAMS";
	argv[c++] = SC_PUSH_STREAM;
	{
		const char *a2[12];
		memcpy(a2, argv, sizeof(argv[0]) * (size_t)c);
		a2[c++] = ">";
		rep = cmd(c, a2);
	}
	if (rep == NULL)
		return -1;
	got = 0;
	if (rep->type == REDIS_REPLY_ARRAY && rep->elements > 0 &&
	    rep->element[0]->type == REDIS_REPLY_ARRAY && rep->element[0]->elements == 2)
		got = take_entries(rep->element[0]->element[1]);
	freeReplyObject(rep);
	return got;
}

int nd_stream_reclaim(int n)
{
	static char cursor[ND_ID_MAX] = "0-0";
	char idle[24], count[16];
	const char *argv[8];
	redisReply *rep;
	int got = 0;

	snprintf(idle, sizeof(idle), "%lld", nd.cfg.claim_idle_ms);
	snprintf(count, sizeof(count), "%d", n > 0 ? n : 1);
	argv[0] = "XAUTOCLAIM";
	argv[1] = SC_PUSH_STREAM;
	argv[2] = SC_PUSH_GROUP;
	argv[3] = nd.consumer;
	argv[4] = idle;
	argv[5] = cursor;
	argv[6] = "COUNT";
	argv[7] = count;
	rep = cmd(8, argv);
	if (rep == NULL)
		return -1;
	if (rep->type == REDIS_REPLY_ARRAY && rep->elements >= 2) {
		if (rep->element[0]->type == REDIS_REPLY_STRING &&
		    nd_is_stream_id(rep->element[0]->str, rep->element[0]->len))
			snprintf(cursor, sizeof(cursor), "%s", rep->element[0]->str);
		got = take_entries(rep->element[1]);
		if (got > 0)
			sc_log(SC_LOG_INFO, "jobs reclaimed", "\"count\":%d", got);
	}
	freeReplyObject(rep);
	return got;
}

/* Called every third of the claim time: our entries are about that idle. A
 * min-idle of a sixth leaves alone an entry another worker took over just now
 * (we were stalled past the claim time): it is theirs, we do not take it back. */
void nd_stream_keepalive(void)
{
	const char *argv[6 + 500];
	char idle[24];
	nd_job *j = nd.jobs;
	redisReply *rep;

	snprintf(idle, sizeof(idle), "%lld", nd.cfg.claim_idle_ms / 6);
	while (j != NULL) {
		int c = 0;
		argv[c++] = "XCLAIM";
		argv[c++] = SC_PUSH_STREAM;
		argv[c++] = SC_PUSH_GROUP;
		argv[c++] = nd.consumer;
		argv[c++] = idle;
		for (; j != NULL && c < 5 + 500; j = j->next)
			argv[c++] = j->id;
		argv[c++] = "JUSTID";
		rep = cmd(c, argv);
		if (rep != NULL)
			freeReplyObject(rep);
	}
}

/* KEYS: push:retry, push:jobs. ARGV: now (ms), limit, stream maxlen.
 * Each member is a JSON object with the entry's fields. */
static sc_redis_script due_script = { .text =
	"local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])\n"
	"for _, m in ipairs(due) do\n"
	"  local ok, j = pcall(cjson.decode, m)\n"
	"  if ok and type(j) == 'table' then\n"
	"    redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'user', j.user, 'type', j.type,\n"
	"               'data', j.data, 'event', j.event, 'ts', j.ts, 'job', j.job, 'device', j.device,\n"
	"               'attempt', tostring(j.attempt))\n"
	"  end\n"
	"  redis.call('ZREM', KEYS[1], m)\n"
	"end\n"
	"return #due\n",
};

int nd_stream_due_retries(int n)
{
	const char *keys[2] = { ND_RETRY_KEY, SC_PUSH_STREAM };
	char now[24], lim[16], maxlen[24];
	const char *args[3] = { now, lim, maxlen };
	redisReply *rep;
	const char *err;
	int un, moved = 0;

	snprintf(now, sizeof(now), "%lld", now_ms());
	snprintf(lim, sizeof(lim), "%d", n);
	snprintf(maxlen, sizeof(maxlen), "%lld", nd.cfg.stream_maxlen);
	if (sc_redis_eval(nd.redis, &due_script, 2, keys, 3, args, &rep, &un, &err) < 0) {
		sc_log(SC_LOG_WARN, "cannot move due retries", "\"unavailable\":%s", un ? "true" : "false");
		return -1;
	}
	if (rep->type == REDIS_REPLY_INTEGER)
		moved = (int)rep->integer;
	freeReplyObject(rep);
	return moved;
}

int nd_stream_served(const char *job_id, char *out, size_t cap)
{
	char key[ND_ID_MAX + 16];
	const char *argv[2] = { "SMEMBERS", key };
	redisReply *rep;
	size_t i, len = 0;

	out[0] = '\0';
	snprintf(key, sizeof(key), ND_SENT_PREFIX "%s", job_id);
	rep = cmd(2, argv);
	if (rep == NULL)
		return -1;
	for (i = 0; rep->type == REDIS_REPLY_ARRAY && i < rep->elements; i++) {
		redisReply *e = rep->element[i];
		if (e->type != REDIS_REPLY_STRING || !nd_is_uuid(e->str, e->len) || len + 38 >= cap)
			continue;
		len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "," : "", e->str);
	}
	freeReplyObject(rep);
	return 0;
}

int nd_stream_retry(const nd_job *j, const char *device_id, int tries, long long delay_ms)
{
	json_object *m = json_object_new_object();
	char due[24];
	const char *argv[4];
	redisReply *rep;

	json_object_object_add(m, "job", json_object_new_string(j->job_id));
	json_object_object_add(m, "user", json_object_new_string(j->user));
	json_object_object_add(m, "type", json_object_new_string(j->type));
	json_object_object_add(m, "data", json_object_new_string(j->data ? j->data : "{}"));
	json_object_object_add(m, "event", json_object_new_string(j->event));
	json_object_object_add(m, "ts", json_object_new_string(j->ts));
	json_object_object_add(m, "device", json_object_new_string(device_id));
	json_object_object_add(m, "attempt", json_object_new_int(tries));
	snprintf(due, sizeof(due), "%lld", now_ms() + delay_ms);
	argv[0] = "ZADD";
	argv[1] = ND_RETRY_KEY;
	argv[2] = due;
	argv[3] = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN);
	rep = cmd(4, argv);
	json_object_put(m);
	if (rep == NULL)
		return -1;
	freeReplyObject(rep);
	return 0;
}

int nd_stream_dead(const nd_job *j, const char *device_id, int tries, const char *why)
{
	char maxlen[24], t[16];
	const char *argv[] = { "XADD", SC_PUSH_DEAD_STREAM, "MAXLEN", "~", maxlen, "*",
		"job", j->job_id, "entry", j->id, "user", j->user, "type", j->type,
		"device", device_id, "attempts", t, "error", why, "ts", j->ts };
	redisReply *rep;

	snprintf(maxlen, sizeof(maxlen), "%lld", nd.cfg.stream_maxlen);
	snprintf(t, sizeof(t), "%d", tries);
	rep = cmd((int)(sizeof(argv) / sizeof(argv[0])), argv);
	if (rep == NULL)
		return -1;
	freeReplyObject(rep);
	return 0;
}

/* ---- the served records and the acknowledgements, written once per loop turn ---- */

#define FLUSH_MAX 1000

static char (*sent_job)[ND_ID_MAX], (*sent_dev)[ND_UUID_LEN + 1], (*acks)[ND_ID_MAX];
static int nsent, nacks;

/* ARGV: ttl, number of (job, device) pairs, the pairs, then the entry ids to
 * acknowledge. The records go first: a job is never acknowledged before the
 * devices it served are recorded. */
static sc_redis_script flush_script = { .text =
	"local np = tonumber(ARGV[2])\n"
	"local i = 3\n"
	"for k = 1, np do\n"
	"  local key = '" ND_SENT_PREFIX "' .. ARGV[i]\n"
	"  redis.call('SADD', key, ARGV[i + 1])\n"
	"  redis.call('EXPIRE', key, ARGV[1])\n"
	"  i = i + 2\n"
	"end\n"
	"if i <= #ARGV then\n"
	"  return redis.call('XACK', '" SC_PUSH_STREAM "', '" SC_PUSH_GROUP "', unpack(ARGV, i))\n"
	"end\n"
	"return 0\n",
};

int nd_stream_flush(void)
{
	const char **argv;
	char ttl[24], np[16];
	redisReply *rep;
	const char *err;
	size_t *lens;
	int c = 0, i, un, rc = 0;

	if (nsent == 0 && nacks == 0)
		return 0;
	/* the script's text is sent once; EVALSHA afterwards (sc_redis_eval's way,
	 * with more arguments than it takes) */
	if (flush_script.sha[0] == '\0') {
		const char *keys[1];
		const char *a[2] = { "0", "0" };
		if (sc_redis_eval(nd.redis, &flush_script, 0, keys, 2, a, &rep, &un, &err) < 0)
			return -1;
		freeReplyObject(rep);
	}
	argv = sc_xcalloc((size_t)(5 + 2 * nsent + nacks), sizeof(*argv));
	lens = sc_xcalloc((size_t)(5 + 2 * nsent + nacks), sizeof(*lens));
	snprintf(ttl, sizeof(ttl), "%lld", nd.cfg.sent_ttl_s);
	snprintf(np, sizeof(np), "%d", nsent);
	argv[c++] = "EVALSHA";
	argv[c++] = flush_script.sha;
	argv[c++] = "0";
	argv[c++] = ttl;
	argv[c++] = np;
	for (i = 0; i < nsent; i++) {
		argv[c++] = sent_job[i];
		argv[c++] = sent_dev[i];
	}
	for (i = 0; i < nacks; i++)
		argv[c++] = acks[i];
	for (i = 0; i < c; i++)
		lens[i] = strlen(argv[i]);
	if (sc_redis_cmd(nd.redis, c, argv, lens, &rep, &un, &err) < 0 && !un &&
	    strncmp(err, "NOSCRIPT", 8) == 0) {
		argv[0] = "EVAL";
		argv[1] = flush_script.text;
		lens[0] = 4;
		lens[1] = strlen(flush_script.text);
		if (sc_redis_cmd(nd.redis, c, argv, lens, &rep, &un, &err) < 0)
			rep = NULL;
	}
	if (rep == NULL) {
		/* kept for the next turn; unacknowledged jobs are reclaimed anyway */
		sc_log(SC_LOG_WARN, "cannot record pushes and acknowledgements", "\"unavailable\":%s",
		    un ? "true" : "false");
		rc = -1;
	} else {
		freeReplyObject(rep);
		nsent = nacks = 0;
	}
	free(argv);
	free(lens);
	return rc;
}

void nd_stream_sent(const char *job_id, const char *device_id)
{
	if (sent_job == NULL) {
		sent_job = sc_xcalloc(FLUSH_MAX, sizeof(*sent_job));
		sent_dev = sc_xcalloc(FLUSH_MAX, sizeof(*sent_dev));
	}
	if (nsent == FLUSH_MAX)
		nd_stream_flush();
	if (nsent == FLUSH_MAX)
		return;     /* Redis is down: a reclaim may push this device again */
	snprintf(sent_job[nsent], ND_ID_MAX, "%s", job_id);
	snprintf(sent_dev[nsent], ND_UUID_LEN + 1, "%s", device_id);
	nsent++;
}

void nd_stream_ack(const char *entry_id)
{
	if (acks == NULL)
		acks = sc_xcalloc(FLUSH_MAX, sizeof(*acks));
	if (nacks == FLUSH_MAX)
		nd_stream_flush();
	if (nacks == FLUSH_MAX)
		return;     /* Redis is down: the entry is reclaimed and finds its devices served */
	snprintf(acks[nacks], ND_ID_MAX, "%s", entry_id);
	nacks++;
}
