#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: auth/password_reset_confirm. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
set -eu

# POST /v1/auth/password-reset/confirm: Set a new password with the mailed token; ends every session
curl -sS -X POST \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/auth/password-reset/confirm" <<'JSON'
{
  "token": "TOKEN_FROM_THE_MAIL",
  "new_password": "a new correct horse battery staple"
}
JSON
echo
