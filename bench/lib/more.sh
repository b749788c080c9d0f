# shellcheck shell=bash
# shellcheck disable=SC2154  # best_hello, HAVE_ME, ... are set by bench/run.sh
# bench/lib/more.sh: parts 2-4 of `make bench` (see bench/run.sh), sourced by bench/run.sh after
# the /health vs hello part, on the same stack and lighttpd. Uses run.sh's run(), BASE, T, BUILD,
# RESULTS, best_hello (the hello ceiling), HAVE_ME, HAVE_PHP, DURATION, PEER_ROUNDS,
# LOGIN_DURATION. Appends key=value lines to RESULTS and prints a table. Never fails on figures.

pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else print "n/a" }'; }
# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# the count of non-2xx answers of the last run (0 when none)
non2xx() { awk '/Non-2xx or 3xx responses:/ { n = $NF } END { print n + 0 }' "$T/wrk.txt"; }
psql_app() { psql -X -q -At -h "$T/pg" -p "$SC_STACK_PG_PORT" -U postgres -d "$SC_STACK_DB" "$@"; }

NCPU=$(nproc)
echo
echo "bench: registering the bench user and logging in"
BENCH_EMAIL=bench-user@example.com
BENCH_PASSWORD=$(openssl rand -hex 16)
TOKEN=$(bench_user_up "$BASE" "$BENCH_EMAIL" "$BENCH_PASSWORD" 2>"$T/user.err") ||
    { cat "$T/user.err" >&2; die "could not register and log in the bench user"; }

# ---------------------------------------------------------------- 2. logins and Argon2id
echo "bench: logins, wrk -t2 -c8 -d$LOGIN_DURATION (bench/login.lua)"
export SC_BENCH_EMAIL=$BENCH_EMAIL SC_BENCH_PASSWORD=$BENCH_PASSWORD
run /v1/auth/login -c8 -d2s -s "$ROOT/bench/login.lua" >/dev/null || die "wrk failed"
run /v1/auth/login -c8 -d"$LOGIN_DURATION" -s "$ROOT/bench/login.lua" >/dev/null || die "wrk failed"
login_non2xx=$(non2xx)
login_rps_exact=$(awk '/^Requests\/sec:/ { print $2 }' "$T/wrk.txt")
unset SC_BENCH_PASSWORD
stored_hash=$(psql_app -c "SELECT password_hash FROM users WHERE email = '$BENCH_EMAIL'")
echo "bench: Argon2id hash time (bench/argon2_time.c, 20 hashes, one thread)"
read -r a2_m a2_t a2_p a2_ms a2_min < <(bench_argon2 "$BUILD" "$stored_hash" 20) || true
if [[ -n ${a2_ms:-} ]]; then
    a2_ceiling=$(awk -v c="$NCPU" -v ms="$a2_ms" 'BEGIN { printf "%.1f", c * 1000 / ms }')
    login_pct=$(pct "$login_rps_exact" "$a2_ceiling")
    # beside it: one hash per CPU at once, as under load (they share the memory bandwidth)
    a2_par_ms=$(bench_argon2_parallel "$BUILD" "$a2_m" "$a2_t" "$a2_p" "$NCPU" 20)
    a2_par_ceiling=$(awk -v c="$NCPU" -v ms="$a2_par_ms" 'BEGIN { if (ms > 0) printf "%.1f", c * 1000 / ms; else print "n/a" }')
else
    a2_m=n/a a2_t=n/a a2_p=n/a a2_ms=n/a a2_min=n/a a2_ceiling=n/a login_pct=n/a
    a2_par_ms=n/a a2_par_ceiling=n/a
    echo "bench: the Argon2id timing failed; no hash figures"
fi

# ---------------------------------------------------------------- 3. the floor of users/me
echo "bench: PostgreSQL primary-key select (pgbench -i -s 10; pgbench -S -c 16 -j 2 -T 10)"
pg_tps=$(bench_pg_select "$T/pg" "$SC_STACK_PG_PORT" "$SC_STACK_DB" "$SC_STACK_DB_PASSWORD" "$T/pgbench.txt") || pg_tps=""
echo "bench: Redis command (redis-benchmark -q -n 200000 -t get)"
redis_rps=$(bench_redis_get "$SC_STACK_REDIS_PORT" "$SC_STACK_REDIS_PASSWORD" "$T/redis-benchmark.txt") || redis_rps=""
me_ceiling=n/a
if [[ -n $pg_tps && -n $redis_rps && $pg_tps -gt 0 && $redis_rps -gt 0 ]]; then
    me_ceiling=$(awk -v h="$best_hello" -v p="$pg_tps" -v r="$redis_rps" 'BEGIN { printf "%d", 1 / (1 / h + 1 / p + 1 / r) }')
