#!/usr/bin/env bash
# Black-box cases for the prekey server (api.md "End-to-end encryption keys": POST
# /v1/keys/upload, POST /v1/keys/rotate, GET /v1/keys/count, GET /v1/keys/:user_id). Run by
# tests/integration/run.sh once per web server; every user made here carries a run tag.
#
# Keys and signatures are real: tests/e2ee/keygen.mjs makes them with libsignal (Curve25519
# identities, XEdDSA) and node:crypto (Ed25519 identities) in one run at the start; the error
# cases change single fields or bytes of those bodies with jq. The last part runs
# tests/e2ee/interop.mjs: a libsignal session built from a bundle fetched through this web
# server. Needs node and npm (tests/e2ee's pinned packages are installed with sc_npm_ci).
#
# Environment: SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP (see cases.sh); SC_VERBOSE=1.
# Last line: "<server>-keys: N passed, M failed"; exit 0 only when M is 0.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=keys

# shellcheck source=suite.sh
. "$HERE/suite.sh"
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=../../scripts/svc.sh
. "$ROOT/scripts/svc.sh"

MAX_OTK=$(cfgval KEYS_MAX_ONE_TIME); MAX_OTK=${MAX_OTK:-1000}
BURST=$(cfgval KEYS_FETCH_BURST); BURST=${BURST:-30}
KG=$SC_WORK/keygen
mkdir -p "$KG"

