/* relay_msg.c - frames from clients, and the original's per-conversation and
 * per-call sockets (reference/original-api.md section 5).
 *
 * Every client frame is strict JSON (sc_json_validate: json-c alone is lax),
 * parsed into the worker's arena, reset per frame. What a client sends is
 * checked against the Redis membership caches inside the script that
 * publishes it (one round trip): nothing is relayed for a non-member. Unlike
 * the original, legacy frames cross relay instances (they go through the
 * chat:{id} and call:{id} channels) and only the documented types pass. */
#include "relay.h"
#include "relay_hub.h"
#include "ws_frame.h"

#include <stdio.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "sc_arena.h"
#include "sc_json.h"
#include "sc_time.h"

static sc_arena arena;
static int arena_ready;

static const char *dump(json_object *o)
{
	size_t n;
	return sc_json_dump(o, &n);
}

static void send_json(relay_conn *c, json_object *o)
{
	size_t n;
	const char *s = sc_json_dump(o, &n);
	relay_conn_send_text(c, s, n);
}

static void send_error(relay_conn *c, const char *code, const char *msg)
{
	json_object *o = json_object_new_object(), *e = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string("error"));
	json_object_object_add(e, "code", json_object_new_string(code));
	json_object_object_add(e, "message", json_object_new_string(msg));
	json_object_object_add(o, "error", e);
	send_json(c, o);
	json_object_put(o);
}

/* The reply of a publishing script: a negative number means "not allowed". */
static void on_pub_reply(void *reply, void *priv)
{
	relay_conn *c = priv;
	redisReply *r = reply;

	c->redis_pending--;
	if (c->state != RC_OPEN)
		return;
	if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
		send_error(c, "SERVICE_UNAVAILABLE", "event service unavailable, retry later");
		return;
	}
	if (r->integer >= 0)
		return;
	switch (c->kind) {
	case RK_FEED:
		send_error(c, "FORBIDDEN", r->integer == -2 ? "target_id: not a participant of this call"
		    : "not a member of this conversation or call");
		break;
	default:      /* a legacy socket whose membership ended */
		relay_conn_close(c, WS_CLOSE_POLICY, c->kind == RK_CHAT ?
		    "not a member of this conversation" : "not a participant of this call");
		break;
	}
}

static void publish(relay_conn *c, int script, int argc, const char **argv)
{
	if (relay_redis_eval(script, on_pub_reply, c, argc, argv, NULL) < 0) {
		send_error(c, "SERVICE_UNAVAILABLE", "event service unavailable, retry later");
		return;
	}
	c->redis_pending++;
}

static json_object *event_new(const char *type, json_object *data)
{
	char ts[SC_TIME_RFC3339_LEN];
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(""));
	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "ts", json_object_new_string(sc_time_now_rfc3339(ts)));
	json_object_object_add(o, "data", data);
	return o;
}

