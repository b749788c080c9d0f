#!/usr/bin/env bash
# Black-box cases for push devices and the notification center (api.md "Push devices and
# notifications"), and for the push jobs the event publisher queues (lib/sc_events.c,
# lib/sc_push_job.h). Run by tests/integration/run.sh once per web server, against the same
# PostgreSQL and Redis; every user made here carries a run tag.
#
# Notifications are written by sc-notifyd (another program): the rows listed here are inserted
# with one psql call. Jobs are read back from the stream push:jobs with one script per look,
# limited to what was queued after a mark and to this run's users.
#
# Environment: SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP (see cases.sh); SC_VERBOSE=1.
# Last line: "<server>-push: N passed, M failed"; exit 0 only when M is 0.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=push

# shellcheck source=suite.sh
. "$HERE/suite.sh"

MAXDEV=$(cfgval PUSH_MAX_DEVICES); MAXDEV=${MAXDEV:-20}
PERHOUR=$(cfgval PUSH_TEST_PER_HOUR); PERHOUR=${PERHOUR:-10}

# The P-256 base point G (on the curve), padded and not; G with its last byte changed (not on
# the curve); 16 and 15 bytes of auth secret. base64url.
P256_G='BGsX0fLhLEJH-Lzm5WOkQPJ3A32BLeszoPShOUXYmMKWT-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU'
P256_OFF='BGsX0fLhLEJH-Lzm5WOkQPJ3A32BLeszoPShOUXYmMKWT-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfQ'
AUTH16='AAECAwQFBgcICQoLDA0ODw'
AUTH15='AAECAwQFBgcICQoLDA0O'

# websub ENDPOINT P256DH AUTH: a web registration body
websub() {
    printf '{"type":"web","platform":"web","subscription":{"endpoint":"%s","keys":{"p256dh":"%s","auth":"%s"}}}' \
        "$1" "$2" "$3"
}

# ---- push jobs: what was queued after pjobs_mark, as "id user type data event all-fields" lines
# (tab-separated), by one script over XRANGE
# shellcheck disable=SC2016 # Lua
PJOBS_LUA='local out = {}
for _, e in ipairs(redis.call("XRANGE", KEYS[1], ARGV[1], "+")) do
  local f, all = {}, {}
  for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1]; all[#all + 1] = e[2][i] .. "=" .. e[2][i + 1] end
  out[#out + 1] = table.concat({ e[1], f.user or "", f.type or "", f.data or "", f.event or "",
                                 table.concat(all, " ") }, "\t")
end
return table.concat(out, "\n")'
P_MARK=0-0
pjobs_mark() {
    P_MARK=$(rcli XREVRANGE push:jobs + - COUNT 1 | head -n1)
    [[ $P_MARK =~ ^[0-9]+-[0-9]+$ ]] || P_MARK=0-0
}
pjobs() { rcli EVAL "$PJOBS_LUA" 1 push:jobs "($P_MARK" >"$SC_WORK/pjobs"; }
# pjobs_of KEY [TYPE]: the jobs of user KEY (of TYPE) in the last pjobs
pjobs_of() {
    awk -F'\t' -v u="${U_ID[$1]}" -v t="${2:-}" '$2 == u && (t == "" || $3 == t)' "$SC_WORK/pjobs"
}
# expect_jobs KEY TYPE N: exactly N jobs of TYPE for KEY, and no job of another type for KEY
expect_jobs() {
    local n all
    n=$(pjobs_of "$1" "$2" | wc -l); all=$(pjobs_of "$1" | wc -l)
    check "$T: $1 gets $3 $2 job(s)" "$3 $2 jobs for $1 and none else (got $n of $all)" \
        test "$n" = "$3" -a "$all" = "$3"
}

test_setup() {
    t "setup"
    mkuser a; mkuser b; mkuser c; mkuser s "Sender $A_RUN"
    mkconv g group "Push $A_RUN" s c b
    mkconv ac group "Mine $A_RUN" a b
    mkconv cc group "Not mine $A_RUN" c b
}

