/* test_config.c - configuration sources, precedence and validation. */
#include "t_common.h"

#include <unistd.h>

#include "sc_config.h"

#define SECRET31 "0123456789abcdef0123456789abcde"
#define SECRET32 "0123456789abcdef0123456789abcdef"
#define SECRET40 "0123456789abcdef0123456789abcdef-forty!!"

static char tmpfiles[8][64];
static int ntmp;

/* A temp file holding content[0..n); unlinked in teardown. */
static const char *tmp_file(const char *content, size_t n)
{
	int fd;
	char *path;
	assert_true(ntmp < 8);
	path = tmpfiles[ntmp++];
	strcpy(path, "/tmp/sc-test-config-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, n), (ssize_t)n);
	close(fd);
	return path;
}

static const char *tmp_text(const char *content)
{
	return tmp_file(content, strlen(content));
}

static int setup(void **state)
{
	(void)state;
	ntmp = 0;
	t_env_clear();
	return 0;
}

static int teardown(void **state)
{
	int i;
	(void)state;
	for (i = 0; i < ntmp; i++)
		unlink(tmpfiles[i]);
	ntmp = 0;
	t_env_clear();
	return 0;
}

static void load_ok(void)
{
	const char *err = NULL;
	if (sc_config_load(&err) != 0)
		fail_msg("load failed: %s", err);
}

/* Loading fails and the message starts with "KEY:". */
static const char *load_fails(const char *key)
{
	const char *err = NULL;
	size_t n = strlen(key);
	assert_int_equal(sc_config_load(&err), -1);
	assert_non_null(err);
	if (strncmp(err, key, n) != 0 || err[n] != ':')
		fail_msg("expected a message starting with '%s:', got '%s'", key, err);
	return err;
}

static void test_jwt_secret_required(void **state)
{
	const char *err;
	(void)state;
	err = load_fails("JWT_SECRET");
	assert_non_null(strstr(err, "required"));
	setenv("JWT_SECRET", "", 1);
	load_fails("JWT_SECRET");
}

static void test_jwt_secret_length(void **state)
{
	const char *err;
	sc_str s;
	(void)state;
	setenv("JWT_SECRET", SECRET31, 1);
	err = load_fails("JWT_SECRET");
	assert_string_equal(err, "JWT_SECRET: must be at least 32 bytes");
	assert_null(strstr(err, SECRET31));   /* a secret is never printed */
	setenv("JWT_SECRET", SECRET32, 1);
	load_ok();
	s = sc_config_secret(SC_CFG_JWT_SECRET);
	assert_int_equal(s.len, 32);
	assert_memory_equal(s.ptr, SECRET32, 32);
}

static void test_defaults(void **state)
{
	(void)state;
	setenv("JWT_SECRET", SECRET32, 1);
	load_ok();
	assert_int_equal(sc_config_int(SC_CFG_DB_PORT), 5432);
	assert_int_equal(sc_config_int(SC_CFG_JWT_ACCESS_TTL_SECONDS), 900);
	assert_string_equal(sc_config_str(SC_CFG_JWT_ISSUER), "secureconnect");
	assert_string_equal(sc_config_str(SC_CFG_LOG_LEVEL), "info");
	assert_int_equal(sc_config_bool(SC_CFG_DB_PREPARED_STATEMENTS), 0);
	assert_int_equal(sc_config_secret(SC_CFG_REDIS_PASSWORD).len, 0);
	assert_string_equal(sc_config_list(SC_CFG_CORS_ALLOWED_ORIGINS, 0), "http://localhost:3000");
	assert_string_equal(sc_config_list(SC_CFG_CORS_ALLOWED_ORIGINS, 3), "http://127.0.0.1:8080");
	assert_null(sc_config_list(SC_CFG_CORS_ALLOWED_ORIGINS, 4));
	assert_null(sc_config_list(SC_CFG_TRUSTED_PROXIES, 0));
}

static void test_defs_table(void **state)
{
	size_t n, i, j;
	const sc_config_def *d = sc_config_defs(&n);
	(void)state;
	assert_int_equal(n, SC_CFG__COUNT);
	assert_string_equal(d[SC_CFG_JWT_SECRET].name, "JWT_SECRET");
	assert_int_equal(d[SC_CFG_JWT_SECRET].required, 1);
	for (i = 0; i < n; i++) {
		assert_non_null(d[i].doc);
		for (j = i + 1; j < n; j++)
			assert_string_not_equal(d[i].name, d[j].name);
	}
}

static void test_file_and_env_precedence(void **state)
{
	const char *path;
	(void)state;
	path = tmp_text("# a comment\n\n  JWT_SECRET = " SECRET40 "  \n"
	    "DB_PORT=6000\nDB_NAME=fromfile\n\t# indented comment\n");
	setenv("SC_CONFIG", path, 1);
	load_ok();
	assert_int_equal(sc_config_int(SC_CFG_DB_PORT), 6000);
	assert_string_equal(sc_config_str(SC_CFG_DB_NAME), "fromfile");
	assert_int_equal(sc_config_secret(SC_CFG_JWT_SECRET).len, 40);
	/* the environment wins over the file */
	setenv("DB_PORT", "7000", 1);
	load_ok();
	assert_int_equal(sc_config_int(SC_CFG_DB_PORT), 7000);
	assert_string_equal(sc_config_str(SC_CFG_DB_NAME), "fromfile");
	/* ... also when the environment gives KEY_FILE and the file KEY */
	setenv("DB_NAME_FILE", tmp_text("fromvaluefile\n"), 1);
	load_ok();
	assert_string_equal(sc_config_str(SC_CFG_DB_NAME), "fromvaluefile");
}

static void test_file_values_literal(void **state)
{
	(void)state;
	setenv("SC_CONFIG", tmp_text("JWT_SECRET=" SECRET32 "\nJWT_ISSUER=\"q\" $HOME #x\n"), 1);
	load_ok();
	assert_string_equal(sc_config_str(SC_CFG_JWT_ISSUER), "\"q\" $HOME #x");
}

static void test_key_file_newline(void **state)
{
	sc_str s;
	(void)state;
	setenv("JWT_SECRET_FILE", tmp_text(SECRET32 "\n"), 1);
	load_ok();
	s = sc_config_secret(SC_CFG_JWT_SECRET);
	assert_int_equal(s.len, 32);
	assert_memory_equal(s.ptr, SECRET32, 32);
	/* CRLF too */
	setenv("JWT_SECRET_FILE", tmp_text(SECRET32 "\r\n"), 1);
	load_ok();
	assert_int_equal(sc_config_secret(SC_CFG_JWT_SECRET).len, 32);
	/* no newline: taken as is */
	setenv("JWT_SECRET_FILE", tmp_text(SECRET32), 1);
	load_ok();
	assert_int_equal(sc_config_secret(SC_CFG_JWT_SECRET).len, 32);
	/* only ONE trailing newline is stripped */
	setenv("JWT_SECRET_FILE", tmp_text(SECRET32 "\n\n"), 1);
	load_ok();
	s = sc_config_secret(SC_CFG_JWT_SECRET);
	assert_int_equal(s.len, 33);
	assert_int_equal(s.ptr[32], '\n');
	/* 31 bytes + newline is still too short */
	setenv("JWT_SECRET_FILE", tmp_text(SECRET31 "\n"), 1);
	load_fails("JWT_SECRET");
}

static void test_key_file_from_config_file(void **state)
{
	const char *secret = tmp_text(SECRET40 "\n");
	char conf[200];
	(void)state;
	snprintf(conf, sizeof(conf), "JWT_SECRET_FILE=%s\n", secret);
	setenv("SC_CONFIG", tmp_text(conf), 1);
	load_ok();
	assert_int_equal(sc_config_secret(SC_CFG_JWT_SECRET).len, 40);
}

static void test_key_file_missing(void **state)
{
	(void)state;
	setenv("JWT_SECRET_FILE", "/nonexistent/sc-secret", 1);
	load_fails("JWT_SECRET_FILE");
}

static void test_key_file_nul_byte(void **state)
{
	(void)state;
	setenv("JWT_SECRET_FILE", tmp_file(SECRET32 "\0" SECRET32, 65), 1);
	load_fails("JWT_SECRET");
}

static void test_key_and_key_file_in_env(void **state)
{
	(void)state;
	setenv("JWT_SECRET", SECRET32, 1);
	setenv("JWT_SECRET_FILE", tmp_text(SECRET32), 1);
	load_fails("JWT_SECRET");
}

static void test_key_and_key_file_in_file(void **state)
{
	char conf[256];
	(void)state;
	snprintf(conf, sizeof(conf), "JWT_SECRET=%s\nJWT_SECRET_FILE=%s\n", SECRET32,
	    tmp_text(SECRET32));
	setenv("SC_CONFIG", tmp_text(conf), 1);
	load_fails("JWT_SECRET");
	/* the same key twice in the file is refused as well */
	setenv("SC_CONFIG", tmp_text("JWT_SECRET=" SECRET32 "\nJWT_SECRET=" SECRET40 "\n"), 1);
	load_fails("JWT_SECRET");
}

static void test_unknown_key_in_file(void **state)
{
	const char *err;
	(void)state;
	setenv("JWT_SECRET", SECRET32, 1);
	setenv("SC_CONFIG", tmp_text("DB_PROT=5432\n"), 1);
	err = load_fails("DB_PROT");
	assert_non_null(strstr(err, "unknown"));
	setenv("SC_CONFIG", tmp_text("NOPE_FILE=/etc/hostname\n"), 1);
	load_fails("NOPE_FILE");
	/* lower case is not the key either */
	setenv("SC_CONFIG", tmp_text("db_port=5432\n"), 1);
	load_fails("db_port");
}

static void test_sc_x_keys_ignored(void **state)
{
	(void)state;
	setenv("JWT_SECRET", SECRET32, 1);
	setenv("SC_CONFIG", tmp_text("SC_X_LOCAL=anything\nSC_X_OTHER_FILE=/nonexistent\n"), 1);
	load_ok();
}

static void test_bad_file_lines(void **state)
{
	(void)state;
	setenv("JWT_SECRET", SECRET32, 1);
	setenv("SC_CONFIG", tmp_text("JUSTAWORD\n"), 1);
	load_fails("SC_CONFIG");
	setenv("SC_CONFIG", "/nonexistent/sc.conf", 1);
	load_fails("SC_CONFIG");
}

static void test_int_bounds(void **state)
{
	(void)state;
	setenv("JWT_SECRET", SECRET32, 1);
	setenv("DB_PORT", "1", 1);
	load_ok();
	assert_int_equal(sc_config_int(SC_CFG_DB_PORT), 1);
	setenv("DB_PORT", "65535", 1);
	load_ok();
	assert_int_equal(sc_config_int(SC_CFG_DB_PORT), 65535);
	setenv("DB_PORT", "0", 1);
	load_fails("DB_PORT");
	setenv("DB_PORT", "65536", 1);
	load_fails("DB_PORT");
	setenv("DB_PORT", "-1", 1);
	load_fails("DB_PORT");
	setenv("DB_PORT", "54x", 1);
	load_fails("DB_PORT");
	setenv("DB_PORT", "", 1);
	load_fails("DB_PORT");
	setenv("DB_PORT", "99999999999999999999999", 1);
	load_fails("DB_PORT");
	unsetenv("DB_PORT");
	setenv("REDIS_DB", "15", 1);
	load_ok();
	assert_int_equal(sc_config_int(SC_CFG_REDIS_DB), 15);
	setenv("REDIS_DB", "16", 1);
	load_fails("REDIS_DB");
	unsetenv("REDIS_DB");
	setenv("JWT_ACCESS_TTL_SECONDS", "59", 1);
	load_fails("JWT_ACCESS_TTL_SECONDS");
	setenv("JWT_ACCESS_TTL_SECONDS", "86400", 1);
	load_ok();
}

static void test_bool(void **state)
{
	static const char *yes[] = { "true", "1", "yes", "on", "TRUE", "Yes", "ON" };
	static const char *no[] = { "false", "0", "no", "off", "FALSE", "Off" };
	static const char *bad[] = { "", "2", "y", "enabled", "truee", " true" };
	size_t i;
	(void)state;
	setenv("JWT_SECRET", SECRET32, 1);
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		setenv("DB_PREPARED_STATEMENTS", yes[i], 1);
		load_ok();
		assert_int_equal(sc_config_bool(SC_CFG_DB_PREPARED_STATEMENTS), 1);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		setenv("DB_PREPARED_STATEMENTS", no[i], 1);
		load_ok();
		assert_int_equal(sc_config_bool(SC_CFG_DB_PREPARED_STATEMENTS), 0);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("DB_PREPARED_STATEMENTS", bad[i], 1);
		load_fails("DB_PREPARED_STATEMENTS");
	}
}

