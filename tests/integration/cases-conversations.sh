#!/usr/bin/env bash
# Black-box cases for conversations (api.md "Conversations and messages": the /v1/conversations
# rows; the audit's Errors 3, 4 and 10). Run by tests/integration/run.sh after cases.sh, once per
# web server, against the same PostgreSQL and Redis; every user made here carries a run tag.
#
# Environment: SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP (see cases.sh); SC_VERBOSE=1.
# Last line: "<server>-conversations: N passed, M failed"; exit 0 only when M is 0.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=conversations

# shellcheck source=suite.sh
. "$HERE/suite.sh"

CONV_KEYS='["conversation_id","type","title","avatar_url","created_by","is_e2ee_enabled","created_at","updated_at"]'

test_create() {
    t "POST /v1/conversations"
    mkuser a; mkuser b; mkuser c
    ev_sub create a b c

    # a group: the title is stored (Error 3), the creator is an admin member
    mkconv g1 group "Team $A_RUN" a b
    expect_status 201
    expect_jq '.data as $d | '"$CONV_KEYS"' | all(. as $x | $d | has($x))'
    expect_json '.data.title' "\"Team $A_RUN\""
    expect_json '.data.type' '"group"'
    expect_json ".data.created_by" "\"${U_ID[a]}\""
    expect_json '.data.is_e2ee_enabled' true
    expect_json '.data.participant_ids | length' 2
    check "$T: title stored in PostgreSQL" "the title in conversations" \
        test "$(sql "SELECT title FROM conversations WHERE conversation_id = '${C_ID[g1]}'")" = "Team $A_RUN"
    check "$T: the creator is an admin" "role admin" \
        test "$(sql "SELECT role FROM conversation_participants WHERE conversation_id = '${C_ID[g1]}' AND user_id = '${U_ID[a]}'")" = admin
    check "$T: members cache written" "conv:{id}:members = {a, b}" \
        test "$(rcli SMEMBERS "conv:${C_ID[g1]}:members" | sort | tr '\n' ' ')" = "$(printf '%s\n' "${U_ID[a]}" "${U_ID[b]}" | sort | tr '\n' ' ')"
    ev_wait create 2
    check "$T: conversation.created to a" "one event" test "$(ev_count create a conversation.created)" = 1
    check "$T: conversation.created to b" "one event" test "$(ev_count create b conversation.created)" = 1
    check "$T: nothing to c" "no event" test "$(ev_count create c conversation.created)" = 0
    ev_stop create

    # direct: exactly one other user (Error 10); the same pair again answers 200 with the same id
    mkconv d1 direct "" a b
    expect_status 201
    local first=${C_ID[d1]}
    mkconv d1 direct "" b a
    expect_status 200
    check "$T: the existing direct conversation is returned" "same id" test "${C_ID[d1]}" = "$first"
    areq POST /v1/conversations "${U_AT[a]}" "$(jq -nc --arg b "${U_ID[b]}" --arg c "${U_ID[c]}" '{type:"direct", participant_ids:[$b,$c]}')"
    expect_error 400 VALIDATION_ERROR
    expect_match '.error.message' 'participant_ids'
    areq POST /v1/conversations "${U_AT[a]}" "$(jq -nc --arg a "${U_ID[a]}" '{type:"direct", participant_ids:[$a]}')"
    expect_error 400 VALIDATION_ERROR
    # unknown users are named in a 404 (Error 10)
    local ghost=$(uuid)
    areq POST /v1/conversations "${U_AT[a]}" "$(jq -nc --arg g "$ghost" --arg b "${U_ID[b]}" '{type:"group", title:"x", participant_ids:[$b,$g]}')"
    expect_error 404 NOT_FOUND
    expect_match '.error.message' "$ghost"
    # a group needs a title
    areq POST /v1/conversations "${U_AT[a]}" "$(jq -nc --arg b "${U_ID[b]}" '{type:"group", participant_ids:[$b]}')"
    expect_error 400 VALIDATION_ERROR
    expect_match '.error.message' 'title'
    areq POST /v1/conversations "${U_AT[a]}" "$(jq -nc --arg b "${U_ID[b]}" '{type:"group", title:"   ", participant_ids:[$b]}')"
    expect_error 400 VALIDATION_ERROR
    areq POST /v1/conversations "${U_AT[a]}" "$(jq -nc --arg b "${U_ID[b]}" '{type:"channel", title:"x", participant_ids:[$b]}')"
    expect_error 400 VALIDATION_ERROR
    expect_match '.error.message' 'type'
    areq POST /v1/conversations "${U_AT[a]}" '{"type":"group","title":"x","participant_ids":["nope"]}'
    expect_error 400 VALIDATION_ERROR
    expect_match '.error.message' 'participant_ids'
    areq POST /v1/conversations "${U_AT[a]}" '{"type":"group","title":"x","participant_ids":"nope"}'
    expect_error 400 VALIDATION_ERROR
}