test_register() {
    local fcm="fcm-$A_RUN-token:APA91b-abcdefghij" apns apns2 body
    apns=$(printf 'AB%.0s' {1..32}) apns2=$(printf 'cd%.0s' {1..32})
    DA=$(uuid)

    t "POST /v1/push/tokens: fcm"
    areq POST /v1/push/tokens "${U_AT[a]}" "{\"type\":\"fcm\",\"platform\":\"android\",\"token\":\"$fcm\"}"
    expect_status 201
    expect_ok_envelope
    expect_match .data.device_id "$RE_UUID"
    expect_json .data.type '"fcm"'
    expect_json .data.platform '"android"'
    expect_match .data.created_at "$RE_TIME"
    jr_into D_FCM .data.device_id ""
    t "POST /v1/push/tokens: the same token again"
    areq POST /v1/push/tokens "${U_AT[a]}" "{\"type\":\"fcm\",\"platform\":\"android\",\"token\":\"$fcm\"}"
    expect_status 200
    expect_json .data.device_id "\"$D_FCM\""

    t "POST /v1/push/tokens: apns with the client's device_id"
    areq POST /v1/push/tokens "${U_AT[a]}" "{\"type\":\"apns\",\"token\":\"$apns\",\"device_id\":\"${DA^^}\"}"
    expect_status 201
    expect_json .data.device_id "\"$DA\""
    expect_json .data.platform '"ios"'
    t "POST /v1/push/tokens: the same device_id with a rotated token"
    areq POST /v1/push/tokens "${U_AT[a]}" "{\"type\":\"apns\",\"platform\":\"ios\",\"token\":\"$apns2\",\"device_id\":\"$DA\"}"
    expect_status 200
    expect_json .data.device_id "\"$DA\""

    t "POST /v1/push/tokens: web, p256dh padded"
    WEB_EP="https://push.example.test/wpush/v2/$A_RUN-endpoint-secret"
    areq POST /v1/push/tokens "${U_AT[a]}" "$(websub "$WEB_EP" "$P256_G=" "$AUTH16==")"
    expect_status 201
    expect_json .data.type '"web"'
    jr_into D_WEB .data.device_id ""
    check "$T: stored keys" "p256dh 65 bytes and auth_secret 16 bytes, the endpoint as token" \
        test "$(sql "SELECT octet_length(p256dh) || ',' || octet_length(auth_secret) || ',' || (token = '$WEB_EP')
                     FROM push_devices WHERE device_id = '$D_WEB'")" = "65,16,true"

    t "GET /v1/push/tokens"
    areq GET /v1/push/tokens "${U_AT[a]}"
    expect_status 200
    expect_json '[.data.devices[].device_id] | sort' "$(printf '%s\n' "$D_FCM" "$DA" "$D_WEB" | sort | jq -Rsc 'split("\n")[:-1]')"
    expect_json '[.data.devices[] | keys] | unique' '[["created_at","device_id","platform","token_hint","type","updated_at"]]'
    expect_json "[.data.devices[] | select(.device_id == \"$D_WEB\") | .token_hint]" '["https://push.example.test"]'
    expect_json "[.data.devices[] | select(.device_id == \"$D_FCM\") | .token_hint]" "[\"...${fcm: -6}\"]"
    expect_json "[.data.devices[] | select(.device_id == \"$DA\") | .token_hint]" "[\"...${apns2: -6}\"]"
    check "$T: no token in full" "none of the tokens (any case) nor the endpoint in the body" \
        eval "! grep -qiF -e '$fcm' -e '$apns2' -e '$WEB_EP' -e '$A_RUN-endpoint' '$R_BODY'"

    # the phone changed accounts: the app sends its token and its device_id again
    t "POST /v1/push/tokens: another user takes the token over"
    areq POST /v1/push/tokens "${U_AT[b]}" "{\"type\":\"fcm\",\"platform\":\"ios\",\"token\":\"$fcm\",\"device_id\":\"$D_FCM\"}"
    expect_status 200
    expect_json .data.device_id "\"$D_FCM\""
    expect_json .data.platform '"ios"'
    areq GET /v1/push/tokens "${U_AT[b]}"
    expect_json '[.data.devices[].device_id]' "[\"$D_FCM\"]"
    areq GET /v1/push/tokens "${U_AT[a]}"
    expect_json '.data.devices | length' 2

    t "POST /v1/push/tokens: another user's device_id"
    areq POST /v1/push/tokens "${U_AT[c]}" "{\"type\":\"apns\",\"token\":\"$apns\",\"device_id\":\"$DA\"}"
    expect_error 403 FORBIDDEN
    check "$T: the device is unchanged" "a's apns device keeps its token" \
        test "$(sql "SELECT user_id || token FROM push_devices WHERE device_id = '$DA'")" = "${U_ID[a]}$apns2"

    t "POST /v1/push/tokens: the caller's device_id takes a token another row holds"
    areq POST /v1/push/tokens "${U_AT[b]}" "{\"type\":\"fcm\",\"platform\":\"android\",\"token\":\"other-$A_RUN-token-xyz\"}"
    jr_into D_OLD .data.device_id ""
    areq POST /v1/push/tokens "${U_AT[b]}" "{\"type\":\"fcm\",\"platform\":\"android\",\"token\":\"other-$A_RUN-token-xyz\",\"device_id\":\"$D_FCM\"}"
    expect_status 200
    expect_json .data.device_id "\"$D_FCM\""
    check "$T: one row left" "the other row deleted, the token on the caller's device" \
        test "$(sql "SELECT string_agg(device_id::text, ',') FROM push_devices WHERE user_id = '${U_ID[b]}'")" = "$D_FCM"
}

