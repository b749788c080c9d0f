/* relay_conn.c - one client socket: the state machine from upgrade request to
 * close, and frame reading (style.md rules 12, 13, 15); output is relay_out.c.
 *
 * Reads are edge-triggered: read until EAGAIN. Idle sockets hold no buffers;
 * `in` exists only while a request head or a frame is incomplete, `msg` only
 * while a fragmented message is being assembled. A socket killed during a
 * callback is only marked and put on the dead list; relay_conn_reap frees it
 * at the end of the loop iteration, and not before its Redis replies came. */
#include "relay.h"
#include "relay_conn.h"
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
		relay_out_clear(c, 0);
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

/* Called by the hub after relay_conn_upgrade and the endpoint's own setup:
 * frames that came with the request (or during the auth) are read now. */
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
			relay_out_finish(c);
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
		relay_out_flush(c);
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
				relay_out_slow(c);
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
