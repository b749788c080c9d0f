/* relay_worker.c - one worker process: its epoll loop, its listening socket
 * (one of the SO_REUSEPORT group the master opened), the tick, and the
 * signal flags (style.md rule 17: handlers only set flags).
 *
 * The loop sleeps in epoll_wait until the next tick (RELAY_TICK_HZ); every
 * tick reconnects Redis if needed and retires idle channels, every second
 * sweeps the sockets for ping, idle, expiry and slow-consumer deadlines. */
#include "relay.h"
#include "relay_hub.h"
#include "relay_worker.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "sc_config.h"
#include "sc_log.h"

volatile int relay_stop, relay_reload;
time_t relay_now;
relay_settings relay_cfg;
relay_metrics *relay_m;

static int epfd = -1;

int relay_loop_add(relay_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };
	return epoll_ctl(epfd, EPOLL_CTL_ADD, io->fd, &ev);
}

int relay_loop_mod(relay_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };
	return epoll_ctl(epfd, EPOLL_CTL_MOD, io->fd, &ev);
}

void relay_loop_del(relay_io *io)
{
	if (io->fd >= 0)
		epoll_ctl(epfd, EPOLL_CTL_DEL, io->fd, NULL);
}

void relay_settings_load(void)
{
	relay_cfg.max_message = sc_config_int(SC_CFG_RELAY_MAX_MESSAGE_BYTES);
	relay_cfg.out_soft = sc_config_int(SC_CFG_RELAY_OUTPUT_SOFT_BYTES);
	relay_cfg.out_hard = sc_config_int(SC_CFG_RELAY_OUTPUT_HARD_BYTES);
	relay_cfg.out_soft_s = sc_config_int(SC_CFG_RELAY_OUTPUT_SOFT_SECONDS);
	relay_cfg.ping_s = sc_config_int(SC_CFG_RELAY_PING_SECONDS);
	relay_cfg.idle_s = sc_config_int(SC_CFG_RELAY_IDLE_TIMEOUT_SECONDS);
	relay_cfg.handshake_s = sc_config_int(SC_CFG_RELAY_HANDSHAKE_TIMEOUT_SECONDS);
	relay_cfg.replay_max = sc_config_int(SC_CFG_RELAY_REPLAY_MAX);
	relay_cfg.presence_ttl = sc_config_int(SC_CFG_PRESENCE_TTL_SECONDS);
	relay_cfg.stream_maxlen = sc_config_int(SC_CFG_EVENTS_STREAM_MAXLEN);
	relay_cfg.max_conns = sc_config_int(SC_CFG_RELAY_MAX_CONNECTIONS);
	if (relay_cfg.out_soft > relay_cfg.out_hard)
		relay_cfg.out_soft = relay_cfg.out_hard;
	if (relay_cfg.idle_s <= relay_cfg.ping_s)
		relay_cfg.idle_s = relay_cfg.ping_s + 1;
}

/* Handlers only set flags (style.md rule 17); SIGPIPE is ignored (writes say EPIPE). */
void relay_signals(void (*term)(int), void (*hup)(int), void (*chld)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = chld ? chld : SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static void on_term(int sig) { (void)sig; relay_stop = 1; }
static void on_hup(int sig) { (void)sig; relay_reload = 1; }

static void reload(void)
{
	const char *err;
	sc_log_level lvl;

	relay_reload = 0;
	sc_config_reset();
	if (sc_config_load(&err) < 0) {
		/* the master checked the file before signalling; a change since is fatal */
		sc_log(SC_LOG_ERROR, "configuration reload failed; worker exits", "\"error\":\"%s\"", err);
		relay_stop = 2;
		return;
	}
	if (sc_log_level_parse(sc_config_str(SC_CFG_LOG_LEVEL), &lvl) == 0)
		sc_log_set_level(lvl);
	relay_settings_load();
	sc_log_info("configuration reloaded");
}

static void on_listen(relay_io *io, uint32_t ev)
{
	(void)ev;
	relay_conn_accept(io->fd);
}

int relay_worker_run(int lfd, int index)
{
	struct epoll_event evs[256];
	relay_io lio = { .fd = lfd, .fn = on_listen };
	time_t next_sweep = 0, drain_until = 0;
	int tick_ms = 1000 / RELAY_TICK_HZ;

	relay_signals(on_term, on_hup, NULL);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		return 1;
	relay_now = time(NULL);
	srandom((unsigned)(relay_now ^ getpid()));
	relay_settings_load();
	relay_hub_init();
	relay_redis_start();
	if (relay_loop_add(&lio, EPOLLIN | EPOLLEXCLUSIVE) < 0)
		return 1;
	sc_log(SC_LOG_INFO, "worker started", "\"worker\":%d", index);

	for (;;) {
		int n = epoll_wait(epfd, evs, 256, tick_ms), i;
		static struct timespec last;
		struct timespec now;

		if (n < 0 && errno != EINTR)
			break;
		for (i = 0; i < n; i++) {
			relay_io *io = evs[i].data.ptr;
			io->fn(io, evs[i].events);
		}
		relay_conn_reap();
		clock_gettime(CLOCK_MONOTONIC, &now);
		relay_now = time(NULL);
		if ((now.tv_sec - last.tv_sec) * 1000 + (now.tv_nsec - last.tv_nsec) / 1000000 >= tick_ms) {
			last = now;
			relay_redis_tick(relay_now);
			relay_sub_tick(relay_now);
			if (relay_now >= next_sweep) {
				next_sweep = relay_now + 1;
				relay_conn_sweep(relay_now);
				relay_hub_tick(relay_now);
				relay_conn_reap();
			}
		}
		if (relay_reload && !relay_stop)
			reload();
		if (relay_stop && drain_until == 0) {
			relay_loop_del(&lio);
			close(lfd);
			relay_conn_drain();
			relay_conn_reap();
			drain_until = relay_now + RELAY_CLOSE_WAIT_S;
		}
		if (drain_until && (relay_conn_count() == 0 || relay_now >= drain_until))
			break;
	}
	relay_redis_stop();
	sc_log(SC_LOG_INFO, "worker stopped", "\"worker\":%d", index);
	return relay_stop == 2 ? 1 : 0;
}
