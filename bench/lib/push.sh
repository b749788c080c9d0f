# shellcheck shell=bash
# bench/lib/push.sh: the push bench (docs/benchmarks.md "Push notifications"), sourced by
# bench/run.sh; `BENCH_ONLY=push bench/run.sh` runs it on a stack of its own.
#   bench_push_only BUILD
#       its own PostgreSQL, Redis, fake push services (tests/push/fakepush.mjs with fresh keys)
#       and lighttpd; exit status 0 unless something could not be set up
#
# 1. Pushes per second through one sc-notifyd, per service: SC_BENCH_PUSH_JOBS (3000; Web Push
#    a third of it: each push is an ECDH and an AES-GCM on both sides) message.new jobs, one per
#    user, each user with one device of that service, XADDed in one pipe; then
#    `sc-notifyd --once` drains them (every job's statement, every push, the acknowledgements)
#    and the wall time from its start to its exit gives pushes/s. Checked: every push accepted
#    by the fake, and for APNs how many HTTP/2 sessions carried them (the fake counts them:
#    multiplexing means one or a few). NOTIFYD_CONCURRENCY as configured (64) and 256.
#    The fake runs on the same two cores and verifies every token and decrypts every Web Push
#    body: its share of the CPU is part of the figure.
# 2. The added cost on POST /v1/messages (wrk -t2 -c20, bench/send.lua) of queuing push jobs:
#    a direct conversation and a group of 20, with every recipient online (presence keys set:
#    no job) and offline (one job per recipient, in the publisher's one Lua script), rounds
#    alternating; sc-notifyd is not running (the jobs pile up in the stream). Medians of
#    SC_BENCH_PUSH_ROUNDS (3) rounds of SC_BENCH_DURATION (5s).
# Figures go to build/bench/push-results.txt (key=value) and a printed table.
# Environment: SC_BENCH_PUSH_JOBS (3000), SC_BENCH_PUSH_ROUNDS (3), SC_BENCH_PUSH_SERVICES
# ("fcm apns web"), SC_BENCH_DURATION (5s), SC_BENCH_KEEP_TMP=1 keeps the stack's folder.

_push_log() { printf 'bench: push: %s\n' "$*"; }
_push_now_ns() { date +%s%N; }
_push_median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%d\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
_push_psql() { PGPASSWORD=$SC_STACK_DB_PASSWORD psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$SC_STACK_PG_PORT" -U "$SC_STACK_DB" -d "$SC_STACK_DB" "$@"; }
_push_redis() { REDISCLI_AUTH=$SC_STACK_REDIS_PASSWORD redis-cli --no-auth-warning -p "$SC_STACK_REDIS_PORT" "$@"; }

# SQL that decodes base64url without padding
_push_b64u() { printf "decode(rpad(translate('%s', '-_', '+/'), (length('%s') + 3) / 4 * 4, '='), 'base64')" "$1" "$1"; }

# _push_drain SERVICE N CONCURRENCY: N users with one SERVICE device each, one job each, drained
# by sc-notifyd --once; appends push_<service>_c<conc>_* lines to RESULTS
_push_drain() {
    local svc=$1 n=$2 conc=$3 t0 t1 out sent ms rate sessions accepted tokens dups others
    _push_redis DEL push:jobs push:retry push:dead >/dev/null
    curl -s -X POST "$PUSH_FK/reset" >/dev/null
    # web: every user gets the one subscription (the fake decrypts with its keys); a token is
    # unique, so the endpoint carries the user's number as a query string (the fake ignores it)
    case $svc in
        fcm) tokens="'bench-fcm-' || i" ;;
        apns) tokens="lpad(to_hex(i), 64, '0')" ;;
        web) tokens="'$PUSH_WEB_EP?u=' || i" ;;
    esac
    _push_psql <<SQL >/dev/null || { _push_log "cannot create the devices"; return 1; }
