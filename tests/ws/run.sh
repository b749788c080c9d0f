#!/bin/bash
# tests/ws/run.sh: RFC 6455 conformance of sc-ws-relay against two independent clients, Debian's
# python3-websockets (conformance.py) and npm's ws (conformance.mjs), talking to the relay
# directly on its port. Needs Redis and the relay only (no PostgreSQL, no web server): tokens are
# minted for synthetic users, tickets and events written into Redis by the clients.
#
# Starts a throwaway Redis and the relay on free loopback ports (SC_PORT_LO..SC_PORT_HI, as
# scripts/svc.sh's sc_free_port) with a small RELAY_MAX_MESSAGE_BYTES and low output limits,
# runs both clients one after the other (each restarts Redis once through $WS_CTL), stops
# everything. Environment:
#   SC_BUILD      build folder (default ./build; build/asan for the ASan+UBSan relay: any
#                 sanitizer report in the relay's log fails the run)
#   SC_KEEP_TMP=1 keep the temporary folder; SC_VERBOSE=1 print every passed check
#   WS_CLIENTS    "python node" (default) or one of them; WS_GROUPS: only these groups
# Exit status 0 when both clients passed every check and the relay's log is clean.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
export SC_ROOT=$ROOT
# shellcheck source=scripts/svc.sh
. "$ROOT/scripts/svc.sh"

die() { printf 'ws-conformance: %s\n' "$*" >&2; exit 1; }

BUILD=$(cd "${SC_BUILD:-$ROOT/build}" 2>/dev/null && pwd) || die "no build folder; run make first"
RELAY=$BUILD/ws-relay/sc-ws-relay
[[ -x $RELAY ]] || die "$RELAY is missing; run make first"
PY=/usr/bin/python3   # Debian's python, where python3-websockets lives (not a pyenv shim)
CLIENTS=${WS_CLIENTS:-python node}
read -r -a GROUPS_ARR <<<"${WS_GROUPS:-}"

# ---- the two client libraries
if [[ $CLIENTS == *python* ]]; then
    "$PY" -c 'import websockets' 2>/dev/null ||
        die "python3-websockets is missing (scripts/install-deps.sh installs it)"
fi
if [[ $CLIENTS == *node* ]]; then
    # the ws package as tests/ws/package-lock.json pins it (npm ci when node_modules differs)
    sc_npm_ci tests/ws || die "the node client's packages are missing (sc_npm_ci tests/ws failed)"
fi

T=$(mktemp -d /tmp/sc-ws.XXXXXX) || die "mktemp failed"
chmod 0755 "$T"
mkdir -p "$T/relay"
RELAY_PID=""

# The relay: scripts/svc.sh's sc_relay_up/sc_relay_down when svc.sh has them, else started here.
relay_down() {
    if declare -F sc_relay_down >/dev/null; then
        sc_relay_down "$T/relay"
        return
    fi
    [[ -n $RELAY_PID ]] || return 0
    if kill -0 "$RELAY_PID" 2>/dev/null; then
        kill -TERM "$RELAY_PID" 2>/dev/null
        if ! sc_wait_exit "$RELAY_PID" 15; then
            sc_log "ws-conformance: the relay (pid $RELAY_PID) did not stop within 15 s; killing it"
            kill -KILL "$RELAY_PID" 2>/dev/null
            sc_wait_exit "$RELAY_PID" 5
        fi
    fi
    wait "$RELAY_PID" 2>/dev/null
    RELAY_PID=""
}

relay_running() {
    if declare -F sc_relay_up >/dev/null; then
        [[ -s $T/relay/relay.pid ]] && kill -0 "$(head -n1 "$T/relay/relay.pid")" 2>/dev/null
    else
        [[ -n $RELAY_PID ]] && kill -0 "$RELAY_PID" 2>/dev/null
    fi
}

