/* push_e2e.c - lib/sc_push_send against the fake push services (tests/push/fakepush.mjs),
 * driven like sc-notifyd drives it: sc_push_prepare on easy handles in a curl multi, then
 * sc_push_result. Started by tests/push/run.sh, which exports the configuration of
 * DIR/push.env, JWT_SECRET, FAKEPUSH_CONTROL (http://127.0.0.1:CPORT) and FAKEPUSH_KEYS (DIR).
 *
 * Checks: one push per service is accepted by a fake that verifies the RS256 OAuth assertion,
 * the FCM message, the APNs provider token and headers over HTTP/2, the VAPID JWT and that the
 * Web Push body decrypts to what was sent; 32 pushes at once over the multi handle; the
 * scripted answers (404 UNREGISTERED, 400 BadDeviceToken, 410, 429/503 with Retry-After, 500)
 * become gone/retry; a revoked FCM access token (401) is fetched again; keys the fake does not
 * know are refused. Prints TAP lines; the exit status is the number of failed checks. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "sc_b64.h"
#include "sc_config.h"
#include "sc_jws.h"
#include "sc_push_priv.h"

#define HEX(c) c c c c c c c c c c c c c c c c   /* 16 copies */

static int checks, failures;
static const char *control, *keys_dir;

static void check(int ok, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void check(int ok, int line, const char *fmt, ...)
{
	va_list ap;
	printf("%s %d - ", ok ? "ok" : "not ok", ++checks);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!ok) {
		printf(" (push_e2e.c:%d)", line);
		failures++;
	}
	printf("\n");
	fflush(stdout);
}
#define CHECK(cond, ...) check(!!(cond), __LINE__, __VA_ARGS__)

static size_t collect(char *p, size_t size, size_t nmemb, void *ud)
{
	sc_buf_append(ud, p, size * nmemb);
	return size * nmemb;
}

/* A control request; the parsed JSON answer (caller puts) or NULL. */
static json_object *ctl(const char *method, const char *path, const char *body)
{
	CURL *h = curl_easy_init();
	char url[512];
	sc_buf b;
	json_object *o = NULL;
	sc_buf_init(&b, 4u << 20);
	snprintf(url, sizeof(url), "%s%s", control, path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	if (curl_easy_perform(h) == CURLE_OK && b.len > 0)
		o = json_tokener_parse(b.ptr);
	curl_easy_cleanup(h);
	sc_buf_cleanup(&b);
	return o;
}

static const char *jget(json_object *o, const char *path)
{
	char key[64];
	const char *dot;
	json_object *v = o;
	while (v != NULL && *path) {
		dot = strchr(path, '.');
		snprintf(key, sizeof(key), "%.*s", dot ? (int)(dot - path) : (int)strlen(path), path);
		if (!json_object_object_get_ex(v, key, &v))
			return NULL;
		path = dot ? dot + 1 : path + strlen(path);
	}
	return v ? json_object_get_string(v) : NULL;
}

static int str_is(const char *a, const char *b) { return a != NULL && strcmp(a, b) == 0; }

/* The log entries matching query ("service=fcm&token=x"); *root keeps them alive. */
static json_object *entries(const char *query, json_object **root)
{
	char path[600];
	json_object *arr = NULL;
	snprintf(path, sizeof(path), "/log?%s", query);
	*root = ctl("GET", path, NULL);
	if (*root == NULL || !json_object_object_get_ex(*root, "entries", &arr))
		return NULL;
	return arr;
}

static size_t count(const char *query)
{
	json_object *root, *a = entries(query, &root);
	size_t n = a ? json_object_array_length(a) : 0;
	json_object_put(root);
	return n;
}

typedef struct job {
	sc_push_target  t;
	sc_push_note    n;
	sc_push_outcome out;
	long            ra;
	char            why[256];
} job;

/* Send every job at once through one multi handle, as sc-notifyd does. */
static void run(sc_push_creds *c, job *j, int n)
{
	CURLM *m = curl_multi_init();
	CURL **h = calloc((size_t)n, sizeof(*h));
	sc_push_req **r = calloc((size_t)n, sizeof(*r));
	int i, running = 0, left;
	CURLMsg *msg;
	curl_multi_setopt(m, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	for (i = 0; i < n; i++) {
		h[i] = curl_easy_init();
		j[i].ra = -1;
		r[i] = sc_push_prepare(c, h[i], &j[i].t, &j[i].n, &j[i].out, j[i].why, sizeof(j[i].why));
		if (r[i] == NULL)
			continue;
		curl_easy_setopt(h[i], CURLOPT_PRIVATE, (char *)&j[i]);
		curl_multi_add_handle(m, h[i]);
	}
	do {
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			char *p;
			long status = 0;
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &p);
			i = (int)((job *)(void *)p - j);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
			j[i].out = sc_push_result(r[i], msg->data.result, status, &j[i].ra, j[i].why, sizeof(j[i].why));
			curl_multi_remove_handle(m, msg->easy_handle);
		}
		if (running)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	} while (running);
	for (i = 0; i < n; i++) {
		sc_push_req_free(r[i]);
		curl_easy_cleanup(h[i]);
	}
	free(h);
	free(r);
	curl_multi_cleanup(m);
}

