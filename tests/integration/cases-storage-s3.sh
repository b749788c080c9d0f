#!/usr/bin/env bash
# shellcheck disable=SC2153  # C_ID, U_ID, U_AT ... come from lib-chat.sh and lib-accounts.sh
# Black-box cases for file storage with the S3 backend (api.md "Files", issue 7 point 3), through
# the web server under test. Run by tests/integration/run.sh once per web server.
#
# The stack's programs use the local backend, so this suite starts what the s3 backend needs next
# to it: s3rver (npm, scripts/svc.sh sc_s3rver_up) behind tests/s3/s3rver.mjs, which checks every
# SigV4 signature with the AWS SDK's signer (s3rver alone checks none), and a second instance of
# the same web server (SC_SERVER) on its own port, serving the same programs with a copy of the
# stack's config that says STORAGE_BACKEND=s3. Same PostgreSQL and Redis. Clients then talk to
# the store directly with the presigned URLs, as browsers would.
#
# Environment: SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP (see cases.sh); SC_VERBOSE=1.
# Last line: "<server>-storage-s3: N passed, M failed"; exit 0 only when M is 0.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=storage-s3

# shellcheck source=suite.sh
. "$HERE/suite.sh"
# shellcheck source=../../scripts/svc.sh
. "$HERE/../../scripts/svc.sh"

BUCKET=sc-files
D=$SC_WORK/data S3DIR=$SC_WORK/s3 WEB=$SC_WORK/web
mkdir -p "$D"
ADMIN=$SC_BUILD/tools/sc-admin

teardown_s3() {
    "sc_${SC_SERVER}_down" "$WEB" 2>/dev/null
    sc_s3rver_down "$S3DIR"
}
trap 'teardown_s3; for n in "${!EV_PID[@]}"; do ev_stop "$n"; done' EXIT

finish() {
    printf '%s-%s: %d passed, %d failed\n' "$SC_SERVER" "$SUITE" "$SC_PASS" "$SC_FAIL"
    [[ $SC_FAIL -eq 0 ]]
    exit
}

# ---------------------------------------------------------------- the s3 side of the stack
S3PORT=$(sc_free_port) || { fail "setup: a free port for s3rver" "a port"; finish; }
if sc_s3rver_up "$S3DIR" "$S3PORT" "$BUCKET" 2>"$SC_WORK/s3rver.err"; then ok "setup: s3rver"
else fail "setup: s3rver" "started: $(tail -n 5 "$SC_WORK/s3rver.err")"; finish; fi
S3CONF=$SC_WORK/s3.conf
{ grep -v '^STORAGE_BACKEND=\|^S3_' "$SC_CONFIG"
  echo "STORAGE_BACKEND=s3"
  echo "S3_ENDPOINT=http://127.0.0.1:$S3PORT"
  echo "S3_BUCKET=$BUCKET"
  echo "S3_ACCESS_KEY=S3RVER"
  echo "S3_SECRET_KEY=S3RVER"
  echo "S3_PATH_STYLE=true"; } >"$S3CONF"
sc_secure_config "$S3CONF"
WPORT=$(sc_free_port "$S3PORT") || { fail "setup: a free port for the web server" "a port"; finish; }
if "sc_${SC_SERVER}_up" "$WEB" "$WPORT" "$SC_TMP/app/cgi-bin" "$S3CONF" 1 \
        "$HERE/../../cgi-bin/routes" 2>"$SC_WORK/web.err"; then
    ok "setup: $SC_SERVER with STORAGE_BACKEND=s3"
else
    fail "setup: $SC_SERVER with STORAGE_BACKEND=s3" "started: $(tail -n 5 "$SC_WORK/web.err")"; finish
fi
SC_BASE_LOCAL=$SC_BASE
SC_BASE=http://127.0.0.1:$WPORT

printf 'hello s3 %s\n' "$A_RUN" >"$D/hello.txt"
head -c 200000 /dev/urandom >"$D/random.bin"
size_of() { stat -c %s "$1"; }
used() { sql "SELECT storage_used_bytes FROM users WHERE user_id = '${U_ID[$1]}'"; }
# the bytes of an object as s3rver keeps them on disk (its file store), or nothing
object_exists() { compgen -G "$S3DIR/data/$BUCKET/$1/$2*" >/dev/null; }

# upurl KEY NAME SIZE TYPE: POST /v1/storage/upload-url; F_ID, F_URL (no check)
upurl() {
    areq POST /v1/storage/upload-url "${U_AT[$1]}" \
        "$(jq -nc --arg n "$2" --argjson s "$3" --arg t "$4" '{file_name:$n, file_size:$s, content_type:$t, is_encrypted:false}')"
    jr_into F_ID .data.file_id 00000000-0000-4000-8000-000000000000
    jr_into F_URL .data.upload_url ""
}

# s3req METHOD URL [CURL-ARGS]: a request straight to the store (R_STATUS, R_BODY, R_HDRS)
s3req() {
    local m=$1 url=$2; shift 2
    R_KIND=http R_DESC="$m (store) ${url%%\?*}"
    : >"$R_HDRS"; : >"$R_BODY"
    R_STATUS=$(curl -s -X "$m" -D "$R_HDRS" -o "$R_BODY" -w '%{http_code}' --max-time 20 "$@" "$url") || true
    [[ -n $R_STATUS ]] || R_STATUS=000
}

mkuser o; mkuser m; mkuser s
mkconv g group "S3 $A_RUN" o m

