/* sc_resp.c - response setters and rendering of the envelope. */
#include "sc_resp.h"
#include "sc_config.h"
#include "sc_cors.h"
#include "sc_http.h"
#include "sc_log.h"
#include "sc_time.h"

#include <string.h>

void sc_resp_init(sc_resp *r, sc_arena *a)
{
	memset(r, 0, sizeof(*r));
	r->arena = a;
	r->status = 500;
}

void sc_resp_header(sc_resp *r, const char *name, const char *value)
{
	if (r->nheaders == SC_LIMIT_HEADERS) {
		sc_log(SC_LOG_ERROR, "too many response headers", "\"dropped\":\"%s\"", name);
		return;
	}
	/* Header injection guard: values never contain CR or LF. */
	if (strpbrk(value, "\r\n") != NULL || strpbrk(name, "\r\n: ") != NULL)
		return;
	r->headers[r->nheaders++] = sc_arena_printf(r->arena, "%s: %s", name, value);
}

static void put_json(void *p)
{
	json_object_put(p);
}

static void clear_payload(sc_resp *r)
{
	r->data = NULL;
	r->data_raw = NULL;
	r->data_raw_len = 0;
	r->err_code = r->err_msg = r->err_field = r->err_key = r->err_value = NULL;
	r->empty = 0;
}

void sc_resp_json(sc_resp *r, int status, json_object *data)
{
	clear_payload(r);
	r->status = status;
	r->data = data;
	if (data != NULL)
		sc_arena_defer(r->arena, put_json, data);
}

void sc_resp_raw(sc_resp *r, int status, const char *json, size_t len)
{
	clear_payload(r);
	r->status = status;
	r->data_raw = sc_arena_strndup(r->arena, json, len);
	r->data_raw_len = len;
}

void sc_resp_empty(sc_resp *r, int status)
{
	clear_payload(r);
	r->status = status;
	r->empty = 1;
}

int sc_resp_error_code(sc_resp *r, int status, const char *code, const char *msg)
{
	clear_payload(r);
	r->status = status;
	r->err_code = code;
	r->err_msg = sc_arena_strdup(r->arena, msg);
	return -1;
}

int sc_resp_error(sc_resp *r, int status, const char *msg)
{
	return sc_resp_error_code(r, status, sc_http_code(status), msg);
}

int sc_resp_error_with(sc_resp *r, int status, const char *msg, const char *key,
    const char *value)
{
	sc_resp_error(r, status, msg);
	r->err_key = key;
	r->err_value = sc_arena_strdup(r->arena, value);
	return -1;
}

int sc_resp_verr(sc_resp *r, const sc_verr *e)
{
	sc_resp_error(r, 400, e->msg);
	r->err_field = e->field ? sc_arena_strdup(r->arena, e->field) : NULL;
	return -1;
}

int sc_resp_bad(sc_resp *r, const char *field, const char *msg)
{
	sc_verr e;
	sc_verr_set(&e, field, "%s", msg);
	return sc_resp_verr(r, &e);
}

int sc_resp_unavailable(sc_resp *r, const char *msg)
{
	sc_resp_error(r, 503, msg);
	sc_resp_header(r, "Retry-After", "5");
	return -1;
}

int sc_resp_fail(sc_resp *r, const char *detail)
{
	sc_log(SC_LOG_ERROR, detail, NULL);
	return sc_resp_error(r, 500, "internal server error");
}

static int render_body(const sc_resp *r, const sc_req *req, sc_buf *out)
{
	char ts[SC_TIME_RFC3339_LEN];

	if (r->err_code != NULL) {
		const char *msg = r->err_msg;
		/* A 500 never carries internal text, whoever set it. */
		if (r->status == 500)
			msg = "internal server error";
		sc_buf_puts(out, "{\"success\":false,\"error\":{\"code\":");
		sc_buf_json_str(out, r->err_code, strlen(r->err_code));
		sc_buf_puts(out, ",\"message\":");
		sc_buf_json_str(out, msg, strlen(msg));
		if (r->err_field != NULL) {
			sc_buf_puts(out, ",\"field\":");
			sc_buf_json_str(out, r->err_field, strlen(r->err_field));
		}
		if (r->err_key != NULL && r->err_value != NULL && r->status != 500) {
			sc_buf_putc(out, ',');
			sc_buf_json_str(out, r->err_key, strlen(r->err_key));
			sc_buf_putc(out, ':');
			sc_buf_json_str(out, r->err_value, strlen(r->err_value));
		}
		sc_buf_putc(out, '}');
	} else {
		sc_buf_puts(out, "{\"success\":true,\"data\":");
		if (r->data != NULL) {
			size_t len;
			const char *s = sc_json_dump(r->data, &len);
			sc_buf_append(out, s, len);
		} else if (r->data_raw != NULL) {
			sc_buf_append(out, r->data_raw, r->data_raw_len);
		} else {
			sc_buf_puts(out, "null");
		}
	}
	sc_buf_puts(out, ",\"meta\":{\"timestamp\":\"");
	sc_buf_puts(out, sc_time_now_rfc3339(ts));
	sc_buf_puts(out, "\",\"request_id\":");
	sc_buf_json_str(out, req->request_id, strlen(req->request_id));
	return sc_buf_puts(out, "}}");
}

int sc_resp_render(const sc_resp *r, const sc_req *req, sc_buf *out)
{
	/* Reused for every response of the process (single-threaded); a body that
	 * grew past SC_ARENA_KEEP is released so one big answer does not pin memory. */
	static sc_buf body;
	size_t i;
	int rc = 0;

	if (body.cap == 0 || body.size > SC_ARENA_KEEP) {
		sc_buf_cleanup(&body);
		sc_buf_init(&body, SC_LIMIT_RESPONSE);
	}
	sc_buf_reset(&body);
	if (!r->empty && render_body(r, req, &body) < 0)
		return -1;
	sc_buf_printf(out, "Status: %d %s\r\n", r->status, sc_http_reason(r->status));
	if (!r->empty)
		sc_buf_printf(out, "Content-Type: application/json; charset=utf-8\r\n"
		    "Content-Length: %zu\r\n", body.len);
	sc_buf_printf(out, "X-Request-ID: %s\r\n", req->request_id);
	sc_buf_puts(out,
	    "X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Referrer-Policy: no-referrer\r\n"
	    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'; base-uri 'none'\r\n"
	    "Cache-Control: no-store\r\n");
	if (req->https && sc_config_int(SC_CFG_HSTS_MAX_AGE) > 0)
		sc_buf_printf(out, "Strict-Transport-Security: max-age=%lld; includeSubDomains\r\n",
		    sc_config_int(SC_CFG_HSTS_MAX_AGE));
	sc_cors_render(req, out);
	for (i = 0; i < r->nheaders; i++)
		sc_buf_printf(out, "%s\r\n", r->headers[i]);
	sc_buf_puts(out, "\r\n");
	if (!r->empty && req->method_bit != SC_M_HEAD)
		sc_buf_append(out, body.ptr, body.len);
	if (out->toobig)
		rc = -1;
	return rc;
}
