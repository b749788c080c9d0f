/* sc_events.c - XADD + PUBLISH per recipient in one script (sc_events.h). */
#include "sc_events.h"
#include "sc_config.h"
#include "sc_log.h"
#include "sc_push_job.h"
#include "sc_time.h"

#include <stdio.h>
#include <string.h>

/* ARGV: maxlen, type, ts, data, recipients (comma separated), push job data
 * ("" when the event is not push-worthy), push stream maxlen, the user who
 * caused the event (a sender or caller gets no push for it). The event JSON
 * is assembled here because only XADD knows the id; type and ts are plain
 * tokens (checked by the caller) and data is already JSON. A recipient
 * without presence gets a push job (sc_push_job.h) in the same script. */
static sc_redis_script publish_script = { .text =
	"local seen = {}\n"
	"local n = 0\n"
	"for u in string.gmatch(ARGV[5], '[^,]+') do\n"
	"  if not seen[u] then\n"
	"    seen[u] = true\n"
	"    local id = redis.call('XADD', 'events:user:' .. u, 'MAXLEN', '~', ARGV[1], '*',\n"
	"                          'type', ARGV[2], 'ts', ARGV[3], 'data', ARGV[4])\n"
	"    redis.call('PUBLISH', 'user:' .. u, '{\"id\":\"' .. id .. '\",\"type\":\"' .. ARGV[2] ..\n"
	"               '\",\"ts\":\"' .. ARGV[3] .. '\",\"data\":' .. ARGV[4] .. '}')\n"
	"    if ARGV[6] ~= '' and u ~= ARGV[8] and redis.call('EXISTS', 'presence:' .. u) == 0 then\n"
	"      redis.call('XADD', '" SC_PUSH_STREAM "', 'MAXLEN', '~', ARGV[7], '*', 'user', u,\n"
	"                 'type', ARGV[2], 'data', ARGV[6], 'event', id, 'ts', ARGV[3])\n"
	"    end\n"
	"    n = n + 1\n"
	"  end\n"
	"end\n"
	"return n\n",
};

/* event types are lower-case words with dots and underscores */
static int type_valid(const char *t)
{
	size_t n = 0;
	for (; t[n]; n++)
		if (!((t[n] >= 'a' && t[n] <= 'z') || t[n] == '.' || t[n] == '_'))
			return 0;
	return n > 0 && n <= 64;
}

/* user ids (hex and dashes) separated by commas */
static int recipients_valid(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || *s == '-' || *s == ','))
			return 0;
	return 1;
}

/* push_json: the push job data, or NULL */
static int publish(sc_redis *r, const char *recipients, const char *type,
    const char *data_json, const char *push_json, const char *actor, const char **errstr)
{
	char maxlen[24], pmaxlen[24], ts[SC_TIME_RFC3339_LEN];
	const char *args[8];
	redisReply *reply = NULL;
	int unavailable = 0, n;

	if (recipients == NULL || recipients[0] == '\0')
		return 0;
	if (!type_valid(type) || !recipients_valid(recipients) || data_json == NULL ||
	    data_json[0] != '{') {
		*errstr = "malformed event";
		sc_log(SC_LOG_ERROR, "event not published", "\"type\":\"%s\",\"error\":\"%s\"",
		    type_valid(type) ? type : "?", *errstr);
		return -1;
	}
	snprintf(maxlen, sizeof(maxlen), "%lld", sc_config_int(SC_CFG_EVENTS_STREAM_MAXLEN));
	snprintf(pmaxlen, sizeof(pmaxlen), "%lld", sc_config_int(SC_CFG_PUSH_STREAM_MAXLEN));
	sc_time_now_rfc3339(ts);
	args[0] = maxlen;
	args[1] = type;
	args[2] = ts;
	args[3] = data_json;
	args[4] = recipients;
	args[5] = push_json != NULL ? push_json : "";
	args[6] = pmaxlen;
	args[7] = actor != NULL ? actor : "";
	if (sc_redis_eval(r, &publish_script, 0, NULL, 8, args, &reply, &unavailable, errstr) < 0) {
		sc_log(SC_LOG_WARN, "event not published", "\"type\":\"%s\",\"unavailable\":%s",
		    type, unavailable ? "true" : "false");
		return -1;
	}
	n = reply->type == REDIS_REPLY_INTEGER ? (int)reply->integer : 0;
	freeReplyObject(reply);
	return n;
}

int sc_events_publish_raw(sc_redis *r, const char *recipients, const char *type,
    const char *data_json, const char **errstr)
{
	return publish(r, recipients, type, data_json, NULL, NULL, errstr);
}

int sc_events_publish(sc_redis *r, const char *recipients, const char *type,
    json_object *data, const char **errstr)
{
	const int f = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
	json_object *push = sc_push_job_data(type, data), *actor = NULL;
	int n;

	if (push != NULL && !json_object_object_get_ex(push, "sender_id", &actor))
		json_object_object_get_ex(push, "caller_id", &actor);
	n = publish(r, recipients, type, json_object_to_json_string_ext(data, f),
	    push != NULL ? json_object_to_json_string_ext(push, f) : NULL,
	    json_object_get_string(actor), errstr);

	json_object_put(push);
	return n;
}
