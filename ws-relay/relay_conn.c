/* relay_conn.c - one client socket: the state machine from upgrade request to
 * close, frame reading, the output queue and its limits (style.md 12-15).
 *
 * Reads are edge-triggered: read until EAGAIN. Idle sockets hold no buffers;
 * `in` exists only while a request head or a frame is incomplete, `msg` only
 * while a fragmented message is being assembled. Output is written directly
 * first; only what the kernel does not take is queued (by reference to the
 * shared frame), and EPOLLOUT is asked for only while the queue is not empty.
 * Past RELAY_OUTPUT_HARD_BYTES, or past the soft limit for longer than
 * RELAY_OUTPUT_SOFT_SECONDS, the socket is closed with 1013. */
#include "relay.h"
#include "ws_frame.h"
#include "ws_handshake.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sc_alloc.h"
#include "sc_log.h"
#include "sc_time.h"

static relay_conn *all_head;
static relay_conn *dead_head;
static size_t n_conns;
static uint8_t scratch[RELAY_SCRATCH];

static void on_io(relay_io *io, uint32_t ev);
static void try_read(relay_conn *c);

/* ---- frames ---- */
relay_frame *relay_frame_new(unsigned opcode, const void *payload, size_t n)
{
	uint8_t hdr[WS_SERVER_HDR_MAX];
	size_t h = opcode > 0xF ? 0 : ws_frame_header(hdr, opcode, n);
	relay_frame *f = sc_xmalloc(sizeof(*f) + h + n);

	f->refs = 1;
	f->len = (uint32_t)(h + n);
	memcpy(f->data, hdr, h);
	if (n)
		memcpy(f->data + h, payload, n);
	return f;
}

void relay_frame_unref(relay_frame *f)
{
	if (f != NULL && --f->refs == 0)
		free(f);
}

size_t relay_conn_count(void) { return n_conns; }
relay_conn *relay_conn_first(void) { return all_head; }

/* ---- lifecycle ---- */
void relay_conn_accept(int lfd)
{
	for (;;) {
		int one = 1, fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		relay_conn *c;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				sc_log(SC_LOG_WARN, "accept failed", "\"errno\":%d", errno);
			return;
		}
		if ((long long)n_conns >= relay_cfg.max_conns) {
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = sc_xcalloc(1, sizeof(*c));
		c->io.fd = fd;
		c->io.fn = on_io;
		c->state = RC_HANDSHAKE;
		c->since_rx = relay_now;
		c->deadline = relay_now + relay_cfg.handshake_s;
		c->next = all_head;
		if (all_head)
			all_head->prev = c;
		all_head = c;
		n_conns++;
		__atomic_add_fetch(&relay_m->accepted, 1, __ATOMIC_RELAXED);
		if (relay_loop_add(&c->io, EPOLLIN | EPOLLRDHUP | EPOLLET) < 0)
			relay_conn_kill(c);
	}
}

static void out_clear(relay_conn *c, int keep_partial)
{
	relay_qent *q = c->out_head, *nx;
	if (keep_partial && q != NULL && q->off > 0) {
		c->out_bytes = q->f->len - q->off;
		nx = q->next;
		q->next = NULL;
		c->out_tail = q;
		q = nx;
	} else {
		c->out_head = c->out_tail = NULL;
		c->out_bytes = 0;
	}
	for (; q; q = nx) {
		nx = q->next;
		relay_frame_unref(q->f);
		free(q);
	}
}

void relay_conn_kill(relay_conn *c)
{
	if (c->state == RC_DEAD)
		return;
	if (c->state == RC_OPEN || c->state == RC_CLOSING)
		__atomic_sub_fetch(&relay_m->connections, 1, __ATOMIC_RELAXED);
	relay_hub_detach(c);
	c->state = RC_DEAD;
	relay_loop_del(&c->io);
	close(c->io.fd);
	c->io.fd = -1;
	c->dead_next = dead_head;
	dead_head = c;
}

/* Free what was killed this iteration; a socket with a Redis reply still due
 * (hub) is kept until the reply came (relay_hub_detach took care of that). */
