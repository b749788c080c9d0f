/* sc_limits.h - every hard cap of libsc in one place (style.md rule 6).
 *
 * Hitting a cap is an error that becomes HTTP 413 (or a WebSocket 1009),
 * never a bigger allocation. */
#ifndef SC_LIMITS_H
#define SC_LIMITS_H

/* Request bodies: the default cap of a JSON endpoint, and the largest cap any
 * endpoint may declare (the web server configs are sized to match it). */
#define SC_LIMIT_BODY_DEFAULT      (64u * 1024u)
#define SC_LIMIT_BODY_MAX          (64u * 1024u * 1024u)

/* JSON input: nesting depth. */
#define SC_LIMIT_JSON_DEPTH        32

/* Request line and headers as handed over by the web server. */
#define SC_LIMIT_PATH              2048u
#define SC_LIMIT_QUERY             4096u
#define SC_LIMIT_QUERY_PARAMS      32
#define SC_LIMIT_ROUTE_PARAMS      8
#define SC_LIMIT_REQUEST_ID        64u

/* Responses: the whole serialized response of a JSON endpoint. */
#define SC_LIMIT_RESPONSE          (16u * 1024u * 1024u)
#define SC_LIMIT_HEADERS           16
#define SC_LIMIT_HEADER_LINE       1024u

/* Arena: block size, and the size above which a grown block is released on reset. */
#define SC_ARENA_BLOCK             (16u * 1024u)
#define SC_ARENA_KEEP              (256u * 1024u)

/* Configuration values and files. */
#define SC_LIMIT_CONFIG_VALUE      4096u
#define SC_LIMIT_CONFIG_FILE       (256u * 1024u)

/* One log line. */
#define SC_LIMIT_LOG_LINE          4096u

/* CORS allow-list entries. */
#define SC_LIMIT_CORS_ORIGINS      32
#define SC_LIMIT_TRUSTED_PROXIES   16
/* STUN/TURN URL lists (TURN_URLS, STUN_URLS). */
#define SC_LIMIT_ICE_URLS          8

#endif
