/* relay_out.c - what goes to a client: shared frames, the output queue and
 * its limits, close frames and HTTP refusals (style.md rules 13 and 14).
 *
 * Output is written directly first; only what the kernel does not take is
 * queued, by reference to the frame shared by every recipient, and EPOLLOUT is
 * asked for only while the queue is not empty. Past RELAY_OUTPUT_HARD_BYTES,
 * or past the soft limit for longer than RELAY_OUTPUT_SOFT_SECONDS (checked by
 * the sweep), the socket is closed with 1013: a slow consumer never makes the
 * relay's memory grow. */
#include "relay.h"
#include "relay_conn.h"
#include "ws_frame.h"
#include "ws_handshake.h"

#include <errno.h>
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

void relay_out_clear(relay_conn *c, int keep_partial)
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


/* ---- output ---- */
static void want_out(relay_conn *c, int on)
{
	if (c->want_out == on || c->state == RC_DEAD)
		return;
	c->want_out = (uint8_t)on;
	relay_loop_mod(&c->io, EPOLLIN | EPOLLRDHUP | EPOLLET | (on ? EPOLLOUT : 0));
}

void relay_out_finish(relay_conn *c)
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

void relay_out_flush(relay_conn *c)
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
	relay_out_finish(c);
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

void relay_out_slow(relay_conn *c)
{
	__atomic_add_fetch(&relay_m->slow_closes, 1, __ATOMIC_RELAXED);
	sc_log(SC_LOG_INFO, "slow consumer closed", "\"user_id\":\"%s\",\"queued\":%zu",
	    c->user_id, c->out_bytes);
	{
		size_t before = c->out_bytes;
		relay_out_clear(c, 1);
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
		relay_out_slow(c);
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
		relay_out_finish(c);
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
		relay_out_finish(c);
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
