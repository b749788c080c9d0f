#!/usr/bin/env bash
# Black-box cases for TURN credentials (api.md "Calls": GET /v1/calls/ice-servers; issue 6 point 4).
# Run by tests/integration/run.sh once per web server. run.sh starts coturn on 127.0.0.1:SC_TURN_PORT
# with the TURN_SECRET of the stack's config (scripts/svc.sh sc_turn_up), and the config's TURN_URLS
# and STUN_URLS point at it.
#
# What is checked: the credential is the TURN REST API one (username "<expiry>:<user_id>",
# base64 HMAC-SHA1 with the secret), coturn accepts it (turnutils_uclient allocates a relay and
# relays packets through it), and refuses a tampered credential, another user's name with this
# credential, an expired one, and one made with a wrong secret. Without TURN configured the program
# answers 503 (started by hand with spawn-fcgi under a config without the TURN keys).
#
# Environment: SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP SC_TURN_PORT (see cases.sh).
# Last line: "<server>-turn: N passed, M failed"; exit 0 only when M is 0.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=turn

# shellcheck source=suite.sh
. "$HERE/suite.sh"

if [[ -z ${SC_TURN_PORT:-} ]]; then
    echo "cases-turn.sh: SC_TURN_PORT is not set (run.sh starts coturn)" >&2
    echo "$SC_SERVER-$SUITE: 0 passed, 1 failed"
    exit 1
fi
SECRET=$(cfgval TURN_SECRET)
TTL=$(cfgval TURN_TTL_SECONDS); TTL=${TTL:-86400}

# cred USERNAME SECRET: the TURN REST credential, computed independently of the server
cred() { printf '%s' "$1" | openssl dgst -sha1 -hmac "$2" -binary | base64; }

# allocate USERNAME CREDENTIAL: turnutils_uclient over UDP, packets through a relay allocation.
# True when coturn granted the allocation and every packet came back.
allocate() {
    local out rc sent recv
    out=$(timeout 30 turnutils_uclient -y -n 2 -p "$SC_TURN_PORT" -u "$1" -w "$2" 127.0.0.1 2>&1)
    rc=$?
    printf '%s\n' "$out" >"$SC_WORK/uclient.out"
    [[ $rc == 0 ]] || return 1
    grep -q 'Cannot complete Allocation' <<<"$out" && return 1
    # the last summary line: "start_mclient: tot_send_msgs=N, tot_recv_msgs=M"
    read -r sent recv < <(sed -n 's/.*start_mclient: tot_send_msgs=\([0-9]*\), tot_recv_msgs=\([0-9]*\)$/\1 \2/p' \
        <<<"$out" | tail -n 1)
    [[ -n $sent && $sent -gt 0 && $sent == "$recv" ]] && grep -q 'Total lost packets 0 ' <<<"$out"
}

mkuser alice
mkuser bob

t "ice-servers without a token is 401"
req GET /v1/calls/ice-servers
expect_error 401 UNAUTHORIZED

t "ice-servers answers STUN and TURN servers"
now=$(date +%s)
areq GET /v1/calls/ice-servers "${U_AT[alice]}"
expect_status 200
expect_ok_envelope
expect_json '.data.ttl' "$TTL"
expect_json '.data.ice_servers | length' 2
expect_json '.data.ice_servers[0].urls' "[\"stun:127.0.0.1:$SC_TURN_PORT\"]"
expect_json '.data.ice_servers[0] | has("username") or has("credential")' false
expect_json '.data.ice_servers[1].urls' \
    "[\"turn:127.0.0.1:$SC_TURN_PORT?transport=udp\",\"turn:127.0.0.1:$SC_TURN_PORT?transport=tcp\"]"
expect_jq '.data.ice_servers[1].username | type == "string"' "a TURN username"
expect_jq '.data.ice_servers[1].credential | type == "string"' "a TURN credential"
expect_header_i Cache-Control no-store
USERNAME=$(jq -r '.data.ice_servers[1].username // ""' <"$R_BODY")
CRED=$(jq -r '.data.ice_servers[1].credential // ""' <"$R_BODY")

