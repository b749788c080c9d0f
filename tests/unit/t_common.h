/* t_common.h - helpers shared by the cmocka unit tests (tests/unit only). */
#ifndef T_COMMON_H
#define T_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>

#include "sc_config.h"
#include "sc_log.h"

/* Remove every configuration key (and its _FILE twin) and SC_CONFIG from the
 * environment, so a test starts from the built-in defaults. */
static inline void t_env_clear(void)
{
	size_t n, i;
	const sc_config_def *d = sc_config_defs(&n);
	char name[160];
	for (i = 0; i < n; i++) {
		unsetenv(d[i].name);
		snprintf(name, sizeof(name), "%s_FILE", d[i].name);
		unsetenv(name);
	}
	unsetenv("SC_CONFIG");
	sc_config_reset();
}

#define T_SECRET "0123456789abcdef0123456789abcdef"   /* 32 bytes */

/* Clear the environment, set JWT_SECRET and the NULL-terminated NAME, VALUE
 * pairs, and load; the test fails when loading fails. */
static inline void t_config(const char *first, ...)
{
	va_list ap;
	const char *k, *err = NULL;
	t_env_clear();
	setenv("JWT_SECRET", T_SECRET, 1);
	va_start(ap, first);
	for (k = first; k != NULL; k = va_arg(ap, const char *)) {
		const char *v = va_arg(ap, const char *);
		setenv(k, v, 1);
	}
	va_end(ap);
	if (sc_config_load(&err) != 0)
		fail_msg("config load failed: %s", err);
}

/* An environment variable the test needs; fails (never skips) when missing. */
static inline const char *t_need_env(const char *name)
{
	const char *v = getenv(name);
	if (v == NULL || *v == '\0')
		fail_msg("%s is not set: run this test through tests/unit/run.sh", name);
	return v;
}

/* Send the library's log lines to /dev/null during a test. */
static inline void t_quiet_log(void)
{
	static int fd = -1;
	if (fd < 0)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	sc_log_init("unit-test", fd);
}

#endif
