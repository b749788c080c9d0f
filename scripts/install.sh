#!/bin/bash
# install.sh: `make install` (after the build). Usage: scripts/install.sh DESTDIR PREFIX
#
#   PREFIX/lib/secureconnect/cgi-bin/<area>-<name>.fcgi   the FastCGI programs
#   PREFIX/bin/sc-admin
#   PREFIX/sbin/sc-ws-relay                               the WebSocket relay (a daemon, hence sbin)
#   PREFIX/lib/systemd/system/sc-ws-relay.service         its hardened unit (runs it as www-data);
#                                                         systemd reads /usr/local/lib/systemd/system too
#   PREFIX/share/secureconnect/httpd-conf/                lighttpd.conf, apache.conf (snippets to
#                                                         include), lighttpd-routes.conf,
#                                                         apache-routes.conf (generated), routes
#   PREFIX/share/secureconnect/sql/NNN_*.sql              migrations (sc-admin migrate --dir ...)
#   PREFIX/share/secureconnect/mail-templates/            the stock mail templates (copy them to
#                                                         MAIL_TEMPLATE_DIR, /etc/secureconnect/mail)
#   PREFIX/share/secureconnect/httpd-conf/secureconnect-outbox.{cron,service,timer}
#                                                         examples for sc-admin outbox flush
#   PREFIX/share/secureconnect/secureconnect.conf.example every config key, commented out
#   PREFIX/share/doc/secureconnect/, PREFIX/share/man/man8/sc-admin.8
#
# Environment (written into the generated configs):
#   SC_CONFIG_PATH  config file the programs read (default /etc/secureconnect/secureconnect.conf);
#                   not created here: see docs/operations.md
#   SC_SOCKET_DIR   lighttpd FastCGI sockets (default /run/lighttpd, Debian's www-data run dir)
#   SC_MAX_PROCS    lighttpd max-procs per program / Apache FcgidMaxProcessesPerClass (default 2)
#   SC_RELAY_ADDR   HOST:PORT the web servers proxy the WebSocket routes (/v1/ws ...) to: the
#                   relay's RELAY_LISTEN:RELAY_PORT (default 127.0.0.1:8090, their defaults)
#   SC_STORAGE_DIR  STORAGE_DIR of the local file storage: the folder the download program may
#                   answer X-Sendfile from (default /var/lib/secureconnect/files, the setting's
#                   default); not created here: see docs/operations.md section 13
#   SC_UPLOAD_MAX   STORAGE_MAX_FILE_BYTES: the body limit of the upload route when above 64 MiB
#                   (default 52428800)
#   SC_BUILD        build folder (default ./build)
# DESTDIR is only prepended to where files are written, never to paths inside them.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DESTDIR=${1-}
PREFIX=${2:-/usr/local}
BUILD=${SC_BUILD:-$ROOT/build}
CONFIG=${SC_CONFIG_PATH:-/etc/secureconnect/secureconnect.conf}
SOCKDIR=${SC_SOCKET_DIR:-/run/lighttpd}
MAX_PROCS=${SC_MAX_PROCS:-2}
RELAY_ADDR=${SC_RELAY_ADDR:-127.0.0.1:8090}
STORAGE_DIR=${SC_STORAGE_DIR:-/var/lib/secureconnect/files}
UPLOAD_MAX=${SC_UPLOAD_MAX:-52428800}

