#!/usr/bin/env bash
# Black-box cases for accounts and sessions (api.md "Accounts and sessions", without 2FA,
# password reset and e-mail verification; design.md section 7). Run by tests/integration/run.sh
# after cases.sh, once per web server, against the same PostgreSQL and Redis: every user made
# here carries a random run tag.
#
# Environment: SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP (see cases.sh); SC_VERBOSE=1.
# Last line: "<server>-accounts: N passed, M failed"; exit 0 only when M is 0.
# Nothing here asserts timings: lockout and rate limits are counted in requests.

set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

for v in SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP; do
    if [[ -z ${!v:-} ]]; then
        echo "cases-accounts.sh: $v is not set" >&2
        echo "${SC_SERVER:-?}-accounts: 0 passed, 1 failed"
        exit 1
    fi
done
# shellcheck source=lib.sh
. "$HERE/lib.sh"
# lib.sh keeps its scratch files per server; ours go in a folder of their own.
SC_WORK="$SC_TMP/cases-accounts.$SC_SERVER"
mkdir -p "$SC_WORK"
R_HDRS="$SC_WORK/resp.headers" R_BODY="$SC_WORK/resp.body" R_CERR="$SC_WORK/resp.curlerr"
C_OUT="$SC_WORK/cmd.stdout" C_ERR="$SC_WORK/cmd.stderr"
: >"$R_HDRS"; : >"$R_BODY"; : >"$R_CERR"
# shellcheck source=lib-accounts.sh
. "$HERE/lib-accounts.sh"

# Whatever happens, leave Redis running for the next suite.
REDIS_DOWN=0
restore_redis() {
    local i
    [[ $REDIS_DOWN == 1 ]] || return 0
    for i in $(seq 40); do
        "$SC_CTL" redis-start </dev/null >/dev/null 2>&1 && break
        sleep 2
    done
    REDIS_DOWN=0
}
trap restore_redis EXIT
trap 'restore_redis; exit 130' INT TERM

summary_accounts() {
    printf '%s-accounts: %d passed, %d failed\n' "$SC_SERVER" "$SC_PASS" "$SC_FAIL"
    [[ $SC_FAIL -eq 0 ]]
}

if [[ -z $A_SECRET || -z $A_DB_USER ]]; then
    fail "setup: JWT_SECRET and DB_* from \$SC_CONFIG" "readable $SC_CONFIG"
fi

USER_KEYS='["user_id","email","username","display_name","avatar_url","status","role","email_verified","two_factor_enabled","searchable","read_receipts","created_at","updated_at"]'
PUBLIC_KEYS='["user_id","username","display_name","avatar_url","status"]'

# expect_self_user JQ-PATH: the full user object of api.md at that path.
expect_self_user() {
    local p=$1
    expect_jq "$p | type == \"object\" and (keys - $USER_KEYS == []) and ($USER_KEYS - keys == [])" \
        "$p has exactly the user fields"
    expect_match "$p.user_id" "$RE_UUID"
    expect_json "$p.role" '"user"'
    expect_match "$p.created_at" "$RE_TIME"
    expect_match "$p.updated_at" "$RE_TIME"
    expect_jq "($p.email_verified | type) == \"boolean\" and ($p.two_factor_enabled | type) == \"boolean\" and ($p.searchable | type) == \"boolean\" and ($p.read_receipts | type) == \"boolean\"" \
        "$p flags are booleans"
}

# expect_tokens: the token part of register / login / refresh answers.
expect_tokens() {
    expect_match .data.access_token "$RE_JWT"
    expect_jq '.data.refresh_token | type == "string" and length >= 32' ".data.refresh_token a long string"
    expect_json .data.token_type '"Bearer"'
    expect_json .data.expires_in 900
    expect_match .data.session_id "$RE_UUID"
}

# ---------------------------------------------------------------- register