static job one(const char *type, const char *token, const unsigned char *p256dh,
    const unsigned char *auth, const char *job_id)
{
	job j;
	memset(&j, 0, sizeof(j));
	j.t = (sc_push_target){ type, token, p256dh, auth };
	j.n = (sc_push_note){ job_id, "message.new", "Ada", "New message",
		"{\"conversation_id\":\"c-1\",\"sender_id\":\"u-1\",\"is_encrypted\":true}", 0 };
	return j;
}

static sc_push_outcome send1(sc_push_creds *c, const char *type, const char *token,
    const unsigned char *p256dh, const unsigned char *auth, const char *job_id, job *out)
{
	*out = one(type, token, p256dh, auth, job_id);
	run(c, out, 1);
	return out->out;
}

typedef struct sub {
	char          id[64], endpoint[256];
	unsigned char p256dh[65], auth[16];
} sub;

static int subscribe(sub *s, const char *ask_b64)
{
	char body[200];
	json_object *o;
	size_t n1 = 0, n2 = 0;
	int rc = -1;
	snprintf(body, sizeof(body), ask_b64 ? "{\"application_server_key\":\"%s\"}" : "{}", ask_b64);
	if ((o = ctl("POST", "/subscriptions", body)) == NULL)
		return -1;
	if (jget(o, "id") && jget(o, "endpoint") && jget(o, "keys.p256dh") && jget(o, "keys.auth") &&
	    sc_b64url_decode(jget(o, "keys.p256dh"), strlen(jget(o, "keys.p256dh")), s->p256dh, 65, &n1) == 0 &&
	    sc_b64url_decode(jget(o, "keys.auth"), strlen(jget(o, "keys.auth")), s->auth, 16, &n2) == 0 &&
	    n1 == 65 && n2 == 16) {
		snprintf(s->id, sizeof(s->id), "%s", jget(o, "id"));
		snprintf(s->endpoint, sizeof(s->endpoint), "%s", jget(o, "endpoint"));
		rc = 0;
	}
	json_object_put(o);
	return rc;
}

static void script(const char *token, int status, int times, int retry_after)
{
	char body[512];
	int n = snprintf(body, sizeof(body), "{\"token\":\"%s\",\"status\":%d", token, status);
	if (times > 0)
		n += snprintf(body + n, sizeof(body) - (size_t)n, ",\"times\":%d", times);
	if (retry_after >= 0)
		n += snprintf(body + n, sizeof(body) - (size_t)n, ",\"retry_after\":%d", retry_after);
	snprintf(body + n, sizeof(body) - (size_t)n, "}");
	json_object_put(ctl("POST", "/script", body));
}

static sc_push_creds *load(void)
{
	const char *e = NULL;
	char err[256];
	sc_push_creds *c;
	sc_config_reset();
	if (sc_config_load(&e) != 0) {
		fprintf(stderr, "push_e2e: config: %s\n", e);
		exit(99);
	}
	if ((c = sc_push_creds_load(err, sizeof(err))) == NULL) {
		fprintf(stderr, "push_e2e: %s\n", err);
		exit(99);
	}
	return c;
}