t "upload-url: a presigned PUT to the store"
upurl o hello.txt "$(size_of "$D/hello.txt")" text/plain
expect_status 200
expect_match .data.upload_url "^http://127\\.0\\.0\\.1:$S3PORT/$BUCKET/${U_ID[o]}/[0-9a-f-]{36}\\?.*X-Amz-Signature=[0-9a-f]{64}"
expect_json .data.upload_method '"PUT"'
expect_json '.data.upload_headers["Content-Type"]' '"text/plain"'
HELLO=$F_ID URL=$F_URL

t "the store refuses the PUT with another Content-Type (signed)"
s3req PUT "$URL" -H 'Content-Type: text/html' --data-binary "@$D/hello.txt"
expect_status 403
t "the store refuses a body of another size (signed)"
# (the declared size plus one byte; $(...) would drop the trailing newline)
head -c 10 /dev/zero | cat "$D/hello.txt" - | head -c $(($(size_of "$D/hello.txt") + 1)) >"$D/longer.txt"
s3req PUT "$URL" -H 'Content-Type: text/plain' --data-binary "@$D/longer.txt"
expect_status 403
t "upload-complete before the bytes are there"
areq POST /v1/storage/upload-complete "${U_AT[o]}" "{\"file_id\":\"$HELLO\"}"
expect_error 409 CONFLICT
t "the store takes the PUT as signed"
s3req PUT "$URL" -H 'Content-Type: text/plain' --data-binary "@$D/hello.txt"
expect_status 200
t "upload-complete: the object's size checked with a signed HEAD"
areq POST /v1/storage/upload-complete "${U_AT[o]}" "{\"file_id\":\"$HELLO\"}"
expect_status 200
expect_json .data.status '"completed"'
expect_json .data.file_size "$(size_of "$D/hello.txt")"
t "upload-complete by someone else"
areq POST /v1/storage/upload-complete "${U_AT[m]}" "{\"file_id\":\"$HELLO\"}"
expect_error 403 FORBIDDEN

t "download-url: a presigned GET that the store serves as an attachment"
areq GET "/v1/storage/download-url/$HELLO" "${U_AT[o]}"
expect_status 200
jr_into DL .data.download_url ""
s3req GET "$DL"
expect_status 200
check "$T: the exact bytes" "the uploaded file" cmp -s "$R_BODY" "$D/hello.txt"
expect_header_i Content-Disposition '^attachment; filename="hello\.txt"'
expect_header_i Content-Type '^text/plain'
t "a changed download URL is refused by the store"
s3req GET "${DL/X-Amz-Expires=/X-Amz-Expires=1}"
expect_status 403

t "sharing: a stranger may not, a member after a message may"
areq GET "/v1/storage/download-url/$HELLO" "${U_AT[s]}"
expect_error 403 FORBIDDEN
areq GET "/v1/storage/download-url/$HELLO" "${U_AT[m]}"
expect_error 403 FORBIDDEN
sendmsg o "${C_ID[g]}" "s3 file" "{\"file_ids\":[\"$HELLO\"]}"
expect_status 201
areq GET "/v1/storage/download-url/$HELLO" "${U_AT[m]}"
expect_status 200
s3req GET "$(jq -r '.data.download_url // ""' <"$R_BODY")"
expect_status 200
check "$T: the member gets the bytes" "the uploaded file" cmp -s "$R_BODY" "$D/hello.txt"

t "a larger binary file"
upurl o random.bin "$(size_of "$D/random.bin")" application/octet-stream
expect_status 200
BIN=$F_ID
s3req PUT "$F_URL" -H 'Content-Type: application/octet-stream' --data-binary "@$D/random.bin"
expect_status 200
areq POST /v1/storage/upload-complete "${U_AT[o]}" "{\"file_id\":\"$BIN\"}"
expect_status 200
areq GET "/v1/storage/download-url/$BIN" "${U_AT[o]}"
s3req GET "$(jq -r '.data.download_url // ""' <"$R_BODY")"
expect_status 200
check "$T: the exact bytes" "200000 random bytes" cmp -s "$R_BODY" "$D/random.bin"

t "delete: the object goes, the quota comes back"
before=$(used o)
check "$T: the object is in the store" "s3rver holds it" object_exists "${U_ID[o]}" "$BIN"
areq DELETE "/v1/storage/files/$BIN" "${U_AT[o]}"
expect_status 200
check "$T: quota" "used down by 200000" test "$(used o)" = $((before - 200000))
check "$T: the object is gone from the store" "no object" eval '! object_exists "${U_ID[o]}" "$BIN"'
areq GET "/v1/storage/download-url/$BIN" "${U_AT[o]}"
expect_error 404 NOT_FOUND

t "gc: an expired upload's object is deleted in the store"
upurl o late.txt "$(size_of "$D/hello.txt")" text/plain
LATE=$F_ID
s3req PUT "$F_URL" -H 'Content-Type: text/plain' --data-binary "@$D/hello.txt"
expect_status 200
sql "UPDATE files SET upload_expires_at = now() - interval '1 minute' WHERE file_id = '$LATE'" >/dev/null
run_cmd env SC_CONFIG="$S3CONF" "$ADMIN" gc
expect_rc 0
check "$T: the row is gone" "no row" test "$(sql "SELECT count(*) FROM files WHERE file_id = '$LATE'")" = 0
check "$T: the object is gone" "no object" eval '! object_exists "${U_ID[o]}" "$LATE"'

SC_BASE=$SC_BASE_LOCAL
finish
