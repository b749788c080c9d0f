/* sc_fcm.c - FCM HTTP v1 (see sc_push_send.h): the service account, its
 * OAuth 2.0 access token (RFC 7523 JWT bearer grant, RS256), the message
 * and the reading of FCM's answers.
 *
 * The message: data = the job's ids as strings plus "type" (the job type)
 * and "job_id"; a non-urgent note also has notification {title, body} (the
 * system shows it), an urgent one (a call) is data-only with title and body
 * in data, so the app's own handler rings; android {priority HIGH|NORMAL,
 * ttl}. */
#include "sc_push_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sc_alloc.h"
#include "sc_config.h"
#include "sc_json.h"
#include "sc_jws.h"

#define FCM_SCOPE "https://www.googleapis.com/auth/firebase.messaging"
#define FCM_GRANT "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int sc_fcm_load(sc_push_creds *c, const char *file, char *err, size_t errlen)
{
	char *buf = sc_xmalloc(SC_PUSH_CREDS_FILE_MAX + 1);
	const char *why, *project, *email, *pem, *kid, *uri, *cfg_uri = sc_config_str(SC_CFG_FCM_TOKEN_URL);
	json_object *o = NULL;
	FILE *f = fopen(file, "re");
	size_t n = 0;
	int rc = -1;
	if (f != NULL) {
		n = fread(buf, 1, SC_PUSH_CREDS_FILE_MAX + 1, f);
		fclose(f);
	}
	if (f == NULL || n > SC_PUSH_CREDS_FILE_MAX || sc_json_validate(buf, n, &why) != 0 ||
	    (o = json_tokener_parse(buf)) == NULL || !json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "FCM_CREDENTIALS_FILE: %s is not a readable service-account JSON", file);
		goto out;
	}
	project = jstr(o, "project_id");
	email = jstr(o, "client_email");
	pem = jstr(o, "private_key");
	kid = jstr(o, "private_key_id");
	uri = cfg_uri[0] != '\0' ? cfg_uri : jstr(o, "token_uri");
	if (project == NULL || !sc_push_safe_id(project, "-_.:", 128) || email == NULL || email[0] == '\0' ||
	    pem == NULL || uri == NULL || (strncmp(uri, "https://", 8) != 0 && strncmp(uri, "http://", 7) != 0)) {
		snprintf(err, errlen, "FCM_CREDENTIALS_FILE: %s needs project_id, client_email, private_key "
		    "and token_uri (or FCM_TOKEN_URL)", file);
		goto out;
	}
	if ((c->fcm_key = sc_jws_key_from_pem(pem, strlen(pem), err, errlen)) == NULL)
		goto out;
	if (strcmp(sc_jws_alg(c->fcm_key), "RS256") != 0) {
		snprintf(err, errlen, "FCM_CREDENTIALS_FILE: private_key is not an RSA key");
		EVP_PKEY_free(c->fcm_key);
		c->fcm_key = NULL;
		goto out;
	}
	c->fcm_project = sc_xstrdup(project);
	c->fcm_email = sc_xstrdup(email);
	c->fcm_key_id = kid && sc_push_safe_id(kid, "-_.", 128) ? sc_xstrdup(kid) : NULL;
	c->fcm_token_url = sc_xstrdup(uri);
	c->fcm_base = sc_push_strip_slash(sc_config_str(SC_CFG_FCM_BASE_URL));
	rc = 0;
out:
	json_object_put(o);
	OPENSSL_cleanse(buf, SC_PUSH_CREDS_FILE_MAX + 1);
	free(buf);
	return rc;
}

void sc_fcm_token_set(sc_push_creds *c, const char *token, long long refresh_at)
{
	if (c->fcm_access != NULL) {
		OPENSSL_cleanse(c->fcm_access, strlen(c->fcm_access));
		free(c->fcm_access);
	}
	c->fcm_access = token ? sc_xstrdup(token) : NULL;
	c->fcm_refresh_at = refresh_at;
	c->fcm_gen++;
}

/* Exchange a signed assertion for an access token (a blocking request on
 * its own handle, once per token lifetime). */