/* Each service once: accepted, and the fake saw what was sent. */
static void test_one_each(sc_push_creds *c, const sub *s)
{
	json_object *root, *a, *e;
	char uuid[37];
	job j;
	CHECK(send1(c, "fcm", "fcm-e2e-1", NULL, NULL, "1700000000001-0", &j) == SC_PUSH_SENT, "fcm: sent (%s)", j.why);
	CHECK(count("service=oauth") == 1, "fcm: one access token fetched");
	a = entries("service=fcm&token=fcm-e2e-1", &root);
	e = a && json_object_array_length(a) == 1 ? json_object_array_get_idx(a, 0) : NULL;
	CHECK(e && str_is(jget(e, "status"), "200") && jget(e, "error") == NULL, "fcm: the fake accepted the message");
	CHECK(str_is(jget(e, "payload.data.conversation_id"), "c-1") && str_is(jget(e, "payload.data.is_encrypted"), "true") &&
	    str_is(jget(e, "payload.data.type"), "message.new") && str_is(jget(e, "job_id"), "1700000000001-0") &&
	    str_is(jget(e, "payload.notification.title"), "Ada"), "fcm: data and notification as sent");
	json_object_put(root);

	CHECK(send1(c, "apns", HEX("ab12"), NULL, NULL, "1700000000002-0", &j) == SC_PUSH_SENT, "apns: sent (%s)", j.why);
	a = entries("service=apns&token=" HEX("ab12"), &root);
	e = a && json_object_array_length(a) == 1 ? json_object_array_get_idx(a, 0) : NULL;
	sc_apns_uuid("1700000000002-0", uuid);
	CHECK(e && str_is(jget(e, "status"), "200"), "apns: the fake accepted the provider token and headers");
	CHECK(str_is(jget(e, "headers.apns-topic"), "org.secureconnect.test") && str_is(jget(e, "headers.apns-push-type"), "alert") &&
	    str_is(jget(e, "headers.apns-priority"), "5") && str_is(jget(e, "headers.apns-id"), uuid),
	    "apns: topic, push type, priority, apns-id from the job id");
	CHECK(str_is(jget(e, "payload.aps.alert.title"), "Ada") && str_is(jget(e, "payload.conversation_id"), "c-1") &&
	    str_is(jget(e, "job_id"), "1700000000002-0"), "apns: payload as sent");
	json_object_put(root);

	CHECK(send1(c, "web", s->endpoint, s->p256dh, s->auth, "1700000000003-0", &j) == SC_PUSH_SENT, "web: sent (%s)", j.why);
	a = entries("service=web&job_id=1700000000003-0", &root);
	e = a && json_object_array_length(a) == 1 ? json_object_array_get_idx(a, 0) : NULL;
	CHECK(e && str_is(jget(e, "status"), "201"), "web: the fake verified VAPID and decrypted the body");
	CHECK(str_is(jget(e, "payload.title"), "Ada") && str_is(jget(e, "payload.body"), "New message") &&
	    str_is(jget(e, "payload.type"), "message.new") && str_is(jget(e, "payload.data.sender_id"), "u-1") &&
	    str_is(jget(e, "headers.urgency"), "normal") && jget(e, "headers.ttl") != NULL,
	    "web: the decrypted plaintext is what was sent");
	json_object_put(root);
}

static void test_many(sc_push_creds *c, const sub *s)
{
	job j[32];
	char tok[32][80], id[32][32];
	int i, sent = 0;
	size_t before = count("");
	for (i = 0; i < 32; i++) {
		snprintf(id[i], sizeof(id[i]), "1700000001%03d-0", i);
		if (i < 16)
			snprintf(tok[i], sizeof(tok[i]), "%064x", i + 1);
		else
			snprintf(tok[i], sizeof(tok[i]), "fcm-many-%d", i);
		j[i] = i < 16 ? one("apns", tok[i], NULL, NULL, id[i]) : i < 24 ? one("fcm", tok[i], NULL, NULL, id[i])
		    : one("web", s->endpoint, s->p256dh, s->auth, id[i]);
	}
	run(c, j, 32);
	for (i = 0; i < 32; i++)
		sent += j[i].out == SC_PUSH_SENT;
	CHECK(sent == 32, "32 pushes at once (16 APNs, 8 FCM, 8 web): %d sent", sent);
	CHECK(count("") - before == 32, "the fake recorded 32 more");
}