test_register_errors() {
    local b
    t "POST /v1/push/tokens: 400 naming the field"
    for b in 'type|{"platform":"android","token":"abcdefghijklmnopq"}' \
             'type|{"type":"gcm","platform":"android","token":"abcdefghijklmnopq"}' \
             'platform|{"type":"fcm","token":"abcdefghijklmnopq"}' \
             'platform|{"type":"apns","platform":"android","token":"'"$(printf 'ab%.0s' {1..32})"'"}' \
             'platform|{"type":"web","platform":"ios","subscription":{}}' \
             'token|{"type":"fcm","platform":"android","token":"short"}' \
             'token|{"type":"apns","token":"'"$(printf 'zz%.0s' {1..32})"'"}' \
             'device_id|{"type":"fcm","platform":"android","token":"abcdefghijklmnopq","device_id":"nope"}' \
             'subscription|{"type":"web"}' \
             "subscription.endpoint|$(websub "http://push.example.test/x" "$P256_G" "$AUTH16")" \
             "subscription.endpoint|$(websub "https:///x" "$P256_G" "$AUTH16")" \
             "subscription.keys.p256dh|$(websub "https://push.example.test/x" "$P256_OFF" "$AUTH16")" \
             "subscription.keys.p256dh|$(websub "https://push.example.test/x" "${P256_G//-/+}" "$AUTH16")" \
             "subscription.keys.auth|$(websub "https://push.example.test/x" "$P256_G" "$AUTH15")"; do
        T="POST /v1/push/tokens: 400 ${b%%|*} (${b#*|})"
        areq POST /v1/push/tokens "${U_AT[c]}" "${b#*|}"
        expect_error 400 VALIDATION_ERROR
        expect_json .error.field "\"${b%%|*}\""
    done
    t "POST /v1/push/tokens: not JSON"
    req POST /v1/push/tokens -H "Authorization: Bearer ${U_AT[c]}" -H 'Content-Type: text/plain' --data-binary x
    expect_error 415 UNSUPPORTED_MEDIA_TYPE
    t "GET /v1/push/tokens: no token"
    req GET /v1/push/tokens
    expect_error 401 UNAUTHORIZED
    t "PUT /v1/push/tokens"
    areq PUT /v1/push/tokens "${U_AT[c]}" '{}'
    expect_error 405 METHOD_NOT_ALLOWED
}

