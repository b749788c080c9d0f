/* sc_turn.h - STUN/TURN servers for WebRTC clients, with TURN REST API
 * credentials (draft-uberti-behave-turn-rest-00, coturn's use-auth-secret):
 *     username   = "<unix expiry>:<user_id>"
 *     credential = base64(HMAC-SHA1(TURN_SECRET, username))
 * coturn recomputes the credential from its static-auth-secret and refuses
 * it after the expiry, so nothing is stored. Config: TURN_SECRET, TURN_URLS,
 * STUN_URLS, TURN_TTL_SECONDS. */
#ifndef SC_TURN_H
#define SC_TURN_H

#include <json-c/json.h>
#include <stddef.h>

/* base64 of a 20-byte HMAC-SHA1: 28 characters. */
#define SC_TURN_CREDENTIAL_LEN 28

/* 1 when TURN_SECRET and TURN_URLS are both set. */
int sc_turn_configured(void);

/* credential for username under secret[0..slen) into out
 * (SC_TURN_CREDENTIAL_LEN + 1 bytes). */
void sc_turn_credential(const char *secret, size_t slen, const char *username, char *out);

/* A new JSON array of RTCIceServer objects for user_id at time now:
 *   {"urls":[STUN_URLS...]}                                 when STUN_URLS is set
 *   {"urls":[TURN_URLS...],"username":..,"credential":..}  when TURN is configured
 * (possibly empty). The caller owns it. */
json_object *sc_turn_ice_servers(const char *user_id, long long now);

#endif
