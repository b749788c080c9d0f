/* sc_msg.c - message JSON, content rule and list position (sc_msg.h). */
#include "sc_msg.h"
#include "sc_page.h"
#include "sc_row.h"
#include "sc_uuid.h"

#include <stdio.h>
#include <string.h>

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

size_t sc_msg_json_size(const PGresult *res, int row, int c)
{
	/* keys, quotes, commas and literals of the object: well under 512 */
	size_t n = 512;
	int i;

	for (i = 0; i < SC_MSG_NCOLS; i++)
		n += (size_t)PQgetlength(res, row, c + i);
	/* content is raw text: a control byte grows to a 6-byte escape, '"',
	 * '\' and '/' to 2 bytes. metadata comes from jsonb already escaped;
	 * json-c writes it again about as long: count it twice to be safe. */
	if (PQgetisnull(res, row, c + 11)) {
		const unsigned char *s = (const unsigned char *)PQgetvalue(res, row, c + 3);
		size_t len = (size_t)PQgetlength(res, row, c + 3), k;
		for (k = 0; k < len; k++) {
			if (s[k] < 0x20 || s[k] == 0x7f)
				n += 5;
			else if (s[k] == '"' || s[k] == '\\' || s[k] == '/')
				n += 1;
		}
		n += (size_t)PQgetlength(res, row, c + 6);
	}
	return n;
}

int sc_msg_content(json_object *body, sc_resp *resp, const char **out, size_t *len)
{
	json_object *v;
	sc_verr e;
	size_t n;

	if (!json_object_object_get_ex(body, "content", &v) || v == NULL ||
	    !json_object_is_type(v, json_type_string) ||
	    (n = (size_t)json_object_get_string_len(v)) == 0) {
		sc_verr_set(&e, "content", "required, a string of 1..%u bytes",
		    SC_MSG_CONTENT_MAX);
		return sc_resp_verr(resp, &e);
	}
	if (n > SC_MSG_CONTENT_MAX) {
		char msg[96];
		snprintf(msg, sizeof(msg), "content: must be at most %u bytes", SC_MSG_CONTENT_MAX);
		sc_resp_error_code(resp, 413, "PAYLOAD_TOO_LARGE", msg);
		resp->err_field = "content";
		return -1;
	}
	*out = json_object_get_string(v);
	*len = n;
	return 0;
}

int sc_msg_page_after(const sc_req *req, const char **after, sc_verr *e)
{
	const char *ps = sc_req_query(req, "page_state"), *cur = sc_req_query(req, "cursor");
	const char *field = NULL;
	sc_req view;
	int rc;

	*after = NULL;
	if (ps != NULL && *ps == '\0')
		ps = NULL;
	if (cur != NULL && *cur == '\0')
		cur = NULL;
	if (ps != NULL && cur != NULL && strcmp(ps, cur) != 0)
		return sc_verr_set(e, "page_state",
		    "give page_state or cursor, not two different positions");
	if (ps == NULL && cur == NULL)
		return 0;
	/* sc_page_cursor() reads "cursor": hand it a view of the request whose
	 * query holds only that parameter, set to whichever was given */
	view = *req;
	memset(&view.query, 0, sizeof(view.query));
	view.query.count = 1;
	view.query.keys[0] = "cursor";
	view.query.values[0] = ps != NULL ? ps : cur;
	rc = sc_page_cursor(&view, SC_MSG_CURSOR_KIND, 1, after, e);
	if (rc == 1 && !sc_uuid_parse(*after, strlen(*after), NULL))
		rc = sc_page_bad_cursor(e);
	if (rc < 0) {
		field = ps != NULL ? "page_state" : "cursor";
		return sc_verr_set(e, field, "malformed; use next_page_state of a previous page");
	}
	if (rc == 1) {
		/* lower case, as the database compares it */
		char *id = (char *)*after;
		sc_uuid_parse(id, strlen(id), id);
	}
	return rc;
}
