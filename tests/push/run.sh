#!/usr/bin/env bash
# tests/push/run.sh [DRIVER...] - lib/sc_push_send against the fake push services. `make push-check`.
#
# Makes the keys (tests/push/keys.sh) in a temporary folder, starts tests/push/fakepush.mjs on two
# free loopback ports of SC_PORT_LO..SC_PORT_HI (scripts/svc.sh's sc_free_port), exports the
# configuration of push.env plus JWT_SECRET, FAKEPUSH_CONTROL and FAKEPUSH_KEYS, runs each driver
# (default build/tests/push/push_e2e; make push-check adds the ASan+UBSan one), and always stops
# the fake. The same start and stop serve other suites (sc-notifyd's): see fakepush.mjs's header.
#   SC_KEEP_TMP=1  keep the temporary folder (keys, the fake's stderr)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
# shellcheck source=scripts/svc.sh
. "$ROOT/scripts/svc.sh"

die() { printf 'push-check: %s\n' "$*" >&2; exit 1; }

(($# > 0)) || set -- build/tests/push/push_e2e
for b in "$@"; do [[ -x $b ]] || die "$b is missing: make $b"; done

T=$(mktemp -d /tmp/sc-push.XXXXXX) || die "mktemp failed"
chmod 0755 "$T"
fake_pid=
# shellcheck disable=SC2317  # invoked by the trap
teardown() {
    if [[ -n $fake_pid ]] && kill -0 "$fake_pid" 2>/dev/null; then
        kill "$fake_pid"
        sc_wait_exit "$fake_pid" 5 || kill -9 "$fake_pid" 2>/dev/null
    fi
    if [[ ${SC_KEEP_TMP:-0} == 1 ]]; then echo "push-check: kept $T"; else rm -rf "$T"; fi
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT=$(sc_free_port) || die "no free port"
CPORT=$(sc_free_port "$PORT") || die "no free port"
tests/push/keys.sh "$T" "$PORT" || die "keys.sh failed"
node tests/push/fakepush.mjs --keys "$T" --port "$PORT" --control-port "$CPORT" --pid-file "$T/fake.pid" \
    </dev/null >"$T/fake.out" 2>"$T/fake.err" &
for ((n = 0; n < 100; n++)); do
    [[ -s $T/fake.out ]] && break
    kill -0 $! 2>/dev/null || break
    sleep 0.05
done
[[ -s $T/fake.pid ]] && fake_pid=$(<"$T/fake.pid")
[[ -s $T/fake.out ]] || { cat "$T/fake.err" >&2; die "fakepush did not start"; }
echo "push-check: fake push services on https://127.0.0.1:$PORT, control http://127.0.0.1:$CPORT"

set -a
# shellcheck disable=SC1091
. "$T/push.env"
set +a
export JWT_SECRET=push-check-secret-0123456789abcdef0123 FAKEPUSH_CONTROL=http://127.0.0.1:$CPORT \
    FAKEPUSH_KEYS=$T
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
unset SC_CONFIG
rc=0
for b in "$@"; do
    echo "=== $b"
    "$b"
    brc=$?
    if ((brc != 0)); then echo "push-check: $b failed ($brc)"; rc=1; fi
done
if ((rc == 0)); then echo "push-check: passed"; else cat "$T/fake.err" >&2; fi
exit "$rc"
