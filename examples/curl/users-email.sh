#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: users/email. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
set -eu

# POST /v1/users/me/email: Change the e-mail address: a verification mail to the new one
curl -sS -X POST \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/users/me/email" <<'JSON'
{
  "new_email": "alice.new@example.com",
  "password": "correct horse battery staple"
}
JSON
echo
