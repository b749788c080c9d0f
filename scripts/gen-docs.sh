#!/bin/bash
# shellcheck disable=SC2016  # single-quoted $ is literal text for the generated files
# gen-docs.sh: generate the route reference and the curl examples from the route table.
#
# Usage: scripts/gen-docs.sh [ROUTES [ROUTES-MD [EXAMPLES-DIR]]]
#        (defaults: cgi-bin/routes docs/routes.md examples/curl; `make` runs it)
#
# Writes ROUTES-MD (a Markdown table: method, path, program, auth, summary) and one executable
# EXAMPLES-DIR/<area>-<name>.sh per program (one curl per route line of that program; the
# catch-all gets none). Example files this script wrote earlier for programs that are no longer
# in the table are removed. Output is deterministic (no dates), and files are only rewritten
# when their content changes. Both outputs are committed.
set -euo pipefail

ROUTES=${1:-cgi-bin/routes}
MD=${2:-docs/routes.md}
EX=${3:-examples/curl}
MARK="Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit."

die() { printf 'gen-docs: %s\n' "$*" >&2; exit 1; }
[[ -r $ROUTES ]] || die "cannot read $ROUTES"
mkdir -p "$(dirname "$MD")" "$EX"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# normalized lines: METHODS<TAB>PATH<TAB>PROGRAM<TAB>AUTH<TAB>SUMMARY
awk 'BEGIN { OFS = "\t" }
/^[ \t]*(#|$)/ { next }
NF < 4 { printf "gen-docs: %s:%d: need METHODS PATH-PATTERN PROGRAM AUTH [SUMMARY]\n", FILENAME, FNR > "/dev/stderr"; bad = 1; exit 1 }
{ s = $0; for (i = 1; i <= 4; i++) sub(/^[ \t]*[^ \t]+/, "", s); sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s)
  print $1, $2, $3, $4, s }
END { if (bad) exit 1 }' "$ROUTES" >"$tmp/routes.tsv"

# ---- docs/routes.md
{
    echo "# Routes"
    echo
    echo "<!-- $MARK -->"
    echo
    echo "Every route is one FastCGI program; the web server routes by path only, and the program"
    echo "answers 405 (with \`Allow\`) for other methods. \`:name\` is a path parameter (a parameter"
    echo "called \`id\` or ending in \`_id\` must be a UUID). \`auth\` routes need"
    echo "\`Authorization: Bearer <access token>\`. Curl examples: \`examples/curl/<area>-<name>.sh\`."
    echo
    echo "| Method | Path | Program | Auth | Summary |"
    echo "|---|---|---|---|---|"
    while IFS=$'\t' read -r methods path prog auth summary; do
        m=${methods//,/, }
        [[ $methods == '*' ]] && m=any
        p=$path
        [[ $path == '/*' ]] && p='/*' && summary="(any other path) $summary"
        printf '| %s | `%s` | `%s` | %s | %s |\n' "$m" "$p" "$prog" "$auth" "${summary//|/\\|}"
    done <"$tmp/routes.tsv"
} >"$tmp/routes.md"

# ---- examples/curl/<area>-<name>.sh
mkdir -p "$tmp/ex"
while IFS=$'\t' read -r methods path prog auth summary; do
    [[ $path == '/*' ]] && continue
    f="$tmp/ex/${prog//\//-}.sh"
    if [[ ! -e $f ]]; then
        {
            echo '#!/bin/sh'
            echo "# $MARK"
            echo "# Program: $prog. Run against \`make run\`: SC_BASE=http://127.0.0.1:8080 (default)."
            [[ $auth == auth ]] && echo '# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.'
            echo 'set -eu'
        } >"$f"
    fi
    # first listed method that is not HEAD/OPTIONS ("*" -> GET)
    m=GET
    if [[ $methods != '*' ]]; then
        IFS=, read -r -a ms <<<"$methods"
        m=${ms[0]}
        for x in "${ms[@]}"; do [[ $x != HEAD && $x != OPTIONS ]] && { m=$x; break; }; done
    fi
    # :param -> ${PARAM:?set PARAM}
    url=$(printf '%s' "$path" | sed -E 's/:([a-z_][a-z0-9_]*)/${\U\1\E:?set \U\1\E}/g')
    {
        echo
        echo "# $m $path: $summary"
        args="-sS -X $m"
        printf 'curl %s' "$args"
        [[ $auth == auth ]] && printf ' \\\n  -H "Authorization: Bearer $SC_TOKEN"'
        case $m in POST|PUT|PATCH) printf ' \\\n  -H "Content-Type: application/json" -d '"'"'{}'"'" ;; esac
        printf ' \\\n  "${SC_BASE:-http://127.0.0.1:8080}%s"\n' "$url"
        echo 'echo'
    } >>"$f"
done <"$tmp/routes.tsv"

# install only what changed (keeps timestamps stable), remove stale generated examples
changed() { ! cmp -s "$1" "$2"; }
if changed "$tmp/routes.md" "$MD"; then cp "$tmp/routes.md" "$MD"; fi
for f in "$tmp"/ex/*.sh; do
    [[ -e $f ]] || continue
    dst=$EX/$(basename "$f")
    if changed "$f" "$dst"; then cp "$f" "$dst"; fi
    chmod 0755 "$dst"
done
for f in "$EX"/*.sh; do
    [[ -e $f ]] || continue
    if [[ ! -e $tmp/ex/$(basename "$f") ]] && grep -qF "$MARK" "$f"; then rm -f "$f"; fi
done
