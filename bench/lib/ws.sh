# shellcheck shell=bash
# bench/lib/ws.sh: the WebSocket relay benches of `make bench` (issue 5, docs/benchmarks.md
# "WebSocket relay"), sourced by bench/run.sh (`BENCH_ONLY=ws bench/run.sh` runs only these).
#   bench_ws DIR CONF BUILD RESULTS
#       DIR: a scratch folder; CONF: the stack's config (its Redis must be up); BUILD: the build
#       folder (wsload, ws-tokens, sc-ws-relay); appends ws_* key=value lines to RESULTS and
#       writes every raw wsload line to BUILD/bench/ws-results.txt. Never fails on figures.
#   bench_ws_down DIR
#       stop whatever bench_ws left running in DIR (load clients, servers): for the caller's
#       EXIT trap, so an interrupted bench leaves nothing behind.
#
# Systems, each started alone on a free port, stopped before the next one starts:
#   relay       build/ws-relay/sc-ws-relay, its own config (the stack's plus RELAY_*), connected
#               to directly (no lighttpd in front)
#   node1       bench/peers/node-relay/relay.js, one process (ws + ioredis, `npm ci` here)
#   node2       the same as a node:cluster of two workers
#   nchan-mem   nginx + libnginx-mod-nchan (bench/peers/nchan/nginx.conf.in), memory store
#   nchan-redis the same with nchan's Redis store on the stack's Redis
# Scenarios:
#   idle    idle authenticated connections (wsload idle): memory per connection = the RSS and
#           the PSS summed over the system's processes (/proc/PID/smaps_rollup), after minus
#           before, / connections; Redis's RSS growth beside it.
#   fanout  10,000 connections of 10,000 users (wsload fanout): rising fixed rates, 1:1 and to
#           a 100-member group; the highest sustained rate (no loss, p99 < 10 ms) and, for the
#           relay, p99 at half of it.
#   Beside them: CPU time of the system's processes (and of Redis) from the moment all fan-out
#   connections are open to the end, per frame delivered: a figure neighbours on a shared
#   machine disturb less than rates and latencies.
# Environment: SC_BENCH_WS_SYSTEMS (default "relay node1 node2 nchan-mem nchan-redis"),
# SC_BENCH_WS_IDLE_SYSTEMS (default "relay node1 nchan-mem nchan-redis"), SC_BENCH_WS_IDLE
# (50000 for the relay), SC_BENCH_WS_IDLE_PEERS (20000; node1 at most the open-file limit - 1000),
# SC_BENCH_WS_CONNS (10000), SC_BENCH_WS_RATES
# (10000,20000,40000,80000,160000,320000 deliveries/s), SC_BENCH_WS_STEP (2 s per rate),
# SC_BENCH_WS_BISECT (1 extra step between the last good and the first bad rate),
# SC_BENCH_WS_FANOUT_WORKERS (2: relay, node2 is always 2), SC_BENCH_WS_NCHAN_WORKERS (1: nchan's
# fan-out), SC_BENCH_WS_IDLE_WORKERS (4: relay and nchan idle, so no process needs more than the
# 20,000 open files this machine allows).

# ---------------------------------------------------------------- helpers
_ws_log() { printf 'bench: ws: %s\n' "$*"; }

# _ws_conf_get CONF KEY DEFAULT
_ws_conf_get() {
    local v
    v=$(sed -n "s/^$2=//p" "$1" | tail -n1)
    echo "${v:-$3}"
}

# PID and every descendant, one per line
_ws_tree() {
    local c
    echo "$1"
    for c in $(pgrep -P "$1" 2>/dev/null); do _ws_tree "$c"; done
}

# CPU time (user + system, clock ticks) summed over the process tree of PID
_ws_cpu() {
    local p t=0 v
    for p in $(_ws_tree "$1"); do
        v=$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || continue
        t=$((t + ${v:-0}))
    done
    echo "$t"
}

