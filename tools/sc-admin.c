/* sc-admin - SecureConnect administration.
 *
 *   sc-admin check-config          validate the configuration; exit 0 or 1
 *   sc-admin config-keys           print every setting's name
 *   sc-admin config-doc            print the settings as a Markdown table
 *   sc-admin migrate [--dir DIR]   apply sql/NNN_*.sql in order
 *   sc-admin rebuild-redis         put back what Redis must know and PostgreSQL has:
 *                                  the revocation marks of recently revoked sessions and
 *                                  every membership cache conv:{id}:members and the
 *                                  participant sets call:{id}:participants of live calls
 *   sc-admin purge-messages        delete the messages older than their conversation's
 *                                  message_retention_days (for cron)
 *   sc-admin gc                    file storage housekeeping (for cron): end the uploads
 *                                  never completed within their URL's lifetime and give
 *                                  their quota back, remove the bytes of deleted files,
 *                                  remove left-over temporary uploads; drop used or
 *                                  expired account tokens and 2FA login challenges (a
 *                                  day after), outbox rows sent or given up more
 *                                  than 30 days ago, and notifications older than
 *                                  NOTIFICATIONS_KEEP_DAYS
 *   sc-admin outbox flush [--limit N]  send the due mails of the outbox (for cron or a
 *                                  systemd timer): prints the counts; exit 0 unless the
 *                                  database failed
 *   sc-admin outbox list [--limit N]   the unsent mails, oldest first (no bodies)
 *   sc-admin vapid-keygen [FILE]   a new Web Push VAPID key (P-256): the PEM private key
 *                                  to FILE (created 0600, never overwritten) or standard
 *                                  output, and the base64url public key (the
 *                                  applicationServerKey clients subscribe with)
 *
 * Configuration comes from the environment and the file named by SC_CONFIG
 * (docs/decisions.md). */
#include "sc_b64.h"
#include "sc_buf.h"
#include "sc_call.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_file.h"
#include "sc_jwt.h"
#include "sc_log.h"
#include "sc_mail.h"
#include "sc_migrate.h"
#include "sc_ratelimit.h"
#include "sc_redis.h"
#include "sc_storage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

static const char *type_name(sc_config_type t)
{
	switch (t) {
	case SC_CT_STR: return "string";
	case SC_CT_SECRET: return "secret";
	case SC_CT_INT: return "integer";
	case SC_CT_BOOL: return "boolean";
	case SC_CT_ENUM: return "one of";
	case SC_CT_ORIGINS: return "origin list";
	case SC_CT_IPLIST: return "address list";
	case SC_CT_URL: return "URL";
	case SC_CT_ICE_URLS: return "STUN/TURN URL list";
	}
	return "?";
}

static int config_doc(void)
{
	size_t n, i;
	const sc_config_def *d = sc_config_defs(&n);

	printf("| key | type | default | description |\n|---|---|---|---|\n");
	for (i = 0; i < n; i++) {
		char type[160];
		if (d[i].type == SC_CT_ENUM)
			snprintf(type, sizeof(type), "one of `%s`", d[i].choices);
		else if (d[i].type == SC_CT_INT)
			snprintf(type, sizeof(type), "integer %lld..%lld", d[i].min, d[i].max);
		else
			snprintf(type, sizeof(type), "%s", type_name(d[i].type));
		printf("| `%s` | %s | %s%s%s | %s |\n", d[i].name, type,
		    d[i].def == NULL ? "**required**" : d[i].def[0] ? "`" : "(empty)",
		    d[i].def && d[i].def[0] ? d[i].def : "",
		    d[i].def && d[i].def[0] ? "`" : "", d[i].doc);
	}
	return 0;
}

/* Sessions revoked within the access-token lifetime, with the seconds left. */
static const char SQL_RECENTLY_REVOKED[] =
    "SELECT session_id, ceil($1::int - extract(epoch FROM now() - revoked_at))::int "
    "FROM sessions WHERE revoked_at > now() - make_interval(secs => $1::int)";

