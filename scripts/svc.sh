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
#   (SC_WEB_SNIPPET=FILE sc_*_up ...: include that installed snippet instead of generating one;
#   otherwise the routes are generated with --relay RELAY_LISTEN:RELAY_PORT from SC-CONFIG,
#   127.0.0.1 for a wildcard or missing RELAY_LISTEN, 8090 for a missing RELAY_PORT, and
#   --storage-dir STORAGE_DIR, --upload-max STORAGE_MAX_FILE_BYTES from SC-CONFIG)
#   sc_apache_up DIR PORT BIN-DIR SC-CONFIG MAX-PROCS [--area-dir AREA=DIR]... ROUTE-FILE...
#   sc_apache_down DIR
#   sc_relay_up DIR SC-CONFIG BINARY     sc-ws-relay: `BINARY -t` first (config check), then
#                                        `BINARY -p DIR/relay.pid` in its own session with only
#                                        SC_CONFIG, PATH, LANG, TZ and *SAN_OPTIONS in its
#                                        environment (like the FastCGI programs), stderr appended
#                                        to DIR/relay.log; waits for 200 from
#                                        http://127.0.0.1:RELAY_ADMIN_PORT/health (RELAY_ADMIN_PORT=0:
#                                        until RELAY_PORT listens). As root it runs as root and the
#                                        relay drops to RELAY_USER (www-data) itself.
#   sc_relay_down DIR                    TERM to the master (it drains), KILL the process group
#   sc_notifyd_up DIR SC-CONFIG BINARY [ARG...]
#                                        sc-notifyd (the push worker): `BINARY -t` first, then
#                                        `BINARY -p DIR/notifyd.pid ARG...` with the relay's
#                                        environment rules, stderr appended to DIR/notifyd.log;
#                                        waits for its "started" log line. As root it drops to
#                                        www-data itself. Several may run from different DIRs.
#   sc_notifyd_down DIR                  TERM (it stops reading and exits), KILL after 10 s
#   sc_turn_up DIR PORT SECRET           coturn (Debian's turnserver) on 127.0.0.1:PORT, UDP and
#                                        TCP, TURN REST API secret, no TLS, loopback relaying for
#                                        tests and `make run` on one machine; pid and log in DIR
#   sc_turn_down DIR
#   sc_maildev_up DIR SMTP_PORT WEB_PORT / sc_maildev_down DIR   maildev, the SMTP test double (below)
#                                        after 15 s, and any worker left behind
#   sc_secure_config FILE                0640 root:www-data as root, 0600 otherwise
#   sc_conf_get FILE KEY DEFAULT         the value of KEY in a KEY=VALUE file (last one), or DEFAULT
#   sc_stack_init DIR NAME               throwaway stack for tests and bench: free ports, secrets,
#                                        DIR/sc.conf; sets SC_STACK_{PG_PORT,REDIS_PORT,HTTP_PORT,
#                                        RELAY_PORT,RELAY_ADMIN_PORT,DB,DB_PASSWORD,REDIS_PASSWORD,
#                                        CONFIG,STORAGE_DIR} (DB = NAME = role); RELAY_WORKERS=2;
#                                        APP_URL http://127.0.0.1:HTTP_PORT; file storage in
#                                        DIR/files (sc_storage_dir)
#   sc_storage_dir DIR                   create the local file storage folder (STORAGE_DIR) for
#                                        the programs: as root owned by www-data (they run as the
#                                        web server's user, which also reads it for X-Sendfile),
#                                        mode 0750; the parent must be traversable by www-data
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

sc_conf_get() {
    local v
    v=$(sed -n "s/^$2=//p" "$1" 2>/dev/null | tail -n1)
    printf '%s' "${v:-$3}"
}

sc_secure_config() {
    if sc_is_root; then
        chown root:"$SC_WEB_USER" "$1" && chmod 0640 "$1"
    else
        chmod 0600 "$1"
    fi
}

