/* relay_sub.c - the worker's channels: name -> member sockets, and the
 * SUBSCRIBE / UNSUBSCRIBE traffic that keeps Redis in step.
 *
 * Two indexes (style.md rule 16): a hash table channel -> relay_sub with a
 * doubly linked member list, and per socket at most two relay_member slots
 * (socket -> channels). A channel left by its last socket is unsubscribed
 * from the tick after a grace second, so a reconnecting client does not cause
 * UNSUBSCRIBE + SUBSCRIBE churn. While an UNSUBSCRIBE is in flight the entry
 * stays: hiredis 0.14 drops a channel's callback when the unsubscribe reply
 * arrives, so a new SUBSCRIBE is sent only after that (relay_sub_unsubscribed).
 * The subscriber always holds `sc:revoked`, so it never leaves subscribed
 * mode (hiredis would then mistake the next push for a reply). */
#include "relay.h"
#include "relay_hub.h"

#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"

int relay_redis_sub_cmd(int subscribe, int n, const char **names, const size_t *lens);
void relay_sub_unsubscribed(relay_sub *s);

static relay_sub **tab;
static size_t tab_cap, tab_n;

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	while (n--)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static void grow(void)
{
	size_t ncap = tab_cap ? tab_cap * 2 : 1024, i;
	relay_sub **nt = sc_xcalloc(ncap, sizeof(*nt));
	for (i = 0; i < tab_cap; i++) {
		relay_sub *s = tab[i], *nx;
		for (; s; s = nx) {
			uint32_t h = hash(s->name, s->len) & (ncap - 1);
			nx = s->hnext;
			s->hnext = nt[h];
			nt[h] = s;
		}
	}
	free(tab);
	tab = nt;
	tab_cap = ncap;
}

relay_sub *relay_sub_find(const char *name, size_t n)
{
	relay_sub *s;
	if (tab_cap == 0)
		return NULL;
	for (s = tab[hash(name, n) & (tab_cap - 1)]; s; s = s->hnext)
		if (s->len == n && memcmp(s->name, name, n) == 0)
			return s;
	return NULL;
}

static void drop(relay_sub *s)
{
	relay_sub **pp = &tab[hash(s->name, s->len) & (tab_cap - 1)];
	for (; *pp; pp = &(*pp)->hnext)
		if (*pp == s) {
			*pp = s->hnext;
			tab_n--;
			free(s);
			return;
		}
}

static void send_sub(relay_sub *s)
{
	const char *nm = s->name;
	size_t l = s->len;
	if (relay_redis_sub_cmd(1, 1, &nm, &l) == 0)
		s->state = RS_SUBSCRIBING;
	else
		s->state = RS_NEW;       /* sent again when the subscriber is back */
}

static relay_sub *get(const char *name)
{
	size_t n = strlen(name);
	relay_sub *s = relay_sub_find(name, n);
	uint32_t h;

	if (s != NULL)
		return s;
	if (tab_n + 1 > tab_cap / 2 * 1 + tab_cap / 4)
		grow();
	s = sc_xcalloc(1, sizeof(*s) + n + 1);
	memcpy(s->name, name, n);
	s->len = (uint16_t)n;
	h = hash(name, n) & (tab_cap - 1);
	s->hnext = tab[h];
	tab[h] = s;
	tab_n++;
	return s;
}

/* The permanent channel of revocation notices. */
void relay_sub_keep(const char *name);
void relay_sub_keep(const char *name)
{
	relay_sub *s = get(name);
	s->keep = 1;
	if (s->state == RS_NEW)
		send_sub(s);
}

relay_sub *relay_sub_join(relay_conn *c, int slot, const char *name)
{
	relay_sub *s = get(name);
	relay_member *m = &c->mem[slot];

	m->conn = c;
	m->sub = s;
	m->prev = NULL;
	m->next = s->members;
	if (s->members)
		s->members->prev = m;
	s->members = m;
	if (s->state == RS_NEW)
		send_sub(s);
	return s;
}

void relay_sub_leave(relay_conn *c, int slot)
{
	relay_member *m = &c->mem[slot];
	relay_sub *s = m->sub;

	if (s == NULL)
		return;
	if (m->prev)
		m->prev->next = m->next;
	else
		s->members = m->next;
	if (m->next)
		m->next->prev = m->prev;
	m->sub = NULL;
	m->prev = m->next = NULL;
	if (s->members == NULL)
		s->idle_since = relay_now;
}

void relay_sub_unsubscribed(relay_sub *s)
{
	if (s->members != NULL || s->keep)
		send_sub(s);           /* someone came back meanwhile */
	else
		drop(s);
}

/* After the subscriber reconnected: everything is subscribed again, in batches. */
void relay_sub_resubscribe_all(void)
{
	const char *names[1024];
	size_t lens[1024], i;
	relay_sub *batch[1024];
	int n = 0, j;

	for (i = 0; i < tab_cap; i++) {
		relay_sub *s, *nx;
		for (s = tab[i]; s; s = nx) {
			nx = s->hnext;
			if (s->members == NULL && !s->keep) {
				drop(s);
				continue;
			}
			batch[n] = s;
			names[n] = s->name;
			lens[n] = s->len;
			if (++n == 1024) {
				int rc = relay_redis_sub_cmd(1, n, names, lens);
				for (j = 0; j < n; j++)
					batch[j]->state = rc == 0 ? RS_SUBSCRIBING : RS_NEW;
				n = 0;
			}
		}
	}
	if (n > 0) {
		int rc = relay_redis_sub_cmd(1, n, names, lens);
		for (j = 0; j < n; j++)
			batch[j]->state = rc == 0 ? RS_SUBSCRIBING : RS_NEW;
	}
}

/* The subscriber was lost: every channel needs a new SUBSCRIBE. */
void relay_sub_lost(void);
void relay_sub_lost(void)
{
	size_t i;
	relay_sub *s;
	for (i = 0; i < tab_cap; i++)
		for (s = tab[i]; s; s = s->hnext)
			s->state = RS_NEW;
}

/* Unsubscribe channels idle for a second (a slice of the table per tick). */
void relay_sub_tick(time_t now)
{
	static size_t cursor;
	size_t k, span;

	if (tab_cap == 0)
		return;
	span = tab_cap / RELAY_TICK_HZ + 1;
	for (k = 0; k < span; k++, cursor++) {
		relay_sub *s, *nx;
		for (s = tab[cursor & (tab_cap - 1)]; s; s = nx) {
			nx = s->hnext;
			if (s->members || s->keep || now - s->idle_since < 1)
				continue;
			if (s->state == RS_SUBSCRIBED) {
				const char *nm = s->name;
				size_t l = s->len;
				if (relay_redis_sub_cmd(0, 1, &nm, &l) == 0)
					s->state = RS_UNSUBSCRIBING;
			} else if (s->state == RS_NEW) {
				drop(s);
			}
		}
	}
}

/* Every user channel with feed sockets (presence heartbeats). */
void relay_sub_each_feed(void (*fn)(relay_sub *s))
{
	size_t i;
	relay_sub *s;
	for (i = 0; i < tab_cap; i++)
		for (s = tab[i]; s; s = s->hnext)
			if (s->feeds > 0)
				fn(s);
}