static int fetch_token(sc_push_creds *c, sc_push_outcome *o, char *err, size_t errlen)
{
	long long now = sc_push_now(), exp_in;
	json_object *cl = json_object_new_object(), *ans = NULL, *v;
	char *jwt, *form = NULL;
	const char *tok, *tt, *why;
	struct curl_slist *hd = NULL;
	sc_push_req tmp;             /* borrows the response capture */
	CURL *h = NULL;
	CURLcode cc;
	long status = 0;
	int rc = -1;
	memset(&tmp, 0, sizeof(tmp));
	sc_buf_init(&tmp.resp, SC_PUSH_RESP_MAX);
	*o = SC_PUSH_FAILED;
	json_object_object_add(cl, "iss", json_object_new_string(c->fcm_email));
	json_object_object_add(cl, "scope", json_object_new_string(FCM_SCOPE));
	json_object_object_add(cl, "aud", json_object_new_string(c->fcm_token_url));
	json_object_object_add(cl, "iat", json_object_new_int64(now));
	json_object_object_add(cl, "exp", json_object_new_int64(now + 3600));
	jwt = sc_jws_sign(c->fcm_key, c->fcm_key_id, json_object_to_json_string_ext(cl,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), err, errlen);
	if (jwt == NULL)
		goto out;
	form = sc_xmalloc(sizeof(FCM_GRANT) + strlen(jwt));
	memcpy(form, FCM_GRANT, sizeof(FCM_GRANT) - 1);
	memcpy(form + sizeof(FCM_GRANT) - 1, jwt, strlen(jwt) + 1);  /* base64url and dots: no escaping */
	if ((h = curl_easy_init()) == NULL)
		abort();
	hd = curl_slist_append(hd, "Content-Type: application/x-www-form-urlencoded");
	hd = curl_slist_append(hd, "Accept: application/json");
	curl_easy_setopt(h, CURLOPT_URL, c->fcm_token_url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sc_push_body_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &tmp);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	if (c->ca_file[0] != '\0') {
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
		curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
	}
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (cc != CURLE_OK || status == 429 || status >= 500) {
		*o = SC_PUSH_RETRY;
		snprintf(err, errlen, "fcm token endpoint: %s",
		    cc != CURLE_OK ? curl_easy_strerror(cc) : status == 429 ? "429" : "5xx");
		goto out;
	}
	if (status != 200) {
		snprintf(err, errlen, "fcm token endpoint refused the service account: %ld", status);
		goto out;
	}
	*o = SC_PUSH_RETRY;
	snprintf(err, errlen, "fcm token endpoint: unexpected answer");
	if (sc_json_validate(tmp.resp.ptr ? tmp.resp.ptr : "", tmp.resp.len, &why) != 0 ||
	    (ans = json_tokener_parse(tmp.resp.ptr)) == NULL ||
	    (tok = jstr(ans, "access_token")) == NULL || !sc_push_safe_id(tok, "-._~+/=", 4096) ||
	    !json_object_object_get_ex(ans, "expires_in", &v) || !json_object_is_type(v, json_type_int) ||
	    (exp_in = json_object_get_int64(v)) < 1 || exp_in > 86400 ||
	    ((tt = jstr(ans, "token_type")) != NULL && strcasecmp(tt, "Bearer") != 0))
		goto out;
	sc_fcm_token_set(c, tok, now + exp_in - (exp_in > 600 ? 300 : exp_in / 2));
	err[0] = '\0';
	rc = 0;
out:
	curl_slist_free_all(hd);
	if (h != NULL)
		curl_easy_cleanup(h);
	json_object_put(cl);
	json_object_put(ans);
	free(jwt);
	free(form);
	sc_buf_cleanup(&tmp.resp);
	return rc;
}

