/* sc_alloc.c - allocation that never returns NULL. */
#include "sc_alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void oom(size_t n)
{
	char line[128];
	int len = snprintf(line, sizeof(line),
	    "{\"level\":\"fatal\",\"msg\":\"out of memory\",\"bytes\":%zu}\n", n);
	if (len > 0 && (size_t)len < sizeof(line)) {
		ssize_t w = write(2, line, (size_t)len);
		(void)w;
	}
	abort();
}

void *sc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom(n);
	return p;
}

void *sc_xcalloc(size_t nmemb, size_t size)
{
	void *p;
	if (size != 0 && nmemb > SIZE_MAX / size)
		oom(SIZE_MAX);
	p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL)
		oom(nmemb * size);
	return p;
}

void *sc_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		oom(n);
	return q;
}

void *sc_xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		oom(SIZE_MAX);
	return sc_xrealloc(p, nmemb * size);
}

char *sc_xstrndup(const char *s, size_t n)
{
	char *d = sc_xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *sc_xstrdup(const char *s)
{
	return sc_xstrndup(s, strlen(s));
}