test_register() {
    local email name body pass long

    t "register"
    email="Mixed.${A_RUN}.Reg@Example.TEST"
    name="${A_RUN}_Reg"
    body=$(jq -nc --arg e "$email" --arg u "$name" '{email:$e, username:$u, password:"correct horse 1", display_name:"Reg Ist"}')
    jpost /v1/auth/register "$body"
    expect_status 201
    expect_ok_envelope
    expect_self_user .data.user
    expect_json .data.user.email "\"${email,,}\""
    expect_json .data.user.username "\"$name\""
    expect_json .data.user.display_name '"Reg Ist"'
    expect_json .data.user.avatar_url null
    expect_json .data.user.email_verified false
    expect_json .data.user.two_factor_enabled false
    expect_json .data.user.searchable true
    expect_json .data.user.read_receipts true
    expect_tokens
    expect_jq '[.. | objects | has("password_hash") or has("password")] | any | not' "no password in the answer"
    jr_into "U_ID[reg]" .data.user.user_id ""
    jr_into "U_SID[reg]" .data.session_id ""
    jr_into "U_AT[reg]" .data.access_token x.y.z
    U_EMAIL[reg]=${email,,} U_NAME[reg]=$name U_PASS[reg]="correct horse 1"

    t "register: access token claims"
    local payload hdr_json
    hdr_json=$(b64url_d "${U_AT[reg]%%.*}")
    payload=${U_AT[reg]#*.}; payload=$(b64url_d "${payload%%.*}")
    check "$T: alg HS256" "header alg HS256 (got $hdr_json)" \
        test "$(jq -r .alg <<<"$hdr_json" 2>/dev/null)" == HS256
    # shellcheck disable=SC2016 # jq variables
    check "$T: claims" "typ access, aud secureconnect-api, iss $A_ISSUER, sub/user_id = user, sid = session, exp = iat + 900 (got $payload)" \
        jq -e --arg u "${U_ID[reg]}" --arg s "${U_SID[reg]}" --arg iss "$A_ISSUER" \
        '.typ == "access" and .aud == "secureconnect-api" and .iss == $iss and .sub == $u and .sid == $s and (.jti | type == "string") and .exp - .iat == 900' \
        <<<"$payload"

    t "register: stored"
    local row
    row=$(sql "SELECT email, left(password_hash, 10) FROM users WHERE user_id = :'id'" -v id="${U_ID[reg]}")
    check "$T: email lower case, Argon2id hash" "row ${email,,}|\$argon2id\$ (got '$row')" \
        test "$row" == "${email,,}|\$argon2id\$"

    t "register: email taken (other case)"
    body=$(jq -nc --arg e "${email^^}" --arg u "${A_RUN}_reg2" '{email:$e, username:$u, password:"correct horse 1", display_name:"x"}')
    jpost /v1/auth/register "$body"
    expect_error 409 CONFLICT
    expect_json .error.field '"email"'

    t "register: username taken (other case)"
    body=$(jq -nc --arg e "acc.${A_RUN}.reg3@example.test" --arg u "${name,,}" '{email:$e, username:$u, password:"correct horse 1", display_name:"x"}')
    jpost /v1/auth/register "$body"
    expect_error 409 CONFLICT
    expect_json .error.field '"username"'

    t "register: 8-byte password, 100-char display name"
    body=$(jq -nc --arg e "acc.${A_RUN}.p8@example.test" --arg u "${A_RUN}_p8" --arg d "$(rep d 100)" \
        '{email:$e, username:$u, password:"12345678", display_name:$d}')
    jpost /v1/auth/register "$body"
    expect_status 201

    t "register: 1024-byte password (multi-byte)"
    pass="$(rep é 511)xx"
    body=$(jq -nc --arg e "acc.${A_RUN}.p1024@example.test" --arg u "${A_RUN}_p1024" --arg p "$pass" \
        '{email:$e, username:$u, password:$p, display_name:"x"}')
    jpost /v1/auth/register "$body"
    expect_status 201
    t "register: login with the 1024-byte password"
    login_as p1024 "acc.${A_RUN}.p1024@example.test" "$pass"
    expect_status 200

    t "register: 3- and 30-char usernames with . and _"
    body=$(jq -nc --arg e "acc.${A_RUN}.u3@example.test" --arg u "$(tr -dc a-z0-9 </dev/urandom | head -c 1).$(tr -dc a-z0-9 </dev/urandom | head -c 1)" '{email:$e, username:$u, password:"12345678", display_name:"x"}')
    jpost /v1/auth/register "$body"
    expect_status 201
    long="${A_RUN}.u_$(rep z 30)"; long=${long:0:30}
    body=$(jq -nc --arg e "acc.${A_RUN}.u30@example.test" --arg u "$long" '{email:$e, username:$u, password:"12345678", display_name:"x"}')
    jpost /v1/auth/register "$body"
    expect_status 201

    # label | body | field   (E, U: a fresh e-mail and username so only the bad field is wrong)
    local label field E="acc.${A_RUN}.bad@example.test" U="${A_RUN}_bad"
    while IFS='|' read -r label body field; do
        [[ -n $label ]] || continue
        t "register 400: $label"
        jpost /v1/auth/register "$body"
        expect_error 400 VALIDATION_ERROR
        expect_json .error.field "\"$field\""
        expect_jq ".error.message | contains(\"$field\")" "message names $field"
    done <<EOF
email missing|{"username":"$U","password":"12345678","display_name":"x"}|email
email number|{"email":5,"username":"$U","password":"12345678","display_name":"x"}|email
email null|{"email":null,"username":"$U","password":"12345678","display_name":"x"}|email
email no @|{"email":"not-an-email","username":"$U","password":"12345678","display_name":"x"}|email
email no domain|{"email":"someone@","username":"$U","password":"12345678","display_name":"x"}|email
email with space|{"email":"a b@example.test","username":"$U","password":"12345678","display_name":"x"}|email
username missing|{"email":"$E","password":"12345678","display_name":"x"}|username
username number|{"email":"$E","username":123456,"password":"12345678","display_name":"x"}|username
username 2 chars|{"email":"$E","username":"ab","password":"12345678","display_name":"x"}|username
username 31 chars|{"email":"$E","username":"$(rep u 31)","password":"12345678","display_name":"x"}|username
username dash|{"email":"$E","username":"bad-name","password":"12345678","display_name":"x"}|username
username space|{"email":"$E","username":"bad name","password":"12345678","display_name":"x"}|username
username @|{"email":"$E","username":"bad@name","password":"12345678","display_name":"x"}|username
username non-ASCII|{"email":"$E","username":"bädname","password":"12345678","display_name":"x"}|username
password missing|{"email":"$E","username":"$U","display_name":"x"}|password
password number|{"email":"$E","username":"$U","password":12345678,"display_name":"x"}|password
password 7 bytes|{"email":"$E","username":"$U","password":"1234567","display_name":"x"}|password
password 1025 bytes|{"email":"$E","username":"$U","password":"$(rep a 1025)","display_name":"x"}|password
password 1025 bytes multi-byte|{"email":"$E","username":"$U","password":"$(rep é 512)a","display_name":"x"}|password
display_name missing|{"email":"$E","username":"$U","password":"12345678"}|display_name
display_name empty|{"email":"$E","username":"$U","password":"12345678","display_name":""}|display_name
display_name 101|{"email":"$E","username":"$U","password":"12345678","display_name":"$(rep d 101)"}|display_name
display_name array|{"email":"$E","username":"$U","password":"12345678","display_name":["x"]}|display_name
EOF

    t "register 400 left nothing behind"
    row=$(sql "SELECT count(*) FROM users WHERE lower(username) = lower(:'u') OR email = :'e'" -v u="$U" -v e="$E")
    check "$T: no user $U" "0 rows (got '$row')" test "$row" == 0

    t "GET /v1/auth/register"
    req GET /v1/auth/register
    expect_error 405 METHOD_NOT_ALLOWED
    expect_header_token Allow POST
}

# ---------------------------------------------------------------- login

test_login() {
    local msg i

    mkuser li "Log In"
    t "login (upper-case email)"
    login_as li "${U_EMAIL[li]^^}"
    expect_status 200
    expect_ok_envelope
    expect_self_user .data.user
    expect_json .data.user.user_id "\"${U_ID[li]}\""
    expect_json .data.user.email "\"${U_EMAIL[li]}\""
    expect_tokens
    check "$T: a new session" "session_id other than the registration's (${U_SID[li]})" \
        test "$L_SID" != "${U_SID[li]}"
    t "login: its access token works"
    me_status "GET /v1/users/me" "$L_AT" 200

    t "login: wrong password"
    login_as li "" "wrong password!"
    expect_error 401 UNAUTHORIZED
    expect_json .error.message '"invalid email or password"'
    msg=$(jq -c .error <"$R_BODY" 2>/dev/null)

    t "login: unknown email"
    login_as li "nobody.${A_RUN}@example.test" "wrong password!"
    expect_error 401 UNAUTHORIZED
    expect_json .error.message '"invalid email or password"'
    check "$T: same error as a wrong password" "error $msg (got $(jq -c .error <"$R_BODY" 2>/dev/null))" \
        test "$(jq -c .error <"$R_BODY" 2>/dev/null)" == "$msg"

    t "login: missing password"
    jpost /v1/auth/login "{\"email\":\"${U_EMAIL[li]}\"}"
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"password"'
    t "login: missing email"
    jpost /v1/auth/login '{"password":"12345678"}'
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"email"'
    t "login: email number"
    jpost /v1/auth/login '{"email":1,"password":"12345678"}'
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"email"'

    # Lockout: 5 failures (some with the e-mail in another case), then the right password: 429.
    mkuser lock "Lock Ed"
    mkuser other "Oth Er"
    for i in 1 2 3 4 5; do
        t "lockout: failure $i"
        if ((i % 2)); then login_as lock "" "bad password $i"; else login_as lock "${U_EMAIL[lock]^^}" "bad password $i"; fi
        expect_status 401
    done
    t "lockout: 6th attempt, right password"
    login_as lock
    expect_error 429 RATE_LIMITED
    expect_header Retry-After '^[1-9][0-9]*$'
    t "lockout: 7th attempt, wrong password"
    login_as lock "" "bad password 7"
    expect_error 429 RATE_LIMITED
    expect_header Retry-After '^[1-9][0-9]*$'
    t "lockout: another account still logs in"
    login_as other
    expect_status 200
    t "lockout: the locked account's session still works"
    me_status "GET /v1/users/me" "${U_AT[lock]}" 200

    # A success before the 5th failure clears the counter.
    mkuser clr "Clear Ed"
    local round
    for round in 1 2; do
        for i in 1 2 3 4; do
            t "counter reset: round $round failure $i"
            login_as clr "" "bad password $i"
            expect_status 401
        done
        t "counter reset: round $round success"
        login_as clr
        expect_status 200
    done

    # Legacy bcrypt hashes ($2y$ from htpasswd, $2a$ and $2b$ by prefix) log in and are upgraded.
    mkuser bc "Bee Crypt"
    local legacy="legacy-${A_RUN}-pass" hash v
    hash=$(htpasswd -bnBC 10 "" "$legacy" | tr -d ':\n')
    for v in 2y 2a 2b; do
        t "bcrypt \$$v\$"
        sql "UPDATE users SET password_hash = :'h' WHERE user_id = :'id'" -v h="\$$v\$${hash#\$2y\$}" -v id="${U_ID[bc]}" >/dev/null
        check "$T: hash written" "password_hash starting with \$$v\$" \
            test "$(sql "SELECT left(password_hash, 4) FROM users WHERE user_id = :'id'" -v id="${U_ID[bc]}")" == "\$$v\$"
        login_as bc "" "not-the-$legacy"
        expect_status 401
        login_as bc "" "${U_PASS[bc]}"
        check "$T: the old Argon2id password no longer works" "HTTP 401 (got $R_STATUS)" test "$R_STATUS" == 401
        login_as bc "" "$legacy"
        expect_status 200
        expect_json .data.user.user_id "\"${U_ID[bc]}\""
        check "$T: upgraded to Argon2id" "password_hash starting with \$argon2id\$" \
            test "$(sql "SELECT left(password_hash, 10) FROM users WHERE user_id = :'id'" -v id="${U_ID[bc]}")" == "\$argon2id\$"
        login_as bc "" "$legacy"
        check "$T: login again after the upgrade" "HTTP 200 (got $R_STATUS)" test "$R_STATUS" == 200
    done

    t "GET /v1/auth/login"
    req GET /v1/auth/login
    expect_error 405 METHOD_NOT_ALLOWED
    expect_header_token Allow POST
}

# ---------------------------------------------------------------- refresh

test_refresh() {
    local rt0 rt1 rt2 at1 at2 other_at other_rt

    mkuser rf "Re Fresh"
    rt0=${U_RT[rf]}
    login_sess rf
    other_at=$L_AT other_rt=$L_RT

    t "refresh"
    refresh_with "$rt0"
    expect_status 200
    expect_ok_envelope
    expect_tokens
    expect_json .data.session_id "\"${U_SID[rf]}\""
    rt1=$(jq -r '.data.refresh_token // "none"' <"$R_BODY")
    at1=$(jq -r '.data.access_token // "x.y.z"' <"$R_BODY")
    check "$T: rotated" "a refresh token other than the old one" test "$rt1" != "$rt0"
    t "refresh: new access token works"
    me_status "GET /v1/users/me" "$at1" 200

    t "refresh again"
    refresh_with "$rt1"
    expect_status 200
    rt2=$(jq -r '.data.refresh_token // "none"' <"$R_BODY")
    at2=$(jq -r '.data.access_token // "x.y.z"' <"$R_BODY")
    me_status "GET /v1/users/me (newest access token)" "$at2" 200

    t "refresh: reuse of the first token"
    refresh_with "$rt0"
    expect_error 401 UNAUTHORIZED
    t "refresh: family dead after reuse"
    refresh_status "newest refresh token" "$rt2" 401
    me_status "newest access token" "$at2" 401
    me_status "older access token" "$at1" 401
    me_status "registration access token" "${U_AT[rf]}" 401
    t "refresh: the user's other session survives"
    me_status "other session's access token" "$other_at" 200
    refresh_status "other session's refresh token" "$other_rt" 200

    t "refresh: access token as refresh token"
    refresh_with "$other_at"
    expect_error 401 UNAUTHORIZED
    t "refresh: garbage"
    refresh_with "garbage-$(openssl rand -hex 8)"
    expect_error 401 UNAUTHORIZED
    t "refresh: 64 hex characters"
    refresh_with "$(openssl rand -hex 32)"
    expect_error 401 UNAUTHORIZED
    t "refresh: missing field"
    jpost /v1/auth/refresh '{}'
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"refresh_token"'
    t "refresh: number"
    jpost /v1/auth/refresh '{"refresh_token":5}'
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"refresh_token"'
}

# ---------------------------------------------------------------- access tokens

test_access_tokens() {
    local now id sid good h256 h512 tok label hdr_j pay

    mkuser jw "Jay Wt"
    mkuser jw2 "Jay Two"
    id=${U_ID[jw]} sid=${U_SID[jw]}
    now=$(date +%s)
    h256='{"alg":"HS256","typ":"JWT"}'
    h512='{"alg":"HS512","typ":"JWT"}'
    # base claims; each case below changes one thing
    good=$(jq -nc --arg u "$id" --arg s "$sid" --arg j "$(uuid)" --arg iss "$A_ISSUER" --argjson n "$now" \
        '{iss:$iss, aud:"secureconnect-api", typ:"access", sub:$u, user_id:$u, sid:$s, jti:$j, role:"user", iat:$n, nbf:$n, exp:($n + 600)}')

    t "token: real access token"
    areq GET /v1/users/me "${U_AT[jw]}"
    expect_status 200
    expect_ok_envelope
    expect_header RateLimit-Limit '^[0-9]+$'
    expect_header RateLimit-Remaining '^[0-9]+$'
    expect_header RateLimit-Reset '^[0-9]+$'

    t "token: crafted, correct"
    areq GET /v1/users/me "$(mkjwt "$h256" "$good")"
    expect_status 200
    expect_json .data.user_id "\"$id\""

    t "token: no Authorization"
    req GET /v1/users/me
    expect_error 401 UNAUTHORIZED
    expect_header_i WWW-Authenticate '^Bearer'

    t "token: Basic"
    req GET /v1/users/me -H 'Authorization: Basic dXNlcjpwYXNzd29yZA=='
    expect_error 401 UNAUTHORIZED
    t "token: Bearer without token"
    req GET /v1/users/me -H 'Authorization: Bearer '
    expect_error 401 UNAUTHORIZED
    t "token: Bearer garbage"
    req GET /v1/users/me -H 'Authorization: Bearer not.a.token'
    expect_error 401 UNAUTHORIZED

    # label ; header ; payload jq filter applied to $good ; alg ; secret
    while IFS=';' read -r label hdr_j pay alg key; do
        [[ -n $label ]] || continue
        t "token: $label"
        tok=$(mkjwt "$hdr_j" "$(jq -c "$pay" <<<"$good")" "$alg" "${key:-$A_SECRET}")
        areq GET /v1/users/me "$tok"
        expect_error 401 UNAUTHORIZED
    done <<EOF
forged signature;$h256;.;sha256;not-the-secret-but-32-bytes-long-xxxxxxxx
alg none;{"alg":"none","typ":"JWT"};.;none;
alg none, signed;{"alg":"none","typ":"JWT"};.;sha256;
HS512 with the right secret;$h512;.;sha512;
expired 300 s ago;$h256;.iat = $((now - 1200)) | .nbf = $((now - 1200)) | .exp = $((now - 300));sha256;
not before in 300 s;$h256;.nbf = $((now + 300));sha256;
wrong aud;$h256;.aud = "other-api";sha256;
wrong iss;$h256;.iss = "not-$A_ISSUER";sha256;
typ refresh;$h256;.typ = "refresh";sha256;
no typ;$h256;del(.typ);sha256;
missing sid;$h256;del(.sid);sha256;
missing exp;$h256;del(.exp);sha256;
EOF

    t "token: payload changed, signature kept"
    tok=$(mkjwt "$h256" "$good")
    pay=$(jq -c '.exp = .exp + 3600' <<<"$good" | b64url)
    areq GET /v1/users/me "${tok%%.*}.$pay.${tok##*.}"
    expect_error 401 UNAUTHORIZED

    t "token: refresh token as Bearer"
    areq GET /v1/users/me "${U_RT[jw]}"
    expect_error 401 UNAUTHORIZED
}

# ---------------------------------------------------------------- logout

test_logout() {
    local at1 rt1 at2 rt2 sid2 at3 sid3 st

    mkuser lo "Log Out"
    mkuser lox "Log Other"
    at1=${U_AT[lo]} rt1=${U_RT[lo]}
    login_sess lo; at2=$L_AT rt2=$L_RT sid2=$L_SID
    login_sess lo; at3=$L_AT sid3=$L_SID

    t "logout: no token"
    req POST /v1/auth/logout -H 'Content-Length: 0'
    expect_error 401 UNAUTHORIZED

    t "logout"
    areq POST /v1/auth/logout "$at1" '{}'
    expect_status 200
    expect_ok_envelope
    t "logout: afterwards"
    me_status "same access token" "$at1" 401
    refresh_status "its refresh token" "$rt1" 401
    me_status "other session" "$at2" 200

    t "logout: another user's session"
    areq POST /v1/auth/logout "$at2" "{\"session_id\":\"${U_SID[lox]}\"}"
    expect_error 403 FORBIDDEN
    me_status "that user's session still" "${U_AT[lox]}" 200

    t "logout: unknown session"
    areq POST /v1/auth/logout "$at2" "{\"session_id\":\"$(uuid)\"}"
    expect_error 404 NOT_FOUND

    t "logout: own other session by id"
    areq POST /v1/auth/logout "$at2" "{\"session_id\":\"$sid3\"}"
    expect_status 200
    me_status "that session's token" "$at3" 401
    me_status "the caller's token" "$at2" 200

    t "logout: status before the last logout"
    st=$(sql "SELECT status FROM users WHERE user_id = :'id'" -v id="${U_ID[lo]}")
    check "$T: online" "users.status online while a session is open (got '$st')" test "$st" == online

    t "logout: last session, no body"
    areq POST /v1/auth/logout "$at2"
    expect_status 200
    me_status "its token" "$at2" 401
    refresh_status "its refresh token" "$rt2" 401
    st=$(sql "SELECT status FROM users WHERE user_id = :'id'" -v id="${U_ID[lo]}")
    check "$T: status offline" "users.status offline after the last logout (got '$st')" test "$st" == offline

    t "logout: login again"
    login_as lo
    expect_status 200
    me_status "new session" "$L_AT" 200

    t "GET /v1/auth/logout"
    areq GET /v1/auth/logout "${U_AT[lox]}"
    expect_error 405 METHOD_NOT_ALLOWED
}

test_logout_all() {
    local at1 rt1 at2 rt2

    mkuser la "Log All"
    mkuser lax "Log All Other"
    at1=${U_AT[la]} rt1=${U_RT[la]}
    login_sess la; at2=$L_AT rt2=$L_RT

    t "logout-all: before"
    me_status "session 1" "$at1" 200
    me_status "session 2" "$at2" 200

    t "logout-all"
    areq POST /v1/auth/logout-all "$at2"
    expect_status 200
    expect_ok_envelope
    t "logout-all: afterwards"
    me_status "session 1" "$at1" 401
    me_status "session 2" "$at2" 401
    refresh_status "refresh 1" "$rt1" 401
    refresh_status "refresh 2" "$rt2" 401
    me_status "another user" "${U_AT[lax]}" 200
    t "logout-all: no token"
    req POST /v1/auth/logout-all -H 'Content-Length: 0'
    expect_error 401 UNAUTHORIZED
    t "logout-all: login again"
    login_as la
    expect_status 200
    me_status "new session" "$L_AT" 200
}

# ---------------------------------------------------------------- sessions

test_sessions() {
    local at2 rt2 sid2 at3 sid3

    mkuser ss "Sess Ions"
    mkuser ssx "Sess Other"
    login_sess ss "" "" -H 'User-Agent: sc-accounts-test/2'; at2=$L_AT rt2=$L_RT sid2=$L_SID
    login_sess ss; at3=$L_AT sid3=$L_SID

    t "sessions"
    areq GET /v1/auth/sessions "${U_AT[ss]}"
    expect_status 200
    expect_ok_envelope
    expect_json '.data.sessions | length' 3
    expect_json '[.data.sessions[] | select(.current == true)] | length' 1
    expect_json '[.data.sessions[] | select(.current == true) | .session_id] | first' "\"${U_SID[ss]}\""
    expect_jq '[.data.sessions[] | has("session_id") and has("user_agent") and has("ip") and has("created_at") and has("last_used_at") and has("current")] | all' \
        "every session has its fields"
    expect_jq "[.data.sessions[].session_id] | sort == ([\"${U_SID[ss]}\", \"$sid2\", \"$sid3\"] | sort)" "the three sessions"
    expect_json "[.data.sessions[] | select(.session_id == \"$sid2\") | .user_agent] | first" '"sc-accounts-test/2"'
    expect_json "[.data.sessions[] | select(.session_id == \"$sid2\") | .ip] | first" '"127.0.0.1"'
    # shellcheck disable=SC2016 # $re is a jq variable
    check "$T: times in RFC 3339 UTC" "created_at and last_used_at matching $RE_TIME" \
        jtrue '[.data.sessions[] | .created_at, .last_used_at | type == "string" and test($re)] | all' --arg re "$RE_TIME"
    expect_jq '[.. | objects | has("refresh_hash") or has("refresh_token")] | any | not' "no refresh tokens listed"

    t "sessions: current from another session"
    areq GET /v1/auth/sessions "$at3"
    expect_json '[.data.sessions[] | select(.current == true) | .session_id]' "[\"$sid3\"]"

    t "sessions: delete own other session"
    areq DELETE "/v1/auth/sessions/$sid2" "${U_AT[ss]}"
    expect_status 200
    expect_ok_envelope
    me_status "its token" "$at2" 401
    refresh_status "its refresh token" "$rt2" 401
    me_status "the caller's token" "${U_AT[ss]}" 200
    areq GET /v1/auth/sessions "${U_AT[ss]}"
    expect_jq "[.data.sessions[].session_id] | sort == ([\"${U_SID[ss]}\", \"$sid3\"] | sort)" "listed: the two left"

    t "sessions: delete another user's session"
    areq DELETE "/v1/auth/sessions/${U_SID[ssx]}" "${U_AT[ss]}"
    expect_error 403 FORBIDDEN
    me_status "that user's token" "${U_AT[ssx]}" 200

    t "sessions: delete unknown"
    areq DELETE "/v1/auth/sessions/$(uuid)" "${U_AT[ss]}"
    expect_error 404 NOT_FOUND
    t "sessions: delete non-UUID"
    areq DELETE /v1/auth/sessions/abc "${U_AT[ss]}"
    expect_error 404 NOT_FOUND
    t "sessions: delete upper-case id"
    areq DELETE "/v1/auth/sessions/${sid3^^}" "${U_AT[ss]}"
    expect_status 200
    me_status "its token" "$at3" 401

    t "sessions: no token"
    req GET /v1/auth/sessions
    expect_error 401 UNAUTHORIZED
    t "sessions: delete without token"
    req DELETE "/v1/auth/sessions/${U_SID[ss]}"
    expect_error 401 UNAUTHORIZED
    me_status "still alive" "${U_AT[ss]}" 200
}

# ---------------------------------------------------------------- profile, me

test_profile_me() {
    local upd

    mkuser me "Mee Self"

    t "profile"
    areq GET /v1/auth/profile "${U_AT[me]}"
    expect_status 200
    expect_ok_envelope
    expect_jq '.data | keys == ["email","role","user_id","username"]' ".data is {user_id, email, username, role}"
    expect_json .data.user_id "\"${U_ID[me]}\""
    expect_json .data.email "\"${U_EMAIL[me]}\""
    expect_json .data.username "\"${U_NAME[me]}\""
    expect_json .data.role '"user"'
    t "profile: no token"
    req GET /v1/auth/profile
    expect_error 401 UNAUTHORIZED

    t "GET /v1/users/me"
    areq GET /v1/users/me "${U_AT[me]}"
    expect_status 200
    expect_ok_envelope
    expect_self_user .data
    expect_json .data.user_id "\"${U_ID[me]}\""
    expect_json .data.email "\"${U_EMAIL[me]}\""
    expect_json .data.username "\"${U_NAME[me]}\""
    expect_json .data.display_name '"Mee Self"'
    expect_jq '[.. | objects | has("password_hash")] | any | not' "no password_hash"
    expect_security_headers

    t "PATCH /v1/users/me"
    areq PATCH /v1/users/me "${U_AT[me]}" '{"display_name":"Mé Nouveau","avatar_url":"https://cdn.example.test/a.png","searchable":false,"read_receipts":false}'
    expect_status 200
    expect_ok_envelope
    expect_self_user .data
    expect_json .data.display_name '"Mé Nouveau"'
    expect_json .data.avatar_url '"https://cdn.example.test/a.png"'
    expect_json .data.searchable false
    expect_json .data.read_receipts false
    expect_json .data.email "\"${U_EMAIL[me]}\""
    t "PATCH /v1/users/me: persisted"
    areq GET /v1/users/me "${U_AT[me]}"
    expect_json .data.display_name '"Mé Nouveau"'
    expect_json .data.searchable false
    expect_json .data.read_receipts false

    for upd in online away busy offline; do
        t "PATCH status $upd"
        areq PATCH /v1/users/me "${U_AT[me]}" "{\"status\":\"$upd\"}"
        expect_status 200
        expect_json .data.status "\"$upd\""
        expect_json .data.display_name '"Mé Nouveau"'
    done

    t "PATCH back to searchable"
    areq PATCH /v1/users/me "${U_AT[me]}" '{"searchable":true,"read_receipts":true}'
    expect_status 200
    expect_json .data.searchable true
    expect_json .data.read_receipts true

    t "PATCH role and email are not patchable"
    areq PATCH /v1/users/me "${U_AT[me]}" '{"display_name":"Still Me","role":"admin","email":"evil@example.test","email_verified":true}'
    areq GET /v1/users/me "${U_AT[me]}"
    expect_json .data.role '"user"'
    expect_json .data.email "\"${U_EMAIL[me]}\""
    expect_json .data.email_verified false

    local label body field
    while IFS='|' read -r label body field; do
        [[ -n $label ]] || continue
        t "PATCH 400: $label"
        areq PATCH /v1/users/me "${U_AT[me]}" "$body"
        expect_error 400 VALIDATION_ERROR
        [[ -n $field ]] && expect_json .error.field "\"$field\""
    done <<EOF
empty object|{}|
status gone|{"status":"gone"}|status
status deleted|{"status":"deleted"}|status
status number|{"status":1}|status
avatar http|{"avatar_url":"http://cdn.example.test/a.png"}|avatar_url
avatar javascript|{"avatar_url":"javascript:alert(1)"}|avatar_url
avatar not a URL|{"avatar_url":"https://"}|avatar_url
display_name empty|{"display_name":""}|display_name
display_name 101|{"display_name":"$(rep d 101)"}|display_name
searchable string|{"searchable":"no"}|searchable
read_receipts number|{"read_receipts":0}|read_receipts
EOF
    t "PATCH 400 changed nothing"
    areq GET /v1/users/me "${U_AT[me]}"
    expect_json .data.avatar_url '"https://cdn.example.test/a.png"'
    expect_json .data.status '"offline"'

    t "PATCH no token"
    req PATCH /v1/users/me -H 'Content-Type: application/json' --data-binary '{"display_name":"x"}'
    expect_error 401 UNAUTHORIZED
}

# ---------------------------------------------------------------- password change

test_password_change() {
    local at2 rt2 newp="new-${A_RUN}-password" body

    mkuser pw "Pass Word"
    login_sess pw; at2=$L_AT rt2=$L_RT

    t "password: wrong old"
    body=$(jq -nc --arg n "$newp" '{old_password:"wrong old password", new_password:$n}')
    areq POST /v1/users/me/password "${U_AT[pw]}" "$body"
    expect_error 401 UNAUTHORIZED
    me_status "other session untouched" "$at2" 200

    t "password: new too short"
    body=$(jq -nc --arg o "${U_PASS[pw]}" '{old_password:$o, new_password:"1234567"}')
    areq POST /v1/users/me/password "${U_AT[pw]}" "$body"
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"new_password"'
    t "password: old missing"
    areq POST /v1/users/me/password "${U_AT[pw]}" "{\"new_password\":\"$newp\"}"
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"old_password"'

    t "password: change"
    body=$(jq -nc --arg o "${U_PASS[pw]}" --arg n "$newp" '{old_password:$o, new_password:$n}')
    areq POST /v1/users/me/password "${U_AT[pw]}" "$body"
    expect_status 200
    expect_ok_envelope
    t "password: afterwards"
    me_status "current session" "${U_AT[pw]}" 200
    me_status "other session" "$at2" 401
    refresh_status "other session's refresh token" "$rt2" 401
    login_as pw "" "$newp"
    check "$T: login with the new password 200" "HTTP 200 (got $R_STATUS)" test "$R_STATUS" == 200
    login_as pw
    check "$T: login with the old password 401" "HTTP 401 (got $R_STATUS)" test "$R_STATUS" == 401
    check "$T: Argon2id" "password_hash starting with \$argon2id\$" \
        test "$(sql "SELECT left(password_hash, 10) FROM users WHERE user_id = :'id'" -v id="${U_ID[pw]}")" == "\$argon2id\$"
    t "password: no token"
    req POST /v1/users/me/password -H 'Content-Type: application/json' --data-binary "$body"
    expect_error 401 UNAUTHORIZED
}

# ---------------------------------------------------------------- delete account

test_delete_account() {
    local at2 rt2 row

    mkuser del "Dele Ted"
    mkuser delw "Dele Watcher"
    login_sess del; at2=$L_AT rt2=$L_RT

    t "delete: wrong password"
    areq DELETE /v1/users/me "${U_AT[del]}" '{"password":"wrong password!"}'
    expect_error 401 UNAUTHORIZED
    me_status "still there" "${U_AT[del]}" 200
    t "delete: password missing"
    areq DELETE /v1/users/me "${U_AT[del]}" '{}'
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"password"'

    t "delete"
    areq DELETE /v1/users/me "${U_AT[del]}" "$(jq -nc --arg p "${U_PASS[del]}" '{password:$p}')"
    expect_status 200
    expect_ok_envelope
    t "delete: afterwards"
    me_status "its token" "${U_AT[del]}" 401
    me_status "its other session" "$at2" 401
    refresh_status "its refresh token" "$rt2" 401
    login_as del
    check "$T: login 401" "HTTP 401 (got $R_STATUS)" test "$R_STATUS" == 401
    expect_json .error.message '"invalid email or password"'
    areq GET "/v1/users/${U_ID[del]}" "${U_AT[delw]}"
    check "$T: GET /v1/users/:id 404" "HTTP 404 (got $R_STATUS)" test "$R_STATUS" == 404
    row=$(sql "SELECT (deleted_at IS NOT NULL)::text || '|' || (lower(email) = lower(:'e'))::text FROM users WHERE user_id = :'id'" \
        -v id="${U_ID[del]}" -v e="${U_EMAIL[del]}")
    check "$T: row kept, deleted_at set, email scrubbed" "true|false (got '$row')" test "$row" == "true|false"
}

# ---------------------------------------------------------------- users/:id

test_user_by_id() {
    mkuser pa "Pub A"
    mkuser pb "Pub B"

    t "GET /v1/users/:id"
    areq GET "/v1/users/${U_ID[pb]}" "${U_AT[pa]}"
    expect_status 200
    expect_ok_envelope
    expect_jq ".data | keys - $PUBLIC_KEYS == [] and ($PUBLIC_KEYS - keys == [])" ".data is the public profile"
    expect_jq '.data | has("email") | not' "no email key"
    expect_json .data.user_id "\"${U_ID[pb]}\""
    expect_json .data.username "\"${U_NAME[pb]}\""
    expect_json .data.display_name '"Pub B"'
    t "GET /v1/users/:id upper case"
    areq GET "/v1/users/${U_ID[pb]^^}" "${U_AT[pa]}"
    expect_status 200
    expect_json .data.user_id "\"${U_ID[pb]}\""
    t "GET /v1/users/:id unknown"
    areq GET "/v1/users/$(uuid)" "${U_AT[pa]}"
    expect_error 404 NOT_FOUND
    t "GET /v1/users/abc"
    areq GET /v1/users/abc "${U_AT[pa]}"
    expect_error 404 NOT_FOUND
    t "GET /v1/users/:id no token"
    req GET "/v1/users/${U_ID[pb]}"
    expect_error 401 UNAUTHORIZED
}

# ---------------------------------------------------------------- search

# search_ids Q [EXTRA-QUERY]: GET /v1/users/search as the caller `sc`; prints the ids found.
search_q() {
    areq GET "/v1/users/search?q=$(jq -rn --arg q "$1" '$q | @uri')${2:-}" "${U_AT[sc]}"
}
found() { jtrue "[.data.users[]?.user_id] | index(\"$1\") != null"; }
# not_found ID: the body is a search answer (.data.users an array) without ID.
not_found() { jtrue "(.data.users | type == \"array\") and ([.data.users[]?.user_id] | index(\"$1\") == null)"; }

test_search() {
    local tag="S${A_RUN}" dtag="Quokka${A_RUN:1}" r1 r2 k q

    mkuser sc "Searcher" "${tag}_me"
    mkuser s1 "Alpha One" "${tag}_one" "m$(openssl rand -hex 4)@d$(openssl rand -hex 3).test"
    mkuser s2 "Beta Two" "${tag}_two"
    mkuser s3 "Gamma Three" "${tag}_three"
    mkuser s4 "$dtag Person" "zz${A_RUN}x"
    mkuser sh "Hidden" "${tag}_hid"
    mkuser sd "Gone" "${tag}_del"
    areq PATCH /v1/users/me "${U_AT[sh]}" '{"searchable":false}'
    check "setup: searchable=false" "HTTP 200 from PATCH /v1/users/me" test "$R_STATUS" == 200
    areq DELETE /v1/users/me "${U_AT[sd]}" "$(jq -nc --arg p "${U_PASS[sd]}" '{password:$p}')"
    check "setup: delete account" "HTTP 200 from DELETE /v1/users/me" test "$R_STATUS" == 200

    t "search by part of username"
    search_q "$tag"
    expect_status 200
    expect_ok_envelope
    for k in s1 s2 s3; do check "$T: finds $k" "${U_ID[$k]} among .data.users" found "${U_ID[$k]}"; done
    check "$T: not searchable=false" "${U_ID[sh]} not among .data.users" not_found "${U_ID[sh]}"
    check "$T: not deleted" "${U_ID[sd]} not among .data.users" not_found "${U_ID[sd]}"
    check "$T: not the caller" "${U_ID[sc]} not among .data.users" not_found "${U_ID[sc]}"
    expect_jq '.data.users | type == "array"' ".data.users is an array"
    expect_jq "[.data.users[] | (keys - $PUBLIC_KEYS == [])] | all" "users are public profiles"
    expect_jq '[.data.users[] | has("email")] | any | not' "no email keys"
    expect_jq '.data.has_more | type == "boolean"' ".data.has_more boolean"
    expect_jq '.data.next_cursor | type == "string"' ".data.next_cursor string"

    t "search by part of username, other case"
    search_q "${tag,,}_TW"
    expect_status 200
    check "$T: finds s2" "${U_ID[s2]} among .data.users" found "${U_ID[s2]}"

    t "search by part of display name"
    search_q "${dtag,,}"
    expect_status 200
    check "$T: finds s4" "${U_ID[s4]} among .data.users" found "${U_ID[s4]}"

    t "search by exact email"
    search_q "${U_EMAIL[s1]}"
    expect_status 200
    check "$T: finds s1" "${U_ID[s1]} among .data.users" found "${U_ID[s1]}"
    expect_jq '[.data.users[] | has("email")] | any | not' "no email keys"

    r1=${U_EMAIL[s1]%@*} r2=${U_EMAIL[s1]#*@}
    for q in "$r1" "$r2" "${U_EMAIL[s1]:0:${#U_EMAIL[s1]}-1}"; do
        t "search by part of an email ($q)"
        search_q "$q"
        expect_status 200
        check "$T: does not find s1" "${U_ID[s1]} not among .data.users" not_found "${U_ID[s1]}"
    done

    t "search: exact email of a searchable=false user"
    search_q "${U_EMAIL[sh]}"
    expect_status 200
    check "$T: not found" "${U_ID[sh]} not among .data.users" not_found "${U_ID[sh]}"
    t "search: exact email of a deleted user"
    search_q "${U_EMAIL[sd]}"
    expect_status 200
    check "$T: not found" "${U_ID[sd]} not among .data.users" not_found "${U_ID[sd]}"
    t "search: the caller's own email"
    search_q "${U_EMAIL[sc]}"
    expect_status 200
    check "$T: not found" "${U_ID[sc]} not among .data.users" not_found "${U_ID[sc]}"

    t "search: q of 2 chars"
    search_q "ab"
    expect_status 200
    t "search: q of 100 chars"
    search_q "$(rep q 100)"
    expect_status 200

    local label extra
    while IFS='|' read -r label q extra; do
        [[ -n $label ]] || continue
        t "search 400: $label"
        if [[ $q == '-' ]]; then areq GET "/v1/users/search?${extra#&}" "${U_AT[sc]}"; else search_q "$q" "$extra"; fi
        expect_error 400 VALIDATION_ERROR
        case $label in
            q*) expect_json .error.field '"q"' ;;
            limit*) expect_json .error.field '"limit"' ;;
        esac
    done <<EOF
q missing|-|&limit=5
q empty||
q 1 char|a|
q 101 chars|$(rep q 101)|
limit=0|$tag|&limit=0
limit=abc|$tag|&limit=abc
limit=-1|$tag|&limit=-1
limit=1.5|$tag|&limit=1.5
cursor garbage|$tag|&cursor=garbage!!
cursor base64 garbage|$tag|&cursor=eyJ4IjoxfQ
EOF

    t "search: limit=500 clamped"
    search_q "${A_RUN:0:2}" "&limit=500"
    expect_status 200
    expect_jq '.data.users | length <= 100' "at most 100 users"
    t "search: limit=100"
    search_q "$tag" "&limit=100"
    expect_status 200

    # pagination over at least three matches, one per page
    t "search pagination"
    local cursor="" pages=0 seen=() last_more=true last_cursor="x" bad=0 n
    while ((pages < 30)); do
        search_q "$tag" "&limit=1${cursor:+&cursor=$(jq -rn --arg c "$cursor" '$c | @uri')}"
        pages=$((pages + 1))
        if [[ $R_STATUS != 200 ]]; then bad=1; break; fi
        n=$(jq '.data.users | length' <"$R_BODY" 2>/dev/null || echo x)
        [[ $n == 0 || $n == 1 ]] || bad=1
        while read -r k; do [[ -n $k ]] && seen+=("$k"); done < <(jq -r '.data.users[]?.user_id' <"$R_BODY")
        jr_into last_more .data.has_more
        jr_into last_cursor .data.next_cursor
        [[ $last_more == true ]] || break
        [[ -n $last_cursor && $last_cursor != null ]] || { bad=1; break; }
        cursor=$last_cursor
    done
    check "$T: every page 200 with at most one user" "HTTP 200 and <= 1 user per page (page $pages)" test "$bad" == 0
    check "$T: ends" "has_more false within 30 pages" test "$last_more" == false
    check "$T: last next_cursor empty" "next_cursor \"\" on the last page (got '$last_cursor')" test "$last_cursor" == ""
    for k in s1 s2 s3; do
        n=0
        for r1 in "${seen[@]}"; do [[ $r1 == "${U_ID[$k]}" ]] && n=$((n + 1)); done
        check "$T: $k exactly once" "${U_ID[$k]} seen once over $pages pages (got $n)" test "$n" == 1
    done
    n=$(printf '%s\n' "${seen[@]}" | sort | uniq -d | wc -l)
    check "$T: no duplicates" "no user twice over $pages pages" test "$n" == 0
    for r1 in "${seen[@]}"; do
        if [[ $r1 == "${U_ID[sh]}" || $r1 == "${U_ID[sd]}" || $r1 == "${U_ID[sc]}" ]]; then
            fail "$T: no hidden, deleted or own user" "not $r1"; break
        fi
    done

    t "search: no token"
    req GET "/v1/users/search?q=$tag"
    expect_error 401 UNAUTHORIZED
}

