/* wsload.c - the WebSocket load client of `make bench` (bench/lib/ws.sh, docs/benchmarks.md).
 *
 *   wsload idle   --port P --tokens FILE -n N [--procs K] [--hold S] [common options]
 *       Opens N WebSocket connections (RFC 6455 handshake checked down to Sec-WebSocket-Accept,
 *       masked client frames), prints "ready connected=.. failed=.." once every connection is
 *       open or has failed, holds them (answering pings) until --hold seconds have passed or
 *       SIGTERM/SIGINT arrives, then prints "done open=.. dropped=..". N above what one process
 *       may open (RLIMIT_NOFILE, 20,000 on the bench machine) is split over K forked processes.
 *   wsload fanout --port P --tokens FILE -n N --pub URL --modes 1to1,group --rates R1,R2,..
 *       Opens N connections for U users (connection i is user i % U), forks a publisher, warms
 *       every user's channel up (an event with seq 0 until each connection has seen one), then
 *       for each mode publishes at each rate (deliveries per second, rising) for --step seconds
 *       and measures what arrives: one "step ..." line per rate, stopping at the first rate that
 *       is not sustained (a loss, p99 at or above --p99-ms, the publisher short of its rate, or
 *       a connection closed), then (when even the first rate failed) halving steps down to an
 *       eighth of it, then --bisect more steps between the last good and the first bad rate, then "max ..." and, with --half, a step at half the max ("half ..."). Each mode
 *       starts with an unmeasured "warm" step of --warm seconds at the first rate; a step that
 *       failed on its tail only (no loss, p50 under the limit, p99 not) is repeated --retry
 *       times (try=N).
 *
 * Users and tokens: FILE has one "user_id token" per line; connection i uses line i % U. The
 * path template (--path, default /v1/ws) may hold %u for the user id (nchan: /sub/%u). --auth
 * bearer (Authorization: Bearer <token>), ticket (?ticket=<token>) or none.
 * Source addresses: connection i binds 127.0.0.(SRC_BASE + i / PER_ADDR) before connect()
 * (IP_BIND_ADDRESS_NO_PORT: the port is picked per 4-tuple), so the client is not limited by
 * the ephemeral port range of one address.
 *
 * Events: {"id":"","type":"bench","ts":"","data":{"seq":N,"t":NS}}; seq counts per channel
 * target (a user in 1to1 mode, a group of --group users in group mode) from 1, t is
 * CLOCK_REALTIME in ns when the publisher wrote the event. A connection expects seq
 * base+1, base+2, ... in a step; a jump is a loss, what has not arrived after the drain is a
 * loss too. Frames published before the step began (t < step start) are counted as late.
 * Publishers (--pub):
 *   redis://HOST:PORT (password from WSLOAD_REDIS_PASSWORD): 1to1 = one PUBLISH user:{id} per
 *     event, pipelined on one connection; group = one EVALSHA per event of a script that
 *     PUBLISHes the same payload to user:{id} of each of the group's users (the shape of
 *     lib/sc_events.c without its XADD).
 *   http://HOST:PORT/PREFIX (nchan): POST PREFIX<id> per event on 2 keep-alive pipelined
 *     connections; group = one POST to PREFIX<id1>,<id2>,...; the location splits on ",".
 * Latency = receive time - t, in 10 us buckets up to 1 s; p50/p99 are bucket upper bounds.
 * Output: key=value lines on stdout; notes start with "#". Exit 1 on usage or setup errors. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAME      (1u << 20)      /* larger server frames are a protocol error here */
#define HS_MAX         8192            /* handshake response cap */
#define HS_TIMEOUT_MS  15000
#define HIST_US        10              /* histogram bucket width */
#define HIST_N         100000          /* 10 us * 100000 = 1 s; above goes to the overflow */
#define MAX_PROCS      16
#define MAX_RATES      32
#define PUB_MAXC       4
#define PUB_BACKLOG    (64u << 20)     /* publisher output queued above this: stop offering */
#define WS_GUID        "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

/* ------------------------------------------------------------------ small helpers */
static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("wsload: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t real_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		die("out of memory (%zu bytes)", n);
	return p;
}

static void *xcalloc(size_t n, size_t s)
{
	void *p = calloc(n ? n : 1, s ? s : 1);
	if (p == NULL)
		die("out of memory");
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		die("out of memory (%zu bytes)", n);
	return p;
}

static long parse_long(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		die("bad %s: %s (%ld..%ld)", what, s, lo, hi);
	return v;
}

static double parse_double(const char *s, double lo, double hi, const char *what)
{
	char *end;
	double v;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi))
		die("bad %s: %s", what, s);
	return v;
}

/* xorshift for masking keys: RFC 6455 wants them unpredictable to intermediaries; a bench
 * client talking to loopback only needs them present and varying */
