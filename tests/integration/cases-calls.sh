#!/usr/bin/env bash
# shellcheck disable=SC2016  # $names inside single quotes are jq variables
# Black-box cases for call records (api.md "Calls": initiate, get, join, leave, decline, end,
# the call log; issue 6 point 3; the original's bugs: anyone could join or end any call, the
# cap was checked after the row was written - original-api.md 4.5, the audit's Error 13).
# Run by tests/integration/run.sh after cases.sh, once per web server, against the same
# PostgreSQL and Redis; every user made here carries a run tag.
#
# Checked with every step: the answer, the events (ev_sub per user: the right users and nobody
# else), and the Redis set call:{id}:participants the relay checks signaling against. The clock
# of a missed call is moved with SQL (started_at two minutes back). Concurrency: 10 initiates
# at once give one 201; the last two leaving at once end the call once.
#
# Environment: SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP (see cases.sh); SC_VERBOSE=1.
# Last line: "<server>-calls: N passed, M failed"; exit 0 only when M is 0.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=calls

# shellcheck source=suite.sh
. "$HERE/suite.sh"

RING=$(cfgval CALL_RING_SECONDS); RING=${RING:-60}
CAP=$(cfgval CALL_MAX_PARTICIPANTS); CAP=${CAP:-8}
CALL_KEYS='["answered_at","call_id","call_type","caller_id","conversation_id","duration","ended_at","ended_by","participants","started_at","status"]'
PART_KEYS='["joined_at","left_at","role","state","user_id"]'

# ---------------------------------------------------------------- helpers of this suite
#
#   initiate KEY CONV-ID [EXTRA-JSON]  POST /v1/calls/initiate (audio) as KEY; CALL the id or ""
#   act KEY VERB CALL-ID               POST /v1/calls/CALL-ID/VERB as KEY (join, leave, ...)
#   ids_of KEY...                      the sorted user ids of those users, one line
#   set_is CALL-ID KEY...              check: call:{id}:participants holds exactly those users
#   set_gone CALL-ID                   check: the set does not exist
#   part JQ-FILTER KEY                 the participant object of KEY in the answer, piped to JQ
#   ev_sync NAME KEY                   publish a marker on KEY's channel and wait until NAME has
#                                      it: every event published before it is in by then
#   ev_tally NAME / evn KEY TYPE       count NAME's events per user and type (one pass)
#   ev_only NAME TYPE KEY...           check: one TYPE event to each KEY, no call.* to the others
#   ev_data NAME KEY TYPE              the data of KEY's last TYPE event (compact JSON)
#   dbcall CALL-ID COLUMN              a column of the call's row

initiate() {
    local x=${3:-} body
    [[ -n $x ]] || x='{}'
    body=$(jq -nc --arg c "$2" --argjson x "$x" '{call_type:"audio", conversation_id:$c} + $x')
    areq POST /v1/calls/initiate "${U_AT[$1]}" "$body"
    jr_into CALL .data.call_id ""
}

act() { areq POST "/v1/calls/$3/$2" "${U_AT[$1]}"; }

ids_of() {
    local k
    for k; do printf '%s\n' "${U_ID[$k]}"; done | sort | tr '\n' ' '
}

set_is() {
    local call=$1 got want
    shift
    want=$(ids_of "$@")
    got=$(rcli SMEMBERS "call:$call:participants" | sort | tr '\n' ' ')
    check "$T: Redis set {$*}" "call:{id}:participants = {$*} (got $got)" test "$got" = "$want"
}

set_gone() {
    check "$T: Redis set deleted" "no call:{id}:participants" \
        test "$(rcli EXISTS "call:$1:participants")" = 0
}

part() { jq -c --arg u "${U_ID[$2]}" ".data.participants[] | select(.user_id == \$u) | $1" <"$R_BODY"; }

ev_sync() {
    local name=$1 key=$2 tag i
    tag="mark$RANDOM$RANDOM"
    rcli PUBLISH "user:${U_ID[$key]}" "{\"type\":\"test.marker\",\"tag\":\"$tag\"}" >/dev/null
    for i in $(seq 100); do
        grep -q "$tag" "$SC_WORK/ev.$name" && return 0
        sleep 0.05
    done
    fail "setup: events on $name" "the marker came through"
}

# ev_tally NAME: EVN[KEY.TYPE] = events of TYPE on KEY's channel, EVN[KEY.call] = its call.*
# events, for every user of the suite, from one pass over NAME's lines
declare -A EVN
ev_tally() {
    local u t n k
    declare -A key_of=()
    for k in "${!U_ID[@]}"; do key_of[${U_ID[$k]}]=$k; done
    EVN=()
    while read -r u t n; do
        k=${key_of[$u]:-}
        [[ -n $k ]] && EVN[$k.$t]=$n
    done < <(awk '
        prev2 == "message" && prev1 ~ /^user:/ && match($0, /"type":"[^"]*"/) {
            u = substr(prev1, 6); t = substr($0, RSTART + 8, RLENGTH - 9)
            c[u " " t]++
            if (t ~ /^call\./) c[u " call"]++
        }
        { prev2 = prev1; prev1 = $0 }
        END { for (k in c) print k, c[k] }' "$SC_WORK/ev.$1")
}

# evn KEY TYPE: the tallied count (0 when none); TYPE "call" counts every call.* event
evn() { printf '%s' "${EVN[$1.$2]:-0}"; }