/* ---- /v1/ws client frames ---- */
static int feed_frame(relay_conn *c, json_object *in, const char *type, sc_verr *e)
{
	char id[RELAY_ID_LEN + 1], target[RELAY_ID_LEN + 1] = "";
	const char *args[4];
	json_object *d, *ev, *cand = NULL;

	if (strcmp(type, "ping") == 0) {
		char ts[SC_TIME_RFC3339_LEN], out[96];
		int n = snprintf(out, sizeof(out), "{\"type\":\"pong\",\"ts\":\"%s\"}", sc_time_now_rfc3339(ts));
		relay_conn_send_text(c, out, (size_t)n);
		return 0;
	}
	if (strcmp(type, "typing") == 0) {
		if (sc_json_get_uuid(in, "conversation_id", SC_REQUIRED, id, e) < 0)
			return -1;
		d = json_object_new_object();
		json_object_object_add(d, "conversation_id", json_object_new_string(id));
		json_object_object_add(d, "user_id", json_object_new_string(c->user_id));
		ev = event_new("typing", d);
		args[0] = c->user_id; args[1] = id; args[2] = dump(ev);
		publish(c, RELAY_LUA_TYPING, 3, args);
		json_object_put(ev);
		return 0;
	}
	if (strcmp(type, "signal") == 0) {
		const char *kind, *sdp = NULL;
		size_t kn, sn = 0;
		int muted = 0, hm;
		if (sc_json_get_uuid(in, "call_id", SC_REQUIRED, id, e) < 0 ||
		    sc_json_get_uuid(in, "target_id", SC_OPTIONAL, target, e) < 0 ||
		    sc_json_get_str(in, "kind", SC_REQUIRED, 1, 32, &kind, &kn, e) < 0 ||
		    sc_json_get_str(in, "sdp", SC_OPTIONAL, 0, 60000, &sdp, &sn, e) < 0 ||
		    sc_json_get_object(in, "candidate", SC_OPTIONAL, &cand, e) < 0 ||
		    (hm = sc_json_get_bool(in, "muted", SC_OPTIONAL, &muted, e)) < 0)
			return -1;
		if (strcmp(kind, "offer") && strcmp(kind, "answer") && strcmp(kind, "ice_candidate") &&
		    strcmp(kind, "mute_audio") && strcmp(kind, "mute_video"))
			return sc_verr_set(e, "kind", "must be offer, answer, ice_candidate, mute_audio or mute_video");
		d = json_object_new_object();
		json_object_object_add(d, "call_id", json_object_new_string(id));
		json_object_object_add(d, "sender_id", json_object_new_string(c->user_id));
		if (target[0])
			json_object_object_add(d, "target_id", json_object_new_string(target));
		json_object_object_add(d, "kind", json_object_new_string(kind));
		if (sdp != NULL)
			json_object_object_add(d, "sdp", json_object_new_string_len(sdp, (int)sn));
		if (cand != NULL)
			json_object_object_add(d, "candidate", json_object_get(cand));
		if (hm > 0)
			json_object_object_add(d, "muted", json_object_new_boolean(muted));
		ev = event_new("call.signal", d);
		args[0] = c->user_id; args[1] = id; args[2] = target; args[3] = dump(ev);
		publish(c, RELAY_LUA_SIGNAL, 4, args);
		json_object_put(ev);
		return 0;
	}
	return sc_verr_set(e, "type", "must be ping, typing or signal");
}

/* ---- the original's shapes ---- */
static void add_str_nonempty(json_object *dst, const char *key, json_object *src, const char *skey)
{
	json_object *v;
	if (json_object_object_get_ex(src, skey, &v) && json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0)
		json_object_object_add(dst, key, json_object_get(v));
}

static void add_payload(json_object *f, json_object *src)
{
	json_object *v;
	add_str_nonempty(f, "content", src, "content");
	if (json_object_object_get_ex(src, "is_encrypted", &v) && json_object_get_boolean(v) &&
	    json_object_is_type(v, json_type_boolean))
		json_object_object_add(f, "is_encrypted", json_object_new_boolean(1));
	add_str_nonempty(f, "message_type", src, "message_type");
	if (json_object_object_get_ex(src, "metadata", &v) &&
	    ((json_object_is_type(v, json_type_object) && json_object_object_length(v) > 0) ||
	     (json_object_is_type(v, json_type_string) && json_object_get_string_len(v) > 0)))
		json_object_object_add(f, "metadata", json_object_get(v));
}

static json_object *legacy_chat_new(const char *type, const relay_conn *c, const char *sender,
    const char *message_id)
{
	json_object *f = json_object_new_object();
	json_object_object_add(f, "type", json_object_new_string(type));
	json_object_object_add(f, "conversation_id", json_object_new_string(c->object_id));
	json_object_object_add(f, "sender_id", json_object_new_string(sender));
	json_object_object_add(f, "message_id", json_object_new_string(message_id));
	return f;
}

static void add_timestamp(json_object *f, const char *fixed)
{
	char ts[SC_TIME_RFC3339_LEN];
	json_object_object_add(f, "timestamp", json_object_new_string(fixed ? fixed : sc_time_now_rfc3339(ts)));
}

