# shellcheck shell=bash
# bench/lib/peer.sh: the PHP-FPM peer (bench/peers/users_me.php), sourced by bench/run.sh.
#   bench_php_fpm_bin                       print the php-fpm binary, or fail when not installed
#   bench_php_up DIR CHILDREN CONF          php-fpm in the foreground, own pool (pm static, CHILDREN
#                                           children) on DIR/fpm.sock; settings from the stack's
#                                           CONF; the script is copied to DIR/users_me.php
#   bench_php_down DIR                      stop it (no-op when it does not run)

bench_php_fpm_bin() {
    local b
    for b in /usr/sbin/php-fpm /usr/sbin/php-fpm[0-9]*; do
        [[ -x $b ]] && { echo "$b"; return 0; }
    done
    return 1
}

# _bench_conf_get CONF KEY DEFAULT
_bench_conf_get() {
    local v
    v=$(sed -n "s/^$2=//p" "$1" | tail -n1)
    echo "${v:-$3}"
}

bench_php_up() {
    local dir=$1 children=$2 conf=$3 fpm user pid n
    fpm=$(bench_php_fpm_bin) || { sc_log "bench: php-fpm is not installed"; return 1; }
    if sc_is_root; then user=$SC_WEB_USER; else user=$(id -un); fi
    mkdir -p "$dir" && chmod 0755 "$dir" || return 1
    install -m 0644 "$SC_ROOT/bench/peers/users_me.php" "$dir/users_me.php" || return 1
    # secrets in the pool file: 0600, read by the master (root) only
    ( umask 077; cat >"$dir/php-fpm.conf" <<CONF
[global]
pid = $dir/php-fpm.pid
error_log = $dir/error.log
daemonize = no

[sc_peer]
$(sc_is_root && printf 'user = %s\ngroup = %s\n' "$user" "$user")
listen = $dir/fpm.sock
listen.owner = $user
listen.group = $user
listen.mode = 0660
pm = static
pm.max_children = $children
clear_env = yes
env[SC_JWT_SECRET] = $(_bench_conf_get "$conf" JWT_SECRET "")
env[SC_JWT_ISSUER] = $(_bench_conf_get "$conf" JWT_ISSUER secureconnect)
env[SC_PG_DSN] = "host=$(_bench_conf_get "$conf" DB_HOST 127.0.0.1) port=$(_bench_conf_get "$conf" DB_PORT 5432) dbname=$(_bench_conf_get "$conf" DB_NAME "") user=$(_bench_conf_get "$conf" DB_USER "") password=$(_bench_conf_get "$conf" DB_PASSWORD "") sslmode=disable"
env[SC_REDIS_HOST] = $(_bench_conf_get "$conf" REDIS_HOST 127.0.0.1)
env[SC_REDIS_PORT] = $(_bench_conf_get "$conf" REDIS_PORT 6379)
env[SC_REDIS_PASSWORD] = $(_bench_conf_get "$conf" REDIS_PASSWORD "")
CONF
    ) || return 1
    "$fpm" -t -y "$dir/php-fpm.conf" >"$dir/check.log" 2>&1 ||
        { sc_log "bench: php-fpm rejected its config:"; cat "$dir/check.log" >&2; return 1; }
    "$fpm" -F -y "$dir/php-fpm.conf" </dev/null >>"$dir/stderr.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/master.pid"
    for ((n = 0; n < 100; n++)); do
        [[ -S $dir/fpm.sock ]] && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    sc_log "bench: php-fpm did not start:"; tail -n 20 "$dir/error.log" "$dir/stderr.log" >&2 2>/dev/null
    bench_php_down "$dir"
    return 1
}

# SIGTERM (a fast stop; nothing is in flight after the bench), KILL after 10 s
bench_php_down() { sc_stop_pidfile "$1/master.pid" php-fpm 10; }
