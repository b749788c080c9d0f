#!/usr/bin/env bash
# Black-box cases for messages (api.md "Conversations and messages": POST/GET /v1/messages,
# GET/PATCH/DELETE /v1/messages/:id, GET /v1/messages/:id/history; the audit's Error 4 for
# limit). Run by tests/integration/run.sh after cases.sh, once per web server, against the same
# PostgreSQL and Redis; every user made here carries a run tag.
#
# Environment: SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP (see cases.sh); SC_VERBOSE=1.
# Last line: "<server>-messages: N passed, M failed"; exit 0 only when M is 0.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=messages

# shellcheck source=suite.sh
. "$HERE/suite.sh"

MSG_KEYS='["message_id","conversation_id","sender_id","content","is_encrypted","message_type","metadata","reply_to_message_id","file_ids","sent_at","edited_at"]'
RUN0=$A_RUN
# each test registers its own users under the same keys (a, b...): a tag per test keeps their
# usernames apart (mkuser reads A_RUN when it runs)
tag() { A_RUN="${RUN0}$1"; }
GHOST=00000000-0000-7000-8000-000000000000   # a UUID no message or conversation has

# A message id is a UUIDv7: version nibble 7, variant 10xx.
is_v7() { [[ $1 =~ ^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]; }

# msgreq METHOD ID USER [JSON]: a request on /v1/messages/ID as USER
msgreq() { areq "$1" "/v1/messages/$2" "${U_AT[$3]}" "${4:-}"; }

# listp USER QUERY: GET /v1/messages?QUERY as USER
listp() { areq GET "/v1/messages?$2" "${U_AT[$1]}"; }

# expect_field FIELD: the error names FIELD (in error.field and in the message)
expect_field() {
    expect_json .error.field "\"$1\""
    expect_match .error.message "$1"
}

# post_raw USER FILE: POST /v1/messages with the body in FILE (bodies too big for an argument)
post_raw() {
    req POST /v1/messages -H "Authorization: Bearer ${U_AT[$1]}" \
        -H 'Content-Type: application/json' --data-binary @"$2"
}

# keep NAME / use NAME: set an answer aside and bring it back for the expect_* checks. The
# subscriber of ev_sub lives 10 s at most (rcli), so a test subscribes, acts, keeps the
# answers, and checks them after the events are in.
keep() { cp "$R_BODY" "$SC_WORK/keep.$1.body"; cp "$R_HDRS" "$SC_WORK/keep.$1.hdrs"; echo "$R_STATUS" >"$SC_WORK/keep.$1.status"; }
use() { cp "$SC_WORK/keep.$1.body" "$R_BODY"; cp "$SC_WORK/keep.$1.hdrs" "$R_HDRS"; R_STATUS=$(cat "$SC_WORK/keep.$1.status"); }

# sendbody USER JSON-OBJECT: POST /v1/messages with exactly that body
sendbody() { areq POST /v1/messages "${U_AT[$1]}" "$2"; }

test_send() {
    tag s
    t "POST /v1/messages"
    mkuser a; mkuser b; mkuser c
    mkconv g group "Send $A_RUN" a b
    mkconv h group "Other $A_RUN" a c

    local body
    body=$(jq -nc --arg c "${C_ID[g]}" '{conversation_id:$c, content:"b64==",
        is_encrypted:true, message_type:"image", metadata:{w:640, h:480, alt:{text:"a/b"}},
        file_ids:[]}')
    ev_sub send a b c
    sendmsg a "${C_ID[g]}" "hello there"; keep s1
    local first=$M_LAST
    # every optional field
    sendbody b "$(jq -c --arg r "$first" '. + {reply_to_message_id:$r}' <<<"$body")"; keep s2
    # only conversation_id and content: the defaults
    sendbody a "$(jq -nc --arg c "${C_ID[g]}" '{conversation_id:$c, content:"plain"}')"; keep s3
    # null means absent for optional fields
    sendbody a "$(jq -nc --arg c "${C_ID[g]}" '{conversation_id:$c, content:"n", metadata:null,
        client_msg_id:null, reply_to_message_id:null, file_ids:null, is_encrypted:null}')"; keep s4
    # 403 for a non-member, 404 for no conversation; neither publishes
    sendmsg c "${C_ID[g]}" "intruder"; keep s5
    sendmsg a "$GHOST" "nobody"; keep s6
    ev_wait send 8
    sleep 0.3
    ev_stop send
    # message.new to both members (the sender too), nothing to c
    check "$T: message.new to a" "4 events" test "$(ev_count send a message.new)" = 4
    check "$T: message.new to b" "4 events" test "$(ev_count send b message.new)" = 4
    check "$T: nothing to the non-member" "no event" test "$(ev_count send c message.new)" = 0
    check "$T: the event carries the message" "data.message_id, data.content" test \
        "$(ev_lines send | awk -F'\t' -v u="user:${U_ID[b]}" '$1 == u { print $2 }' | head -n1 |
           jq -r '[.data.message_id, .data.content, .data.sender_id] | join(" ")')" = "$first hello there ${U_ID[a]}"

    use s1
    expect_status 201
    expect_ok_envelope
    expect_jq '.data as $d | '"$MSG_KEYS"' | all(. as $x | $d | has($x))' "every message field"
    expect_json .data.content '"hello there"'
    expect_json .data.sender_id "\"${U_ID[a]}\""
    expect_json .data.conversation_id "\"${C_ID[g]}\""
    expect_json .data.is_encrypted false
    expect_json .data.message_type '"text"'
    expect_json .data.metadata '{}'
    expect_json .data.reply_to_message_id null
    expect_json .data.file_ids '[]'
    expect_json .data.edited_at null
    expect_json .data.deleted false
    expect_match .data.sent_at "$RE_TIME"
    check "$T: the id is a UUIDv7" "version 7, variant 10" is_v7 "$first"
    # sent_at is the time inside the id (its first 48 bits, in milliseconds)
    local ms=$((16#${first:0:8}${first:9:4}))
    check "$T: sent_at is the time inside the id" "$ms ms" test \
        "$(sql "SELECT (extract(epoch FROM sent_at) * 1000)::bigint FROM messages WHERE message_id = '$first'")" = "$ms"
    use s2
    expect_status 201
    expect_json .data.is_encrypted true
    expect_json .data.message_type '"image"'
    expect_jq '.data.metadata == {"w":640,"h":480,"alt":{"text":"a/b"}}' "metadata kept"
    expect_json .data.reply_to_message_id "\"$first\""
    expect_json .data.sender_id "\"${U_ID[b]}\""
    local second
    second=$(jbody .data.message_id | tr -d '"')
    check "$T: ids increase" "$second > $first" test "$second" \> "$first"
    use s3
    expect_status 201
    expect_json .data.is_encrypted false
    expect_json .data.message_type '"text"'
    use s4
    expect_status 201
    check "$T: last_message_at moved" "conversations.last_message_at = the last sent_at" test \
        "$(sql "SELECT c.last_message_at = m.sent_at FROM conversations c JOIN messages m USING (conversation_id) WHERE m.message_id = '$(jbody .data.message_id | tr -d '"')'")" = t
    use s5
    expect_error 403 FORBIDDEN
    use s6
    expect_error 404 NOT_FOUND

    # wrong types and values: 400 naming the field
    local cid=${C_ID[g]}
    sendbody a '{"content":"x"}'
    expect_error 400 VALIDATION_ERROR; expect_field conversation_id
    sendbody a '{"conversation_id":"not-a-uuid","content":"x"}'
    expect_error 400 VALIDATION_ERROR; expect_field conversation_id
    sendbody a '{"conversation_id":42,"content":"x"}'
    expect_error 400 VALIDATION_ERROR; expect_field conversation_id
    sendbody a "{\"conversation_id\":\"$cid\"}"
    expect_error 400 VALIDATION_ERROR; expect_field content
    sendbody a "{\"conversation_id\":\"$cid\",\"content\":\"\"}"
    expect_error 400 VALIDATION_ERROR; expect_field content
    sendbody a "{\"conversation_id\":\"$cid\",\"content\":123}"
    expect_error 400 VALIDATION_ERROR; expect_field content
    sendbody a "{\"conversation_id\":\"$cid\",\"content\":[\"x\"]}"
    expect_error 400 VALIDATION_ERROR; expect_field content
    sendbody a "{\"conversation_id\":\"$cid\",\"content\":\"x\",\"is_encrypted\":\"yes\"}"
    expect_error 400 VALIDATION_ERROR; expect_field is_encrypted
    sendbody a "{\"conversation_id\":\"$cid\",\"content\":\"x\",\"message_type\":\"sticker\"}"
    expect_error 400 VALIDATION_ERROR; expect_field message_type
    sendbody a "{\"conversation_id\":\"$cid\",\"content\":\"x\",\"message_type\":1}"
    expect_error 400 VALIDATION_ERROR; expect_field message_type
    sendbody a "{\"conversation_id\":\"$cid\",\"content\":\"x\",\"metadata\":\"m\"}"
    expect_error 400 VALIDATION_ERROR; expect_field metadata
    sendbody a "{\"conversation_id\":\"$cid\",\"content\":\"x\",\"metadata\":[1]}"
    expect_error 400 VALIDATION_ERROR; expect_field metadata
    sendbody a "$(jq -nc --arg c "$cid" --arg v "$(head -c 8200 /dev/zero | tr '\0' v)" \
        '{conversation_id:$c, content:"x", metadata:{v:$v}}')"
    expect_error 400 VALIDATION_ERROR; expect_field metadata
    sendbody a "{\"conversation_id\":\"$cid\",\"content\":\"x\",\"client_msg_id\":\"\"}"
    expect_error 400 VALIDATION_ERROR; expect_field client_msg_id
    sendbody a "{\"conversation_id\":\"$cid\",\"content\":\"x\",\"client_msg_id\":\"$(rep k 65)\"}"
    expect_error 400 VALIDATION_ERROR; expect_field client_msg_id
    sendbody a "{\"conversation_id\":\"$cid\",\"content\":\"x\",\"client_msg_id\":\"tab\\there\"}"
    expect_error 400 VALIDATION_ERROR; expect_field client_msg_id
    sendbody a "{\"conversation_id\":\"$cid\",\"content\":\"x\",\"client_msg_id\":\"caf\\u00e9\"}"
    expect_error 400 VALIDATION_ERROR; expect_field client_msg_id
    sendbody a "{\"conversation_id\":\"$cid\",\"content\":\"x\",\"client_msg_id\":7}"
    expect_error 400 VALIDATION_ERROR; expect_field client_msg_id
    sendbody a "{\"conversation_id\":\"$cid\",\"content\":\"x\",\"reply_to_message_id\":\"nope\"}"
    expect_error 400 VALIDATION_ERROR; expect_field reply_to_message_id
    sendbody a "{\"conversation_id\":\"$cid\",\"content\":\"x\",\"file_ids\":\"nope\"}"
    expect_error 400 VALIDATION_ERROR; expect_field file_ids
    sendbody a "{\"conversation_id\":\"$cid\",\"content\":\"x\",\"file_ids\":[\"nope\"]}"
    expect_error 400 VALIDATION_ERROR; expect_field file_ids
    # a reply to a message of another conversation, or to no message: 400
    sendmsg a "${C_ID[h]}" "elsewhere"
    expect_status 201
    local other=$M_LAST
    sendbody a "$(jq -nc --arg c "$cid" --arg r "$other" '{conversation_id:$c, content:"re", reply_to_message_id:$r}')"
    expect_error 400 VALIDATION_ERROR; expect_field reply_to_message_id
    sendbody a "$(jq -nc --arg c "$cid" --arg r "$GHOST" '{conversation_id:$c, content:"re", reply_to_message_id:$r}')"
    expect_error 400 VALIDATION_ERROR; expect_field reply_to_message_id
    # no file is owned by anyone until the files table exists: any file id is refused
    sendbody a "$(jq -nc --arg c "$cid" --arg f "$(uuid)" '{conversation_id:$c, content:"f", file_ids:[$f]}')"
    expect_error 403 FORBIDDEN; expect_field file_ids
    # the order of refusals: membership before the body's references
    sendbody c "$(jq -nc --arg c "$cid" --arg r "$other" '{conversation_id:$c, content:"re", reply_to_message_id:$r}')"
    expect_error 403 FORBIDDEN
    check "$T: refused sends stored nothing" "4 messages in g" test \
        "$(sql "SELECT count(*) FROM messages WHERE conversation_id = '$cid'")" = 4

    # content size: 65536 bytes are accepted, 65537 refused with 413 naming content
    local big
    big=$(head -c 65536 /dev/zero | tr '\0' a)
    jq -nc --arg c "$cid" --arg t "$big" '{conversation_id:$c, content:$t}' >"$SC_WORK/big.json"
    post_raw a "$SC_WORK/big.json"
    expect_status 201
    expect_jq '.data.content | length == 65536' "content of 65536 bytes kept"
    jq -nc --arg c "$cid" --arg t "${big}a" '{conversation_id:$c, content:$t}' >"$SC_WORK/big.json"
    post_raw a "$SC_WORK/big.json"
    expect_error 413 PAYLOAD_TOO_LARGE; expect_field content
    # bytes, not characters: 32768 two-byte characters fit, one more does not
    big=$(head -c 32768 /dev/zero | tr '\0' a | sed 's/a/é/g')
    jq -nc --arg c "$cid" --arg t "$big" '{conversation_id:$c, content:$t}' >"$SC_WORK/big.json"
    post_raw a "$SC_WORK/big.json"
    expect_status 201
    jq -nc --arg c "$cid" --arg t "${big}é" '{conversation_id:$c, content:$t}' >"$SC_WORK/big.json"
    post_raw a "$SC_WORK/big.json"
    expect_error 413 PAYLOAD_TOO_LARGE
    # the largest content with every byte escaped (\u0001: 6 bytes each) fits the body cap
    { printf '{"conversation_id":"%s","content":"' "$cid"
      head -c 65536 /dev/zero | tr '\0' '\001' | sed 's/\x01/\\u0001/g'
      printf '"}'; } >"$SC_WORK/big.json"
    post_raw a "$SC_WORK/big.json"
    expect_status 201
    expect_jq '.data.content | length == 65536' "escaped content of 65536 bytes kept"
    local ctl=$(jbody .data.message_id | tr -d '"')
    msgreq GET "$ctl" a
    expect_status 200
    expect_jq '.data.content == ([range(65536)] | map(1) | implode)' "control characters kept as sent"

    # malformed bodies: invalid UTF-8, not JSON, not an object, wrong media type
    printf '{"conversation_id":"%s","content":"\xff"}' "$cid" >"$SC_WORK/bad.json"
    post_raw a "$SC_WORK/bad.json"
    expect_error 400 VALIDATION_ERROR
    sendbody a '{"conversation_id":'
    expect_error 400 VALIDATION_ERROR
    sendbody a '["x"]'
    expect_error 400 VALIDATION_ERROR
    req POST /v1/messages -H "Authorization: Bearer ${U_AT[a]}" -H 'Content-Type: text/plain' \
        --data-binary "{\"conversation_id\":\"$cid\",\"content\":\"x\"}"
    expect_error 415 UNSUPPORTED_MEDIA_TYPE
    jpost /v1/messages "{\"conversation_id\":\"$cid\",\"content\":\"x\"}"
    expect_error 401 UNAUTHORIZED
    areq PUT /v1/messages "${U_AT[a]}" '{}'
    expect_error 405 METHOD_NOT_ALLOWED
}