void relay_conn_reap(void)
{
	relay_conn *c, *nx, *keep = NULL;
	for (c = dead_head; c; c = nx) {
		relay_pending *p, *pn;
		nx = c->dead_next;
		if (c->redis_pending > 0) {
			c->dead_next = keep;
			keep = c;
			continue;
		}
		if (c->prev)
			c->prev->next = c->next;
		else
			all_head = c->next;
		if (c->next)
			c->next->prev = c->prev;
		n_conns--;
		__atomic_sub_fetch(&relay_m->bytes_queued, c->out_bytes, __ATOMIC_RELAXED);
		out_clear(c, 0);
		for (p = c->pend_head; p; p = pn) {
			pn = p->next;
			relay_frame_unref(p->f);
			free(p);
		}
		free(c->in);
		free(c->msg);
		free(c->hs);
		free(c);
	}
	dead_head = keep;
}

/* ---- output ---- */
static void want_out(relay_conn *c, int on)
{
	if (c->want_out == on || c->state == RC_DEAD)
		return;
	c->want_out = (uint8_t)on;
	relay_loop_mod(&c->io, EPOLLIN | EPOLLRDHUP | EPOLLET | (on ? EPOLLOUT : 0));
}

static void finish_if_done(relay_conn *c)
{
	if (c->state != RC_CLOSING || c->out_head != NULL)
		return;
	if (c->close_sent && c->close_recv) {
		/* everything said: half-close, let the peer close, read to EOF (or the deadline) */
		shutdown(c->io.fd, SHUT_WR);
		if (c->deadline > relay_now + 2)
			c->deadline = relay_now + 2;
	}
}

static void flush(relay_conn *c)
{
	while (c->out_head != NULL) {
		struct iovec iov[16];
		relay_qent *q = c->out_head;
		int n = 0;
		ssize_t w;

		for (; q && n < 16; q = q->next, n++) {
			iov[n].iov_base = q->f->data + q->off;
			iov[n].iov_len = q->f->len - q->off;
		}
		w = writev(c->io.fd, iov, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				want_out(c, 1);
				return;
			}
			relay_conn_kill(c);
			return;
		}
		__atomic_sub_fetch(&relay_m->bytes_queued, (uint64_t)w, __ATOMIC_RELAXED);
		c->out_bytes -= (size_t)w;
		while (w > 0 && c->out_head) {
			q = c->out_head;
			if ((size_t)w >= q->f->len - q->off) {
				w -= q->f->len - q->off;
				c->out_head = q->next;
				relay_frame_unref(q->f);
				free(q);
			} else {
				q->off += (uint32_t)w;
				w = 0;
			}
		}
		if (c->out_head == NULL)
			c->out_tail = NULL;
	}
	if ((long long)c->out_bytes < relay_cfg.out_soft)
		c->soft_since = 0;
	want_out(c, 0);
	finish_if_done(c);
}

static void enqueue(relay_conn *c, relay_frame *f, uint32_t off)
{
	relay_qent *q = sc_xmalloc(sizeof(*q));
	f->refs++;
	q->f = f;
	q->off = off;
	q->next = NULL;
	if (c->out_tail)
		c->out_tail->next = q;
	else
		c->out_head = q;
	c->out_tail = q;
	c->out_bytes += f->len - off;
	__atomic_add_fetch(&relay_m->bytes_queued, f->len - off, __ATOMIC_RELAXED);
}

static void slow_consumer(relay_conn *c)
{
	__atomic_add_fetch(&relay_m->slow_closes, 1, __ATOMIC_RELAXED);
	sc_log(SC_LOG_INFO, "slow consumer closed", "\"user_id\":\"%s\",\"queued\":%zu",
	    c->user_id, c->out_bytes);
	{
		size_t before = c->out_bytes;
		out_clear(c, 1);
		__atomic_sub_fetch(&relay_m->bytes_queued, before - c->out_bytes, __ATOMIC_RELAXED);
	}
	relay_conn_close(c, WS_CLOSE_TRY_LATER, "slow consumer");
}

