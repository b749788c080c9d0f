#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: users/password. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
set -eu

# POST /v1/users/me/password: Change the password; ends the other sessions
curl -sS -X POST \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/users/me/password" <<'JSON'
{
  "old_password": "correct horse battery staple",
  "new_password": "correct horse battery staple, again",
  "end_other_sessions": true
}
JSON
echo
