#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: presence/presence. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
# Usage: presence-presence.sh [GET|POST]   (default: GET)
set -eu

case ${1:-GET} in

GET)
# GET /v1/presence: Online state of people the caller may see, or set the caller's
curl -sS -X GET \
  -H "Authorization: Bearer $SC_TOKEN" \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/presence?user_ids=${USER_IDS:?set USER_IDS to a comma list of user ids}"
echo
;;

POST)
# POST /v1/presence: Online state of people the caller may see, or set the caller's
curl -sS -X POST \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/presence" <<'JSON'
{
  "online": true
}
JSON
echo
;;

*) echo "usage: $0 [GET|POST]" >&2; exit 2 ;;
esac