# ---------------------------------------------------------------- helpers of this suite
#
#   sqlmsg CONV-ID SENDER-KEY TEXT   insert a message with SQL (a UUIDv7 made in SQL, sent_at now)
#                                    and move conversations.last_message_at as the send endpoint
#                                    does; M_LAST the message id
#   ev_flush NAME KEY N              publish a marker on KEY's channel and wait until NAME saw N
#                                    events plus it: every event published before is in by then
#   ev_total NAME KEY                events of any type on KEY's channel (the marker not counted)
#   ev_data NAME KEY TYPE            the data of KEY's last TYPE event (compact JSON)
#   list_ids KEY [QUERY]             GET /v1/conversations as KEY; L_IDS the ids in order
#   members CONV-ID                  the sorted SMEMBERS of conv:{id}:members, one line
#   ids_of KEY...                    the sorted user ids of those users, one line
#   mark KEY                         KEY's last_read_message_id in a participants answer

SQL_V7="(lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3) || '8' || substr(md5(random()::text), 1, 15))::uuid"

sqlmsg() {
    M_LAST=$(sql "WITH m AS (INSERT INTO messages (message_id, conversation_id, sender_id, content, sent_at)
                    VALUES ($SQL_V7, :'c', :'s', :'t', clock_timestamp()) RETURNING message_id, sent_at),
                  u AS (UPDATE conversations SET last_message_at = (SELECT sent_at FROM m)
                        WHERE conversation_id = :'c')
                  SELECT message_id FROM m" -v c="$1" -v s="${U_ID[$2]}" -v t="$3")
}

ev_flush() {
    local name=$1 key=$2 n=$3
    rcli PUBLISH "user:${U_ID[$key]}" '{"type":"test.marker"}' >/dev/null
    ev_wait "$name" $((n + 1)) || fail "setup: events on $name" "$((n + 1)) events (marker included)"
}

ev_total() {
    ev_lines "$1" | awk -F'\t' -v c="user:${U_ID[$2]}" '$1 == c { print $2 }' |
        jq -c 'select(.type != "test.marker")' 2>/dev/null | wc -l
}

ev_data() {
    ev_lines "$1" | awk -F'\t' -v c="user:${U_ID[$2]}" '$1 == c { print $2 }' |
        jq -c --arg t "$3" 'select(.type == $t) | .data' 2>/dev/null | tail -n1
}

list_ids() {
    areq GET "/v1/conversations${2:-}" "${U_AT[$1]}"
    L_IDS=$(jq -r '[.data.conversations[]?.conversation_id] | join(" ")' <"$R_BODY" 2>/dev/null)
}

members() { rcli SMEMBERS "conv:$1:members" | sort | tr '\n' ' '; }
ids_of() { local k; for k; do printf '%s\n' "${U_ID[$k]}"; done | sort | tr '\n' ' '; }
mark() { jbody '.data.participants[] | select(.user_id == "'"${U_ID[$1]}"'") | .last_read_message_id'; }

# The contract's participant object.
PART_KEYS='["user_id","username","display_name","avatar_url","role","joined_at","last_read_message_id"]'

# deny KEY CONV-ID MEMBER-KEY: every /v1/conversations/:id route answers 403 to the non-member
# KEY, 404 for an id that does not exist and 404 for an id that is not a UUID.
deny() {
    local who=$1 cid=$2 mem=${U_ID[$3]} ghost spec m path body id
    ghost=$(uuid)
    for spec in "GET||" "PATCH||{\"title\":\"x\"}" "DELETE||" "PUT|/settings|{\"is_e2ee_enabled\":true}" \
            "GET|/participants|" "POST|/participants|{\"user_ids\":[\"${U_ID[$who]}\"]}" \
            "DELETE|/participants/$mem|"; do
        IFS='|' read -r m path body <<<"$spec"
        for id in "$cid" "$ghost" not-a-uuid; do
            areq "$m" "/v1/conversations/$id$path" "${U_AT[$who]}" "$body"
            if [[ $id == "$cid" ]]; then
                if [[ $R_STATUS == 403 && $(jbody .error.code) == '"FORBIDDEN"' ]]; then ok "$T: $m :id$path non-member 403"
                else fail "$T: $m :id$path non-member 403" "403 FORBIDDEN"; fi
            else
                if [[ $R_STATUS == 404 && $(jbody .error.code) == '"NOT_FOUND"' ]]; then ok "$T: $m :id$path $id 404"
                else fail "$T: $m :id$path ${id:0:10} 404" "404 NOT_FOUND"; fi
            fi
        done
    done
}

test_get() {
    t "GET /v1/conversations/:id"
    mkuser ga; mkuser gb; mkuser gx
    mkconv gg group "Read $A_RUN" ga gb
    areq GET "/v1/conversations/${C_ID[gg]}" "${U_AT[gb]}"
    expect_status 200
    expect_ok_envelope
    expect_jq '.data as $d | '"$CONV_KEYS"' | all(. as $x | $d | has($x))' "all the conversation fields"
    expect_json '.data.conversation_id' "\"${C_ID[gg]}\""
    expect_json '.data.title' "\"Read $A_RUN\""
    expect_json '.data.message_retention_days' null
    areq HEAD "/v1/conversations/${C_ID[gg]}" "${U_AT[ga]}"
    expect_status 200
    t "403 vs 404 on every /v1/conversations/:id route"
    deny gx "${C_ID[gg]}" gb
    check "$T: nothing changed by the non-member" "title and members intact" \
        test "$(sql "SELECT title || ':' || (SELECT count(*) FROM conversation_participants WHERE conversation_id = c.conversation_id) FROM conversations c WHERE conversation_id = '${C_ID[gg]}'")" = "Read $A_RUN:2"
}

