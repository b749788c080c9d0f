/* sc_http.c - methods, reason phrases, envelope codes. */
#include "sc_http.h"

#include <stdio.h>
#include <string.h>

static const struct { const char *name; unsigned bit; } methods[] = {
	{ "GET", SC_M_GET }, { "HEAD", SC_M_HEAD }, { "POST", SC_M_POST },
	{ "PUT", SC_M_PUT }, { "PATCH", SC_M_PATCH }, { "DELETE", SC_M_DELETE },
	{ "OPTIONS", SC_M_OPTIONS },
};

unsigned sc_http_method_bit(const char *name)
{
	size_t i;
	if (name == NULL)
		return 0;
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(name, methods[i].name) == 0)
			return methods[i].bit;
	return 0;
}

const char *sc_http_allow(unsigned mask, char *out, size_t outlen)
{
	size_t i, o = 0;
	if (mask & SC_M_GET)
		mask |= SC_M_HEAD;
	mask |= SC_M_OPTIONS;
	out[0] = '\0';
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		int n;
		if (!(mask & methods[i].bit))
			continue;
		n = snprintf(out + o, outlen - o, "%s%s", o ? ", " : "", methods[i].name);
		if (n < 0 || (size_t)n >= outlen - o)
			break;
		o += (size_t)n;
	}
	return out;
}

static const struct { int status; const char *reason; const char *code; } statuses[] = {
	{ 200, "OK", NULL }, { 201, "Created", NULL }, { 202, "Accepted", NULL },
	{ 204, "No Content", NULL },
	{ 400, "Bad Request", "VALIDATION_ERROR" }, { 401, "Unauthorized", "UNAUTHORIZED" },
	{ 403, "Forbidden", "FORBIDDEN" }, { 404, "Not Found", "NOT_FOUND" },
	{ 405, "Method Not Allowed", "METHOD_NOT_ALLOWED" }, { 409, "Conflict", "CONFLICT" },
	{ 413, "Payload Too Large", "PAYLOAD_TOO_LARGE" },
	{ 415, "Unsupported Media Type", "UNSUPPORTED_MEDIA_TYPE" },
	{ 429, "Too Many Requests", "RATE_LIMITED" },
	{ 500, "Internal Server Error", "INTERNAL_ERROR" },
	{ 503, "Service Unavailable", "SERVICE_UNAVAILABLE" },
};

const char *sc_http_reason(int status)
{
	size_t i;
	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].status == status)
			return statuses[i].reason;
	return "Unknown";
}

const char *sc_http_code(int status)
{
	size_t i;
	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].status == status && statuses[i].code)
			return statuses[i].code;
	return status >= 500 ? "INTERNAL_ERROR" : "VALIDATION_ERROR";
}