/* The members of up to $2 conversations after conversation $1, in id order:
 * (conversation_id, user ids as a comma list). A range of the participants'
 * primary key per page, never OFFSET. */
static const char SQL_CONV_MEMBERS[] =
    "SELECT conversation_id, string_agg(user_id::text, ',') FROM conversation_participants "
    "WHERE conversation_id > $1::uuid GROUP BY conversation_id ORDER BY conversation_id "
    "LIMIT $2::int";

#define CONV_PAGE     1000             /* conversations per statement */
#define CONV_FLUSH    (1024 * 1024)    /* bytes of members per Redis round trip */
#define CONV_BUF_CAP  (16 * 1024 * 1024)

/* ARGV[1]: lines "<conversation id> <user id>,<user id>...\n". Each set is
 * deleted and filled again, SADD in slices that Lua's unpack() can take. */
static sc_redis_script members_script = { .text =
	"local n = 0\n"
	"for conv, members in string.gmatch(ARGV[1], '([^ \\n]+) ([^\\n]*)\\n') do\n"
	"  local key = 'conv:' .. conv .. ':members'\n"
	"  redis.call('DEL', key)\n"
	"  local batch = {}\n"
	"  for u in string.gmatch(members, '[^,]+') do\n"
	"    batch[#batch + 1] = u\n"
	"    if #batch == 1000 then redis.call('SADD', key, unpack(batch)); batch = {} end\n"
	"  end\n"
	"  if #batch > 0 then redis.call('SADD', key, unpack(batch)) end\n"
	"  n = n + 1\n"
	"end\n"
	"return n\n",
};

static int flush_members(sc_redis *r, sc_buf *b, long long *sets)
{
	const char *args[1] = { b->ptr }, *errstr = "";
	redisReply *reply = NULL;
	int unavailable = 0;

	if (b->len == 0)
		return 0;
	if (sc_redis_eval(r, &members_script, 0, NULL, 1, args, &reply, &unavailable, &errstr) < 0) {
		fprintf(stderr, "rebuild-redis: Redis refused the membership caches: %s\n", errstr);
		return -1;
	}
	if (reply->type == REDIS_REPLY_INTEGER)
		*sets += reply->integer;
	freeReplyObject(reply);
	sc_buf_reset(b);
	return 0;
}

/* Every conv:{id}:members set again from conversation_participants, in pages
 * of CONV_PAGE conversations and about CONV_FLUSH bytes per round trip. A
 * membership change made while this runs may be overwritten by the older
 * page: run it when Redis came back empty, or run it twice. */
static int rebuild_members(sc_db *db, sc_redis *r, sc_arena *a, long long *sets)
{
	char after[40] = "00000000-0000-0000-0000-000000000000", page[16];
	const char *p[2] = { after, page };
	sc_buf b;
	sc_db_err err;
	PGresult *res;
	int i, rows, rc = -1;

	snprintf(page, sizeof(page), "%d", CONV_PAGE);
	sc_buf_init(&b, CONV_BUF_CAP);
	do {
		if (sc_db_exec(db, a, SQL_CONV_MEMBERS, 2, p, SC_DB_RETRY, &res, &err) < 0) {
			fprintf(stderr, "rebuild-redis: %s\n", err.msg);
			goto out;
		}
		rows = PQntuples(res);
		for (i = 0; i < rows; i++) {
			const char *conv = PQgetvalue(res, i, 0), *members = PQgetvalue(res, i, 1);
			size_t need = strlen(conv) + strlen(members) + 2;
			if (b.len > 0 && b.len + need > CONV_FLUSH && flush_members(r, &b, sets) < 0)
				goto out;
			if (sc_buf_printf(&b, "%s %s\n", conv, members) < 0) {
				fprintf(stderr, "rebuild-redis: conversation %s has too many members\n", conv);
				goto out;
			}
		}
		if (rows > 0)
			snprintf(after, sizeof(after), "%s", PQgetvalue(res, rows - 1, 0));
		sc_arena_reset(a);
	} while (rows == CONV_PAGE);
	if (flush_members(r, &b, sets) < 0)
		goto out;
	rc = 0;
out:
	sc_buf_cleanup(&b);
	return rc;
}