static int chat_frame(relay_conn *c, json_object *in, const char *type, sc_verr *e)
{
	char mid[RELAY_ID_LEN + 1];
	const char *args[3];
	json_object *f;
	int rc;

	if (strcmp(type, "chat") && strcmp(type, "typing") && strcmp(type, "read"))
		return sc_verr_set(e, "type", "must be chat, typing or read");
	rc = sc_json_get_uuid(in, "message_id", SC_OPTIONAL, mid, e);
	if (rc < 0)
		return -1;
	if (rc == 0)
		memcpy(mid, relay_zero_uuid(), sizeof(mid));
	f = legacy_chat_new(type, c, c->user_id, mid);
	if (strcmp(type, "chat") == 0)
		add_payload(f, in);
	add_timestamp(f, NULL);
	args[0] = c->user_id; args[1] = c->object_id; args[2] = dump(f);
	publish(c, RELAY_LUA_CHATPUB, 3, args);
	json_object_put(f);
	return 0;
}

static json_object *legacy_call_new(const char *type, const relay_conn *c, const char *target)
{
	json_object *f = json_object_new_object();
	json_object_object_add(f, "type", json_object_new_string(type));
	json_object_object_add(f, "call_id", json_object_new_string(c->object_id));
	json_object_object_add(f, "sender_id", json_object_new_string(c->user_id));
	json_object_object_add(f, "target_id", json_object_new_string(target));
	return f;
}

static int call_frame(relay_conn *c, json_object *in, const char *type, sc_verr *e)
{
	char target[RELAY_ID_LEN + 1] = "";
	const char *args[3], *sdp = NULL;
	size_t sn = 0;
	int muted = 0;
	json_object *f, *cand = NULL;

	if (strcmp(type, "offer") && strcmp(type, "answer") && strcmp(type, "ice_candidate") &&
	    strcmp(type, "mute_audio") && strcmp(type, "mute_video"))
		return sc_verr_set(e, "type", "must be offer, answer, ice_candidate, mute_audio or mute_video");
	if (sc_json_get_uuid(in, "target_id", SC_OPTIONAL, target, e) < 0 ||
	    sc_json_get_str(in, "sdp", SC_OPTIONAL, 0, 60000, &sdp, &sn, e) < 0 ||
	    sc_json_get_object(in, "candidate", SC_OPTIONAL, &cand, e) < 0 ||
	    sc_json_get_bool(in, "muted", SC_OPTIONAL, &muted, e) < 0)
		return -1;
	f = legacy_call_new(type, c, target[0] ? target : relay_zero_uuid());
	if (sdp != NULL && sn > 0)
		json_object_object_add(f, "sdp", json_object_new_string_len(sdp, (int)sn));
	if (cand != NULL && json_object_object_length(cand) > 0)
		json_object_object_add(f, "candidate", json_object_get(cand));
	if (muted)
		json_object_object_add(f, "muted", json_object_new_boolean(1));
	add_timestamp(f, NULL);
	args[0] = c->user_id; args[1] = c->object_id; args[2] = dump(f);
	publish(c, RELAY_LUA_CALLPUB, 3, args);
	json_object_put(f);
	return 0;
}

void relay_hub_message(relay_conn *c, const uint8_t *p, size_t n, int text)
{
	json_object *in;
	const char *why, *type;
	size_t tn;
	sc_verr e = { 0 };
	int rc;

	if (!text) {
		relay_conn_close(c, WS_CLOSE_UNSUPPORTED, "text frames only");
		return;
	}
	if (!arena_ready) {
		sc_arena_init(&arena);
		arena_ready = 1;
	}
	sc_arena_reset(&arena);
	if (sc_json_parse_object(&arena, (const char *)p, n, &in, &why) < 0) {
		send_error(c, "VALIDATION_ERROR", "a frame must be a JSON object");
		return;
	}
	if (sc_json_get_str(in, "type", SC_REQUIRED, 1, 32, &type, &tn, &e) < 0) {
		send_error(c, "VALIDATION_ERROR", e.msg);
		return;
	}
	rc = c->kind == RK_FEED ? feed_frame(c, in, type, &e) :
	    c->kind == RK_CHAT ? chat_frame(c, in, type, &e) : call_frame(c, in, type, &e);
	if (rc < 0 && c->state == RC_OPEN)
		send_error(c, "VALIDATION_ERROR", e.msg);
}