test_list() {
    t "GET /v1/conversations"
    mkuser la; mkuser lb; mkuser lc
    mkconv l1 group "One $A_RUN" la lb
    mkconv l2 group "Two $A_RUN" la lc
    mkconv l3 direct "" la lb
    # the audit's Error 4: limit is a number, 400 on garbage, clamped to 100
    local bad
    for bad in abc 0 -1 '' 1.5 10abc; do
        areq GET "/v1/conversations?limit=$bad" "${U_AT[la]}"
        expect_error 400 VALIDATION_ERROR
        expect_match '.error.message' 'limit'
    done
    list_ids la '?limit=500'
    expect_status 200
    expect_json '.data.conversations | length' 3
    expect_json '.data.has_more' false
    expect_json '.data.next_cursor' '""'
    check "$T: newest first (created order reversed)" "l3 l2 l1" \
        test "$L_IDS" = "${C_ID[l3]} ${C_ID[l2]} ${C_ID[l1]}"
    expect_jq '.data.conversations | all(.last_message == null and .unread_count == 0 and .role != null)' \
        "no messages: last_message null, unread 0, role"
    expect_jq '[.data.conversations[].role] == ["member","admin","admin"]' "the caller's role"
    list_ids la
    expect_json '.data.conversations | length' 3

    # a message moves its conversation to the top; last_message and unread_count
    sqlmsg "${C_ID[l1]}" lb "hello $A_RUN"; local m1=$M_LAST
    sqlmsg "${C_ID[l1]}" lb "again $A_RUN"; local m2=$M_LAST
    sqlmsg "${C_ID[l1]}" la "mine $A_RUN"; local m3=$M_LAST
    list_ids la '?limit=100'
    check "$T: most recently active first" "l1 l3 l2" \
        test "$L_IDS" = "${C_ID[l1]} ${C_ID[l3]} ${C_ID[l2]}"
    expect_json '.data.conversations[0].last_message.message_id' "\"$m3\""
    expect_json '.data.conversations[0].last_message.content' "\"mine $A_RUN\""
    expect_json '.data.conversations[0].last_message.deleted' false
    expect_json '.data.conversations[0].unread_count' 2
    expect_jq '.data.conversations[0] as $d | '"$CONV_KEYS"' | all(. as $x | $d | has($x))' "items are conversations"
    list_ids lb
    expect_json '.data.conversations[0].unread_count' 1
    # the read marker counts from there; deleted messages do not count; a tombstone is the last
    sql "UPDATE conversation_participants SET last_read_message_id = '$m1' WHERE conversation_id = '${C_ID[l1]}' AND user_id = '${U_ID[la]}'"
    list_ids la
    expect_json '.data.conversations[0].unread_count' 1
    sql "UPDATE messages SET deleted_at = now(), content = '' WHERE message_id IN ('$m2', '$m3')"
    list_ids la
    expect_json '.data.conversations[0].unread_count' 0
    expect_json '.data.conversations[0].last_message.deleted' true
    expect_jq '.data.conversations[0].last_message | has("content") | not' "a tombstone has no content"

    # pagination with limit=1 walks all three without gaps or duplicates
    local seen=() cur="" page=0 more=true
    while [[ $more == true && $page -lt 10 ]]; do
        list_ids la "?limit=1${cur:+&cursor=$cur}"
        [[ $R_STATUS == 200 ]] || break
        seen+=("$L_IDS")
        jr_into more .data.has_more
        jr_into cur .data.next_cursor
        page=$((page + 1))
    done
    check "$T: limit=1 pages: 3" "3 pages (got $page)" test "$page" = 3
    check "$T: limit=1 pages in order, no gap, no duplicate" "l1 l3 l2" \
        test "${seen[*]}" = "${C_ID[l1]} ${C_ID[l3]} ${C_ID[l2]}"
    check "$T: the last page ends the list" "next_cursor empty" test -z "$cur"
    areq GET "/v1/conversations?cursor=zzz" "${U_AT[la]}"
    expect_error 400 VALIDATION_ERROR
    expect_match '.error.message' 'cursor'
    # a cursor of another list is refused
    areq GET "/v1/users/search?q=${A_RUN}_l&limit=1" "${U_AT[la]}"
    local other; jr_into other .data.next_cursor
    if [[ -n $other ]]; then
        areq GET "/v1/conversations?cursor=$other" "${U_AT[la]}"
        expect_error 400 VALIDATION_ERROR
    fi

    # unread_count stops at 1000
    sql "INSERT INTO messages (message_id, conversation_id, sender_id, content, sent_at)
         SELECT $SQL_V7, '${C_ID[l2]}', '${U_ID[lc]}', 'bulk ' || g, clock_timestamp()
         FROM generate_series(1, 1005) g;
         UPDATE conversations SET last_message_at = now() WHERE conversation_id = '${C_ID[l2]}'" >/dev/null
    list_ids la
    expect_json '[.data.conversations[] | select(.conversation_id == "'"${C_ID[l2]}"'") | .unread_count]' '[1000]'

    # a user with no conversation gets an empty list
    mkuser ln
    list_ids ln
    expect_status 200
    expect_json '.data' '{"conversations":[],"next_cursor":"","has_more":false}'
}

