#!/usr/bin/env bash
# Black-box cases for POST /v1/ws/ticket (the browser's WebSocket login) and the presence peers
# cache the relay reads (docs/decisions.md "Relay: tickets, presence peers, revocation"). Run by
# tests/integration/run.sh after cases.sh, once per web server, against the same PostgreSQL and
# Redis; every user made here carries a run tag. Redis is stopped and started again at the end.
#
#   wsticket:<ticket> = "<user_id>:<session_id>:<access token exp>", TTL 30 s
#   presence:peers:{id} = the marker "-" plus who may see id (written by a ticket, login, token
#   refresh, POST /v1/presence; deleted by whatever changes who sees whom)
#
# Environment: SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP (see cases.sh); SC_VERBOSE=1.
# Last line: "<server>-ticket: N passed, M failed"; exit 0 only when M is 0.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=ticket

# shellcheck source=suite.sh
. "$HERE/suite.sh"

# Whatever happens, leave Redis running for the next suite (and stop the subscribers suite.sh
# would have stopped).
REDIS_DOWN=0
restore_redis() {
    local i
    [[ $REDIS_DOWN == 1 ]] || return 0
    for i in $(seq 20); do
        "$SC_CTL" redis-start </dev/null >/dev/null 2>&1 && break
        sleep 1
    done
    REDIS_DOWN=0
}
trap 'restore_redis; for n in "${!EV_PID[@]}"; do ev_stop "$n"; done' EXIT
trap 'exit 130' INT TERM

RE_TICKET='^[A-Za-z0-9_-]{43}$'
PEERS_TTL=86400

# ticket KEY [JSON]: POST /v1/ws/ticket as KEY (no body unless JSON); TK the ticket or ""
ticket() {
    areq POST /v1/ws/ticket "${U_AT[$1]}" "${2:-}"
    jr_into TK .data.ticket ""
}

# peers KEY: the members of presence:peers:{KEY}, sorted, as "-,<keys of the others>" (user ids
# are mapped back to the suite's keys; an id the suite does not know prints as "?")
peers() {
    local id k out=()
    while read -r id; do
        [[ -z $id ]] && continue
        if [[ $id == - ]]; then out+=(-); continue; fi
        for k in "${!U_ID[@]}"; do [[ ${U_ID[$k]} == "$id" ]] && { out+=("$k"); continue 2; }; done
        out+=("?")
    done < <(rcli SMEMBERS "presence:peers:${U_ID[$1]}")
    (IFS=,; echo "${out[*]}") | tr , '\n' | LC_ALL=C sort | paste -sd, -
}

# expect_peers KEY WANT: presence:peers:{KEY} holds exactly WANT ("-" alone: known, nobody)
expect_peers() {
    local got; got=$(peers "$1")
    check "$T: presence:peers:{$1}" "members $2 (got '${got}')" test "$got" = "$2"
}

# warm KEY...: give each user a cache entry (the marker), so a forget has something to delete
warm() {
    local keys=() k
    for k; do keys+=("presence:peers:${U_ID[$k]}"); done
    rcli EVAL "for _, k in ipairs(KEYS) do redis.call('SADD', k, '-') end" "${#keys[@]}" \
        "${keys[@]}" >/dev/null
}

# expect_forgotten KEY...: none of their caches exists any more
expect_forgotten() {
    local keys=() k n
    for k; do keys+=("presence:peers:${U_ID[$k]}"); done
    n=$(rcli EXISTS "${keys[@]}")
    check "$T: caches of $* forgotten" "none of them left (got $n)" test "$n" = 0
}

# a and b: friends. c, d: strangers to a.
test_setup() {
    t "setup"
    mkuser a; mkuser b; mkuser c; mkuser d
    if sql "INSERT INTO friendships (requester_id, addressee_id, status, accepted_at)
            VALUES ('${U_ID[a]}', '${U_ID[b]}', 'accepted', now())" >/dev/null; then
        ok "setup: friends a b"
    else
        fail "setup: friends a b" "the friendship row inserted ($(cat "$SC_WORK/psql.err"))"
    fi
}

test_ticket() {
    local first exp ttl
    t "POST /v1/ws/ticket (no body)"
    ticket a
    expect_status 200
    expect_ok_envelope
    expect_json '.data | keys' '["expires_in","ticket"]'
    expect_json '.data.expires_in' 30
    expect_match '.data.ticket' "$RE_TICKET"
    first=$TK
    exp=$(b64url_d "$(cut -d. -f2 <<<"${U_AT[a]}")" | jq -r .exp)
    check "$T: stored for the caller's session" "wsticket:<t> = <user>:<session>:<exp $exp>" \
        test "$(rcli GET "wsticket:$TK")" = "${U_ID[a]}:${U_SID[a]}:$exp"
    ttl=$(rcli TTL "wsticket:$TK")
    check "$T: with a TTL" "0 < TTL <= 30 (got $ttl)" test "$ttl" -gt 0 -a "$ttl" -le 30
    t "POST /v1/ws/ticket: presence peers written"
    expect_peers a -,b
    ttl=$(rcli TTL "presence:peers:${U_ID[a]}")
    check "$T: with a TTL" "0 < TTL <= $PEERS_TTL (got $ttl)" test "$ttl" -gt 0 -a "$ttl" -le "$PEERS_TTL"

    t "POST /v1/ws/ticket {}"
    ticket a '{}'
    expect_status 200
    expect_match '.data.ticket' "$RE_TICKET"
    check "$T: a new ticket each time" "two different tickets" test "$TK" != "$first"
    t "POST /v1/ws/ticket: nobody to see"
    ticket c
    expect_status 200
    expect_peers c -

    t "POST /v1/ws/ticket: malformed JSON"
    areq POST /v1/ws/ticket "${U_AT[a]}" '{"x":'
    expect_error 400 VALIDATION_ERROR
    t "POST /v1/ws/ticket: no token"
    req POST /v1/ws/ticket -H 'Content-Length: 0'
    expect_error 401 UNAUTHORIZED
    t "GET /v1/ws/ticket"
    areq GET /v1/ws/ticket "${U_AT[a]}"
    expect_error 405 METHOD_NOT_ALLOWED
}