/* The calls after call $1 that are ringing (not past their ring time, $2
 * seconds) or active, at most $3, in id order: call id, live state, revision,
 * seconds a ringing set lives, the participants rung or in the call (comma
 * list). The partial index calls_live holds exactly the candidates. */
static const char SQL_LIVE_CALLS[] =
    "SELECT c.call_id, c.status, c.rev, "
    "  greatest(1, ceil(extract(epoch FROM c.started_at + make_interval(secs => $2::int + 30) "
    "           - now())))::int, "
    "  (SELECT coalesce(string_agg(p.user_id::text, ','), '') FROM call_participants p "
    "   WHERE p.call_id = c.call_id AND p.state IN ('invited', 'joined')) "
    "FROM calls c WHERE c.status IN ('ringing', 'active') AND c.call_id > $1::uuid "
    "  AND call_status(c.status, c.started_at, $2::int) <> 'missed' "
    "ORDER BY c.call_id LIMIT $3::int";

/* Every call:{id}:participants set of a live call again (sc_call_cache with
 * force: DEL, SADD, the ringing TTL, the revision), one script per call, in
 * pages of CONV_PAGE calls. Sets of calls that are over are left alone (they
 * are deleted when the call ends, or expire while ringing). */
static int rebuild_calls(sc_db *db, sc_redis *r, sc_arena *a, long long *sets)
{
	char after[40] = "00000000-0000-0000-0000-000000000000", page[16], ring[24];
	const char *p[3] = { after, ring, page };
	sc_db_err err;
	PGresult *res;
	int i, rows;

	snprintf(page, sizeof(page), "%d", CONV_PAGE);
	snprintf(ring, sizeof(ring), "%lld", sc_config_int(SC_CFG_CALL_RING_SECONDS));
	do {
		if (sc_db_exec(db, a, SQL_LIVE_CALLS, 3, p, SC_DB_RETRY, &res, &err) < 0) {
			fprintf(stderr, "rebuild-redis: %s\n", err.msg);
			return -1;
		}
		rows = PQntuples(res);
		for (i = 0; i < rows; i++) {
			const char *rev = PQgetvalue(res, i, 2), *ttl = PQgetvalue(res, i, 3);
			long long nrev, nttl;
			if (sc_parse_i64(rev, strlen(rev), 0, 1LL << 40, &nrev) < 0 ||
			    sc_parse_i64(ttl, strlen(ttl), 1, 1LL << 40, &nttl) < 0)
				nrev = 0, nttl = 1;
			if (sc_call_cache(r, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
			    PQgetvalue(res, i, 4), nrev, nttl, 1) < 0) {
				fprintf(stderr, "rebuild-redis: Redis refused a call "
				    "participant set\n");
				return -1;
			}
			(*sets)++;
		}
		if (rows > 0)
			snprintf(after, sizeof(after), "%s", PQgetvalue(res, rows - 1, 0));
		sc_arena_reset(a);
	} while (rows == CONV_PAGE);
	return 0;
}

/* After Redis lost its data (a restart without persistence), access tokens of
 * revoked sessions would work again until they expire: mark them again. The
 * membership caches the relay checks client frames against are rebuilt too:
 * conversation members and call participants. */
