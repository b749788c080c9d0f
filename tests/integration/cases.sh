#!/usr/bin/env bash
# Black-box integration cases, run by the harness once per web server.
#
# Environment (set by the harness):
#   SC_BASE    base URL, e.g. http://127.0.0.1:61234
#   SC_SERVER  lighttpd | apache
#   SC_BUILD   absolute build dir ($SC_BUILD/cgi-bin/*.fcgi, $SC_BUILD/tools/sc-admin)
#   SC_CONFIG  the valid config file the servers use
#   SC_CTL     script: redis-stop | redis-start | pg-stop | pg-start (each waits until done)
#   SC_TMP     a scratch directory
#   SC_VERBOSE=1 also prints passing checks
#
# The last line is "<server>: N passed, M failed"; the exit status is 0 only when M is 0.
# What is tested is docs/decisions.md; nothing asserts timings.

set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

for v in SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP; do
    if [[ -z ${!v:-} ]]; then
        echo "cases.sh: $v is not set" >&2
        echo "${SC_SERVER:-?}: 0 passed, 1 failed"
        exit 1
    fi
done
# shellcheck source=lib.sh
. "$HERE/lib.sh"

ECHO=/v1/_test/echo
ORIGIN_OK=http://localhost:3000

# ---------------------------------------------------------------- small makers

# rep STRING N: STRING repeated N times.
rep() {
    local s="" i
    for ((i = 0; i < $2; i++)); do s+=$1; done
    printf '%s' "$s"
}

