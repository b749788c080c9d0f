#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: relay/signaling, a WebSocket endpoint of sc-ws-relay behind the web server.
# Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
# curl shows the handshake only: expect "HTTP/1.1 101 Switching Protocols"; frames then
# arrive as raw bytes until curl stops after SC_WS_SECONDS (default 5; that timeout, curl
# exit 28, is the normal end here). To talk on the socket, use a WebSocket client:
#   npx wscat -c "ws://127.0.0.1:8080/v1/ws/signaling?call_id=<CALL_ID>" -H "Authorization: Bearer $SC_TOKEN"
#   python3 -m websockets "ws://127.0.0.1:8080/v1/ws/signaling?call_id=<CALL_ID>&ticket=<ticket>"   (pip install websockets;
#   no header option: get a single-use ticket from POST /v1/ws/ticket first)
# Usage: relay-signaling.sh [/v1/ws/signaling|/v1/calls/ws/signaling]   (default: /v1/ws/signaling)
set -eu

case ${1:-/v1/ws/signaling} in

/v1/ws/signaling)
# GET /v1/ws/signaling: A call's signaling socket, legacy frames (?call_id=)
curl -sS -i -N --http1.1 --max-time "${SC_WS_SECONDS:-5}" \
  -H "Connection: Upgrade" -H "Upgrade: websocket" \
  -H "Sec-WebSocket-Version: 13" -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" \
  -H "Authorization: Bearer $SC_TOKEN" \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/ws/signaling?call_id=${CALL_ID:?set CALL_ID}" || [ $? -eq 28 ]
echo
;;

/v1/calls/ws/signaling)
# GET /v1/calls/ws/signaling: The same signaling socket at the original path (?call_id=)
curl -sS -i -N --http1.1 --max-time "${SC_WS_SECONDS:-5}" \
  -H "Connection: Upgrade" -H "Upgrade: websocket" \
  -H "Sec-WebSocket-Version: 13" -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" \
  -H "Authorization: Bearer $SC_TOKEN" \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/calls/ws/signaling?call_id=${CALL_ID:?set CALL_ID}" || [ $? -eq 28 ]
echo
;;

*) echo "usage: $0 [/v1/ws/signaling|/v1/calls/ws/signaling]" >&2; exit 2 ;;
esac
