#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: calls/initiate. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
set -eu

# POST /v1/calls/initiate: Ring a conversation's members (audio or video)
curl -sS -X POST \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/calls/initiate" <<JSON
{
  "call_type": "video",
  "conversation_id": "${CONVERSATION_ID:?set CONVERSATION_ID to a conversation you are a member of}"
}
JSON
echo