ev_data() {
    ev_lines "$1" | awk -F'\t' -v c="user:${U_ID[$2]}" '$1 == c { print $2 }' |
        jq -c --arg t "$3" 'select(.type == $t) | .data' 2>/dev/null | tail -n1
}

dbcall() { sql "SELECT $2 FROM calls WHERE call_id = :'c'" -v c="$1"; }

# ev_only NAME TYPE KEY...: after ev_sync, each listed user got exactly one TYPE event and no
# other call.* event; every other user of NAME (EV_USERS) got no call.* event (ev_tally first)
ev_only() {
    local name=$1 type=$2 k want
    shift 2
    ev_tally "$name"
    for k in $EV_USERS; do
        want=0
        [[ " $* " == *" $k "* ]] && want=1
        if [[ $want == 1 ]]; then
            check "$T: $type to $k" "one $type event for $k (got $(evn "$k" "$type"))" \
                test "$(evn "$k" "$type")" = 1
        fi
        check "$T: $want call.* event(s) to $k" "$want for $k (got $(evn "$k" call))" \
            test "$(evn "$k" call)" = "$want"
    done
}

# sub NAME KEY...: a fresh subscriber for these users (EV_USERS)
sub() {
    local name=$1
    shift
    EV_USERS="$*"
    ev_sub "$name" "$@"
}

# ---------------------------------------------------------------- cases

# a, b, c, d: members of group g; s: a stranger; x: a direct conversation with a (x blocks a
# later); y: in group gb with a and b, blocked by a. n1..n6: with a, b, c, d the 10 members of
# group big (the participant cap).
test_setup() {
    t "setup"
    local k
    for k in a b c d s x y n1 n2 n3 n4 n5 n6; do mkuser "$k"; done
    mkconv ab direct "" a b
    mkconv ax direct "" a x
    mkconv g group "Calls $A_RUN" a b c d
    mkconv gb group "Blocks $A_RUN" a b y
    mkconv big group "Big $A_RUN" a b c d n1 n2 n3 n4 n5 n6
    if sql "INSERT INTO blocked_users (blocker_id, blocked_id) VALUES (:'a', :'y')" \
            -v a="${U_ID[a]}" -v y="${U_ID[y]}" >/dev/null; then ok "setup: a blocks y"
    else fail "setup: a blocks y" "the block row inserted ($(cat "$SC_WORK/psql.err"))"; fi
}