# "RSS-kB PSS-kB" summed over the process tree of PID (smaps_rollup: PSS splits shared pages)
_ws_mem() {
    local p rss=0 pss=0 r s
    for p in $(_ws_tree "$1"); do
        read -r r s < <(awk '/^Rss:/ { r = $2 } /^Pss:/ { s = $2 } END { print r + 0, s + 0 }' \
            "/proc/$p/smaps_rollup" 2>/dev/null) || continue
        rss=$((rss + r)) pss=$((pss + s))
    done
    echo "$rss $pss"
}

# _ws_wait_listen PORT PID SECONDS: until PORT listens; false when PID died or on timeout
_ws_wait_listen() {
    local n=$(($3 * 10))
    while ((n-- > 0)); do
        sc_port_listening "$1" && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# key=value from a wsload line: _ws_kv LINE KEY
_ws_kv() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }

_ws_stop() { sc_stop_pidfile "$1/pid" "$2" 10; }

# ---------------------------------------------------------------- the systems
# _ws_up SYSTEM DIR PORT WORKERS: start it, write DIR/pid; false (with the log tail) on failure
_ws_up() {
    local sys=$1 dir=$2 port=$3 workers=$4 pid admin
    rm -rf "$dir"
    mkdir -p "$dir" && chmod 0755 "$dir" || return 1
    case $sys in
    relay)
        admin=$(sc_free_port "$port") || return 1
        # the stack's config already names a relay (sc_stack_init): its keys are replaced here
        grep -vE '^(RELAY_[A-Z_]+|LOG_LEVEL)=' "$WS_CONF" >"$dir/relay.conf" || return 1
        {
            echo "RELAY_LISTEN=127.0.0.1"
            echo "RELAY_PORT=$port"
            echo "RELAY_ADMIN_PORT=$admin"
            echo "RELAY_WORKERS=$workers"
            echo "RELAY_MAX_CONNECTIONS=1000000"
            # the bench client reads everything; limits high enough never to close it
            echo "RELAY_OUTPUT_SOFT_BYTES=67108864"
            echo "RELAY_OUTPUT_HARD_BYTES=134217728"
            echo "LOG_LEVEL=warn"
        } >>"$dir/relay.conf"
        sc_secure_config "$dir/relay.conf"
        if ! SC_CONFIG=$dir/relay.conf "$WS_RELAY" -t >"$dir/check.log" 2>&1; then
            _ws_log "sc-ws-relay -t rejected its config:"; cat "$dir/check.log" >&2; return 1
        fi
        (ulimit -n "$(ulimit -Hn)"; SC_CONFIG=$dir/relay.conf exec "$WS_RELAY") \
            </dev/null >"$dir/stdout.log" 2>"$dir/stderr.log" &
        pid=$!
        ;;
    node1 | node2)
        (ulimit -n "$(ulimit -Hn)"; cd "$SC_ROOT/bench/peers/node-relay" &&
            PORT=$port WORKERS=$workers REDIS_HOST=127.0.0.1 REDIS_PORT=$WS_REDIS_PORT \
            REDIS_PASSWORD=$WS_REDIS_PASSWORD JWT_SECRET=$WS_JWT_SECRET JWT_ISSUER=$WS_JWT_ISSUER \
            exec node relay.js) </dev/null >"$dir/stdout.log" 2>"$dir/stderr.log" &
        pid=$!
        ;;
    nchan-mem | nchan-redis)
        local store=memory ups="" pass="" user=""
        if [[ $sys == nchan-redis ]]; then
            store=redis
            ups="upstream sc_redis { nchan_redis_server redis://:$WS_REDIS_PASSWORD@127.0.0.1:$WS_REDIS_PORT; }"
            pass="nchan_redis_pass sc_redis;"
        fi
        mkdir -p "$dir/tmp" || return 1
        if sc_is_root; then user="user $SC_WEB_USER;"; chown "$SC_WEB_USER" "$dir/tmp"; fi
        ( umask 077; sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$port|g" -e "s|@WORKERS@|$workers|g" \
            -e "s|@NOFILE@|$(($(ulimit -Hn) - 100))|g" -e "s|@STORE@|$store|g" -e "s|@USER@|$user|" \
            -e "s|@REDIS_UPSTREAM@|$ups|" -e "s|@REDIS_PASS@|$pass|g" \
            "$SC_ROOT/bench/peers/nchan/nginx.conf.in" >"$dir/nginx.conf" ) || return 1
        if ! nginx -t -q -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log" >"$dir/check.log" 2>&1; then
            _ws_log "nginx -t rejected $dir/nginx.conf:"; cat "$dir/check.log" >&2; return 1
        fi
        (ulimit -n "$(ulimit -Hn)"; exec nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log") \
            </dev/null >"$dir/stdout.log" 2>"$dir/stderr.log" &
        pid=$!
        ;;
    *) _ws_log "unknown system $sys"; return 1 ;;
    esac
    echo "$pid" >"$dir/pid"
    if ! _ws_wait_listen "$port" "$pid" 15; then
        _ws_log "$sys did not start:"; tail -n 20 "$dir"/*.log >&2 2>/dev/null
        _ws_stop "$dir" "$sys"; return 1
    fi
    # node2: both workers listening (the primary listens as soon as the first one does)
    if [[ $sys == node2 ]]; then
        local n=50
        while ((n-- > 0)) && (($(grep -c listening "$dir/stderr.log") < workers)); do sleep 0.1; done
    fi
    # the relay's workers subscribe to Redis after they start: give them a moment
    sleep 0.5
}

_ws_label() {
    case $1 in
    relay) echo "sc-ws-relay" ;;
    node1) echo "Node ws+ioredis, 1 process" ;;
    node2) echo "Node ws+ioredis, cluster of 2" ;;
    nchan-mem) echo "nchan, memory store" ;;
    nchan-redis) echo "nchan, Redis store" ;;
    esac
}

# the wsload options that address SYSTEM
_ws_target() {
    case $1 in
    nchan-*) echo "--path /sub/%u --auth none" ;;
    *) echo "--path /v1/ws --auth bearer" ;;
    esac
}

# ---------------------------------------------------------------- idle
# _ws_idle SYSTEM N WORKERS: sets WSI_{N,RSS,PSS,REDIS}[SYSTEM] (bytes per connection)
_ws_idle() {
    local sys=$1 n=$2 workers=$3 dir=$WS_DIR/$1-idle port rb ra out line pid k
    local -a before=() after=()
    port=$(sc_free_port) || return 1
    _ws_up "$sys" "$dir" "$port" "$workers" || return 1
    sleep 1
    read -r -a before < <(_ws_mem "$(cat "$dir/pid")")
    rb=$(_ws_mem "$WS_REDIS_PID" | cut -d' ' -f1)
    out=$dir/wsload.out
    # shellcheck disable=SC2046  # _ws_target gives several words on purpose
    "$WS_LOAD" idle --port "$port" --tokens "$WS_TOKENS" -n "$n" --hold 600 --label "$sys" \
        $(_ws_target "$sys") >"$out" 2>"$dir/wsload.err" &
    pid=$!
    echo "$pid" >"$dir/wsload.pid"
    for ((k = 0; k < 1800; k++)); do
        grep -q '^ready ' "$out" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    line=$(grep '^ready ' "$out")
    if [[ -z $line ]]; then
        _ws_log "$sys: wsload idle gave no result:"; cat "$dir/wsload.err" >&2
        sc_stop_pidfile "$dir/wsload.pid" wsload 10; _ws_stop "$dir" "$sys"; return 1
    fi
    # settle: the servers finish their subscriptions and timers
    sleep 2
    read -r -a after < <(_ws_mem "$(cat "$dir/pid")")
    ra=$(_ws_mem "$WS_REDIS_PID" | cut -d' ' -f1)
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rm -f "$dir/wsload.pid"
    cat "$out" >>"$WS_RAW"
    local conn failed dropped
    conn=$(_ws_kv "$line" connected)
    failed=$(_ws_kv "$line" failed)
    dropped=$(_ws_kv "$(grep '^done ' "$out")" dropped)
    _ws_stop "$dir" "$sys"
    ((conn > 0)) || { _ws_log "$sys: no connection opened ($line)"; return 1; }
    WSI_N[$sys]=$conn
    WSI_FAILED[$sys]=$failed
    WSI_DROPPED[$sys]=${dropped:-?}
    WSI_RATE[$sys]=$(_ws_kv "$line" conn_per_s)
    WSI_RSS[$sys]=$(((after[0] - before[0]) * 1024 / conn))
    WSI_PSS[$sys]=$(((after[1] - before[1]) * 1024 / conn))
    WSI_REDIS[$sys]=$(((ra - rb) * 1024 / conn))
    _ws_log "$(printf '%-12s idle %6d connected (%s failed, %s dropped, %s/s): %6d B RSS, %6d B PSS per connection; Redis %+d B' \
        "$sys" "$conn" "$failed" "${dropped:-?}" "${WSI_RATE[$sys]}" "${WSI_RSS[$sys]}" "${WSI_PSS[$sys]}" "${WSI_REDIS[$sys]}")"
}

# ---------------------------------------------------------------- fan-out
# _ws_fanout SYSTEM WORKERS [--half]: sets WSF_{MAX,P99,CPU}[SYSTEM:MODE], WSF_HALF*[MODE]
_ws_fanout() {
    local sys=$1 workers=$2 half=${3:-} dir=$WS_DIR/$1-fanout port out pub line mode pid k
    local c0 c1 r0 r1 frames
    port=$(sc_free_port) || return 1
    _ws_up "$sys" "$dir" "$port" "$workers" || return 1
    case $sys in
    nchan-*) pub=http://127.0.0.1:$port/pub/ ;;
    *) pub=redis://127.0.0.1:$WS_REDIS_PORT ;;
    esac
    out=$dir/wsload.out
    # shellcheck disable=SC2046,SC2086  # word splitting of the target options is intended
    WSLOAD_REDIS_PASSWORD=$WS_REDIS_PASSWORD timeout 600 "$WS_LOAD" fanout --port "$port" \
        --tokens "$WS_TOKENS_FANOUT" -n "$WS_CONNS" --pub "$pub" --modes 1to1,group \
        --rates "$WS_RATES" --step "$WS_STEP" --bisect "$WS_BISECT" --drain-max 5 --group 100 \
        $half --label "$sys" $(_ws_target "$sys") >"$out" 2>"$dir/wsload.err" &
    pid=$!
    echo "$pid" >"$dir/wsload.pid"
    # CPU of the system and of Redis from the moment every connection is open to the end
    for ((k = 0; k < 1200; k++)); do
        grep -q '^connected ' "$out" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    c0=$(_ws_cpu "$(cat "$dir/pid")")
    r0=$(_ws_cpu "$WS_REDIS_PID")
    wait "$pid"
    rm -f "$dir/wsload.pid"
    c1=$(_ws_cpu "$(cat "$dir/pid")")
    r1=$(_ws_cpu "$WS_REDIS_PID")
    cat "$out" >>"$WS_RAW"
    _ws_stop "$dir" "$sys"
    frames=$(_ws_kv "$(grep '^end ' "$out")" frames)
    if [[ -n $frames ]] && ((frames > 0)); then
        WSF_CPU[$sys]=$(awk -v c=$((c1 - c0)) -v f="$frames" -v hz="$WS_HZ" 'BEGIN { printf "%.1f", c * 1e6 / hz / f }')
        WSF_RCPU[$sys]=$(awk -v c=$((r1 - r0)) -v f="$frames" -v hz="$WS_HZ" 'BEGIN { printf "%.1f", c * 1e6 / hz / f }')
        _ws_log "$sys: CPU per delivery over the whole fan-out: ${WSF_CPU[$sys]} us (Redis ${WSF_RCPU[$sys]} us), $frames frames"
    fi
    grep -E '^(connected|step|max|half|end) ' "$out" | sed 's/^/    /'
    if ! grep -q '^max ' "$out"; then
        _ws_log "$sys: wsload fanout gave no result:"; tail -n 5 "$dir/wsload.err" >&2; return 1
    fi
    for mode in 1to1 group; do
        line=$(grep "^max .* mode=$mode " "$out") || continue
        WSF_MAX[$sys:$mode]=$(_ws_kv "$line" sustained_dps)
        WSF_P99[$sys:$mode]=$(_ws_kv "$line" p99_us_at_max)
        # every rate of the ladder sustained: the maximum is at least that, not that
        [[ $(_ws_kv "$line" first_unsustained) == 0 ]] && WSF_TOP[$sys:$mode]=1
        line=$(grep "^half .* mode=$mode " "$out") || continue
        WSF_HALF_RATE[$mode]=$(_ws_kv "$line" rate)
        WSF_HALF_P99[$mode]=$(_ws_kv "$line" p99_us)
        WSF_HALF_P50[$mode]=$(_ws_kv "$line" p50_us)
    done
}

# ---------------------------------------------------------------- setup
_ws_node_ready() {
    local d=$SC_ROOT/bench/peers/node-relay
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        _ws_log "node/npm are not installed"; return 1
    fi
    # npm ci again only when the lock file changed since the last install
    if [[ ! -f $d/node_modules/.package-lock.json || $d/package-lock.json -nt $d/node_modules/.package-lock.json ]]; then
        _ws_log "npm ci in bench/peers/node-relay (ws, ioredis)"
        (cd "$d" && npm ci --no-audit --no-fund --loglevel=error) >"$WS_DIR/npm.log" 2>&1 ||
            { cat "$WS_DIR/npm.log" >&2; return 1; }
    fi
}

_ws_nchan_ready() {
    command -v nginx >/dev/null && [[ -f /usr/lib/nginx/modules/ngx_nchan_module.so ]]
}

bench_ws_down() {
    local d
    for d in "$1"/*/; do
        [[ -d $d ]] || continue
        sc_stop_pidfile "$d/wsload.pid" wsload 10
        sc_stop_pidfile "$d/pid" "$(basename "$d")" 10
    done
}

