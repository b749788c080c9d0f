# shellcheck shell=bash
# bench/lib/keys.sh: prekey bundle fetches (issue 6, docs/benchmarks.md "Prekey bundle fetches"),
# sourced by bench/run.sh. `BENCH_ONLY=keys bench/run.sh` runs this part alone on a stack of its
# own (PostgreSQL, Redis, lighttpd with the register and keys programs).
#   bench_keys_routes BUILD APP-BIN-DIR CONF
#       print the route lines of /v1/keys/* (taken from cgi-bin/routes), install their programs
#       into APP-BIN-DIR, and raise KEYS_FETCH_PER_MINUTE and KEYS_FETCH_BURST in CONF to their
#       maximum (the bench measures the claim, not the limiter); KEYS_HAVE=0 when not built
#   bench_keys BASE DIR RESULTS
#       the bench against the web server at BASE (scratch folder DIR); appends keys_* key=value
#       lines to RESULTS and prints a table. Never fails on figures; a check that fails (a key
#       handed out twice or not at all) is printed as FAILED and written as keys_check=failed.
#   bench_keys_only BUILD
#       the BENCH_ONLY=keys run: its own stack, bench_keys, teardown; exit status 0 unless the
#       stack could not be set up
#
# The bench: one owner (Ed25519 identity made with openssl, a Kyber-sized last-resort prekey so
# bundles have their real size) with 1,000 one-time prekeys (KEYS_MAX_ONE_TIME), 20 requesters
# (20 registered users, each with its own access token). wrk -t2 -c20 (a Lua script written here):
# each thread keeps 10 connections and sends each request with the next of its 10 tokens, so 20
# users fetch at once. Per round the 1,000 keys are uploaded afresh (new ids) and fetched until
# they are gone and on for the rest of the run (SC_BENCH_KEYS_DURATION, 8 s; another run follows
# while keys are left); the Lua script records each key id it got and the wall-clock time
# (LuaJIT ffi clock_gettime) of the first request and of the last answer that carried a key:
# fetches per second with a key = keys / that time. After each round: every one of the 1,000 ids
# came back exactly once (no id twice, none missing, none foreign), and PostgreSQL holds no
# unclaimed key and 1,000 claim records of the round. Then fetches per second of the bundle with
# no one-time key left: one more run of the same length (none may carry a key).
# Environment: SC_BENCH_KEYS_ROUNDS (3), SC_BENCH_KEYS_DURATION (8s), SC_BENCH_KEYS_REQUESTERS
# (20), SC_BENCH_KEYS_COUNT (1000: at most KEYS_MAX_ONE_TIME).

KEYS_HAVE=0

