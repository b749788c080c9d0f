#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: storage/upload. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
set -eu

# PUT /v1/storage/upload/:file_id: Local storage: receive the bytes at the signed URL; size, type and SHA-256 checked
# UPLOAD_URL: upload_url of POST /v1/storage/upload-url; SC_FILE: the file, exactly
# file_size bytes of the declared content_type.
curl -sS -T "${SC_FILE:?set SC_FILE}" "${UPLOAD_URL:?set UPLOAD_URL}"
echo
