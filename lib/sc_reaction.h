/* sc_reaction.h - what the message-extras programs share: for the two
 * reaction programs (POST /v1/messages/:id/reactions, DELETE
 * /v1/messages/:id/reactions/:emoji) the access test through a message, the
 * emoji rule and the message.reaction event. */
#ifndef SC_REACTION_H
#define SC_REACTION_H

#include <json-c/json.h>
#include <stddef.h>

#include "sc_conv.h"
#include "sc_json.h"
#include "sc_redis.h"

#define SC_REACTION_EMOJI_MAX 32   /* bytes */

/* SC_SQL_CONV_ACCESS for the conversation of message `m` (a SQL expression
 * yielding a message id, e.g. "$1::uuid"): the CTE `acc` has its row exactly
 * when the message exists (its conversation is then found through it), so
 * no acc row -> 404 "no such message", not a member -> 403. */
#define SC_SQL_MSG_ACCESS(m, u) \
	SC_SQL_CONV_ACCESS("(SELECT m_.conversation_id FROM messages m_ WHERE m_.message_id = " m ")", u)

/* 1 when s[0..n) may be a reaction: 1..SC_REACTION_EMOJI_MAX bytes of valid
 * UTF-8 without white space (ASCII or Unicode White_Space, and the invisible
 * U+200B, U+2060, U+FEFF), control characters (C0, DEL, C1) or line and
 * paragraph separators. Emoji sequences (ZWJ U+200D, variation selectors,
 * skin tones) pass; so does short text such as "+1": the server does not
 * judge what is an emoji. */
int sc_reaction_emoji_valid(const char *s, size_t n);

/* Publish message.reaction {message_id, conversation_id, user_id, emoji,
 * added} to members (user ids separated by commas). Best effort: a failure
 * is logged by the publisher and ignored here. */
void sc_reaction_publish(sc_redis *r, const char *members, const char *message_id,
    const char *conversation_id, const char *user_id, const char *emoji, int added);

#endif
