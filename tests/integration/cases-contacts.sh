#!/usr/bin/env bash
# Black-box cases for contacts and blocking (api.md "Contacts and blocking": friends, friend
# requests, accept / reject / unfriend, blocks and what a block stops today: search, profile
# lookup, friend requests, direct conversations, and friendships ending). Run by
# tests/integration/run.sh after cases.sh, once per web server, against the same PostgreSQL and
# Redis; every user made here carries a run tag.
#
# Environment: SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP (see cases.sh); SC_VERBOSE=1.
# Last line: "<server>-contacts: N passed, M failed"; exit 0 only when M is 0.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=contacts

# shellcheck source=suite.sh
. "$HERE/suite.sh"

PUBLIC_KEYS='["user_id","username","display_name","avatar_url","status"]'

# befriend A B: A asks B, B accepts (two counted checks)
befriend() {
    areq POST "/v1/users/${U_ID[$2]}/friend" "${U_AT[$1]}"
    check "setup: $1 asks $2" "HTTP 201 (got $R_STATUS)" test "$R_STATUS" = 201
    areq POST "/v1/users/me/friends/${U_ID[$1]}/accept" "${U_AT[$2]}"
    check "setup: $2 accepts $1" "HTTP 200 (got $R_STATUS)" test "$R_STATUS" = 200
}

# ids_of JQ-PATH: the user ids of a list answer, one per line
ids_of() { jq -r "$1[] | (.user_id // .user.user_id)" <"$R_BODY" 2>/dev/null; }

# lists USER-KEY PATH-AND-QUERY WHO: the answer's user ids contain (or not) WHO's id
expect_listed() {
    local key=$1 who=$2
    if ids_of "$key" | grep -qx "${U_ID[$who]}"; then ok "$T: $who listed"
    else fail "$T: $who listed" "${U_ID[$who]} in $key"; fi
}
expect_unlisted() {
    local key=$1 who=$2
    if got_response && [[ $R_STATUS == 200 ]] && ! ids_of "$key" | grep -qx "${U_ID[$who]}"; then
        ok "$T: $who not listed"
    else fail "$T: $who not listed" "HTTP 200 without ${U_ID[$who]} in $key"; fi
}

# search_finds VIEWER TARGET yes|no: GET /v1/users/search?q=<TARGET's username> as VIEWER
search_finds() {
    areq GET "/v1/users/search?q=${U_NAME[$2]}&limit=100" "${U_AT[$1]}"
    if [[ $3 == yes ]]; then expect_listed .data.users "$2"; else expect_unlisted .data.users "$2"; fi
}

# pair_rows A B: friendship rows between A and B in PostgreSQL
pair_rows() {
    sql "SELECT count(*) FROM friendships WHERE (requester_id = :'a' AND addressee_id = :'b')
         OR (requester_id = :'b' AND addressee_id = :'a')" -v a="${U_ID[$1]}" -v b="${U_ID[$2]}"
}

# st_types USER-KEY: the types of the events in that user's stream events:user:{id}, oldest
# first, space-separated. The stream keeps what the live channel showed, also for moments no
# subscriber was listening, so "nobody else was told" is checked here without any timing.
st_types() {
    rcli XRANGE "events:user:${U_ID[$1]}" - + | awk 'p == "type" { printf "%s%s", (n++ ? " " : ""), $0 } { p = $0 }'
}

# expect_stream USER-KEY TYPES...: the user's stream holds exactly these event types
expect_stream() {
    local who=$1 got; shift
    got=$(st_types "$who")
    if [[ $got == "$*" ]]; then ok "$T: events of $who: ${*:-none}"
    else fail "$T: events of $who: ${*:-none}" "stream types '$*' (got '$got')"; fi
}

# ev_data NAME USER-KEY TYPE: the data of the events of TYPE on that user's channel (jq -c)
ev_data() {
    ev_lines "$1" | awk -F'\t' -v c="user:${U_ID[$2]}" '$1 == c { print $2 }' |
        jq -c --arg t "$3" 'select(.type == $t) | .data' 2>/dev/null
}

