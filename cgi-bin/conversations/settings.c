/* PUT /v1/conversations/:id/settings {is_e2ee_enabled?, message_retention_days?}
 *
 * message_retention_days: an integer 1..36500, or null to keep messages
 * forever. At least one of the two must be given (400). Group: admins only;
 * direct: either participant, unless a block stands between them (403); 403
 * for a non-member, 404 for no such conversation. 200 {conversation_id,
 * is_e2ee_enabled, message_retention_days}; conversation.updated (data: the
 * conversation) goes to every member. */
#include "sc_app.h"
#include "sc_conv.h"
#include "sc_json.h"

#include <stdio.h>

static int handle(sc_req *req, sc_resp *resp)
{
	const char *id = sc_route_param(&req->params, "id");
	sc_conv_change ch = { 0 };
	json_object *conv, *o, *v;
	long long days;
	char num[24];
	sc_verr e;
	int x;

	if ((x = sc_json_get_bool(req->json, "is_e2ee_enabled", SC_OPTIONAL, &ch.e2ee, &e)) < 0)
		return sc_resp_verr(resp, &e);
	ch.set_e2ee = x == 1;
	if (json_object_object_get_ex(req->json, "message_retention_days", &v)) {
		/* null: keep forever */
		ch.set_retention = 1;
		if (v != NULL) {
			if (sc_json_get_int(req->json, "message_retention_days", SC_REQUIRED, 1, 36500,
			    &days, &e) < 0)
				return sc_resp_verr(resp, &e);
			snprintf(num, sizeof(num), "%lld", days);
			ch.retention = num;
		}
	}
	if (!ch.set_e2ee && !ch.set_retention)
		return sc_verr_set(&e, "is_e2ee_enabled",
		    "give is_e2ee_enabled or message_retention_days"), sc_resp_verr(resp, &e);
	if (sc_conv_update(req, resp, id, &ch, &conv) < 0)
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "conversation_id",
	    json_object_get(json_object_object_get(conv, "conversation_id")));
	json_object_object_add(o, "is_e2ee_enabled",
	    json_object_get(json_object_object_get(conv, "is_e2ee_enabled")));
	json_object_object_add(o, "message_retention_days",
	    json_object_get(json_object_object_get(conv, "message_retention_days")));
	json_object_put(conv);
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "conversations/settings", .pattern = "/v1/conversations/:id/settings",
	.methods = SC_M_PUT, .flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