# shellcheck disable=SC2317  # invoked by the trap
teardown() {
    relay_down
    sc_redis_down "$T/redis"
    if [[ ${SC_KEEP_TMP:-0} == 1 ]]; then echo "ws-conformance: kept $T"; else rm -rf "$T"; fi
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

REDIS_PORT=$(sc_free_port) || die "no free port"
RELAY_PORT=$(sc_free_port "$REDIS_PORT") || die "no free port"
ADMIN_PORT=$(sc_free_port "$REDIS_PORT" "$RELAY_PORT") || die "no free port"
REDIS_PASSWORD=$(openssl rand -hex 24)
export SC_CONFIG=$T/sc.conf
# No PostgreSQL: the relay reads only the Redis, JWT, CORS and RELAY_* keys. Small limits so
# the 1009 and slow-consumer cases need little traffic; two workers so connections of one user
# land on different processes.
cat >"$SC_CONFIG" <<EOF
# throwaway config (tests/ws/run.sh)
JWT_SECRET=$(openssl rand -hex 32)
REDIS_HOST=127.0.0.1
REDIS_PORT=$REDIS_PORT
REDIS_PASSWORD=$REDIS_PASSWORD
CORS_ALLOWED_ORIGINS=http://app.example.test,http://127.0.0.1:3000
LOG_LEVEL=info
RELAY_LISTEN=127.0.0.1
RELAY_PORT=$RELAY_PORT
RELAY_ADMIN_PORT=$ADMIN_PORT
RELAY_WORKERS=2
RELAY_MAX_MESSAGE_BYTES=4096
RELAY_OUTPUT_SOFT_BYTES=32768
RELAY_OUTPUT_SOFT_SECONDS=30
RELAY_OUTPUT_HARD_BYTES=65536
RELAY_REPLAY_MAX=100
EOF
sc_secure_config "$SC_CONFIG"

relay_up() {
    if declare -F sc_relay_up >/dev/null; then
        sc_relay_up "$T/relay" "$SC_CONFIG" "$RELAY"
        return
    fi
    if ! "$RELAY" -t >"$T/relay/check.log" 2>&1; then
        sc_log "ws-conformance: sc-ws-relay -t rejected the config:"; cat "$T/relay/check.log" >&2; return 1
    fi
    if sc_port_listening "$RELAY_PORT" || sc_port_listening "$ADMIN_PORT"; then
        sc_log "ws-conformance: port $RELAY_PORT or $ADMIN_PORT is taken"; return 1
    fi
    "$RELAY" </dev/null >>"$T/relay/relay.log" 2>&1 &
    RELAY_PID=$!
    local n
    for ((n = 0; n < 150; n++)); do
        if [[ $(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN_PORT/health" 2>/dev/null) == 200 ]] &&
            sc_port_listening "$RELAY_PORT"; then
            return 0
        fi
        kill -0 "$RELAY_PID" 2>/dev/null || break
        sleep 0.1
    done
    sc_log "ws-conformance: the relay did not come up on :$RELAY_PORT (admin :$ADMIN_PORT); log:"
    tail -n 30 "$T/relay/relay.log" >&2
    return 1
}

# WS_CTL: the clients stop and start this run's Redis (the restart groups)
export WS_CTL=$T/ctl
cat >"$WS_CTL" <<EOF
#!/bin/bash
# generated by tests/ws/run.sh: $T/ctl redis-stop|redis-start
SC_ROOT=$(printf %q "$ROOT")
. "\$SC_ROOT/scripts/svc.sh"
case \${1:-} in
    redis-stop)  sc_redis_down $T/redis ;;
    redis-start) sc_redis_up $T/redis $REDIS_PORT $REDIS_PASSWORD ;;
    *) echo "usage: \$0 redis-stop|redis-start" >&2; exit 2 ;;
esac
EOF
chmod 0700 "$WS_CTL"

echo "ws-conformance: relay $(basename "$(dirname "$(dirname "$RELAY")")")/ws-relay/sc-ws-relay :$RELAY_PORT (admin :$ADMIN_PORT), Redis :$REDIS_PORT, folder $T"
"$WS_CTL" redis-start || die "Redis did not start"
relay_up || die "the relay did not start"

rc=0
for c in $CLIENTS; do
    t0=$SECONDS
    case $c in
        python) timeout 120 "$PY" tests/ws/conformance.py "${GROUPS_ARR[@]}" || rc=1 ;;
        node) timeout 120 node tests/ws/conformance.mjs "${GROUPS_ARR[@]}" || rc=1 ;;
        *) echo "ws-conformance: unknown client $c" >&2; rc=1 ;;
    esac
    echo "ws-conformance: $c client took $((SECONDS - t0)) s"
    # a client may leave Redis stopped when it failed half way
    if ! { [[ -s $T/redis/redis.pid ]] && kill -0 "$(cat "$T/redis/redis.pid")" 2>/dev/null; }; then
        "$WS_CTL" redis-start || rc=1
    fi
    if ! relay_running; then
        echo "ws-conformance: the relay exited during the $c client's run" >&2
        rc=1
        relay_up || break
    fi
done

relay_down
# sanitizer builds report into the relay's standard error (its log); LeakSanitizer at exit too
if grep -qE 'Sanitizer|runtime error:' "$T/relay/relay.log"; then
    echo "ws-conformance: sanitizer report in the relay's log:" >&2
    grep -E -A25 'Sanitizer|runtime error:' "$T/relay/relay.log" | head -n 80 >&2
    rc=1
fi
if [[ $rc != 0 ]]; then
    echo "ws-conformance: FAILED; last lines of the relay's log:" >&2
    tail -n 30 "$T/relay/relay.log" >&2
    exit 1
fi
echo "ws-conformance: both clients passed"
