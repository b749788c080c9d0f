/* sc_reaction.c - the emoji rule and the reaction event (sc_reaction.h). */
#include "sc_reaction.h"
#include "sc_buf.h"
#include "sc_events.h"
#include "sc_uuid.h"

#include <json-c/json.h>

/* The code point at p of valid UTF-8 (checked before), its length in *len. */
static unsigned decode(const unsigned char *p, size_t *len)
{
	if (p[0] < 0x80) {
		*len = 1;
		return p[0];
	}
	if ((p[0] & 0xe0) == 0xc0) {
		*len = 2;
		return ((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu);
	}
	if ((p[0] & 0xf0) == 0xe0) {
		*len = 3;
		return ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);
	}
	*len = 4;
	return ((p[0] & 0x07u) << 18) | ((p[1] & 0x3fu) << 12) | ((p[2] & 0x3fu) << 6) |
	    (p[3] & 0x3fu);
}

/* white space (Unicode White_Space), controls, and invisible spaces */
static int refused(unsigned cp)
{
	if (cp <= 0x20 || (cp >= 0x7f && cp <= 0xa0))
		return 1;
	switch (cp) {
	case 0x1680: case 0x180e: case 0x2028: case 0x2029: case 0x202f: case 0x205f:
	case 0x2060: case 0x3000: case 0xfeff:
		return 1;
	}
	return cp >= 0x2000 && cp <= 0x200b;
}

int sc_reaction_emoji_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l;

	if (n == 0 || n > SC_REACTION_EMOJI_MAX || !sc_utf8_valid(s, n))
		return 0;
	while (i < n) {
		if (refused(decode(p + i, &l)))
			return 0;
		i += l;
	}
	return 1;
}

void sc_reaction_publish(sc_redis *r, const char *members, const char *message_id,
    const char *conversation_id, const char *user_id, const char *emoji, int added)
{
	json_object *d = json_object_new_object();
	const char *errstr;

	json_object_object_add(d, "message_id", json_object_new_string(message_id));
	json_object_object_add(d, "conversation_id", json_object_new_string(conversation_id));
	json_object_object_add(d, "user_id", json_object_new_string(user_id));
	json_object_object_add(d, "emoji", json_object_new_string(emoji));
	json_object_object_add(d, "added", json_object_new_boolean(added));
	sc_events_publish(r, members, "message.reaction", d, &errstr);
	json_object_put(d);
}
