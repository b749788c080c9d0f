#!/usr/bin/env bash
# shellcheck disable=SC2153  # C_ID, U_ID, U_AT ... come from lib-chat.sh and lib-accounts.sh
# Black-box cases for file storage (api.md "Files", issue 7) with the local backend: signed
# upload and download URLs, the checks of the upload program (exact size, libmagic type, quota,
# nothing kept on failure), X-Sendfile downloads (headers, exact bytes, ranges), sharing through
# messages (and its end when a member leaves), deletion, lists, sc-admin gc and account deletion.
# Run by tests/integration/run.sh once per web server, against the same PostgreSQL and Redis;
# every user made here carries a run tag. The S3 backend is not exercised here.
#
# Environment: SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP (see cases.sh); SC_VERBOSE=1.
# Last line: "<server>-storage: N passed, M failed"; exit 0 only when M is 0.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=storage

# shellcheck source=suite.sh
. "$HERE/suite.sh"

STORE=$(cfgval STORAGE_DIR)
QUOTA=$(cfgval STORAGE_QUOTA_BYTES); QUOTA=${QUOTA:-10737418240}
MAXB=$(cfgval STORAGE_MAX_FILE_BYTES); MAXB=${MAXB:-52428800}
ADMIN=$SC_BUILD/tools/sc-admin
D=$SC_WORK/data
mkdir -p "$D"

# ---------------------------------------------------------------- test files
# a 1x1 PNG, a small PDF, text, random bytes, and a 3 MiB text file (several 64 KiB chunks)
printf '%s' 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' |
    openssl base64 -d -A >"$D/one.png"
printf '%%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n' >"$D/doc.pdf"
printf 'hello storage %s\n' "$A_RUN" >"$D/hello.txt"
head -c 4096 /dev/urandom >"$D/random.bin"
seq -f '%063g' 0 49151 >"$D/big.txt"

size_of() { stat -c %s "$1"; }
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# ---------------------------------------------------------------- helpers
# upurl KEY NAME SIZE TYPE [EXTRA-JSON]: POST /v1/storage/upload-url; F_ID, F_URL (no check)
upurl() {
    local body extra=${5:-}
    [[ -n $extra ]] || extra='{}'
    body=$(jq -nc --arg n "$2" --argjson s "$3" --arg t "$4" --argjson x "$extra" \
        '{file_name:$n, file_size:$s, content_type:$t, is_encrypted:false} + $x')
    areq POST /v1/storage/upload-url "${U_AT[$1]}" "$body"
    jr_into F_ID .data.file_id 00000000-0000-4000-8000-000000000000
    jr_into F_URL .data.upload_url ""
}

# put URL FILE [CURL-ARGS]: PUT the file's bytes to an absolute URL of this server
put() {
    local url=$1 file=$2; shift 2
    req PUT "${url#"$SC_BASE"}" -H 'Content-Type: application/octet-stream' --data-binary "@$file" "$@"
}

# upload KEY FILE NAME TYPE [EXTRA-JSON]: upload-url + PUT, both checked; F_ID the file
upload() {
    upurl "$1" "$3" "$(size_of "$2")" "$4" "${5:-}"
    if [[ $R_STATUS != 200 ]]; then fail "setup: upload-url $3" "HTTP 200"; return 1; fi
    put "$F_URL" "$2"
    if [[ $R_STATUS == 200 ]]; then ok "setup: upload $3"
    else fail "setup: upload $3" "HTTP 200 from the PUT"; return 1; fi
}

# used KEY: storage_used_bytes of the user
used() { sql "SELECT storage_used_bytes FROM users WHERE user_id = '${U_ID[$1]}'"; }

# dlurl KEY FILE-ID: GET /v1/storage/download-url/:id; DL_URL (no check)
dlurl() {
    areq GET "/v1/storage/download-url/$2" "${U_AT[$1]}"
    jr_into DL_URL .data.download_url ""
}

# fetch URL [CURL-ARGS]: GET an absolute URL of this server into R_BODY
fetch() { local url=$1; shift; req GET "${url#"$SC_BASE"}" "$@"; }

# The URL signature as lib/sc_fsign.h defines it, made here with openssl from the config:
# key = STORAGE_URL_KEY (folded) or HMAC-SHA256(JWT_SECRET, label); sig = base64url(HMAC(key,
# METHOD "\n" file_id "\n" expires)).
URLKEY_HEX=$(printf '%s' "secureconnect storage url key v1" |
    openssl dgst -sha256 -hmac "$(cfgval JWT_SECRET)" -binary | od -An -tx1 | tr -d ' \n')
fsig() {
    printf '%s\n%s\n%s' "$1" "$2" "$3" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$URLKEY_HEX" -binary | b64url
}

