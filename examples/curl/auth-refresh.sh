#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: auth/refresh. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
set -eu

# POST /v1/auth/refresh: Rotate a refresh token
curl -sS -X POST \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/auth/refresh" <<JSON
{
  "refresh_token": "${REFRESH_TOKEN:?set REFRESH_TOKEN to the refresh_token of a login}"
}
JSON
echo
