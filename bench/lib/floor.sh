# shellcheck shell=bash
# bench/lib/floor.sh: the unavoidable work measured alone, in the same run (sourced by bench/run.sh).
#   bench_argon2 BUILD-DIR HASH [RUNS]  time one Argon2id hash at the cost of HASH (a stored
#                                       "$argon2id$v=19$m=..,t=..,p=..$" hash) with bench/argon2_time.c;
#                                       prints "MEM TIME LANES MEDIAN-MS MIN-MS"
#   bench_pg_select PGBASE PORT ROLE PASSWORD OUT
#                                       pgbench -i -s 10 into a separate database (bench_pgbench),
#                                       then pgbench -S -c 16 -j 2 -T 10 over TCP; prints the TPS
#   bench_redis_get PORT PASSWORD OUT   redis-benchmark -q -n 200000 -t get; prints the req/s
# The full tool output goes to OUT.

bench_argon2() {
    local build=$1 hash=$2 runs=${3:-20} bin=$1/bench/argon2-time m t p
    # shellcheck disable=SC2016  # literal $ signs
    read -r m t p < <(sed -n 's/^\$argon2id\$v=19\$m=\([0-9]*\),t=\([0-9]*\),p=\([0-9]*\)\$.*/\1 \2 \3/p' <<<"$hash")
    [[ -n $m && -n $t && -n $p ]] || { sc_log "bench: not an Argon2id hash: ${hash:0:40}"; return 1; }
    mkdir -p "$build/bench"
    if [[ ! -x $bin || $SC_ROOT/bench/argon2_time.c -nt $bin ]]; then
        ${CC:-cc} -O2 -Wall -Wextra -Werror -o "$bin" "$SC_ROOT/bench/argon2_time.c" -largon2 || return 1
    fi
    echo "$m $t $p $("$bin" "$m" "$t" "$p" "$runs" | cut -d' ' -f1,2)"
}

bench_pg_select() {
    local base=$1 port=$2 role=$3 pw=$4 out=$5
    psql -X -q -h "$base" -p "$port" -U postgres -d postgres \
        -c "DROP DATABASE IF EXISTS bench_pgbench" -c "CREATE DATABASE bench_pgbench OWNER \"$role\"" \
        >"$out" 2>&1 || { cat "$out" >&2; return 1; }
    PGPASSWORD=$pw pgbench -h 127.0.0.1 -p "$port" -U "$role" -i -s 10 -q bench_pgbench >>"$out" 2>&1 ||
        { tail -n 20 "$out" >&2; return 1; }
    PGPASSWORD=$pw pgbench -h 127.0.0.1 -p "$port" -U "$role" -S -c 16 -j 2 -T 10 bench_pgbench >>"$out" 2>&1 ||
        { tail -n 20 "$out" >&2; return 1; }
    awk '/^tps = / { printf "%d\n", $3; exit }' "$out"
}

bench_redis_get() {
    local port=$1 pw=$2 out=$3
    # -a on the command line: a throwaway password of a throwaway server
    redis-benchmark -h 127.0.0.1 -p "$port" -a "$pw" -q -n 200000 -t get >"$out" 2>&1 ||
        { cat "$out" >&2; return 1; }
    tr '\r' '\n' <"$out" | awk '/^GET: [0-9.]+ requests per second/ { printf "%d\n", $2; exit }'
}

# bench_argon2_parallel BUILD-DIR MEM TIME LANES COPIES [RUNS]: COPIES timers at once (as COPIES
# logins hash at once under load: they share the memory bandwidth); prints the mean of their
# medians in ms
bench_argon2_parallel() {
    local bin=$1/bench/argon2-time m=$2 t=$3 p=$4 k=$5 runs=${6:-20} i pids=() out
    out=$(mktemp) || return 1
    for ((i = 0; i < k; i++)); do
        "$bin" "$m" "$t" "$p" "$runs" >>"$out" &
        pids+=($!)
    done
    wait "${pids[@]}"
    awk '{ s += $1; n++ } END { if (n) printf "%.3f\n", s / n }' "$out"
    rm -f "$out"
}
