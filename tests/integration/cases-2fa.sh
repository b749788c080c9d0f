#!/usr/bin/env bash
# Black-box cases for two-factor login (api.md "Accounts": POST /v1/auth/2fa/setup|enable|disable,
# POST /v1/auth/login and /v1/auth/login/2fa, end_other_sessions of POST /v1/users/me/password).
# TOTP codes come from an independent implementation: oathtool (Debian's oathtool package),
# computed for a base time T0 and a step offset. Run by tests/integration/run.sh once per web
# server, against the same PostgreSQL and Redis.
#
# Time: a code is accepted for the server's step and one either side. The two checks that depend
# on the exact step (enable with the previous step's code, a code two steps ahead refused) run in
# the first seconds after T0, which `align` puts at least 10 s before the end of a step.
# Rate limit: MFA_PER_MINUTE/MFA_BURST (5/5 by default) per account, so the account's bucket is
# deleted in Redis between phases (mfa_reset) instead of waiting for it to refill.
#
# AUTH_REQUIRE_VERIFIED_EMAIL is one setting per stack and the stacks run with it off; its
# decision (403 EMAIL_NOT_VERIFIED after a correct password) is unit-tested in test_mfa.c.
#
# Environment: SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP (see cases.sh); SC_VERBOSE=1.
# Last line: "<server>-2fa: N passed, M failed"; exit 0 only when M is 0.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=2fa

# shellcheck source=suite.sh
. "$HERE/suite.sh"

RE_B32='^[A-Z2-7]{32}$'
RE_RECOVERY='^[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}$'
RE_TOKEN='^[A-Za-z0-9_-]{43}$'
declare -A SECRET
declare -a REC_A
T0=0

# align: T0 = now, first waiting for the next step when fewer than 10 s of this one are left
align() {
    local now; now=$(date +%s)
    if ((now % 30 >= 20)); then sleep $((30 - now % 30)); now=$(date +%s); fi
    T0=$now
}
# totp KEY [STEPS]: the code of KEY's secret for the step of T0 + STEPS * 30 s
totp() { oathtool --totp -b "${SECRET[$1]}" -N "@$((T0 + ${2:-0} * 30))"; }
# mfa_reset KEY: give KEY's code-check bucket back
mfa_reset() { rcli DEL "rl:mfa:${U_ID[$1]}" >/dev/null; }
# drain_mfa KEY: empty KEY's bucket as a burst would (cases-accounts.sh drain_bucket), 2 s beyond
drain_mfa() {
    local burst per now_s now_frac
    burst=$(cfgval MFA_BURST); burst=${burst:-5}
    per=$(cfgval MFA_PER_MINUTE); per=${per:-5}
    { read -r now_s; read -r now_frac; } < <(rcli TIME)
    rcli SET "rl:mfa:${U_ID[$1]}" \
        "$((now_s * 1000000 + 10#$now_frac + burst * 60000000 / per + 2000000))" PX 4000 >/dev/null
}
# setup KEY: POST /v1/auth/2fa/setup with KEY's password; SECRET[KEY] from the answer
setup() {
    local b; jobj_into b password "${U_PASS[$1]}"
    areq POST /v1/auth/2fa/setup "${U_AT[$1]}" "$b"
    [[ $R_STATUS == 200 ]] && jr_into "SECRET[$1]" .data.secret ""
}
# enable KEY CODE [EXTRA-JSON-MEMBERS]
enable() { areq POST /v1/auth/2fa/enable "${U_AT[$1]}" "{\"code\":\"$2\"${3:+,$3}}"; }
# mfa_login KEY: POST /v1/auth/login, MFA_TOKEN from the answer
mfa_login() { login_as "$1"; jr_into MFA_TOKEN .data.mfa_token ""; }
# login2 TOKEN MEMBER VALUE: POST /v1/auth/login/2fa {mfa_token, MEMBER: VALUE}
login2() { local b; jobj_into b mfa_token "$1" "$2" "$3"; jpost /v1/auth/login/2fa "$b"; }
# disable KEY PASSWORD MEMBER VALUE [EXTRA]
disable() {
    local b; jobj_into b password "$2" "$3" "$4"
    areq POST /v1/auth/2fa/disable "${U_AT[$1]}" "${b%\}}${5:+,$5}}"
}
sqlcheck() {   # sqlcheck WHAT SQL: the statement prints t
    local got; got=$(sql "$2")
    if [[ $got == t ]]; then ok "$T: $1"; else fail "$T: $1" "psql says t (got '$got')"; fi
}

