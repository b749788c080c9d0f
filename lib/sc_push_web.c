/* sc_push_web.c - Web Push (RFC 8030) delivery (see sc_push_send.h): the
 * VAPID key, the encrypted request and the reading of the push service's
 * answer. The plaintext is the JSON object
 *   {"type": job type, "job_id", "title", "body", "data": {the ids}}
 * which the service worker reads; encrypted per RFC 8291 (lib/sc_webpush.c),
 * at most SC_WEBPUSH_MAX_PLAINTEXT bytes. */
#include "sc_push_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"
#include "sc_config.h"
#include "sc_http.h"
#include "sc_jws.h"
#include "sc_webpush.h"

int sc_web_load(sc_push_creds *c, char *err, size_t errlen)
{
	const char *sub = sc_config_str(SC_CFG_VAPID_SUBJECT);
	if (strncmp(sub, "mailto:", 7) != 0 && strncmp(sub, "https://", 8) != 0) {
		snprintf(err, errlen, "VAPID_SUBJECT: a mailto: or https: contact is required with "
		    "VAPID_PRIVATE_KEY_FILE");
		return -1;
	}
	if ((c->vapid_key = sc_jws_key_load(sc_config_str(SC_CFG_VAPID_PRIVATE_KEY_FILE), err, errlen)) == NULL)
		return -1;
	if (strcmp(sc_jws_alg(c->vapid_key), "ES256") != 0) {
		snprintf(err, errlen, "VAPID_PRIVATE_KEY_FILE: not a P-256 key");
		EVP_PKEY_free(c->vapid_key);
		c->vapid_key = NULL;
		return -1;
	}
	c->vapid_sub = sc_xstrdup(sub);
	return 0;
}

int sc_web_build(sc_push_req *r, const sc_push_target *t, const sc_push_note *n,
    sc_push_outcome *o, char *err, size_t errlen)
{
	sc_push_creds *c = r->c;
	json_object *plain, *data;
	const char *ps;
	char vapid[SC_WEBPUSH_VAPID_MAX];
	size_t pl;
	int rc = -1;
	*o = SC_PUSH_FAILED;
	if (t->p256dh == NULL || t->auth == NULL) {
		snprintf(err, errlen, "web push: the subscription has no keys");
		return -1;
	}
	if (strlen(t->token) > SC_PUSH_URL_MAX ||
	    sc_webpush_vapid(c->vapid_key, t->token, c->vapid_sub, sc_push_now(), vapid, sizeof(vapid),
	    err, errlen) != 0)
		return -1;                        /* not an https endpoint */
	if ((data = sc_push_data_map(n)) == NULL) {
		snprintf(err, errlen, "push: data_json is not a JSON object");
		return -1;
	}
	plain = json_object_new_object();
	json_object_object_add(plain, "type", json_object_new_string(n->kind));
	json_object_object_add(plain, "job_id", json_object_new_string(n->job_id));
	json_object_object_add(plain, "title", json_object_new_string(n->title));
	json_object_object_add(plain, "body", json_object_new_string(n->body));
	json_object_object_add(plain, "data", data);
	ps = json_object_to_json_string_length(plain, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &pl);
	if (sc_webpush_encrypt(t->p256dh, t->auth, ps, pl, NULL, &r->body, &r->body_len, err, errlen) != 0)
		goto out;
	r->url = sc_xstrdup(t->token);
	if (sc_push_header(r, "Authorization: %s", vapid) != 0 ||
	    sc_push_header(r, "TTL: %lld", sc_push_ttl(c, n)) != 0 ||
	    sc_push_header(r, "Urgency: %s", n->urgent ? "high" : "normal") != 0 ||
	    sc_push_header(r, "Content-Encoding: aes128gcm") != 0 ||
	    sc_push_header(r, "Content-Type: application/octet-stream") != 0) {
		snprintf(err, errlen, "web push: header too long");
		goto out;
	}
	rc = 0;
out:
	json_object_put(plain);
	return rc;
}

/* The reason phrases a push service's answer is logged with. */
static const char *reason(long status)
{
	switch (status) {
	case 410: return "Gone";
	case 413: return "Payload Too Large";
	default:  return sc_http_reason((int)status);
	}
}

sc_push_outcome sc_web_classify(sc_push_req *r, long status, char *why, size_t whylen)
{
	(void)r;
	snprintf(why, whylen, "%ld %s", status, reason(status));
	if (status >= 200 && status < 300)
		return SC_PUSH_SENT;
	if (status == 404 || status == 410)       /* the subscription expired or was removed */
		return SC_PUSH_GONE;
	if (status == 429 || status >= 500)
		return SC_PUSH_RETRY;
	return SC_PUSH_FAILED;                    /* 400, 401/403 (VAPID), 413 ... */
}
