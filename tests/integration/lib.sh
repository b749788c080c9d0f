# shellcheck shell=bash disable=SC2034
# Helpers for tests/integration/cases.sh (sourced, not executed).
#
#   t LABEL                      name the case; checks are reported as "LABEL: <what>"
#   req METHOD PATH [CURL-ARGS]  one HTTP request; sets R_STATUS, R_HDRS (file), R_BODY (file)
#   hdr NAME                     value of a response header (repeated headers joined by ", ");
#                                exit status 1 when absent
#   expect_status CODE
#   expect_header NAME ERE       header present and its value matches (case-sensitive)
#   expect_header_i NAME ERE     same, case-insensitive
#   expect_header_token NAME TOK comma-separated header value has TOK (case-insensitive)
#   expect_no_header NAME
#   expect_json JQ-EXPR JSON     `jq -c EXPR` of the body equals JSON ('"x"', 'true', '3', 'null')
#   expect_jq JQ-EXPR [WHAT]     EXPR applied to the body yields true
#   expect_match JQ-EXPR REGEX   the value is a string matching REGEX
#   expect_ok_envelope           200-class success envelope (type, success, meta, request id)
#   expect_error STATUS CODE     error envelope with that status and error.code
#   run_cmd ARGS...              run a command; sets C_RC, C_OUT (file), C_ERR (file)
#   expect_rc N | expect_rc_nonzero | expect_stderr ERE | expect_stderr_one_line
#   ok NAME / fail NAME EXPECTED counters; fail prints what came back
#   summary                      prints "<server>: N passed, M failed"; returns 0 iff M is 0
#
# Every check is counted once as passed or failed. Nothing here asserts timings.

SC_PASS=0
SC_FAIL=0
T="?"
R_KIND=http          # what `fail` describes: the last HTTP response or the last command
R_STATUS=000
R_DESC=""
# Scratch files live in a folder of their own: SC_TMP also holds the harness's servers.
SC_WORK="$SC_TMP/cases.${SC_SERVER:-x}"
mkdir -p "$SC_WORK"
R_HDRS="$SC_WORK/resp.headers"
R_BODY="$SC_WORK/resp.body"
R_CERR="$SC_WORK/resp.curlerr"
C_RC=0
C_DESC=""
C_DESC_NEXT=""
C_OUT="$SC_WORK/cmd.stdout"
C_ERR="$SC_WORK/cmd.stderr"
: >"$R_HDRS"; : >"$R_BODY"; : >"$R_CERR"

CURL=(curl -sS --max-time 10 -g)

# RFC 3339 UTC as decisions.md writes it (valid for jq test() and bash =~).
RE_TIME='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$'
RE_HEX32='^[0-9a-f]{32}$'
RE_JSON_TYPE='^application/json[[:space:]]*(;.*)?$'

t() { T=$1; }

ok() {
    SC_PASS=$((SC_PASS + 1))
    [[ ${SC_VERBOSE:-0} == 1 ]] && printf 'ok    %s\n' "$1"
    return 0
}

# fail NAME EXPECTED [HEADER-TO-SHOW]
fail() {
    SC_FAIL=$((SC_FAIL + 1))
    printf 'FAIL  %s\n' "$1"
    printf '      expected: %s\n' "$2"
    if [[ $R_KIND == cmd ]]; then
        printf '      got: exit %s from %s\n' "$C_RC" "$C_DESC"
        printf '      stderr: %s\n' "$(head -c 300 "$C_ERR" | tr '\r\n' '  ')"
        printf '      stdout: %s\n' "$(head -c 300 "$C_OUT" | tr '\r\n' '  ')"
    else
        local show=${3:-Content-Type} v
        v=$(hdr "$show") || v="(absent)"
        printf '      got: HTTP %s for %s; %s: %s\n' "$R_STATUS" "$R_DESC" "$show" "$v"
        [[ -s $R_CERR ]] && printf '      curl: %s\n' "$(head -c 300 "$R_CERR" | tr '\r\n' '  ')"
        printf '      body: %s\n' "$(head -c 300 "$R_BODY" | tr '\r\n' '  ')"
    fi
    return 0
}

# check NAME EXPECTED CONDITION... : runs the condition, counts ok/fail.
check() {
    local name=$1 expected=$2; shift 2
    if "$@"; then ok "$name"; else fail "$name" "$expected"; fi
}

summary() {
    printf '%s: %d passed, %d failed\n' "${SC_SERVER:-?}" "$SC_PASS" "$SC_FAIL"
    [[ $SC_FAIL -eq 0 ]]
}

# ---------------------------------------------------------------- HTTP