test_setup() {
    local hex
    mkuser a "Two Factor"
    mkuser c "Second Factor"
    mkuser n "No Factor"
    t "setup: wrong password"
    areq POST /v1/auth/2fa/setup "${U_AT[a]}" '{"password":"not-the-password"}'
    expect_error 401 UNAUTHORIZED
    t "setup: no password"
    areq POST /v1/auth/2fa/setup "${U_AT[a]}" '{}'
    expect_error 400 VALIDATION_ERROR
    expect_match .error.message password
    t "setup: no token"
    jpost /v1/auth/2fa/setup '{"password":"x"}'
    expect_error 401 UNAUTHORIZED
    t "setup"
    setup a
    expect_status 200
    expect_match .data.secret "$RE_B32"
    expect_match .data.otpauth_uri "^otpauth://totp/[^?]+:acc\\.${A_RUN}\\.a%40example\\.test\\?secret=${SECRET[a]}&issuer=[^&]+&algorithm=SHA1&digits=6&period=30\$"
    expect_match .data.qr_svg '^<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 [0-9]+ [0-9]+"[^>]*><path fill="#fff" d="[^"]+"/><path d="(M[0-9]+ [0-9]+h[0-9]+v1H[0-9]+z)+"/></svg>$'
    t "setup: the pending secret is sealed in PostgreSQL, not in clear"
    hex=$(oathtool -v --totp -b "${SECRET[a]}" -N @0 | sed -n 's/^Hex secret: //p')
    sqlcheck "48 bytes, neither the raw nor the base32 secret inside, not active" \
        "SELECT octet_length(totp_pending) = 48 AND position(decode('$hex', 'hex') in totp_pending) = 0
                AND position(convert_to('${SECRET[a]}', 'UTF8') in totp_pending) = 0
                AND totp_secret IS NULL AND NOT two_factor_enabled
         FROM users WHERE user_id = '${U_ID[a]}'"
    t "setup: login still without a second step"
    login_as a
    expect_status 200
    expect_match .data.access_token "$RE_JWT"
    t "enable: no setup pending"
    enable n 123456
    expect_error 409 CONFLICT
    t "enable: no code"
    areq POST /v1/auth/2fa/enable "${U_AT[a]}" '{}'
    expect_error 400 VALIDATION_ERROR
    expect_match .error.message code
    T0=$(date +%s)
    t "enable: a code of another time"
    enable a "$(totp a 10)"
    expect_error 400 VALIDATION_ERROR
    expect_match .error.message '^code'
    setup c
    expect_status 200
}

# Enabling: a's other sessions end (the default), c keeps them (end_other_sessions:false).
# Then the step-exact checks, right after align.
test_enable_and_window() {
    local a_other c_other i
    login_sess a; a_other=$L_AT
    login_sess c; c_other=$L_AT
    align
    t "enable with the previous step's code (window)"
    enable a "$(totp a -1)"
    expect_status 200
    expect_json '.data.recovery_codes | length' 10
    expect_json .data.sessions_revoked 2   # a_other and the login of test_setup
    for i in 0 1 2 3 4 5 6 7 8 9; do jr_into "REC_A[$i]" ".data.recovery_codes[$i]" ""; done
    expect_match '.data.recovery_codes[0]' "$RE_RECOVERY"
    expect_match '.data.recovery_codes[9]' "$RE_RECOVERY"
    t "enable c, end_other_sessions false"
    enable c "$(totp c -1)" '"end_other_sessions":false'
    expect_status 200
    expect_json .data.sessions_revoked 0
    t "login: mfa_required"
    mfa_login a
    expect_status 200
    expect_json .data.mfa_required true
    expect_match .data.mfa_token "$RE_TOKEN"
    expect_json .data.access_token null
    t "login/2fa: a code two steps ahead"
    login2 "$MFA_TOKEN" code "$(totp a 2)"
    expect_error 401 UNAUTHORIZED
    t "login/2fa: the code of the step enable used (replay)"
    login2 "$MFA_TOKEN" code "$(totp a -1)"
    expect_error 401 UNAUTHORIZED

    t "enable: other sessions"
    me_status "a's other session ended" "$a_other" 401
    me_status "a's own session stays" "${U_AT[a]}" 200
    me_status "c's other session kept" "$c_other" 200
    t "enable: state"
    areq GET /v1/users/me "${U_AT[a]}"
    expect_json .data.two_factor_enabled true
    sqlcheck "secret active, nothing pending, 10 recovery codes" \
        "SELECT u.totp_secret IS NOT NULL AND u.totp_pending IS NULL AND u.two_factor_enabled
                AND (SELECT count(*) FROM recovery_codes r WHERE r.user_id = u.user_id) = 10
         FROM users u WHERE u.user_id = '${U_ID[a]}'"
    t "setup when enabled"
    setup a
    expect_error 409 CONFLICT
    t "enable when enabled"
    enable a "$(totp a 0)"
    expect_error 409 CONFLICT
}

