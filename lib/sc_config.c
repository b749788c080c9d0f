/* sc_config.c - load, validate and serve the settings of SC_CONFIG_TABLE. */
#include "sc_config.h"
#include "sc_alloc.h"
#include "sc_limits.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const sc_config_def defs[SC_CFG__COUNT] = {
#define SC_CONFIG_DEF(name, type, def, min, max, choices, req, doc) \
	{ #name, type, def, min, max, choices, req, doc },
	SC_CONFIG_TABLE(SC_CONFIG_DEF)
#undef SC_CONFIG_DEF
};

/* Room for the longest list of any type (sc_limits.h). */
#define MAX2(a, b) ((a) > (b) ? (a) : (b))
#define LIST_MAX MAX2(MAX2(SC_LIMIT_CORS_ORIGINS, SC_LIMIT_TRUSTED_PROXIES), SC_LIMIT_ICE_URLS)

typedef struct {
	char       *value;          /* owned; NULL = not set by any source */
	size_t      len;
	long long   num;
	char       *items[LIST_MAX]; /* list entries, owned */
	size_t      nitems;
} slot;

static slot slots[SC_CFG__COUNT];
static char errbuf[SC_LIMIT_CONFIG_VALUE + 128];

static int seterr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int seterr(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	return -1;
}

const sc_config_def *sc_config_defs(size_t *count)
{
	*count = SC_CFG__COUNT;
	return defs;
}

static void slot_clear(slot *s)
{
	size_t i;
	if (s->value) {
		OPENSSL_cleanse(s->value, s->len);
		free(s->value);
	}
	for (i = 0; i < s->nitems; i++)
		free(s->items[i]);
	memset(s, 0, sizeof(*s));
}

void sc_config_reset(void)
{
	size_t i;
	for (i = 0; i < SC_CFG__COUNT; i++)
		slot_clear(&slots[i]);
}

static int find_key(const char *name, size_t n)
{
	size_t i;
	for (i = 0; i < SC_CFG__COUNT; i++)
		if (strlen(defs[i].name) == n && memcmp(defs[i].name, name, n) == 0)
			return (int)i;
	return -1;
}

/* Read a secret file: at most SC_LIMIT_CONFIG_VALUE bytes, one trailing
 * newline (\n or \r\n) stripped. */
