#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: conversations/participant. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
set -eu

# DELETE /v1/conversations/:id/participants/:user_id: Leave, or remove a member
curl -sS -X DELETE \
  -H "Authorization: Bearer $SC_TOKEN" \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/conversations/${CONVERSATION_ID:?set CONVERSATION_ID}/participants/${USER_ID:?set USER_ID}"
echo