test_request() {
    t "POST /v1/users/:id/friend"
    mkuser a; mkuser b; mkuser c
    ev_sub req a b c

    areq POST "/v1/users/${U_ID[b]}/friend" "${U_AT[a]}"
    expect_status 201
    expect_ok_envelope
    expect_json .data.user_id "\"${U_ID[b]}\""
    expect_json .data.status '"pending"'
    expect_match .data.created_at "$RE_TIME"
    check "$T: stored as a pending row, a first" "one row a -> b pending" \
        test "$(sql "SELECT status FROM friendships WHERE requester_id = :'a' AND addressee_id = :'b'" \
            -v a="${U_ID[a]}" -v b="${U_ID[b]}")" = pending
    ev_wait req 1
    sleep 0.3   # give a wrong extra event the time to show
    check "$T: contact.request to the addressee" "one event to b" test "$(ev_count req b contact.request)" = 1
    check "$T: nothing to the requester" "no event to a" test "$(ev_lines req | grep -c "^user:${U_ID[a]}")" = 0
    check "$T: nothing to others" "no event to c" test "$(ev_lines req | grep -c "^user:${U_ID[c]}")" = 0
    check "$T: event data names the requester" "data.user.user_id = a, created_at" \
        test "$(ev_data req b contact.request | jq -r '"\(.user.user_id) \(.user.username) \(.created_at | test("^[0-9]{4}-"))"')" \
        = "${U_ID[a]} ${U_NAME[a]} true"
    check "$T: event data is a public profile" "keys user_id username display_name avatar_url status" \
        test "$(ev_data req b contact.request | jq -c '.user | keys')" = '["avatar_url","display_name","status","user_id","username"]'
    ev_stop req
    expect_stream b contact.request
    expect_stream a
    expect_stream c

    t "POST /v1/users/:id/friend: errors"
    areq POST "/v1/users/${U_ID[b]}/friend" "${U_AT[a]}"
    expect_error 409 CONFLICT
    areq POST "/v1/users/${U_ID[a]}/friend" "${U_AT[b]}"
    expect_error 409 CONFLICT
    areq POST "/v1/users/${U_ID[a]}/friend" "${U_AT[a]}"
    expect_error 400 VALIDATION_ERROR
    expect_match .error.message '^id: '
    areq POST "/v1/users/$(uuid)/friend" "${U_AT[a]}"
    expect_error 404 NOT_FOUND
    areq POST "/v1/users/not-a-uuid/friend" "${U_AT[a]}"
    expect_error 404 NOT_FOUND
    areq POST "/v1/users/${U_ID[c]}/friend" ""
    expect_error 401 UNAUTHORIZED
    areq GET "/v1/users/${U_ID[c]}/friend" "${U_AT[a]}"
    expect_error 405 METHOD_NOT_ALLOWED
    # a deleted account is unknown
    mkuser gone
    areq DELETE /v1/users/me "${U_AT[gone]}" "$(jq -nc --arg p "${U_PASS[gone]}" '{password:$p}')"
    check "setup: delete gone" "HTTP 200 (got $R_STATUS)" test "$R_STATUS" = 200
    areq POST "/v1/users/${U_ID[gone]}/friend" "${U_AT[a]}"
    expect_error 404 NOT_FOUND
    # a JSON body is accepted (and ignored); a malformed one is a 400
    areq POST "/v1/users/${U_ID[c]}/friend" "${U_AT[a]}" '{}'
    expect_status 201
    areq POST "/v1/users/${U_ID[b]}/friend" "${U_AT[c]}" '{"x":'
    expect_error 400 VALIDATION_ERROR

    t "GET /v1/users/me/friend-requests"
    areq GET /v1/users/me/friend-requests "${U_AT[b]}"
    expect_status 200
    expect_ok_envelope
    expect_json '.data.requests | length' 1
    expect_json '.data.requests[0].user.user_id' "\"${U_ID[a]}\""
    expect_jq '.data.requests[0].user as $u | '"$PUBLIC_KEYS"' | all(. as $k | $u | has($k))' "public profile"
    expect_jq '.data.requests[0].user | has("email") | not' "no e-mail in the profile"
    expect_match '.data.requests[0].created_at' "$RE_TIME"
    expect_json .data.has_more false
    expect_json .data.next_cursor '""'
    areq GET '/v1/users/me/friend-requests?direction=incoming' "${U_AT[b]}"
    expect_json '[.data.requests[].user.user_id]' "[\"${U_ID[a]}\"]"
    areq GET '/v1/users/me/friend-requests?direction=outgoing' "${U_AT[a]}"
    expect_status 200
    expect_json '[.data.requests[].user.user_id] | sort' "$(jq -nc --arg b "${U_ID[b]}" --arg c "${U_ID[c]}" '[$b, $c] | sort')"
    areq GET '/v1/users/me/friend-requests' "${U_AT[a]}"
    expect_json '.data.requests' '[]'
    areq GET '/v1/users/me/friend-requests?direction=outgoing' "${U_AT[b]}"
    expect_json '.data.requests' '[]'
    areq GET '/v1/users/me/friend-requests?direction=sideways' "${U_AT[b]}"
    expect_error 400 VALIDATION_ERROR
    expect_match .error.message '^direction: '
    areq GET '/v1/users/me/friend-requests?direction=' "${U_AT[b]}"
    expect_error 400 VALIDATION_ERROR
    areq GET '/v1/users/me/friend-requests?limit=0' "${U_AT[b]}"
    expect_error 400 VALIDATION_ERROR
    expect_match .error.message '^limit: '
    areq GET /v1/users/me/friend-requests ""
    expect_error 401 UNAUTHORIZED

    t "POST /v1/users/me/friends/:id/accept"
    # only the addressee accepts: the requester, a stranger, a wrong direction are 404
    areq POST "/v1/users/me/friends/${U_ID[b]}/accept" "${U_AT[a]}"
    expect_error 404 NOT_FOUND
    mkuser d
    areq POST "/v1/users/me/friends/${U_ID[a]}/accept" "${U_AT[d]}"
    expect_error 404 NOT_FOUND
    areq POST "/v1/users/me/friends/$(uuid)/accept" "${U_AT[b]}"
    expect_error 404 NOT_FOUND
    areq POST "/v1/users/me/friends/nope/accept" "${U_AT[b]}"
    expect_error 404 NOT_FOUND
    ev_sub acc a b c
    areq POST "/v1/users/me/friends/${U_ID[a]}/accept" "${U_AT[b]}"
    expect_status 200
    expect_ok_envelope
    expect_json .data.user.user_id "\"${U_ID[a]}\""
    expect_jq '.data.user as $u | '"$PUBLIC_KEYS"' | all(. as $k | $u | has($k))' "public profile"
    expect_match .data.since "$RE_TIME"
    local since; jr_into since .data.since
    check "$T: accepted in PostgreSQL" "status accepted with accepted_at" \
        test "$(sql "SELECT status || ' ' || (accepted_at IS NOT NULL) FROM friendships WHERE requester_id = :'a' AND addressee_id = :'b'" \
            -v a="${U_ID[a]}" -v b="${U_ID[b]}")" = "accepted true"
    ev_wait acc 2
    sleep 0.3
    check "$T: contact.accepted to the requester" "one event to a" test "$(ev_count acc a contact.accepted)" = 1
    check "$T: contact.accepted to the addressee" "one event to b" test "$(ev_count acc b contact.accepted)" = 1
    check "$T: nothing to others" "no event to c" test "$(ev_lines acc | grep -c "^user:${U_ID[c]}")" = 0
    check "$T: nothing else" "two events in all" test "$(ev_lines acc | wc -l)" = 2
    check "$T: the requester learns who accepted" "data.user = b, since" \
        test "$(ev_data acc a contact.accepted | jq -r '"\(.user.user_id) \(.since)"')" = "${U_ID[b]} $since"
    check "$T: the addressee's event names the requester" "data.user = a" \
        test "$(ev_data acc b contact.accepted | jq -r .user.user_id)" = "${U_ID[a]}"
    ev_stop acc
    # the refused accepts told nobody; c and d only hold what was theirs (a's request to c)
    expect_stream a contact.accepted
    expect_stream b contact.request contact.accepted
    expect_stream c contact.request
    expect_stream d
    areq POST "/v1/users/me/friends/${U_ID[a]}/accept" "${U_AT[b]}"
    expect_error 404 NOT_FOUND
    # friends already: a new request either way is 409
    areq POST "/v1/users/${U_ID[b]}/friend" "${U_AT[a]}"
    expect_error 409 CONFLICT
    areq POST "/v1/users/${U_ID[a]}/friend" "${U_AT[b]}"
    expect_error 409 CONFLICT
    areq GET /v1/users/me/friend-requests "${U_AT[b]}"
    expect_json '.data.requests' '[]'

    t "GET /v1/users/me/friends"
    areq GET /v1/users/me/friends "${U_AT[a]}"
    expect_status 200
    expect_ok_envelope
    expect_json '[.data.friends[].user_id]' "[\"${U_ID[b]}\"]"
    expect_jq '.data.friends[0] as $u | '"$PUBLIC_KEYS"' | all(. as $k | $u | has($k))' "public profile"
    expect_json '.data.friends[0].since' "\"$since\""
    expect_json '.data.friends[0] | has("email")' false
    expect_json .data.has_more false
    expect_json .data.next_cursor '""'
    areq GET /v1/users/me/friends "${U_AT[b]}"
    expect_json '[.data.friends[].user_id]' "[\"${U_ID[a]}\"]"
    # a pending request is not a friendship
    areq GET /v1/users/me/friends "${U_AT[c]}"
    expect_json '.data.friends' '[]'
    req HEAD /v1/users/me/friends -H "Authorization: Bearer ${U_AT[a]}"
    expect_status 200
    areq POST /v1/users/me/friends "${U_AT[a]}"
    expect_error 405 METHOD_NOT_ALLOWED
    areq GET /v1/users/me/friends ""
    expect_error 401 UNAUTHORIZED

    t "DELETE /v1/users/me/friends/:id"
    # c has a pending request from a: not a friendship
    areq DELETE "/v1/users/me/friends/${U_ID[a]}" "${U_AT[c]}"
    expect_error 404 NOT_FOUND
    areq DELETE "/v1/users/me/friends/$(uuid)" "${U_AT[a]}"
    expect_error 404 NOT_FOUND
    areq DELETE "/v1/users/me/friends/${U_ID[a]}" "${U_AT[b]}"
    expect_status 200
    expect_ok_envelope
    expect_json .data "{\"user_id\":\"${U_ID[a]}\",\"friends\":false}"
    check "$T: the row is gone" "no friendship a-b" test "$(pair_rows a b)" = 0
    areq DELETE "/v1/users/me/friends/${U_ID[b]}" "${U_AT[a]}"
    expect_error 404 NOT_FOUND
    areq GET /v1/users/me/friends "${U_AT[a]}"
    expect_json '.data.friends' '[]'
    expect_stream a contact.accepted
    expect_stream b contact.request contact.accepted
    # either may ask again
    ev_sub unf a b
    areq POST "/v1/users/${U_ID[a]}/friend" "${U_AT[b]}"
    expect_status 201
    ev_wait unf 1
    check "$T: the new request reaches a" "one contact.request to a" \
        test "$(ev_count unf a contact.request)" = 1
    ev_stop unf

    t "DELETE /v1/users/me/friends/:id/reject"
    # c refuses a's request
    areq DELETE "/v1/users/me/friends/${U_ID[a]}/reject" "${U_AT[c]}"
    expect_status 200
    expect_ok_envelope
    expect_json .data "{\"user_id\":\"${U_ID[a]}\",\"status\":\"rejected\"}"
    check "$T: the row is gone" "no friendship a-c" test "$(pair_rows a c)" = 0
    areq DELETE "/v1/users/me/friends/${U_ID[a]}/reject" "${U_AT[c]}"
    expect_error 404 NOT_FOUND
    areq DELETE "/v1/users/me/friends/${U_ID[c]}/reject" "${U_AT[a]}"
    expect_error 404 NOT_FOUND
    # b withdraws its own request to a
    areq DELETE "/v1/users/me/friends/${U_ID[a]}/reject" "${U_AT[b]}"
    expect_status 200
    expect_json .data.status '"withdrawn"'
    check "$T: withdrawn row gone" "no friendship a-b" test "$(pair_rows a b)" = 0
    areq GET '/v1/users/me/friend-requests?direction=outgoing' "${U_AT[b]}"
    expect_json '.data.requests' '[]'
    # refusing and withdrawing told nobody
    expect_stream a contact.accepted contact.request
    expect_stream b contact.request contact.accepted
    expect_stream c contact.request
    # an accepted friendship is not refused here
    befriend a c
    areq DELETE "/v1/users/me/friends/${U_ID[c]}/reject" "${U_AT[a]}"
    expect_error 404 NOT_FOUND
    check "$T: the friendship stands" "accepted a-c" test "$(pair_rows a c)" = 1
    areq DELETE "/v1/users/me/friends/$(uuid)/reject" "${U_AT[a]}"
    expect_error 404 NOT_FOUND
    areq POST "/v1/users/me/friends/${U_ID[c]}/reject" "${U_AT[a]}"
    expect_error 405 METHOD_NOT_ALLOWED
}