# A direct call through its whole life: ring, answer, leave, rejoin, the last one out.
test_direct() {
    local c1
    sub d1 a b s
    t "POST /v1/calls/initiate (direct)"
    initiate a "${C_ID[ab]}"
    c1=$CALL
    expect_status 201
    expect_ok_envelope
    expect_match .data.call_id "$RE_UUID"
    expect_json .data.status '"ringing"'
    expect_json .data.call_type '"audio"'
    expect_json .data.caller_id "\"${U_ID[a]}\""
    expect_json .data.conversation_id "\"${C_ID[ab]}\""
    expect_match .data.started_at "$RE_TIME"
    expect_json '[.data.answered_at, .data.ended_at, .data.ended_by, .data.duration]' '[null,null,null,0]'
    expect_json '.data | del(.ice_servers) | keys' "$CALL_KEYS"
    expect_json '.data.ice_servers | type' '"array"'
    expect_json '[.data.participants[] | keys] | unique' "[$PART_KEYS]"
    expect_json '[.data.participants[] | [.role, .state]]' '[["caller","joined"],["callee","invited"]]'
    expect_json "[.data.participants[].user_id]" "[\"${U_ID[a]}\",\"${U_ID[b]}\"]"
    check "$T: the caller joined at the start" "joined_at == started_at" \
        test "$(part .joined_at a)" = "$(jbody .data.started_at)"
    set_is "$c1" a b
    local ttl; ttl=$(rcli TTL "call:$c1:participants")
    check "$T: the ringing set expires" "0 < TTL <= $((RING + 30)) (got $ttl)" \
        test "$ttl" -gt 0 -a "$ttl" -le $((RING + 30))
    ev_sync d1 s
    ev_only d1 call.ringing b
    check "$T: call.ringing data" "{call_id, call} with the call" \
        jq -e --arg id "$c1" '.call_id == $id and .call.call_id == $id and .call.status == "ringing"
            and (.call.participants | length) == 2' <<<"$(ev_data d1 b call.ringing)"

    t "POST /v1/calls/initiate: a call is already active there"
    initiate b "${C_ID[ab]}"
    expect_error 409 CONFLICT
    expect_json .error.call_id "\"$c1\""

    t "GET /v1/calls/:id"
    areq GET "/v1/calls/$c1" "${U_AT[b]}"
    expect_status 200
    expect_ok_envelope
    expect_json '.data | keys' "$CALL_KEYS"
    expect_json .data.status '"ringing"'
    t "GET /v1/calls/:id: a stranger"
    areq GET "/v1/calls/$c1" "${U_AT[s]}"
    expect_error 403 FORBIDDEN
    t "GET /v1/calls/:id: unknown"
    areq GET "/v1/calls/$(uuid)" "${U_AT[a]}"
    expect_error 404 NOT_FOUND
    t "GET /v1/calls/:id: not a UUID"
    areq GET "/v1/calls/nope" "${U_AT[a]}"
    expect_error 404 NOT_FOUND

    t "POST /v1/calls/:id/join: a stranger"
    act s join "$c1"
    expect_error 403 FORBIDDEN
    t "POST /v1/calls/:id/end: a stranger"
    act s end "$c1"
    expect_error 403 FORBIDDEN
    t "POST /v1/calls/:id/leave: a stranger"
    act s leave "$c1"
    expect_error 403 FORBIDDEN
    t "POST /v1/calls/:id/decline: a stranger"
    act s decline "$c1"
    expect_error 403 FORBIDDEN
    t "POST /v1/calls/:id/decline: the caller"
    act a decline "$c1"
    expect_error 403 FORBIDDEN
    t "POST /v1/calls/:id/leave: an invited callee not in the call"
    act b leave "$c1"
    expect_error 409 CONFLICT
    t "POST /v1/calls/:id/end: an invited callee not in the call"
    act b end "$c1"
    expect_error 403 FORBIDDEN
    t "POST /v1/calls/unknown/join"
    act a join "$(uuid)"
    expect_error 404 NOT_FOUND
    check "$T: nothing changed" "still ringing" test "$(dbcall "$c1" status)" = ringing

    ev_stop d1
    sub d2 a b s
    t "POST /v1/calls/:id/join"
    act b join "$c1"
    expect_status 200
    expect_ok_envelope
    expect_json .data.status '"active"'
    expect_match .data.answered_at "$RE_TIME"
    expect_json "$(printf '[.data.participants[] | select(.user_id == "%s") | .state]' "${U_ID[b]}")" '["joined"]'
    expect_match "$(printf '.data.participants[] | select(.user_id == "%s") | .joined_at' "${U_ID[b]}")" "$RE_TIME"
    set_is "$c1" a b
    check "$T: the active set does not expire" "TTL -1" test "$(rcli TTL "call:$c1:participants")" = -1
    ev_sync d2 s
    ev_only d2 call.joined a
    check "$T: call.joined data" "{call_id, user_id:b, call}" \
        jq -e --arg id "$c1" --arg u "${U_ID[b]}" '.call_id == $id and .user_id == $u
            and .call.status == "active"' <<<"$(ev_data d2 a call.joined)"

    t "POST /v1/calls/:id/join: twice"
    act b join "$c1"
    expect_error 409 CONFLICT
    t "POST /v1/calls/:id/join: the caller, in it already"
    act a join "$c1"
    expect_error 409 CONFLICT
    t "POST /v1/calls/:id/decline: joined already"
    act b decline "$c1"
    expect_error 409 CONFLICT

    ev_stop d2
    sub d3 a b s
    t "POST /v1/calls/:id/leave"
    act b leave "$c1"
    expect_status 200
    expect_json .data.status '"active"'
    expect_json "$(printf '[.data.participants[] | select(.user_id == "%s") | .state]' "${U_ID[b]}")" '["left"]'
    expect_match "$(printf '.data.participants[] | select(.user_id == "%s") | .left_at' "${U_ID[b]}")" "$RE_TIME"
    set_is "$c1" a
    t "POST /v1/calls/:id/leave: not in the call any more"
    act b leave "$c1"
    expect_error 409 CONFLICT
    t "POST /v1/calls/:id/join: back again"
    act b join "$c1"
    expect_status 200
    expect_json "$(printf '[.data.participants[] | select(.user_id == "%s") | [.state, .left_at]]' "${U_ID[b]}")" '[["joined",null]]'
    set_is "$c1" a b
    ev_sync d3 s
    check "$T: call.left to a" "one call.left {reason:left}" \
        jq -e --arg u "${U_ID[b]}" '.user_id == $u and .reason == "left"' <<<"$(ev_data d3 a call.left)"
    ev_tally d3
    check "$T: call.joined to a" "one" test "$(evn a call.joined)" = 1
    check "$T: nothing to b" "no call.* event" test "$(evn b call)" = 0
    check "$T: nothing to s" "no call.* event" test "$(evn s call)" = 0

    ev_stop d3
    sub d4 a b s
    t "POST /v1/calls/:id/leave: the caller leaves, b stays"
    act a leave "$c1"
    expect_status 200
    expect_json .data.status '"active"'
    set_is "$c1" b
    t "POST /v1/calls/:id/leave: the last one out ends the call"
    act b leave "$c1"
    expect_status 200
    expect_json .data.status '"ended"'
    expect_match .data.ended_at "$RE_TIME"
    expect_json .data.ended_by "\"${U_ID[b]}\""
    expect_jq '.data.duration | type == "number" and . >= 0' "duration a number"
    expect_json '[.data.participants[].state]' '["left","left"]'
    set_gone "$c1"
    ev_sync d4 s
    ev_tally d4
    check "$T: call.ended to a" "one" test "$(evn a call.ended)" = 1
    check "$T: call.ended to b" "one" test "$(evn b call.ended)" = 1
    check "$T: call.ended data" "{call_id, status:ended, duration, ended_by:b}" \
        jq -e --arg id "$c1" --arg u "${U_ID[b]}" '. == {call_id:$id, status:"ended", duration:.duration,
            ended_by:$u} and (.duration | type) == "number"' <<<"$(ev_data d4 a call.ended)"
    check "$T: nothing to s" "no call.* event" test "$(evn s call)" = 0

    t "after the end"
    act a join "$c1"
    expect_error 409 CONFLICT
    act b leave "$c1"
    expect_error 409 CONFLICT
    act b end "$c1"
    expect_error 409 CONFLICT
    act b decline "$c1"
    expect_error 409 CONFLICT
    act s end "$c1"
    expect_error 403 FORBIDDEN
    areq GET "/v1/calls/$c1" "${U_AT[a]}"
    expect_status 200
    expect_json .data.status '"ended"'
    check "$T: the set stays deleted" "no set" test "$(rcli EXISTS "call:$c1:participants")" = 0
    ev_stop d4

    t "POST /v1/calls/initiate: the conversation is free again"
    initiate b "${C_ID[ab]}" '{"call_type":"video"}'
    expect_status 201
    expect_json .data.call_type '"video"'
    expect_json .data.caller_id "\"${U_ID[b]}\""
    t "POST /v1/calls/:id/end by the caller while ringing"
    act b end "$CALL"
    expect_status 200
    expect_json .data "{\"call_id\":\"$CALL\",\"status\":\"ended\",\"duration\":0}"
    set_gone "$CALL"
    areq GET "/v1/calls/$CALL" "${U_AT[a]}"
    expect_json '[.data.status, .data.answered_at]' '["ended",null]'
}

