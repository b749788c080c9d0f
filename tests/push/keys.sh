#!/usr/bin/env bash
# tests/push/keys.sh DIR PORT - the keys and certificates of the fake push services
# (tests/push/fakepush.mjs), made at test time with openssl and never committed.
#
# PORT is the fake's HTTPS port (the service account's token_uri and the base URLs point there).
# Writes into DIR (created if missing; the files are throwaway test keys, mode 0644 so that a
# daemon that drops privileges after start can still read them):
#   ca.pem, ca.key            a throwaway CA (P-256), the PUSH_CA_FILE
#   server.pem, server.key    the fake's certificate for 127.0.0.1 and localhost, signed by the CA
#   service-account.json      a Google service account: project_id sc-push-test, client_email,
#                             private_key_id, private_key (RSA-2048, PKCS#8), token_uri
#                             https://127.0.0.1:PORT/token
#   AuthKey_TESTKEY123.p8     an APNs token-auth key (P-256, PKCS#8, as Apple hands them out)
#   vapid.pem                 a VAPID key (P-256, SEC1 "EC PRIVATE KEY")
#   wrong-service-account.json, wrong.p8
#                             the same shapes with other keys: the fake must refuse them
#   push.env                  the configuration lines for SecureConnect (KEY=VALUE), see below
# push.env holds PUSH_WEB_ALLOW_PRIVATE=true (the fake's subscriptions are on 127.0.0.1), PUSH_CA_FILE, FCM_CREDENTIALS_FILE, FCM_BASE_URL, APNS_KEY_FILE, APNS_KEY_ID,
# APNS_TEAM_ID, APNS_TOPIC, APNS_BASE_URL, VAPID_PRIVATE_KEY_FILE, VAPID_SUBJECT (FCM_TOKEN_URL is
# left out: the service account's token_uri is used). Append it to an SC_CONFIG file, or
# `set -a; . DIR/push.env; set +a`. Takes about half a second (the RSA key).
set -euo pipefail

DIR=${1:?usage: keys.sh DIR PORT}
PORT=${2:?usage: keys.sh DIR PORT}
mkdir -p "$DIR"
cd "$DIR"
umask 022

ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# the CA and the server certificate (P-256: quick to make)
ec_key ca.key
openssl req -x509 -new -key ca.key -out ca.pem -days 2 -subj "/CN=SecureConnect push test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
ec_key server.key
openssl req -new -key server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n' >server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out server.pem \
    -extfile server.ext 2>/dev/null
rm -f server.csr server.ext ca.srl

# service_account NAME KEYFILE: a service-account JSON with the PEM key inlined (\n escaped)
service_account() {
    local pem
    pem=$(awk '{printf "%s\\n", $0}' "$2")
    cat >"$1" <<EOF
{
  "type": "service_account",
  "project_id": "sc-push-test",
  "private_key_id": "$(openssl rand -hex 20)",
  "private_key": "$pem",
  "client_email": "sc-push@sc-push-test.iam.gserviceaccount.com",
  "client_id": "100000000000000000001",
  "auth_uri": "https://127.0.0.1:$PORT/auth",
  "token_uri": "https://127.0.0.1:$PORT/token"
}
EOF
}

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key 2>/dev/null
service_account service-account.json sa.key
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out wrong-sa.key 2>/dev/null
service_account wrong-service-account.json wrong-sa.key
rm -f sa.key wrong-sa.key

ec_key AuthKey_TESTKEY123.p8
ec_key wrong.p8
openssl ecparam -name prime256v1 -genkey -noout -out vapid.pem 2>/dev/null

cat >push.env <<EOF
PUSH_CA_FILE=$PWD/ca.pem
FCM_CREDENTIALS_FILE=$PWD/service-account.json
FCM_BASE_URL=https://127.0.0.1:$PORT
APNS_KEY_FILE=$PWD/AuthKey_TESTKEY123.p8
APNS_KEY_ID=TESTKEY123
APNS_TEAM_ID=TESTTEAM12
APNS_TOPIC=org.secureconnect.test
APNS_BASE_URL=https://127.0.0.1:$PORT
VAPID_PRIVATE_KEY_FILE=$PWD/vapid.pem
PUSH_WEB_ALLOW_PRIVATE=true
VAPID_SUBJECT=mailto:push-test@example.org
EOF
