#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: push/token. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
set -eu

# DELETE /v1/push/tokens/:device_id: Forget one of the caller's push devices
curl -sS -X DELETE \
  -H "Authorization: Bearer $SC_TOKEN" \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/push/tokens/${DEVICE_ID:?set DEVICE_ID}"
echo