test_cap() {
    t "POST /v1/push/tokens: the cap (PUSH_MAX_DEVICES=$MAXDEV)"
    sql "INSERT INTO push_devices (user_id, type, platform, token)
         SELECT '${U_ID[c]}', 'fcm', 'android', 'cap-$A_RUN-token-' || i FROM generate_series(1, $MAXDEV) i" >/dev/null
    areq POST /v1/push/tokens "${U_AT[c]}" "{\"type\":\"fcm\",\"platform\":\"android\",\"token\":\"cap-$A_RUN-token-new\"}"
    expect_error 409 CONFLICT
    expect_match .error.message "at most $MAXDEV"
    t "POST /v1/push/tokens: at the cap, updating a device is fine"
    areq POST /v1/push/tokens "${U_AT[c]}" "{\"type\":\"fcm\",\"platform\":\"ios\",\"token\":\"cap-$A_RUN-token-1\"}"
    expect_status 200
    t "POST /v1/push/tokens: at the cap, taking over another user's token is refused"
    areq POST /v1/push/tokens "${U_AT[c]}" "{\"type\":\"fcm\",\"platform\":\"ios\",\"token\":\"other-$A_RUN-token-xyz\"}"
    expect_error 409 CONFLICT
}

test_delete() {
    t "DELETE /v1/push/tokens/:device_id: another user's"
    areq DELETE "/v1/push/tokens/$DA" "${U_AT[c]}"
    expect_error 403 FORBIDDEN
    t "DELETE /v1/push/tokens/:device_id"
    areq DELETE "/v1/push/tokens/$DA" "${U_AT[a]}"
    expect_status 200
    expect_json .data "{\"device_id\":\"$DA\",\"deleted\":true}"
    t "DELETE /v1/push/tokens/:device_id: again"
    areq DELETE "/v1/push/tokens/$DA" "${U_AT[a]}"
    expect_error 404 NOT_FOUND
    t "DELETE /v1/push/tokens/:device_id: not a UUID"
    areq DELETE /v1/push/tokens/nope "${U_AT[a]}"
    expect_error 404 NOT_FOUND
    t "DELETE /v1/push/tokens: all of the caller's"
    areq DELETE /v1/push/tokens "${U_AT[c]}"
    expect_status 200
    expect_json .data.deleted "$MAXDEV"
    areq GET /v1/push/tokens "${U_AT[c]}"
    expect_json .data.devices '[]'
    check "$T: other users keep theirs" "a's web device is still there" \
        test "$(sql "SELECT count(*) FROM push_devices WHERE device_id = '$D_WEB'")" = 1
}

test_push_test() {
    local i n=0
    t "POST /v1/push/test"
    pjobs_mark
    areq POST /v1/push/test "${U_AT[a]}" '{"title":"Hello there"}'
    expect_status 202
    expect_match .data.job_id '^[0-9]+-[0-9]+$'
    expect_json .data.devices 1
    pjobs
    expect_jobs a push.test 1
    check "$T: the job" "data {title, body (default)}, event \"\"" \
        test "$(pjobs_of a push.test | cut -f4,5)" = $'{"title":"Hello there","body":"Test notification"}\t'
    t "POST /v1/push/test: no device, no body"
    areq POST /v1/push/test "${U_AT[s]}"
    expect_status 202
    expect_json .data.devices 0
    t "POST /v1/push/test: 400"
    areq POST /v1/push/test "${U_AT[a]}" "{\"title\":\"$(rep x 101)\"}"
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"title"'
    areq POST /v1/push/test "${U_AT[a]}" '{"body":7}'
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"body"'
    t "POST /v1/push/test: PUSH_TEST_PER_HOUR=$PERHOUR"
    for ((i = 1; i < PERHOUR; i++)); do
        areq POST /v1/push/test "${U_AT[a]}"
        [[ $R_STATUS == 202 ]] && n=$((n + 1))
    done
    check "$T: the rest of the hour's tests" "$((PERHOUR - 1)) more times 202 (got $n)" test "$n" = $((PERHOUR - 1))
    areq POST /v1/push/test "${U_AT[a]}"
    expect_error 429 RATE_LIMITED
    expect_header Retry-After '^[1-9][0-9]*$'
}

