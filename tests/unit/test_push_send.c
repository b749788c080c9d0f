/* test_push_send.c - lib/sc_push_send without a network: the credentials
 * from the configuration, the request each service gets (URL, headers,
 * body; the APNs provider token verified with its key), and sc_push_result's
 * reading of the answers (200, 400 BadDeviceToken, FCM 404 UNREGISTERED,
 * 410, 429 with Retry-After, 500, 503, FCM 401 dropping the access token,
 * curl errors). The end-to-end run against the fake services is
 * tests/push/run.sh. */
#include "t_common.h"

#include <json-c/json.h>
#include <openssl/pem.h>
#include <unistd.h>

#include "sc_jws.h"
#include "sc_push_priv.h"
#include "sc_webpush.h"

#define NOW 1700000000LL
#define JOB "1700000000000-0"
#define APNS_TOKEN "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"

static char dir[] = "/tmp/sc-push-unit.XXXXXX";
static char sa_path[300], p8_path[300], vapid_path[300];
static EVP_PKEY *apns_key, *vapid_key;
static long long fake_now = NOW;

static long long test_now(void) { return fake_now; }

static void write_pem(const char *path, EVP_PKEY *k)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
	fclose(f);
}

static int setup(void **state)
{
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	BIO *b = BIO_new(BIO_s_mem());
	json_object *sa = json_object_new_object();
	char *pem;
	long len;
	(void)state;
	if (mkdtemp(dir) == NULL || rsa == NULL)
		return -1;
	snprintf(sa_path, sizeof(sa_path), "%s/sa.json", dir);
	snprintf(p8_path, sizeof(p8_path), "%s/AuthKey.p8", dir);
	snprintf(vapid_path, sizeof(vapid_path), "%s/vapid.pem", dir);
	PEM_write_bio_PrivateKey(b, rsa, NULL, NULL, 0, NULL, NULL);
	len = BIO_get_mem_data(b, &pem);
	json_object_object_add(sa, "type", json_object_new_string("service_account"));
	json_object_object_add(sa, "project_id", json_object_new_string("sc-test"));
	json_object_object_add(sa, "private_key_id", json_object_new_string("0123abcd"));
	json_object_object_add(sa, "private_key", json_object_new_string_len(pem, (int)len));
	json_object_object_add(sa, "client_email", json_object_new_string("push@sc-test.iam.example"));
	json_object_object_add(sa, "token_uri", json_object_new_string("http://127.0.0.1:1/token"));
	json_object_to_file(sa_path, sa);
	json_object_put(sa);
	BIO_free(b);
	EVP_PKEY_free(rsa);
	apns_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	vapid_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	write_pem(p8_path, apns_key);
	write_pem(vapid_path, vapid_key);
	sc_push_now = test_now;
	t_quiet_log();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(sa_path);
	unlink(p8_path);
	unlink(vapid_path);
	rmdir(dir);
	EVP_PKEY_free(apns_key);
	EVP_PKEY_free(vapid_key);
	return 0;
}

static sc_push_creds *load_all(void)
{
	char err[256];
	sc_push_creds *c;
	t_config("FCM_CREDENTIALS_FILE", sa_path, "FCM_BASE_URL", "https://fcm.test/",
	    "APNS_KEY_FILE", p8_path, "APNS_KEY_ID", "KEY1234567", "APNS_TEAM_ID", "TEAM123456",
	    "APNS_TOPIC", "org.example.sc", "APNS_BASE_URL", "https://apns.test",
	    "VAPID_PRIVATE_KEY_FILE", vapid_path, "VAPID_SUBJECT", "mailto:ops@example.org",
	    "PUSH_TTL_SECONDS", "3600", "PUSH_CA_FILE", "/nonexistent/ca.pem", (char *)NULL);
	c = sc_push_creds_load(err, sizeof(err));
	if (c == NULL)
		fail_msg("creds: %s", err);
	fake_now = NOW;
	return c;
}

