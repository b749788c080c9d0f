#!/bin/bash
# gen-routes.sh: generate the web server route configuration from route tables.
#
# Usage:
#   scripts/gen-routes.sh --bin-dir DIR --config FILE --run-dir DIR --out DIR
#                         [--tests-bin-dir DIR] [--area-dir AREA=DIR]... [--max-procs N]
#                         [--relay HOST:PORT] [--storage-dir DIR] [--upload-max BYTES]
#                         [--check] ROUTE-FILE...
#
#   --bin-dir DIR        where <area>-<name>.fcgi binaries live (PROGRAM area/name -> DIR/area-name.fcgi)
#   --tests-bin-dir DIR  programs named tests/<name> -> DIR/<name>.fcgi (same as --area-dir tests=DIR)
#   --area-dir AREA=DIR  programs named AREA/<name> -> DIR/<name>.fcgi (used by the bench for bench/hello)
#   --config FILE        value of SC_CONFIG given to every program
#   --run-dir DIR        lighttpd sockets go there (DIR/<area>-<name>.sock-N); must be writable by the server user
#   --max-procs N        lighttpd max-procs per program; Apache FcgidMaxProcessesPerClass (default 2)
#   --relay HOST:PORT    where sc-ws-relay listens (its RELAY_LISTEN and RELAY_PORT); default
#                        127.0.0.1:8090, the defaults of those two settings. HOST is a name, an
#                        IPv4 address or a [bracketed] IPv6 address.
#   --storage-dir DIR    STORAGE_DIR of the local file storage (default /var/lib/secureconnect/files):
#                        the only folder `sendfile` routes may answer X-Sendfile from
#   --upload-max BYTES   STORAGE_MAX_FILE_BYTES (default 52428800): the request body limit of
#                        `upload` routes, when it is above the 64 MiB of every other route
#   --out DIR            writes DIR/lighttpd-routes.conf and DIR/apache-routes.conf
#   --check              also check both outputs with `lighttpd -tt` and `apache2 -t` in a scratch config
#
# Route files use the format of cgi-bin/routes (docs/decisions.md). Lines are taken in file order;
# the catch-all (`/*`) is always emitted last, so routes from later files (tests/integration/routes.test)
# land before it. Output is deterministic.
#
# AUTH is `public` or `auth`, optionally followed by flags joined with `+` (docs/decisions.md "Files"):
#   +sendfile  the program answers X-Sendfile with a file below --storage-dir, which the web server
#              streams (lighttpd: "x-sendfile" => "enable" and "x-sendfile-docroot" in its
#              fastcgi.server; Apache: XSendFile On and XSendFilePath in a <Files> section, needs
#              mod_xsendfile). Other programs cannot: X-Sendfile is off for them.
#   +upload    the route takes request bodies up to --upload-max bytes (lighttpd
#              server.max-request-size in its condition; Apache LimitRequestBody in a <Files>
#              section of its program and FcgidMaxRequestLen, which mod_fcgid only takes at server
#              level), never less than the 64 MiB of the others.
#
# Routes whose PROGRAM area is `relay` (relay/feed, relay/chat ...) are not FastCGI programs: they
# are the WebSocket endpoints of sc-ws-relay and become reverse-proxy rules to --relay that pass
# the Upgrade through (lighttpd mod_proxy with proxy.header "upgrade"; Apache mod_proxy_http
# ProxyPassMatch ... upgrade=websocket). The request line (path and query string) and every
# header, Authorization included, reach the relay unchanged; both servers add X-Forwarded-For.
# lighttpd keeps the file order (one if/else chain). Apache's mod_proxy maps URLs before
# mod_alias does, so a relay route wins over every FastCGI route there; a relay route that an
# EARLIER FastCGI route would match is therefore refused (the two servers would disagree).
set -euo pipefail

die() { printf 'gen-routes: %s\n' "$*" >&2; exit 1; }

