/* sc_sniff.h - the content type of uploaded bytes, by libmagic.
 *
 * libmagic parses untrusted input and walks a database of about 8 MiB for
 * text (every entry is tried before "text/plain"), so it runs in a child
 * process forked for each sniff: a crash or a hang there costs the child only
 * (it is killed after SC_SNIFF_TIMEOUT_MS), and neither the database nor its
 * buffers ever enter the long-lived program, whose memory stays flat. The
 * child loads the compiled database (magic_load(NULL): Debian's libmagic-mgc),
 * answers MAGIC_MIME_TYPE ("image/png") on a pipe and exits with _exit. */
#ifndef SC_SNIFF_H
#define SC_SNIFF_H

#include <stddef.h>

#define SC_SNIFF_HEAD        (64u * 1024u)   /* bytes looked at: the start of the file */
#define SC_SNIFF_TYPE_MAX    127u
#define SC_SNIFF_TIMEOUT_MS  5000

/* The MIME type of buf[0..n) (n <= SC_SNIFF_HEAD is enough) into out
 * (SC_SNIFF_TYPE_MAX + 1 bytes), lower case. 0, or -1 with *errstr (static)
 * when the child failed, timed out or answered nothing usable. */
int sc_sniff(const void *buf, size_t n, char *out, const char **errstr);

#endif
