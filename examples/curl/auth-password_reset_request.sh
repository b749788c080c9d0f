#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: auth/password_reset_request. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
set -eu

# POST /v1/auth/password-reset/request: Mail a password reset link (always 200: no account oracle)
curl -sS -X POST \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/auth/password-reset/request" <<'JSON'
{
  "email": "alice@example.com"
}
JSON
echo
