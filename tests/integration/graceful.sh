#!/usr/bin/env bash
# graceful.sh BUILD-DIR - SIGTERM/SIGUSR1 handling of a FastCGI program (the audit's Issue 4):
# an idle program exits 0 at once; a program with a request in hand finishes and answers it,
# then exits 0. Driven through spawn-fcgi (-n: the program is $!) and cgi-fcgi, no web server.
set -u
B=${1:?usage: graceful.sh BUILD-DIR}
B=$(cd "$B" && pwd)
T=$(mktemp -d)
pass=0 fail=0
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
export JWT_SECRET=graceful-test-secret-0123456789abcdef SC_CONFIG=/dev/null LOG_LEVEL=error

ok()   { pass=$((pass + 1)); echo "ok   $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL $1: $2"; }

start() { # start SOCKET -> sets PID
	rm -f "$1"
	spawn-fcgi -n -s "$1" -- "$B/tests/echo.fcgi" 2>>"$T/stderr" &
	PID=$!
	pids+=("$PID")
	for _ in $(seq 50); do [ -S "$1" ] && break; sleep 0.1; done
	# One answered request proves the program is in its loop with its handlers set.
	request "$1" "" 2>/dev/null | grep -q '^Status: 200'
}

# Sets RC to the exit status of PID, waiting up to 10 s (a liveness bound, not a timing
# assertion). Runs in this shell: only the parent can collect the status.
exit_of() {
	RC=still-running
	for _ in $(seq 100); do
		if ! kill -0 "$1" 2>/dev/null; then wait "$1"; RC=$?; return; fi
		sleep 0.1
	done
}

request() { # request SOCKET QUERY -> response on stdout
	local body='{"name":"graceful"}'
	printf '%s' "$body" | REQUEST_METHOD=POST REQUEST_URI="/v1/_test/echo?$2" QUERY_STRING="$2" \
		CONTENT_TYPE=application/json CONTENT_LENGTH=${#body} cgi-fcgi -bind -connect "$1"
}

for sig in TERM USR1; do
	start "$T/idle.sock" || { bad "idle SIG$sig" "program did not start"; continue; }
	kill -s "$sig" "$PID"
	exit_of "$PID"
	[ "$RC" = 0 ] && ok "idle program exits 0 on SIG$sig" || bad "idle SIG$sig" "exit status $RC"
done

# A request in hand when SIGTERM arrives is finished and answered.
start "$T/busy.sock" || bad "busy" "program did not start"
request "$T/busy.sock" "delay_ms=1500" >"$T/resp" 2>&1 &
client=$!
sleep 0.5
kill -TERM "$PID"
wait "$client"
crc=$?
exit_of "$PID"
rc=$RC
if [ "$crc" = 0 ] && grep -q '^Status: 200' "$T/resp" && grep -q '"name":"graceful"' "$T/resp"; then
	ok "request in hand at SIGTERM is answered"
else
	bad "request in hand at SIGTERM" "client rc=$crc, response: $(head -c 300 "$T/resp")"
fi
[ "$rc" = 0 ] && ok "busy program exits 0 after answering" || bad "busy program exit" "status $rc"

# A second request after the stop is not served: the socket is closed.
if request "$T/busy.sock" "" >/dev/null 2>&1; then
	bad "no service after stop" "a request was answered after the program stopped"
else
	ok "no service after stop"
fi

# Started outside a FastCGI server, a program says what it is and exits 2.
"$B/tests/echo.fcgi" </dev/null >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" = 2 ] && grep -q 'FastCGI program' "$T/err"; then
	ok "direct start explains itself"
else
	bad "direct start" "rc=$rc stderr=$(cat "$T/err")"
fi

echo "graceful: $pass passed, $fail failed"
[ "$fail" = 0 ]