# ---------------------------------------------------------------- helpers
# base64 <-> hex without xxd
hex_of() { base64 -d <<<"$1" | od -An -tx1 -v | tr -d ' \n'; }
b64_of() { printf '%b' "$(sed 's/../\\x&/g' <<<"$1")" | base64 -w0; }
# flip B64 BYTE [MASK]: the base64 value with byte BYTE xor MASK (default 1)
flip() {
    local h i=$2 b
    h=$(hex_of "$1")
    printf -v b '%02x' $((16#${h:2*i:2} ^ ${3:-1}))
    b64_of "${h:0:2*i}$b${h:2*i+2}"
}
# body FILE JQ [ARGS]: FILE (in KG) changed by a jq program, compact
body() { local f=$1 p=$2; shift 2; jq -c "$@" "$p" "$KG/$f"; }

upload() { areq POST /v1/keys/upload "${U_AT[$1]}" "$2"; }
rotate() { areq POST /v1/keys/rotate "${U_AT[$1]}" "$2"; }
count() { areq GET /v1/keys/count "${U_AT[$1]}"; }
bundle() { areq GET "/v1/keys/${U_ID[$2]}" "${U_AT[$1]}"; }

# bad400 FIELD: a 400 VALIDATION_ERROR naming FIELD
bad400() {
    expect_error 400 VALIDATION_ERROR
    expect_json .error.field "\"$1\""
}

# counts KEY N SPK KYBER: GET /v1/keys/count as KEY says {N, SPK, KYBER} (null for none)
counts() {
    count "$1"
    expect_status 200
    expect_json .data "{\"one_time_keys\":$2,\"signed_pre_key_id\":$3,\"kyber_pre_key_id\":$4}"
}

# padded standard base64 of LEN bytes
re_b64() { printf '^[A-Za-z0-9+/]{%d}%s$' $(( ($1 / 3) * 4 )) "$(case $(($1 % 3)) in 1) echo '[A-Za-z0-9+/]{2}==' ;; 2) echo '[A-Za-z0-9+/]{3}=' ;; esac)"; }

# ---------------------------------------------------------------- setup
test_setup() {
    t "setup"
    # tests/e2ee's pinned libsignal (npm ci only when node_modules differs from the lock)
    R_KIND=cmd C_DESC="sc_npm_ci tests/e2ee" C_RC=0
    sc_npm_ci "$ROOT/tests/e2ee" >"$C_OUT" 2>"$C_ERR" </dev/null || C_RC=$?
    expect_rc 0
    local k i spec=$KG/spec n full rest
    for k in a b c d e f m n w x z i; do mkuser "$k"; done
    {
        echo "ident a curve"
        echo "ident a2 curve"
        echo "ident e ed25519"
        echo "ident w ed25519"
        echo "ident x curve"
        echo "ident m ed25519"
        echo "ident z curve"
        echo "body a-up.json a upload spk=1 kyber=2 otk=1:5"
        echo "body a-more.json a upload spk=3 otk=6:3"
        echo "body a2-up.json a2 upload spk=4 otk=1:2"
        echo "body a2-rot.json a2 rotate spk=9 kyber=10 otk=50:2"
        echo "body a2-rot2.json a2 rotate spk=11"
        echo "body a-rot.json a rotate spk=12"
        echo "body e-up.json e upload spk=5 kyber=6 otk=1:3 raw32"
        echo "body e-up05.json e upload spk=7 otk=10:2"
        echo "body w-up.json w upload spk=1 otk=1:11"
        echo "body w-one.json w upload spk=1 otk=100:1"
        echo "body x-up.json x upload spk=1 kyber=1 otk=1:40"
        echo "body z-up.json z upload spk=1 otk=1:2"
        echo "body f-101.json z upload otk=1:101"
        full=$((MAX_OTK / 100)) rest=$((MAX_OTK % 100))
        for ((i = 0; i < full; i++)); do echo "body m-$i.json m upload otk=$((1 + 100 * i)):100"; done
        ((rest)) && echo "body m-$full.json m upload otk=$((1 + 100 * full)):$rest"
        echo "body m-over.json m upload otk=$((MAX_OTK + 1)):1"
    } >"$spec"
    R_KIND=cmd C_DESC="node tests/e2ee/keygen.mjs (libsignal keys for the suite)" C_RC=0
    (cd "$ROOT/tests/e2ee" && timeout 60 node keygen.mjs "$KG" <"$spec") >"$C_OUT" 2>"$C_ERR" || C_RC=$?
    expect_rc 0
}

# ---------------------------------------------------------------- upload, count, rotate
test_upload() {
    t "upload (Curve25519 identity, XEdDSA)"
    upload a "$(cat "$KG/a-up.json")"
    expect_status 201
    expect_ok_envelope
    expect_json .data '{"one_time_keys":5}'
    counts a 5 1 2

    t "upload again (a retry): nothing doubles"
    upload a "$(cat "$KG/a-up.json")"
    expect_status 201
    expect_json .data '{"one_time_keys":5}'

    t "upload more: same ids with the same keys skipped, new ones added, Kyber kept"
    local more
    more=$(jq -c --slurpfile old "$KG/a-up.json" \
        '.one_time_pre_keys = ($old[0].one_time_pre_keys[3:5] + .one_time_pre_keys)' "$KG/a-more.json")
    upload a "$more"
    expect_status 201
    expect_json .data '{"one_time_keys":8}'
    counts a 8 3 2

    t "upload: a stored key id with another public key"
    local clash
    clash=$(jq -c --slurpfile m "$KG/a-more.json" \
        '.one_time_pre_keys = [{key_id: 7, public_key: $m[0].one_time_pre_keys[0].public_key}]' "$KG/a-up.json")
    upload a "$clash"
    expect_error 409 CONFLICT
    expect_json .error.key_id '"7"'
    counts a 8 3 2
}

test_bundle() {
    t "bundle: GET /v1/keys/:user_id"
    bundle b a
    expect_status 200
    expect_ok_envelope
    expect_json '.data | keys' '["identity_key","kyber_pre_key","one_time_pre_key","signed_pre_key","user_id"]'
    expect_json .data.user_id "\"${U_ID[a]}\""
    expect_json .data.identity_key "$(jq .identity_key "$KG/a-up.json")"
    expect_json .data.signed_pre_key "$(jq -c .signed_pre_key "$KG/a-more.json")"
    expect_json .data.kyber_pre_key "$(jq -c .kyber_pre_key "$KG/a-up.json")"
    expect_json .data.one_time_pre_key "$(jq -c .one_time_pre_keys[0] "$KG/a-up.json")"
    expect_match .data.identity_key "$(re_b64 33)"
    expect_match .data.kyber_pre_key.public_key "$(re_b64 1569)"
    expect_match .data.signed_pre_key.signature "$(re_b64 64)"
    counts a 7 3 2

    t "bundle: the next fetch gets the next key"
    bundle b a
    expect_status 200
    expect_json .data.one_time_pre_key.key_id 2

    t "bundle: HEAD claims nothing"
    areq HEAD "/v1/keys/${U_ID[a]}" "${U_AT[b]}"
    expect_status 200
    counts a 6 3 2

    t "bundle: one's own"
    bundle a a
    expect_status 200
    expect_json .data.one_time_pre_key.key_id 3

    t "upload: keys already handed out are not stored again"
    upload a "$(cat "$KG/a-up.json")"
    expect_status 201
    expect_json .data '{"one_time_keys":5}'
    counts a 5 1 2
    check "$T: claimed ids 1-3 not back" "e2ee_one_time_keys of a: 4,5,6,7,8" \
        test "$(sql "SELECT string_agg(key_id::text, ',' ORDER BY key_id) FROM e2ee_one_time_keys WHERE user_id = '${U_ID[a]}'")" = "4,5,6,7,8"
}

test_reinstall() {
    t "upload with another identity key: a re-install"
    upload a "$(cat "$KG/a2-up.json")"
    expect_status 201
    expect_json .data '{"one_time_keys":2}'
    counts a 2 4 null
    check "$T: claim records dropped" "no e2ee_claimed_keys rows for a" \
        test "$(sql "SELECT count(*) FROM e2ee_claimed_keys WHERE user_id = '${U_ID[a]}'")" = 0
    bundle b a
    expect_status 200
    expect_json .data.identity_key "$(jq .identity_key "$KG/a2-up.json")"
    expect_json .data.one_time_pre_key "$(jq -c .one_time_pre_keys[0] "$KG/a2-up.json")"
    expect_jq '.data | has("kyber_pre_key") | not' "no kyber_pre_key"

    t "rotate"
    rotate a "$(cat "$KG/a2-rot.json")"
    expect_status 200
    expect_ok_envelope
    expect_json .data '{"one_time_keys":3,"signed_pre_key_id":9,"kyber_pre_key_id":10}'
    counts a 3 9 10
    bundle b a
    expect_json .data.signed_pre_key "$(jq -c .new_signed_pre_key "$KG/a2-rot.json")"
    expect_json .data.kyber_pre_key "$(jq -c .new_kyber_pre_key "$KG/a2-rot.json")"

    t "rotate without a Kyber prekey keeps it"
    rotate a "$(cat "$KG/a2-rot2.json")"
    expect_status 200
    expect_json .data '{"one_time_keys":2,"signed_pre_key_id":11,"kyber_pre_key_id":10}'

    t "rotate: a signature by the old identity key"
    rotate a "$(cat "$KG/a-rot.json")"
    bad400 new_signed_pre_key.signature
    t "rotate: a corrupted Kyber signature"
    rotate a "$(body a2-rot.json '.new_kyber_pre_key.signature |= $s' --arg s "$(flip "$(jq -r .new_kyber_pre_key.signature "$KG/a2-rot.json")" 20)")"
    bad400 new_kyber_pre_key.signature
    t "rotate: no new_signed_pre_key"
    rotate a '{"new_one_time_keys":[]}'
    bad400 new_signed_pre_key
    t "rotate: a one-time key id stored with another key"
    rotate a "$(body a2-rot2.json '.new_one_time_keys = [{key_id: 51, public_key: $p}]' --arg p "$(jq -r .one_time_pre_keys[0].public_key "$KG/a2-up.json")")"
    expect_error 409 CONFLICT
    expect_json .error.key_id '"51"'
    counts a 2 11 10
    t "rotate before any upload"
    rotate n "$(cat "$KG/a2-rot2.json")"
    expect_error 409 CONFLICT
    counts n 0 null null
}

test_ed25519() {
    t "upload (Ed25519 identity, 32-byte prekeys)"
    upload e "$(cat "$KG/e-up.json")"
    expect_status 201
    expect_json .data '{"one_time_keys":3}'
    bundle b e
    expect_status 200
    expect_match .data.identity_key "$(re_b64 32)"
    expect_match .data.signed_pre_key.public_key "$(re_b64 32)"
    expect_match .data.one_time_pre_key.public_key "$(re_b64 32)"
    expect_json .data.kyber_pre_key.key_id 6

    t "upload (Ed25519 identity, 0x05 prekeys)"
    upload e "$(cat "$KG/e-up05.json")"
    expect_status 201
    expect_json .data '{"one_time_keys":4}'
    counts e 4 7 6

    t "upload (Ed25519): a signature made by openssl pkeyutl"
    local dir=$SC_WORK/ossl spk sig
    mkdir -p "$dir"
    openssl genpkey -algorithm ed25519 -out "$dir/id.pem" 2>/dev/null
    openssl pkey -in "$dir/id.pem" -pubout -outform DER 2>/dev/null | tail -c 32 >"$dir/id.pub"
    spk=$(openssl rand -hex 32)
    printf '%b' "$(sed 's/../\\x&/g' <<<"05$spk")" >"$dir/spk"
    openssl pkeyutl -sign -rawin -inkey "$dir/id.pem" -in "$dir/spk" -out "$dir/sig" 2>/dev/null
    upload f "$(jq -nc --arg i "$(base64 -w0 <"$dir/id.pub")" --arg p "$(base64 -w0 <"$dir/spk")" \
        --arg s "$(base64 -w0 <"$dir/sig")" '{identity_key: $i, signed_pre_key: {key_id: 1, public_key: $p, signature: $s}}')"
    expect_status 201
    expect_json .data '{"one_time_keys":0}'
    t "upload (Ed25519): that signature over other bytes"
    upload f "$(jq -nc --arg i "$(base64 -w0 <"$dir/id.pub")" --arg p "$(b64_of "05$(openssl rand -hex 32)")" \
        --arg s "$(base64 -w0 <"$dir/sig")" '{identity_key: $i, signed_pre_key: {key_id: 1, public_key: $p, signature: $s}}')"
    bad400 signed_pre_key.signature
    t "upload (Ed25519): a corrupted Kyber signature"
    upload e "$(body e-up.json '.kyber_pre_key.signature |= $s' --arg s "$(flip "$(jq -r .kyber_pre_key.signature "$KG/e-up.json")" 3)")"
    bad400 kyber_pre_key.signature
    counts e 4 7 6
}

# ---------------------------------------------------------------- what upload refuses
# refused_bulk KEY BASE-FILE CASE...: each CASE "label|field|jq program over BASE-FILE|$v" is
# uploaded as KEY (all in one curl over one connection, the bodies made by one jq); one counted
# check per case: 400, VALIDATION_ERROR, error.field == field
refused_bulk() {
    local key=$1 base=$2 d=$SC_WORK/bulk i=0 c label field prog v progs=() vals=() got
    shift 2
    rm -rf "$d"; mkdir -p "$d"
    for c in "$@"; do
        IFS='|' read -r label field prog v <<<"$c"
        progs+=("(\$vs[$i] as \$v | $prog)")
        vals+=("$v")
        i=$((i + 1))
    done
    jq -c --argjson vs "$(jq -nc '$ARGS.positional' --args "${vals[@]}")" \
        "$(IFS=,; echo "${progs[*]}")" "$base" | split -l 1 -a 3 -d - "$d/body."
    for ((i = 0; i < $#; i++)); do
        ((i == 0)) || echo next          # between entries: a "next" after the last is an empty one
        printf 'url = "%s/v1/keys/upload"\nheader = "Authorization: Bearer %s"\n' "$SC_BASE" "${U_AT[$key]}"
        printf 'header = "Content-Type: application/json"\ndata-binary = "@%s"\n' "$(printf '%s/body.%03d' "$d" "$i")"
        printf 'output = "%s/resp.%03d"\nwrite-out = "%%{http_code}\\n"\n' "$d" "$i"
    done >"$d/curl.cfg"
    curl -s --max-time 60 -K "$d/curl.cfg" >"$d/codes"
    # "code error.code error.field" per case, in order
    # (each answer is one line of compact JSON; one that is not JSON stays in its place)
    paste -d ' ' "$d/codes" <(for ((i = 0; i < $#; i++)); do cat "$(printf '%s/resp.%03d' "$d" "$i")"; echo; done |
        jq -R -r '(fromjson? | "\(.error.code) \(.error.field)") // "(not JSON)"') >"$d/got"
    local -a gots
    mapfile -t gots <"$d/got"
    i=0
    for c in "$@"; do
        IFS='|' read -r label field prog v <<<"$c"
        got=${gots[i]:-}
        i=$((i + 1))
        if [[ $got == "400 VALIDATION_ERROR $field" ]]; then ok "upload refused: $label"
        else fail "upload refused: $label" "400 VALIDATION_ERROR naming $field (got $got)"; fi
    done
}
test_refused() {
    local base=a-up.json id spk sig kp otk
    id=$(jq -r .identity_key "$KG/$base")
    spk=$(jq -r .signed_pre_key.public_key "$KG/$base")
    sig=$(jq -r .signed_pre_key.signature "$KG/$base")
    kp=$(jq -r .kyber_pre_key.public_key "$KG/$base")
    otk=$(jq -r .one_time_pre_keys[0].public_key "$KG/$base")
    # each: label, field, jq program (over a-up.json) with $v
    local -a cases=(
        "identity_key: missing|identity_key|del(.identity_key)|"
        "identity_key: a number|identity_key|.identity_key = 5|"
        "identity_key: malformed base64|identity_key|.identity_key = \$v|@@@@"
        "identity_key: base64url|identity_key|.identity_key = \$v|${id:0:1}-$(tr '+/' '-_' <<<"${id:2}")"
        "identity_key: white space|identity_key|.identity_key = \$v|${id:0:20} ${id:20}"
        "identity_key: 31 bytes|identity_key|.identity_key = \$v|$(b64_of "$(openssl rand -hex 31)")"
        "identity_key: 34 bytes|identity_key|.identity_key = \$v|$(b64_of "05$(openssl rand -hex 33)")"
        "identity_key: 33 bytes without 0x05|identity_key|.identity_key = \$v|$(b64_of "06$(hex_of "$id" | cut -c3-)")"
        "signed_pre_key: missing|signed_pre_key|del(.signed_pre_key)|"
        "signed_pre_key: a string|signed_pre_key|.signed_pre_key = \"x\"|"
        "signed_pre_key.key_id: 0|signed_pre_key.key_id|.signed_pre_key.key_id = 0|"
        "signed_pre_key.key_id: 2^32|signed_pre_key.key_id|.signed_pre_key.key_id = 4294967296|"
        "signed_pre_key.key_id: -1|signed_pre_key.key_id|.signed_pre_key.key_id = -1|"
        "signed_pre_key.key_id: a string|signed_pre_key.key_id|.signed_pre_key.key_id = \"1\"|"
        "signed_pre_key.key_id: 1.5|signed_pre_key.key_id|.signed_pre_key.key_id = 1.5|"
        "signed_pre_key.key_id: missing|signed_pre_key.key_id|del(.signed_pre_key.key_id)|"
        "signed_pre_key.public_key: 0x05 missing (32 bytes)|signed_pre_key.public_key|.signed_pre_key.public_key = \$v|$(b64_of "$(hex_of "$spk" | cut -c3-)")"
        "signed_pre_key.public_key: another type byte|signed_pre_key.public_key|.signed_pre_key.public_key = \$v|$(b64_of "08$(hex_of "$spk" | cut -c3-)")"
        "signed_pre_key.public_key: malformed base64|signed_pre_key.public_key|.signed_pre_key.public_key = \$v|${spk:0:43}!"
        "signed_pre_key.public_key: missing|signed_pre_key.public_key|del(.signed_pre_key.public_key)|"
        "signed_pre_key.signature: 63 bytes|signed_pre_key.signature|.signed_pre_key.signature = \$v|$(b64_of "$(hex_of "$sig" | cut -c3-)")"
        "signed_pre_key.signature: a bit of R flipped|signed_pre_key.signature|.signed_pre_key.signature = \$v|$(flip "$sig" 5)"
        "signed_pre_key.signature: a bit of s flipped|signed_pre_key.signature|.signed_pre_key.signature = \$v|$(flip "$sig" 40)"
        "signed_pre_key.signature: the sign bit flipped|signed_pre_key.signature|.signed_pre_key.signature = \$v|$(flip "$sig" 63 128)"
        "signed_pre_key.signature: over another key|signed_pre_key.signature|.signed_pre_key.public_key = \$v|$(flip "$spk" 7)"
        "signed_pre_key.signature: the Kyber signature|signed_pre_key.signature|.signed_pre_key.signature = .kyber_pre_key.signature|"
        "kyber_pre_key.public_key: without its type byte|kyber_pre_key.public_key|.kyber_pre_key.public_key = \$v|$(b64_of "$(hex_of "$kp" | cut -c3-)")"
        "kyber_pre_key.public_key: type byte 0x07|kyber_pre_key.public_key|.kyber_pre_key.public_key = \$v|$(b64_of "07$(hex_of "$kp" | cut -c3-)")"
        "kyber_pre_key.public_key: an EC key|kyber_pre_key.public_key|.kyber_pre_key.public_key = \$v|$spk"
        "kyber_pre_key.public_key: a byte changed|kyber_pre_key.signature|.kyber_pre_key.public_key = \$v|$(flip "$kp" 800)"
        "kyber_pre_key.key_id: 0|kyber_pre_key.key_id|.kyber_pre_key.key_id = 0|"
        "kyber_pre_key.signature: missing|kyber_pre_key.signature|del(.kyber_pre_key.signature)|"
        "kyber_pre_key: an array|kyber_pre_key|.kyber_pre_key = []|"
        "one_time_pre_keys: an object|one_time_pre_keys|.one_time_pre_keys = {}|"
        "one_time_pre_keys: an item not an object|one_time_pre_keys[1]|.one_time_pre_keys[1] = 7|"
        "one_time_pre_keys: a duplicate key id|one_time_pre_keys[3].key_id|.one_time_pre_keys[3].key_id = 2|"
        "one_time_pre_keys: key id 0|one_time_pre_keys[0].key_id|.one_time_pre_keys[0].key_id = 0|"
        "one_time_pre_keys: 0x05 missing|one_time_pre_keys[2].public_key|.one_time_pre_keys[2].public_key = \$v|$(b64_of "$(hex_of "$otk" | cut -c3-)")"
        "one_time_pre_keys: malformed base64|one_time_pre_keys[4].public_key|.one_time_pre_keys[4].public_key = \$v|%%%%"
        "one_time_pre_keys: no public_key|one_time_pre_keys[0].public_key|del(.one_time_pre_keys[0].public_key)|"
    )
    # the first through the usual checks (envelope and all), then every case in one curl and
    # one jq: each must be a 400 VALIDATION_ERROR naming its field
    local c label field prog v
    IFS='|' read -r label field prog v <<<"${cases[0]}"
    t "upload refused: $label"
    upload d "$(jq -c --arg v "$v" "$prog" "$KG/$base")"
    bad400 "$field"
    refused_bulk d "$KG/$base" "${cases[@]}"
    t "upload refused: 101 one-time keys"
    upload d "$(cat "$KG/f-101.json")"
    bad400 one_time_pre_keys
    t "nothing stored by the refused uploads"
    counts d 0 null null

    t "upload: unpadded base64 is accepted, padded base64 comes back"
    upload d "$(jq -c '(.. | objects | select(has("public_key")) | .public_key) |= sub("=+$"; "")
        | (.. | objects | select(has("signature")) | .signature) |= sub("=+$"; "")
        | .identity_key |= sub("=+$"; "")' "$KG/z-up.json")"
    expect_status 201
    bundle b d
    expect_json .data.identity_key "$(jq .identity_key "$KG/z-up.json")"
    expect_json .data.signed_pre_key "$(jq -c .signed_pre_key "$KG/z-up.json")"

    t "upload: not JSON"
    req POST /v1/keys/upload -H "Authorization: Bearer ${U_AT[d]}" -H 'Content-Type: text/plain' --data-binary x
    expect_error 415 UNSUPPORTED_MEDIA_TYPE
    t "upload: body over the cap (32 KiB)"
    upload d "$(jq -c --arg pad "$(rep x 33000)" '. + {pad: $pad}' "$KG/a-up.json")"
    expect_status 413
    t "upload: 100 one-time keys with a Kyber key fit the cap"
    upload f "$(jq -c --slurpfile k "$KG/a-up.json" '. + {kyber_pre_key: $k[0].kyber_pre_key}
        | .identity_key = $k[0].identity_key | .signed_pre_key = $k[0].signed_pre_key' "$KG/m-0.json")"
    expect_status 201
    expect_json .data '{"one_time_keys":100}'
}

test_max() {
    t "upload: up to KEYS_MAX_ONE_TIME ($MAX_OTK) unclaimed"
    local f n=0 last=0
    for f in "$KG"/m-[0-9]*.json; do
        upload m "$(cat "$f")"
        [[ $R_STATUS == 201 ]] && n=$((n + 1))
        jr_into last .data.one_time_keys 0
    done
    check "$T: every batch stored" "$(ls "$KG"/m-[0-9]*.json | wc -l) uploads answered 201" \
        test "$n" = "$(ls "$KG"/m-[0-9]*.json | wc -l)"
    check "$T: $MAX_OTK stored" "one_time_keys $MAX_OTK after the last (got $last)" test "$last" = "$MAX_OTK"
    t "upload: one more than KEYS_MAX_ONE_TIME"
    upload m "$(cat "$KG/m-over.json")"
    expect_error 409 CONFLICT
    expect_match .error.message "at most $MAX_OTK"
    counts m "$MAX_OTK" 1 null
    t "upload: the same keys again still fit (nothing new)"
    upload m "$(cat "$KG/m-0.json")"
    expect_status 201
    expect_json .data.one_time_keys "$MAX_OTK"
}

# ---------------------------------------------------------------- who may fetch
test_access() {
    upload c "$(cat "$KG/z-up.json")" >/dev/null
    check "setup: c has keys" "201" test "$R_STATUS" = 201
    sql "INSERT INTO blocked_users (blocker_id, blocked_id) VALUES ('${U_ID[a]}', '${U_ID[c]}'),
         ('${U_ID[d]}', '${U_ID[a]}')" >/dev/null
    check "setup: a blocks c, d blocks a" "rows inserted" test -z "$(cat "$SC_WORK/psql.err")"

    t "bundle: the blocked user fetches the blocker's"
    bundle c a
    expect_error 403 FORBIDDEN
    t "bundle: the blocker fetches the blocked user's"
    bundle a c
    expect_error 403 FORBIDDEN
    t "bundle: the other block direction"
    bundle d a
    expect_error 403 FORBIDDEN
    bundle a d
    expect_error 403 FORBIDDEN
    t "bundle: HEAD through a block"
    areq HEAD "/v1/keys/${U_ID[a]}" "${U_AT[c]}"
    expect_status 403
    t "bundle: a block claims nothing"
    counts c 2 1 null

    t "bundle: a user without keys"
    bundle b n
    expect_error 404 NOT_FOUND
    t "bundle: an unknown user"
    areq GET "/v1/keys/$(uuid)" "${U_AT[b]}"
    expect_error 404 NOT_FOUND
    t "bundle: not a UUID"
    areq GET /v1/keys/nope "${U_AT[b]}"
    expect_error 404 NOT_FOUND

    t "bundle: a deleted account"
    upload z "$(cat "$KG/z-up.json")"
    expect_status 201
    areq DELETE /v1/users/me "${U_AT[z]}" "$(jq -nc --arg p "${U_PASS[z]}" '{password: $p}')"
    expect_status 200
    bundle b z
    expect_error 404 NOT_FOUND
    t "DELETE /v1/users/me deletes the account's prekeys"
    check "$T: no key rows left" "0 rows in e2ee_keys, e2ee_one_time_keys, e2ee_claimed_keys" \
        test "$(sql "SELECT (SELECT count(*) FROM e2ee_keys WHERE user_id = '${U_ID[z]}')
            + (SELECT count(*) FROM e2ee_one_time_keys WHERE user_id = '${U_ID[z]}')
            + (SELECT count(*) FROM e2ee_claimed_keys WHERE user_id = '${U_ID[z]}')")" = 0
    t "a removed account's keys go with it (ON DELETE CASCADE)"
    mkuser zz
    upload zz "$(cat "$KG/z-up.json")"
    expect_status 201
    sql "DELETE FROM users WHERE user_id = '${U_ID[zz]}'" >/dev/null
    check "$T: no key rows left" "0 rows in e2ee_keys, e2ee_one_time_keys, e2ee_claimed_keys" \
        test "$(sql "SELECT (SELECT count(*) FROM e2ee_keys WHERE user_id = '${U_ID[zz]}')
            + (SELECT count(*) FROM e2ee_one_time_keys WHERE user_id = '${U_ID[zz]}')
            + (SELECT count(*) FROM e2ee_claimed_keys WHERE user_id = '${U_ID[zz]}')")" = 0

    local p
    for p in "POST /v1/keys/upload" "POST /v1/keys/rotate" "GET /v1/keys/count" "GET /v1/keys/${U_ID[a]}"; do
        t "$p without a token"
        if [[ $p == POST* ]]; then jpost "${p#POST }" '{}'; else req GET "${p#GET }"; fi
        expect_error 401 UNAUTHORIZED
    done
    t "GET /v1/keys/upload"
    areq GET /v1/keys/upload "${U_AT[a]}"
    expect_error 405 METHOD_NOT_ALLOWED
    t "DELETE /v1/keys/:user_id"
    areq DELETE "/v1/keys/${U_ID[a]}" "${U_AT[a]}"
    expect_error 405 METHOD_NOT_ALLOWED
}

test_limit() {
    t "bundle: more than KEYS_FETCH_BURST ($BURST) at once by one requester"
    # one curl, one connection: BURST + 15 fetches of n's bundle (no keys: 404 when allowed);
    # GCRA refills KEYS_FETCH_PER_MINUTE / 60 a second, far fewer than 15 in that time
    local d=$SC_WORK/limit i n=$((BURST + 15)) codes first
    rm -rf "$d"; mkdir -p "$d"
    for ((i = 0; i < n; i++)); do
        ((i == 0)) || echo next
        printf 'url = "%s/v1/keys/%s"\nheader = "Authorization: Bearer %s"\n' "$SC_BASE" "${U_ID[n]}" "${U_AT[x]}"
        printf 'output = "%s/body.%d"\ndump-header = "%s/hdrs.%d"\nwrite-out = "%%{http_code}\\n"\n' "$d" "$i" "$d" "$i"
    done >"$d/curl.cfg"
    codes=$(curl -s --max-time 60 -K "$d/curl.cfg")
    check "$T: the first $BURST pass the limit" "404 (no keys) for each of the first $BURST" \
        test "$(head -n "$BURST" <<<"$codes" | grep -c '^404$')" = "$BURST"
    check "$T: then 429" "at least one 429 among the next 15 (got $(tail -n 15 <<<"$codes" | tr '\n' ' '))" \
        test "$(tail -n 15 <<<"$codes" | grep -c '^429$')" -ge 1
    # the first 429 of them, checked like any answer
    first=$(grep -n '^429$' <<<"$codes" | head -n1 | cut -d: -f1)
    if [[ -n $first ]]; then
        cp "$d/body.$((first - 1))" "$R_BODY"; cp "$d/hdrs.$((first - 1))" "$R_HDRS"
        # shellcheck disable=SC2034  # read by lib.sh's checks
        R_KIND=http R_STATUS=429 R_DESC="GET /v1/keys/<n> (fetch $first of $n)"
    fi
    expect_error 429 RATE_LIMITED
    expect_header Retry-After '^[0-9]+$'
    expect_header RateLimit-Limit "^$BURST\$" "RateLimit-Limit of the keys class ($BURST)"
    t "bundle: the limit is per requester"
    bundle b c
    expect_status 200
}

test_low() {
    t "keys.low: a claim leaving fewer than 10"
    upload w "$(cat "$KG/w-up.json")"
    expect_json .data '{"one_time_keys":11}'
    ev_sub low w b
    local i ids=()
    # 11 fetches take every key (10..0 left), the 12th finds none: events for 9..0 only
    for ((i = 0; i < 12; i++)); do bundle b w; ids+=("$(jq -r '.data.one_time_pre_key.key_id // "none"' <"$R_BODY")"); done
    check "$T: keys 1..11, then none" "1 2 ... 11 none (got ${ids[*]})" test "${ids[*]}" = "1 2 3 4 5 6 7 8 9 10 11 none"
    # one key more, claimed: one more event (0 left); so the 12th fetch sent none
    upload w "$(cat "$KG/w-one.json")"
    bundle b w
    ev_wait low 11
    check "$T: eleven keys.low events to the owner" "11 (got $(ev_count low w keys.low))" test "$(ev_count low w keys.low)" = 11
    check "$T: none to the requester" "0" test "$(ev_count low b keys.low)" = 0
    check "$T: counts 9..0, then 0" "9 8 7 6 5 4 3 2 1 0 0" test "$(ev_lines low |
        awk -F'\t' '{ print $2 }' | jq -r 'select(.type == "keys.low") | .data.one_time_keys' | tr '\n' ' ')" = "9 8 7 6 5 4 3 2 1 0 0 "
    ev_stop low
}

test_concurrent() {
    t "50 parallel fetches of 40 one-time keys"
    upload x "$(cat "$KG/x-up.json")"
    expect_json .data '{"one_time_keys":40}'
    # five requesters with their fetch budgets (KEYS_FETCH_BURST) untouched so far
    local d=$SC_WORK/conc i pids=() ok200 ids distinct req=(e f m n w)
    rm -rf "$d"; mkdir -p "$d"
    for ((i = 0; i < 50; i++)); do
        curl -s --max-time 30 -o "$d/$i.json" -w '%{http_code}' -H "Authorization: Bearer ${U_AT[${req[i % 5]}]}" \
            "$SC_BASE/v1/keys/${U_ID[x]}" >"$d/$i.code" 2>/dev/null &
        pids+=($!)
    done
    wait "${pids[@]}"
    ok200=$(cat "$d"/*.code | grep -o 200 | wc -l)
    ids=$(cat "$d"/*.json | jq -r '.data.one_time_pre_key.key_id // empty' | sort -n)
    distinct=$(uniq <<<"$ids" | grep -c .)
    check "$T: every fetch 200" "50 x 200 (got $ok200)" test "$ok200" = 50
    check "$T: 40 keys handed out" "40 key ids (got $(grep -c . <<<"$ids"))" test "$(grep -c . <<<"$ids")" = 40
    check "$T: never one twice" "40 distinct ids (got $distinct)" test "$distinct" = 40
    check "$T: exactly ids 1..40" "1..40" test "$(tr '\n' ' ' <<<"$ids")" = "$(seq -s ' ' 1 40) "
    check "$T: 10 bundles without a one-time key" "10" \
        test "$(cat "$d"/*.json | jq -r 'select(.data | has("one_time_pre_key") | not) | .data.user_id' | grep -c .)" = 10
    counts x 0 1 1
    check "$T: 40 claim records" "40 rows in e2ee_claimed_keys" \
        test "$(sql "SELECT count(*) FROM e2ee_claimed_keys WHERE user_id = '${U_ID[x]}'")" = 40
}

test_interop() {
    t "libsignal interop (tests/e2ee/interop.mjs)"
    # shellcheck disable=SC2034  # R_KIND and C_DESC are read by lib.sh's fail
    R_KIND=cmd C_DESC="node tests/e2ee/interop.mjs" C_RC=0
    (cd "$ROOT/tests/e2ee" && SC_BASE=$SC_BASE SC_TOKEN_A=${U_AT[i]} SC_TOKEN_B=${U_AT[n]} \
        SC_USER_A=${U_ID[i]} timeout 120 node interop.mjs) >"$C_OUT" 2>"$C_ERR" </dev/null || C_RC=$?
    expect_rc 0
    local line
    line=$(grep -E '^interop: [0-9]+ passed, [0-9]+ failed$' "$C_OUT")
    check "$T: every interop check passed" "interop: N passed, 0 failed (got '$line')" \
        test -n "$line" -a "${line% failed}" != "$line" -a "${line##*, }" = "0 failed"
    [[ $C_RC == 0 ]] || grep -E -A1 '^FAIL' "$C_OUT" | head -n 40 | sed 's/^/      /'
}

test_setup
test_upload
test_bundle
test_reinstall
test_ed25519
test_refused
test_max
test_access
test_limit
test_low
test_concurrent
test_interop
for n in "${!EV_PID[@]}"; do ev_stop "$n"; done
printf '%s-%s: %d passed, %d failed\n' "$SC_SERVER" "$SUITE" "$SC_PASS" "$SC_FAIL"
[[ $SC_FAIL -eq 0 ]]