static int rebuild_redis(void)
{
	char ttl[24];
	const char *p[1] = { ttl };
	sc_db *db = sc_db_new();
	sc_redis *r = sc_redis_new();
	sc_arena a;
	sc_db_err err;
	PGresult *res;
	int i, rc = 1, n = 0;
	long long sets = 0;

	sc_arena_init(&a);
	snprintf(ttl, sizeof(ttl), "%lld", sc_config_int(SC_CFG_JWT_ACCESS_TTL_SECONDS) + SC_JWT_LEEWAY);
	if (sc_db_exec(db, &a, SQL_RECENTLY_REVOKED, 1, p, SC_DB_RETRY, &res, &err) < 0) {
		fprintf(stderr, "rebuild-redis: %s\n", err.msg);
		goto out;
	}
	for (i = 0; i < PQntuples(res); i++) {
		const char *left = PQgetvalue(res, i, 1);
		long long secs;
		if (sc_parse_i64(left, strlen(left), 1, 1000000, &secs) < 0)
			secs = 1;
		if (sc_ratelimit_revoke(r, PQgetvalue(res, i, 0), secs) < 0) {
			fprintf(stderr, "rebuild-redis: Redis refused the revocation marks\n");
			goto out;
		}
		n++;
	}
	printf("rebuild-redis: %d revoked sessions marked\n", n);
	sc_arena_reset(&a);
	if (rebuild_members(db, r, &a, &sets) < 0)
		goto out;
	printf("rebuild-redis: %lld conversation member sets rebuilt\n", sets);
	sets = 0;
	if (rebuild_calls(db, r, &a, &sets) < 0)
		goto out;
	printf("rebuild-redis: %lld call participant sets rebuilt\n", sets);
	rc = 0;
out:
	sc_arena_cleanup(&a);
	sc_redis_free(r);
	sc_db_free(db);
	return rc;
}

/* Deletes up to $1 messages sent before their conversation's retention
 * window (conversations.message_retention_days; NULL keeps everything). The
 * message id is a UUIDv7 whose first 48 bits are the sending time in ms, so
 * "older than the cutoff" is a range of messages_conversation per
 * conversation; sent_at (the same instant) is checked as well. The ids are
 * collected into an array first, so the DELETE probes the primary key
 * instead of hashing the whole table. Edits and reactions go with their
 * message (ON DELETE CASCADE). */
static const char SQL_PURGE[] =
    "DELETE FROM messages WHERE message_id = ANY (ARRAY("
    "  SELECT m.message_id FROM conversations c "
    "  CROSS JOIN LATERAL (SELECT now() - make_interval(days => c.message_retention_days) AS at) t "
    "  CROSS JOIN LATERAL (SELECT x.message_id FROM messages x "
    "    WHERE x.conversation_id = c.conversation_id "
    "      AND x.message_id < (lpad(to_hex(floor(extract(epoch FROM t.at) * 1000)::bigint), 12, '0') "
    "                          || '00000000000000000000')::uuid "
    "      AND x.sent_at < t.at "
    "    LIMIT $1::int) m "
    "  WHERE c.message_retention_days IS NOT NULL "
    "  LIMIT $1::int))";

#define PURGE_BATCH 10000

/* Run SQL_PURGE until it deletes nothing; each batch commits on its own, so
 * an interrupted run keeps what it did and the next one goes on. */
static int purge_messages(void)
{
	char batch[16];
	const char *p[1] = { batch };
	sc_db *db = sc_db_new();
	sc_arena a;
	sc_db_err err;
	PGresult *res;
	long long total = 0, n;
	int rc = 1;

	sc_arena_init(&a);
	snprintf(batch, sizeof(batch), "%d", PURGE_BATCH);
	do {
		const char *count;
		if (sc_db_exec(db, &a, SQL_PURGE, 1, p, SC_DB_RETRY, &res, &err) < 0) {
			fprintf(stderr, "purge-messages: %s (%lld deleted before)\n", err.msg, total);
			goto out;
		}
		count = PQcmdTuples(res);
		if (sc_parse_i64(count, strlen(count), 0, PURGE_BATCH, &n) < 0) {
			fprintf(stderr, "purge-messages: unexpected row count \"%s\"\n", count);
			goto out;
		}
		total += n;
		sc_arena_reset(&a);
	} while (n > 0);
	printf("purge-messages: %lld messages deleted\n", total);
	rc = 0;
out:
	sc_arena_cleanup(&a);
	sc_db_free(db);
	return rc;
}

