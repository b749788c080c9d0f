#!/bin/bash
# shellcheck disable=SC2016  # single-quoted $ is literal text for the generated files
# gen-docs.sh: generate the route reference and the curl examples from the route table.
#
# Usage: scripts/gen-docs.sh [ROUTES [ROUTES-MD [EXAMPLES-DIR [BODIES-DIR]]]]
#        (defaults: cgi-bin/routes docs/routes.md examples/curl docs/examples; `make` runs it)
#
# Writes ROUTES-MD (a Markdown table: method, path, program, auth, summary, and a "first
# session" walk-through) and one executable EXAMPLES-DIR/<area>-<name>.sh per program (one curl
# per method of each route line of that program, HEAD and OPTIONS left out; the catch-all gets
# none). A program with several requests takes the method as its argument
# (`users-me.sh PATCH`; default: the first). Programs of the area `relay` are WebSocket endpoints
# of sc-ws-relay (proxied by the web server): their example shows the handshake with curl (101
# expected) and names WebSocket clients for the rest; one with several paths takes the path as
# its argument (`relay-signaling.sh /v1/calls/ws/signaling`). Example files this script wrote earlier for
# programs that are no longer in the table are removed. Output is deterministic (no dates), and
# files are only rewritten when their content changes. Both outputs are committed.
#
# Each example works against `make run` as it is: base URL ${SC_BASE:-http://127.0.0.1:8080},
# `auth` routes send "Authorization: Bearer $SC_TOKEN", and a path parameter is a shell
# variable the script insists on (`/v1/auth/sessions/:id` -> ${SESSION_ID:?set SESSION_ID};
# `:id` is named after the segment before it, `:conversation_id` -> CONVERSATION_ID).
# Committed inputs in BODIES-DIR (hand-written, reviewed like code):
#   <area>-<name>.<METHOD>.json   the JSON body of that request, sent inline (a here-document)
#                                 with Content-Type: application/json. It may use ${VAR:?...}
#                                 for values the caller supplies (a refresh token); such a file
#                                 must not contain a backslash, a backtick or "$(".
#   <area>-<name>.<METHOD>.query  a query string appended to the URL (may use ${VAR:-default}).
# A request without a body file sends no body (a POST, PUT or PATCH says Content-Length: 0). A body or query file that matches no request
# is an error (a renamed route must take its examples along).
set -euo pipefail