# A group: named callees, a member who was not rung joins, declines, end by a joined member.
test_group() {
    local c2
    sub g1 a b c d s
    t "POST /v1/calls/initiate (group, named callees)"
    initiate a "${C_ID[g]}" "$(jq -nc --arg b "${U_ID[b]}" --arg c "${U_ID[c]}" --arg a "${U_ID[a]}" \
        '{callee_ids:[$b, $c, $b, $a]}')"
    c2=$CALL
    expect_status 201
    expect_json "[.data.participants[] | [.user_id, .role, .state]]" \
        "$(jq -nc --arg a "${U_ID[a]}" --arg b "${U_ID[b]}" --arg c "${U_ID[c]}" \
            '[[$a,"caller","joined"]] + ([[$b,"callee","invited"],[$c,"callee","invited"]] | sort)')"
    set_is "$c2" a b c
    ev_sync g1 s
    ev_only g1 call.ringing b c

    t "GET /v1/calls/:id: a member who was not rung"
    areq GET "/v1/calls/$c2" "${U_AT[d]}"
    expect_status 200
    expect_json .data.call_id "\"$c2\""

    t "POST /v1/calls/:id/end: a member who is not in the call"
    act d end "$c2"
    expect_error 403 FORBIDDEN
    t "POST /v1/calls/:id/leave: a member who is not in the call"
    act d leave "$c2"
    expect_error 403 FORBIDDEN

    ev_stop g1
    sub g2 a b c d s
    t "POST /v1/calls/:id/join: a member who was not rung"
    act d join "$c2"
    expect_status 200
    expect_json .data.status '"active"'
    expect_json "$(printf '[.data.participants[] | select(.user_id == "%s") | [.role, .state]]' "${U_ID[d]}")" '[["joiner","joined"]]'
    set_is "$c2" a b c d
    ev_sync g2 s
    ev_only g2 call.joined a b c

    ev_stop g2
    sub g3 a b c d s
    t "POST /v1/calls/:id/decline"
    act c decline "$c2"
    expect_status 200
    expect_json .data.status '"active"'
    expect_json "$(printf '[.data.participants[] | select(.user_id == "%s") | .state]' "${U_ID[c]}")" '["declined"]'
    set_is "$c2" a b d
    ev_sync g3 s
    ev_only g3 call.left a b d
    check "$T: call.left data" "{call_id, user_id:c, reason:declined, call}" \
        jq -e --arg id "$c2" --arg u "${U_ID[c]}" '.call_id == $id and .user_id == $u and .reason == "declined"
            and .call.call_id == $id' <<<"$(ev_data g3 a call.left)"
    t "POST /v1/calls/:id/decline: twice"
    act c decline "$c2"
    expect_error 409 CONFLICT
    t "POST /v1/calls/:id/decline: a joiner was not invited"
    act d decline "$c2"
    expect_error 403 FORBIDDEN
    t "POST /v1/calls/:id/end: invited, not in the call"
    act b end "$c2"
    expect_error 403 FORBIDDEN
    t "POST /v1/calls/:id/join: a callee who declined may join after all"
    act c join "$c2"
    expect_status 200
    expect_json "$(printf '[.data.participants[] | select(.user_id == "%s") | [.role, .state]]' "${U_ID[c]}")" '[["callee","joined"]]'
    set_is "$c2" a b c d
    act c leave "$c2"
    expect_status 200
    set_is "$c2" a b d
    t "POST /v1/calls/:id/end: left, not in the call"
    act c end "$c2"
    expect_error 403 FORBIDDEN

    ev_stop g3
    sub g4 a b c d s
    t "POST /v1/calls/:id/end by a joiner"
    act d end "$c2"
    expect_status 200
    expect_json '.data | keys' '["call_id","duration","status"]'
    expect_json '[.data.call_id, .data.status]' "[\"$c2\",\"ended\"]"
    set_gone "$c2"
    ev_sync g4 s
    ev_only g4 call.ended a b c d
    check "$T: ended_by" "d" test "$(dbcall "$c2" ended_by)" = "${U_ID[d]}"
    t "POST /v1/calls/:id/end: twice"
    act d end "$c2"
    expect_error 409 CONFLICT
    ev_stop g4

    t "every callee declines"
    sub g5 a b c d s
    initiate a "${C_ID[g]}"
    local c3=$CALL
    expect_status 201
    expect_json '.data.participants | length' 4
    act b decline "$c3"
    act c decline "$c3"
    expect_json .data.status '"ringing"'
    set_is "$c3" a d
    act d decline "$c3"
    expect_status 200
    expect_json .data.status '"declined"'
    expect_json .data.ended_by "\"${U_ID[d]}\""
    expect_json .data.duration 0
    set_gone "$c3"
    ev_sync g5 s
    check "$T: call.ended {status:declined} to a" "one" \
        jq -e '.status == "declined" and .duration == 0' <<<"$(ev_data g5 a call.ended)"
    local k
    ev_tally g5
    for k in a b c d; do
        check "$T: one call.ended to $k" "one" test "$(evn "$k" call.ended)" = 1
    done
    check "$T: nothing to s" "no call.* event" test "$(evn s call)" = 0
    act a join "$c3"
    expect_error 409 CONFLICT
    ev_stop g5

    t "the caller leaves a ringing call: it ends"
    initiate a "${C_ID[g]}" "{\"callee_ids\":[\"${U_ID[b]}\"]}"
    expect_status 201
    act a leave "$CALL"
    expect_status 200
    expect_json '[.data.status, .data.answered_at, .data.ended_by]' "[\"ended\",null,\"${U_ID[a]}\"]"
    set_gone "$CALL"
}