/* Ends up to $1 uploads whose URL expired (status uploading, upload_expires_at
 * passed): they become deleted and their owners get the size back. Rows
 * another transaction holds are skipped (the next batch or run takes them).
 * One row: how many, how many bytes. */
static const char SQL_EXPIRE[] =
    "WITH d AS (UPDATE files f SET status = 'deleted', updated_at = now() "
    "  WHERE f.file_id IN (SELECT file_id FROM files WHERE status = 'uploading' "
    "      AND upload_expires_at < now() ORDER BY upload_expires_at LIMIT $1::int "
    "      FOR UPDATE SKIP LOCKED) "
    "    AND f.status = 'uploading' RETURNING f.user_id, f.file_size), "
    SC_SQL_FILE_RELEASE " "
    "SELECT count(*), coalesce(sum(file_size), 0) FROM d";

#define GC_BATCH    1000
#define GC_TMP_AGE  3600     /* seconds: a temporary upload older than this is a left-over */

/* Files in STORAGE_DIR/tmp older than GC_TMP_AGE (an upload program that died
 * while receiving); *n of them removed. 0, or -1 when the folder cannot be read. */
static int gc_tmp(long long *n)
{
	char dir[PATH_MAX];
	DIR *d;
	struct dirent *e;
	time_t now = time(NULL);
	int len;

	*n = 0;
	len = snprintf(dir, sizeof(dir), "%s/tmp", sc_config_str(SC_CFG_STORAGE_DIR));
	if (len < 0 || (size_t)len >= sizeof(dir))
		return -1;
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && st.st_mtime < now - GC_TMP_AGE &&
		    unlinkat(dirfd(d), e->d_name, 0) == 0)
			(*n)++;
	}
	closedir(d);
	return 0;
}

static int usage(void);
static int load(void);

#define SC_ADMIN_TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* Drops what the account mails leave behind: tokens and 2FA login challenges
 * used or expired more than a day ago, outbox rows sent or given up more than
 * 30 days ago. Returns the three counts. */
static const char SQL_GC_ACCOUNT[] =
    "WITH t AS (DELETE FROM account_tokens WHERE coalesce(used_at, expires_at) < now() - interval '1 day' "
    "           OR expires_at < now() - interval '1 day' RETURNING 1), "
    "c AS (DELETE FROM login_challenges WHERE coalesce(used_at, expires_at) < now() - interval '1 day' "
    "      OR expires_at < now() - interval '1 day' RETURNING 1), "
    "m AS (DELETE FROM mail_outbox WHERE coalesce(sent_at, gave_up_at) < now() - interval '30 days' "
    "      RETURNING 1) "
    "SELECT (SELECT count(*) FROM t), (SELECT count(*) FROM c), (SELECT count(*) FROM m)";

static int gc_account(sc_db *db, sc_arena *a)
{
	PGresult *res;
	sc_db_err err;
	if (sc_db_exec(db, a, SQL_GC_ACCOUNT, 0, NULL, SC_DB_RETRY, &res, &err) < 0) {
		fprintf(stderr, "gc: %s\n", err.msg);
		return -1;
	}
	printf("gc: %s account tokens, %s login challenges, %s old outbox rows removed\n",
	    PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2));
	return 0;
}

/* Notifications older than NOTIFICATIONS_KEEP_DAYS ($1), up to $2 at a time. */
static const char SQL_GC_NOTIFICATIONS[] =
    "WITH d AS (DELETE FROM notifications WHERE notification_id IN ("
    "    SELECT notification_id FROM notifications "
    "    WHERE created_at < now() - make_interval(days => $1::int) LIMIT $2::int) RETURNING 1) "
    "SELECT count(*) FROM d";

