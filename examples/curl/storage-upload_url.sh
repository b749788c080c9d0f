#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: storage/upload_url. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
set -eu

# POST /v1/storage/upload-url: Announce an upload: quota reserved, a signed PUT URL (15 min)
curl -sS -X POST \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/storage/upload-url" <<JSON
{
  "file_name": "${FILE_NAME:-notes.txt}",
  "file_size": ${FILE_SIZE:?set FILE_SIZE to the exact size of the file in bytes},
  "content_type": "${CONTENT_TYPE:-text/plain}",
  "is_encrypted": false
}
JSON
echo
