#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: auth/verify_email. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
set -eu

# POST /v1/auth/verify-email: Confirm the account's e-mail address with the token of its mail
curl -sS -X POST \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/auth/verify-email" <<'JSON'
{
  "token": "TOKEN_FROM_THE_MAIL"
}
JSON
echo
