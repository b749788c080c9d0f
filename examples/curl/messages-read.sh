#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: messages/read. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
set -eu

# POST /v1/messages/read: Move the caller's read marker forward
curl -sS -X POST \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/messages/read" <<JSON
{
  "conversation_id": "${CONVERSATION_ID:?set CONVERSATION_ID to a conversation you are in}",
  "last_message_id": "${MESSAGE_ID:?set MESSAGE_ID to the newest message you have read}"
}
JSON
echo
