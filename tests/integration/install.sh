#!/usr/bin/env bash
# install.sh - `make install` as an admin uses it: install into a temporary PREFIX, then run
# lighttpd and Apache whose main configs only include the INSTALLED snippet, against a real
# PostgreSQL and Redis, with the installed sc-admin applying the installed migrations, and the
# installed sc-ws-relay behind both servers (the snippet's WebSocket routes reach it: a
# handshake without a token gets the relay's 401, one with a token 101). SC_RELAY=0 skips the
# running relay (the static checks of its files stay). Ends with `install: N passed, M failed`.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export SC_ROOT=$ROOT
# shellcheck source=../../scripts/svc.sh
. "$ROOT/scripts/svc.sh"

T=$(mktemp -d /tmp/sc-install.XXXXXX) || exit 1
chmod 0755 "$T"
cleanup() {
	sc_relay_down "$T/relay"
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
SC_CONFIG_PATH=$SC_STACK_CONFIG SC_SOCKET_DIR=$T/lighttpd/run SC_RELAY_ADDR=127.0.0.1:$SC_STACK_RELAY_PORT \
	SC_STORAGE_DIR=$SC_STACK_STORAGE_DIR \
	"$ROOT/scripts/install.sh" "" "$P" >"$T/install.log" 2>&1 || { cat "$T/install.log"; bad "make install failed"; }

for f in bin/sc-admin lib/secureconnect/cgi-bin/ops-health.fcgi lib/secureconnect/cgi-bin/ops-notfound.fcgi \
	share/secureconnect/httpd-conf/lighttpd.conf share/secureconnect/httpd-conf/apache.conf \
	share/secureconnect/httpd-conf/lighttpd-routes.conf share/secureconnect/httpd-conf/apache-routes.conf \
	share/secureconnect/sql/001_extensions.sql share/man/man8/sc-admin.8 share/doc/secureconnect/README.md \
	sbin/sc-ws-relay lib/systemd/system/sc-ws-relay.service share/man/man8/sc-ws-relay.8 \
	share/doc/secureconnect/operations.md share/secureconnect/secureconnect.conf.example; do
	check "installed $f" "[[ -s '$P/$f' ]]"
done
check "test fixture not installed" "[[ ! -e '$P/lib/secureconnect/cgi-bin/echo.fcgi' ]]"
check "config example lists JWT_SECRET" "grep -q '^#JWT_SECRET=' '$P/share/secureconnect/secureconnect.conf.example'"
check "installed routes point into PREFIX" "grep -q '$P/lib/secureconnect/cgi-bin/ops-health.fcgi' '$P/share/secureconnect/httpd-conf/lighttpd-routes.conf'"
check "no placeholders left" "! grep -rq '@[A-Z_]*@' '$P/share/secureconnect/httpd-conf/' '$P/lib/systemd/system/sc-ws-relay.service'"
# the installed snippet carries the WebSocket routes to the relay of SC_RELAY_ADDR
R=$P/share/secureconnect/httpd-conf
check "lighttpd routes proxy /v1/ws to the relay" "grep -A2 -F '\"^/v1/ws\$\" {' '$R/lighttpd-routes.conf' | grep -qF '\"host\" => \"127.0.0.1\", \"port\" => $SC_STACK_RELAY_PORT'"
check "lighttpd routes pass the Upgrade" "grep -qF 'proxy.header = ( \"upgrade\" => \"enable\" )' '$R/lighttpd-routes.conf'"
check "lighttpd snippet loads mod_proxy" "grep -q '^server.modules.*mod_proxy' '$R/lighttpd.conf'"
check "Apache routes proxy /v1/ws to the relay" "grep -E '^ProxyPassMatch \"\\^\\(\\?:/v1/ws\\|' '$R/apache-routes.conf' | grep -qF '\"http://127.0.0.1:$SC_STACK_RELAY_PORT\" upgrade=websocket'"
check "Apache snippet loads mod_proxy_http" "grep -q 'LoadModule proxy_http_module' '$R/apache.conf'"
# file downloads: X-Sendfile for the download program only, from SC_STORAGE_DIR
check "lighttpd routes: x-sendfile from STORAGE_DIR" "grep -qF '\"x-sendfile-docroot\" => ( \"$SC_STACK_STORAGE_DIR\" )' '$R/lighttpd-routes.conf'"
check "lighttpd routes: x-sendfile for one program" "[[ \$(grep -c '\"x-sendfile\" => \"enable\"' '$R/lighttpd-routes.conf') == 1 ]]"
check "Apache routes: XSendFilePath STORAGE_DIR" "grep -qF 'XSendFilePath \"$SC_STACK_STORAGE_DIR\"' '$R/apache-routes.conf'"
check "Apache snippet loads mod_xsendfile" "grep -q 'LoadModule xsendfile_module' '$R/apache.conf'"
U=$P/lib/systemd/system/sc-ws-relay.service
check "unit starts the installed relay" "grep -qx 'ExecStart=$P/sbin/sc-ws-relay' '$U'"
check "unit names the config" "grep -qx 'Environment=SC_CONFIG=$SC_STACK_CONFIG' '$U'"
check "unit is hardened" "grep -qx 'NoNewPrivileges=yes' '$U' && grep -qx 'ProtectSystem=strict' '$U' && grep -q '^LimitNOFILE=' '$U'"
if command -v systemd-analyze >/dev/null; then
	check "systemd-analyze verify accepts the unit" "systemd-analyze verify '$U' >'$T/verify.log' 2>&1 || { cat '$T/verify.log'; false; }"
fi

# mail as the install's closing lines say: the installed stock templates as MAIL_TEMPLATE_DIR
# (register writes a mail; no SMTP server here, so it waits in the outbox)
check "installed mail templates" "[[ -s '$P/share/secureconnect/mail-templates/verify_email.txt' ]]"
sed -i "s|^MAIL_TEMPLATE_DIR=.*|MAIL_TEMPLATE_DIR=$P/share/secureconnect/mail-templates|" "$SC_STACK_CONFIG"
sc_secure_config "$SC_STACK_CONFIG"

if sc_stack_up "$T"; then
	check "installed sc-admin check-config" "SC_CONFIG='$SC_STACK_CONFIG' '$P/bin/sc-admin' check-config >/dev/null"
	check "installed sc-admin migrate" "SC_CONFIG='$SC_STACK_CONFIG' '$P/bin/sc-admin' migrate --dir '$P/share/secureconnect/sql' >'$T/migrate.log' 2>&1"
	relay=0
	if [[ ${SC_RELAY:-1} != 0 ]]; then
		if sc_relay_up "$T/relay" "$SC_STACK_CONFIG" "$P/sbin/sc-ws-relay"; then relay=1; else bad "the installed sc-ws-relay did not start"; fi
	fi
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
		if [[ $relay == 1 ]]; then
			ws=(-H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==')
			# no token: the relay's own refusal (a FastCGI program would answer something else)
			code=$(curl -s --http1.1 --max-time 10 -o "$T/body" -w '%{http_code}' "${ws[@]}" "$base/v1/ws")
			check "$kind /v1/ws without a token reaches the relay (401)" "[[ '$code' == 401 ]] && grep -q UNAUTHORIZED '$T/body'"
			tok=$(curl -sS --max-time 10 -H 'Content-Type: application/json' --data-binary \
				"{\"email\":\"ws-$kind@example.com\",\"username\":\"ws_$kind\",\"password\":\"correct horse battery staple\",\"display_name\":\"WS $kind\"}" \
				"$base/v1/auth/register" | jq -r '.data.access_token // empty')
			check "$kind register for the WebSocket check" "[[ -n '$tok' ]]"
			# Authorization crosses the proxy: the upgrade succeeds (curl then waits for frames until --max-time)
			code=$(curl -s --http1.1 --max-time 3 -o /dev/null -w '%{http_code}' "${ws[@]}" -H "Authorization: Bearer $tok" "$base/v1/ws")
			check "$kind /v1/ws with a token upgrades (101)" "[[ '$code' == 101 ]]"
			# the query string crosses it too: without conversation_id 400, with an unknown one 404
			code=$(curl -s --http1.1 --max-time 10 -o "$T/body" -w '%{http_code}' "${ws[@]}" -H "Authorization: Bearer $tok" "$base/v1/ws/chat")
			check "$kind /v1/ws/chat without conversation_id (400)" "[[ '$code' == 400 ]] && grep -q VALIDATION_ERROR '$T/body'"
			code=$(curl -s --http1.1 --max-time 10 -o "$T/body" -w '%{http_code}' "${ws[@]}" -H "Authorization: Bearer $tok" \
				"$base/v1/ws/chat?conversation_id=0190a0a0-0000-7000-8000-0000000000aa")
			check "$kind /v1/ws/chat of an unknown conversation (404)" "[[ '$code' == 404 ]] && grep -q NOT_FOUND '$T/body'"
		fi
		"sc_${kind}_down" "$T/$kind"
	done
else
	bad "PostgreSQL or Redis did not start"
fi

echo "install: $pass passed, $fail failed"
[[ $fail == 0 ]]
