/* sc_push_reg.c - registering a push device in one statement (sc_push_dev.h). */
#include "sc_push_dev.h"
#include "sc_config.h"
#include "sc_rand.h"

#include <stdio.h>
#include <string.h>

/* $1 caller, $2 device_id (NULL: none), $3 type, $4 platform, $5 token, $6
 * p256dh, $7 auth_secret (bytea, NULL unless web), $8 cap. d: the device_id's
 * row, t: the token's row; the target is the caller's d, else t (NULL: a new
 * row). One row: forbidden (d is another account's and not t), then the
 * device written (device_id, type, platform, created_at, created) or NULLs
 * when refused (forbidden, or over the cap: only a new device of the caller
 * counts against it). del must finish before upd writes the token: upd joins
 * its count. */
static const char SQL_REGISTER[] =
    "WITH d AS (SELECT device_id, user_id FROM push_devices WHERE device_id = $2::uuid), "
    "t AS (SELECT device_id, user_id FROM push_devices WHERE type = $3 AND token = $5), "
    "tg AS (SELECT COALESCE((SELECT device_id FROM d WHERE user_id = $1::uuid), "
    "                       (SELECT device_id FROM t)) AS id), "
    "chk AS (SELECT tg.id AS tgt, "
    "  EXISTS (SELECT 1 FROM d WHERE d.user_id <> $1::uuid "
    "          AND d.device_id IS DISTINCT FROM (SELECT device_id FROM t)) AS forbidden, "
    "  EXISTS (SELECT 1 FROM push_devices x WHERE x.device_id = tg.id "
    "          AND x.user_id = $1::uuid) AS own, "
    "  (SELECT count(*) FROM push_devices x WHERE x.user_id = $1::uuid "
    "   AND x.device_id IS DISTINCT FROM tg.id "
    "   AND x.device_id IS DISTINCT FROM (SELECT device_id FROM t)) AS others FROM tg), "
    "go AS (SELECT tgt FROM chk WHERE NOT forbidden AND (own OR others < $8::int)), "
    "del AS (DELETE FROM push_devices p USING go WHERE p.type = $3 AND p.token = $5 "
    "        AND p.device_id <> go.tgt RETURNING p.device_id), "
    "upd AS (UPDATE push_devices p SET user_id = $1::uuid, "
    "          device_id = COALESCE($2::uuid, p.device_id), type = $3, platform = $4, "
    "          token = $5, p256dh = $6::bytea, auth_secret = $7::bytea, updated_at = now(), "
    "          created_at = CASE WHEN p.user_id = $1::uuid THEN p.created_at ELSE now() END, "
    "          last_push_at = CASE WHEN p.user_id = $1::uuid THEN p.last_push_at END "
    "        FROM go, (SELECT count(*) AS n FROM del) x WHERE p.device_id = go.tgt "
    "        RETURNING p.device_id, p.type, p.platform, " SC_SQL_TS("p.created_at") " AS ts, "
    "          false AS created), "
    "ins AS (INSERT INTO push_devices (device_id, user_id, type, platform, token, p256dh, "
    "          auth_secret) "
    "        SELECT COALESCE($2::uuid, gen_random_uuid()), $1::uuid, $3, $4, $5, $6::bytea, "
    "          $7::bytea FROM go WHERE go.tgt IS NULL "
    "        RETURNING device_id, type, platform, " SC_SQL_TS("created_at") " AS ts, "
    "          true AS created) "
    "SELECT chk.forbidden, r.device_id, r.type, r.platform, r.ts, r.created FROM chk "
    "LEFT JOIN (SELECT * FROM upd UNION ALL SELECT * FROM ins) r ON true";

int sc_push_dev_register(sc_db *db, sc_arena *a, const char *user_id, const sc_push_dev *d,
    PGresult **res, sc_db_err *err)
{
	char p256[2 + 2 * SC_PUSH_P256_LEN + 1] = "\\x", auth[2 + 2 * SC_PUSH_AUTH_LEN + 1] = "\\x";
	char cap[24];
	const char *p[8];
	int web = strcmp(d->type, "web") == 0, tries = 0, rc;

	if (web) {
		sc_hex_encode(d->p256dh, sizeof(d->p256dh), p256 + 2);
		sc_hex_encode(d->auth, sizeof(d->auth), auth + 2);
	}
	snprintf(cap, sizeof(cap), "%lld", sc_config_int(SC_CFG_PUSH_MAX_DEVICES));
	p[0] = user_id;
	p[1] = d->has_device_id ? d->device_id : NULL;
	p[2] = d->type;
	p[3] = d->platform;
	p[4] = d->token;
	p[5] = web ? p256 : NULL;
	p[6] = web ? auth : NULL;
	p[7] = cap;
	/* a concurrent registration of the same token or device_id hits a unique
	 * index: once more sees its row and updates it */
	while ((rc = sc_db_exec(db, a, SQL_REGISTER, 8, p, 0, res, err)) < 0 &&
	    strcmp(err->sqlstate, "23505") == 0 && ++tries < 2)
		;
	return rc;
}