static uint64_t rng_state = 88172645463325252ull;
static uint32_t rng32(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static volatile sig_atomic_t g_stop;
static void on_stop(int sig)
{
	(void)sig;
	g_stop = 1;
}

/* ------------------------------------------------------------------ SHA-1, base64 */
static uint32_t rol32(uint32_t x, int s) { return (x << s) | (x >> (32 - s)); }

static void sha1_block(uint32_t h[5], const uint8_t *p)
{
	uint32_t w[80], a, b, c, d, e, f, k, t;
	int i;
	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 80; i++)
		w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
		else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
		else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
		else { f = b ^ c ^ d; k = 0xCA62C1D6; }
		t = rol32(a, 5) + f + e + k + w[i];
		e = d; d = c; c = rol32(b, 30); b = a; a = t;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

static void sha1(const uint8_t *m, size_t n, uint8_t out[20])
{
	uint32_t h[5] = { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0 };
	uint8_t blk[128];
	size_t i, rest, padn;
	uint64_t bits = (uint64_t)n * 8;
	for (i = 0; i + 64 <= n; i += 64)
		sha1_block(h, m + i);
	rest = n - i;
	memset(blk, 0, sizeof(blk));
	memcpy(blk, m + i, rest);
	blk[rest] = 0x80;
	padn = rest + 1 + 8 <= 64 ? 64 : 128;
	for (i = 0; i < 8; i++)
		blk[padn - 1 - i] = (uint8_t)(bits >> (8 * i));
	sha1_block(h, blk);
	if (padn == 128)
		sha1_block(h, blk + 64);
	for (i = 0; i < 5; i++) {
		out[4 * i] = (uint8_t)(h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(h[i] >> 8);
		out[4 * i + 3] = (uint8_t)h[i];
	}
}

/* out must hold 4 * ceil(n / 3) + 1 bytes */
static void b64(const uint8_t *in, size_t n, char *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;
	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = tab[v >> 18]; out[o++] = tab[(v >> 12) & 63];
		out[o++] = tab[(v >> 6) & 63]; out[o++] = tab[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		out[o++] = tab[v >> 18]; out[o++] = tab[(v >> 12) & 63];
		out[o++] = '='; out[o++] = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = tab[v >> 18]; out[o++] = tab[(v >> 12) & 63];
		out[o++] = tab[(v >> 6) & 63]; out[o++] = '=';
	}
	out[o] = '\0';
}

/* ------------------------------------------------------------------ options, tokens */
enum { AUTH_NONE, AUTH_BEARER, AUTH_TICKET };
enum { MODE_1TO1, MODE_GROUP };

static struct {
	const char *host, *path, *tokens, *pub, *label;
	int port, auth, procs, conc, src_base, per_addr, group, bisect, half, retry;
	long n, users;
	double hold, step, warm, p99_ms, drain_quiet, drain_max;
	int modes[2], nmodes;
	long rates[MAX_RATES];
	int nrates;
} O = {
	.host = "127.0.0.1", .path = "/v1/ws", .label = "target", .auth = AUTH_BEARER,
	.conc = 256, .src_base = 2, .per_addr = 20000, .group = 100, .bisect = 1, .retry = 1,
	.hold = 3600, .step = 2.0, .warm = 1.0, .p99_ms = 10.0, .drain_quiet = 1.0, .drain_max = 10.0,
};

static char **U_id, **U_tok;     /* per user */
static long U_n;

static void load_tokens(const char *file, long want)
{
	FILE *f = fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long capu = 1024;
	if (f == NULL)
		die("%s: %s", file, strerror(errno));
	U_id = xmalloc(sizeof(char *) * (size_t)capu);
	U_tok = xmalloc(sizeof(char *) * (size_t)capu);
	while ((want <= 0 || U_n < want) && (len = getline(&line, &cap, f)) > 0) {
		char *sp;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		sp = strchr(line, ' ');
		if (sp == NULL || sp == line || sp[1] == '\0' || sp - line > 64)
			die("%s: bad line (want \"user_id token\")", file);
		*sp = '\0';
		if (U_n == capu) {
			capu *= 2;
			U_id = xrealloc(U_id, sizeof(char *) * (size_t)capu);
			U_tok = xrealloc(U_tok, sizeof(char *) * (size_t)capu);
		}
		U_id[U_n] = strdup(line);
		U_tok[U_n] = strdup(sp + 1);
		if (U_id[U_n] == NULL || U_tok[U_n] == NULL)
			die("out of memory");
		U_n++;
	}
	free(line);
	fclose(f);
	if (U_n == 0)
		die("%s: no users", file);
	if (want > 0 && U_n < want)
		die("%s: %ld users, %ld wanted", file, U_n, want);
}

/* ------------------------------------------------------------------ connections */
enum { ST_NEW, ST_CONNECTING, ST_HS, ST_OPEN, ST_DONE };

struct conn {
	int fd;
	uint32_t user;
	uint32_t next;          /* fanout: next expected seq */
	uint32_t base;          /* fanout: target's seq when the step began */
	uint8_t st, warm, in_step, lossy;
	uint32_t blen, bcap;    /* buf: the handshake response, or an incomplete frame */
	char *buf;
	char *frag;             /* a fragmented message being assembled */
	uint32_t flen;
	int64_t t0;             /* connect start, monotonic ms */
	char key[25];
};

struct hist { uint32_t b[HIST_N]; uint64_t over, n; uint64_t max_ns; };

struct eng {
	int ep;
	struct conn *c;
	long n, first;          /* this process's connections: global index first .. first+n-1 */
	long next_start, inflight, open, failed, dropped;
	long f_connect, f_timeout, f_closed, f_proto, f_status[6];
	int last_errno, last_status;
	long closes_1000, closes_1001, closes_1008, closes_1011, closes_1013, closes_other;
	uint64_t frames, bytes, pings;
	int fanout;
	/* fanout step state */
	int active;
	uint64_t t0_rt, last_rt;
	int64_t last_mono;
	uint64_t recv, gap, dup, late, junk;
	struct hist *h;
};

static char *g_rbuf;                /* shared read buffer: leftover + one read */
#define RBUF_SZ (MAX_FRAME + 65536 + 16)

static void hist_add(struct hist *h, uint64_t ns)
{
	uint64_t i = ns / (HIST_US * 1000u);
	if (i < HIST_N)
		h->b[i]++;
	else
		h->over++;
	h->n++;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

/* upper bound of the bucket holding the q-quantile, in us */
static uint64_t hist_q(const struct hist *h, double q)
{
	uint64_t want, acc = 0;
	long i;
	if (h->n == 0)
		return 0;
	want = (uint64_t)((double)h->n * q);
	if (want == 0)
		want = 1;
	for (i = 0; i < HIST_N; i++) {
		acc += h->b[i];
		if (acc >= want)
			return (uint64_t)(i + 1) * HIST_US;
	}
	return h->max_ns / 1000;
}

static void conn_free_bufs(struct conn *c)
{
	free(c->buf);
	c->buf = NULL;
	c->blen = c->bcap = 0;
	free(c->frag);
	c->frag = NULL;
	c->flen = 0;
}

static void conn_fail(struct eng *e, struct conn *c, long *counter, int err)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	conn_free_bufs(c);
	if (c->st == ST_OPEN) {
		e->open--;
		e->dropped++;
	} else {
		e->inflight--;
		e->failed++;
		if (counter)
			(*counter)++;
		if (err)
			e->last_errno = err;
	}
	c->st = ST_DONE;
}

static void ws_send_ctl(struct conn *c, int op, const uint8_t *p, size_t n)
{
	uint8_t f[2 + 4 + 125];
	uint32_t m = rng32();
	size_t i;
	if (n > 125)
		n = 125;
	f[0] = (uint8_t)(0x80 | op);
	f[1] = (uint8_t)(0x80 | n);
	memcpy(f + 2, &m, 4);
	for (i = 0; i < n; i++)
		f[6 + i] = p[i] ^ f[2 + (i & 3)];
	/* control frames are tiny; a full socket buffer here means the peer does not read */
	if (write(c->fd, f, 6 + n) < 0 && errno != EAGAIN)
		return;
}

static void fan_msg(struct eng *e, struct conn *c, const char *p, size_t n, uint64_t now);

static void on_message(struct eng *e, struct conn *c, const char *p, size_t n, uint64_t now)
{
	e->frames++;
	e->bytes += n;
	if (e->fanout)
		fan_msg(e, c, p, n, now);
}

/* parse the frames in p[0..n); returns bytes consumed; the connection may be closed after */
static size_t ws_parse(struct eng *e, struct conn *c, char *p, size_t n, uint64_t now)
{
	size_t off = 0;
	while (c->st == ST_OPEN && n - off >= 2) {
		uint8_t b0 = (uint8_t)p[off], b1 = (uint8_t)p[off + 1];
		int op = b0 & 15, fin = b0 >> 7;
		size_t hl = 2, len = b1 & 127;
		if (b1 & 0x80) {                /* servers must not mask */
			conn_fail(e, c, &e->f_proto, 0);
			return n;
		}
		if (len == 126) {
			if (n - off < 4)
				break;
			len = (size_t)(uint8_t)p[off + 2] << 8 | (uint8_t)p[off + 3];
			hl = 4;
		} else if (len == 127) {
			uint64_t v = 0;
			int i;
			if (n - off < 10)
				break;
			for (i = 0; i < 8; i++)
				v = v << 8 | (uint8_t)p[off + 2 + i];
			if (v > MAX_FRAME) {
				conn_fail(e, c, &e->f_proto, 0);
				return n;
			}
			len = (size_t)v;
			hl = 10;
		}
		if (len > MAX_FRAME) {
			conn_fail(e, c, &e->f_proto, 0);
			return n;
		}
		if (n - off < hl + len)
			break;
		{
			char *pl = p + off + hl;
			switch (op) {
			case 0:                 /* continuation */
			case 1:
			case 2:
				if (op == 0 || !fin || c->frag) {
					if (op != 0 && c->frag) {   /* new message inside a fragmented one */
						conn_fail(e, c, &e->f_proto, 0);
						return n;
					}
					if ((size_t)c->flen + len > MAX_FRAME) {
						conn_fail(e, c, &e->f_proto, 0);
						return n;
					}
					c->frag = xrealloc(c->frag, c->flen + len + 1);
					memcpy(c->frag + c->flen, pl, len);
					c->flen += (uint32_t)len;
					if (fin) {
						on_message(e, c, c->frag, c->flen, now);
						free(c->frag);
						c->frag = NULL;
						c->flen = 0;
					}
				} else {
					on_message(e, c, pl, len, now);
				}
				break;
			case 8: {               /* close: answer with the same code, then drop */
				int code = len >= 2 ? ((uint8_t)pl[0] << 8 | (uint8_t)pl[1]) : 1005;
				ws_send_ctl(c, 8, (const uint8_t *)pl, len >= 2 ? 2 : 0);
				if (code == 1000) e->closes_1000++;
				else if (code == 1001) e->closes_1001++;
				else if (code == 1008) e->closes_1008++;
				else if (code == 1011) e->closes_1011++;
				else if (code == 1013) e->closes_1013++;
				else e->closes_other++;
				conn_fail(e, c, NULL, 0);
				return n;
			}
			case 9:
				e->pings++;
				ws_send_ctl(c, 10, (const uint8_t *)pl, len);
				break;
			case 10:
				break;
			default:
				conn_fail(e, c, &e->f_proto, 0);
				return n;
			}
		}
		off += hl + len;
	}
	return off;
}

/* read until the socket is drained; frames may span reads (the remainder waits in c->buf).
 * A read shorter than asked for means the receive queue was empty (epoll(7), stream sockets):
 * stopping there saves the read that would only say EAGAIN, which at 10,000 sockets and one
 * frame per wake-up is half the client's system calls. */
static void read_frames(struct eng *e, struct conn *c)
{
	for (;;) {
		size_t have = c->blen, total, used, want;
		ssize_t r;
		uint64_t now;
		if (have)
			memcpy(g_rbuf, c->buf, have);
		want = RBUF_SZ - have;
		r = read(c->fd, g_rbuf + have, want);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0) {
			conn_fail(e, c, &e->f_closed, r < 0 ? errno : 0);
			return;
		}
		now = real_ns();
		total = have + (size_t)r;
		used = ws_parse(e, c, g_rbuf, total, now);
		if (c->st != ST_OPEN)
			return;
		if (used < total) {
			size_t rest = total - used;
			if (rest > c->bcap) {
				c->buf = xrealloc(c->buf, rest);
				c->bcap = (uint32_t)rest;
			}
			memmove(c->buf, g_rbuf + used, rest);
			c->blen = (uint32_t)rest;
		} else if (c->buf) {
			free(c->buf);
			c->buf = NULL;
			c->blen = c->bcap = 0;
		}
		if ((size_t)r < want)
			return;
	}
}

static void start_conn(struct eng *e, long i)
{
	struct conn *c = &e->c[i];
	long g = e->first + i;
	struct sockaddr_in src = { .sin_family = AF_INET }, dst = { .sin_family = AF_INET };
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET };
	int one = 1, fd;
	long a = O.src_base + g / O.per_addr;
	c->st = ST_CONNECTING;
	c->t0 = mono_ms();
	e->inflight++;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		c->fd = -1;
		conn_fail(e, c, &e->f_connect, errno);
		return;
	}
	c->fd = fd;
	if (a > 254)
		die("connection %ld needs source address 127.0.0.%ld", g, a);
	src.sin_addr.s_addr = htonl(0x7f000000u | (uint32_t)a);
	setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0) {
		conn_fail(e, c, &e->f_connect, errno);
		return;
	}
	dst.sin_port = htons((uint16_t)O.port);
	if (inet_pton(AF_INET, O.host, &dst.sin_addr) != 1)
		die("bad host %s (an IPv4 address)", O.host);
	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) < 0 && errno != EINPROGRESS) {
		conn_fail(e, c, &e->f_connect, errno);
		return;
	}
	ev.data.u64 = (uint64_t)i;
	if (epoll_ctl(e->ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		die("epoll_ctl: %s", strerror(errno));
}

/* the request path: the template with %u replaced by the user id, plus ?ticket= */
static int build_path(char *out, size_t cap, const struct conn *c)
{
	const char *t = O.path, *pct = strstr(t, "%u");
	int k;
	if (pct)
		k = snprintf(out, cap, "%.*s%s%s", (int)(pct - t), t, U_id[c->user], pct + 2);
	else
		k = snprintf(out, cap, "%s", t);
	if (k < 0 || (size_t)k >= cap)
		return -1;
	if (O.auth == AUTH_TICKET) {
		int k2 = snprintf(out + k, cap - (size_t)k, "%sticket=%s", strchr(out, '?') ? "&" : "?",
		    U_tok[c->user]);
		if (k2 < 0 || (size_t)k2 >= cap - (size_t)k)
			return -1;
	}
	return 0;
}

static void send_handshake(struct eng *e, struct conn *c)
{
	char req[8192], path[6144];
	uint8_t raw[16];
	int k;
	ssize_t w;
	uint32_t r;
	int i;
	for (i = 0; i < 16; i += 4) {
		r = rng32();
		memcpy(raw + i, &r, 4);
	}
	b64(raw, 16, c->key);
	if (build_path(path, sizeof(path), c) < 0)
		die("request path too long");
	k = snprintf(req, sizeof(req),
	    "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n%s%s%s\r\n",
	    path, O.host, O.port, c->key,
	    O.auth == AUTH_BEARER ? "Authorization: Bearer " : "",
	    O.auth == AUTH_BEARER ? U_tok[c->user] : "",
	    O.auth == AUTH_BEARER ? "\r\n" : "");
	if (k < 0 || (size_t)k >= sizeof(req))
		die("handshake request too long");
	w = write(c->fd, req, (size_t)k);
	if (w != k) {               /* a fresh socket takes 8 KiB: anything else is an error */
		conn_fail(e, c, &e->f_connect, w < 0 ? errno : 0);
		return;
	}
	c->st = ST_HS;
}

static void read_handshake(struct eng *e, struct conn *c)
{
	char *end, *h;
	uint8_t dig[20];
	char acc_in[64], acc[32];
	int status;
	size_t hl;
	if (c->buf == NULL) {
		c->buf = xmalloc(HS_MAX + 1);
		c->bcap = HS_MAX;
		c->blen = 0;
	}
	for (;;) {
		ssize_t r = read(c->fd, c->buf + c->blen, HS_MAX - c->blen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0) {
			conn_fail(e, c, &e->f_closed, r < 0 ? errno : 0);
			return;
		}
		c->blen += (uint32_t)r;
		c->buf[c->blen] = '\0';
		end = memmem(c->buf, c->blen, "\r\n\r\n", 4);
		if (end)
			break;
		if (c->blen >= HS_MAX) {
			conn_fail(e, c, &e->f_proto, 0);
			return;
		}
	}
	hl = (size_t)(end - c->buf) + 4;
	if (c->blen < 12 || strncmp(c->buf, "HTTP/1.1 ", 9) != 0 || !isdigit((unsigned char)c->buf[9]) ||
	    !isdigit((unsigned char)c->buf[10]) || !isdigit((unsigned char)c->buf[11])) {
		conn_fail(e, c, &e->f_proto, 0);
		return;
	}
	status = (c->buf[9] - '0') * 100 + (c->buf[10] - '0') * 10 + (c->buf[11] - '0');
	if (status != 101) {
		e->last_status = status;
		conn_fail(e, c, &e->f_status[status / 100 <= 5 ? status / 100 : 0], 0);
		return;
	}
	/* Sec-WebSocket-Accept = base64(SHA-1(key + GUID)) */
	*end = '\0';
	h = strcasestr(c->buf, "\r\nSec-WebSocket-Accept:");
	if (h == NULL) {
		conn_fail(e, c, &e->f_proto, 0);
		return;
	}
	h += 23;
	while (*h == ' ' || *h == '\t')
		h++;
	if (snprintf(acc_in, sizeof(acc_in), "%s%s", c->key, WS_GUID) != 24 + 36) {
		conn_fail(e, c, &e->f_proto, 0);
		return;
	}
	sha1((const uint8_t *)acc_in, 60, dig);
	b64(dig, 20, acc);
	if (strncmp(h, acc, 28) != 0 || (h[28] != '\r' && h[28] != '\0' && h[28] != ' ')) {
		conn_fail(e, c, &e->f_proto, 0);
		return;
	}
	c->st = ST_OPEN;
	e->inflight--;
	e->open++;
	/* bytes after the response are frames already */
	if (c->blen > hl) {
		memmove(c->buf, c->buf + hl, c->blen - hl);
		c->blen -= (uint32_t)hl;
	} else {
		free(c->buf);
		c->buf = NULL;
		c->blen = c->bcap = 0;
	}
	read_frames(e, c);
}

static void on_event(struct eng *e, uint32_t idx, uint32_t ev)
{
	struct conn *c = &e->c[idx];
	if (c->st == ST_CONNECTING) {
		int err = 0;
		socklen_t sl = sizeof(err);
		if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &sl) < 0)
			err = errno;
		if (err) {
			conn_fail(e, c, &e->f_connect, err);
			return;
		}
		send_handshake(e, c);
		if (c->st == ST_HS && (ev & EPOLLIN))
			read_handshake(e, c);
	} else if (c->st == ST_HS) {
		if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP))
			read_handshake(e, c);
	} else if (c->st == ST_OPEN) {
		if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP))
			read_frames(e, c);
	}
}

