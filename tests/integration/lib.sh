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
        hdr_into v "$show" || v="(absent)"
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
    R_KIND=http
    R_DESC="$method $path"
    _hc_req "$method" "$path" "$@" && return 0
    local m=(-X "$method")
    case $method in
        GET) m=() ;;
        HEAD) m=(--head) ;;
    esac
    : >"$R_HDRS"; : >"$R_BODY"; : >"$R_CERR"
    R_STATUS=$("${CURL[@]}" "${m[@]}" -D "$R_HDRS" -o "$R_BODY" -w '%{http_code}' \
        "$@" "$SC_BASE$path" 2>"$R_CERR") || true
    [[ -n $R_STATUS ]] || R_STATUS=000
}

# _hc_req METHOD PATH ARGS...: req through hcli (tests/integration/hcli.c), the suite's one
# long-lived HTTP client, a bash coprocess started at the first request: a curl start costs
# ~26 ms of CPU and the suites make thousands of requests. It takes the options req is given
# (-H, --data-binary); anything else, a subshell (a request sent with &, which must not share
# the coprocess), or SC_HCLI=0 returns 1 and req runs curl as before.
HC_BIN=${SC_BUILD:-}/tests/hcli
[[ -x $HC_BIN ]] || HC_BIN=${SC_BUILD:-}/../tests/hcli
HC_OWNER=""
_hc_req() {
    [[ ${SC_HCLI:-1} == 1 && -x $HC_BIN ]] || return 1
    local method=$1 url=$SC_BASE$2 body=- data="" nb; shift 2
    local -a hs=()
    while (($#)); do
        case $1 in
            -H) (($# >= 2)) || return 1; [[ $2 != *$'\n'* ]] || return 1; hs+=("$2"); shift 2 ;;
            --data-binary)
                (($# >= 2)) || return 1
                if [[ $2 == @* ]]; then body=$2; else data=$2; body="="; fi
                shift 2 ;;
            *) return 1 ;;
        esac
    done
    [[ $url != *$'\n'* ]] || return 1
    if [[ $HC_OWNER != "$BASHPID" ]]; then
        [[ -z $HC_OWNER ]] || return 1          # a subshell of the suite: curl
        HC_OWNER=$BASHPID
        # (the braces keep bash's warning about a second coprocess, lib-accounts.sh's psql, quiet)
        { coproc HC { exec "$HC_BIN" "$R_HDRS" "$R_BODY" "$R_CERR"; }; } 2>/dev/null
    fi
    [[ -n ${HC[1]:-} ]] || return 1
    if [[ $body == "=" ]]; then
        local LC_ALL=C
        nb=${#data}
        body="=$nb"
    fi
    if [[ $body == "="* ]]; then
        printf '%s\n%s\n%s\n' "$method" "$url" "${#hs[@]}" >&"${HC[1]}" &&
            { ((${#hs[@]} == 0)) || printf '%s\n' "${hs[@]}" >&"${HC[1]}"; } &&
            printf '%s\n%s' "$body" "$data" >&"${HC[1]}" || return 1
    else
        printf '%s\n%s\n%s\n' "$method" "$url" "${#hs[@]}" >&"${HC[1]}" &&
            { ((${#hs[@]} == 0)) || printf '%s\n' "${hs[@]}" >&"${HC[1]}"; } &&
            printf '%s\n' "$body" >&"${HC[1]}" || return 1
    fi
    if ! read -r R_STATUS <&"${HC[0]}"; then
        printf 'hcli stopped; curl from here on\n' >&2
        SC_HCLI=0
        return 1
    fi
    return 0
}

# hdr NAME: the header of the final response (a "100 Continue" block before it is skipped).
hdr() { local v; hdr_into v "$1" || return 1; printf '%s\n' "$v"; }

expect_status() {
    if [[ $R_STATUS == "$1" ]]; then ok "$T: status $1"; else fail "$T: status $1" "HTTP $1"; fi
}

# expect_header NAME ERE [WHAT]: WHAT names the check when NAME is checked twice.
expect_header() {
    local v
    if hdr_into v "$1" && [[ $v =~ $2 ]]; then ok "$T: ${3:-$1}"
    else fail "$T: ${3:-$1}" "header $1 matching /$2/" "$1"; fi
}

expect_header_i() {
    local v r=1
    if hdr_into v "$1"; then
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
    if hdr_into v "$1" && has_token "$v" "$2"; then ok "$T: $1 has $2"
    else fail "$T: $1 has $2" "header $1 listing $2" "$1"; fi
}

expect_header_lacks_token() {
    local v
    hdr_into v "$1"
    if got_response && ! has_token "$v" "$2"; then ok "$T: $1 lacks $2"
    else fail "$T: $1 lacks $2" "header $1 not listing $2" "$1"; fi
}

# A header's absence only counts when a response came back at all.
got_response() { [[ $R_STATUS =~ ^[1-5][0-9][0-9]$ ]]; }

expect_no_header() {
    local v
    if got_response && ! hdr_into v "$1"; then ok "$T: no $1"
    else fail "$T: no $1" "a response without a $1 header" "$1"; fi
}

# ---------------------------------------------------------------- JSON answers
# A jq start costs ~25 ms of CPU (jq 1.6 compiles its builtins at every start) and the suites ask
# thousands of questions of the same few bodies, so a body is read once: _jload runs one jq that
# gives both envelope verdicts and every value reachable through object keys (.data.user.user_id),
# as compact JSON, into the table J. A simple path (., .a, .a.b_c) is answered from J with jq's own
# semantics (null below a missing key or a null; an error, answered by jq itself, below a scalar
# or an array); every other filter runs jq as before. The table is keyed by the body's bytes, so
# a body written by anything (req, cp, a helper's curl) is never answered from an older table.
# SC_JCHECK=1 asks jq as well on every answer from J and fails the suite on any difference.
declare -A J=()
J_KEY="" J_HAVE=0 J_OK=0 JV=""
RE_JPATH='^(\.|(\.[A-Za-z_][A-Za-z0-9_]*)+)$'
# the plain build's jflat also serves the ASan stack (SC_BUILD=.../asan); none: jq alone
J_FLAT=${SC_BUILD:-}/tests/jflat
[[ -x $J_FLAT ]] || J_FLAT=${SC_BUILD:-}/../tests/jflat
[[ -x $J_FLAT ]] || J_FLAT=""
# shellcheck disable=SC2016 # jq variables
J_VERDICT='
def verdict($s):
    if type != "object" then "a JSON object body"
    elif (.success | tostring) != $s then "success == \($s)"
    elif $s == "true" and ((has("data") and (has("error") | not)) | not)
        then "data and no error"
    elif $s == "false" and ((has("error") and (has("data") | not)
        and (.error | type == "object") and (.error.message | type == "string" and length > 0)) | not)
        then "error{code,message} and no data"
    elif ((.meta | type == "object") and (.meta.timestamp | type == "string" and test($re))) | not
        then "meta.timestamp in RFC 3339 UTC"
    else "" end;
'
# shellcheck disable=SC2016 # jq variables
J_PROG=$J_VERDICT'
def flat($p):
    "\(if $p == "" then "." else $p end)\t\(tojson)",
    (if type == "object" then
        to_entries[] | select(.key | test("^[A-Za-z_][A-Za-z0-9_]*$")) | . as $e
        | $e.value | flat($p + "." + $e.key)
     else empty end);
if length != 1 then empty else .[0] |
    "!true\t\(verdict("true"))", "!false\t\(verdict("false"))", flat("") end'

# _jload: 0 when J holds the table of the body in R_BODY, 1 when only jq can answer (not one
# JSON value, empty, larger than 256 KiB, or holding a NUL byte).
_jload() {
    local body line table
    if IFS= read -r -d '' -n 262144 body <"$R_BODY"; then J_HAVE=0; return 1; fi
    if [[ $J_HAVE == 1 && $body == "$J_KEY" ]]; then return $((1 - J_OK)); fi
    J=(); J_KEY=$body; J_HAVE=1; J_OK=0
    [[ $body == *[![:space:]]* ]] || return 1
    # jflat (tests/integration/jflat.c) prints the same table in ~2 ms; it refuses (exit 1) what
    # it could not print exactly as jq does, and jq answers then
    if [[ -z $J_FLAT ]] || ! table=$("$J_FLAT" <"$R_BODY" 2>/dev/null); then
        table=$(jq -rs --arg re "$RE_TIME" "$J_PROG" <"$R_BODY" 2>/dev/null)
    fi
    [[ -n $table ]] &&
        while IFS= read -r line; do J[${line%%$'\t'*}]=${line#*$'\t'}; done <<<"$table"
    [[ -n ${J[.]+x} ]] && J_OK=1
    return $((1 - J_OK))
}

# _jget PATH: JV = the compact JSON of a simple path, from J; 1 when jq has to answer.
_jget() {
    local f=$1 p v
    [[ $f =~ $RE_JPATH ]] && _jload || return 1
    if [[ -n ${J[$f]+x} ]]; then JV=${J[$f]}; return 0; fi
    p=$f
    while :; do
        p=${p%.*}; [[ -n $p ]] || p=.
        if [[ -n ${J[$p]+x} ]]; then
            v=${J[$p]}
            [[ $v == null || $v == "{"* ]] || return 1
            JV=null; return 0
        fi
        [[ $p != . ]] || return 1
    done
}

_jcheck() {   # _jcheck FLAG FILTER ANSWER: with SC_JCHECK=1, the table must agree with jq
    [[ ${SC_JCHECK:-0} == 1 ]] || return 0
    local want; want=$(jq "$1" "$2" <"$R_BODY" 2>/dev/null) || want="(jq error)"
    [[ $want == "$3" ]] || fail "json table: $2" "jq $1 answer $want (table: $3)"
}

# jc_into VAR FILTER: VAR = `jq -c FILTER` of the body; "(empty body)" / "(not JSON)" as jbody.
jc_into() {
    local -n _out=$1
    if [[ ! -s $R_BODY ]]; then _out="(empty body)"; return; fi
    if _jget "$2"; then _out=$JV; _jcheck -c "$2" "$JV"; return; fi
    _out=$(jq -c "$2" <"$R_BODY" 2>/dev/null) || _out="(not JSON)"
}

# jr_into VAR FILTER [DEFAULT]: VAR = `jq -r FILTER` of the body, or DEFAULT (when given) where
# the value is null, false or absent (jq's `FILTER // DEFAULT`); "" when jq fails.
jr_into() {
    local -n _rout=$1
    local _jf=$2 _jv
    if _jget "$_jf" && [[ $JV != "{"* && $JV != "["* && $JV != *\\* ]]; then
        _jv=$JV
        [[ $_jv == \"*\" ]] && _jv=${_jv:1:${#_jv}-2}
        if [[ $# -ge 3 && ( $_jv == null || $_jv == false ) ]]; then _jv=$3; fi
        [[ ${SC_JCHECK:-0} == 1 && $# -lt 3 ]] && _jcheck -r "$_jf" "$_jv"
        _rout=$_jv; return
    fi
    if [[ $# -ge 3 ]]; then
        _rout=$(jq -r --arg d "$3" "($_jf) // \$d" <"$R_BODY" 2>/dev/null) || _rout=""
    else
        _rout=$(jq -r "$_jf" <"$R_BODY" 2>/dev/null) || _rout=""
    fi
}

# jstr_into VAR STRING: VAR = STRING as a JSON string literal, for request bodies built without
# a jq start (jq itself for the rare control character other than \n, \r and \t).
jstr_into() {
    local -n _sout=$1
    local _s=$2
    if [[ $_s == *[$'\x01'-$'\x08'$'\x0b'$'\x0c'$'\x0e'-$'\x1f'$'\x7f']* ]]; then
        _sout=$(jq -n --arg s "$_s" '$s'); return
    fi
    _s=${_s//\\/\\\\}; _s=${_s//\"/\\\"}; _s=${_s//$'\n'/\\n}; _s=${_s//$'\r'/\\r}; _s=${_s//$'\t'/\\t}
    _sout="\"$_s\""
}

# jobj_into VAR KEY VALUE ...: VAR = the JSON object of these string members, in this order.
jobj_into() {
    local -n _jout=$1
    local _o="" _k _v
    shift
    while (($# >= 2)); do
        jstr_into _k "$1"; jstr_into _v "$2"; shift 2
        _o+="${_o:+,}$_k:$_v"
    done
    _jout="{$_o}"
}

# The body's jq -c value; "(not JSON)" when jq cannot parse it.
jbody() { local v; jc_into v "$1"; printf '%s' "$v"; }

expect_json() {
    local got; jc_into got "$1"
    if [[ $got == "$2" ]]; then ok "$T: $1"
    else fail "$T: $1" "$1 == $2 (got $got)"; fi
}

# jtrue FILTER [JQ-ARGS]: the body is JSON and FILTER yields exactly one value, `true`
# (plain `jq -e` succeeds on an empty body, so it is not used).
jtrue() {
    local f=$1 out; shift
    if [[ $# == 0 ]] && _jget "$f"; then _jcheck -c "$f" "$JV"; [[ $JV == true ]]; return; fi
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

# ---------------------------------------------------------------- headers
# The header block is parsed once per response too, in bash (no awk): H[lower-case name] = the
# values of the final response's header (after any "100 Continue" block), joined by ", ".
declare -A H=()
H_KEY="" H_HAVE=0

_hload() {
    local all line k v
    IFS= read -r -d '' all <"$R_HDRS"
    if [[ $H_HAVE == 1 && $all == "$H_KEY" ]]; then return; fi
    H=(); H_KEY=$all; H_HAVE=1
    while IFS= read -r line; do
        line=${line%$'\r'}
        if [[ $line == HTTP/* ]]; then H=(); continue; fi
        [[ $line == *:* ]] || continue
        k=${line%%:*}; k=${k,,}; v=${line#*:}
        v=${v#"${v%%[![:space:]]*}"}; v=${v%"${v##*[![:space:]]}"}
        if [[ -n ${H[$k]+x} ]]; then H[$k]+=", $v"; else H[$k]=$v; fi
    done <<<"$all"
}

# hdr_into VAR NAME: VAR = the header's value; status 1 (VAR empty) when absent.
hdr_into() {
    local -n _hout=$1
    _hload
    if [[ -n ${H[${2,,}]+x} ]]; then _hout=${H[${2,,}]}; return 0; fi
    _hout=""; return 1
}

# envelope_problem SUCCESS: ENV_P = what is wrong with the shared part of both envelopes, ""
# when all is right (first problem wins). The suites call this thousands of times: the headers
# come from H and the body's verdict from J, so a response costs at most one jq.
envelope_problem() {
    local success=$1 ct rid v bad=0
    ENV_P=""
    if ! hdr_into ct Content-Type; then ENV_P="a Content-Type header"; return; fi
    shopt -s nocasematch; [[ $ct =~ $RE_JSON_TYPE ]] || bad=1; shopt -u nocasematch
    if ((bad)); then ENV_P="Content-Type application/json"; return; fi
    if [[ ! -s $R_BODY ]]; then ENV_P="a JSON object body"; return; fi
    if hdr_into rid X-Request-ID; then rid="+$rid"; else rid="-"; fi
    if _jload && [[ $rid != *[\"\\]* ]]; then
        ENV_P=${J[!$success]}
        if [[ -n $ENV_P ]]; then return; fi
        if [[ $rid != +* ]]; then ENV_P="an X-Request-ID header"; return; fi
        v=${J[.meta.request_id]-}
        [[ $rid != + && $v == "\"${rid#+}\"" ]] ||
            ENV_P="meta.request_id equal to X-Request-ID (${rid#+})"
        return
    fi
    # shellcheck disable=SC2016 # $s, $re and $rid are jq variables
    ENV_P=$(jq -rs --arg s "$success" --arg re "$RE_TIME" --arg rid "$rid" "$J_VERDICT"'
        if length != 1 then "a JSON object body" else .[0] | verdict($s) as $v |
        if $v != "" then $v
        elif ($rid | startswith("+") | not) then "an X-Request-ID header"
        elif ($rid | ltrimstr("+")) as $r | ($r == "" or .meta.request_id != $r)
            then "meta.request_id equal to X-Request-ID (\($rid | ltrimstr("+")))"
        else empty end end' <"$R_BODY" 2>/dev/null) || ENV_P="a JSON object body"
}

expect_ok_envelope() {
    envelope_problem true
    if [[ -z $ENV_P ]]; then ok "$T: envelope"; else fail "$T: envelope" "success envelope: $ENV_P"; fi
}

expect_error() {
    local status=$1 code=$2
    expect_status "$status"
    envelope_problem false
    if [[ -z $ENV_P ]]; then ok "$T: error envelope"; else fail "$T: error envelope" "error envelope: $ENV_P"; fi
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
