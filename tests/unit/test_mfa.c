/* test_mfa.c - recovery codes (shape, spellings accepted, hash), the stored
 * forms of a sealed secret, the factor parsing, and the decision after a
 * correct password (AUTH_REQUIRE_VERIFIED_EMAIL and 2FA). */
#include "t_common.h"

#include "sc_arena.h"
#include "sc_mfa.h"

static const char UID[] = "8a1f4a4e-7a5c-4b7a-9d55-0f3e2b1c9a01";

static void test_recovery(void **state)
{
	char code[SC_MFA_RECOVERY_LEN + 1], h[SC_MFA_HASH_TEXT], h2[SC_MFA_HASH_TEXT], v[16];
	char other[SC_MFA_RECOVERY_LEN + 1];
	int i;
	(void)state;
	sc_mfa_recovery_new(code, h);
	assert_int_equal(strlen(code), 11);
	assert_int_equal(code[5], '-');
	for (i = 0; i < 11; i++)
		if (i != 5)
			assert_non_null(strchr("23456789ABCDEFGHJKLMNPQRSTUVWXYZ", code[i]));
	assert_int_equal(strlen(h), 66);
	assert_true(h[0] == '\\' && h[1] == 'x');
	/* the shown form, without the dash, lower case: the same hash */
	assert_int_equal(sc_mfa_recovery_hash(code, 11, h2), 0);
	assert_string_equal(h, h2);
	memcpy(v, code, 5);
	memcpy(v + 5, code + 6, 5);
	for (i = 0; i < 10; i++)
		v[i] = (char)((v[i] >= 'A' && v[i] <= 'Z') ? v[i] - 'A' + 'a' : v[i]);
	assert_int_equal(sc_mfa_recovery_hash(v, 10, h2), 0);
	assert_string_equal(h, h2);
	/* refused: wrong length, dash elsewhere, ambiguous letters */
	assert_int_equal(sc_mfa_recovery_hash(v, 9, h2), -1);
	assert_int_equal(sc_mfa_recovery_hash("ABCD-EFGHJK", 11, h2), -1);
	assert_int_equal(sc_mfa_recovery_hash("ABCDEFGHJO", 10, h2), -1);
	assert_int_equal(sc_mfa_recovery_hash("ABCDEFGHJ1", 10, h2), -1);
	assert_int_equal(sc_mfa_recovery_hash("ABCDEFGHJK2", 11, h2), -1);
	assert_int_equal(sc_mfa_recovery_hash("ABCDEFGHJK", 10, h2), 0);
	sc_mfa_recovery_new(other, h2);
	assert_string_not_equal(code, other);
}

static void test_secret(void **state)
{
	unsigned char s[SC_TOTP_SECRET_LEN], back[SC_TOTP_SECRET_LEN], raw[64];
	char b32[SC_TOTP_B32_LEN + 1], sealed[SC_MFA_SEALED_TEXT];
	size_t n;
	(void)state;
	t_config(NULL);
	assert_int_equal(sc_mfa_secret_new(UID, s, b32, sealed), 0);
	assert_int_equal(strlen(b32), 32);
	assert_int_equal(strlen(sealed), 2 + 2 * (20 + SC_SEAL_OVERHEAD));
	assert_int_equal(sc_mfa_secret_open(sealed, UID, back), 0);
	assert_memory_equal(s, back, sizeof(s));
	assert_int_equal(sc_base32_decode(b32, 32, raw, sizeof(raw), &n), 0);
	assert_memory_equal(raw, s, 20);
	assert_int_equal(sc_mfa_secret_open(sealed, "8a1f4a4e-7a5c-4b7a-9d55-0f3e2b1c9a02", back), -1);
	sealed[10] = sealed[10] == '0' ? '1' : '0';
	assert_int_equal(sc_mfa_secret_open(sealed, UID, back), -1);
	assert_int_equal(sc_mfa_bytea_decode("\\x0aFf", raw, sizeof(raw), &n), 0);
	assert_int_equal(n, 2);
	assert_true(raw[0] == 0x0a && raw[1] == 0xff);
	assert_int_equal(sc_mfa_bytea_decode("\\x0", raw, sizeof(raw), &n), -1);
	assert_int_equal(sc_mfa_bytea_decode("0a", raw, sizeof(raw), &n), -1);
	assert_int_equal(sc_mfa_bytea_decode("\\x0g", raw, sizeof(raw), &n), -1);
	assert_int_equal(sc_mfa_bytea_decode("\\x0a0b", raw, 1, &n), -1);
}

static void test_login_next(void **state)
{
	(void)state;
	assert_int_equal(sc_mfa_login_next(0, 0, 0), SC_LOGIN_SESSION);
	assert_int_equal(sc_mfa_login_next(0, 0, 1), SC_LOGIN_MFA);
	assert_int_equal(sc_mfa_login_next(1, 1, 0), SC_LOGIN_SESSION);
	assert_int_equal(sc_mfa_login_next(1, 1, 1), SC_LOGIN_MFA);
	assert_int_equal(sc_mfa_login_next(1, 0, 0), SC_LOGIN_UNVERIFIED);
	assert_int_equal(sc_mfa_login_next(1, 0, 1), SC_LOGIN_UNVERIFIED);
}

static void test_factor(void **state)
{
	const char *c, *r;
	size_t cl, rl;
	sc_verr e;
	json_object *o;
	(void)state;
	o = json_tokener_parse("{\"code\":\"123456\"}");
	assert_int_equal(sc_mfa_get_factor(o, &c, &cl, &r, &rl, &e), 0);
	assert_string_equal(c, "123456");
	assert_null(r);
	json_object_put(o);
	o = json_tokener_parse("{\"recovery_code\":\"ABCDE-FGHJK\"}");
	assert_int_equal(sc_mfa_get_factor(o, &c, &cl, &r, &rl, &e), 0);
	assert_null(c);
	assert_int_equal(rl, 11);
	json_object_put(o);
	o = json_tokener_parse("{}");
	assert_int_equal(sc_mfa_get_factor(o, &c, &cl, &r, &rl, &e), -1);
	assert_string_equal(e.field, "code");
	json_object_put(o);
	o = json_tokener_parse("{\"code\":\"123456\",\"recovery_code\":\"x\"}");
	assert_int_equal(sc_mfa_get_factor(o, &c, &cl, &r, &rl, &e), -1);
	assert_string_equal(e.field, "recovery_code");
	json_object_put(o);
	o = json_tokener_parse("{\"code\":123456}");
	assert_int_equal(sc_mfa_get_factor(o, &c, &cl, &r, &rl, &e), -1);
	assert_string_equal(e.field, "code");
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recovery),
		cmocka_unit_test(test_secret),
		cmocka_unit_test(test_login_next),
		cmocka_unit_test(test_factor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
