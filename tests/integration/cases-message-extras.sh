#!/usr/bin/env bash
# Black-box cases for the message extras (api.md "Conversations and messages": POST
# /v1/messages/read, POST and DELETE /v1/messages/:id/reactions, GET /v1/messages/search, POST
# /v1/messages/forward). Run by tests/integration/run.sh after cases.sh, once per web server,
# against the same PostgreSQL and Redis; every user made here carries a run tag.
#
# Messages are inserted with SQL (sqlmsg, sqlmsgs) so these cases do not depend on POST
# /v1/messages; conversations come from POST /v1/conversations, blocks from SQL.
#
# Environment: SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP (see cases.sh); SC_VERBOSE=1.
# Last line: "<server>-message-extras: N passed, M failed"; exit 0 only when M is 0.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=message-extras

# shellcheck source=suite.sh
. "$HERE/suite.sh"

MSG_KEYS='["message_id","conversation_id","sender_id","content","is_encrypted","message_type","metadata","reply_to_message_id","file_ids","sent_at","edited_at"]'
# a UUIDv7 made in SQL from the time in milliseconds `ms`
uuid7_of() {
    printf "(lpad(to_hex(%s),12,'0') || '7' || substr(md5(random()::text),1,3) || '8' || substr(md5(random()::text),1,15))::uuid" "$1"
}
NOW_MS="(extract(epoch from clock_timestamp())*1000)::bigint"

# sqlmsg CONV-ID SENDER-KEY TEXT [encrypted]: insert a message (id UUIDv7 of now); M_LAST its id.
sqlmsg() {
    local enc=false
    [[ ${4:-} == encrypted ]] && enc=true
    M_LAST=$(sql "WITH ins AS (INSERT INTO messages (message_id, conversation_id, sender_id, content,
                      is_encrypted, sent_at)
                  VALUES ($(uuid7_of "$NOW_MS"), :'c', :'s', :'t', :'e', clock_timestamp())
                  RETURNING message_id, conversation_id, sent_at),
              upd AS (UPDATE conversations c SET last_message_at = ins.sent_at FROM ins
                      WHERE c.conversation_id = ins.conversation_id)
              SELECT message_id FROM ins" -v c="$1" -v s="${U_ID[$2]}" -v t="$3" -v e="$enc")
    if [[ $M_LAST =~ $RE_UUID ]]; then ok "setup: message"
    else M_LAST=$(uuid); fail "setup: message" "a message inserted ($(head -c 200 "$SC_WORK/psql.err"))"; fi
}