# _ws_vs MODE PEER: relay max / peer max; ">=" when only the relay reached the top of the ladder,
# "<=" when only the peer did, n/a when both did (the ladder was too short to tell)
_ws_vs() {
    local r
    r=$(_ws_ratio "${WSF_MAX[relay:$1]:-}" "${WSF_MAX[$2:$1]:-}")
    [[ $r == n/a ]] && { echo n/a; return; }
    if [[ -n ${WSF_TOP[relay:$1]:-} && -n ${WSF_TOP[$2:$1]:-} ]]; then echo n/a
    elif [[ -n ${WSF_TOP[relay:$1]:-} ]]; then echo ">=$r"
    elif [[ -n ${WSF_TOP[$2:$1]:-} ]]; then echo "<=$r"
    else echo "$r"; fi
}

# A + B, or empty when either is
_ws_sum() { [[ -n $1 && -n $2 ]] && awk -v a="$1" -v b="$2" 'BEGIN { print a + b }'; }

# ratio A/B with one decimal, or n/a
_ws_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "" && b > 0) printf "%.1f", a / b; else print "n/a" }'; }

bench_ws() {
    local dir=$1 conf=$2 build=$3 results=$4 sys t0 load_before
    WS_DIR=$dir
    WS_CONF=$conf
    WS_LOAD=$build/bench/wsload
    WS_RELAY=$build/ws-relay/sc-ws-relay
    WS_RAW=$build/bench/ws-results.txt
    WS_CONNS=${SC_BENCH_WS_CONNS:-10000}
    WS_RATES=${SC_BENCH_WS_RATES:-10000,20000,40000,80000,160000,320000}
    WS_STEP=${SC_BENCH_WS_STEP:-2}
    WS_BISECT=${SC_BENCH_WS_BISECT:-1}
    local idle_n=${SC_BENCH_WS_IDLE:-50000} idle_peers=${SC_BENCH_WS_IDLE_PEERS:-20000}
    local fw=${SC_BENCH_WS_FANOUT_WORKERS:-2} iw=${SC_BENCH_WS_IDLE_WORKERS:-4}
    # nchan passes every message between its workers over IPC: on 2 cores one worker delivered
    # at 31-37 us of CPU per message, two at 85-88 us, so the fan-out gives nchan one worker
    local nw=${SC_BENCH_WS_NCHAN_WORKERS:-1}
    local systems=${SC_BENCH_WS_SYSTEMS:-relay node1 node2 nchan-mem nchan-redis}
    local idle_systems=${SC_BENCH_WS_IDLE_SYSTEMS:-relay node1 nchan-mem nchan-redis}
    local nofile
    nofile=$(ulimit -Hn)
    WS_REDIS_PORT=$(_ws_conf_get "$conf" REDIS_PORT 6379)
    WS_REDIS_PASSWORD=$(_ws_conf_get "$conf" REDIS_PASSWORD "")
    WS_JWT_SECRET=$(_ws_conf_get "$conf" JWT_SECRET "")
    WS_JWT_ISSUER=$(_ws_conf_get "$conf" JWT_ISSUER secureconnect)
    WS_REDIS_PID=$(cat "$(dirname "$conf")/redis/redis.pid" 2>/dev/null)
    declare -gA WSI_N=() WSI_FAILED=() WSI_DROPPED=() WSI_RATE=() WSI_RSS=() WSI_PSS=() WSI_REDIS=()
    declare -gA WSF_MAX=() WSF_TOP=() WSF_P99=() WSF_HALF_RATE=() WSF_HALF_P99=() WSF_HALF_P50=() WSF_CPU=() WSF_RCPU=()
    WS_HZ=$(getconf CLK_TCK)
    echo
    echo "bench: WebSocket relay (bench/lib/ws.sh): idle memory and fan-out against Node and nchan"
    mkdir -p "$dir" "$(dirname "$WS_RAW")" && chmod 0755 "$dir" || return 1
    : >"$WS_RAW"
    for f in "$WS_LOAD" "$build/bench/ws-tokens"; do
        [[ -x $f ]] || { _ws_log "$f is missing (make bench builds it)"; echo "ws=absent" >>"$results"; return 0; }
    done
    local want=()
    for sys in $systems; do
        case $sys in
        relay)
            if [[ -x $WS_RELAY ]] && SC_CONFIG=$conf "$WS_RELAY" -t >/dev/null 2>&1; then want+=(relay)
            else _ws_log "sc-ws-relay is not built or does not start (-t): ABSENT"; fi ;;
        node*) if _ws_node_ready; then want+=("$sys"); else _ws_log "no Node peer"; fi ;;
        nchan*) if _ws_nchan_ready; then want+=("$sys"); else _ws_log "nginx/nchan are not installed (scripts/install-deps.sh bench): no $sys"; fi ;;
        *) _ws_log "unknown system $sys" ;;
        esac
    done
    # tokens: JWT_ACCESS_TTL_SECONDS is an hour in the bench config; every system gets the same
    WS_TOKENS=$dir/tokens.txt
    WS_TOKENS_FANOUT=$dir/tokens-fanout.txt
    SC_CONFIG=$conf "$build/bench/ws-tokens" "$idle_n" >"$WS_TOKENS" || { _ws_log "ws-tokens failed"; return 0; }
    SC_CONFIG=$conf "$build/bench/ws-tokens" "$WS_CONNS" >"$WS_TOKENS_FANOUT" || { _ws_log "ws-tokens failed"; return 0; }
    load_before=$(cut -d' ' -f1 /proc/loadavg)
    t0=$SECONDS

    # ---- idle connections: the relay with idle_n, the peers with idle_peers (a per-connection
    # figure does not change much past 20,000, and the peers accept 2-5 times slower)
    for sys in "${want[@]}"; do
        [[ " $idle_systems " == *" $sys "* ]] || continue
        local n=$idle_peers w=$iw
        case $sys in
        relay) n=$idle_n ;;
        # one Node process cannot hold more than the open-file limit (20,000 here)
        node1) w=1; ((n > nofile - 1000)) && n=$((nofile - 1000)) ;;
        node2) w=2; ((n > 2 * (nofile - 1000))) && n=$((2 * (nofile - 1000))) ;;
        nchan-*) w=$iw ;;
        esac
        _ws_idle "$sys" "$n" "$w" || _ws_log "$sys: idle scenario failed"
    done
    # ---- fan-out
    for sys in "${want[@]}"; do
        local w=$fw half=""
        [[ $sys == node1 ]] && w=1
        [[ $sys == node2 ]] && w=2
        [[ $sys == nchan-* ]] && w=$nw
        [[ $sys == relay ]] && half=--half
        _ws_log "$sys: fan-out, $WS_CONNS connections, rates $WS_RATES deliveries/s, ${WS_STEP}s each"
        _ws_fanout "$sys" "$w" "$half" || _ws_log "$sys: fan-out failed"
    done

    # ---- the table, the ratios and RESULTS
    local r m
    echo
    printf '  %-30s %10s %10s %7s   %-24s %-24s %s\n' "WebSocket relay" "idle conns" "B/conn RSS" "PSS" \
        "1:1 max sustained/s" "group max sustained/s" "CPU us/delivery (+Redis)"
    for sys in "${want[@]}"; do
        printf '  %-30s %10s %10s %7s   %-24s %-24s %s\n' "$(_ws_label "$sys")" "${WSI_N[$sys]:-n/a}" \
            "${WSI_RSS[$sys]:-n/a}" "${WSI_PSS[$sys]:-n/a}" \
            "${WSF_TOP[$sys:1to1]:+>=}${WSF_MAX[$sys:1to1]:-n/a} (p99 ${WSF_P99[$sys:1to1]:-?} us)" \
            "${WSF_TOP[$sys:group]:+>=}${WSF_MAX[$sys:group]:-n/a} (p99 ${WSF_P99[$sys:group]:-?} us)" \
            "${WSF_CPU[$sys]:-n/a} (+${WSF_RCPU[$sys]:-n/a})"
    done
    {
        echo "# WebSocket relay (bench/lib/ws.sh): idle ${idle_n}, fan-out ${WS_CONNS} connections, rates $WS_RATES, ${WS_STEP}s per rate; load before: $load_before"
        for sys in "${want[@]}"; do
            r=${sys//-/_}
            echo "ws_${r}_idle_conns=${WSI_N[$sys]:-n/a}"
            echo "ws_${r}_idle_failed=${WSI_FAILED[$sys]:-n/a}"
            echo "ws_${r}_idle_dropped=${WSI_DROPPED[$sys]:-n/a}"
            echo "ws_${r}_idle_rss_bytes_per_conn=${WSI_RSS[$sys]:-n/a}"
            echo "ws_${r}_idle_pss_bytes_per_conn=${WSI_PSS[$sys]:-n/a}"
            echo "ws_${r}_idle_redis_bytes_per_conn=${WSI_REDIS[$sys]:-n/a}"
            echo "ws_${r}_connects_per_s=${WSI_RATE[$sys]:-n/a}"
            echo "ws_${r}_fanout_cpu_us_per_delivery=${WSF_CPU[$sys]:-n/a}"
            echo "ws_${r}_fanout_redis_cpu_us_per_delivery=${WSF_RCPU[$sys]:-n/a}"
            for m in 1to1 group; do
                echo "ws_${r}_${m}_max_sustained_dps=${WSF_MAX[$sys:$m]:-n/a}"
                echo "ws_${r}_${m}_max_is_ladder_top=${WSF_TOP[$sys:$m]:-0}"
                echo "ws_${r}_${m}_p99_us_at_max=${WSF_P99[$sys:$m]:-n/a}"
            done
        done
    } >>"$results"
    if [[ -n ${WSF_MAX[relay:1to1]:-} ]]; then
        echo
        for m in 1to1 group; do
            local rn rc rm rr
            rn=$(_ws_vs "$m" node1)
            rc=$(_ws_vs "$m" node2)
            rm=$(_ws_vs "$m" nchan-mem)
            rr=$(_ws_vs "$m" nchan-redis)
            printf '  %-5s sustained: relay/node1 %sx (target >= 2), relay/node2 %sx, relay/nchan-mem %sx (target >= 4), relay/nchan-redis %sx\n' \
                "$m" "$rn" "$rc" "$rm" "$rr"
            printf '  %-5s p99 at half the relay max (%s/s): %s us, p50 %s us (target < 10000 us)\n' "$m" \
                "${WSF_HALF_RATE[$m]:-n/a}" "${WSF_HALF_P99[$m]:-n/a}" "${WSF_HALF_P50[$m]:-n/a}"
            {
                echo "ws_relay_vs_node1_${m}=$rn"
                echo "ws_relay_vs_node2_${m}=$rc"
                echo "ws_relay_vs_nchan_mem_${m}=$rm"
                echo "ws_relay_vs_nchan_redis_${m}=$rr"
                echo "ws_relay_${m}_half_rate=${WSF_HALF_RATE[$m]:-n/a}"
                echo "ws_relay_${m}_half_p99_us=${WSF_HALF_P99[$m]:-n/a}"
            } >>"$results"
        done
    fi
    if [[ -n ${WSF_CPU[relay]:-} ]]; then
        printf '  CPU per delivery (system + Redis): node1/relay %sx, node2/relay %sx, nchan-mem/relay %sx, nchan-redis/relay %sx\n' \
            "$(_ws_ratio "$(_ws_sum "${WSF_CPU[node1]:-}" "${WSF_RCPU[node1]:-}")" "$(_ws_sum "${WSF_CPU[relay]}" "${WSF_RCPU[relay]}")")" \
            "$(_ws_ratio "$(_ws_sum "${WSF_CPU[node2]:-}" "${WSF_RCPU[node2]:-}")" "$(_ws_sum "${WSF_CPU[relay]}" "${WSF_RCPU[relay]}")")" \
            "$(_ws_ratio "$(_ws_sum "${WSF_CPU[nchan-mem]:-}" "${WSF_RCPU[nchan-mem]:-}")" "$(_ws_sum "${WSF_CPU[relay]}" "${WSF_RCPU[relay]}")")" \
            "$(_ws_ratio "$(_ws_sum "${WSF_CPU[nchan-redis]:-}" "${WSF_RCPU[nchan-redis]:-}")" "$(_ws_sum "${WSF_CPU[relay]}" "${WSF_RCPU[relay]}")")"
    fi
    if [[ -n ${WSI_RSS[relay]:-} ]]; then
        printf '  idle memory per connection: relay %s B RSS / %s B PSS (target <= 2048); node1/relay %sx, nchan-mem/relay %sx (RSS)\n' \
            "${WSI_RSS[relay]}" "${WSI_PSS[relay]}" "$(_ws_ratio "${WSI_RSS[node1]:-}" "${WSI_RSS[relay]}")" \
            "$(_ws_ratio "${WSI_RSS[nchan-mem]:-}" "${WSI_RSS[relay]}")"
    fi
    echo "ws_seconds=$((SECONDS - t0))" >>"$results"
    _ws_log "$((SECONDS - t0)) s; raw wsload lines in $WS_RAW"
    awk -v l="$load_before" 'BEGIN { exit !(l > 1.0) }' &&
        _ws_log "note: load average was $load_before before these benches; other work on the machine skews them"
    return 0
}
