/* sc_msg.c - message JSON (sc_msg.h). */
#include "sc_msg.h"
#include "sc_row.h"

json_object *sc_msg_json(const PGresult *res, int row, int c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "message_id", sc_row_text(res, row, c));
	json_object_object_add(o, "conversation_id", sc_row_text(res, row, c + 1));
	json_object_object_add(o, "sender_id", sc_row_text(res, row, c + 2));
	if (!PQgetisnull(res, row, c + 11)) {
		json_object_object_add(o, "sent_at", sc_row_text(res, row, c + 9));
		json_object_object_add(o, "deleted", json_object_new_boolean(1));
		json_object_object_add(o, "deleted_at", sc_row_text(res, row, c + 11));
		return o;
	}
	json_object_object_add(o, "content", sc_row_text(res, row, c + 3));
	json_object_object_add(o, "is_encrypted", sc_row_bool(res, row, c + 4));
	json_object_object_add(o, "message_type", sc_row_text(res, row, c + 5));
	json_object_object_add(o, "metadata", sc_row_json(res, row, c + 6));
	json_object_object_add(o, "reply_to_message_id", sc_row_text(res, row, c + 7));
	json_object_object_add(o, "file_ids", sc_row_uuid_array(res, row, c + 8));
	json_object_object_add(o, "sent_at", sc_row_text(res, row, c + 9));
	json_object_object_add(o, "edited_at", sc_row_text(res, row, c + 10));
	json_object_object_add(o, "deleted", json_object_new_boolean(0));
	return o;
}