static int read_value_file(const char *key, const char *path, char **out, size_t *len)
{
	char buf[SC_LIMIT_CONFIG_VALUE + 2];
	ssize_t n;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return seterr("%s_FILE: cannot read %s: %s", key, path, strerror(errno));
	while (got < sizeof(buf)) {
		n = read(fd, buf + got, sizeof(buf) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return seterr("%s_FILE: cannot read %s: %s", key, path, strerror(errno));
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got > SC_LIMIT_CONFIG_VALUE + 1)
		return seterr("%s_FILE: %s is too long", key, path);
	if (got > 0 && buf[got - 1] == '\n')
		got--;
	if (got > 0 && buf[got - 1] == '\r')
		got--;
	if (got > SC_LIMIT_CONFIG_VALUE)
		return seterr("%s_FILE: %s is too long", key, path);
	*out = sc_xstrndup(buf, got);
	*len = got;
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
}

static void slot_set(slot *s, char *v, size_t len)
{
	slot_clear(s);
	s->value = v;
	s->len = len;
}

/* Apply KEY=VALUE or KEY_FILE=path from one source. src_mask tracks which keys
 * this source set directly, to refuse KEY and KEY_FILE together. */
static int apply(const char *name, size_t nlen, const char *val, size_t vlen,
    unsigned char *seen, const char *where, int unknown_is_error)
{
	int k = find_key(name, nlen);
	int is_file = 0;

	if (k < 0 && nlen > 5 && memcmp(name + nlen - 5, "_FILE", 5) == 0) {
		k = find_key(name, nlen - 5);
		is_file = 1;
	}
	if (k < 0) {
		if (!unknown_is_error || (nlen >= 5 && memcmp(name, "SC_X_", 5) == 0))
			return 0;
		return seterr("%.*s: unknown setting in %s", (int)nlen, name, where);
	}
	if (seen[k])
		return seterr("%s: given twice in %s (as %s and %s_FILE?)", defs[k].name,
		    where, defs[k].name, defs[k].name);
	seen[k] = 1;
	if (vlen > SC_LIMIT_CONFIG_VALUE)
		return seterr("%s: value is too long", defs[k].name);
	if (is_file) {
		char *path = sc_xstrndup(val, vlen), *v;
		size_t len;
		int rc = read_value_file(defs[k].name, path, &v, &len);
		free(path);
		if (rc < 0)
			return -1;
		slot_set(&slots[k], v, len);
	} else {
		slot_set(&slots[k], sc_xstrndup(val, vlen), vlen);
	}
	return 0;
}

static int load_file(const char *path, unsigned char *seen)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0, total = 0;
	ssize_t n;
	unsigned lineno = 0;
	int rc = 0;

	if (f == NULL)
		return seterr("SC_CONFIG: cannot open %s: %s", path, strerror(errno));
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *p = line, *end = line + n, *eq, *ks, *ke, *vs, *ve;
		lineno++;
		total += (size_t)n;
		if (total > SC_LIMIT_CONFIG_FILE) {
			rc = seterr("SC_CONFIG: %s is larger than %u bytes", path, SC_LIMIT_CONFIG_FILE);
			break;
		}
		while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
			end--;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end || *p == '#')
			continue;
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq == NULL) {
			rc = seterr("SC_CONFIG: %s line %u: expected KEY=VALUE", path, lineno);
			break;
		}
		ks = p;
		ke = eq;
		while (ke > ks && (ke[-1] == ' ' || ke[-1] == '\t'))
			ke--;
		vs = eq + 1;
		ve = end;
		while (vs < ve && (*vs == ' ' || *vs == '\t'))
			vs++;
		while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		if (apply(ks, (size_t)(ke - ks), vs, (size_t)(ve - vs), seen, path, 1) < 0) {
			rc = -1;
			break;
		}
	}
	if (line) {
		OPENSSL_cleanse(line, cap);
		free(line);
	}
	fclose(f);
	return rc;
}

static int load_env(unsigned char *seen)
{
	size_t i;
	char name[128];
	for (i = 0; i < SC_CFG__COUNT; i++) {
		const char *v = getenv(defs[i].name);
		int n;
		if (v != NULL && apply(defs[i].name, strlen(defs[i].name), v, strlen(v),
		    seen, "the environment", 1) < 0)
			return -1;
		n = snprintf(name, sizeof(name), "%s_FILE", defs[i].name);
		if (n < 0 || (size_t)n >= sizeof(name))
			continue;
		v = getenv(name);
		if (v != NULL && apply(name, (size_t)n, v, strlen(v), seen,
		    "the environment", 1) < 0)
			return -1;
	}
	return 0;
}

static int valid_origin(const char *s, size_t n)
{
	const char *host;
	size_t i, hl;
	if (n > 8 && memcmp(s, "https://", 8) == 0)
		host = s + 8;
	else if (n > 7 && memcmp(s, "http://", 7) == 0)
		host = s + 7;
	else
		return 0;
	hl = n - (size_t)(host - s);
	if (hl == 0)
		return 0;
	for (i = 0; i < hl; i++) {
		char c = host[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
		    c == '-' || c == ':' || c == '[' || c == ']'))
			return 0; /* no path, no upper case (browsers send lower case), no '*' */
	}
	return 1;
}

static int valid_ip(const char *s)
{
	unsigned char b[16];
	return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

/* stun:host[:port], stuns:, turn:host[:port][?transport=udp|tcp], turns: (RFC 7064,
 * RFC 7065). Only the characters of host names, IPv6 literals and that one query. */
static int valid_ice_url(const char *s, size_t n)
{
	static const char *const schemes[] = { "stun:", "stuns:", "turn:", "turns:" };
	size_t i, k, sl = 0;
	for (k = 0; k < sizeof(schemes) / sizeof(schemes[0]); k++) {
		size_t l = strlen(schemes[k]);
		if (n > l && memcmp(s, schemes[k], l) == 0)
			sl = l;
	}
	if (sl == 0)
		return 0;
	for (i = sl; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '?' || c == '='))
			return 0;
	}
	return 1;
}

