#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: contacts/friend_requests. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
set -eu

# GET /v1/users/me/friend-requests: Pending friend requests to or from the caller
curl -sS -X GET \
  -H "Authorization: Bearer $SC_TOKEN" \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/users/me/friend-requests?direction=${DIRECTION:-incoming}&limit=${LIMIT:-20}"
echo
