/* POST /v1/push/test {title?, body?} - send the caller a test push.
 *
 * title: 1..100 characters (default "SecureConnect"), body: 1..240 (default
 * "Test notification"). Queues one push.test job on push:jobs
 * (sc_push_job_test); sc-notifyd writes a "system" notification and pushes to
 * each of the caller's devices, as for any other job. 202 {job_id, devices:
 * the caller's device count}; also with no device (the job still writes the
 * notification; devices: 0 tells the client why nothing arrives). 429 (with
 * Retry-After) beyond PUSH_TEST_PER_HOUR per user; 503 when Redis is down. */
#include "sc_app.h"
#include "sc_auth.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_push_job.h"
#include "sc_row.h"

/* $1 caller: the number of its push devices. */
static const char SQL_COUNT[] =
    "SELECT count(*) FROM push_devices WHERE user_id = $1::uuid";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *title = NULL, *body = NULL, *p[1] = { req->user.user_id }, *errstr = NULL;
	char job[64];
	int unavailable = 0;
	sc_verr e;
	PGresult *res;
	sc_db_err err;
	json_object *o;

	if (req->json != NULL &&
	    (sc_json_get_str(req->json, "title", SC_OPTIONAL, 1, SC_PUSH_TEST_TITLE_MAX, &title,
	    NULL, &e) < 0 ||
	    sc_json_get_str(req->json, "body", SC_OPTIONAL, 1, SC_PUSH_TEST_BODY_MAX, &body, NULL,
	    &e) < 0))
		return sc_resp_verr(resp, &e);
	if (!sc_auth_limit_hourly(req, resp, "pushtest", req->user.user_id,
	    sc_config_int(SC_CFG_PUSH_TEST_PER_HOUR)))
		return -1;
	if (sc_db_exec(req->db, req->arena, SQL_COUNT, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (sc_push_job_test(req->redis, req->user.user_id, title, body, job, sizeof(job),
	    &unavailable, &errstr) < 0) {
		if (unavailable)
			return sc_resp_unavailable(resp, "service unavailable, try again later");
		return sc_resp_fail(resp, errstr);
	}
	o = json_object_new_object();
	json_object_object_add(o, "job_id", json_object_new_string(job));
	json_object_object_add(o, "devices", sc_row_int(res, 0, 0));
	sc_resp_json(resp, 202, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "push/test", .pattern = "/v1/push/test", .methods = SC_M_POST,
	.body_cap = 4096, .flags = SC_EP_JSON | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
