/* sc_apns.c - APNs with token-based authentication (see sc_push_send.h):
 * the ES256 provider token, the request and the reading of Apple's answers.
 *
 * A note with a title or body is an alert (apns-push-type alert, priority 10
 * when urgent, else 5, "sound":"default"); an empty one is a background push
 * (content-available, priority 5, as Apple requires). The note's data, the
 * job type ("type") and "job_id" go beside "aps". apns-id is a UUID made
 * from the job id, apns-expiration now + the TTL (0 when the TTL is 0).
 * VoIP pushes need a PushKit token, which push_devices does not hold, so
 * none are sent. */
#include "sc_push_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"
#include "sc_config.h"
#include "sc_jws.h"

int sc_apns_load(sc_push_creds *c, char *err, size_t errlen)
{
	const char *kid = sc_config_str(SC_CFG_APNS_KEY_ID), *team = sc_config_str(SC_CFG_APNS_TEAM_ID);
	const char *topic = sc_config_str(SC_CFG_APNS_TOPIC), *base = sc_config_str(SC_CFG_APNS_BASE_URL);
	if (!sc_push_safe_id(kid, "", 32) || !sc_push_safe_id(team, "", 32)) {
		snprintf(err, errlen, "APNS_KEY_ID, APNS_TEAM_ID: required (letters and digits) with APNS_KEY_FILE");
		return -1;
	}
	if (!sc_push_safe_id(topic, ".-_", 255)) {
		snprintf(err, errlen, "APNS_TOPIC: required (the app's bundle ID) with APNS_KEY_FILE");
		return -1;
	}
	if (base[0] != '\0' && strncmp(base, "https://", 8) != 0 && strncmp(base, "http://", 7) != 0) {
		snprintf(err, errlen, "APNS_BASE_URL: must be an http(s) URL");
		return -1;
	}
	if ((c->apns_key = sc_jws_key_load(sc_config_str(SC_CFG_APNS_KEY_FILE), err, errlen)) == NULL)
		return -1;
	if (strcmp(sc_jws_alg(c->apns_key), "ES256") != 0) {
		snprintf(err, errlen, "APNS_KEY_FILE: not a P-256 key (.p8)");
		EVP_PKEY_free(c->apns_key);
		c->apns_key = NULL;
		return -1;
	}
	c->apns_kid = sc_xstrdup(kid);
	c->apns_team = sc_xstrdup(team);
	c->apns_topic = sc_xstrdup(topic);
	if (base[0] != '\0')
		c->apns_base = sc_push_strip_slash(base);
	else if (strcmp(sc_config_str(SC_CFG_APNS_ENVIRONMENT), "sandbox") == 0)
		c->apns_base = sc_xstrdup("https://api.sandbox.push.apple.com");
	else
		c->apns_base = sc_xstrdup("https://api.push.apple.com");
	return 0;
}

void sc_apns_uuid(const char *job_id, char out[37])
{
	unsigned char md[32];
	EVP_Digest(job_id, strlen(job_id), md, NULL, EVP_sha256(), NULL);
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x80);    /* version 8 (RFC 9562 5.8) */
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);    /* variant 10 */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10], md[11],
	    md[12], md[13], md[14], md[15]);
}

/* The provider token, renewed after SC_PUSH_APNS_JWT_AGE seconds (Apple
 * refuses one older than an hour, and renewals more often than every 20 min). */
static const char *provider_token(sc_push_creds *c, char *err, size_t errlen)
{
	long long now = sc_push_now();
	char claims[128];
	if (c->apns_jwt != NULL && now - c->apns_jwt_iat < SC_PUSH_APNS_JWT_AGE && now >= c->apns_jwt_iat)
		return c->apns_jwt;
	free(c->apns_jwt);
	snprintf(claims, sizeof(claims), "{\"iss\":\"%s\",\"iat\":%lld}", c->apns_team, now);
	c->apns_jwt = sc_jws_sign(c->apns_key, c->apns_kid, claims, err, errlen);
	c->apns_jwt_iat = now;
	return c->apns_jwt;
}

