/* sc_events.h - the event publisher (design.md sections 5 and 6).
 *
 * An event goes to each recipient twice, in one Redis round trip (one Lua
 * script): appended to the capped stream events:user:{id} (XADD MAXLEN ~
 * EVENTS_STREAM_MAXLEN; fields type, ts, data) for replay, and published on
 * the channel user:{id} as the event JSON
 *     {"id":"<stream id>","type":"message.new","ts":"...","data":{...}}
 * which is also what a replay rebuilds from the stream entry. Recipients
 * are user ids; duplicates are sent once.
 *
 * A push-worthy event (sc_push_job.h) also queues a push job for each
 * recipient without presence, in the same script.
 *
 * Events are best effort: PostgreSQL is written first, so a failed publish
 * loses no data (a client that reconnects with `since` or lists the objects
 * sees everything). Callers log the failure and answer the request as done. */
#ifndef SC_EVENTS_H
#define SC_EVENTS_H

#include <json-c/json.h>

#include "sc_redis.h"

#define SC_EVENTS_MAX_RECIPIENTS 100000

/* Publish one event. recipients: user ids separated by commas (as SQL's
 * string_agg(user_id::text, ',') makes them); NULL or "" publishes nothing.
 * data is serialized, not consumed. Returns the number of recipients reached
 * (0 when there were none), or -1 with *errstr set when Redis failed (the
 * failure is also logged as a warning with the event type). */
int sc_events_publish(sc_redis *r, const char *recipients, const char *type,
    json_object *data, const char **errstr);

/* The same with the data already serialized as JSON text (an object); it
 * queues no push job. */
int sc_events_publish_raw(sc_redis *r, const char *recipients, const char *type,
    const char *data_json, const char **errstr);

#endif
