#!/bin/bash
# tests/integration/run.sh: black-box tests through lighttpd and Apache (mod_fcgid) against a
# throwaway PostgreSQL and Redis. `make test` calls it after the build and the unit tests.
#
# For each server it runs `bash tests/integration/cases.sh` with:
#   SC_BASE    http://127.0.0.1:PORT
#   SC_SERVER  lighttpd | apache
#   SC_BUILD   absolute build folder
#   SC_CONFIG  the test config (KEY=VALUE)
#   SC_CTL     script taking redis-stop | redis-start | pg-stop | pg-start | relay-stop |
#              relay-start (waits until done)
#   SC_TMP     the run's temporary folder
#   SC_RELAY_PORT, SC_RELAY_ADMIN_PORT  the relay's ports (direct access: /health, /metrics)
#   SC_TURN_PORT  coturn's port (STUN and TURN, UDP and TCP, on 127.0.0.1); the config has
#              TURN_SECRET, TURN_URLS and STUN_URLS pointing at it
#   SC_SMTP_PORT, SC_MAILDEV_PORT  this run's maildev: SMTP, and its web UI and REST API
#              (http://127.0.0.1:SC_MAILDEV_PORT/api/email); the config has SMTP_URL pointing
#              at it and MAIL_TEMPLATE_DIR=<repo>/mail-templates (sc_stack_init). SC_CTL maildev-stop |
#              maildev-start stops and starts it (same ports, mails kept in SC_TMP/maildev/mail)
# Routes: cgi-bin/routes plus tests/integration/routes.test (before the catch-all); the relay
# routes (/v1/ws ...) go to sc-ws-relay (SC_BUILD/ws-relay/sc-ws-relay, copied into the run's
# folder), started after Redis for the whole run, log in SC_TMP/relay/relay.log.
#
# Environment: SC_BUILD (default ./build), SC_SERVERS (default "lighttpd apache"),
# SC_MAX_PROCS (default 2), SC_KEEP_TMP=1 keeps the temporary folder, SC_SUITES="core accounts ..."
# (only these suites; core is cases.sh) or SC_SUITES_SKIP="..." (all but these), SC_CASES (default
# tests/integration/cases.sh), SC_LABEL (shown in the suite headers), SC_RELAY=0 runs without
# the relay (its routes then answer 503 from the web server; for work on the FastCGI side only).
# Any AddressSanitizer/UBSan/LeakSanitizer report in the server logs or in the relay's log
# (what it wrote during the suite, and at its exit after the last suite) fails the run.
# Exit status: 0 when every suite passed.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
export SC_ROOT=$ROOT
# shellcheck source=scripts/svc.sh
. "$ROOT/scripts/svc.sh"

die() { printf 'integration: %s\n' "$*" >&2; exit 1; }

BUILD=$(cd "${SC_BUILD:-$ROOT/build}" 2>/dev/null && pwd) || die "no build folder; run make first"
ADMIN=$BUILD/tools/sc-admin
CASES=${SC_CASES:-$ROOT/tests/integration/cases.sh}
[[ -x $ADMIN ]] || die "$ADMIN is missing; run make first"
[[ -f $CASES ]] || die "$CASES is missing"
# The suites of this run: SC_CASES alone; else cases.sh ("core") and every cases-<area>.sh,
# narrowed by SC_SUITES (only these areas) or SC_SUITES_SKIP (all but these), so that make test
# can share the suites of one server between two stacks.
SUITE_FILES=()
if [[ -n ${SC_CASES:-} ]]; then
    SUITE_FILES=("$CASES")