static void check_timeouts(struct eng *e)
{
	int64_t now = mono_ms();
	long i;
	for (i = 0; i < e->next_start; i++) {
		struct conn *c = &e->c[i];
		if ((c->st == ST_CONNECTING || c->st == ST_HS) && now - c->t0 > HS_TIMEOUT_MS)
			conn_fail(e, c, &e->f_timeout, ETIMEDOUT);
	}
}

/* one pass of the loop: start what the concurrency allows, wait up to ms, dispatch */
static int eng_poll(struct eng *e, int ms, int extra_fd, uint64_t extra_tag)
{
	static struct epoll_event evs[1024];
	int k, i, extra = 0;
	while (e->next_start < e->n && e->inflight < O.conc)
		start_conn(e, e->next_start++);
	k = epoll_wait(e->ep, evs, 1024, ms);
	if (k < 0 && errno != EINTR)
		die("epoll_wait: %s", strerror(errno));
	for (i = 0; i < k; i++) {
		if (extra_fd >= 0 && evs[i].data.u64 == extra_tag)
			extra = 1;
		else
			on_event(e, (uint32_t)evs[i].data.u64, evs[i].events);
	}
	return extra;
}

static void eng_init(struct eng *e, long first, long n, long users)
{
	long i;
	memset(e, 0, sizeof(*e));
	e->ep = epoll_create1(EPOLL_CLOEXEC);
	if (e->ep < 0)
		die("epoll_create1: %s", strerror(errno));
	e->c = xcalloc((size_t)n, sizeof(struct conn));
	e->n = n;
	e->first = first;
	for (i = 0; i < n; i++) {
		e->c[i].fd = -1;
		e->c[i].user = (uint32_t)((first + i) % users);
	}
}

static void connect_all(struct eng *e)
{
	int64_t last_to = mono_ms();
	while (!g_stop && (e->next_start < e->n || e->inflight > 0)) {
		eng_poll(e, 100, -1, 0);
		if (mono_ms() - last_to >= 200) {
			check_timeouts(e);
			last_to = mono_ms();
		}
	}
}