# sqlmsgs CONV-ID SENDER-KEY N PREFIX: N messages "PREFIX 1".."PREFIX N", one millisecond apart
# (ending now), in one statement.
sqlmsgs() {
    local n
    n=$(sql "WITH x AS (SELECT i, $NOW_MS - :n + i AS ms FROM generate_series(1, :n) i),
             ins AS (INSERT INTO messages (message_id, conversation_id, sender_id, content, sent_at)
                     SELECT $(uuid7_of x.ms), :'c', :'s', :'p' || ' ' || x.i,
                            'epoch'::timestamptz + x.ms * interval '1 millisecond' FROM x
                     RETURNING sent_at)
             SELECT count(*) FROM ins" -v c="$1" -v s="${U_ID[$2]}" -v n="$3" -v p="$4")
    check "setup: $3 messages" "$3 rows inserted" test "$n" = "$3"
}

# sqlblock BLOCKER-KEY BLOCKED-KEY
sqlblock() {
    sql "INSERT INTO blocked_users (blocker_id, blocked_id) VALUES (:'a', :'b')" \
        -v a="${U_ID[$1]}" -v b="${U_ID[$2]}" >/dev/null
    check "setup: block" "a row in blocked_users" test "$(sql "SELECT count(*) FROM blocked_users
        WHERE blocker_id = :'a' AND blocked_id = :'b'" -v a="${U_ID[$1]}" -v b="${U_ID[$2]}")" = 1
}

# ev_data NAME USER-KEY TYPE JQ-FILTER: events of TYPE on that user's channel whose event (the
# whole JSON, data under .data) passes JQ-FILTER
ev_data() {
    local name=$1 uid=${U_ID[$2]} type=$3 f=$4
    ev_lines "$name" | awk -F'\t' -v c="user:$uid" '$1 == c { print $2 }' |
        jq -c --arg t "$type" "select(.type == \$t) | select($f)" 2>/dev/null | wc -l
}

# ev_wait_for NAME USER-KEY TYPE JQ-FILTER: wait (up to 5 s) until such an event arrived
ev_wait_for() {
    local _
    for _ in $(seq 100); do
        (( $(ev_data "$@") >= 1 )) && return 0
        sleep 0.05
    done
    return 1
}

marker_of() {  # CONV-ID USER-KEY: last_read_message_id in PostgreSQL
    sql "SELECT coalesce(last_read_message_id::text, 'null') FROM conversation_participants
         WHERE conversation_id = :'c' AND user_id = :'u'" -v c="$1" -v u="${U_ID[$2]}"
}

# read_as USER-KEY CONV-ID MESSAGE-ID
read_as() {
    areq POST /v1/messages/read "${U_AT[$1]}" \
        "$(jq -nc --arg c "$2" --arg m "$3" '{conversation_id:$c, last_message_id:$m}')"
}

# ---------------------------------------------------------------- setup
mkuser a; mkuser b; mkuser c; mkuser d; mkuser e
mkconv g group "Extras $A_RUN" a b d       # a (admin), b, d
mkconv h group "Others $A_RUN" c e         # a is not a member
mkconv ab direct "" a b
mkconv f group "Target $A_RUN" a c         # forward target
TOK="zq${A_RUN,,}"                         # a word no other run has

test_read() {
    t "POST /v1/messages/read"
    local m1 m2 m3 m4 x
    sqlmsg "${C_ID[g]}" b "one"; m1=$M_LAST
    sqlmsg "${C_ID[g]}" b "two"; m2=$M_LAST
    sqlmsg "${C_ID[g]}" b "three"; m3=$M_LAST
    sqlmsg "${C_ID[g]}" b "four"; m4=$M_LAST
    sqlmsg "${C_ID[h]}" c "elsewhere"; x=$M_LAST
    ev_sub read a b c d e

    read_as a "${C_ID[g]}" "$m2"
    expect_status 200
    expect_ok_envelope
    expect_json '.data.conversation_id' "\"${C_ID[g]}\""
    expect_json '.data.last_read_message_id' "\"$m2\""
    check "$T: marker stored" "last_read_message_id = m2" test "$(marker_of "${C_ID[g]}" a)" = "$m2"
    ev_wait_for read d read.updated ".data.last_read_message_id == \"$m2\""
    check "$T: read.updated to b" "one event" test "$(ev_count read b read.updated)" = 1
    check "$T: read.updated to d" "one event" test "$(ev_count read d read.updated)" = 1
    check "$T: read.updated to the reader's other devices" "one event" \
        test "$(ev_count read a read.updated)" = 1
    check "$T: event data" "{conversation_id, user_id, last_read_message_id}" test "$(ev_data read b \
        read.updated ".data == {conversation_id:\"${C_ID[g]}\", user_id:\"${U_ID[a]}\", last_read_message_id:\"$m2\"}")" = 1

    # an older message: the marker stays, the answer says where it is, no event
    read_as a "${C_ID[g]}" "$m1"
    expect_status 200
    expect_json '.data.last_read_message_id' "\"$m2\""
    check "$T: marker never moves back" "still m2" test "$(marker_of "${C_ID[g]}" a)" = "$m2"
    read_as a "${C_ID[g]}" "$m2"
    expect_status 200
    expect_json '.data.last_read_message_id' "\"$m2\""
    # a newer one moves it; the events so far are the first and this one only
    read_as a "${C_ID[g]}" "$m3"
    expect_json '.data.last_read_message_id' "\"$m3\""
    check "$T: marker moved forward" "m3" test "$(marker_of "${C_ID[g]}" a)" = "$m3"
    ev_wait_for read b read.updated ".data.last_read_message_id == \"$m3\""
    check "$T: no event when the marker did not move" "two read.updated for b" \
        test "$(ev_count read b read.updated)" = 2
    check "$T: nothing to a non-member" "no event for c" test "$(ev_count read c read.updated)" = 0
    check "$T: nothing to a non-member (e)" "no event for e" test "$(ev_count read e read.updated)" = 0

    # errors: 403 / 404 / 400
    read_as c "${C_ID[g]}" "$m3"
    expect_error 403 FORBIDDEN
    read_as a "$(uuid)" "$m3"
    expect_error 404 NOT_FOUND
    read_as a "${C_ID[g]}" "$x"                   # a message of another conversation
    expect_error 404 NOT_FOUND
    expect_match '.error.message' "$x"
    local ghost; ghost=$(uuid)
    read_as a "${C_ID[g]}" "$ghost"
    expect_error 404 NOT_FOUND
    expect_match '.error.message' "$ghost"
    read_as a "nope" "$m3"
    expect_error 400 VALIDATION_ERROR
    expect_json '.error.field' '"conversation_id"'
    areq POST /v1/messages/read "${U_AT[a]}" "$(jq -nc --arg c "${C_ID[g]}" '{conversation_id:$c}')"
    expect_error 400 VALIDATION_ERROR
    expect_json '.error.field' '"last_message_id"'
    areq POST /v1/messages/read "${U_AT[a]}" "$(jq -nc --arg c "${C_ID[g]}" '{conversation_id:$c, last_message_id:7}')"
    expect_error 400 VALIDATION_ERROR
    expect_json '.error.field' '"last_message_id"'
    areq POST /v1/messages/read "${U_AT[a]}"
    expect_error 400 VALIDATION_ERROR
    areq GET /v1/messages/read "${U_AT[a]}"
    expect_error 405 METHOD_NOT_ALLOWED
    req POST /v1/messages/read -H 'Content-Type: application/json' \
        --data-binary "$(jq -nc --arg c "${C_ID[g]}" --arg m "$m3" '{conversation_id:$c, last_message_id:$m}')"
    expect_error 401 UNAUTHORIZED

    # read receipts off: only the reader's own channel hears it
    t "POST /v1/messages/read (read receipts off)"
    areq PATCH /v1/users/me "${U_AT[d]}" '{"read_receipts":false}'
    expect_status 200
    read_as d "${C_ID[g]}" "$m3"
    expect_status 200
    expect_json '.data.last_read_message_id' "\"$m3\""
    check "$T: marker stored" "m3" test "$(marker_of "${C_ID[g]}" d)" = "$m3"
    read_as a "${C_ID[g]}" "$m4"                  # a later event to everyone, to wait for
    ev_wait_for read b read.updated ".data.last_read_message_id == \"$m4\""
    ev_wait_for read d read.updated ".data.user_id == \"${U_ID[d]}\""
    check "$T: the reader's devices hear it" "one read.updated by d on d" \
        test "$(ev_data read d read.updated ".data.user_id == \"${U_ID[d]}\"")" = 1
    check "$T: b does not" "no read.updated by d on b" \
        test "$(ev_data read b read.updated ".data.user_id == \"${U_ID[d]}\"")" = 0
    check "$T: a does not" "no read.updated by d on a" \
        test "$(ev_data read a read.updated ".data.user_id == \"${U_ID[d]}\"")" = 0
    ev_stop read

    # a block in a direct conversation: the marker moves, the other side is not told
    t "POST /v1/messages/read (blocked direct)"
    local dm
    sqlmsg "${C_ID[ab]}" b "before the block"; dm=$M_LAST
    sqlblock b a
    ev_sub readb a b
    read_as a "${C_ID[ab]}" "$dm"
    expect_status 200
    expect_json '.data.last_read_message_id' "\"$dm\""
    ev_wait_for readb a read.updated ".data.last_read_message_id == \"$dm\""
    read_as b "${C_ID[ab]}" "$dm"                 # b's own event, after a's would have come
    ev_wait_for readb b read.updated ".data.user_id == \"${U_ID[b]}\""
    check "$T: the reader hears it" "one event on a" test "$(ev_count readb a read.updated)" = 1
    check "$T: the blocked side does not" "only b's own read on b" test "$(ev_count readb b read.updated)" = 1
    ev_stop readb
    sql "DELETE FROM blocked_users WHERE blocker_id = :'b' AND blocked_id = :'a'" \
        -v a="${U_ID[a]}" -v b="${U_ID[b]}" >/dev/null
}