else
    echo "bench: pgbench or redis-benchmark gave no figure; no users/me ceiling"
fi

# ---------------------------------------------------------------- 4. users/me and its PHP peer
AUTHZ="Authorization: Bearer $TOKEN"
# check PATH: 200 expected; the body goes to $T/check-<name>.json
check() {
    local code
    code=$(curl -s -o "$T/check-$2.json" -w '%{http_code}' -H "$AUTHZ" "$BASE$1")
    [[ $code == 200 ]] || { echo "bench: GET $1 answered $code: $(head -c 300 "$T/check-$2.json")"; return 1; }
}
me_state=absent
if ((HAVE_ME)); then
    if check /v1/users/me c; then me_state=measured; else me_state=failing; fi
fi
php_state=absent
if ((HAVE_PHP)); then
    if check /peer/users/me php; then php_state=measured; else php_state=failing; fi
fi
same_data=n/a
if [[ $me_state == measured && $php_state == measured ]]; then
    if [[ $(jq -S .data "$T/check-c.json") == "$(jq -S .data "$T/check-php.json")" ]]; then same_data=yes
    else same_data=no; echo "bench: note: /v1/users/me and /peer/users/me answer different data"; fi
fi
paths=()
[[ $me_state == measured ]] && paths+=(/v1/users/me)
[[ $php_state == measured ]] && paths+=(/peer/users/me)
best_me=0 best_php=0 me_all=() php_all=() peer_ratios=() me_non2xx=0 php_non2xx=0
if ((${#paths[@]})); then
    echo "bench: ${paths[*]}: wrk -t2 -c50 -d$DURATION with a bearer token, $PEER_ROUNDS rounds"
    for p in "${paths[@]}"; do run "$p" -d2s -H "$AUTHZ" >/dev/null || die "wrk failed"; done
    for ((r = 1; r <= PEER_ROUNDS; r++)); do
        order=("${paths[@]}")
        ((r % 2)) || order=("${paths[@]:1}" "${paths[0]}")   # two paths: swapped
        mr="" pr=""
        for p in "${order[@]}"; do
            v=$(run "$p" -H "$AUTHZ") || die "wrk failed"
            printf 'bench: round %d  %-15s %6d req/s\n' "$r" "$p" "$v"
            if [[ $p == /v1/users/me ]]; then
                mr=$v me_all+=("$v"); ((v > best_me)) && best_me=$v
                me_non2xx=$((me_non2xx + $(non2xx)))
            else
                pr=$v php_all+=("$v"); ((v > best_php)) && best_php=$v
                php_non2xx=$((php_non2xx + $(non2xx)))
            fi
        done
        [[ -n $mr && -n $pr && $pr -gt 0 ]] && peer_ratios+=("$(awk -v a="$mr" -v b="$pr" 'BEGIN { printf "%.2f", a / b }')")
    done
fi
me_pct=n/a me_verdict=n/a c_php=n/a c_php_verdict=n/a
if [[ $me_state == measured && $me_ceiling != n/a ]]; then
    me_pct=$(pct "$best_me" "$me_ceiling")
    me_verdict=$(awk -v r="$me_pct" 'BEGIN { print (r >= 80 ? "meets" : "below") }')
fi
if ((${#peer_ratios[@]})); then
    c_php=$(printf '%s\n' "${peer_ratios[@]}" | median)
    c_php_verdict=$(awk -v r="$c_php" 'BEGIN { print (r >= 2.5 ? "meets" : "below") }')
fi
me_median=$(printf '%s\n' "${me_all[@]}" | median)
php_median=$(printf '%s\n' "${php_all[@]}" | median)
[[ $me_state == measured ]] || best_me=$me_state
[[ $php_state == measured ]] || best_php=$php_state

{
    echo "# logins: wrk -t2 -c8 -d$LOGIN_DURATION, bench/login.lua, right password, limits at 1000000/min"
    echo "login_rps=$login_rps_exact"
    echo "login_non2xx=$login_non2xx"
    echo "argon2_memory_kib=$a2_m"
    echo "argon2_passes=$a2_t"
    echo "argon2_lanes=$a2_p"
    echo "argon2_hash_ms=$a2_ms"
    echo "argon2_hash_min_ms=$a2_min"
    echo "argon2_ceiling_logins_per_s=$a2_ceiling"
    echo "login_vs_argon2_ceiling_percent=$login_pct"
    echo "argon2_hash_ms_${NCPU}_at_once=${a2_par_ms:-n/a}"
    echo "argon2_ceiling_${NCPU}_at_once_logins_per_s=$a2_par_ceiling"
    echo "# users/me floor: hello_rps above; pgbench -S -c 16 -j 2 -T 10 (scale 10); redis-benchmark -n 200000 -t get"
    echo "pg_select_tps=${pg_tps:-n/a}"
    echo "redis_get_rps=${redis_rps:-n/a}"
    echo "users_me_ceiling_rps=$me_ceiling"
    echo "# users/me and the PHP peer: wrk -t2 -c50 -d$DURATION, $PEER_ROUNDS rounds, best run; ratio = median of per-round C/PHP"
    echo "users_me_rps=$best_me"
    echo "users_me_round_rps=${me_all[*]}"
    echo "users_me_median_rps=$me_median"
    echo "users_me_non2xx=$me_non2xx"
    echo "users_me_vs_ceiling_percent=$me_pct"
    echo "users_me_target_percent=80"
    echo "users_me_verdict=$me_verdict"
    echo "php_peer=PHP $(php -r 'echo PHP_VERSION;' 2>/dev/null || echo n/a) php-fpm pm static $PHP_CHILDREN children, OPcache $("$(bench_php_fpm_bin)" -i 2>/dev/null | awk '/^opcache.enable =>/ { print $3 }')"
    echo "php_users_me_rps=$best_php"
    echo "php_users_me_round_rps=${php_all[*]}"
    echo "php_users_me_median_rps=$php_median"
    echo "php_users_me_non2xx=$php_non2xx"
    echo "same_data=$same_data"
    echo "c_vs_php_round_ratios=${peer_ratios[*]}"
    echo "c_vs_php_ratio=$c_php"
    echo "c_vs_php_target=2.5"
    echo "c_vs_php_verdict=$c_php_verdict"
} >>"$RESULTS"

printf '\n  POST /v1/auth/login         %10s logins/s   (%s non-2xx)\n' "$login_rps_exact" "$login_non2xx"
printf '  Argon2id m=%s,t=%s,p=%s   %10s ms/hash    (min %s ms, one thread)\n' "$a2_m" "$a2_t" "$a2_p" "$a2_ms" "$a2_min"
printf '  implied ceiling (%d CPUs)   %10s logins/s   login at %s%% of it\n' "$NCPU" "$a2_ceiling" "$login_pct"
printf '  (%d hashes at once: %s ms/hash, ceiling %s logins/s)\n' "$NCPU" "${a2_par_ms:-n/a}" "$a2_par_ceiling"
printf '\n  floor of GET /v1/users/me:\n'
printf '    FastCGI round trip (hello)  %8s req/s\n' "$best_hello"
printf '    PostgreSQL PK select        %8s tps    (pgbench -S -c 16 -j 2)\n' "${pg_tps:-n/a}"
printf '    Redis command (GET)         %8s req/s  (redis-benchmark)\n' "${redis_rps:-n/a}"
printf '    composite ceiling           %8s req/s  1/(1/hello + 1/select + 1/redis)\n' "$me_ceiling"
if [[ $me_state == measured ]]; then
    printf '  GET /v1/users/me (C)      %8s req/s   %s%% of the ceiling (target >= 80%%: %s); rounds %s\n' \
        "$best_me" "$me_pct" "$me_verdict" "${me_all[*]}"
elif [[ $me_state == absent ]]; then
    echo "  GET /v1/users/me (C)      ABSENT: build/cgi-bin/users-me.fcgi is not built; not measured"
else
    echo "  GET /v1/users/me (C)      FAILING: it did not answer 200 (see above); not measured"
fi
if [[ $php_state == measured ]]; then
    printf '  /peer/users/me (PHP-FPM)  %8s req/s   rounds %s\n' "$best_php" "${php_all[*]}"
else
    echo "  /peer/users/me (PHP-FPM)  $php_state: not measured"
fi
if [[ $c_php != n/a ]]; then
    printf '  C / PHP (median of rounds) %7sx    (target >= 2.5x: %s); rounds %s\n' "$c_php" "$c_php_verdict" "${peer_ratios[*]}"
else
    echo "  C / PHP                   n/a (both sides are needed)"
fi
