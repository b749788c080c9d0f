#!/usr/bin/env bash
# Black-box cases for the account mails (api.md "Accounts and sessions": verify-email, resend,
# password reset, e-mail change; issue 8): every mail is read back from this run's maildev
# through its REST API (SC_MAILDEV_PORT, /api/email), filtered by recipient (the tests of this
# suite share one maildev; the two stacks of make test never do). The link and token in a mail
# work once, then 401. SMTP down at request time (SC_CTL maildev-stop): the request still
# succeeds, the mail waits in mail_outbox, and `sc-admin outbox flush` delivers it exactly once.
#
# Environment: SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP (see cases.sh), SC_MAILDEV_PORT,
# SC_SMTP_PORT (run.sh); SC_VERBOSE=1. Last line: "<server>-mail: N passed, M failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=mail

# shellcheck source=suite.sh
. "$HERE/suite.sh"
# shellcheck source=../../scripts/svc.sh
. "$HERE/../../scripts/svc.sh"

MAILDEV=http://127.0.0.1:${SC_MAILDEV_PORT:?run.sh sets SC_MAILDEV_PORT}
APP_URL=$(cfgval APP_URL)
RE_TOKEN='token=([A-Za-z0-9_-]{43})'

# mail_wait ADDR N: wait (up to 10 s) until maildev holds at least N mails to ADDR; then M_COUNT
# is their number and M_SUBJECT, M_TEXT, M_HTML, M_TOKEN those of the newest one. 1 on timeout.
mail_wait() {
    local addr=$1 n=$2 i out
    M_COUNT=0 M_SUBJECT="" M_TEXT="" M_HTML="" M_TOKEN=""
    for ((i = 0; i < 50; i++)); do
        out=$(curl -s --max-time 5 "$MAILDEV/api/email" | jq -c --arg a "$addr" \
            '[.[] | select(any(.envelope.to[]?; (.address | ascii_downcase) == $a))] | sort_by(.time)
             | {n: length, last: (last // {})}' 2>/dev/null) || out=""
        M_COUNT=$(jq -r '.n // 0' <<<"$out" 2>/dev/null)
        M_COUNT=${M_COUNT:-0}
        ((M_COUNT >= n)) && break
        sleep 0.2
    done
    M_SUBJECT=$(jq -r '.last.subject // ""' <<<"$out")
    M_TEXT=$(jq -r '.last.text // ""' <<<"$out")
    M_HTML=$(jq -r '.last.html // ""' <<<"$out")
    [[ $M_TEXT =~ $RE_TOKEN ]] && M_TOKEN=${BASH_REMATCH[1]}
    ((M_COUNT >= n))
}

# mail_count ADDR: how many mails to ADDR maildev holds now (M_COUNT).
mail_count() {
    M_COUNT=$(curl -s --max-time 5 "$MAILDEV/api/email" | jq --arg a "$2" \
        '[.[] | select(any(.envelope.to[]?; (.address | ascii_downcase) == $a))] | length' 2>/dev/null)
    M_COUNT=${M_COUNT:-x}
}

# got_mail NAME ADDR N: a counted check that the N-th mail to ADDR arrived.
got_mail() {
    if mail_wait "$2" "$3"; then ok "$T: $1"
    else fail "$T: $1" "mail number $3 to $2 in maildev (found $M_COUNT)"; fi
}

# drain_hourly CLASS SUBJECT PER-HOUR-KEY: empty the hourly GCRA bucket rl:CLASS:SUBJECT as a
# burst would (see cases-accounts.sh drain_bucket), 2 s beyond; the key expires in 4 s.
drain_hourly() {
    local rcl=(timeout 10 redis-cli --no-auth-warning -h "$(cfgval REDIS_HOST)" -p "$(cfgval REDIS_PORT)")
    local per now_s now_frac
    per=$(cfgval "$3"); per=${per:-5}
    { read -r now_s; read -r now_frac; } < <(REDISCLI_AUTH=$(cfgval REDIS_PASSWORD) "${rcl[@]}" TIME)
    REDISCLI_AUTH=$(cfgval REDIS_PASSWORD) "${rcl[@]}" SET "rl:$1:$2" \
        "$((now_s * 1000000 + 10#$now_frac + 3600000000 + 2000000))" PX 4000 >/dev/null
}
undrain() {
    REDISCLI_AUTH=$(cfgval REDIS_PASSWORD) timeout 10 redis-cli --no-auth-warning -h "$(cfgval REDIS_HOST)" \
        -p "$(cfgval REDIS_PORT)" DEL "rl:$1:$2" >/dev/null
}

tokbody() { jobj_into TB token "$1"; }

test_verify() {
    local tok body
    t "register sends a verification mail"
    mkuser v "Tom <b>&</b> Jerry"
    got_mail "verification mail to ${U_EMAIL[v]}" "${U_EMAIL[v]}" 1
    tok=$M_TOKEN
    check "$T: subject" "the verify_email subject (got $M_SUBJECT)" [ "$M_SUBJECT" = "Confirm your e-mail address for SecureConnect" ]
    check "$T: link in the text" "$APP_URL/verify-email?token=<43 chars> in the text" \
        grep -qE "^${APP_URL//./\\.}/verify-email\\?token=[A-Za-z0-9_-]{43}\$" <<<"$M_TEXT"
    check "$T: name HTML-escaped in the html part" "Tom &lt;b&gt;&amp;&lt;/b&gt; Jerry" \
        grep -qF 'Tom &lt;b&gt;&amp;&lt;/b&gt; Jerry' <<<"$M_HTML"
    check "$T: name as written in the text part" "Tom <b>&</b> Jerry" grep -qF 'Tom <b>&</b> Jerry' <<<"$M_TEXT"
    check "$T: only the SHA-256 of the token is stored" "one account_tokens row with sha256(token)" \
        [ "$(sql "SELECT count(*) FROM account_tokens WHERE token_hash = sha256(convert_to('$tok', 'UTF8'))
                  AND purpose = 'verify_email' AND user_id = '${U_ID[v]}'")" = 1 ]
    areq GET /v1/users/me "${U_AT[v]}"
    expect_json .data.email_verified false

    t "verify-email: the token works once"
    tokbody "$tok"; jpost /v1/auth/verify-email "$TB"
    expect_status 200
    expect_json .data.email_verified true
    areq GET /v1/users/me "${U_AT[v]}"
    expect_json .data.email_verified true
    tokbody "$tok"; jpost /v1/auth/verify-email "$TB"
    expect_error 401 UNAUTHORIZED
    t "verify-email: bad tokens"
    tokbody "$(rep A 43)"; jpost /v1/auth/verify-email "$TB"
    expect_error 401 UNAUTHORIZED
    tokbody "short"; jpost /v1/auth/verify-email "$TB"
    expect_error 401 UNAUTHORIZED
    jpost /v1/auth/verify-email '{}'
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"token"'

    t "resend: a new link retires the old one"
    mkuser r
    got_mail "first mail" "${U_EMAIL[r]}" 1
    tok=$M_TOKEN
    areq POST /v1/auth/verify-email/resend "${U_AT[r]}"
    expect_status 202
    got_mail "second mail" "${U_EMAIL[r]}" 2
    check "$T: a different token" "a new token" [ "$M_TOKEN" != "$tok" -a -n "$M_TOKEN" ]
    tokbody "$tok"; jpost /v1/auth/verify-email "$TB"
    expect_error 401 UNAUTHORIZED
    tokbody "$M_TOKEN"; jpost /v1/auth/verify-email "$TB"
    expect_status 200
    t "resend when verified already"
    areq POST /v1/auth/verify-email/resend "${U_AT[r]}"
    expect_error 409 CONFLICT
    t "resend: 429 beyond MAIL_RESEND_PER_HOUR"
    mkuser r2
    drain_hourly mailresend "${U_ID[r2]}" MAIL_RESEND_PER_HOUR
    areq POST /v1/auth/verify-email/resend "${U_AT[r2]}"
    expect_error 429 RATE_LIMITED
    expect_header Retry-After '^[1-9][0-9]*$'
    undrain mailresend "${U_ID[r2]}"
}

test_reset() {
    local tok body known unknown old_at old_rt
    mkuser p
    login_sess p
    old_at=$L_AT old_rt=$L_RT
    t "password reset request: the same answer with or without an account"
    jobj_into body email "${U_EMAIL[p]}"
    jpost /v1/auth/password-reset/request "$body"
    expect_status 200
    known=$(jbody .data)
    jobj_into body email "nobody.$A_RUN@example.test"
    jpost /v1/auth/password-reset/request "$body"
    expect_status 200
    unknown=$(jbody .data)
    check "$T: same data" "$known == $unknown" [ "$known" = "$unknown" ]
    jpost /v1/auth/password-reset/request '{"email":"not an address"}'
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"email"'
    got_mail "reset mail" "${U_EMAIL[p]}" 2
    tok=$M_TOKEN
    check "$T: reset link" "$APP_URL/reset-password?token=" grep -qF "$APP_URL/reset-password?token=$tok" <<<"$M_TEXT"
    mail_count x "nobody.$A_RUN@example.test"
    check "$T: no mail for the unknown address" "0 mails (got $M_COUNT)" [ "$M_COUNT" = 0 ]

    t "password reset confirm"
    # 2FA columns must come out of a reset untouched (set here by hand; login/2fa is not this suite's)
    sql "UPDATE users SET two_factor_enabled = true, totp_secret = '\\x0102'::bytea WHERE user_id = '${U_ID[p]}'" >/dev/null
    jobj_into body token "$tok" new_password short
    jpost /v1/auth/password-reset/confirm "$body"
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"new_password"'
    jobj_into body token "$tok" new_password "new-$A_RUN-password"
    jpost /v1/auth/password-reset/confirm "$body"
    expect_status 200
    expect_json .data.sessions_revoked 2
    jpost /v1/auth/password-reset/confirm "$body"
    expect_error 401 UNAUTHORIZED
    check "$T: 2FA untouched" "two_factor_enabled and totp_secret as before" \
        [ "$(sql "SELECT two_factor_enabled::text || encode(totp_secret, 'hex') FROM users WHERE user_id = '${U_ID[p]}'")" = true0102 ]
    t "password reset does not bypass 2FA"
    jobj_into body email "${U_EMAIL[p]}" password "new-$A_RUN-password"
    jpost /v1/auth/login "$body"
    expect_status 200
    expect_json .data.mfa_required true
    expect_json .data.access_token null
    expect_json .data.refresh_token null
    expect_match .data.mfa_token '^[A-Za-z0-9_-]{43}$'
    sql "UPDATE users SET two_factor_enabled = false, totp_secret = NULL WHERE user_id = '${U_ID[p]}'" >/dev/null
    t "password reset confirm"
    me_status "old access token (register)" "${U_AT[p]}" 401
    me_status "old access token (second login)" "$old_at" 401
    refresh_status "old refresh token (register)" "${U_RT[p]}" 401
    refresh_status "old refresh token (second login)" "$old_rt" 401
    login_as p
    check "$T: old password refused" "401 (got $L_STATUS)" [ "$L_STATUS" = 401 ]
    login_as p "" "new-$A_RUN-password"
    check "$T: new password works" "200 (got $L_STATUS)" [ "$L_STATUS" = 200 ]

    t "password reset: 429 per address and per client address"
    drain_hourly pwreset_addr "$(printf '%s' "${U_EMAIL[p]}" | sha256sum | cut -d' ' -f1)" PASSWORD_RESET_PER_HOUR
    jobj_into body email "${U_EMAIL[p]}"
    jpost /v1/auth/password-reset/request "$body"
    expect_error 429 RATE_LIMITED
    expect_header Retry-After '^[1-9][0-9]*$'
    undrain pwreset_addr "$(printf '%s' "${U_EMAIL[p]}" | sha256sum | cut -d' ' -f1)"
    drain_hourly pwreset_ip 127.0.0.1 PASSWORD_RESET_IP_PER_HOUR
    jobj_into body email "other.$A_RUN@example.test"
    jpost /v1/auth/password-reset/request "$body"
    expect_error 429 RATE_LIMITED
    expect_header Retry-After '^[1-9][0-9]*$'
    undrain pwreset_ip 127.0.0.1
}

test_change() {
    local tok body new=chg.$A_RUN.new@example.test
    mkuser d; mkuser e
    t "email change: refusals"
    jobj_into body new_email "${U_EMAIL[e]}" password "${U_PASS[d]}"
    areq POST /v1/users/me/email "${U_AT[d]}" "$body"
    expect_error 409 CONFLICT
    jobj_into body new_email "$new" password wrong-password
    areq POST /v1/users/me/email "${U_AT[d]}" "$body"
    expect_error 401 UNAUTHORIZED
    jobj_into body new_email "no-at-sign" password "${U_PASS[d]}"
    areq POST /v1/users/me/email "${U_AT[d]}" "$body"
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"new_email"'
    t "email change: mail to the new address"
    jobj_into body new_email "$new" password "${U_PASS[d]}"
    areq POST /v1/users/me/email "${U_AT[d]}" "$body"
    expect_status 202
    expect_json .data.pending_email "\"$new\""
    got_mail "mail to the new address" "$new" 1
    tok=$M_TOKEN
    check "$T: confirm link" "$APP_URL/confirm-email?token=" grep -qF "$APP_URL/confirm-email?token=$tok" <<<"$M_TEXT"
    areq GET /v1/users/me "${U_AT[d]}"
    expect_json .data.email "\"${U_EMAIL[d]}\""
    t "email change: another user's token is refused and stays good"
    tokbody "$tok"; areq POST /v1/users/me/email/verify "${U_AT[e]}" "$TB"
    expect_error 401 UNAUTHORIZED
    t "email change: verify"
    areq POST /v1/users/me/email/verify "${U_AT[d]}" "$TB"
    expect_status 200
    expect_json .data.email "\"$new\""
    expect_json .data.email_verified true
    got_mail "notice to the old address" "${U_EMAIL[d]}" 2
    check "$T: the notice names the new address" "$new in the text" grep -qF "$new" <<<"$M_TEXT"
    check "$T: notice subject" "email_changed subject (got $M_SUBJECT)" \
        [ "$M_SUBJECT" = "The e-mail address of your SecureConnect account was changed" ]
    areq POST /v1/users/me/email/verify "${U_AT[d]}" "$TB"
    expect_error 401 UNAUTHORIZED
    login_as d "$new"
    check "$T: login with the new address" "200 (got $L_STATUS)" [ "$L_STATUS" = 200 ]

    t "email change: taken meanwhile"
    jobj_into body new_email "race.$A_RUN@example.test" password "${U_PASS[d]}"
    areq POST /v1/users/me/email "${U_AT[d]}" "$body"
    expect_status 202
    got_mail "mail to the raced address" "race.$A_RUN@example.test" 1
    tok=$M_TOKEN
    mkuser f "" "" "race.$A_RUN@example.test"
    tokbody "$tok"; areq POST /v1/users/me/email/verify "${U_AT[d]}" "$TB"
    expect_error 409 CONFLICT
    areq GET /v1/users/me "${U_AT[d]}"
    expect_json .data.email "\"$new\""
}

test_smtp_down() {
    local out n i body
    t "SMTP down: the request succeeds, the mail waits in the outbox"
    "$SC_CTL" maildev-stop
    mkuser s
    for ((i = 0; i < 50; i++)); do
        n=$(sql "SELECT attempts FROM mail_outbox WHERE to_addr = '${U_EMAIL[s]}' AND sent_at IS NULL")
        [[ $n =~ ^[1-9] ]] && break
        sleep 0.2
    done
    check "$T: one unsent mail, one failed attempt" "attempts 1 (got '$n')" [ "$n" = 1 ]
    check "$T: last_error recorded" "a last_error" \
        [ -n "$(sql "SELECT last_error FROM mail_outbox WHERE to_addr = '${U_EMAIL[s]}'")" ]
    "$SC_CTL" maildev-start || fail "$T: maildev-start" "maildev back"
    t "SMTP back: sc-admin outbox flush delivers it once"
    run_cmd env SC_CONFIG="$SC_CONFIG" "$SC_BUILD/tools/sc-admin" outbox flush
    expect_rc 0
    check "$T: flush reports a sent mail" "outbox: N sent with N >= 1" grep -qE '^outbox: [1-9][0-9]* sent' "$C_OUT"
    got_mail "the mail arrived" "${U_EMAIL[s]}" 1
    run_cmd env SC_CONFIG="$SC_CONFIG" "$SC_BUILD/tools/sc-admin" outbox flush
    expect_rc 0
    sleep 0.5
    mail_count x "${U_EMAIL[s]}"
    check "$T: still exactly one mail" "1 mail to ${U_EMAIL[s]} (got $M_COUNT)" [ "$M_COUNT" = 1 ]
    check "$T: sent_at set, bodies emptied" "sent row with empty bodies" \
        [ "$(sql "SELECT (sent_at IS NOT NULL)::text || length(body_text) || length(body_html) FROM mail_outbox WHERE to_addr = '${U_EMAIL[s]}'")" = true00 ]
    tokbody "$M_TOKEN"; jpost /v1/auth/verify-email "$TB"
    expect_status 200
    t "outbox list"
    run_cmd env SC_CONFIG="$SC_CONFIG" "$SC_BUILD/tools/sc-admin" outbox list --limit 5
    expect_rc 0
}

# AUTH_REQUIRE_VERIFIED_EMAIL=true is one stack-wide setting: a second instance of the same web
# server (SC_SERVER) serves the same programs with a copy of the stack's config that turns it on
# (same PostgreSQL, Redis and maildev), as cases-storage-s3.sh does for the s3 backend.
test_verified_required() {
    local web=$SC_WORK/web-verified conf=$SC_WORK/verified.conf port base=$SC_BASE body
    t "AUTH_REQUIRE_VERIFIED_EMAIL: a second $SC_SERVER"
    { grep -v '^AUTH_REQUIRE_VERIFIED_EMAIL=' "$SC_CONFIG"; echo "AUTH_REQUIRE_VERIFIED_EMAIL=true"; } >"$conf"
    sc_secure_config "$conf"
    if ! port=$(sc_free_port) || ! "sc_${SC_SERVER}_up" "$web" "$port" "$SC_TMP/app/cgi-bin" "$conf" 1 \
            "$HERE/../../cgi-bin/routes" 2>"$SC_WORK/web-verified.err"; then
        fail "$T: started" "a $SC_SERVER with the switch on ($(tail -n 3 "$SC_WORK/web-verified.err"))"
        return
    fi
    # shellcheck disable=SC2064 # the folder is fixed now
    trap "\"sc_${SC_SERVER}_down\" \"$web\" 2>/dev/null; for n in \"\${!EV_PID[@]}\"; do ev_stop \"\$n\"; done" EXIT
    ok "$T: started"
    SC_BASE=http://127.0.0.1:$port
    mkuser nv
    got_mail "verification mail" "${U_EMAIL[nv]}" 1
    t "AUTH_REQUIRE_VERIFIED_EMAIL: login before verifying"
    login_as nv
    check "$T: refused" "403 (got $L_STATUS)" [ "$L_STATUS" = 403 ]
    expect_error 403 EMAIL_NOT_VERIFIED
    expect_json .data null
    t "AUTH_REQUIRE_VERIFIED_EMAIL: the password is checked first (no oracle)"
    login_as nv "" "not the password"
    expect_error 401 UNAUTHORIZED
    jobj_into body email "nobody.nv.$A_RUN@example.test" password "${U_PASS[nv]}"
    jpost /v1/auth/login "$body"
    expect_error 401 UNAUTHORIZED
    t "AUTH_REQUIRE_VERIFIED_EMAIL: login once verified"
    tokbody "$M_TOKEN"; jpost /v1/auth/verify-email "$TB"
    expect_status 200
    login_as nv
    check "$T: logged in" "200 (got $L_STATUS)" [ "$L_STATUS" = 200 ]
    me_status "the new session" "$L_AT" 200
    SC_BASE=$base
    "sc_${SC_SERVER}_down" "$web" 2>/dev/null
    trap 'for n in "${!EV_PID[@]}"; do ev_stop "$n"; done' EXIT
}

[[ -z ${SC_MAIL_ONLY:-} ]] && test_verify
[[ -z ${SC_MAIL_ONLY:-} ]] && test_reset
[[ -z ${SC_MAIL_ONLY:-} ]] && test_change
test_smtp_down
[[ -z ${SC_MAIL_ONLY:-} ]] && test_verified_required

SC_SERVER="$SC_SERVER-$SUITE" summary
