#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: push/tokens. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
# Usage: push-tokens.sh [GET|POST|DELETE]   (default: GET)
set -eu

case ${1:-GET} in

GET)
# GET /v1/push/tokens: The caller's push devices: list (token hints only), register or update one (FCM, APNs, Web Push), or forget all
curl -sS -X GET \
  -H "Authorization: Bearer $SC_TOKEN" \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/push/tokens"
echo
;;

POST)
# POST /v1/push/tokens: The caller's push devices: list (token hints only), register or update one (FCM, APNs, Web Push), or forget all
curl -sS -X POST \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/push/tokens" <<JSON
{
  "type": "fcm",
  "platform": "android",
  "token": "${FCM_TOKEN:?set FCM_TOKEN to the app's FCM registration token}",
  "device_id": "${DEVICE_ID:?set DEVICE_ID to a UUID the app keeps for this device}"
}
JSON
echo
;;

DELETE)
# DELETE /v1/push/tokens: The caller's push devices: list (token hints only), register or update one (FCM, APNs, Web Push), or forget all
curl -sS -X DELETE \
  -H "Authorization: Bearer $SC_TOKEN" \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/push/tokens"
echo
;;

*) echo "usage: $0 [GET|POST|DELETE]" >&2; exit 2 ;;
esac
