/* sc_time.h - wall and monotonic clocks, RFC 3339 formatting. */
#ifndef SC_TIME_H
#define SC_TIME_H

#include <stdint.h>
#include <time.h>

#define SC_TIME_RFC3339_LEN 32   /* buffer size for sc_time_rfc3339 */

/* "2026-11-28T08:30:00.123Z" (UTC, milliseconds). Returns out. */
char    *sc_time_rfc3339(const struct timespec *ts, char out[SC_TIME_RFC3339_LEN]);
char    *sc_time_now_rfc3339(char out[SC_TIME_RFC3339_LEN]);
uint64_t sc_time_mono_us(void);

#endif
