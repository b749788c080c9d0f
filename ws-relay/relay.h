/* relay.h - sc-ws-relay: shared types of one worker process.
 *
 * Loop rules (style.md 12-17): everything runs on one thread per worker, in
 * one epoll loop. A connection is never freed inside its own callback: it is
 * marked RC_DEAD and moved to the close list, freed at the end of the loop
 * iteration (relay_conn_reap). Frames sent to several sockets are encoded once
 * and shared by reference count (relay_frame). Timers are one sweep at
 * RELAY_TICK_HZ over a slice of the connections. */
#ifndef RELAY_H
#define RELAY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ws_utf8.h"

#define RELAY_TICK_HZ        10
#define RELAY_SCRATCH        65536      /* one read(2) at most */
#define RELAY_ID_LEN         36         /* a UUID */
#define RELAY_STREAM_ID_MAX  48         /* "ms-seq" of a Redis stream id */
#define RELAY_CLOSE_WAIT_S   5          /* close frame sent: how long we wait for the peer */
#define RELAY_SYNC_MAX_BUFFERED 1024    /* live events held per socket during a replay */

/* ---- epoll dispatch: every registered object starts with a relay_io ---- */
typedef struct relay_io relay_io;
typedef void (*relay_io_fn)(relay_io *io, uint32_t events);
struct relay_io {
	int          fd;
	relay_io_fn  fn;
};

int  relay_loop_add(relay_io *io, uint32_t events);
int  relay_loop_mod(relay_io *io, uint32_t events);
void relay_loop_del(relay_io *io);

/* ---- settings (a snapshot of the config; reloaded on SIGHUP) ---- */
typedef struct relay_settings {
	long long max_message, out_soft, out_hard, out_soft_s;
	long long ping_s, idle_s, handshake_s, replay_max;
	long long presence_ttl, stream_maxlen, max_conns;
} relay_settings;
extern relay_settings relay_cfg;
void relay_settings_load(void);

/* ---- shared, reference-counted frames ---- */
typedef struct relay_frame {
	uint32_t refs;
	uint32_t len;          /* bytes in data: header + payload */
	uint8_t  data[];
} relay_frame;

relay_frame *relay_frame_new(unsigned opcode, const void *payload, size_t n);
void         relay_frame_unref(relay_frame *f);

/* ---- metrics: one slot per worker in a shared anonymous mapping ---- */
typedef struct relay_metrics {
	uint64_t connections, frames_in, frames_out, bytes_queued;
	uint64_t slow_closes, redis_reconnects, handshakes_refused, accepted;
} relay_metrics;
extern relay_metrics *relay_m;      /* this worker's slot */

/* ---- connections ---- */
typedef enum {
	RC_HANDSHAKE = 0,   /* reading the upgrade request */
	RC_AUTH,            /* request parsed, waiting for Redis (ticket, revocation, membership) */
	RC_OPEN,            /* upgraded */
	RC_CLOSING,         /* our close frame is queued or sent; waiting for the peer's */
	RC_DEAD             /* on the close list */
} relay_conn_state;

typedef enum { RK_FEED = 0, RK_CHAT, RK_CALL } relay_kind;

typedef struct relay_conn relay_conn;
typedef struct relay_sub relay_sub;

/* A socket's place in one channel's member list (two per socket at most). */
typedef struct relay_member {
	relay_conn          *conn;
	relay_sub           *sub;
	struct relay_member *prev, *next;
} relay_member;

typedef struct relay_qent {
	relay_frame       *f;
	uint32_t           off;
	struct relay_qent *next;
} relay_qent;

/* A replayed or buffered live event while a feed socket catches up. */
typedef struct relay_pending {
	relay_frame          *f;
	char                  id[RELAY_STREAM_ID_MAX];
	struct relay_pending *next;
} relay_pending;