static void test_scripted(sc_push_creds *c, const sub *s2, const sub *s3)
{
	sc_push_outcome o;
	job j;
	script("fcm-gone", 404, 0, -1);
	CHECK(send1(c, "fcm", "fcm-gone", NULL, NULL, "1700000002001-0", &j) == SC_PUSH_GONE &&
	    str_is(j.why, "404 UNREGISTERED"), "fcm 404 UNREGISTERED: gone (%s)", j.why);
	script("fcm-flaky", 503, 1, 1);
	o = send1(c, "fcm", "fcm-flaky", NULL, NULL, "1700000002002-0", &j);
	CHECK(o == SC_PUSH_RETRY && j.ra == 1,
	    "fcm 503 Retry-After 1: retry after 1 s (%s, %ld)", j.why, j.ra);
	CHECK(send1(c, "fcm", "fcm-flaky", NULL, NULL, "1700000002002-0", &j) == SC_PUSH_SENT, "fcm: then sent");
	script(HEX("0bad"), 400, 0, -1);
	CHECK(send1(c, "apns", HEX("0bad"), NULL, NULL, "1700000002003-0", &j) == SC_PUSH_GONE &&
	    str_is(j.why, "400 BadDeviceToken"), "apns 400 BadDeviceToken: gone (%s)", j.why);
	script(HEX("0410"), 410, 0, -1);
	CHECK(send1(c, "apns", HEX("0410"), NULL, NULL, "1700000002004-0", &j) == SC_PUSH_GONE &&
	    str_is(j.why, "410 Unregistered"), "apns 410 Unregistered: gone (%s)", j.why);
	script(HEX("0429"), 429, 0, 2);
	o = send1(c, "apns", HEX("0429"), NULL, NULL, "1700000002005-0", &j);
	CHECK(o == SC_PUSH_RETRY && j.ra == 2,
	    "apns 429 Retry-After 2: retry after 2 s (%s, %ld)", j.why, j.ra);
	script(HEX("0500"), 500, 1, -1);
	CHECK(send1(c, "apns", HEX("0500"), NULL, NULL, "1700000002006-0", &j) == SC_PUSH_RETRY, "apns 500: retry");
	CHECK(send1(c, "apns", HEX("0500"), NULL, NULL, "1700000002006-0", &j) == SC_PUSH_SENT, "apns: then sent");
	script(s2->id, 410, 0, -1);
	CHECK(send1(c, "web", s2->endpoint, s2->p256dh, s2->auth, "1700000002007-0", &j) == SC_PUSH_GONE,
	    "web 410: gone (%s)", j.why);
	script(s3->id, 429, 1, 1);
	o = send1(c, "web", s3->endpoint, s3->p256dh, s3->auth, "1700000002008-0", &j);
	CHECK(o == SC_PUSH_RETRY && j.ra == 1, "web 429 Retry-After 1: retry after 1 s (%s, %ld)", j.why, j.ra);
}

static void test_fcm_401(sc_push_creds *c)
{
	job j;
	size_t tokens = count("service=oauth&status=200");
	json_object_put(ctl("POST", "/revoke-fcm-tokens", ""));
	CHECK(send1(c, "fcm", "fcm-e2e-2", NULL, NULL, "1700000003001-0", &j) == SC_PUSH_RETRY &&
	    strncmp(j.why, "401", 3) == 0, "fcm 401 after the token was revoked: retry (%s)", j.why);
	CHECK(send1(c, "fcm", "fcm-e2e-2", NULL, NULL, "1700000003001-0", &j) == SC_PUSH_SENT, "fcm: a new token, sent");
	CHECK(count("service=oauth&status=200") == tokens + 1, "fcm: exactly one more access token fetched");
}