test_reactions() {
    t "POST /v1/messages/:id/reactions"
    local r1 r2 dm url
    sqlmsg "${C_ID[g]}" b "react to me"; r1=$M_LAST
    sqlmsg "${C_ID[g]}" b "to be deleted"; r2=$M_LAST
    ev_sub react a b c d e

    areq POST "/v1/messages/$r1/reactions" "${U_AT[a]}" '{"emoji":"👍"}'
    expect_status 201
    expect_ok_envelope
    expect_json '.data.message_id' "\"$r1\""
    expect_json '.data.user_id' "\"${U_ID[a]}\""
    expect_json '.data.emoji' '"👍"'
    expect_match '.data.created_at' "$RE_TIME"
    check "$T: stored" "one row" test "$(sql "SELECT count(*) FROM message_reactions
        WHERE message_id = :'m' AND user_id = :'u' AND emoji = '👍'" -v m="$r1" -v u="${U_ID[a]}")" = 1
    areq POST "/v1/messages/$r1/reactions" "${U_AT[a]}" '{"emoji":"👍"}'
    expect_error 409 CONFLICT
    areq POST "/v1/messages/$r1/reactions" "${U_AT[b]}" '{"emoji":"👍"}'
    expect_status 201
    areq POST "/v1/messages/$r1/reactions" "${U_AT[a]}" '{"emoji":"❤️"}'
    expect_status 201
    # a ZWJ sequence of 25 bytes, and 32 bytes exactly
    areq POST "/v1/messages/$r1/reactions" "${U_AT[a]}" '{"emoji":"👨‍👩‍👧‍👦"}'
    expect_status 201
    areq POST "/v1/messages/$r1/reactions" "${U_AT[a]}" '{"emoji":"👍👍👍👍👍👍👍👍"}'
    expect_status 201
    ev_wait_for react d message.reaction '.data.emoji == "👍👍👍👍👍👍👍👍"'
    check "$T: message.reaction to a" "5 events" test "$(ev_count react a message.reaction)" = 5
    check "$T: message.reaction to b" "5 events" test "$(ev_count react b message.reaction)" = 5
    check "$T: message.reaction to d" "5 events" test "$(ev_count react d message.reaction)" = 5
    check "$T: nothing to non-members" "no event for c or e" \
        test "$(( $(ev_count react c message.reaction) + $(ev_count react e message.reaction) ))" = 0
    check "$T: event data" "{message_id, conversation_id, user_id, emoji, added:true}" test "$(ev_data react b \
        message.reaction ".data == {message_id:\"$r1\", conversation_id:\"${C_ID[g]}\", user_id:\"${U_ID[a]}\", emoji:\"👍\", added:true}")" = 1

    # the emoji rule: 1..32 bytes, no white space or control characters
    local bad
    for bad in '""' '"👍👍👍👍👍👍👍👍👍"' '"a b"' '" 👍"' '"\t"' '"x\n"' '"\u00a0"' '"\u200b"' \
               '"\u3000"' '"\u0085"' '7' 'null' '["👍"]'; do
        areq POST "/v1/messages/$r1/reactions" "${U_AT[a]}" "{\"emoji\":$bad}"
        expect_error 400 VALIDATION_ERROR
        expect_json '.error.field' '"emoji"'
    done
    areq POST "/v1/messages/$r1/reactions" "${U_AT[a]}" '{}'
    expect_error 400 VALIDATION_ERROR

    # 403 / 404
    areq POST "/v1/messages/$r1/reactions" "${U_AT[c]}" '{"emoji":"👀"}'
    expect_error 403 FORBIDDEN
    areq POST "/v1/messages/$(uuid)/reactions" "${U_AT[a]}" '{"emoji":"👀"}'
    expect_error 404 NOT_FOUND
    areq POST "/v1/messages/nope/reactions" "${U_AT[a]}" '{"emoji":"👀"}'
    expect_error 404 NOT_FOUND
    sql "UPDATE messages SET deleted_at = now(), content = '' WHERE message_id = :'m'" -v m="$r2" >/dev/null
    areq POST "/v1/messages/$r2/reactions" "${U_AT[a]}" '{"emoji":"👀"}'
    expect_error 404 NOT_FOUND
    areq POST "/v1/messages/$r2/reactions" "${U_AT[c]}" '{"emoji":"👀"}'
    expect_error 403 FORBIDDEN
    # a block in a direct conversation stops reactions both ways
    sqlmsg "${C_ID[ab]}" a "direct"; dm=$M_LAST
    sqlblock a b
    areq POST "/v1/messages/$dm/reactions" "${U_AT[b]}" '{"emoji":"👀"}'
    expect_error 403 FORBIDDEN
    areq POST "/v1/messages/$dm/reactions" "${U_AT[a]}" '{"emoji":"👀"}'
    expect_error 403 FORBIDDEN
    sql "DELETE FROM blocked_users WHERE blocker_id = :'a' AND blocked_id = :'b'" \
        -v a="${U_ID[a]}" -v b="${U_ID[b]}" >/dev/null
    areq POST "/v1/messages/$dm/reactions" "${U_AT[b]}" '{"emoji":"👀"}'
    expect_status 201

    t "DELETE /v1/messages/:id/reactions/:emoji"
    areq DELETE "/v1/messages/$r1/reactions/%F0%9F%91%8D" "${U_AT[a]}"
    expect_status 200
    expect_ok_envelope
    expect_json '.data.message_id' "\"$r1\""
    expect_json '.data.user_id' "\"${U_ID[a]}\""
    expect_json '.data.emoji' '"👍"'
    check "$T: a's reaction gone" "no row" test "$(sql "SELECT count(*) FROM message_reactions
        WHERE message_id = :'m' AND user_id = :'u' AND emoji = '👍'" -v m="$r1" -v u="${U_ID[a]}")" = 0
    check "$T: b's stays" "one row" test "$(sql "SELECT count(*) FROM message_reactions
        WHERE message_id = :'m' AND user_id = :'u' AND emoji = '👍'" -v m="$r1" -v u="${U_ID[b]}")" = 1
    ev_wait_for react d message.reaction '.data.added == false'
    check "$T: added:false to b" "one event" test "$(ev_data react b message.reaction \
        ".data == {message_id:\"$r1\", conversation_id:\"${C_ID[g]}\", user_id:\"${U_ID[a]}\", emoji:\"👍\", added:false}")" = 1
    check "$T: added:false to a" "one event" test "$(ev_data react a message.reaction '.data.added == false')" = 1
    check "$T: nothing to non-members" "no event for c or e" \
        test "$(( $(ev_count react c message.reaction) + $(ev_count react e message.reaction) ))" = 0
    areq DELETE "/v1/messages/$r1/reactions/%F0%9F%91%8D" "${U_AT[a]}"
    expect_error 404 NOT_FOUND
    areq DELETE "/v1/messages/$r1/reactions/%F0%9F%91%8D" "${U_AT[d]}"   # d never reacted
    expect_error 404 NOT_FOUND
    areq DELETE "/v1/messages/$r1/reactions/%F0%9F%91%8D" "${U_AT[c]}"
    expect_error 403 FORBIDDEN
    areq DELETE "/v1/messages/$(uuid)/reactions/%F0%9F%91%8D" "${U_AT[a]}"
    expect_error 404 NOT_FOUND
    # with a variation selector, and a ZWJ sequence
    areq DELETE "/v1/messages/$r1/reactions/%E2%9D%A4%EF%B8%8F" "${U_AT[a]}"
    expect_status 200
    expect_json '.data.emoji' '"❤️"'
    url=$(jq -rn '"👨‍👩‍👧‍👦" | @uri')
    areq DELETE "/v1/messages/$r1/reactions/$url" "${U_AT[a]}"
    expect_status 200
    check "$T: a has one reaction left" "the 32-byte one" test "$(sql "SELECT string_agg(emoji, ',')
        FROM message_reactions WHERE message_id = :'m' AND user_id = :'u'" -v m="$r1" -v u="${U_ID[a]}")" = "👍👍👍👍👍👍👍👍"
    areq POST "/v1/messages/$r1/reactions/%F0%9F%91%8D" "${U_AT[a]}" '{"emoji":"👍"}'
    expect_error 405 METHOD_NOT_ALLOWED
    ev_stop react
}