test_login() {
    local tok
    mfa_reset a
    t "login/2fa: the current code"
    login2 "$MFA_TOKEN" code "$(totp a 0)"
    expect_status 200
    expect_match .data.access_token "$RE_JWT"
    expect_match .data.refresh_token "$RE_TOKEN"
    expect_json .data.user.user_id "\"${U_ID[a]}\""
    expect_json .data.user.two_factor_enabled true
    jr_into tok .data.access_token x.y.z
    me_status "the new session works" "$tok" 200
    t "login/2fa: the used mfa_token"
    login2 "$MFA_TOKEN" code "$(totp a 1)"
    expect_error 401 UNAUTHORIZED
    t "login/2fa: the same code again (replay)"
    mfa_login a
    login2 "$MFA_TOKEN" code "$(totp a 0)"
    expect_error 401 UNAUTHORIZED
    t "login/2fa: the next step's code (window)"
    login2 "$MFA_TOKEN" code "$(totp a 1)"
    expect_status 200
    expect_match .data.access_token "$RE_JWT"
    mfa_reset a

    t "login/2fa: recovery code"
    mfa_login a
    login2 "$MFA_TOKEN" recovery_code "${REC_A[0]}"
    expect_status 200
    t "login/2fa: the same recovery code again"
    mfa_login a
    login2 "$MFA_TOKEN" recovery_code "${REC_A[0]}"
    expect_error 401 UNAUTHORIZED
    t "login/2fa: recovery code lower case, no dash"
    tok=${REC_A[1],,}
    login2 "$MFA_TOKEN" recovery_code "${tok/-/}"
    expect_status 200
    mfa_reset a

    t "login/2fa: garbage mfa_token"
    login2 garbage code 123456
    expect_error 401 UNAUTHORIZED
    login2 "$(rep A 43)" code 123456
    expect_error 401 UNAUTHORIZED
    t "login/2fa: no factor"
    jpost /v1/auth/login/2fa "{\"mfa_token\":\"$(rep A 43)\"}"
    expect_error 400 VALIDATION_ERROR
    expect_match .error.message code
    t "login/2fa: code and recovery_code"
    jpost /v1/auth/login/2fa "{\"mfa_token\":\"$(rep A 43)\",\"code\":\"1\",\"recovery_code\":\"x\"}"
    expect_error 400 VALIDATION_ERROR
    t "login/2fa: expired mfa_token"
    mfa_login a
    sql "UPDATE login_challenges SET expires_at = now() - interval '1 second'
         WHERE token_hash = sha256(convert_to(:'t', 'UTF8'))" -v "t=$MFA_TOKEN" >/dev/null
    login2 "$MFA_TOKEN" recovery_code "${REC_A[2]}"
    expect_error 401 UNAUTHORIZED
    t "login/2fa: five wrong codes end the challenge"
    mfa_login a
    for tok in 1 2 3 4 5; do login2 "$MFA_TOKEN" code "$(totp a 9)"; done
    expect_error 401 UNAUTHORIZED
    mfa_reset a
    login2 "$MFA_TOKEN" recovery_code "${REC_A[2]}"
    expect_error 401 UNAUTHORIZED
    t "login/2fa: that recovery code was not spent"
    mfa_login a
    login2 "$MFA_TOKEN" recovery_code "${REC_A[2]}"
    expect_status 200

    t "login/2fa: rate limit per account"
    mfa_login a
    drain_mfa a
    login2 "$MFA_TOKEN" recovery_code "${REC_A[3]}"
    expect_error 429 RATE_LIMITED
    expect_header Retry-After '^[1-9][0-9]*$'
    t "login/2fa: the limited attempt did not spend the code"
    mfa_reset a
    login2 "$MFA_TOKEN" recovery_code "${REC_A[3]}"
    expect_status 200
}