static int split_list(int k)
{
	slot *s = &slots[k];
	const char *p = s->value, *end = s->value + s->len;
	while (p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		const char *e = c ? c : end, *a = p;
		while (a < e && (*a == ' ' || *a == '\t'))
			a++;
		while (e > a && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > a) {
			size_t max = defs[k].type == SC_CT_ORIGINS ? SC_LIMIT_CORS_ORIGINS :
			    defs[k].type == SC_CT_ICE_URLS ? SC_LIMIT_ICE_URLS :
			    SC_LIMIT_TRUSTED_PROXIES;
			const char *item;
			if (s->nitems == max)
				return seterr("%s: more than %zu entries", defs[k].name, max);
			/* Counted at once, so slot_clear frees it even when it is refused. */
			item = s->items[s->nitems++] = sc_xstrndup(a, (size_t)(e - a));
			if (defs[k].type == SC_CT_ORIGINS &&
			    !valid_origin(a, (size_t)(e - a)))
				return seterr("%s: '%s' is not an origin like https://host[:port] "
				    "(lower case, no path, no wildcard)", defs[k].name, item);
			if (defs[k].type == SC_CT_IPLIST && !valid_ip(item))
				return seterr("%s: '%s' is not an IP address", defs[k].name, item);
			if (defs[k].type == SC_CT_ICE_URLS && !valid_ice_url(a, (size_t)(e - a)))
				return seterr("%s: '%s' is not a stun:, stuns:, turn: or turns: URL",
				    defs[k].name, item);
		}
		p = c ? c + 1 : end;
	}
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	static const char *yes[] = { "true", "1", "yes", "on" };
	static const char *no[] = { "false", "0", "no", "off" };
	size_t i;
	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) { *out = 1; return 0; }
		if (strcasecmp(v, no[i]) == 0) { *out = 0; return 0; }
	}
	return -1;
}

static int validate(int k)
{
	const sc_config_def *d = &defs[k];
	slot *s = &slots[k];
	int b;

	if (s->value == NULL) {
		if (d->def == NULL)
			return seterr("%s: is required (set it in the environment, in the "
			    "SC_CONFIG file, or as %s_FILE)", d->name, d->name);
		slot_set(s, sc_xstrdup(d->def), strlen(d->def));
	}
	if (memchr(s->value, '\0', s->len) != NULL)
		return seterr("%s: contains a NUL byte", d->name);
	switch (d->type) {
	case SC_CT_SECRET:
		if (s->len == 0 && d->min > 0)
			return seterr("%s: is required", d->name);
		if (s->len != 0 && (long long)s->len < (d->min ? d->min : 1))
			return seterr("%s: must be at least %lld bytes", d->name, d->min);
		if (k == SC_CFG_JWT_SECRET_PREVIOUS && s->len != 0 && s->len < 32)
			return seterr("%s: must be empty or at least 32 bytes", d->name);
		if (k == SC_CFG_TURN_SECRET && s->len != 0 && s->len < 16)
			return seterr("%s: must be empty or at least 16 bytes", d->name);
		if (k == SC_CFG_STORAGE_URL_KEY && s->len != 0 && s->len < 32)
			return seterr("%s: must be empty or at least 32 bytes", d->name);
		if (k == SC_CFG_TOTP_KEY && s->len != 0 && s->len < 32)
			return seterr("%s: must be empty or at least 32 bytes", d->name);
		/* fallthrough */
	case SC_CT_STR:
		if ((long long)s->len < d->min || (long long)s->len > d->max)
			return seterr("%s: must be %lld..%lld bytes long", d->name, d->min, d->max);
		return 0;
	case SC_CT_INT:
		if (sc_parse_i64(s->value, s->len, d->min, d->max, &s->num) < 0)
			return seterr("%s: '%s' is not an integer from %lld to %lld", d->name,
			    s->value, d->min, d->max);
		return 0;
	case SC_CT_BOOL:
		if (parse_bool(s->value, &b) < 0)
			return seterr("%s: '%s' is not true or false", d->name, s->value);
		s->num = b;
		return 0;
	case SC_CT_ENUM: {
		const char *c = d->choices;
		while (*c) {
			const char *e = strchr(c, ',');
			size_t l = e ? (size_t)(e - c) : strlen(c);
			if (l == s->len && memcmp(c, s->value, l) == 0)
				return 0;
			c += l + (e ? 1 : 0);
		}
		return seterr("%s: '%s' is not one of %s", d->name, s->value, d->choices);
	}
	case SC_CT_ORIGINS:
	case SC_CT_IPLIST:
	case SC_CT_ICE_URLS:
		return split_list(k);
	case SC_CT_URL:
		if (!((s->len > 8 && strncmp(s->value, "https://", 8) == 0) ||
		    (s->len > 7 && strncmp(s->value, "http://", 7) == 0)))
			return seterr("%s: '%s' is not an http(s) URL", d->name, s->value);
		return 0;
	}
	return 0;
}

