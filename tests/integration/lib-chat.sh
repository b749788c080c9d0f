# shellcheck shell=bash disable=SC2034,SC2153  # R_* and friends come from lib.sh
# Helpers for the chat suites (cases-contacts.sh, cases-conversations.sh, cases-messages.sh,
# cases-presence.sh); sourced after lib.sh and lib-accounts.sh.
#
#   rcli ARGS...                 redis-cli against the test Redis (password from the config)
#   mkconv KEY TYPE TITLE OWNER-KEY [MEMBER-KEY...]
#                                POST /v1/conversations as OWNER; C_ID[KEY] the id (one check)
#   sendmsg OWNER-KEY CONV-ID TEXT [EXTRA-JSON]
#                                POST /v1/messages; M_LAST the message id (no check; R_STATUS)
#   ev_sub NAME USER-KEY...      subscribe to user:{id} of those users in the background
#   ev_lines NAME                what NAME received so far: "user:{id}<TAB>event-json" lines
#   ev_count NAME USER-KEY TYPE  events of TYPE received on that user's channel
#   ev_stop NAME                 stop the subscriber
#   ev_wait NAME N               wait (up to 5 s) until NAME received at least N events

declare -A C_ID EV_PID
A_REDIS_HOST=$(cfgval REDIS_HOST); A_REDIS_HOST=${A_REDIS_HOST:-127.0.0.1}
A_REDIS_PORT=$(cfgval REDIS_PORT); A_REDIS_PORT=${A_REDIS_PORT:-6379}
A_REDIS_PASSWORD=$(cfgval REDIS_PASSWORD)

rcli() {
    REDISCLI_AUTH=$A_REDIS_PASSWORD timeout 10 redis-cli --no-auth-warning \
        -h "$A_REDIS_HOST" -p "$A_REDIS_PORT" "$@"
}

mkconv() {
    local key=$1 type=$2 title=$3 owner=$4 ids=() k body
    shift 4
    for k; do ids+=("${U_ID[$k]}"); done
    local list="" q
    for k in "${ids[@]}"; do jstr_into q "$k"; list+="${list:+,}$q"; done
    jstr_into q "$type"; body="{\"type\":$q,\"participant_ids\":[$list]"
    if [[ -n $title ]]; then jstr_into q "$title"; body+=",\"title\":$q"; fi
    body+="}"
    areq POST /v1/conversations "${U_AT[$owner]}" "$body"
    jr_into "C_ID[$key]" .data.conversation_id 00000000-0000-4000-8000-000000000000
    if [[ $R_STATUS == 201 || $R_STATUS == 200 ]]; then ok "setup: conversation $key"
    else fail "setup: conversation $key" "HTTP 201 from POST /v1/conversations, got $R_STATUS $(head -c 300 "$R_BODY")"; fi
}

sendmsg() {
    local owner=$1 conv=$2 text=$3 extra=${4:-'{}'} body
    if [[ $extra == '{}' ]]; then
        local c t; jstr_into c "$conv"; jstr_into t "$text"
        body="{\"conversation_id\":$c,\"content\":$t,\"is_encrypted\":false,\"message_type\":\"text\"}"
    else
        body=$(jq -nc --arg c "$conv" --arg t "$text" --argjson x "$extra" \
            '{conversation_id:$c, content:$t, is_encrypted:false, message_type:"text"} + $x')
    fi
    areq POST /v1/messages "${U_AT[$owner]}" "$body"
    jr_into M_LAST .data.message_id ""
}

ev_sub() {
    local name=$1 ch=() k i
    shift
    for k; do ch+=("user:${U_ID[$k]}"); done
    : >"$SC_WORK/ev.$name"
    # the subscriber is the background process itself (exec), so ev_stop ends it; it gives up
    # on its own after 300 s should a suite die without stopping it
    (REDISCLI_AUTH=$A_REDIS_PASSWORD exec timeout 300 redis-cli --no-auth-warning \
        -h "$A_REDIS_HOST" -p "$A_REDIS_PORT" SUBSCRIBE "${ch[@]}" \
        >"$SC_WORK/ev.$name" 2>&1 </dev/null) &
    EV_PID[$name]=$!
    # each subscription is confirmed with three lines: subscribe, channel, count
    for i in $(seq 100); do
        (( $(grep -c '^subscribe$' "$SC_WORK/ev.$name") >= ${#ch[@]} )) && return 0
        sleep 0.05
    done
    fail "setup: subscribe $name" "redis-cli SUBSCRIBE confirmed"
}

ev_lines() {
    awk 'prev2 == "message" { print prev1 "\t" $0 } { prev2 = prev1; prev1 = $0 }' \
        "$SC_WORK/ev.$1" | awk -F'\t' '$1 ~ /^user:/'
}

ev_count() {
    local name=$1 uid=${U_ID[$2]} type=$3
    ev_lines "$name" | awk -F'\t' -v c="user:$uid" '$1 == c { print $2 }' |
        jq -c --arg t "$type" 'select(.type == $t)' 2>/dev/null | wc -l
}

ev_wait() {
    local name=$1 n=$2 i
    for i in $(seq 100); do
        (( $(ev_lines "$name" | wc -l) >= n )) && return 0
        sleep 0.05
    done
    return 1
}

ev_stop() {
    [[ -n ${EV_PID[$1]:-} ]] && kill "${EV_PID[$1]}" 2>/dev/null && wait "${EV_PID[$1]}" 2>/dev/null
    EV_PID[$1]=""
}
