#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: messages/forward. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
set -eu

# POST /v1/messages/forward: Forward a message to another conversation
curl -sS -X POST \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/messages/forward" <<JSON
{
  "message_id": "${MESSAGE_ID:?set MESSAGE_ID to an unencrypted message you can read}",
  "conversation_id": "${CONVERSATION_ID:?set CONVERSATION_ID to the conversation to forward it to}"
}
JSON
echo
