#!/usr/bin/env bash
# Black-box cases for conversations (api.md "Conversations and messages": the /v1/conversations
# rows; the audit's Errors 3, 4 and 10). Run by tests/integration/run.sh after cases.sh, once per
# web server, against the same PostgreSQL and Redis; every user made here carries a run tag.
#
# Environment: SC_BASE SC_SERVER SC_BUILD SC_CONFIG SC_CTL SC_TMP (see cases.sh); SC_VERBOSE=1.
# Last line: "<server>-conversations: N passed, M failed"; exit 0 only when M is 0.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=conversations

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

CONV_KEYS='["conversation_id","type","title","avatar_url","created_by","is_e2ee_enabled","created_at","updated_at"]'

test_create() {
    t "POST /v1/conversations"
    mkuser a; mkuser b; mkuser c
    ev_sub create a b c

    # a group: the title is stored (Error 3), the creator is an admin member
    mkconv g1 group "Team $A_RUN" a b
    expect_status 201
    expect_jq '.data as $d | '"$CONV_KEYS"' | all(. as $x | $d | has($x))'
    expect_json '.data.title' "\"Team $A_RUN\""
    expect_json '.data.type' '"group"'
    expect_json ".data.created_by" "\"${U_ID[a]}\""
    expect_json '.data.is_e2ee_enabled' true
    expect_json '.data.participant_ids | length' 2
    check "$T: title stored in PostgreSQL" "the title in conversations" \
        test "$(sql "SELECT title FROM conversations WHERE conversation_id = '${C_ID[g1]}'")" = "Team $A_RUN"
    check "$T: the creator is an admin" "role admin" \
        test "$(sql "SELECT role FROM conversation_participants WHERE conversation_id = '${C_ID[g1]}' AND user_id = '${U_ID[a]}'")" = admin
    check "$T: members cache written" "conv:{id}:members = {a, b}" \
        test "$(rcli SMEMBERS "conv:${C_ID[g1]}:members" | sort | tr '\n' ' ')" = "$(printf '%s\n' "${U_ID[a]}" "${U_ID[b]}" | sort | tr '\n' ' ')"
    ev_wait create 2
    check "$T: conversation.created to a" "one event" test "$(ev_count create a conversation.created)" = 1
    check "$T: conversation.created to b" "one event" test "$(ev_count create b conversation.created)" = 1
    check "$T: nothing to c" "no event" test "$(ev_count create c conversation.created)" = 0
    ev_stop create

    # direct: exactly one other user (Error 10); the same pair again answers 200 with the same id
    mkconv d1 direct "" a b
    expect_status 201
    local first=${C_ID[d1]}
    mkconv d1 direct "" b a
    expect_status 200
    check "$T: the existing direct conversation is returned" "same id" test "${C_ID[d1]}" = "$first"
    areq POST /v1/conversations "${U_AT[a]}" "$(jq -nc --arg b "${U_ID[b]}" --arg c "${U_ID[c]}" '{type:"direct", participant_ids:[$b,$c]}')"
    expect_error 400 VALIDATION_ERROR
    expect_match '.error.message' 'participant_ids'
    areq POST /v1/conversations "${U_AT[a]}" "$(jq -nc --arg a "${U_ID[a]}" '{type:"direct", participant_ids:[$a]}')"
    expect_error 400 VALIDATION_ERROR
    # unknown users are named in a 404 (Error 10)
    local ghost=$(uuid)
    areq POST /v1/conversations "${U_AT[a]}" "$(jq -nc --arg g "$ghost" --arg b "${U_ID[b]}" '{type:"group", title:"x", participant_ids:[$b,$g]}')"
    expect_error 404 NOT_FOUND
    expect_match '.error.message' "$ghost"
    # a group needs a title
    areq POST /v1/conversations "${U_AT[a]}" "$(jq -nc --arg b "${U_ID[b]}" '{type:"group", participant_ids:[$b]}')"
    expect_error 400 VALIDATION_ERROR
    expect_match '.error.message' 'title'
    areq POST /v1/conversations "${U_AT[a]}" "$(jq -nc --arg b "${U_ID[b]}" '{type:"group", title:"   ", participant_ids:[$b]}')"
    expect_error 400 VALIDATION_ERROR
    areq POST /v1/conversations "${U_AT[a]}" "$(jq -nc --arg b "${U_ID[b]}" '{type:"channel", title:"x", participant_ids:[$b]}')"
    expect_error 400 VALIDATION_ERROR
    expect_match '.error.message' 'type'
    areq POST /v1/conversations "${U_AT[a]}" '{"type":"group","title":"x","participant_ids":["nope"]}'
    expect_error 400 VALIDATION_ERROR
    expect_match '.error.message' 'participant_ids'
    areq POST /v1/conversations "${U_AT[a]}" '{"type":"group","title":"x","participant_ids":"nope"}'
    expect_error 400 VALIDATION_ERROR
}

test_create
for n in "${!EV_PID[@]}"; do ev_stop "$n"; done
printf '%s-%s: %d passed, %d failed\n' "$SC_SERVER" "$SUITE" "$SC_PASS" "$SC_FAIL"
[[ $SC_FAIL -eq 0 ]]