test_enqueue() {
    local secret="secret text $A_RUN do not push"
    # s writes to c (offline) and b (online) in g; b and c hold no presence otherwise
    t "enqueue: setup"
    areq POST /v1/presence "${U_AT[b]}" '{"online":true}'
    check "$T: b online" "HTTP 200 from POST /v1/presence" test "$R_STATUS" = 200
    rcli DEL "presence:${U_ID[c]}" "presence:${U_ID[s]}" >/dev/null

    t "enqueue: message.new"
    pjobs_mark
    sendmsg s "${C_ID[g]}" "$secret"
    check "$T: sent" "HTTP 201 from POST /v1/messages (got $R_STATUS)" test "$R_STATUS" = 201
    pjobs
    expect_jobs c message.new 1
    expect_jobs s message.new 0
    expect_jobs b message.new 0
    check "$T: the job's data" "{conversation_id, message_id, sender_id, ...} of this message" \
        jq -e --arg c "${C_ID[g]}" --arg m "$M_LAST" --arg s "${U_ID[s]}" \
        '.conversation_id == $c and .message_id == $m and .sender_id == $s' \
        <<<"$(pjobs_of c message.new | cut -f4)" >/dev/null
    check "$T: the job names its event" "event: a stream id" \
        eval '[[ $(pjobs_of c message.new | cut -f5) =~ ^[0-9]+-[0-9]+$ ]]'
    check "$T: no message text in any job" "\"$secret\" nowhere on push:jobs" \
        eval "! grep -qF -e '$secret' -e 'do not push' '$SC_WORK/pjobs'"

    t "enqueue: call.ringing"
    pjobs_mark
    areq POST /v1/calls/initiate "${U_AT[s]}" "{\"call_type\":\"audio\",\"conversation_id\":\"${C_ID[g]}\"}"
    check "$T: rung" "HTTP 201 from POST /v1/calls/initiate (got $R_STATUS)" test "$R_STATUS" = 201
    local call; jr_into call .data.call_id ""
    pjobs
    expect_jobs c call.ringing 1
    expect_jobs s call.ringing 0
    expect_jobs b call.ringing 0
    check "$T: the job's data" "call_id, conversation_id, caller_id, call_type" \
        jq -e --arg i "$call" --arg c "${C_ID[g]}" --arg s "${U_ID[s]}" \
        '.call_id == $i and .conversation_id == $c and .caller_id == $s and .call_type == "audio"' \
        <<<"$(pjobs_of c call.ringing | cut -f4)" >/dev/null

    t "enqueue: contact.request"
    pjobs_mark
    areq POST "/v1/users/${U_ID[c]}/friend" "${U_AT[s]}"
    check "$T: asked" "HTTP 201 from POST /v1/users/:id/friend (got $R_STATUS)" test "$R_STATUS" = 201
    areq POST "/v1/users/${U_ID[b]}/friend" "${U_AT[s]}"
    pjobs
    expect_jobs c contact.request 1
    expect_jobs b contact.request 0
    expect_jobs s contact.request 0
    check "$T: the job's data" "{user_id: the requester}" \
        test "$(pjobs_of c contact.request | cut -f4)" = "{\"user_id\":\"${U_ID[s]}\"}"
}

