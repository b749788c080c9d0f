/* sc_msg.h - the message object: its columns and its JSON.
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

#include "sc_user.h"

#define SC_MSG_COLS \
	"m.message_id, m.conversation_id, m.sender_id, m.content, m.is_encrypted, " \
	"m.message_type, m.metadata, m.reply_to_message_id, m.file_ids, " \
	SC_SQL_TS("m.sent_at") ", " SC_SQL_TS("m.edited_at") ", " SC_SQL_TS("m.deleted_at")
#define SC_MSG_NCOLS 12

json_object *sc_msg_json(const PGresult *res, int row, int col);

#endif