test_hide() {
    t "DELETE /v1/conversations/:id (direct: hide)"
    mkuser ha; mkuser hb
    mkconv hd direct "" ha hb
    ev_sub hide ha hb
    areq DELETE "/v1/conversations/${C_ID[hd]}" "${U_AT[ha]}"
    expect_status 200
    expect_json '.data' "{\"conversation_id\":\"${C_ID[hd]}\",\"deleted\":false,\"hidden\":true}"
    list_ids ha
    check "$T: hidden from the caller's list" "not listed" test -z "$L_IDS"
    list_ids hb
    check "$T: still in the other's list" "listed" test "$L_IDS" = "${C_ID[hd]}"
    areq GET "/v1/conversations/${C_ID[hd]}" "${U_AT[ha]}"
    expect_status 200
    check "$T: the conversation stays" "row present" \
        test "$(sql "SELECT count(*) FROM conversations WHERE conversation_id = '${C_ID[hd]}'")" = 1
    ev_flush hide hb 0
    check "$T: no event to anybody" "no events" test "$(( $(ev_total hide ha) + $(ev_total hide hb) ))" = 0
    ev_stop hide
    # a new message brings it back
    sleep 0.01
    sqlmsg "${C_ID[hd]}" hb "back $A_RUN"
    list_ids ha
    check "$T: back in the list after a new message" "listed" test "$L_IDS" = "${C_ID[hd]}"
    expect_json '.data.conversations[0].unread_count' 1
    # hiding again, then the caller starts the same direct conversation: shown again
    areq DELETE "/v1/conversations/${C_ID[hd]}" "${U_AT[ha]}"
    expect_status 200
    list_ids ha
    check "$T: hidden again" "not listed" test -z "$L_IDS"
    mkconv hd direct "" ha hb
    expect_status 200
    list_ids ha
    check "$T: starting it again shows it" "listed" test "$L_IDS" = "${C_ID[hd]}"
}

test_patch() {
    t "PATCH /v1/conversations/:id"
    mkuser pa; mkuser pb; mkuser px
    mkconv pg group "Before $A_RUN" pa pb
    ev_sub patch pa pb px
    areq PATCH "/v1/conversations/${C_ID[pg]}" "${U_AT[pa]}" "{\"title\":\"After $A_RUN\",\"avatar_url\":\"https://img.example/a.png\"}"
    expect_status 200
    expect_json '.data.title' "\"After $A_RUN\""
    expect_json '.data.avatar_url' '"https://img.example/a.png"'
    expect_jq '.data as $d | '"$CONV_KEYS"' | all(. as $x | $d | has($x))' "the conversation object"
    check "$T: title stored (Error 3)" "new title in PostgreSQL" \
        test "$(sql "SELECT title FROM conversations WHERE conversation_id = '${C_ID[pg]}'")" = "After $A_RUN"
    ev_flush patch pa 2
    check "$T: conversation.updated to pa" "one" test "$(ev_count patch pa conversation.updated)" = 1
    check "$T: conversation.updated to pb" "one" test "$(ev_count patch pb conversation.updated)" = 1
    check "$T: nothing to the non-member" "no event" test "$(ev_total patch px)" = 0
    check "$T: event data is the conversation" "title in data" \
        test "$(ev_data patch pb conversation.updated | jq -r .title)" = "After $A_RUN"
    ev_stop patch
    # only the avatar; null clears it; the title stays
    areq PATCH "/v1/conversations/${C_ID[pg]}" "${U_AT[pa]}" '{"avatar_url":null}'
    expect_status 200
    expect_json '.data.avatar_url' null
    expect_json '.data.title' "\"After $A_RUN\""
    # a member who is not an admin
    areq PATCH "/v1/conversations/${C_ID[pg]}" "${U_AT[pb]}" '{"title":"Nope"}'
    expect_error 403 FORBIDDEN
    # bad input
    areq PATCH "/v1/conversations/${C_ID[pg]}" "${U_AT[pa]}" '{}'
    expect_error 400 VALIDATION_ERROR
    areq PATCH "/v1/conversations/${C_ID[pg]}" "${U_AT[pa]}" '{"name":"x"}'
    expect_error 400 VALIDATION_ERROR
    areq PATCH "/v1/conversations/${C_ID[pg]}" "${U_AT[pa]}" '{"title":""}'
    expect_error 400 VALIDATION_ERROR
    expect_match '.error.message' 'title'
    areq PATCH "/v1/conversations/${C_ID[pg]}" "${U_AT[pa]}" "{\"title\":\"$(rep x 101)\"}"
    expect_error 400 VALIDATION_ERROR
    areq PATCH "/v1/conversations/${C_ID[pg]}" "${U_AT[pa]}" '{"title":null}'
    expect_error 400 VALIDATION_ERROR
    areq PATCH "/v1/conversations/${C_ID[pg]}" "${U_AT[pa]}" '{"title":42}'
    expect_error 400 VALIDATION_ERROR
    areq PATCH "/v1/conversations/${C_ID[pg]}" "${U_AT[pa]}" '{"avatar_url":"http://img.example/a.png"}'
    expect_error 400 VALIDATION_ERROR
    expect_match '.error.message' 'avatar_url'
    areq PATCH "/v1/conversations/${C_ID[pg]}" "${U_AT[pa]}" '{"avatar_url":7}'
    expect_error 400 VALIDATION_ERROR
    areq PATCH "/v1/conversations/${C_ID[pg]}" "${U_AT[pa]}" '["title"]'
    expect_error 400 VALIDATION_ERROR
    check "$T: refused changes left it alone" "title unchanged" \
        test "$(sql "SELECT title FROM conversations WHERE conversation_id = '${C_ID[pg]}'")" = "After $A_RUN"
    # direct: either participant; not through a block
    mkconv pd direct "" pa pb
    areq PATCH "/v1/conversations/${C_ID[pd]}" "${U_AT[pb]}" '{"title":"Us"}'
    expect_status 200
    expect_json '.data.title' '"Us"'
    sql "INSERT INTO blocked_users (blocker_id, blocked_id) VALUES ('${U_ID[pb]}', '${U_ID[pa]}')"
    areq PATCH "/v1/conversations/${C_ID[pd]}" "${U_AT[pa]}" '{"title":"Blocked"}'
    expect_error 403 FORBIDDEN
    expect_match '.error.message' 'block'
    areq PATCH "/v1/conversations/${C_ID[pd]}" "${U_AT[pb]}" '{"title":"Blocked"}'
    expect_error 403 FORBIDDEN
}