int sc_fcm_build(sc_push_req *r, const sc_push_target *t, const sc_push_note *n,
    sc_push_outcome *o, char *err, size_t errlen)
{
	sc_push_creds *c = r->c;
	long long now = sc_push_now();
	json_object *root, *msg, *data, *android, *note;
	char url[1024], ttl[32];
	int k, rc = -1;
	*o = SC_PUSH_FAILED;
	if (!sc_push_safe_id(t->token, "-_:.", 4096)) {
		snprintf(err, errlen, "fcm: the registration token is malformed");
		return -1;
	}
	if ((data = sc_push_data_map(n)) == NULL) {
		snprintf(err, errlen, "push: data_json is not a JSON object");
		return -1;
	}
	if (c->fcm_access == NULL || now >= c->fcm_refresh_at) {
		if (now < c->fcm_hold_until) {
			*o = c->fcm_hold_outcome;
			snprintf(err, errlen, "fcm: the token endpoint failed less than %d s ago", SC_PUSH_FCM_HOLDOFF);
			json_object_put(data);
			return -1;
		}
		if (fetch_token(c, o, err, errlen) != 0) {
			c->fcm_hold_until = now + SC_PUSH_FCM_HOLDOFF;
			c->fcm_hold_outcome = *o;
			json_object_put(data);
			return -1;
		}
	}
	r->gen = c->fcm_gen;
	k = snprintf(url, sizeof(url), "%s/v1/projects/%s/messages:send", c->fcm_base, c->fcm_project);
	if (k < 0 || (size_t)k >= sizeof(url)) {
		snprintf(err, errlen, "fcm: FCM_BASE_URL too long");
		json_object_put(data);
		return -1;
	}
	r->url = sc_xstrdup(url);
	json_object_object_add(data, "type", json_object_new_string(n->kind));
	json_object_object_add(data, "job_id", json_object_new_string(n->job_id));
	msg = json_object_new_object();
	json_object_object_add(msg, "token", json_object_new_string(t->token));
	if (n->urgent) {
		json_object_object_add(data, "title", json_object_new_string(n->title));
		json_object_object_add(data, "body", json_object_new_string(n->body));
	}
	json_object_object_add(msg, "data", data);
	if (!n->urgent) {
		note = json_object_new_object();
		json_object_object_add(note, "title", json_object_new_string(n->title));
		json_object_object_add(note, "body", json_object_new_string(n->body));
		json_object_object_add(msg, "notification", note);
	}
	android = json_object_new_object();
	json_object_object_add(android, "priority", json_object_new_string(n->urgent ? "HIGH" : "NORMAL"));
	snprintf(ttl, sizeof(ttl), "%llds", sc_push_ttl(c, n));
	json_object_object_add(android, "ttl", json_object_new_string(ttl));
	json_object_object_add(msg, "android", android);
	root = json_object_new_object();
	json_object_object_add(root, "message", msg);
	if (sc_push_body_json(r, root, SC_PUSH_BODY_MAX) != 0)
		snprintf(err, errlen, "fcm: message over %u bytes", SC_PUSH_BODY_MAX);
	else if (sc_push_header(r, "Authorization: Bearer %s", c->fcm_access) != 0 ||
	    sc_push_header(r, "Content-Type: application/json; charset=UTF-8") != 0)
		snprintf(err, errlen, "fcm: header too long");
	else
		rc = 0;
	json_object_put(root);
	return rc;
}

/* The errorCode of FCM's error.details[] entry of type ...FcmError, or the
 * error's status, or "". */
static void fcm_error(const sc_buf *b, char *out, size_t outlen)
{
	json_object *o, *e, *d, *it;
	const char *why, *s = NULL;
	size_t i;
	out[0] = '\0';
	if (b->len == 0 || sc_json_validate(b->ptr, b->len, &why) != 0 || (o = json_tokener_parse(b->ptr)) == NULL)
		return;
	if (json_object_object_get_ex(o, "error", &e) && json_object_is_type(e, json_type_object)) {
		if (json_object_object_get_ex(e, "details", &d) && json_object_is_type(d, json_type_array))
			for (i = 0; s == NULL && i < json_object_array_length(d); i++) {
				const char *ty;
				it = json_object_array_get_idx(d, i);
				if ((ty = jstr(it, "@type")) != NULL && strstr(ty, "FcmError") != NULL)
					s = jstr(it, "errorCode");
			}
		if (s == NULL)
			s = jstr(e, "status");
	}
	if (s != NULL)
		snprintf(out, outlen, "%s", s);
	json_object_put(o);
}

sc_push_outcome sc_fcm_classify(sc_push_req *r, long status, char *why, size_t whylen)
{
	char code[64];
	fcm_error(&r->resp, code, sizeof(code));
	snprintf(why, whylen, "%ld%s%s", status, code[0] ? " " : "", code);
	if (status >= 200 && status < 300)
		return SC_PUSH_SENT;
	if (strcmp(code, "UNREGISTERED") == 0)   /* 404: the app was removed or the token expired */
		return SC_PUSH_GONE;
	if (status == 401) {                     /* the access token expired or was revoked */
		if (r->gen == r->c->fcm_gen)
			sc_fcm_token_set(r->c, NULL, 0);
		return SC_PUSH_RETRY;
	}
	if (status == 429 || status >= 500)
		return SC_PUSH_RETRY;
	return SC_PUSH_FAILED;
}