# mk_body SIZE FILE: a valid echo body of exactly SIZE bytes ({"name":"x","pad":"aaa..."}).
mk_body() {
    local pre='{"name":"x","pad":"' post='"}'
    { printf '%s' "$pre"; head -c $(($1 - ${#pre} - ${#post})) /dev/zero | tr '\0' a; printf '%s' "$post"; } >"$2"
}

# nest N: a body whose nesting depth is N (the object counts 1, each array inside it 1 more).
nest() { printf '{"name":"x","a":%s%s}' "$(rep '[' $(($1 - 1)))" "$(rep ']' $(($1 - 1)))"; }

# echo_to PATH BODY [CURL-ARGS]: POST a JSON body to the echo fixture.
echo_to() {
    local path=$1 body=$2; shift 2
    req POST "$path" -H 'Content-Type: application/json' --data-binary "$body" "$@"
}
echo_post() { echo_to "$ECHO" "$@"; }

# ---------------------------------------------------------------- 1. health

test_health() {
    local first resp

    t "GET /health"
    req GET /health
    expect_status 200
    expect_ok_envelope
    expect_json .data.status '"healthy"'
    expect_json .data.service '"secureconnect"'
    expect_match .data.time "$RE_TIME"
    expect_header X-Request-ID "$RE_HEX32"
    expect_header_token Vary Origin
    expect_security_headers
    first=$(hdr X-Request-ID)

    t "GET /health again"
    req GET /health
    check "$T: new request id" "an X-Request-ID other than the first one ($first)" \
        test "$(hdr X-Request-ID)" != "$first"

    t "HEAD /health"
    req HEAD /health
    expect_status 200
    expect_header_i Content-Type "$RE_JSON_TYPE"
    expect_header X-Request-ID "$RE_HEX32"

    # curl never reads a body after HEAD, so look at the bytes on the wire.
    t "HEAD /health raw"
    raw_http $'HEAD /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >"$SC_WORK/raw" 2>&1
    cp "$SC_WORK/raw" "$R_BODY"; : >"$R_HDRS"; : >"$R_CERR"
    R_KIND=http R_STATUS=raw R_DESC="raw HEAD /health (whole response shown as body)"
    resp=""
    IFS= read -r -d '' resp <"$SC_WORK/raw"
    local line1=${resp%%$'\r\n'*} status_ok=false empty_ok=false
    [[ $line1 =~ ^HTTP/1\.[01]\ 200 ]] && status_ok=true
    [[ $resp == *$'\r\n\r\n' ]] && empty_ok=true
    check "$T: status 200" "status line HTTP/1.x 200" $status_ok
    check "$T: empty body" "nothing after the blank line ending the headers" $empty_ok
}

# ---------------------------------------------------------------- 2. readiness

SERVICES_DOWN=""

ctl() {
    R_KIND=cmd C_DESC="$SC_CTL $1" C_RC=0
    "$SC_CTL" "$1" </dev/null >"$C_OUT" 2>"$C_ERR" || C_RC=$?
}

# Whatever happens, leave PostgreSQL and Redis running for the next run.
restore_services() {
    local s
    for s in $SERVICES_DOWN; do "$SC_CTL" "$s-start" </dev/null >/dev/null 2>&1; done
    SERVICES_DOWN=""
}
trap restore_services EXIT
trap 'restore_services; exit 130' INT TERM

# The programs reconnect on the next request, one process at a time: retry (liveness, not timing).
wait_ready() {
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do
        req GET /ready
        [[ $R_STATUS == 200 ]] && return 0
        sleep 0.5
    done
    return 1
}

test_ready() {
    local svc name other

    t "GET /ready"
    wait_ready
    expect_status 200
    expect_ok_envelope
    expect_json .data.status '"ready"'
    expect_json .data.checks.postgresql '"ok"'
    expect_json .data.checks.redis '"ok"'
    expect_security_headers

    for svc in redis pg; do
        if [[ $svc == redis ]]; then name=redis other=postgres; else name=postgresql other=redis; fi

        t "$svc-stop"
        SERVICES_DOWN="$svc"
        ctl "$svc-stop"
        expect_rc 0

        t "GET /ready without $name"
        req GET /ready
        expect_error 503 SERVICE_UNAVAILABLE
        expect_jq ".error.message | test(\"$name\"; \"i\")" "message names $name"
        expect_jq ".error.message | test(\"$other\"; \"i\") | not" "message does not name $other"
        expect_security_headers

        t "GET /health without $name"
        req GET /health
        expect_status 200
        expect_json .data.status '"healthy"'

        t "$svc-start"
        ctl "$svc-start"
        expect_rc 0
        [[ $C_RC == 0 ]] && SERVICES_DOWN=""

        t "GET /ready after $svc-start"
        wait_ready
        expect_status 200
        expect_json .data.checks.postgresql '"ok"'
        expect_json .data.checks.redis '"ok"'
    done
    restore_services
}

# ---------------------------------------------------------------- 3. 404

test_not_found() {
    t "GET /nope"
    req GET /nope
    expect_error 404 NOT_FOUND
    expect_header X-Request-ID '^[A-Za-z0-9._-]{1,64}$'
    expect_header_token Vary Origin
    expect_security_headers

    t "GET /v1/does/not/exist"
    req GET /v1/does/not/exist
    expect_error 404 NOT_FOUND
    expect_header X-Request-ID '^[A-Za-z0-9._-]{1,64}$'
    expect_security_headers

    t "POST /v1/nothing"
    echo_to /v1/nothing '{"name":"x"}'
    expect_error 404 NOT_FOUND
    expect_header X-Request-ID '^[A-Za-z0-9._-]{1,64}$'
    expect_security_headers

    t "GET /health/extra"
    req GET /health/extra
    expect_error 404 NOT_FOUND

    t "GET /nope from allowed origin"
    req GET /nope -H "Origin: $ORIGIN_OK"
    expect_status 404
    expect_header Access-Control-Allow-Origin "^$ORIGIN_OK\$"
}

# ---------------------------------------------------------------- 4. 405

test_method_not_allowed() {
    t "POST /health"
    req POST /health --data-binary ''
    expect_error 405 METHOD_NOT_ALLOWED
    expect_header_token Allow GET
    expect_header_token Allow HEAD
    expect_header_token Allow OPTIONS
    expect_header_lacks_token Allow POST
    expect_security_headers

    t "DELETE /ready"
    req DELETE /ready
    expect_error 405 METHOD_NOT_ALLOWED
    expect_header_token Allow GET
    expect_header_token Allow HEAD
    expect_header_token Allow OPTIONS
    expect_header_lacks_token Allow DELETE
    expect_security_headers
}

# ---------------------------------------------------------------- 5. echo fixture

test_echo_valid() {
    local e50

    t "echo valid"
    echo_post '{"name":"Ann","count":7,"flag":true}'
    expect_status 200
    expect_ok_envelope
    expect_json .data.name '"Ann"'
    expect_json .data.count 7
    expect_json .data.flag true
    expect_json .data.q null
    expect_json .data.authorization_seen false
    expect_json .data.client_ip '"127.0.0.1"'

    t "echo defaults"
    echo_post '{"name":"x"}'
    expect_status 200
    expect_json .data.count 0
    expect_json .data.flag false

    t "echo charset=utf-8"
    req POST "$ECHO" -H 'Content-Type: application/json; charset=utf-8' --data-binary '{"name":"x"}'
    expect_status 200
    expect_json .data.name '"x"'

    t "echo unknown field"
    echo_post '{"name":"x","extra":{"deep":[1,{"k":null}]},"count":2}'
    expect_status 200
    expect_json .data.count 2

    t "echo trailing whitespace"
    echo_post $'{"name":"x"} \t\r\n\n'
    expect_status 200
    expect_json .data.name '"x"'

    t "echo surrogate pair"
    echo_post '{"name":"\ud83d\ude00"}'
    expect_status 200
    expect_json .data.name '"😀"'

    t "echo name 50 ascii"
    echo_post "{\"name\":\"$(rep a 50)\"}"
    expect_status 200
    expect_json '.data.name | length' 50

    t "echo name 50 x é"
    e50=$(rep é 50)
    echo_post "{\"name\":\"$e50\"}"
    expect_status 200
    expect_json .data.name "\"$e50\""

    t "echo count 0"
    echo_post '{"name":"x","count":0}'
    expect_status 200
    expect_json .data.count 0

    t "echo count 1000"
    echo_post '{"name":"x","count":1000}'
    expect_status 200
    expect_json .data.count 1000

    t "echo delay_ms"
    echo_to "$ECHO?delay_ms=20" '{"name":"x"}'
    expect_status 200
    expect_json .data.name '"x"'

    t "echo 1024 bytes"
    mk_body 1024 "$SC_WORK/b1024"
    req POST "$ECHO" -H 'Content-Type: application/json' --data-binary "@$SC_WORK/b1024"
    expect_status 200
    expect_json .data.name '"x"'
}

test_echo_request_context() {
    t "echo Authorization"
    echo_post '{"name":"x"}' -H 'Authorization: Bearer abc.def.ghi'
    expect_status 200
    expect_json .data.authorization_seen true

    t "echo no Authorization"
    echo_post '{"name":"x"}'
    expect_json .data.authorization_seen false

    t "echo X-Forwarded-For"
    echo_post '{"name":"x"}' -H 'X-Forwarded-For: 1.2.3.4'
    expect_status 200
    expect_json .data.client_ip '"127.0.0.1"'

    t "echo ?q="
    echo_to "$ECHO?q=a%20b%26c" '{"name":"x"}'
    expect_status 200
    expect_json .data.q '"a b&c"'
}

test_echo_media_type() {
    t "echo text/plain"
    req POST "$ECHO" -H 'Content-Type: text/plain' --data-binary '{"name":"x"}'
    expect_error 415 UNSUPPORTED_MEDIA_TYPE
    expect_security_headers

    t "echo no Content-Type"
    req POST "$ECHO" -H 'Content-Type:' --data-binary '{"name":"x"}'
    expect_error 415 UNSUPPORTED_MEDIA_TYPE

    t "echo application/jsonp"
    req POST "$ECHO" -H 'Content-Type: application/jsonp' --data-binary '{"name":"x"}'
    expect_error 415 UNSUPPORTED_MEDIA_TYPE
}

test_echo_too_large() {
    local size
    for size in 1025 2000 $((2 * 1024 * 1024)); do
        t "echo $size bytes"
        mk_body "$size" "$SC_WORK/big"
        req POST "$ECHO" -H 'Content-Type: application/json' --data-binary "@$SC_WORK/big"
        expect_error 413 PAYLOAD_TOO_LARGE
        expect_security_headers
    done
}

test_echo_invalid_json() {
    local label body

    # label | body
    while IFS='|' read -r label body; do
        [[ -n $label ]] || continue
        t "invalid JSON: $label"
        echo_post "$body"
        expect_error 400 VALIDATION_ERROR
        expect_match .error.message '^invalid JSON'
    done <<'EOF'
truncated|{"name":"x"
trailing garbage|{"name":"x"} x
two objects|{"name":"x"}{"name":"y"}
trailing comma|{"name":"x",}
single quotes|{'name':'x'}
NaN|{"name":NaN}
Infinity|{"name":"x","count":Infinity}
leading zero|{"name":"x","count":01}
block comment|{"name":"x" /* c */}
lone surrogate|{"name":"\ud800"}
lone low surrogate|{"name":"x\udc00"}
top-level array|[1]
top-level string|"x"
EOF

    t "invalid JSON: line comment"
    echo_post $'// c\n{"name":"x"}'
    expect_error 400 VALIDATION_ERROR
    expect_match .error.message '^invalid JSON'

    t "invalid JSON: raw tab in string"
    echo_post $'{"name":"a\tb"}'
    expect_error 400 VALIDATION_ERROR
    expect_match .error.message '^invalid JSON'

    t "invalid JSON: empty body"
    echo_post ''
    expect_error 400 VALIDATION_ERROR
    expect_match .error.message '^invalid JSON'

    for body in '\xff' '\xc0\xaf' '\xed\xa0\x80'; do
        t "invalid JSON: UTF-8 $body"
        printf '{"name":"a%bb"}' "$body" >"$SC_WORK/badutf8"
        req POST "$ECHO" -H 'Content-Type: application/json' --data-binary "@$SC_WORK/badutf8"
        expect_error 400 VALIDATION_ERROR
        expect_match .error.message '^invalid JSON'
    done

    t "invalid JSON: depth 40"
    echo_post "$(nest 40)"
    expect_error 400 VALIDATION_ERROR
    expect_match .error.message '^invalid JSON'
    expect_security_headers

    t "invalid JSON: depth 33"
    echo_post "$(nest 33)"
    expect_error 400 VALIDATION_ERROR
    expect_match .error.message '^invalid JSON'

    t "JSON depth 32"
    echo_post "$(nest 32)"
    expect_status 200
    expect_json .data.name '"x"'

    t "invalid JSON from allowed origin"
    echo_post '{"name":' -H "Origin: $ORIGIN_OK"
    expect_status 400
    expect_header Access-Control-Allow-Origin "^$ORIGIN_OK\$"
}

test_echo_typed_errors() {
    local label body field

    # label | body | field
    while IFS='|' read -r label body field; do
        [[ -n $label ]] || continue
        t "field: $label"
        echo_post "$body"
        expect_error 400 VALIDATION_ERROR
        expect_json .error.field "\"$field\""
        expect_jq ".error.message | contains(\"$field\")" "message names $field"
    done <<EOF
name number|{"name":5}|name
name missing|{"count":3}|name
name empty object|{}|name
name null|{"name":null}|name
name empty|{"name":""}|name
name 51 chars|{"name":"$(rep a 51)"}|name
name 51 x é|{"name":"$(rep é 51)"}|name
count string|{"name":"x","count":"3"}|count
count 5000|{"name":"x","count":5000}|count
count 1001|{"name":"x","count":1001}|count
count -1|{"name":"x","count":-1}|count
count 1.5|{"name":"x","count":1.5}|count
flag string|{"name":"x","flag":"yes"}|flag
flag number|{"name":"x","flag":1}|flag
EOF
}

# ---------------------------------------------------------------- request id

test_request_id() {
    local id64 id65

    t "request id kept"
    req GET /health -H 'X-Request-ID: abc-123.X_y'
    expect_status 200
    expect_header X-Request-ID '^abc-123\.X_y$'
    expect_json .meta.request_id '"abc-123.X_y"'

    t "request id kept on error"
    req GET /nope -H 'X-Request-ID: abc-123.X_y'
    expect_status 404
    expect_header X-Request-ID '^abc-123\.X_y$'
    expect_json .meta.request_id '"abc-123.X_y"'

    id64=$(rep a 64)
    t "request id 64 chars"
    req GET /health -H "X-Request-ID: $id64"
    expect_header X-Request-ID "^$id64\$"

    t "request id with space"
    req GET /health -H 'X-Request-ID: abc def'
    expect_status 200
    expect_header X-Request-ID "$RE_HEX32"
    expect_match .meta.request_id "$RE_HEX32"

    id65=$(rep a 65)
    t "request id 65 chars"
    req GET /health -H "X-Request-ID: $id65"
    expect_status 200
    expect_header X-Request-ID "$RE_HEX32"
    expect_match .meta.request_id "$RE_HEX32"

    t "request id with quote"
    req GET /health -H 'X-Request-ID: a"b'
    expect_header X-Request-ID "$RE_HEX32"
}

# ---------------------------------------------------------------- 6. CORS

test_cors() {
    local o path

    t "CORS allowed origin"
    req GET /health -H "Origin: $ORIGIN_OK"
    expect_status 200
    expect_header Access-Control-Allow-Origin "^http://localhost:3000\$"
    expect_header_token Vary Origin
    expect_header_token Access-Control-Expose-Headers X-Request-ID
    expect_no_header Access-Control-Allow-Credentials

    t "CORS other allowed origin"
    req GET /health -H 'Origin: http://127.0.0.1:8080'
    expect_header Access-Control-Allow-Origin '^http://127\.0\.0\.1:8080$'

    for o in http://evil.example http://localhost:3000.evil.example http://localhost:30000 \
        https://localhost:3000 null; do
        t "CORS origin $o"
        req GET /health -H "Origin: $o"
        expect_status 200
        expect_no_header Access-Control-Allow-Origin
        expect_no_header Access-Control-Allow-Credentials
        expect_header_token Vary Origin
    done

    for path in /health "$ECHO"; do
        t "preflight $path"
        req OPTIONS "$path" -H "Origin: $ORIGIN_OK" \
            -H 'Access-Control-Request-Method: PATCH' \
            -H 'Access-Control-Request-Headers: authorization,content-type'
        expect_status 204
        expect_header Access-Control-Allow-Origin "^http://localhost:3000\$"
        expect_header_token Access-Control-Allow-Methods PATCH
        expect_header_token Access-Control-Allow-Methods DELETE
        expect_header_token Access-Control-Allow-Headers Authorization
        expect_header_token Access-Control-Allow-Headers Content-Type
        expect_header Access-Control-Max-Age '^[1-9][0-9]*$'
        expect_header_token Vary Origin
        expect_no_header Access-Control-Allow-Credentials
        expect_security_headers
    done

    t "preflight evil origin"
    req OPTIONS /health -H 'Origin: http://evil.example' -H 'Access-Control-Request-Method: GET'
    expect_error 403 FORBIDDEN
    expect_no_header Access-Control-Allow-Origin
    expect_security_headers

    t "OPTIONS /health"
    req OPTIONS /health
    expect_status 204
    expect_header_token Allow GET
    expect_header_token Allow OPTIONS
    expect_no_header Access-Control-Allow-Origin

    t "OPTIONS echo"
    req OPTIONS "$ECHO"
    expect_status 204
    expect_header_token Allow POST
}

# ---------------------------------------------------------------- 7. HSTS over plain HTTP

test_no_hsts() {
    t "X-Forwarded-Proto https"
    req GET /health -H 'X-Forwarded-Proto: https'
    expect_status 200
    expect_no_header Strict-Transport-Security

    t "X-Forwarded-Proto https + XFF"
    echo_post '{"name":"x"}' -H 'X-Forwarded-Proto: https' -H 'X-Forwarded-For: 1.2.3.4'
    expect_status 200
    expect_no_header Strict-Transport-Security
    expect_json .data.client_ip '"127.0.0.1"'
}

# ---------------------------------------------------------------- 8. configuration

# cfg VAR=VALUE... PROGRAM ARGS: run with a clean environment and an empty config file.
# (check-config also renders the mail templates: the repository's, unless a case names others)
cfg() {
    C_DESC_NEXT="env -i PATH=\$PATH SC_CONFIG=/dev/null MAIL_TEMPLATE_DIR=$MAILTPL $*"
    run_cmd env -i PATH="$PATH" SC_CONFIG=/dev/null MAIL_TEMPLATE_DIR="$MAILTPL" "$@"
}
MAILTPL=$(cd "$HERE/../../mail-templates" && pwd)

# names KEY: stderr names KEY as a whole word (JWT_SECRET does not match JWT_SECRET_FILE).
names() { expect_stderr "(^|[^A-Z0-9_])$1([^A-Z0-9_]|\$)"; }

test_config() {
    local admin="$SC_BUILD/tools/sc-admin" health="$SC_BUILD/cgi-bin/ops-health.fcgi"
    local s32=0123456789abcdef0123456789abcdef
    local s31=${s32:0:31} s40=${s32}01234567
    local d="$SC_WORK/config"
    mkdir -p "$d"
    printf '%s\n' "$s40" >"$d/secret40"
    printf '%s\n' "$s31" >"$d/secret31"

    t "config: no JWT_SECRET"
    cfg "$admin" check-config
    expect_rc 1
    expect_stderr_one_line
    names JWT_SECRET

    t "config: program without JWT_SECRET"
    cfg "$health"
    expect_rc_nonzero
    expect_stderr_one_line
    names JWT_SECRET

    t "config: JWT_SECRET 31 bytes"
    cfg JWT_SECRET="$s31" "$admin" check-config
    expect_rc 1
    expect_stderr_one_line
    names JWT_SECRET

    t "config: program JWT_SECRET 31 bytes"
    cfg JWT_SECRET="$s31" "$health"
    expect_rc_nonzero
    names JWT_SECRET

    t "config: JWT_SECRET 32 bytes"
    cfg JWT_SECRET="$s32" "$admin" check-config
    expect_rc 0

    t "config: MAIL_TEMPLATE_DIR without the templates"
    cfg JWT_SECRET="$s32" MAIL_TEMPLATE_DIR="$d" "$admin" check-config
    expect_rc 1
    names MAIL_TEMPLATE_DIR
    expect_stderr 'verify_email'

    t "config: DB_PORT=abc"
    cfg JWT_SECRET="$s32" DB_PORT=abc "$admin" check-config
    expect_rc 1
    expect_stderr_one_line
    names DB_PORT

    t "config: DB_PORT=70000"
    cfg JWT_SECRET="$s32" DB_PORT=70000 "$admin" check-config
    expect_rc 1
    names DB_PORT

    t "config: LOG_LEVEL=loud"
    cfg JWT_SECRET="$s32" LOG_LEVEL=loud "$admin" check-config
    expect_rc 1
    names LOG_LEVEL

    t "config: JWT_SECRET_FILE 40 bytes"
    cfg JWT_SECRET_FILE="$d/secret40" "$admin" check-config
    expect_rc 0

    t "config: JWT_SECRET_FILE 31 bytes"
    cfg JWT_SECRET_FILE="$d/secret31" "$admin" check-config
    expect_rc 1
    expect_stderr 'JWT_SECRET'

    t "config: JWT_SECRET_FILE missing"
    cfg JWT_SECRET_FILE=/nonexistent/secret "$admin" check-config
    expect_rc 1
    expect_stderr 'JWT_SECRET'

    t "config: JWT_SECRET and _FILE"
    cfg JWT_SECRET="$s32" JWT_SECRET_FILE="$d/secret40" "$admin" check-config
    expect_rc 1
    expect_stderr 'JWT_SECRET'

    printf 'JWT_SECRET=%s\nDB_HOTS=x\n' "$s32" >"$d/typo.conf"
    t "config: file with DB_HOTS"
    cfg SC_CONFIG="$d/typo.conf" "$admin" check-config
    expect_rc 1
    expect_stderr_one_line
    names DB_HOTS

    printf '# local settings\n\nJWT_SECRET=%s\n  \nSC_X_NOTE=anything goes\n' "$s32" >"$d/good.conf"
    t "config: file with comments, SC_X_"
    cfg SC_CONFIG="$d/good.conf" "$admin" check-config
    expect_rc 0

    printf 'JWT_SECRET=short\n' >"$d/short.conf"
    t "config: env overrides short file secret"
    cfg SC_CONFIG="$d/short.conf" JWT_SECRET="$s32" "$admin" check-config
    expect_rc 0

    t "config: short env overrides file secret"
    cfg SC_CONFIG="$d/good.conf" JWT_SECRET="$s31" "$admin" check-config
    expect_rc 1
    names JWT_SECRET

    t "config: real SC_CONFIG"
    cfg SC_CONFIG="$SC_CONFIG" "$admin" check-config
    expect_rc 0
}

# ---------------------------------------------------------------- run

test_health
test_not_found
test_method_not_allowed
test_echo_valid
test_echo_request_context
test_echo_media_type
test_echo_too_large
test_echo_invalid_json
test_echo_typed_errors
test_request_id
test_cors
test_no_hsts
test_ready
[[ $SC_SERVER == lighttpd ]] && test_config

restore_services
summary