static int is_http_url(const char *v)
{
	return (strncmp(v, "https://", 8) == 0 && v[8] != '\0') ||
	    (strncmp(v, "http://", 7) == 0 && v[7] != '\0');
}

/* Rules that involve more than one key. */
static int validate_together(void)
{
	const char *v;

	if (strcmp(sc_config_str(SC_CFG_STORAGE_BACKEND), "s3") == 0) {
		if (!is_http_url(sc_config_str(SC_CFG_S3_ENDPOINT)))
			return seterr("S3_ENDPOINT: STORAGE_BACKEND=s3 needs an http(s) URL");
		if (sc_config_str(SC_CFG_S3_BUCKET)[0] == '\0')
			return seterr("S3_BUCKET: STORAGE_BACKEND=s3 needs a bucket");
		if (sc_config_str(SC_CFG_S3_ACCESS_KEY)[0] == '\0' ||
		    sc_config_secret(SC_CFG_S3_SECRET_KEY).len == 0)
			return seterr("S3_ACCESS_KEY: STORAGE_BACKEND=s3 needs S3_ACCESS_KEY and S3_SECRET_KEY");
	}
	v = sc_config_str(SC_CFG_S3_PUBLIC_ENDPOINT);
	if (v[0] != '\0' && !is_http_url(v))
		return seterr("S3_PUBLIC_ENDPOINT: '%s' is not an http(s) URL", v);
	if (sc_config_str(SC_CFG_STORAGE_DIR)[0] != '/')
		return seterr("STORAGE_DIR: must be an absolute path");
	return 0;
}

int sc_config_load(const char **err)
{
	unsigned char seen_env[SC_CFG__COUNT] = { 0 }, seen_file[SC_CFG__COUNT] = { 0 };
	const char *path = getenv("SC_CONFIG");
	size_t i;

	sc_config_reset();
	*err = errbuf;
	errbuf[0] = '\0';
	if (path != NULL && *path != '\0' && load_file(path, seen_file) < 0)
		goto fail;
	if (load_env(seen_env) < 0)
		goto fail;
	for (i = 0; i < SC_CFG__COUNT; i++)
		if (validate((int)i) < 0)
			goto fail;
	if (validate_together() < 0)
		goto fail;
	return 0;
fail:
	sc_config_reset();
	return -1;
}

const char *sc_config_str(sc_config_key k)
{
	return slots[k].value ? slots[k].value : (defs[k].def ? defs[k].def : "");
}

sc_str sc_config_secret(sc_config_key k)
{
	sc_str s = { sc_config_str(k), slots[k].value ? slots[k].len : 0 };
	return s;
}

long long sc_config_int(sc_config_key k)
{
	return slots[k].num;
}

int sc_config_bool(sc_config_key k)
{
	return slots[k].num != 0;
}

const char *sc_config_list(sc_config_key k, size_t i)
{
	return i < slots[k].nitems ? slots[k].items[i] : NULL;
}

int sc_config_list_has(sc_config_key k, const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < slots[k].nitems; i++)
		if (strlen(slots[k].items[i]) == n && memcmp(slots[k].items[i], s, n) == 0)
			return 1;
	return 0;
}