# search_as USER-KEY QUERY-STRING
search_as() { areq GET "/v1/messages/search?$2" "${U_AT[$1]}"; }

test_search() {
    t "GET /v1/messages/search"
    local s1 s2 enc del other dmm q
    sqlmsg "${C_ID[g]}" b "lunch at noon $TOK please"; s1=$M_LAST
    sqlmsg "${C_ID[g]}" a "the $TOK report is ready"; s2=$M_LAST
    sqlmsg "${C_ID[g]}" b "secret $TOK" encrypted; enc=$M_LAST
    sqlmsg "${C_ID[g]}" b "deleted $TOK"; del=$M_LAST
    sqlmsg "${C_ID[h]}" c "not yours $TOK"; other=$M_LAST
    sqlmsg "${C_ID[ab]}" b "direct $TOK"; dmm=$M_LAST
    sqlmsg "${C_ID[g]}" b "no match here"

    search_as a "q=$TOK"
    expect_status 200
    expect_ok_envelope
    expect_jq '.data.messages | map(.message_id) == ["'"$dmm"'","'"$del"'","'"$s2"'","'"$s1"'"]' \
        "all of a's matches, newest first, deleted one still there before it is deleted"
    sql "UPDATE messages SET deleted_at = now(), content = '' WHERE message_id = :'m'" -v m="$del" >/dev/null
    search_as a "q=$TOK"
    expect_status 200
    expect_jq '.data.messages | map(.message_id) == ["'"$dmm"'","'"$s2"'","'"$s1"'"]' \
        "newest first; no encrypted, deleted or foreign message"
    expect_jq '.data.messages[0] as $m | '"$MSG_KEYS"' | all(. as $k | $m | has($k))' "message fields"
    expect_jq '.data.messages | all(.is_encrypted == false and .deleted == false)' "unencrypted, undeleted"
    expect_jq '.data.messages | all(.snippet | type == "string" and contains("'"$TOK"'"))' \
        "snippets carry the word"
    expect_jq '.data.messages | all(.snippet | test("<") | not)' "snippets are plain text"
    expect_json '.data.has_more' false
    expect_json '.data.next_cursor' '""'
    search_as c "q=$TOK"
    expect_jq '.data.messages | map(.message_id) == ["'"$other"'"]' "c sees only h"
    search_as a "q=secret"
    expect_jq '.data.messages | map(.message_id) | index("'"$enc"'") == null' "encrypted never found"
    # case folding and websearch syntax
    search_as a "q=${TOK^^}%20REPORT"
    expect_jq '.data.messages | map(.message_id) == ["'"$s2"'"]' "AND of words, case-insensitive"
    search_as a "q=%22lunch%20at%20noon%22%20$TOK"
    expect_jq '.data.messages | map(.message_id) == ["'"$s1"'"]' "a quoted phrase"
    search_as a "q=$TOK%20-report"
    expect_jq '.data.messages | map(.message_id) | index("'"$s2"'") == null' "-word excludes"
    search_as a "q=%26%7C%21%28%29%3A*"
    expect_status 200
    search_as a "query=$TOK&conversation_id=${C_ID[g]}"
    expect_jq '.data.messages | map(.message_id) == ["'"$s2"'","'"$s1"'"]' "query= (the original's name)"

    # one conversation: 403 / 404 / 400
    search_as a "q=$TOK&conversation_id=${C_ID[g]}"
    expect_status 200
    expect_jq '.data.messages | map(.message_id) == ["'"$s2"'","'"$s1"'"]' "only that conversation"
    search_as a "q=nothingmatches$TOK&conversation_id=${C_ID[g]}"
    expect_status 200
    expect_json '.data.messages' '[]'
    expect_json '.data.has_more' false
    search_as a "q=$TOK&conversation_id=${C_ID[h]}"
    expect_error 403 FORBIDDEN
    search_as a "q=$TOK&conversation_id=$(uuid)"
    expect_error 404 NOT_FOUND
    search_as a "q=$TOK&conversation_id=nope"
    expect_error 400 VALIDATION_ERROR
    expect_json '.error.field' '"conversation_id"'

    # q: 1..200 characters
    search_as a ""
    expect_error 400 VALIDATION_ERROR
    expect_json '.error.field' '"q"'
    search_as a "q="
    expect_error 400 VALIDATION_ERROR
    expect_json '.error.field' '"q"'
    search_as a "q=%20%20"
    expect_error 400 VALIDATION_ERROR
    search_as a "q=$(rep %C3%A9 201)"
    expect_error 400 VALIDATION_ERROR
    expect_json '.error.field' '"q"'
    search_as a "q=$(rep %C3%A9 200)"
    expect_status 200
    search_as a "q=$TOK&limit=0"
    expect_error 400 VALIDATION_ERROR
    expect_json '.error.field' '"limit"'
    search_as a "q=$TOK&limit=abc"
    expect_error 400 VALIDATION_ERROR
    search_as a "q=$TOK&cursor=garbage"
    expect_error 400 VALIDATION_ERROR
    expect_json '.error.field' '"cursor"'
    q=$(printf 'users.search\n0.5\n%s' "$(uuid)" | b64url)
    search_as a "q=$TOK&cursor=$q"
    expect_error 400 VALIDATION_ERROR
    req HEAD "/v1/messages/search?q=$TOK" -H "Authorization: Bearer ${U_AT[a]}"
    expect_status 200
    req GET "/v1/messages/search?q=$TOK"
    expect_error 401 UNAUTHORIZED

    # pages: 25 matches, 10 a page, no gaps or duplicates, newest first across pages
    t "GET /v1/messages/search (pages)"
    local tok2="pg$TOK" cursor="" page all=() ids more
    sqlmsgs "${C_ID[g]}" b 25 "$tok2 item"
    for page in 1 2 3; do
        search_as a "q=$tok2&limit=10${cursor:+&cursor=$cursor}"
        expect_status 200
        mapfile -t ids < <(jq -r '.data.messages[].message_id' <"$R_BODY")
        more=$(jq -c '.data.has_more' <"$R_BODY")
        case $page in
            1|2) check "$T: page $page has 10" "10 items, has_more" test "${#ids[@]}:$more" = "10:true" ;;
            3) check "$T: page 3 has 5" "5 items, has_more false" test "${#ids[@]}:$more" = "5:false"
               expect_json '.data.next_cursor' '""' ;;
        esac
        all+=("${ids[@]}")
        jr_into cursor .data.next_cursor
    done
    check "$T: 25 distinct" "no duplicates" test "$(printf '%s\n' "${all[@]}" | sort -u | wc -l)" = 25
    check "$T: all 25 of them" "the same set as in PostgreSQL" test \
        "$(printf '%s\n' "${all[@]}" | sort | tr '\n' ' ')" = \
        "$(sql "SELECT message_id FROM messages WHERE conversation_id = :'c' AND content LIKE :'p'
                ORDER BY message_id::text" -v c="${C_ID[g]}" -v p="$tok2 item %" | tr '\n' ' ')"
    check "$T: newest first across pages" "ids in descending order" \
        test "$(printf '%s\n' "${all[@]}" | tr '\n' ' ')" = "$(printf '%s\n' "${all[@]}" | sort -r | tr '\n' ' ')"
    check "$T: the newest is item 25" "item 25 first" test "$(sql "SELECT content FROM messages
        WHERE message_id = :'m'" -v m="${all[0]}")" = "$tok2 item 25"
    # the same pages through one conversation
    search_as a "q=$tok2&limit=20&conversation_id=${C_ID[g]}"
    expect_jq '(.data.messages | length) == 20 and .data.has_more' "first page of one conversation"
    jr_into cursor .data.next_cursor
    search_as a "q=$tok2&limit=20&conversation_id=${C_ID[g]}&cursor=$cursor"
    expect_jq '(.data.messages | length) == 5 and (.data.has_more | not) and .data.next_cursor == ""' \
        "second page of one conversation"
    # a member who left no longer finds them
    search_as c "q=$tok2"
    expect_json '.data.messages' '[]'
}

