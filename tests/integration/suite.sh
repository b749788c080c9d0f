# shellcheck shell=bash disable=SC2034  # R_*, C_* and SC_WORK are read by lib.sh
# suite.sh: the common start of a cases-<area>.sh suite, sourced with HERE (this folder) and
# SUITE (the area) set: checks the environment run.sh gives (see cases.sh), loads lib.sh,
# lib-accounts.sh and lib-chat.sh, gives the suite its scratch folder, and stops any event
# subscriber the suite leaves running when it exits.
for v in SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP; do
    if [[ -z ${!v:-} ]]; then
        echo "cases-$SUITE.sh: $v is not set" >&2
        echo "${SC_SERVER:-?}-$SUITE: 0 passed, 1 failed"
        exit 1
    fi
done
# shellcheck source=lib.sh
. "$HERE/lib.sh"
SC_WORK="$SC_TMP/cases-$SUITE.$SC_SERVER"
mkdir -p "$SC_WORK"
R_HDRS="$SC_WORK/resp.headers" R_BODY="$SC_WORK/resp.body" R_CERR="$SC_WORK/resp.curlerr"
C_OUT="$SC_WORK/cmd.stdout" C_ERR="$SC_WORK/cmd.stderr"
: >"$R_HDRS"; : >"$R_BODY"; : >"$R_CERR"
# shellcheck source=lib-accounts.sh
. "$HERE/lib-accounts.sh"
# shellcheck source=lib-chat.sh
. "$HERE/lib-chat.sh"
trap 'for n in "${!EV_PID[@]}"; do ev_stop "$n"; done' EXIT
