#!/usr/bin/env bash
# Black-box cases for presence (api.md "Conversations and messages": POST /v1/presence,
# GET /v1/presence). Run by tests/integration/run.sh after cases.sh, once per web server, against
# the same PostgreSQL and Redis; every user made here carries a run tag.
#
# Who sees whom: accepted friends (inserted with SQL: the contacts API is another suite's) and
# members of a shared conversation, never through a block (either direction), never deleted
# users. Unseen, unknown and deleted users all read online:false, last_seen:null.
#
# Environment: SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP (see cases.sh); SC_VERBOSE=1.
# Last line: "<server>-presence: N passed, M failed"; exit 0 only when M is 0.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=presence

# shellcheck source=suite.sh
. "$HERE/suite.sh"

TTL=$(cfgval PRESENCE_TTL_SECONDS); TTL=${TTL:-300}

# setpres KEY true|false: POST /v1/presence as KEY (no check; R_STATUS)
setpres() { areq POST /v1/presence "${U_AT[$1]}" "{\"online\":$2}"; }

# getpres VIEWER KEY...: GET /v1/presence?user_ids=<ids of KEYs> as VIEWER
getpres() {
    local viewer=$1 ids=() k
    shift
    for k; do ids+=("${U_ID[$k]}"); done
    areq GET "/v1/presence?user_ids=$(IFS=,; echo "${ids[*]}")" "${U_AT[$viewer]}"
}

# friends A B: an accepted friendship, inserted directly
friends() {
    if sql "INSERT INTO friendships (requester_id, addressee_id, status, accepted_at)
            VALUES ('${U_ID[$1]}', '${U_ID[$2]}', 'accepted', now())" >/dev/null; then
        ok "setup: friends $1 $2"
    else
        fail "setup: friends $1 $2" "the friendship row inserted ($(cat "$SC_WORK/psql.err"))"
    fi
}

# blocks A B: A blocks B
blocks() {
    if sql "INSERT INTO blocked_users (blocker_id, blocked_id) VALUES ('${U_ID[$1]}', '${U_ID[$2]}')" >/dev/null; then
        ok "setup: $1 blocks $2"
    else
        fail "setup: $1 blocks $2" "the block row inserted ($(cat "$SC_WORK/psql.err"))"
    fi
}

# seen VIEWER KEY ONLINE: VIEWER's GET of KEY says online:ONLINE with a last_seen time
seen() {
    getpres "$1" "$2"
    expect_status 200
    expect_json '.data.presence | length' 1
    expect_json '.data.presence[0].user_id' "\"${U_ID[$2]}\""
    expect_json '.data.presence[0].online' "$3"
    expect_match '.data.presence[0].last_seen' "$RE_TIME"
}

# unseen VIEWER KEY: VIEWER's GET of KEY says nothing (online:false, last_seen:null)
unseen() {
    getpres "$1" "$2"
    expect_status 200
    expect_json '.data.presence' "[{\"user_id\":\"${U_ID[$2]}\",\"online\":false,\"last_seen\":null}]"
}

# a: the subject. f: friend. m: member of a group with a. s: stranger.
# x: friend and co-member whom a blocked. y: friend and co-member who blocked a.
# z: co-member, deleted later.
test_setup() {
    t "setup"
    mkuser a; mkuser f; mkuser m; mkuser s; mkuser x; mkuser y; mkuser z
    friends a f
    friends x a
    friends a y
    mkconv g group "Presence $A_RUN" a m x y z
    blocks a x
    blocks y a
}

