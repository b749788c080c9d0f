/* sc_config.h - table-driven configuration (style.md rule 19, design.md 8).
 *
 * One table (SC_CONFIG_TABLE) declares every setting: name, type, default,
 * bounds, whether it is required, and its documentation. It drives parsing,
 * validation, `sc-admin config-keys`, and the configuration table in the docs.
 *
 * Sources, strongest first: the environment, the KEY=VALUE file named by
 * SC_CONFIG, the default. KEY_FILE reads the value of KEY from a file (for
 * secrets). sc_config_load() validates everything and, on the first problem,
 * returns -1 with a one-line message that starts with the key's name.
 * Values live for the life of the process. Not thread-safe (load once at start). */
#ifndef SC_CONFIG_H
#define SC_CONFIG_H

#include "sc_buf.h"

typedef enum {
	SC_CT_STR,      /* text, min..max bytes */
	SC_CT_SECRET,   /* text, min..max bytes, never printed */
	SC_CT_INT,      /* integer, min..max */
	SC_CT_BOOL,     /* true/false/1/0/yes/no/on/off */
	SC_CT_ENUM,     /* one of the comma list in choices */
	SC_CT_ORIGINS,  /* comma list of scheme://host[:port] */
	SC_CT_IPLIST,   /* comma list of IPv4/IPv6 addresses */
	SC_CT_URL,      /* http(s)://... */
	SC_CT_ICE_URLS  /* comma list of stun:, stuns:, turn:, turns: URIs (RFC 7064, 7065) */
} sc_config_type;