# Password change: end_other_sessions false keeps them, the default ends them; 2FA stays.
test_password() {
    local other b
    mfa_reset a
    mfa_login a
    login2 "$MFA_TOKEN" recovery_code "${REC_A[4]}"
    jr_into other .data.access_token x.y.z
    t "password change, end_other_sessions false"
    jobj_into b old_password "${U_PASS[a]}" new_password "${U_PASS[a]}-2"
    areq POST /v1/users/me/password "${U_AT[a]}" "${b%\}},\"end_other_sessions\":false}"
    expect_status 200
    expect_json .data.sessions_revoked 0
    me_status "the other session kept" "$other" 200
    t "password change, default"
    jobj_into b old_password "${U_PASS[a]}-2" new_password "${U_PASS[a]}-3"
    areq POST /v1/users/me/password "${U_AT[a]}" "$b"
    expect_status 200
    expect_jq '.data.sessions_revoked >= 1'
    me_status "the other session ended" "$other" 401
    U_PASS[a]="${U_PASS[a]}-3"
    t "password change: 2FA stays on"
    mfa_login a
    expect_json .data.mfa_required true
    areq GET /v1/users/me "${U_AT[a]}"
    expect_json .data.two_factor_enabled true
    t "password change: end_other_sessions not a boolean"
    areq POST /v1/users/me/password "${U_AT[a]}" "${b%\}},\"end_other_sessions\":\"no\"}"
    expect_error 400 VALIDATION_ERROR
    expect_match .error.message end_other_sessions
}

test_disable() {
    local c_other
    mfa_reset c
    t "c logs in with the current code"
    mfa_login c
    login2 "$MFA_TOKEN" code "$(totp c 0)"
    expect_status 200
    jr_into c_other .data.access_token x.y.z
    t "disable: wrong password"
    disable c not-the-password code "$(totp c 1)"
    expect_error 401 UNAUTHORIZED
    t "disable: no code"
    areq POST /v1/auth/2fa/disable "${U_AT[c]}" "{\"password\":\"${U_PASS[c]}\"}"
    expect_error 400 VALIDATION_ERROR
    t "disable: the code login used (replay)"
    disable c "${U_PASS[c]}" code "$(totp c 0)"
    expect_error 401 UNAUTHORIZED
    t "disable: a wrong code"
    disable c "${U_PASS[c]}" code "$(totp c 9)"
    expect_error 401 UNAUTHORIZED
    t "disable: password and the next code"
    disable c "${U_PASS[c]}" code "$(totp c 1)"
    expect_status 200
    expect_json .data.sessions_revoked 2   # the session kept at enable, and the login above
    me_status "c's other session ended" "$c_other" 401
    sqlcheck "secret gone" "SELECT totp_secret IS NULL AND NOT two_factor_enabled
                            FROM users WHERE user_id = '${U_ID[c]}'"
    t "disable: not enabled"
    disable c "${U_PASS[c]}" code 123456
    expect_error 409 CONFLICT
    t "login after disable: a session at once"
    login_as c
    expect_status 200
    expect_match .data.access_token "$RE_JWT"

    mfa_reset a
    t "disable with a recovery code, end_other_sessions false"
    disable a "${U_PASS[a]}" recovery_code "${REC_A[5]}" '"end_other_sessions":false'
    expect_status 200
    expect_json .data.sessions_revoked 0
    areq GET /v1/users/me "${U_AT[a]}"
    expect_json .data.two_factor_enabled false
    sqlcheck "recovery codes removed" \
        "SELECT count(*) = 0 FROM recovery_codes WHERE user_id = '${U_ID[a]}'"
    t "disable: the mfa_token of before no longer finishes a login"
    login2 "$MFA_TOKEN" recovery_code "${REC_A[6]}"
    expect_error 401 UNAUTHORIZED
}

test_setup
test_enable_and_window
test_login
test_password
test_disable
for n in "${!EV_PID[@]}"; do ev_stop "$n"; done
printf '%s-%s: %d passed, %d failed\n' "$SC_SERVER" "$SUITE" "$SC_PASS" "$SC_FAIL"
[[ $SC_FAIL -eq 0 ]]
