/* sc_log.h - JSON-lines logging to stderr.
 *
 * One line per event, written with a single write(2) so lines from processes
 * sharing the web server's error log do not interleave:
 *   {"ts":"...","level":"info","prog":"ops/health","pid":42,"request_id":"...","msg":"...",...}
 * The request id is the one set with sc_log_set_request_id() (the app loop
 * sets and clears it around each request). Lines are capped at
 * SC_LIMIT_LOG_LINE bytes; a longer message is cut. */
#ifndef SC_LOG_H
#define SC_LOG_H

typedef enum { SC_LOG_DEBUG = 0, SC_LOG_INFO, SC_LOG_WARN, SC_LOG_ERROR } sc_log_level;

void sc_log_init(const char *prog, int fd);          /* fd: usually 2 */
int  sc_log_level_parse(const char *s, sc_log_level *out);
void sc_log_set_level(sc_log_level lvl);
void sc_log_set_request_id(const char *rid);        /* NULL clears; not copied */

/* msg is plain text (escaped here). extra, if not NULL, is a printf format
 * producing `"key":value` pairs (already JSON) appended to the object. */
void sc_log(sc_log_level lvl, const char *msg, const char *extra_fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define sc_log_error(msg) sc_log(SC_LOG_ERROR, (msg), NULL)
#define sc_log_warn(msg)  sc_log(SC_LOG_WARN, (msg), NULL)
#define sc_log_info(msg)  sc_log(SC_LOG_INFO, (msg), NULL)

#endif
