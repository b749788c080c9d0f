# shellcheck shell=bash disable=SC2034,SC2153  # R_* and friends come from lib.sh
# Helpers for tests/integration/cases-accounts.sh (sourced after lib.sh, not executed).
#
#   cfgval KEY                    value of KEY in $SC_CONFIG (last one wins; KEY_FILE followed)
#   sql SQL [-v name=value]...    one psql statement against the test database (stdout: rows)
#   jpost PATH JSON [CURL-ARGS]   POST a JSON body
#   areq METHOD PATH TOKEN [JSON] [CURL-ARGS]  a request with "Authorization: Bearer TOKEN"
#   mkuser KEY [DISPLAY-NAME]     register a fresh user; fills U_ID/U_SID/U_AT/U_RT/U_EMAIL/
#                                 U_NAME/U_PASS[KEY] (one counted check)
#   login_as KEY [EMAIL]          log in; sets L_AT, L_RT, L_SID (L_STATUS the HTTP status)
#   refresh_with TOKEN            POST /v1/auth/refresh
#   b64url / b64url_d             base64url encode stdin / decode an argument
#   mkjwt HEADER PAYLOAD [ALG [SECRET]]   a signed JWT (ALG sha256 | sha512 | none)
#   uuid                          a random UUID
#   rep STRING N                  STRING repeated N times

RE_UUID='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
RE_JWT='^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$'

# rep STRING N: STRING repeated N times (as in cases.sh).
rep() {
    local s="" i
    for ((i = 0; i < $2; i++)); do s+=$1; done
    printf '%s' "$s"
}

cfgval() {
    local v f
    v=$(sed -n "s/^$1=//p" "$SC_CONFIG" | tail -n1)
    if [[ -z $v ]]; then
        f=$(sed -n "s/^$1_FILE=//p" "$SC_CONFIG" | tail -n1)
        [[ -n $f && -r $f ]] && v=$(cat "$f")
    fi
    printf '%s' "$v"
}

A_SECRET=$(cfgval JWT_SECRET)
A_ISSUER=$(cfgval JWT_ISSUER); A_ISSUER=${A_ISSUER:-secureconnect}
A_DB_HOST=$(cfgval DB_HOST); A_DB_HOST=${A_DB_HOST:-127.0.0.1}
A_DB_PORT=$(cfgval DB_PORT); A_DB_PORT=${A_DB_PORT:-5432}
A_DB_USER=$(cfgval DB_USER)
A_DB_PASSWORD=$(cfgval DB_PASSWORD)
A_DB_NAME=$(cfgval DB_NAME)

# sql SQL [psql -v assignments...]: variables are used as :'name' inside SQL. Output: the rows
# (-t -A); status non-zero when a statement failed (its message in $SC_WORK/psql.err).
sql() {
    local q=$1; shift
    _sq_run "$q" "$@" && return 0
    (($? == 2)) || return 1
    printf '%s\n' "$q" | PGPASSWORD=$A_DB_PASSWORD timeout 10 psql -X -q -t -A \
        -v ON_ERROR_STOP=1 -h "$A_DB_HOST" -p "$A_DB_PORT" -U "$A_DB_USER" -d "$A_DB_NAME" "$@" \
        2>"$SC_WORK/psql.err"
}

