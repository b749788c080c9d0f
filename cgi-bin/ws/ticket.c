/* POST /v1/ws/ticket - a single-use login for a browser's WebSocket.
 *
 * Browsers cannot set Authorization on a WebSocket, so they trade their
 * access token for a ticket and open /v1/ws?ticket=... within 30 s.
 * The body is ignored (none, or a JSON object such as {}; like logout).
 * 200 {ticket, expires_in:30}: 32 random bytes in base64url without padding
 * (43 characters). Redis holds wsticket:<ticket> = "<user_id>:<session_id>:
 * <exp>" (exp: the access token's expiry, unix seconds, so the relay ends the
 * socket when the token would have) for 30 s; sc-ws-relay takes it with
 * GETDEL, so it works once. Redis down: 503.
 * The caller's presence peers cache is refreshed before the answer, so the
 * socket the ticket opens finds it (best effort, sc_presence.h). */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_log.h"
#include "sc_presence.h"
#include "sc_rand.h"

#include <stdio.h>
#include <string.h>

#define TICKET_BYTES 32
#define TICKET_LEN   43                     /* base64url of 32 bytes, no padding */
#define TICKET_TTL   30                     /* seconds; api.md fixes expires_in:30 */

/* SET wsticket:<t> <value> EX 30 NX with a fresh t. 1 stored, 0 not stored
 * (the name was taken: in practice only by our own first attempt, when a
 * broken connection made sc_redis send the command twice), -1 Redis failed. */
static int store(sc_redis *r, const char *value, char ticket[TICKET_LEN + 1])
{
	char key[16 + TICKET_LEN], ttl[8];
	const char *argv[6], *errstr;
	size_t lens[6];
	redisReply *rep = NULL;
	int unavailable = 0, i, stored;

	sc_rand_b64url(ticket, TICKET_BYTES);
	snprintf(key, sizeof(key), "wsticket:%s", ticket);
	snprintf(ttl, sizeof(ttl), "%d", TICKET_TTL);
	argv[0] = "SET"; argv[1] = key; argv[2] = value;
	argv[3] = "EX"; argv[4] = ttl; argv[5] = "NX";
	for (i = 0; i < 6; i++)
		lens[i] = strlen(argv[i]);
	if (sc_redis_cmd(r, 6, argv, lens, &rep, &unavailable, &errstr) < 0) {
		sc_log(SC_LOG_WARN, "ticket not stored", "\"unavailable\":%s",
		    unavailable ? "true" : "false");
		return -1;
	}
	stored = rep->type == REDIS_REPLY_STATUS;
	freeReplyObject(rep);
	return stored;
}

static int handle(sc_req *req, sc_resp *resp)
{
	char value[2 * SC_UUID_STRLEN + 32], ticket[TICKET_LEN + 1];
	int n, rc = 0, attempt;
	json_object *o;

	n = snprintf(value, sizeof(value), "%s:%s:%lld", req->user.user_id, req->user.session_id,
	    (long long)req->user.exp);
	if (n < 0 || (size_t)n >= sizeof(value))
		return sc_resp_fail(resp, "ticket value too long");
	for (attempt = 0; attempt < 3 && rc == 0; attempt++)
		rc = store(req->redis, value, ticket);
	if (rc < 0)
		return sc_account_redis_down(resp);
	if (rc == 0)
		return sc_resp_fail(resp, "no ticket name was free");
	sc_presence_peers_refresh(req->db, req->redis, req->arena, req->user.user_id);
	o = json_object_new_object();
	json_object_object_add(o, "ticket", json_object_new_string(ticket));
	json_object_object_add(o, "expires_in", json_object_new_int(TICKET_TTL));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "ws/ticket", .pattern = "/v1/ws/ticket", .methods = SC_M_POST,
	.flags = SC_EP_JSON | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
