# shellcheck shell=bash
# svc.sh: start and stop throwaway PostgreSQL, Redis, lighttpd and Apache instances.
# Sourced (bash) by scripts/run.sh, tests/integration/run.sh and bench/run.sh:
#     . scripts/svc.sh
#
#   sc_free_port [EXCLUDED-PORT...]      print a random free TCP port in 61000-65535 (or in
#                                        SC_PORT_LO..SC_PORT_HI: parallel runs take disjoint ranges)
#   sc_port_busy PORT                    true when a TCP socket (listening or connected) uses PORT
#   sc_port_listening PORT               true when something listens on PORT (restarts check this)
#   sc_pg_up BASE PORT USER PASSWORD DBNAME [fast]
#                                        cluster in BASE/data (initdb once), socket in BASE, TCP on
#                                        127.0.0.1:PORT; role USER (LOGIN PASSWORD) and database
#                                        DBNAME created if missing; "fast" = fsync off (throwaway)
#   sc_pg_down BASE
#   sc_redis_up DIR PORT PASSWORD        no RDB, no AOF, loopback only, requirepass; pid in DIR
#   sc_redis_down DIR
#   sc_lighttpd_up DIR PORT BIN-DIR SC-CONFIG MAX-PROCS [--area-dir AREA=DIR]... ROUTE-FILE...
#   sc_lighttpd_down DIR
#   (SC_WEB_SNIPPET=FILE sc_*_up ...: include that installed snippet instead of generating one)
#   sc_apache_up DIR PORT BIN-DIR SC-CONFIG MAX-PROCS [--area-dir AREA=DIR]... ROUTE-FILE...
#   sc_apache_down DIR
#   sc_secure_config FILE                0640 root:www-data as root, 0600 otherwise
#   sc_stack_init DIR NAME               throwaway stack for tests and bench: free ports, secrets,
#                                        DIR/sc.conf; sets SC_STACK_{PG_PORT,REDIS_PORT,HTTP_PORT,
#                                        DB,DB_PASSWORD,REDIS_PASSWORD,CONFIG} (DB = NAME = role)
#   sc_stack_up DIR / sc_stack_down DIR  start / stop its PostgreSQL (DIR/pg) and Redis (DIR/redis)
#
# Every *_up waits until the service answers (and fails with the log tail if it does not);
# every *_down waits until the process has exited and is a no-op when nothing runs.
# Servers are tracked by pidfiles in their folder, so a *_down works from another process
# (the SC_CTL script of the integration tests).
# As root: PostgreSQL runs as the `postgres` account (setpriv) and the web servers' workers and
# FastCGI programs as www-data; the folders they need are chowned to them. The caller must make
# sure the parent folders are traversable (mode 755) by those accounts.