test_idempotent() {
    tag i
    t "POST /v1/messages client_msg_id"
    mkuser a; mkuser b
    mkconv g group "Idem $A_RUN" a b
    mkconv g2 group "Idem2 $A_RUN" a b
    local key="k-$A_RUN" id1 kb
    kb=$(jq -nc --arg k "$key" '{client_msg_id:$k}')
    ev_sub idem a b
    sendmsg a "${C_ID[g]}" "once" "$kb"; keep i1
    id1=$M_LAST
    sendmsg a "${C_ID[g]}" "once" "$kb"; keep i2
    # the first message wins, whatever the repeat says
    sendmsg a "${C_ID[g]}" "twice?" "$kb"; keep i3
    # the key is per sender: b may use the same one
    sendmsg b "${C_ID[g]}" "mine" "$kb"; keep i4
    local other=$M_LAST
    # the same key in another conversation is a client bug: 409
    sendmsg a "${C_ID[g2]}" "once" "$kb"; keep i5
    ev_wait idem 4
    sleep 0.3
    ev_stop idem
    check "$T: one message.new per message (a)" "2 events" test "$(ev_count idem a message.new)" = 2
    check "$T: one message.new per message (b)" "2 events" test "$(ev_count idem b message.new)" = 2
    use i1
    expect_status 201
    use i2
    expect_status 200
    expect_json .data.message_id "\"$id1\""
    use i3
    expect_status 200
    expect_json .data.message_id "\"$id1\""
    expect_json .data.content '"once"'
    use i4
    expect_status 201
    check "$T: another sender's key is another message" "a new id" test "$other" != "$id1"
    use i5
    expect_error 409 CONFLICT
    expect_match .error.message client_msg_id

    # 10 concurrent sends with one key: one row, one 201, one message_id
    local pkey="par-$A_RUN" body pids=() i
    body=$(jq -nc --arg c "${C_ID[g]}" --arg k "$pkey" '{conversation_id:$c, content:"race", client_msg_id:$k}')
    for i in $(seq 10); do
        "${CURL[@]}" -o "$SC_WORK/par.$i.body" -w '%{http_code}\n' -H "Authorization: Bearer ${U_AT[a]}" \
            -H 'Content-Type: application/json' --data-binary "$body" "$SC_BASE/v1/messages" \
            >"$SC_WORK/par.$i.code" 2>/dev/null &
        pids+=($!)
    done
    wait "${pids[@]}"
    local codes ids
    codes=$(cat "$SC_WORK"/par.*.code | sort | uniq -c | awk '{ print $2 "x" $1 }' | tr '\n' ' ')
    ids=$(for i in $(seq 10); do jq -r '.data.message_id // "none"' "$SC_WORK/par.$i.body" 2>/dev/null || echo none; done | sort -u)
    check "$T: concurrent: exactly one 201, the rest 200" "201x1 200x9 (got $codes)" \
        test "$codes" = "200x9 201x1 "
    check "$T: concurrent: one message_id in every answer" "one id (got $(echo "$ids" | wc -l))" \
        test "$(echo "$ids" | wc -l)" = 1 -a "$ids" != none
    check "$T: concurrent: one row in PostgreSQL" "1 row" test \
        "$(sql "SELECT count(*) FROM messages WHERE sender_id = '${U_ID[a]}' AND client_msg_id = '$pkey'")" = 1
}

