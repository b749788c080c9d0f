/* sc_arena.h - the per-request arena (style.md rule 5).
 *
 * Every allocation made while serving one request comes from the arena and is
 * released all at once by sc_arena_reset() after the response is written.
 * Objects allocated elsewhere (json-c objects, PGresults) are registered with
 * sc_arena_defer() and their cleanup runs at reset, newest first.
 * Blocks beyond the first that grew past SC_ARENA_KEEP are given back to the
 * system on reset so one large request does not pin memory for the process's
 * life. The arena is single-threaded. */
#ifndef SC_ARENA_H
#define SC_ARENA_H

#include <stddef.h>

typedef struct sc_arena_block sc_arena_block;
typedef struct sc_arena_defer sc_arena_defer_t;

typedef struct sc_arena {
	sc_arena_block   *head;      /* current block (newest first) */
	sc_arena_defer_t *defers;    /* cleanups to run at reset */
	size_t            used;      /* bytes handed out since the last reset */
} sc_arena;

void  sc_arena_init(sc_arena *a);
void  sc_arena_cleanup(sc_arena *a);           /* runs defers, frees all blocks */
void  sc_arena_reset(sc_arena *a);             /* runs defers, keeps the first block */

/* Memory owned by the arena; aligned for any type; never NULL. */
void *sc_arena_alloc(sc_arena *a, size_t n);
void *sc_arena_calloc(sc_arena *a, size_t nmemb, size_t size);
char *sc_arena_strndup(sc_arena *a, const char *s, size_t n);
char *sc_arena_strdup(sc_arena *a, const char *s);
char *sc_arena_printf(sc_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Run fn(ptr) at the next reset or cleanup (for json_object_put, PQclear...). */
void  sc_arena_defer(sc_arena *a, void (*fn)(void *), void *ptr);

#endif
