/* relay_hub.c - what the three endpoints do with sockets and channels:
 * login before the upgrade, subscriptions, the feed's gap-free catch-up,
 * delivery of channel pushes, presence, revocation.
 *
 * Catch-up without gap or duplicate (design.md section 6): a feed socket
 * first joins user:{id} and waits for the SUBSCRIBE to be confirmed; live
 * pushes that arrive from then on are held (c->pend_*). Only then the replay
 * script reads the stream after `since` (without since: after the newest id
 * at login, read in the same script that checked the login, before the 101).
 * Held pushes whose id is not newer than what was replayed are dropped,
 * the rest sent, and the socket goes live. Every stream event carries its id
 * first ({"id":"..."), so holding needs no JSON parsing. The same path runs
 * again for every feed after the subscriber reconnects (Redis restart), from
 * the last id each socket got. */
#include "relay.h"
#include "relay_hub.h"
#include "ws_frame.h"
#include "ws_handshake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <json-c/json.h>

#include "sc_alloc.h"
#include "sc_config.h"
#include "sc_jwt.h"
#include "sc_log.h"
#include "sc_time.h"
#include "sc_uuid.h"

void relay_conn_resume(relay_conn *c);
void relay_sub_keep(const char *name);


/* ---- handshake ---- */
static void refuse(relay_conn *c, int status, const char *code, const char *msg)
{
	relay_conn_http_error(c, status, code, msg, NULL);
}

static void on_hs_reply(void *reply, void *priv);

void relay_hub_handshake(relay_conn *c, const void *vreq)
{
	const ws_hs_req *r = vreq;
	char ticket[64], since[RELAY_STREAM_ID_MAX], obj[64];
	const char *args[5];
	const char *param = NULL;
	int tn = -1, n;

	if (r->path.n == 6 && memcmp(r->path.p, "/v1/ws", 6) == 0) {
		c->kind = RK_FEED;
	} else if (r->path.n == 11 && memcmp(r->path.p, "/v1/ws/chat", 11) == 0) {
		c->kind = RK_CHAT;
		param = "conversation_id";
	} else if ((r->path.n == 16 && memcmp(r->path.p, "/v1/ws/signaling", 16) == 0) ||
	    (r->path.n == 22 && memcmp(r->path.p, "/v1/calls/ws/signaling", 22) == 0)) {
		c->kind = RK_CALL;
		param = "call_id";
	} else {
		refuse(c, 404, "NOT_FOUND", "no WebSocket endpoint at this path");
		return;
	}
	if (r->origin.p != NULL &&
	    !sc_config_list_has(SC_CFG_CORS_ALLOWED_ORIGINS, r->origin.p, r->origin.n)) {
		refuse(c, 403, "FORBIDDEN", "origin not allowed");
		return;
	}
	if (param != NULL) {
		n = r->query.p ? ws_hs_query(r->query.p, r->query.n, param, obj, sizeof(obj)) : -1;
		if (n < 0 || sc_uuid_parse(obj, (size_t)n, c->object_id) == 0) {
			refuse(c, 400, "VALIDATION_ERROR", c->kind == RK_CHAT ?
			    "conversation_id: must be a UUID" : "call_id: must be a UUID");
			return;
		}
	}
	if (c->kind == RK_FEED && r->query.p != NULL) {
		n = ws_hs_query(r->query.p, r->query.n, "since", since, sizeof(since));
		if (n == -2 || (n >= 0 && (n == 0 || relay_sid_valid(since, (size_t)n) == 0))) {
			refuse(c, 400, "VALIDATION_ERROR", "since: must be an event id (as 1700000000000-0)");
			return;
		}
		if (n > 0) {
			memcpy(c->last_id, since, (size_t)n + 1);
			c->trunc_check = 1;
		}
	}
	if (r->query.p != NULL)
		tn = ws_hs_query(r->query.p, r->query.n, "ticket", ticket, sizeof(ticket));
	if (r->authorization.p != NULL) {
		sc_jwt_claims cl;
		const char *why;
		if (r->authorization.n < 8 || strncasecmp(r->authorization.p, "Bearer ", 7) != 0 ||
		    sc_jwt_verify(r->authorization.p + 7, r->authorization.n - 7, relay_now, &cl, &why) < 0) {
			refuse(c, 401, "UNAUTHORIZED", "invalid or expired access token");
			return;
		}
		memcpy(c->user_id, cl.user_id, sizeof(c->user_id));
		memcpy(c->session_id, cl.session_id, sizeof(c->session_id));
		c->exp = cl.exp;
		args[0] = "bearer";
		args[1] = c->session_id;
	} else if (tn > 0 && tn <= 64 && relay_ticket_valid(ticket, (size_t)tn)) {
		args[0] = "ticket";
		args[1] = ticket;
	} else {
		refuse(c, 401, "UNAUTHORIZED", tn == -1 ? "authentication required: a bearer token or a ticket"
		    : "invalid or used ticket");
		return;
	}
	args[2] = c->kind == RK_FEED ? "feed" : c->kind == RK_CHAT ? "chat" : "call";
	args[3] = c->object_id;
	args[4] = c->user_id;
	c->hs = sc_xstrndup(r->key.p, r->key.n);
	if (relay_redis_eval(RELAY_LUA_HS, on_hs_reply, c, 5, args, NULL) < 0) {
		refuse(c, 503, "SERVICE_UNAVAILABLE", "event service unavailable, retry later");
		return;
	}
	c->redis_pending++;
}

