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

#endif
