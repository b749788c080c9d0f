#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: messages/message. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
# Usage: messages-message.sh [GET|PATCH|DELETE]   (default: GET)
set -eu

case ${1:-GET} in

GET)
# GET /v1/messages/:id: Read, edit or delete a message
curl -sS -X GET \
  -H "Authorization: Bearer $SC_TOKEN" \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/messages/${MESSAGE_ID:?set MESSAGE_ID}"
echo
;;

PATCH)
# PATCH /v1/messages/:id: Read, edit or delete a message
curl -sS -X PATCH \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/messages/${MESSAGE_ID:?set MESSAGE_ID}" <<'JSON'
{
  "content": "See you at nine?"
}
JSON
echo
;;

DELETE)
# DELETE /v1/messages/:id: Read, edit or delete a message
curl -sS -X DELETE \
  -H "Authorization: Bearer $SC_TOKEN" \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/messages/${MESSAGE_ID:?set MESSAGE_ID}"
echo
;;

*) echo "usage: $0 [GET|PATCH|DELETE]" >&2; exit 2 ;;
esac