# _sq_run SQL [-v k=v ...]: sql through one psql per suite (a coprocess started here, in the
# suite's own shell) instead of a psql start per query (~70 ms of CPU and a backend each).
# After the SQL it sends ";" (an unterminated last statement runs, as at the end of psql's
# input) and \echo of an end mark; the messages of the exchange are read from psql's stderr
# file through a descriptor kept open. A statement that fails does not stop the ones after it
# in the same SQL (ON_ERROR_STOP=1 in the one-shot psql did): the suites send one statement,
# or a transaction, which an error aborts anyway. Returns 2 (the caller runs psql itself) for
# SC_SQLCO=0, a value psql \set could not take as written, or a coprocess that died.
SQ_MARK=@@sc-sql-end@@
_sq_start() {
    [[ ${SC_SQLCO:-1} == 1 && -n ${A_DB_NAME:-} ]] || return 1
    : >"$SC_WORK/psql.co.err"
    coproc SQ { PGPASSWORD=$A_DB_PASSWORD exec psql -X -q -t -A -v ON_ERROR_STOP=0 \
        -h "$A_DB_HOST" -p "$A_DB_PORT" -U "$A_DB_USER" -d "$A_DB_NAME" 2>>"$SC_WORK/psql.co.err"; }
    exec {SQ_ERR}<"$SC_WORK/psql.co.err"
}
_sq_run() {
    [[ -n ${SQ[1]:-} && -n ${SQ_ERR:-} ]] || return 2
    local q=$1 line errs="" sets="" unsets="" k v; shift
    while (($#)); do
        [[ $1 == -v && $# -ge 2 && $2 == *=* ]] || return 2
        k=${2%%=*}; v=${2#*=}
        [[ $k =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || return 2
        [[ $v == *"'"* || $v == *\\* || $v == *$'\n'* ]] && return 2
        sets+="\\set $k '$v'"$'\n'; unsets+="\\unset $k"$'\n'
        shift 2
    done
    printf '%s%s\n;\n%s\\echo %s\n' "$sets" "$q" "$unsets" "$SQ_MARK" >&"${SQ[1]}" 2>/dev/null || return 2
    while :; do
        if ! IFS= read -r -t 20 -u "${SQ[0]}" line; then
            printf 'psql coprocess stopped answering; psql per query from here on\n' >&2
            kill "${SQ_PID:-0}" 2>/dev/null; SQ=(); return 2
        fi
        [[ $line == "$SQ_MARK" ]] && break
        printf '%s\n' "$line"
    done
    while IFS= read -r -u "$SQ_ERR" line; do errs+=$line$'\n'; done
    printf '%s' "$errs" >"$SC_WORK/psql.err"
    [[ $errs != *ERROR:* && $errs != *FATAL:* && $errs != *PANIC:* ]]
}
_sq_start || true

uuid() { cat /proc/sys/kernel/random/uuid; }

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
b64url_d() {
    local s=${1//-/+}
    s=${s//_//}
    while ((${#s} % 4)); do s+='='; done
    printf '%s' "$s" | openssl base64 -d -A 2>/dev/null
}

# mkjwt HEADER-JSON PAYLOAD-JSON [sha256|sha512|none] [SECRET]
mkjwt() {
    local h p alg=${3:-sha256} key=${4:-$A_SECRET} s=""
    h=$(printf '%s' "$1" | b64url)
    p=$(printf '%s' "$2" | b64url)
    if [[ $alg != none ]]; then
        s=$(printf '%s' "$h.$p" | openssl dgst "-$alg" -hmac "$key" -binary | b64url)
    fi
    printf '%s.%s.%s' "$h" "$p" "$s"
}

jpost() {
    local path=$1 body=$2; shift 2
    req POST "$path" -H 'Content-Type: application/json' --data-binary "$body" "$@"
}

# areq METHOD PATH TOKEN [JSON-BODY] [CURL-ARGS...]; an empty JSON-BODY sends no body.
areq() {
    local method=$1 path=$2 tok=$3 body=${4:-}
    shift 3; [[ $# -gt 0 ]] && shift
    if [[ -n $body ]]; then
        req "$method" "$path" -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
            --data-binary "$body" "$@"
    elif [[ $method == POST ]]; then
        # a body-less POST as browsers and the curl examples send it (lighttpd answers 411
        # to a POST without Content-Length before the program sees it)
        req "$method" "$path" -H "Authorization: Bearer $tok" -H 'Content-Length: 0' "$@"
    else
        req "$method" "$path" -H "Authorization: Bearer $tok" "$@"
    fi
}

declare -A U_ID U_SID U_AT U_RT U_EMAIL U_NAME U_PASS

# A run tag: unique per suite run (both servers share the database).
A_RUN="${SC_SERVER:0:1}$(openssl rand -hex 4)"

# mkuser KEY [DISPLAY-NAME] [USERNAME] [EMAIL]
mkuser() {
    local key=$1 dn=${2:-"User $1"} name=${3:-"${A_RUN}_$1"} email=${4:-"acc.${A_RUN}.$1@example.test"}
    local pass="pw-${A_RUN}-$1-secret" body
    jobj_into body email "$email" username "$name" password "$pass" display_name "$dn"
    jpost /v1/auth/register "$body"
    U_EMAIL[$key]=$email U_NAME[$key]=$name U_PASS[$key]=$pass
    if [[ $R_STATUS == 201 ]]; then
        jr_into "U_ID[$key]" .data.user.user_id ""
        jr_into "U_SID[$key]" .data.session_id ""
        jr_into "U_AT[$key]" .data.access_token ""
        jr_into "U_RT[$key]" .data.refresh_token ""
        ok "setup: register $key"
        return 0
    fi
    U_ID[$key]=00000000-0000-4000-8000-000000000000 U_SID[$key]="" U_AT[$key]=x.y.z U_RT[$key]=none
    fail "setup: register $key" "HTTP 201 from POST /v1/auth/register"
    return 1
}

# login_as KEY [EMAIL] [PASSWORD] [CURL-ARGS...]
login_as() {
    local key=$1 email=${2:-${U_EMAIL[$1]}} pass=${3:-${U_PASS[$1]}} body
    shift; [[ $# -gt 0 ]] && shift; [[ $# -gt 0 ]] && shift
    jobj_into body email "$email" password "$pass"
    jpost /v1/auth/login "$body" "$@"
    L_STATUS=$R_STATUS L_AT=x.y.z L_RT=none L_SID=""
    if [[ $R_STATUS == 200 ]]; then
        jr_into L_AT .data.access_token x.y.z
        jr_into L_RT .data.refresh_token none
        jr_into L_SID .data.session_id ""
    fi
}

# login_sess KEY: a second (third ...) session, checked once; sets L_*.
login_sess() {
    login_as "$@"
    if [[ $L_STATUS == 200 ]]; then ok "setup: login $1"
    else fail "setup: login $1" "HTTP 200 from POST /v1/auth/login"; fi
}

refresh_with() { local b; jobj_into b refresh_token "$1"; jpost /v1/auth/refresh "$b"; }

# status_is TOKEN CODE: GET /v1/users/me with TOKEN answers CODE (one counted check).
me_status() {
    local what=$1 tok=$2 want=$3
    areq GET /v1/users/me "$tok"
    if [[ $R_STATUS == "$want" ]]; then ok "$T: $what $want"
    else fail "$T: $what $want" "HTTP $want from GET /v1/users/me"; fi
}

# refresh_status WHAT TOKEN CODE
refresh_status() {
    local what=$1 tok=$2 want=$3
    refresh_with "$tok"
    if [[ $R_STATUS == "$want" ]]; then ok "$T: $what $want"
    else fail "$T: $what $want" "HTTP $want from POST /v1/auth/refresh"; fi
}
