/* relay_redis.c - hiredis async on the worker's epoll loop (style.md rule 16).
 *
 * Two connections per worker: `sub` (SUBSCRIBE only: channel pushes) and
 * `cmd` (scripts and commands). Each is a relay_io registered level-triggered
 * (hiredis reads one buffer per call, so edge-triggered would lose data).
 * When a connection drops, hiredis answers every pending callback with NULL
 * and frees the context; we reconnect with backoff (100 ms doubling to 5 s)
 * from the tick. After the subscriber comes back every channel is subscribed
 * again and the hub replays what the feeds missed (relay_hub_subscribed). */
#include "relay.h"
#include "relay_lua.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <openssl/sha.h>

#include "sc_config.h"
#include "sc_log.h"

typedef struct rconn {
	relay_io           io;
	redisAsyncContext *ac;
	uint32_t           events;
	int                registered, up, is_sub, backoff_ms;
	uint64_t           retry_at_ms;
	const char        *name;
} rconn;

static rconn SUB = { .is_sub = 1, .name = "subscriber" };
static rconn CMD = { .is_sub = 0, .name = "commands" };
static char lua_sha[RELAY_LUA__COUNT][41];
static int stopping;

typedef struct pending_cb {
	relay_reply_fn fn;
	void          *priv;
} pending_cb;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- the adapter: hiredis asks, we tell epoll ---- */
static void ev_apply(rconn *r)
{
	if (r->io.fd < 0)
		return;
	if (!r->registered) {
		if (relay_loop_add(&r->io, r->events) == 0)
			r->registered = 1;
	} else {
		relay_loop_mod(&r->io, r->events);
	}
}
static void ev_add_read(void *p)  { rconn *r = p; r->events |= EPOLLIN;  ev_apply(r); }
static void ev_del_read(void *p)  { rconn *r = p; r->events &= ~(uint32_t)EPOLLIN;  ev_apply(r); }
static void ev_add_write(void *p) { rconn *r = p; r->events |= EPOLLOUT; ev_apply(r); }
static void ev_del_write(void *p) { rconn *r = p; r->events &= ~(uint32_t)EPOLLOUT; ev_apply(r); }
static void ev_cleanup(void *p)
{
	rconn *r = p;
	if (r->registered)
		relay_loop_del(&r->io);
	r->registered = 0;
	r->events = 0;
	r->ac = NULL;       /* hiredis is freeing the context */
	r->io.fd = -1;
}

