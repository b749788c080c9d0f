/* relay_hub.h - functions shared by the endpoint files (relay_hub.c: login,
 * channels, catch-up, presence; relay_msg.c: client frames and the legacy
 * /v1/ws/chat and signaling shapes). Loop thread only. */
#ifndef RELAY_HUB_H
#define RELAY_HUB_H

#include <json-c/json.h>

#include "relay.h"

void relay_hub_init(void);
void relay_hub_open(relay_conn *c);
void relay_hub_sync(relay_conn *c);
void relay_presence(const char *user_id, const char *op);   /* "on" | "off" | "beat" */
void relay_presence_beat(relay_sub *s);
void relay_sub_each_feed(void (*fn)(relay_sub *s));

/* legacy sockets (relay_msg.c) */
void relay_legacy_presence(relay_conn *c, int joined);      /* user_joined/left, join/leave */
void relay_legacy_event(relay_conn *c, json_object *ev);    /* a user:{id} event on a chat socket */
void relay_legacy_chat(relay_sub *s, const char *payload, size_t n);
void relay_legacy_call(relay_sub *s, const char *payload, size_t n);

int  relay_sid_valid(const char *s, size_t n);              /* "<ms>-<seq>" */
/* 1 when stream id a[0..an) is newer than the NUL-terminated b ("" is older than all). */
int  relay_sid_newer(const char *a, size_t an, const char *b);
/* The id of a published event ({"id":"<id>",...): its length, *id into p; 0 when empty. */
size_t relay_event_id(const char *p, size_t n, const char **id);
int  relay_ticket_valid(const char *s, size_t n);           /* 43 base64url characters */
const char *relay_zero_uuid(void);

#endif
