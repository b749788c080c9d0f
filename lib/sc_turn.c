/* sc_turn.c - TURN REST API credentials and the ice_servers array. */
#include "sc_turn.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdio.h>
#include <string.h>

#include "sc_b64.h"
#include "sc_config.h"

int sc_turn_configured(void)
{
	return sc_config_secret(SC_CFG_TURN_SECRET).len > 0 &&
	    sc_config_list(SC_CFG_TURN_URLS, 0) != NULL;
}

void sc_turn_credential(const char *secret, size_t slen, const char *username, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	HMAC(EVP_sha1(), secret, (int)slen, (const unsigned char *)username, strlen(username),
	    md, &mdlen);
	sc_b64_encode(md, mdlen, out);
	OPENSSL_cleanse(md, sizeof(md));
}

static json_object *urls(sc_config_key k)
{
	json_object *a = json_object_new_array();
	const char *u;
	size_t i;

	for (i = 0; (u = sc_config_list(k, i)) != NULL; i++)
		json_object_array_add(a, json_object_new_string(u));
	return a;
}

json_object *sc_turn_ice_servers(const char *user_id, long long now)
{
	json_object *list = json_object_new_array(), *o;

	if (sc_config_list(SC_CFG_STUN_URLS, 0) != NULL) {
		o = json_object_new_object();
		json_object_object_add(o, "urls", urls(SC_CFG_STUN_URLS));
		json_object_array_add(list, o);
	}
	if (sc_turn_configured()) {
		sc_str secret = sc_config_secret(SC_CFG_TURN_SECRET);
		char user[160], cred[SC_TURN_CREDENTIAL_LEN + 1];

		snprintf(user, sizeof(user), "%lld:%s",
		    now + sc_config_int(SC_CFG_TURN_TTL_SECONDS), user_id);
		sc_turn_credential(secret.ptr, secret.len, user, cred);
		o = json_object_new_object();
		json_object_object_add(o, "urls", urls(SC_CFG_TURN_URLS));
		json_object_object_add(o, "username", json_object_new_string(user));
		json_object_object_add(o, "credential", json_object_new_string(cred));
		json_object_array_add(list, o);
		OPENSSL_cleanse(cred, sizeof(cred));
	}
	return list;
}
