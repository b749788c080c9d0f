/* sc_mail.c - templates, message building, SMTP (libcurl) and the outbox. */
#include "sc_mail.h"
#include "sc_app.h"
#include "sc_b64.h"
#include "sc_config.h"
#include "sc_log.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- templates ------------------------------------------------------------ */

/* Read dir/name.ext (at most SC_MAIL_TEMPLATE_MAX bytes of UTF-8) onto the arena. */
static char *read_file(sc_arena *a, const char *dir, const char *name, const char *ext,
    size_t *len, const char **why)
{
	char path[1200];
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd, n;

	n = snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext);
	if (n < 0 || (size_t)n >= sizeof(path))
		return *why = "template path too long", NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return *why = "template file missing or unreadable", NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > SC_MAIL_TEMPLATE_MAX) {
		close(fd);
		return *why = "template file not a regular file or too large", NULL;
	}
	buf = sc_arena_alloc(a, (size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	if (!sc_utf8_valid(buf, got) || memchr(buf, '\0', got) != NULL)
		return *why = "template file is not UTF-8 text", NULL;
	*len = got;
	return buf;
}

int sc_mail_html_escape(sc_buf *b, const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		const char *r = NULL;
		switch (s[i]) {
		case '&': r = "&amp;"; break;
		case '<': r = "&lt;"; break;
		case '>': r = "&gt;"; break;
		case '"': r = "&quot;"; break;
		case '\'': r = "&#39;"; break;
		}
		if ((r != NULL ? sc_buf_puts(b, r) : sc_buf_putc(b, s[i])) < 0)
			return -1;
	}
	return 0;
}

/* Expand {{var}} in t[0..n) into b; html: escape the values. */
static int expand(sc_buf *b, const char *t, size_t n, const sc_mail_var *vars, size_t nvars,
    int html)
{
	size_t i = 0;
	while (i < n) {
		const char *open = memmem(t + i, n - i, "{{", 2), *close;
		size_t k, nl;
		if (open == NULL)
			return sc_buf_append(b, t + i, n - i);
		if (sc_buf_append(b, t + i, (size_t)(open - (t + i))) < 0)
			return -1;
		close = memmem(open + 2, n - (size_t)(open + 2 - t), "}}", 2);
		if (close == NULL)
			return sc_buf_append(b, open, n - (size_t)(open - t));
		/* {{ name }}: spaces inside the braces are allowed */
		{
			const char *p = open + 2, *q = close;
			while (p < q && *p == ' ')
				p++;
			while (q > p && q[-1] == ' ')
				q--;
			nl = (size_t)(q - p);
			for (k = 0; k < nvars; k++) {
				if (strlen(vars[k].name) == nl && memcmp(vars[k].name, p, nl) == 0) {
					const char *v = vars[k].value ? vars[k].value : "";
					size_t vl = strnlen(v, SC_MAIL_VALUE_MAX);
					if ((html ? sc_mail_html_escape(b, v, vl) : sc_buf_append(b, v, vl)) < 0)
						return -1;
					break;
				}
			}
		}
		i = (size_t)(close + 2 - t);
	}
	return 0;
}

static const char *render_part(sc_arena *a, const char *t, size_t n, const sc_mail_var *vars,
    size_t nvars, int html, size_t cap)
{
	sc_buf b;
	char *s = NULL;
	sc_buf_init(&b, cap);
	if (expand(&b, t, n, vars, nvars, html) == 0 && sc_buf_putc(&b, '\0') == 0)
		s = sc_arena_strndup(a, b.ptr, b.len - 1);
	sc_buf_cleanup(&b);
	return s;
}

int sc_mail_render_dir(sc_arena *a, const char *dir, const char *name,
    const sc_mail_var *vars, size_t nvars, sc_mail_msg *out, const char **why)
{
	const char *ts, *tt, *th;
	size_t ls, lt, lh, i, j;
	char *subj;

	if ((ts = read_file(a, dir, name, "subject", &ls, why)) == NULL ||
	    (tt = read_file(a, dir, name, "txt", &lt, why)) == NULL ||
	    (th = read_file(a, dir, name, "html", &lh, why)) == NULL)
		return -1;
	for (i = 0; i < nvars; i++)
		if (vars[i].value != NULL && strlen(vars[i].value) > SC_MAIL_VALUE_MAX)
			return *why = "value too long", -1;
	subj = (char *)render_part(a, ts, ls, vars, nvars, 0, SC_MAIL_SUBJECT_MAX * 4);
	out->text = render_part(a, tt, lt, vars, nvars, 0, SC_MAIL_PART_MAX);
	out->html = render_part(a, th, lh, vars, nvars, 1, SC_MAIL_PART_MAX);
	if (subj == NULL || out->text == NULL || out->html == NULL)
		return *why = "rendered mail too large", -1;
	/* the subject is one header line: controls become spaces, outer spaces go */
	for (i = 0; subj[i] != '\0'; i++)
		if ((unsigned char)subj[i] < 0x20 || subj[i] == 0x7f)
			subj[i] = ' ';
	while (i > 0 && subj[i - 1] == ' ')
		subj[--i] = '\0';
	for (j = 0; subj[j] == ' '; j++)
		;
	if (i - j > SC_MAIL_SUBJECT_MAX)
		return *why = "subject too long", -1;
	out->subject = subj + j;
	if (out->subject[0] == '\0')
		return *why = "empty subject", -1;
	return 0;
}