test_notifications() {
    local ids
    t "notifications: setup"
    # five for a, newest first: n1 unread, n2 read, n3 unread, n4 read, n5 unread; one for c
    ids=$(sql "INSERT INTO notifications (user_id, type, title, body, data, created_at, read_at)
               SELECT '${U_ID[a]}', (ARRAY['message','call','missed_call','friend_request','system'])[i],
                      'Title ' || i, 'Body ' || i, jsonb_build_object('conversation_id', '${C_ID[ac]}', 'i', i),
                      now() - i * interval '1 minute', CASE WHEN i % 2 = 0 THEN now() END
               FROM generate_series(1, 5) i;
               INSERT INTO notifications (user_id, type, title) VALUES ('${U_ID[c]}', 'system', 'Theirs');
               SELECT notification_id FROM notifications WHERE user_id = '${U_ID[a]}' ORDER BY created_at DESC;
               SELECT notification_id FROM notifications WHERE user_id = '${U_ID[c]}';")
    mapfile -t N <<<"$ids"
    check "$T: rows" "six notifications inserted" test "${#N[@]}" = 6

    t "GET /v1/notifications: page 1"
    areq GET "/v1/notifications?limit=3" "${U_AT[a]}"
    expect_status 200
    expect_ok_envelope
    expect_json '[.data.notifications[].notification_id]' "[\"${N[0]}\",\"${N[1]}\",\"${N[2]}\"]"
    expect_json '[.data.notifications[].read]' '[false,true,false]'
    expect_json '.data.notifications[0] | del(.created_at)' \
        "{\"notification_id\":\"${N[0]}\",\"type\":\"message\",\"title\":\"Title 1\",\"body\":\"Body 1\",\"data\":{\"i\":1,\"conversation_id\":\"${C_ID[ac]}\"},\"read\":false,\"read_at\":null}"
    expect_match '.data.notifications[1].read_at' "$RE_TIME"
    expect_json .data.unread_count 3
    expect_json .data.has_more true
    local cur; jr_into cur .data.next_cursor ""
    t "GET /v1/notifications: page 2"
    areq GET "/v1/notifications?limit=3&cursor=$cur" "${U_AT[a]}"
    expect_json '[.data.notifications[].notification_id]' "[\"${N[3]}\",\"${N[4]}\"]"
    expect_json .data.has_more false
    expect_json .data.next_cursor '""'
    t "GET /v1/notifications: unread_only"
    areq GET "/v1/notifications?unread_only=true" "${U_AT[a]}"
    expect_json '[.data.notifications[].notification_id]' "[\"${N[0]}\",\"${N[2]}\",\"${N[4]}\"]"
    t "GET /v1/notifications: 400"
    areq GET "/v1/notifications?unread_only=yes" "${U_AT[a]}"
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"unread_only"'
    areq GET "/v1/notifications?limit=0" "${U_AT[a]}"
    expect_json .error.field '"limit"'
    areq GET "/v1/notifications?cursor=bm9wZQ" "${U_AT[a]}"
    expect_json .error.field '"cursor"'
    t "GET /v1/notifications: no token"
    req GET /v1/notifications
    expect_error 401 UNAUTHORIZED

    t "GET /v1/notifications/count"
    areq GET /v1/notifications/count "${U_AT[a]}"
    expect_json .data '{"unread_count":3}'

    t "POST /v1/notifications/:id/read"
    areq POST "/v1/notifications/${N[0]}/read" "${U_AT[a]}"
    expect_status 200
    expect_json .data.read true
    expect_json .data.unread_count 2
    local at; jr_into at .data.read_at ""
    t "POST /v1/notifications/:id/read: again"
    areq POST "/v1/notifications/${N[0]}/read" "${U_AT[a]}"
    expect_json .data.read_at "\"$at\""
    expect_json .data.unread_count 2
    t "POST /v1/notifications/:id/read: another user's"
    areq POST "/v1/notifications/${N[5]}/read" "${U_AT[a]}"
    expect_error 403 FORBIDDEN
    check "$T: still unread" "c's notification unread" \
        test "$(sql "SELECT read_at IS NULL FROM notifications WHERE notification_id = '${N[5]}'")" = t
    t "POST /v1/notifications/:id/read: none"
    areq POST "/v1/notifications/$(uuid)/read" "${U_AT[a]}"
    expect_error 404 NOT_FOUND

    t "DELETE /v1/notifications/:id"
    areq DELETE "/v1/notifications/${N[2]}" "${U_AT[a]}"
    expect_status 200
    expect_json .data.unread_count 1
    t "DELETE /v1/notifications/:id: again"
    areq DELETE "/v1/notifications/${N[2]}" "${U_AT[a]}"
    expect_error 404 NOT_FOUND
    t "DELETE /v1/notifications/:id: another user's"
    areq DELETE "/v1/notifications/${N[5]}" "${U_AT[a]}"
    expect_error 403 FORBIDDEN

    t "POST /v1/notifications/read-all"
    areq POST /v1/notifications/read-all "${U_AT[a]}"
    expect_status 200
    expect_json .data '{"marked_read":1,"unread_count":0}'
    areq GET /v1/notifications/count "${U_AT[a]}"
    expect_json .data.unread_count 0
    areq GET /v1/notifications/count "${U_AT[c]}"
    expect_json .data.unread_count 1
}

test_preferences() {
    local all_true='"push_enabled":true,"email_enabled":true,"message_enabled":true,"call_enabled":true,"friend_request_enabled":true,"system_enabled":true'
    t "GET /v1/notifications/preferences: defaults"
    areq GET /v1/notifications/preferences "${U_AT[a]}"
    expect_status 200
    expect_json .data "{$all_true,\"muted_conversations\":[]}"

    t "PATCH /v1/notifications/preferences"
    areq PATCH /v1/notifications/preferences "${U_AT[a]}" '{"message_enabled":false,"push_enabled":false,"unknown":1}'
    expect_status 200
    expect_json .data '{"push_enabled":false,"email_enabled":true,"message_enabled":false,"call_enabled":true,"friend_request_enabled":true,"system_enabled":true,"muted_conversations":[]}'
    t "PATCH /v1/notifications/preferences: mute"
    areq PATCH /v1/notifications/preferences "${U_AT[a]}" "{\"push_enabled\":true,\"mute_conversation_id\":\"${C_ID[ac]}\"}"
    expect_status 200
    expect_json .data "{\"push_enabled\":true,\"email_enabled\":true,\"message_enabled\":false,\"call_enabled\":true,\"friend_request_enabled\":true,\"system_enabled\":true,\"muted_conversations\":[\"${C_ID[ac]}\"]}"
    t "PATCH /v1/notifications/preferences: mute, not a member"
    areq PATCH /v1/notifications/preferences "${U_AT[a]}" "{\"system_enabled\":false,\"mute_conversation_id\":\"${C_ID[cc]}\"}"
    expect_error 403 FORBIDDEN
    t "PATCH /v1/notifications/preferences: mute, no such conversation"
    areq PATCH /v1/notifications/preferences "${U_AT[a]}" "{\"mute_conversation_id\":\"$(uuid)\"}"
    expect_error 404 NOT_FOUND
    t "GET /v1/notifications/preferences: after the refusals"
    areq GET /v1/notifications/preferences "${U_AT[a]}"
    expect_json .data.system_enabled true
    expect_json .data.muted_conversations "[\"${C_ID[ac]}\"]"
    expect_json .data.message_enabled false
    t "PATCH /v1/notifications/preferences: unmute"
    areq PATCH /v1/notifications/preferences "${U_AT[a]}" "{\"unmute_conversation_id\":\"${C_ID[ac]}\"}"
    expect_status 200
    expect_json .data.muted_conversations '[]'
    check "$T: stored" "no mute row" \
        test "$(sql "SELECT count(*) FROM notification_mutes WHERE user_id = '${U_ID[a]}'")" = 0

    local b
    for b in 'call_enabled|{"call_enabled":"no"}' 'email_enabled|{"email_enabled":1}' \
             'mute_conversation_id|{"mute_conversation_id":"x"}' 'unmute_conversation_id|{"unmute_conversation_id":5}' \
             'push_enabled|{"unknown":true}'; do
        T="PATCH /v1/notifications/preferences: 400 ${b#*|}"
        areq PATCH /v1/notifications/preferences "${U_AT[a]}" "${b#*|}"
        expect_error 400 VALIDATION_ERROR
        expect_json .error.field "\"${b%%|*}\""
    done
    t "PATCH /v1/notifications/preferences: not JSON"
    req PATCH /v1/notifications/preferences -H "Authorization: Bearer ${U_AT[a]}" -H 'Content-Type: text/plain' --data-binary x
    expect_error 415 UNSUPPORTED_MEDIA_TYPE
}

test_setup
test_register
test_register_errors
test_cap
test_delete
test_push_test
test_enqueue
test_notifications
test_preferences
for n in "${!EV_PID[@]}"; do ev_stop "$n"; done
printf '%s-%s: %d passed, %d failed\n' "$SC_SERVER" "$SUITE" "$SC_PASS" "$SC_FAIL"
[[ $SC_FAIL -eq 0 ]]