die() { printf 'install: %s\n' "$*" >&2; exit 1; }
[[ $PREFIX == /* ]] || die "PREFIX must be an absolute path"
compgen -G "$BUILD/cgi-bin/*.fcgi" >/dev/null || die "no $BUILD/cgi-bin/*.fcgi; run make first"
[[ -x $BUILD/tools/sc-admin ]] || die "no $BUILD/tools/sc-admin; run make first"
[[ -x $BUILD/ws-relay/sc-ws-relay ]] || die "no $BUILD/ws-relay/sc-ws-relay; run make first"
# both go through sed replacements
[[ $CONFIG$PREFIX != *[\|\&\\]* ]] || die "PREFIX and SC_CONFIG_PATH must not contain |, & or backslashes"

CGI=$PREFIX/lib/secureconnect/cgi-bin
SHARE=$PREFIX/share/secureconnect
UNITDIR=$PREFIX/lib/systemd/system
install -d -m 0755 "$DESTDIR$CGI" "$DESTDIR$PREFIX/bin" "$DESTDIR$PREFIX/sbin" "$DESTDIR$SHARE/httpd-conf" \
    "$DESTDIR$SHARE/sql" "$DESTDIR$UNITDIR"
install -m 0755 "$BUILD"/cgi-bin/*.fcgi "$DESTDIR$CGI/"
install -m 0755 "$BUILD/tools/sc-admin" "$DESTDIR$PREFIX/bin/"
install -m 0755 "$BUILD/ws-relay/sc-ws-relay" "$DESTDIR$PREFIX/sbin/"
if compgen -G "sql/*.sql" >/dev/null; then install -m 0644 sql/*.sql "$DESTDIR$SHARE/sql/"; fi
install -m 0644 cgi-bin/routes "$DESTDIR$SHARE/httpd-conf/routes"
install -m 0644 httpd-conf/secureconnect-outbox.cron httpd-conf/secureconnect-outbox.service \
    httpd-conf/secureconnect-outbox.timer "$DESTDIR$SHARE/httpd-conf/"
install -d -m 0755 "$DESTDIR$SHARE/mail-templates"
install -m 0644 mail-templates/* "$DESTDIR$SHARE/mail-templates/"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scripts/gen-routes.sh --bin-dir "$CGI" --config "$CONFIG" --run-dir "$SOCKDIR" --max-procs "$MAX_PROCS" \
    --relay "$RELAY_ADDR" --storage-dir "$STORAGE_DIR" --upload-max "$UPLOAD_MAX" --out "$tmp" cgi-bin/routes
install -m 0644 "$tmp/lighttpd-routes.conf" "$tmp/apache-routes.conf" "$DESTDIR$SHARE/httpd-conf/"
for kind in lighttpd apache; do
    sed -e "s|@ROUTES_CONF@|$SHARE/httpd-conf/$kind-routes.conf|g" "httpd-conf/$kind.conf" >"$tmp/$kind.conf"
    install -m 0644 "$tmp/$kind.conf" "$DESTDIR$SHARE/httpd-conf/$kind.conf"
done

DOC=$PREFIX/share/doc/secureconnect
install -d -m 0755 "$DESTDIR$DOC" "$DESTDIR$PREFIX/share/man/man8"
install -m 0644 README.md docs/*.md "$DESTDIR$DOC/"
install -m 0644 docs/*.8 "$DESTDIR$PREFIX/share/man/man8/"
sed -e "s|@SBINDIR@|$PREFIX/sbin|g" -e "s|@SC_CONFIG@|$CONFIG|g" -e "s|@DOCDIR@|$DOC|g" \
    ws-relay/sc-ws-relay.service >"$tmp/sc-ws-relay.service"
! grep -n '@[A-Z_]*@' "$tmp/sc-ws-relay.service" || die "placeholders left in sc-ws-relay.service"
install -m 0644 "$tmp/sc-ws-relay.service" "$DESTDIR$UNITDIR/sc-ws-relay.service"
{
    echo "# SecureConnect configuration: KEY=VALUE lines; every key is described in $DOC/config.md."
    echo "# Keep the real file root:www-data, mode 0640. Secrets may live in KEY_FILE files instead."
    "$BUILD/tools/sc-admin" config-keys | sed 's/^/#/; s/$/=/'
} >"$tmp/secureconnect.conf.example"
install -m 0644 "$tmp/secureconnect.conf.example" "$DESTDIR$SHARE/secureconnect.conf.example"

cat <<EOF
install: programs in $DESTDIR$CGI, sc-admin in $DESTDIR$PREFIX/bin, sc-ws-relay in $DESTDIR$PREFIX/sbin,
         configs in $DESTDIR$SHARE/httpd-conf, unit $DESTDIR$UNITDIR/sc-ws-relay.service
Next (docs/operations.md):
  - write $CONFIG (KEY=VALUE; root:www-data, mode 0640), check it: SC_CONFIG=$CONFIG $PREFIX/bin/sc-admin check-config
  - apply migrations:  SC_CONFIG=$CONFIG $PREFIX/bin/sc-admin migrate --dir $SHARE/sql
  - lighttpd: include "$SHARE/httpd-conf/lighttpd.conf"   Apache: Include $SHARE/httpd-conf/apache.conf
  - file storage: create $STORAGE_DIR (owner www-data, mode 0750; the download route serves
    only from there), set STORAGE_DIR to it, and run sc-admin gc from cron (docs/operations.md 13)
  - mail: cp -r $SHARE/mail-templates /etc/secureconnect/mail (MAIL_TEMPLATE_DIR), set SMTP_*, and
    run sc-admin outbox flush every minute ($SHARE/httpd-conf/secureconnect-outbox.*; docs/operations.md 14)
  - the relay (the web servers proxy /v1/ws* to $RELAY_ADDR, set RELAY_LISTEN/RELAY_PORT to match):
      systemctl daemon-reload && systemctl enable --now sc-ws-relay
EOF