SC_ROOT=${SC_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
SC_PGBIN=/usr/lib/postgresql/15/bin
SC_WEB_USER=www-data
SC_PG_OSUSER=postgres

sc_log() { printf '%s\n' "$*" >&2; }
sc_is_root() { [[ $(id -u) == 0 ]]; }

# ---------------------------------------------------------------- ports and processes
# TIME-WAIT entries are ignored: the servers bind with SO_REUSEADDR, and a server's own port is
# full of them right after it stopped (the next suite reuses the port).
sc_port_busy() {
    [[ -n $(ss -Htan state all exclude time-wait "( sport = :$1 )" 2>/dev/null) ]]
}

# A server restarting on its own port (SO_REUSEADDR) only fails on another listener: sockets the
# previous instance left in FIN-WAIT or CLOSE-WAIT must not count.
sc_port_listening() {
    [[ -n $(ss -Htln "( sport = :$1 )" 2>/dev/null) ]]
}

sc_free_port() {
    local p i x skip lo=${SC_PORT_LO:-61000} hi=${SC_PORT_HI:-65535}
    for ((i = 0; i < 200; i++)); do
        p=$((lo + (RANDOM * 32768 + RANDOM) % (hi - lo + 1)))
        skip=0
        for x in "$@"; do [[ $x == "$p" ]] && skip=1; done
        [[ $skip == 0 ]] && ! sc_port_busy "$p" && { echo "$p"; return 0; }
    done
    sc_log "sc_free_port: no free port found in $lo-$hi"
    return 1
}

# sc_wait_exit PID SECONDS: poll until PID is gone; false on timeout
sc_wait_exit() {
    local pid=$1 n=$(($2 * 10))
    while kill -0 "$pid" 2>/dev/null; do
        ((n-- > 0)) || return 1
        sleep 0.1
    done
    return 0
}

# sc_stop_pidfile PIDFILE NAME SECONDS: TERM, wait, then KILL if it is still there
sc_stop_pidfile() {
    local f=$1 name=$2 t=$3 pid
    [[ -s $f ]] || return 0
    pid=$(head -n1 "$f" 2>/dev/null)
    [[ $pid =~ ^[0-9]+$ ]] || { rm -f "$f"; return 0; }
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        if ! sc_wait_exit "$pid" "$t"; then
            sc_log "$name (pid $pid) did not stop within ${t}s; killing it"
            kill -KILL "$pid" 2>/dev/null
            sc_wait_exit "$pid" 5
        fi
    fi
    rm -f "$f"
}

# sc_as USER CMD...: run CMD as USER when root, directly otherwise
sc_as() {
    local u=$1; shift
    if sc_is_root; then
        setpriv --reuid "$u" --regid "$u" --init-groups -- "$@"
    else
        "$@"
    fi
}

sc_secure_config() {
    if sc_is_root; then
        chown root:"$SC_WEB_USER" "$1" && chmod 0640 "$1"
    else
        chmod 0600 "$1"
    fi
}

# ---------------------------------------------------------------- throwaway stacks
sc_stack_init() {
    local dir=$1 name=$2
    SC_STACK_PG_PORT=$(sc_free_port) || return 1
    SC_STACK_REDIS_PORT=$(sc_free_port "$SC_STACK_PG_PORT") || return 1
    SC_STACK_HTTP_PORT=$(sc_free_port "$SC_STACK_PG_PORT" "$SC_STACK_REDIS_PORT") || return 1
    SC_STACK_DB=$name
    SC_STACK_DB_PASSWORD=$(openssl rand -hex 24)
    SC_STACK_REDIS_PASSWORD=$(openssl rand -hex 24)
    SC_STACK_CONFIG=$dir/sc.conf
    cat >"$SC_STACK_CONFIG" <<EOF
# throwaway config ($name)
JWT_SECRET=$(openssl rand -hex 32)
DB_HOST=127.0.0.1
DB_PORT=$SC_STACK_PG_PORT
DB_USER=$name
DB_PASSWORD=$SC_STACK_DB_PASSWORD
DB_NAME=$name
DB_SSL_MODE=disable
REDIS_HOST=127.0.0.1
REDIS_PORT=$SC_STACK_REDIS_PORT
REDIS_PASSWORD=$SC_STACK_REDIS_PASSWORD
# loose limits: suites register and log in hundreds of users a minute from 127.0.0.1
RATE_LIMIT_IP_PER_MINUTE=6000
RATE_LIMIT_IP_BURST=300
RATE_LIMIT_USER_PER_MINUTE=6000
RATE_LIMIT_USER_BURST=50
EOF
    # SC_STACK_EXTRA_CONFIG: more KEY=VALUE lines (space separated) for this stack
    local kv
    for kv in ${SC_STACK_EXTRA_CONFIG:-}; do echo "$kv" >>"$SC_STACK_CONFIG"; done
    sc_secure_config "$SC_STACK_CONFIG"
}

sc_stack_up() {
    sc_pg_up "$1/pg" "$SC_STACK_PG_PORT" "$SC_STACK_DB" "$SC_STACK_DB_PASSWORD" "$SC_STACK_DB" fast &&
        sc_redis_up "$1/redis" "$SC_STACK_REDIS_PORT" "$SC_STACK_REDIS_PASSWORD"
}

sc_stack_down() {
    sc_redis_down "$1/redis"
    sc_pg_down "$1/pg"
}

# ---------------------------------------------------------------- PostgreSQL
sc_pg_up() {
    local base=$1 port=$2 user=$3 pass=$4 db=$5 mode=${6:-}
    [[ -n $base && -n $port && -n $user && -n $pass && -n $db ]] || { sc_log "usage: sc_pg_up BASE PORT USER PASSWORD DBNAME [fast]"; return 2; }
    local u=$SC_PG_OSUSER
    sc_is_root || u=$(id -un)
    base=$(realpath -m "$base")
    mkdir -p "$base" || return 1
    if sc_is_root; then chown "$u": "$base"; fi
    chmod 0700 "$base"
    if [[ -f $base/data/PG_VERSION ]]; then
        [[ $(cat "$base/data/PG_VERSION") == 15 ]] || { sc_log "sc_pg_up: $base/data is not a PostgreSQL 15 cluster"; return 1; }
    else
        local pwfile=$base/.initpw
        ( umask 077; openssl rand -hex 24 >"$pwfile" ) && { sc_is_root && chown "$u": "$pwfile"; true; } || return 1
        # superuser postgres: trust over the unix socket in BASE (mode 0700, so only the owner and
        # root reach it), scram-sha-256 over TCP
        if ! (cd "$base" && sc_as "$u" "$SC_PGBIN/initdb" -D "$base/data" -U postgres --pwfile="$pwfile" \
                --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
                ${mode:+--no-sync} >"$base/initdb.log" 2>&1); then
            sc_log "sc_pg_up: initdb failed:"; tail -n 20 "$base/initdb.log" >&2; rm -f "$pwfile"; return 1
        fi
        rm -f "$pwfile"
        {
            echo "# added by scripts/svc.sh"
            echo "listen_addresses = '127.0.0.1'"
            echo "unix_socket_directories = '$base'"
            echo "max_connections = 300"
            if [[ $mode == fast ]]; then
                echo "fsync = off"
                echo "synchronous_commit = off"
                echo "full_page_writes = off"
            fi
        } >>"$base/data/postgresql.conf"
    fi
    if [[ -s $base/data/postmaster.pid ]] && kill -0 "$(head -n1 "$base/data/postmaster.pid")" 2>/dev/null; then
        sc_log "sc_pg_up: a server already runs on $base/data (pid $(head -n1 "$base/data/postmaster.pid"))"
        return 1
    fi
    if sc_port_listening "$port"; then sc_log "sc_pg_up: port $port (PostgreSQL) is already in use"; return 1; fi
    if ! (cd "$base" && sc_as "$u" "$SC_PGBIN/pg_ctl" -D "$base/data" -l "$base/server.log" -w -t 30 \
            -o "-p $port" start >/dev/null 2>&1); then
        sc_log "sc_pg_up: PostgreSQL did not start:"; tail -n 20 "$base/server.log" >&2; return 1
    fi
    # role and database, idempotent; the password is (re)set every time so it follows the config
    if ! psql -X -q -v ON_ERROR_STOP=1 -h "$base" -p "$port" -U postgres -d postgres \
            -v u="$user" -v pw="$pass" -v db="$db" >/dev/null 2>"$base/setup.err" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'u') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'u') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'u', :'pw') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'u') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL
    then
        sc_log "sc_pg_up: creating role/database failed:"; cat "$base/setup.err" >&2; return 1
    fi
    rm -f "$base/setup.err"
}

