#!/bin/bash
# bench/run.sh: `make bench`. /health (build/cgi-bin/ops-health.fcgi, libsc) against /hello
# (build/bench/hello.fcgi, plain libfcgi) under the same lighttpd, same max-procs, with the real
# config (PostgreSQL and Redis are started although /health touches neither).
# wrk -t2 -c50 -d5s per run; 6 rounds, each running both paths (the first path alternates);
# the figure is the median of the per-round ratios, with the best run of each path beside it.
# Prints req/s and health/hello against the 90% target; writes build/bench/results.txt.
# Benchmarks are not tests: the exit status is 0 whatever the ratio (non-zero only on errors).
#
# Then, on the same stack and lighttpd (bench/lib/more.sh, docs/benchmarks.md):
#   2. logins per second (POST /v1/auth/login, bench/login.lua) beside the Argon2id hash time at
#      the configured cost (bench/argon2_time.c) and its ceiling (CPUs / hash time);
#   3. GET /v1/users/me with a bearer token (when build/cgi-bin/users-me.fcgi exists) against the
#      ceiling of its unavoidable work: 1 / (1/hello + 1/pgbench -S + 1/redis-benchmark GET);
#   4. the PHP peer (bench/peers/users_me.php on PHP-FPM, /peer/users/me), C/PHP per round;
#      `BENCH_ONLY=accounts bench/run.sh` runs parts 1-4 alone (about 2.5 minutes);
#   5. messages (bench/lib/chat.sh): 1,000,000 messages COPYed into one conversation, the newest
#      page and a page 500,000 deep (GET /v1/messages), sends (POST /v1/messages) against
#      pgbench's single-row INSERT rate at the same concurrency;
#   6. prekey bundle fetches (bench/lib/keys.sh): one user with 1,000 one-time keys, 20
#      requesters; fetches per second with and without keys left, every key handed out once.
#      `BENCH_ONLY=keys bench/run.sh` runs this part alone (its own stack);
#   7. the WebSocket relay (bench/lib/ws.sh): idle memory per connection and fan-out against Node
#      and nchan. `BENCH_ONLY=ws bench/run.sh` runs this part alone (on Redis only);
#   8. file storage (bench/lib/files.sh, its own lighttpd on this stack): a 10 MiB download through
#      the signed URL (X-Sendfile) against the same file served statically, 50 MiB uploads and the
#      upload program's peak RSS. `BENCH_ONLY=files bench/run.sh` runs this part alone.
#   9. push notifications (bench/lib/push.sh, only with BENCH_ONLY=push, on its own stack with the
#      fake push services): pushes per second through one sc-notifyd per service, and the added
#      cost on POST /v1/messages of queuing push jobs for offline recipients.
# The stack's rate limits are raised to their maximum and the bench user logs in with the right
# password, so neither the limits nor the lockout are measured.
#
# Environment: SC_BUILD (default ./build), SC_BENCH_DURATION (default 5s),
# SC_BENCH_ROUNDS (default 6), SC_MAX_PROCS (default 2), SC_BENCH_PEER_ROUNDS (default 3, the
# users/me vs PHP rounds), SC_BENCH_LOGIN_DURATION (default 10s), SC_BENCH_PHP_CHILDREN
# (default SC_MAX_PROCS, kept within 2..4), SC_BENCH_CHAT_MESSAGES (default 1000000),
# SC_BENCH_CHAT_DEPTH (default half of them), SC_BENCH_CHAT_REQUESTS (default 2000 per page).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
export SC_ROOT=$ROOT
# shellcheck source=scripts/svc.sh
. "$ROOT/scripts/svc.sh"
# shellcheck source=bench/lib/stack.sh
. "$ROOT/bench/lib/stack.sh"
# shellcheck source=bench/lib/peer.sh
. "$ROOT/bench/lib/peer.sh"
# shellcheck source=bench/lib/floor.sh
. "$ROOT/bench/lib/floor.sh"
# shellcheck source=bench/lib/chat.sh
. "$ROOT/bench/lib/chat.sh"

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

