#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: conversations/participants. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
# Usage: conversations-participants.sh [GET|POST]   (default: GET)
set -eu

case ${1:-GET} in

GET)
# GET /v1/conversations/:id/participants: List or add members
curl -sS -X GET \
  -H "Authorization: Bearer $SC_TOKEN" \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/conversations/${CONVERSATION_ID:?set CONVERSATION_ID}/participants"
echo
;;

POST)
# POST /v1/conversations/:id/participants: List or add members
curl -sS -X POST \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/conversations/${CONVERSATION_ID:?set CONVERSATION_ID}/participants" <<JSON
{
  "user_ids": ["${NEW_MEMBER_ID:?set NEW_MEMBER_ID to the id of the user to add}"]
}
JSON
echo
;;

*) echo "usage: $0 [GET|POST]" >&2; exit 2 ;;
esac
