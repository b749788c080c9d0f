/* sc_jwt.c - strict HS256 access tokens over libjwt 1.10. */
#include "sc_jwt.h"
#include "sc_buf.h"
#include "sc_config.h"

#include <errno.h>
#include <jwt.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int sc_jwt_issue(const char *user_id, const char *session_id, const char *role,
    time_t now, char **out, long *expires_in)
{
	sc_str key = sc_config_secret(SC_CFG_JWT_SECRET);
	long ttl = (long)sc_config_int(SC_CFG_JWT_ACCESS_TTL_SECONDS);
	char jti[SC_UUID_STRLEN + 1];
	jwt_t *j = NULL;
	int rc = -1;

	*out = NULL;
	if (key.len < 32 || jwt_new(&j) != 0)
		return -1;
	sc_uuid_v4(jti);
	if (jwt_add_grant(j, "iss", sc_config_str(SC_CFG_JWT_ISSUER)) ||
	    jwt_add_grant(j, "aud", SC_JWT_AUDIENCE) ||
	    jwt_add_grant(j, "sub", user_id) ||
	    jwt_add_grant(j, "user_id", user_id) ||
	    jwt_add_grant(j, "sid", session_id) ||
	    jwt_add_grant(j, "jti", jti) ||
	    jwt_add_grant(j, "typ", "access") ||
	    jwt_add_grant(j, "role", role) ||
	    jwt_add_grant_int(j, "iat", (long)now) ||
	    jwt_add_grant_int(j, "nbf", (long)now) ||
	    jwt_add_grant_int(j, "exp", (long)now + ttl) ||
	    jwt_set_alg(j, JWT_ALG_HS256, (const unsigned char *)key.ptr, (int)key.len))
		goto out;
	*out = jwt_encode_str(j);
	if (*out != NULL) {
		rc = 0;
		if (expires_in)
			*expires_in = ttl;
	}
out:
	jwt_free(j);
	return rc;
}

/* Copy a string claim that must be a UUID. */
static int uuid_claim(jwt_t *j, const char *name, char *out)
{
	const char *v = jwt_get_grant(j, name);
	return v != NULL && sc_uuid_parse(v, strlen(v), out) ? 0 : -1;
}

/* A NumericDate claim that must be a JSON integer. jwt_get_grant_int() of
 * libjwt 1.10 returns 0 for a claim of another type (string, fraction,
 * boolean) without saying so, so the claim's JSON text is read and parsed here:
 * only a plain integer is a value. */
static int int_claim(jwt_t *j, const char *name, long *out)
{
	char *js = jwt_get_grants_json(j, name);
	long long v;
	int rc = -1;

	if (js != NULL && sc_parse_i64(js, strlen(js), LLONG_MIN,
	    LLONG_MAX, &v) == 0) {
		*out = (long)v;
		rc = 0;
	}
	free(js);
	return rc;
}

static int check_claims(jwt_t *j, time_t now, sc_jwt_claims *c, const char **why)
{
	const char *s;
	long exp, nbf, iat;

	if (jwt_get_alg(j) != JWT_ALG_HS256)
		return *why = "alg is not HS256", -1;
	s = jwt_get_grant(j, "typ");
	if (s == NULL || strcmp(s, "access") != 0)
		return *why = "typ is not access", -1;
	s = jwt_get_grant(j, "aud");
	if (s == NULL || strcmp(s, SC_JWT_AUDIENCE) != 0)
		return *why = "wrong audience", -1;
	s = jwt_get_grant(j, "iss");
	if (s == NULL || strcmp(s, sc_config_str(SC_CFG_JWT_ISSUER)) != 0)
		return *why = "wrong issuer", -1;
	if (int_claim(j, "exp", &exp) < 0 || int_claim(j, "nbf", &nbf) < 0 ||
	    int_claim(j, "iat", &iat) < 0)
		return *why = "exp, nbf or iat missing or not an integer", -1;
	/* Written so that no sum can overflow whatever exp and nbf hold. */
	if ((long long)now - SC_JWT_LEEWAY >= (long long)exp)
		return *why = "expired", -1;
	if ((long long)nbf > (long long)now + SC_JWT_LEEWAY)
		return *why = "not valid yet", -1;
	if (uuid_claim(j, "sub", c->user_id) < 0 || uuid_claim(j, "sid", c->session_id) < 0 ||
	    uuid_claim(j, "jti", c->jti) < 0)
		return *why = "sub, sid or jti missing or not a UUID", -1;
	s = jwt_get_grant(j, "user_id");
	if (s == NULL || strcasecmp(s, c->user_id) != 0)
		return *why = "user_id does not match sub", -1;
	s = jwt_get_grant(j, "role");
	snprintf(c->role, sizeof(c->role), "%s", s && strlen(s) < sizeof(c->role) ? s : "user");
	c->iat = (time_t)iat;
	c->exp = (time_t)exp;
	return 0;
}

int sc_jwt_verify(const char *token, size_t len, time_t now, sc_jwt_claims *c,
    const char **why)
{
	sc_str keys[2] = { sc_config_secret(SC_CFG_JWT_SECRET),
	    sc_config_secret(SC_CFG_JWT_SECRET_PREVIOUS) };
	char buf[SC_JWT_MAX_LEN + 1];
	size_t i, dots = 0;

	memset(c, 0, sizeof(*c));
	*why = "malformed";
	if (len == 0 || len > SC_JWT_MAX_LEN)
		return -1;
	for (i = 0; i < len; i++) {
		char ch = token[i];
		if (ch == '.')
			dots++;
		else if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			return -1;
	}
	if (dots != 2)
		return -1;
	memcpy(buf, token, len);
	buf[len] = '\0';
	*why = "bad signature";
	for (i = 0; i < 2; i++) {
		jwt_t *j = NULL;
		int rc;
		/* Never call jwt_decode without a key: it then skips verification. */
		if (keys[i].len < 32)
			continue;
		if (jwt_decode(&j, buf, (const unsigned char *)keys[i].ptr, (int)keys[i].len) != 0 ||
		    j == NULL) {
			jwt_free(j);
			continue;
		}
		rc = check_claims(j, now, c, why);
		jwt_free(j);
		return rc;
	}
	return -1;
}
