#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: storage/file. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
set -eu

# DELETE /v1/storage/files/:file_id: Delete one of the caller's files: bytes removed, quota freed
curl -sS -X DELETE \
  -H "Authorization: Bearer $SC_TOKEN" \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/storage/files/${FILE_ID:?set FILE_ID}"
echo