/* Send f (a reference is taken for the queue if needed). */
static void send_any(relay_conn *c, relay_frame *f)
{
	if (c->state == RC_DEAD)
		return;
	__atomic_add_fetch(&relay_m->frames_out, 1, __ATOMIC_RELAXED);
	if (c->out_head == NULL) {
		ssize_t w;
		do
			w = write(c->io.fd, f->data, f->len);
		while (w < 0 && errno == EINTR);
		if (w == (ssize_t)f->len)
			return;
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			relay_conn_kill(c);
			return;
		}
		enqueue(c, f, w < 0 ? 0 : (uint32_t)w);
		want_out(c, 1);
	} else {
		enqueue(c, f, 0);
	}
	if ((long long)c->out_bytes > relay_cfg.out_hard)
		slow_consumer(c);
	else if ((long long)c->out_bytes > relay_cfg.out_soft && c->soft_since == 0)
		c->soft_since = relay_now;
}

void relay_conn_send(relay_conn *c, relay_frame *f)
{
	if (c->state != RC_OPEN)
		return;        /* nothing but the close frame after a close */
	send_any(c, f);
}

void relay_conn_send_text(relay_conn *c, const char *s, size_t n)
{
	relay_frame *f = relay_frame_new(WS_OP_TEXT, s, n);
	relay_conn_send(c, f);
	relay_frame_unref(f);
}

void relay_conn_close(relay_conn *c, uint16_t code, const char *reason)
{
	uint8_t pl[WS_CONTROL_MAX];
	relay_frame *f;
	size_t n;

	if (c->state == RC_HANDSHAKE || c->state == RC_AUTH) {
		relay_conn_kill(c);
		return;
	}
	if (c->state == RC_DEAD || c->close_sent)
		return;
	n = ws_close_payload(pl, code, reason ? reason : "");
	f = relay_frame_new(WS_OP_CLOSE, pl, n);
	c->state = RC_CLOSING;
	c->close_code = code;
	c->close_sent = 1;
	c->deadline = relay_now + RELAY_CLOSE_WAIT_S;
	relay_hub_detach(c);      /* no more deliveries */
	send_any(c, f);
	relay_frame_unref(f);
	if (c->state != RC_DEAD && c->out_head == NULL)
		finish_if_done(c);
}

/* An HTTP refusal before the upgrade, in the envelope (design.md section 3). */
void relay_conn_http_error(relay_conn *c, int status, const char *code, const char *msg,
    const char *extra_headers)
{
	char body[512], head[768], ts[SC_TIME_RFC3339_LEN], rid[40];
	const char *reason;
	relay_frame *f;
	int bn, hn;

	switch (status) {
	case 400: reason = "Bad Request"; break;
	case 401: reason = "Unauthorized"; break;
	case 403: reason = "Forbidden"; break;
	case 404: reason = "Not Found"; break;
	case 405: reason = "Method Not Allowed"; break;
	case 426: reason = "Upgrade Required"; break;
	case 431: reason = "Request Header Fields Too Large"; break;
	case 503: reason = "Service Unavailable"; break;
	default:  reason = "Internal Server Error"; break;
	}
	__atomic_add_fetch(&relay_m->handshakes_refused, 1, __ATOMIC_RELAXED);
	sc_time_now_rfc3339(ts);
	snprintf(rid, sizeof(rid), "ws-%08x%08x", (unsigned)random(), (unsigned)random());
	/* msg is static text of ours: no JSON escaping needed, but keep it safe anyway */
	bn = snprintf(body, sizeof(body),
	    "{\"success\":false,\"error\":{\"code\":\"%s\",\"message\":\"%s\"},"
	    "\"meta\":{\"timestamp\":\"%s\",\"request_id\":\"%s\"}}", code, msg, ts, rid);
	if (bn < 0 || (size_t)bn >= sizeof(body))
		bn = 0;
	hn = snprintf(head, sizeof(head),
	    "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
	    "X-Request-ID: %s\r\nCache-Control: no-store\r\nConnection: close\r\n%s\r\n",
	    status, reason, bn, rid, extra_headers ? extra_headers : "");
	if (hn < 0 || (size_t)hn >= sizeof(head)) {
		relay_conn_kill(c);
		return;
	}
	f = sc_xmalloc(sizeof(*f) + (size_t)hn + (size_t)bn);
	f->refs = 1;
	f->len = (uint32_t)(hn + bn);
	memcpy(f->data, head, (size_t)hn);
	memcpy(f->data + hn, body, (size_t)bn);
	c->state = RC_CLOSING;
	c->close_sent = c->close_recv = 1;
	c->deadline = relay_now + 2;
	relay_hub_detach(c);
	send_any(c, f);
	relay_frame_unref(f);
	if (c->state != RC_DEAD && c->out_head == NULL)
		finish_if_done(c);
}