DELETE FROM push_devices;
INSERT INTO push_devices (user_id, type, platform, token, p256dh, auth_secret)
SELECT u.user_id, '$svc', CASE '$svc' WHEN 'fcm' THEN 'android' WHEN 'apns' THEN 'ios' ELSE 'web' END,
       $tokens,
       CASE WHEN '$svc' = 'web' THEN $(_push_b64u "$PUSH_WEB_P") END,
       CASE WHEN '$svc' = 'web' THEN $(_push_b64u "$PUSH_WEB_A") END
FROM (SELECT user_id, row_number() OVER (ORDER BY username) AS i FROM users
      WHERE username LIKE 'pushbench_%') u
WHERE u.i <= $n;
SQL
    awk -v n="$n" -v s="$PUSH_SENDER" -v c="$PUSH_CONV" 'NR <= n {
        printf "XADD push:jobs * user %s type message.new data \x27{\"conversation_id\":\"%s\",\"message_id\":\"00000000-0000-4000-8000-%012d\",\"sender_id\":\"%s\",\"message_type\":\"text\",\"is_encrypted\":true}\x27 event 1-%d ts t\n", $1, c, NR, s, NR
    }' "$PUSH_T/users.txt" | _push_redis >/dev/null
    bench_config_set "$PUSH_CONF" NOTIFYD_CONCURRENCY "$conc"
    t0=$(_push_now_ns)
    out=$(env -i SC_CONFIG="$PUSH_CONF" PATH="$PATH" "$PUSH_BIN" --once 2>>"$PUSH_T/notifyd.log")
    t1=$(_push_now_ns)
    sent=$(sed -n 's/^sc-notifyd: [0-9]* jobs, \([0-9]*\) sent.*/\1/p' <<<"$out")
    ms=$(((t1 - t0) / 1000000))
    rate=$(awk -v s="${sent:-0}" -v ms="$ms" 'BEGIN { if (ms > 0) printf "%d\n", s * 1000 / ms; else print "n/a" }')
    curl -s "$PUSH_FK/log?service=$svc" >"$PUSH_T/fk.json"
    accepted=$(jq '[.entries[] | select(.status == 200 or .status == 201)] | length' "$PUSH_T/fk.json")
    sessions=$(jq '.sessions' "$PUSH_T/fk.json")
    dups=$(jq '[.entries[] | select(.status == 200 or .status == 201) | .job_id] | length - (unique | length)' "$PUSH_T/fk.json")
    others=$(jq -c '[.entries[] | select(.status != 200 and .status != 201) | {status, error}] | group_by(.status) | map({status: .[0].status, n: length, error: .[0].error})' "$PUSH_T/fk.json")
    _push_log "$svc, concurrency $conc: $n jobs, ${sent:-?} sent in $ms ms: $rate pushes/s; the fake accepted $accepted; HTTP/2 sessions $sessions, accepted twice $dups, refused $others ($out)"
    {
        echo "push_${svc}_c${conc}_jobs=$n"
        echo "push_${svc}_c${conc}_sent=${sent:-0}"
        echo "push_${svc}_c${conc}_ms=$ms"
        echo "push_${svc}_c${conc}_per_s=$rate"
        echo "push_${svc}_c${conc}_accepted=$accepted"
        echo "push_${svc}_c${conc}_sessions=$sessions"
        echo "push_${svc}_c${conc}_duplicates=$dups"
    } >>"$RESULTS"
}

# _push_wrk CONV PRESENCE(on|off) -> requests/s of POST /v1/messages into CONV
_push_wrk() {
    local conv=$1 mode=$2 ids=$3 id
    for id in $ids; do
        if [[ $mode == on ]]; then echo "SET presence:$id 1 EX 600"; else echo "DEL presence:$id"; fi
    done | _push_redis >/dev/null
    SC_BENCH_CONV=$conv wrk -t2 -c20 -d"${SC_BENCH_DURATION:-5s}" -H "Authorization: Bearer $PUSH_AT" \
        -s "$SC_ROOT/bench/send.lua" "$PUSH_BASE/v1/messages" >"$PUSH_T/wrk.txt" 2>&1
    awk '/^Requests\/sec:/ { printf "%d\n", $2 }' "$PUSH_T/wrk.txt"
}