# sc_npm_ci DIR: make DIR/node_modules hold exactly the packages DIR/package-lock.json pins
# (`npm ci`, only when something differs: a missing or other version of a locked package, or a
# package.json whose dependencies the lock does not match). Test folders with a committed lock
# (tests/ws, tests/e2ee) call it before running their node scripts. Parallel callers (make
# test's two integration passes) are serialized with flock on a lock file in TMPDIR named after
# DIR, so only one installs. Needs node and npm (scripts/install-deps.sh); 1 on any failure.
sc_npm_ci() {
    local dir lock
    dir=$(cd "$1" 2>/dev/null && pwd) || { sc_log "sc_npm_ci: no folder $1"; return 1; }
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        sc_log "sc_npm_ci: node and npm are missing (scripts/install-deps.sh)"
        return 1
    fi
    [[ -f $dir/package-lock.json ]] || { sc_log "sc_npm_ci: $dir/package-lock.json is missing"; return 1; }
    lock=${TMPDIR:-/tmp}/sc-npm-ci.$(printf '%s' "$dir" | cksum | cut -d' ' -f1).lock
    (
        flock -w 600 9 || { sc_log "sc_npm_ci: waited 600 s for another install in $dir"; exit 1; }
        _sc_npm_current "$dir" && exit 0
        sc_log "sc_npm_ci: npm ci in $dir"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >/dev/null ||
            { sc_log "sc_npm_ci: npm ci failed in $dir"; exit 1; }
        _sc_npm_current "$dir" || { sc_log "sc_npm_ci: $dir/node_modules still differs from the lock"; exit 1; }
    ) 9>>"$lock"
}