int sc_apns_build(sc_push_req *r, const sc_push_target *t, const sc_push_note *n,
    sc_push_outcome *o, char *err, size_t errlen)
{
	sc_push_creds *c = r->c;
	json_object *root, *aps, *alert;
	const char *jwt;
	char url[1024], uuid[37];
	int alerting = n->title[0] != '\0' || n->body[0] != '\0', k, rc = -1;
	long long ttl = sc_push_ttl(c, n);
	*o = SC_PUSH_FAILED;
	if (!sc_push_safe_id(t->token, "", 200) || strspn(t->token, "0123456789abcdefABCDEF") != strlen(t->token)) {
		snprintf(err, errlen, "apns: the device token is not hex");
		return -1;
	}
	if ((root = sc_push_data_map(n)) == NULL) {
		snprintf(err, errlen, "push: data_json is not a JSON object");
		return -1;
	}
	if ((jwt = provider_token(c, err, errlen)) == NULL) {
		json_object_put(root);
		return -1;
	}
	k = snprintf(url, sizeof(url), "%s/3/device/%s", c->apns_base, t->token);
	if (k < 0 || (size_t)k >= sizeof(url)) {
		snprintf(err, errlen, "apns: APNS_BASE_URL too long");
		json_object_put(root);
		return -1;
	}
	r->url = sc_xstrdup(url);
	aps = json_object_new_object();
	if (alerting) {
		alert = json_object_new_object();
		json_object_object_add(alert, "title", json_object_new_string(n->title));
		json_object_object_add(alert, "body", json_object_new_string(n->body));
		json_object_object_add(aps, "alert", alert);
		json_object_object_add(aps, "sound", json_object_new_string("default"));
	} else {
		json_object_object_add(aps, "content-available", json_object_new_int(1));
	}
	json_object_object_add(root, "aps", aps);
	json_object_object_add(root, "type", json_object_new_string(n->kind));
	json_object_object_add(root, "job_id", json_object_new_string(n->job_id));
	sc_apns_uuid(n->job_id, uuid);
	if (sc_push_body_json(r, root, SC_PUSH_APNS_PAYLOAD) != 0)
		snprintf(err, errlen, "apns: payload over %u bytes", SC_PUSH_APNS_PAYLOAD);
	else if (sc_push_header(r, "authorization: bearer %s", jwt) != 0 ||
	    sc_push_header(r, "apns-topic: %s", c->apns_topic) != 0 ||
	    sc_push_header(r, "apns-push-type: %s", alerting ? "alert" : "background") != 0 ||
	    sc_push_header(r, "apns-priority: %d", alerting && n->urgent ? 10 : 5) != 0 ||
	    sc_push_header(r, "apns-expiration: %lld", ttl > 0 ? sc_push_now() + ttl : 0) != 0 ||
	    (n->job_id[0] != '\0' && sc_push_header(r, "apns-id: %s", uuid) != 0) ||
	    sc_push_header(r, "content-type: application/json") != 0)
		snprintf(err, errlen, "apns: header too long");
	else
		rc = 0;
	json_object_put(root);
	return rc;
}

sc_push_outcome sc_apns_classify(sc_push_req *r, long status, char *why, size_t whylen)
{
	json_object *o = NULL, *v;
	char reason[64] = "";
	if (r->resp.len > 0 && (o = json_tokener_parse(r->resp.ptr)) != NULL &&
	    json_object_object_get_ex(o, "reason", &v) && json_object_is_type(v, json_type_string))
		snprintf(reason, sizeof(reason), "%s", json_object_get_string(v));
	json_object_put(o);
	snprintf(why, whylen, "%ld%s%s", status, reason[0] ? " " : "", reason);
	if (status >= 200 && status < 300)
		return SC_PUSH_SENT;
	if (status == 410 || (status == 400 && strcmp(reason, "BadDeviceToken") == 0))
		return SC_PUSH_GONE;                  /* Unregistered, ExpiredToken, BadDeviceToken */
	if (status == 403 && strstr(reason, "ProviderToken") != NULL) {
		free(r->c->apns_jwt);                 /* sign a fresh one next time */
		r->c->apns_jwt = NULL;
		return strcmp(reason, "ExpiredProviderToken") == 0 ? SC_PUSH_RETRY : SC_PUSH_FAILED;
	}
	if (status == 429 || status >= 500)
		return SC_PUSH_RETRY;
	return SC_PUSH_FAILED;
}