# Who may initiate whom; validation errors name the field.
test_initiate_rules() {
    t "POST /v1/calls/initiate: not a member"
    initiate s "${C_ID[g]}"
    expect_error 403 FORBIDDEN
    t "POST /v1/calls/initiate: a callee who is not a member"
    initiate a "${C_ID[g]}" "{\"callee_ids\":[\"${U_ID[b]}\",\"${U_ID[s]}\"]}"
    expect_error 403 FORBIDDEN
    t "POST /v1/calls/initiate: an unknown callee"
    initiate a "${C_ID[g]}" "{\"callee_ids\":[\"$(uuid)\"]}"
    expect_error 403 FORBIDDEN
    t "POST /v1/calls/initiate: unknown conversation"
    initiate a "$(uuid)"
    expect_error 404 NOT_FOUND
    t "POST /v1/calls/initiate: only the caller named"
    initiate a "${C_ID[g]}" "{\"callee_ids\":[\"${U_ID[a]}\"]}"
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"callee_ids"'
    check "$T: no call row written" "none live" \
        test "$(sql "SELECT count(*) FROM calls WHERE conversation_id = :'c' AND status IN ('ringing','active')" -v c="${C_ID[g]}")" = 0

    local body
    for body in '{"callee_ids":[]}' '{"callee_ids":"x"}' '{"callee_ids":["nope"]}' \
            '{"callee_ids":[1]}' '{"callee_ids":{}}'; do
        t "POST /v1/calls/initiate $body"
        initiate a "${C_ID[g]}" "$body"
        expect_error 400 VALIDATION_ERROR
        expect_json .error.field '"callee_ids"'
    done
    for body in '{"call_type":"fax"}' '{"call_type":1}' '{"call_type":null}' '{"call_type":"AUDIO"}'; do
        t "POST /v1/calls/initiate $body"
        initiate a "${C_ID[g]}" "$body"
        expect_error 400 VALIDATION_ERROR
        expect_json .error.field '"call_type"'
    done
    for body in "{\"call_type\":\"audio\",\"conversation_id\":\"nope\"}" '{"call_type":"audio"}' \
            '{"call_type":"audio","conversation_id":7}'; do
        t "POST /v1/calls/initiate $body"
        areq POST /v1/calls/initiate "${U_AT[a]}" "$body"
        expect_error 400 VALIDATION_ERROR
        expect_json .error.field '"conversation_id"'
    done
    t "POST /v1/calls/initiate: no token"
    jpost /v1/calls/initiate "{\"call_type\":\"audio\",\"conversation_id\":\"${C_ID[g]}\"}"
    expect_error 401 UNAUTHORIZED
    t "POST /v1/calls/initiate: not JSON"
    req POST /v1/calls/initiate -H "Authorization: Bearer ${U_AT[a]}" -H 'Content-Type: text/plain' \
        --data-binary x
    expect_error 415 UNSUPPORTED_MEDIA_TYPE
    t "GET /v1/calls/initiate"
    areq GET /v1/calls/initiate "${U_AT[a]}"
    expect_error 405 METHOD_NOT_ALLOWED
    t "GET /v1/calls/:id: no token"
    req GET "/v1/calls/$(uuid)"
    expect_error 401 UNAUTHORIZED
    t "POST /v1/calls/:id/join: no token"
    req POST "/v1/calls/$(uuid)/join" -H 'Content-Length: 0'
    expect_error 401 UNAUTHORIZED
    t "GET /v1/calls: no token"
    req GET /v1/calls
    expect_error 401 UNAUTHORIZED

    t "POST /v1/calls/initiate: a direct conversation with a block"
    if sql "INSERT INTO blocked_users (blocker_id, blocked_id) VALUES (:'x', :'a')" \
            -v a="${U_ID[a]}" -v x="${U_ID[x]}" >/dev/null; then ok "$T: x blocks a"
    else fail "$T: x blocks a" "the block row inserted"; fi
    initiate a "${C_ID[ax]}"
    expect_error 403 FORBIDDEN
    initiate x "${C_ID[ax]}"
    expect_error 403 FORBIDDEN

    t "POST /v1/calls/initiate: a named callee across a block (group)"
    initiate a "${C_ID[gb]}" "{\"callee_ids\":[\"${U_ID[y]}\"]}"
    expect_error 403 FORBIDDEN
    initiate y "${C_ID[gb]}" "{\"callee_ids\":[\"${U_ID[a]}\",\"${U_ID[b]}\"]}"
    expect_error 403 FORBIDDEN
    t "POST /v1/calls/initiate: default callees skip a blocked member"
    sub gb1 a b y
    initiate a "${C_ID[gb]}"
    expect_status 201
    expect_json '[.data.participants[].user_id]' "[\"${U_ID[a]}\",\"${U_ID[b]}\"]"
    set_is "$CALL" a b
    ev_sync gb1 a
    ev_only gb1 call.ringing b
    ev_stop gb1
    t "POST /v1/calls/:id/join: a group member across a block with the caller may join"
    act y join "$CALL"
    expect_status 200
    act y end "$CALL"
    expect_status 200
}