test_set() {
    t "POST /v1/presence online"
    ev_sub pres a f m s x y z
    setpres a true
    expect_status 200
    expect_ok_envelope
    expect_json '.data.user_id' "\"${U_ID[a]}\""
    expect_json '.data.online' true
    expect_match '.data.last_seen' "$RE_TIME"
    expect_json '.data | keys' '["last_seen","online","user_id"]'
    check "$T: presence key set" "presence:{a} = online" \
        test "$(rcli GET "presence:${U_ID[a]}")" = online
    local ttl; ttl=$(rcli TTL "presence:${U_ID[a]}")
    check "$T: the key has a TTL" "0 < TTL <= $TTL (got $ttl)" \
        test "$ttl" -gt 0 -a "$ttl" -le "$TTL"
    check "$T: last_seen_at stored" "users.last_seen_at set" \
        test "$(sql "SELECT last_seen_at IS NOT NULL FROM users WHERE user_id = '${U_ID[a]}'")" = t

    # the event: the friend and the co-members, nobody else (not a itself). One script
    # publishes to every recipient before the answer, in order on one connection: once three
    # events are here, an event to anyone else would be here too.
    ev_wait pres 3
    check "$T: event to the friend" "one presence event for f" test "$(ev_count pres f presence)" = 1
    check "$T: event to a co-member" "one presence event for m" test "$(ev_count pres m presence)" = 1
    check "$T: event to another co-member" "one presence event for z" test "$(ev_count pres z presence)" = 1
    check "$T: no event to a stranger" "none for s" test "$(ev_count pres s presence)" = 0
    check "$T: no event to the user a blocked" "none for x" test "$(ev_count pres x presence)" = 0
    check "$T: no event to the user who blocked a" "none for y" test "$(ev_count pres y presence)" = 0
    check "$T: no event to the caller" "none for a" test "$(ev_count pres a presence)" = 0
    check "$T: three events in all" "3 events" test "$(ev_lines pres | wc -l)" = 3
    local ev
    ev=$(ev_lines pres | awk -F'\t' -v c="user:${U_ID[f]}" '$1 == c { print $2 }' | head -n1)
    check "$T: event data" "{user_id:a, online:true, last_seen} and a stream id" \
        jq -e --arg u "${U_ID[a]}" '.type == "presence" and (.id | test("^[0-9]+-[0-9]+$"))
            and .data.user_id == $u and .data.online == true and (.data.last_seen | type) == "string"' \
        <<<"$ev" >/dev/null
    ev_stop pres
}

test_visibility() {
    local k
    t "setup: the others online"
    for k in f m s x y z; do
        setpres "$k" true
        check "$T: $k" "HTTP 200 from POST /v1/presence" test "$R_STATUS" = 200
    done

    t "GET /v1/presence: a friend"
    seen f a true
    seen a f true
    t "GET /v1/presence: a shared conversation"
    seen m a true
    seen a m true
    t "GET /v1/presence: oneself"
    seen a a true
    t "GET /v1/presence: a stranger"
    unseen s a
    unseen a s
    t "GET /v1/presence: a blocked b"
    unseen x a
    unseen a x
    t "GET /v1/presence: b blocked a"
    unseen y a
    unseen a y

    t "GET /v1/presence: order, duplicates, case, unknown ids"
    local ghost; ghost=$(uuid)
    areq GET "/v1/presence?user_ids=${U_ID[m]},$ghost,${U_ID[f]^^},${U_ID[s]},${U_ID[m]},${U_ID[f]}" "${U_AT[a]}"
    expect_status 200
    expect_json '[.data.presence[].user_id]' "[\"${U_ID[m]}\",\"$ghost\",\"${U_ID[f]}\",\"${U_ID[s]}\"]"
    expect_json '[.data.presence[].online]' '[true,false,true,false]'
    expect_json '.data.presence[1].last_seen' null
    expect_json '.data.presence[3].last_seen' null
    # an unknown id and a blocked user answer alike: no oracle
    areq GET "/v1/presence?user_ids=$ghost,${U_ID[x]}" "${U_AT[a]}"
    expect_json '[.data.presence[] | del(.user_id)] | unique | length' 1

    t "GET /v1/presence: deleted users never"
    sql "UPDATE users SET deleted_at = now() WHERE user_id = '${U_ID[z]}'" >/dev/null
    check "$T: z still has its presence key" "presence:{z} exists" \
        test "$(rcli EXISTS "presence:${U_ID[z]}")" = 1
    unseen a z

    t "GET /v1/presence: 100 ids"
    local ids=() i
    for ((i = 0; i < 99; i++)); do ids+=("$(uuid)"); done
    areq GET "/v1/presence?user_ids=${U_ID[f]},$(IFS=,; echo "${ids[*]}")" "${U_AT[a]}"
    expect_status 200
    expect_json '.data.presence | length' 100
    expect_json '[.data.presence[] | select(.online)] | length' 1
}

