#!/usr/bin/env bash
# tests/unit/run.sh BIN... - run cmocka unit test binaries.
#
# Starts a throwaway PostgreSQL and Redis (scripts/svc.sh) in a temporary folder on free ports
# for the tests that need them (test_db, test_redis, test_migrate), exports
#   SC_TEST_PG_PORT SC_TEST_PG_USER SC_TEST_PG_PASSWORD SC_TEST_PG_DB
#   SC_TEST_REDIS_PORT SC_TEST_REDIS_PASSWORD SC_TEST_REDIS_SOCKET (Redis's unix socket)
# runs every binary (stderr folded into stdout so cmocka's summary shows), always stops the
# servers, and ends with `unit: N passed, M failed` (N, M = binaries). Exit 1 on any failure.
# `make unit` and `make unit-asan` (the build/asan/ binaries) both use it.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../scripts/svc.sh
. "$ROOT/scripts/svc.sh"

if (($# == 0)); then
    echo "usage: tests/unit/run.sh BIN..." >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/sc-unit.XXXXXX") || exit 1
chmod 755 "$work"    # PostgreSQL runs as another account when we are root

cleanup() {
    sc_stack_down "$work"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Redis listens on a unix socket too (test_redis connects through it)
export SC_STACK_REDIS_SOCKET=$work/redis.sock
if ! sc_stack_init "$work" sc_unit || ! sc_stack_up "$work"; then
    echo "unit: PostgreSQL or Redis did not start" >&2
    echo "unit: 0 passed, $# failed"
    exit 1
fi
pg_port=$SC_STACK_PG_PORT redis_port=$SC_STACK_REDIS_PORT pg_user=$SC_STACK_DB pg_db=$SC_STACK_DB
pg_pass=$SC_STACK_DB_PASSWORD redis_pass=$SC_STACK_REDIS_PASSWORD

export SC_TEST_PG_PORT=$pg_port SC_TEST_PG_USER=$pg_user SC_TEST_PG_PASSWORD=$pg_pass \
    SC_TEST_PG_DB=$pg_db SC_TEST_REDIS_PORT=$redis_port SC_TEST_REDIS_PASSWORD=$redis_pass \
    SC_TEST_REDIS_SOCKET=$SC_STACK_REDIS_SOCKET
# the tests build their own configuration; nothing from the caller's shell leaks in
unset SC_CONFIG

passed=0
failed=0
failed_names=()
for bin in "$@"; do
    name=$(basename "$bin")
    echo "=== $bin"
    if [[ ! -x $bin ]]; then
        echo "unit: $bin: not an executable"
        failed=$((failed + 1)); failed_names+=("$name")
        continue
    fi
    "$bin" 2>&1
    rc=$?
    if ((rc == 0)); then
        passed=$((passed + 1))
    else
        if ((rc > 128)); then echo "unit: $name died with signal $((rc - 128))"; fi
        failed=$((failed + 1)); failed_names+=("$name")
    fi
done

if ((failed > 0)); then
    echo "unit: failed: ${failed_names[*]}"
fi
echo "unit: $passed passed, $failed failed"
((failed == 0))
