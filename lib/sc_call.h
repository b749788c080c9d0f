/* sc_call.h - what the call programs share (api.md "Calls"): running a
 * transition, its refusals, the call events and the Redis set
 * call:{id}:participants that the relay checks signaling against.
 *
 * The states and their rules live in PostgreSQL (sql/006_calls.sql): each
 * transition (initiate, join, leave, decline, end) is one PL/pgSQL function
 * that locks what it changes, decides the authorization and answers one row
 * of type call_result (SC_CALL_RESULT_COLS), so a program makes one round trip
 * and concurrent requests are serialized by the database. Reads use the SQL
 * function call_json(c, ring), which builds the call object with the status as
 * clients see it (a ringing call past CALL_RING_SECONDS reads as missed). */
#ifndef SC_CALL_H
#define SC_CALL_H

#include <json-c/json.h>

#include "sc_redis.h"
#include "sc_req.h"
#include "sc_resp.h"

/* The columns of a call_result row, in the order sc_call_transition reads them. */
#define SC_CALL_RESULT_COLS \
	"code, call_id, call, others, everyone, members, live, rev, ttl, changed, ended"

/* The config values every call statement takes, as text parameters. */
typedef struct sc_call_cfg {
	char ring[24];   /* CALL_RING_SECONDS */
	char cap[24];    /* CALL_MAX_PARTICIPANTS */
} sc_call_cfg;

void sc_call_cfg_load(sc_call_cfg *cfg);

/* The answer of a transition that went through. */
typedef struct sc_call_res {
	const char  *call_id;
	json_object *call;       /* the call object after the change; owned by the
	                          * request's arena: json_object_get() to keep it */
	const char  *others;     /* recipients of ringing/joined/left ("" for none) */
	const char  *everyone;   /* every participant (call.ended) */
	int          ended;      /* this request ended the call */
} sc_call_res;

/* Run a transition statement `SELECT SC_CALL_RESULT_COLS FROM call_x(...)`
 * (never retried: it is not idempotent). When the call changed, the Redis set
 * is written (sc_call_cache; best effort). Returns 0 with *out filled when the
 * code is "ok"; otherwise -1 with resp answered (sc_call_refuse, or 500/503). */
int sc_call_transition(sc_req *req, sc_resp *resp, const char *sql, int nparams,
    const char *const *params, sc_call_res *out);

/* sc_call_transition on the call of the path (:id) by the caller, with the
 * parameters $1 caller, $2 call id, $3 ring seconds and, when with_cap, $4
 * the participant cap. */
int sc_call_act(sc_req *req, sc_resp *resp, const char *sql, int with_cap, sc_call_res *out);

/* Answer the refusal `code` of a transition (404, 403, 400 naming
 * callee_ids, 409; "busy" carries call_id in the error object). An unknown
 * code is a logged 500. Returns -1. */
int sc_call_refuse(sc_resp *resp, const char *code, const char *call_id);

/* Publish `type` (call.ringing, call.joined, call.left) to recipients (comma
 * list): data {call_id, [user_id], [reason], call}; user_id and reason are
 * left out when NULL. Best effort (sc_events_publish). */
void sc_call_publish(sc_redis *r, const char *recipients, const char *type,
    const sc_call_res *res, const char *user_id, const char *reason);

/* {call_id, status, duration[, ended_by]} from the call object: the data of
 * call.ended (with ended_by) and the answer of POST /v1/calls/:id/end
 * (without). The caller owns the result. */
json_object *sc_call_summary(json_object *call, int with_ended_by);

/* Publish call.ended {call_id, status, duration, ended_by} to res->everyone. */
void sc_call_publish_ended(sc_redis *r, const sc_call_res *res);

/* Write call:{id}:participants (a set of user ids) and call:{id}:rev (the
 * revision it was written from) in one script, unless Redis already holds
 * that revision or a newer one (force: unless a newer one), so two requests
 * whose Redis writes cross cannot leave the older state behind.
 *   live "ringing": the set becomes members (comma list), with a TTL of ttl s
 *   live "active":  the same without a TTL
 *   live "over":    the set is deleted; the revision is kept 10 min
 * Best effort like the events: 0, or -1 with a warning logged. */
int sc_call_cache(sc_redis *r, const char *call_id, const char *live, const char *members,
    long long rev, long long ttl, int force);

#endif
