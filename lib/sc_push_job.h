/* sc_push_job.h - what a push job carries (issue 9; sql/009_push.sql).
 *
 * The event publisher (sc_events_publish) queues, in the same Redis script
 * that publishes the event, one job per recipient of a push-worthy event who
 * has no presence:{user_id} key, on the stream push:jobs
 * (XADD MAXLEN ~ PUSH_STREAM_MAXLEN), with the fields
 *     user   the recipient's user id
 *     type   the event type (message.new, call.ringing, call.missed, contact.request,
 *            or push.test from POST /v1/push/test)
 *     data   a flat JSON object of ids (sc_push_job_data): never message text
 *     event  the event's id on events:user:{user} ("" for push.test)
 *     ts     RFC 3339 time of the event
 * The job id is the stream entry id. sc-notifyd consumes the stream with the
 * consumer group "notifyd", writes the notification row and pushes to the
 * user's devices, honouring preferences and mutes (sql/009_push.sql). */
#ifndef SC_PUSH_JOB_H
#define SC_PUSH_JOB_H

#include <stddef.h>
#include <json-c/json.h>

#include "sc_redis.h"

#define SC_PUSH_STREAM "push:jobs"
#define SC_PUSH_DEAD_STREAM "push:dead"
#define SC_PUSH_GROUP "notifyd"

/* The job data of an event, or NULL when the type is not push-worthy. Only
 * ids and flags are copied (conversation_id, message_id, sender_id,
 * message_type, is_encrypted; call_id, conversation_id, caller_id, call_type
 * from a call event's "call"; user_id from a contact request's "user"). The
 * caller owns the result. */
json_object *sc_push_job_data(const char *type, json_object *event_data);

/* POST /v1/push/test: the defaults of its title and body, and their caps in
 * characters. */
#define SC_PUSH_TEST_TITLE "SecureConnect"
#define SC_PUSH_TEST_BODY "Test notification"
#define SC_PUSH_TEST_TITLE_MAX 100
#define SC_PUSH_TEST_BODY_MAX 240

/* Queue a push.test job for user_id: XADD push:jobs MAXLEN ~
 * PUSH_STREAM_MAXLEN with data {"title","body"} (NULL: the defaults) and
 * event "". The job id (stream entry id) goes to id (cap bytes, 32 is plenty).
 * 0, or -1 with *errstr (and *unavailable = 1 when Redis could not be
 * reached). Not deduplicated: Redis's one resend after a broken connection may
 * queue the job twice (a second test push, harmless). */
int sc_push_job_test(sc_redis *r, const char *user_id, const char *title, const char *body,
    char *id, size_t cap, int *unavailable, const char **errstr);

#endif
