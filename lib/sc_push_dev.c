/* sc_push_dev.c - push device registrations: validation and listing (sc_push_dev.h). */
#include "sc_push_dev.h"
#include "sc_b64.h"
#include "sc_row.h"

#include <stdio.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/obj_mac.h>

/* ---- pieces ---------------------------------------------------------------- */

int sc_push_dev_b64url_decode(const char *s, size_t n, unsigned char *out, size_t cap,
    size_t *outlen)
{
	/* a P-256 key is 88 characters padded; twice that is plenty */
	char tmp[192];
	size_t i;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c == '+' || c == '/')
			return -1;        /* the standard alphabet is not base64url */
		tmp[i] = c == '-' ? '+' : c == '_' ? '/' : c;
	}
	/* sc_b64_decode: strict alphabet, padding complete or absent, zero unused bits */
	return sc_b64_decode(tmp, n, out, cap, outlen);
}

int sc_push_dev_p256_valid(const unsigned char *p, size_t n)
{
	EC_GROUP *g;
	EC_POINT *pt = NULL;
	int ok = 0;

	if (n != SC_PUSH_P256_LEN || p[0] != 0x04)
		return 0;             /* uncompressed form only (RFC 8291 section 3.1) */
	g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	if (g == NULL)
		return 0;
	pt = EC_POINT_new(g);
	/* oct2point refuses coordinates >= p; is_on_curve is checked again
	 * explicitly rather than trusting that oct2point does it */
	if (pt != NULL && EC_POINT_oct2point(g, pt, p, n, NULL) == 1 &&
	    !EC_POINT_is_at_infinity(g, pt) && EC_POINT_is_on_curve(g, pt, NULL) == 1)
		ok = 1;
	EC_POINT_free(pt);
	EC_GROUP_free(g);
	return ok;
}

static int is_host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.';
}

int sc_push_dev_endpoint_valid(const char *s, size_t n, char *origin, size_t origin_cap)
{
	size_t i, host, end, port;

	if (n > SC_PUSH_ENDPOINT_MAX || n < 9 || strncasecmp(s, "https://", 8) != 0)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '#')
			return 0;    /* printable ASCII, no spaces, no fragment */
	host = 8;
	for (end = host; end < n && s[end] != '/' && s[end] != '?'; end++)
		;
	/* authority: host or [v6], then :port; user info is refused */
	i = host;
	if (i < end && s[i] == '[') {
		for (i++; i < end && s[i] != ']'; i++)
			if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
			    (s[i] >= 'A' && s[i] <= 'F') || s[i] == ':' || s[i] == '.'))
				return 0;
		if (i >= end || i == host + 1)
			return 0;
		i++;
	} else {
		for (; i < end && is_host_char(s[i]); i++)
			;
		if (i == host || s[host] == '.' || s[host] == '-' || s[i - 1] == '.')
			return 0;
	}
	if (i < end) {
		long v = 0;
		if (s[i] != ':' || i + 1 == end || end - (i + 1) > 5)
			return 0;
		for (port = i + 1; port < end; port++) {
			if (s[port] < '0' || s[port] > '9')
				return 0;
			v = v * 10 + (s[port] - '0');
		}
		if (v < 1 || v > 65535)
			return 0;
	}
	if (origin != NULL) {
		int w;
		if (origin_cap == 0)
			return 0;
		w = snprintf(origin, origin_cap, "https://%.*s", (int)(end - host), s + host);
		if (w < 0 || (size_t)w >= origin_cap)
			return 0;
	}
	return 1;
}

void sc_push_dev_hint(const char *type, const char *token, char *out, size_t cap)
{
	size_t n = strlen(token);

	if (cap == 0)
		return;
	out[0] = '\0';
	if (strcmp(type, "web") == 0) {
		if (!sc_push_dev_endpoint_valid(token, n, out, cap))
			out[0] = '\0';
		return;
	}
	/* at least 10 characters stay hidden: tokens are 16 or more */
	if (n >= 16 && snprintf(out, cap, "...%s", token + n - 6) >= (int)cap)
		out[0] = '\0';
}

/* ---- the registration body -------------------------------------------------- */

static int fcm_token_valid(const char *s, size_t n)
{
	size_t i;

	if (n < 16 || n > SC_PUSH_TOKEN_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!(is_host_char(s[i]) || s[i] == '_' || s[i] == ':'))
			return 0;
	return 1;
}

/* hex, even count, 64..200; lower-cased in place */
static int apns_token_norm(char *s, size_t n)
{
	size_t i;

	if (n < 64 || n > 200 || n % 2 != 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] >= 'A' && s[i] <= 'F')
			s[i] = (char)(s[i] - 'A' + 'a');
		else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

static const char *pick(const char *v, const char *const *allowed)
{
	for (; *allowed != NULL; allowed++)
		if (strcmp(v, *allowed) == 0)
			return *allowed;
	return NULL;
}