# login, token refresh and POST /v1/presence each write the cache
test_writers() {
    t "login: presence peers written"
    rcli DEL "presence:peers:${U_ID[b]}" >/dev/null
    login_as b
    check "$T: status" "HTTP 200 from login" test "$L_STATUS" = 200
    expect_peers b -,a
    t "refresh: presence peers written"
    rcli DEL "presence:peers:${U_ID[a]}" >/dev/null
    refresh_with "${U_RT[a]}"
    expect_status 200
    jr_into "U_AT[a]" .data.access_token x.y.z
    jr_into "U_RT[a]" .data.refresh_token none
    expect_peers a -,b
    t "POST /v1/presence: presence peers written"
    rcli DEL "presence:peers:${U_ID[d]}" >/dev/null
    areq POST /v1/presence "${U_AT[d]}" '{"online":true}'
    expect_status 200
    expect_peers d -
}

# every change of who sees whom forgets the caches of the users it touches
test_forget() {
    t "block: forgotten"
    warm a b
    areq POST "/v1/users/${U_ID[b]}/block" "${U_AT[a]}"
    expect_status 201
    expect_forgotten a b
    t "block: the next ticket leaves b out"
    ticket a
    expect_status 200
    expect_peers a -
    t "unblock: forgotten"
    warm a b
    areq DELETE "/v1/users/${U_ID[b]}/block" "${U_AT[a]}"
    expect_status 200
    expect_forgotten a b

    t "friend accept: forgotten"
    areq POST "/v1/users/${U_ID[d]}/friend" "${U_AT[c]}"
    expect_status 201
    warm c d
    areq POST "/v1/users/me/friends/${U_ID[c]}/accept" "${U_AT[d]}"
    expect_status 200
    expect_forgotten c d
    t "friend accept: the next ticket has the friend"
    ticket c
    expect_peers c -,d
    t "unfriend: forgotten"
    warm c d
    areq DELETE "/v1/users/me/friends/${U_ID[c]}" "${U_AT[d]}"
    expect_status 200
    expect_forgotten c d

    t "conversation create: forgotten"
    warm a c d
    mkconv g group "Ticket $A_RUN" a c
    expect_forgotten a c
    t "member add: forgotten"
    warm a c d
    areq POST "/v1/conversations/${C_ID[g]}/participants" "${U_AT[a]}" \
        "{\"user_ids\":[\"${U_ID[d]}\"]}"
    expect_status 200
    expect_forgotten a c d
    t "member add: the next ticket has the members"
    ticket d
    expect_peers d -,a,c
    t "leave: forgotten"
    warm a c d
    areq DELETE "/v1/conversations/${C_ID[g]}/participants/${U_ID[d]}" "${U_AT[d]}"
    expect_status 200
    expect_forgotten a c d
    t "group delete: forgotten"
    warm a c
    areq DELETE "/v1/conversations/${C_ID[g]}" "${U_AT[a]}"
    expect_status 200
    expect_forgotten a c
}

# last: logging out ends the tickets, and a Redis outage is a 503
test_ends() {
    t "POST /v1/ws/ticket: after logout"
    areq POST /v1/auth/logout "${U_AT[c]}"
    expect_status 200
    ticket c
    expect_error 401 UNAUTHORIZED

    t "redis-stop"
    REDIS_DOWN=1
    R_KIND=cmd C_DESC="$SC_CTL redis-stop" C_RC=0
    "$SC_CTL" redis-stop </dev/null >"$C_OUT" 2>"$C_ERR" || C_RC=$?
    expect_rc 0
    t "POST /v1/ws/ticket: Redis down"
    ticket a
    expect_error 503 SERVICE_UNAVAILABLE
    expect_header Retry-After '^[0-9]+$'

    t "redis-start"
    local i
    for i in $(seq 20); do
        R_KIND=cmd C_DESC="$SC_CTL redis-start" C_RC=0
        "$SC_CTL" redis-start </dev/null >"$C_OUT" 2>"$C_ERR" || C_RC=$?
        [[ $C_RC == 0 ]] && break
        sleep 1
    done
    expect_rc 0
    [[ $C_RC == 0 ]] && REDIS_DOWN=0
    restore_redis
    # each program reconnects on its next command; the first answer may still be the outage's
    t "POST /v1/ws/ticket: Redis back"
    for i in $(seq 10); do
        ticket a
        [[ $R_STATUS == 200 ]] && break
        sleep 0.5
    done
    expect_status 200
    check "$T: stored again" "wsticket:<t> exists" test "$(rcli EXISTS "wsticket:$TK")" = 1
}

test_setup
test_ticket
test_writers
test_forget
test_ends
printf '%s-%s: %d passed, %d failed\n' "$SC_SERVER" "$SUITE" "$SC_PASS" "$SC_FAIL"
[[ $SC_FAIL -eq 0 ]]
