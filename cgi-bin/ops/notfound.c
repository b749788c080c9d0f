/* The catch-all: every path no route claims gets the 404 envelope (with the
 * request id, CORS and security headers) instead of a web server error page. */
#include "sc_app.h"

static int handle(sc_req *req, sc_resp *resp)
{
	(void)req;
	return sc_resp_error(resp, 404, "no such resource");
}

static const sc_endpoint ep = {
	.name = "ops/notfound", .pattern = "/*", .methods = SC_M_ANY, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
