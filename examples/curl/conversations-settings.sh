#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: conversations/settings. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
set -eu

# PUT /v1/conversations/:id/settings: End-to-end encryption and retention settings
curl -sS -X PUT \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/conversations/${CONVERSATION_ID:?set CONVERSATION_ID}/settings" <<'JSON'
{
  "is_e2ee_enabled": true,
  "message_retention_days": 30
}
JSON
echo