static void on_io(relay_io *io, uint32_t ev)
{
	rconn *r = (rconn *)io;
	if (r->ac && (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		redisAsyncHandleRead(r->ac);
	/* the read may have freed the context */
	if (r->ac && (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
		redisAsyncHandleWrite(r->ac);
}

static void schedule_retry(rconn *r)
{
	r->backoff_ms = r->backoff_ms ? r->backoff_ms * 2 : 100;
	if (r->backoff_ms > 5000)
		r->backoff_ms = 5000;
	r->retry_at_ms = now_ms() + (uint64_t)r->backoff_ms;
}

static void on_connect(const redisAsyncContext *ac, int status)
{
	rconn *r = ac->ev.data;
	if (status != REDIS_OK) {
		sc_log(SC_LOG_WARN, "redis connect failed", "\"conn\":\"%s\"", r->name);
		schedule_retry(r);
		return;      /* hiredis frees the context after this callback */
	}
	r->up = 1;
	r->backoff_ms = 0;
	sc_log(SC_LOG_INFO, "redis connected", "\"conn\":\"%s\"", r->name);
	if (r->is_sub)
		relay_sub_resubscribe_all();
}

static void on_disconnect(const redisAsyncContext *ac, int status)
{
	rconn *r = ac->ev.data;
	(void)status;
	r->up = 0;
	if (stopping)
		return;
	sc_log(SC_LOG_WARN, "redis connection lost", "\"conn\":\"%s\"", r->name);
	__atomic_add_fetch(&relay_m->redis_reconnects, 1, __ATOMIC_RELAXED);
	schedule_retry(r);
	if (r->is_sub) {
		extern void relay_sub_lost(void);
		relay_sub_lost();
		relay_hub_redis_lost();
	}
}

static void on_log_error(redisAsyncContext *ac, void *reply, void *priv)
{
	redisReply *rep = reply;
	(void)ac;
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR)
		sc_log(SC_LOG_ERROR, "redis refused a setup command", "\"what\":\"%s\"", (const char *)priv);
}

static void on_sub_push(redisAsyncContext *ac, void *reply, void *priv)
{
	redisReply *r = reply;
	relay_sub *s;
	(void)ac; (void)priv;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements < 3 ||
	    r->element[0]->type != REDIS_REPLY_STRING || r->element[1]->type != REDIS_REPLY_STRING)
		return;
	if (strcmp(r->element[0]->str, "message") == 0) {
		if (r->element[2]->type == REDIS_REPLY_STRING)
			relay_hub_channel(r->element[1]->str, r->element[1]->len,
			    r->element[2]->str, r->element[2]->len);
		return;
	}
	s = relay_sub_find(r->element[1]->str, r->element[1]->len);
	if (s == NULL)
		return;
	if (strcmp(r->element[0]->str, "subscribe") == 0) {
		if (s->state == RS_SUBSCRIBING) {
			s->state = RS_SUBSCRIBED;
			relay_hub_subscribed(s);
		}
	} else if (strcmp(r->element[0]->str, "unsubscribe") == 0) {
		extern void relay_sub_unsubscribed(relay_sub *s);
		relay_sub_unsubscribed(s);
	}
}

static void send_setup(rconn *r)
{
	const char *pw = sc_config_secret(SC_CFG_REDIS_PASSWORD).ptr;
	char db[16];

	if (pw != NULL && pw[0] != '\0')
		redisAsyncCommand(r->ac, on_log_error, (void *)"AUTH", "AUTH %s", pw);
	snprintf(db, sizeof(db), "%lld", sc_config_int(SC_CFG_REDIS_DB));
	if (db[0] != '0' || db[1] != '\0')
		redisAsyncCommand(r->ac, on_log_error, (void *)"SELECT", "SELECT %s", db);
	if (!r->is_sub) {
		int i;
		for (i = 0; i < RELAY_LUA__COUNT; i++)
			redisAsyncCommand(r->ac, on_log_error, (void *)"SCRIPT LOAD", "SCRIPT LOAD %s",
			    relay_lua_text[i]);
	}
}

static int open_conn(rconn *r)
{
	const char *host = sc_config_str(SC_CFG_REDIS_HOST);
	redisAsyncContext *ac;

	/* a path: Redis's unix socket */
	ac = host[0] == '/' ? redisAsyncConnectUnix(host) :
	    redisAsyncConnect(host, (int)sc_config_int(SC_CFG_REDIS_PORT));
	if (ac == NULL)
		return -1;
	if (ac->err) {
		sc_log(SC_LOG_WARN, "redis connect failed", "\"conn\":\"%s\"", r->name);
		redisAsyncFree(ac);
		schedule_retry(r);
		return -1;
	}
	r->ac = ac;
	r->io.fd = ac->c.fd;
	r->io.fn = on_io;
	r->events = 0;
	r->registered = 0;
	ac->ev.data = r;
	ac->ev.addRead = ev_add_read;
	ac->ev.delRead = ev_del_read;
	ac->ev.addWrite = ev_add_write;
	ac->ev.delWrite = ev_del_write;
	ac->ev.cleanup = ev_cleanup;
	redisAsyncSetConnectCallback(ac, on_connect);
	redisAsyncSetDisconnectCallback(ac, on_disconnect);
	send_setup(r);
	return 0;
}

int relay_redis_start(void)
{
	int i;
	for (i = 0; i < RELAY_LUA__COUNT; i++) {
		unsigned char d[SHA_DIGEST_LENGTH];
		int j;
		SHA1((const unsigned char *)relay_lua_text[i], strlen(relay_lua_text[i]), d);
		for (j = 0; j < SHA_DIGEST_LENGTH; j++)
			snprintf(lua_sha[i] + 2 * j, 3, "%02x", d[j]);
	}
	SUB.io.fd = CMD.io.fd = -1;
	open_conn(&CMD);
	open_conn(&SUB);
	return 0;
}

void relay_redis_stop(void)
{
	stopping = 1;
	if (SUB.ac)
		redisAsyncFree(SUB.ac);
	if (CMD.ac)
		redisAsyncFree(CMD.ac);
}

int relay_redis_ready(void)
{
	return SUB.up && CMD.up;
}

void relay_redis_tick(time_t now)
{
	uint64_t ms = now_ms();
	(void)now;
	if (stopping)
		return;
	if (CMD.ac == NULL && ms >= CMD.retry_at_ms)
		open_conn(&CMD);
	if (SUB.ac == NULL && ms >= SUB.retry_at_ms)
		open_conn(&SUB);
}

static void on_cmd_reply(redisAsyncContext *ac, void *reply, void *priv)
{
	pending_cb *p = priv;
	redisReply *r = reply;
	(void)ac;
	if (r != NULL && r->type == REDIS_REPLY_ERROR && strncmp(r->str, "NOSCRIPT", 8) == 0)
		send_setup(&CMD);      /* the script cache was flushed: load them again */
	p->fn(reply, p->priv);
	free(p);
}

int relay_redis_cmd(relay_reply_fn fn, void *priv, int argc, const char **argv, const size_t *lens)
{
	pending_cb *p;

	if (!CMD.up || CMD.ac == NULL)
		return -1;
	p = malloc(sizeof(*p));
	if (p == NULL)
		abort();
	p->fn = fn;
	p->priv = priv;
	if (redisAsyncCommandArgv(CMD.ac, fn ? on_cmd_reply : NULL, fn ? p : NULL, argc, argv, lens)
	    != REDIS_OK) {
		free(p);
		return -1;
	}
	if (fn == NULL)
		free(p);
	return 0;
}

int relay_redis_eval(int which, relay_reply_fn fn, void *priv, int argc, const char **argv,
    const size_t *lens)
{
	const char *a[16];
	size_t l[16];
	int i;

	if (argc > 13)
		return -1;
	a[0] = "EVALSHA"; l[0] = 7;
	a[1] = lua_sha[which]; l[1] = 40;
	a[2] = "0"; l[2] = 1;
	for (i = 0; i < argc; i++) {
		a[3 + i] = argv[i];
		l[3 + i] = lens ? lens[i] : strlen(argv[i]);
	}
	return relay_redis_cmd(fn, priv, argc + 3, a, l);
}

/* Subscriber commands: SUBSCRIBE / UNSUBSCRIBE of up to n channels. */
int relay_redis_sub_cmd(int subscribe, int n, const char **names, const size_t *lens);
int relay_redis_sub_cmd(int subscribe, int n, const char **names, const size_t *lens)
{
	const char *a[1025];
	size_t l[1025];
	int i;

	if (!SUB.up || SUB.ac == NULL || n < 1 || n > 1024)
		return -1;
	a[0] = subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE";
	l[0] = strlen(a[0]);
	for (i = 0; i < n; i++) {
		a[i + 1] = names[i];
		l[i + 1] = lens[i];
	}
	return redisAsyncCommandArgv(SUB.ac, subscribe ? on_sub_push : NULL, NULL, n + 1, a, l)
	    == REDIS_OK ? 0 : -1;
}
