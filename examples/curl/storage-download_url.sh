#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: storage/download_url. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
set -eu

# GET /v1/storage/download-url/:file_id: A signed download URL (1 h) for the owner or a member of a conversation the file was sent in
curl -sS -X GET \
  -H "Authorization: Bearer $SC_TOKEN" \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/storage/download-url/${FILE_ID:?set FILE_ID}"
echo
