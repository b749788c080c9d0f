/* METHOD /v1/path/:id - one line on what this endpoint does.
 *
 * Copy this file to cgi-bin/<area>/<name>.c, add its line to cgi-bin/routes
 * (more specific paths first), and run make: the web server configs, the
 * curl example and the route docs are generated from the table.
 * Shape (style.md rule 9): declare -> parse -> authorize -> one SQL round trip
 * with the authorization inside the statement -> respond. */
#include "sc_app.h"
#include "sc_db.h"
#include "sc_json.h"

/* Returns one row (id, name) when the caller may read it. */
static const char SQL_GET[] =
    "SELECT id, name FROM things WHERE id = $1";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *id = sc_route_param(&req->params, "id");
	const char *params[1] = { id };
	PGresult *res;
	sc_db_err err;

	if (sc_db_exec(req->db, req->arena, SQL_GET, 1, params, SC_DB_RETRY, &res, &err) < 0)
		return err.unavailable ? sc_resp_error(resp, 503, "database unavailable")
		    : sc_resp_fail(resp, err.msg);
	if (PQntuples(res) == 0)
		return sc_resp_error(resp, 404, "no such thing");
	sc_resp_json(resp, 200, json_object_new_string(PQgetvalue(res, 0, 1)));
	return 0;
}

static const sc_endpoint ep = {
	.name = "area/name", .pattern = "/v1/things/:id", .methods = SC_M_GET,
	.body_cap = 0, .flags = 0, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