static int parse_web(sc_arena *a, json_object *body, sc_push_dev *d, sc_verr *e)
{
	json_object *sub, *keys;
	const char *s;
	size_t n, got;

	if (sc_json_get_object(body, "subscription", SC_REQUIRED, &sub, e) < 0)
		return -1;
	if (sc_json_get_str(sub, "endpoint", SC_REQUIRED, 1, SC_PUSH_ENDPOINT_MAX, &s, &n, e) < 0 ||
	    !sc_push_dev_endpoint_valid(s, n, NULL, 0))
		return sc_verr_set(e, "subscription.endpoint", "must be an https URL with a host "
		    "(at most %d bytes)", SC_PUSH_ENDPOINT_MAX);
	d->token = sc_arena_strndup(a, s, n);
	if (sc_json_get_object(sub, "keys", SC_REQUIRED, &keys, e) < 0)
		return sc_verr_set(e, "subscription.keys", "must be an object {p256dh, auth}");
	if (sc_json_get_str(keys, "p256dh", SC_REQUIRED, 1, 128, &s, &n, e) < 0 ||
	    sc_push_dev_b64url_decode(s, n, d->p256dh, sizeof(d->p256dh), &got) < 0 ||
	    !sc_push_dev_p256_valid(d->p256dh, got))
		return sc_verr_set(e, "subscription.keys.p256dh", "must be base64url of an "
		    "uncompressed P-256 point (65 bytes) on the curve");
	if (sc_json_get_str(keys, "auth", SC_REQUIRED, 1, 64, &s, &n, e) < 0 ||
	    sc_push_dev_b64url_decode(s, n, d->auth, sizeof(d->auth), &got) < 0 ||
	    got != SC_PUSH_AUTH_LEN)
		return sc_verr_set(e, "subscription.keys.auth", "must be base64url of 16 bytes");
	return 0;
}

int sc_push_dev_parse(sc_arena *a, json_object *body, sc_push_dev *d, sc_verr *e)
{
	static const char *const types[] = { "fcm", "apns", "web", NULL };
	static const char *const platforms[] = { "ios", "android", "web", NULL };
	const char *s = NULL;
	size_t n;
	int rc;

	memset(d, 0, sizeof(*d));
	if (sc_json_get_str(body, "type", SC_REQUIRED, 1, 8, &s, &n, e) < 0 ||
	    (d->type = pick(s, types)) == NULL)
		return sc_verr_set(e, "type", "must be one of fcm, apns, web");
	rc = sc_json_get_str(body, "platform", d->type[0] == 'f', 1, 8, &s, &n, e);
	if (rc < 0 || (rc == 1 && (d->platform = pick(s, platforms)) == NULL))
		return sc_verr_set(e, "platform", "must be one of ios, android, web");
	if (d->platform == NULL)
		d->platform = strcmp(d->type, "apns") == 0 ? "ios" : "web";
	if ((strcmp(d->type, "apns") == 0 && strcmp(d->platform, "ios") != 0) ||
	    (strcmp(d->type, "web") == 0 && strcmp(d->platform, "web") != 0))
		return sc_verr_set(e, "platform", "must be %s for type %s",
		    d->type[0] == 'a' ? "ios" : "web", d->type);
	if ((rc = sc_json_get_uuid(body, "device_id", SC_OPTIONAL, d->device_id, e)) < 0)
		return -1;
	d->has_device_id = rc == 1;

	if (strcmp(d->type, "web") == 0)
		return parse_web(a, body, d, e);
	if (sc_json_get_str(body, "token", SC_REQUIRED, 1, SC_PUSH_TOKEN_MAX, &s, &n, e) < 0)
		return sc_verr_set(e, "token", "is required for type %s: a string", d->type);
	d->token = sc_arena_strndup(a, s, n);
	if (strcmp(d->type, "apns") == 0 ? !apns_token_norm(d->token, n) : !fcm_token_valid(s, n))
		return sc_verr_set(e, "token", "%s", strcmp(d->type, "apns") == 0 ?
		    "must be an APNs device token: 64..200 hex digits" :
		    "must be an FCM registration token: 16..4096 of A-Z a-z 0-9 . _ : -");
	return 0;
}

/* ---- listing -------------------------------------------------------------------- */

json_object *sc_push_dev_json(const PGresult *res, int row, int col)
{
	json_object *o = json_object_new_object();
	char hint[SC_PUSH_HINT_MAX];

	sc_push_dev_hint(PQgetvalue(res, row, col + 1), PQgetvalue(res, row, col + 3), hint,
	    sizeof(hint));
	json_object_object_add(o, "device_id", sc_row_text(res, row, col));
	json_object_object_add(o, "type", sc_row_text(res, row, col + 1));
	json_object_object_add(o, "platform", sc_row_text(res, row, col + 2));
	json_object_object_add(o, "token_hint", json_object_new_string(hint));
	json_object_object_add(o, "created_at", sc_row_text(res, row, col + 4));
	json_object_object_add(o, "updated_at", sc_row_text(res, row, col + 5));
	return o;
}
