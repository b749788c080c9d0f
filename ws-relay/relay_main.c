/* relay_main.c - sc-ws-relay's master process.
 *
 * Opens one listening socket per worker (SO_REUSEPORT: the kernel spreads
 * connections over them, and a restarted worker takes over its socket with
 * the connections queued meanwhile), drops privileges when started as root
 * (style.md rule 18), forks the workers, restarts one that dies, serves
 * /health and /metrics on the loopback admin port from the workers' shared
 * counters, and relays signals: SIGTERM/SIGINT drain (close 1001), SIGHUP
 * re-reads the configuration (checked here first; workers apply it).
 *
 *   sc-ws-relay [-t] [-p PIDFILE]      configuration: the file named by SC_CONFIG */
#include "relay.h"
#include "sc_daemon.h"
#include "relay_worker.h"

#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sc_config.h"
#include "sc_log.h"
#include "sc_time.h"

#define MAX_WORKERS 256

static volatile sig_atomic_t got_term, got_hup, got_chld;
static void on_term(int s) { (void)s; got_term = 1; }
static void on_hup(int s) { (void)s; got_hup = 1; }
static void on_chld(int s) { (void)s; got_chld = 1; }

static int nworkers;
static int lfds[MAX_WORKERS];
static pid_t pids[MAX_WORKERS];
static relay_metrics *slots;

static int listen_on(const char *host, int port, int reuseport)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
	                          .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *ai = NULL;
	char ps[16];
	int fd = -1, one = 1;

	snprintf(ps, sizeof(ps), "%d", port);
	if (getaddrinfo(host, ps, &hints, &ai) != 0 || ai == NULL)
		return -1;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 4096) < 0)) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

static pid_t spawn(int i)
{
	pid_t pid = fork();
	if (pid == 0) {
		int j, rc;
		for (j = 0; j < nworkers; j++)
			if (j != i)
				close(lfds[j]);
		sc_log_init("sc-ws-relay", 2);   /* the worker's own pid in its lines */
		relay_m = &slots[i];
		relay_m->connections = relay_m->bytes_queued = 0;
		rc = relay_worker_run(lfds[i], i);
		exit(rc);      /* not _exit: LeakSanitizer runs at exit in the ASan build */
	}
	return pid;
}

