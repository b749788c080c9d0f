#!/bin/bash
# tests/s3/run.sh: the s3 storage backend (lib/sc_s3.c) against a real S3 server. `make s3-check`.
#
# Starts s3rver on a free loopback port (SC_PORT_LO..SC_PORT_HI, scripts/svc.sh's sc_free_port)
# with one bucket, through sc_s3rver_up: tests/s3/s3rver.mjs checks every SigV4 signature with
# the AWS SDK's signer, which s3rver alone does not. Then runs the unit test binaries of lib/sc_s3.c
# with SC_TEST_S3_ENDPOINT and SC_TEST_S3_BUCKET set, so that their round trip runs instead of
# being skipped: a presigned PUT made by the C code uploads (and a wrong type, a wrong length, a
# changed parameter are refused), sc_s3_head reports the size, a presigned GET returns the same
# bytes as an attachment, sc_s3_delete removes the object. The binaries are
# build/tests/unit/test_s3 and build/asan/tests/unit/test_s3 (ASan+UBSan), or SC_S3_BINS.
# Every binary must pass with no test skipped. Always stops s3rver.
#   SC_KEEP_TMP=1  keep the temporary folder (s3rver's log and objects)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
export SC_ROOT=$ROOT
# shellcheck source=scripts/svc.sh
. "$ROOT/scripts/svc.sh"

die() { printf 's3-check: %s\n' "$*" >&2; exit 1; }

read -r -a BINS <<<"${SC_S3_BINS:-build/tests/unit/test_s3 build/asan/tests/unit/test_s3}"
for b in "${BINS[@]}"; do
    [[ -x $b ]] || die "$b is missing: make $b"
done

T=$(mktemp -d /tmp/sc-s3.XXXXXX) || die "mktemp failed"
chmod 0755 "$T"
# shellcheck disable=SC2317  # invoked by the trap
teardown() {
    sc_s3rver_down "$T/s3rver"
    if [[ ${SC_KEEP_TMP:-0} == 1 ]]; then echo "s3-check: kept $T"; else rm -rf "$T"; fi
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

BUCKET=sc-files
PORT=$(sc_free_port) || die "no free port"
sc_s3rver_up "$T/s3rver" "$PORT" "$BUCKET" || die "s3rver did not start"
echo "s3-check: s3rver (signatures checked) on 127.0.0.1:$PORT, bucket $BUCKET, folder $T"

export SC_TEST_S3_ENDPOINT=http://127.0.0.1:$PORT SC_TEST_S3_BUCKET=$BUCKET
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
unset SC_CONFIG
rc=0
for b in "${BINS[@]}"; do
    echo "=== $b"
    out=$("$b" 2>&1)
    brc=$?
    printf '%s\n' "$out"
    if ((brc != 0)); then
        echo "s3-check: $b failed (exit $brc)"
        rc=1
    elif grep -q 'SKIPPED' <<<"$out"; then
        echo "s3-check: $b skipped a test although SC_TEST_S3_ENDPOINT is set"
        rc=1
    elif ! grep -q 'PASSED' <<<"$out"; then
        echo "s3-check: $b printed no cmocka summary"
        rc=1
    fi
done
if ((rc != 0)); then
    echo "s3-check: FAILED; last lines of s3rver's log:" >&2
    tail -n 20 "$T/s3rver/s3rver.log" >&2
    exit 1
fi
echo "s3-check: ${#BINS[@]} binaries passed against s3rver"