# ---------------------------------------------------------------- users and conversations
# o: owner, m: member of o's group, s: stranger, x: in a second group with m, q: quota tests,
# g: gc and account deletion
test_setup() {
    t "setup"
    mkuser o; mkuser m; mkuser s; mkuser x; mkuser q; mkuser d
    mkconv grp group "Files $A_RUN" o m
    mkconv other group "Other $A_RUN" m x
    mkconv sgrp group "Stranger $A_RUN" s
}

# ---------------------------------------------------------------- upload-url
test_upload_url() {
    local now exp
    t "upload-url: a text file"
    upurl o "notes.txt" "$(size_of "$D/hello.txt")" "text/plain"
    expect_status 200
    expect_ok_envelope
    expect_match .data.file_id "$RE_UUID"
    expect_json .data.upload_method '"PUT"'
    expect_json '.data.upload_headers["Content-Type"]' '"text/plain"'
    expect_match .data.expires_at "$RE_TIME"
    expect_match .data.upload_url "^${SC_BASE//./\\.}/v1/storage/upload/${F_ID}\\?expires=[0-9]+&sig=[A-Za-z0-9_-]{43}$"
    now=$(date +%s)
    exp=$(sed -n 's/.*expires=\([0-9]*\).*/\1/p' <<<"$F_URL")
    check "$T: expiry in 15 min" "expires within now+900 +- 10 s" \
        test $((exp - now)) -ge 890 -a $((exp - now)) -le 910
    check "$T: expires_at is the URL's expiry" "expires_at == expires" \
        test "$(date -u -d "$(jq -r .data.expires_at <"$R_BODY")" +%s)" = "$exp"
    check "$T: pending row" "uploading, object key <user>/<file>, backend local" \
        test "$(sql "SELECT status || ' ' || object_key || ' ' || backend FROM files WHERE file_id = '$F_ID'")" \
        = "uploading ${U_ID[o]}/$F_ID local"
    PENDING=$F_ID PENDING_URL=$F_URL

    local n bad
    # (tests/unit/test_file.c has the full rules; here, that each kind reaches the client as a 400)
    for n in '' 'a/b' 'a\\b' '..' "$(rep x 256)" $'tab\there' $'\xe2\x80\xae'gnp.exe; do
        t "upload-url: file_name $(printf '%q' "$n" | head -c 40)"
        upurl o "$n" 10 text/plain
        expect_error 400 VALIDATION_ERROR
        expect_json .error.field '"file_name"'
    done
    t "upload-url: file_name of 255 bytes in UTF-8"
    upurl o "$(rep 'é' 127)x" 10 text/plain
    expect_status 200
    expect_json '.data.file_id | length' 36
    t "upload-url: file_name missing"
    areq POST /v1/storage/upload-url "${U_AT[o]}" '{"file_size":10,"content_type":"text/plain"}'
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"file_name"'
    for bad in 0 $((MAXB + 1)) '"12"' 1.5; do
        t "upload-url: file_size $bad"
        areq POST /v1/storage/upload-url "${U_AT[o]}" "{\"file_name\":\"a.txt\",\"file_size\":$bad,\"content_type\":\"text/plain\"}"
        expect_error 400 VALIDATION_ERROR
        expect_json .error.field '"file_size"'
    done
    t "upload-url: file_size at the maximum"
    upurl o big.bin "$MAXB" application/octet-stream
    expect_status 200
    for bad in text/html application/javascript image/svg+xml; do
        t "upload-url: content_type $bad"
        upurl o a.bin 10 "$bad"
        expect_error 415 UNSUPPORTED_MEDIA_TYPE
        expect_json .error.field '"content_type"'
    done
    for bad in png 'image png' 'image/p"ng'; do
        t "upload-url: content_type '$bad'"
        upurl o a.bin 10 "$bad"
        expect_error 400 VALIDATION_ERROR
        expect_json .error.field '"content_type"'
    done
    t "upload-url: content_type in capitals with parameters"
    upurl o shout.txt 10 'Text/PLAIN; charset=UTF-8'
    expect_status 200
    expect_json '.data.upload_headers["Content-Type"]' '"text/plain"'
    check "$T: stored bare" "content_type text/plain" \
        test "$(sql "SELECT content_type FROM files WHERE file_id = '$F_ID'")" = text/plain
    t "upload-url: is_encrypted not a boolean"
    upurl o a.bin 10 text/plain '{"is_encrypted":"yes"}'
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"is_encrypted"'
    t "upload-url: for a conversation of the caller"
    upurl o c.txt 10 text/plain "{\"conversation_id\":\"${C_ID[grp]}\"}"
    expect_status 200
    check "$T: hint stored" "conversation_id stored" \
        test "$(sql "SELECT conversation_id FROM files WHERE file_id = '$F_ID'")" = "${C_ID[grp]}"
    t "upload-url: for a conversation of others"
    upurl o c.txt 10 text/plain "{\"conversation_id\":\"${C_ID[sgrp]}\"}"
    expect_error 403 FORBIDDEN
    expect_json .error.field '"conversation_id"'
    t "upload-url: for an unknown conversation"
    upurl o c.txt 10 text/plain "{\"conversation_id\":\"$(uuid)\"}"
    expect_error 404 NOT_FOUND
    t "upload-url: conversation_id not a UUID"
    upurl o c.txt 10 text/plain '{"conversation_id":"nope"}'
    expect_error 400 VALIDATION_ERROR
    t "upload-url: no token"
    jpost /v1/storage/upload-url '{"file_name":"a.txt","file_size":1,"content_type":"text/plain"}'
    expect_error 401 UNAUTHORIZED
    t "upload-url: GET"
    areq GET /v1/storage/upload-url "${U_AT[o]}"
    expect_error 405 METHOD_NOT_ALLOWED
}

