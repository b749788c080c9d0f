/* t_services.h - configuration pointing at the throwaway PostgreSQL and Redis
 * that tests/unit/run.sh starts. The tests FAIL (never skip) without them. */
#ifndef T_SERVICES_H
#define T_SERVICES_H

#include "t_common.h"

/* Load a configuration for the test database; extra NAME, VALUE pairs
 * (NULL-terminated) override it. */
static inline void t_config_services(const char *first, ...)
{
	va_list ap;
	const char *k, *err = NULL;
	const char *pg_port = t_need_env("SC_TEST_PG_PORT");
	const char *pg_user = t_need_env("SC_TEST_PG_USER");
	const char *pg_pass = t_need_env("SC_TEST_PG_PASSWORD");
	const char *pg_db = t_need_env("SC_TEST_PG_DB");
	const char *r_port = t_need_env("SC_TEST_REDIS_PORT");
	const char *r_pass = t_need_env("SC_TEST_REDIS_PASSWORD");
	char copy[6][256];

	/* getenv results may move when the environment changes: copy first */
	snprintf(copy[0], sizeof(copy[0]), "%s", pg_port);
	snprintf(copy[1], sizeof(copy[1]), "%s", pg_user);
	snprintf(copy[2], sizeof(copy[2]), "%s", pg_pass);
	snprintf(copy[3], sizeof(copy[3]), "%s", pg_db);
	snprintf(copy[4], sizeof(copy[4]), "%s", r_port);
	snprintf(copy[5], sizeof(copy[5]), "%s", r_pass);
	t_env_clear();
	setenv("JWT_SECRET", T_SECRET, 1);
	setenv("DB_HOST", "127.0.0.1", 1);
	setenv("DB_PORT", copy[0], 1);
	setenv("DB_USER", copy[1], 1);
	setenv("DB_PASSWORD", copy[2], 1);
	setenv("DB_NAME", copy[3], 1);
	setenv("DB_SSL_MODE", "disable", 1);
	setenv("DB_CONNECT_TIMEOUT_S", "5", 1);
	setenv("REDIS_HOST", "127.0.0.1", 1);
	setenv("REDIS_PORT", copy[4], 1);
	setenv("REDIS_PASSWORD", copy[5], 1);
	va_start(ap, first);
	for (k = first; k != NULL; k = va_arg(ap, const char *)) {
		const char *v = va_arg(ap, const char *);
		setenv(k, v, 1);
	}
	va_end(ap);
	if (sc_config_load(&err) != 0)
		fail_msg("config load failed: %s", err);
}

/* A TCP port on 127.0.0.1 where nothing listens (connections are refused). */
#define T_CLOSED_PORT "1"

#endif