# _sc_npm_current DIR: true when DIR/node_modules has every locked package at its locked version
# (optional ones may be missing) and the lock's dependencies are package.json's
_sc_npm_current() {
    node -e '
        const fs = require("fs"), path = require("path"), dir = process.argv[1];
        const read = (f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
        const pkg = read("package.json"), lock = read("package-lock.json");
        const same = (a, b) => JSON.stringify(a || {}) === JSON.stringify(b || {});
        const root = lock.packages && lock.packages[""];
        if (!root || !same(root.dependencies, pkg.dependencies) || !same(root.devDependencies, pkg.devDependencies))
            process.exit(1);
        for (const [p, v] of Object.entries(lock.packages)) {
            if (p === "" || v.link) continue;
            let have;
            try { have = read(path.join(p, "package.json")).version; } catch { have = null; }
            if (have === null && v.optional) continue;
            if (have !== v.version) process.exit(1);
        }' "$1" 2>/dev/null
}

# ---------------------------------------------------------------- file storage
sc_storage_dir() {
    mkdir -p "$1" || return 1
    if sc_is_root; then chown "$SC_WEB_USER:$SC_WEB_USER" "$1" || return 1; fi
    chmod 0750 "$1"
}

# ---------------------------------------------------------------- throwaway stacks
sc_stack_init() {
    local dir=$1 name=$2
    SC_STACK_PG_PORT=$(sc_free_port) || return 1
    SC_STACK_REDIS_PORT=$(sc_free_port "$SC_STACK_PG_PORT") || return 1
    SC_STACK_HTTP_PORT=$(sc_free_port "$SC_STACK_PG_PORT" "$SC_STACK_REDIS_PORT") || return 1
    SC_STACK_RELAY_PORT=$(sc_free_port "$SC_STACK_PG_PORT" "$SC_STACK_REDIS_PORT" "$SC_STACK_HTTP_PORT") || return 1
    SC_STACK_RELAY_ADMIN_PORT=$(sc_free_port "$SC_STACK_PG_PORT" "$SC_STACK_REDIS_PORT" "$SC_STACK_HTTP_PORT" \
        "$SC_STACK_RELAY_PORT") || return 1
    SC_STACK_DB=$name
    SC_STACK_DB_PASSWORD=$(openssl rand -hex 24)
    SC_STACK_REDIS_PASSWORD=$(openssl rand -hex 24)
    SC_STACK_CONFIG=$dir/sc.conf
    SC_STACK_STORAGE_DIR=$(realpath -m "$dir/files")
    sc_storage_dir "$SC_STACK_STORAGE_DIR" || return 1
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
RELAY_PORT=$SC_STACK_RELAY_PORT
RELAY_ADMIN_PORT=$SC_STACK_RELAY_ADMIN_PORT
RELAY_WORKERS=2
# signed upload and download URLs point at this stack's web server
APP_URL=http://127.0.0.1:$SC_STACK_HTTP_PORT
STORAGE_DIR=$SC_STACK_STORAGE_DIR
# account mails (register writes one): the repository's templates; SMTP_URL stays the default
# (127.0.0.1:1025) unless the caller starts a mail server, else mails wait in the outbox
MAIL_TEMPLATE_DIR=$SC_ROOT/mail-templates
EOF
    # SC_STACK_EXTRA_CONFIG: more KEY=VALUE lines (space separated) for this stack; a key given
    # there replaces the line above (a key twice in one file is an error)
    local kv
    for kv in ${SC_STACK_EXTRA_CONFIG:-}; do
        sed -i "/^${kv%%=*}=/d" "$SC_STACK_CONFIG"
        echo "$kv" >>"$SC_STACK_CONFIG"
    done
    sc_secure_config "$SC_STACK_CONFIG"
}

sc_stack_up() {
    sc_pg_up "$1/pg" "$SC_STACK_PG_PORT" "$SC_STACK_DB" "$SC_STACK_DB_PASSWORD" "$SC_STACK_DB" fast &&
        sc_redis_up "$1/redis" "$SC_STACK_REDIS_PORT" "$SC_STACK_REDIS_PASSWORD" "${SC_STACK_REDIS_SOCKET:-}"
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
# sc_redis_up DIR PORT PASSWORD [SOCKET]: SOCKET, a path, makes Redis listen on that unix socket
# too (mode 0777: every command still needs the password), for clients with REDIS_HOST=SOCKET.
sc_redis_up() {
    local dir=$1 port=$2 pass=$3 sock=${4:-} pid n
    local sockopt=()
    [[ -n $dir && -n $port && -n $pass ]] || { sc_log "usage: sc_redis_up DIR PORT PASSWORD [SOCKET]"; return 2; }
    [[ -z $sock ]] || sockopt=(--unixsocket "$sock" --unixsocketperm 777)
    [[ $pass != *[\"\\[:space:]]* ]] || { sc_log "sc_redis_up: the password must not contain quotes, backslashes or spaces"; return 1; }
    mkdir -p "$dir" && chmod 0700 "$dir" || return 1
    if [[ -s $dir/redis.pid ]] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
        sc_log "sc_redis_up: Redis already runs from $dir (pid $(cat "$dir/redis.pid"))"; return 1
    fi
    if sc_port_listening "$port"; then sc_log "sc_redis_up: port $port (Redis) is already in use"; return 1; fi
    # the password goes in a 0600 file, not on the command line (visible in ps)
    ( umask 077; printf 'requirepass "%s"\n' "$pass" >"$dir/redis.conf" )
    redis-server "$dir/redis.conf" --port "$port" --bind 127.0.0.1 "${sockopt[@]}" --save '' \
        --appendonly no --daemonize no --dir "$dir" --logfile "$dir/redis.log" \
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
        # the relay routes go where the relay of this config listens
        local rhost rport
        rhost=$(sc_conf_get "$conf" RELAY_LISTEN 127.0.0.1)
        rport=$(sc_conf_get "$conf" RELAY_PORT 8090)
        case $rhost in 0.0.0.0|::|'[::]'|'*') rhost=127.0.0.1 ;; *:*) rhost="[$rhost]" ;; esac
        # X-Sendfile from, and uploads up to, what this config says about file storage
        "$SC_ROOT/scripts/gen-routes.sh" --bin-dir "$bin" --config "$conf" --run-dir "$dir/run" \
            --max-procs "$procs" --relay "$rhost:$rport" \
            --storage-dir "$(sc_conf_get "$conf" STORAGE_DIR /var/lib/secureconnect/files)" \
            --upload-max "$(sc_conf_get "$conf" STORAGE_MAX_FILE_BYTES 52428800)" \
            --out "$dir/conf" "$@" || return 1
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

# ---------------------------------------------------------------- sc-ws-relay
sc_relay_up() {
    local dir=$1 conf=$2 bin=$3 port admin pid n rc=running v
    [[ -n $dir && -n $conf && -n $bin ]] || { sc_log "usage: sc_relay_up DIR SC-CONFIG BINARY"; return 2; }
    dir=$(realpath -m "$dir"); conf=$(realpath -m "$conf")
    [[ -x $bin && -f $bin ]] || { sc_log "sc_relay_up: $bin is missing or not executable (make builds build/ws-relay/sc-ws-relay)"; return 1; }
    [[ -r $conf ]] || { sc_log "sc_relay_up: cannot read $conf"; return 1; }
    port=$(sc_conf_get "$conf" RELAY_PORT 8090)
    admin=$(sc_conf_get "$conf" RELAY_ADMIN_PORT 8091)
    [[ $port =~ ^[0-9]+$ && $admin =~ ^[0-9]+$ ]] || { sc_log "sc_relay_up: RELAY_PORT/RELAY_ADMIN_PORT in $conf are not numbers"; return 1; }
    mkdir -p "$dir" && chmod 0755 "$dir" || return 1
    if [[ -s $dir/relay.pid ]] && kill -0 "$(head -n1 "$dir/relay.pid")" 2>/dev/null; then
        sc_log "sc_relay_up: the relay already runs from $dir (pid $(head -n1 "$dir/relay.pid"))"; return 1
    fi
    rm -f "$dir/relay.pid"
    if sc_port_listening "$port"; then sc_log "sc_relay_up: port $port (RELAY_PORT) is already in use"; return 1; fi
    if [[ $admin != 0 ]] && sc_port_listening "$admin"; then
        sc_log "sc_relay_up: port $admin (RELAY_ADMIN_PORT) is already in use"; return 1
    fi
    # The relay reads its settings from SC_CONFIG only, as the FastCGI programs do: a stray
    # RELAY_PORT in the caller's environment must not move it away from the proxied port.
    local env=(SC_CONFIG="$conf" PATH="${PATH:-/usr/bin:/bin}")
    for v in LANG TZ ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do [[ -n ${!v:-} ]] && env+=("$v=${!v}"); done
    local out off
    if ! out=$(env -i "${env[@]}" "$bin" -t 2>&1); then
        printf '%s\n' "$out" >>"$dir/relay.log"
        sc_log "sc_relay_up: \`$bin -t\` failed (a bad setting in $conf, or not a working relay):"
        printf '%s\n' "$out" | tail -n 20 >&2; return 1
    fi
    # on failure, show what this start logged, not an older run's lines
    off=$(stat -c %s "$dir/relay.log" 2>/dev/null || echo 0)
    # Its own session, so sc_relay_down can reach workers the master leaves behind (process
    # group). With job control on, the background job already leads its own group.
    local launch=(setsid)
    [[ $- == *m* ]] && launch=()
    env -i "${env[@]}" "${launch[@]}" "$bin" -p "$dir/relay.pid" </dev/null >>"$dir/relay.log" 2>&1 &
    pid=$!
    for ((n = 0; n < 150; n++)); do
        if [[ $admin != 0 ]]; then
            [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$admin/health" 2>/dev/null) == 200 ]] && break
        else
            sc_port_listening "$port" && break
        fi
        if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; rc=$?; break; fi
        sleep 0.1
    done
    if [[ $rc != running || $n -ge 150 ]]; then
        if [[ $rc != running ]]; then
            sc_log "sc_relay_up: $bin exited with status $rc before it answered; log:"
        else
            if [[ $admin != 0 ]]; then
                sc_log "sc_relay_up: $bin did not answer on http://127.0.0.1:$admin/health (RELAY_PORT $port) within 15 s; log:"
            else
                sc_log "sc_relay_up: $bin did not listen on RELAY_PORT $port within 15 s (RELAY_ADMIN_PORT=0); log:"
            fi
        fi
        tail -c +"$((off + 1))" "$dir/relay.log" | tail -n 20 >&2
        if [[ $rc == running ]]; then echo "$pid" >"$dir/relay.pid"; sc_relay_down "$dir"; fi
        return 1
    fi
    # a relay that did not write its pidfile can still be stopped from another process
    [[ -s $dir/relay.pid ]] || echo "$pid" >"$dir/relay.pid"
}

sc_relay_down() {
    local f=$1/relay.pid pid n
    [[ -s $f ]] || return 0
    pid=$(head -n1 "$f" 2>/dev/null)
    [[ $pid =~ ^[0-9]+$ ]] || { rm -f "$f"; return 0; }
    # a stale pidfile (nothing runs): only remove it; the pid may belong to someone else now
    kill -0 "$pid" 2>/dev/null || { rm -f "$f"; return 0; }
    kill -TERM "$pid" 2>/dev/null
    if ! sc_wait_exit "$pid" 15; then
        sc_log "sc-ws-relay (pid $pid) did not stop within 15s; killing its process group"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
        sc_wait_exit "$pid" 5
    fi
    # workers still alive after their master exited (the group id is the master's pid)
    if kill -0 -- "-$pid" 2>/dev/null; then
        sc_log "sc-ws-relay: processes of group $pid outlived the master; killing them"
        kill -KILL -- "-$pid" 2>/dev/null
        for ((n = 0; n < 50; n++)); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$f"
}

# ---------------------------------------------------------------- sc-notifyd
sc_notifyd_up() {
    local dir=$1 conf=$2 bin=$3 pid n off out v
    [[ -n $dir && -n $conf && -n $bin ]] || { sc_log "usage: sc_notifyd_up DIR SC-CONFIG BINARY [ARG...]"; return 2; }
    shift 3
    dir=$(realpath -m "$dir"); conf=$(realpath -m "$conf")
    [[ -x $bin && -f $bin ]] || { sc_log "sc_notifyd_up: $bin is missing or not executable (make builds build/notifyd/sc-notifyd)"; return 1; }
    mkdir -p "$dir" && chmod 0755 "$dir" || return 1
    if [[ -s $dir/notifyd.pid ]] && kill -0 "$(head -n1 "$dir/notifyd.pid")" 2>/dev/null; then
        sc_log "sc_notifyd_up: sc-notifyd already runs from $dir (pid $(head -n1 "$dir/notifyd.pid"))"; return 1
    fi
    rm -f "$dir/notifyd.pid"
    local env=(SC_CONFIG="$conf" PATH="${PATH:-/usr/bin:/bin}")
    for v in LANG TZ ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do [[ -n ${!v:-} ]] && env+=("$v=${!v}"); done
    if ! out=$(env -i "${env[@]}" "$bin" -t 2>&1); then
        printf '%s\n' "$out" >>"$dir/notifyd.log"
        sc_log "sc_notifyd_up: \`$bin -t\` failed:"; printf '%s\n' "$out" | tail -n 20 >&2; return 1
    fi
    off=$(stat -c %s "$dir/notifyd.log" 2>/dev/null || echo 0)
    env -i "${env[@]}" "$bin" -p "$dir/notifyd.pid" "$@" </dev/null >>"$dir/notifyd.log" 2>&1 &
    pid=$!
    disown "$pid" 2>/dev/null   # no "Killed" notice from this shell when a test kills it
    for ((n = 0; n < 100; n++)); do
        tail -c +"$((off + 1))" "$dir/notifyd.log" 2>/dev/null | grep -q '"msg":"started' && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    if ! kill -0 "$pid" 2>/dev/null || ((n >= 100)); then
        sc_log "sc_notifyd_up: $bin did not start; log:"
        tail -c +"$((off + 1))" "$dir/notifyd.log" | tail -n 20 >&2
        kill -KILL "$pid" 2>/dev/null
        rm -f "$dir/notifyd.pid"
        return 1
    fi
    [[ -s $dir/notifyd.pid ]] || echo "$pid" >"$dir/notifyd.pid"
}

sc_notifyd_down() { sc_stop_pidfile "$1/notifyd.pid" sc-notifyd 10; }

# ---------------------------------------------------------------- coturn (TURN/STUN)
# sc_turn_up DIR PORT SECRET: turnserver from a 0600 config file in DIR (the secret stays out of
# ps), relay ports PORT+1..PORT+40 (below PORT near 65535), --allow-loopback-peers so that two
# clients on this machine can relay to each other (never in production: httpd-conf/coturn.conf
# denies loopback and private peers). As root it runs as the packaged `turnserver` user.
sc_turn_up() {
    local dir=$1 port=$2 secret=$3 u="" lo hi pid n
    [[ -n $dir && $port =~ ^[0-9]+$ && -n $secret ]] || { sc_log "usage: sc_turn_up DIR PORT SECRET"; return 2; }
    command -v turnserver >/dev/null || { sc_log "sc_turn_up: turnserver is missing (Debian package coturn)"; return 1; }
    dir=$(realpath -m "$dir")
    mkdir -p "$dir" && chmod 0755 "$dir" || return 1
    if sc_port_listening "$port"; then sc_log "sc_turn_up: port $port is already in use"; return 1; fi
    lo=$((port + 1)) hi=$((port + 40))
    if ((hi > 65535)); then lo=$((port - 40)) hi=$((port - 1)); fi
    (umask 077; cat >"$dir/turnserver.conf" <<EOF
# generated by scripts/svc.sh sc_turn_up: a loopback TURN server for tests and make run
listening-ip=127.0.0.1
listening-port=$port
relay-ip=127.0.0.1
min-port=$lo
max-port=$hi
use-auth-secret
static-auth-secret=$secret
realm=secureconnect
no-tls
no-dtls
no-cli
no-multicast-peers
allow-loopback-peers
db=$dir/turndb
pidfile=$dir/turnserver.pid

simple-log
EOF
    )
    if sc_is_root; then
        u=turnserver
        id -u "$u" >/dev/null 2>&1 || u=nobody
        chown -R "$u": "$dir"
    fi
    if [[ -n $u ]]; then
        setpriv --reuid "$u" --regid "$u" --init-groups -- turnserver -c "$dir/turnserver.conf" --log-file stdout \
            </dev/null >>"$dir/turn.log" 2>&1 &
    else
        turnserver -c "$dir/turnserver.conf" --log-file stdout </dev/null >>"$dir/turn.log" 2>&1 &
    fi
    pid=$!
    echo "$pid" >"$dir/turn.pid"
    for ((n = 0; n < 100; n++)); do
        sc_port_listening "$port" && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    sc_log "sc_turn_up: turnserver did not listen on 127.0.0.1:$port; log:"
    tail -n 20 "$dir/turn.log" >&2
    sc_turn_down "$dir"
    return 1
}

sc_turn_down() { sc_stop_pidfile "$1/turn.pid" coturn 10; }

# ---------------------------------------------------------------- s3rver (the S3 test double)
# sc_s3rver_up DIR PORT BUCKET           s3rver (npm, pinned in tests/s3/package.json) on
#                                        127.0.0.1:PORT with BUCKET created, objects in DIR/data,
#                                        pid in DIR/s3rver.pid, log in DIR/s3rver.log. It runs
#                                        tests/s3/s3rver.mjs, which checks every SigV4 signature
#                                        with the AWS SDK's signer (s3rver alone does not) and
#                                        refuses unsigned requests. Access key and secret: S3RVER /
#                                        S3RVER, any region. Installs tests/s3's npm packages first
#                                        when they are missing or not the pinned versions. As root
#                                        it runs as nobody.
# sc_s3rver_down DIR

sc_s3rver_up() {
    local dir=$1 port=$2 bucket=$3 pkg=$SC_ROOT/tests/s3 pid n
    local -a as=()
    [[ -n $dir && $port =~ ^[0-9]+$ && $bucket =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] ||
        { sc_log "usage: sc_s3rver_up DIR PORT BUCKET (a bucket of 3..63 of a-z 0-9 . -)"; return 2; }
    sc_npm_ci "$pkg" || return 1
    dir=$(realpath -m "$dir")
    mkdir -p "$dir/data" && chmod 0755 "$dir" || return 1
    if [[ -s $dir/s3rver.pid ]] && kill -0 "$(cat "$dir/s3rver.pid")" 2>/dev/null; then
        sc_log "sc_s3rver_up: s3rver already runs from $dir (pid $(cat "$dir/s3rver.pid"))"; return 1
    fi
    if sc_port_listening "$port"; then sc_log "sc_s3rver_up: port $port (s3rver) is already in use"; return 1; fi
    : >"$dir/s3rver.log"
    if sc_is_root; then
        chown -R nobody: "$dir/data" && as=(setpriv --reuid nobody --regid nogroup --init-groups --)
    fi
    "${as[@]}" node "$pkg/s3rver.mjs" "$dir/data" "$port" "$bucket" </dev/null >>"$dir/s3rver.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/s3rver.pid"
    for ((n = 0; n < 150; n++)); do
        if grep -q "^s3rver: listening on 127.0.0.1:$port\$" "$dir/s3rver.log" && sc_port_listening "$port"; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    sc_log "sc_s3rver_up: s3rver did not listen on 127.0.0.1:$port; log:"
    tail -n 20 "$dir/s3rver.log" >&2
    sc_s3rver_down "$dir"
    return 1
}

sc_s3rver_down() { sc_stop_pidfile "$1/s3rver.pid" s3rver 10; }

# ---------------------------------------------------------------- maildev (the SMTP test double)
# sc_maildev_up DIR SMTP_PORT WEB_PORT   maildev (npm, pinned in tests/maildev/package-lock.json)
#                                        with SMTP on 127.0.0.1:SMTP_PORT and its web UI and REST
#                                        API (/api/email, toolchain.md section 8) on
#                                        127.0.0.1:WEB_PORT; mails kept in DIR/mail (maildev 3
#                                        writes to /tmp/maildev without --mail-directory), pid in
#                                        DIR/maildev.pid, log in DIR/maildev.log. Installs
#                                        tests/maildev's packages first when they are missing or
#                                        not the pinned versions. As root it runs as nobody.
#                                        Waits until /api/healthz answers.
# sc_maildev_down DIR
sc_maildev_up() {
    local dir=$1 smtp=$2 web=$3 pkg=$SC_ROOT/tests/maildev pid n
    local -a as=()
    [[ -n $dir && $smtp =~ ^[0-9]+$ && $web =~ ^[0-9]+$ ]] ||
        { sc_log "usage: sc_maildev_up DIR SMTP_PORT WEB_PORT"; return 2; }
    sc_npm_ci "$pkg" || return 1
    dir=$(realpath -m "$dir")
    mkdir -p "$dir/mail" && chmod 0755 "$dir" || return 1
    if [[ -s $dir/maildev.pid ]] && kill -0 "$(cat "$dir/maildev.pid")" 2>/dev/null; then
        sc_log "sc_maildev_up: maildev already runs from $dir (pid $(cat "$dir/maildev.pid"))"; return 1
    fi
    for p in "$smtp" "$web"; do
        if sc_port_listening "$p"; then sc_log "sc_maildev_up: port $p (maildev) is already in use"; return 1; fi
    done
    if sc_is_root; then
        chown -R nobody: "$dir/mail" && as=(setpriv --reuid nobody --regid nogroup --init-groups --)
    fi
    "${as[@]}" node "$pkg/node_modules/maildev/dist/bin/maildev.js" -s "$smtp" --ip 127.0.0.1 -w "$web" \
        --web-ip 127.0.0.1 --mail-directory "$dir/mail" --silent </dev/null >>"$dir/maildev.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/maildev.pid"
    for ((n = 0; n < 150; n++)); do
        if [[ $(curl -s --max-time 2 "http://127.0.0.1:$web/api/healthz" 2>/dev/null) == true ]] &&
            sc_port_listening "$smtp"; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    sc_log "sc_maildev_up: maildev did not answer on 127.0.0.1:$web (SMTP :$smtp); log:"
    tail -n 20 "$dir/maildev.log" >&2
    sc_maildev_down "$dir"
    return 1
}

sc_maildev_down() { sc_stop_pidfile "$1/maildev.pid" maildev 10; }