static const char *str_el(const redisReply *r, size_t i)
{
	return i < r->elements && r->element[i]->type == REDIS_REPLY_STRING ? r->element[i]->str : NULL;
}

static void on_hs_reply(void *reply, void *priv)
{
	relay_conn *c = priv;
	redisReply *r = reply;
	const char *st;

	c->redis_pending--;
	if (c->state != RC_AUTH)
		return;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || (st = str_el(r, 0)) == NULL) {
		refuse(c, 503, "SERVICE_UNAVAILABLE", "event service unavailable, retry later");
		return;
	}
	if (strcmp(st, "ok") != 0) {
		if (strcmp(st, "not_member") == 0)
			refuse(c, 403, "FORBIDDEN", c->kind == RK_CHAT ? "not a member of this conversation"
			    : "not a participant of this call");
		else if (strcmp(st, "not_found") == 0)
			refuse(c, 404, "NOT_FOUND", c->kind == RK_CHAT ? "no such conversation" : "no such call");
		else if (strcmp(st, "revoked") == 0)
			refuse(c, 401, "UNAUTHORIZED", "session ended");
		else
			refuse(c, 401, "UNAUTHORIZED", "invalid or used ticket");
		return;
	}
	if (strcmp(str_el(r, 1) ? str_el(r, 1) : "", "") != 0 && c->user_id[0] == '\0') {
		/* a ticket: the ids come from Redis */
		const char *u = str_el(r, 1), *s = str_el(r, 2), *e = str_el(r, 3);
		if (!u || !s || !e || sc_uuid_parse(u, strlen(u), c->user_id) == 0 ||
		    sc_uuid_parse(s, strlen(s), c->session_id) == 0) {
			refuse(c, 401, "UNAUTHORIZED", "invalid or used ticket");
			return;
		}
		c->exp = (time_t)strtoll(e, NULL, 10);
		if (c->exp != 0 && c->exp <= relay_now) {
			refuse(c, 401, "UNAUTHORIZED", "the ticket's session token has expired");
			return;
		}
	}
	if (c->kind == RK_FEED && c->last_id[0] == '\0') {
		/* no since: start after the newest event at login (hs.lua), not after the one
		 * newest when the subscription is confirmed: nothing written meanwhile is lost */
		const char *a = str_el(r, 4);
		if (a == NULL || !relay_sid_valid(a, strlen(a)) || strlen(a) >= sizeof(c->last_id)) {
			refuse(c, 503, "SERVICE_UNAVAILABLE", "event service unavailable, retry later");
			return;
		}
		memcpy(c->last_id, a, strlen(a) + 1);
	}
	relay_conn_upgrade(c);
	if (c->state != RC_OPEN)
		return;
	relay_hub_open(c);
	relay_conn_resume(c);
}

