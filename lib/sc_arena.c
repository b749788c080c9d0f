/* sc_arena.c - per-request bump allocator with deferred cleanups. */
#include "sc_arena.h"
#include "sc_alloc.h"
#include "sc_limits.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define ALIGN 16u

struct sc_arena_block {
	sc_arena_block *next;
	size_t          size;  /* usable bytes in data */
	size_t          off;   /* bytes used */
	_Alignas(16) unsigned char data[];
};

struct sc_arena_defer {
	sc_arena_defer_t *next;
	void (*fn)(void *);
	void *ptr;
};

static sc_arena_block *block_new(size_t size)
{
	sc_arena_block *b = sc_xmalloc(sizeof(*b) + size);
	b->next = NULL;
	b->size = size;
	b->off = 0;
	return b;
}

void sc_arena_init(sc_arena *a)
{
	a->head = block_new(SC_ARENA_BLOCK);
	a->defers = NULL;
	a->used = 0;
}

static void run_defers(sc_arena *a)
{
	/* Defers live in arena memory, so read next before the call. */
	sc_arena_defer_t *d = a->defers;
	a->defers = NULL;
	while (d != NULL) {
		sc_arena_defer_t *next = d->next;
		d->fn(d->ptr);
		d = next;
	}
}

void sc_arena_reset(sc_arena *a)
{
	sc_arena_block *b, *first;

	run_defers(a);
	/* Keep the oldest block (the end of the list) if it is of a modest size. */
	first = a->head;
	while (first->next != NULL)
		first = first->next;
	b = a->head;
	while (b != first) {
		sc_arena_block *next = b->next;
		free(b);
		b = next;
	}
	if (first->size > SC_ARENA_KEEP) {
		free(first);
		first = block_new(SC_ARENA_BLOCK);
	}
	first->off = 0;
	a->head = first;
	a->used = 0;
}

void sc_arena_cleanup(sc_arena *a)
{
	sc_arena_block *b;
	run_defers(a);
	b = a->head;
	while (b != NULL) {
		sc_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->used = 0;
}

void *sc_arena_alloc(sc_arena *a, size_t n)
{
	sc_arena_block *b = a->head;
	size_t need, off;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ALIGN)
		n = SIZE_MAX - ALIGN; /* sc_xmalloc will abort on it */
	need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	off = b->off;
	if (b->size - off < need) {
		size_t size = need > SC_ARENA_BLOCK ? need : SC_ARENA_BLOCK;
		b = block_new(size);
		b->next = a->head;
		a->head = b;
		off = 0;
	}
	b->off = off + need;
	a->used += need;
	return b->data + off;
}

void *sc_arena_calloc(sc_arena *a, size_t nmemb, size_t size)
{
	void *p;
	if (size != 0 && nmemb > SIZE_MAX / size)
		return sc_xmalloc(SIZE_MAX); /* aborts */
	p = sc_arena_alloc(a, nmemb * size);
	memset(p, 0, nmemb * size);
	return p;
}

char *sc_arena_strndup(sc_arena *a, const char *s, size_t n)
{
	char *d = sc_arena_alloc(a, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *sc_arena_strdup(sc_arena *a, const char *s)
{
	return sc_arena_strndup(a, s, strlen(s));
}

char *sc_arena_printf(sc_arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return sc_arena_strdup(a, "");
	p = sc_arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void sc_arena_defer(sc_arena *a, void (*fn)(void *), void *ptr)
{
	sc_arena_defer_t *d = sc_arena_alloc(a, sizeof(*d));
	d->fn = fn;
	d->ptr = ptr;
	d->next = a->defers;
	a->defers = d;
}
