/* relay_ids.c - the small syntaxes the relay checks itself: Redis stream ids
 * ("<ms>-<seq>", compared as numbers), the id at the head of a published
 * event, WebSocket tickets (43 base64url characters). Pure functions. */
#include "relay.h"
#include "relay_hub.h"

#include <string.h>

static const char ZERO_UUID[] = "00000000-0000-0000-0000-000000000000";

/* ---- stream ids ---- */
static int sid_parse(const char *s, size_t n, unsigned long long *ms, unsigned long long *seq)
{
	size_t i = 0, d;
	*ms = *seq = 0;
	for (d = 0; i < n && s[i] >= '0' && s[i] <= '9' && d < 20; i++, d++)
		*ms = *ms * 10 + (unsigned)(s[i] - '0');
	if (d == 0 || i >= n || s[i] != '-')
		return -1;
	for (i++, d = 0; i < n && s[i] >= '0' && s[i] <= '9' && d < 20; i++, d++)
		*seq = *seq * 10 + (unsigned)(s[i] - '0');
	return d == 0 || i != n ? -1 : 0;
}

/* 1 when stream id a is newer than b ("" is older than everything) */
int relay_sid_newer(const char *a, size_t an, const char *b)
{
	unsigned long long am, as, bm, bs;
	if (sid_parse(a, an, &am, &as) < 0)
		return 0;
	if (b[0] == '\0' || sid_parse(b, strlen(b), &bm, &bs) < 0)
		return 1;
	return am > bm || (am == bm && as > bs);
}

/* The id of a published event: {"id":"<id>",... ; empty for ephemeral ones. */
size_t relay_event_id(const char *p, size_t n, const char **id)
{
	size_t i;
	*id = "";
	if (n < 8 || memcmp(p, "{\"id\":\"", 7) != 0)
		return 0;
	for (i = 7; i < n && i < 7 + RELAY_STREAM_ID_MAX - 1; i++)
		if (p[i] == '"') {
			*id = p + 7;
			return i - 7;
		}
	return 0;
}

/* ---- small validators shared with the handshake ---- */
int relay_sid_valid(const char *s, size_t n)
{
	unsigned long long a, b;
	return sid_parse(s, n, &a, &b) == 0;
}

int relay_ticket_valid(const char *s, size_t n)
{
	size_t i;
	if (n != 43)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

const char *relay_zero_uuid(void) { return ZERO_UUID; }