/* ---- after the upgrade ---- */
void relay_hub_open(relay_conn *c)
{
	char ch[96];
	relay_sub *s;

	switch (c->kind) {
	case RK_FEED:
		snprintf(ch, sizeof(ch), "user:%s", c->user_id);
		c->syncing = 1;
		s = relay_sub_join(c, 0, ch);
		if (s->feeds++ == 0)
			relay_presence(c->user_id, "on");
		c->presence = 1;
		if (s->state == RS_SUBSCRIBED)
			relay_hub_sync(c);
		break;
	case RK_CHAT:
		snprintf(ch, sizeof(ch), "user:%s", c->user_id);
		relay_sub_join(c, 0, ch);
		snprintf(ch, sizeof(ch), "chat:%s", c->object_id);
		s = relay_sub_join(c, 1, ch);
		if (s->state == RS_SUBSCRIBED)
			relay_legacy_presence(c, 1);
		break;
	case RK_CALL:
		snprintf(ch, sizeof(ch), "call:%s", c->object_id);
		s = relay_sub_join(c, 0, ch);
		relay_legacy_presence(c, 1);
		break;
	}
}

void relay_hub_subscribed(relay_sub *s)
{
	relay_member *m, *nx;
	for (m = s->members; m; m = nx) {
		relay_conn *c = m->conn;
		nx = m->next;
		if (c->kind == RK_FEED && c->syncing == 1)
			relay_hub_sync(c);
		else if (c->kind == RK_CHAT && m == &c->mem[1] && !c->joined)
			relay_legacy_presence(c, 1);
	}
}

/* ---- the feed's catch-up ---- */
static void on_replay(void *reply, void *priv);

void relay_hub_sync(relay_conn *c)
{
	char max[24];
	const char *args[4];

	snprintf(max, sizeof(max), "%lld", relay_cfg.replay_max);
	args[0] = c->user_id;
	args[1] = c->last_id;
	args[2] = max;
	args[3] = c->trunc_check ? "1" : "0";
	if (relay_redis_eval(RELAY_LUA_REPLAY, on_replay, c, 4, args, NULL) < 0)
		return;            /* Redis is down: the reconnect starts this again */
	c->syncing = 2;
	c->redis_pending++;
}

static void send_event(relay_conn *c, relay_frame *f, const char *id, size_t idn)
{
	relay_conn_send(c, f);
	if (idn > 0 && idn < sizeof(c->last_id)) {
		memcpy(c->last_id, id, idn);
		c->last_id[idn] = '\0';
	}
}

static void on_replay(void *reply, void *priv)
{
	relay_conn *c = priv;
	redisReply *r = reply;
	relay_pending *p, *pn;
	size_t i;

	c->redis_pending--;
	if (c->state != RC_OPEN)
		return;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements < 2 || !str_el(r, 0)) {
		if (r == NULL) {
			c->syncing = 1;      /* Redis went away: sync again after the reconnect */
			return;
		}
		relay_conn_close(c, WS_CLOSE_SERVER, "event replay failed");
		return;
	}
	if (r->element[1]->type == REDIS_REPLY_INTEGER && r->element[1]->integer == 1) {
		char ts[SC_TIME_RFC3339_LEN], ev[256];
		int n = snprintf(ev, sizeof(ev), "{\"id\":\"\",\"type\":\"replay.truncated\",\"ts\":\"%s\","
		    "\"data\":{\"since\":\"%s\"}}", sc_time_now_rfc3339(ts), c->last_id);
		if (n > 0 && (size_t)n < sizeof(ev))
			relay_conn_send_text(c, ev, (size_t)n);
	}
	for (i = 2; i < r->elements && c->state == RC_OPEN; i++)
		if (r->element[i]->type == REDIS_REPLY_STRING)
			relay_conn_send_text(c, r->element[i]->str, r->element[i]->len);
	if (strlen(str_el(r, 0)) < sizeof(c->last_id))
		memcpy(c->last_id, str_el(r, 0), strlen(str_el(r, 0)) + 1);
	/* the live pushes that came during the replay, without what it already sent */
	for (p = c->pend_head; p; p = pn) {
		pn = p->next;
		if (c->state == RC_OPEN && (p->id[0] == '\0' || relay_sid_newer(p->id, strlen(p->id), c->last_id)))
			send_event(c, p->f, p->id, strlen(p->id));
		relay_frame_unref(p->f);
		free(p);
	}
	c->pend_head = c->pend_tail = NULL;
	c->pend_n = 0;
	c->syncing = 0;
	c->trunc_check = 1;     /* a later catch-up (Redis came back) starts from what was sent */
}

