/* test_push_dev.c - push device registrations (sc_push_dev.h): P-256 points
 * made by OpenSSL and spoiled ones, strict base64url in both spellings, web
 * push endpoints, token hints, and the body parser's field names. */
#include "t_common.h"

#include "sc_arena.h"
#include "sc_b64.h"
#include "sc_push_dev.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

/* A fresh P-256 public key, uncompressed, from OpenSSL's own key generation. */
static void new_point(unsigned char pt[65])
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	size_t n = 0;

	assert_non_null(k);
	assert_int_equal(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
	    pt, 65, &n), 1);
	assert_int_equal(n, 65);
	assert_int_equal(pt[0], 0x04);
	EVP_PKEY_free(k);
}

static void test_p256(void **state)
{
	unsigned char pt[65], bad[65];
	int i;
	(void)state;

	for (i = 0; i < 4; i++) {
		new_point(pt);
		assert_true(sc_push_dev_p256_valid(pt, 65));
	}
	/* off the curve: one bit of Y flipped */
	memcpy(bad, pt, 65);
	bad[64] ^= 0x01;
	assert_false(sc_push_dev_p256_valid(bad, 65));
	/* off the curve: X and Y zero */
	memset(bad + 1, 0, 64);
	assert_false(sc_push_dev_p256_valid(bad, 65));
	/* coordinates >= p */
	memset(bad + 1, 0xff, 64);
	assert_false(sc_push_dev_p256_valid(bad, 65));
	/* wrong length */
	assert_false(sc_push_dev_p256_valid(pt, 64));
	assert_false(sc_push_dev_p256_valid(pt, 0));
	/* compressed form (0x02/0x03 || X), even of a valid point */
	memcpy(bad, pt, 33);
	bad[0] = (unsigned char)(0x02 | (pt[64] & 1));
	assert_false(sc_push_dev_p256_valid(bad, 33));
	/* the uncompressed bytes with another prefix */
	memcpy(bad, pt, 65);
	bad[0] = 0x06;
	assert_false(sc_push_dev_p256_valid(bad, 65));
	bad[0] = 0x00;
	assert_false(sc_push_dev_p256_valid(bad, 1));
}

