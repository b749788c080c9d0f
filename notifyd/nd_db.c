/* nd_db.c - sc-notifyd's PostgreSQL side (notifyd.h): one statement per job,
 * the delete of a device a push service reports gone, the missed calls, and
 * the last_push_at of the devices pushed to. */
#include "notifyd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"
#include "sc_arena.h"
#include "sc_buf.h"
#include "sc_call.h"
#include "sc_events.h"
#include "sc_log.h"
#include "sc_row.h"

/* One job: write the notification row unless the recipient's preferences or a
 * mute say no (ON CONFLICT (job_id): a reclaimed job writes nothing twice; a
 * retry entry, $7 set, writes nothing at all, so a notification the user
 * deleted meanwhile stays deleted), and return the devices to push to when
 * push_enabled (all of them, or only $7), without those already served ($8,
 * a comma list), with the title: the sender's, caller's or requester's
 * display name (or user name), or $5 (push.test). A deleted recipient gets
 * nothing. Mutes apply to message, call and missed_call.
 *   $1 user  $2 notifications.type  $3 data (jsonb)  $4 job id  $5 fixed title
 *   $6 body  $7 the one device ("" for all)  $8 devices served ("" for none)
 * Columns: device_id, type, token, p256dh (hex), auth_secret (hex), title,
 * inserted (the row was written by this statement). No row: nothing to push. */
static const char SQL_JOB[] =
    "WITH j AS (SELECT $1::uuid AS user_id, $2::text AS ntype, $3::jsonb AS data, $4::text AS job_id, "
    "                  nullif($7, '')::uuid AS only_device, "
    "                  string_to_array(nullif($8, ''), ',')::uuid[] AS served), "
    "a AS (SELECT CASE WHEN ($3::jsonb ->> 'conversation_id') ~ '^[0-9a-f-]{36}$' "
    "                  THEN ($3::jsonb ->> 'conversation_id')::uuid END AS conv, "
    "             CASE WHEN x.id ~ '^[0-9a-f-]{36}$' THEN x.id::uuid END AS actor "
    "      FROM (SELECT coalesce($3::jsonb ->> 'sender_id', $3::jsonb ->> 'caller_id', "
    "                            $3::jsonb ->> 'user_id') AS id) x), "
    "p AS (SELECT coalesce(np.push_enabled, true) AS push_on, "
    "             CASE j.ntype WHEN 'message' THEN coalesce(np.message_enabled, true) "
    "                          WHEN 'call' THEN coalesce(np.call_enabled, true) "
    "                          WHEN 'missed_call' THEN coalesce(np.call_enabled, true) "
    "                          WHEN 'friend_request' THEN coalesce(np.friend_request_enabled, true) "
    "                          ELSE coalesce(np.system_enabled, true) END "
    "             AND NOT (j.ntype IN ('message', 'call', 'missed_call') AND EXISTS ("
    "                 SELECT 1 FROM notification_mutes m, a "
    "                 WHERE m.user_id = j.user_id AND m.conversation_id = a.conv)) AS allowed "
    "      FROM j JOIN users u ON u.user_id = j.user_id AND u.deleted_at IS NULL "
    "      LEFT JOIN notification_preferences np ON np.user_id = j.user_id), "
    "t AS (SELECT coalesce(nullif($5, ''), "
    "                      (SELECT coalesce(nullif(u.display_name, ''), u.username) "
    "                       FROM users u, a WHERE u.user_id = a.actor), 'SecureConnect') AS title), "
    "ins AS (INSERT INTO notifications (user_id, type, title, body, data, job_id) "
    "        SELECT j.user_id, j.ntype, t.title, $6, "
    "               CASE WHEN j.ntype = 'system' THEN '{}'::jsonb ELSE j.data END, j.job_id "
    "        FROM j, p, t WHERE p.allowed AND j.only_device IS NULL "
    "        ON CONFLICT (job_id) DO NOTHING RETURNING 1) "
    "SELECT d.device_id, d.type, d.token, coalesce(encode(d.p256dh, 'hex'), ''), "
    "       coalesce(encode(d.auth_secret, 'hex'), ''), t.title, (SELECT count(*) FROM ins) "
    "FROM j, p, t, push_devices d "
    "WHERE p.allowed AND p.push_on AND d.user_id = j.user_id "
    "  AND (j.only_device IS NULL OR d.device_id = j.only_device) "
    "  AND (j.served IS NULL OR d.device_id <> ALL (j.served)) "
    "ORDER BY d.created_at";

