#!/usr/bin/env bash
# Black-box cases for sc-notifyd, the push worker (issue 9 item 3; docs/sc-notifyd.8), once per
# web server. The suite starts its own fake push services (tests/push/fakepush.mjs: FCM, APNs
# over HTTP/2 and Web Push, which check what the real ones check and log what they accepted)
# with fresh keys (tests/push/keys.sh), and its own sc-notifyd against the stack's PostgreSQL
# and Redis with a copy of the stack's config plus the fake's push.env and quick timings
# (NOTIFYD_CLAIM_IDLE_MS=1000, retries after 50 ms doubling, PUSH_MAX_ATTEMPTS=3). Both are
# stopped at the end. Jobs come from the API (an encrypted message, a call, a friend request)
# and from XADD (push.test jobs, as POST /v1/push/test queues them); devices are inserted with
# SQL. Flows: one push per event and service for an offline user, none for an online one, a
# muted conversation or a disabled preference (and no notification row), no message text
# anywhere, 410 and FCM 404 UNREGISTERED delete the device, 503 then 200 delivered once,
# PUSH_MAX_ATTEMPTS failures dead-lettered, a call past CALL_RING_SECONDS missed once
# (call.missed, missed_call push), a mail of the outbox delivered, and SIGKILL mid-batch then a
# restart: every job delivered to every device exactly once as the fake records them.
#
# Environment: SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP (see cases.sh), SC_MAILDEV_PORT
# (run.sh), SC_PORT_LO/SC_PORT_HI (the fake's ports); SC_VERBOSE=1.
# Last line: "<server>-notifyd: N passed, M failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=notifyd

# shellcheck source=suite.sh
. "$HERE/suite.sh"
# shellcheck source=../../scripts/svc.sh
. "$HERE/../../scripts/svc.sh"

NBIN=$SC_BUILD/notifyd/sc-notifyd
PUSH=$SC_WORK/push ND=$SC_WORK/nd NCONF=$SC_WORK/notifyd.conf FKLOG=$SC_WORK/fk.json
MAILDEV=http://127.0.0.1:${SC_MAILDEV_PORT:?run.sh sets SC_MAILDEV_PORT}
MAX_ATTEMPTS=3

stop_all() {
    sc_notifyd_down "$ND" 2>/dev/null
    sc_stop_pidfile "$SC_WORK/fake.pid" fakepush 5
    for n in "${!EV_PID[@]}"; do ev_stop "$n"; done
}
trap stop_all EXIT

# fk METHOD PATH [JSON]: the fake's control API
fk() {
    if [[ -n ${3:-} ]]; then
        curl -s --max-time 5 -X "$1" -H 'Content-Type: application/json' -d "$3" "$FK$2"
    else
        curl -s --max-time 5 -X "$1" "$FK$2"
    fi
}