struct relay_conn {
	relay_io          io;
	relay_conn_state  state;
	relay_kind        kind;
	uint8_t           awaiting_pong, close_sent, close_recv, want_out;
	uint8_t           frag_op;         /* opcode of the message being assembled, 0 = none */
	uint8_t           syncing;         /* feed: replay in progress, live events buffered */
	uint8_t           presence;        /* counted in its user channel's feeds */
	uint8_t           joined;          /* legacy: user_joined / join was published */
	uint8_t           trunc_check;     /* last_id came from the client: report trims past it */
	uint16_t          close_code;
	uint16_t          redis_pending;   /* Redis replies still due: freed only after them */
	ws_utf8           utf8;
	time_t            since_rx, deadline, soft_since, exp;
	char              user_id[RELAY_ID_LEN + 1];
	char              session_id[RELAY_ID_LEN + 1];
	char              object_id[RELAY_ID_LEN + 1];   /* conversation or call */
	char              last_id[RELAY_STREAM_ID_MAX];  /* last stream id delivered (feed) */
	uint8_t          *in;              /* unread bytes (handshake head or partial frame) */
	uint32_t          in_len, in_cap;
	uint8_t          *msg;             /* fragments of the message being assembled */
	uint32_t          msg_len, msg_cap;
	relay_qent       *out_head, *out_tail;
	size_t            out_bytes;
	relay_pending    *pend_head, *pend_tail;
	uint32_t          pend_n;
	char             *hs;              /* handshake leftovers needed after auth (key, since) */
	relay_member      mem[2];
	relay_conn       *prev, *next;     /* all connections of the worker */
	relay_conn       *dead_next;
};

/* relay_conn.c */
void relay_conn_accept(int lfd);
void relay_conn_send(relay_conn *c, relay_frame *f);   /* takes a reference */
void relay_conn_send_text(relay_conn *c, const char *s, size_t n);
void relay_conn_close(relay_conn *c, uint16_t code, const char *reason);
void relay_conn_kill(relay_conn *c);                   /* no close frame: drop now */
void relay_conn_reap(void);
void relay_conn_sweep(time_t now);
void relay_conn_drain(void);                           /* SIGTERM: close 1001 everywhere */
size_t relay_conn_count(void);
relay_conn *relay_conn_first(void);
void relay_conn_http_error(relay_conn *c, int status, const char *code, const char *msg,
    const char *extra_headers);
void relay_conn_upgrade(relay_conn *c);                /* send 101, state RC_OPEN */

/* relay_hub.c: what the endpoints do */
void relay_hub_handshake(relay_conn *c, const void *req);      /* const ws_hs_req * */
void relay_hub_message(relay_conn *c, const uint8_t *p, size_t n, int text);
void relay_hub_channel(const char *chan, size_t chan_len, const char *payload, size_t n);
void relay_hub_subscribed(relay_sub *s);
void relay_hub_detach(relay_conn *c);                  /* before a socket is freed */
void relay_hub_revoked(const char *sid, size_t n);
void relay_hub_redis_lost(void);
void relay_hub_tick(time_t now);

/* relay_redis.c: two async connections (subscriber, commands) on the loop */
typedef void (*relay_reply_fn)(void *reply, void *priv);   /* reply: redisReply * or NULL */
int  relay_redis_start(void);
void relay_redis_stop(void);
int  relay_redis_ready(void);
/* argv-style command on the command connection; fn(NULL) when Redis is down. */
int  relay_redis_cmd(relay_reply_fn fn, void *priv, int argc, const char **argv, const size_t *lens);
/* EVALSHA of script `which` (RELAY_LUA_*) with no keys and these args. */
int  relay_redis_eval(int which, relay_reply_fn fn, void *priv, int argc, const char **argv,
    const size_t *lens);
void relay_redis_tick(time_t now);

/* channels */
struct relay_sub {
	relay_sub    *hnext;
	relay_member *members;
	uint8_t       state;     /* RS_* */
	uint8_t       keep;      /* permanent (sc:revoked) */
	uint32_t      feeds;     /* user:{id}: feed sockets of this worker (presence) */
	time_t        idle_since;
	uint16_t      len;
	char          name[];
};
enum { RS_NEW = 0, RS_SUBSCRIBING, RS_SUBSCRIBED, RS_UNSUBSCRIBING };

relay_sub *relay_sub_join(relay_conn *c, int slot, const char *name);
void       relay_sub_leave(relay_conn *c, int slot);
relay_sub *relay_sub_find(const char *name, size_t n);
void       relay_sub_resubscribe_all(void);   /* after a reconnect */
void       relay_sub_tick(time_t now);

/* scripts */
enum { RELAY_LUA_HS = 0, RELAY_LUA_TYPING, RELAY_LUA_SIGNAL, RELAY_LUA_CHATPUB, RELAY_LUA_CALLPUB,
       RELAY_LUA_REPLAY, RELAY_LUA_PRESENCE, RELAY_LUA__COUNT };

/* worker flags set by signal handlers */
extern volatile int relay_stop, relay_reload;
extern time_t relay_now;

#endif
