/* nd_pure.c - the parts of sc-notifyd that need no I/O (notifyd.h). */
#include "notifyd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"
#include "sc_buf.h"
#include "sc_uuid.h"

/* job type -> notification type (docs/decisions.md "sc-notifyd") */
static const struct {
	const char *job, *ntype;
} kinds[] = {
	{ "message.new", "message" },
	{ "call.ringing", "call" },
	{ "call.missed", "missed_call" },
	{ "contact.request", "friend_request" },
	{ "push.test", "system" },
};

const char *nd_ntype(const char *job_type)
{
	size_t i;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].job, job_type) == 0)
			return kinds[i].ntype;
	return NULL;
}

int nd_is_uuid(const char *s, size_t n)
{
	char low[SC_UUID_STRLEN + 1];
	/* a UUID as PostgreSQL writes it: lowercase (sc_uuid_parse lowers a copy) */
	return sc_uuid_parse(s, n, low) && memcmp(low, s, n) == 0;
}

/* "<ms>-<seq>", digits only */
int nd_is_stream_id(const char *s, size_t n)
{
	size_t i, dash = 0, ndash = 0;
	if (n < 3 || n >= ND_ID_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '-') {
			dash = i;
			ndash++;
		} else if (s[i] < '0' || s[i] > '9') {
			return 0;
		}
	}
	return ndash == 1 && dash > 0 && dash < n - 1;
}

void nd_job_init(nd_job *j, const char *entry_id)
{
	memset(j, 0, sizeof(*j));
	snprintf(j->id, sizeof(j->id), "%s", entry_id);
}

static int copy(char *dst, size_t cap, const char *v, size_t n)
{
	if (n >= cap || memchr(v, '\0', n) != NULL)
		return -1;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

int nd_job_field(nd_job *j, const char *key, const char *v, size_t n)
{
	if (strcmp(key, "user") == 0)
		return nd_is_uuid(v, n) ? copy(j->user, sizeof(j->user), v, n) : -1;
	if (strcmp(key, "type") == 0)
		return copy(j->type, sizeof(j->type), v, n);
	if (strcmp(key, "event") == 0)
		return n == 0 || nd_is_stream_id(v, n) ? copy(j->event, sizeof(j->event), v, n) : -1;
	if (strcmp(key, "ts") == 0)
		return copy(j->ts, sizeof(j->ts), v, n);
	if (strcmp(key, "job") == 0)
		return nd_is_stream_id(v, n) ? copy(j->job_id, sizeof(j->job_id), v, n) : -1;
	if (strcmp(key, "device") == 0)
		return nd_is_uuid(v, n) ? copy(j->device, sizeof(j->device), v, n) : -1;
	if (strcmp(key, "attempt") == 0) {
		long long a;
		if (sc_parse_i64(v, n, 0, 1000, &a) < 0)
			return -1;
		j->attempt = (int)a;
		return 0;
	}
	if (strcmp(key, "data") == 0) {
		if (n > ND_DATA_MAX || memchr(v, '\0', n) != NULL)
			return -1;
		free(j->data);
		j->data = sc_xstrndup(v, n);
		return 0;
	}
	return 0;
}

void nd_utf8_cut(char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	s[max] = '\0';
}

/* src cut to cap - 1 bytes on a character boundary */
static void copy_cut(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n > cap - 1) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* the string value of key in o, or def */
static const char *str_of(json_object *o, const char *key, const char *def)
{
	json_object *v;
	if (o != NULL && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return def;
}

int nd_job_prepare(nd_job *j, const char **why)
{
	json_object *d;
	const char *ct;

	if (j->job_id[0] == '\0')
		snprintf(j->job_id, sizeof(j->job_id), "%s", j->id);
	if (j->user[0] == '\0') {
		*why = "no user";
		return -1;
	}
	j->ntype = nd_ntype(j->type);
	if (j->ntype == NULL) {
		*why = "unknown type";
		return -1;
	}
	if (j->data == NULL)
		j->data = sc_xstrdup("{}");
	d = json_tokener_parse(j->data);
	if (d == NULL || !json_object_is_type(d, json_type_object)) {
		json_object_put(d);
		*why = "data is not a JSON object";
		return -1;
	}
	ct = str_of(d, "call_type", "audio");
	if (strcmp(ct, "video") != 0)
		ct = "audio";
	j->urgent = 0;
	j->title[0] = '\0';
	if (strcmp(j->ntype, "message") == 0) {
		snprintf(j->body, sizeof(j->body), "New message");
	} else if (strcmp(j->ntype, "call") == 0) {
		snprintf(j->body, sizeof(j->body), "Incoming %s call", ct);
		j->urgent = 1;
	} else if (strcmp(j->ntype, "missed_call") == 0) {
		snprintf(j->body, sizeof(j->body), "Missed %s call", ct);
	} else if (strcmp(j->ntype, "friend_request") == 0) {
		snprintf(j->body, sizeof(j->body), "Friend request");
	} else {
		/* push.test: the caller's own texts (the endpoint caps them; again here) */
		copy_cut(j->title, sizeof(j->title), str_of(d, "title", ""));
		copy_cut(j->body, sizeof(j->body), str_of(d, "body", ""));
		if (j->title[0] == '\0')
			snprintf(j->title, sizeof(j->title), "SecureConnect");
		if (j->body[0] == '\0')
			snprintf(j->body, sizeof(j->body), "Test notification");
	}
	json_object_put(d);
	free(j->push_data);
	j->push_data = nd_flat_data(strcmp(j->ntype, "system") == 0 ? "{}" : j->data, j->type, j->event);
	return 0;
}

void nd_job_cleanup(nd_job *j)
{
	free(j->data);
	free(j->push_data);
	j->data = j->push_data = NULL;
}

long long nd_backoff_ms(int tries, long long base_ms, long long max_ms, long retry_after_s)
{
	long long d = base_ms > 0 ? base_ms : 1;
	int i;

	for (i = 1; i < tries && d < max_ms; i++)
		d *= 2;
	if (d > max_ms)
		d = max_ms;
	if (retry_after_s >= 0 && retry_after_s <= 86400 * 7 && retry_after_s * 1000 > d)
		d = retry_after_s * 1000;
	return d;
}

char *nd_flat_data(const char *data_json, const char *type, const char *event)
{
	json_object *d = json_tokener_parse(data_json), *o = json_object_new_object();
	char *out;

	json_object_object_add(o, "type", json_object_new_string(type));
	if (d != NULL && json_object_is_type(d, json_type_object)) {
		json_object_object_foreach(d, k, v) {
			if (strcmp(k, "type") == 0 || strcmp(k, "event_id") == 0)
				continue;
			if (json_object_is_type(v, json_type_string) || json_object_is_type(v, json_type_boolean) ||
			    json_object_is_type(v, json_type_int))
				json_object_object_add(o, k, json_object_new_string(json_object_get_string(v)));
		}
	}
	if (event != NULL && event[0] != '\0')
		json_object_object_add(o, "event_id", json_object_new_string(event));
	out = sc_xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	json_object_put(d);
	return out;
}