BUILD=$(cd "${SC_BUILD:-$ROOT/build}" 2>/dev/null && pwd) || die "no build folder; run make first"

# ---------------------------------------------------------------- WebSocket relay only
# BENCH_ONLY=ws: only the WebSocket relay benches (bench/lib/ws.sh, the last part of a full run)
# on a stack of Redis alone; figures in build/bench/ws-summary.txt and build/bench/ws-results.txt.
# shellcheck source=bench/lib/ws.sh
. "$ROOT/bench/lib/ws.sh"
# shellcheck source=bench/lib/files.sh
. "$ROOT/bench/lib/files.sh"
if [[ ${BENCH_ONLY:-} == files ]]; then
    # BENCH_ONLY=files: only the file storage benches (bench/lib/files.sh) on PostgreSQL and Redis
    command -v wrk >/dev/null || die "wrk is not installed (scripts/install-deps.sh)"
    T=$(mktemp -d /tmp/sc-bench-files.XXXXXX) || die "mktemp failed"
    chmod 0755 "$T"
    trap 'bench_files_down "$T/fbench"; sc_stack_down "$T"; rm -rf "$T"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    sc_stack_init "$T" sc_bench || die "no free ports"
    bench_config_loose "$SC_STACK_CONFIG"
    sc_stack_up "$T" || die "PostgreSQL or Redis did not start"
    SC_CONFIG=$SC_STACK_CONFIG "$BUILD/tools/sc-admin" migrate --dir "$ROOT/sql" >"$T/migrate.log" 2>&1 ||
        { cat "$T/migrate.log" >&2; die "migrate failed"; }
    RESULTS=$BUILD/bench/files-results.txt
    mkdir -p "$(dirname "$RESULTS")"
    echo "# BENCH_ONLY=files: lighttpd $(lighttpd -v 2>/dev/null | sed -n 's/^lighttpd\/\([^ ]*\).*/\1/p'), $(nproc) CPUs, load before: $(cut -d' ' -f1 /proc/loadavg)" >"$RESULTS"
    bench_files "$T/fbench" "$SC_STACK_CONFIG" "$BUILD" "$RESULTS"
    echo "bench: figures written to $RESULTS"
    exit 0
fi
if [[ ${BENCH_ONLY:-} == ws ]]; then
    "$ROOT/scripts/install-deps.sh" bench ||
        echo "bench: the peers' packages are missing (scripts/install-deps.sh bench)"
    T=$(mktemp -d /tmp/sc-bench-ws.XXXXXX) || die "mktemp failed"
    chmod 0755 "$T"
    trap 'bench_ws_down "$T/ws"; sc_redis_down "$T/redis"; rm -rf "$T"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    sc_stack_init "$T" sc_bench || die "no free ports"
    bench_config_set "$SC_STACK_CONFIG" JWT_ACCESS_TTL_SECONDS 3600
    sc_redis_up "$T/redis" "$SC_STACK_REDIS_PORT" "$SC_STACK_REDIS_PASSWORD" || die "Redis did not start"
    RESULTS=$BUILD/bench/ws-summary.txt
    : >"$RESULTS"
    bench_ws "$T/ws" "$SC_STACK_CONFIG" "$BUILD" "$RESULTS"
    echo "bench: figures written to $RESULTS"
    exit 0
fi

# ---------------------------------------------------------------- prekey bundles only
# BENCH_ONLY=keys: only the prekey bundle bench (bench/lib/keys.sh, also part of a full run) on a
# stack of its own; figures in build/bench/keys-results.txt.
# shellcheck source=bench/lib/keys.sh
. "$ROOT/bench/lib/keys.sh"
if [[ ${BENCH_ONLY:-} == keys ]]; then bench_keys_only "$BUILD"; exit $?; fi
# shellcheck source=bench/lib/push.sh
. "$ROOT/bench/lib/push.sh"
if [[ ${BENCH_ONLY:-} == push ]]; then bench_push_only "$BUILD"; exit $?; fi
# BENCH_ONLY=accounts: parts 1-4 only (hello//health, logins, users/me, its floor and the PHP peer)
[[ -z ${BENCH_ONLY:-} || ${BENCH_ONLY:-} == accounts ]] ||
    die "BENCH_ONLY: only \"ws\", \"keys\", \"files\", \"push\" and \"accounts\" are known"
