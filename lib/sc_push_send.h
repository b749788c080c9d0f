/* sc_push_send.h - one push to one device over FCM HTTP v1, APNs or Web Push.
 *
 * The interface between sc-notifyd (notifyd/, which owns the curl multi
 * handle, the queue, retries and device cleanup) and the three services:
 *   - FCM HTTP v1: an OAuth 2.0 access token for the service account
 *     (FCM_CREDENTIALS_FILE; RS256 JWT assertion, grant type
 *     urn:ietf:params:oauth:grant-type:jwt-bearer, at FCM_TOKEN_URL or the
 *     JSON's token_uri) cached until shortly before it expires, then
 *     POST {FCM_BASE_URL}/v1/projects/{project_id}/messages:send.
 *   - APNs: an ES256 provider token (APNS_KEY_FILE, APNS_KEY_ID,
 *     APNS_TEAM_ID) reused for under an hour; HTTP/2
 *     POST {base}/3/device/{token} with apns-topic, apns-push-type,
 *     apns-priority, apns-expiration, apns-id.
 *   - Web Push: RFC 8030 POST to the subscription endpoint, payload
 *     encrypted per RFC 8291 (aes128gcm), VAPID per RFC 8292 (ES256 JWT,
 *     aud = the endpoint's origin, sub = VAPID_SUBJECT), TTL and Urgency.
 * PUSH_CA_FILE, when set, replaces the system CA store for all three.
 * Not thread-safe: one sc_push_creds per thread. */
#ifndef SC_PUSH_SEND_H
#define SC_PUSH_SEND_H

#include <curl/curl.h>
#include <stddef.h>

typedef struct sc_push_creds sc_push_creds;
typedef struct sc_push_req sc_push_req;

/* What to show. Every string is UTF-8 and may be "" but not NULL. data_json
 * is a flat JSON object of strings (ids); it is sent as the FCM data map, in
 * the APNs payload beside "aps", and in the Web Push plaintext. job_id makes
 * the push idempotent at the receiver: FCM data "job_id", APNs apns-id (a
 * UUID derived from it), Web Push plaintext "job_id". */
typedef struct sc_push_note {
	const char *job_id;
	const char *kind;       /* the job type: message.new, call.ringing, ... */
	const char *title;
	const char *body;
	const char *data_json;
	int         urgent;     /* calls: high priority (FCM HIGH, apns-priority 10, Urgency high) */
} sc_push_note;

/* Where to. type "fcm", "apns" or "web"; token the registration token or,
 * for web, the endpoint URL; p256dh (65 bytes) and auth (16 bytes) for web. */
typedef struct sc_push_target {
	const char          *type;
	const char          *token;
	const unsigned char *p256dh;
	const unsigned char *auth;
} sc_push_target;

typedef enum {
	SC_PUSH_SENT,      /* 2xx */
	SC_PUSH_RETRY,     /* 429, 5xx, timeouts, connection failures: try again later */
	SC_PUSH_GONE,      /* the device is gone: 404/410, UNREGISTERED, BadDeviceToken, ... */
	SC_PUSH_FAILED     /* any other refusal: give up on this push, keep the device */
} sc_push_outcome;

/* Load the keys the config names. A service whose key is not configured is
 * off (sc_push_service_on() says 0). NULL with err set when a configured key
 * cannot be read or parsed. */
sc_push_creds *sc_push_creds_load(char *err, size_t errlen);
void sc_push_creds_free(sc_push_creds *c);
int  sc_push_service_on(const sc_push_creds *c, const char *type);

/* Set up easy handle h (fresh or curl_easy_reset) for one push: URL,
 * headers, body, timeouts, CA, HTTP/2 for APNs, and write/header callbacks
 * that keep the response for sc_push_result(). FCM may first fetch an access
 * token (a blocking request, once per token lifetime). Returns the request,
 * to keep until the transfer is over; or NULL with *outcome (SC_PUSH_RETRY:
 * the token endpoint failed or is busy; SC_PUSH_FAILED: the service is off
 * or the target is unusable) and err set. */
sc_push_req *sc_push_prepare(sc_push_creds *c, CURL *h, const sc_push_target *t,
    const sc_push_note *n, sc_push_outcome *outcome, char *err, size_t errlen);

/* After the transfer: the outcome from the curl result, the HTTP status and
 * the response. *retry_after_s: the Retry-After the service gave (seconds),
 * or -1. why: a short reason for the log ("410 Unregistered", ...). An FCM
 * 401 drops the cached access token (and is SC_PUSH_RETRY). */
sc_push_outcome sc_push_result(sc_push_req *r, CURLcode cc, long status, long *retry_after_s,
    char *why, size_t whylen);

void sc_push_req_free(sc_push_req *r);

#endif