test_settings() {
    t "PUT /v1/conversations/:id/settings"
    mkuser sa; mkuser sb; mkuser sx
    mkconv sg group "Settings $A_RUN" sa sb
    ev_sub settings sa sb sx
    areq PUT "/v1/conversations/${C_ID[sg]}/settings" "${U_AT[sa]}" '{"is_e2ee_enabled":false,"message_retention_days":30}'
    expect_status 200
    expect_json '.data' "{\"conversation_id\":\"${C_ID[sg]}\",\"is_e2ee_enabled\":false,\"message_retention_days\":30}"
    check "$T: stored" "false|30" \
        test "$(sql "SELECT is_e2ee_enabled::text || '|' || message_retention_days FROM conversations WHERE conversation_id = '${C_ID[sg]}'")" = "false|30"
    ev_flush settings sa 2
    check "$T: conversation.updated to sa" "one" test "$(ev_count settings sa conversation.updated)" = 1
    check "$T: conversation.updated to sb" "one" test "$(ev_count settings sb conversation.updated)" = 1
    check "$T: nothing to the non-member" "no event" test "$(ev_total settings sx)" = 0
    check "$T: event data carries the settings" "30" \
        test "$(ev_data settings sb conversation.updated | jq -r .message_retention_days)" = 30
    ev_stop settings
    # null keeps messages forever; the other setting stays
    areq PUT "/v1/conversations/${C_ID[sg]}/settings" "${U_AT[sa]}" '{"message_retention_days":null}'
    expect_status 200
    expect_json '.data.message_retention_days' null
    expect_json '.data.is_e2ee_enabled' false
    areq PUT "/v1/conversations/${C_ID[sg]}/settings" "${U_AT[sa]}" '{"is_e2ee_enabled":true}'
    expect_json '.data.is_e2ee_enabled' true
    areq GET "/v1/conversations/${C_ID[sg]}" "${U_AT[sb]}"
    expect_json '.data.is_e2ee_enabled' true
    local bad
    for bad in '{}' '{"message_retention_days":0}' '{"message_retention_days":36501}' \
            '{"message_retention_days":"30"}' '{"message_retention_days":1.5}' '{"is_e2ee_enabled":"yes"}'; do
        areq PUT "/v1/conversations/${C_ID[sg]}/settings" "${U_AT[sa]}" "$bad"
        expect_error 400 VALIDATION_ERROR
    done
    areq PUT "/v1/conversations/${C_ID[sg]}/settings" "${U_AT[sa]}" '{"message_retention_days":36500}'
    expect_status 200
    areq PUT "/v1/conversations/${C_ID[sg]}/settings" "${U_AT[sb]}" '{"is_e2ee_enabled":false}'
    expect_error 403 FORBIDDEN
    mkconv sd direct "" sa sb
    areq PUT "/v1/conversations/${C_ID[sd]}/settings" "${U_AT[sb]}" '{"message_retention_days":1}'
    expect_status 200
    expect_json '.data.message_retention_days' 1
}