int sc_mail_render(sc_arena *a, const char *name, const sc_mail_var *vars, size_t nvars,
    sc_mail_msg *out)
{
	const char *why = NULL, *dir = sc_config_str(SC_CFG_MAIL_TEMPLATE_DIR);
	sc_buf l;

	if (sc_mail_render_dir(a, dir, name, vars, nvars, out, &why) == 0)
		return 0;
	sc_buf_init(&l, 2048);
	sc_buf_puts(&l, "\"template\":");
	sc_buf_json_str(&l, name, strlen(name));
	sc_buf_puts(&l, ",\"dir\":");
	sc_buf_json_str(&l, dir, strlen(dir));
	sc_buf_puts(&l, ",\"reason\":");
	sc_buf_json_str(&l, why, strlen(why));
	sc_log(SC_LOG_ERROR, "cannot render a mail template", "%s", l.ptr ? l.ptr : "\"x\":0");
	sc_buf_cleanup(&l);
	return -1;
}

const char *sc_mail_link(sc_arena *a, const char *page, const char *token)
{
	const char *base = sc_config_str(SC_CFG_APP_URL);
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	return sc_arena_printf(a, "%.*s/%s?token=%s", (int)n, base, page, token);
}

/* ---- the message ---------------------------------------------------------- */

static int is_plain_ascii(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	/* "=?" would be read as the start of an encoded word */
	return memmem(s, n, "=?", 2) == NULL;
}

int sc_mail_header_word(sc_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	int first = 1;

	if (is_plain_ascii(s, n))
		return sc_buf_append(b, s, n);
	/* 45 bytes -> 60 base64 characters + 12 of "=?UTF-8?B?" "?=" = 72 <= 75 */
	while (i < n) {
		size_t k = n - i > 45 ? 45 : n - i;
		char enc[SC_B64_LEN(45) + 1];
		/* never split a UTF-8 sequence: back off over continuation bytes */
		if (i + k < n)
			while (k > 1 && ((unsigned char)s[i + k] & 0xc0) == 0x80)
				k--;
		sc_b64_encode((const unsigned char *)s + i, k, enc);
		if ((!first && sc_buf_puts(b, "\r\n ") < 0) ||
		    sc_buf_printf(b, "=?UTF-8?B?%s?=", enc) < 0)
			return -1;
		first = 0;
		i += k;
	}
	return 0;
}

int sc_mail_addr(const char *from, char *out, size_t cap)
{
	const char *lt = strrchr(from, '<'), *p, *e;
	size_t n;

	if (lt != NULL) {
		p = lt + 1;
		e = strchr(p, '>');
		if (e == NULL)
			return -1;
	} else {
		p = from;
		while (*p == ' ')
			p++;
		e = p + strlen(p);
		while (e > p && e[-1] == ' ')
			e--;
	}
	n = (size_t)(e - p);
	if (n < 3 || n >= cap || memchr(p, '@', n) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] <= 0x20 || p[i] == '<' || p[i] == '>' || p[i] == 0x7f)
			return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* base64 of s in lines of 76 characters, CRLF after each */
static int put_b64_lines(sc_buf *b, const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i += 57) {
		char enc[SC_B64_LEN(57) + 1];
		size_t k = n - i > 57 ? 57 : n - i;
		sc_b64_encode((const unsigned char *)s + i, k, enc);
		if (sc_buf_puts(b, enc) < 0 || sc_buf_puts(b, "\r\n") < 0)
			return -1;
	}
	return 0;
}

