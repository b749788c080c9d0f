#!/usr/bin/env bash
# Black-box cases for sc-admin against the running stack (run by tests/integration/run.sh after
# cases.sh; see its header for the environment). Ends with "<server>-admin: N passed, M failed".
#
# rebuild-redis: a session revoked in PostgreSQL whose Redis mark was lost (Redis restarted
# without persistence) keeps working until `sc-admin rebuild-redis` puts the mark back.
set -u
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $SC_SERVER-admin: $1: $2"; }
cfg() { sed -n "s/^$1=//p" "$SC_CONFIG" | tail -n 1; }

psql_sc() {
	PGPASSWORD=$(cfg DB_PASSWORD) psql -X -q -t -A -h 127.0.0.1 -p "$(cfg DB_PORT)" \
		-U "$(cfg DB_USER)" "$(cfg DB_NAME)" -v ON_ERROR_STOP=1 -c "$1"
}

me_status() {
	curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $1" \
		"$SC_BASE/v1/users/me"
}

suffix=$(openssl rand -hex 4)
reg=$(curl -sS --max-time 10 -X POST "$SC_BASE/v1/auth/register" -H 'Content-Type: application/json' \
	-d "{\"email\":\"admin-$SC_SERVER-$suffix@example.com\",\"username\":\"adm_${suffix}\",\"password\":\"admin test password\",\"display_name\":\"Admin test\"}")
token=$(jq -r '.data.access_token // empty' <<<"$reg")
sid=$(jq -r '.data.session_id // empty' <<<"$reg")
if [[ -z $token || -z $sid ]]; then
	bad "register" "no token in: ${reg:0:300}"
else
	s=$(me_status "$token")
	[[ $s == 200 ]] && ok || bad "token works before" "status $s"
	if psql_sc "UPDATE sessions SET revoked_at = now(), revoked_reason = 'test' WHERE session_id = '$sid'" >/dev/null; then
		ok
	else
		bad "psql" "could not revoke the session in PostgreSQL"
	fi
	# Redis has no mark: the gap that rebuild-redis closes (proves the last check is meaningful)
	s=$(me_status "$token")
	[[ $s == 200 ]] && ok || bad "token still works with no Redis mark" "status $s"
	out=$(SC_CONFIG=$SC_CONFIG "$SC_BUILD/tools/sc-admin" rebuild-redis 2>&1)
	rc=$?
	if [[ $rc == 0 && $out =~ rebuild-redis:\ ([0-9]+)\ revoked ]] && ((BASH_REMATCH[1] >= 1)); then
		ok
	else
		bad "rebuild-redis" "exit $rc: $out"
	fi
	s=$(me_status "$token")
	[[ $s == 401 ]] && ok || bad "token refused after rebuild-redis" "status $s"
fi

echo "$SC_SERVER-admin: $pass passed, $fail failed"
[[ $fail == 0 ]]