test_participants() {
    t "GET /v1/conversations/:id/participants"
    mkuser qa; mkuser qb; mkuser qc; mkuser qd; mkuser qx; mkuser qz
    mkconv qg group "Members $A_RUN" qa qb
    areq GET "/v1/conversations/${C_ID[qg]}/participants" "${U_AT[qb]}"
    expect_status 200
    expect_json '.data.participants | length' 2
    expect_jq '.data.participants | all(. as $p | '"$PART_KEYS"' | all(. as $k | $p | has($k)))' "participant fields"
    expect_jq '[.data.participants[] | {user_id, role, username}] == ([{user_id:"'"${U_ID[qa]}"'", role:"admin", username:"'"${U_NAME[qa]}"'"}, {user_id:"'"${U_ID[qb]}"'", role:"member", username:"'"${U_NAME[qb]}"'"}] | sort_by(.user_id))' \
        "roles, usernames; joined together, so in user_id order"
    expect_jq '.data.participants | all(.joined_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z$"))' "joined_at RFC 3339"
    # a read marker is shown, unless its owner turned read receipts off (not to itself)
    sqlmsg "${C_ID[qg]}" qa "read me $A_RUN"
    sql "UPDATE conversation_participants SET last_read_message_id = '$M_LAST' WHERE conversation_id = '${C_ID[qg]}'"
    areq GET "/v1/conversations/${C_ID[qg]}/participants" "${U_AT[qa]}"
    check "$T: markers shown" "both markers" test "$(mark qa) $(mark qb)" = "\"$M_LAST\" \"$M_LAST\""
    sql "UPDATE users SET read_receipts = false WHERE user_id = '${U_ID[qb]}'"
    areq GET "/v1/conversations/${C_ID[qg]}/participants" "${U_AT[qa]}"
    check "$T: read receipts off: marker hidden from others" "qb's marker null" \
        test "$(mark qa) $(mark qb)" = "\"$M_LAST\" null"
    areq GET "/v1/conversations/${C_ID[qg]}/participants" "${U_AT[qb]}"
    check "$T: read receipts off: own marker shown" "both markers" \
        test "$(mark qa) $(mark qb)" = "\"$M_LAST\" \"$M_LAST\""

    t "POST /v1/conversations/:id/participants"
    ev_sub add qa qb qc qd qx
    areq POST "/v1/conversations/${C_ID[qg]}/participants" "${U_AT[qa]}" \
        "$(jq -nc --arg c "${U_ID[qc]}" --arg d "${U_ID[qd]}" --arg b "${U_ID[qb]}" '{user_ids:[$c,$d,$b,$c]}')"
    expect_status 200
    expect_json '.data.participants | length' 4
    expect_jq '.data.participants | all(. as $p | '"$PART_KEYS"' | all(. as $k | $p | has($k)))' "participant fields"
    expect_jq '[.data.participants[] | select(.role == "admin") | .user_id] == ["'"${U_ID[qa]}"'"]' "one admin"
    check "$T: members cache after add" "qa qb qc qd" test "$(members "${C_ID[qg]}")" = "$(ids_of qa qb qc qd)"
    ev_flush add qa 4
    local k
    for k in qa qb qc qd; do
        check "$T: member_added to $k" "one event" test "$(ev_count add "$k" conversation.member_added)" = 1
    done
    check "$T: nothing to the non-member" "no event" test "$(ev_total add qx)" = 0
    check "$T: event data" "conversation_id, the new ids, added_by" \
        test "$(ev_data add qc conversation.member_added | jq -c '{conversation_id, ids: (.user_ids | sort), added_by}')" = \
        "$(jq -nc --arg c "${C_ID[qg]}" --arg a "${U_ID[qa]}" --arg x "${U_ID[qc]}" --arg y "${U_ID[qd]}" '{conversation_id:$c, ids:([$x,$y]|sort), added_by:$a}')"
    ev_stop add
    # members already: 200, nothing added, no event
    ev_sub add2 qa qb
    areq POST "/v1/conversations/${C_ID[qg]}/participants" "${U_AT[qa]}" "$(jq -nc --arg b "${U_ID[qb]}" '{user_ids:[$b]}')"
    expect_status 200
    expect_json '.data.participants | length' 4
    ev_flush add2 qa 0
    check "$T: no event when nobody is new" "no events" test "$(( $(ev_total add2 qa) + $(ev_total add2 qb) ))" = 0
    ev_stop add2
    # unknown and deleted users are named (Error 10)
    local ghost; ghost=$(uuid)
    sql "UPDATE users SET deleted_at = now() WHERE user_id = '${U_ID[qz]}'"
    areq POST "/v1/conversations/${C_ID[qg]}/participants" "${U_AT[qa]}" \
        "$(jq -nc --arg g "$ghost" --arg x "${U_ID[qx]}" --arg z "${U_ID[qz]}" '{user_ids:[$x,$g,$z]}')"
    expect_error 404 NOT_FOUND
    expect_match '.error.message' "$ghost"
    expect_match '.error.message' "${U_ID[qz]}"
    check "$T: nobody added on a 404" "qx not a member" \
        test "$(sql "SELECT count(*) FROM conversation_participants WHERE conversation_id = '${C_ID[qg]}' AND user_id = '${U_ID[qx]}'")" = 0
    # a non-admin member
    areq POST "/v1/conversations/${C_ID[qg]}/participants" "${U_AT[qb]}" "$(jq -nc --arg x "${U_ID[qx]}" '{user_ids:[$x]}')"
    expect_error 403 FORBIDDEN
    # a block between the admin and the new user, either way
    sql "INSERT INTO blocked_users (blocker_id, blocked_id) VALUES ('${U_ID[qx]}', '${U_ID[qa]}')"
    areq POST "/v1/conversations/${C_ID[qg]}/participants" "${U_AT[qa]}" "$(jq -nc --arg x "${U_ID[qx]}" '{user_ids:[$x]}')"
    expect_error 403 FORBIDDEN
    expect_match '.error.message' 'block'
    sql "DELETE FROM blocked_users WHERE blocker_id = '${U_ID[qx]}'"
    # a direct conversation takes no members
    mkconv qdir direct "" qa qb
    areq POST "/v1/conversations/${C_ID[qdir]}/participants" "${U_AT[qa]}" "$(jq -nc --arg x "${U_ID[qx]}" '{user_ids:[$x]}')"
    expect_error 400 VALIDATION_ERROR
    # bad bodies
    local bad
    for bad in '{}' '{"user_ids":[]}' '{"user_ids":"x"}' '{"user_ids":["nope"]}' '{"user_ids":[1]}' \
            "$(jq -nc '{user_ids:[range(101) | "00000000-0000-4000-8000-\(1000000000000 + . | tostring)"]}')"; do
        areq POST "/v1/conversations/${C_ID[qg]}/participants" "${U_AT[qa]}" "$bad"
        expect_error 400 VALIDATION_ERROR
        expect_match '.error.message' 'user_ids'
    done
    # the group size cap (GROUP_MAX_PARTICIPANTS, 256 in the test config): fill with SQL
    local max; max=$(cfgval GROUP_MAX_PARTICIPANTS); max=${max:-256}
    sql "WITH f AS (INSERT INTO users (email, username, password_hash, display_name, searchable)
           SELECT 'fill.$A_RUN.' || g || '@example.test', '${A_RUN}_f' || g, 'x', 'filler', false
           FROM generate_series(1, $max - 4) g RETURNING user_id)
         INSERT INTO conversation_participants (conversation_id, user_id) SELECT '${C_ID[qg]}', user_id FROM f" >/dev/null
    areq POST "/v1/conversations/${C_ID[qg]}/participants" "${U_AT[qa]}" "$(jq -nc --arg x "${U_ID[qx]}" '{user_ids:[$x]}')"
    expect_error 400 VALIDATION_ERROR
    expect_match '.error.message' "$max"
    sql "DELETE FROM conversation_participants WHERE conversation_id = '${C_ID[qg]}' AND user_id IN
         (SELECT user_id FROM users WHERE username = '${A_RUN}_f1')" >/dev/null
    areq POST "/v1/conversations/${C_ID[qg]}/participants" "${U_AT[qa]}" "$(jq -nc --arg x "${U_ID[qx]}" '{user_ids:[$x]}')"
    expect_status 200
    expect_json '.data.participants | length' "$max"
}