static int gc_notifications(sc_db *db, sc_arena *a)
{
	char days[24], batch[16];
	const char *p[2] = { days, batch };
	long long total = 0, n;
	PGresult *res;
	sc_db_err err;

	snprintf(days, sizeof(days), "%lld", sc_config_int(SC_CFG_NOTIFICATIONS_KEEP_DAYS));
	snprintf(batch, sizeof(batch), "%d", 10000);
	do {
		if (sc_db_exec(db, a, SQL_GC_NOTIFICATIONS, 2, p, SC_DB_RETRY, &res, &err) < 0) {
			fprintf(stderr, "gc: %s (%lld notifications removed before)\n", err.msg, total);
			return -1;
		}
		n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		total += n;
		sc_arena_reset(a);
	} while (n > 0);
	printf("gc: %lld notifications older than %s days removed\n", total, days);
	return 0;
}

/* sc-admin vapid-keygen [FILE]: a P-256 key for Web Push (RFC 8292). The PEM
 * (PKCS#8) goes to FILE, created 0600 and never overwritten (O_EXCL), or to
 * standard output; the public key, the 65-byte uncompressed point in base64url,
 * is what a browser passes as applicationServerKey to pushManager.subscribe(). */
static int vapid_keygen(int argc, char **argv)
{
	EVP_PKEY *k = NULL;
	unsigned char *pub = NULL;
	char b64[128];
	size_t publen;
	FILE *out = stdout;
	int rc = 1, fd;

	if (argc > 3)
		return usage();
	k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (k == NULL) {
		fprintf(stderr, "vapid-keygen: key generation failed\n");
		return 1;
	}
	publen = EVP_PKEY_get1_encoded_public_key(k, &pub);
	if (publen != 65 || pub == NULL || pub[0] != 0x04) {
		fprintf(stderr, "vapid-keygen: unexpected public key\n");
		goto out;
	}
	if (argc == 3) {
		fd = open(argv[2], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || (out = fdopen(fd, "w")) == NULL) {
			fprintf(stderr, "vapid-keygen: cannot create %s: %s\n", argv[2], strerror(errno));
			if (fd >= 0)
				close(fd);
			out = NULL;
			goto out;
		}
	}
	if (PEM_write_PrivateKey(out, k, NULL, NULL, 0, NULL, NULL) != 1) {
		fprintf(stderr, "vapid-keygen: cannot write the key\n");
		goto out;
	}
	sc_b64url_encode(pub, publen, b64);
	if (argc == 3) {
		if (fclose(out) != 0) {
			out = NULL;
			fprintf(stderr, "vapid-keygen: cannot write %s\n", argv[2]);
			goto out;
		}
		out = NULL;
		printf("vapid-keygen: private key written to %s (set VAPID_PRIVATE_KEY_FILE to it; "
		    "readable by the account sc-notifyd runs as)\n", argv[2]);
	}
	printf("applicationServerKey=%s\n", b64);
	rc = 0;
out:
	if (out != NULL && out != stdout)
		fclose(out);
	OPENSSL_free(pub);
	EVP_PKEY_free(k);
	return rc;
}

/* The unsent mails, oldest first. */
static const char SQL_OUTBOX_LIST[] =
    "SELECT mail_id, template, to_addr, attempts, " SC_ADMIN_TS("created_at") ", "
    SC_ADMIN_TS("next_attempt_at") ", coalesce(last_error, '') FROM mail_outbox "
    "WHERE sent_at IS NULL AND gave_up_at IS NULL ORDER BY created_at LIMIT $1::int";