static int unhex(const char *s, unsigned char *out, size_t n)
{
	size_t i;
	if (strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned v = 0;
		int k;
		for (k = 0; k < 2; k++) {
			char c = s[2 * i + k];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

int nd_db_job(nd_job *j, const char *served)
{
	const char *p[8] = { j->user, j->ntype, j->data, j->job_id, j->title, j->body, j->device,
		served };
	sc_arena a;
	sc_db_err err;
	PGresult *res;
	int i, n = 0;

	sc_arena_init(&a);
	if (sc_db_exec(nd.db, &a, SQL_JOB, 8, p, SC_DB_RETRY, &res, &err) < 0) {
		sc_log(SC_LOG_WARN, "job statement failed", "\"job\":\"%s\",\"unavailable\":%s,\"sqlstate\":\"%s\"",
		    j->job_id, err.unavailable ? "true" : "false", err.sqlstate);
		sc_arena_cleanup(&a);
		return err.unavailable ? -1 : -2;
	}
	for (i = 0; i < PQntuples(res); i++) {
		nd_push *x = sc_xcalloc(1, sizeof(*x));
		x->job = j;
		snprintf(x->device_id, sizeof(x->device_id), "%s", PQgetvalue(res, i, 0));
		snprintf(x->dtype, sizeof(x->dtype), "%s", PQgetvalue(res, i, 1));
		x->token = sc_xstrdup(PQgetvalue(res, i, 2));
		x->attempt = j->attempt;
		if (strcmp(x->dtype, "web") == 0 && (unhex(PQgetvalue(res, i, 3), x->p256dh, 65) < 0 ||
		    unhex(PQgetvalue(res, i, 4), x->auth, 16) < 0)) {
			nd_push_free(x);
			continue;
		}
		if (j->title[0] == '\0' || strcmp(j->ntype, "system") != 0) {
			snprintf(j->title, sizeof(j->title), "%s", PQgetvalue(res, i, 5));
			nd_utf8_cut(j->title, ND_TITLE_MAX);
		}
		j->pending++;
		n++;
		nd_send_queue(x);
	}
	sc_arena_cleanup(&a);
	return n;
}

/* The device the service reported gone, unless it was registered again with
 * another token meanwhile. */
static const char SQL_GONE[] =
    "DELETE FROM push_devices WHERE device_id = $1::uuid AND token = $2";

int nd_db_device_gone(const char *device_id, const char *token)
{
	const char *p[2] = { device_id, token };
	sc_arena a;
	sc_db_err err;
	int rc;

	sc_arena_init(&a);
	rc = sc_db_exec(nd.db, &a, SQL_GONE, 2, p, SC_DB_RETRY, NULL, &err);
	if (rc < 0)
		sc_log(SC_LOG_WARN, "cannot delete a gone device", "\"device_id\":\"%s\"", device_id);
	sc_arena_cleanup(&a);
	return rc;
}

/* Calls that rang $1 seconds with nobody answering: each is marked missed by
 * call_expire (sql/006_calls.sql, the same function the transitions use on
 * first touch), locked with SKIP LOCKED so two workers never take the same
 * call. call_json reads the row as it was locked, which already shows it as
 * missed with its end (STABLE: the statement's snapshot). Columns: call_id,
 * the call object, every participant (comma list), the revision after it. */
static const char SQL_MISSED[] =
    "WITH due AS (SELECT c FROM calls c "
    "             WHERE c.status = 'ringing' AND c.started_at + make_interval(secs => $1::int) <= now() "
    "             ORDER BY c.started_at LIMIT 100 FOR UPDATE OF c SKIP LOCKED), "
    "x AS (SELECT (d.c).call_id AS call_id, (d.c).rev AS rev, call_json(d.c, $1::int) AS call, "
    "             call_expire(d.c, $1::int) AS done FROM due d) "
    "SELECT x.call_id, x.call, (SELECT string_agg(p.user_id::text, ',' ORDER BY p.user_id) "
    "                           FROM call_participants p WHERE p.call_id = x.call_id), x.rev + 1 "
    "FROM x WHERE x.done";

int nd_db_missed_calls(void)
{
	char ring[24];
	const char *p[1] = { ring };
	sc_arena a;
	sc_db_err err;
	PGresult *res;
	int i, n;

	snprintf(ring, sizeof(ring), "%lld", nd.cfg.ring_s);
	sc_arena_init(&a);
	if (sc_db_exec(nd.db, &a, SQL_MISSED, 1, p, 0, &res, &err) < 0) {
		sc_log(SC_LOG_WARN, "missed-call statement failed", "\"unavailable\":%s",
		    err.unavailable ? "true" : "false");
		sc_arena_cleanup(&a);
		return -1;
	}
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		sc_call_res r = { 0 };
		long long rev = strtoll(PQgetvalue(res, i, 3), NULL, 10);
		r.call_id = PQgetvalue(res, i, 0);
		r.call = json_tokener_parse(PQgetvalue(res, i, 1));
		if (r.call == NULL)
			continue;
		/* the participant set goes (the relay stops routing signaling to it) */
		sc_call_cache(nd.redis, r.call_id, "over", "", rev, 0, 0);
		sc_call_publish(nd.redis, PQgetvalue(res, i, 2), "call.missed", &r, NULL, NULL);
		json_object_put(r.call);
		sc_log(SC_LOG_INFO, "call missed", "\"call_id\":\"%s\"", r.call_id);
	}
	nd.n.missed_calls += (unsigned long long)n;
	sc_arena_cleanup(&a);
	return n;
}

/* ---- last_push_at, written for many devices at once ---- */

static const char SQL_TOUCH[] =
    "UPDATE push_devices SET last_push_at = now() "
    "WHERE device_id = ANY (string_to_array($1, ',')::uuid[])";

static sc_buf touched;

void nd_db_touch(const char *device_id)
{
	if (touched.cap == 0)
		sc_buf_init(&touched, 38 * 2000);
	if (touched.len + ND_UUID_LEN + 2 > touched.cap)
		nd_db_touch_flush();   /* full: write what we have and start over */
	if (touched.len > 0)
		sc_buf_putc(&touched, ',');
	sc_buf_puts(&touched, device_id);
}

void nd_db_touch_flush(void)
{
	sc_arena a;
	sc_db_err err;
	const char *p[1];

	if (touched.len == 0)
		return;
	p[0] = touched.ptr;
	sc_arena_init(&a);
	if (sc_db_exec(nd.db, &a, SQL_TOUCH, 1, p, SC_DB_RETRY, NULL, &err) < 0)
		sc_log(SC_LOG_DEBUG, "cannot record last_push_at", NULL);
	sc_arena_cleanup(&a);
	sc_buf_reset(&touched);
}
