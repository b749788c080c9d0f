#!/usr/bin/env bash
# tests/fuzz/run.sh - run the libFuzzer targets (build/fuzz/fuzz_<parser>).
#
#   tests/fuzz/run.sh replay BIN...          execute every file of tests/fuzz/corpus/<target>/
#                                            once (-runs=0: the seed corpus is run, no new input)
#   tests/fuzz/run.sh fuzz SECONDS BIN...    fuzz each target for SECONDS into a scratch copy of
#                                            its corpus; the committed corpus is never written.
#                                            Crash inputs are kept in build/fuzz/artifacts/.
# Ends with `fuzz: N passed, M failed` (N, M = targets); exit 1 on any failure.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CORPORA=$ROOT/tests/fuzz/corpus
ARTIFACTS=$ROOT/build/fuzz/artifacts

usage() {
    echo "usage: tests/fuzz/run.sh replay BIN... | tests/fuzz/run.sh fuzz SECONDS BIN..." >&2
    exit 2
}

(($# >= 2)) || usage
mode=$1; shift
case $mode in
    replay) ;;
    fuzz)
        seconds=$1; shift
        [[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || usage
        (($# >= 1)) || usage
        ;;
    *) usage ;;
esac

scratch=$(mktemp -d "${TMPDIR:-/tmp}/sc-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$ARTIFACTS"

passed=0
failed=0
failed_names=()

fail() {
    echo "fuzz: $1: $2"
    failed=$((failed + 1)); failed_names+=("$1")
}

for bin in "$@"; do
    name=$(basename "$bin")
    corpus=$CORPORA/$name
    log=$scratch/$name.log
    echo "=== $name ($mode)"
    if [[ ! -x $bin ]]; then fail "$name" "$bin is not an executable"; continue; fi
    if [[ ! -d $corpus ]] || [[ -z $(find "$corpus" -maxdepth 1 -type f -size +0 -print -quit) ]]; then
        fail "$name" "no seed corpus in ${corpus#"$ROOT"/}"; continue
    fi
    nfiles=$(find "$corpus" -maxdepth 1 -type f -size +0 | wc -l)
    if [[ $mode == replay ]]; then
        # libFuzzer reads the directory, runs each file once (INITED), then with -runs=0
        # stops without mutating (DONE). A crash or leak exits non-zero.
        "$bin" -runs=0 -artifact_prefix="$scratch/$name-" "$corpus" >"$log" 2>&1
        rc=$?
    else
        work=$scratch/$name-corpus
        mkdir -p "$work"
        cp -p "$corpus"/* "$work"/
        "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
            -artifact_prefix="$ARTIFACTS/$name-" "$work" >"$log" 2>&1
        rc=$?
        new=$(($(find "$work" -maxdepth 1 -type f | wc -l) - $(find "$corpus" -maxdepth 1 -type f | wc -l)))
        echo "$name: $new new corpus inputs in the scratch copy (not kept)"
    fi
    if ((rc != 0)); then
        tail -n 40 "$log"
        fail "$name" "exit status $rc"
        continue
    fi
    if ! grep -q 'INITED' "$log" || ! grep -q 'DONE' "$log"; then
        tail -n 20 "$log"
        fail "$name" "libFuzzer did not report INITED/DONE"
        continue
    fi
    found=$(sed -n 's/^INFO: *\([0-9]*\) files found in .*/\1/p' "$log" | head -n1)
    if [[ $mode == replay && $found != "$nfiles" ]]; then
        fail "$name" "libFuzzer found ${found:-no} files, the corpus has $nfiles"
        continue
    fi
    grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::number_of_executed_units' "$log"
    passed=$((passed + 1))
done

if ((failed > 0)); then
    echo "fuzz: failed: ${failed_names[*]}"
fi
echo "fuzz: $passed passed, $failed failed"
((failed == 0))