# CALL_MAX_PARTICIPANTS (8 with run.sh's config) in a group of 10.
test_cap() {
    local ids c4
    t "POST /v1/calls/initiate: every member of a group of 10"
    initiate a "${C_ID[big]}"
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"callee_ids"'
    expect_match .error.message "$CAP"
    check "$T: no call row written" "no call in the group" \
        test "$(sql "SELECT count(*) FROM calls WHERE conversation_id = :'c'" -v c="${C_ID[big]}")" = 0
    t "POST /v1/calls/initiate: cap - 1 callees"
    ids=$(for k in b c d n1 n2 n3 n4; do printf '"%s",' "${U_ID[$k]}"; done)
    initiate a "${C_ID[big]}" "{\"callee_ids\":[${ids%,}]}"
    c4=$CALL
    expect_status 201
    expect_json '.data.participants | length' "$CAP"
    t "POST /v1/calls/:id/join: the call is full"
    act n5 join "$c4"
    expect_error 409 CONFLICT
    expect_match .error.message full
    t "POST /v1/calls/:id/join: an invited callee still fits"
    act b join "$c4"
    expect_status 200
    t "POST /v1/calls/:id/join: room after a decline"
    act c decline "$c4"
    expect_status 200
    act n5 join "$c4"
    expect_status 200
    expect_json '.data.participants | length' $((CAP + 1))
    act n6 join "$c4"
    expect_error 409 CONFLICT
    t "POST /v1/calls/:id/join: room after a leave"
    act b leave "$c4"
    expect_status 200
    act n6 join "$c4"
    expect_status 200
    set_is "$c4" a d n1 n2 n3 n4 n5 n6
    act a end "$c4"
    expect_status 200
}

# 10 initiates at once on one conversation: one 201, nine 409 naming it.
test_concurrent_initiate() {
    t "concurrent initiates"
    mkconv race group "Race $A_RUN" a b c
    local pids=() i k body codes winner keys=(a b c a b c a b c a)
    body=$(jq -nc --arg c "${C_ID[race]}" '{call_type:"video", conversation_id:$c}')
    rm -f "$SC_WORK"/race.*
    for i in $(seq 10); do
        k=${keys[$((i - 1))]}
        "${CURL[@]}" -o "$SC_WORK/race.$i.body" -w '%{http_code}\n' -H "Authorization: Bearer ${U_AT[$k]}" \
            -H 'Content-Type: application/json' --data-binary "$body" "$SC_BASE/v1/calls/initiate" \
            >"$SC_WORK/race.$i.code" 2>/dev/null &
        pids+=($!)
    done
    wait "${pids[@]}"
    codes=$(cat "$SC_WORK"/race.*.code | sort | uniq -c | awk '{ print $2 "x" $1 }' | tr '\n' ' ')
    check "$T: exactly one 201, nine 409" "201x1 409x9 (got $codes)" test "$codes" = "201x1 409x9 "
    winner=$(cat "$SC_WORK"/race.*.body | jq -r 'select(.success) | .data.call_id' 2>/dev/null)
    check "$T: every 409 names the call" "error.call_id = $winner" \
        test "$(cat "$SC_WORK"/race.*.body | jq -r 'select(.success | not) | .error.call_id' | sort -u)" = "$winner"
    check "$T: one call row" "1 call in the conversation" \
        test "$(sql "SELECT count(*) FROM calls WHERE conversation_id = :'c'" -v c="${C_ID[race]}")" = 1
    CALL=$winner
    set_is "$CALL" a b c
}