/* X(name, type, default, min, max, choices, required, doc) */
#define SC_CONFIG_TABLE(X) \
	X(JWT_SECRET, SC_CT_SECRET, NULL, 32, 4096, NULL, 1, \
	  "HMAC-SHA256 key for access tokens, at least 32 bytes. Use JWT_SECRET_FILE to keep it in a file.") \
	X(JWT_SECRET_PREVIOUS, SC_CT_SECRET, "", 0, 4096, NULL, 0, \
	  "The previous key during a rotation: tokens signed with it still verify. Empty or at least 32 bytes.") \
	X(JWT_ISSUER, SC_CT_STR, "secureconnect", 1, 255, NULL, 0, \
	  "The iss claim of issued access tokens.") \
	X(JWT_ACCESS_TTL_SECONDS, SC_CT_INT, "900", 60, 86400, NULL, 0, \
	  "Lifetime of an access token.") \
	X(JWT_REFRESH_TTL_SECONDS, SC_CT_INT, "2592000", 3600, 31536000, NULL, 0, \
	  "Lifetime of a refresh token (and so of an idle session); each use rotates it.") \
	X(PASSWORD_ARGON2_MEMORY_KIB, SC_CT_INT, "19456", 19456, 4194304, NULL, 0, \
	  "Argon2id memory cost in KiB (at least 19 MiB). Weaker stored hashes are upgraded at login.") \
	X(PASSWORD_ARGON2_TIME, SC_CT_INT, "2", 2, 16, NULL, 0, "Argon2id passes.") \
	X(PASSWORD_ARGON2_LANES, SC_CT_INT, "1", 1, 16, NULL, 0, "Argon2id lanes.") \
	X(LOGIN_MAX_FAILURES, SC_CT_INT, "5", 1, 100, NULL, 0, \
	  "Failed logins for one account within LOGIN_LOCK_SECONDS before it is locked.") \
	X(LOGIN_LOCK_SECONDS, SC_CT_INT, "900", 60, 86400, NULL, 0, \
	  "Window for counting failed logins, and how long the lock lasts.") \
	X(RATE_LIMIT_IP_PER_MINUTE, SC_CT_INT, "60", 1, 1000000, NULL, 0, \
	  "Sustained requests per minute from one address to public endpoints (GCRA).") \
	X(RATE_LIMIT_IP_BURST, SC_CT_INT, "20", 1, 1000000, NULL, 0, \
	  "Requests one address may send at once to public endpoints.") \
	X(RATE_LIMIT_USER_PER_MINUTE, SC_CT_INT, "600", 1, 1000000, NULL, 0, \
	  "Sustained requests per minute of one user to authenticated endpoints (GCRA).") \
	X(RATE_LIMIT_USER_BURST, SC_CT_INT, "100", 1, 1000000, NULL, 0, \
	  "Requests one user may send at once to authenticated endpoints.") \
	X(DB_HOST, SC_CT_STR, "127.0.0.1", 1, 255, NULL, 0, \
	  "PostgreSQL host name, address, or unix socket directory.") \
	X(DB_PORT, SC_CT_INT, "5432", 1, 65535, NULL, 0, "PostgreSQL port.") \
	X(DB_USER, SC_CT_STR, "secureconnect", 1, 63, NULL, 0, "PostgreSQL role.") \
	X(DB_PASSWORD, SC_CT_SECRET, "", 0, 1024, NULL, 0, \
	  "PostgreSQL password (or DB_PASSWORD_FILE).") \
	X(DB_NAME, SC_CT_STR, "secureconnect", 1, 63, NULL, 0, "PostgreSQL database.") \
	X(DB_SSL_MODE, SC_CT_ENUM, "prefer", 0, 0, \
	  "disable,allow,prefer,require,verify-ca,verify-full", 0, "libpq sslmode.") \
	X(DB_GSS_ENC_MODE, SC_CT_ENUM, "disable", 0, 0, "disable,prefer,require", 0, \
	  "libpq gssencmode. disable (the default) skips the Kerberos credential lookup at every connect; prefer or require for PostgreSQL with GSSAPI encryption.") \
	X(DB_STATEMENT_TIMEOUT_MS, SC_CT_INT, "5000", 100, 600000, NULL, 0, \
	  "statement_timeout of every connection, in milliseconds.") \
	X(DB_CONNECT_TIMEOUT_S, SC_CT_INT, "5", 1, 60, NULL, 0, \
	  "connect_timeout for PostgreSQL, in seconds.") \
	X(DB_PREPARED_STATEMENTS, SC_CT_BOOL, "false", 0, 0, NULL, 0, \
	  "Use named prepared statements. Leave off behind PgBouncer in transaction mode.") \
	X(REDIS_HOST, SC_CT_STR, "127.0.0.1", 1, 255, NULL, 0, \
	  "Redis host, or the path of its unix socket (starting with /; then REDIS_PORT is unused).") \
	X(REDIS_PORT, SC_CT_INT, "6379", 1, 65535, NULL, 0, "Redis port.") \
	X(REDIS_PASSWORD, SC_CT_SECRET, "", 0, 1024, NULL, 0, \
	  "Redis AUTH password (or REDIS_PASSWORD_FILE).") \
	X(REDIS_DB, SC_CT_INT, "0", 0, 15, NULL, 0, "Redis database number.") \
	X(REDIS_TIMEOUT_MS, SC_CT_INT, "1000", 50, 60000, NULL, 0, \
	  "Redis connect and command timeout, in milliseconds.") \
	X(CORS_ALLOWED_ORIGINS, SC_CT_ORIGINS, \
	  "http://localhost:3000,http://localhost:8080,http://127.0.0.1:3000,http://127.0.0.1:8080", \
	  0, 0, NULL, 0, "Browser origins allowed by CORS and by the relay (exact match).") \
	X(TRUSTED_PROXIES, SC_CT_IPLIST, "", 0, 0, NULL, 0, \
	  "Addresses of reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed.") \
	X(APP_URL, SC_CT_URL, "http://127.0.0.1:8080", 0, 0, NULL, 0, \
	  "Public base URL of the API, used in links and signed URLs.") \
	X(SMTP_URL, SC_CT_STR, "smtp://127.0.0.1:1025", 1, 1024, NULL, 0, \
	  "Mail server: smtp://host:port (STARTTLS per SMTP_STARTTLS) or smtps://host:port (TLS from the start).") \
	X(SMTP_STARTTLS, SC_CT_ENUM, "off", 0, 0, "off,try,required", 0, \
	  "STARTTLS on smtp:// URLs: off, try (use it when offered) or required (refuse to send without).") \
	X(SMTP_USERNAME, SC_CT_STR, "", 0, 256, NULL, 0, "SMTP AUTH user name (empty: no AUTH).") \
	X(SMTP_PASSWORD, SC_CT_SECRET, "", 0, 1024, NULL, 0, \
	  "SMTP AUTH password (or SMTP_PASSWORD_FILE).") \
	X(SMTP_FROM, SC_CT_STR, "SecureConnect <noreply@localhost>", 3, 320, NULL, 0, \
	  "From: of every mail, \"Name <address>\" or an address.") \
	X(SMTP_TIMEOUT_MS, SC_CT_INT, "3000", 100, 120000, NULL, 0, \
	  "Whole-send timeout of one mail, in milliseconds; a request never waits longer for the mail server (the mail stays in the outbox).") \
	X(MAIL_TEMPLATE_DIR, SC_CT_STR, "/etc/secureconnect/mail", 1, 1024, NULL, 0, \
	  "Folder of the mail templates (<name>.subject, <name>.txt, <name>.html); an admin may edit them.") \
	X(MAIL_OUTBOX_EXPIRY_SECONDS, SC_CT_INT, "86400", 60, 2592000, NULL, 0, \
	  "How long an unsent mail is retried before it is given up.") \
	X(AUTH_REQUIRE_VERIFIED_EMAIL, SC_CT_BOOL, "false", 0, 0, NULL, 0, \
	  "Refuse login (403 EMAIL_NOT_VERIFIED) until the account's e-mail address is verified.") \
	X(EMAIL_VERIFY_TOKEN_SECONDS, SC_CT_INT, "86400", 300, 604800, NULL, 0, \
	  "Lifetime of an e-mail verification (and e-mail change) link.") \
	X(PASSWORD_RESET_TOKEN_SECONDS, SC_CT_INT, "3600", 300, 86400, NULL, 0, \
	  "Lifetime of a password reset link.") \
	X(PASSWORD_RESET_PER_HOUR, SC_CT_INT, "5", 1, 1000, NULL, 0, \
	  "Password reset requests per hour for one e-mail address (beyond: 429).") \
	X(PASSWORD_RESET_IP_PER_HOUR, SC_CT_INT, "30", 1, 100000, NULL, 0, \
	  "Password reset requests per hour from one client address (beyond: 429).") \
	X(MAIL_RESEND_PER_HOUR, SC_CT_INT, "5", 1, 1000, NULL, 0, \
	  "Verification mails (resend, e-mail change) per hour for one user (beyond: 429).") \
	X(TOTP_KEY, SC_CT_SECRET, "", 0, 4096, NULL, 0, \
	  "AES-256-GCM key sealing the TOTP secrets: empty (derived from JWT_SECRET) or at least 32 bytes. Use TOTP_KEY_FILE to keep it in a file.") \
	X(TOTP_ISSUER, SC_CT_STR, "SecureConnect", 1, 64, NULL, 0, \
	  "Issuer shown by authenticator apps (the otpauth:// URI's issuer).") \
	X(MFA_TOKEN_SECONDS, SC_CT_INT, "300", 30, 3600, NULL, 0, \
	  "Lifetime of the mfa_token between the password and the code of a login with 2FA.") \
	X(MFA_PER_MINUTE, SC_CT_INT, "5", 1, 1000, NULL, 0, \
	  "2FA code checks per minute for one account (login/2fa, enable, disable); beyond: 429.") \
	X(MFA_BURST, SC_CT_INT, "5", 1, 1000, NULL, 0, \
	  "2FA code checks one account may make at once.") \
	X(HSTS_MAX_AGE, SC_CT_INT, "31536000", 0, 63072000, NULL, 0, \
	  "max-age of Strict-Transport-Security, sent only on HTTPS requests; 0 turns it off.") \
	X(LOG_LEVEL, SC_CT_ENUM, "info", 0, 0, "debug,info,warn,error", 0, \
	  "Lowest level written to the log.") \
	X(MESSAGE_EDIT_WINDOW_SECONDS, SC_CT_INT, "900", 0, 31536000, NULL, 0, \
	  "How long after sending a message its sender may edit it (0: never).") \
	X(GROUP_MAX_PARTICIPANTS, SC_CT_INT, "256", 2, 100000, NULL, 0, \
	  "Most members a group conversation may have.") \
	X(EVENTS_STREAM_MAXLEN, SC_CT_INT, "1000", 10, 1000000, NULL, 0, \
	  "Events kept per user in events:user:{id} for replay (approximate cap, XADD MAXLEN ~).") \
	X(PRESENCE_TTL_SECONDS, SC_CT_INT, "300", 10, 86400, NULL, 0, \
	  "Lifetime of presence:{user_id} after POST /v1/presence or a relay heartbeat.") \
	X(RELAY_LISTEN, SC_CT_STR, "127.0.0.1", 1, 255, NULL, 0, \
	  "Address sc-ws-relay listens on for WebSocket clients (behind the web server: loopback).") \
	X(RELAY_PORT, SC_CT_INT, "8090", 1, 65535, NULL, 0, \
	  "TCP port of sc-ws-relay; the web server proxies /v1/ws* to it.") \
	X(RELAY_ADMIN_PORT, SC_CT_INT, "8091", 0, 65535, NULL, 0, \
	  "Loopback-only port of the relay's /health and /metrics (0: off).") \
	X(RELAY_WORKERS, SC_CT_INT, "0", 0, 256, NULL, 0, \
	  "Relay worker processes sharing the port (SO_REUSEPORT); 0: one per core.") \
	X(RELAY_USER, SC_CT_STR, "", 0, 64, NULL, 0, \
	  "Account the relay switches to when started as root (empty: www-data).") \
	X(RELAY_MAX_CONNECTIONS, SC_CT_INT, "100000", 1, 10000000, NULL, 0, \
	  "Most client connections per worker (also bounded by the open-file limit).") \
	X(RELAY_MAX_MESSAGE_BYTES, SC_CT_INT, "65536", 125, 16777216, NULL, 0, \
	  "Largest client message (all fragments together); larger ones are closed with 1009.") \
	X(RELAY_OUTPUT_SOFT_BYTES, SC_CT_INT, "262144", 1024, 1073741824, NULL, 0, \
	  "Bytes queued for one client above which it must catch up within RELAY_OUTPUT_SOFT_SECONDS.") \
	X(RELAY_OUTPUT_SOFT_SECONDS, SC_CT_INT, "10", 1, 3600, NULL, 0, \
	  "How long a client may stay above the soft output limit before it is closed with 1013.") \
	X(RELAY_OUTPUT_HARD_BYTES, SC_CT_INT, "1048576", 1024, 1073741824, NULL, 0, \
	  "Bytes queued for one client that close it at once with 1013 (slow consumer).") \
	X(RELAY_PING_SECONDS, SC_CT_INT, "30", 1, 3600, NULL, 0, \
	  "Idle time after which the relay pings a client; keep it under 60 behind lighttpd or Apache (both drop a proxied connection silent for about 60 s).") \
	X(RELAY_IDLE_TIMEOUT_SECONDS, SC_CT_INT, "75", 2, 7200, NULL, 0, \
	  "A client silent this long (no frame, no pong) is closed.") \
	X(RELAY_HANDSHAKE_TIMEOUT_SECONDS, SC_CT_INT, "10", 1, 300, NULL, 0, \
	  "Time a client has to send its complete upgrade request.") \
	X(RELAY_REPLAY_MAX, SC_CT_INT, "1000", 1, 1000000, NULL, 0, \
	  "Most events one ?since= replay sends; beyond, the client gets replay.truncated and refetches.") \
	X(KEYS_MAX_ONE_TIME, SC_CT_INT, "1000", 100, 100000, NULL, 0, \
	  "Most unclaimed one-time prekeys one user may have stored; an upload beyond it is refused with 409.") \
	X(KEYS_FETCH_PER_MINUTE, SC_CT_INT, "120", 1, 1000000, NULL, 0, \
	  "Sustained prekey bundle fetches (GET /v1/keys/:user_id) per minute of one requester (GCRA).") \
	X(KEYS_FETCH_BURST, SC_CT_INT, "30", 1, 1000000, NULL, 0, \
	  "Prekey bundle fetches one requester may make at once.") \
	X(CALL_MAX_PARTICIPANTS, SC_CT_INT, "8", 2, 64, NULL, 0, \
	  "Most participants of one call, the caller included.") \
	X(CALL_RING_SECONDS, SC_CT_INT, "60", 10, 600, NULL, 0, \
	  "How long a call rings; a call nobody joined within it reads as missed.") \
	X(TURN_SECRET, SC_CT_SECRET, "", 0, 4096, NULL, 0, \
	  "coturn's static-auth-secret (TURN REST API), empty or at least 16 bytes. Empty: no TURN, GET /v1/calls/ice-servers answers 503. Use TURN_SECRET_FILE to keep it in a file.") \
	X(TURN_URLS, SC_CT_ICE_URLS, "", 0, 0, NULL, 0, \
	  "TURN server URLs handed to clients with credentials, e.g. turn:turn.example.org:3478?transport=udp,turns:turn.example.org:5349.") \
	X(STUN_URLS, SC_CT_ICE_URLS, "", 0, 0, NULL, 0, \
	  "STUN server URLs handed to clients (no credentials), e.g. stun:turn.example.org:3478.") \
	X(TURN_TTL_SECONDS, SC_CT_INT, "86400", 60, 604800, NULL, 0, \
	  "Lifetime of an issued TURN credential (the expiry in its user name).") \
	X(STORAGE_BACKEND, SC_CT_ENUM, "local", 0, 0, "local,s3", 0, \
	  "Where file bytes live: local (STORAGE_DIR, served by the web server with X-Sendfile) or s3 (any S3-compatible store, presigned URLs).") \
	X(STORAGE_DIR, SC_CT_STR, "/var/lib/secureconnect/files", 1, 1024, NULL, 0, \
	  "Folder of the local backend: written by the programs, read by the web server (X-Sendfile); on the same file system as its tmp/ subfolder.") \
	X(STORAGE_URL_KEY, SC_CT_SECRET, "", 0, 4096, NULL, 0, \
	  "HMAC-SHA256 key of the local backend's signed upload and download URLs, empty or at least 32 bytes; empty: derived from JWT_SECRET. Use STORAGE_URL_KEY_FILE to keep it in a file.") \
	X(STORAGE_MAX_FILE_BYTES, SC_CT_INT, "52428800", 1, 5368709120, NULL, 0, \
	  "Largest file one upload may declare (default 50 MiB).") \
	X(STORAGE_QUOTA_BYTES, SC_CT_INT, "10737418240", 0, 1125899906842624, NULL, 0, \
	  "Bytes each user may store, pending uploads included (default 10 GiB).") \
	X(STORAGE_ALLOWED_TYPES, SC_CT_STR, \
	  "text/plain,application/json,application/pdf,image/jpeg,image/png,image/gif,image/webp,video/mp4,video/webm,audio/mpeg,audio/mp3,application/zip,application/x-rar-compressed,application/x-tar,application/x-gzip,application/x-7z-compressed,application/x-zip-compressed,application/octet-stream", \
	  1, 4096, NULL, 0, \
	  "Content types an upload may declare (comma list). The default is the original's list without the types a browser would run (HTML, CSS, JavaScript, XML).") \
	X(STORAGE_UPLOAD_URL_SECONDS, SC_CT_INT, "900", 60, 86400, NULL, 0, \
	  "Lifetime of an upload URL; an upload not completed within it is removed by sc-admin gc.") \
	X(STORAGE_DOWNLOAD_URL_SECONDS, SC_CT_INT, "3600", 60, 604800, NULL, 0, \
	  "Lifetime of a download URL.") \
	X(S3_ENDPOINT, SC_CT_STR, "", 0, 1024, NULL, 0, \
	  "Base URL of the S3-compatible store the server talks to (https://s3.eu-central-1.amazonaws.com, http://127.0.0.1:9000).") \
	X(S3_PUBLIC_ENDPOINT, SC_CT_STR, "", 0, 1024, NULL, 0, \
	  "Base URL clients reach the store at, when it differs from S3_ENDPOINT (empty: the same).") \
	X(S3_REGION, SC_CT_STR, "us-east-1", 1, 64, NULL, 0, "Region of the S3 signing scope.") \
	X(S3_BUCKET, SC_CT_STR, "", 0, 63, NULL, 0, "Bucket of the s3 backend.") \
	X(S3_PATH_STYLE, SC_CT_BOOL, "true", 0, 0, NULL, 0, \
	  "Path-style URLs (endpoint/bucket/key; MinIO, Ceph, most self-hosted stores) instead of virtual-host style (bucket.endpoint/key).") \
	X(S3_ACCESS_KEY, SC_CT_STR, "", 0, 256, NULL, 0, "Access key id of the s3 backend.") \
	X(S3_SECRET_KEY, SC_CT_SECRET, "", 0, 1024, NULL, 0, \
	  "Secret access key of the s3 backend (or S3_SECRET_KEY_FILE).") \
	X(PUSH_STREAM_MAXLEN, SC_CT_INT, "100000", 1000, 100000000, NULL, 0, \
	  "Most push jobs kept on the Redis stream push:jobs (XADD MAXLEN ~).") \
	X(PUSH_MAX_ATTEMPTS, SC_CT_INT, "8", 1, 100, NULL, 0, \
	  "Tries of one push (429 and 5xx are retried with backoff) before it goes to the dead-letter stream push:dead.") \
	X(PUSH_TTL_SECONDS, SC_CT_INT, "86400", 0, 2419200, NULL, 0, \
	  "How long a push service keeps an undelivered push (Web Push TTL, apns-expiration, FCM android.ttl).") \
	X(PUSH_MAX_DEVICES, SC_CT_INT, "20", 1, 1000, NULL, 0, \
	  "Most push devices one user may register.") \
	X(PUSH_TEST_PER_HOUR, SC_CT_INT, "10", 1, 10000, NULL, 0, \
	  "POST /v1/push/test requests one user may make per hour.") \
	X(PUSH_CA_FILE, SC_CT_STR, "", 0, 1024, NULL, 0, \
	  "CA bundle for the push services instead of the system store (staging, tests). Empty: the system store.") \
	X(FCM_CREDENTIALS_FILE, SC_CT_STR, "", 0, 1024, NULL, 0, \
	  "Firebase service-account JSON (project_id, client_email, private_key, token_uri). Empty: no FCM pushes.") \
	X(FCM_BASE_URL, SC_CT_URL, "https://fcm.googleapis.com", 0, 0, NULL, 0, \
	  "Base URL of the FCM HTTP v1 API (POST {base}/v1/projects/{project_id}/messages:send).") \
	X(FCM_TOKEN_URL, SC_CT_STR, "", 0, 1024, NULL, 0, \
	  "OAuth 2.0 token endpoint. Empty: the token_uri of the service-account JSON.") \
	X(APNS_KEY_FILE, SC_CT_STR, "", 0, 1024, NULL, 0, \
	  "APNs token-auth signing key (.p8, P-256). Empty: no APNs pushes.") \
	X(APNS_KEY_ID, SC_CT_STR, "", 0, 32, NULL, 0, "Key ID of APNS_KEY_FILE (the kid of the provider token).") \
	X(APNS_TEAM_ID, SC_CT_STR, "", 0, 32, NULL, 0, "Apple developer team ID (the iss of the provider token).") \
	X(APNS_TOPIC, SC_CT_STR, "", 0, 255, NULL, 0, "The app's bundle ID (apns-topic); VoIP pushes add .voip.") \
	X(APNS_ENVIRONMENT, SC_CT_ENUM, "production", 0, 0, "production,sandbox", 0, \
	  "APNs host: api.push.apple.com or api.sandbox.push.apple.com (unless APNS_BASE_URL is set).") \
	X(APNS_BASE_URL, SC_CT_STR, "", 0, 1024, NULL, 0, \
	  "Base URL of APNs instead of the one APNS_ENVIRONMENT names (staging, tests).") \
	X(VAPID_PRIVATE_KEY_FILE, SC_CT_STR, "", 0, 1024, NULL, 0, \
	  "Web Push VAPID key (PEM, P-256). Empty: no Web Push. `sc-admin vapid-keygen` makes one.") \
	X(PUSH_WEB_ALLOW_PRIVATE, SC_CT_BOOL, "false", 0, 0, NULL, 0, \
	  "Let Web Push reach subscription endpoints on loopback, private, link-local and other special addresses (a private push service, tests). Off: such pushes are refused.") \
	X(VAPID_SUBJECT, SC_CT_STR, "", 0, 255, NULL, 0, \
	  "The VAPID sub claim: a mailto: or https: contact for the push services (RFC 8292).") \
	X(NOTIFYD_CONCURRENCY, SC_CT_INT, "64", 1, 10000, NULL, 0, \
	  "Pushes sc-notifyd has in flight at once.") \
	X(NOTIFYD_BATCH, SC_CT_INT, "100", 1, 10000, NULL, 0, \
	  "Jobs sc-notifyd reads from the stream at a time.") \
	X(NOTIFYD_CLAIM_IDLE_MS, SC_CT_INT, "60000", 1000, 86400000, NULL, 0, \
	  "A job another worker has held this long without acknowledging it is taken over (the worker died).") \
	X(NOTIFYD_RETRY_BASE_MS, SC_CT_INT, "1000", 10, 3600000, NULL, 0, \
	  "First retry delay of a push; doubled per try, capped by NOTIFYD_RETRY_MAX_MS, or Retry-After when longer.") \
	X(NOTIFYD_RETRY_MAX_MS, SC_CT_INT, "3600000", 100, 86400000, NULL, 0, \
	  "Longest delay between two tries of a push.") \
	X(NOTIFYD_TIMEOUT_MS, SC_CT_INT, "10000", 100, 600000, NULL, 0, \
	  "Timeout of one request to a push service.") \
	X(NOTIFICATIONS_KEEP_DAYS, SC_CT_INT, "90", 1, 3650, NULL, 0, \
	  "Notifications older than this are deleted by `sc-admin gc`.")

