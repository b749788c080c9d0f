#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: users/me. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
# Usage: users-me.sh [GET|PATCH|DELETE]   (default: GET)
set -eu

case ${1:-GET} in

GET)
# GET /v1/users/me: Read, update or delete the caller's account
curl -sS -X GET \
  -H "Authorization: Bearer $SC_TOKEN" \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/users/me"
echo
;;

PATCH)
# PATCH /v1/users/me: Read, update or delete the caller's account
curl -sS -X PATCH \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/users/me" <<'JSON'
{
  "display_name": "Alice Liddell",
  "avatar_url": "https://example.com/avatars/alice.png",
  "status": "busy",
  "searchable": true,
  "read_receipts": false
}
JSON
echo
;;

DELETE)
# DELETE /v1/users/me: Read, update or delete the caller's account
curl -sS -X DELETE \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/users/me" <<'JSON'
{
  "password": "correct horse battery staple"
}
JSON
echo
;;

*) echo "usage: $0 [GET|PATCH|DELETE]" >&2; exit 2 ;;
esac
