#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: notifications/preferences. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
# Usage: notifications-preferences.sh [GET|PATCH]   (default: GET)
set -eu

case ${1:-GET} in

GET)
# GET /v1/notifications/preferences: Notification preferences and muted conversations
curl -sS -X GET \
  -H "Authorization: Bearer $SC_TOKEN" \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/notifications/preferences"
echo
;;

PATCH)
# PATCH /v1/notifications/preferences: Notification preferences and muted conversations
curl -sS -X PATCH \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/notifications/preferences" <<JSON
{
  "message_enabled": true,
  "friend_request_enabled": false,
  "mute_conversation_id": "${CONVERSATION_ID:?set CONVERSATION_ID to a conversation you are a member of}"
}
JSON
echo
;;

*) echo "usage: $0 [GET|PATCH]" >&2; exit 2 ;;
esac