sc_pg_down() {
    local base u=$SC_PG_OSUSER pid
    base=$(realpath -m "$1")
    [[ -s $base/data/postmaster.pid ]] || return 0
    pid=$(head -n1 "$base/data/postmaster.pid")
    kill -0 "$pid" 2>/dev/null || return 0
    sc_is_root || u=$(id -un)
    (cd "$base" && sc_as "$u" "$SC_PGBIN/pg_ctl" -D "$base/data" -m fast -w -t 30 stop >/dev/null 2>&1) || true
    if ! sc_wait_exit "$pid" 10; then
        sc_log "PostgreSQL (pid $pid) did not stop; sending SIGQUIT"
        kill -QUIT "$pid" 2>/dev/null; sc_wait_exit "$pid" 5
    fi
}

# ---------------------------------------------------------------- Redis
sc_redis_up() {
    local dir=$1 port=$2 pass=$3 pid n
    [[ -n $dir && -n $port && -n $pass ]] || { sc_log "usage: sc_redis_up DIR PORT PASSWORD"; return 2; }
    [[ $pass != *[\"\\[:space:]]* ]] || { sc_log "sc_redis_up: the password must not contain quotes, backslashes or spaces"; return 1; }
    mkdir -p "$dir" && chmod 0700 "$dir" || return 1
    if [[ -s $dir/redis.pid ]] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
        sc_log "sc_redis_up: Redis already runs from $dir (pid $(cat "$dir/redis.pid"))"; return 1
    fi
    if sc_port_listening "$port"; then sc_log "sc_redis_up: port $port (Redis) is already in use"; return 1; fi
    # the password goes in a 0600 file, not on the command line (visible in ps)
    ( umask 077; printf 'requirepass "%s"\n' "$pass" >"$dir/redis.conf" )
    redis-server "$dir/redis.conf" --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize no --dir "$dir" --logfile "$dir/redis.log" \
        </dev/null >/dev/null 2>&1 &
    pid=$!
    echo "$pid" >"$dir/redis.pid"
    for ((n = 0; n < 100; n++)); do
        if [[ $(REDISCLI_AUTH=$pass redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null) == PONG ]]; then return 0; fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    sc_log "sc_redis_up: Redis did not answer on port $port:"; tail -n 20 "$dir/redis.log" >&2
    sc_redis_down "$dir"; return 1
}

sc_redis_down() { sc_stop_pidfile "$1/redis.pid" Redis 10; }

# ---------------------------------------------------------------- web servers
# _sc_web_prepare KIND DIR ... (stops a previous server of that folder first: Apache refuses to
# start while an old one is still exiting)
# _sc_web_prepare KIND DIR PORT BIN-DIR SC-CONFIG MAX-PROCS [--area-dir A=D]... ROUTE-FILE...
_sc_web_prepare() {
    local kind=$1 dir=$2 port=$3 bin=$4 conf=$5 procs=$6; shift 6
    [[ $dir == /* && $bin == /* && $conf == /* ]] || { sc_log "sc_${kind}_up: DIR, BIN-DIR and SC-CONFIG must be absolute paths"; return 2; }
    local user group
    [[ -n $dir && -n $port && -n $bin && -n $conf && -n $procs && $# -gt 0 ]] ||
        { sc_log "usage: sc_${kind}_up DIR PORT BIN-DIR SC-CONFIG MAX-PROCS [--area-dir AREA=DIR]... ROUTE-FILE..."; return 2; }
    "sc_${kind}_down" "$dir"
    if sc_is_root; then user=$SC_WEB_USER; group=$SC_WEB_USER; else user=$(id -un); group=$(id -gn); fi
    rm -rf "$dir/conf" "$dir/run"
    mkdir -p "$dir/conf" "$dir/run" "$dir/logs" "$dir/www" || return 1
    chmod 0755 "$dir" "$dir/conf" "$dir/www"
    if sc_is_root; then chown "$user:$group" "$dir/run" "$dir/logs"; fi
    if sc_port_listening "$port"; then sc_log "sc_${kind}_up: port $port ($kind) is already in use"; return 1; fi
    local snippet=$dir/conf/sc-$kind.conf
    if [[ -n ${SC_WEB_SNIPPET:-} ]]; then
        # An installed snippet (make install) with its own generated routes: use it as it is.
        snippet=$SC_WEB_SNIPPET
    else
        "$SC_ROOT/scripts/gen-routes.sh" --bin-dir "$bin" --config "$conf" --run-dir "$dir/run" \
            --max-procs "$procs" --out "$dir/conf" "$@" || return 1
        sed -e "s|@ROUTES_CONF@|$dir/conf/$kind-routes.conf|g" "$SC_ROOT/httpd-conf/$kind.conf" >"$snippet"
    fi
    sed -e "s|@STATE_DIR@|$dir|g" -e "s|@PORT@|$port|g" -e "s|@USER@|$user|g" -e "s|@GROUP@|$group|g" \
        -e "s|@SNIPPET@|$snippet|g" "$SC_ROOT/httpd-conf/$kind-standalone.conf.in" >"$dir/conf/$kind.conf"
    if grep -n '@[A-Z_]*@' "$dir/conf/$kind.conf" "$snippet"; then
        sc_log "sc_${kind}_up: placeholders left in the generated config"; return 1
    fi
}

# _sc_web_wait KIND DIR PORT PID: until http://127.0.0.1:PORT/ answers (any status)
_sc_web_wait() {
    local kind=$1 dir=$2 port=$3 pid=$4 n
    for ((n = 0; n < 150; n++)); do
        if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null; then return 0; fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    sc_log "sc_${kind}_up: $kind did not answer on port $port; log:"
    tail -n 30 "$dir/logs/error.log" "$dir/logs/programs.log" "$dir/logs/stderr.log" 2>/dev/null >&2
    return 1
}

sc_lighttpd_up() {
    local dir=$1 port=$2 pid
    _sc_web_prepare lighttpd "$@" || return 1
    if ! lighttpd -tt -f "$dir/conf/lighttpd.conf" >"$dir/logs/check.log" 2>&1; then
        sc_log "sc_lighttpd_up: lighttpd -tt rejected $dir/conf/lighttpd.conf:"; cat "$dir/logs/check.log" >&2; return 1
    fi
    lighttpd -D -f "$dir/conf/lighttpd.conf" </dev/null >>"$dir/logs/stderr.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/lighttpd.pid"
    _sc_web_wait lighttpd "$dir" "$port" "$pid" || { sc_lighttpd_down "$dir"; return 1; }
}

sc_lighttpd_down() { sc_stop_pidfile "$1/lighttpd.pid" lighttpd 15; }

sc_apache_up() {
    local dir=$1 port=$2 pid
    _sc_web_prepare apache "$@" || return 1
    if ! apache2 -t -f "$dir/conf/apache.conf" >"$dir/logs/check.log" 2>&1; then
        sc_log "sc_apache_up: apache2 -t rejected $dir/conf/apache.conf:"; cat "$dir/logs/check.log" >&2; return 1
    fi
    apache2 -f "$dir/conf/apache.conf" -DFOREGROUND </dev/null >>"$dir/logs/stderr.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/apache.pid"
    _sc_web_wait apache "$dir" "$port" "$pid" || { sc_apache_down "$dir"; return 1; }
}

# Apache can need up to 10 s to stop after a load test
sc_apache_down() { sc_stop_pidfile "$1/apache.pid" Apache 20; }