typedef enum {
#define SC_CONFIG_ENUM(name, ...) SC_CFG_##name,
	SC_CONFIG_TABLE(SC_CONFIG_ENUM)
#undef SC_CONFIG_ENUM
	SC_CFG__COUNT
} sc_config_key;

typedef struct sc_config_def {
	const char     *name;
	sc_config_type  type;
	const char     *def;
	long long       min, max;
	const char     *choices;
	int             required;
	const char     *doc;
} sc_config_def;

/* Load and validate. 0 ok; -1 with *err (static buffer) = "KEY: reason".
 * environ is read through getenv(); the file named by SC_CONFIG, if set. */
int  sc_config_load(const char **err);
/* Forget everything loaded (tests). */
void sc_config_reset(void);

const sc_config_def *sc_config_defs(size_t *count);

const char *sc_config_str(sc_config_key k);      /* never NULL after load */
sc_str      sc_config_secret(sc_config_key k);
long long   sc_config_int(sc_config_key k);
int         sc_config_bool(sc_config_key k);
/* The i-th entry of a list value (ORIGINS, IPLIST); NULL past the end. */
const char *sc_config_list(sc_config_key k, size_t i);
/* 1 when s[0..n) equals an entry of the list (exact, byte-wise). */
int         sc_config_list_has(sc_config_key k, const char *s, size_t n);

#endif
