#!/usr/bin/env bash
# Black-box cases for the WebSocket relay through the web server under test (api.md "Real-time"):
# the browser client (POST /v1/ws/ticket, ?ticket= and an allowed Origin) and the native client
# (Bearer) on the API's own host and port, events of HTTP actions on the right sockets only,
# resume with since, single-use tickets, Origin refusals, the original's /v1/ws/chat and call
# signaling sockets, and close 1008 on logout. Run by tests/integration/run.sh after cases.sh,
# once per web server, with the relay started by run.sh (SC_RELAY_PORT).
#
# The WebSocket side is tests/ws/client.py (Debian's python3-websockets), one background process
# per socket: its output is one JSON line per happening (ws_* below), its input a FIFO.
# test_signaling writes call membership into Redis by hand (call:{id}:participants) to test the
# relay alone; test_callapi makes the call with the calls API (POST /v1/calls/initiate) and checks
# that the set it keeps lets exactly the call's users signal, and goes away with the call.
#
# Environment: SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP (see cases.sh), SC_RELAY_PORT;
# SC_VERBOSE=1. Last line: "<server>-relay: N passed, M failed"; exit 0 only when M is 0.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=relay

# shellcheck source=suite.sh
. "$HERE/suite.sh"

WSC=(/usr/bin/python3 "$HERE/../ws/client.py")
WS_BASE="ws://${SC_BASE#http://}"
ORIGIN=$(cfgval CORS_ALLOWED_ORIGINS); ORIGIN=${ORIGIN:-http://localhost:3000}; ORIGIN=${ORIGIN%%,*}
BAD_ORIGIN=http://evil.example.test
ZERO=00000000-0000-0000-0000-000000000000
RE_SID='^[0-9]+-[0-9]+$'

# ---------------------------------------------------------------- sockets
#   ws_start NAME PATH [client.py args] connect in the background (python starts in parallel)
#   ws_ready NAME...                    wait for each one's first line (open, refused, error)
#   ws_open NAME PATH [client.py args]  ws_start + ws_ready
#   ws_state NAME                       "open", "refused <status>" or "error"
#   ws_send NAME LINE                   a text frame (or "close CODE" / "ping")
#   ws_sel NAME JQ-FILTER               the lines (JSON) that match, one per line
#   ws_wait NAME JQ-FILTER [N]          until N lines match (up to 10 s); false on timeout
#   ws_stop NAME                        end the client
declare -A WS_PID WS_FD

ws_start() {
    local name=$1 path=$2 fd
    shift 2
    local out=$SC_WORK/ws.$name fifo=$SC_WORK/ws.$name.in
    ws_stop "$name"
    rm -f "$fifo"; mkfifo "$fifo"; : >"$out"
    # at most 60 s: a suite that dies leaves nothing behind for long
    "${WSC[@]}" "$WS_BASE$path" --timeout 60 "$@" <"$fifo" >"$out" 2>"$out.err" &
    WS_PID[$name]=$!
    exec {fd}>"$fifo"
    WS_FD[$name]=$fd
}

ws_ready() {
    local name end=$((${EPOCHREALTIME/./} + 10000000))
    for name; do
        while [[ ! -s $SC_WORK/ws.$name ]] && ((${EPOCHREALTIME/./} < end)); do sleep 0.05; done
    done
}

ws_open() { ws_start "$@"; ws_ready "$1"; }

ws_state() {
    jq -r 'if .ev == "refused" then "refused \(.status)" else .ev end' <"$SC_WORK/ws.$1" 2>/dev/null | head -n1
}

# in a subshell: a client that has already exited would SIGPIPE the suite itself
ws_send() { [[ -n ${WS_FD[$1]:-} ]] && (printf '%s\n' "$2" >&"${WS_FD[$1]}") 2>/dev/null; }

# text frames that are not JSON objects are left out (a filter on .data.x would stop jq)
ws_sel() { jq -c "select((.data | type) != \"string\") | $2" "${@:3}" <"$SC_WORK/ws.$1" 2>/dev/null; }

# gives up early once the client has ended (refused, error, close, end, timeout): no more frames
ws_wait() {
    local name=$1 f=$2 n=${3:-1} end=$((${EPOCHREALTIME/./} + 10000000))
    while ((${EPOCHREALTIME/./} < end)); do
        (($(ws_sel "$name" "$f" | wc -l) >= n)) && return 0
        grep -qE '"ev":"(refused|error|close|end|timeout)"' "$SC_WORK/ws.$name" && break
        sleep 0.05
    done
    (($(ws_sel "$name" "$f" | wc -l) >= n))
}

ws_stop() {
    local name=$1 fd=${WS_FD[$1]:-}
    if [[ -n $fd ]]; then exec {fd}>&-; fi
    WS_FD[$name]=""
    if [[ -n ${WS_PID[$name]:-} ]]; then
        kill "${WS_PID[$name]}" 2>/dev/null
        wait "${WS_PID[$name]}" 2>/dev/null
    fi
    WS_PID[$name]=""
}

trap 'for n in "${!WS_PID[@]}"; do ws_stop "$n"; done; for n in "${!EV_PID[@]}"; do ev_stop "$n"; done' EXIT

# ws_fail NAME EXPECTED GOT: a failed WebSocket check (lib.sh's fail would show the last HTTP
# response, which says nothing here)
ws_fail() {
    SC_FAIL=$((SC_FAIL + 1))
    printf 'FAIL  %s\n      expected: %s\n      got: %s\n' "$1" "$2" "$(printf '%s' "$3" | head -c 600 | tr '\n' ' ')"
}

# ws_got NAME: the client's last lines, for a failure report
ws_got() { tail -n 4 "$SC_WORK/ws.$1" 2>/dev/null; }

# expect_open NAME WHAT / expect_refused NAME STATUS CODE WHAT
expect_open() {
    local s; s=$(ws_state "$1")
    if [[ $s == open ]]; then ok "$T: $2 upgraded"
    else ws_fail "$T: $2 upgraded" "HTTP 101" "$s: $(ws_got "$1")"; fi
}

expect_refused() {
    local name=$1 status=$2 code=$3 what=$4
    local s; s=$(ws_state "$name")
    if [[ $s == "refused $status" ]]; then ok "$T: $what refused with $status"
    else ws_fail "$T: $what refused with $status" "HTTP $status" "$s: $(ws_got "$name")"; fi
    # shellcheck disable=SC2016 # $c is jq's
    if [[ $(ws_sel "$name" 'select(.ev == "refused") | .body | (.success == false and .error.code == $c
            and (.error.message | type) == "string" and (.meta | type) == "object")' --arg c "$code") == true ]]; then
        ok "$T: $what envelope $code"
    else
        ws_fail "$T: $what envelope $code" "the error envelope with $code" "$(ws_got "$name")"
    fi
}

# expect_sel NAME JQ-FILTER N WHAT: exactly N lines match (after ws_wait made them arrive)
expect_sel() {
    local got; got=$(ws_sel "$1" "$2" | wc -l)
    if [[ $got == "$3" ]]; then ok "$T: $4"
    else ws_fail "$T: $4" "$3 matching frames on $1" "$got; the client's last lines: $(ws_got "$1")"; fi
}

# last_id KEY: the newest id of the user's event stream ("0-0" when empty)
last_id() {
    local id
    id=$(rcli XREVRANGE "events:user:${U_ID[$1]}" + - COUNT 1 | head -n1)
    [[ $id =~ $RE_SID ]] && printf '%s' "$id" || printf '0-0'
}

bearer() { printf 'Authorization: Bearer %s' "${U_AT[$1]}"; }

# a message.new of MESSAGE-ID on a feed socket
msg_new() { printf 'select(.ev == "text" and .data.type == "message.new" and .data.data.message_id == "%s")' "$1"; }

# ---------------------------------------------------------------- cases
test_setup() {
    t "setup"
    if [[ -z ${SC_RELAY_PORT:-} ]]; then
        fail "setup: relay" "SC_RELAY_PORT set by run.sh (the relay started with the stack)"
    fi
    mkuser a; mkuser b; mkuser c; mkuser e
    mkconv g group "Relay $A_RUN" a b
    mkconv d direct "" a c
}

test_feeds() {
    t "POST /v1/ws/ticket"
    areq POST /v1/ws/ticket "${U_AT[a]}"
    expect_status 200
    expect_ok_envelope
    expect_match .data.ticket '^[A-Za-z0-9_-]{43}$'
    expect_json .data.expires_in 30
    jr_into TICKET .data.ticket none
    areq POST /v1/ws/ticket x.y.z
    expect_error 401 UNAUTHORIZED

    ws_start A "/v1/ws?ticket=$TICKET&since=$(last_id a)" --origin "$ORIGIN"
    ws_start B "/v1/ws?since=$(last_id b)" -H "$(bearer b)"
    ws_start C "/v1/ws?since=$(last_id c)" -H "$(bearer c)"
    ws_ready A B C
    t "browser client: ticket and Origin"
    expect_open A "ticket + Origin $ORIGIN"
    t "native client: Bearer, no Origin"
    expect_open B "Bearer"
    expect_open C "Bearer (non-member)"

    t "message over HTTP -> message.new on the members' sockets"
    sendmsg a "${C_ID[g]}" "hello $A_RUN"
    check "$T: sent" "HTTP 201 from POST /v1/messages" test "$R_STATUS" = 201
    local m1=$M_LAST
    ws_wait A "$(msg_new "$m1")"
    ws_wait B "$(msg_new "$m1")"
    expect_sel A "$(msg_new "$m1")" 1 "the sender's socket (ticket)"
    expect_sel B "$(msg_new "$m1")" 1 "the member's socket (Bearer)"
    expect_sel B "$(msg_new "$m1") | select((.data.id | test(\"$RE_SID\")) and .data.data.conversation_id == \"${C_ID[g]}\"
        and .data.data.content == \"hello $A_RUN\" and .data.data.sender_id == \"${U_ID[a]}\")" 1 "event id and data"
    # c's next message.new is of the direct conversation: an event of the group published to
    # c before it would have come first (one channel, in publish order)
    sendmsg a "${C_ID[d]}" "direct $A_RUN"
    local md=$M_LAST
    ws_wait C 'select(.ev == "text" and .data.type == "message.new")'
    expect_sel C 'select(.ev == "text" and .data.type == "message.new")' 1 "one message.new for the non-member"
    expect_sel C "$(msg_new "$md")" 1 "and it is the direct conversation's"

    t "resume with since after missed events"
    local id1
    id1=$(ws_sel B "$(msg_new "$m1") | .data.id" | tr -d '"' | head -n1)
    ws_stop B
    sendmsg a "${C_ID[g]}" "missed one"; local m2=$M_LAST
    sendmsg a "${C_ID[g]}" "missed two"; local m3=$M_LAST
    ws_open B2 "/v1/ws?since=$id1" -H "$(bearer b)"
    expect_open B2 "resume"
    sendmsg a "${C_ID[g]}" "live again"; local m4=$M_LAST
    ws_wait B2 "$(msg_new "$m4")"
    local got
    got=$(ws_sel B2 'select(.ev == "text" and .data.type == "message.new") | .data.data.message_id' | tr -d '"' | paste -sd,)
    if [[ $got == "$m2,$m3,$m4" ]]; then ok "$T: exactly the missed events, then live, in order"
    else ws_fail "$T: exactly the missed events, then live, in order" "message ids $m2,$m3,$m4" "${got:-none}; $(ws_got B2)"; fi

    areq POST /v1/ws/ticket "${U_AT[a]}"
    local t2; t2=$(jq -r '.data.ticket // "none"' <"$R_BODY")
    ws_start A2 "/v1/ws?ticket=$TICKET" --origin "$ORIGIN"
    ws_start A3 "/v1/ws?ticket=$t2" --origin "$BAD_ORIGIN"
    ws_start O1 /v1/ws -H "$(bearer b)" --origin "$BAD_ORIGIN"
    ws_start O2 /v1/ws
    ws_ready A2 A3 O1 O2
    t "ticket: single use"
    expect_refused A2 401 UNAUTHORIZED "the same ticket again"
    expect_refused A3 403 FORBIDDEN "a ticket with a foreign Origin"
    t "Origin and credentials through the proxy"
    expect_refused O1 403 FORBIDDEN "Origin $BAD_ORIGIN"
    expect_refused O2 401 UNAUTHORIZED "no credentials"
    for n in A A2 A3 B2 C O1 O2; do ws_stop "$n"; done
}

test_chat() {
    local g=${C_ID[g]}
    t "legacy /v1/ws/chat"
    ws_start LA "/v1/ws/chat?conversation_id=$g" -H "$(bearer a)" --origin "$ORIGIN"
    ws_start LC "/v1/ws/chat?conversation_id=$g" -H "$(bearer c)"
    ws_ready LA LC
    expect_open LA "member a"
    expect_refused LC 403 FORBIDDEN "a non-member"
    ws_wait LA "select(.data.type == \"user_joined\" and .data.sender_id == \"${U_ID[a]}\")"
    expect_sel LA "select(.data.type == \"user_joined\" and .data.sender_id == \"${U_ID[a]}\")" 1 \
        "the joiner gets its own user_joined"
    ws_open LB "/v1/ws/chat?conversation_id=$g" -H "$(bearer b)"
    expect_open LB "member b"
    ws_wait LB "select(.data.type == \"user_joined\" and .data.sender_id == \"${U_ID[b]}\")"
    ws_wait LA "select(.data.type == \"user_joined\" and .data.sender_id == \"${U_ID[b]}\")"
    expect_sel LA "select(.data.type == \"user_joined\" and .data.sender_id == \"${U_ID[b]}\" and .data.conversation_id == \"$g\")" 1 \
        "user_joined of b reaches a"
    local mid; mid=$(uuid)
    ws_send LB "{\"type\":\"chat\",\"content\":\"legacy $A_RUN\",\"message_id\":\"$mid\",\"sender_id\":\"${U_ID[c]}\"}"
    local f="select(.data.type == \"chat\" and .data.message_id == \"$mid\")"
    ws_wait LA "$f"
    ws_wait LB "$f"
    expect_sel LA "$f | select(.data.sender_id == \"${U_ID[b]}\" and .data.conversation_id == \"$g\" and .data.content == \"legacy $A_RUN\")" 1 \
        "chat frame relayed to the other member, sender_id overwritten"
    expect_sel LB "$f" 1 "and to the sender"
    sendmsg a "$g" "over http $A_RUN"
    local hm=$M_LAST
    f="select(.data.type == \"\" and .data.message_id == \"$hm\")"
    ws_wait LA "$f"
    ws_wait LB "$f"
    expect_sel LB "$f | select(.data.content == \"over http $A_RUN\" and .data.sender_id == \"${U_ID[a]}\" and .data.conversation_id == \"$g\")" 1 \
        "HTTP message as type \"\""
    expect_sel LA "$f" 1 "HTTP message to the sender's chat socket too"
    ws_send LB '{"type":"nonsense"}'
    ws_wait LB 'select(.data.type == "error")'
    expect_sel LB 'select(.data.type == "error" and .data.error.code == "VALIDATION_ERROR")' 1 "unknown frame type -> error frame"
    ws_stop LB
    ws_wait LA "select(.data.type == \"user_left\" and .data.sender_id == \"${U_ID[b]}\")"
    expect_sel LA "select(.data.type == \"user_left\" and .data.sender_id == \"${U_ID[b]}\")" 1 "user_left when b goes"
    ws_stop LA; ws_stop LC
}

# call_sync CALL NAME...: a frame published on call:{id} by hand until every socket has one:
# from then on they all are subscribed (the join frame is sent before that)
call_sync() {
    local call=$1 k n all
    shift
    for k in $(seq 50); do
        rcli PUBLISH "call:$call" "{\"type\":\"mute_video\",\"call_id\":\"$call\",\"sender_id\":\"$ZERO\",\"target_id\":\"$ZERO\",\"muted\":true,\"timestamp\":\"2024-01-01T00:00:00Z\",\"sync\":$k}" >/dev/null
        sleep 0.1
        all=1
        for n; do
            ws_sel "$n" 'select(.data.sync != null)' | grep -q . || all=0
            grep -qE '"ev":"(refused|error|close|end|timeout)"' "$SC_WORK/ws.$n" && return 1
        done
        [[ $all == 1 ]] && return 0
    done
    return 1
}

test_signaling() {
    local call; call=$(uuid)
    t "signaling: participants only"
    rcli SADD "call:$call:participants" "${U_ID[a]}" "${U_ID[b]}" "${U_ID[e]}" >/dev/null
    rcli EXPIRE "call:$call:participants" 600 >/dev/null
    ws_open SA "/v1/calls/ws/signaling?call_id=$call" -H "$(bearer a)"
    expect_open SA "participant a (/v1/calls/ws/signaling)"
    # a is subscribed before the others come: their join frames must reach it
    if call_sync "$call" SA; then ok "$T: a subscribed"
    else ws_fail "$T: a subscribed" "a frame on call:{id} reached SA" "$(ws_got SA)"; fi
    ws_start SB "/v1/ws/signaling?call_id=$call" -H "$(bearer b)"
    ws_start SE "/v1/calls/ws/signaling?call_id=$call" -H "$(bearer e)"
    ws_start SC "/v1/calls/ws/signaling?call_id=$call" -H "$(bearer c)"
    ws_ready SB SE SC
    expect_open SB "participant b (/v1/ws/signaling)"
    expect_open SE "participant e"
    expect_refused SC 403 FORBIDDEN "a non-participant"
    if call_sync "$call" SA SB SE; then ok "$T: every socket subscribed"
    else ws_fail "$T: every socket subscribed" "a frame on call:{id} reached SA, SB and SE" "SE: $(ws_got SE)"; fi
    ws_wait SA "select(.data.type == \"join\" and .data.sender_id == \"${U_ID[e]}\")"
    expect_sel SA "select(.data.type == \"join\" and .data.sender_id == \"${U_ID[e]}\" and .data.call_id == \"$call\")" 1 "join reaches the others"
    expect_sel SA "select(.data.type == \"join\" and .data.sender_id == \"${U_ID[b]}\")" 1 "join of b (via /v1/ws/signaling) too"

    t "signaling: target_id routing"
    ws_send SA "{\"type\":\"offer\",\"target_id\":\"${U_ID[b]}\",\"sdp\":\"v=0 $A_RUN\"}"
    ws_send SA '{"type":"ice_candidate","candidate":{"candidate":"candidate:1 1 UDP 1 127.0.0.1 9 typ host","sdpMid":"0"}}'
    local offer='select(.data.type == "offer")' ice='select(.data.type == "ice_candidate")'
    ws_wait SB "$ice"
    ws_wait SE "$ice"
    expect_sel SB "$offer | select(.data.sender_id == \"${U_ID[a]}\" and .data.target_id == \"${U_ID[b]}\" and .data.sdp == \"v=0 $A_RUN\")" 1 \
        "the offer reaches its target"
    # the offer was published before the broadcast: had it gone to e, it would be here already
    expect_sel SE "$offer" 0 "the offer does not reach another participant"
    expect_sel SE "$ice | select(.data.sender_id == \"${U_ID[a]}\" and .data.candidate.sdpMid == \"0\")" 1 "a broadcast reaches the others"
    expect_sel SB "$ice" 1 "a broadcast reaches every other participant"
    expect_sel SA "$ice" 0 "a broadcast does not come back to its sender"
    for n in SA SB SE SC; do ws_stop "$n"; done
}

test_callapi() {
    local call offer
    t "signaling: a call made with the calls API"
    # g: a group of a and b; c is not in it
    areq POST /v1/calls/initiate "${U_AT[a]}" "{\"call_type\":\"video\",\"conversation_id\":\"${C_ID[g]}\"}"
    expect_status 201
    jr_into call .data.call_id 00000000-0000-4000-8000-000000000000
    ws_start QA "/v1/calls/ws/signaling?call_id=$call" -H "$(bearer a)"
    ws_start QB "/v1/calls/ws/signaling?call_id=$call" -H "$(bearer b)"
    ws_start QC "/v1/calls/ws/signaling?call_id=$call" -H "$(bearer c)"
    ws_ready QA QB QC
    expect_open QA "the caller"
    expect_open QB "a ringing callee"
    expect_refused QC 403 FORBIDDEN "a user outside the conversation"
    if call_sync "$call" QA QB; then ok "$T: both subscribed"
    else ws_fail "$T: both subscribed" "a frame on call:{id} reached QA and QB" "QB: $(ws_got QB)"; fi
    ws_send QA "{\"type\":\"offer\",\"target_id\":\"${U_ID[b]}\",\"sdp\":\"v=0 api $A_RUN\"}"
    offer="select(.data.type == \"offer\" and .data.sender_id == \"${U_ID[a]}\" and .data.sdp == \"v=0 api $A_RUN\")"
    ws_wait QB "$offer"
    expect_sel QB "$offer" 1 "the caller's offer reaches the callee"

    t "signaling: the call's end closes the door"
    areq POST "/v1/calls/$call/end" "${U_AT[a]}"
    expect_status 200
    ws_open QD "/v1/calls/ws/signaling?call_id=$call" -H "$(bearer b)"
    expect_refused QD 404 NOT_FOUND "a new socket after the end"
    # a socket opened before the end: its next frame is refused by the relay's check and the
    # socket closed with 1008 (the call's set is gone)
    ws_send QB '{"type":"ice_candidate","candidate":{"candidate":"late"}}'
    ws_wait QB 'select(.ev == "close")'
    expect_sel QB 'select(.ev == "close" and .code == 1008)' 1 "a socket still open after the end"
    expect_sel QA 'select(.data.type == "ice_candidate")' 0 "the refused frame"
    for n in QA QB QC QD; do ws_stop "$n"; done
}

test_logout() {
    t "logout while connected"
    login_sess c
    local at=$L_AT
    ws_open Z "/v1/ws" -H "Authorization: Bearer $at"
    expect_open Z "a fresh session"
    areq POST /v1/auth/logout "$at" '{}'
    expect_status 200
    ws_wait Z 'select(.ev == "close")'
    expect_sel Z 'select(.ev == "close" and .code == 1008)' 1 "close 1008"
    ws_stop Z
}

# RELAY_TESTS: a subset while developing (e.g. RELAY_TESTS="setup chat")
for f in ${RELAY_TESTS:-setup feeds chat signaling callapi logout}; do
    "test_$f"
done
for n in "${!WS_PID[@]}"; do ws_stop "$n"; done
printf '%s-%s: %d passed, %d failed\n' "$SC_SERVER" "$SUITE" "$SC_PASS" "$SC_FAIL"
[[ $SC_FAIL -eq 0 ]]
