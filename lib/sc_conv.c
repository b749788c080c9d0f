/* sc_conv.c - conversation JSON, access answers, membership cache (sc_conv.h). */
#include "sc_conv.h"
#include "sc_buf.h"
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