static void raise_nofile(long need)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("getrlimit: %s", strerror(errno));
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("setrlimit: %s", strerror(errno));
	if (need > 0 && (rlim_t)need > rl.rlim_cur)
		die("%ld connections in one process, but RLIMIT_NOFILE is %llu (use --procs)", need,
		    (unsigned long long)rl.rlim_cur);
}

static long nofile_max(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 1024;
	return rl.rlim_max == RLIM_INFINITY ? 1000000 : (long)rl.rlim_max;
}

static void fail_summary(const struct eng *e, char *out, size_t cap)
{
	int k = snprintf(out, cap,
	    "fail_connect=%ld fail_timeout=%ld fail_closed=%ld fail_proto=%ld fail_4xx=%ld fail_5xx=%ld "
	    "last_status=%d last_errno=%d",
	    e->f_connect, e->f_timeout, e->f_closed, e->f_proto, e->f_status[4], e->f_status[5],
	    e->last_status, e->last_errno);
	if (k < 0 || (size_t)k >= cap)
		out[cap - 1] = '\0';
}

/* ------------------------------------------------------------------ idle */
struct idle_rep { long connected, failed, open, dropped; long f_connect, f_timeout, f_closed,
	f_proto, f_4xx, f_5xx; int last_status, last_errno; int64_t ms; uint64_t pings; };

