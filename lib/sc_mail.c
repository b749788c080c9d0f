/* sc_mail.c - the mail outbox: claiming, sending, backoff (see sc_mail.h). */
#include "sc_mail.h"
#include "sc_app.h"

#include "sc_config.h"
#include "sc_log.h"

#include <curl/curl.h>

#include <string.h>

/* ---- the outbox ----------------------------------------------------------- */

/* Gives up the unsent mails that expired; returns how many. */
static const char SQL_GIVE_UP[] =
    "WITH g AS (UPDATE mail_outbox SET gave_up_at = now(), body_text = '', body_html = '', "
    "           last_error = coalesce(last_error, 'expired before the first attempt') "
    "           WHERE sent_at IS NULL AND gave_up_at IS NULL AND expires_at <= now() "
    "           RETURNING 1) "
    "SELECT count(*) FROM g";

/* Claims up to $2 due mails (only $1 when not NULL) for $3 seconds (the lease:
 * no other sender takes them meanwhile); returns what sending needs. */
static const char SQL_CLAIM[] =
    "WITH c AS (SELECT mail_id FROM mail_outbox "
    "           WHERE sent_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= now() "
    "             AND expires_at > now() AND ($1::uuid IS NULL OR mail_id = $1::uuid) "
    "           ORDER BY next_attempt_at LIMIT $2::int FOR UPDATE SKIP LOCKED) "
    "UPDATE mail_outbox m SET next_attempt_at = now() + make_interval(secs => $3::int) "
    "FROM c WHERE m.mail_id = c.mail_id "
    "RETURNING m.mail_id, m.to_addr, m.subject, m.body_text, m.body_html, "
    "          extract(epoch FROM m.created_at)::bigint";

/* Records a sent mail: bodies emptied, they may carry a token. */
static const char SQL_SENT[] =
    "UPDATE mail_outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL, "
    "body_text = '', body_html = '' WHERE mail_id = $1::uuid";

/* Records a failed attempt: the next one after 0 s, then 60 s doubling up to
 * $3 seconds; given up once expired. Returns whether it was given up. */
static const char SQL_FAILED[] =
    "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2, "
    "next_attempt_at = now() + make_interval(secs => CASE WHEN attempts = 0 THEN 0 "
    "    ELSE least($3::int, 60 * power(2, least(attempts - 1, 20)))::int END), "
    "gave_up_at = CASE WHEN expires_at <= now() THEN now() END, "
    "body_text = CASE WHEN expires_at <= now() THEN '' ELSE body_text END, "
    "body_html = CASE WHEN expires_at <= now() THEN '' ELSE body_html END "
    "WHERE mail_id = $1::uuid RETURNING gave_up_at IS NOT NULL";

int sc_mail_deliver(sc_db *db, sc_arena *a, const char *mail_id, int limit,
    sc_mail_counts *c, sc_db_err *err)
{
	char lim[24], lease[24], cap[24];
	const char *from = sc_config_str(SC_CFG_SMTP_FROM);
	PGresult *res, *r2;
	sc_buf msg;
	int i;

	memset(c, 0, sizeof(*c));
	if (mail_id == NULL) {
		if (sc_db_exec(db, a, SQL_GIVE_UP, 0, NULL, SC_DB_RETRY, &res, err) < 0)
			return -1;
		c->gave_up = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	}
	snprintf(lim, sizeof(lim), "%d", limit > 0 ? limit : 1);
	/* the lease outlasts one send by far: a sender that dies leaves the mail due again */
	snprintf(lease, sizeof(lease), "%lld", sc_config_int(SC_CFG_SMTP_TIMEOUT_MS) / 1000 + 60);
	snprintf(cap, sizeof(cap), "%d", SC_MAIL_BACKOFF_CAP_S);
	{
		const char *p[3] = { mail_id, lim, lease };
		if (sc_db_exec(db, a, SQL_CLAIM, 3, p, 0, &res, err) < 0)
			return -1;
	}
	c->claimed = PQntuples(res);
	sc_buf_init(&msg, 2 * SC_MAIL_PART_MAX + 64 * 1024);
	/* after a failure the rest of the batch keeps its lease: the mail server is
	 * likely down, and each try could cost SMTP_TIMEOUT_MS */
	for (i = 0; i < PQntuples(res) && c->failed == 0; i++) {
		const char *id = PQgetvalue(res, i, 0), *to = PQgetvalue(res, i, 1);
		char why[CURL_ERROR_SIZE + 64] = "";
		int rc;

		sc_buf_reset(&msg);
		if (sc_mail_build(&msg, from, to, PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
		    PQgetvalue(res, i, 4), id, (time_t)strtoll(PQgetvalue(res, i, 5), NULL, 10)) < 0) {
			snprintf(why, sizeof(why), "cannot build the message (SMTP_FROM or the address)");
			rc = -1;
		} else {
			rc = sc_mail_smtp_send(to, msg.ptr, msg.len, why, sizeof(why));
		}
		if (rc == 0) {
			const char *p[1] = { id };
			c->sent++;
			if (sc_db_exec(db, a, SQL_SENT, 1, p, SC_DB_RETRY, NULL, err) < 0) {
				sc_buf_cleanup(&msg);
				return -1;
			}
		} else {
			const char *p[3] = { id, why, cap };
			sc_buf l;
			c->failed++;
			sc_buf_init(&l, 1024);
			sc_buf_puts(&l, "\"mail_id\":");
			sc_buf_json_str(&l, id, strlen(id));
			sc_buf_puts(&l, ",\"error\":");
			sc_buf_json_str(&l, why, strlen(why));
			sc_log(SC_LOG_WARN, "mail not sent, it stays in the outbox", "%s",
			    l.ptr ? l.ptr : "\"x\":0");
			sc_buf_cleanup(&l);
			if (sc_db_exec(db, a, SQL_FAILED, 3, p, SC_DB_RETRY, &r2, err) < 0) {
				sc_buf_cleanup(&msg);
				return -1;
			}
			if (PQntuples(r2) == 1 && PQgetvalue(r2, 0, 0)[0] == 't')
				c->gave_up++;
		}
	}
	sc_buf_cleanup(&msg);
	return 0;
}

static void send_now(sc_db *db, sc_arena *a, void *arg)
{
	sc_mail_counts c;
	sc_db_err err;
	if (sc_mail_deliver(db, a, arg, 1, &c, &err) < 0)
		sc_log(SC_LOG_WARN, "could not record a mail attempt; sc-admin outbox flush retries",
		    NULL);
}

void sc_mail_send_later(sc_arena *a, const char *mail_id)
{
	(void)a;
	if (mail_id == NULL || mail_id[0] == '\0')
		return;
	if (sc_app_after(send_now, (void *)mail_id) < 0)
		sc_log(SC_LOG_WARN, "a second mail in one request waits for sc-admin outbox flush",
		    NULL);
}