void relay_conn_upgrade(relay_conn *c)
{
	char accept[WS_HS_ACCEPT_LEN + 1], resp[192];
	relay_frame *f;
	int n;

	ws_hs_accept(c->hs, strlen(c->hs), accept);
	n = snprintf(resp, sizeof(resp), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept);
	c->state = RC_OPEN;
	c->since_rx = relay_now;
	c->deadline = 0;
	__atomic_add_fetch(&relay_m->connections, 1, __ATOMIC_RELAXED);
	f = sc_xmalloc(sizeof(*f) + (size_t)n);
	f->refs = 1;
	f->len = (uint32_t)n;
	memcpy(f->data, resp, (size_t)n);
	send_any(c, f);
	relay_frame_unref(f);
	free(c->hs);
	c->hs = NULL;
}

/* Called by the hub after relay_conn_upgrade and the endpoint's own setup:
 * frames that came with the request (or during the auth) are read now. */
void relay_conn_resume(relay_conn *c);
void relay_conn_resume(relay_conn *c)
{
	if (c->state == RC_OPEN)
		try_read(c);
}

/* ---- input ---- */
/* Fail the connection: our close frame, then nothing more is read. */
static int fail(relay_conn *c, uint16_t code, const char *why)
{
	c->close_recv = 1;
	relay_conn_close(c, code, why);
	return -1;
}

static int on_control(relay_conn *c, const ws_frame *f, uint8_t *p)
{
	uint16_t code;
	int bad;

	switch (f->opcode) {
	case WS_OP_PING:
		if (c->state == RC_OPEN) {
			relay_frame *pong = relay_frame_new(WS_OP_PONG, p, (size_t)f->len);
			relay_conn_send(c, pong);
			relay_frame_unref(pong);
		}
		return 0;
	case WS_OP_PONG:
		c->awaiting_pong = 0;
		return 0;
	default:      /* close */
		bad = ws_close_parse(p, (size_t)f->len, &code);
		c->close_recv = 1;
		if (bad)
			return fail(c, (uint16_t)bad, "bad close frame");
		if (!c->close_sent)
			relay_conn_close(c, code == WS_CLOSE_NO_STATUS ? WS_CLOSE_NORMAL : code, "");
		else if (c->state == RC_CLOSING)
			finish_if_done(c);
		return -1;
	}
}

static int on_data(relay_conn *c, const ws_frame *f, uint8_t *p)
{
	size_t n = (size_t)f->len;

	if (f->opcode == WS_OP_CONT && c->frag_op == 0)
		return fail(c, WS_CLOSE_PROTOCOL, "continuation without a message");
	if (f->opcode != WS_OP_CONT && c->frag_op != 0)
		return fail(c, WS_CLOSE_PROTOCOL, "new message inside a fragmented one");
	if (c->state != RC_OPEN)
		return 0;                /* closing: data is dropped */
	if (f->opcode != WS_OP_CONT) {
		c->frag_op = f->opcode;
		c->utf8.state = 0;
		c->msg_len = 0;
	}
	if (c->frag_op == WS_OP_TEXT && ws_utf8_feed(&c->utf8, p, n) < 0)
		return fail(c, WS_CLOSE_BAD_DATA, "invalid UTF-8");
	if ((long long)c->msg_len + (long long)n > relay_cfg.max_message)
		return fail(c, WS_CLOSE_TOO_BIG, "message too big");
	if (f->fin && c->msg_len == 0) {
		int text = c->frag_op == WS_OP_TEXT;
		c->frag_op = 0;
		if (text && !ws_utf8_done(&c->utf8))
			return fail(c, WS_CLOSE_BAD_DATA, "invalid UTF-8");
		__atomic_add_fetch(&relay_m->frames_in, 1, __ATOMIC_RELAXED);
		relay_hub_message(c, p, n, text);
		return c->state == RC_OPEN ? 0 : -1;
	}
	if (c->msg_len + n > c->msg_cap) {
		size_t cap = c->msg_cap ? c->msg_cap : 1024;
		while (cap < c->msg_len + n)
			cap *= 2;
		c->msg = sc_xrealloc(c->msg, cap);
		c->msg_cap = (uint32_t)cap;
	}
	memcpy(c->msg + c->msg_len, p, n);
	c->msg_len += (uint32_t)n;
	if (f->fin) {
		int text = c->frag_op == WS_OP_TEXT;
		c->frag_op = 0;
		if (text && !ws_utf8_done(&c->utf8))
			return fail(c, WS_CLOSE_BAD_DATA, "invalid UTF-8");
		__atomic_add_fetch(&relay_m->frames_in, 1, __ATOMIC_RELAXED);
		relay_hub_message(c, c->msg, c->msg_len, text);
		c->msg_len = 0;
		if (c->msg_cap > 4096) {    /* do not keep big buffers on idle sockets */
			free(c->msg);
			c->msg = NULL;
			c->msg_cap = 0;
		}
		return c->state == RC_OPEN ? 0 : -1;
	}
	return 0;
}

