/* sc_conv.c - conversation JSON, access answers, membership cache, changes (sc_conv.h). */
#include "sc_conv.h"
#include "sc_app.h"
#include "sc_buf.h"
#include "sc_db.h"
#include "sc_events.h"
#include "sc_log.h"
#include "sc_row.h"

#include <stdio.h>
#include <string.h>

json_object *sc_conv_json(const PGresult *res, int row, int c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "conversation_id", sc_row_text(res, row, c));
	json_object_object_add(o, "type", sc_row_text(res, row, c + 1));
	json_object_object_add(o, "title", sc_row_text(res, row, c + 2));
	json_object_object_add(o, "avatar_url", sc_row_text(res, row, c + 3));
	json_object_object_add(o, "created_by", sc_row_text(res, row, c + 4));
	json_object_object_add(o, "is_e2ee_enabled", sc_row_bool(res, row, c + 5));
	json_object_object_add(o, "message_retention_days", sc_row_int(res, row, c + 6));
	json_object_object_add(o, "created_at", sc_row_text(res, row, c + 7));
	json_object_object_add(o, "updated_at", sc_row_text(res, row, c + 8));
	return o;
}

int sc_conv_denied(sc_resp *resp, int found, const char *what)
{
	char msg[96];

	if (!found) {
		snprintf(msg, sizeof(msg), "no such %s", what);
		return sc_resp_error(resp, 404, msg);
	}
	return sc_resp_error(resp, 403, "not a member of this conversation");
}

int sc_conv_title_valid(const char *s, size_t n)
{
	size_t i, chars;
	int visible = 0;

	if (n == 0 || !sc_utf8_valid(s, n))
		return 0;
	chars = sc_utf8_len(s, n);
	if (chars > 100)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == 0x7f)
			return 0;
		/* C1 controls U+0080..U+009F are 0xC2 0x80..0x9F in (valid) UTF-8 */
		if (ch == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] <= 0x9f)
			return 0;
		if (ch != ' ')
			visible = 1;
	}
	return visible;
}

/* ARGV: op, key, members (comma separated) */
static sc_redis_script cache_script = { .text =
	"local key = KEYS[1]\n"
	"if ARGV[1] == 'set' or ARGV[1] == 'drop' then redis.call('DEL', key) end\n"
	"local n = 0\n"
	"for u in string.gmatch(ARGV[2], '[^,]+') do\n"
	"  if ARGV[1] == 'remove' then n = n + redis.call('SREM', key, u)\n"
	"  elseif ARGV[1] ~= 'drop' then n = n + redis.call('SADD', key, u) end\n"
	"end\n"
	"return n\n",
};

int sc_conv_cache(sc_redis *r, int op, const char *conversation_id, const char *members)
{
	static const char *const ops[] = { "set", "add", "remove", "drop" };
	char key[96];
	const char *keys[1] = { key }, *args[2], *errstr = NULL;
	redisReply *reply = NULL;
	int unavailable = 0;

	if (op < SC_CONV_CACHE_SET || op > SC_CONV_CACHE_DROP || strlen(conversation_id) > 64)
		return -1;
	snprintf(key, sizeof(key), "conv:%s:members", conversation_id);
	args[0] = ops[op];
	args[1] = members != NULL ? members : "";
	if (sc_redis_eval(r, &cache_script, 1, keys, 2, args, &reply, &unavailable, &errstr) < 0) {
		sc_log(SC_LOG_WARN, "membership cache not written",
		    "\"conversation_id\":\"%s\",\"op\":\"%s\"", conversation_id, ops[op]);
		return -1;
	}
	freeReplyObject(reply);
	return 0;
}

json_object *sc_conv_ids_json(const char *csv)
{
	json_object *list = json_object_new_array();
	const char *s = csv != NULL ? csv : "";

	while (*s) {
		size_t n = strcspn(s, ",");
		if (n > 0)
			json_object_array_add(list, json_object_new_string_len(s, (int)n));
		s += n + (s[n] == ',');
	}
	return list;
}

/* $1 conversation, $2 caller, then (flag, value) pairs: $3/$4 title,
 * $5/$6 avatar_url, $7/$8 is_e2ee_enabled, $9/$10 message_retention_days.
 * One row when the conversation exists: member, role, type, blocked, the
 * updated conversation (SC_CONV_COLS, NULL when refused), the members (csv).
 * Group: admins; direct: either participant unless a block stands between. */
static const char SQL_UPDATE[] =
    "WITH " SC_SQL_CONV_ACCESS("$1::uuid", "$2::uuid") ", "
    "ok AS (SELECT acc.conversation_id FROM acc WHERE acc.member AND "
    "       ((acc.type = 'group' AND acc.role = 'admin') OR (acc.type = 'direct' AND NOT acc.blocked))), "
    "upd AS (UPDATE conversations c SET "
    "          title = CASE WHEN $3::boolean THEN $4::text ELSE c.title END, "
    "          avatar_url = CASE WHEN $5::boolean THEN $6::text ELSE c.avatar_url END, "
    "          is_e2ee_enabled = CASE WHEN $7::boolean THEN $8::boolean ELSE c.is_e2ee_enabled END, "
    "          message_retention_days = CASE WHEN $9::boolean THEN $10::integer "
    "                                   ELSE c.message_retention_days END, "
    "          updated_at = now() "
    "        FROM ok WHERE c.conversation_id = ok.conversation_id RETURNING c.*) "
    "SELECT acc.member, acc.role, acc.type, acc.blocked, " SC_CONV_COLS ", "
    "  (SELECT string_agg(p.user_id::text, ',') FROM conversation_participants p "
    "   WHERE p.conversation_id = c.conversation_id) "
    "FROM acc LEFT JOIN upd c ON true";

int sc_conv_update(sc_req *req, sc_resp *resp, const char *conv_id,
    const sc_conv_change *ch, json_object **out)
{
	const char *p[10], *errstr;
	PGresult *res;
	sc_db_err err;

	*out = NULL;
	p[0] = conv_id;
	p[1] = req->user.user_id;
	p[2] = ch->set_title ? "true" : "false";
	p[3] = ch->set_title ? ch->title : NULL;
	p[4] = ch->set_avatar_url ? "true" : "false";
	p[5] = ch->set_avatar_url ? ch->avatar_url : NULL;
	p[6] = ch->set_e2ee ? "true" : "false";
	p[7] = ch->e2ee ? "true" : "false";
	p[8] = ch->set_retention ? "true" : "false";
	p[9] = ch->set_retention ? ch->retention : NULL;
	/* an UPDATE of absolute values: retrying after a broken connection is safe */
	if (sc_db_exec(req->db, req->arena, SQL_UPDATE, 10, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1 || !sc_row_is_true(res, 0, 0))
		return sc_conv_denied(resp, PQntuples(res) == 1, "conversation");
	if (PQgetisnull(res, 0, 4)) {
		if (strcmp(PQgetvalue(res, 0, 2), "group") == 0)
			return sc_resp_error(resp, 403, "only an admin can change a group");
		return sc_resp_error(resp, 403, "a block stands between you and the other participant");
	}
	*out = sc_conv_json(res, 0, 4);
	sc_events_publish(req->redis, PQgetisnull(res, 0, 4 + SC_CONV_NCOLS) ? NULL :
	    PQgetvalue(res, 0, 4 + SC_CONV_NCOLS), "conversation.updated", *out, &errstr);
	return 0;
}
