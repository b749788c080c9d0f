/* sc_push_job.c - the data of a push job: ids, never text (sc_push_job.h). */
#include "sc_push_job.h"
#include "sc_config.h"
#include "sc_json.h"
#include "sc_time.h"

#include <stdio.h>
#include <string.h>

static void copy(json_object *to, json_object *from, const char *key, const char *as)
{
	json_object *v;

	if (from != NULL && json_object_object_get_ex(from, key, &v) &&
	    (json_object_is_type(v, json_type_string) || json_object_is_type(v, json_type_boolean)))
		json_object_object_add(to, as != NULL ? as : key, json_object_get(v));
}

json_object *sc_push_job_data(const char *type, json_object *d)
{
	static const char *const msg_keys[] = { "conversation_id", "message_id", "sender_id",
		"message_type", "is_encrypted" };
	static const char *const call_keys[] = { "conversation_id", "caller_id", "call_type" };
	json_object *o, *sub = NULL;
	size_t i;

	if (strcmp(type, "message.new") == 0) {
		o = json_object_new_object();
		for (i = 0; i < sizeof(msg_keys) / sizeof(msg_keys[0]); i++)
			copy(o, d, msg_keys[i], NULL);
		return o;
	}
	if (strcmp(type, "call.ringing") == 0 || strcmp(type, "call.missed") == 0) {
		o = json_object_new_object();
		copy(o, d, "call_id", NULL);
		json_object_object_get_ex(d, "call", &sub);
		for (i = 0; i < sizeof(call_keys) / sizeof(call_keys[0]); i++)
			copy(o, sub, call_keys[i], NULL);
		return o;
	}
	if (strcmp(type, "contact.request") == 0) {
		o = json_object_new_object();
		json_object_object_get_ex(d, "user", &sub);
		copy(o, sub, "user_id", NULL);
		return o;
	}
	return NULL;
}

int sc_push_job_test(sc_redis *r, const char *user_id, const char *title, const char *body,
    char *id, size_t cap, int *unavailable, const char **errstr)
{
	char maxlen[24], ts[SC_TIME_RFC3339_LEN];
	size_t dlen = 0, i;
	json_object *data = json_object_new_object();
	redisReply *rep = NULL;
	int rc = -1;

	json_object_object_add(data, "title", json_object_new_string(title != NULL ? title :
	    SC_PUSH_TEST_TITLE));
	json_object_object_add(data, "body", json_object_new_string(body != NULL ? body :
	    SC_PUSH_TEST_BODY));
	snprintf(maxlen, sizeof(maxlen), "%lld", sc_config_int(SC_CFG_PUSH_STREAM_MAXLEN));
	sc_time_now_rfc3339(ts);
	{
		const char *argv[16] = { "XADD", SC_PUSH_STREAM, "MAXLEN", "~", maxlen, "*",
			"user", user_id, "type", "push.test", "data", sc_json_dump(data, &dlen),
			"event", "", "ts", ts };
		size_t lens[16];

		for (i = 0; i < 16; i++)
			lens[i] = i == 11 ? dlen : strlen(argv[i]);
		*unavailable = 0;
		if (sc_redis_cmd(r, 16, argv, lens, &rep, unavailable, errstr) < 0)
			goto out;
	}
	if (rep->type != REDIS_REPLY_STRING || rep->len == 0 || (size_t)rep->len >= cap) {
		*errstr = "unexpected XADD reply";
		goto out;
	}
	memcpy(id, rep->str, (size_t)rep->len);
	id[rep->len] = '\0';
	rc = 0;
out:
	if (rep != NULL)
		freeReplyObject(rep);
	json_object_put(data);
	return rc;
}