# The last two leave at the same moment: the call ends once, one call.ended each.
test_concurrent_leave() {
    local c5 pids=() k codes
    t "concurrent last leaves"
    for k in a b c; do    # the race's call, ended by its caller (whoever won)
        [[ $(dbcall "$CALL" caller_id) == "${U_ID[$k]}" ]] && act "$k" end "$CALL"
    done
    check "$T: the race's call ended" "status ended" test "$(dbcall "$CALL" status)" = ended
    initiate a "${C_ID[race]}" "{\"callee_ids\":[\"${U_ID[b]}\",\"${U_ID[c]}\"]}"
    c5=$CALL
    act b join "$c5"
    expect_status 200
    act c decline "$c5"
    expect_status 200
    sub lv a b c s
    rm -f "$SC_WORK"/lv.*
    for k in a b; do
        "${CURL[@]}" -X POST -o "$SC_WORK/lv.$k.body" -w '%{http_code}\n' \
            -H "Authorization: Bearer ${U_AT[$k]}" -H 'Content-Length: 0' \
            "$SC_BASE/v1/calls/$c5/leave" >"$SC_WORK/lv.$k.code" 2>/dev/null &
        pids+=($!)
    done
    wait "${pids[@]}"
    codes=$(cat "$SC_WORK"/lv.*.code | tr '\n' ' ')
    check "$T: both leaves 200" "200 200 (got $codes)" test "$codes" = "200 200 "
    check "$T: exactly one answer says ended" "one ended, one active" \
        test "$(cat "$SC_WORK"/lv.*.body | jq -r .data.status | sort | tr '\n' ' ')" = "active ended "
    check "$T: ended in PostgreSQL" "status ended" test "$(dbcall "$c5" status)" = ended
    set_gone "$c5"
    ev_sync lv s
    ev_tally lv
    for k in a b c; do
        check "$T: one call.ended to $k" "exactly one (got $(evn "$k" call.ended))" \
            test "$(evn "$k" call.ended)" = 1
    done
    check "$T: one call.left in all" "the first leaver's call.left to the other" \
        test "$(( $(evn a call.left) + $(evn b call.left) ))" = 1
    check "$T: nothing to s" "no call.* event" test "$(evn s call)" = 0
    ev_stop lv
}

# A ringing call older than CALL_RING_SECONDS reads as missed; a write marks it.
test_missed() {
    local c6 c7 started
    t "missed: a call rung too long"
    mkconv m1 group "Missed $A_RUN" a b
    initiate a "${C_ID[m1]}"
    c6=$CALL
    expect_status 201
    sql "UPDATE calls SET started_at = started_at - interval '2 minutes' WHERE call_id = :'c';
         UPDATE call_participants SET joined_at = joined_at - interval '2 minutes'
         WHERE call_id = :'c' AND joined_at IS NOT NULL" -v c="$c6" >/dev/null
    started=$(sql "SELECT call_ts(started_at + make_interval(secs => $RING)) FROM calls WHERE call_id = :'c'" -v c="$c6")
    areq GET "/v1/calls/$c6" "${U_AT[b]}"
    expect_status 200
    expect_json .data.status '"missed"'
    expect_json .data.ended_at "\"$started\""
    expect_json .data.duration 0
    expect_json "$(printf '[.data.participants[] | select(.user_id == "%s") | [.state, .left_at]]' "${U_ID[a]}")" "[[\"left\",\"$started\"]]"
    check "$T: the row is still ringing" "status ringing until a write" test "$(dbcall "$c6" status)" = ringing
    areq GET "/v1/calls?conversation_id=${C_ID[m1]}" "${U_AT[b]}"
    expect_json '[.data.calls[0] | .status, .direction, .missed]' '["missed","incoming",true]'
    areq GET "/v1/calls?conversation_id=${C_ID[m1]}" "${U_AT[a]}"
    expect_json '[.data.calls[0] | .status, .direction, .missed]' '["missed","outgoing",false]'
    t "missed: join is refused"
    act b join "$c6"
    expect_error 409 CONFLICT
    check "$T: the write marked it missed" "status missed" test "$(dbcall "$c6" status)" = missed
    check "$T: ended_at = started_at + ring" "$started" \
        test "$(sql "SELECT call_ts(ended_at) FROM calls WHERE call_id = :'c'" -v c="$c6")" = "$started"
    set_gone "$c6"
    t "missed: decline and end are refused"
    act b decline "$c6"
    expect_error 409 CONFLICT
    act a end "$c6"
    expect_error 409 CONFLICT

    t "missed: a new initiate takes the conversation over"
    initiate b "${C_ID[m1]}"
    c7=$CALL
    expect_status 201
    sql "UPDATE calls SET started_at = started_at - interval '2 minutes' WHERE call_id = :'c'" -v c="$c7" >/dev/null
    initiate a "${C_ID[m1]}"
    expect_status 201
    check "$T: the stale call marked missed" "status missed" test "$(dbcall "$c7" status)" = missed
    check "$T: its end is started_at + ring" "ended_at - started_at = $RING s" \
        test "$(sql "SELECT extract(epoch FROM ended_at - started_at)::int FROM calls WHERE call_id = :'c'" -v c="$c7")" = "$RING"
    act a end "$CALL"
    expect_status 200
}

