#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: storage/download. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
set -eu

# GET /v1/storage/download/:file_id: Local storage: the bytes at the signed URL, streamed by the web server (X-Sendfile)
# DOWNLOAD_URL: download_url of GET /v1/storage/download-url/:file_id; prints the headers,
# writes the bytes to ${SC_OUT:-download.bin} (add -r 0-99 for a range).
curl -sS -D - -o "${SC_OUT:-download.bin}" "${DOWNLOAD_URL:?set DOWNLOAD_URL}"
