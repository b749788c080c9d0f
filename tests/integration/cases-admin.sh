#!/usr/bin/env bash
# Black-box cases for sc-admin against the running stack (run by tests/integration/run.sh after
# cases.sh; see its header for the environment). Ends with "<server>-admin: N passed, M failed".
#
# rebuild-redis: a session revoked in PostgreSQL whose Redis mark was lost (Redis restarted
# without persistence) keeps working until `sc-admin rebuild-redis` puts the mark back; a lost
# conv:{id}:members set comes back with the members PostgreSQL has.
# purge-messages: messages older than their conversation's message_retention_days go (more than
# one batch of 10,000), younger ones and those of conversations without retention stay.
set -u
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $SC_SERVER-admin: $1: $2"; }
cfg() { sed -n "s/^$1=//p" "$SC_CONFIG" | tail -n 1; }

psql_sc() {
	PGPASSWORD=$(cfg DB_PASSWORD) psql -X -q -t -A -h 127.0.0.1 -p "$(cfg DB_PORT)" \
		-U "$(cfg DB_USER)" "$(cfg DB_NAME)" -v ON_ERROR_STOP=1 -c "$1"
}

rcli() {
	REDISCLI_AUTH=$(cfg REDIS_PASSWORD) timeout 10 redis-cli --no-auth-warning -h 127.0.0.1 \
		-p "$(cfg REDIS_PORT)" "$@"
}