/* Frames in b[0..n); returns bytes consumed, stops early when one is
 * incomplete or the socket stops reading (closing after an error). */
static size_t frames(relay_conn *c, uint8_t *b, size_t n)
{
	size_t pos = 0;
	while (pos < n && c->state != RC_DEAD) {
		ws_frame f;
		uint16_t code = 0;
		int h = ws_frame_parse(b + pos, n - pos, (uint64_t)relay_cfg.max_message, &f, &code);
		uint8_t *p;

		if (h < 0) {
			if (c->close_sent)
				relay_conn_kill(c);
			else
				fail(c, code, code == WS_CLOSE_TOO_BIG ? "message too big" : "protocol error");
			return n;
		}
		if (h == 0 || n - pos - (size_t)h < f.len)
			break;
		p = b + pos + h;
		ws_frame_unmask(p, (size_t)f.len, f.mask, 0);
		pos += (size_t)h + (size_t)f.len;
		c->since_rx = relay_now;
		c->awaiting_pong = 0;
		if ((f.opcode & 0x8) ? on_control(c, &f, p) < 0 : on_data(c, &f, p) < 0)
			return n;
	}
	return pos;
}

static void handshake(relay_conn *c)
{
	ws_hs_req req;
	int status = 0, h;
	const char *why = NULL;

	h = ws_hs_parse((const char *)c->in, c->in_len, &req, &status, &why);
	if (h == 0) {
		if (c->in_len >= WS_HS_MAX_HEAD)
			relay_conn_http_error(c, 431, "VALIDATION_ERROR", "request head too large", NULL);
		return;
	}
	if (h < 0) {
		relay_conn_http_error(c, status, status == 405 ? "METHOD_NOT_ALLOWED" : "VALIDATION_ERROR",
		    why ? why : "bad upgrade request",
		    status == 405 ? "Allow: GET\r\n" : status == 426 ? "Sec-WebSocket-Version: 13\r\n" : NULL);
		return;
	}
	c->state = RC_AUTH;
	relay_hub_handshake(c, &req);
	/* the head is no longer needed; keep what followed it */
	if (c->state != RC_DEAD && c->in != NULL) {
		memmove(c->in, c->in + h, c->in_len - (uint32_t)h);
		c->in_len -= (uint32_t)h;
	}
}

static int append_in(relay_conn *c, const uint8_t *p, size_t n, size_t cap_max)
{
	if (c->in_len + n > cap_max)
		return -1;
	if (c->in_len + n > c->in_cap) {
		size_t cap = c->in_cap ? c->in_cap : 512;
		while (cap < c->in_len + n)
			cap *= 2;
		if (cap > cap_max)
			cap = cap_max;
		c->in = sc_xrealloc(c->in, cap);
		c->in_cap = (uint32_t)cap;
	}
	memcpy(c->in + c->in_len, p, n);
	c->in_len += (uint32_t)n;
	return 0;
}