/* ---- pushes for legacy sockets ---- */
void relay_legacy_presence(relay_conn *c, int joined)
{
	char ch[64];
	const char *argv[3];
	json_object *f;

	if (c->kind == RK_CHAT) {
		f = legacy_chat_new(joined ? "user_joined" : "user_left", c, c->user_id, relay_zero_uuid());
		snprintf(ch, sizeof(ch), "chat:%s", c->object_id);
	} else if (c->kind == RK_CALL) {
		f = legacy_call_new(joined ? "join" : "leave", c, relay_zero_uuid());
		snprintf(ch, sizeof(ch), "call:%s", c->object_id);
	} else {
		return;
	}
	add_timestamp(f, NULL);
	argv[0] = "PUBLISH"; argv[1] = ch; argv[2] = dump(f);
	relay_redis_cmd(NULL, NULL, 3, argv, NULL);
	json_object_put(f);
	c->joined = (uint8_t)joined;
}

/* An event of the user's feed seen by one of its chat sockets: messages of
 * this conversation are relayed in the original's shape; the end of the
 * membership closes the socket. */
void relay_legacy_event(relay_conn *c, json_object *ev)
{
	json_object *t, *d, *v;
	const char *type;

	if (ev == NULL || !json_object_object_get_ex(ev, "type", &t) ||
	    !json_object_object_get_ex(ev, "data", &d) ||
	    !json_object_object_get_ex(d, "conversation_id", &v) ||
	    strcmp(json_object_get_string(v), c->object_id) != 0)
		return;
	type = json_object_get_string(t);
	if (strcmp(type, "message.new") == 0) {
		json_object *f = legacy_chat_new("", c, "", "");
		json_object *s, *m;
		json_object_object_add(f, "sender_id", json_object_new_string(
		    json_object_object_get_ex(d, "sender_id", &s) ? json_object_get_string(s) : relay_zero_uuid()));
		json_object_object_add(f, "message_id", json_object_new_string(
		    json_object_object_get_ex(d, "message_id", &m) ? json_object_get_string(m) : relay_zero_uuid()));
		add_payload(f, d);
		add_timestamp(f, "0001-01-01T00:00:00Z");
		send_json(c, f);
		json_object_put(f);
	} else if (strcmp(type, "conversation.deleted") == 0 ||
	    (strcmp(type, "conversation.member_removed") == 0 &&
	     json_object_object_get_ex(d, "user_id", &v) && strcmp(json_object_get_string(v), c->user_id) == 0)) {
		relay_conn_close(c, WS_CLOSE_POLICY, "no longer a member of this conversation");
	}
}

void relay_legacy_chat(relay_sub *s, const char *payload, size_t n)
{
	relay_frame *f = relay_frame_new(WS_OP_TEXT, payload, n);
	relay_member *m, *nx;
	for (m = s->members; m; m = nx) {
		nx = m->next;
		relay_conn_send(m->conn, f);
	}
	relay_frame_unref(f);
}

void relay_legacy_call(relay_sub *s, const char *payload, size_t n)
{
	json_object *o = json_tokener_parse(payload), *v;
	char sender[RELAY_ID_LEN + 1] = "", target[RELAY_ID_LEN + 1] = "";
	relay_frame *f;
	relay_member *m, *nx;

	if (o == NULL)
		return;
	if (json_object_object_get_ex(o, "sender_id", &v))
		snprintf(sender, sizeof(sender), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(o, "target_id", &v))
		snprintf(target, sizeof(target), "%s", json_object_get_string(v));
	json_object_put(o);
	if (strcmp(target, relay_zero_uuid()) == 0)
		target[0] = '\0';
	f = relay_frame_new(WS_OP_TEXT, payload, n);
	for (m = s->members; m; m = nx) {
		relay_conn *c = m->conn;
		nx = m->next;
		if (target[0] ? strcmp(c->user_id, target) == 0 : strcmp(c->user_id, sender) != 0)
			relay_conn_send(c, f);
	}
	relay_frame_unref(f);
}