static void test_enum(void **state)
{
	(void)state;
	setenv("JWT_SECRET", SECRET32, 1);
	setenv("LOG_LEVEL", "debug", 1);
	load_ok();
	assert_string_equal(sc_config_str(SC_CFG_LOG_LEVEL), "debug");
	setenv("LOG_LEVEL", "error", 1);
	load_ok();
	setenv("LOG_LEVEL", "verbose", 1);
	load_fails("LOG_LEVEL");
	setenv("LOG_LEVEL", "inf", 1);
	load_fails("LOG_LEVEL");
	setenv("LOG_LEVEL", "info,warn", 1);
	load_fails("LOG_LEVEL");
	setenv("LOG_LEVEL", "", 1);
	load_fails("LOG_LEVEL");
	unsetenv("LOG_LEVEL");
	setenv("DB_SSL_MODE", "verify-full", 1);
	load_ok();
	setenv("DB_SSL_MODE", "verify", 1);
	load_fails("DB_SSL_MODE");
}

static void test_origins(void **state)
{
	static const char *bad[] = {
		"https://app.example.com/", "https://app.example.com/path", "*",
		"https://*.example.com", "https://App.example.com", "HTTPS://app.example.com",
		"ftp://app.example.com", "http://", "https://", "app.example.com",
		"http://localhost:3000,https://evil.example/x",
	};
	size_t i;
	(void)state;
	setenv("JWT_SECRET", SECRET32, 1);
	setenv("CORS_ALLOWED_ORIGINS",
	    " https://app.example.com , http://localhost:3000,,http://[::1]:8080 ", 1);
	load_ok();
	assert_string_equal(sc_config_list(SC_CFG_CORS_ALLOWED_ORIGINS, 0), "https://app.example.com");
	assert_string_equal(sc_config_list(SC_CFG_CORS_ALLOWED_ORIGINS, 1), "http://localhost:3000");
	assert_string_equal(sc_config_list(SC_CFG_CORS_ALLOWED_ORIGINS, 2), "http://[::1]:8080");
	assert_null(sc_config_list(SC_CFG_CORS_ALLOWED_ORIGINS, 3));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("CORS_ALLOWED_ORIGINS", bad[i], 1);
		load_fails("CORS_ALLOWED_ORIGINS");
	}
	/* empty: nothing is allowed */
	setenv("CORS_ALLOWED_ORIGINS", "", 1);
	load_ok();
	assert_null(sc_config_list(SC_CFG_CORS_ALLOWED_ORIGINS, 0));
}

