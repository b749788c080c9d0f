/* sc_alloc.h - allocation that never returns NULL (style.md rule 4).
 *
 * Out of memory is fatal: the functions log one line and abort; the web server
 * respawns a FastCGI program and systemd restarts a daemon. Sizes are checked
 * for multiplication overflow. The caller owns every returned pointer and
 * releases it with free(). */
#ifndef SC_ALLOC_H
#define SC_ALLOC_H

#include <stddef.h>

void *sc_xmalloc(size_t n);
void *sc_xcalloc(size_t nmemb, size_t size);
void *sc_xrealloc(void *p, size_t n);
void *sc_xreallocarray(void *p, size_t nmemb, size_t size);
char *sc_xstrdup(const char *s);
char *sc_xstrndup(const char *s, size_t n);

#endif
