#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: contacts/block. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
# Usage: contacts-block.sh [POST|DELETE]   (default: POST)
set -eu

case ${1:-POST} in

POST)
# POST /v1/users/:id/block: Block or unblock a user
curl -sS -X POST \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/users/${USER_ID:?set USER_ID}/block" <<'JSON'
{"reason": "Unwanted messages"}
JSON
echo
;;

DELETE)
# DELETE /v1/users/:id/block: Block or unblock a user
curl -sS -X DELETE \
  -H "Authorization: Bearer $SC_TOKEN" \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/users/${USER_ID:?set USER_ID}/block"
echo
;;

*) echo "usage: $0 [POST|DELETE]" >&2; exit 2 ;;
esac