static void test_iplist_and_list_has(void **state)
{
	static const char *bad[] = { "10.0.0.300", "example.com", "10.0.0.0/8", "::g", "1.2.3" };
	size_t i;
	(void)state;
	setenv("JWT_SECRET", SECRET32, 1);
	setenv("TRUSTED_PROXIES", "10.0.0.1, ::1 ,192.168.1.254", 1);
	load_ok();
	assert_true(sc_config_list_has(SC_CFG_TRUSTED_PROXIES, "10.0.0.1", 8));
	assert_true(sc_config_list_has(SC_CFG_TRUSTED_PROXIES, "::1", 3));
	assert_true(sc_config_list_has(SC_CFG_TRUSTED_PROXIES, "192.168.1.254", 13));
	assert_false(sc_config_list_has(SC_CFG_TRUSTED_PROXIES, "10.0.0.10", 9));
	assert_false(sc_config_list_has(SC_CFG_TRUSTED_PROXIES, "10.0.0.", 7));
	assert_false(sc_config_list_has(SC_CFG_TRUSTED_PROXIES, "10.0.0.1 ", 9));
	assert_false(sc_config_list_has(SC_CFG_TRUSTED_PROXIES, "", 0));
	/* n is honoured: a prefix of an entry is not an entry */
	assert_false(sc_config_list_has(SC_CFG_TRUSTED_PROXIES, "10.0.0.1", 7));
	assert_true(sc_config_list_has(SC_CFG_CORS_ALLOWED_ORIGINS, "http://localhost:3000", 21));
	assert_false(sc_config_list_has(SC_CFG_CORS_ALLOWED_ORIGINS, "http://LOCALHOST:3000", 21));
	assert_false(sc_config_list_has(SC_CFG_CORS_ALLOWED_ORIGINS, "http://localhost:300", 20));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("TRUSTED_PROXIES", bad[i], 1);
		load_fails("TRUSTED_PROXIES");
	}
}

