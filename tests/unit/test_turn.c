/* test_turn.c - TURN REST API credentials (RFC 2202 HMAC-SHA1 vector), the
 * ice_servers array built from the config, and the validation of the ICE URL
 * list keys (TURN_URLS, STUN_URLS) and of TURN_SECRET. */
#include "t_common.h"

#include "sc_config.h"
#include "sc_turn.h"

#define SECRET32 "0123456789abcdef0123456789abcdef"

static int setup(void **state)
{
	(void)state;
	t_env_clear();
	setenv("JWT_SECRET", SECRET32, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	t_env_clear();
	return 0;
}

static void load_ok(void)
{
	const char *err = NULL;
	if (sc_config_load(&err) != 0)
		fail_msg("load failed: %s", err);
}

static void load_fails(const char *key)
{
	const char *err = NULL;
	size_t n = strlen(key);
	assert_int_equal(sc_config_load(&err), -1);
	if (strncmp(err, key, n) != 0 || err[n] != ':')
		fail_msg("expected a message starting with '%s:', got '%s'", key, err);
}

/* RFC 2202 section 3, test case 2, in base64. */
static void test_credential_vector(void **state)
{
	char out[SC_TURN_CREDENTIAL_LEN + 1];
	(void)state;
	sc_turn_credential("Jefe", 4, "what do ya want for nothing?", out);
	assert_string_equal(out, "7/zfauXrL6LSdBbV8YTfnCWafHk=");
}

static void test_not_configured(void **state)
{
	json_object *a;
	(void)state;
	load_ok();
	assert_int_equal(sc_turn_configured(), 0);
	a = sc_turn_ice_servers("u1", 1000);
	assert_int_equal(json_object_array_length(a), 0);
	json_object_put(a);
	/* a secret without URLs is not TURN either; STUN alone gives one entry */
	setenv("TURN_SECRET", "sixteen-bytes-ok", 1);
	setenv("STUN_URLS", "stun:stun.example.org:3478", 1);
	load_ok();
	assert_int_equal(sc_turn_configured(), 0);
	a = sc_turn_ice_servers("u1", 1000);
	assert_int_equal(json_object_array_length(a), 1);
	assert_string_equal(json_object_to_json_string_ext(json_object_array_get_idx(a, 0),
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
	    "{\"urls\":[\"stun:stun.example.org:3478\"]}");
	json_object_put(a);
}

static void test_ice_servers(void **state)
{
	json_object *a, *t, *v;
	char want[SC_TURN_CREDENTIAL_LEN + 1];
	(void)state;
	setenv("TURN_SECRET", "the-shared-secret-of-coturn", 1);
	setenv("TURN_URLS", " turn:turn.example.org:3478?transport=udp , turns:turn.example.org:5349", 1);
	setenv("STUN_URLS", "stun:turn.example.org:3478", 1);
	setenv("TURN_TTL_SECONDS", "600", 1);
	load_ok();
	assert_int_equal(sc_turn_configured(), 1);
	a = sc_turn_ice_servers("5b0c1a52-0000-4000-8000-000000000001", 1700000000);
	assert_int_equal(json_object_array_length(a), 2);
	t = json_object_array_get_idx(a, 1);
	assert_true(json_object_object_get_ex(t, "urls", &v));
	assert_string_equal(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE),
	    "[\"turn:turn.example.org:3478?transport=udp\",\"turns:turn.example.org:5349\"]");
	assert_true(json_object_object_get_ex(t, "username", &v));
	assert_string_equal(json_object_get_string(v),
	    "1700000600:5b0c1a52-0000-4000-8000-000000000001");
	sc_turn_credential("the-shared-secret-of-coturn", 27,
	    "1700000600:5b0c1a52-0000-4000-8000-000000000001", want);
	assert_true(json_object_object_get_ex(t, "credential", &v));
	assert_string_equal(json_object_get_string(v), want);
	json_object_put(a);
}

static void test_config_refuses(void **state)
{
	static const char *const bad[] = {
		"http://turn.example.org", "turn:", "turn:host/path", "turn:host;x", "stun",
		"turn:a,turn:b,turn:c,turn:d,turn:e,turn:f,turn:g,turn:h,turn:i",
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("TURN_URLS", bad[i], 1);
		load_fails("TURN_URLS");
	}
	unsetenv("TURN_URLS");
	setenv("STUN_URLS", "stun:ok.example.org,nope", 1);
	load_fails("STUN_URLS");
	unsetenv("STUN_URLS");
	setenv("TURN_SECRET", "fifteen-bytes!!", 1);
	load_fails("TURN_SECRET");
	setenv("TURN_SECRET", "sixteen-bytes-ok", 1);
	setenv("TURN_URLS", "turn:[2001:db8::1]:3478?transport=tcp,stuns:a.b:5349", 1);
	load_ok();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_credential_vector, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_configured, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ice_servers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_refuses, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