int sc_mail_build(sc_buf *b, const char *from, const char *to, const char *subject,
    const char *text, const char *html, const char *mail_id, time_t now)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	    "Aug", "Sep", "Oct", "Nov", "Dec" };
	char addr[330], boundary[80];
	const char *at, *lt;
	struct tm tm;

	if (sc_mail_addr(from, addr, sizeof(addr)) < 0 || strpbrk(to, "\r\n<>,") != NULL)
		return -1;
	at = strrchr(addr, '@');
	gmtime_r(&now, &tm);
	snprintf(boundary, sizeof(boundary), "=_sc_%s", mail_id);
	if (sc_buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", wd[tm.tm_wday],
	    tm.tm_mday, mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec) < 0 ||
	    sc_buf_printf(b, "Message-ID: <%s%s>\r\n", mail_id, at) < 0 ||
	    sc_buf_puts(b, "From: ") < 0)
		return -1;
	/* "Display Name <addr>": the name encoded when it is not plain ASCII */
	lt = strrchr(from, '<');
	if (lt != NULL && lt > from) {
		const char *e = lt;
		size_t n;
		while (e > from && e[-1] == ' ')
			e--;
		n = (size_t)(e - from);
		if (n > 0 && from[0] == '"' && from[n - 1] == '"' && n >= 2) {
			if (sc_buf_append(b, from, n) < 0)
				return -1;
		} else if (is_plain_ascii(from, n) && strpbrk(from, "\"") == NULL) {
			/* quote it when it holds specials (RFC 5322 3.2.3) */
			int special = 0;
			for (size_t i = 0; i < n; i++)
				if (strchr("()<>[]:;@\\,.\"", from[i]) != NULL)
					special = 1;
			if ((special && sc_buf_putc(b, '"') < 0) || sc_buf_append(b, from, n) < 0 ||
			    (special && sc_buf_putc(b, '"') < 0))
				return -1;
		} else if (sc_mail_header_word(b, from, n) < 0) {
			return -1;
		}
		if (sc_buf_printf(b, " <%s>\r\n", addr) < 0)
			return -1;
	} else if (sc_buf_printf(b, "%s\r\n", addr) < 0) {
		return -1;
	}
	if (sc_buf_printf(b, "To: %s\r\nSubject: ", to) < 0 ||
	    sc_mail_header_word(b, subject, strlen(subject)) < 0 ||
	    sc_buf_printf(b, "\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative; boundary=\"%s\"\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "\r\n"
	    "This is a multi-part message in MIME format.\r\n"
	    "--%s\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", boundary, boundary) < 0 ||
	    put_b64_lines(b, text, strlen(text)) < 0 ||
	    sc_buf_printf(b, "--%s\r\n"
	    "Content-Type: text/html; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", boundary) < 0 ||
	    put_b64_lines(b, html, strlen(html)) < 0 ||
	    sc_buf_printf(b, "--%s--\r\n", boundary) < 0)
		return -1;
	return 0;
}

/* ---- SMTP ----------------------------------------------------------------- */

typedef struct upload {
	const char *p;
	size_t left;
} upload;

static size_t read_cb(char *buf, size_t size, size_t nitems, void *ctx)
{
	upload *u = ctx;
	size_t n = size * nitems;
	if (n > u->left)
		n = u->left;
	memcpy(buf, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

int sc_mail_smtp_send(const char *to, const char *msg, size_t len, char *err, size_t errlen)
{
	char ebuf[CURL_ERROR_SIZE] = "", from[330], env_from[340], rcpt[400];
	const char *tls = sc_config_str(SC_CFG_SMTP_STARTTLS);
	const char *user = sc_config_str(SC_CFG_SMTP_USERNAME);
	struct curl_slist *rcpts = NULL;
	upload u = { msg, len };
	CURL *c;
	CURLcode rc;
	long ssl = CURLUSESSL_NONE;

	if (sc_mail_addr(sc_config_str(SC_CFG_SMTP_FROM), from, sizeof(from)) < 0) {
		snprintf(err, errlen, "SMTP_FROM holds no address");
		return -1;
	}
	snprintf(env_from, sizeof(env_from), "<%s>", from);
	if (snprintf(rcpt, sizeof(rcpt), "<%s>", to) >= (int)sizeof(rcpt)) {
		snprintf(err, errlen, "recipient address too long");
		return -1;
	}
	if (strcmp(tls, "try") == 0)
		ssl = CURLUSESSL_TRY;
	else if (strcmp(tls, "required") == 0)
		ssl = CURLUSESSL_ALL;
	if ((c = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "curl_easy_init failed");
		return -1;
	}
	rcpts = curl_slist_append(NULL, rcpt);
	curl_easy_setopt(c, CURLOPT_URL, sc_config_str(SC_CFG_SMTP_URL));
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USE_SSL, ssl);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)sc_config_int(SC_CFG_SMTP_TIMEOUT_MS));
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)sc_config_int(SC_CFG_SMTP_TIMEOUT_MS));
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, env_from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	if (user[0] != '\0') {
		sc_str pw = sc_config_secret(SC_CFG_SMTP_PASSWORD);
		char *pwz = strndup(pw.ptr ? pw.ptr : "", pw.len);
		curl_easy_setopt(c, CURLOPT_USERNAME, user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, pwz ? pwz : "");
		rc = curl_easy_perform(c);
		if (pwz != NULL) {
			explicit_bzero(pwz, pw.len);
			free(pwz);
		}
	} else {
		rc = curl_easy_perform(c);
	}
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

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
