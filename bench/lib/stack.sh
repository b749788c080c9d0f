# shellcheck shell=bash
# bench/lib/stack.sh: the bench stack beyond scripts/svc.sh (sourced by bench/run.sh).
#   bench_config_set CONF KEY VALUE     set (replace or append) KEY=VALUE in the stack's config
#   bench_web_snippet OUT RUN-DIR BIN-DIR CONF PROCS PEER-SOCKET PEER-SCRIPT [--area-dir A=D]... ROUTES...
#       generate the routes (scripts/gen-routes.sh, as sc_lighttpd_up does) and a lighttpd snippet
#       OUT/sc-lighttpd.conf = httpd-conf/lighttpd.conf + a /peer/users/me block to PHP-FPM
#       (PEER-SOCKET empty: no peer block); start lighttpd with SC_WEB_SNIPPET=OUT/sc-lighttpd.conf
#   bench_config_loose CONF             limits at their maximum, hour-long tokens, prepared statements
#   bench_user_up BASE EMAIL PASSWORD   register the bench user (POST /v1/auth/register), then log
#                                       in; prints the access token of that login

bench_config_set() {
    local conf=$1 key=$2 val=$3
    if grep -q "^$key=" "$conf"; then
        sed -i "s|^$key=.*|$key=$val|" "$conf"
    else
        printf '%s=%s\n' "$key" "$val" >>"$conf"
    fi
}

# The bench stack's settings: rate limits at their maximum (1,000,000 a minute, same burst: the
# bench measures the endpoints, not the limiter), tokens that outlive the run, and prepared
# statements (no PgBouncer in front; SC_BENCH_PREPARED=false measures without them).
bench_config_loose() {
    local conf=$1 k
    for k in RATE_LIMIT_IP_PER_MINUTE RATE_LIMIT_IP_BURST RATE_LIMIT_USER_PER_MINUTE RATE_LIMIT_USER_BURST; do
        bench_config_set "$conf" "$k" 1000000
    done
    bench_config_set "$conf" JWT_ACCESS_TTL_SECONDS 3600
    bench_config_set "$conf" DB_PREPARED_STATEMENTS "${SC_BENCH_PREPARED:-true}"
}

bench_web_snippet() {
    local out=$1 run=$2 bin=$3 conf=$4 procs=$5 sock=$6 script=$7
    shift 7
    mkdir -p "$out" && chmod 0755 "$out" || return 1
    "$SC_ROOT/scripts/gen-routes.sh" --bin-dir "$bin" --config "$conf" --run-dir "$run" \
        --max-procs "$procs" --out "$out" "$@" || return 1
    sed -e "s|@ROUTES_CONF@|$out/lighttpd-routes.conf|g" "$SC_ROOT/httpd-conf/lighttpd.conf" \
        >"$out/sc-lighttpd.conf" || return 1
    [[ -n $sock ]] || return 0
    # Appended after the generated routes: for /peer/users/me this later condition overrides the
    # catch-all's fastcgi.server. mod_alias maps the path onto the script and "check-local" =>
    # "enable" makes lighttpd pass that file as SCRIPT_FILENAME (with "disable" it would pass
    # document-root + path, which PHP-FPM answers with 404).
    cat >>"$out/sc-lighttpd.conf" <<CONF

# bench only (bench/lib/stack.sh): the PHP peer of GET /v1/users/me on PHP-FPM
server.modules += ( "mod_alias" )
\$HTTP["url"] =~ "^/peer/users/me\$" {
    alias.url = ( "/peer/users/me" => "$script" )
    fastcgi.server = ( "/" => ((
        "socket" => "$sock",
        "check-local" => "enable",
    )) )
}
CONF
}

bench_user_up() {
    local base=$1 email=$2 pw=$3 body code
    body=$(jq -nc --arg e "$email" --arg p "$pw" \
        '{email: $e, username: "bench_user", password: $p, display_name: "Bench User"}')
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
        --data "$body" "$base/v1/auth/register")
    [[ $code == 201 ]] || { sc_log "bench: POST /v1/auth/register answered $code"; return 1; }
    body=$(jq -nc --arg e "$email" --arg p "$pw" '{email: $e, password: $p}')
    curl -sf -H 'Content-Type: application/json' --data "$body" "$base/v1/auth/login" |
        jq -re '.data.access_token'
}