/* The value of header name in r, or NULL. */
static const char *hdr(const sc_push_req *r, const char *name)
{
	const struct curl_slist *l;
	size_t n = strlen(name);
	for (l = r->hdrs; l; l = l->next)
		if (strncasecmp(l->data, name, n) == 0 && l->data[n] == ':')
			return l->data + n + 2;
	return NULL;
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

static const sc_push_note NOTE = { JOB, "message.new", "Ada", "New message",
	"{\"conversation_id\":\"6f1c2d9e-0000-4000-8000-000000000001\",\"is_encrypted\":true}", 0 };
static const sc_push_note CALL = { JOB, "call.ringing", "Ada", "Incoming audio call",
	"{\"call_id\":\"6f1c2d9e-0000-4000-8000-000000000002\"}", 1 };

static void test_creds(void **state)
{
	char err[256];
	sc_push_creds *c = load_all();
	(void)state;
	assert_true(sc_push_service_on(c, "fcm"));
	assert_true(sc_push_service_on(c, "apns"));
	assert_true(sc_push_service_on(c, "web"));
	assert_false(sc_push_service_on(c, "sms"));
	assert_string_equal(c->fcm_project, "sc-test");
	assert_string_equal(c->fcm_base, "https://fcm.test");
	sc_push_creds_free(c);
	/* nothing configured: every service off, and prepare says so */
	t_config((char *)NULL);
	c = sc_push_creds_load(err, sizeof(err));
	assert_non_null(c);
	assert_false(sc_push_service_on(c, "fcm") || sc_push_service_on(c, "apns") || sc_push_service_on(c, "web"));
	{
		sc_push_target t = { "fcm", "tok", NULL, NULL };
		sc_push_outcome o = SC_PUSH_SENT;
		CURL *h = curl_easy_init();
		assert_null(sc_push_prepare(c, h, &t, &NOTE, &o, err, sizeof(err)));
		assert_int_equal(o, SC_PUSH_FAILED);
		curl_easy_cleanup(h);
	}
	sc_push_creds_free(c);
	/* a configured key without its companions is an error naming them */
	t_config("APNS_KEY_FILE", p8_path, "APNS_TEAM_ID", "TEAM123456", "APNS_TOPIC", "x", (char *)NULL);
	assert_null(sc_push_creds_load(err, sizeof(err)));
	assert_non_null(strstr(err, "APNS_KEY_ID"));
	t_config("VAPID_PRIVATE_KEY_FILE", vapid_path, "VAPID_SUBJECT", "ops@example.org", (char *)NULL);
	assert_null(sc_push_creds_load(err, sizeof(err)));
	assert_non_null(strstr(err, "VAPID_SUBJECT"));
	t_config("VAPID_PRIVATE_KEY_FILE", sa_path, "VAPID_SUBJECT", "mailto:a@b", (char *)NULL);
	assert_null(sc_push_creds_load(err, sizeof(err)));          /* not a PEM key */
	t_config("FCM_CREDENTIALS_FILE", p8_path, (char *)NULL);
	assert_null(sc_push_creds_load(err, sizeof(err)));
	assert_non_null(strstr(err, "FCM_CREDENTIALS_FILE"));
	t_config("APNS_KEY_FILE", sa_path, "APNS_KEY_ID", "K", "APNS_TEAM_ID", "T", "APNS_TOPIC", "x", (char *)NULL);
	assert_null(sc_push_creds_load(err, sizeof(err)));
}

static sc_push_req *prep(sc_push_creds *c, CURL *h, const char *type, const char *token,
    const unsigned char *p256dh, const unsigned char *auth, const sc_push_note *n)
{
	sc_push_target t = { type, token, p256dh, auth };
	sc_push_outcome o = SC_PUSH_SENT;
	char err[256];
	sc_push_req *r = sc_push_prepare(c, h, &t, n, &o, err, sizeof(err));
	if (r == NULL)
		fail_msg("prepare %s: %s", type, err);
	return r;
}

static void test_fcm_request(void **state)
{
	sc_push_creds *c = load_all();
	CURL *h = curl_easy_init();
	sc_push_req *r;
	json_object *b;
	(void)state;
	sc_fcm_token_set(c, "ya29.test-token", NOW + 3000);
	r = prep(c, h, "fcm", "fcm-token:APA91b_x-1", NULL, NULL, &NOTE);
	assert_string_equal(r->url, "https://fcm.test/v1/projects/sc-test/messages:send");
	assert_string_equal(hdr(r, "Authorization"), "Bearer ya29.test-token");
	assert_string_equal(hdr(r, "Content-Type"), "application/json; charset=UTF-8");
	b = json_tokener_parse((const char *)r->body);
	assert_non_null(b);
	assert_string_equal(jget(b, "message.token"), "fcm-token:APA91b_x-1");
	assert_string_equal(jget(b, "message.data.conversation_id"), "6f1c2d9e-0000-4000-8000-000000000001");
	assert_string_equal(jget(b, "message.data.is_encrypted"), "true");    /* every value a string */
	assert_string_equal(jget(b, "message.data.type"), "message.new");
	assert_string_equal(jget(b, "message.data.job_id"), JOB);
	assert_string_equal(jget(b, "message.notification.title"), "Ada");
	assert_string_equal(jget(b, "message.notification.body"), "New message");
	assert_string_equal(jget(b, "message.android.priority"), "NORMAL");
	assert_string_equal(jget(b, "message.android.ttl"), "3600s");
	json_object_put(b);
	sc_push_req_free(r);
	/* a call: data-only, high priority, a TTL of a ring */
	curl_easy_reset(h);
	r = prep(c, h, "fcm", "tok", NULL, NULL, &CALL);
	b = json_tokener_parse((const char *)r->body);
	assert_null(jget(b, "message.notification"));
	assert_string_equal(jget(b, "message.data.title"), "Ada");
	assert_string_equal(jget(b, "message.data.body"), "Incoming audio call");
	assert_string_equal(jget(b, "message.android.priority"), "HIGH");
	assert_string_equal(jget(b, "message.android.ttl"), "60s");
	json_object_put(b);
	sc_push_req_free(r);
	curl_easy_cleanup(h);
	sc_push_creds_free(c);
}

static void test_apns_request(void **state)
{
	sc_push_creds *c = load_all();
	CURL *h = curl_easy_init();
	sc_push_req *r;
	json_object *b;
	char *hj = NULL, *cj = NULL, uuid[37], jwt1[512];
	const char *auth;
	sc_push_note quiet = { JOB, "push.test", "", "", "{}", 0 };
	(void)state;
	r = prep(c, h, "apns", APNS_TOKEN, NULL, NULL, &NOTE);
	assert_string_equal(r->url, "https://apns.test/3/device/" APNS_TOKEN);
	assert_string_equal(hdr(r, "apns-topic"), "org.example.sc");
	assert_string_equal(hdr(r, "apns-push-type"), "alert");
	assert_string_equal(hdr(r, "apns-priority"), "5");
	assert_string_equal(hdr(r, "apns-expiration"), "1700003600");
	sc_apns_uuid(JOB, uuid);
	assert_string_equal(hdr(r, "apns-id"), uuid);
	assert_int_equal(strlen(uuid), 36);
	assert_int_equal(uuid[14], '8');                                    /* version 8 */
	assert_non_null(strchr("89ab", uuid[19]));                          /* variant 10 */
	/* the provider token: ES256 by the .p8 key, kid = key id, iss = team, iat = now */
	auth = hdr(r, "authorization");
	assert_int_equal(strncmp(auth, "bearer ", 7), 0);
	assert_int_equal(sc_jws_verify(apns_key, auth + 7, &hj, &cj), 0);
	assert_string_equal(hj, "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"KEY1234567\"}");
	assert_string_equal(cj, "{\"iss\":\"TEAM123456\",\"iat\":1700000000}");
	free(hj);
	free(cj);
	snprintf(jwt1, sizeof(jwt1), "%s", auth + 7);
	b = json_tokener_parse((const char *)r->body);
	assert_string_equal(jget(b, "aps.alert.title"), "Ada");
	assert_string_equal(jget(b, "aps.alert.body"), "New message");
	assert_string_equal(jget(b, "aps.sound"), "default");
	assert_string_equal(jget(b, "conversation_id"), "6f1c2d9e-0000-4000-8000-000000000001");
	assert_string_equal(jget(b, "type"), "message.new");
	assert_string_equal(jget(b, "job_id"), JOB);
	json_object_put(b);
	sc_push_req_free(r);
	/* urgent: priority 10; the token is reused for 49 min, renewed at 50 */
	fake_now = NOW + 49 * 60;
	r = prep(c, h, "apns", APNS_TOKEN, NULL, NULL, &CALL);
	assert_string_equal(hdr(r, "apns-priority"), "10");
	assert_string_equal(hdr(r, "apns-expiration"), "1700003000");       /* now + 60 */
	assert_string_equal(hdr(r, "authorization") + 7, jwt1);
	sc_push_req_free(r);
	fake_now = NOW + 50 * 60;
	r = prep(c, h, "apns", APNS_TOKEN, NULL, NULL, &quiet);
	assert_string_not_equal(hdr(r, "authorization") + 7, jwt1);
	/* nothing to show: a background push */
	assert_string_equal(hdr(r, "apns-push-type"), "background");
	assert_string_equal(hdr(r, "apns-priority"), "5");
	b = json_tokener_parse((const char *)r->body);
	assert_string_equal(jget(b, "aps.content-available"), "1");
	assert_null(jget(b, "aps.alert"));
	json_object_put(b);
	sc_push_req_free(r);
	/* a token that is not hex is unusable */
	{
		sc_push_target t = { "apns", "not-hex!", NULL, NULL };
		sc_push_outcome o = SC_PUSH_SENT;
		char err[128];
		assert_null(sc_push_prepare(c, h, &t, &NOTE, &o, err, sizeof(err)));
		assert_int_equal(o, SC_PUSH_FAILED);
	}
	curl_easy_cleanup(h);
	sc_push_creds_free(c);
}

static void test_web_request(void **state)
{
	sc_push_creds *c = load_all();
	CURL *h = curl_easy_init();
	EVP_PKEY *ua = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	unsigned char pub[65], auth[16] = "0123456789abcdef";
	sc_push_req *r;
	const char *v;
	char *claims = NULL;
	(void)state;
	sc_jws_ec_public_raw(ua, pub);
	r = prep(c, h, "web", "https://push.example.net:8443/wp/abc", pub, auth, &NOTE);
	assert_string_equal(r->url, "https://push.example.net:8443/wp/abc");
	assert_string_equal(hdr(r, "TTL"), "3600");
	assert_string_equal(hdr(r, "Urgency"), "normal");
	assert_string_equal(hdr(r, "Content-Encoding"), "aes128gcm");
	v = hdr(r, "Authorization");
	assert_int_equal(strncmp(v, "vapid t=", 8), 0);
	{
		char jwt[1024];
		const char *k = strstr(v, ", k=");
		snprintf(jwt, sizeof(jwt), "%.*s", (int)(k - v - 8), v + 8);
		assert_int_equal(sc_jws_verify(vapid_key, jwt, NULL, &claims), 0);
		assert_string_equal(claims, "{\"aud\":\"https://push.example.net:8443\",\"exp\":1700043200,"
		    "\"sub\":\"mailto:ops@example.org\"}");
		free(claims);
	}
	/* one record of rs 4096 keyed by a 65-byte sender key */
	assert_true(r->body_len > SC_WEBPUSH_HEADER_LEN + 17);
	assert_memory_equal(r->body + 16, "\x00\x00\x10\x00\x41", 5);
	sc_push_req_free(r);
	r = prep(c, h, "web", "https://push.example.net/wp/abc", pub, auth, &CALL);
	assert_string_equal(hdr(r, "Urgency"), "high");
	assert_string_equal(hdr(r, "TTL"), "60");
	sc_push_req_free(r);
	/* not https, or no keys: unusable */
	{
		sc_push_target t1 = { "web", "http://push.example.net/wp/abc", pub, auth };
		sc_push_target t2 = { "web", "https://push.example.net/wp/abc", NULL, NULL };
		sc_push_outcome o = SC_PUSH_SENT;
		char err[128];
		assert_null(sc_push_prepare(c, h, &t1, &NOTE, &o, err, sizeof(err)));
		assert_int_equal(o, SC_PUSH_FAILED);
		assert_null(sc_push_prepare(c, h, &t2, &NOTE, &o, err, sizeof(err)));
		assert_int_equal(o, SC_PUSH_FAILED);
	}
	EVP_PKEY_free(ua);
	curl_easy_cleanup(h);
	sc_push_creds_free(c);
}

/* Feed a response to r as curl would, then classify it. */
static sc_push_outcome answer(sc_push_req *r, long status, const char *headers, const char *body,
    long *ra, char *why, size_t wl)
{
	char line[256];
	const char *p = headers, *e;
	snprintf(line, sizeof(line), "HTTP/2 %ld\r\n", status);
	sc_push_header_cb(line, 1, strlen(line), r);
	while (p && *p) {
		e = strchr(p, '\n');
		snprintf(line, sizeof(line), "%.*s\r\n", (int)(e ? e - p : (long)strlen(p)), p);
		sc_push_header_cb(line, 1, strlen(line), r);
		p = e ? e + 1 : NULL;
	}
	sc_buf_reset(&r->resp);
	if (body)
		sc_push_body_cb((char *)body, 1, strlen(body), r);
	return sc_push_result(r, CURLE_OK, status, ra, why, wl);
}

#define UNREG "{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\",\"status\":\"NOT_FOUND\"," \
	"\"details\":[{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\"UNREGISTERED\"}]}}"

static void test_fcm_results(void **state)
{
	sc_push_creds *c = load_all();
	CURL *h = curl_easy_init();
	sc_push_req *r;
	long ra;
	char why[128];
	(void)state;
	sc_fcm_token_set(c, "ya29.one", NOW + 3000);
	r = prep(c, h, "fcm", "tok", NULL, NULL, &NOTE);
	assert_int_equal(answer(r, 200, NULL, "{\"name\":\"projects/sc-test/messages/1\"}", &ra, why, sizeof(why)),
	    SC_PUSH_SENT);
	assert_int_equal(ra, -1);
	assert_int_equal(answer(r, 404, NULL, UNREG, &ra, why, sizeof(why)), SC_PUSH_GONE);
	assert_string_equal(why, "404 UNREGISTERED");
	/* a 404 that is not about the token (a wrong project) keeps the device */
	assert_int_equal(answer(r, 404, NULL, "{\"error\":{\"status\":\"NOT_FOUND\"}}", &ra, why, sizeof(why)),
	    SC_PUSH_FAILED);
	assert_int_equal(answer(r, 400, NULL, "{\"error\":{\"status\":\"INVALID_ARGUMENT\"}}", &ra, why,
	    sizeof(why)), SC_PUSH_FAILED);
	assert_string_equal(why, "400 INVALID_ARGUMENT");
	assert_int_equal(answer(r, 429, "Retry-After: 7", "{}", &ra, why, sizeof(why)), SC_PUSH_RETRY);
	assert_int_equal(ra, 7);
	assert_int_equal(answer(r, 500, NULL, "", &ra, why, sizeof(why)), SC_PUSH_RETRY);
	assert_int_equal(ra, -1);
	/* Retry-After as an HTTP-date: 2023-11-14T22:13:50Z = NOW + 30 */
	assert_int_equal(answer(r, 503, "retry-after: Tue, 14 Nov 2023 22:13:50 GMT", NULL, &ra, why,
	    sizeof(why)), SC_PUSH_RETRY);
	assert_int_equal(ra, 30);
	/* 401: the cached access token is dropped, the push retried */
	assert_non_null(c->fcm_access);
	assert_int_equal(answer(r, 401, NULL, "{\"error\":{\"status\":\"UNAUTHENTICATED\"}}", &ra, why,
	    sizeof(why)), SC_PUSH_RETRY);
	assert_null(c->fcm_access);
	/* ... but a late 401 of a request made with an older token keeps the new one */
	sc_fcm_token_set(c, "ya29.two", NOW + 3000);
	assert_int_equal(answer(r, 401, NULL, NULL, &ra, why, sizeof(why)), SC_PUSH_RETRY);
	assert_string_equal(c->fcm_access, "ya29.two");
	/* curl errors */
	assert_int_equal(sc_push_result(r, CURLE_OPERATION_TIMEDOUT, 0, &ra, why, sizeof(why)), SC_PUSH_RETRY);
	assert_non_null(strstr(why, "curl: "));
	assert_int_equal(sc_push_result(r, CURLE_COULDNT_CONNECT, 0, &ra, why, sizeof(why)), SC_PUSH_RETRY);
	sc_push_req_free(r);
	curl_easy_cleanup(h);
	sc_push_creds_free(c);
}

static void test_fcm_token_endpoint_down(void **state)
{
	sc_push_creds *c = load_all();     /* token_uri http://127.0.0.1:1/token: refused */
	CURL *h = curl_easy_init();
	sc_push_target t = { "fcm", "tok", NULL, NULL };
	sc_push_outcome o = SC_PUSH_SENT;
	char err[256];
	(void)state;
	assert_null(sc_push_prepare(c, h, &t, &NOTE, &o, err, sizeof(err)));
	assert_int_equal(o, SC_PUSH_RETRY);
	assert_non_null(strstr(err, "fcm token endpoint"));
	/* within the hold-off no new request is made */
	o = SC_PUSH_SENT;
	assert_null(sc_push_prepare(c, h, &t, &NOTE, &o, err, sizeof(err)));
	assert_int_equal(o, SC_PUSH_RETRY);
	assert_non_null(strstr(err, "less than"));
	curl_easy_cleanup(h);
	sc_push_creds_free(c);
}

static void test_apns_results(void **state)
{
	sc_push_creds *c = load_all();
	CURL *h = curl_easy_init();
	sc_push_req *r = prep(c, h, "apns", APNS_TOKEN, NULL, NULL, &NOTE);
	long ra;
	char why[128];
	(void)state;
	assert_int_equal(answer(r, 200, "apns-id: x", "", &ra, why, sizeof(why)), SC_PUSH_SENT);
	assert_int_equal(answer(r, 400, NULL, "{\"reason\":\"BadDeviceToken\"}", &ra, why, sizeof(why)), SC_PUSH_GONE);
	assert_string_equal(why, "400 BadDeviceToken");
	assert_int_equal(answer(r, 400, NULL, "{\"reason\":\"BadTopic\"}", &ra, why, sizeof(why)), SC_PUSH_FAILED);
	assert_int_equal(answer(r, 410, NULL, "{\"reason\":\"Unregistered\",\"timestamp\":1700000000000}", &ra,
	    why, sizeof(why)), SC_PUSH_GONE);
	assert_string_equal(why, "410 Unregistered");
	assert_int_equal(answer(r, 429, "Retry-After: 3", "{\"reason\":\"TooManyRequests\"}", &ra, why,
	    sizeof(why)), SC_PUSH_RETRY);
	assert_int_equal(ra, 3);
	assert_int_equal(answer(r, 500, NULL, "{\"reason\":\"InternalServerError\"}", &ra, why, sizeof(why)),
	    SC_PUSH_RETRY);
	assert_int_equal(answer(r, 503, NULL, "{\"reason\":\"ServiceUnavailable\"}", &ra, why, sizeof(why)),
	    SC_PUSH_RETRY);
	assert_non_null(c->apns_jwt);
	assert_int_equal(answer(r, 403, NULL, "{\"reason\":\"ExpiredProviderToken\"}", &ra, why, sizeof(why)),
	    SC_PUSH_RETRY);
	assert_null(c->apns_jwt);                               /* signed afresh next time */
	assert_int_equal(answer(r, 403, NULL, "{\"reason\":\"InvalidProviderToken\"}", &ra, why, sizeof(why)),
	    SC_PUSH_FAILED);
	assert_int_equal(answer(r, 413, NULL, "{\"reason\":\"PayloadTooLarge\"}", &ra, why, sizeof(why)),
	    SC_PUSH_FAILED);
	sc_push_req_free(r);
	curl_easy_cleanup(h);
	sc_push_creds_free(c);
}

static void test_web_results(void **state)
{
	sc_push_creds *c = load_all();
	CURL *h = curl_easy_init();
	EVP_PKEY *ua = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	unsigned char pub[65], auth[16] = "0123456789abcdef";
	sc_push_req *r;
	long ra;
	char why[128];
	(void)state;
	sc_jws_ec_public_raw(ua, pub);
	r = prep(c, h, "web", "https://push.example.net/wp/abc", pub, auth, &NOTE);
	assert_int_equal(answer(r, 201, NULL, "", &ra, why, sizeof(why)), SC_PUSH_SENT);
	assert_int_equal(answer(r, 410, NULL, "", &ra, why, sizeof(why)), SC_PUSH_GONE);
	assert_string_equal(why, "410 Gone");
	assert_int_equal(answer(r, 404, NULL, "", &ra, why, sizeof(why)), SC_PUSH_GONE);
	assert_int_equal(answer(r, 429, "Retry-After: 1", "", &ra, why, sizeof(why)), SC_PUSH_RETRY);
	assert_int_equal(ra, 1);
	assert_int_equal(answer(r, 500, NULL, "", &ra, why, sizeof(why)), SC_PUSH_RETRY);
	assert_int_equal(answer(r, 503, NULL, "", &ra, why, sizeof(why)), SC_PUSH_RETRY);
	assert_int_equal(answer(r, 413, NULL, "", &ra, why, sizeof(why)), SC_PUSH_FAILED);
	assert_int_equal(answer(r, 403, NULL, "", &ra, why, sizeof(why)), SC_PUSH_FAILED);
	sc_push_req_free(r);
	EVP_PKEY_free(ua);
	curl_easy_cleanup(h);
	sc_push_creds_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_creds),
		cmocka_unit_test(test_fcm_request),
		cmocka_unit_test(test_apns_request),
		cmocka_unit_test(test_web_request),
		cmocka_unit_test(test_fcm_results),
		cmocka_unit_test(test_fcm_token_endpoint_down),
		cmocka_unit_test(test_apns_results),
		cmocka_unit_test(test_web_results),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