# ---------------------------------------------------------------- Redis down

wait_me_200() {
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do
        areq GET /v1/users/me "$1"
        [[ $R_STATUS == 200 ]] && return 0
        sleep 0.5
    done
    return 1
}

# While Redis is down, send every program of this file a few parallel requests that reach
# Redis, so each FastCGI process notices the dead connection and closes its end. Otherwise
# the stopped Redis leaves orphaned FIN_WAIT2 sockets on its port (up to tcp_fin_timeout),
# and scripts/svc.sh's sc_redis_up refuses to start while the port looks busy.
poke_programs() {
    local tok=$1 dir="$SC_WORK/poke" i p
    rm -rf "$dir"; mkdir -p "$dir"; : >"$dir/cfg"
    for i in 1 2 3 4 5 6; do
        for p in /v1/auth/register /v1/auth/login /v1/auth/refresh; do
            printf 'url = "%s%s"\noutput = "/dev/null"\nsilent\nmax-time = 10\nheader = "Content-Type: application/json"\ndata-binary = "{}"\nnext\n' \
                "$SC_BASE" "$p" >>"$dir/cfg"
        done
        for p in /v1/auth/logout /v1/auth/logout-all /v1/users/me/password; do
            printf 'url = "%s%s"\noutput = "/dev/null"\nsilent\nmax-time = 10\nheader = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\ndata-binary = "{}"\nnext\n' \
                "$SC_BASE" "$p" "$tok" >>"$dir/cfg"
        done
        for p in /v1/auth/sessions /v1/auth/profile /v1/users/me /v1/users/search?q=xx \
            "/v1/users/$(uuid)"; do
            printf 'url = "%s%s"\noutput = "/dev/null"\nsilent\nmax-time = 10\nheader = "Authorization: Bearer %s"\nnext\n' \
                "$SC_BASE" "$p" "$tok" >>"$dir/cfg"
        done
        printf 'url = "%s/v1/auth/sessions/%s"\noutput = "/dev/null"\nsilent\nmax-time = 10\nrequest = "DELETE"\nheader = "Authorization: Bearer %s"\nnext\n' \
            "$SC_BASE" "$(uuid)" "$tok" >>"$dir/cfg"
    done
    printf 'url = "%s/health"\noutput = "/dev/null"\nsilent\n' "$SC_BASE" >>"$dir/cfg"
    curl -s --parallel --parallel-max 16 -K "$dir/cfg" >/dev/null 2>&1 || true
}