# fk_until JQ-FILTER [TENTHS]: poll the fake's log until the filter is true (default 10 s);
# the last log read stays in $FKLOG
fk_until() {
    local i
    for ((i = 0; i < ${2:-100}; i++)); do
        curl -s --max-time 5 "$FK/log" >"$FKLOG" && jq -e "$1" "$FKLOG" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

# ok(TOKEN) in a jq filter: the accepted pushes to TOKEN (FCM/APNs token, Web Push endpoint)
JQ_OK='def ok($t): [.entries[] | select(.token == $t and (.status == 200 or .status == 201))];'

# nd_start: sc-notifyd from the suite's copy of the binary and config
nd_start() {
    sc_notifyd_up "$ND" "$NCONF" "$SC_WORK/sc-notifyd" 2>>"$SC_WORK/nd-start.err"
}

# apns_tok: a random 64-hex-digit APNs device token
apns_tok() {
    local s="" i
    for ((i = 0; i < 8; i++)); do s+=$(printf '%08x' $(((RANDOM << 15 | RANDOM) & 0xffffffff))); done
    printf '%s' "$s"
}

setup() {
    local out i
    t "setup"
    if [[ ! -x $NBIN ]]; then
        fail "$T: sc-notifyd built" "$NBIN (make builds it once lib/sc_push_send.c is in the tree)"
        return 1
    fi
    install -m 0755 "$NBIN" "$SC_WORK/sc-notifyd"
    FP=$(sc_free_port) && CP=$(sc_free_port "$FP") || { fail "$T: ports" "two free ports"; return 1; }
    FK=http://127.0.0.1:$CP
    if ! bash "$HERE/../push/keys.sh" "$PUSH" "$FP" >"$SC_WORK/keys.log" 2>&1; then
        fail "$T: keys.sh" "the fake's keys ($(tail -n 2 "$SC_WORK/keys.log"))"
        return 1
    fi
    chmod 0755 "$PUSH"
    node "$HERE/../push/fakepush.mjs" --keys "$PUSH" --port "$FP" --control-port "$CP" \
        --pid-file "$SC_WORK/fake.pid" </dev/null >"$SC_WORK/fake.out" 2>&1 &
    for ((i = 0; i < 100; i++)); do
        [[ $(curl -s --max-time 2 "$FK/health" 2>/dev/null) == *true* ]] && break
        sleep 0.1
    done
    [[ -s $SC_WORK/fake.pid ]] || echo $! >"$SC_WORK/fake.pid"
    check "$T: fakepush up" "GET /health answers ($(tail -n 3 "$SC_WORK/fake.out"))" [ "$i" -lt 100 ]
    { cat "$SC_CONFIG" "$PUSH/push.env"
      echo "NOTIFYD_CLAIM_IDLE_MS=1000"
      echo "NOTIFYD_RETRY_BASE_MS=50"
      echo "NOTIFYD_RETRY_MAX_MS=400"
      echo "PUSH_MAX_ATTEMPTS=$MAX_ATTEMPTS"; } >"$NCONF"
    sc_secure_config "$NCONF"
    run_cmd env -i SC_CONFIG="$NCONF" PATH="$PATH" "$SC_WORK/sc-notifyd" -t
    expect_rc 0
    check "$T: -t says every service is on" "configuration ok (fcm on, apns on, web on)" \
        grep -qF "configuration ok (fcm on, apns on, web on)" "$C_OUT"
    # the stream is ours: jobs the other suites queued for their offline users are dropped
    rcli DEL push:jobs push:retry push:dead >/dev/null
    if nd_start; then ok "$T: sc-notifyd up"; else fail "$T: sc-notifyd up" "started ($(tail -n 3 "$SC_WORK/nd-start.err"))"; return 1; fi

    mkuser a "Alice $A_RUN"
    # the others never log in: rows written directly (the statement reads display_name)
    out=$(sql "INSERT INTO users (email, username, password_hash, display_name)
               SELECT 'nd.' || k || '.$A_RUN@example.test', 'nd_${A_RUN}_' || k, 'x', 'User ' || k
               FROM unnest(ARRAY['b','c','m','p','e','f','g','k']) k
               RETURNING substr(username, length('nd_${A_RUN}_') + 1) || ' ' || user_id")
    while read -r k id; do U_ID[$k]=$id; done <<<"$out"
    check "$T: users" "8 users inserted" [ -n "${U_ID[k]:-}" ]
    mkconv g group "Push $A_RUN" a b c m p
    SUB=$(fk POST /subscriptions '{}')
    jq -r '.id, .endpoint, .keys.p256dh, .keys.auth' <<<"$SUB" >"$SC_WORK/sub"
    { read -r WEB_ID; read -r WEB_EP; read -r WEB_P; read -r WEB_A; } <"$SC_WORK/sub"
    B_FCM=fcm-b-$A_RUN B_APNS=$(apns_tok) C_FCM=fcm-c-$A_RUN M_FCM=fcm-m-$A_RUN P_FCM=fcm-p-$A_RUN
    E_APNS=$(apns_tok) E_FCM=fcm-e-$A_RUN F_FCM=fcm-f-$A_RUN G_FCM=fcm-g-$A_RUN
    K_FCM=fcm-k-$A_RUN K_APNS=$(apns_tok)
    b64() { printf "decode(rpad(translate('%s', '-_', '+/'), (length('%s') + 3) / 4 * 4, '='), 'base64')" "$1" "$1"; }
    if sql "INSERT INTO push_devices (user_id, type, platform, token, p256dh, auth_secret) VALUES
              ('${U_ID[b]}', 'fcm', 'android', '$B_FCM', NULL, NULL),
              ('${U_ID[b]}', 'apns', 'ios', '$B_APNS', NULL, NULL),
              ('${U_ID[b]}', 'web', 'web', '$WEB_EP', $(b64 "$WEB_P"), $(b64 "$WEB_A")),
              ('${U_ID[c]}', 'fcm', 'android', '$C_FCM', NULL, NULL),
              ('${U_ID[m]}', 'fcm', 'android', '$M_FCM', NULL, NULL),
              ('${U_ID[p]}', 'fcm', 'android', '$P_FCM', NULL, NULL),
              ('${U_ID[e]}', 'apns', 'ios', '$E_APNS', NULL, NULL),
              ('${U_ID[e]}', 'fcm', 'android', '$E_FCM', NULL, NULL),
              ('${U_ID[f]}', 'fcm', 'android', '$F_FCM', NULL, NULL),
              ('${U_ID[g]}', 'fcm', 'android', '$G_FCM', NULL, NULL),
              ('${U_ID[k]}', 'fcm', 'android', '$K_FCM', NULL, NULL),
              ('${U_ID[k]}', 'apns', 'ios', '$K_APNS', NULL, NULL);
            INSERT INTO notification_mutes (user_id, conversation_id) VALUES ('${U_ID[m]}', '${C_ID[g]}');
            INSERT INTO notification_preferences (user_id, message_enabled) VALUES ('${U_ID[p]}', false);
            INSERT INTO mail_outbox (template, to_addr, subject, body_text, expires_at)
            VALUES ('test', 'nd.mail.$A_RUN@example.test', 'Outbox $A_RUN', 'hello', now() + interval '1 hour')" >/dev/null; then
        ok "$T: devices, mute, preference, a mail in the outbox"
    else
        fail "$T: devices, mute, preference, a mail in the outbox" "inserted ($(cat "$SC_WORK/psql.err"))"
    fi
    rcli SET "presence:${U_ID[c]}" 1 EX 120 >/dev/null
    # the fake's scripts: gone devices, a 503 once, a 503 always
    fk POST /script "{\"token\":\"$E_APNS\",\"status\":410}" >/dev/null
    fk POST /script "{\"token\":\"$E_FCM\",\"status\":404}" >/dev/null
    fk POST /script "{\"token\":\"$F_FCM\",\"status\":503,\"times\":1,\"retry_after\":0}" >/dev/null
    fk POST /script "{\"token\":\"$G_FCM\",\"status\":503}" >/dev/null
}

# a's encrypted message, call and friend request for b; push.test jobs for e, f, g
test_events() {
    local body n ok_b
    t "events for an offline user"
    body="{\"conversation_id\":\"${C_ID[g]}\",\"content\":\"SECRET-$A_RUN\",\"is_encrypted\":true}"
    areq POST /v1/messages "${U_AT[a]}" "$body"
    expect_status 201
    areq POST /v1/calls/initiate "${U_AT[a]}" "{\"call_type\":\"video\",\"conversation_id\":\"${C_ID[g]}\"}"
    expect_status 201
    jr_into CALL .data.call_id ""
    areq POST "/v1/users/${U_ID[b]}/friend" "${U_AT[a]}"
    expect_status 201
    printf 'XADD push:jobs * user %s type push.test data {} event "" ts t\n' "${U_ID[e]}" "${U_ID[f]}" \
        "${U_ID[g]}" | rcli >/dev/null
    # b: message, call, friend request on each service
    ok_b="$JQ_OK [ok(\"$B_FCM\"), ok(\"$B_APNS\"), ok(\"$WEB_EP\")] | all(length >= 3)"
    if fk_until "$ok_b"; then ok "$T: pushes arrived"; else fail "$T: pushes arrived" "3 pushes on each of b's devices"; fi
    n=$(jq -r "$JQ_OK [ok(\"$B_FCM\"), ok(\"$B_APNS\"), ok(\"$WEB_EP\")] | map([.[].job_id] | unique | length) | join(\",\")" "$FKLOG")
    check "$T: one push per event and service" "3,3,3 distinct jobs on fcm,apns,web (got $n)" [ "$n" = 3,3,3 ]
    n=$(jq -r "[.entries[] | select(.token == \"$B_APNS\" and .headers[\"apns-priority\"] == \"10\")] | length" "$FKLOG")
    check "$T: the call is urgent on APNs" "an apns-priority 10 push (got $n)" [ "$n" -ge 1 ]
    n=$(jq -r "[.entries[] | select(.token == \"$WEB_EP\") | .plaintext // \"\" | select(test(\"New message\"))] | length" "$FKLOG")
    check "$T: the web push decrypts to the fixed text" "a Web Push plaintext with \"New message\" (got $n)" [ "$n" = 1 ]
    t "no push and no row: online, muted, preference off"
    n=$(jq -r "$JQ_OK [ok(\"$C_FCM\"), ok(\"$M_FCM\"), [ok(\"$P_FCM\")[] | select(.payload.data.type == \"message.new\")]] | map(length) | join(\",\")" "$FKLOG")
    check "$T: no push for c (online), m (muted), p's message" "0,0,0 (got $n)" [ "$n" = 0,0,0 ]
    n=$(sql "SELECT string_agg(x::text, ',' ORDER BY o) FROM (VALUES
              (1, (SELECT count(*) FROM notifications WHERE user_id = '${U_ID[c]}')),
              (2, (SELECT count(*) FROM notifications WHERE user_id = '${U_ID[m]}')),
              (3, (SELECT count(*) FROM notifications WHERE user_id = '${U_ID[p]}' AND type = 'message')),
              (4, (SELECT count(*) FROM notifications WHERE user_id = '${U_ID[b]}')),
              (5, (SELECT count(*) FROM notifications WHERE user_id = '${U_ID[b]}' AND title = 'Alice $A_RUN'
                      AND body IN ('New message', 'Incoming video call', 'Friend request')))) v(o, x)")
    check "$T: rows" "c 0, m 0, p's message 0, b 3 titled with a's name (got $n)" [ "$n" = 0,0,0,3,3 ]
    t "encrypted message: no text"
    check "$T: not in any push" "SECRET-$A_RUN absent from the fake's log" \
        bash -c "! curl -s --max-time 5 '$FK/log' | grep -qF 'SECRET-$A_RUN'"
    n=$(sql "SELECT count(*) FROM notifications WHERE (title || body || data::text) LIKE '%SECRET-$A_RUN%'")
    check "$T: not in any row" "0 rows with the text (got $n)" [ "$n" = 0 ]
}

test_outcomes() {
    local n
    t "gone devices"
    fk_until "$JQ_OK ok(\"$F_FCM\") | length >= 1" 50 >/dev/null
    n=$(sql "SELECT count(*) FROM push_devices WHERE token IN ('$E_APNS', '$E_FCM')")
    check "$T: 410 (APNs) and 404 UNREGISTERED (FCM) deleted both" "0 devices left (got $n)" [ "$n" = 0 ]
    t "503 then 200"
    n=$(jq -r "[.entries[] | select(.token == \"$F_FCM\") | .status] | map(tostring) | join(\",\")" "$FKLOG")
    check "$T: retried and delivered once" "statuses 503,200 (got $n)" [ "$n" = 503,200 ]
    t "dead letter after PUSH_MAX_ATTEMPTS"
    for ((n = 0; n < 50; n++)); do
        rcli XRANGE push:dead - + | grep -qF "${U_ID[g]}" && break
        sleep 0.1
    done
    n=$(curl -s --max-time 5 "$FK/log" | jq -r "[.entries[] | select(.token == \"$G_FCM\") | .status] | length")
    check "$T: $MAX_ATTEMPTS tries" "$MAX_ATTEMPTS answers of 503 (got $n)" [ "$n" = "$MAX_ATTEMPTS" ]
    check "$T: on push:dead" "an entry for g's job with its device" \
        bash -c "REDISCLI_AUTH='$A_REDIS_PASSWORD' redis-cli --no-auth-warning -h '$A_REDIS_HOST' -p '$A_REDIS_PORT' \
                 XRANGE push:dead - + | tr '\n' ' ' | grep -qE 'user ${U_ID[g]} type push.test device [0-9a-f-]{36} attempts $MAX_ATTEMPTS'"
}

test_missed() {
    local n
    t "missed call"
    ev_sub mc a
    sql "UPDATE calls SET started_at = started_at - make_interval(secs => $(cfgval CALL_RING_SECONDS | grep . || echo 60) + 1)
         WHERE call_id = '$CALL'" >/dev/null
    if fk_until "$JQ_OK [ok(\"$B_FCM\"), ok(\"$B_APNS\"), ok(\"$WEB_EP\")] | all(length >= 4)" 60; then
        ok "$T: a missed-call push on each of b's devices"
    else
        fail "$T: a missed-call push on each of b's devices" "a 4th push to b's fcm, apns and web"
    fi
    ev_wait mc 1
    n=$(sql "SELECT status || ',' || (SELECT count(*) FROM notifications WHERE user_id = '${U_ID[b]}' AND type = 'missed_call'
                                       AND body = 'Missed video call') FROM calls WHERE call_id = '$CALL'")
    check "$T: marked missed, b's row" "missed,1 (got $n)" [ "$n" = missed,1 ]
    n=$(rcli XRANGE "events:user:${U_ID[a]}" - + | grep -c '^call\.missed$')
    check "$T: one call.missed event to the caller" "1 (got $n)" [ "$n" = 1 ]
    n=$(ev_lines mc | grep -c '"type":"call.missed".*"status":"missed"')
    check "$T: published live with the call object" "one call.missed with data.call.status missed (got $n)" [ "$n" = 1 ]
    ev_stop mc
}

# SIGKILL while the APNs pushes of 50 jobs hang at the fake (every push to that token waits 8 s,
# then 503, until the script is dropped: a push libcurl repeats or the worker retries hangs
# too), after their FCM pushes were served; a restart reclaims the jobs (idle 1 s)
test_kill() {
    local n pid i
    t "SIGKILL mid-batch, restart"
    fk POST /script "{\"token\":\"$K_APNS\",\"status\":503,\"delay_ms\":8000}" >/dev/null
    for ((i = 0; i < 50; i++)); do
        printf "XADD push:jobs * user %s type push.test data '{\"title\":\"k%s\"}' event '' ts t\n" "${U_ID[k]}" "$i"
    done | rcli >/dev/null
    fk_until "$JQ_OK ok(\"$K_FCM\") | length >= 50" 100 || true
    for ((i = 0; i < 50; i++)); do
        n=$(rcli XPENDING push:jobs notifyd | head -n1)
        [[ $n == 50 ]] && break
        sleep 0.1
    done
    pid=$(head -n1 "$ND/notifyd.pid" 2>/dev/null)
    check "$T: the jobs are held when the worker dies" "50 pending (got $n)" [ "$n" = 50 ]
    kill -KILL "$pid" 2>/dev/null
    sc_wait_exit "$pid" 5
    rm -f "$ND/notifyd.pid"
    fk POST /unscript "{\"token\":\"$K_APNS\"}" >/dev/null
    if nd_start; then ok "$T: restarted"; else fail "$T: restarted" "sc-notifyd up again"; fi
    if fk_until "$JQ_OK ok(\"$K_APNS\") | length >= 50" 100; then ok "$T: every job reached APNs"
    else fail "$T: every job reached APNs" "50 accepted APNs pushes"; fi
    n=$(jq -r "$JQ_OK [ok(\"$K_FCM\"), ok(\"$K_APNS\")] | map(length, ([.[].job_id] | unique | length)) | join(\",\")" "$FKLOG")
    check "$T: each job once per device" "50 accepted pushes for 50 jobs on fcm and apns: 50,50,50,50 (got $n)" [ "$n" = 50,50,50,50 ]
    for ((i = 0; i < 30; i++)); do
        n=$(rcli XPENDING push:jobs notifyd | head -n1)
        [[ $n == 0 ]] && break
        sleep 0.1
    done
    n=$n,$(sql "SELECT count(*) FROM notifications WHERE user_id = '${U_ID[k]}'")
    check "$T: all acknowledged, one row per job" "0 pending, 50 rows (got $n)" [ "$n" = 0,50 ]
}

test_mail() {
    local n i
    t "mail outbox"
    for ((i = 0; i < 60; i++)); do
        n=$(curl -s --max-time 5 "$MAILDEV/api/email" | jq --arg a "nd.mail.$A_RUN@example.test" \
            '[.[] | select(any(.envelope.to[]?; .address == $a))] | length' 2>/dev/null)
        [[ $n == 1 ]] && break
        sleep 0.2
    done
    check "$T: delivered by sc-notifyd" "one mail to nd.mail.$A_RUN@example.test in maildev (got $n)" [ "$n" = 1 ]
}

if setup; then
    test_events
    test_outcomes
    test_missed
    test_kill
    test_mail
fi
sc_notifyd_down "$ND"
if grep -qE 'Sanitizer|runtime error:' "$ND/notifyd.log" 2>/dev/null; then
    fail "sanitizers" "no report in sc-notifyd's log"
    grep -hE -A25 'Sanitizer|runtime error:' "$ND/notifyd.log" | head -n 60
fi
SC_SERVER="$SC_SERVER-$SUITE" summary