# req METHOD PATH [CURL-ARGS...]
req() {
    local method=$1 path=$2; shift 2
    local m=(-X "$method")
    case $method in
        GET) m=() ;;
        HEAD) m=(--head) ;;
    esac
    R_KIND=http
    R_DESC="$method $path"
    : >"$R_HDRS"; : >"$R_BODY"; : >"$R_CERR"
    R_STATUS=$("${CURL[@]}" "${m[@]}" -D "$R_HDRS" -o "$R_BODY" -w '%{http_code}' \
        "$@" "$SC_BASE$path" 2>"$R_CERR") || true
    [[ -n $R_STATUS ]] || R_STATUS=000
}

# hdr NAME: the header of the final response (a "100 Continue" block before it is skipped).
hdr() {
    awk -v want="${1,,}" '
        { sub(/\r$/, "") }
        /^HTTP\// { out = ""; n = 0; next }
        {
            i = index($0, ":"); if (i == 0) next
            if (tolower(substr($0, 1, i - 1)) != want) next
            v = substr($0, i + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v)
            out = n++ ? out ", " v : v
        }
        END { if (n) print out; exit n ? 0 : 1 }' "$R_HDRS"
}

expect_status() {
    if [[ $R_STATUS == "$1" ]]; then ok "$T: status $1"; else fail "$T: status $1" "HTTP $1"; fi
}

# expect_header NAME ERE [WHAT]: WHAT names the check when NAME is checked twice.
expect_header() {
    local v
    if v=$(hdr "$1") && [[ $v =~ $2 ]]; then ok "$T: ${3:-$1}"
    else fail "$T: ${3:-$1}" "header $1 matching /$2/" "$1"; fi
}

expect_header_i() {
    local v r=1
    if v=$(hdr "$1"); then
        shopt -s nocasematch; [[ $v =~ $2 ]] && r=0; shopt -u nocasematch
    fi
    if [[ $r == 0 ]]; then ok "$T: $1"; else fail "$T: $1" "header $1 matching /$2/ (any case)" "$1"; fi
}