# fwd_as USER-KEY MESSAGE-ID CONV-ID
fwd_as() {
    areq POST /v1/messages/forward "${U_AT[$1]}" \
        "$(jq -nc --arg m "$2" --arg c "$3" '{message_id:$m, conversation_id:$c}')"
}

test_forward() {
    t "POST /v1/messages/forward"
    local src enc del foreign dm nid
    sqlmsg "${C_ID[g]}" b "forward me $TOK"; src=$M_LAST
    sql "UPDATE messages SET metadata = '{\"k\":\"v\"}', message_type = 'image',
         file_ids = ARRAY[gen_random_uuid()], reply_to_message_id = message_id
         WHERE message_id = :'m'" -v m="$src" >/dev/null
    sqlmsg "${C_ID[g]}" b "ciphertext" encrypted; enc=$M_LAST
    sqlmsg "${C_ID[g]}" b "to be deleted"; del=$M_LAST
    sql "UPDATE messages SET deleted_at = now(), content = '' WHERE message_id = :'m'" -v m="$del" >/dev/null
    sqlmsg "${C_ID[h]}" c "not a's"; foreign=$M_LAST
    ev_sub fwd a b c d e

    fwd_as a "$src" "${C_ID[f]}"
    expect_status 201
    expect_ok_envelope
    jr_into nid .data.message_id ""
    expect_match '.data.message_id' '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
    expect_jq '.data as $m | '"$MSG_KEYS"' | all(. as $k | $m | has($k))' "message fields"
    expect_json '.data.conversation_id' "\"${C_ID[f]}\""
    expect_json '.data.sender_id' "\"${U_ID[a]}\""
    expect_json '.data.content' "\"forward me $TOK\""
    expect_json '.data.message_type' '"image"'
    expect_json '.data.is_encrypted' false
    expect_json '.data.metadata.k' '"v"'
    expect_jq ".data.metadata.forwarded_from == {message_id:\"$src\", conversation_id:\"${C_ID[g]}\",
        sender_id:\"${U_ID[b]}\"}" "metadata.forwarded_from"
    expect_json '.data.file_ids' '[]'
    expect_json '.data.reply_to_message_id' null
    expect_json '.data.edited_at' null
    expect_match '.data.sent_at' "$RE_TIME"
    check "$T: sent_at is the time in the id" "equal milliseconds" test "$(sql "SELECT
        (extract(epoch from sent_at) * 1000)::bigint = ('x' || lpad(replace(message_id::text, '-', ''), 32, '0'))::bit(128)::bit(48)::bigint
        FROM messages WHERE message_id = :'m'" -v m="$nid")" = t
    check "$T: stored in the target" "one row in f" test "$(sql "SELECT count(*) FROM messages
        WHERE message_id = :'m' AND conversation_id = :'c' AND sender_id = :'u'" \
        -v m="$nid" -v c="${C_ID[f]}" -v u="${U_ID[a]}")" = 1
    check "$T: target's last_message_at" "the new message's sent_at" test "$(sql "SELECT
        c.last_message_at = m.sent_at FROM conversations c JOIN messages m USING (conversation_id)
        WHERE m.message_id = :'m'" -v m="$nid")" = t
    check "$T: the source is untouched" "still in g" test "$(sql "SELECT conversation_id FROM messages
        WHERE message_id = :'m'" -v m="$src")" = "${C_ID[g]}"
    ev_wait_for fwd c message.new ".data.message_id == \"$nid\""
    ev_wait_for fwd a message.new ".data.message_id == \"$nid\""
    check "$T: message.new to a" "one event" test "$(ev_data fwd a message.new ".data.message_id == \"$nid\"")" = 1
    check "$T: message.new to c" "one event" test "$(ev_data fwd c message.new ".data.message_id == \"$nid\" and .data.content == \"forward me $TOK\"")" = 1

    # the forwarded copy is searchable in the target
    search_as c "q=$TOK&conversation_id=${C_ID[f]}"
    expect_jq '.data.messages | map(.message_id) == ["'"$nid"'"]' "the copy is found in f"

    # the same conversation is a fine target
    fwd_as b "$src" "${C_ID[g]}"
    expect_status 201
    expect_json '.data.conversation_id' "\"${C_ID[g]}\""

    # errors
    fwd_as a "$enc" "${C_ID[f]}"
    expect_error 400 VALIDATION_ERROR
    expect_json '.error.field' '"message_id"'
    fwd_as a "$del" "${C_ID[f]}"
    expect_error 404 NOT_FOUND
    fwd_as a "$(uuid)" "${C_ID[f]}"
    expect_error 404 NOT_FOUND
    fwd_as a "$foreign" "${C_ID[f]}"            # not a member of the source's conversation
    expect_error 403 FORBIDDEN
    fwd_as a "$src" "${C_ID[h]}"                # not a member of the target
    expect_error 403 FORBIDDEN
    fwd_as a "$src" "$(uuid)"
    expect_error 404 NOT_FOUND
    fwd_as a "nope" "${C_ID[f]}"
    expect_error 400 VALIDATION_ERROR
    expect_json '.error.field' '"message_id"'
    areq POST /v1/messages/forward "${U_AT[a]}" "$(jq -nc --arg m "$src" '{message_id:$m}')"
    expect_error 400 VALIDATION_ERROR
    expect_json '.error.field' '"conversation_id"'
    areq POST /v1/messages/forward "${U_AT[a]}" "$(jq -nc --arg m "$src" '{message_id:$m, conversation_id:[]}')"
    expect_error 400 VALIDATION_ERROR
    # a block in a direct target; a blocked direct source may still be forwarded elsewhere
    sqlmsg "${C_ID[ab]}" b "direct $TOK"; dm=$M_LAST
    sqlblock a b
    fwd_as a "$src" "${C_ID[ab]}"
    expect_error 403 FORBIDDEN
    fwd_as b "$src" "${C_ID[ab]}"
    expect_error 403 FORBIDDEN
    fwd_as a "$dm" "${C_ID[f]}"
    expect_status 201
    sql "DELETE FROM blocked_users WHERE blocker_id = :'a' AND blocked_id = :'b'" \
        -v a="${U_ID[a]}" -v b="${U_ID[b]}" >/dev/null
    fwd_as a "$src" "${C_ID[ab]}"
    expect_status 201

    # nobody outside f heard the first forward
    ev_wait_for fwd b message.new ".data.conversation_id == \"${C_ID[ab]}\""
    check "$T: nothing to members of the source only" "no event for d about f" \
        test "$(ev_data fwd d message.new ".data.conversation_id == \"${C_ID[f]}\"")" = 0
    check "$T: nothing to b about f" "no event" \
        test "$(ev_data fwd b message.new ".data.conversation_id == \"${C_ID[f]}\"")" = 0
    check "$T: nothing to e" "no event" test "$(ev_count fwd e message.new)" = 0
    ev_stop fwd
}

test_read
test_reactions
test_search
test_forward
for n in "${!EV_PID[@]}"; do ev_stop "$n"; done
printf '%s-%s: %d passed, %d failed\n' "$SC_SERVER" "$SUITE" "$SC_PASS" "$SC_FAIL"
[[ $SC_FAIL -eq 0 ]]