# Pages: keyset on (time DESC, user_id), ties included, no gaps, no duplicates.
test_pages() {
    t "friends: pages"
    local k all got p cur page
    mkuser hub
    for k in f1 f2 f3 f4 f5; do mkuser "$k"; befriend "$k" hub; done
    # three friendships at the same instant: the user id breaks the tie across pages
    sql "UPDATE friendships SET accepted_at = '2030-01-02 03:04:05.123456+00'
         WHERE addressee_id = :'h' AND requester_id IN (:'x', :'y', :'z')" \
        -v h="${U_ID[hub]}" -v x="${U_ID[f2]}" -v y="${U_ID[f3]}" -v z="${U_ID[f4]}" >/dev/null
    all=$(sql "SELECT requester_id FROM friendships WHERE addressee_id = :'h'
               ORDER BY accepted_at DESC, requester_id" -v h="${U_ID[hub]}" | tr '\n' ' ')
    got="" cur="" page=0
    while :; do
        page=$((page + 1))
        areq GET "/v1/users/me/friends?limit=2${cur:+&cursor=$cur}" "${U_AT[hub]}"
        [[ $R_STATUS == 200 ]] || break
        got+=$(jq -r '.data.friends[].user_id' <"$R_BODY" | tr '\n' ' ')
        p=$(jq -r '"\(.data.has_more) \(.data.next_cursor)"' <"$R_BODY")
        cur=${p#* }
        [[ ${p%% *} == true && $page -lt 10 ]] || break
    done
    check "$T: three pages" "3 pages (got $page, last HTTP $R_STATUS)" test "$page" = 3
    check "$T: every friend once, in order" "$all" test "$got" = "$all"
    expect_json .data.next_cursor '""'
    expect_json .data.has_more false
    areq GET "/v1/users/me/friends?limit=5" "${U_AT[hub]}"
    expect_json '.data.friends | length' 5
    expect_json .data.has_more false
    areq GET "/v1/users/me/friends?limit=1000" "${U_AT[hub]}"
    expect_status 200
    expect_json '.data.friends | length' 5
    for p in 0 -1 abc 1.5 ''; do
        areq GET "/v1/users/me/friends?limit=$p" "${U_AT[hub]}"
        expect_error 400 VALIDATION_ERROR
        expect_match .error.message '^limit: '
    done
    for p in garbage "$(printf 'contacts.blocked\n1\n%s' "$(uuid)" | b64url)" \
        "$(printf 'contacts.friends\nx\n%s' "$(uuid)" | b64url)" \
        "$(printf 'contacts.friends\n1\nnot-a-uuid' | b64url)"; do
        areq GET "/v1/users/me/friends?cursor=$p" "${U_AT[hub]}"
        expect_error 400 VALIDATION_ERROR
        expect_match .error.message '^cursor: '
    done
    # a deleted friend drops out of the list
    areq DELETE /v1/users/me "${U_AT[f5]}" "$(jq -nc --arg p "${U_PASS[f5]}" '{password:$p}')"
    check "setup: delete f5" "HTTP 200 (got $R_STATUS)" test "$R_STATUS" = 200
    areq GET "/v1/users/me/friends?limit=100" "${U_AT[hub]}"
    expect_json '.data.friends | length' 4
    expect_unlisted .data.friends f5

    t "friend-requests: pages"
    mkuser r1; mkuser r2; mkuser r3
    for k in r1 r2 r3; do
        areq POST "/v1/users/${U_ID[hub]}/friend" "${U_AT[$k]}"
        check "setup: $k asks hub" "HTTP 201" test "$R_STATUS" = 201
    done
    areq GET "/v1/users/me/friend-requests?limit=2" "${U_AT[hub]}"
    expect_json '.data.requests | length' 2
    expect_json .data.has_more true
    got=$(jq -r '.data.requests[].user.user_id' <"$R_BODY" | tr '\n' ' ')
    jr_into cur .data.next_cursor
    # an incoming cursor is not an outgoing one
    areq GET "/v1/users/me/friend-requests?direction=outgoing&cursor=$cur" "${U_AT[hub]}"
    expect_error 400 VALIDATION_ERROR
    areq GET "/v1/users/me/friend-requests?limit=2&cursor=$cur" "${U_AT[hub]}"
    expect_json '.data.requests | length' 1
    expect_json .data.has_more false
    got+=$(jq -r '.data.requests[].user.user_id' <"$R_BODY" | tr '\n' ' ')
    check "$T: newest first, each once" "r3 r2 r1" test "$got" = "${U_ID[r3]} ${U_ID[r2]} ${U_ID[r1]} "

    t "blocked: pages"
    for k in r1 r2 r3 f1; do
        areq POST "/v1/users/${U_ID[$k]}/block" "${U_AT[hub]}"
        check "setup: hub blocks $k" "HTTP 201" test "$R_STATUS" = 201
    done
    areq GET "/v1/users/me/blocked?limit=3" "${U_AT[hub]}"
    expect_json '.data.blocked_users | length' 3
    expect_json .data.has_more true
    got=$(jq -r '.data.blocked_users[].user_id' <"$R_BODY" | tr '\n' ' ')
    jr_into cur .data.next_cursor
    areq GET "/v1/users/me/blocked?limit=3&cursor=$cur" "${U_AT[hub]}"
    expect_json '.data.blocked_users | length' 1
    expect_json .data.has_more false
    got+=$(jq -r '.data.blocked_users[].user_id' <"$R_BODY" | tr '\n' ' ')
    check "$T: newest first, each once" "f1 r3 r2 r1" \
        test "$got" = "${U_ID[f1]} ${U_ID[r3]} ${U_ID[r2]} ${U_ID[r1]} "
    areq GET "/v1/users/me/blocked?cursor=garbage" "${U_AT[hub]}"
    expect_error 400 VALIDATION_ERROR
    # blocks end the pending requests and the friendship
    areq GET /v1/users/me/friend-requests "${U_AT[hub]}"
    expect_json '.data.requests' '[]'
    areq GET "/v1/users/me/friends?limit=100" "${U_AT[hub]}"
    expect_json '.data.friends | length' 3
    expect_unlisted .data.friends f1
}

test_block() {
    t "POST /v1/users/:id/block"
    mkuser x; mkuser y; mkuser z; mkuser w; mkuser v
    # before: x and y see each other, are friends, and could talk
    search_finds x y yes
    search_finds y x yes
    befriend x y
    areq POST "/v1/users/${U_ID[x]}/friend" "${U_AT[w]}"     # w -> x pending
    check "setup: w asks x" "HTTP 201" test "$R_STATUS" = 201
    areq POST "/v1/users/${U_ID[v]}/friend" "${U_AT[x]}"     # x -> v pending
    check "setup: x asks v" "HTTP 201" test "$R_STATUS" = 201

    ev_sub blk x y
    areq POST "/v1/users/${U_ID[y]}/block" "${U_AT[x]}" '{"reason":"Unwanted messages"}'
    expect_status 201
    sleep 0.3   # a wrong event would show by now
    check "$T: a block is silent" "no event to x or y" test "$(ev_lines blk | wc -l)" = 0
    ev_stop blk
    expect_ok_envelope
    expect_json .data.user_id "\"${U_ID[y]}\""
    expect_json .data.blocked true
    expect_match .data.created_at "$RE_TIME"
    check "$T: the accepted friendship ended" "no friendship x-y" test "$(pair_rows x y)" = 0
    check "$T: the reason is stored" "Unwanted messages" \
        test "$(sql "SELECT reason FROM blocked_users WHERE blocker_id = :'x' AND blocked_id = :'y'" \
            -v x="${U_ID[x]}" -v y="${U_ID[y]}")" = "Unwanted messages"
    areq POST "/v1/users/${U_ID[y]}/block" "${U_AT[x]}"
    expect_error 409 CONFLICT

    t "POST /v1/users/:id/block: errors"
    areq POST "/v1/users/${U_ID[x]}/block" "${U_AT[x]}"
    expect_error 400 VALIDATION_ERROR
    expect_match .error.message '^id: '
    areq POST "/v1/users/$(uuid)/block" "${U_AT[x]}"
    expect_error 404 NOT_FOUND
    areq POST "/v1/users/not-a-uuid/block" "${U_AT[x]}"
    expect_error 404 NOT_FOUND
    areq POST "/v1/users/${U_ID[gone]:-$(uuid)}/block" "${U_AT[x]}"
    expect_error 404 NOT_FOUND
    areq POST "/v1/users/${U_ID[z]}/block" "${U_AT[x]}" '{"reason":123}'
    expect_error 400 VALIDATION_ERROR
    expect_match .error.message '^reason: '
    areq POST "/v1/users/${U_ID[z]}/block" "${U_AT[x]}" "$(jq -nc --arg r "$(rep é 501)" '{reason:$r}')"
    expect_error 400 VALIDATION_ERROR
    expect_match .error.message '^reason: '
    areq POST "/v1/users/${U_ID[z]}/block" "${U_AT[x]}" '["reason"]'
    expect_error 400 VALIDATION_ERROR
    req POST "/v1/users/${U_ID[z]}/block" -H "Authorization: Bearer ${U_AT[x]}" \
        -H 'Content-Type: text/plain' --data-binary 'spam'
    expect_error 415 UNSUPPORTED_MEDIA_TYPE
    areq POST "/v1/users/${U_ID[z]}/block" ""
    expect_error 401 UNAUTHORIZED
    areq GET "/v1/users/${U_ID[z]}/block" "${U_AT[x]}"
    expect_error 405 METHOD_NOT_ALLOWED
    check "$T: nothing stored by the refusals" "no block x -> z" \
        test "$(sql "SELECT count(*) FROM blocked_users WHERE blocker_id = :'x' AND blocked_id = :'z'" \
            -v x="${U_ID[x]}" -v z="${U_ID[z]}")" = 0
    # 500 characters (multi-byte) is the longest reason; null is no reason
    areq POST "/v1/users/${U_ID[z]}/block" "${U_AT[x]}" "$(jq -nc --arg r "$(rep é 500)" '{reason:$r}')"
    expect_status 201

    t "a block ends pending requests both ways"
    areq POST "/v1/users/${U_ID[x]}/block" "${U_AT[w]}" '{"reason":null}'    # the addressee's side
    expect_status 201
    check "$T: w -> x request gone" "no friendship w-x" test "$(pair_rows w x)" = 0
    areq POST "/v1/users/${U_ID[x]}/block" "${U_AT[v]}"                       # the requester's side
    expect_status 201
    check "$T: x -> v request gone" "no friendship x-v" test "$(pair_rows x v)" = 0

    t "GET /v1/users/me/blocked"
    areq GET /v1/users/me/blocked "${U_AT[x]}"
    expect_status 200
    expect_ok_envelope
    expect_json '[.data.blocked_users[].user_id]' "[\"${U_ID[z]}\",\"${U_ID[y]}\"]"
    expect_jq '.data.blocked_users[1] as $u | '"$PUBLIC_KEYS"' | all(. as $k | $u | has($k))' "public profile"
    expect_json '.data.blocked_users[1].reason' '"Unwanted messages"'
    expect_match '.data.blocked_users[1].blocked_at' "$RE_TIME"
    expect_json '.data.blocked_users[0].reason | length' 500
    expect_json .data.has_more false
    expect_json .data.next_cursor '""'
    # the blocked side does not see the block as its own
    areq GET /v1/users/me/blocked "${U_AT[y]}"
    expect_json '.data.blocked_users' '[]'
    areq GET /v1/users/me/blocked "${U_AT[w]}"
    expect_json '.data.blocked_users[0].reason' null
    areq GET /v1/users/me/blocked ""
    expect_error 401 UNAUTHORIZED

    t "a block stops: search, both ways"
    search_finds x y no
    search_finds y x no
    search_finds x w no
    t "a block stops: profile lookup, both ways"
    areq GET "/v1/users/${U_ID[y]}" "${U_AT[x]}"
    expect_error 404 NOT_FOUND
    areq GET "/v1/users/${U_ID[x]}" "${U_AT[y]}"
    expect_error 404 NOT_FOUND
    t "a block stops: friend requests, both ways"
    areq POST "/v1/users/${U_ID[y]}/friend" "${U_AT[x]}"
    expect_error 403 FORBIDDEN
    areq POST "/v1/users/${U_ID[x]}/friend" "${U_AT[y]}"
    expect_error 403 FORBIDDEN
    check "$T: no row made" "no friendship x-y" test "$(pair_rows x y)" = 0
    t "a block stops: direct conversations, both ways"
    areq POST /v1/conversations "${U_AT[x]}" "$(jq -nc --arg o "${U_ID[y]}" '{type:"direct", participant_ids:[$o]}')"
    expect_error 403 FORBIDDEN
    areq POST /v1/conversations "${U_AT[y]}" "$(jq -nc --arg o "${U_ID[x]}" '{type:"direct", participant_ids:[$o]}')"
    expect_error 403 FORBIDDEN
    t "a block stops: the lists"
    areq GET /v1/users/me/friends "${U_AT[y]}"
    expect_unlisted .data.friends x
    # blocks told nobody (x and y: the befriending, x: w's request, v: x's request)
    expect_stream x contact.accepted contact.request
    expect_stream y contact.request contact.accepted
    expect_stream v contact.request
    expect_stream w

    t "DELETE /v1/users/:id/block"
    # only the blocker lifts its block
    areq DELETE "/v1/users/${U_ID[x]}/block" "${U_AT[y]}"
    expect_error 404 NOT_FOUND
    areq DELETE "/v1/users/$(uuid)/block" "${U_AT[x]}"
    expect_error 404 NOT_FOUND
    areq DELETE "/v1/users/${U_ID[y]}/block" "${U_AT[x]}"
    expect_status 200
    expect_ok_envelope
    expect_json .data "{\"user_id\":\"${U_ID[y]}\",\"blocked\":false}"
    areq DELETE "/v1/users/${U_ID[y]}/block" "${U_AT[x]}"
    expect_error 404 NOT_FOUND
    areq GET /v1/users/me/blocked "${U_AT[x]}"
    expect_unlisted .data.blocked_users y

    t "after unblock: visible again, both ways"
    search_finds x y yes
    search_finds y x yes
    areq GET "/v1/users/${U_ID[y]}" "${U_AT[x]}"
    expect_status 200
    areq GET "/v1/users/${U_ID[x]}" "${U_AT[y]}"
    expect_status 200
    areq POST /v1/conversations "${U_AT[y]}" "$(jq -nc --arg o "${U_ID[x]}" '{type:"direct", participant_ids:[$o]}')"
    expect_status 201
    areq POST "/v1/users/${U_ID[x]}/friend" "${U_AT[y]}"
    expect_status 201

    t "a block either way: the other side's block still stands"
    # y blocks x (ending y's new request), then x blocks y too and lifts its own: y's holds
    areq POST "/v1/users/${U_ID[x]}/block" "${U_AT[y]}"
    expect_status 201
    check "$T: y's request ended" "no friendship x-y" test "$(pair_rows x y)" = 0
    areq POST "/v1/users/${U_ID[y]}/block" "${U_AT[x]}"
    expect_status 201
    areq DELETE "/v1/users/${U_ID[y]}/block" "${U_AT[x]}"
    expect_status 200
    search_finds x y no
    areq GET "/v1/users/${U_ID[y]}" "${U_AT[x]}"
    expect_error 404 NOT_FOUND
    areq POST "/v1/users/${U_ID[y]}/friend" "${U_AT[x]}"
    expect_error 403 FORBIDDEN
}

test_request
test_pages
test_block
for n in "${!EV_PID[@]}"; do ev_stop "$n"; done
printf '%s-%s: %d passed, %d failed\n' "$SC_SERVER" "$SUITE" "$SC_PASS" "$SC_FAIL"
[[ $SC_FAIL -eq 0 ]]
