/* fuzz_push.c - libFuzzer target for the push device registration parser
 * (sc_push_dev_parse: the body of POST /v1/push/tokens), its endpoint and
 * strict base64url checks, and the token hint a device list shows.
 *
 * Invariants:
 *  - a refusal returns -1 with a field named and a message;
 *  - an accepted device has a known type and platform (apns: ios, web: web),
 *    a token of the type's shape (web: an endpoint sc_push_dev_endpoint_valid
 *    accepts again), and for web a P-256 point that is valid again;
 *  - the hint of an accepted token never contains the whole token (fcm/apns)
 *    and always fits its buffer;
 *  - the raw input through sc_push_dev_endpoint_valid, sc_push_dev_b64url_decode
 *    and sc_push_dev_p256_valid never misbehaves, and a decode never claims
 *    more bytes than its buffer.
 * Everything is released (LeakSanitizer checks). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sc_arena.h"
#include "sc_json.h"
#include "sc_push_dev.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_dev(int rc, const sc_push_dev *d, const sc_verr *e)
{
	char hint[SC_PUSH_HINT_MAX];
	size_t n;

	if (rc != 0) {
		if (rc != -1 || e->field == NULL || e->field[0] == '\0' ||
		    e->msg[0] == '\0')
			abort();
		return;
	}
	if (d->token == NULL || d->type == NULL || d->platform == NULL)
		abort();
	n = strlen(d->token);
	if (strcmp(d->type, "web") == 0) {
		if (strcmp(d->platform, "web") != 0 || !sc_push_dev_endpoint_valid(d->token, n, NULL, 0) ||
		    !sc_push_dev_p256_valid(d->p256dh, sizeof(d->p256dh)))
			abort();
	} else if (strcmp(d->type, "apns") == 0) {
		if (strcmp(d->platform, "ios") != 0 || n < 64)
			abort();
	} else if (strcmp(d->type, "fcm") == 0) {
		if (n < 16 || n > SC_PUSH_TOKEN_MAX)
			abort();
	} else {
		abort();
	}
	sc_push_dev_hint(d->type, d->token, hint, sizeof(hint));
	if (strlen(hint) >= sizeof(hint) || (strcmp(d->type, "web") != 0 && strstr(hint, d->token) != NULL))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1), origin[SC_PUSH_ENDPOINT_MAX + 1];
	unsigned char out[SC_PUSH_P256_LEN];
	json_object *body = NULL;
	const char *why;
	size_t outlen = 0;
	sc_push_dev d;
	sc_arena a;
	sc_verr e;

	if (size)
		memcpy(buf, data, size);
	(void)sc_push_dev_endpoint_valid(buf, size, origin, sizeof(origin));
	if (sc_push_dev_b64url_decode(buf, size, out, sizeof(out), &outlen) == 0 && outlen > sizeof(out))
		abort();
	(void)sc_push_dev_p256_valid(data, size);
	sc_arena_init(&a);
	if (sc_json_parse_object(&a, buf, size, &body, &why) == 0) {
		memset(&d, 0, sizeof(d));
		memset(&e, 0, sizeof(e));
		check_dev(sc_push_dev_parse(&a, body, &d, &e), &d, &e);
	}
	sc_arena_cleanup(&a);
	free(buf);
	return 0;
}