ROUTES=${1:-cgi-bin/routes}
MD=${2:-docs/routes.md}
EX=${3:-examples/curl}
BODIES=${4:-docs/examples}
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
    if grep -qE $'^[^\t]*\t[^\t]*\t[^\t]*\t[a-z]+\\+' "$tmp/routes.tsv"; then
        echo
        echo "\`public+upload\` and \`public+sendfile\` routes are the signed URLs of local file storage:"
        echo "the \`upload_url\` and \`download_url\` handed out by \`POST /v1/storage/upload-url\` and"
        echo "\`GET /v1/storage/download-url/:file_id\` (\`?expires=&sig=\`, no token). The web server takes"
        echo "bodies up to \`STORAGE_MAX_FILE_BYTES\` on the first and streams the file of the second"
        echo "(X-Sendfile, range requests too). Their examples take the whole URL."
    fi
    if grep -q $'^[^\t]*\t[^\t]*\trelay/' "$tmp/routes.tsv"; then
        echo
        echo "Routes of the program area \`relay\` (marked **WebSocket**) are not FastCGI programs: they"
        echo "are the WebSocket endpoints of \`sc-ws-relay\`, which the web server proxies on the same"
        echo "host and port (the Upgrade, the query string and \`Authorization\` pass through). A client"
        echo "logs in with \`Authorization: Bearer <access token>\` or, where it cannot set headers (a"
        echo "browser), with \`?ticket=\`. Their examples show the handshake (\`101 Switching Protocols\`)."
    fi
    echo
    echo "| Method | Path | Program | Auth | Summary |"
    echo "|---|---|---|---|---|"
    while IFS=$'\t' read -r methods path prog auth summary; do
        m=${methods//,/, }
        [[ $methods == '*' ]] && m=any
        p=$path
        [[ $path == '/*' ]] && p='/*' && summary="(any other path) $summary"
        pr="\`$prog\`"
        [[ $prog == relay/* ]] && pr="$pr **WebSocket**"
        printf '| %s | `%s` | %s | %s | %s |\n' "$m" "$p" "$pr" "$auth" "${summary//|/\\|}"
    done <"$tmp/routes.tsv"
} >"$tmp/routes.md"

# ---- examples/curl/<area>-<name>.sh
# requests.tsv: PROGRAM<TAB>METHOD<TAB>PATH<TAB>AUTH<TAB>SUMMARY, one per method worth a curl
while IFS=$'\t' read -r methods path prog auth summary; do
    [[ $path == '/*' ]] && continue
    # a WebSocket route: one handshake per path (only GET upgrades)
    if [[ $prog == relay/* ]]; then
        printf '%s\t%s\t%s\t%s\t%s\n' "$prog" GET "$path" "$auth" "$summary"
        continue
    fi
    n=0
    if [[ $methods != '*' ]]; then
        IFS=, read -r -a ms <<<"$methods"
        for m in "${ms[@]}"; do
            [[ $m == HEAD || $m == OPTIONS ]] && continue
            printf '%s\t%s\t%s\t%s\t%s\n' "$prog" "$m" "$path" "$auth" "$summary"
            n=$((n + 1))
        done
    fi
    # "*", or only HEAD/OPTIONS: one GET
    [[ $n -gt 0 ]] || printf '%s\t%s\t%s\t%s\t%s\n' "$prog" GET "$path" "$auth" "$summary"
done <"$tmp/routes.tsv" >"$tmp/requests.tsv"

# every body/query file must belong to a request
for f in "$BODIES"/*.json "$BODIES"/*.query; do
    [[ -e $f ]] || continue
    b=$(basename "$f")
    key=${b%.*}               # area-name.METHOD
    found=0
    while IFS=$'\t' read -r prog m _; do
        [[ ${prog//\//-}.$m == "$key" ]] && { found=1; break; }
    done <"$tmp/requests.tsv"
    [[ $found == 1 ]] || die "$f: no route of cgi-bin/routes has this program and method"
done

# a path pattern with :params turned into shell variables
url_of() {
    local path=$1 out="" prev="" seg orig var
    IFS=/ read -r -a segs <<<"${path#/}"
    for seg in "${segs[@]}"; do
        orig=$seg
        if [[ $seg == :* ]]; then
            var=${seg#:}
            if [[ $var == id ]]; then
                var=${prev%s}_id
            fi
            var=$(printf '%s' "$var" | tr 'a-z-' 'A-Z_')
            seg="\${$var:?set $var}"
        fi
        out+="/$seg"
        prev=$orig
    done
    printf '%s' "${out:-/}"
}

# relay_example PROGRAM BASE ROWS: the example of a WebSocket program (one handshake per path)
relay_example() {
    local prog=$1 base=$2 rows=$3 plist first multi=0 m path auth summary url q qs query
    plist=$(cut -f3 "$rows" | paste -sd'|' -)
    first=${plist%%|*}
    [[ $(wc -l <"$rows") -gt 1 ]] && multi=1
    [[ -e $BODIES/$base.GET.json ]] && die "$BODIES/$base.GET.json: a WebSocket handshake has no body"
    query=$BODIES/$base.GET.query
    q=""
    if [[ -e $query ]]; then
        q=$(tr -d '\n' <"$query")
        [[ $q == *[\"\`\\]* || $q == *'$('* ]] && die "$query: no quotes, backticks, backslashes or \$( please"
    fi
    echo '#!/bin/sh'
    echo "# $MARK"
    echo "# Program: $prog, a WebSocket endpoint of sc-ws-relay behind the web server."
    echo "# Run against \`make run\`: SC_BASE=http://127.0.0.1:8080 (default)."
    grep -q $'\tauth\t' "$rows" &&
        echo '# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.'
    echo '# curl shows the handshake only: expect "HTTP/1.1 101 Switching Protocols"; frames then'
    echo '# arrive as raw bytes until curl stops after SC_WS_SECONDS (default 5; that timeout, curl'
    echo '# exit 28, is the normal end here). To talk on the socket, use a WebSocket client:'
    # the query with its shell variables shown as <NAME>
    qs=$(printf '%s' "$q" | sed 's/\${\([A-Za-z_][A-Za-z0-9_]*\)[^}]*}/<\1>/g')
    echo "#   npx wscat -c \"ws://127.0.0.1:8080$first${qs:+?$qs}\" -H \"Authorization: Bearer \$SC_TOKEN\""
    echo "#   python3 -m websockets \"ws://127.0.0.1:8080$first?${qs:+$qs&}ticket=<ticket>\"   (pip install websockets;"
    echo '#   no header option: get a single-use ticket from POST /v1/ws/ticket first)'
    [[ $multi == 1 ]] && echo "# Usage: $base.sh [${plist}]   (default: $first)"
    echo 'set -eu'
    [[ $multi == 1 ]] && { echo; echo "case \${1:-$first} in"; }
    while IFS=$'\t' read -r _ m path auth summary; do
        url=$(url_of "$path")${q:+?$q}
        echo
        [[ $multi == 1 ]] && echo "$path)"
        echo "# $m $path: $summary"
        printf 'curl -sS -i -N --http1.1 --max-time "${SC_WS_SECONDS:-5}"'
        printf ' \\\n  -H "Connection: Upgrade" -H "Upgrade: websocket"'
        printf ' \\\n  -H "Sec-WebSocket-Version: 13" -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="'
        [[ $auth == auth ]] && printf ' \\\n  -H "Authorization: Bearer $SC_TOKEN"'
        printf ' \\\n  "${SC_BASE:-http://127.0.0.1:8080}%s" || [ $? -eq 28 ]\n' "$url"
        echo 'echo'
        [[ $multi == 1 ]] && echo ';;'
    done <"$rows"
    if [[ $multi == 1 ]]; then
        echo
        echo "*) echo \"usage: \$0 [${plist}]\" >&2; exit 2 ;;"
        echo 'esac'
    fi
}

mkdir -p "$tmp/ex"
cut -f1 "$tmp/requests.tsv" | awk '!seen[$0]++' >"$tmp/programs"
while read -r prog; do
    base=${prog//\//-}
    f="$tmp/ex/$base.sh"
    awk -F'\t' -v p="$prog" '$1 == p' "$tmp/requests.tsv" >"$tmp/mine.tsv"
    if [[ $prog == relay/* ]]; then
        relay_example "$prog" "$base" "$tmp/mine.tsv" >"$f"
        continue
    fi
    mlist=$(cut -f2 "$tmp/mine.tsv" | awk '!seen[$0]++' | paste -sd'|' -)
    first=${mlist%%|*}
    multi=0
    [[ $(wc -l <"$tmp/mine.tsv") -gt 1 ]] && multi=1
    [[ $multi == 1 && $(cut -f2 "$tmp/mine.tsv" | sort | uniq -d) != "" ]] &&
        die "$prog: two route lines with the same method; cannot tell its examples apart"
    {
        echo '#!/bin/sh'
        echo "# $MARK"
        echo "# Program: $prog. Run against \`make run\`: SC_BASE=http://127.0.0.1:8080 (default)."
        grep -q $'\tauth\t' "$tmp/mine.tsv" &&
            echo '# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.'
        [[ $multi == 1 ]] && echo "# Usage: $base.sh [${mlist}]   (default: $first)"
        echo 'set -eu'
        [[ $multi == 1 ]] && { echo; echo "case \${1:-$first} in"; }
        while IFS=$'\t' read -r _ m path auth summary; do
            body=$BODIES/$base.$m.json
            query=$BODIES/$base.$m.query
            url=$(url_of "$path")
            if [[ -e $query ]]; then
                q=$(tr -d '\n' <"$query")
                [[ $q == *[\"\`\\]* || $q == *'$('* ]] && die "$query: no quotes, backticks, backslashes or \$( please"
                url+="?$q"
            fi
            echo
            [[ $multi == 1 ]] && echo "$m)"
            echo "# $m $path: $summary"
            # signed URLs of file storage: the whole URL comes from the API
            case $auth in
            *+upload)
                [[ -e $body || -e $query ]] && die "$body: a signed upload URL takes no body or query file"
                echo '# UPLOAD_URL: upload_url of POST /v1/storage/upload-url; SC_FILE: the file, exactly'
                echo '# file_size bytes of the declared content_type.'
                printf 'curl -sS -T "${SC_FILE:?set SC_FILE}" "${UPLOAD_URL:?set UPLOAD_URL}"\n'
                echo 'echo'
                [[ $multi == 1 ]] && echo ';;'
                continue ;;
            *+sendfile)
                [[ -e $body || -e $query ]] && die "$body: a signed download URL takes no body or query file"
                echo '# DOWNLOAD_URL: download_url of GET /v1/storage/download-url/:file_id; prints the headers,'
                echo '# writes the bytes to ${SC_OUT:-download.bin} (add -r 0-99 for a range).'
                printf 'curl -sS -D - -o "${SC_OUT:-download.bin}" "${DOWNLOAD_URL:?set DOWNLOAD_URL}"\n'
                [[ $multi == 1 ]] && echo ';;'
                continue ;;
            esac
            printf 'curl -sS -X %s' "$m"
            [[ $auth == auth ]] && printf ' \\\n  -H "Authorization: Bearer $SC_TOKEN"'
            if [[ -e $body ]]; then
                printf ' \\\n  -H "Content-Type: application/json" --data-binary @-'
                printf ' \\\n  "${SC_BASE:-http://127.0.0.1:8080}%s"' "$url"
                if grep -q '\${' "$body"; then
                    grep -q '[\\`]\|\$(' "$body" && die "$body: uses \${...}, so no backslash, backtick or \$( please"
                    printf ' <<JSON\n'
                else
                    printf " <<'JSON'\n"
                fi
                cat "$body"
                [[ -z $(tail -c1 "$body") ]] || echo
                echo 'JSON'
            else
                # no body: say so (lighttpd answers 411 to a POST without Content-Length)
                case $m in POST|PUT|PATCH) printf ' \\\n  -H "Content-Length: 0"' ;; esac
                printf ' \\\n  "${SC_BASE:-http://127.0.0.1:8080}%s"\n' "$url"
            fi
            echo 'echo'
            [[ $multi == 1 ]] && echo ';;'
        done <"$tmp/mine.tsv"
        if [[ $multi == 1 ]]; then
            echo
            echo "*) echo \"usage: \$0 [${mlist}]\" >&2; exit 2 ;;"
            echo 'esac'
        fi
    } >"$f"
done <"$tmp/programs"

# ---- the "first session" section of ROUTES-MD (when register and users/me exist)
reg=$(awk -F'\t' '$1 == "auth/register" && $2 == "POST" { print $3; exit }' "$tmp/requests.tsv")
me=$(awk -F'\t' '$1 == "users/me" && $2 == "GET" { print $3; exit }' "$tmp/requests.tsv")
if [[ -n $reg && -n $me && -e $BODIES/auth-register.POST.json ]]; then
    {
        echo
        echo "## A first session"
        echo
        echo "With \`make run\` serving, and curl and jq at hand: register (the body is"
        echo "\`$BODIES/auth-register.POST.json\`), keep the access token, ask who you are."
        echo
        echo '```sh'
        echo 'export SC_BASE=http://127.0.0.1:8080'
        echo "export SC_TOKEN=\$(curl -sS -X POST -H 'Content-Type: application/json' \\"
        echo "  --data-binary @$BODIES/auth-register.POST.json \"\$SC_BASE$reg\" | jq -r .data.access_token)"
        echo "curl -sS -H \"Authorization: Bearer \$SC_TOKEN\" \"\$SC_BASE$me\" | jq ."
        echo '```'
        echo
        echo "Registered already (409)? Log in instead:"
        echo "\`export SC_TOKEN=\$(examples/curl/auth-login.sh | jq -r .data.access_token)\`."
        echo "Every other route works the same way: \`examples/curl/<area>-<name>.sh\`, with"
        echo "\`SC_TOKEN\` set and, for a path parameter, its variable (\`SESSION_ID=... examples/curl/auth-session.sh\`)."
    } >>"$tmp/routes.md"
fi

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