test_remove() {
    t "DELETE /v1/conversations/:id/participants/:user_id"
    mkuser ra; mkuser rb; mkuser rc; mkuser rd; mkuser rx
    mkconv rg group "Remove $A_RUN" ra rb rc rd
    sql "UPDATE conversation_participants SET joined_at = joined_at + CASE user_id
           WHEN '${U_ID[rb]}' THEN interval '1 second' WHEN '${U_ID[rc]}' THEN interval '2 seconds'
           WHEN '${U_ID[rd]}' THEN interval '3 seconds' ELSE interval '0' END
         WHERE conversation_id = '${C_ID[rg]}'"
    # a member removing another
    areq DELETE "/v1/conversations/${C_ID[rg]}/participants/${U_ID[rc]}" "${U_AT[rb]}"
    expect_error 403 FORBIDDEN
    # not a member (admin asking)
    areq DELETE "/v1/conversations/${C_ID[rg]}/participants/${U_ID[rx]}" "${U_AT[ra]}"
    expect_error 404 NOT_FOUND
    areq DELETE "/v1/conversations/${C_ID[rg]}/participants/$(uuid)" "${U_AT[ra]}"
    expect_error 404 NOT_FOUND
    # the admin removes rc
    ev_sub rm ra rb rc rd rx
    areq DELETE "/v1/conversations/${C_ID[rg]}/participants/${U_ID[rc]}" "${U_AT[ra]}"
    expect_status 200
    expect_json '.data' "{\"conversation_id\":\"${C_ID[rg]}\",\"user_id\":\"${U_ID[rc]}\",\"removed_by\":\"${U_ID[ra]}\",\"promoted_admin_id\":null,\"conversation_deleted\":false}"
    check "$T: members cache after remove" "ra rb rd" test "$(members "${C_ID[rg]}")" = "$(ids_of ra rb rd)"
    ev_flush rm ra 4
    local k
    for k in ra rb rc rd; do
        check "$T: member_removed to $k" "one event" test "$(ev_count rm "$k" conversation.member_removed)" = 1
    done
    check "$T: nothing to the outsider" "no event" test "$(ev_total rm rx)" = 0
    check "$T: event data" "conversation_id, user_id, removed_by" \
        test "$(ev_data rm rb conversation.member_removed | jq -c '[.conversation_id, .user_id, .removed_by]')" = \
        "[\"${C_ID[rg]}\",\"${U_ID[rc]}\",\"${U_ID[ra]}\"]"
    ev_stop rm
    areq GET "/v1/conversations/${C_ID[rg]}" "${U_AT[rc]}"
    expect_error 403 FORBIDDEN
    # the last admin leaves: the oldest remaining member (rb) becomes admin in the same statement
    ev_sub lead ra rb rd
    areq DELETE "/v1/conversations/${C_ID[rg]}/participants/${U_ID[ra]}" "${U_AT[ra]}"
    expect_status 200
    expect_json '.data.promoted_admin_id' "\"${U_ID[rb]}\""
    check "$T: oldest member promoted" "rb admin, rd member" \
        test "$(sql "SELECT string_agg(role, ',' ORDER BY joined_at) FROM conversation_participants WHERE conversation_id = '${C_ID[rg]}'")" = "admin,member"
    ev_flush lead rb 3
    for k in ra rb rd; do
        check "$T: member_removed (leave) to $k" "one event" test "$(ev_count lead "$k" conversation.member_removed)" = 1
    done
    ev_stop lead
    check "$T: members cache after leave" "rb rd" test "$(members "${C_ID[rg]}")" = "$(ids_of rb rd)"
    # a member leaves (no promotion: an admin remains)
    areq DELETE "/v1/conversations/${C_ID[rg]}/participants/${U_ID[rd]}" "${U_AT[rd]}"
    expect_status 200
    expect_json '.data.promoted_admin_id' null
    expect_json '.data.conversation_deleted' false
    areq DELETE "/v1/conversations/${C_ID[rg]}/participants/${U_ID[rd]}" "${U_AT[rd]}"
    expect_error 403 FORBIDDEN
    # the last member leaves: the conversation is deleted
    areq DELETE "/v1/conversations/${C_ID[rg]}/participants/${U_ID[rb]}" "${U_AT[rb]}"
    expect_status 200
    expect_json '.data.conversation_deleted' true
    check "$T: the empty conversation is gone" "no row" \
        test "$(sql "SELECT count(*) FROM conversations WHERE conversation_id = '${C_ID[rg]}'")" = 0
    check "$T: its cache is gone" "no key" test "$(rcli EXISTS "conv:${C_ID[rg]}:members")" = 0
    areq GET "/v1/conversations/${C_ID[rg]}" "${U_AT[rb]}"
    expect_error 404 NOT_FOUND
    # direct: 400, hide it instead
    mkconv rdir direct "" ra rb
    areq DELETE "/v1/conversations/${C_ID[rdir]}/participants/${U_ID[ra]}" "${U_AT[ra]}"
    expect_error 400 VALIDATION_ERROR
    areq DELETE "/v1/conversations/${C_ID[rdir]}/participants/${U_ID[rb]}" "${U_AT[ra]}"
    expect_error 400 VALIDATION_ERROR
}