t "the username is <expiry>:<user_id>, expiring one TTL from now"
if [[ $USERNAME =~ ^([0-9]+):(.*)$ ]]; then
    exp=${BASH_REMATCH[1]} who=${BASH_REMATCH[2]}
    check "$T: user id" "the user id ${U_ID[alice]} after the colon, got $who" [ "$who" = "${U_ID[alice]}" ]
    # the expiry is computed from the server's clock: allow a minute either way
    if ((exp >= now + TTL - 60 && exp <= now + TTL + 60)); then ok "$T: expiry"; else
        fail "$T: expiry" "about $((now + TTL)), got $exp"; fi
else
    fail "$T" "username '<digits>:<uuid>', got '$USERNAME'"
fi

t "the credential is base64(HMAC-SHA1(TURN_SECRET, username))"
want=$(cred "$USERNAME" "$SECRET")
check "$T" "credential $want, got $CRED" [ "$CRED" = "$want" ]

t "another user gets a credential in their own name"
areq GET /v1/calls/ice-servers "${U_AT[bob]}"
expect_status 200
expect_match '.data.ice_servers[1].username' "^[0-9]+:${U_ID[bob]}\$"

t "coturn allocates a relay with the issued credential"
if allocate "$USERNAME" "$CRED"; then ok "$T"; else fail "$T" "allocation and 5 packets back: $(tail -n 3 "$SC_WORK/uclient.out")"; fi

t "coturn refuses a tampered credential"
bad=$( [[ ${CRED:0:1} == A ]] && echo B || echo A )${CRED:1}
if allocate "$USERNAME" "$bad"; then fail "$T" "allocation refused"; else ok "$T"; fi

t "coturn refuses the credential under another user's name"
if allocate "${USERNAME%%:*}:${U_ID[bob]}" "$CRED"; then fail "$T" "allocation refused"; else ok "$T"; fi

t "coturn refuses an expired credential (correctly signed)"
old="$((now - 60)):${U_ID[alice]}"
if allocate "$old" "$(cred "$old" "$SECRET")"; then fail "$T" "allocation refused"; else ok "$T"; fi

t "coturn refuses a credential made with another secret"
if allocate "$USERNAME" "$(cred "$USERNAME" "not-the-secret-$SECRET")"; then fail "$T" "allocation refused"; else ok "$T"; fi

t "without TURN configured the program answers 503"
# the same program under a copy of the config without the TURN keys, on its own socket
grep -v '^TURN_\|^STUN_' "$SC_CONFIG" >"$SC_WORK/noturn.conf"
sock=$SC_WORK/ice.sock
SC_CONFIG=$SC_WORK/noturn.conf spawn-fcgi -n -s "$sock" -- "$SC_BUILD/cgi-bin/calls-ice_servers.fcgi" \
    2>"$SC_WORK/spawn.err" &
spid=$!
for _ in $(seq 50); do [[ -S $sock ]] && break; sleep 0.1; done
resp=$(REQUEST_METHOD=GET REQUEST_URI=/v1/calls/ice-servers SCRIPT_NAME=/v1/calls/ice-servers \
    QUERY_STRING= REMOTE_ADDR=127.0.0.1 SERVER_PROTOCOL=HTTP/1.1 \
    HTTP_AUTHORIZATION="Bearer ${U_AT[alice]}" cgi-fcgi -bind -connect "$sock" 2>&1)
kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
if grep -q '^Status: 503' <<<"$resp" && grep -q '"code":"SERVICE_UNAVAILABLE"' <<<"$resp" &&
    grep -q 'TURN is not configured' <<<"$resp"; then
    ok "$T"
else
    fail "$T" "Status: 503 with the envelope, got: $(head -c 400 <<<"$resp")"
fi

printf '%s-%s: %d passed, %d failed\n' "$SC_SERVER" "$SUITE" "$SC_PASS" "$SC_FAIL"
[[ $SC_FAIL -eq 0 ]]
