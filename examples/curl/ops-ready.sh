#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: ops/ready. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
set -eu

# GET /ready: Readiness: PostgreSQL and Redis answer
curl -sS -X GET \
  "${SC_BASE:-http://127.0.0.1:8080}/ready"
echo