static void test_b64url(void **state)
{
	unsigned char pt[65], out[80];
	char enc[100], tmp[128];
	size_t n, len;
	(void)state;

	new_point(pt);
	sc_b64url_encode(pt, 65, enc);
	len = strlen(enc);
	assert_int_equal(len, 87);
	/* unpadded, as browsers send it */
	assert_int_equal(sc_push_dev_b64url_decode(enc, len, out, sizeof(out), &n), 0);
	assert_int_equal(n, 65);
	assert_memory_equal(out, pt, 65);
	/* padded */
	snprintf(tmp, sizeof(tmp), "%s=", enc);
	assert_int_equal(sc_push_dev_b64url_decode(tmp, len + 1, out, sizeof(out), &n), 0);
	assert_int_equal(n, 65);
	assert_memory_equal(out, pt, 65);
	/* partial padding, too much padding */
	snprintf(tmp, sizeof(tmp), "%s==", enc);
	assert_int_equal(sc_push_dev_b64url_decode(tmp, len + 2, out, sizeof(out), &n), -1);
	/* 16 bytes: "==" complete, "=" partial */
	assert_int_equal(sc_push_dev_b64url_decode("AAECAwQFBgcICQoLDA0ODw==", 24, out, 16, &n), 0);
	assert_int_equal(n, 16);
	assert_int_equal(out[15], 15);
	assert_int_equal(sc_push_dev_b64url_decode("AAECAwQFBgcICQoLDA0ODw", 22, out, 16, &n), 0);
	assert_int_equal(sc_push_dev_b64url_decode("AAECAwQFBgcICQoLDA0ODw=", 23, out, 16, &n), -1);
	/* - and _ are the url alphabet; + and / are not */
	assert_int_equal(sc_push_dev_b64url_decode("-_-_", 4, out, 16, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(out[0], 0xfb);
	assert_int_equal(sc_push_dev_b64url_decode("+/+/", 4, out, 16, &n), -1);
	assert_int_equal(sc_push_dev_b64url_decode("ab+d", 4, out, 16, &n), -1);
	/* white space, other characters, empty, unused bits set ("Zh" has them) */
	assert_int_equal(sc_push_dev_b64url_decode("Zm9v Zm9v", 9, out, 16, &n), -1);
	assert_int_equal(sc_push_dev_b64url_decode("Zm9v\n", 5, out, 16, &n), -1);
	assert_int_equal(sc_push_dev_b64url_decode("Zm9v.", 5, out, 16, &n), -1);
	assert_int_equal(sc_push_dev_b64url_decode("", 0, out, 16, &n), -1);
	assert_int_equal(sc_push_dev_b64url_decode("Zg", 2, out, 16, &n), 0);
	assert_int_equal(sc_push_dev_b64url_decode("Zh", 2, out, 16, &n), -1);
	/* longer than the cap */
	assert_int_equal(sc_push_dev_b64url_decode(enc, len, out, 64, &n), -1);
}

static void test_endpoint(void **state)
{
	static const char *const good[][2] = {
		{ "https://fcm.googleapis.com/fcm/send/dXNlcg:APA91b", "https://fcm.googleapis.com" },
		{ "https://updates.push.services.mozilla.com/wpush/v2/gAAAA?x=1",
		  "https://updates.push.services.mozilla.com" },
		{ "https://127.0.0.1:8443/push/abc", "https://127.0.0.1:8443" },
		{ "https://[::1]:9/p", "https://[::1]:9" },
		{ "HTTPS://Example.com", "https://Example.com" },
	};
	static const char *const bad[] = {
		"http://fcm.googleapis.com/fcm/send/x", "https://", "https:///path", "https://:443/x",
		"https://user@host/x", "https://host/a b", "https://host/x#frag", "ftp://host/x",
		"https://host:0/x", "https://host:65536/x", "https://host:/x", "https://host:12a/x",
		"https://.host/x", "https://host./x", "https://[]/x", "https://[::1/x",
		"https://h\xc3\xa9st/x", "//host/x", "fcm.googleapis.com", "https://host\t/x",
	};
	char origin[64], big[SC_PUSH_ENDPOINT_MAX + 2];
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_true(sc_push_dev_endpoint_valid(good[i][0], strlen(good[i][0]), origin,
		    sizeof(origin)));
		assert_string_equal(origin, good[i][1]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sc_push_dev_endpoint_valid(bad[i], strlen(bad[i]), NULL, 0))
			fail_msg("accepted %s", bad[i]);
	/* the length cap */
	memset(big, 'a', sizeof(big));
	memcpy(big, "https://h/", 10);
	assert_true(sc_push_dev_endpoint_valid(big, SC_PUSH_ENDPOINT_MAX, NULL, 0));
	assert_false(sc_push_dev_endpoint_valid(big, SC_PUSH_ENDPOINT_MAX + 1, NULL, 0));
	/* an origin that does not fit */
	assert_false(sc_push_dev_endpoint_valid(good[1][0], strlen(good[1][0]), origin, 10));
}

static void test_hint(void **state)
{
	char h[64];
	(void)state;

	sc_push_dev_hint("fcm", "abcdefghijklmnopqrstuvwxyz", h, sizeof(h));
	assert_string_equal(h, "...uvwxyz");
	sc_push_dev_hint("apns", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
	    h, sizeof(h));
	assert_string_equal(h, "...ddeeff");
	sc_push_dev_hint("web", "https://push.example.com/secret/path", h, sizeof(h));
	assert_string_equal(h, "https://push.example.com");
	/* too short to hide enough: nothing */
	sc_push_dev_hint("fcm", "short", h, sizeof(h));
	assert_string_equal(h, "");
}

/* parse BODY: the field of the refusal, or "" when accepted */
static const char *parse(sc_arena *a, const char *body, sc_push_dev *d)
{
	static char field[64];
	json_object *o = json_tokener_parse(body);
	sc_verr e;

	assert_non_null(o);
	memset(&e, 0, sizeof(e));
	field[0] = '\0';
	if (sc_push_dev_parse(a, o, d, &e) < 0)
		snprintf(field, sizeof(field), "%s", e.field != NULL ? e.field : "?");
	json_object_put(o);
	return field;
}

static void test_parse(void **state)
{
	sc_arena a;
	sc_push_dev d;
	unsigned char pt[65];
	char key[100], body[512];
	const char *apns = "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF";
	(void)state;

	sc_arena_init(&a);
	assert_string_equal(parse(&a, "{\"type\":\"fcm\",\"platform\":\"android\","
	    "\"token\":\"dXNlcg:APA91bH-abc_def.ghi\"}", &d), "");
	assert_string_equal(d.type, "fcm");
	assert_string_equal(d.platform, "android");
	assert_false(d.has_device_id);
	assert_string_equal(parse(&a, "{\"type\":\"fcm\",\"token\":\"dXNlcg:APA91bH-abc\"}", &d),
	    "platform");
	assert_string_equal(parse(&a, "{\"type\":\"gcm\",\"platform\":\"android\"}", &d), "type");
	assert_string_equal(parse(&a, "{\"type\":\"fcm\",\"platform\":\"windows\","
	    "\"token\":\"dXNlcg:APA91bH-abc\"}", &d), "platform");
	assert_string_equal(parse(&a, "{\"type\":\"fcm\",\"platform\":\"ios\","
	    "\"token\":\"has space in it ok?\"}", &d), "token");
	assert_string_equal(parse(&a, "{\"type\":\"fcm\",\"platform\":\"ios\",\"token\":7}", &d),
	    "token");

	snprintf(body, sizeof(body), "{\"type\":\"apns\",\"token\":\"%s\","
	    "\"device_id\":\"0E1D5C1B-8E2A-4C3B-9D4E-5F6A7B8C9D0E\"}", apns);
	assert_string_equal(parse(&a, body, &d), "");
	assert_string_equal(d.platform, "ios");
	assert_string_equal(d.token, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
	assert_true(d.has_device_id);
	assert_string_equal(d.device_id, "0e1d5c1b-8e2a-4c3b-9d4e-5f6a7b8c9d0e");
	snprintf(body, sizeof(body), "{\"type\":\"apns\",\"platform\":\"android\",\"token\":\"%s\"}",
	    apns);
	assert_string_equal(parse(&a, body, &d), "platform");
	assert_string_equal(parse(&a, "{\"type\":\"apns\",\"token\":\"abc\"}", &d), "token");
	snprintf(body, sizeof(body), "{\"type\":\"apns\",\"token\":\"%s\",\"device_id\":\"x\"}", apns);
	assert_string_equal(parse(&a, body, &d), "device_id");

	new_point(pt);
	sc_b64url_encode(pt, 65, key);
	snprintf(body, sizeof(body), "{\"type\":\"web\",\"subscription\":{\"endpoint\":"
	    "\"https://push.example.com/x\",\"keys\":{\"p256dh\":\"%s\","
	    "\"auth\":\"AAECAwQFBgcICQoLDA0ODw\"}}}", key);
	assert_string_equal(parse(&a, body, &d), "");
	assert_string_equal(d.platform, "web");
	assert_string_equal(d.token, "https://push.example.com/x");
	assert_memory_equal(d.p256dh, pt, 65);
	assert_int_equal(d.auth[15], 15);
	/* http endpoint */
	snprintf(body, sizeof(body), "{\"type\":\"web\",\"subscription\":{\"endpoint\":"
	    "\"http://push.example.com/x\",\"keys\":{\"p256dh\":\"%s\","
	    "\"auth\":\"AAECAwQFBgcICQoLDA0ODw\"}}}", key);
	assert_string_equal(parse(&a, body, &d), "subscription.endpoint");
	/* 15-byte auth */
	snprintf(body, sizeof(body), "{\"type\":\"web\",\"subscription\":{\"endpoint\":"
	    "\"https://push.example.com/x\",\"keys\":{\"p256dh\":\"%s\","
	    "\"auth\":\"AAECAwQFBgcICQoLDA0O\"}}}", key);
	assert_string_equal(parse(&a, body, &d), "subscription.keys.auth");
	/* a point off the curve */
	pt[64] ^= 1;
	sc_b64url_encode(pt, 65, key);
	snprintf(body, sizeof(body), "{\"type\":\"web\",\"subscription\":{\"endpoint\":"
	    "\"https://push.example.com/x\",\"keys\":{\"p256dh\":\"%s\","
	    "\"auth\":\"AAECAwQFBgcICQoLDA0ODw\"}}}", key);
	assert_string_equal(parse(&a, body, &d), "subscription.keys.p256dh");
	assert_string_equal(parse(&a, "{\"type\":\"web\",\"platform\":\"android\","
	    "\"subscription\":{}}", &d), "platform");
	assert_string_equal(parse(&a, "{\"type\":\"web\"}", &d), "subscription");
	assert_string_equal(parse(&a, "{\"type\":\"web\",\"subscription\":{\"endpoint\":"
	    "\"https://p.example.com/x\"}}", &d), "subscription.keys");
	sc_arena_cleanup(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_p256),
		cmocka_unit_test(test_b64url),
		cmocka_unit_test(test_endpoint),
		cmocka_unit_test(test_hint),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests_name("push_dev", tests, NULL, NULL);
}
