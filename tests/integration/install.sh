#!/usr/bin/env bash
# install.sh - `make install` as an admin uses it: install into a temporary PREFIX, then run
# lighttpd and Apache whose main configs only include the INSTALLED snippet, against a real
# PostgreSQL and Redis, with the installed sc-admin applying the installed migrations.
# Ends with `install: N passed, M failed`.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export SC_ROOT=$ROOT
# shellcheck source=../../scripts/svc.sh
. "$ROOT/scripts/svc.sh"

T=$(mktemp -d /tmp/sc-install.XXXXXX) || exit 1
chmod 0755 "$T"
cleanup() {
	sc_lighttpd_down "$T/lighttpd"
	sc_apache_down "$T/apache"
	sc_stack_down "$T"
	rm -rf "$T"
}
trap cleanup EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL install: $1"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }

sc_stack_init "$T" sc_inst || { echo "install: 0 passed, 1 failed"; exit 1; }
P=$T/prefix
SC_CONFIG_PATH=$SC_STACK_CONFIG SC_SOCKET_DIR=$T/lighttpd/run \
	"$ROOT/scripts/install.sh" "" "$P" >"$T/install.log" 2>&1 || { cat "$T/install.log"; bad "make install failed"; }

for f in bin/sc-admin lib/secureconnect/cgi-bin/ops-health.fcgi lib/secureconnect/cgi-bin/ops-notfound.fcgi \
	share/secureconnect/httpd-conf/lighttpd.conf share/secureconnect/httpd-conf/apache.conf \
	share/secureconnect/httpd-conf/lighttpd-routes.conf share/secureconnect/httpd-conf/apache-routes.conf \
	share/secureconnect/sql/001_extensions.sql share/man/man8/sc-admin.8 share/doc/secureconnect/README.md \
	share/doc/secureconnect/operations.md share/secureconnect/secureconnect.conf.example; do
	check "installed $f" "[[ -s '$P/$f' ]]"
done
check "test fixture not installed" "[[ ! -e '$P/lib/secureconnect/cgi-bin/echo.fcgi' ]]"
check "config example lists JWT_SECRET" "grep -q '^#JWT_SECRET=' '$P/share/secureconnect/secureconnect.conf.example'"
check "installed routes point into PREFIX" "grep -q '$P/lib/secureconnect/cgi-bin/ops-health.fcgi' '$P/share/secureconnect/httpd-conf/lighttpd-routes.conf'"
check "no placeholders left" "! grep -rq '@[A-Z_]*@' '$P/share/secureconnect/httpd-conf/'"

if sc_stack_up "$T"; then
	check "installed sc-admin check-config" "SC_CONFIG='$SC_STACK_CONFIG' '$P/bin/sc-admin' check-config >/dev/null"
	check "installed sc-admin migrate" "SC_CONFIG='$SC_STACK_CONFIG' '$P/bin/sc-admin' migrate --dir '$P/share/secureconnect/sql' >'$T/migrate.log' 2>&1"
	for kind in lighttpd apache; do
		if ! SC_WEB_SNIPPET=$P/share/secureconnect/httpd-conf/$kind.conf "sc_${kind}_up" "$T/$kind" \
			"$SC_STACK_HTTP_PORT" "$P/lib/secureconnect/cgi-bin" "$SC_STACK_CONFIG" 2 "$ROOT/cgi-bin/routes"; then
			bad "$kind with the installed snippet did not start"
			continue
		fi
		base=http://127.0.0.1:$SC_STACK_HTTP_PORT
		check "$kind /health" "curl -sS --max-time 10 '$base/health' | grep -q '\"status\":\"healthy\"'"
		check "$kind /ready" "curl -sS --max-time 10 '$base/ready' | grep -q '\"status\":\"ready\"'"
		check "$kind catch-all" "[[ \$(curl -sS --max-time 10 -o '$T/body' -w '%{http_code}' '$base/v1/x') == 404 ]] && grep -q NOT_FOUND '$T/body'"
		"sc_${kind}_down" "$T/$kind"
	done
else
	bad "PostgreSQL or Redis did not start"
fi

echo "install: $pass passed, $fail failed"
[[ $fail == 0 ]]
