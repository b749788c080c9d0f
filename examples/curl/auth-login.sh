#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: auth/login. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
set -eu

# POST /v1/auth/login: Log in with e-mail and password (or get an mfa_token when 2FA is on)
curl -sS -X POST \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/auth/login" <<'JSON'
{
  "email": "alice@example.com",
  "password": "correct horse battery staple"
}
JSON
echo