bench_push_only() {
    local build=$1 T conf i fp cp n_jobs=${SC_BENCH_PUSH_JOBS:-3000} rounds=${SC_BENCH_PUSH_ROUNDS:-3}
    local f sub members ids direct group r on off kind
    PUSH_BIN=$build/notifyd/sc-notifyd
    for f in "$PUSH_BIN" "$build/tools/sc-admin" "$build/cgi-bin/auth-register.fcgi" \
        "$build/cgi-bin/messages-messages.fcgi" "$build/cgi-bin/conversations-conversations.fcgi"; do
        [[ -x $f ]] || { echo "bench: $f is missing; run make first" >&2; return 1; }
    done
    command -v wrk >/dev/null || { echo "bench: wrk is not installed (scripts/install-deps.sh)" >&2; return 1; }
    T=$(mktemp -d /tmp/sc-bench-push.XXXXXX) || return 1
    chmod 0755 "$T"
    PUSH_T=$T
    # shellcheck disable=SC2064  # T is fixed now
    trap "sc_lighttpd_down '$T/lighttpd'; sc_stop_pidfile '$T/fake.pid' fakepush 5; sc_stack_down '$T';
          if [[ \${SC_BENCH_KEEP_TMP:-0} == 1 ]]; then echo 'bench: kept $T'; else rm -rf '$T'; fi" EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    sc_stack_init "$T" sc_bench || { echo "bench: no free ports" >&2; return 1; }
    conf=$SC_STACK_CONFIG
    bench_config_loose "$conf"
    bench_config_set "$conf" PUSH_STREAM_MAXLEN 10000000
    sc_stack_up "$T" || { echo "bench: PostgreSQL or Redis did not start" >&2; return 1; }
    SC_CONFIG=$conf "$build/tools/sc-admin" migrate --dir "$SC_ROOT/sql" >"$T/migrate.log" 2>&1 ||
        { cat "$T/migrate.log" >&2; return 1; }
    # the fake push services
    fp=$(sc_free_port) && cp=$(sc_free_port "$fp") || return 1
    bash "$SC_ROOT/tests/push/keys.sh" "$T/push" "$fp" >"$T/keys.log" 2>&1 || { cat "$T/keys.log" >&2; return 1; }
    chmod 0755 "$T/push"
    node "$SC_ROOT/tests/push/fakepush.mjs" --keys "$T/push" --port "$fp" --control-port "$cp" \
        --pid-file "$T/fake.pid" </dev/null >"$T/fake.out" 2>&1 &
    PUSH_FK=http://127.0.0.1:$cp
    for ((i = 0; i < 100; i++)); do [[ $(curl -s "$PUSH_FK/health") == *true* ]] && break; sleep 0.1; done
    ((i < 100)) || { echo "bench: fakepush did not start: $(cat "$T/fake.out")" >&2; return 1; }
    PUSH_CONF=$T/notifyd.conf
    cat "$conf" "$T/push/push.env" >"$PUSH_CONF"
    sub=$(curl -s -X POST -H 'Content-Type: application/json' -d '{}' "$PUSH_FK/subscriptions")
    PUSH_WEB_EP=$(jq -r .endpoint <<<"$sub")
    PUSH_WEB_P=$(jq -r .keys.p256dh <<<"$sub") PUSH_WEB_A=$(jq -r .keys.auth <<<"$sub")
    # lighttpd with register, login, conversations and messages
    install -d -m 0755 "$T/app/cgi-bin"
    install -m 0755 "$build/cgi-bin/auth-register.fcgi" "$build/cgi-bin/auth-login.fcgi" "$build/cgi-bin/messages-messages.fcgi" \
        "$build/cgi-bin/conversations-conversations.fcgi" "$build/cgi-bin/ops-notfound.fcgi" "$T/app/cgi-bin/"
    {
        echo "# METHODS   PATH-PATTERN   PROGRAM        AUTH    SUMMARY"
        awk '$1 !~ /^#/ && ($2 == "/v1/auth/register" || $2 == "/v1/auth/login" || $2 == "/v1/conversations" || $2 == "/v1/messages")' "$SC_ROOT/cgi-bin/routes"
        echo "*           /*             ops/notfound   public  Catch-all"
    } >"$T/routes"
    sc_lighttpd_up "$T/lighttpd" "$SC_STACK_HTTP_PORT" "$T/app/cgi-bin" "$conf" "${SC_MAX_PROCS:-2}" "$T/routes" ||
        { echo "bench: lighttpd did not start" >&2; return 1; }
    PUSH_BASE=http://127.0.0.1:$SC_STACK_HTTP_PORT
    RESULTS=$build/bench/push-results.txt
    mkdir -p "$(dirname "$RESULTS")"
    echo "# BENCH_ONLY=push: $(nproc) CPUs, load before: $(cut -d' ' -f1 /proc/loadavg), node $(node -v)" >"$RESULTS"

    # the sender (registered: a token for part 2) and the recipients (rows: 20 are members of the group)
    PUSH_AT=$(bench_user_up "$PUSH_BASE" "pushbench@example.com" "bench-$(openssl rand -hex 8)") ||
        { echo "bench: no bench user" >&2; return 1; }
    PUSH_SENDER=$(_push_psql -c "SELECT user_id FROM users WHERE username = 'bench_user'")
    _push_psql -c "INSERT INTO users (email, username, password_hash, display_name)
                   SELECT 'pushbench' || i || '@example.com', 'pushbench_' || lpad(i::text, 6, '0'), 'x', 'Push ' || i
                   FROM generate_series(1, $n_jobs) i" >/dev/null
    _push_psql -c "SELECT user_id FROM users WHERE username LIKE 'pushbench_%' ORDER BY username" >"$T/users.txt"
    members=$(head -n 19 "$T/users.txt" | jq -Rsc 'split("\n") | map(select(. != ""))')
    group=$(curl -s -H "Authorization: Bearer $PUSH_AT" -H 'Content-Type: application/json' \
        --data "{\"type\":\"group\",\"title\":\"push bench\",\"participant_ids\":$members}" "$PUSH_BASE/v1/conversations" |
        jq -r .data.conversation_id)
    direct=$(curl -s -H "Authorization: Bearer $PUSH_AT" -H 'Content-Type: application/json' \
        --data "{\"type\":\"direct\",\"participant_ids\":[\"$(head -n1 "$T/users.txt")\"]}" "$PUSH_BASE/v1/conversations" |
        jq -r .data.conversation_id)
    PUSH_CONV=$group

    # 1. pushes per second
    for kind in ${SC_BENCH_PUSH_SERVICES:-fcm apns web}; do
        n=$n_jobs
        [[ $kind == web ]] && n=$((n_jobs / 3))
        for conc in 64 256; do _push_drain "$kind" "$n" "$conc"; done
    done

    # 2. the added cost on POST /v1/messages
    ids=$(head -n 19 "$T/users.txt" | tr '\n' ' ')
    for conv in direct group; do
        local c=$direct list
        [[ $conv == group ]] && c=$group
        list=$ids
        [[ $conv == direct ]] && list=$(head -n1 "$T/users.txt")
        : >"$T/on.txt"; : >"$T/off.txt"
        for ((r = 0; r < rounds; r++)); do
            if ((r % 2)); then
                _push_wrk "$c" off "$list" >>"$T/off.txt"; _push_wrk "$c" on "$list" >>"$T/on.txt"
            else
                _push_wrk "$c" on "$list" >>"$T/on.txt"; _push_wrk "$c" off "$list" >>"$T/off.txt"
            fi
        done
        on=$(_push_median <"$T/on.txt") off=$(_push_median <"$T/off.txt")
        _push_log "POST /v1/messages, $conv: recipients online $on req/s (no job), offline $off req/s (jobs queued); rounds: on $(tr '\n' ' ' <"$T/on.txt")/ off $(tr '\n' ' ' <"$T/off.txt")"
        { echo "send_${conv}_online_per_s=$on"; echo "send_${conv}_offline_per_s=$off"; } >>"$RESULTS"
    done
    echo "push_jobs_queued=$(_push_redis XLEN push:jobs)" >>"$RESULTS"
    echo "bench: figures written to $RESULTS"
    return 0
}