test_redis_down() {
    local i

    mkuser rd "Red Is"

    t "redis down: before"
    me_status "GET /v1/users/me" "${U_AT[rd]}" 200

    t "redis-stop"
    REDIS_DOWN=1
    R_KIND=cmd C_DESC="$SC_CTL redis-stop" C_RC=0
    "$SC_CTL" redis-stop </dev/null >"$C_OUT" 2>"$C_ERR" || C_RC=$?
    expect_rc 0

    t "redis down: GET /v1/users/me"
    areq GET /v1/users/me "${U_AT[rd]}"
    expect_error 503 SERVICE_UNAVAILABLE
    t "redis down: again"
    areq GET /v1/users/me "${U_AT[rd]}"
    check "$T: never 200" "not HTTP 200 while Redis is down (got $R_STATUS)" test "$R_STATUS" != 200
    t "redis down: crafted valid token"
    local now; now=$(date +%s)
    areq GET /v1/users/me "$(mkjwt '{"alg":"HS256","typ":"JWT"}' "$(jq -nc --arg u "${U_ID[rd]}" --arg s "${U_SID[rd]}" \
        --arg j "$(uuid)" --arg iss "$A_ISSUER" --argjson n "$now" \
        '{iss:$iss, aud:"secureconnect-api", typ:"access", sub:$u, user_id:$u, sid:$s, jti:$j, role:"user", iat:$n, nbf:$n, exp:($n + 600)}')")"
    expect_error 503 SERVICE_UNAVAILABLE

    # the start is retried (not timed): see poke_programs
    t "redis-start"
    for i in $(seq 40); do
        poke_programs "${U_AT[rd]}"
        R_KIND=cmd C_DESC="$SC_CTL redis-start" C_RC=0
        "$SC_CTL" redis-start </dev/null >"$C_OUT" 2>"$C_ERR" || C_RC=$?
        [[ $C_RC == 0 ]] && break
        sleep 2
    done
    expect_rc 0
    [[ $C_RC == 0 ]] && REDIS_DOWN=0
    restore_redis

    t "redis back: GET /v1/users/me"
    wait_me_200 "${U_AT[rd]}"
    expect_status 200
    expect_json .data.user_id "\"${U_ID[rd]}\""
}