static void idle_child(long first, long n, int wfd)
{
	struct eng e;
	struct idle_rep r;
	int64_t t0;
	eng_init(&e, first, n, U_n);
	t0 = mono_ms();
	connect_all(&e);
	memset(&r, 0, sizeof(r));
	r.connected = e.open + e.dropped;
	r.failed = e.failed;
	r.f_connect = e.f_connect; r.f_timeout = e.f_timeout; r.f_closed = e.f_closed;
	r.f_proto = e.f_proto; r.f_4xx = e.f_status[4]; r.f_5xx = e.f_status[5];
	r.last_status = e.last_status; r.last_errno = e.last_errno;
	r.ms = mono_ms() - t0;
	if (write(wfd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(1);
	while (!g_stop)
		eng_poll(&e, 200, -1, 0);
	r.open = e.open;
	r.dropped = e.dropped;
	r.pings = e.pings;
	if (write(wfd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(1);
	_exit(0);
}

static int read_full(int fd, void *p, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, (char *)p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static int run_idle(void)
{
	long per;
	int procs = O.procs, p[2], k;
	pid_t pids[MAX_PROCS];
	struct idle_rep r, sum;
	int64_t ms_max = 0;
	long lim = nofile_max() - 64;
	if (procs <= 0)
		procs = (int)((O.n + lim - 1) / lim);
	if (procs < 1)
		procs = 1;
	if (procs > MAX_PROCS)
		die("%ld connections need more than %d processes", O.n, MAX_PROCS);
	per = (O.n + procs - 1) / procs;
	raise_nofile(per + 32);
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	for (k = 0; k < procs; k++) {
		long first = k * per, n = first + per > O.n ? O.n - first : per;
		if (n <= 0) {
			procs = k;
			break;
		}
		pids[k] = fork();
		if (pids[k] < 0)
			die("fork: %s", strerror(errno));
		if (pids[k] == 0) {
			close(p[0]);
			rng_state ^= (uint64_t)getpid() << 20;
			idle_child(first, n, p[1]);
		}
	}
	close(p[1]);
	memset(&sum, 0, sizeof(sum));
	for (k = 0; k < procs; k++) {
		if (read_full(p[0], &r, sizeof(r)) < 0)
			die("a connecting process died");
		sum.connected += r.connected;
		sum.failed += r.failed;
		sum.f_connect += r.f_connect; sum.f_timeout += r.f_timeout; sum.f_closed += r.f_closed;
		sum.f_proto += r.f_proto; sum.f_4xx += r.f_4xx; sum.f_5xx += r.f_5xx;
		if (r.last_status) sum.last_status = r.last_status;
		if (r.last_errno) sum.last_errno = r.last_errno;
		if (r.ms > ms_max) ms_max = r.ms;
	}
	printf("ready system=%s connected=%ld failed=%ld procs=%d seconds=%.2f conn_per_s=%.0f "
	    "fail_connect=%ld fail_timeout=%ld fail_closed=%ld fail_proto=%ld fail_4xx=%ld fail_5xx=%ld "
	    "last_status=%d last_errno=%d\n",
	    O.label, sum.connected, sum.failed, procs, (double)ms_max / 1000.0,
	    ms_max > 0 ? (double)sum.connected * 1000.0 / (double)ms_max : 0.0,
	    sum.f_connect, sum.f_timeout, sum.f_closed, sum.f_proto, sum.f_4xx, sum.f_5xx,
	    sum.last_status, sum.last_errno);
	fflush(stdout);
	{
		int64_t until = mono_ms() + (int64_t)(O.hold * 1000.0);
		while (!g_stop && mono_ms() < until)
			usleep(50000);
	}
	for (k = 0; k < procs; k++)
		kill(pids[k], SIGTERM);
	for (k = 0; k < procs; k++) {
		if (read_full(p[0], &r, sizeof(r)) < 0)
			break;
		sum.open += r.open;
		sum.dropped += r.dropped;
		sum.pings += r.pings;
	}
	for (k = 0; k < procs; k++)
		waitpid(pids[k], NULL, 0);
	printf("done system=%s open=%ld dropped=%ld pings=%" PRIu64 "\n", O.label, sum.open, sum.dropped,
	    sum.pings);
	fflush(stdout);
	return 0;
}

/* ------------------------------------------------------------------ publisher (forked) */
enum { CMD_WARM = 1, CMD_STEP, CMD_QUIT };
struct pcmd { int op, mode; double ev_rate, seconds; };
struct pres { uint64_t sent, acks, errors, backlog_max, short_by; double elapsed, send_s;
	uint32_t ntargets; };

struct pconn { int fd, want_out; char *out; size_t olen, ooff, ocap; char *in; size_t ilen;
	uint64_t reqs, acks; };

static struct {
	int kind;                    /* 0 redis, 1 http */
	char host[64];
	int port;
	char prefix[256];
	const char *password;
	char sha[41];
	struct pconn c[PUB_MAXC];
	int nc, rr, ep;
	long ngroups;
	char **gcsv;
	size_t *gcsvlen;
	uint32_t *seq[2];
	long cursor[2];
	uint64_t errors, backlog_max;
	int closed;
} P;

static void pub_parse_url(const char *url)
{
	const char *p, *colon, *slash;
	size_t hl;
	if (strncmp(url, "redis://", 8) == 0) {
		P.kind = 0;
		p = url + 8;
	} else if (strncmp(url, "http://", 7) == 0) {
		P.kind = 1;
		p = url + 7;
	} else {
		die("--pub: redis://HOST:PORT or http://HOST:PORT/PREFIX");
	}
	colon = strchr(p, ':');
	if (colon == NULL)
		die("--pub: no port");
	hl = (size_t)(colon - p);
	if (hl == 0 || hl >= sizeof(P.host))
		die("--pub: bad host");
	memcpy(P.host, p, hl);
	P.host[hl] = '\0';
	slash = strchr(colon, '/');
	{
		char port[8];
		size_t pl = slash ? (size_t)(slash - colon - 1) : strlen(colon + 1);
		if (pl == 0 || pl >= sizeof(port))
			die("--pub: bad port");
		memcpy(port, colon + 1, pl);
		port[pl] = '\0';
		P.port = (int)parse_long(port, 1, 65535, "publisher port");
	}
	if (P.kind == 1) {
		if (slash == NULL || strlen(slash) >= sizeof(P.prefix))
			die("--pub: http URL needs a path prefix");
		memcpy(P.prefix, slash, strlen(slash) + 1);
	}
	P.password = getenv("WSLOAD_REDIS_PASSWORD");
}

static int tcp_connect_blocking(const char *host, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	if (fd < 0 || inet_pton(AF_INET, host, &a.sin_addr) != 1)
		die("publisher: bad address %s", host);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("publisher: connect %s:%d: %s", host, port, strerror(errno));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* length of one RESP reply at p[0..n): 0 when incomplete, -1 malformed; *err for '-' */
static long resp_len(const char *p, size_t n, int *err, int depth)
{
	const char *nl;
	long v, off, i;
	if (n < 3 || depth > 4)
		return n < 3 ? 0 : -1;
	nl = memmem(p, n, "\r\n", 2);
	if (nl == NULL)
		return 0;
	off = nl - p + 2;
	switch (p[0]) {
	case '-':
		*err = 1;
		/* fall through */
	case '+':
	case ':':
		return off;
	case '$':
		v = strtol(p + 1, NULL, 10);
		if (v < 0)
			return off;
		if ((size_t)off + (size_t)v + 2 > n)
			return 0;
		return off + v + 2;
	case '*':
		v = strtol(p + 1, NULL, 10);
		for (i = 0; i < v; i++) {
			long k = resp_len(p + off, n - (size_t)off, err, depth + 1);
			if (k <= 0)
				return k;
			off += k;
		}
		return off;
	default:
		return -1;
	}
}

/* length of one HTTP response at p[0..n) (Content-Length or chunked body) */
static long http_len(const char *p, size_t n, int *status)
{
	const char *end = memmem(p, n, "\r\n\r\n", 4), *l;
	long hl, cl = 0;
	int chunked = 0;
	if (end == NULL)
		return n > 65536 ? -1 : 0;
	hl = end - p + 4;
	if (n < 12 || strncmp(p, "HTTP/1.", 7) != 0)
		return -1;
	*status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	for (l = memmem(p, (size_t)hl, "\r\n", 2); l && l < end; l = memmem(l + 2, (size_t)(end - l), "\r\n", 2)) {
		if (strncasecmp(l + 2, "Content-Length:", 15) == 0)
			cl = strtol(l + 17, NULL, 10);
		else if (strncasecmp(l + 2, "Transfer-Encoding:", 18) == 0 && memmem(l + 20, 16, "chunked", 7))
			chunked = 1;
	}
	if (!chunked)
		return (size_t)(hl + cl) <= n ? hl + cl : 0;
	{
		long off = hl;
		for (;;) {
			const char *nl = memmem(p + off, n - (size_t)off, "\r\n", 2);
			long sz;
			if (nl == NULL)
				return 0;
			sz = strtol(p + off, NULL, 16);
			off = nl - p + 2;
			if (sz == 0)
				return (size_t)off + 2 <= n ? off + 2 : 0;
			if ((size_t)(off + sz + 2) > n)
				return 0;
			off += sz + 2;
		}
	}
}

static void pconn_out_reserve(struct pconn *c, size_t more)
{
	if (c->ooff > 0 && c->ooff == c->olen)
		c->ooff = c->olen = 0;
	if (c->olen + more <= c->ocap)
		return;
	if (c->ooff > 0) {
		memmove(c->out, c->out + c->ooff, c->olen - c->ooff);
		c->olen -= c->ooff;
		c->ooff = 0;
		if (c->olen + more <= c->ocap)
			return;
	}
	while (c->olen + more > c->ocap)
		c->ocap = c->ocap ? c->ocap * 2 : 1 << 20;
	c->out = xrealloc(c->out, c->ocap);
}

static void pconn_append(struct pconn *c, const char *s, size_t n)
{
	pconn_out_reserve(c, n);
	memcpy(c->out + c->olen, s, n);
	c->olen += n;
}

static void pconn_set_out(struct pconn *c, int idx)
{
	int want = c->olen > c->ooff;
	struct epoll_event ev = { .events = EPOLLIN | (want ? EPOLLOUT : 0), .data.u64 = (uint64_t)idx };
	if (want != c->want_out) {
		epoll_ctl(P.ep, EPOLL_CTL_MOD, c->fd, &ev);
		c->want_out = want;
	}
}

static void pconn_flush(struct pconn *c, int idx)
{
	while (c->olen > c->ooff) {
		ssize_t w = write(c->fd, c->out + c->ooff, c->olen - c->ooff);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			break;
		if (w <= 0) {
			P.closed = 1;
			break;
		}
		c->ooff += (size_t)w;
	}
	if (c->olen - c->ooff > P.backlog_max)
		P.backlog_max = c->olen - c->ooff;
	pconn_set_out(c, idx);
}

static void pconn_read(struct pconn *c)
{
	for (;;) {
		ssize_t r = read(c->fd, c->in + c->ilen, (1 << 20) - c->ilen);
		size_t off = 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0) {
			P.closed = 1;
			return;
		}
		c->ilen += (size_t)r;
		for (;;) {
			int err = 0, status = 0;
			long k = P.kind == 0 ? resp_len(c->in + off, c->ilen - off, &err, 0)
			    : http_len(c->in + off, c->ilen - off, &status);
			if (k < 0) {
				P.closed = 1;
				return;
			}
			if (k == 0)
				break;
			if (P.kind == 1 && (status < 200 || status > 299))
				err = 1;
			if (err)
				P.errors++;
			c->acks++;
			off += (size_t)k;
		}
		memmove(c->in, c->in + off, c->ilen - off);
		c->ilen -= off;
		if (c->ilen >= (1 << 20))
			die("publisher: reply larger than 1 MiB");
	}
}

/* blocking request/reply during setup (AUTH, SCRIPT LOAD) */
static void pub_sync(struct pconn *c, const char *req, size_t n, char *reply, size_t cap)
{
	size_t got = 0;
	int err = 0;
	if (write(c->fd, req, n) != (ssize_t)n)
		die("publisher: write failed");
	for (;;) {
		ssize_t r = read(c->fd, reply + got, cap - 1 - got);
		long k;
		if (r <= 0)
			die("publisher: the broker closed the connection during setup");
		got += (size_t)r;
		reply[got] = '\0';
		k = resp_len(reply, got, &err, 0);
		if (k < 0 || err)
			die("publisher: setup failed: %.200s", reply);
		if (k > 0)
			return;
		if (got + 1 >= cap)
			die("publisher: setup reply too large");
	}
}

static const char GROUP_LUA[] =
	"local n = 0\n"
	"for u in string.gmatch(ARGV[2], '[^,]+') do\n"
	"  redis.call('PUBLISH', 'user:' .. u, ARGV[1])\n"
	"  n = n + 1\n"
	"end\n"
	"return n\n";

static void pub_setup(long users)
{
	int i;
	long g;
	P.ep = epoll_create1(EPOLL_CLOEXEC);
	P.nc = P.kind == 0 ? 1 : 2;
	for (i = 0; i < P.nc; i++) {
		struct pconn *c = &P.c[i];
		c->fd = tcp_connect_blocking(P.host, P.port);
		c->in = xmalloc(1 << 20);
	}
	if (P.kind == 0) {
		char req[1024], rep[256];
		int k;
		if (P.password && *P.password) {
			k = snprintf(req, sizeof(req), "*2\r\n$4\r\nAUTH\r\n$%zu\r\n%s\r\n", strlen(P.password), P.password);
			if (k < 0 || (size_t)k >= sizeof(req))
				die("publisher: password too long");
			pub_sync(&P.c[0], req, (size_t)k, rep, sizeof(rep));
		}
		k = snprintf(req, sizeof(req), "*3\r\n$6\r\nSCRIPT\r\n$4\r\nLOAD\r\n$%zu\r\n%s\r\n",
		    strlen(GROUP_LUA), GROUP_LUA);
		if (k < 0 || (size_t)k >= sizeof(req))
			die("publisher: script too long");
		pub_sync(&P.c[0], req, (size_t)k, rep, sizeof(rep));
		if (rep[0] != '$' || strstr(rep, "\r\n") == NULL || strlen(strstr(rep, "\r\n") + 2) < 40)
			die("publisher: SCRIPT LOAD answered %.100s", rep);
		memcpy(P.sha, strstr(rep, "\r\n") + 2, 40);
		P.sha[40] = '\0';
	}
	for (i = 0; i < P.nc; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)i };
		fcntl(P.c[i].fd, F_SETFL, fcntl(P.c[i].fd, F_GETFL) | O_NONBLOCK);
		epoll_ctl(P.ep, EPOLL_CTL_ADD, P.c[i].fd, &ev);
	}
	/* groups: users g*G .. g*G+G-1, their ids joined by commas */
	P.ngroups = users / O.group;
	P.gcsv = xcalloc((size_t)(P.ngroups ? P.ngroups : 1), sizeof(char *));
	P.gcsvlen = xcalloc((size_t)(P.ngroups ? P.ngroups : 1), sizeof(size_t));
	for (g = 0; g < P.ngroups; g++) {
		size_t len = 0, cap = (size_t)O.group * 65;
		long u;
		P.gcsv[g] = xmalloc(cap);
		for (u = g * O.group; u < (g + 1) * O.group; u++) {
			size_t l = strlen(U_id[u]);
			if (len)
				P.gcsv[g][len++] = ',';
			memcpy(P.gcsv[g] + len, U_id[u], l);
			len += l;
		}
		P.gcsv[g][len] = '\0';
		P.gcsvlen[g] = len;
	}
	P.seq[MODE_1TO1] = xcalloc((size_t)users, sizeof(uint32_t));
	P.seq[MODE_GROUP] = xcalloc((size_t)(P.ngroups ? P.ngroups : 1), sizeof(uint32_t));
}

/* queue one event for target t of mode (seq 0 = warm-up, to user t) */
static void pub_event(int mode, long t, uint32_t seq)
{
	char pay[160], hdr[512];
	int pl, hl;
	struct pconn *c = &P.c[P.rr++ % P.nc];
	const char *dest;
	size_t dlen;
	pl = snprintf(pay, sizeof(pay), "{\"id\":\"\",\"type\":\"bench\",\"ts\":\"\",\"data\":{\"seq\":%" PRIu32
	    ",\"t\":%" PRIu64 "}}", seq, real_ns());
	if (pl < 0 || (size_t)pl >= sizeof(pay))
		die("payload too long");
	if (mode == MODE_GROUP) {
		dest = P.gcsv[t];
		dlen = P.gcsvlen[t];
	} else {
		dest = U_id[t];
		dlen = strlen(dest);
	}
	if (P.kind == 0 && mode == MODE_1TO1) {
		hl = snprintf(hdr, sizeof(hdr), "*3\r\n$7\r\nPUBLISH\r\n$%zu\r\nuser:%s\r\n$%d\r\n", dlen + 5, dest, pl);
	} else if (P.kind == 0) {
		hl = snprintf(hdr, sizeof(hdr), "*5\r\n$7\r\nEVALSHA\r\n$40\r\n%s\r\n$1\r\n0\r\n$%d\r\n", P.sha, pl);
	} else {
		/* the destination goes in the request line, written separately (it can be 3.7 KB) */
		pconn_append(c, "POST ", 5);
		pconn_append(c, P.prefix, strlen(P.prefix));
		pconn_append(c, dest, dlen);
		hl = snprintf(hdr, sizeof(hdr), " HTTP/1.1\r\nHost: %s:%d\r\nAccept: text/json\r\n"
		    "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", P.host, P.port, pl);
	}
	if (hl < 0 || (size_t)hl >= sizeof(hdr))
		die("request header too long");
	pconn_append(c, hdr, (size_t)hl);
	pconn_append(c, pay, (size_t)pl);
	if (P.kind == 0 && mode == MODE_GROUP) {
		char l[32];
		int k = snprintf(l, sizeof(l), "\r\n$%zu\r\n", dlen);
		pconn_append(c, l, (size_t)k);
		pconn_append(c, dest, dlen);
		pconn_append(c, "\r\n", 2);
	} else if (P.kind == 0) {
		pconn_append(c, "\r\n", 2);
	}
	c->reqs++;
}

static void pub_pump(int ms)
{
	struct epoll_event evs[PUB_MAXC];
	int i, k;
	for (i = 0; i < P.nc; i++)
		pconn_flush(&P.c[i], i);
	k = epoll_wait(P.ep, evs, PUB_MAXC, ms);
	for (i = 0; i < k; i++) {
		int idx = (int)evs[i].data.u64;
		if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
			pconn_read(&P.c[idx]);
		if (evs[i].events & EPOLLOUT)
			pconn_flush(&P.c[idx], idx);
	}
}

static size_t pub_backlog(void)
{
	size_t b = 0;
	int i;
	for (i = 0; i < P.nc; i++)
		b += P.c[i].olen - P.c[i].ooff;
	return b;
}

static int pub_all_acked(void)
{
	int i;
	for (i = 0; i < P.nc; i++)
		if (P.c[i].acks < P.c[i].reqs)
			return 0;
	return 1;
}

static void publisher(int rfd, int wfd, long users)
{
	struct pcmd cmd;
	pub_setup(users);
	for (;;) {
		struct pres res;
		uint64_t t0, total, sent = 0, acks0 = 0;
		long ntargets;
		int i, mode;
		if (read_full(rfd, &cmd, sizeof(cmd)) < 0 || cmd.op == CMD_QUIT)
			_exit(0);
		memset(&res, 0, sizeof(res));
		P.errors = 0;
		P.backlog_max = 0;
		for (i = 0; i < P.nc; i++)
			acks0 += P.c[i].acks;
		t0 = mono_ns();
		mode = cmd.mode;
		if (cmd.op == CMD_WARM) {
			long u;
			for (u = 0; u < users; u++)
				pub_event(MODE_1TO1, u, 0);
			sent = (uint64_t)users;
			ntargets = 0;
		} else {
			ntargets = mode == MODE_GROUP ? P.ngroups : users;
			total = (uint64_t)(cmd.ev_rate * cmd.seconds + 0.5);
			while (sent < total && !P.closed) {
				uint64_t el = mono_ns() - t0;
				uint64_t due = (uint64_t)((double)el * cmd.ev_rate / 1e9) + 1;
				if (due > total)
					due = total;
				/* a broker that does not keep up: stop offering instead of queueing without end */
				while (sent < due && pub_backlog() < PUB_BACKLOG) {
					long t = P.cursor[mode];
					P.cursor[mode] = (t + 1) % ntargets;
					pub_event(mode, t, ++P.seq[mode][t]);
					sent++;
				}
				if (el > (uint64_t)((cmd.seconds + 1.0) * 1e9))
					break;
				pub_pump(1);
			}
			res.short_by = total - sent;
		}
		res.send_s = (double)(mono_ns() - t0) / 1e9;
		/* until everything is acknowledged (the broker has it), at most 20 s */
		{
			uint64_t lim = mono_ns() + 20000000000ull;
			while (!pub_all_acked() && !P.closed && mono_ns() < lim)
				pub_pump(5);
		}
		res.elapsed = (double)(mono_ns() - t0) / 1e9;
		res.sent = sent;
		for (i = 0; i < P.nc; i++)
			res.acks += P.c[i].acks;
		res.acks -= acks0;
		res.errors = P.errors + (P.closed ? 1 : 0);
		res.backlog_max = P.backlog_max;
		res.ntargets = (uint32_t)ntargets;
		if (write(wfd, &res, sizeof(res)) != (ssize_t)sizeof(res))
			_exit(1);
		if (ntargets > 0 && write(wfd, P.seq[mode], sizeof(uint32_t) * (size_t)ntargets) !=
		    (ssize_t)(sizeof(uint32_t) * (size_t)ntargets))
			_exit(1);
	}
}

/* ------------------------------------------------------------------ fanout */
static struct eng *F;
static uint32_t *F_seq[2];          /* per target: the seq the publisher reached */

static uint64_t parse_num_after(const char *p, size_t n, const char *key, size_t kl, int *ok)
{
	const char *k = memmem(p, n, key, kl);
	uint64_t v = 0;
	size_t i;
	*ok = 0;
	if (k == NULL)
		return 0;
	i = (size_t)(k - p) + kl;
	while (i < n && p[i] >= '0' && p[i] <= '9') {
		v = v * 10 + (uint64_t)(p[i] - '0');
		i++;
		*ok = 1;
	}
	return v;
}

static void fan_msg(struct eng *e, struct conn *c, const char *p, size_t n, uint64_t now)
{
	int ok1, ok2;
	uint64_t seq = parse_num_after(p, n, "\"seq\":", 6, &ok1);
	uint64_t t = parse_num_after(p, n, "\"t\":", 4, &ok2);
	if (!ok1 || !ok2) {
		e->junk++;
		return;
	}
	if (seq == 0) {
		c->warm = 1;
		return;
	}
	if (!e->active || t < e->t0_rt || !c->in_step) {
		e->late++;
		return;
	}
	if (seq == c->next) {
		c->next++;
	} else if (seq > c->next) {
		e->gap += seq - c->next;
		c->lossy = 1;
		c->next = (uint32_t)seq + 1;
	} else {
		e->dup++;
		return;
	}
	e->recv++;
	hist_add(e->h, now > t ? now - t : 0);
	e->last_rt = now;
	e->last_mono = mono_ms();
}

struct stepres { long rate; int mode; uint64_t events, expected, recv, lost, late, dup, closed;
	long conns_lost; double dps, pub_eps, want_eps; uint64_t p50, p99, maxus, acks, pub_errors,
	short_by; int sustained; };

static int g_pub_r = -1, g_pub_w = -1;
static long g_conns_per_user;

static long target_of(int mode, const struct conn *c)
{
	return mode == MODE_GROUP ? (long)c->user / O.group : (long)c->user;
}

/* run the loop until the publisher's result (and seq array) is in */
static void wait_pub(struct pres *res, int mode)
{
	char *buf = (char *)res;
	size_t need = sizeof(*res), got = 0;
	int phase = 0;
	while (!g_stop) {
		if (eng_poll(F, 20, g_pub_r, UINT64_MAX)) {
			for (;;) {
				char *dst = phase == 0 ? buf : (char *)F_seq[mode];
				ssize_t r = read(g_pub_r, dst + got, need - got);
				if (r < 0 && (errno == EAGAIN || errno == EINTR))
					break;
				if (r <= 0)
					die("the publisher died");
				got += (size_t)r;
				if (got < need)
					continue;
				if (phase == 0 && res->ntargets > 0) {
					phase = 1;
					got = 0;
					need = sizeof(uint32_t) * res->ntargets;
					continue;
				}
				return;
			}
		}
	}
	die("interrupted");
}

static void send_cmd(int op, int mode, double ev_rate, double seconds)
{
	struct pcmd c = { .op = op, .mode = mode, .ev_rate = ev_rate, .seconds = seconds };
	if (write(g_pub_w, &c, sizeof(c)) != (ssize_t)sizeof(c))
		die("the publisher is gone");
}

static void warm_up(void)
{
	int round;
	long i, warm = 0, open = 0;
	int64_t t0 = mono_ms();
	for (round = 0; round < 6 && !g_stop; round++) {
		struct pres res;
		int64_t until;
		send_cmd(CMD_WARM, MODE_1TO1, 0, 0);
		wait_pub(&res, MODE_1TO1);
		until = mono_ms() + 1500;
		do {
			eng_poll(F, 20, -1, 0);
			for (warm = open = i = 0; i < F->n; i++) {
				if (F->c[i].st != ST_OPEN)
					continue;
				open++;
				warm += F->c[i].warm;
			}
		} while (warm < open && mono_ms() < until);
		if (warm == open)
			break;
	}
	printf("# warm-up: %ld of %ld open connections received a seq-0 event (%.1f s)\n", warm, open,
	    (double)(mono_ms() - t0) / 1000.0);
	fflush(stdout);
}

/* kind: "step", or "warm" for the unmeasured first step of a mode (JIT, caches, buffers) */
static void run_step(int mode, long rate, double seconds, const char *kind, int try_no,
    struct stepres *s)
{
	struct pres res;
	long i;
	double per_event = (double)g_conns_per_user * (mode == MODE_GROUP ? O.group : 1);
	double ev_rate = (double)rate / per_event;
	uint64_t expected = 0;
	int64_t pub_done;
	memset(s, 0, sizeof(*s));
	memset(F->h, 0, sizeof(*F->h));
	F->recv = F->gap = F->dup = F->late = 0;
	for (i = 0; i < F->n; i++) {
		struct conn *c = &F->c[i];
		c->in_step = c->st == ST_OPEN;
		c->lossy = 0;
		c->base = F_seq[mode][target_of(mode, c)];
		c->next = c->base + 1;
	}
	{
		long dropped0 = F->dropped;
		F->t0_rt = real_ns();
		F->last_rt = F->t0_rt;
		F->last_mono = mono_ms();
		F->active = 1;
		send_cmd(CMD_STEP, mode, ev_rate, seconds);
		wait_pub(&res, mode);
		pub_done = mono_ms();
		for (i = 0; i < F->n; i++) {
			struct conn *c = &F->c[i];
			if (c->in_step)
				expected += F_seq[mode][target_of(mode, c)] - c->base;
		}
		/* drain: everything in, or nothing for drain_quiet seconds, or drain_max */
		while (!g_stop && F->recv < expected) {
			int64_t now = mono_ms();
			if (now - F->last_mono > (int64_t)(O.drain_quiet * 1000) &&
			    now - pub_done > (int64_t)(O.drain_quiet * 1000))
				break;
			if (now - pub_done > (int64_t)(O.drain_max * 1000))
				break;
			eng_poll(F, 20, -1, 0);
		}
		F->active = 0;
		s->closed = (uint64_t)(F->dropped - dropped0);
	}
	s->rate = rate;
	s->mode = mode;
	s->events = res.sent;
	s->expected = expected;
	s->recv = F->recv;
	s->lost = expected > F->recv ? expected - F->recv : 0;
	s->late = F->late;
	s->dup = F->dup;
	for (i = 0; i < F->n; i++) {
		struct conn *c = &F->c[i];
		if (c->in_step && (c->lossy || c->next - 1 != F_seq[mode][target_of(mode, c)]))
			s->conns_lost++;
	}
	{
		double win = (double)(F->last_rt - F->t0_rt) / 1e9;
		s->dps = win > 0 ? (double)F->recv / win : 0;
	}
	s->want_eps = ev_rate;
	s->pub_eps = res.send_s > 0 ? (double)res.sent / res.send_s : 0;
	s->p50 = hist_q(F->h, 0.50);
	s->p99 = hist_q(F->h, 0.99);
	s->maxus = F->h->max_ns / 1000;
	s->acks = res.acks;
	s->pub_errors = res.errors;
	s->short_by = res.short_by;
	s->sustained = s->lost == 0 && s->dup == 0 && s->closed == 0 && res.errors == 0 &&
	    res.short_by == 0 && s->recv > 0 && (double)s->p99 < O.p99_ms * 1000.0;
	printf("%s system=%s mode=%s rate=%ld try=%d conns=%ld users=%ld events=%" PRIu64 " want_eps=%.0f "
	    "expected=%" PRIu64 " delivered=%" PRIu64 " lost=%" PRIu64 " conns_lost=%ld late=%" PRIu64
	    " dup=%" PRIu64 " closed=%" PRIu64 " dps=%.0f p50_us=%" PRIu64 " p99_us=%" PRIu64
	    " max_us=%" PRIu64 " acks=%" PRIu64 " pub_errors=%" PRIu64 " pub_short=%" PRIu64
	    " pub_backlog_max=%" PRIu64 " sustained=%d\n",
	    kind, O.label, mode == MODE_GROUP ? "group" : "1to1", rate, try_no, F->open, U_n, s->events,
	    s->want_eps,
	    s->expected, s->recv, s->lost, s->conns_lost, s->late, s->dup, s->closed, s->dps, s->p50,
	    s->p99, s->maxus, s->acks, s->pub_errors, s->short_by, res.backlog_max, s->sustained);
	fflush(stdout);
}

/* one measured rate. A step that failed on its tail only (nothing lost, the median under the
 * p99 limit, the publisher on time) is tried again (--retry times): on a shared machine a
 * neighbour's burst costs a step its p99. A loss, a median over the limit (the system is
 * behind) or a short publisher are final. */
static void measure(int mode, long rate, struct stepres *s)
{
	int t;
	run_step(mode, rate, O.step, "step", 1, s);
	for (t = 0; t < O.retry && !s->sustained && s->lost == 0 && s->closed == 0 && s->dup == 0 &&
	    s->short_by == 0 && s->pub_errors == 0 && (double)s->p50 < O.p99_ms * 1000.0 && !g_stop; t++)
		run_step(mode, rate, O.step, "step", t + 2, s);
}

static long round_rate(long r)
{
	return r >= 10000 ? (r + 500) / 1000 * 1000 : (r + 50) / 100 * 100;
}

static int run_fanout(void)
{
	int p1[2], p2[2], mi;
	pid_t pid;
	long i;
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = UINT64_MAX };
	if (O.pub == NULL || O.nrates == 0 || O.nmodes == 0)
		die("fanout needs --pub, --rates and --modes");
	if (O.n % U_n != 0)
		die("-n (%ld) must be a multiple of the user count (%ld)", O.n, U_n);
	g_conns_per_user = O.n / U_n;
	for (mi = 0; mi < O.nmodes; mi++)
		if (O.modes[mi] == MODE_GROUP && (U_n % O.group != 0 || U_n < O.group))
			die("group mode: the user count (%ld) must be a multiple of --group (%d)", U_n, O.group);
	pub_parse_url(O.pub);
	raise_nofile(O.n + 64);
	/* the publisher is forked before any client socket exists, so it holds none of them */
	if (pipe2(p1, O_CLOEXEC) < 0 || pipe2(p2, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(p1[1]);
		close(p2[0]);
		publisher(p1[0], p2[1], U_n);
	}
	close(p1[0]);
	close(p2[1]);
	g_pub_w = p1[1];
	g_pub_r = p2[0];
	fcntl(g_pub_r, F_SETFL, fcntl(g_pub_r, F_GETFL) | O_NONBLOCK);

	F = xcalloc(1, sizeof(*F));
	eng_init(F, 0, O.n, U_n);
	F->fanout = 1;
	F->h = xcalloc(1, sizeof(struct hist));
	if (epoll_ctl(F->ep, EPOLL_CTL_ADD, g_pub_r, &ev) < 0)
		die("epoll_ctl: %s", strerror(errno));
	F_seq[MODE_1TO1] = xcalloc((size_t)U_n, sizeof(uint32_t));
	F_seq[MODE_GROUP] = xcalloc((size_t)(U_n / O.group + 1), sizeof(uint32_t));
	{
		int64_t t0 = mono_ms();
		char fs[512];
		connect_all(F);
		fail_summary(F, fs, sizeof(fs));
		printf("connected system=%s connected=%ld failed=%ld seconds=%.2f %s\n", O.label, F->open,
		    F->failed, (double)(mono_ms() - t0) / 1000.0, fs);
		fflush(stdout);
	}
	if (F->open == 0)
		die("no connection opened");
	warm_up();
	for (mi = 0; mi < O.nmodes && !g_stop; mi++) {
		int mode = O.modes[mi], ri;
		long best = 0, first_bad = 0, best_p99 = 0;
		struct stepres s, done[MAX_RATES + 16];
		int nd = 0, b;
		if (O.warm > 0)
			run_step(mode, O.rates[0], O.warm, "warm", 1, &s);
		for (ri = 0; ri < O.nrates && !g_stop; ri++) {
			measure(mode, O.rates[ri], &s);
			done[nd++] = s;
			if (!s.sustained) {
				first_bad = O.rates[ri];
				break;
			}
			best = O.rates[ri];
			best_p99 = (long)s.p99;
		}
		/* nothing sustained: halve down to an eighth of the first rate, so a slow system still
		 * gets a figure (and a ratio) instead of "below the ladder" */
		while (best == 0 && first_bad > O.rates[0] / 8 && !g_stop) {
			long r = round_rate(first_bad / 2);
			measure(mode, r, &s);
			done[nd++] = s;
			if (s.sustained) {
				best = r;
				best_p99 = (long)s.p99;
			} else {
				first_bad = r;
			}
		}
		for (b = 0; b < O.bisect && first_bad && !g_stop; b++) {
			long mid = round_rate((best + first_bad) / 2);
			if (mid <= best || mid >= first_bad)
				break;
			measure(mode, mid, &s);
			done[nd++] = s;
			if (s.sustained) {
				best = mid;
				best_p99 = (long)s.p99;
			} else {
				first_bad = mid;
			}
		}
		printf("max system=%s mode=%s sustained_dps=%ld p99_us_at_max=%ld first_unsustained=%ld%s\n",
		    O.label, mode == MODE_GROUP ? "group" : "1to1", best, best_p99, first_bad,
		    first_bad == 0 ? " (every rate tried was sustained)" : "");
		if (O.half && best > 0 && !g_stop) {
			long half = round_rate(best / 2);
			int found = 0, k;
			for (k = 0; k < nd; k++)
				if (done[k].rate == half) {
					s = done[k];
					found = 1;
				}
			if (!found)
				measure(mode, half, &s);
			printf("half system=%s mode=%s rate=%ld p50_us=%" PRIu64 " p99_us=%" PRIu64 " lost=%" PRIu64
			    " reused=%d\n", O.label, mode == MODE_GROUP ? "group" : "1to1", half, s.p50, s.p99,
			    s.lost, found);
		}
		fflush(stdout);
	}
	send_cmd(CMD_QUIT, 0, 0, 0);
	waitpid(pid, NULL, 0);
	for (i = 0; i < F->n; i++)
		if (F->c[i].fd >= 0)
			close(F->c[i].fd);
	{
		/* the client's own CPU (and the publisher's), to show it is not what limits a rate */
		struct rusage ru, rc;
		getrusage(RUSAGE_SELF, &ru);
		getrusage(RUSAGE_CHILDREN, &rc);
		printf("end system=%s frames=%" PRIu64 " junk=%" PRIu64 " dropped=%ld pings=%" PRIu64
		    " client_cpu_s=%.2f publisher_cpu_s=%.2f\n", O.label, F->frames, F->junk, F->dropped,
		    F->pings, (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
		    (double)(rc.ru_utime.tv_sec + rc.ru_stime.tv_sec) +
		    (double)(rc.ru_utime.tv_usec + rc.ru_stime.tv_usec) / 1e6);
	}
	return 0;
}

/* ------------------------------------------------------------------ main */
static void usage(void)
{
	fputs("usage: wsload idle|fanout --port P --tokens FILE -n N [options]\n"
	    "  common: --host A (127.0.0.1) --path T (/v1/ws, %u = user id) --auth bearer|ticket|none\n"
	    "          --users U --conc C (256 handshakes in flight) --src-base B (2: 127.0.0.2)\n"
	    "          --per-addr K (20000 connections per source address) --label NAME\n"
	    "  idle:   --procs K (auto) --hold S (3600; SIGTERM ends it)\n"
	    "  fanout: --pub redis://H:P | http://H:P/PREFIX --modes 1to1,group --rates R1,R2,...\n"
	    "          --step S (2) --group G (100) --bisect K (1) --half --p99-ms MS (10)\n"
	    "          --retry K (1: a step that failed on its p99 alone is tried again) --warm S (1)\n"
	    "          --drain-quiet S (1) --drain-max S (10)\n", stderr);
	exit(1);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "host", 1, 0, 'H' }, { "port", 1, 0, 'p' }, { "path", 1, 0, 'u' }, { "tokens", 1, 0, 'T' },
		{ "auth", 1, 0, 'a' }, { "users", 1, 0, 'U' }, { "procs", 1, 0, 'P' }, { "conc", 1, 0, 'c' },
		{ "hold", 1, 0, 'h' }, { "src-base", 1, 0, 'b' }, { "per-addr", 1, 0, 'A' },
		{ "label", 1, 0, 'l' }, { "pub", 1, 0, 'B' }, { "modes", 1, 0, 'm' }, { "rates", 1, 0, 'r' },
		{ "step", 1, 0, 's' }, { "group", 1, 0, 'g' }, { "bisect", 1, 0, 'i' }, { "half", 0, 0, 'f' },
		{ "p99-ms", 1, 0, '9' }, { "retry", 1, 0, 'R' }, { "warm", 1, 0, 'W' }, { "drain-quiet", 1, 0, 'q' }, { "drain-max", 1, 0, 'M' },
		{ 0, 0, 0, 0 }
	};
	const char *cmd;
	int o;
	struct sigaction sa;
	if (argc < 2)
		usage();
	cmd = argv[1];
	optind = 2;
	while ((o = getopt_long(argc, argv, "n:", lo, NULL)) != -1) {
		switch (o) {
		case 'H': O.host = optarg; break;
		case 'p': O.port = (int)parse_long(optarg, 1, 65535, "port"); break;
		case 'u': O.path = optarg; break;
		case 'T': O.tokens = optarg; break;
		case 'a':
			if (strcmp(optarg, "bearer") == 0) O.auth = AUTH_BEARER;
			else if (strcmp(optarg, "ticket") == 0) O.auth = AUTH_TICKET;
			else if (strcmp(optarg, "none") == 0) O.auth = AUTH_NONE;
			else usage();
			break;
		case 'n': O.n = parse_long(optarg, 1, 1000000, "-n"); break;
		case 'U': O.users = parse_long(optarg, 1, 1000000, "--users"); break;
		case 'P': O.procs = (int)parse_long(optarg, 1, MAX_PROCS, "--procs"); break;
		case 'c': O.conc = (int)parse_long(optarg, 1, 100000, "--conc"); break;
		case 'h': O.hold = parse_double(optarg, 0, 86400, "--hold"); break;
		case 'b': O.src_base = (int)parse_long(optarg, 1, 254, "--src-base"); break;
		case 'A': O.per_addr = (int)parse_long(optarg, 1, 60000, "--per-addr"); break;
		case 'l': O.label = optarg; break;
		case 'B': O.pub = optarg; break;
		case 'm': {
			char *s = strdup(optarg), *tok, *save = NULL;
			if (s == NULL)
				die("out of memory");
			for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				if (O.nmodes == 2)
					usage();
				if (strcmp(tok, "1to1") == 0) O.modes[O.nmodes++] = MODE_1TO1;
				else if (strcmp(tok, "group") == 0) O.modes[O.nmodes++] = MODE_GROUP;
				else usage();
			}
			free(s);
			break;
		}
		case 'r': {
			char *s = strdup(optarg), *tok, *save = NULL;
			if (s == NULL)
				die("out of memory");
			for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				if (O.nrates == MAX_RATES)
					die("at most %d rates", MAX_RATES);
				O.rates[O.nrates++] = parse_long(tok, 1, 100000000, "rate");
			}
			free(s);
			break;
		}
		case 's': O.step = parse_double(optarg, 0.2, 600, "--step"); break;
		case 'g': O.group = (int)parse_long(optarg, 1, 1000, "--group"); break;
		case 'i': O.bisect = (int)parse_long(optarg, 0, 8, "--bisect"); break;
		case 'f': O.half = 1; break;
		case 'R': O.retry = (int)parse_long(optarg, 0, 5, "--retry"); break;
		case 'W': O.warm = parse_double(optarg, 0, 60, "--warm"); break;
		case '9': O.p99_ms = parse_double(optarg, 0.01, 100000, "--p99-ms"); break;
		case 'q': O.drain_quiet = parse_double(optarg, 0.05, 60, "--drain-quiet"); break;
		case 'M': O.drain_max = parse_double(optarg, 0.1, 600, "--drain-max"); break;
		default: usage();
		}
	}
	if (O.port == 0 || O.tokens == NULL || O.n == 0)
		usage();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	{
		uint64_t seed;
		if (getrandom(&seed, sizeof(seed), 0) == (ssize_t)sizeof(seed) && seed)
			rng_state = seed;
	}
	g_rbuf = xmalloc(RBUF_SZ);
	setvbuf(stdout, NULL, _IOLBF, 0);
	load_tokens(O.tokens, O.users);
	if (strcmp(cmd, "idle") == 0)
		return run_idle();
	if (strcmp(cmd, "fanout") == 0)
		return run_fanout();
	usage();
	return 1;
}