else
    for c in "$CASES" "$ROOT"/tests/integration/cases-*.sh; do
        area=${c##*/cases}; area=${area#-}; area=${area%.sh}; area=${area:-core}
        if [[ -n ${SC_SUITES:-} ]]; then [[ " $SC_SUITES " == *" $area "* ]] || continue; fi
        if [[ -n ${SC_SUITES_SKIP:-} ]]; then [[ " $SC_SUITES_SKIP " == *" $area "* ]] && continue; fi
        SUITE_FILES+=("$c")
    done
    for area in ${SC_SUITES:-} ${SC_SUITES_SKIP:-}; do
        [[ $area == core || -f $ROOT/tests/integration/cases-$area.sh ]] ||
            die "SC_SUITES/SC_SUITES_SKIP: no suite \"$area\" (tests/integration/cases-$area.sh)"
    done
fi
[[ ${#SUITE_FILES[@]} -gt 0 ]] || die "no suite to run"
compgen -G "$BUILD/cgi-bin/*.fcgi" >/dev/null || die "no $BUILD/cgi-bin/*.fcgi; run make first"
SERVERS=${SC_SERVERS:-lighttpd apache}
MAX_PROCS=${SC_MAX_PROCS:-2}
RELAY=${SC_RELAY:-1}
if [[ $RELAY != 0 ]]; then
    [[ -x $BUILD/ws-relay/sc-ws-relay ]] || die "$BUILD/ws-relay/sc-ws-relay is missing; run make first (or SC_RELAY=0)"
fi

T=$(mktemp -d /tmp/sc-it.XXXXXX) || die "mktemp failed"
chmod 0755 "$T"

# shellcheck disable=SC2317  # invoked by the trap
teardown() {
    sc_relay_down "$T/relay"
    sc_turn_down "$T/turn"
    sc_maildev_down "$T/maildev"
    sc_lighttpd_down "$T/lighttpd"
    sc_apache_down "$T/apache"
    sc_stack_down "$T"
    if [[ ${SC_KEEP_TMP:-0} == 1 ]]; then echo "integration: kept $T"; else rm -rf "$T"; fi
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sc_stack_init "$T" sc_test || die "no free ports"
PG_PORT=$SC_STACK_PG_PORT REDIS_PORT=$SC_STACK_REDIS_PORT HTTP_PORT=$SC_STACK_HTTP_PORT
export SC_RELAY_PORT=$SC_STACK_RELAY_PORT SC_RELAY_ADMIN_PORT=$SC_STACK_RELAY_ADMIN_PORT
DB_PASSWORD=$SC_STACK_DB_PASSWORD REDIS_PASSWORD=$SC_STACK_REDIS_PASSWORD
export SC_CONFIG=$SC_STACK_CONFIG
# coturn for the calls suites: TURN REST API secret, STUN and TURN on one loopback port
export SC_TURN_PORT
SC_TURN_PORT=$(sc_free_port "$PG_PORT" "$REDIS_PORT" "$HTTP_PORT" "$SC_RELAY_PORT" "$SC_RELAY_ADMIN_PORT") ||
    die "no free port for coturn"
cat >>"$SC_CONFIG" <<EOF
TURN_SECRET=$(openssl rand -hex 24)
TURN_URLS=turn:127.0.0.1:$SC_TURN_PORT?transport=udp,turn:127.0.0.1:$SC_TURN_PORT?transport=tcp
STUN_URLS=stun:127.0.0.1:$SC_TURN_PORT
EOF
# maildev for the mail suites: every account mail of this run goes there
export SC_SMTP_PORT SC_MAILDEV_PORT
SC_SMTP_PORT=$(sc_free_port "$PG_PORT" "$REDIS_PORT" "$HTTP_PORT" "$SC_RELAY_PORT" "$SC_RELAY_ADMIN_PORT" \
    "$SC_TURN_PORT") || die "no free port for maildev"
SC_MAILDEV_PORT=$(sc_free_port "$PG_PORT" "$REDIS_PORT" "$HTTP_PORT" "$SC_RELAY_PORT" "$SC_RELAY_ADMIN_PORT" \
    "$SC_TURN_PORT" "$SC_SMTP_PORT") || die "no free port for maildev"
cat >>"$SC_CONFIG" <<EOF
SMTP_URL=smtp://127.0.0.1:$SC_SMTP_PORT
SMTP_TIMEOUT_MS=2000
EOF

# binaries copied where the web server user can reach them
install -d -m 0755 "$T/app" "$T/app/cgi-bin" "$T/app/tests" "$T/app/ws-relay"
install -m 0755 "$BUILD"/cgi-bin/*.fcgi "$T/app/cgi-bin/"
# the relay too: once it dropped to www-data, a sanitizer build still reads its own binary
if [[ $RELAY != 0 ]]; then install -m 0755 "$BUILD/ws-relay/sc-ws-relay" "$T/app/ws-relay/"; fi
if compgen -G "$BUILD/tests/*.fcgi" >/dev/null; then install -m 0755 "$BUILD"/tests/*.fcgi "$T/app/tests/"; fi

# SC_CTL: stop/start this run's Redis, PostgreSQL and relay from the cases
export SC_CTL=$T/ctl
cat >"$SC_CTL" <<EOF
#!/bin/bash
# generated by tests/integration/run.sh: $T/ctl redis-stop|redis-start|pg-stop|pg-start|relay-stop|relay-start|maildev-stop|maildev-start
SC_ROOT=$(printf %q "$ROOT")
. "\$SC_ROOT/scripts/svc.sh"
case \${1:-} in
    redis-stop)  sc_redis_down $T/redis ;;
    redis-start) sc_redis_up $T/redis $REDIS_PORT $REDIS_PASSWORD ;;
    pg-stop)     sc_pg_down $T/pg ;;
    pg-start)    sc_pg_up $T/pg $PG_PORT sc_test $DB_PASSWORD sc_test fast ;;
    relay-stop)  sc_relay_down $T/relay ;;
    maildev-stop)  sc_maildev_down $T/maildev ;;
    maildev-start) sc_maildev_up $T/maildev $SC_SMTP_PORT $SC_MAILDEV_PORT ;;
    relay-start)
        sc_relay_up $T/relay $SC_CONFIG $T/app/ws-relay/sc-ws-relay || exit 1
        # lighttpd rests a backend that refused a connection for a second or two (503 from the
        # server itself, an HTML page): wait (up to 5 s) until a running web server reaches the
        # relay again. The relay's own 503 (Redis down) is a JSON envelope and ends the wait.
        for _ in \$(seq 50); do
            code=\$(curl -s -o $T/ctl.body -w '%{http_code}' --max-time 2 http://127.0.0.1:$HTTP_PORT/v1/ws)
            [[ \$code == 503 ]] && ! grep -q '"success":false' $T/ctl.body || break
            sleep 0.1
        done ;;
    *) echo "usage: \$0 redis-stop|redis-start|pg-stop|pg-start|relay-stop|relay-start|maildev-stop|maildev-start" >&2; exit 2 ;;
esac
EOF
chmod 0700 "$SC_CTL"

echo "integration: PostgreSQL :$PG_PORT, Redis :$REDIS_PORT, HTTP :$HTTP_PORT, relay :$SC_RELAY_PORT (admin :$SC_RELAY_ADMIN_PORT), coturn :$SC_TURN_PORT, maildev :$SC_SMTP_PORT (web :$SC_MAILDEV_PORT), folder $T"
"$SC_CTL" pg-start || die "PostgreSQL did not start"
"$SC_CTL" redis-start || die "Redis did not start"
if [[ $RELAY != 0 ]]; then
    "$SC_CTL" relay-start || die "sc-ws-relay did not start (SC_RELAY=0 runs the FastCGI suites without it)"
else
    echo "integration: SC_RELAY=0: no relay; the WebSocket routes answer 503"
fi
sc_turn_up "$T/turn" "$SC_TURN_PORT" "$(sc_conf_get "$SC_CONFIG" TURN_SECRET "")" ||
    die "coturn did not start (Debian package coturn; scripts/install-deps.sh installs it)"
"$SC_CTL" maildev-start || die "maildev did not start (node and npm: scripts/install-deps.sh)"
SC_CONFIG=$SC_CONFIG "$ADMIN" migrate --dir "$ROOT/sql" >"$T/migrate.log" 2>&1 || {
    cat "$T/migrate.log" >&2; die "sc-admin migrate failed"; }

export SC_BUILD=$BUILD SC_TMP=$T
FAILED=()
for SERVER in $SERVERS; do
    echo "== integration via $SERVER${SC_LABEL:+ ($SC_LABEL)} =="
    # a previous suite may have left PostgreSQL or Redis stopped
    if ! { [[ -s $T/redis/redis.pid ]] && kill -0 "$(cat "$T/redis/redis.pid")" 2>/dev/null; }; then
        "$SC_CTL" redis-start
    fi
    if ! { [[ -s $T/pg/data/postmaster.pid ]] && kill -0 "$(head -n1 "$T/pg/data/postmaster.pid")" 2>/dev/null; }; then
        "$SC_CTL" pg-start
    fi
    if ! { [[ -s $T/maildev/maildev.pid ]] && kill -0 "$(cat "$T/maildev/maildev.pid")" 2>/dev/null; }; then
        "$SC_CTL" maildev-start
    fi
    if [[ $RELAY != 0 ]] && ! { [[ -s $T/relay/relay.pid ]] && kill -0 "$(head -n1 "$T/relay/relay.pid")" 2>/dev/null; }; then
        "$SC_CTL" relay-start
    fi
    # what the relay logs from here on belongs to this suite
    relay_off=$(stat -c %s "$T/relay/relay.log" 2>/dev/null || echo 0)
    if ! "sc_${SERVER}_up" "$T/$SERVER" "$HTTP_PORT" "$T/app/cgi-bin" "$SC_CONFIG" "$MAX_PROCS" \
            --area-dir "tests=$T/app/tests" "$ROOT/cgi-bin/routes" "$ROOT/tests/integration/routes.test"; then
        echo "integration: $SERVER did not start" >&2
        FAILED+=("$SERVER")
        continue
    fi
    # cases.sh first, then every cases-<area>.sh beside it (one file per issue area), or the
    # share of them SC_SUITES / SC_SUITES_SKIP name
    rc=0
    for c in "${SUITE_FILES[@]}"; do
        t0=$SECONDS
        SC_BASE=http://127.0.0.1:$HTTP_PORT SC_SERVER=$SERVER bash "$c" || rc=1
        echo "integration: $(basename "$c") via $SERVER took $((SECONDS - t0)) s"
    done
    "sc_${SERVER}_down" "$T/$SERVER"
    # The server may exit before its FastCGI programs do: wait (up to 10 s) until none of the
    # programs of this run is left, so their last words (leak reports at exit) are in the logs.
    for _ in $(seq 100); do pgrep -f "^$T/app/" >/dev/null || break; sleep 0.1; done
    # Sanitizer builds (make integration-asan) report into the programs' standard error, which
    # lands in these logs; a report fails the suite even when every HTTP check passed.
    if grep -lE 'Sanitizer|runtime error:' "$T/$SERVER"/logs/*.log >/dev/null 2>&1; then
        echo "integration: sanitizer report via $SERVER:" >&2
        grep -hE -A25 'Sanitizer|runtime error:' "$T/$SERVER"/logs/*.log | head -n 80 >&2
        rc=1
    fi
    tail -c +"$((relay_off + 1))" "$T/relay/relay.log" >"$T/relay-suite.log" 2>/dev/null || : >"$T/relay-suite.log"
    if grep -qE 'Sanitizer|runtime error:' "$T/relay-suite.log"; then
        echo "integration: sanitizer report of sc-ws-relay during the suite via $SERVER:" >&2
        grep -hE -A25 'Sanitizer|runtime error:' "$T/relay-suite.log" | head -n 80 >&2
        rc=1
    fi
    if [[ $rc != 0 ]]; then
        FAILED+=("$SERVER")
        echo "integration: suite via $SERVER failed (exit $rc); last lines of the $SERVER logs:" >&2
        for f in "$T/$SERVER/logs/error.log" "$T/$SERVER/logs/programs.log" "$T/$SERVER/logs/stderr.log" \
                "$T/relay-suite.log"; do
            [[ -s $f ]] && { echo "--- $f" >&2; tail -n 40 "$f" >&2; }
        done
    fi
done

# The relay's last words (a leak report comes at exit): stop it, then read the rest of its log.
if [[ $RELAY != 0 && -e $T/relay/relay.log ]]; then
    relay_off=$(stat -c %s "$T/relay/relay.log")
    sc_relay_down "$T/relay"
    tail -c +"$((relay_off + 1))" "$T/relay/relay.log" >"$T/relay-exit.log"
    if grep -qE 'Sanitizer|runtime error:' "$T/relay-exit.log"; then
        echo "integration: sanitizer report of sc-ws-relay at its exit:" >&2
        grep -hE -A25 'Sanitizer|runtime error:' "$T/relay-exit.log" | head -n 80 >&2
        FAILED+=(sc-ws-relay)
    fi
fi

if [[ ${#FAILED[@]} -gt 0 ]]; then
    echo "integration: FAILED via ${FAILED[*]}" >&2
    exit 1
fi
echo "integration: all suites passed ($SERVERS)"