static void drop_in(relay_conn *c)
{
	free(c->in);
	c->in = NULL;
	c->in_len = c->in_cap = 0;
}

/* Process buffered + new bytes of an open or closing socket. */
static void consume(relay_conn *c, const uint8_t *p, size_t n)
{
	size_t cap = (size_t)relay_cfg.max_message + WS_FRAME_HDR_MAX + RELAY_SCRATCH;
	size_t used;

	if (c->close_recv && c->close_sent)
		return;                         /* draining to EOF */
	if (c->in_len == 0 && n > 0) {
		/* common case: frames straight from the scratch buffer */
		used = frames(c, (uint8_t *)p, n);
		if (c->state == RC_DEAD || used == n)
			return;
		if (append_in(c, p + used, n - used, cap) < 0)
			fail(c, WS_CLOSE_TOO_BIG, "message too big");
		return;
	}
	if (n > 0 && append_in(c, p, n, cap) < 0) {
		fail(c, WS_CLOSE_TOO_BIG, "message too big");
		return;
	}
	used = frames(c, c->in, c->in_len);
	if (c->state == RC_DEAD)
		return;
	if (used >= c->in_len)
		drop_in(c);
	else if (used > 0) {
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= (uint32_t)used;
	}
}

static void try_read(relay_conn *c)
{
	if (c->state == RC_OPEN || c->state == RC_CLOSING)
		if (c->in_len > 0)
			consume(c, NULL, 0);
	while (c->state != RC_DEAD && c->state != RC_AUTH) {
		ssize_t r = read(c->io.fd, scratch, sizeof(scratch));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				relay_conn_kill(c);
			return;
		}
		if (r == 0) {
			relay_conn_kill(c);
			return;
		}
		if (c->state == RC_HANDSHAKE) {
			if (append_in(c, scratch, (size_t)r, WS_HS_MAX_HEAD + RELAY_SCRATCH) < 0) {
				relay_conn_http_error(c, 431, "VALIDATION_ERROR", "request head too large", NULL);
				return;
			}
			handshake(c);
		} else {
			consume(c, scratch, (size_t)r);
		}
	}
}

static void on_io(relay_io *io, uint32_t ev)
{
	relay_conn *c = (relay_conn *)io;

	if (ev & EPOLLERR) {
		relay_conn_kill(c);
		return;
	}
	if (ev & EPOLLOUT)
		flush(c);
	if (c->state != RC_DEAD && (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)))
		try_read(c);
}

/* ---- the once-a-second sweep (style.md rule 15) ---- */
void relay_conn_sweep(time_t now)
{
	relay_conn *c, *nx;
	for (c = all_head; c; c = nx) {
		nx = c->next;
		switch (c->state) {
		case RC_HANDSHAKE:
		case RC_CLOSING:
			if (c->deadline && now >= c->deadline)
				relay_conn_kill(c);
			break;
		case RC_OPEN:
			if (c->exp && now >= c->exp) {
				relay_conn_close(c, WS_CLOSE_POLICY, "token expired");
			} else if (c->soft_since && now - c->soft_since >= relay_cfg.out_soft_s) {
				slow_consumer(c);
			} else if (now - c->since_rx >= relay_cfg.idle_s) {
				relay_conn_close(c, WS_CLOSE_GOING_AWAY, "idle timeout");
			} else if (!c->awaiting_pong && now - c->since_rx >= relay_cfg.ping_s) {
				relay_frame *f = relay_frame_new(WS_OP_PING, NULL, 0);
				c->awaiting_pong = 1;
				relay_conn_send(c, f);
				relay_frame_unref(f);
			}
			break;
		default:
			break;
		}
	}
}

/* SIGTERM: every open socket gets 1001; the worker exits when they are gone
 * or after RELAY_CLOSE_WAIT_S. */
void relay_conn_drain(void)
{
	relay_conn *c, *nx;
	for (c = all_head; c; c = nx) {
		nx = c->next;
		if (c->state == RC_OPEN)
			relay_conn_close(c, WS_CLOSE_GOING_AWAY, "server going away");
		else if (c->state != RC_CLOSING)
			relay_conn_kill(c);
	}
}