test_delete_group() {
    t "DELETE /v1/conversations/:id (group)"
    mkuser da; mkuser db; mkuser dx
    mkconv dg group "Delete $A_RUN" da db
    sqlmsg "${C_ID[dg]}" db "soon gone $A_RUN"
    areq DELETE "/v1/conversations/${C_ID[dg]}" "${U_AT[db]}"
    expect_error 403 FORBIDDEN
    check "$T: a member cannot delete it" "row present" \
        test "$(sql "SELECT count(*) FROM conversations WHERE conversation_id = '${C_ID[dg]}'")" = 1
    ev_sub del da db dx
    areq DELETE "/v1/conversations/${C_ID[dg]}" "${U_AT[da]}"
    expect_status 200
    expect_json '.data' "{\"conversation_id\":\"${C_ID[dg]}\",\"deleted\":true,\"hidden\":false}"
    check "$T: conversation, members and messages gone" "0|0|0" \
        test "$(sql "SELECT (SELECT count(*) FROM conversations WHERE conversation_id = '${C_ID[dg]}') || '|' ||
                            (SELECT count(*) FROM conversation_participants WHERE conversation_id = '${C_ID[dg]}') || '|' ||
                            (SELECT count(*) FROM messages WHERE conversation_id = '${C_ID[dg]}')")" = "0|0|0"
    check "$T: cache dropped" "no key" test "$(rcli EXISTS "conv:${C_ID[dg]}:members")" = 0
    ev_flush del da 2
    check "$T: conversation.deleted to da" "one" test "$(ev_count del da conversation.deleted)" = 1
    check "$T: conversation.deleted to db" "one" test "$(ev_count del db conversation.deleted)" = 1
    check "$T: nothing to the outsider" "no event" test "$(ev_total del dx)" = 0
    check "$T: event data" "conversation_id" \
        test "$(ev_data del db conversation.deleted)" = "{\"conversation_id\":\"${C_ID[dg]}\"}"
    ev_stop del
    areq GET "/v1/conversations/${C_ID[dg]}" "${U_AT[da]}"
    expect_error 404 NOT_FOUND
    areq DELETE "/v1/conversations/${C_ID[dg]}" "${U_AT[da]}"
    expect_error 404 NOT_FOUND
}

test_create
test_get
test_list
test_hide
test_patch
test_settings
test_participants
test_remove
test_delete_group
for n in "${!EV_PID[@]}"; do ev_stop "$n"; done
printf '%s-%s: %d passed, %d failed\n' "$SC_SERVER" "$SUITE" "$SC_PASS" "$SC_FAIL"
[[ $SC_FAIL -eq 0 ]]