# ---------------------------------------------------------------- rate limits (last)

# flood N OUT-DIR URL [CONFIG-LINE...]: N parallel requests (curl -K, one operation each, so
# every response keeps its own header and body file); the statuses go to OUT-DIR/codes.
flood() {
    local n=$1 dir=$2 url=$3 i line; shift 3
    rm -rf "$dir"; mkdir -p "$dir"
    : >"$dir/cfg"
    for ((i = 0; i < n; i++)); do
        ((i > 0)) && echo next >>"$dir/cfg"
        printf 'url = "%s"\noutput = "%s/b%d"\ndump-header = "%s/h%d"\nsilent\nshow-error\nmax-time = 20\nwrite-out = "%%{http_code}\\n"\n' \
            "$url" "$dir" "$i" "$dir" "$i" >>"$dir/cfg"
        for line in "$@"; do printf '%s\n' "$line" >>"$dir/cfg"; done
    done
    curl -s --parallel --parallel-immediate --parallel-max 32 -K "$dir/cfg" >"$dir/codes" 2>"$dir/err" || true
}

# drain_bucket SUBJECT BURST-KEY PER-MINUTE-KEY: empty the GCRA bucket rl:SUBJECT (lib/sc_ratelimit.c:
# the key holds the theoretical arrival time in microseconds of Redis's clock) as a burst at once
# would, 2 s beyond: requests of that subject are refused for about 2 s; the key expires in 4 s.
drain_bucket() {
    local rcl=(timeout 10 redis-cli --no-auth-warning -h "$(cfgval REDIS_HOST)" -p "$(cfgval REDIS_PORT)")
    local burst per now_s now_frac
    burst=$(cfgval "$2"); per=$(cfgval "$3")
    { read -r now_s; read -r now_frac; } < <(REDISCLI_AUTH=$(cfgval REDIS_PASSWORD) "${rcl[@]}" TIME)
    REDISCLI_AUTH=$(cfgval REDIS_PASSWORD) "${rcl[@]}" SET "rl:$1" \
        "$((now_s * 1000000 + 10#$now_frac + burst * 60000000 / per + 2000000))" PX 4000 >/dev/null
}