BIN_DIR="" CONFIG="" RUN_DIR="" OUT="" MAX_PROCS=2 CHECK=0 RELAY=127.0.0.1:8090
STORAGE_DIR=/var/lib/secureconnect/files UPLOAD_MAX=52428800
AREA_DIRS=()
FILES=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --bin-dir) BIN_DIR=${2:?}; shift 2 ;;
        --tests-bin-dir) AREA_DIRS+=("tests=${2:?}"); shift 2 ;;
        --area-dir) AREA_DIRS+=("${2:?}"); shift 2 ;;
        --config) CONFIG=${2:?}; shift 2 ;;
        --run-dir) RUN_DIR=${2:?}; shift 2 ;;
        --max-procs) MAX_PROCS=${2:?}; shift 2 ;;
        --relay) RELAY=${2:?}; shift 2 ;;
        --storage-dir) STORAGE_DIR=${2:?}; shift 2 ;;
        --upload-max) UPLOAD_MAX=${2:?}; shift 2 ;;
        --out) OUT=${2:?}; shift 2 ;;
        --check) CHECK=1; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        --) shift; FILES+=("$@"); break ;;
        -*) die "unknown option $1" ;;
        *) FILES+=("$1"); shift ;;
    esac
done
[[ -n $BIN_DIR && -n $CONFIG && -n $RUN_DIR && -n $OUT ]] || die "need --bin-dir, --config, --run-dir and --out (see --help)"
[[ ${#FILES[@]} -gt 0 ]] || die "no route file given"
[[ $MAX_PROCS =~ ^[1-9][0-9]*$ ]] || die "--max-procs must be a positive integer"
# HOST:PORT -> RELAY_HOST (as lighttpd wants it: no brackets), RELAY_PORT and RELAY_URL (Apache)
if [[ $RELAY =~ ^([A-Za-z0-9.-]+):([0-9]{1,5})$ ]]; then
    RELAY_HOST=${BASH_REMATCH[1]} RELAY_PORT=$((10#${BASH_REMATCH[2]})) RELAY_URLHOST=${BASH_REMATCH[1]}
elif [[ $RELAY =~ ^\[([0-9A-Fa-f:.]+)\]:([0-9]{1,5})$ ]]; then
    RELAY_HOST=${BASH_REMATCH[1]} RELAY_PORT=$((10#${BASH_REMATCH[2]})) RELAY_URLHOST="[${BASH_REMATCH[1]}]"
else
    die "--relay wants HOST:PORT (an IPv6 address in brackets), got $RELAY"
fi
[[ $RELAY_PORT -ge 1 && $RELAY_PORT -le 65535 ]] || die "--relay: the port must be 1..65535, got $RELAY"
RELAY_URL="http://$RELAY_URLHOST:$RELAY_PORT"
[[ $UPLOAD_MAX =~ ^[1-9][0-9]{0,11}$ ]] || die "--upload-max must be a positive number of bytes"
[[ $STORAGE_DIR == /* ]] || die "--storage-dir must be an absolute path"
STORAGE_DIR=${STORAGE_DIR%/}
for p in "$BIN_DIR" "$CONFIG" "$RUN_DIR" "$STORAGE_DIR" "${AREA_DIRS[@]}"; do
    [[ $p == *[\"\\\$]* || $p == *[[:space:]]* ]] && die "path must not contain quotes, backslashes, \$ or spaces: $p"
done
for f in "${FILES[@]}"; do [[ -r $f ]] || die "cannot read route file $f"; done
mkdir -p "$OUT"

AREAS=""
for a in "${AREA_DIRS[@]}"; do
    [[ $a == ?*=?* ]] || die "--area-dir wants AREA=DIR, got $a"
    AREAS+="$a"$'\n'
done

# One awk program parses and validates all files, then writes both outputs.
awk -v bindir="$BIN_DIR" -v config="$CONFIG" -v rundir="$RUN_DIR" -v maxprocs="$MAX_PROCS" \
    -v relayhost="$RELAY_HOST" -v relayport="$RELAY_PORT" -v relayurl="$RELAY_URL" \
    -v storagedir="$STORAGE_DIR" -v uploadmax="$UPLOAD_MAX" \
    -v areas="$AREAS" -v out_l="$OUT/lighttpd-routes.conf.tmp" -v out_a="$OUT/apache-routes.conf.tmp" \
    -v sources="${FILES[*]}" '
function err(msg) { printf "gen-routes: %s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"; failed = 1; exit 1 }
function regex_of(pat,    n, seg, i, r, s) {
    if (pat == "/") return "/"
    n = split(substr(pat, 2), seg, "/")
    r = ""
    for (i = 1; i <= n; i++) {
        s = seg[i]
        if (s ~ /^:[a-z_][a-z0-9_]*$/) r = r "/[^/]+"
        else if (s ~ /^[A-Za-z0-9._~-]+$/) { gsub(/\./, "[.]", s); r = r "/" s }
        else err("bad path segment \"" s "\" in " pat)
    }
    return r
}
function binary_of(prog,    a, nm) {
    split(prog, a, "/")
    if (a[1] in areadir) return areadir[a[1]] "/" a[2] ".fcgi"
    return bindir "/" a[1] "-" a[2] ".fcgi"
}
function dir_of(path) { sub(/\/[^\/]*$/, "", path); return path }
function is_relay(prog) { return prog ~ /^relay\// }
# true when some path matches both patterns: as many segments, each pair equal or a :parameter
function overlap(p1, p2,    a, b, k, i) {
    k = split(p1, a, "/"); if (k != split(p2, b, "/")) return 0
    for (i = 1; i <= k; i++) if (a[i] != b[i] && a[i] !~ /^:/ && b[i] !~ /^:/) return 0
    return 1
}
BEGIN {
    na = split(areas, al, "\n")
    for (i = 1; i <= na; i++) if (al[i] != "") { k = al[i]; sub(/=.*/, "", k); v = al[i]; sub(/^[^=]*=/, "", v); areadir[k] = v }
    n = 0; catchall = ""
}
FNR == 1 { seen_catchall_here = 0 }
/^[ \t]*(#|$)/ { next }
{
    if (NF < 4) err("need METHODS PATH-PATTERN PROGRAM AUTH [SUMMARY]")
    methods = $1; pat = $2; prog = $3; auth = $4
    if (seen_catchall_here) err("the catch-all /* must be the last route of its file")
    if (methods != "*" && methods !~ /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)(,(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS))*$/) err("bad METHODS " methods)
    if (prog !~ /^[a-z0-9_]+\/[a-z0-9_]+$/) err("bad PROGRAM " prog " (want area/name)")
    nf = split(auth, fl, "+"); auth = fl[1]; rflags = ""
    if (auth != "public" && auth != "auth") err("bad AUTH " $4 " (want public or auth, then +sendfile or +upload)")
    for (k = 2; k <= nf; k++) {
        if (fl[k] != "sendfile" && fl[k] != "upload") err("bad AUTH flag " fl[k] " (want sendfile or upload)")
        rflags = rflags " " fl[k]
    }
    if (pat == "/*") {
        if (catchall != "") err("a second catch-all route")
        if (is_relay(prog)) err("the catch-all cannot be a relay route")
        if (rflags != "") err("the catch-all takes no AUTH flags")
        catchall = prog; seen_catchall_here = 1; next
    }
    if (pat !~ /^\//) err("PATH-PATTERN must start with /: " pat)
    re = regex_of(pat)
    if (is_relay(prog)) {
        # Apache proxies before it aliases: no path of this route may match an earlier FastCGI route.
        for (j = 1; j <= n; j++)
            if (!is_relay(rprog[j]) && overlap(pat, rpat[j]))
                err("relay route " pat " overlaps the earlier route " rpat[j] " (" rprog[j] "): lighttpd would send those paths there, Apache to the relay; put the relay route first")
        if (rflags != "") err("a relay route takes no AUTH flags")
        nrelay++
    }
    n++; rprog[n] = prog; rre[n] = re; rpat[n] = pat; rflag[n] = rflags
    if (rflags ~ / sendfile/) psend[prog] = 1
    if (rflags ~ / upload/) pupload[prog] = 1
    if (!(prog in alt)) { order[++np] = prog; alt[prog] = re } else alt[prog] = alt[prog] "|" re
}
END {
    if (failed) exit 1
    if (catchall == "") { print "gen-routes: no catch-all route (/*) in the route files" > "/dev/stderr"; exit 1 }
    hdr = "# Generated by scripts/gen-routes.sh from: " sources "\n# Do not edit: change the route table and regenerate."
    # ---- lighttpd: one conditional per program, first position wins, catch-all in the final else.
    print hdr > out_l
    print "# Conditions match the path only (no query string); [^/]+ stands for a :parameter." > out_l
    for (i = 1; i <= np; i++) {
        p = order[i]; re = alt[p]
        if (index(re, "|")) re = "(?:" re ")"
        printf "%s$HTTP[\"url\"] =~ \"^%s$\" {\n", (i > 1 ? "else " : ""), re > out_l
        if (is_relay(p)) rblock(p); else lblock(p)
        print "}" > out_l
    }
    print (np > 0 ? "else {" : "$HTTP[\"url\"] =~ \"^/\" {") > out_l
    lblock(catchall)
    print "}" > out_l
    # ---- Apache mod_fcgid: AliasMatch per route, in table order; catch-all last.
    print hdr > out_a
    print "FcgidInitialEnv SC_CONFIG " config > out_a
    # GnuTLS (loaded with libpq for its LDAP lookups, never used by the programs) would otherwise
    # initialize itself and its PKCS#11 modules in every program: ~1 MB of memory each
    print "FcgidInitialEnv GNUTLS_NO_IMPLICIT_INIT 1" > out_a
    print "FcgidMaxProcessesPerClass " maxprocs > out_a
    if (length(pupload) > 0) {
        # mod_fcgid takes this limit at server level only: the largest body of any route; the
        # LimitRequestBody of each folder (and of the upload programs) still applies first
        lim = (uploadmax + 0 > 67108864) ? uploadmax + 0 : 67108864
        printf "FcgidMaxRequestLen %.0f\n", lim > out_a
    }
    nd = 0
    for (i = 1; i <= n; i++) {
        if (is_relay(rprog[i])) continue
        d = dir_of(binary_of(rprog[i])); if (!(d in dseen)) { dseen[d] = 1; dirs[++nd] = d }
    }
    d = dir_of(binary_of(catchall)); if (!(d in dseen)) { dseen[d] = 1; dirs[++nd] = d }
    for (i = 1; i <= nd; i++) {
        printf "<Directory \"%s\">\n", dirs[i] > out_a
        print "    SetHandler fcgid-script" > out_a
        print "    Options +ExecCGI" > out_a
        print "    Require all granted" > out_a
        print "    # pass Authorization to the programs (dropped by default)" > out_a
        print "    CGIPassAuth On" > out_a
        print "    LimitRequestBody 67108864" > out_a
        # the programs of this folder that carry flags (mod_fcgid refuses its limits in <Location>)
        for (j = 1; j <= np; j++) {
            p = order[j]
            if (is_relay(p) || dir_of(binary_of(p)) != dirs[i] || !((p in psend) || (p in pupload))) continue
            b = binary_of(p); sub(/.*\//, "", b)
            printf "    <Files \"%s\">\n", b > out_a
            if (p in pupload) {
                lim = (uploadmax + 0 > 67108864) ? uploadmax + 0 : 67108864
                print "        # bodies up to --upload-max bytes (LimitRequestBody stops at 2 GiB; 0: no limit, the program checks)" > out_a
                printf "        LimitRequestBody %s\n", (lim > 2147483647 ? "0" : sprintf("%.0f", lim)) > out_a
            }
            if (p in psend) {
                print "        # the program answers X-Sendfile (mod_xsendfile streams the file, ranges too), only from STORAGE_DIR" > out_a
                print "        XSendFile On" > out_a
                printf "        XSendFilePath \"%s\"\n", storagedir > out_a
            }
            print "    </Files>" > out_a
        }
        print "</Directory>" > out_a
    }
    if (nrelay > 0) {
        # One ProxyPassMatch for every relay path: each ProxyPass line to the same relay would
        # share one worker and log AH01146 at every start. Without a backreference in the URL,
        # Apache appends the request path (the query string too).
        re = ""
        for (i = 1; i <= n; i++) if (is_relay(rprog[i])) re = re (re == "" ? "" : "|") rre[i]
        if (nrelay > 1) re = "(?:" re ")"
        print "# WebSocket routes: proxied to sc-ws-relay (mod_proxy + mod_proxy_http), Upgrade passed through." > out_a
        print "# mod_proxy maps URLs before mod_alias, so this wins over every AliasMatch below." > out_a
        printf "ProxyPassMatch \"^%s$\" \"%s\" upgrade=websocket\n", re, relayurl > out_a
        print "# the relay sees the Host the client sent, as behind lighttpd" > out_a
        printf "<LocationMatch \"^%s$\">\n    ProxyPreserveHost On\n</LocationMatch>\n", re > out_a
    }
    for (i = 1; i <= n; i++) if (!is_relay(rprog[i])) printf "AliasMatch \"^%s$\" \"%s\"\n", rre[i], binary_of(rprog[i]) > out_a
    printf "AliasMatch \"^/\" \"%s\"\n", binary_of(catchall) > out_a
}
function rblock(p) {
    printf "    # %s: WebSocket, proxied to sc-ws-relay\n", p > out_l
    printf "    proxy.server = ( \"\" => (( \"host\" => \"%s\", \"port\" => %d )) )\n", relayhost, relayport > out_l
    print "    proxy.header = ( \"upgrade\" => \"enable\" )" > out_l
}
function lblock(p,    b, s, lim) {
    b = binary_of(p); s = p; gsub(/\//, "-", s)
    if (p in pupload) {
        lim = (uploadmax + 0 > 67108864) ? uploadmax + 0 : 67108864
        printf "    # %s takes bodies up to --upload-max bytes (in KiB here)\n", p > out_l
        printf "    server.max-request-size = %.0f\n", int((lim + 1023) / 1024) > out_l
    }
    print "    fastcgi.server = ( \"/\" => ((" > out_l
    printf "        \"bin-path\" => \"%s\",\n", b > out_l
    printf "        \"socket\" => \"%s/%s.sock\",\n", rundir, s > out_l
    printf "        \"max-procs\" => %d,\n", maxprocs > out_l
    print "        \"check-local\" => \"disable\"," > out_l
    print "        \"fix-root-scriptname\" => \"enable\"," > out_l
    # GNUTLS_NO_IMPLICIT_INIT: GnuTLS, loaded with libpq for its LDAP lookups and never used by the
    # programs, would otherwise initialize itself and its PKCS#11 modules in each (~1 MB)
    printf "        \"bin-environment\" => ( \"SC_CONFIG\" => \"%s\", \"GNUTLS_NO_IMPLICIT_INIT\" => \"1\" ),\n", config > out_l
    print "        # the programs read their settings from SC_CONFIG only, not from the server environment" > out_l
    print "        \"bin-copy-environment\" => ( \"PATH\", \"LANG\", \"TZ\" ),"  > out_l
    if (p in psend) {
        print "        # the program answers X-Sendfile; lighttpd streams the file (ranges too), only from STORAGE_DIR" > out_l
        print "        \"x-sendfile\" => \"enable\"," > out_l
        printf "        \"x-sendfile-docroot\" => ( \"%s\" ),\n", storagedir > out_l
    }
    print "    )) )" > out_l
}
' "${FILES[@]}"
mv -f "$OUT/lighttpd-routes.conf.tmp" "$OUT/lighttpd-routes.conf"
mv -f "$OUT/apache-routes.conf.tmp" "$OUT/apache-routes.conf"

# unix socket paths are limited to 107 bytes; lighttpd appends -N
longest=$(grep -o '"socket" => "[^"]*"' "$OUT/lighttpd-routes.conf" | awk '{ if (length($0) > m) m = length($0) } END { print m - 14 }')
[[ $longest -le 100 ]] || die "socket paths under $RUN_DIR are too long for unix sockets ($longest bytes); use a shorter --run-dir"

if [[ $CHECK == 1 ]]; then
    s=$(mktemp -d)
    trap 'rm -rf "$s"' EXIT
    mkdir -p "$s/www"
    printf 'server.modules = ( "mod_access", "mod_fastcgi", "mod_proxy" )\nserver.document-root = "%s/www"\nserver.port = 61999\nserver.bind = "127.0.0.1"\ninclude "%s/lighttpd-routes.conf"\n' \
        "$s" "$(cd "$OUT" && pwd)" >"$s/l.conf"
    lighttpd -tt -f "$s/l.conf" >"$s/l.out" 2>&1 || { cat "$s/l.out" >&2; die "lighttpd -tt rejected $OUT/lighttpd-routes.conf"; }
    # lighttpd only warns about a key of a module that is not loaded, and then ignores it
    if grep -q 'unknown config-key' "$s/l.out"; then cat "$s/l.out" >&2; die "lighttpd -tt ignores keys of $OUT/lighttpd-routes.conf"; fi
    {
        printf 'ServerRoot "%s"\nPidFile "%s/a.pid"\nDefaultRuntimeDir "%s"\nServerName 127.0.0.1\nListen 127.0.0.1:61998\n' "$s" "$s" "$s"
        for m in mpm_event authz_core alias mime fcgid proxy proxy_http xsendfile; do printf 'LoadModule %s_module /usr/lib/apache2/modules/mod_%s.so\n' "$m" "$m"; done
        printf 'ErrorLog "%s/error.log"\nInclude "%s/apache-routes.conf"\n' "$s" "$(cd "$OUT" && pwd)"
    } >"$s/a.conf"
    apache2 -t -f "$s/a.conf" >"$s/a.out" 2>&1 || { cat "$s/a.out" >&2; die "apache2 -t rejected $OUT/apache-routes.conf"; }
    echo "gen-routes: lighttpd -tt and apache2 -t accept the generated files"
fi