HEALTH=$BUILD/cgi-bin/ops-health.fcgi
HELLO=$BUILD/bench/hello.fcgi
ADMIN=$BUILD/tools/sc-admin
for f in "$HEALTH" "$HELLO" "$ADMIN"; do [[ -x $f ]] || die "$f is missing; run make first"; done
command -v wrk >/dev/null || die "wrk is not installed (scripts/install-deps.sh)"
LOGIN=$BUILD/cgi-bin/auth-login.fcgi
REGISTER=$BUILD/cgi-bin/auth-register.fcgi
USERS_ME=$BUILD/cgi-bin/users-me.fcgi
for f in "$LOGIN" "$REGISTER"; do [[ -x $f ]] || die "$f is missing; run make first"; done
HAVE_ME=0
[[ -x $USERS_ME ]] && HAVE_ME=1
# The PHP peer's packages (php-fpm, php-redis, php-pgsql): only the bench installs them.
HAVE_PHP=0
if "$ROOT/scripts/install-deps.sh" bench && bench_php_fpm_bin >/dev/null; then
    HAVE_PHP=1
else
    echo "bench: the PHP peer's packages are missing (scripts/install-deps.sh bench); no PHP figures"
fi
DURATION=${SC_BENCH_DURATION:-5s}
ROUNDS=${SC_BENCH_ROUNDS:-6}
MAX_PROCS=${SC_MAX_PROCS:-2}
PEER_ROUNDS=${SC_BENCH_PEER_ROUNDS:-3}
LOGIN_DURATION=${SC_BENCH_LOGIN_DURATION:-10s}
PHP_CHILDREN=${SC_BENCH_PHP_CHILDREN:-$MAX_PROCS}
((PHP_CHILDREN < 2)) && PHP_CHILDREN=2
((PHP_CHILDREN > 4)) && PHP_CHILDREN=4
RESULTS=$BUILD/bench/results.txt