test_rate_limits() {
    local n429

    mkuser rl "Rate Lim"

    t "rate limit headers on a normal answer"
    areq GET /v1/users/me "${U_AT[rl]}"
    expect_status 200
    expect_header RateLimit-Limit '^[0-9]+$'
    expect_header RateLimit-Remaining '^[0-9]+$'
    expect_header RateLimit-Reset '^[0-9]+$'
    t "rate limit headers on a public answer"
    login_as rl
    expect_status 200
    expect_header RateLimit-Limit '^[0-9]+$'
    expect_header RateLimit-Remaining '^[0-9]+$'

    # As for the per-address limit below: one flood (its codes), then the user's bucket emptied
    # in Redis, so that the refusal does not depend on outrunning the refill on a loaded machine.
    t "per-user burst"
    flood 100 "$SC_WORK/flood-user" "$SC_BASE/v1/users/me" "header = \"Authorization: Bearer ${U_AT[rl]}\""
    check "$T: only 200 and 429 among 100 parallel requests" \
        "codes 200/429 (got $(sort "$SC_WORK/flood-user/codes" | uniq -c | tr '\n' ' '))" \
        test "$(grep -cvE '^(200|429)$' "$SC_WORK/flood-user/codes")" == 0
    drain_bucket "user:${U_ID[rl]}" RATE_LIMIT_USER_BURST RATE_LIMIT_USER_PER_MINUTE
    areq GET /v1/users/me "${U_AT[rl]}"
    expect_error 429 RATE_LIMITED
    expect_header Retry-After '^[1-9][0-9]*$'
    expect_header RateLimit-Limit "^$(cfgval RATE_LIMIT_USER_BURST)\$"
    expect_header RateLimit-Remaining '^0$'
    expect_header RateLimit-Reset '^[0-9]+$'
    t "per-user burst: another user is not limited"
    mkuser rl2 "Rate Two"
    me_status "GET /v1/users/me" "${U_AT[rl2]}" 200

    # Per-address limit on a public endpoint (cheap requests: a garbage refresh token). A flood
    # shows the counting only when requests come faster than the bucket refills (100/s with the
    # test stack's 6000/min), which a loaded machine running the ASan build does not always
    # manage; the per-user flood above already shows the same GCRA counting. So the address's
    # bucket is then emptied in Redis (its TAT set 2 s past the burst window, as 300 requests at
    # once would leave it): the next public request from this address must be refused.
    t "per-address burst"
    flood 100 "$SC_WORK/flood-ip" "$SC_BASE/v1/auth/refresh" 'header = "Content-Type: application/json"' \
        'data-binary = "{\"refresh_token\":\"garbage\"}"'
    check "$T: only 401 and 429 among 100 parallel requests" \
        "codes 401/429 (got $(sort "$SC_WORK/flood-ip/codes" | uniq -c | tr '\n' ' '))" \
        test "$(grep -cvE '^(401|429)$' "$SC_WORK/flood-ip/codes")" == 0
    t "per-address limit: an emptied bucket refuses the address"
    drain_bucket ip:127.0.0.1 RATE_LIMIT_IP_BURST RATE_LIMIT_IP_PER_MINUTE
    local burst; burst=$(cfgval RATE_LIMIT_IP_BURST)
    jpost /v1/auth/refresh '{"refresh_token":"garbage"}'
    expect_error 429 RATE_LIMITED
    expect_header Retry-After '^[1-9][0-9]*$'
    expect_header RateLimit-Limit "^$burst\$"
    expect_header RateLimit-Remaining '^0$'
    expect_header RateLimit-Reset '^[0-9]+$'
    t "per-address limit: authenticated requests count per user, not per address"
    me_status "GET /v1/users/me" "${U_AT[rl2]}" 200
    # give the address its full bucket back for the next suite
    REDISCLI_AUTH=$(cfgval REDIS_PASSWORD) timeout 10 redis-cli --no-auth-warning -h "$(cfgval REDIS_HOST)" \
        -p "$(cfgval REDIS_PORT)" DEL rl:ip:127.0.0.1 >/dev/null
}

# ---------------------------------------------------------------- run

test_register
test_login
test_refresh
test_access_tokens
test_logout
test_logout_all
test_sessions
test_profile_me
test_password_change
test_delete_account
test_user_by_id
test_search
test_redis_down
test_rate_limits

restore_redis
summary_accounts