# Matches header values like "GET, HEAD, OPTIONS" or "Origin,Accept-Encoding".
has_token() {
    local list=$1 want=$2 item
    local IFS=,
    for item in $list; do
        item=${item#"${item%%[![:space:]]*}"}; item=${item%"${item##*[![:space:]]}"}
        [[ ${item,,} == "${want,,}" ]] && return 0
    done
    return 1
}

expect_header_token() {
    local v
    if v=$(hdr "$1") && has_token "$v" "$2"; then ok "$T: $1 has $2"
    else fail "$T: $1 has $2" "header $1 listing $2" "$1"; fi
}

expect_header_lacks_token() {
    local v
    v=$(hdr "$1") || v=""
    if got_response && ! has_token "$v" "$2"; then ok "$T: $1 lacks $2"
    else fail "$T: $1 lacks $2" "header $1 not listing $2" "$1"; fi
}

# A header's absence only counts when a response came back at all.
got_response() { [[ $R_STATUS =~ ^[1-5][0-9][0-9]$ ]]; }

expect_no_header() {
    if got_response && ! hdr "$1" >/dev/null; then ok "$T: no $1"
    else fail "$T: no $1" "a response without a $1 header" "$1"; fi
}

# The body's jq -c value; "(not JSON)" when jq cannot parse it.
jbody() {
    if [[ ! -s $R_BODY ]]; then printf '(empty body)'; return; fi
    jq -c "$1" <"$R_BODY" 2>/dev/null || printf '(not JSON)'
}

expect_json() {
    local got; got=$(jbody "$1")
    if [[ $got == "$2" ]]; then ok "$T: $1"
    else fail "$T: $1" "$1 == $2 (got $got)"; fi
}

# jtrue FILTER [JQ-ARGS]: the body is JSON and FILTER yields exactly one value, `true`
# (plain `jq -e` succeeds on an empty body, so it is not used).
jtrue() {
    local f=$1 out; shift
    out=$(jq -c "$@" "$f" <"$R_BODY" 2>/dev/null) && [[ $out == true ]]
}

expect_jq() {
    if jtrue "$1"; then ok "$T: ${2:-$1}"
    else fail "$T: ${2:-$1}" "$1 is true"; fi
}

# expect_match JQ-EXPR REGEX: the value is a string matching REGEX (jq test(), "x" flag off).
expect_match() {
    if jtrue "($1) | type == \"string\" and test(\$re)" --arg re "$2"; then ok "$T: $1 =~ /$2/"
    else fail "$T: $1 =~ /$2/" "$1 a string matching /$2/ (got $(jbody "$1"))"; fi
}

# Shared part of both envelopes; prints what is wrong, nothing when all is right.
# One awk (both headers) and one jq (every body rule, first problem wins): the suites call
# this thousands of times, so it spawns as little as it can.
envelope_problem() {
    local success=$1 hv ct rid
    hv=$(awk '
        { sub(/\r$/, "") }
        /^HTTP\// { ct = ""; rid = ""; nct = 0; nrid = 0; next }
        {
            i = index($0, ":"); if (i == 0) next
            k = tolower(substr($0, 1, i - 1)); v = substr($0, i + 1)
            sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v)
            if (k == "content-type") { ct = nct++ ? ct ", " v : v }
            if (k == "x-request-id") { rid = nrid++ ? rid ", " v : v }
        }
        END { printf "%s%s\t%s%s", nct ? "+" : "-", ct, nrid ? "+" : "-", rid }' "$R_HDRS")
    ct=${hv%%$'\t'*} rid=${hv#*$'\t'}
    [[ $ct == +* ]] || { echo "a Content-Type header"; return; }
    ct=${ct#+}
    shopt -s nocasematch
    [[ $ct =~ $RE_JSON_TYPE ]] || { shopt -u nocasematch; echo "Content-Type application/json"; return; }
    shopt -u nocasematch
    [[ -s $R_BODY ]] || { echo "a JSON object body"; return; }
    # shellcheck disable=SC2016 # $s, $re and $rid are jq variables
    jq -rs --arg s "$success" --arg re "$RE_TIME" --arg rid "$rid" '
        if length != 1 then "a JSON object body" else .[0] |
        if type != "object" then "a JSON object body"
        elif (.success | tostring) != $s then "success == \($s)"
        elif $s == "true" and ((has("data") and (has("error") | not)) | not)
            then "data and no error"
        elif $s == "false" and ((has("error") and (has("data") | not)
            and (.error | type == "object") and (.error.message | type == "string" and length > 0)) | not)
            then "error{code,message} and no data"
        elif ((.meta | type == "object") and (.meta.timestamp | type == "string" and test($re))) | not
            then "meta.timestamp in RFC 3339 UTC"
        elif ($rid | startswith("+") | not) then "an X-Request-ID header"
        elif ($rid | ltrimstr("+")) as $r | ($r == "" or .meta.request_id != $r)
            then "meta.request_id equal to X-Request-ID (\($rid | ltrimstr("+")))"
        else empty end end' <"$R_BODY" 2>/dev/null || echo "a JSON object body"
}

expect_ok_envelope() {
    local p; p=$(envelope_problem true)
    if [[ -z $p ]]; then ok "$T: envelope"; else fail "$T: envelope" "success envelope: $p"; fi
}

expect_error() {
    local status=$1 code=$2 p
    expect_status "$status"
    p=$(envelope_problem false)
    if [[ -z $p ]]; then ok "$T: error envelope"; else fail "$T: error envelope" "error envelope: $p"; fi
    expect_json .error.code "\"$code\""
}

# The headers decisions.md puts on every response, and no HSTS over plain HTTP.
expect_security_headers() {
    expect_header X-Content-Type-Options '^nosniff$'
    expect_header X-Frame-Options '^DENY$'
    expect_header Referrer-Policy '^no-referrer$'
    expect_header Content-Security-Policy "(^|;)[[:space:]]*default-src 'none'[[:space:]]*(;|$)" "CSP default-src"
    expect_header Content-Security-Policy "(^|;)[[:space:]]*frame-ancestors 'none'[[:space:]]*(;|$)" "CSP frame-ancestors"
    expect_header_token Cache-Control no-store
    expect_no_header Strict-Transport-Security
}

# raw_http REQUEST-TEXT: send bytes over a plain TCP connection and print everything that comes
# back until the server closes (for HEAD, where curl never reads a body). Needs "Connection: close".
raw_http() {
    local hp=${SC_BASE#http://}; hp=${hp%%/*}
    # shellcheck disable=SC2016 # expanded by the inner bash
    timeout 10 bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 1; printf "%s" "$2" >&3; cat <&3' \
        "${hp%:*}" "${hp##*:}" "$1"
}

# ---------------------------------------------------------------- commands

# run_cmd ARGS...: stdin from /dev/null, at most 10 s.
# C_DESC_NEXT, when set, replaces the command line shown on failure (for one call).
run_cmd() {
    R_KIND=cmd
    C_DESC=${C_DESC_NEXT:-$*}
    C_DESC_NEXT=""
    C_RC=0
    timeout 10 "$@" </dev/null >"$C_OUT" 2>"$C_ERR" || C_RC=$?
}

expect_rc() {
    if [[ $C_RC == "$1" ]]; then ok "$T: exit $1"; else fail "$T: exit $1" "exit status $1"; fi
}

# A refusal, not a crash (>128), the 10 s timeout (124) or a missing program (126, 127).
expect_rc_nonzero() {
    if ((C_RC >= 1 && C_RC <= 123)); then ok "$T: exit non-zero"
    else fail "$T: exit non-zero" "an exit status of 1..123"; fi
}

expect_stderr() {
    if grep -Eq -- "$1" "$C_ERR"; then ok "$T: stderr /$1/"
    else fail "$T: stderr /$1/" "stderr matching /$1/"; fi
}

expect_stderr_one_line() {
    local n; n=$(grep -c '' "$C_ERR")
    if [[ $n == 1 ]]; then ok "$T: stderr one line"
    else fail "$T: stderr one line" "exactly one line on stderr (got $n)"; fi
}
