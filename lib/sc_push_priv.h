/* sc_push_priv.h - the insides of sc_push_send (lib/sc_push_send.c, the
 * common part; lib/sc_fcm.c, lib/sc_apns.c, lib/sc_push_web.c, one service
 * each). Not for callers: sc-notifyd includes sc_push_send.h only. The unit
 * test includes this to look at a prepared request without sending it. */
#ifndef SC_PUSH_PRIV_H
#define SC_PUSH_PRIV_H

#include <json-c/json.h>
#include <openssl/evp.h>

#include "sc_buf.h"
#include "sc_push_send.h"

#define SC_PUSH_RESP_MAX      (16u * 1024u)  /* response body kept for sc_push_result */
#define SC_PUSH_BODY_MAX      (8u * 1024u)   /* a request body (FCM, APNs JSON; APNs allows 4 KiB payloads) */
#define SC_PUSH_APNS_PAYLOAD  4096u          /* APNs' own limit on the JSON payload */
#define SC_PUSH_CREDS_FILE_MAX (64u * 1024u) /* the service-account JSON */
#define SC_PUSH_URL_MAX       4200u          /* a web endpoint is at most 4096 bytes (sql/009) */
#define SC_PUSH_URGENT_TTL    60             /* a ring is over after 60 s: never deliver it later */
#define SC_PUSH_APNS_JWT_AGE  3000           /* renew the provider token after 50 min (Apple: 20-60) */
#define SC_PUSH_FCM_HOLDOFF   2              /* seconds between two failed token fetches */

enum { SC_PUSH_FCM, SC_PUSH_APNS, SC_PUSH_WEB };

struct sc_push_creds {
	char      ca_file[1025];
	long      timeout_ms;
	long long ttl;                       /* PUSH_TTL_SECONDS */
	/* FCM */
	EVP_PKEY *fcm_key;                   /* NULL: FCM is off */
	char     *fcm_project, *fcm_email, *fcm_key_id, *fcm_token_url, *fcm_base;
	char     *fcm_access;                /* the cached access token, or NULL */
	long long fcm_refresh_at;            /* fetch a new one from then on */
	unsigned  fcm_gen;                   /* bumped per fetched token */
	long long fcm_hold_until;            /* after a failed fetch */
	sc_push_outcome fcm_hold_outcome;
	/* APNs */
	EVP_PKEY *apns_key;                  /* NULL: APNs is off */
	char     *apns_kid, *apns_team, *apns_topic, *apns_base;
	char     *apns_jwt;                  /* the cached provider token, or NULL */
	long long apns_jwt_iat;
	/* Web Push */
	EVP_PKEY *vapid_key;                 /* NULL: Web Push is off */
	char     *vapid_sub;
	int       web_allow_private;         /* PUSH_WEB_ALLOW_PRIVATE */
};

struct sc_push_req {
	sc_push_creds     *c;
	int                svc;
	char              *url;
	struct curl_slist *hdrs;
	unsigned char     *body;
	size_t             body_len;
	sc_buf             resp;             /* capped at SC_PUSH_RESP_MAX */
	long               retry_after;      /* seconds, or -1 */
	unsigned           gen;              /* FCM: the token generation used */
	char               errbuf[CURL_ERROR_SIZE];
	int                blocked;          /* web: the endpoint's address is special */
};

/* Seconds since the epoch (time(NULL)); the unit test moves it. */
extern long long (*sc_push_now)(void);

/* Per service: load (0, or -1 with err; called only when configured),
 * build url/hdrs/body (0, or -1 with *o and err), classify a response. */
int  sc_fcm_load(sc_push_creds *c, const char *file, char *err, size_t errlen);
int  sc_fcm_build(sc_push_req *r, const sc_push_target *t, const sc_push_note *n,
    sc_push_outcome *o, char *err, size_t errlen);
sc_push_outcome sc_fcm_classify(sc_push_req *r, long status, char *why, size_t whylen);
/* Drop the cached access token (the next prepare fetches one); the test
 * sets one with sc_fcm_token_set instead of fetching. */
void sc_fcm_token_set(sc_push_creds *c, const char *token, long long refresh_at);

int  sc_apns_load(sc_push_creds *c, char *err, size_t errlen);
int  sc_apns_build(sc_push_req *r, const sc_push_target *t, const sc_push_note *n,
    sc_push_outcome *o, char *err, size_t errlen);
sc_push_outcome sc_apns_classify(sc_push_req *r, long status, char *why, size_t whylen);
/* The apns-id of a job: a UUID (version 8, RFC 9562) from SHA-256(job_id). */
void sc_apns_uuid(const char *job_id, char out[37]);

int  sc_web_load(sc_push_creds *c, char *err, size_t errlen);
int  sc_web_build(sc_push_req *r, const sc_push_target *t, const sc_push_note *n,
    sc_push_outcome *o, char *err, size_t errlen);
sc_push_outcome sc_web_classify(sc_push_req *r, long status, char *why, size_t whylen);

/* Shared helpers (sc_push_send.c). */
/* The note's data_json as an object of strings (non-string values become
 * their JSON text), or NULL when it is not a JSON object. Caller puts it. */
json_object *sc_push_data_map(const sc_push_note *n);
/* Append one "Name: value" header; -1 when it does not fit 1 KiB. */
int  sc_push_header(sc_push_req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The body from a json-c object (plain, no slash escapes); -1 over cap. */
int  sc_push_body_json(sc_push_req *r, json_object *o, size_t cap);
/* The TTL of a note in seconds (urgent: at most SC_PUSH_URGENT_TTL). */
long long sc_push_ttl(const sc_push_creds *c, const sc_push_note *n);
/* A malloc'd copy of s without trailing slashes. */
char *sc_push_strip_slash(const char *s);
/* 1 when s is 1..max characters, each an ASCII letter or digit or one of
 * extra (ids, tokens and topics that go into URLs and headers as they are). */
int  sc_push_safe_id(const char *s, const char *extra, size_t max);

/* curl callbacks (userdata: the sc_push_req). */
size_t sc_push_body_cb(char *p, size_t size, size_t nmemb, void *ud);
size_t sc_push_header_cb(char *p, size_t size, size_t nmemb, void *ud);

#endif
