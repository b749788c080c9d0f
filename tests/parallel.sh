#!/bin/bash
# tests/parallel.sh LABEL=COMMAND...: run the commands at the same time (each through bash -c),
# every line of their output prefixed with "[LABEL] " as it comes, then print one line per
# command with its exit status and time. Exit status: 0 when every command exited 0.
# `make test` runs its integration passes this way, each on its own stack and port range
# (SC_PORT_LO/SC_PORT_HI, scripts/svc.sh), so a 2-core machine runs them in about half the time.
set -uo pipefail
[[ $# -gt 0 ]] || { echo "usage: tests/parallel.sh LABEL=COMMAND..." >&2; exit 2; }
T=$(mktemp -d /tmp/sc-par.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
pids=() labels=()
for job in "$@"; do
    label=${job%%=*} cmd=${job#*=}
    labels+=("$label")
    (
        start=$SECONDS
        bash -c "$cmd" 2>&1 < /dev/null | sed -u "s/^/[$label] /"
        echo "${PIPESTATUS[0]} $((SECONDS - start))" > "$T/$label.rc"
    ) &
    pids+=($!)
done
# Ctrl-C or TERM: stop every job (their own traps tear their stacks down)
trap 'kill "${pids[@]}" 2>/dev/null; wait; exit 130' INT TERM
wait "${pids[@]}"
rc=0
for label in "${labels[@]}"; do
    read -r code secs < "$T/$label.rc" 2>/dev/null || { code=1; secs=?; }
    printf 'parallel: %s exited %s after %s s\n' "$label" "$code" "$secs"
    [[ $code == 0 ]] || rc=1
done
exit $rc