/* Keys the fake does not know: refused, so the checks above are real. */
static void test_wrong_keys(const sub *s)
{
	char sa[512], p8[512], vapid[512];
	sc_push_creds *c;
	job j;
	snprintf(sa, sizeof(sa), "%s/wrong-service-account.json", keys_dir);
	snprintf(p8, sizeof(p8), "%s/wrong.p8", keys_dir);
	snprintf(vapid, sizeof(vapid), "%s", getenv("VAPID_PRIVATE_KEY_FILE"));
	setenv("FCM_CREDENTIALS_FILE", sa, 1);
	setenv("APNS_KEY_FILE", p8, 1);
	setenv("VAPID_PRIVATE_KEY_FILE", p8, 1);   /* a P-256 key other than the subscription's */
	c = load();
	CHECK(send1(c, "fcm", "fcm-e2e-3", NULL, NULL, "1700000004001-0", &j) == SC_PUSH_FAILED,
	    "fcm with another service-account key: the token endpoint refuses (%s)", j.why);
	CHECK(send1(c, "apns", HEX("cd34"), NULL, NULL, "1700000004002-0", &j) == SC_PUSH_FAILED &&
	    str_is(j.why, "403 InvalidProviderToken"), "apns with another .p8: 403 InvalidProviderToken (%s)", j.why);
	CHECK(send1(c, "web", s->endpoint, s->p256dh, s->auth, "1700000004003-0", &j) == SC_PUSH_FAILED,
	    "web to a subscription bound to another VAPID key: refused (%s)", j.why);
	sc_push_creds_free(c);
	setenv("VAPID_PRIVATE_KEY_FILE", vapid, 1);
}

/* Without PUSH_WEB_ALLOW_PRIVATE a subscription on a loopback address is
 * never connected to: refused before a byte is sent (the fake logs nothing). */
static void test_private_refused(const sub *s)
{
	sc_push_creds *c;
	size_t before = count("service=web");
	job j;
	setenv("PUSH_WEB_ALLOW_PRIVATE", "false", 1);
	c = load();
	CHECK(send1(c, "web", s->endpoint, s->p256dh, s->auth, "1700000005001-0", &j) == SC_PUSH_FAILED &&
	    strstr(j.why, "PUSH_WEB_ALLOW_PRIVATE") != NULL,
	    "web to a loopback endpoint without PUSH_WEB_ALLOW_PRIVATE: refused (%s)", j.why);
	CHECK(count("service=web") == before, "web: the refused push never reached the fake");
	sc_push_creds_free(c);
	setenv("PUSH_WEB_ALLOW_PRIVATE", "true", 1);
}

int main(void)
{
	sc_push_creds *c;
	sub s1, s2, s3;
	EVP_PKEY *vk;
	unsigned char pub[65];
	char ask[100], err[200];
	json_object *root, *a;
	size_t i, refused = 0;
	if ((control = getenv("FAKEPUSH_CONTROL")) == NULL || (keys_dir = getenv("FAKEPUSH_KEYS")) == NULL) {
		fprintf(stderr, "push_e2e: run through tests/push/run.sh\n");
		return 99;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	json_object_put(ctl("POST", "/reset", ""));
	c = load();
	/* s1 is bound to our VAPID key (restricted subscription, RFC 8292 section 4) */
	vk = sc_jws_key_load(sc_config_str(SC_CFG_VAPID_PRIVATE_KEY_FILE), err, sizeof(err));
	sc_jws_ec_public_raw(vk, pub);
	sc_b64url_encode(pub, 65, ask);
	EVP_PKEY_free(vk);
	CHECK(subscribe(&s1, ask) == 0 && subscribe(&s2, NULL) == 0 && subscribe(&s3, NULL) == 0,
	    "three web subscriptions from the fake");
	test_one_each(c, &s1);
	test_many(c, &s1);
	test_scripted(c, &s2, &s3);
	test_fcm_401(c);
	sc_push_creds_free(c);
	test_wrong_keys(&s1);
	test_private_refused(&s1);
	/* every refusal in the log is one of the four provoked above */
	a = entries("", &root);
	for (i = 0; a && i < json_object_array_length(a); i++)
		if (jget(json_object_array_get_idx(a, i), "error") != NULL) {
			refused++;
			printf("# refused: %s\n", json_object_to_json_string(json_object_array_get_idx(a, i)));
		}
	CHECK(refused == 4, "the fake refused exactly the 4 provoked requests (%zu)", refused);
	printf("# HTTP/2 sessions the fake saw so far: %s\n", jget(root, "sessions"));
	json_object_put(root);
	printf("1..%d\n", checks);
	curl_global_cleanup();
	return failures;
}
