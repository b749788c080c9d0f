/* sc_time.c - clocks and RFC 3339 timestamps. */
#include "sc_time.h"

#include <stdio.h>

char *sc_time_rfc3339(const struct timespec *ts, char out[SC_TIME_RFC3339_LEN])
{
	struct tm tm;
	time_t t = ts->tv_sec;
	size_t n;

	gmtime_r(&t, &tm);
	n = strftime(out, SC_TIME_RFC3339_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, SC_TIME_RFC3339_LEN - n, ".%03ldZ", ts->tv_nsec / 1000000L);
	return out;
}

char *sc_time_now_rfc3339(char out[SC_TIME_RFC3339_LEN])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return sc_time_rfc3339(&ts, out);
}

uint64_t sc_time_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