# ---------------------------------------------------------------- the PUT
test_put() {
    local before u
    t "PUT: the declared bytes"
    before=$(used o)
    upload o "$D/hello.txt" hello.txt text/plain
    expect_ok_envelope
    expect_json .data.file_id "\"$F_ID\""
    expect_json .data.status '"completed"'
    expect_json .data.file_name '"hello.txt"'
    expect_json .data.file_size "$(size_of "$D/hello.txt")"
    expect_json .data.content_type '"text/plain"'
    expect_json .data.is_encrypted false
    expect_json .data.sha256 "\"$(sha_of "$D/hello.txt")\""
    expect_json .data.conversation_id null
    expect_match .data.created_at "$RE_TIME"
    expect_match .data.completed_at "$RE_TIME"
    check "$T: no PascalCase" "snake_case keys only" jtrue '.data | keys | all(test("^[a-z0-9_]+$"))'
    check "$T: quota counts it" "used grew by the size" \
        test "$(used o)" = $((before + $(size_of "$D/hello.txt")))
    u=$STORE/${U_ID[o]}/$F_ID
    check "$T: stored under STORAGE_DIR/<user>/<file>" "the same bytes on disk" cmp -s "$u" "$D/hello.txt"
    check "$T: file owned by www-data, 0640" "www-data 640" \
        test "$(stat -c '%U %a' "$u" 2>/dev/null)" = "$(if [[ $(id -u) == 0 ]]; then echo www-data; else id -un; fi) 640"
    check "$T: folder 0750" "750" test "$(stat -c %a "$STORE/${U_ID[o]}")" = 750
    check "$T: nothing left in tmp" "an empty STORAGE_DIR/tmp" test -z "$(ls -A "$STORE/tmp")"
    HELLO=$F_ID HELLO_URL=$F_URL

    t "PUT: the same URL again"
    put "$HELLO_URL" "$D/hello.txt"
    expect_error 409 CONFLICT
    t "upload-complete: a completed file"
    areq POST /v1/storage/upload-complete "${U_AT[o]}" "{\"file_id\":\"$HELLO\"}"
    expect_status 200
    expect_json .data.status '"completed"'
    expect_json .data.sha256 "\"$(sha_of "$D/hello.txt")\""

    t "PUT: 3 MiB in many chunks"
    upload o "$D/big.txt" big.txt text/plain
    expect_json .data.sha256 "\"$(sha_of "$D/big.txt")\""
    BIG=$F_ID
    t "PUT: a PNG"
    upload o "$D/one.png" "one image.png" image/png
    expect_json .data.content_type '"image/png"'
    PNG=$F_ID
    t "PUT: a PDF"
    upload o "$D/doc.pdf" doc.pdf application/pdf
    expect_status 200
    t "PUT: random bytes as application/octet-stream (not sniffed)"
    upload o "$D/random.bin" random.bin application/octet-stream
    expect_status 200
    t "PUT: random bytes declared image/png but encrypted (not sniffed)"
    upload o "$D/random.bin" secret.png image/png '{"is_encrypted":true}'
    expect_json .data.is_encrypted true
    t "PUT: JSON declared as text/plain"
    printf '{"a":[1,2,3]}\n' >"$D/a.json"
    upload o "$D/a.json" a.json text/plain
    expect_status 200

    # failures: nothing kept, the upload ends, the quota comes back
    local kind file declared
    for kind in shorter longer type-png-as-pdf type-text-as-png type-pdf-as-jpeg; do
        case $kind in
            shorter) file=$D/hello.txt declared=$(( $(size_of "$D/hello.txt") + 5 )) ;;
            longer) file=$D/hello.txt declared=$(( $(size_of "$D/hello.txt") - 5 )) ;;
            type-png-as-pdf) file=$D/one.png declared=$(size_of "$D/one.png") ;;
            type-text-as-png) file=$D/hello.txt declared=$(size_of "$D/hello.txt") ;;
            type-pdf-as-jpeg) file=$D/doc.pdf declared=$(size_of "$D/doc.pdf") ;;
        esac
        t "PUT: $kind"
        before=$(used o)
        case $kind in
            type-png-as-pdf) upurl o x.pdf "$declared" application/pdf ;;
            type-text-as-png) upurl o x.png "$declared" image/png ;;
            type-pdf-as-jpeg) upurl o x.jpg "$declared" image/jpeg ;;
            *) upurl o x.txt "$declared" text/plain ;;
        esac
        check "$T: reserved" "used grew by the declared size" test "$(used o)" = $((before + declared))
        put "$F_URL" "$file"
        case $kind in
            shorter|longer) expect_error 400 VALIDATION_ERROR; expect_match .error.message 'exactly file_size' ;;
            type-png-as-pdf) expect_error 415 UNSUPPORTED_MEDIA_TYPE; expect_match .error.message 'image/png, not application/pdf' ;;
            *) expect_error 415 UNSUPPORTED_MEDIA_TYPE ;;
        esac
        check "$T: quota given back" "used as before" test "$(used o)" = "$before"
        check "$T: row gone" "no row" test "$(sql "SELECT count(*) FROM files WHERE file_id = '$F_ID'")" = 0
        check "$T: no bytes kept" "no file, empty tmp" \
            test ! -e "$STORE/${U_ID[o]}/$F_ID" -a -z "$(ls -A "$STORE/tmp")"
        put "$F_URL" "$file"
        expect_error 404 NOT_FOUND
    done

    # the signature
    local id exp sig q other
    upurl o sig.txt "$(size_of "$D/hello.txt")" text/plain
    id=$F_ID q=${F_URL#*\?}
    exp=$(sed -n 's/.*expires=\([0-9]*\).*/\1/p' <<<"$F_URL")
    sig=${F_URL##*sig=}
    t "PUT: the test computes the same signature"
    check "$T: signature" "sig == HMAC as sc_fsign.h says" test "$(fsig PUT "$id" "$exp")" = "$sig"
    t "PUT: altered signature"
    put "$SC_BASE/v1/storage/upload/$id?expires=$exp&sig=${sig:0:42}$( [[ ${sig:42} == A ]] && echo B || echo A)" "$D/hello.txt"
    expect_error 403 FORBIDDEN
    t "PUT: altered expiry"
    put "$SC_BASE/v1/storage/upload/$id?expires=$((exp + 1))&sig=$sig" "$D/hello.txt"
    expect_error 403 FORBIDDEN
    t "PUT: another file's id"
    put "$SC_BASE/v1/storage/upload/$PENDING?$q" "$D/hello.txt"
    expect_error 403 FORBIDDEN
    t "PUT: no signature"
    put "$SC_BASE/v1/storage/upload/$id" "$D/hello.txt"
    expect_error 403 FORBIDDEN
    t "PUT: expired signature (made with the key)"
    local past; past=$(( $(date +%s) - 60 ))   # one clock reading: two could straddle a second
    put "$SC_BASE/v1/storage/upload/$id?expires=$past&sig=$(fsig PUT "$id" "$past")" "$D/hello.txt"
    expect_error 403 FORBIDDEN
    expect_match .error.message 'expired'
    t "PUT: a GET signature"
    put "$SC_BASE/v1/storage/upload/$id?expires=$exp&sig=$(fsig GET "$id" "$exp")" "$D/hello.txt"
    expect_error 403 FORBIDDEN
    t "PUT: a bad signature with a 5 MiB body"
    head -c $((5 * 1024 * 1024)) /dev/zero >"$D/five.bin"
    put "$SC_BASE/v1/storage/upload/$id?expires=$exp&sig=$(rep A 43)" "$D/five.bin"
    expect_error 403 FORBIDDEN
    t "PUT: the untouched upload still works"
    put "$F_URL" "$D/hello.txt"
    expect_status 200
    t "GET on the upload URL"
    fetch "$F_URL"
    expect_error 405 METHOD_NOT_ALLOWED
    t "PUT: signed for a file that does not exist"
    other=$(uuid)
    put "$SC_BASE/v1/storage/upload/$other?expires=$exp&sig=$(fsig PUT "$other" "$exp")" "$D/hello.txt"
    expect_error 404 NOT_FOUND
    t "PUT: upload-complete before the bytes"
    areq POST /v1/storage/upload-complete "${U_AT[o]}" "{\"file_id\":\"$PENDING\"}"
    expect_error 409 CONFLICT
    t "upload-complete: not the owner"
    areq POST /v1/storage/upload-complete "${U_AT[s]}" "{\"file_id\":\"$HELLO\"}"
    expect_error 403 FORBIDDEN
    t "upload-complete: unknown file"
    areq POST /v1/storage/upload-complete "${U_AT[o]}" "{\"file_id\":\"$(uuid)\"}"
    expect_error 404 NOT_FOUND
    t "upload-complete: file_id missing"
    areq POST /v1/storage/upload-complete "${U_AT[o]}" '{}'
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"file_id"'
}

# ---------------------------------------------------------------- quota
test_quota() {
    local a b sa sb
    t "quota: GET"
    areq GET /v1/storage/quota "${U_AT[q]}"
    expect_status 200
    expect_json .data "{\"used\":0,\"total\":$QUOTA,\"available\":$QUOTA,\"usage_percentage\":0}"
    sql "UPDATE users SET storage_used_bytes = $((QUOTA - 100)) WHERE user_id = '${U_ID[q]}'" >/dev/null
    t "quota: an upload past it"
    upurl q over.txt 101 text/plain
    expect_error 403 QUOTA_EXCEEDED
    check "$T: nothing reserved" "used unchanged" test "$(used q)" = $((QUOTA - 100))
    t "quota: an upload that fills it exactly"
    upurl q fits.txt 100 text/plain
    expect_status 200
    t "quota: full"
    areq GET /v1/storage/quota "${U_AT[q]}"
    expect_json .data "{\"used\":$QUOTA,\"total\":$QUOTA,\"available\":0,\"usage_percentage\":100}"
    t "quota: the pending upload deleted frees it"
    areq DELETE "/v1/storage/files/$F_ID" "${U_AT[q]}"
    expect_status 200
    check "$T: freed" "used back by 100" test "$(used q)" = $((QUOTA - 100))

    # two requests at once that each fit, but not both: exactly one passes
    sql "UPDATE users SET storage_used_bytes = $((QUOTA - 1000)) WHERE user_id = '${U_ID[q]}'" >/dev/null
    t "quota: two concurrent upload-url requests at the edge"
    b='{"file_name":"race.txt","file_size":600,"content_type":"text/plain"}'
    "${CURL[@]}" -o "$SC_WORK/race.a" -w '%{http_code}' -H "Authorization: Bearer ${U_AT[q]}" \
        -H 'Content-Type: application/json' --data-binary "$b" "$SC_BASE/v1/storage/upload-url" >"$SC_WORK/race.sa" &
    a=$!
    "${CURL[@]}" -o "$SC_WORK/race.b" -w '%{http_code}' -H "Authorization: Bearer ${U_AT[q]}" \
        -H 'Content-Type: application/json' --data-binary "$b" "$SC_BASE/v1/storage/upload-url" >"$SC_WORK/race.sb"
    wait "$a"
    sa=$(cat "$SC_WORK/race.sa") sb=$(cat "$SC_WORK/race.sb")
    check "$T: one 200 and one 403" "200 and 403 (got $sa and $sb)" \
        test "$(printf '%s\n' "$sa" "$sb" | sort | tr '\n' ' ')" = "200 403 "
    check "$T: the refused one says QUOTA_EXCEEDED" "QUOTA_EXCEEDED" \
        grep -q '"QUOTA_EXCEEDED"' "$SC_WORK/race.a" "$SC_WORK/race.b"
    check "$T: used counts one" "used = quota - 400" test "$(used q)" = $((QUOTA - 400))
    t "quota: usage_percentage"
    sql "UPDATE users SET storage_used_bytes = $((QUOTA / 4)) WHERE user_id = '${U_ID[q]}'" >/dev/null
    areq GET /v1/storage/quota "${U_AT[q]}"
    expect_json .data.usage_percentage 25
    expect_json .data.available $((QUOTA - QUOTA / 4))
    t "quota: no token"
    req GET /v1/storage/quota
    expect_error 401 UNAUTHORIZED
}

# ---------------------------------------------------------------- downloads
test_download() {
    local h
    t "download-url: owner"
    dlurl o "$HELLO"
    expect_status 200
    expect_match .data.download_url "^${SC_BASE//./\\.}/v1/storage/download/$HELLO\\?expires=[0-9]+&sig=[A-Za-z0-9_-]{43}$"
    expect_match .data.expires_at "$RE_TIME"
    check "$T: valid for an hour" "expires_at ~ now + 3600" \
        test $(( $(date -u -d "$(jq -r .data.expires_at <"$R_BODY")" +%s) - $(date +%s) )) -ge 3590
    t "download: the bytes"
    fetch "$DL_URL"
    expect_status 200
    check "$T: exact bytes" "sha256 of the upload" test "$(sha_of "$R_BODY")" = "$(sha_of "$D/hello.txt")"
    expect_header Content-Type '^text/plain$'
    expect_header Content-Disposition '^attachment; filename="hello\.txt"$'
    expect_header X-Content-Type-Options '^nosniff$'
    expect_header Content-Length "^$(size_of "$D/hello.txt")$"
    expect_no_header X-Sendfile
    t "download: a range"
    fetch "$DL_URL" -r 0-9
    expect_status 206
    check "$T: the first 10 bytes" "10 bytes of the file" test "$(head -c 10 "$D/hello.txt")" = "$(cat "$R_BODY")"
    expect_header Content-Range "^bytes 0-9/$(size_of "$D/hello.txt")$"
    t "download: a range in the middle of 3 MiB"
    dlurl o "$BIG"
    fetch "$DL_URL" -r 1000000-1000099
    expect_status 206
    check "$T: those 100 bytes" "bytes 1000000..1000099" \
        cmp -s "$R_BODY" <(tail -c +1000001 "$D/big.txt" | head -c 100)
    t "download: 3 MiB whole"
    fetch "$DL_URL"
    check "$T: exact bytes" "sha256 of the upload" test "$(sha_of "$R_BODY")" = "$(sha_of "$D/big.txt")"
    t "download: HEAD"
    req HEAD "${DL_URL#"$SC_BASE"}"
    expect_status 200
    expect_header Content-Length "^$(size_of "$D/big.txt")$"
    t "download: a name with spaces and non-ASCII"
    upload o "$D/one.png" 'Ünïcødé "photo" 100%.png' image/png
    dlurl o "$F_ID"
    fetch "$DL_URL"
    expect_status 200
    expect_header Content-Type '^image/png$'
    h="attachment; filename=\"_n_c_d_ _photo_ 100_.png\"; filename\\*=UTF-8''%C3%9Cn%C3%AFc%C3%B8d%C3%A9%20%22photo%22%20100%25\\.png"
    expect_header Content-Disposition "^${h}$"
    check "$T: exact bytes" "the PNG" cmp -s "$R_BODY" "$D/one.png"

    local exp sig
    exp=$(sed -n 's/.*expires=\([0-9]*\).*/\1/p' <<<"$DL_URL")
    sig=${DL_URL##*sig=}
    t "download: the test computes the same signature"
    check "$T: signature" "sig == HMAC" test "$(fsig GET "$F_ID" "$exp")" = "$sig"
    t "download: altered signature"
    fetch "$SC_BASE/v1/storage/download/$F_ID?expires=$exp&sig=$(rep B 43)"
    expect_error 403 FORBIDDEN
    t "download: another file with this signature"
    fetch "$SC_BASE/v1/storage/download/$HELLO?expires=$exp&sig=$sig"
    expect_error 403 FORBIDDEN
    t "download: expired"
    fetch "$SC_BASE/v1/storage/download/$F_ID?expires=1000&sig=$(fsig GET "$F_ID" 1000)"
    expect_error 403 FORBIDDEN
    expect_match .error.message expired
    t "download: the upload URL's signature"
    fetch "$SC_BASE/v1/storage/download/$PNG?${PENDING_URL#*\?}"
    expect_error 403 FORBIDDEN
    t "download: a PUT signature of this file"
    fetch "$SC_BASE/v1/storage/download/$F_ID?expires=$exp&sig=$(fsig PUT "$F_ID" "$exp")"
    expect_error 403 FORBIDDEN
    t "download: no signature"
    fetch "$SC_BASE/v1/storage/download/$F_ID"
    expect_error 403 FORBIDDEN
    t "download: signed, but no such file"
    h=$(uuid)
    fetch "$SC_BASE/v1/storage/download/$h?expires=$exp&sig=$(fsig GET "$h" "$exp")"
    expect_error 404 NOT_FOUND
    t "download: signed, but still pending"
    fetch "$SC_BASE/v1/storage/download/$PENDING?expires=$exp&sig=$(fsig GET "$PENDING" "$exp")"
    expect_error 404 NOT_FOUND
    t "download-url: a pending file"
    dlurl o "$PENDING"
    expect_error 409 CONFLICT
    t "download-url: stranger"
    dlurl s "$HELLO"
    expect_error 403 FORBIDDEN
    t "download-url: unknown"
    dlurl o "$(uuid)"
    expect_error 404 NOT_FOUND
    t "download-url: not a UUID"
    dlurl o nope
    expect_error 404 NOT_FOUND
    t "download-url: no token"
    req GET "/v1/storage/download-url/$HELLO"
    expect_error 401 UNAUTHORIZED
}

# ---------------------------------------------------------------- sharing
test_sharing() {
    local mid fwd
    t "share: a file the sender does not own and may not download"
    sendmsg s "${C_ID[sgrp]}" "look" "{\"file_ids\":[\"$HELLO\"]}"
    expect_error 403 FORBIDDEN
    expect_json .error.field '"file_ids"'
    t "share: a pending file of the sender"
    sendmsg o "${C_ID[grp]}" "soon" "{\"file_ids\":[\"$PENDING\"]}"
    expect_error 403 FORBIDDEN
    t "share: an unknown file"
    sendmsg o "${C_ID[grp]}" "ghost" "{\"file_ids\":[\"$(uuid)\"]}"
    expect_error 403 FORBIDDEN
    t "share: a member cannot download before"
    dlurl m "$PNG"
    expect_error 403 FORBIDDEN
    t "share: the owner sends two files"
    sendmsg o "${C_ID[grp]}" "pictures" "{\"file_ids\":[\"$PNG\",\"$HELLO\"],\"message_type\":\"image\"}"
    expect_status 201
    expect_json .data.file_ids "[\"$PNG\",\"$HELLO\"]"
    mid=$M_LAST
    t "share: the member downloads"
    dlurl m "$PNG"
    expect_status 200
    fetch "$DL_URL"
    expect_status 200
    check "$T: exact bytes" "the PNG" cmp -s "$R_BODY" "$D/one.png"
    t "share: still not a stranger"
    dlurl s "$PNG"
    expect_error 403 FORBIDDEN
    t "share: nor a member of another conversation of the member"
    dlurl x "$PNG"
    expect_error 403 FORBIDDEN
    t "share: the member passes it on (may download it)"
    sendmsg m "${C_ID[other]}" "from the group" "{\"file_ids\":[\"$PNG\"]}"
    expect_status 201
    dlurl x "$PNG"
    expect_status 200
    t "share: forwarding carries the files"
    areq POST /v1/messages/forward "${U_AT[m]}" "{\"message_id\":\"$mid\",\"conversation_id\":\"${C_ID[other]}\"}"
    expect_status 201
    expect_json .data.file_ids "[\"$PNG\",\"$HELLO\"]"
    jr_into fwd .data.message_id
    dlurl x "$HELLO"
    expect_status 200
    t "share: a deleted message no longer shares"
    areq DELETE "/v1/messages/$fwd" "${U_AT[m]}"
    expect_status 200
    dlurl x "$HELLO"
    expect_error 403 FORBIDDEN
    t "share: a removed member loses access"
    areq DELETE "/v1/conversations/${C_ID[grp]}/participants/${U_ID[m]}" "${U_AT[o]}"
    expect_status 200
    dlurl m "$HELLO"
    expect_error 403 FORBIDDEN
    t "share: x keeps the PNG (sent again in the other conversation)"
    dlurl x "$PNG"
    expect_status 200
}

# ---------------------------------------------------------------- lists and deletion
test_files_and_delete() {
    local n cur ids u url
    t "files: the owner's list"
    areq GET "/v1/storage/files?limit=100" "${U_AT[o]}"
    expect_status 200
    expect_json .data.has_more false
    expect_json .data.next_cursor '""'
    expect_jq "[.data.files[].file_id] | index(\"$HELLO\") != null" "lists a completed file"
    expect_jq "[.data.files[].file_id] | index(\"$PENDING\") != null" "lists a pending upload"
    expect_jq '[.data.files[].status] | all(. == "completed" or . == "uploading")' "no deleted file"
    expect_jq '[.data.files[].created_at] | . == (sort | reverse)' "newest first"
    n=$(jq '.data.files | length' <"$R_BODY")
    ids=$(jq -c '[.data.files[].file_id]' <"$R_BODY")
    t "files: pages of 2"
    local all="[]" i
    cur=""
    for ((i = 0; i < 50; i++)); do
        areq GET "/v1/storage/files?limit=2${cur:+&cursor=$cur}" "${U_AT[o]}"
        [[ $R_STATUS == 200 ]] || break
        all=$(jq -c --argjson a "$all" '$a + [.data.files[].file_id]' <"$R_BODY")
        jr_into cur .data.next_cursor
        [[ $(jq -r .data.has_more <"$R_BODY") == true ]] || break
    done
    check "$T: the same files in the same order" "$n files" test "$all" = "$ids"
    t "files: another user's list"
    areq GET /v1/storage/files "${U_AT[s]}"
    expect_json .data.files '[]'
    t "files: bad cursor"
    areq GET "/v1/storage/files?cursor=abc" "${U_AT[o]}"
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field '"cursor"'
    t "files: limit 0"
    areq GET "/v1/storage/files?limit=0" "${U_AT[o]}"
    expect_error 400 VALIDATION_ERROR

    dlurl o "$HELLO"
    url=$DL_URL
    t "delete: stranger"
    areq DELETE "/v1/storage/files/$HELLO" "${U_AT[s]}"
    expect_error 403 FORBIDDEN
    t "delete: owner"
    u=$(used o)
    areq DELETE "/v1/storage/files/$HELLO" "${U_AT[o]}"
    expect_status 200
    expect_json .data "{\"file_id\":\"$HELLO\",\"deleted\":true}"
    check "$T: quota freed" "used down by the size" test "$(used o)" = $((u - $(size_of "$D/hello.txt")))
    check "$T: bytes removed" "no file on disk" test ! -e "$STORE/${U_ID[o]}/$HELLO"
    check "$T: row removed" "no row" test "$(sql "SELECT count(*) FROM files WHERE file_id = '$HELLO'")" = 0
    t "delete: again"
    areq DELETE "/v1/storage/files/$HELLO" "${U_AT[o]}"
    expect_error 404 NOT_FOUND
    t "delete: a download URL issued before"
    fetch "$url"
    expect_error 404 NOT_FOUND
    t "delete: download-url of it"
    dlurl o "$HELLO"
    expect_error 404 NOT_FOUND
    t "delete: the message still names it, nobody can get it"
    dlurl x "$HELLO"
    expect_error 404 NOT_FOUND
    t "delete: unknown"
    areq DELETE "/v1/storage/files/$(uuid)" "${U_AT[o]}"
    expect_error 404 NOT_FOUND
    t "delete: a pending upload"
    areq DELETE "/v1/storage/files/$PENDING" "${U_AT[o]}"
    expect_status 200
    t "delete: its URL is dead"
    put "$PENDING_URL" "$D/hello.txt"
    expect_error 404 NOT_FOUND
}

# ---------------------------------------------------------------- gc and account deletion
test_gc() {
    local id url u old
    t "gc: an upload whose URL expired"
    upurl d late.txt 1234 text/plain
    id=$F_ID url=$F_URL
    u=$(used d)
    sql "UPDATE files SET upload_expires_at = now() - interval '1 minute' WHERE file_id = '$id'" >/dev/null
    # a left-over temporary upload (a program that died), old enough, and a fresh one
    old=$STORE/tmp/00000000-0000-4000-8000-000000000000.deadbeefdeadbeef
    touch "$old" "$STORE/tmp/fresh.0123456789abcdef"
    touch -d '2 hours ago' "$old"
    run_cmd env SC_CONFIG="$SC_CONFIG" "$ADMIN" gc
    expect_rc 0
    check "$T: reports it" "N expired uploads ended" grep -Eq '^gc: [1-9][0-9]* expired uploads ended' "$C_OUT"
    check "$T: row gone" "no row" test "$(sql "SELECT count(*) FROM files WHERE file_id = '$id'")" = 0
    check "$T: quota given back" "used down by 1234" test "$(used d)" = $((u - 1234))
    check "$T: old temporary file removed" "gone" test ! -e "$old"
    check "$T: fresh temporary file kept" "kept" test -e "$STORE/tmp/fresh.0123456789abcdef"
    rm -f "$STORE/tmp/fresh.0123456789abcdef"
    t "gc: its URL is dead"
    put "$url" "$D/hello.txt"
    expect_error 404 NOT_FOUND
    t "gc: a deleted file whose bytes stayed (a failed removal)"
    upload d "$D/hello.txt" stays.txt text/plain
    id=$F_ID
    sql "UPDATE files SET status = 'deleted' WHERE file_id = '$id'" >/dev/null
    run_cmd env SC_CONFIG="$SC_CONFIG" "$ADMIN" gc
    expect_rc 0
    check "$T: bytes removed" "no file" test ! -e "$STORE/${U_ID[d]}/$id"
    check "$T: row removed" "no row" test "$(sql "SELECT count(*) FROM files WHERE file_id = '$id'")" = 0
    t "gc: a second run finds nothing"
    run_cmd env SC_CONFIG="$SC_CONFIG" "$ADMIN" gc
    expect_rc 0
    check "$T: nothing to do" "0 ended, 0 removed" grep -q '^gc: 0 deleted files removed$' "$C_OUT"
    t "gc: usage"
    run_cmd env SC_CONFIG="$SC_CONFIG" "$ADMIN" gc extra
    expect_rc 2

    local fin pend dl
    t "account deletion: the files go"
    upload d "$D/one.png" mine.png image/png
    fin=$F_ID
    dlurl d "$fin"
    dl=$DL_URL
    upurl d pending.txt 10 text/plain
    pend=$F_ID
    areq DELETE /v1/users/me "${U_AT[d]}" "{\"password\":\"${U_PASS[d]}\"}"
    expect_status 200
    check "$T: rows gone" "no file rows" \
        test "$(sql "SELECT count(*) FROM files WHERE user_id = '${U_ID[d]}'")" = 0
    check "$T: bytes gone" "no file on disk" test ! -e "$STORE/${U_ID[d]}/$fin"
    check "$T: quota 0" "storage_used_bytes 0" test "$(used d)" = 0
    fetch "$dl"
    expect_error 404 NOT_FOUND
    check "$T: pending row gone" "no row" test "$(sql "SELECT count(*) FROM files WHERE file_id = '$pend'")" = 0
}

test_setup
test_upload_url
test_put
test_quota
test_download
test_sharing
test_files_and_delete
test_gc
for n in "${!EV_PID[@]}"; do ev_stop "$n"; done
printf '%s-%s: %d passed, %d failed\n' "$SC_SERVER" "$SUITE" "$SC_PASS" "$SC_FAIL"
[[ $SC_FAIL -eq 0 ]]
