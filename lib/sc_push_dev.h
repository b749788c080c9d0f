/* sc_push_dev.h - push devices: what POST /v1/push/tokens accepts, and how a
 * device is listed (api.md "Push devices and notifications"; sql/009_push.sql).
 *
 * A registration is {type, platform, token | subscription, device_id?}:
 *   type      fcm | apns | web
 *   platform  ios | android | web. apns: ios only; web: web only; fcm: any of
 *             the three (FCM serves Android, iOS and browsers). Optional for
 *             apns and web (the one allowed value), required for fcm.
 *   token     fcm: 16..4096 characters of [A-Za-z0-9._:-] (FCM registration
 *             tokens); apns: 64..200 hex digits, even count (stored lower case).
 *             Ignored for web.
 *   subscription  web only, the browser's PushSubscription JSON:
 *             endpoint  an https URL with a host (no user info, no fragment,
 *                       printable ASCII, at most SC_PUSH_ENDPOINT_MAX bytes);
 *                       stored as the token
 *             keys.p256dh  base64url (padded or not, strictly: no other
 *                       alphabet, no white space, zero unused bits) of an
 *                       uncompressed P-256 point (65 bytes, 0x04 || X || Y)
 *                       that lies on the curve
 *             keys.auth    base64url of exactly 16 bytes
 *             Ignored for fcm and apns.
 *   device_id a UUID the client chose (optional).
 * Every refusal names its field ("subscription.keys.p256dh") for a 400. */
#ifndef SC_PUSH_DEV_H
#define SC_PUSH_DEV_H

#include <stddef.h>
#include <json-c/json.h>
#include <libpq-fe.h>

#include "sc_db.h"
#include "sc_json.h"
#include "sc_user.h"
#include "sc_uuid.h"

#define SC_PUSH_ENDPOINT_MAX   2048   /* bytes of a web push endpoint URL */
#define SC_PUSH_TOKEN_MAX      4096   /* bytes of an fcm token (the column's cap) */
#define SC_PUSH_P256_LEN       65     /* an uncompressed P-256 point */
#define SC_PUSH_AUTH_LEN       16     /* RFC 8291 auth secret */
#define SC_PUSH_HINT_MAX       (SC_PUSH_ENDPOINT_MAX + 16)

typedef struct sc_push_dev {
	const char   *type;          /* "fcm" | "apns" | "web" (static strings) */
	const char   *platform;      /* "ios" | "android" | "web" (static strings) */
	char         *token;         /* fcm/apns token or the web endpoint (arena) */
	int           has_device_id;
	char          device_id[SC_UUID_STRLEN + 1];
	unsigned char p256dh[SC_PUSH_P256_LEN];     /* web only */
	unsigned char auth[SC_PUSH_AUTH_LEN];       /* web only */
} sc_push_dev;

/* Check a registration body and fill d (token copied to the arena). 0, or -1
 * with e naming the field. */
int sc_push_dev_parse(sc_arena *a, json_object *body, sc_push_dev *d, sc_verr *e);

/* 1 when s[0..n) is an https URL with a host as the header describes. When
 * origin is not NULL it receives "https://host[:port]" (origin_cap bytes; 0
 * returned when it does not fit). */
int sc_push_dev_endpoint_valid(const char *s, size_t n, char *origin, size_t origin_cap);

/* Strict base64url, padded or not, of s[0..n) into out (cap bytes); the
 * decoded length into *outlen. 0, or -1 when not such base64url or longer
 * than cap. */
int sc_push_dev_b64url_decode(const char *s, size_t n, unsigned char *out, size_t cap,
    size_t *outlen);

/* 1 when p[0..n) is an uncompressed P-256 point on the curve (OpenSSL
 * EC_POINT_oct2point and EC_POINT_is_on_curve; not the point at infinity). */
int sc_push_dev_p256_valid(const unsigned char *p, size_t n);

/* Register d for user_id in one statement (lib/sc_push_reg.c): update the
 * caller's device_id, else the row of the same (type, token) of any user
 * (taken over), else insert; a row holding the token that is not the target is
 * deleted; the PUSH_MAX_DEVICES cap and the ownership of device_id are checked
 * inside. A unique-index collision with a concurrent registration is retried
 * once. 0 with *res: one row (forbidden, device_id, type, platform,
 * created_at, created), device_id NULL when refused (forbidden, or over the
 * cap); or -1 with err (sqlstate 23505: registered concurrently twice). */
int sc_push_dev_register(sc_db *db, sc_arena *a, const char *user_id, const sc_push_dev *d,
    PGresult **res, sc_db_err *err);

/* What a list shows of a device instead of its token: for web the
 * endpoint's origin, else "..." and the token's last 6 characters (tokens are
 * at least 16 long, so never the whole of it). Writes out (cap bytes). */
void sc_push_dev_hint(const char *type, const char *token, char *out, size_t cap);

/* The columns of a listed device, for SELECT ... FROM push_devices d. */
#define SC_PUSH_DEV_COLS \
	"d.device_id, d.type, d.platform, d.token, " SC_SQL_TS("d.created_at") ", " \
	SC_SQL_TS("d.updated_at")
#define SC_PUSH_DEV_NCOLS 6

/* {device_id, type, platform, token_hint, created_at, updated_at} from the
 * SC_PUSH_DEV_COLS at (row, col). The caller owns the result. */
json_object *sc_push_dev_json(const PGresult *res, int row, int col);

#endif
