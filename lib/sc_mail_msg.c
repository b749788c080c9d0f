/* sc_mail_msg.c - building an RFC 5322 message and sending it over SMTP with
 * libcurl (see sc_mail.h). */
#include "sc_mail.h"

#include "sc_b64.h"
#include "sc_config.h"

#include <curl/curl.h>

#include <stdlib.h>

#include <string.h>

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
