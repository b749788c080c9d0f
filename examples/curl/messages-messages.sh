#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: messages/messages. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
# Usage: messages-messages.sh [GET|POST]   (default: GET)
set -eu

case ${1:-GET} in

GET)
# GET /v1/messages: List a conversation's messages, or send one
curl -sS -X GET \
  -H "Authorization: Bearer $SC_TOKEN" \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/messages?conversation_id=${CONVERSATION_ID:?set CONVERSATION_ID}&limit=${LIMIT:-20}&page_state=${PAGE_STATE:-}"
echo
;;

POST)
# POST /v1/messages: List a conversation's messages, or send one
curl -sS -X POST \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/messages" <<JSON
{
  "conversation_id": "${CONVERSATION_ID:?set CONVERSATION_ID to a conversation you are a member of}",
  "content": "See you at eight?",
  "is_encrypted": false,
  "message_type": "text",
  "client_msg_id": "draft-0001"
}
JSON
echo
;;

*) echo "usage: $0 [GET|POST]" >&2; exit 2 ;;
esac