/* sc-admin outbox flush|list [--limit N]: see the header comment and docs/sc-admin.8. */
static int outbox(int argc, char **argv)
{
	long long limit = 100;
	sc_db *db;
	sc_arena a;
	sc_db_err err;
	int rc = 1;

	if (argc == 5 && strcmp(argv[3], "--limit") == 0) {
		if (sc_parse_i64(argv[4], strlen(argv[4]), 1, 100000, &limit) < 0) {
			fprintf(stderr, "outbox: --limit takes 1..100000\n");
			return 2;
		}
	} else if (argc != 3) {
		return usage();
	}
	if (strcmp(argv[2], "flush") != 0 && strcmp(argv[2], "list") != 0)
		return usage();
	if (load() < 0)
		return 1;
	db = sc_db_new();
	sc_arena_init(&a);
	if (strcmp(argv[2], "flush") == 0) {
		sc_mail_counts c, t = { 0, 0, 0, 0 };
		/* in batches of up to 20, so a long run holds few mails at once */
		do {
			int batch = limit - t.claimed > 20 ? 20 : (int)(limit - t.claimed);
			if (sc_mail_deliver(db, &a, NULL, batch, &c, &err) < 0) {
				fprintf(stderr, "outbox: %s\n", err.msg);
				goto out;
			}
			t.claimed += c.claimed;
			t.sent += c.sent;
			t.failed += c.failed;
			t.gave_up += c.gave_up;
			sc_arena_reset(&a);
		} while (c.claimed > 0 && c.failed == 0 && t.claimed < limit);
		printf("outbox: %lld sent, %lld failed (retried later), %lld given up\n",
		    t.sent, t.failed, t.gave_up);
		rc = 0;
	} else {
		const char *p[1];
		char lim[24];
		PGresult *res;
		snprintf(lim, sizeof(lim), "%lld", limit);
		p[0] = lim;
		if (sc_db_exec(db, &a, SQL_OUTBOX_LIST, 1, p, SC_DB_RETRY, &res, &err) < 0) {
			fprintf(stderr, "outbox: %s\n", err.msg);
			goto out;
		}
		printf("mail_id\ttemplate\tto\tattempts\tcreated_at\tnext_attempt_at\tlast_error\n");
		for (int i = 0; i < PQntuples(res); i++)
			printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", PQgetvalue(res, i, 0),
			    PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
			    PQgetvalue(res, i, 4), PQgetvalue(res, i, 5), PQgetvalue(res, i, 6));
		rc = 0;
	}
out:
	sc_arena_cleanup(&a);
	sc_db_free(db);
	return rc;
}

/* sc-admin gc: see the header comment and docs/sc-admin.8. */
static int gc(void)
{
	char batch[16], after[37] = "";
	const char *p[1] = { batch };
	sc_db *db = sc_db_new();
	sc_arena a;
	sc_db_err err;
	PGresult *res;
	long long ended = 0, bytes = 0, n, b, removed = 0, seen = 0, r, tmp = 0;
	int rc = 1, k;

	sc_arena_init(&a);
	snprintf(batch, sizeof(batch), "%d", GC_BATCH);
	do {
		if (sc_db_exec(db, &a, SQL_EXPIRE, 1, p, SC_DB_RETRY, &res, &err) < 0) {
			fprintf(stderr, "gc: %s (%lld uploads ended before)\n", err.msg, ended);
			goto out;
		}
		if (sc_parse_i64(PQgetvalue(res, 0, 0), strlen(PQgetvalue(res, 0, 0)), 0, GC_BATCH, &n) < 0 ||
		    sc_parse_i64(PQgetvalue(res, 0, 1), strlen(PQgetvalue(res, 0, 1)), 0, (long long)9e18,
		    &b) < 0) {
			fprintf(stderr, "gc: unexpected answer to the expiry statement\n");
			goto out;
		}
		ended += n;
		bytes += b;
		sc_arena_reset(&a);
	} while (n > 0);
	printf("gc: %lld expired uploads ended, %lld bytes of quota given back\n", ended, bytes);
	/* every deleted file's bytes, then its row; what fails stays for the next run */
	while ((k = sc_storage_purge(db, &a, NULL, GC_BATCH, after, &r)) > 0) {
		seen += k;
		removed += r;
		sc_arena_reset(&a);
	}
	if (k < 0) {
		fprintf(stderr, "gc: cannot list the deleted files\n");
		goto out;
	}
	printf("gc: %lld deleted files removed", removed);
	if (seen > removed)
		printf(", %lld left for the next run (see the log)", seen - removed);
	printf("\n");
	/* local uploads being received (none when the folder does not exist) */
	if (gc_tmp(&tmp) < 0) {
		fprintf(stderr, "gc: cannot read %s/tmp\n", sc_config_str(SC_CFG_STORAGE_DIR));
		goto out;
	}
	printf("gc: %lld left-over temporary uploads removed\n", tmp);
	if (gc_account(db, &a) < 0 || gc_notifications(db, &a) < 0)
		goto out;
	rc = seen > removed ? 1 : 0;
out:
	sc_arena_cleanup(&a);
	sc_db_free(db);
	return rc;
}

