/* sc_push_job.c - the data of a push job: ids, never text (sc_push_job.h). */
#include "sc_push_job.h"

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