T=$(mktemp -d /tmp/sc-bench.XXXXXX) || die "mktemp failed"
chmod 0755 "$T"
# shellcheck disable=SC2317  # invoked by the trap
teardown() {
    bench_files_down "$T/fbench"
    bench_ws_down "$T/ws"
    sc_lighttpd_down "$T/lighttpd"
    bench_php_down "$T/php"
    sc_stack_down "$T"
    rm -rf "$T"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sc_stack_init "$T" sc_bench || die "no free ports"
HTTP_PORT=$SC_STACK_HTTP_PORT
CONF=$SC_STACK_CONFIG
# Limits at their maximum, tokens that outlive the bench, prepared statements (the PHP peer
# prepares its statement too; there is no PgBouncer in front): bench/lib/stack.sh.
bench_config_loose "$CONF"

install -d -m 0755 "$T/app/cgi-bin" "$T/app/bench"
install -m 0755 "$HEALTH" "$T/app/cgi-bin/"
install -m 0755 "$BUILD"/cgi-bin/ops-notfound.fcgi "$T/app/cgi-bin/" 2>/dev/null || die "ops-notfound.fcgi is missing"
install -m 0755 "$HELLO" "$T/app/bench/"
install -m 0755 "$LOGIN" "$REGISTER" "$T/app/cgi-bin/"
((HAVE_ME)) && install -m 0755 "$USERS_ME" "$T/app/cgi-bin/"
{
    echo "# METHODS   PATH-PATTERN   PROGRAM        AUTH    SUMMARY"
    echo "GET,HEAD    /health        ops/health     public  Liveness (libsc)"
    echo "GET,HEAD    /hello         bench/hello    public  Plain libfcgi peer"
    echo "POST        /v1/auth/register  auth/register  public  The bench user"
    echo "POST        /v1/auth/login     auth/login     public  Logins per second"
    ((HAVE_ME)) && echo "GET         /v1/users/me   users/me       auth    Own profile"
    # /v1/conversations and /v1/messages as cgi-bin/routes has them (bench/lib/chat.sh)
    bench_chat_routes "$BUILD" "$T/app/cgi-bin" || die "installing the chat programs failed"
    # /v1/keys/* (bench/lib/keys.sh; raises KEYS_FETCH_* in the config)
    bench_keys_routes "$BUILD" "$T/app/cgi-bin" "$CONF" || die "installing the keys programs failed"
    echo "*           /*             ops/notfound   public  Catch-all"
} >"$T/routes"

sc_stack_up "$T" || die "PostgreSQL or Redis did not start"
SC_CONFIG=$CONF "$ADMIN" migrate --dir "$ROOT/sql" >"$T/migrate.log" 2>&1 || { cat "$T/migrate.log" >&2; die "migrate failed"; }
if ((HAVE_PHP)) && ! bench_php_up "$T/php" "$PHP_CHILDREN" "$CONF"; then
    echo "bench: php-fpm did not start; no PHP figures"
    HAVE_PHP=0
fi
# The generated routes plus, when PHP runs, /peer/users/me to PHP-FPM: given to sc_lighttpd_up
# as SC_WEB_SNIPPET (bench/lib/stack.sh), so scripts/svc.sh is used as it is.
PEER_SOCK="" PEER_SCRIPT=""
((HAVE_PHP)) && PEER_SOCK=$T/php/fpm.sock PEER_SCRIPT=$T/php/users_me.php
bench_web_snippet "$T/web" "$T/lighttpd/run" "$T/app/cgi-bin" "$CONF" "$MAX_PROCS" \
    "$PEER_SOCK" "$PEER_SCRIPT" --area-dir "bench=$T/app/bench" "$T/routes" || die "route generation failed"
SC_WEB_SNIPPET=$T/web/sc-lighttpd.conf sc_lighttpd_up "$T/lighttpd" "$HTTP_PORT" "$T/app/cgi-bin" \
    "$CONF" "$MAX_PROCS" --area-dir "bench=$T/app/bench" "$T/routes" || die "lighttpd did not start"

BASE=http://127.0.0.1:$HTTP_PORT
for p in /hello /health; do
    code=$(curl -s -o "$T/body" -w '%{http_code}' "$BASE$p")
    [[ $code == 200 ]] || { cat "$T/body" >&2; die "GET $p answered $code, not 200"; }
done
# The 1-minute load before the bench starts: other work on the machine skews the figures.
load_before=$(cut -d' ' -f1 /proc/loadavg)
echo "bench: warming up"
wrk -t2 -c50 -d2s "$BASE/hello" >/dev/null
wrk -t2 -c50 -d2s "$BASE/health" >/dev/null

# run PATH [WRK-OPTION...] -> prints req/s (integer); the options given override -t2 -c50
# -d$DURATION. The wrk output of the last run is in $T/wrk.txt (run is called in $(...), so it
# cannot keep a counter), every run's is appended to $T/wrk-all.txt.
run() {
    wrk -t2 -c50 -d"$DURATION" "${@:2}" "$BASE$1" >"$T/wrk.txt" 2>&1 || { cat "$T/wrk.txt" >&2; return 1; }
    { echo "== $1"; cat "$T/wrk.txt"; } >>"$T/wrk-all.txt"
    if grep -qE 'Non-2xx|Socket errors' "$T/wrk.txt"; then
        grep -E 'Non-2xx|Socket errors' "$T/wrk.txt" | sed "s|^|bench: $1: |" >&2
    fi
    awk '/^Requests\/sec:/ { printf "%d\n", $2 }' "$T/wrk.txt"
}
# Rounds alternate which path goes first, so a drift in machine load does not favour one side.
# Each round gives a ratio; the median ratio is the figure (robust to a noisy round), and the
# best of each path is printed beside it.
best_hello=0 best_health=0
ratios=()
for ((r = 1; r <= ROUNDS; r++)); do
    if ((r % 2)); then order=(/hello /health); else order=(/health /hello); fi
    for p in "${order[@]}"; do
        v=$(run "$p") || die "wrk failed"
        printf 'bench: round %d  %-8s %6d req/s\n' "$r" "$p" "$v"
        if [[ $p == /hello ]]; then hr=$v; [[ $v -gt $best_hello ]] && best_hello=$v
        else sr=$v; [[ $v -gt $best_health ]] && best_health=$v; fi
    done
    [[ $hr -gt 0 ]] || die "no result for /hello"
    ratios+=("$(awk -v a="$sr" -v b="$hr" 'BEGIN { printf "%.1f", 100 * a / b }')")
done
[[ $best_hello -gt 0 ]] || die "no result for /hello"

ratio=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : sprintf("%.1f", (v[NR / 2] + v[NR / 2 + 1]) / 2) }')
best_ratio=$(awk -v a="$best_health" -v b="$best_hello" 'BEGIN { printf "%.1f", 100 * a / b }')
verdict=$(awk -v r="$ratio" 'BEGIN { print (r >= 90 ? "meets" : "below") }')
mkdir -p "$(dirname "$RESULTS")"
{
    echo "# make bench: lighttpd $(lighttpd -v 2>/dev/null | sed -n 's/^lighttpd\/\([^ ]*\).*/\1/p'), max-procs $MAX_PROCS, wrk -t2 -c50 -d$DURATION, $ROUNDS rounds, median of per-round ratios"
    echo "# host: $(nproc) CPUs; wrk shares them with the server, so compare ratios, not absolute figures"
    echo "hello_rps=$best_hello"
    echo "health_rps=$best_health"
    echo "health_vs_hello_percent=$ratio"
    echo "round_ratios=${ratios[*]}"
    echo "best_health_vs_best_hello_percent=$best_ratio"
    echo "target_percent=90"
    echo "verdict=$verdict"
} >"$RESULTS"
echo
printf '  /hello  (plain libfcgi)  %8d req/s\n' "$best_hello"
printf '  /health (libsc)          %8d req/s\n' "$best_health"
printf '  health/hello per round   %s\n' "${ratios[*]}"
printf '  health/hello (median)    %8s %%   (target >= 90%%: %s)\n' "$ratio" "$verdict"
printf '  best health / best hello %8s %%\n' "$best_ratio"
awk -v l="$load_before" 'BEGIN { exit !(l > 1.0) }' &&
    echo "bench: note: load average was $load_before before the bench started; other work on the machine skews the figures"

# logins, users/me and its ceiling, the PHP peer (same stack, same lighttpd)
# shellcheck source=bench/lib/more.sh
. "$ROOT/bench/lib/more.sh"
[[ ${BENCH_ONLY:-} == accounts ]] && { echo "bench: figures written to $RESULTS"; exit 0; }
# messages: a 1,000,000-message conversation, newest and deep page, sends against INSERTs
bench_chat
# prekey bundles: 1,000 one-time keys, 20 requesters, each key handed out once (bench/lib/keys.sh)
bench_keys "$BASE" "$T/keys" "$RESULTS"

# ---------------------------------------------------------------- WebSocket relay (issue 5)
# bench/lib/ws.sh: sc-ws-relay against Node (ws + ioredis) and nchan, idle memory per connection
# and fan-out at rising rates, on this stack's Redis (PostgreSQL and lighttpd stay idle).
bench_ws "$T/ws" "$CONF" "$BUILD" "$RESULTS"

# ---------------------------------------------------------------- file storage (issue 7)
# bench/lib/files.sh: its own lighttpd with the storage routes on this stack
bench_files "$T/fbench" "$CONF" "$BUILD" "$RESULTS"
echo "bench: figures written to $RESULTS"
