/* ws_handshake.c - the client's upgrade request, strictly, with size caps.
 *
 * The head is only parsed once its CRLF CRLF is in the buffer (at most
 * WS_HS_MAX_HEAD bytes), but a bare CR or LF is refused as soon as it
 * arrives: a client that ends lines with LF alone would otherwise wait for a
 * terminator it never sends. Only the headers the relay reads are kept; the
 * others are checked for syntax and counted. */
#include "ws_handshake.h"

#include <stddef.h>
#include <string.h>

#include <openssl/evp.h>

#define WS_GUID       "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define WS_KEY_CAP    128    /* ws_hs_accept input; a valid key is 24 bytes */

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* ASCII case-insensitive: span equals the lower-case literal lit */
static int ieq(const char *p, size_t n, const char *lit)
{
	size_t i;
	if (strlen(lit) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)p[i]) != lit[i])
			return 0;
	return 1;
}

static int is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_tchar(unsigned char c)   /* RFC 9110 section 5.6.2 */
{
	return is_alnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Does the comma list p[0..n) hold the token tok (lower case)? Elements are
 * trimmed; empty elements are allowed (RFC 9110 section 5.6.1). */
static int list_has(const char *p, size_t n, const char *tok)
{
	size_t i = 0, s, e;
	while (i <= n) {
		s = i;
		while (i < n && p[i] != ',')
			i++;
		e = i++;
		while (s < e && (p[s] == ' ' || p[s] == '\t'))
			s++;
		while (e > s && (p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
		if (ieq(p + s, e - s, tok))
			return 1;
	}
	return 0;
}

/* Section 4.1: base64 of 16 random bytes is 22 symbols and "==" */
static int key_ok(ws_span k)
{
	size_t i;
	if (k.p == NULL || k.n != 24 || k.p[22] != '=' || k.p[23] != '=')
		return 0;
	for (i = 0; i < 22; i++)
		if (!is_alnum((unsigned char)k.p[i]) && k.p[i] != '+' && k.p[i] != '/')
			return 0;
	return 1;
}

static int version_num(const char *p, size_t n)
{
	int v = 0;
	size_t i;
	if (n == 0 || n > 4)
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

static int request_line(const char *p, size_t n, ws_hs_req *r, const char **why)
{
	size_t i = 0, t;
	const char *q;
	*why = "malformed request line";
	while (i < n && is_tchar((unsigned char)p[i]))
		i++;
	if (i == 0 || i == n || p[i] != ' ')
		return -1;
	r->method = (ws_span){ p, i };
	t = ++i;
	while (i < n && p[i] > 0x20 && p[i] < 0x7F && p[i] != '#')
		i++;
	if (i == t || i == n || p[i] != ' ')
		return -1;
	if (n - i - 1 != 8 || memcmp(p + i + 1, "HTTP/1.1", 8) != 0) {
		*why = "HTTP/1.1 required";
		return -1;
	}
	if (p[t] != '/') {
		*why = "request target must start with /";
		return -1;
	}
	q = memchr(p + t, '?', i - t);
	r->path = (ws_span){ p + t, q != NULL ? (size_t)(q - p) - t : i - t };
	if (q != NULL)
		r->query = (ws_span){ q + 1, i - (size_t)(q - p) - 1 };
	return 0;
}

/* Headers that may appear once: a second Host or key is an attack or a
 * broken proxy, and a second Origin or Authorization would let a check read
 * one value while the log shows the other. */
static const struct {
	const char *name;
	size_t      off;
	const char *dup;
} once[] = {
	{ "host", offsetof(ws_hs_req, host), "duplicated Host header" },
	{ "sec-websocket-key", offsetof(ws_hs_req, key), "duplicated Sec-WebSocket-Key header" },
	{ "origin", offsetof(ws_hs_req, origin), "duplicated Origin header" },
	{ "authorization", offsetof(ws_hs_req, authorization), "duplicated Authorization header" },
};

struct seen {
	int upgrade, connection, version_lines;
};

/* One header line p[0..n) without its CRLF. */
static int header_line(const char *p, size_t n, ws_hs_req *r, struct seen *s, const char **why)
{
	size_t c = 0, i, k, vs, ve;

	*why = "malformed header line";
	if (p[0] == ' ' || p[0] == '\t') {
		*why = "obsolete line folding";
		return -1;
	}
	while (c < n && is_tchar((unsigned char)p[c]))
		c++;
	if (c == 0 || c == n || p[c] != ':')
		return -1;
	for (i = c + 1; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7F)
			return -1;
	}
	for (vs = c + 1; vs < n && (p[vs] == ' ' || p[vs] == '\t'); vs++)
		;
	for (ve = n; ve > vs && (p[ve - 1] == ' ' || p[ve - 1] == '\t'); ve--)
		;
	for (k = 0; k < sizeof(once) / sizeof(once[0]); k++)
		if (ieq(p, c, once[k].name))
			break;
	if (k < sizeof(once) / sizeof(once[0])) {
		ws_span *dst = (ws_span *)((char *)r + once[k].off);
		if (dst->p != NULL) {
			*why = once[k].dup;
			return -1;
		}
		*dst = (ws_span){ p + vs, ve - vs };
	} else if (ieq(p, c, "x-forwarded-for")) {
		/* the last line is the one our proxy wrote or appended to */
		r->forwarded_for = (ws_span){ p + vs, ve - vs };
	} else if (ieq(p, c, "sec-websocket-protocol")) {
		if (r->protocol.p == NULL)
			r->protocol = (ws_span){ p + vs, ve - vs };
	} else if (ieq(p, c, "upgrade")) {
		s->upgrade |= list_has(p + vs, ve - vs, "websocket");
	} else if (ieq(p, c, "connection")) {
		s->connection |= list_has(p + vs, ve - vs, "upgrade");
	} else if (ieq(p, c, "sec-websocket-version")) {
		/* two version lines are not a version we can answer */
		r->version = s->version_lines++ ? -1 : version_num(p + vs, ve - vs);
	}
	return 0;
}

/* Find the end of the head (after CRLF CRLF): > 0, 0 incomplete, -1 refused. */
static long head_end(const char *b, size_t n, int *status, const char **why)
{
	size_t i, lim = n < WS_HS_MAX_HEAD ? n : WS_HS_MAX_HEAD;
	for (i = 0; i < lim; i++) {
		if ((b[i] == '\n' && (i == 0 || b[i - 1] != '\r')) ||
		    (b[i] == '\r' && i + 1 < n && b[i + 1] != '\n')) {
			*status = 400;
			*why = "bare CR or LF in the request head";
			return -1;
		}
		if (b[i] == '\n' && i >= 3 && b[i - 2] == '\n')
			return (long)i + 1;
	}
	if (n >= WS_HS_MAX_HEAD) {
		*status = 431;
		*why = "request head too large";
		return -1;
	}
	return 0;
}

int ws_hs_parse(const char *b, size_t n, ws_hs_req *r, int *status, const char **why)
{
	struct seen s = { 0, 0, 0 };
	size_t pos, eol, lines = 0;
	const char *w = NULL;
	int st = 400;
	long end;

	memset(r, 0, sizeof(*r));
	r->version = -1;
	end = head_end(b, n, &st, &w);
	if (end == 0)
		return 0;
	if (end < 0)
		goto refuse;
	for (eol = 0; b[eol] != '\r'; eol++)
		;
	if (request_line(b, eol, r, &w) < 0)
		goto refuse;
	if (!(r->method.n == 3 && memcmp(r->method.p, "GET", 3) == 0)) {
		st = 405, w = "method must be GET";
		goto refuse;
	}
	for (pos = eol + 2; b[pos] != '\r'; pos = eol + 2) {
		for (eol = pos; b[eol] != '\r'; eol++)
			;
		if (++lines > WS_HS_MAX_HEADERS) {
			st = 431, w = "too many header lines";
			goto refuse;
		}
		if (header_line(b + pos, eol - pos, r, &s, &w) < 0)
			goto refuse;
	}
	w = r->host.p == NULL || r->host.n == 0 ? "missing Host header"
	  : !s.upgrade ? "missing Upgrade: websocket"
	  : !s.connection ? "missing Connection: upgrade"
	  : !key_ok(r->key) ? "missing or malformed Sec-WebSocket-Key" : NULL;
	if (w != NULL)
		goto refuse;
	if (r->version != 13) {
		st = 426, w = "Sec-WebSocket-Version must be 13";
		goto refuse;
	}
	return (int)end;
refuse:
	*status = st;
	*why = w;
	return -1;
}

void ws_hs_accept(const char *key, size_t key_len, char out[WS_HS_ACCEPT_LEN + 1])
{
	unsigned char buf[WS_KEY_CAP + sizeof(WS_GUID) - 1], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	out[0] = '\0';
	if (key_len > WS_KEY_CAP)
		return;
	memcpy(buf, key, key_len);
	memcpy(buf + key_len, WS_GUID, sizeof(WS_GUID) - 1);
	if (!EVP_Digest(buf, key_len + sizeof(WS_GUID) - 1, md, &mdlen, EVP_sha1(), NULL) ||
	    mdlen != 20)
		return;
	EVP_EncodeBlock((unsigned char *)out, md, 20);
}
