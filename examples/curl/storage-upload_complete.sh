#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: storage/upload_complete. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
set -eu

# POST /v1/storage/upload-complete: Mark an upload done (S3: the object's size is checked first)
curl -sS -X POST \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/storage/upload-complete" <<JSON
{
  "file_id": "${FILE_ID:?set FILE_ID to the file_id from upload-url}"
}
JSON
echo
