#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: keys/rotate. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
set -eu

# POST /v1/keys/rotate: Replace the signed (and Kyber) prekey, add one-time prekeys
curl -sS -X POST \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/keys/rotate" <<'JSON'
{
  "new_signed_pre_key": {
    "key_id": 2,
    "public_key": "BbC6x/a3NHEGq/xHtkzBLJGWrdD8epZb/uxskUODN4gn",
    "signature": "qJFMZxmvCNSoMU1gq5QpCd/9NEt+42QB8iXDVx73Kn3BvgA+Pm30vkEate14LoTnKO4BIS3jZ+AnPu7QJBz6CA=="
  },
  "new_one_time_keys": [
    {
      "key_id": 3,
      "public_key": "BYWMtneUxCcy2NfiJUrXu9K5toe5O24R70k02S/HdpAo"
    }
  ]
}
JSON
echo
