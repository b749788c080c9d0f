/* notifyd.h - sc-notifyd, the push worker (issue 9): what its files share.
 *
 * One process, one loop (nd_main.c), single-threaded:
 *   nd_stream.c  the Redis side: the consumer group "notifyd" on push:jobs
 *                (read, reclaim, keep-alive of held jobs, acknowledge), the
 *                per-job set of devices served (push:sent:{job_id}), the
 *                sorted set of due retries (push:retry) and the dead-letter
 *                stream push:dead
 *   nd_db.c      the PostgreSQL side: the one statement per job (notification
 *                row + devices), a gone device's delete, missed calls
 *   nd_send.c    the pushes: one libcurl multi handle, lib/sc_push_send.h
 *   nd_pure.c    what needs no I/O: job fields, type mapping, backoff (unit
 *                tested in tests/unit/test_notifyd.c)
 *
 * A job is a stream entry (sc_push_job.h). A retry entry is a job the worker
 * put back on the stream for one device after a backoff: it carries the
 * original job id ("job"), the device ("device") and the tries so far
 * ("attempt"). An entry is acknowledged once every device of it has a
 * definite outcome: sent, gone, failed, dead-lettered, or handed to the retry
 * set (which is durable in Redis like the stream). */
#ifndef NOTIFYD_H
#define NOTIFYD_H

#include <json-c/json.h>
#include <stddef.h>

#include "sc_db.h"
#include "sc_redis.h"

#define ND_ID_MAX      48      /* a stream id "1700000000000-0" with room */
#define ND_UUID_LEN    36
#define ND_DATA_MAX    4096    /* a job's data JSON */
#define ND_TITLE_MAX   256     /* bytes of a title or body (push.test texts are cut there) */
#define ND_HOST_CONNECTIONS 4     /* connections to one push host (HTTP/2: streams multiplex) */
#define ND_RETRY_KEY   "push:retry"
#define ND_SENT_PREFIX "push:sent:"

/* One job in memory. */
typedef struct nd_job {
	char id[ND_ID_MAX];          /* the stream entry: what XACK acknowledges */
	char job_id[ND_ID_MAX];      /* the job: id, or the original's for a retry entry */
	char user[ND_UUID_LEN + 1];
	char device[ND_UUID_LEN + 1];/* a retry entry's one device, else "" */
	char type[32];               /* message.new, call.ringing, ... */
	char event[ND_ID_MAX];
	char ts[48];
	char *data;                  /* the job's data (JSON object text), malloc'd */
	int  attempt;                /* tries already made (retry entry), else 0 */
	/* filled by nd_job_prepare() */
	const char *ntype;           /* notifications.type */
	char body[ND_TITLE_MAX + 1];
	char title[ND_TITLE_MAX + 1];/* push.test's title; else set from the statement */
	char *push_data;             /* the flat string map sent with the push, malloc'd */
	int  urgent;
	/* bookkeeping */
	int  pending;                /* pushes without a definite outcome */
	int  abandoned;              /* leave it unacknowledged (reclaimed later) */
	struct nd_job *prev, *next;
} nd_job;

/* One push: a job to one device. */
typedef struct nd_push {
	nd_job *job;
	char device_id[ND_UUID_LEN + 1];
	char dtype[8];               /* fcm, apns, web */
	char *token;                 /* malloc'd */
	unsigned char p256dh[65], auth[16];
	int  attempt;                /* tries made before this one */
	void *easy;                  /* CURL * while in flight */
	void *req;                   /* sc_push_req * while in flight */
	struct nd_push *prev, *next; /* the queue, or the transfers in flight */
} nd_push;

typedef struct nd_counters {
	unsigned long long jobs, sent, retried, gone, dead, failed, skipped, missed_calls, mails;
} nd_counters;

/* Settings read from the configuration at start. */
typedef struct nd_settings {
	long long concurrency, batch, claim_idle_ms, retry_base_ms, retry_max_ms, timeout_ms;
	long long max_attempts, stream_maxlen, ring_s, redis_timeout_ms, sent_ttl_s;
} nd_settings;

/* The process (nd_main.c owns it). */
typedef struct nd_state {
	nd_settings cfg;
	nd_counters n;
	sc_db *db;
	sc_redis *redis;
	char consumer[128];          /* host:pid */
	nd_job *jobs;                /* jobs in memory (doubly linked) */
	int njobs;
	int once;                    /* --once: drain and exit */
	int claiming;                /* nd_take() is called for reclaimed entries */
	volatile int stop;
} nd_state;

extern nd_state nd;