static void test_list_too_long(void **state)
{
	char buf[64 * 20];
	size_t i, o = 0;
	(void)state;
	setenv("JWT_SECRET", SECRET32, 1);
	for (i = 0; i < 64; i++)
		o += (size_t)sprintf(buf + o, "%s10.0.%zu.1", i ? "," : "", i);
	setenv("TRUSTED_PROXIES", buf, 1);
	load_fails("TRUSTED_PROXIES");
}

static void test_url_and_str(void **state)
{
	(void)state;
	setenv("JWT_SECRET", SECRET32, 1);
	setenv("APP_URL", "https://api.example.com", 1);
	load_ok();
	setenv("APP_URL", "ftp://api.example.com", 1);
	load_fails("APP_URL");
	setenv("APP_URL", "https://", 1);
	load_fails("APP_URL");
	unsetenv("APP_URL");
	setenv("JWT_ISSUER", "", 1);
	load_fails("JWT_ISSUER");
	unsetenv("JWT_ISSUER");
	setenv("DB_USER", "0123456789012345678901234567890123456789012345678901234567890123", 1);
	load_fails("DB_USER");   /* 64 > 63 */
}

static void test_jwt_secret_previous(void **state)
{
	(void)state;
	setenv("JWT_SECRET", SECRET32, 1);
	setenv("JWT_SECRET_PREVIOUS", "", 1);
	load_ok();
	setenv("JWT_SECRET_PREVIOUS", "short", 1);
	load_fails("JWT_SECRET_PREVIOUS");
	setenv("JWT_SECRET_PREVIOUS", SECRET31, 1);
	load_fails("JWT_SECRET_PREVIOUS");
	setenv("JWT_SECRET_PREVIOUS", SECRET40, 1);
	load_ok();
	assert_int_equal(sc_config_secret(SC_CFG_JWT_SECRET_PREVIOUS).len, 40);
}

