/* sc_presence.h - online state and who may see it (api.md "presence",
 * design.md section 5).
 *
 * A user is online while the Redis key presence:{user_id} exists. POST
 * /v1/presence sets it for PRESENCE_TTL_SECONDS or deletes it; the relay
 * refreshes it on heartbeats; ending the last session deletes it
 * (sc_account). users.last_seen_at in PostgreSQL is the last time the user
 * reported either state, and survives Redis.
 *
 * Visibility is symmetric: two users see each other's presence when they are
 * accepted friends or share a conversation, and neither has blocked the other
 * (SC_SQL_NOT_BLOCKED). Deleted users are never seen. A user always sees
 * itself. The same relation gives the recipients of a "presence" event: the
 * people who may see the user. */
#ifndef SC_PRESENCE_H
#define SC_PRESENCE_H

#include "sc_account.h"
#include "sc_arena.h"
#include "sc_db.h"
#include "sc_redis.h"

/* A SQL condition: viewer `v` may see user `x` (both SQL expressions of type
 * uuid, parameters cast: "$1::uuid"), for x <> v. Each branch is a handful of
 * index probes (friendships primary key / friendships_pair, the participants'
 * user index and primary key), so it suits a list of requested ids. */
#define SC_SQL_PRESENCE_VISIBLE(v, x) \
	"(" SC_SQL_NOT_BLOCKED(v, x) " AND (" \
	"  EXISTS (SELECT 1 FROM friendships f_ WHERE f_.status = 'accepted' " \
	"    AND ((f_.requester_id = " v " AND f_.addressee_id = " x ") " \
	"      OR (f_.requester_id = " x " AND f_.addressee_id = " v "))) " \
	"  OR EXISTS (SELECT 1 FROM conversation_participants pa_ " \
	"    JOIN conversation_participants pb_ ON pb_.conversation_id = pa_.conversation_id " \
	"    WHERE pa_.user_id = " v " AND pb_.user_id = " x ")))"

/* A SELECT of one column `user_id`: every user who may see `u` (and whom u
 * may see), u itself left out, each once. */
#define SC_SQL_PRESENCE_PEERS(u) \
	"SELECT pr_.user_id FROM (" \
	"  SELECT f_.addressee_id AS user_id FROM friendships f_ " \
	"    WHERE f_.requester_id = " u " AND f_.status = 'accepted' " \
	"  UNION SELECT f_.requester_id FROM friendships f_ " \
	"    WHERE f_.addressee_id = " u " AND f_.status = 'accepted' " \
	"  UNION SELECT pb_.user_id FROM conversation_participants pa_ " \
	"    JOIN conversation_participants pb_ ON pb_.conversation_id = pa_.conversation_id " \
	"    WHERE pa_.user_id = " u " AND pb_.user_id <> " u ") pr_ " \
	"JOIN users pu_ ON pu_.user_id = pr_.user_id AND pu_.deleted_at IS NULL " \
	"WHERE " SC_SQL_NOT_BLOCKED(u, "pr_.user_id")

/* Most ids one call of sc_presence_online() takes (GET /v1/presence: 100). */
#define SC_PRESENCE_MAX_IDS 1000

/* Online: SET presence:{user_id} "online" EX PRESENCE_TTL_SECONDS; offline:
 * DEL presence:{user_id}. One round trip. 0, or -1 with *errstr set (Redis
 * down or refusing: the caller answers 503). */
int sc_presence_set(sc_redis *r, const char *user_id, int online, const char **errstr);

/* online[i] = 1 when presence:{ids[i]} exists, else 0, for n ids (0..
 * SC_PRESENCE_MAX_IDS) in one MGET. n == 0 sends nothing. 0, or -1 with
 * *errstr set. */
int sc_presence_online(sc_redis *r, int n, const char *const *ids, int *online,
    const char **errstr);

/* ---- The peers cache (docs/decisions.md "Relay: tickets, presence peers,
 * revocation") ----------------------------------------------------------------
 * presence:peers:{user_id} is a Redis set: SC_SQL_PRESENCE_PEERS of user_id
 * plus the marker member SC_PRESENCE_PEERS_MARK, so an existing set (even
 * one holding only the marker) means "known" and a missing key "unknown".
 * sc-ws-relay reads it with SMEMBERS to address `presence` events, skips the
 * marker, and sends nothing for a user whose set is missing (fail closed).
 * TTL SC_PRESENCE_PEERS_TTL; written when a user logs in, refreshes a token,
 * takes a WebSocket ticket or posts presence; deleted (forgotten) by every
 * program whose statement can change who sees whom.
 *
 * A refresh reads PostgreSQL, then writes Redis: a change committed and
 * forgotten in between would be overwritten by the older list. So each
 * forget also moves the user's generation presence:peersgen:{user_id} (a
 * strictly increasing number, TTL SC_PRESENCE_PEERS_GEN_TTL) and a refresh
 * writes only when the generation is still the one it read before its
 * statement (sc_presence_peers_begin -> SQL -> sc_presence_peers_store). */
#define SC_PRESENCE_PEERS_TTL      86400   /* 1 day */
#define SC_PRESENCE_PEERS_GEN_TTL  3600    /* > the longest statement (DB_STATEMENT_TIMEOUT_MS <= 600 s) */
#define SC_PRESENCE_PEERS_MARK     "-"
#define SC_PRESENCE_GEN_SIZE       32

/* Read user_id's generation into gen ("" when there is none). One GET.
 * 0, or -1 with *errstr set. */
int sc_presence_peers_begin(sc_redis *r, const char *user_id, char gen[SC_PRESENCE_GEN_SIZE],
    const char **errstr);

/* Replace presence:peers:{user_id} with the marker and peers (user ids
 * separated by commas, as string_agg makes them; NULL or "" for none), TTL
 * SC_PRESENCE_PEERS_TTL, unless the generation moved away from gen (the set
 * is then left as the forget left it). One script. 1 written, 0 not written
 * (forgotten meanwhile), -1 with *errstr set. */
int sc_presence_peers_store(sc_redis *r, const char *user_id, const char *gen,
    const char *peers, const char **errstr);

/* begin + one SQL statement (SC_SQL_PRESENCE_PEERS) + store. Best effort:
 * failures are logged as warnings and returned as -1; callers go on. 0 when
 * written or when a concurrent forget won. */
int sc_presence_peers_refresh(sc_db *db, sc_redis *r, sc_arena *a, const char *user_id);

/* Forget the sets of user_ids (separated by commas; empty items skipped) and
 * move their generations, in one script. Best effort: -1 logged as a
 * warning; else the number of sets that existed. */
int sc_presence_peers_forget(sc_redis *r, const char *user_ids);

#endif