test_offline() {
    t "POST /v1/presence offline"
    ev_sub off f m s
    setpres a false
    expect_status 200
    expect_json '.data.online' false
    expect_match '.data.last_seen' "$RE_TIME"
    check "$T: presence key deleted" "no presence:{a}" \
        test "$(rcli EXISTS "presence:${U_ID[a]}")" = 0
    ev_wait off 2
    check "$T: event to the friend" "presence online:false for f" \
        test "$(ev_lines off | awk -F'\t' -v c="user:${U_ID[f]}" '$1 == c { print $2 }' |
            jq -c 'select(.type == "presence" and .data.online == false)' | wc -l)" = 1
    check "$T: event to the co-member" "one for m" test "$(ev_count off m presence)" = 1
    check "$T: no event to a stranger" "none for s" test "$(ev_count off s presence)" = 0
    ev_stop off
    t "GET /v1/presence: offline but seen"
    seen f a false
    # online again: the key comes back
    setpres a true
    t "POST /v1/presence online again"
    expect_status 200
    seen f a true
}

test_errors() {
    t "GET /v1/presence: no user_ids"
    areq GET /v1/presence "${U_AT[a]}"
    expect_error 400 VALIDATION_ERROR
    expect_match '.error.message' 'user_ids'
    t "GET /v1/presence: empty user_ids"
    areq GET "/v1/presence?user_ids=" "${U_AT[a]}"
    expect_error 400 VALIDATION_ERROR
    expect_match '.error.message' 'user_ids'
    t "GET /v1/presence: malformed id"
    areq GET "/v1/presence?user_ids=${U_ID[f]},nope" "${U_AT[a]}"
    expect_error 400 VALIDATION_ERROR
    expect_match '.error.message' 'user_ids'
    t "GET /v1/presence: empty item"
    areq GET "/v1/presence?user_ids=${U_ID[f]}," "${U_AT[a]}"
    expect_error 400 VALIDATION_ERROR
    t "GET /v1/presence: space in the list"
    areq GET "/v1/presence?user_ids=${U_ID[f]},%20${U_ID[m]}" "${U_AT[a]}"
    expect_error 400 VALIDATION_ERROR
    t "GET /v1/presence: 101 ids"
    local ids=() i
    for ((i = 0; i < 101; i++)); do ids+=("$(uuid)"); done
    areq GET "/v1/presence?user_ids=$(IFS=,; echo "${ids[*]}")" "${U_AT[a]}"
    expect_error 400 VALIDATION_ERROR
    expect_match '.error.message' 'user_ids'

    local body
    for body in '{}' '{"online":"yes"}' '{"online":1}' '{"online":null}' '{"online":[true]}'; do
        t "POST /v1/presence $body"
        areq POST /v1/presence "${U_AT[a]}" "$body"
        expect_error 400 VALIDATION_ERROR
        expect_match '.error.message' 'online'
    done
    t "POST /v1/presence: not JSON"
    req POST /v1/presence -H "Authorization: Bearer ${U_AT[a]}" -H 'Content-Type: text/plain' \
        --data-binary online
    expect_error 415 UNSUPPORTED_MEDIA_TYPE
    t "POST /v1/presence: no token"
    jpost /v1/presence '{"online":true}'
    expect_error 401 UNAUTHORIZED
    t "GET /v1/presence: no token"
    req GET "/v1/presence?user_ids=${U_ID[a]}"
    expect_error 401 UNAUTHORIZED
    t "DELETE /v1/presence"
    areq DELETE /v1/presence "${U_AT[a]}"
    expect_error 405 METHOD_NOT_ALLOWED
}

test_setup
test_set
test_visibility
test_offline
test_errors
for n in "${!EV_PID[@]}"; do ev_stop "$n"; done
printf '%s-%s: %d passed, %d failed\n' "$SC_SERVER" "$SUITE" "$SC_PASS" "$SC_FAIL"
[[ $SC_FAIL -eq 0 ]]
