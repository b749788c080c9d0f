#!/bin/bash
# install-deps.sh: install the Debian 12 packages SecureConnect needs to build, run and test.
# Idempotent and quiet when everything is present (it runs on every `make test`/`make run`).
# As root: apt-get update + install of what is missing. Otherwise: prints the sudo command, exit 1.
# `install-deps.sh bench` (called by bench/run.sh) also installs BENCH_PKGS, the PHP and nchan
# peers of `make bench`; `make test` and `make run` never install them.
# The packaged daemons (apache2, lighttpd, redis-server, postgresql) are stopped again after an
# installation: SecureConnect starts its own instances and never uses them.
set -euo pipefail

PKGS=(
    # build
    build-essential pkg-config clang libfcgi-dev libpq-dev libhiredis-dev libjwt-dev libjson-c-dev
    libcmocka-dev libcurl4-openssl-dev libssl-dev libargon2-dev libcrypt-dev
    # file storage: libmagic sniffs uploads (its compiled database comes with libmagic1)
    libmagic-dev
    # two-factor login: QR codes of the TOTP secret as SVG
    libqrencode-dev
    # run and test
    postgresql-15 redis-server redis-tools lighttpd apache2 libapache2-mod-fcgid libfcgi-bin
    # Apache streams file downloads with X-Sendfile (lighttpd has it built in)
    libapache2-mod-xsendfile
    spawn-fcgi wrk curl jq openssl iproute2 ca-certificates
    # tests/ws: the relay's conformance clients (python3-websockets; npm's ws via node below)
    python3-websockets
    # calls: coturn (turnserver for `make run` and the TURN tests, turnutils_uclient for the tests)
    coturn
    # tests: TOTP codes from an independent implementation (cases-2fa.sh)
    oathtool
)
# node and npm (tests/ws installs the ws package with npm ci): Debian's only when the machine
# has none. A NodeSource nodejs bundles npm and conflicts with Debian's npm package: installing
# that would replace it, so an existing node is left alone.
if ! command -v node >/dev/null 2>&1; then
    PKGS+=(nodejs npm)
elif ! command -v npm >/dev/null 2>&1 &&
    [[ $(dpkg-query -W -f='${Version}' nodejs 2>/dev/null) != *nodesource* ]]; then
    PKGS+=(npm)
fi
# only for `install-deps.sh bench`: the PHP-FPM peer of bench/run.sh (bench/peers/users_me.php),
# and nchan, the WebSocket relay peer of bench/lib/ws.sh (Debian's module needs the `nginx`
# package, which provides its nginx-abi; nginx-light would only add the echo module)
BENCH_PKGS=(php-fpm php-redis php-pgsql nginx libnginx-mod-nchan)
case ${1:-} in
    "") ;;
    bench) PKGS+=("${BENCH_PKGS[@]}") ;;
    *) echo "usage: install-deps.sh [bench]" >&2; exit 2 ;;
esac

# one dpkg-query for all (fast path); unknown names are simply absent from its output
declare -A have=()
while read -r name status; do
    [[ $status == installed ]] && have[$name]=1
done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PKGS[@]}" 2>/dev/null || true)
missing=()
for p in "${PKGS[@]}"; do
    [[ -n ${have[$p]:-} ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: missing Debian packages: ${missing[*]}"
if [[ $(id -u) != 0 ]]; then
    echo "install-deps: run as root, or:"
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"

# Debian's postinst scripts start the packaged services (ports 80, 6379, 5432); stop them.
# (php*-fpm, nginx: the bench group; the bench starts its own php-fpm and nginx)
for svc in apache2 lighttpd redis-server postgresql nginx coturn $(cd /etc/init.d 2>/dev/null && ls -d php*-fpm 2>/dev/null); do
    if service "$svc" status >/dev/null 2>&1; then
        echo "install-deps: stopping the packaged $svc service (not used by SecureConnect)"
        service "$svc" stop >/dev/null 2>&1 || invoke-rc.d "$svc" stop >/dev/null 2>&1 || true
    fi
done
echo "install-deps: installed ${missing[*]}"