# register NAME: prints the JSON answer of POST /v1/auth/register
register() {
	curl -sS --max-time 10 -X POST "$SC_BASE/v1/auth/register" -H 'Content-Type: application/json' \
		-d "{\"email\":\"admin-$SC_SERVER-$suffix-$1@example.com\",\"username\":\"adm_${suffix}_$1\",\"password\":\"admin test password\",\"display_name\":\"Admin test $1\"}"
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


# ---- rebuild-redis: conv:{id}:members
reg2=$(register m2)
token2=$(jq -r '.data.access_token // empty' <<<"$reg2")
uid2=$(jq -r '.data.user.user_id // empty' <<<"$reg2")
reg3=$(register m3)
uid3=$(jq -r '.data.user.user_id // empty' <<<"$reg3")
conv=""
if [[ -z $token2 || -z $uid2 || -z $uid3 ]]; then
	bad "register members" "no token or id in: ${reg2:0:200} ${reg3:0:200}"
else
	created=$(curl -sS --max-time 10 -X POST "$SC_BASE/v1/conversations" -H "Authorization: Bearer $token2" \
		-H 'Content-Type: application/json' \
		-d "{\"type\":\"group\",\"title\":\"Admin $suffix\",\"participant_ids\":[\"$uid3\"]}")
	conv=$(jq -r '.data.conversation_id // empty' <<<"$created")
	[[ -n $conv ]] && ok || bad "POST /v1/conversations" "a conversation id in: ${created:0:300}"
fi
if [[ -n $conv ]]; then
	want=$(printf '%s\n' "$uid2" "$uid3" | sort | tr '\n' ' ')
	got=$(rcli SMEMBERS "conv:$conv:members" | sort | tr '\n' ' ')
	[[ $got == "$want" ]] && ok || bad "members cache after create" "{$want} got {$got}"
	rcli DEL "conv:$conv:members" >/dev/null
	n=$(rcli EXISTS "conv:$conv:members")
	[[ $n == 0 ]] && ok || bad "members cache deleted" "EXISTS 0, got $n"
	# a stale member in another set is dropped by the rebuild (DEL + SADD)
	rcli SADD "conv:$conv:members" 00000000-0000-4000-8000-000000000000 >/dev/null
	out=$(SC_CONFIG=$SC_CONFIG "$SC_BUILD/tools/sc-admin" rebuild-redis 2>&1)
	rc=$?
	if [[ $rc == 0 && $out =~ rebuild-redis:\ ([0-9]+)\ conversation\ member\ sets\ rebuilt ]] && ((BASH_REMATCH[1] >= 1)); then
		ok
	else
		bad "rebuild-redis members" "exit $rc: $out"
	fi
	got=$(rcli SMEMBERS "conv:$conv:members" | sort | tr '\n' ' ')
	[[ $got == "$want" ]] && ok || bad "members cache rebuilt" "{$want} got {$got}"
fi

# ---- purge-messages
# msgs CONV COUNT AGE-SQL: COUNT messages sent AGE ago (an interval), one second apart
msgs() {
	psql_sc "INSERT INTO messages (message_id, conversation_id, sender_id, content, sent_at)
		SELECT (lpad(to_hex((extract(epoch from ts)*1000)::bigint),12,'0') || '7' ||
		        substr(md5(random()::text),1,3) || '8' || substr(md5(random()::text),1,15))::uuid,
		       '$1', '$uid2', 'purge test ' || g, ts
		FROM generate_series(1, $2) g, LATERAL (SELECT now() - $3 - g * interval '1 second' AS ts) t" >/dev/null
}
count() { psql_sc "SELECT count(*) FROM messages WHERE conversation_id = '$1' AND $2"; }
if [[ -n $conv ]]; then
	# conv keeps 30 days; conv2 (no retention) keeps everything
	conv2=$(psql_sc "INSERT INTO conversations (type, title, created_by) VALUES ('group', 'keep all $suffix', '$uid2')
		RETURNING conversation_id" | head -n1)
	if psql_sc "UPDATE conversations SET message_retention_days = 30 WHERE conversation_id = '$conv'" >/dev/null &&
		msgs "$conv" 10050 "interval '40 days'" && msgs "$conv" 5 "interval '29 days'" &&
		msgs "$conv" 5 "interval '1 minute'" && msgs "$conv2" 5 "interval '400 days'"; then
		ok
	else
		bad "purge setup" "old and new messages inserted"
	fi
	old=$(psql_sc "SELECT message_id FROM messages WHERE conversation_id = '$conv' AND sent_at < now() - interval '39 days' LIMIT 1")
	psql_sc "INSERT INTO message_reactions (message_id, user_id, emoji) VALUES ('$old', '$uid2', 'x')" >/dev/null
	out=$(SC_CONFIG=$SC_CONFIG "$SC_BUILD/tools/sc-admin" purge-messages 2>&1)
	rc=$?
	if [[ $rc == 0 && $out =~ purge-messages:\ ([0-9]+)\ messages\ deleted ]] && ((BASH_REMATCH[1] >= 10050)); then
		ok
	else
		bad "purge-messages" "exit 0 and at least 10050 deleted: exit $rc: $out"
	fi
	n=$(count "$conv" "sent_at < now() - interval '30 days'")
	[[ $n == 0 ]] && ok || bad "purge: old messages gone" "0 left, got $n"
	n=$(count "$conv" "true")
	[[ $n == 10 ]] && ok || bad "purge: messages within 30 days kept" "10 left, got $n"
	n=$(count "$conv2" "true")
	[[ $n == 5 ]] && ok || bad "purge: no retention keeps everything" "5 left, got $n"
	n=$(psql_sc "SELECT count(*) FROM message_reactions WHERE message_id = '$old'")
	[[ $n == 0 ]] && ok || bad "purge: reactions go with their message" "0 left, got $n"
	# nothing left to do: a second run deletes none of this suite's messages and succeeds
	out=$(SC_CONFIG=$SC_CONFIG "$SC_BUILD/tools/sc-admin" purge-messages 2>&1)
	rc=$?
	n=$(count "$conv" "true")
	[[ $rc == 0 && $n == 10 ]] && ok || bad "purge-messages again" "exit 0 and 10 left: exit $rc, $n left: $out"
fi

echo "$SC_SERVER-admin: $pass passed, $fail failed"
[[ $fail == 0 ]]