static void hold(relay_conn *c, relay_frame *f, const char *id, size_t idn)
{
	relay_pending *p;
	if (c->pend_n >= RELAY_SYNC_MAX_BUFFERED) {
		relay_conn_close(c, WS_CLOSE_TRY_LATER, "too many events during the replay");
		return;
	}
	p = sc_xcalloc(1, sizeof(*p));
	f->refs++;
	p->f = f;
	memcpy(p->id, id, idn);
	if (c->pend_tail)
		c->pend_tail->next = p;
	else
		c->pend_head = p;
	c->pend_tail = p;
	c->pend_n++;
}

/* ---- pushes from Redis ---- */
static void deliver_user(relay_sub *s, const char *payload, size_t n)
{
	relay_frame *f = NULL;
	relay_member *m, *nx;
	const char *id;
	size_t idn = relay_event_id(payload, n, &id);
	json_object *ev = NULL;

	for (m = s->members; m; m = nx) {
		relay_conn *c = m->conn;
		nx = m->next;
		if (c->kind == RK_CHAT) {
			if (ev == NULL)
				ev = json_tokener_parse(payload);   /* pushes are ours: valid JSON */
			relay_legacy_event(c, ev);
			continue;
		}
		if (f == NULL)
			f = relay_frame_new(WS_OP_TEXT, payload, n);
		if (c->syncing)
			hold(c, f, id, idn);
		else if (idn == 0 || relay_sid_newer(id, idn, c->last_id))
			send_event(c, f, id, idn);
	}
	relay_frame_unref(f);
	json_object_put(ev);
}

void relay_hub_channel(const char *chan, size_t chan_len, const char *payload, size_t n)
{
	relay_sub *s;

	if (chan_len == 10 && memcmp(chan, "sc:revoked", 10) == 0) {
		relay_hub_revoked(payload, n);
		return;
	}
	s = relay_sub_find(chan, chan_len);
	if (s == NULL || s->members == NULL)
		return;
	if (chan_len > 5 && memcmp(chan, "user:", 5) == 0)
		deliver_user(s, payload, n);
	else if (chan_len > 5 && memcmp(chan, "chat:", 5) == 0)
		relay_legacy_chat(s, payload, n);
	else if (chan_len > 5 && memcmp(chan, "call:", 5) == 0)
		relay_legacy_call(s, payload, n);
}

void relay_hub_revoked(const char *sid, size_t n)
{
	relay_conn *c;
	if (n != RELAY_ID_LEN)
		return;
	for (c = relay_conn_first(); c; c = c->next)
		if (memcmp(c->session_id, sid, n) == 0 && c->state == RC_OPEN)
			relay_conn_close(c, WS_CLOSE_POLICY, "session ended");
}

void relay_hub_redis_lost(void)
{
	relay_conn *c;
	for (c = relay_conn_first(); c; c = c->next)
		if (c->state == RC_OPEN && c->kind == RK_FEED)
			c->syncing = 1;      /* catch up again once subscribed */
}

void relay_hub_detach(relay_conn *c)
{
	if (c->presence) {
		relay_sub *s = c->mem[0].sub;
		c->presence = 0;
		if (s != NULL && --s->feeds == 0)
			relay_presence(c->user_id, "off");
	}
	if (c->joined)
		relay_legacy_presence(c, 0);
	relay_sub_leave(c, 0);
	relay_sub_leave(c, 1);
}

void relay_hub_init(void)
{
	relay_sub_keep("sc:revoked");
}
