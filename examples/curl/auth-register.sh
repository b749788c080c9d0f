#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: auth/register. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
set -eu

# POST /v1/auth/register: Create an account and its first session
curl -sS -X POST \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/auth/register" <<'JSON'
{
  "email": "alice@example.com",
  "username": "alice",
  "password": "correct horse battery staple",
  "display_name": "Alice"
}
JSON
echo