static void test_failed_load_forgets(void **state)
{
	(void)state;
	setenv("JWT_SECRET", SECRET32, 1);
	setenv("TRUSTED_PROXIES", "10.0.0.1", 1);
	load_ok();
	assert_true(sc_config_list_has(SC_CFG_TRUSTED_PROXIES, "10.0.0.1", 8));
	setenv("DB_PORT", "nope", 1);
	load_fails("DB_PORT");
	assert_false(sc_config_list_has(SC_CFG_TRUSTED_PROXIES, "10.0.0.1", 8));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_jwt_secret_required),
		T(test_jwt_secret_length),
		T(test_defaults),
		T(test_defs_table),
		T(test_file_and_env_precedence),
		T(test_file_values_literal),
		T(test_key_file_newline),
		T(test_key_file_from_config_file),
		T(test_key_file_missing),
		T(test_key_file_nul_byte),
		T(test_key_and_key_file_in_env),
		T(test_key_and_key_file_in_file),
		T(test_unknown_key_in_file),
		T(test_sc_x_keys_ignored),
		T(test_bad_file_lines),
		T(test_int_bounds),
		T(test_bool),
		T(test_enum),
		T(test_origins),
		T(test_iplist_and_list_has),
		T(test_list_too_long),
		T(test_url_and_str),
		T(test_jwt_secret_previous),
		T(test_failed_load_forgets),
	};
	return cmocka_run_group_tests_name("sc_config", tests, NULL, NULL);
}