bench_keys_routes() {
    local build=$1 dest=$2 conf=$3 prog bin n=0
    while read -r prog; do
        bin=$build/cgi-bin/${prog//\//-}.fcgi
        [[ -x $bin ]] || continue
        install -m 0755 "$bin" "$dest/" || return 1
        awk -v p="$prog" '$1 !~ /^#/ && $3 == p { print; exit }' "$SC_ROOT/cgi-bin/routes"
        n=$((n + 1))
    done < <(awk '$1 !~ /^#/ && $2 ~ /^\/v1\/keys\// { print $3 }' "$SC_ROOT/cgi-bin/routes")
    ((n == 4)) && KEYS_HAVE=1
    bench_config_set "$conf" KEYS_FETCH_PER_MINUTE 1000000
    bench_config_set "$conf" KEYS_FETCH_BURST 1000000
    return 0
}

_keys_log() { printf 'bench: keys: %s\n' "$*"; }
# median of the numbers on stdin (integers; n/a for none)
_keys_median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%d\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# _keys_b64 N-BYTES FIRST-BYTE-HEX: random standard base64 of N bytes (N a multiple of 3) whose
# first byte is FIRST (0x05 EC key, 0x08 Kyber key): the first two characters carry it
_keys_rand_b64() {
    local n=$1 first=$2 c1 c2 rest
    rest=$(openssl rand -base64 $((n * 2)) | tr -d '\n=' | head -c $((n / 3 * 4 - 2)))
    c1=$(printf '%s' "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/" | cut -c$((16#$first / 4 + 1)))
    # the second character: the first byte's low 2 bits, then 4 random bits
    c2=$(printf '%s' "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/" |
        cut -c$(( (16#$first % 4) * 16 + RANDOM % 16 + 1 )))
    printf '%s%s%s' "$c1" "$c2" "$rest"
}

# _keys_user NAME -> "user_id access_token"
_keys_user() {
    local body
    body=$(jq -nc --arg n "$1" --arg p "$(openssl rand -hex 16)" \
        '{email: ($n + "@example.com"), username: $n, password: $p, display_name: $n}')
    curl -s -H 'Content-Type: application/json' --data "$body" "$KEYS_BASE/v1/auth/register" |
        jq -re '"\(.data.user.user_id) \(.data.access_token)"'
}

# _keys_ec N: N random EC public keys (0x05 + 32 bytes) as base64, one a line, from one openssl
# run: 33 bytes are 44 characters without padding, "B" + one of Q..f carry the 0x05
_keys_ec() {
    openssl rand -base64 $(($1 * 32 + 48)) | tr -d '\n=' | fold -w42 | head -n "$1" |
        awk 'BEGIN { srand(); s = "QRSTUVWXYZabcdef" } { print "B" substr(s, int(rand() * 16) + 1, 1) $0 }'
}

# _keys_upload START COUNT: upload COUNT random one-time keys with ids START.. (100 a request)
# for the owner, with the signed and Kyber prekeys of $KEYS_DIR/base.json; 0 when all were 201
_keys_upload() {
    local start=$1 count=$2 i n code
    for ((i = 0; i < count; i += 100)); do
        n=$((count - i < 100 ? count - i : 100))
        _keys_ec "$n" | jq -R -s -c --argjson s $((start + i)) --slurpfile b "$KEYS_DIR/base.json" \
            '$b[0] + {one_time_pre_keys: (split("\n") | map(select(length > 0))
                | to_entries | map({key_id: ($s + .key), public_key: .value}))}' >"$KEYS_DIR/upload.json"
        code=$(curl -s -o "$KEYS_DIR/upload.out" -w '%{http_code}' -H "Authorization: Bearer $KEYS_OWNER_TOKEN" \
            -H 'Content-Type: application/json' --data-binary @"$KEYS_DIR/upload.json" "$KEYS_BASE/v1/keys/upload")
        [[ $code == 201 ]] || { _keys_log "upload answered $code: $(head -c 300 "$KEYS_DIR/upload.out")"; return 1; }
    done
}

# the wrk script: tokens, owner and output file from the environment
_keys_lua() {
    cat >"$1" <<'LUA'
-- written by bench/lib/keys.sh: GET /v1/keys/<owner> with 20 requesters' tokens; records the
-- one-time key id of each answer and the wall-clock times needed for the rate with keys
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } sc_bench_ts; int clock_gettime(int, sc_bench_ts *); ]]
local ts = ffi.new("sc_bench_ts")
local function now() ffi.C.clock_gettime(1, ts); return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9 end

local threads, nthreads = {}, 0
function setup(thread)
    nthreads = nthreads + 1
    thread:set("tid", nthreads)
    table.insert(threads, thread)
end

function init(args)
    local all = {}
    for t in string.gmatch(os.getenv("SC_BENCH_KEYS_TOKENS"), "[^,]+") do table.insert(all, t) end
    local n = tonumber(os.getenv("SC_BENCH_KEYS_THREADS"))
    tokens = {}
    for i = tid, #all, n do table.insert(tokens, all[i]) end
    path = "/v1/keys/" .. os.getenv("SC_BENCH_KEYS_OWNER")
    nxt, ids, nkey, nokey, bad, t0, tkey = 0, "", 0, 0, 0, 0, 0
end

function request()
    if t0 == 0 then t0 = now() end
    nxt = nxt % #tokens + 1
    return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. tokens[nxt] })
end

function response(status, headers, body)
    if status ~= 200 then bad = bad + 1; return end
    local id = string.match(body, '"one_time_pre_key":{"key_id":(%d+)')
    if id then
        nkey = nkey + 1
        ids = ids .. id .. "\n"
        tkey = now()
    else
        nokey = nokey + 1
    end
end

function done(summary, latency, requests)
    local f = assert(io.open(os.getenv("SC_BENCH_KEYS_OUT"), "w"))
    local nk, nn, nb, first, last = 0, 0, 0, math.huge, 0
    for _, t in ipairs(threads) do
        nk, nn, nb = nk + t:get("nkey"), nn + t:get("nokey"), nb + t:get("bad")
        f:write(t:get("ids"))
        if t:get("t0") > 0 and t:get("t0") < first then first = t:get("t0") end
        if t:get("tkey") > last then last = t:get("tkey") end
    end
    f:close()
    io.write(string.format("keys_run with_key=%d without_key=%d non200=%d requests=%d duration_s=%.3f key_span_s=%.3f p99_ms=%.2f\n",
        nk, nn, nb, summary.requests, summary.duration / 1e6, nk > 0 and last - first or 0,
        latency:percentile(99) / 1000))
end
LUA
}

# _keys_wrk DURATION -> the keys_run line; ids into $KEYS_DIR/ids.run
_keys_wrk() {
    SC_BENCH_KEYS_TOKENS=$KEYS_TOKENS SC_BENCH_KEYS_THREADS=2 SC_BENCH_KEYS_OWNER=$KEYS_OWNER \
        SC_BENCH_KEYS_OUT=$KEYS_DIR/ids.run \
        wrk -t2 -c"$KEYS_REQ" -d"$1" --timeout 10s -s "$KEYS_DIR/keys.lua" "$KEYS_BASE/v1/keys/$KEYS_OWNER" \
        >"$KEYS_DIR/wrk.txt" 2>&1 || { cat "$KEYS_DIR/wrk.txt" >&2; return 1; }
    grep '^keys_run ' "$KEYS_DIR/wrk.txt"
}
_keys_kv() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }

bench_keys() {
    KEYS_BASE=$1 KEYS_DIR=$2
    local results=$3 rounds=${SC_BENCH_KEYS_ROUNDS:-3} dur=${SC_BENCH_KEYS_DURATION:-8s}
    local count=${SC_BENCH_KEYS_COUNT:-1000} r i line start left runs with_rates=() check=passed
    local nk span total_k total_s dup missing foreign got claimed none_rate=n/a none_p99=n/a none_key=0
    local none_bad=0 bad=0 load_before
    KEYS_REQ=${SC_BENCH_KEYS_REQUESTERS:-20}
    echo
    if ((!KEYS_HAVE)); then
        _keys_log "the keys programs are not built; no figures"
        echo "keys=absent" >>"$results"
        return 0
    fi
    mkdir -p "$KEYS_DIR" || return 0
    load_before=$(cut -d' ' -f1 /proc/loadavg)

    # ---- the owner and its signed and Kyber prekeys (Ed25519 identity: openssl signs)
    _keys_log "owner and $KEYS_REQ requesters through POST /v1/auth/register"
    read -r KEYS_OWNER KEYS_OWNER_TOKEN < <(_keys_user "keys_owner_$RANDOM") || true
    [[ -n ${KEYS_OWNER_TOKEN:-} ]] || { _keys_log "registering the owner failed; no figures"; return 0; }
    local toks=() t
    for ((i = 0; i < KEYS_REQ; i++)); do
        read -r _ t < <(_keys_user "keys_req_${RANDOM}_$i") || true
        [[ -n ${t:-} ]] || { _keys_log "registering requester $i failed; no figures"; return 0; }
        toks+=("$t")
    done
    KEYS_TOKENS=$(IFS=,; echo "${toks[*]}")
    openssl genpkey -algorithm ed25519 -out "$KEYS_DIR/id.pem" 2>/dev/null &&
        openssl pkey -in "$KEYS_DIR/id.pem" -pubout -outform DER 2>/dev/null | tail -c 32 >"$KEYS_DIR/id.pub" &&
        _keys_rand_b64 33 05 | base64 -d >"$KEYS_DIR/spk" 2>/dev/null &&
        _keys_rand_b64 1569 08 | base64 -d >"$KEYS_DIR/kyber" 2>/dev/null &&
        openssl pkeyutl -sign -rawin -inkey "$KEYS_DIR/id.pem" -in "$KEYS_DIR/spk" -out "$KEYS_DIR/spk.sig" 2>/dev/null &&
        openssl pkeyutl -sign -rawin -inkey "$KEYS_DIR/id.pem" -in "$KEYS_DIR/kyber" -out "$KEYS_DIR/kyber.sig" 2>/dev/null ||
        { _keys_log "openssl could not make the Ed25519 keys; no figures"; return 0; }
    jq -nc --arg i "$(base64 -w0 <"$KEYS_DIR/id.pub")" --arg sp "$(base64 -w0 <"$KEYS_DIR/spk")" \
        --arg ss "$(base64 -w0 <"$KEYS_DIR/spk.sig")" --arg kp "$(base64 -w0 <"$KEYS_DIR/kyber")" \
        --arg ks "$(base64 -w0 <"$KEYS_DIR/kyber.sig")" \
        '{identity_key: $i, signed_pre_key: {key_id: 1, public_key: $sp, signature: $ss},
          kyber_pre_key: {key_id: 1, public_key: $kp, signature: $ks}}' >"$KEYS_DIR/base.json"
    _keys_lua "$KEYS_DIR/keys.lua"

    # ---- rounds: upload COUNT keys, fetch until gone (and on), check every id came back once
    for ((r = 1; r <= rounds; r++)); do
        start=$((r * 1000000 + 1))
        _keys_upload "$start" "$count" || { check=failed; break; }
        : >"$KEYS_DIR/ids.round"
        total_k=0 total_s=0 runs=0
        while :; do
            runs=$((runs + 1))
            line=$(_keys_wrk "$dur") || { check=failed; break; }
            cat "$KEYS_DIR/ids.run" >>"$KEYS_DIR/ids.round"
            nk=$(_keys_kv "$line" with_key) span=$(_keys_kv "$line" key_span_s)
            bad=$((bad + $(_keys_kv "$line" non200)))
            total_k=$((total_k + nk))
            # a run that ended with keys still left counts whole; else up to its last key
            if (($(_keys_kv "$line" without_key) == 0)); then span=$(_keys_kv "$line" duration_s); fi
            total_s=$(awk -v a="$total_s" -v b="$span" 'BEGIN { print a + b }')
            (($(_keys_kv "$line" without_key) > 0)) && break
            ((runs < 10)) || { _keys_log "round $r: keys still left after 10 runs"; check=failed; break; }
        done
        got=$(grep -c . "$KEYS_DIR/ids.round")
        dup=$(sort -n "$KEYS_DIR/ids.round" | uniq -d | grep -c .)
        foreign=$(awk -v a="$start" -v b="$((start + count - 1))" '$1 < a || $1 > b' "$KEYS_DIR/ids.round" | grep -c .)
        missing=$(comm -23 <(seq "$start" $((start + count - 1)) | sort) <(sort -u "$KEYS_DIR/ids.round") | grep -c .)
        left=$(psql -X -q -At -h "${SC_STACK_PG_HOST_DIR:-$T/pg}" -p "$SC_STACK_PG_PORT" -U postgres -d "$SC_STACK_DB" \
            -c "SELECT count(*) FROM e2ee_one_time_keys WHERE user_id = '$KEYS_OWNER'" 2>/dev/null)
        claimed=$(psql -X -q -At -h "${SC_STACK_PG_HOST_DIR:-$T/pg}" -p "$SC_STACK_PG_PORT" -U postgres -d "$SC_STACK_DB" \
            -c "SELECT count(*) FROM e2ee_claimed_keys WHERE user_id = '$KEYS_OWNER' AND key_id BETWEEN $start AND $((start + count - 1))" 2>/dev/null)
        if [[ $got == "$count" && $dup == 0 && $foreign == 0 && $missing == 0 && $left == 0 && $claimed == "$count" ]]; then
            _keys_log "round $r: $count of $count key ids handed out exactly once (none twice, none missing); 0 unclaimed left, $claimed claim records"
        else
            _keys_log "round $r: FAILED: $got ids received, $dup twice, $missing missing, $foreign foreign; $left unclaimed left, $claimed claim records"
            check=failed
        fi
        with_rates+=("$(awk -v k="$total_k" -v s="$total_s" 'BEGIN { if (s > 0) printf "%d", k / s; else print 0 }')")
        _keys_log "round $r: ${with_rates[-1]} fetches/s with a one-time key ($total_k keys in ${total_s} s, $runs wrk run(s) of $dur)"
    done

    # ---- no one-time key left: the bundle alone
    if line=$(_keys_wrk "$dur"); then
        none_key=$(_keys_kv "$line" with_key) none_bad=$(_keys_kv "$line" non200)
        none_rate=$(awk -v n="$(_keys_kv "$line" requests)" -v s="$(_keys_kv "$line" duration_s)" 'BEGIN { printf "%d", n / s }')
        none_p99=$(_keys_kv "$line" p99_ms)
        ((none_key == 0)) || { _keys_log "FAILED: $none_key bundles carried a key after all were handed out"; check=failed; }
    fi
    ((bad + none_bad == 0)) || { _keys_log "FAILED: $((bad + none_bad)) answers were not 200"; check=failed; }

    local with_med
    with_med=$(printf '%s\n' "${with_rates[@]}" | _keys_median)
    {
        echo "# keys: one owner with $count one-time prekeys, $KEYS_REQ requesters, wrk -t2 -c$KEYS_REQ, $rounds rounds of $dur runs"
        echo "keys_one_time=$count"
        echo "keys_requesters=$KEYS_REQ"
        echo "keys_with_key_fetches_per_s=$with_med"
        echo "keys_with_key_round_fetches_per_s=${with_rates[*]}"
        echo "keys_without_key_fetches_per_s=$none_rate"
        echo "keys_without_key_p99_ms=$none_p99"
        echo "keys_check=$check"
        echo "keys_load_before=$load_before"
    } >>"$results"
    printf '\n  prekey bundles: one owner, %d one-time keys, %d requesters (wrk -t2 -c%d)\n' "$count" "$KEYS_REQ" "$KEYS_REQ"
    printf '    with a one-time key       %8s fetches/s  (median of rounds: %s)\n' "$with_med" "${with_rates[*]}"
    printf '    none left (bundle only)   %8s fetches/s  (p99 %s ms)\n' "$none_rate" "$none_p99"
    if [[ $check == passed ]]; then
        printf '    every key id handed out exactly once in each of %d rounds: yes\n' "$rounds"
    else
        printf '    CHECK FAILED: see the lines above\n'
    fi
    awk -v l="$load_before" 'BEGIN { exit !(l > 1.0) }' &&
        echo "bench: keys: note: load average was $load_before before this part; other work on the machine skews the figures"
    return 0
}

