#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: conversations/conversations. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
# Usage: conversations-conversations.sh [GET|POST]   (default: GET)
set -eu

case ${1:-GET} in

GET)
# GET /v1/conversations: List the caller's conversations, or start one
curl -sS -X GET \
  -H "Authorization: Bearer $SC_TOKEN" \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/conversations?limit=${LIMIT:-20}"
echo
;;

POST)
# POST /v1/conversations: List the caller's conversations, or start one
curl -sS -X POST \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/conversations" <<JSON
{
  "type": "group",
  "title": "Weekend plans",
  "participant_ids": ["${FRIEND_ID:?set FRIEND_ID to another user's id}"],
  "is_e2ee_enabled": false
}
JSON
echo
;;

*) echo "usage: $0 [GET|POST]" >&2; exit 2 ;;
esac
