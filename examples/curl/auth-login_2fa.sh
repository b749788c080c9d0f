#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: auth/login_2fa. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
set -eu

# POST /v1/auth/login/2fa: Finish a login with a two-factor code or a recovery code
curl -sS -X POST \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/auth/login/2fa" <<'JSON'
{
  "mfa_token": "mfa-token-from-the-login-answer-43-characte",
  "code": "123456"
}
JSON
echo
