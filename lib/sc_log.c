/* sc_log.c - JSON lines on stderr. */
#include "sc_log.h"
#include "sc_buf.h"
#include "sc_limits.h"
#include "sc_time.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *log_prog = "secureconnect";
static int log_fd = 2;
static sc_log_level log_level = SC_LOG_INFO;
static const char *log_rid;
static long log_pid;          /* getpid() is a system call in current glibc: cache it */
static sc_buf log_buf;         /* reused for every line; the process is single-threaded */

static const char *names[] = { "debug", "info", "warn", "error" };

void sc_log_init(const char *prog, int fd)
{
	log_prog = prog ? prog : "secureconnect";
	log_fd = fd;
	log_pid = (long)getpid();
}

int sc_log_level_parse(const char *s, sc_log_level *out)
{
	int i;
	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (sc_log_level)i;
			return 0;
		}
	return -1;
}

void sc_log_set_level(sc_log_level lvl)
{
	log_level = lvl;
}

void sc_log_set_request_id(const char *rid)
{
	log_rid = rid;
}

void sc_log(sc_log_level lvl, const char *msg, const char *extra_fmt, ...)
{
	char ts[SC_TIME_RFC3339_LEN];
	sc_buf *bp = &log_buf, b;
	size_t off;

	if (lvl < log_level)
		return;
	/* One capped buffer for the process, reused; a line is never longer than the cap. */
	if (log_buf.cap == 0)
		sc_buf_init(&log_buf, SC_LIMIT_LOG_LINE - 2);
	sc_buf_reset(bp);
	b = *bp;
	sc_buf_printf(&b, "{\"ts\":\"%s\",\"level\":\"%s\",\"prog\":",
	    sc_time_now_rfc3339(ts), names[lvl]);
	sc_buf_json_str(&b, log_prog, strlen(log_prog));
	sc_buf_printf(&b, ",\"pid\":%ld", log_pid ? log_pid : (long)getpid());
	if (log_rid != NULL) {
		sc_buf_puts(&b, ",\"request_id\":");
		sc_buf_json_str(&b, log_rid, strlen(log_rid));
	}
	off = b.len;
	sc_buf_puts(&b, ",\"msg\":");
	if (sc_buf_json_str(&b, msg, strlen(msg)) < 0) {
		/* Too long: keep as much of the message as surely fits once escaped
		 * (at most 6 bytes per byte), cut at a character boundary. */
		size_t room = b.cap - off - 64, keep = room / 6;
		while (keep > 0 && ((unsigned char)msg[keep] & 0xc0) == 0x80)
			keep--;
		b.len = off;
		b.toobig = 0;
		sc_buf_puts(&b, ",\"msg\":");
		sc_buf_json_str(&b, msg, keep);
		sc_buf_puts(&b, ",\"msg_truncated\":true");
	}
	off = b.len;
	if (extra_fmt != NULL) {
		va_list ap;
		sc_buf_putc(&b, ',');
		va_start(ap, extra_fmt);
		if (b.toobig || sc_buf_vprintf(&b, extra_fmt, ap) < 0) {
			/* Too long: drop the extra fields, keep the line valid. */
			b.len = off;
			b.toobig = 0;
			sc_buf_puts(&b, ",\"extra_dropped\":true");
		}
		va_end(ap);
	}
	if (b.toobig) {
		/* Only a huge program name gets here: say so instead of a broken line. */
		b.len = 0;
		sc_buf_printf(&b, "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"log line too long\"",
		    ts, names[lvl]);
	}
	/* The cap leaves room for the closing "}\n". */
	b.toobig = 0;
	b.cap += 2;
	sc_buf_append(&b, "}\n", 2);
	b.cap -= 2;
	{
		ssize_t w;
		do {
			w = write(log_fd, b.ptr, b.len);
		} while (w < 0 && errno == EINTR);
	}
	*bp = b;
}