bench_keys_only() {
    local build=$1 T conf
    local admin=$build/tools/sc-admin register=$build/cgi-bin/auth-register.fcgi
    for f in "$admin" "$register" "$build/cgi-bin/ops-notfound.fcgi"; do
        [[ -x $f ]] || { echo "bench: $f is missing; run make first" >&2; return 1; }
    done
    command -v wrk >/dev/null || { echo "bench: wrk is not installed (scripts/install-deps.sh)" >&2; return 1; }
    T=$(mktemp -d /tmp/sc-bench-keys.XXXXXX) || return 1
    chmod 0755 "$T"
    # shellcheck disable=SC2064  # T is fixed now
    trap "sc_lighttpd_down '$T/lighttpd'; sc_stack_down '$T'; rm -rf '$T'" EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    sc_stack_init "$T" sc_bench || { echo "bench: no free ports" >&2; return 1; }
    conf=$SC_STACK_CONFIG
    bench_config_loose "$conf"
    install -d -m 0755 "$T/app/cgi-bin"
    install -m 0755 "$register" "$build/cgi-bin/ops-notfound.fcgi" "$T/app/cgi-bin/"
    {
        echo "# METHODS   PATH-PATTERN   PROGRAM        AUTH    SUMMARY"
        echo "POST        /v1/auth/register  auth/register  public  The bench users"
        bench_keys_routes "$build" "$T/app/cgi-bin" "$conf" || return 1
        echo "*           /*             ops/notfound   public  Catch-all"
    } >"$T/routes"
    sc_stack_up "$T" || { echo "bench: PostgreSQL or Redis did not start" >&2; return 1; }
    SC_CONFIG=$conf "$admin" migrate --dir "$SC_ROOT/sql" >"$T/migrate.log" 2>&1 ||
        { cat "$T/migrate.log" >&2; return 1; }
    sc_lighttpd_up "$T/lighttpd" "$SC_STACK_HTTP_PORT" "$T/app/cgi-bin" "$conf" "${SC_MAX_PROCS:-2}" "$T/routes" ||
        { echo "bench: lighttpd did not start" >&2; return 1; }
    SC_STACK_PG_HOST_DIR=$T/pg
    RESULTS=$build/bench/keys-results.txt
    mkdir -p "$build/bench" && : >"$RESULTS"
    bench_keys "http://127.0.0.1:$SC_STACK_HTTP_PORT" "$T/keys" "$RESULTS"
    echo "bench: figures written to $RESULTS"
}