# page_ids: the message ids of the answer's page, one a line
page_ids() { jq -r '.data.messages[].message_id' <"$R_BODY"; }

test_list() {
    tag l
    t "GET /v1/messages"
    mkuser a; mkuser b; mkuser c
    mkconv p group "Pages $A_RUN" a b
    local cid=${C_ID[p]} i sent=() who
    # 25 messages, from both members
    for i in $(seq -w 1 25); do
        who=a; (( 10#$i % 3 == 0 )) && who=b
        sendmsg "$who" "$cid" "m$i"
        [[ $R_STATUS == 201 ]] || fail "$T: send m$i" "201"
        sent+=("$M_LAST")
    done
    # newest first: the ids in reverse order of sending
    local want
    want=$(printf '%s\n' "${sent[@]}" | tac)
    check "$T: ids are UUIDv7" "all version 7" bash -c \
        'for id in "$@"; do [[ $id =~ ^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab] ]] || exit 1; done' _ "${sent[@]}"
    check "$T: ids increase in the order of sending" "sorted ids = sent order" test \
        "$(printf '%s\n' "${sent[@]}" | LC_ALL=C sort)" = "$(printf '%s\n' "${sent[@]}")"

    # limit 10 with page_state: 10, 10, 5
    local got="" ps="" n=0
    listp a "conversation_id=$cid&limit=10"
    expect_status 200
    expect_ok_envelope
    expect_json '.data.messages | length' 10
    expect_json '.data.messages[0].content' '"m25"'
    expect_json .data.has_more true
    expect_jq '.data.next_page_state | type == "string" and length > 0' "next_page_state set"
    expect_jq '.data.next_cursor == .data.next_page_state' "next_cursor = next_page_state"
    # the cursor format the benchmark builds: kind "messages", one field, the last message_id
    ps=$(jbody .data.next_page_state | tr -d '"')
    check "$T: cursor is messages + last id" "messages\\n<10th id>" test \
        "$(b64url_d "$ps")" = "$(printf 'messages\n%s' "$(page_ids | tail -n1)")"
    got+=$(page_ids)$'\n'
    while [[ $(jbody .data.has_more) == true && $n -lt 10 ]]; do
        n=$((n + 1))
        listp a "conversation_id=$cid&limit=10&page_state=$ps"
        expect_status 200
        got+=$(page_ids)$'\n'
        ps=$(jbody .data.next_page_state | tr -d '"')
    done
    check "$T: limit 10 takes 3 pages" "3 pages" test "$((n + 1))" = 3
    expect_json '.data.messages | length' 5
    expect_json .data.next_page_state '""'
    expect_json .data.next_cursor '""'
    check "$T: page_state pages: no gap, no duplicate, newest first" "all 25 in order" \
        test "$(printf '%s' "$got" | sed '/^$/d')" = "$want"

    # limit 7 with cursor, as b: 7, 7, 7, 4
    got="" n=0
    listp b "conversation_id=$cid&limit=7"
    got+=$(page_ids)$'\n'
    while [[ $(jbody .data.has_more) == true && $n -lt 10 ]]; do
        n=$((n + 1))
        listp b "conversation_id=$cid&limit=7&cursor=$(jbody .data.next_cursor | tr -d '"')"
        expect_status 200
        got+=$(page_ids)$'\n'
    done
    check "$T: limit 7 takes 4 pages" "4 pages" test "$((n + 1))" = 4
    expect_json '.data.messages | length' 4
    expect_json .data.has_more false
    check "$T: cursor pages: no gap, no duplicate, newest first" "all 25 in order" \
        test "$(printf '%s' "$got" | sed '/^$/d')" = "$want"
    # page_state and cursor may both be given when equal
    listp a "conversation_id=$cid&limit=3"
    ps=$(jbody .data.next_page_state | tr -d '"')
    listp a "conversation_id=$cid&limit=3&page_state=$ps&cursor=$ps"
    expect_status 200
    expect_json '.data.messages[0].content' '"m22"'

    # limit (Error 4): a number, 400 on garbage, clamped to 100
    listp a "conversation_id=$cid&limit=1000"
    expect_status 200
    expect_json '.data.messages | length' 25
    for i in abc 0 -1 1.5 ''; do
        listp a "conversation_id=$cid&limit=$i"
        expect_error 400 VALIDATION_ERROR; expect_field limit
    done
    listp a "conversation_id=$cid"
    expect_json '.data.messages | length' 20
    # cursors that are not ours
    listp a "conversation_id=$cid&page_state=!!!"
    expect_error 400 VALIDATION_ERROR; expect_field page_state
    listp a "conversation_id=$cid&cursor=$(printf 'users.search\n0.5\n%s' "${sent[0]}" | b64url)"
    expect_error 400 VALIDATION_ERROR; expect_field cursor
    listp a "conversation_id=$cid&cursor=$(printf 'messages\nnot-a-uuid' | b64url)"
    expect_error 400 VALIDATION_ERROR; expect_field cursor
    listp a "conversation_id=$cid&cursor=$(printf 'messages\n%s\n%s' "${sent[0]}" "${sent[1]}" | b64url)"
    expect_error 400 VALIDATION_ERROR; expect_field cursor
    listp a "conversation_id=$cid&page_state=$ps&cursor=$(printf 'messages\n%s' "${sent[0]}" | b64url)"
    expect_error 400 VALIDATION_ERROR; expect_field page_state
    # a hand-made cursor only moves the start: still this conversation, still after the id
    listp a "conversation_id=$cid&limit=2&cursor=$(printf 'messages\n%s' "${sent[4]}" | b64url)"
    expect_status 200
    expect_json '[.data.messages[].content]' '["m04","m03"]'

    # membership: 403 for others, 404 for no conversation; conversation_id required
    listp c "conversation_id=$cid"
    expect_error 403 FORBIDDEN
    listp a "conversation_id=$GHOST"
    expect_error 404 NOT_FOUND
    listp a "limit=10"
    expect_error 400 VALIDATION_ERROR; expect_field conversation_id
    listp a "conversation_id=nope"
    expect_error 400 VALIDATION_ERROR; expect_field conversation_id
    # an empty conversation
    mkconv e group "Empty $A_RUN" a
    listp a "conversation_id=${C_ID[e]}"
    expect_status 200
    expect_json .data '{"messages":[],"next_page_state":"","next_cursor":"","has_more":false}'
    req HEAD "/v1/messages?conversation_id=$cid" -H "Authorization: Bearer ${U_AT[a]}"
    expect_status 200
}

# The list statement of cgi-bin/messages/messages.c (SQL_PAGE) reads a page deep in a long
# history from an index: no sort, the cursor an index condition, no scan of the rows before the
# position, and not the other conversations' messages either (neither for a conversation with
# few messages among many, nor for one with most of them that was not the last active). The
# statement is repeated here; keep the two in step.
page_plan() {
    local uid=$1 cid=$2 after=$3
    sql "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
        WITH acc AS (SELECT c.conversation_id, c.type, p.role, p.user_id IS NOT NULL AS member
          FROM conversations c LEFT JOIN conversation_participants p
            ON p.conversation_id = c.conversation_id AND p.user_id = '$uid'
          WHERE c.conversation_id = '$cid')
        SELECT acc.member, m.* FROM acc LEFT JOIN LATERAL (
          SELECT * FROM messages m WHERE acc.member
            AND m.conversation_id = ANY (ARRAY['$cid'::uuid]) AND m.message_id < '$after'::uuid
          ORDER BY m.conversation_id, m.message_id DESC LIMIT 21) m ON true" >"$SC_WORK/plan.txt"
}

# plan_ok WHAT: the plan in plan.txt reads the page of 21 from an index
plan_ok() {
    check "$T: $1: no sort" "no Sort node" bash -c '! grep -q Sort "$1"' _ "$SC_WORK/plan.txt"
    check "$T: $1: the cursor is an index condition" "Index Cond with message_id <" \
        grep -Eq 'Index Cond: .*message_id < ' "$SC_WORK/plan.txt"
    check "$T: $1: reads the page only" "an index scan of 21 rows, at most 21 filtered out" \
        bash -c 'grep -Eq "Index (Only )?Scan.* on messages m .*actual rows=21 " "$1" &&
                 awk "/ on messages m / { m = 1 } m && /Rows Removed by Filter/ && \$NF > 21 { bad = 1 }
                      END { exit bad }" "$1"' \
        _ "$SC_WORK/plan.txt"
}

test_list_plan() {
    tag p
    t "GET /v1/messages plan"
    mkuser a
    mkconv busy group "Busy $A_RUN" a
    mkconv rare group "Rare $A_RUN" a
    local uid=${U_ID[a]} mid
    # a time base of its own per run (both servers' runs share the table)
    local base=$((1500000000000 + (RANDOM * 32768 + RANDOM) * 50000))
    # 40000 messages with time-ordered ids straight into the table: one in 100 in the rare
    # conversation, the others in the busy one
    sql "INSERT INTO messages (message_id, conversation_id, sender_id, content, sent_at)
         SELECT (lpad(to_hex($base + g), 12, '0') || '7000' || '8000' ||
                 lpad(to_hex(g), 12, '0'))::uuid,
                CASE WHEN g % 100 = 0 THEN '${C_ID[rare]}'::uuid ELSE '${C_ID[busy]}'::uuid END,
                '$uid', 'bulk ' || g, timestamptz 'epoch' + ($base + g) * interval '1 millisecond'
         FROM generate_series(1, 40000) g" >/dev/null
    # the rare conversation was the last active one: its 40 newest messages are newer than
    # any of the busy one's (a backward scan of the primary key for the busy one's first page
    # would walk over them)
    sql "INSERT INTO messages (message_id, conversation_id, sender_id, content, sent_at)
         SELECT (lpad(to_hex($base + 40000 + g), 12, '0') || '7000' || '8000' ||
                 lpad(to_hex(40000 + g), 12, '0'))::uuid, '${C_ID[rare]}'::uuid,
                '$uid', 'late ' || g, timestamptz 'epoch' + ($base + 40000 + g) * interval '1 millisecond'
         FROM generate_series(1, 40) g" >/dev/null
    sql "ANALYZE messages" >/dev/null
    mid=$(sql "SELECT message_id FROM messages WHERE conversation_id = '${C_ID[rare]}' AND content = 'bulk 20000'")
    page_plan "$uid" "${C_ID[busy]}" "$mid"
    cp "$SC_WORK/plan.txt" "$SC_WORK/plan.busy.txt"
    plan_ok "deep page, busy conversation"
    page_plan "$uid" "${C_ID[rare]}" "$mid"
    cp "$SC_WORK/plan.txt" "$SC_WORK/plan.rare.txt"
    plan_ok "deep page, rare conversation"
    page_plan "$uid" "${C_ID[rare]}" ffffffff-ffff-ffff-ffff-ffffffffffff
    plan_ok "first page, rare conversation"
    page_plan "$uid" "${C_ID[busy]}" ffffffff-ffff-ffff-ffff-ffffffffffff
    plan_ok "first page, busy conversation"
    # and through the program: the pages after the middle id
    listp a "conversation_id=${C_ID[busy]}&limit=3&cursor=$(printf 'messages\n%s' "$mid" | b64url)"
    expect_status 200
    expect_json '[.data.messages[].content]' '["bulk 19999","bulk 19998","bulk 19997"]'
    listp a "conversation_id=${C_ID[rare]}&limit=3&cursor=$(printf 'messages\n%s' "$mid" | b64url)"
    expect_status 200
    expect_json '[.data.messages[].content]' '["bulk 19900","bulk 19800","bulk 19700"]'
}

test_get() {
    tag g
    t "GET /v1/messages/:id"
    mkuser a; mkuser b; mkuser c
    mkconv g group "Get $A_RUN" a b
    sendmsg a "${C_ID[g]}" "read me"
    local id=$M_LAST
    msgreq GET "$id" b
    expect_status 200
    expect_ok_envelope
    expect_json .data.message_id "\"$id\""
    expect_json .data.content '"read me"'
    expect_jq '.data as $d | '"$MSG_KEYS"' | all(. as $x | $d | has($x))' "every message field"
    msgreq GET "${id^^}" a
    expect_status 200
    msgreq GET "$id" c
    expect_error 403 FORBIDDEN
    msgreq GET "$GHOST" a
    expect_error 404 NOT_FOUND
    msgreq GET not-a-uuid a
    expect_error 404 NOT_FOUND
    areq GET "/v1/messages/$id" x.y.z
    expect_error 401 UNAUTHORIZED
    areq POST "/v1/messages/$id" "${U_AT[a]}" '{}'
    expect_error 405 METHOD_NOT_ALLOWED
}

test_edit() {
    tag e
    t "PATCH /v1/messages/:id"
    mkuser a; mkuser b; mkuser c
    mkconv g group "Edit $A_RUN" a b
    sendmsg a "${C_ID[g]}" "v1"
    local id=$M_LAST
    ev_sub edit a b c
    msgreq PATCH "$id" a '{"content":"v2"}'; keep e1
    msgreq PATCH "$id" a '{"content":"v3","message_type":"file"}'; keep e2
    # the same text again: no new version, no event
    msgreq PATCH "$id" a '{"content":"v3"}'; keep e3
    # only the sender: 403 for another member and for a non-member; 404 unknown
    msgreq PATCH "$id" b '{"content":"hijack"}'; keep e4
    msgreq PATCH "$id" c '{"content":"hijack"}'; keep e5
    ev_wait edit 4
    sleep 0.3
    ev_stop edit
    check "$T: message.edited to a" "2 events" test "$(ev_count edit a message.edited)" = 2
    check "$T: message.edited to b" "2 events" test "$(ev_count edit b message.edited)" = 2
    check "$T: nothing to the non-member" "no event" test "$(ev_count edit c message.edited)" = 0
    check "$T: the event carries the new text" "data.content v3" test \
        "$(ev_lines edit | awk -F'\t' -v u="user:${U_ID[b]}" '$1 == u { print $2 }' | tail -n1 |
           jq -r '[.type, .data.message_id, .data.content] | join(" ")')" = "message.edited $id v3"
    use e1
    expect_status 200
    expect_json .data.content '"v2"'
    expect_match .data.edited_at "$RE_TIME"
    use e2
    expect_status 200
    expect_json .data.content '"v3"'
    expect_json .data.message_type '"text"'
    local edited
    edited=$(jbody .data.edited_at)
    use e3
    expect_status 200
    expect_json .data.edited_at "$edited"
    check "$T: an unchanged text keeps the history" "2 versions" test \
        "$(sql "SELECT count(*) FROM message_edits WHERE message_id = '$id'")" = 2
    use e4
    expect_error 403 FORBIDDEN
    use e5
    expect_error 403 FORBIDDEN

    # the history: earlier texts, oldest first, each with the time it was replaced
    t "GET /v1/messages/:id/history"
    msgreq GET "$id/history" b
    expect_status 200
    expect_ok_envelope
    expect_json '[.data.versions[].content]' '["v1","v2"]'
    check "$T: edited_at times" "RFC 3339 UTC" jtrue 'all(.data.versions[]; .edited_at | test($re))' \
        --arg re "$RE_TIME"
    expect_jq '.data.versions[0].edited_at < .data.versions[1].edited_at' "versions in order"
    expect_json '.data.versions[1].edited_at' "$edited"
    msgreq GET "$id/history" c
    expect_error 403 FORBIDDEN
    msgreq GET "$GHOST/history" a
    expect_error 404 NOT_FOUND
    msgreq GET "nope/history" a
    expect_error 404 NOT_FOUND
    sendmsg b "${C_ID[g]}" "never edited"
    msgreq GET "$M_LAST/history" a
    expect_status 200
    expect_json .data '{"versions":[]}'

    t "PATCH /v1/messages/:id"
    msgreq PATCH "$GHOST" a '{"content":"x"}'
    expect_error 404 NOT_FOUND
    msgreq PATCH not-a-uuid a '{"content":"x"}'
    expect_error 404 NOT_FOUND
    # content rules as in POST
    msgreq PATCH "$id" a '{}'
    expect_error 400 VALIDATION_ERROR; expect_field content
    msgreq PATCH "$id" a '{"content":""}'
    expect_error 400 VALIDATION_ERROR; expect_field content
    msgreq PATCH "$id" a '{"content":5}'
    expect_error 400 VALIDATION_ERROR; expect_field content
    jq -nc --arg t "$(head -c 65537 /dev/zero | tr '\0' a)" '{content:$t}' >"$SC_WORK/big.json"
    req PATCH "/v1/messages/$id" -H "Authorization: Bearer ${U_AT[a]}" \
        -H 'Content-Type: application/json' --data-binary @"$SC_WORK/big.json"
    expect_error 413 PAYLOAD_TOO_LARGE; expect_field content
    jq -nc --arg t "$(head -c 65536 /dev/zero | tr '\0' a)" '{content:$t}' >"$SC_WORK/big.json"
    req PATCH "/v1/messages/$id" -H "Authorization: Bearer ${U_AT[a]}" \
        -H 'Content-Type: application/json' --data-binary @"$SC_WORK/big.json"
    expect_status 200
    check "$T: nothing stored by refused edits" "3 versions" test \
        "$(sql "SELECT count(*) FROM message_edits WHERE message_id = '$id'")" = 3

    # the edit window (MESSAGE_EDIT_WINDOW_SECONDS, default 900): move the message back
    local win
    win=$(cfgval MESSAGE_EDIT_WINDOW_SECONDS); win=${win:-900}
    sql "UPDATE messages SET sent_at = sent_at - make_interval(secs => $win + 60) WHERE message_id = '$id'" >/dev/null
    msgreq PATCH "$id" a '{"content":"too late"}'
    expect_error 409 CONFLICT
    expect_match .error.message 'edit window'
    sql "UPDATE messages SET sent_at = now() - make_interval(secs => $win - 60) WHERE message_id = '$id'" >/dev/null
    msgreq PATCH "$id" a '{"content":"just in time"}'
    expect_status 200

    # at most 20 edits of one message
    sendmsg a "${C_ID[g]}" "e0"
    local many=$M_LAST i codes=""
    for i in $(seq 1 20); do
        msgreq PATCH "$many" a "{\"content\":\"e$i\"}"
        codes+="$R_STATUS "
    done
    check "$T: 20 edits" "twenty 200s" test "$codes" = "$(printf '200 %.0s' $(seq 20))"
    msgreq PATCH "$many" a '{"content":"e21"}'
    expect_error 409 CONFLICT
    msgreq GET "$many/history" a
    expect_json '.data.versions | length' 20
    expect_json '.data.versions[0].content' '"e0"'
}

test_delete() {
    tag d
    t "DELETE /v1/messages/:id"
    mkuser a; mkuser b; mkuser c; mkuser d
    mkconv g group "Delete $A_RUN" a b d
    sendmsg b "${C_ID[g]}" "secret" '{"metadata":{"k":"v"}}'
    local id=$M_LAST
    msgreq PATCH "$id" b '{"content":"secret 2"}'
    expect_status 200
    sql "INSERT INTO message_reactions (message_id, user_id, emoji) VALUES ('$id', '${U_ID[a]}', '👍')" >/dev/null
    ev_sub del a b c d
    # not the sender, not an admin: 403; not a member: 403
    msgreq DELETE "$id" d; keep d1
    msgreq DELETE "$id" c; keep d2
    # a group admin may delete another member's message
    msgreq DELETE "$id" a; keep d3
    # again (the sender this time): 200 with the same tombstone, no second event
    msgreq DELETE "$id" b; keep d4
    ev_wait del 3
    sleep 0.3
    ev_stop del
    check "$T: message.deleted to a" "1 event" test "$(ev_count del a message.deleted)" = 1
    check "$T: message.deleted to b" "1 event" test "$(ev_count del b message.deleted)" = 1
    check "$T: message.deleted to d" "1 event" test "$(ev_count del d message.deleted)" = 1
    check "$T: nothing to the non-member" "no event" test "$(ev_count del c message.deleted)" = 0
    check "$T: the event names the message" "{message_id, conversation_id, deleted_at}" test \
        "$(ev_lines del | awk -F'\t' -v u="user:${U_ID[d]}" '$1 == u { print $2 }' | head -n1 |
           jq -c '.data | [keys, .message_id, .conversation_id]')" = \
        "[[\"conversation_id\",\"deleted_at\",\"message_id\"],\"$id\",\"${C_ID[g]}\"]"
    use d1
    expect_error 403 FORBIDDEN
    use d2
    expect_error 403 FORBIDDEN
    use d3
    expect_status 200
    expect_json .data.deleted true
    expect_json .data.message_id "\"$id\""
    expect_match .data.deleted_at "$RE_TIME"
    expect_jq '.data | has("content") | not' "the tombstone has no content"
    local tomb
    tomb=$(jq -c .data <"$R_BODY")
    check "$T: scrubbed in PostgreSQL" "content '', metadata {}, file_ids {}, no edits, no reactions" test \
        "$(sql "SELECT content = '' AND metadata = '{}' AND file_ids = '{}' AND deleted_at IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM message_edits WHERE message_id = '$id')
                  AND NOT EXISTS (SELECT 1 FROM message_reactions WHERE message_id = '$id')
                FROM messages WHERE message_id = '$id'")" = t
    use d4
    expect_status 200
    check "$T: deleting again answers the same tombstone" "$tomb" test "$(jq -c .data <"$R_BODY")" = "$tomb"
    msgreq DELETE "$GHOST" a
    expect_error 404 NOT_FOUND
    msgreq DELETE not-a-uuid a
    expect_error 404 NOT_FOUND
    # a deleted message reads as its tombstone, has no versions and cannot be edited
    msgreq GET "$id" d
    expect_status 200
    check "$T: GET shows the tombstone" "$tomb" test "$(jq -c .data <"$R_BODY")" = "$tomb"
    listp d "conversation_id=${C_ID[g]}"
    expect_jq ".data.messages | map(select(.message_id == \"$id\")) | .[0].deleted == true" \
        "the list shows the tombstone"
    msgreq GET "$id/history" b
    expect_json .data '{"versions":[]}'
    msgreq PATCH "$id" b '{"content":"back"}'
    expect_error 409 CONFLICT
    # the sender may delete their own message; in a direct conversation nobody else may
    mkconv dm direct "" a b
    sendmsg a "${C_ID[dm]}" "oops"
    msgreq DELETE "$M_LAST" b
    expect_error 403 FORBIDDEN
    msgreq DELETE "$M_LAST" a
    expect_status 200
    expect_json .data.deleted true
}

test_block() {
    tag b
    t "POST /v1/messages blocked"
    mkuser a; mkuser b
    mkconv dm direct "" a b
    mkconv g group "Block $A_RUN" a b
    sendmsg a "${C_ID[dm]}" "before"
    expect_status 201
    local before=$M_LAST
    # a blocks b: neither may send in their direct conversation
    sql "INSERT INTO blocked_users (blocker_id, blocked_id) VALUES ('${U_ID[a]}', '${U_ID[b]}')" >/dev/null
    sendmsg a "${C_ID[dm]}" "blocked"
    expect_error 403 FORBIDDEN
    sendmsg b "${C_ID[dm]}" "blocked"
    expect_error 403 FORBIDDEN
    msgreq PATCH "$before" a '{"content":"edited under a block"}'
    expect_error 403 FORBIDDEN
    # a block stops direct messages only; the history stays readable
    sendmsg b "${C_ID[g]}" "in the group"
    expect_status 201
    listp b "conversation_id=${C_ID[dm]}"
    expect_status 200
    expect_json '.data.messages | length' 1
    # unblocked: both may send again
    sql "DELETE FROM blocked_users WHERE blocker_id = '${U_ID[a]}' AND blocked_id = '${U_ID[b]}'" >/dev/null
    sendmsg a "${C_ID[dm]}" "again"
    expect_status 201
    sendmsg b "${C_ID[dm]}" "again"
    expect_status 201
    # the other way round
    sql "INSERT INTO blocked_users (blocker_id, blocked_id) VALUES ('${U_ID[b]}', '${U_ID[a]}')" >/dev/null
    sendmsg a "${C_ID[dm]}" "blocked"
    expect_error 403 FORBIDDEN
    sendmsg b "${C_ID[dm]}" "blocked"
    expect_error 403 FORBIDDEN
    sql "DELETE FROM blocked_users WHERE blocker_id = '${U_ID[b]}'" >/dev/null
    check "$T: refused sends stored nothing" "3 messages in the direct conversation" test \
        "$(sql "SELECT count(*) FROM messages WHERE conversation_id = '${C_ID[dm]}'")" = 3
}

# MSG_TESTS: a subset while developing (e.g. MSG_TESTS="list list_plan")
for f in ${MSG_TESTS:-send idempotent list list_plan get edit delete block}; do
    "test_$f"
done
for n in "${!EV_PID[@]}"; do ev_stop "$n"; done
printf '%s-%s: %d passed, %d failed\n' "$SC_SERVER" "$SUITE" "$SC_PASS" "$SC_FAIL"
[[ $SC_FAIL -eq 0 ]]