/* ---- nd_pure.c ---- */

/* Clear j and take one field of a stream entry. Unknown fields are ignored.
 * -1 when a value is malformed (too long, not a UUID, ...). */
void nd_job_init(nd_job *j, const char *entry_id);
int  nd_job_field(nd_job *j, const char *key, const char *val, size_t vlen);
/* After the fields: check the job is complete, map its type (ntype, body,
 * urgent, push.test's title), build push_data. 0, or -1 with *why. */
int  nd_job_prepare(nd_job *j, const char **why);
void nd_job_cleanup(nd_job *j);

/* The notification type of a job type, or NULL when sc-notifyd does not know it. */
const char *nd_ntype(const char *job_type);

/* Delay before try number `tries`+1 after `tries` tries (tries >= 1): base *
 * 2^(tries-1), at most max_ms, at least retry_after_s seconds when >= 0. */
long long nd_backoff_ms(int tries, long long base_ms, long long max_ms, long retry_after_s);

/* A flat JSON object of strings from a job's data (booleans and numbers as
 * text, nested values dropped) plus "type" (the job type) and "event_id"
 * when event is not empty. malloc'd. */
char *nd_flat_data(const char *data_json, const char *type, const char *event);

/* Cut s (UTF-8) to at most max bytes on a character boundary, in place. */
void nd_utf8_cut(char *s, size_t max);

int nd_is_uuid(const char *s, size_t n);
int nd_is_stream_id(const char *s, size_t n);

/* ---- nd_stream.c ---- */
int  nd_stream_init(void);                      /* XGROUP CREATE ... MKSTREAM */
/* Read up to n new entries (block_ms 0: do not block); each becomes a job
 * handed to nd_take(). Returns the entries read, -1 on a Redis failure. */
int  nd_stream_read(int n, int block_ms);
/* XAUTOCLAIM entries idle longer than the claim time (jobs of a dead
 * worker); the same return. */
int  nd_stream_reclaim(int n);
/* Reset the idle time of the jobs held in memory (XCLAIM JUSTID). */
void nd_stream_keepalive(void);
/* Move due retries from push:retry back onto the stream. The number moved. */
int  nd_stream_due_retries(int n);
/* Record a device served, and queue an acknowledgement; both are written by
 * nd_stream_flush(), records first. */
void nd_stream_sent(const char *job_id, const char *device_id);
void nd_stream_ack(const char *entry_id);
int  nd_stream_flush(void);
/* The devices already served for job_id, as a comma list in out (cap). */
int  nd_stream_served(const char *job_id, char *out, size_t cap);
/* Hand a push to the retry set: due after delay_ms, its entry carries tries. */
int  nd_stream_retry(const nd_job *j, const char *device_id, int tries, long long delay_ms);
/* XADD push:dead: the job, the device ("" for a whole job) and why. */
int  nd_stream_dead(const nd_job *j, const char *device_id, int tries, const char *why);

/* Called by nd_stream_read/reclaim for each entry: parse, run the statement,
 * queue its pushes or acknowledge it (nd_main.c). */
void nd_take(const char *entry_id, redisReply *fields);

/* ---- nd_db.c ---- */
/* The job's statement: notification row + devices. Queues nd_push items via
 * nd_send_queue(). Returns the number of pushes queued, -1 when the database
 * is unavailable (leave the job for a reclaim), -2 on any other error. */
int  nd_db_job(nd_job *j, const char *served);
int  nd_db_device_gone(const char *device_id, const char *token);
/* Mark calls that rang too long as missed and publish call.missed. The number. */
int  nd_db_missed_calls(void);
/* Record last_push_at of the devices pushed to since the last call. */
void nd_db_touch(const char *device_id);
void nd_db_touch_flush(void);

/* ---- nd_send.c ---- */
int  nd_send_init(char *err, size_t errlen);   /* loads the credentials */
void nd_send_cleanup(void);
int  nd_send_service_on(const char *type);      /* its keys are configured */
void nd_send_queue(nd_push *p);
/* Start what fits, run the transfers, wait up to wait_ms for progress,
 * handle finished ones. */
void nd_send_run(int wait_ms);
int  nd_send_busy(void);                        /* queued + in flight */
int  nd_send_inflight(void);
/* Drop every queued push and every transfer without an outcome (stop). */
void nd_send_abandon(void);
void nd_push_free(nd_push *p);

/* ---- nd_main.c ---- */
/* One push of j has a definite outcome: when it was the last, acknowledge j
 * and forget it. */
void nd_job_done_one(nd_job *j);

#endif