static int load(void)
{
	const char *err;
	if (sc_config_load(&err) < 0) {
		fprintf(stderr, "secureconnect: config: %s\n", err);
		return -1;
	}
	return 0;
}

/* check-config: every mail template the programs render must be readable and
 * valid (a missing one makes its request answer 500: docs/decisions.md). */
static int check_templates(void)
{
	static const char *const names[] = { "verify_email", "password_reset", "email_change",
		"email_changed" };
	sc_arena a;
	sc_mail_msg m;
	const char *why = NULL;
	size_t i;
	int rc = 0;

	sc_arena_init(&a);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (sc_mail_render_dir(&a, sc_config_str(SC_CFG_MAIL_TEMPLATE_DIR), names[i], NULL, 0,
		    &m, &why) < 0) {
			fprintf(stderr, "MAIL_TEMPLATE_DIR: template %s: %s\n", names[i],
			    why != NULL ? why : "cannot be rendered");
			rc = -1;
		}
	}
	sc_arena_cleanup(&a);
	return rc;
}

static int usage(void)
{
	fprintf(stderr, "usage: sc-admin check-config | config-keys | config-doc | "
	    "migrate [--dir DIR] | rebuild-redis | purge-messages | gc | "
	    "outbox flush|list [--limit N] | vapid-keygen [FILE]\n");
	return 2;
}

int main(int argc, char **argv)
{
	size_t n, i;
	const sc_config_def *d;

	sc_log_init("sc-admin", 2);
	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "config-keys") == 0) {
		d = sc_config_defs(&n);
		for (i = 0; i < n; i++)
			printf("%s\n", d[i].name);
		return 0;
	}
	if (strcmp(argv[1], "config-doc") == 0)
		return config_doc();
	if (strcmp(argv[1], "check-config") == 0) {
		if (load() < 0 || check_templates() < 0)
			return 1;
		printf("configuration ok\n");
		return 0;
	}
	if (strcmp(argv[1], "migrate") == 0) {
		const char *dir = "sql";
		if (argc == 4 && strcmp(argv[2], "--dir") == 0)
			dir = argv[3];
		else if (argc != 2)
			return usage();
		if (load() < 0)
			return 1;
		return sc_migrate_run(dir, stdout, stderr) == 0 ? 0 : 1;
	}
	if (strcmp(argv[1], "rebuild-redis") == 0) {
		if (load() < 0)
			return 1;
		return rebuild_redis();
	}
	if (strcmp(argv[1], "purge-messages") == 0) {
		if (argc != 2)
			return usage();
		if (load() < 0)
			return 1;
		return purge_messages();
	}
	if (strcmp(argv[1], "gc") == 0) {
		if (argc != 2)
			return usage();
		if (load() < 0)
			return 1;
		return gc();
	}
	if (strcmp(argv[1], "outbox") == 0)
		return outbox(argc, argv);
	if (strcmp(argv[1], "vapid-keygen") == 0)
		return vapid_keygen(argc, argv);
	return usage();
}