static void metrics_text(char *out, size_t cap, size_t *len)
{
	relay_metrics t = { 0 };
	int i, n;
	for (i = 0; i < nworkers; i++) {
		t.connections += __atomic_load_n(&slots[i].connections, __ATOMIC_RELAXED);
		t.frames_in += __atomic_load_n(&slots[i].frames_in, __ATOMIC_RELAXED);
		t.frames_out += __atomic_load_n(&slots[i].frames_out, __ATOMIC_RELAXED);
		t.bytes_queued += __atomic_load_n(&slots[i].bytes_queued, __ATOMIC_RELAXED);
		t.slow_closes += __atomic_load_n(&slots[i].slow_closes, __ATOMIC_RELAXED);
		t.redis_reconnects += __atomic_load_n(&slots[i].redis_reconnects, __ATOMIC_RELAXED);
		t.handshakes_refused += __atomic_load_n(&slots[i].handshakes_refused, __ATOMIC_RELAXED);
		t.accepted += __atomic_load_n(&slots[i].accepted, __ATOMIC_RELAXED);
	}
	n = snprintf(out, cap,
	    "# HELP sc_relay_connections Open WebSocket connections.\n# TYPE sc_relay_connections gauge\n"
	    "sc_relay_connections %llu\n"
	    "# HELP sc_relay_frames_in_total Client messages received.\n# TYPE sc_relay_frames_in_total counter\n"
	    "sc_relay_frames_in_total %llu\n"
	    "# HELP sc_relay_frames_out_total Frames sent to clients.\n# TYPE sc_relay_frames_out_total counter\n"
	    "sc_relay_frames_out_total %llu\n"
	    "# HELP sc_relay_bytes_queued Bytes waiting in output queues.\n# TYPE sc_relay_bytes_queued gauge\n"
	    "sc_relay_bytes_queued %llu\n"
	    "# HELP sc_relay_slow_consumer_closes_total Sockets closed with 1013.\n"
	    "# TYPE sc_relay_slow_consumer_closes_total counter\nsc_relay_slow_consumer_closes_total %llu\n"
	    "# HELP sc_relay_redis_reconnects_total Redis connections lost and reopened.\n"
	    "# TYPE sc_relay_redis_reconnects_total counter\nsc_relay_redis_reconnects_total %llu\n"
	    "# HELP sc_relay_handshakes_refused_total Upgrade requests answered with an HTTP error.\n"
	    "# TYPE sc_relay_handshakes_refused_total counter\nsc_relay_handshakes_refused_total %llu\n"
	    "# HELP sc_relay_accepted_total TCP connections accepted.\n# TYPE sc_relay_accepted_total counter\n"
	    "sc_relay_accepted_total %llu\n"
	    "# HELP sc_relay_workers Worker processes.\n# TYPE sc_relay_workers gauge\nsc_relay_workers %d\n",
	    (unsigned long long)t.connections, (unsigned long long)t.frames_in,
	    (unsigned long long)t.frames_out, (unsigned long long)t.bytes_queued,
	    (unsigned long long)t.slow_closes, (unsigned long long)t.redis_reconnects,
	    (unsigned long long)t.handshakes_refused, (unsigned long long)t.accepted, nworkers);
	*len = n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* One request per connection, answered and closed; a slow client gets 1 s. */
static void admin_serve(int afd)
{
	char req[1024], body[4096], head[256];
	size_t blen = 0, got = 0;
	const char *status = "200 OK", *ctype = "application/json";
	struct pollfd p;
	int fd = accept4(afd, NULL, NULL, SOCK_CLOEXEC), hn;

	if (fd < 0)
		return;
	p.fd = fd;
	p.events = POLLIN;
	while (got < sizeof(req) - 1 && poll(&p, 1, 1000) == 1) {
		ssize_t r = read(fd, req + got, sizeof(req) - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
		req[got] = '\0';
		if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
			break;
	}
	req[got] = '\0';
	if (strncmp(req, "GET /health ", 12) == 0 || strncmp(req, "HEAD /health ", 13) == 0) {
		char ts[SC_TIME_RFC3339_LEN];
		int n = snprintf(body, sizeof(body), "{\"status\":\"healthy\",\"service\":\"sc-ws-relay\","
		    "\"time\":\"%s\",\"workers\":%d}\n", sc_time_now_rfc3339(ts), nworkers);
		blen = n > 0 ? (size_t)n : 0;
	} else if (strncmp(req, "GET /metrics ", 13) == 0) {
		ctype = "text/plain; version=0.0.4";
		metrics_text(body, sizeof(body), &blen);
	} else {
		status = "404 Not Found";
		blen = (size_t)snprintf(body, sizeof(body), "{\"success\":false,\"error\":{\"code\":\"NOT_FOUND\","
		    "\"message\":\"GET /health or /metrics\"}}\n");
	}
	hn = snprintf(head, sizeof(head), "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n", status, ctype, blen);
	if (write(fd, head, (size_t)hn) == hn && strncmp(req, "HEAD", 4) != 0 && blen > 0 &&
	    write(fd, body, blen) < 0)
		sc_log(SC_LOG_DEBUG, "admin client went away", NULL);
	close(fd);
}

static void stop_workers(void)
{
	int i, left, t;
	for (i = 0; i < nworkers; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	for (t = 0; t < 100; t++) {       /* RELAY_CLOSE_WAIT_S + margin */
		for (left = 0, i = 0; i < nworkers; i++) {
			if (pids[i] > 0 && waitpid(pids[i], NULL, WNOHANG) == pids[i])
				pids[i] = 0;
			left += pids[i] > 0;
		}
		if (left == 0)
			return;
		usleep(100000);
	}
	for (i = 0; i < nworkers; i++)
		if (pids[i] > 0) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, 0);
		}
}

int main(int argc, char **argv)
{
	const char *err, *pidfile = NULL, *user;
	struct rlimit rl;
	sc_log_level lvl;
	int opt, check = 0, afd = -1, i;

	sc_log_init("sc-ws-relay", 2);
	while ((opt = getopt(argc, argv, "tp:h")) != -1) {
		switch (opt) {
		case 't': check = 1; break;
		case 'p': pidfile = optarg; break;
		default:
			fprintf(stderr, "usage: sc-ws-relay [-t] [-p PIDFILE]   (settings: the file named by SC_CONFIG)\n");
			return opt == 'h' ? 0 : 2;
		}
	}
	if (sc_config_load(&err) < 0) {
		fprintf(stderr, "sc-ws-relay: %s\n", err);
		return 1;
	}
	if (check) {
		puts("sc-ws-relay: configuration ok");
		return 0;
	}
	if (sc_log_level_parse(sc_config_str(SC_CFG_LOG_LEVEL), &lvl) == 0)
		sc_log_set_level(lvl);
	nworkers = (int)sc_config_int(SC_CFG_RELAY_WORKERS);
	if (nworkers <= 0)
		nworkers = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (nworkers < 1)
		nworkers = 1;
	if (nworkers > MAX_WORKERS)
		nworkers = MAX_WORKERS;
	/* as many sockets as the hard limit allows (the limit cannot be raised past it) */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (i = 0; i < nworkers; i++) {
		lfds[i] = listen_on(sc_config_str(SC_CFG_RELAY_LISTEN), (int)sc_config_int(SC_CFG_RELAY_PORT), 1);
		if (lfds[i] < 0) {
			fprintf(stderr, "sc-ws-relay: cannot listen on %s:%lld: %s\n",
			    sc_config_str(SC_CFG_RELAY_LISTEN), sc_config_int(SC_CFG_RELAY_PORT), strerror(errno));
			return 1;
		}
	}
	if (sc_config_int(SC_CFG_RELAY_ADMIN_PORT) > 0) {
		afd = listen_on("127.0.0.1", (int)sc_config_int(SC_CFG_RELAY_ADMIN_PORT), 0);
		if (afd < 0) {
			fprintf(stderr, "sc-ws-relay: cannot listen on 127.0.0.1:%lld (admin): %s\n",
			    sc_config_int(SC_CFG_RELAY_ADMIN_PORT), strerror(errno));
			return 1;
		}
	}
	slots = mmap(NULL, sizeof(relay_metrics) * MAX_WORKERS, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED)
		return 1;
	if (pidfile != NULL) {
		FILE *f = fopen(pidfile, "w");
		if (f == NULL || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0) {
			fprintf(stderr, "sc-ws-relay: cannot write %s\n", pidfile);
			return 1;
		}
	}
	if (geteuid() == 0) {
		user = sc_config_str(SC_CFG_RELAY_USER)[0] ? sc_config_str(SC_CFG_RELAY_USER) : "www-data";
		if (sc_daemon_drop_privileges(user) < 0) {
			fprintf(stderr, "sc-ws-relay: cannot switch to the account %s\n", user);
			return 1;
		}
	}
	relay_signals(on_term, on_hup, on_chld);
	for (i = 0; i < nworkers; i++)
		pids[i] = spawn(i);
	sc_log(SC_LOG_INFO, "relay started", "\"listen\":\"%s:%lld\",\"workers\":%d,\"admin_port\":%lld",
	    sc_config_str(SC_CFG_RELAY_LISTEN), sc_config_int(SC_CFG_RELAY_PORT), nworkers,
	    sc_config_int(SC_CFG_RELAY_ADMIN_PORT));

	while (!got_term) {
		struct pollfd p = { .fd = afd, .events = POLLIN };
		if (poll(&p, afd >= 0 ? 1 : 0, 200) == 1)
			admin_serve(afd);
		if (got_hup) {
			got_hup = 0;
			sc_config_reset();
			if (sc_config_load(&err) < 0) {
				sc_log(SC_LOG_ERROR, "SIGHUP: configuration refused, nothing changed", "\"error\":\"%s\"", err);
			} else {
				for (i = 0; i < nworkers; i++)
					if (pids[i] > 0)
						kill(pids[i], SIGHUP);
			}
		}
		if (got_chld) {
			got_chld = 0;
			for (i = 0; i < nworkers; i++) {
				int st;
				if (pids[i] > 0 && waitpid(pids[i], &st, WNOHANG) == pids[i]) {
					sc_log(SC_LOG_ERROR, "worker died; restarting it", "\"worker\":%d,\"status\":%d", i, st);
					pids[i] = got_term ? 0 : spawn(i);
				}
			}
		}
	}
	sc_log_info("stopping: draining the workers");
	stop_workers();
	if (pidfile != NULL)
		unlink(pidfile);
	return 0;
}
