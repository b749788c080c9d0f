/* sc_msg.h - the message object: its columns, its JSON, and what the message
 * programs share (the content rule, the page cursor, size bounds).
 *
 * SC_MSG_COLS is a SELECT list over a table aliased `m`, in the order
 * sc_msg_json() reads it. A deleted message is a tombstone:
 *     {message_id, conversation_id, sender_id, sent_at, deleted:true, deleted_at}
 * otherwise
 *     {message_id, conversation_id, sender_id, content, is_encrypted,
 *      message_type, metadata, reply_to_message_id, file_ids, sent_at,
 *      edited_at, deleted:false}
 * Message ids are UUIDv7 (sc_uuid_v7) and sent_at is the time inside the
 * id, so ordering by message_id is ordering by time. */
#ifndef SC_MSG_H
#define SC_MSG_H

#include <json-c/json.h>
#include <libpq-fe.h>
#include <stddef.h>

#include "sc_conv.h"
#include "sc_json.h"
#include "sc_req.h"
#include "sc_resp.h"
#include "sc_user.h"

#define SC_MSG_COLS \
	"m.message_id, m.conversation_id, m.sender_id, m.content, m.is_encrypted, " \
	"m.message_type, m.metadata, m.reply_to_message_id, m.file_ids, " \
	SC_SQL_TS("m.sent_at") ", " SC_SQL_TS("m.edited_at") ", " SC_SQL_TS("m.deleted_at")
#define SC_MSG_NCOLS 12

/* Caps of the message programs (they belong to messages, not to libsc, so
 * they live here rather than in sc_limits.h). */
#define SC_MSG_CONTENT_MAX   65536u            /* bytes of content */
#define SC_MSG_METADATA_MAX  8192u             /* bytes of metadata as we serialize it */
#define SC_MSG_FILES_MAX     10                /* file_ids of one message */
#define SC_MSG_CLIENT_ID_MAX 64u               /* bytes of client_msg_id */
/* A body that carries the largest content with every byte JSON-escaped
 * (\u0001 is 6 bytes) plus metadata still fits. */
#define SC_MSG_BODY_CAP      (512u * 1024u)
/* Edits of one message: bounds GET /v1/messages/:id/history, whose answer
 * is not paged (20 versions of the largest escaped content < 8 MiB). */
#define SC_MSG_EDITS_MAX     20
/* A page of messages ends early once the JSON of its rows could exceed this
 * (sc_msg_json_size), so a page always renders under SC_LIMIT_RESPONSE. */
#define SC_MSG_PAGE_BYTES    (8u * 1024u * 1024u)
/* The list cursor: kind "messages" and one field, the message_id of the last
 * row of the page (the benchmark builds cursors in this format). */
#define SC_MSG_CURSOR_KIND   "messages"

/* The members of conversation `conv` (an SQL expression) as one comma list:
 * the recipients of a message event. */
#define SC_MSG_SQL_MEMBERS(conv) \
	"(SELECT string_agg(mp_.user_id::text, ',') FROM conversation_participants mp_ " \
	" WHERE mp_.conversation_id = " conv ")"

/* The message $1 (a CTE `lk`, one row or none) and the caller's access to its
 * conversation (the `acc` CTE of SC_SQL_CONV_ACCESS, caller `u`). `lock` is ""
 * or a row lock clause (" FOR NO KEY UPDATE") for statements that change the
 * message: under READ COMMITTED the lock waits for a concurrent change and
 * then reads the newest version of the row. */
#define SC_MSG_SQL_LOOKUP(u, lock) \
	"lk AS (SELECT * FROM messages WHERE message_id = $1::uuid" lock "), " \
	SC_SQL_CONV_ACCESS("(SELECT lk.conversation_id FROM lk)", u)

/* The message object from the SC_MSG_COLS at (row, col...). The caller owns
 * the returned object. */
json_object *sc_msg_json(const PGresult *res, int row, int col);

/* An upper bound of the bytes sc_msg_json() of (row, col...) serializes to
 * (every control byte of content counted as a 6-byte escape). */
size_t sc_msg_json_size(const PGresult *res, int row, int col);

/* body.content: a string of 1..SC_MSG_CONTENT_MAX bytes (valid UTF-8 without
 * NUL, which the JSON parser already ensured). Returns 0 with *out and *len, or
 * -1 with resp answered: 400 naming content when absent or not a non-empty
 * string, 413 PAYLOAD_TOO_LARGE naming content when longer. */
int sc_msg_content(json_object *body, sc_resp *resp, const char **out, size_t *len);

/* The list position: query parameter page_state (the original's name) or
 * cursor, both the same opaque value (SC_MSG_CURSOR_KIND). 0 when absent or
 * empty (first page), 1 with *after the lower-case message_id (arena) to
 * continue after, -1 with e filled (naming the parameter that was given)
 * when malformed or when both are given and differ. */
int sc_msg_page_after(const sc_req *req, const char **after, sc_verr *e);

#endif