# The call log: direction, missed, paging, the conversation filter.
test_log() {
    local i ids=() got=() page cursor=""
    t "GET /v1/calls: setup"
    mkuser p
    mkconv pq group "Log $A_RUN" p a
    # five calls, oldest first: p calls a (a misses it), a calls p (p joins), p calls a (a
    # declines), a calls p (p misses it), p calls a (a answers)
    initiate p "${C_ID[pq]}"; ids+=("$CALL"); act p end "$CALL"
    initiate a "${C_ID[pq]}"; ids+=("$CALL"); act p join "$CALL"; act a end "$CALL"
    initiate p "${C_ID[pq]}"; ids+=("$CALL"); act a decline "$CALL"
    initiate a "${C_ID[pq]}"; ids+=("$CALL"); act a leave "$CALL"
    initiate p "${C_ID[pq]}"; ids+=("$CALL"); act a join "$CALL"
    check "$T: five calls" "5 ids" test "$(printf '%s\n' "${ids[@]}" | grep -cE "$RE_UUID")" = 5

    t "GET /v1/calls: three pages of two"
    for page in 1 2 3; do
        areq GET "/v1/calls?limit=2${cursor:+&cursor=$cursor}" "${U_AT[p]}"
        expect_status 200
        mapfile -t -O "${#got[@]}" got < <(jq -r '.data.calls[].call_id' <"$R_BODY")
        jr_into cursor .data.next_cursor
        if [[ $page -lt 3 ]]; then expect_json .data.has_more true
        else expect_json '[.data.has_more, .data.next_cursor]' '[false,""]'; fi
    done
    check "$T: newest first, no gap, no duplicate" "${ids[*]} reversed" \
        test "${got[*]}" = "${ids[4]} ${ids[3]} ${ids[2]} ${ids[1]} ${ids[0]}"
    areq GET "/v1/calls?limit=5" "${U_AT[p]}"
    expect_json '[.data.calls[] | .direction]' '["outgoing","incoming","outgoing","incoming","outgoing"]'
    expect_json '[.data.calls[] | .missed]' '[false,true,false,false,false]'
    expect_json '[.data.calls[] | .status]' '["active","ended","declined","ended","ended"]'
    expect_jq '[.data.calls[] | del(.direction, .missed) | keys] | unique | length == 1' "every item a call"
    expect_json '.data.calls[0] | keys' '["answered_at","call_id","call_type","caller_id","conversation_id","direction","duration","ended_at","ended_by","missed","participants","started_at","status"]'
    t "GET /v1/calls: as a"
    areq GET "/v1/calls?conversation_id=${C_ID[pq]}" "${U_AT[a]}"
    expect_status 200
    expect_json '[.data.calls[] | .missed]' '[false,false,false,false,true]'
    expect_json '[.data.calls[] | .direction]' '["incoming","outgoing","incoming","outgoing","incoming"]'
    t "GET /v1/calls: a conversation without the caller's calls"
    areq GET "/v1/calls?conversation_id=${C_ID[g]}" "${U_AT[p]}"
    expect_json .data '{"calls":[],"next_cursor":"","has_more":false}'
    areq GET "/v1/calls?conversation_id=$(uuid)" "${U_AT[p]}"
    expect_status 200
    expect_json '.data.calls | length' 0
    t "GET /v1/calls: a stranger's log is empty"
    areq GET /v1/calls "${U_AT[s]}"
    expect_json .data.calls '[]'
    act a end "${ids[4]}"
    expect_status 200

    t "GET /v1/calls: bad parameters"
    areq GET "/v1/calls?conversation_id=nope" "${U_AT[p]}"
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"conversation_id"'
    areq GET "/v1/calls?limit=0" "${U_AT[p]}"
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"limit"'
    areq GET "/v1/calls?cursor=nope" "${U_AT[p]}"
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"cursor"'
    areq GET "/v1/calls?limit=1" "${U_AT[p]}"
    jr_into cursor .data.next_cursor
    areq GET "/v1/calls?limit=1&cursor=$cursor" "${U_AT[p]}"
    expect_status 200
    expect_json '.data.calls | length' 1
}

# Leaving the conversation: no more joining, the record stays readable to its participant.
test_membership() {
    local c8
    t "a member removed from the conversation"
    mkconv rm group "Removed $A_RUN" a b c
    initiate a "${C_ID[rm]}"
    c8=$CALL
    areq DELETE "/v1/conversations/${C_ID[rm]}/participants/${U_ID[c]}" "${U_AT[c]}"
    expect_status 200
    act c join "$c8"
    expect_error 403 FORBIDDEN
    areq GET "/v1/calls/$c8" "${U_AT[c]}"
    expect_status 200
    act c decline "$c8"
    expect_status 200
    set_is "$c8" a b
    act a end "$c8"
    expect_status 200
}

# sc-admin rebuild-redis puts a lost set back.
test_rebuild() {
    local c9 out
    t "sc-admin rebuild-redis: call participant sets"
    initiate a "${C_ID[g]}" "{\"callee_ids\":[\"${U_ID[b]}\",\"${U_ID[c]}\"]}"
    c9=$CALL
    act b join "$c9"
    act c decline "$c9"
    rcli DEL "call:$c9:participants" "call:$c9:rev" >/dev/null
    out=$(SC_CONFIG=$SC_CONFIG "$SC_BUILD/tools/sc-admin" rebuild-redis 2>&1)
    if [[ $out =~ rebuild-redis:\ ([0-9]+)\ call\ participant\ sets\ rebuilt ]] && ((BASH_REMATCH[1] >= 1)); then
        ok "$T: reported"
    else
        fail "$T: reported" "rebuild-redis: N call participant sets rebuilt, N >= 1 (got: $out)"
    fi
    set_is "$c9" a b
    check "$T: no expiry for an active call" "TTL -1" test "$(rcli TTL "call:$c9:participants")" = -1
    check "$T: the revision" "call:{id}:rev = calls.rev" \
        test "$(rcli GET "call:$c9:rev")" = "$(dbcall "$c9" rev)"
    act a end "$c9"
    expect_status 200
    set_gone "$c9"
}

test_setup
test_direct
test_group
test_initiate_rules
test_cap
test_concurrent_initiate
test_concurrent_leave
test_missed
test_log
test_membership
test_rebuild
for n in "${!EV_PID[@]}"; do ev_stop "$n"; done
printf '%s-%s: %d passed, %d failed\n' "$SC_SERVER" "$SUITE" "$SC_PASS" "$SC_FAIL"
[[ $SC_FAIL -eq 0 ]]
