# shellcheck shell=bash
# shellcheck disable=SC2154,SC2153  # BASE, T, BUILD, RESULTS, DURATION, ... are set by bench/run.sh
# bench/lib/chat.sh: the chat part of `make bench` (docs/benchmarks.md "Messages"), sourced by
# bench/run.sh; runs last, on the same stack and lighttpd.
#   bench_chat_routes BUILD APP-BIN-DIR   print the route lines of /v1/conversations and
#                                         /v1/messages (taken from cgi-bin/routes) for the bench's
#                                         route table and install their programs into APP-BIN-DIR;
#                                         sets CHAT_HAVE_CONV / CHAT_HAVE_MSG (0 when not built)
#   bench_chat                            the part itself (after bench/lib/more.sh):
#     1. load: three users registered and a direct conversation A-B started through the API,
#        then SC_BENCH_CHAT_MESSAGES (1,000,000) messages COPYed into it from bench/msggen.c;
#        last_message_at updated; VACUUM ANALYZE; the rows checked (UUIDv7, ms prefix = sent_at,
#        strictly increasing); the COPY time printed.
#     2. GET /v1/messages?conversation_id=&limit=50: the newest page and the page after the
#        message SC_BENCH_CHAT_DEPTH (500,000) deep, whose cursor bench/cursor.c makes with
#        libsc's sc_page_cursor_encode; SC_BENCH_CHAT_REQUESTS (2,000) sequential requests each
#        over one keep-alive connection (curl --write-out), in alternating blocks; median and
#        p99; deep/first. Beside them, the keyset SELECT alone (pgbench, one client).
#     3. POST /v1/messages in a fresh direct conversation A-C (wrk -t2 -c50, bench/send.lua)
#        against pgbench's single-row INSERT rate into bench_insert (LIKE messages, no foreign
#        keys) at the same concurrency, PEER_ROUNDS rounds alternating which goes first; the
#        ratio is the median of the per-round ratios. Then the newest page of the big
#        conversation once more, now that newer messages of another conversation exist.
# Appends chat_* and send_* key=value lines to RESULTS and prints a table. Never fails on figures.
# Uses run.sh's run(), die, BASE, T, BUILD, ROOT, RESULTS, DURATION, PEER_ROUNDS and more.sh's pct,
# median and non2xx.

CHAT_HAVE_CONV=0
CHAT_HAVE_MSG=0

bench_chat_routes() {
    local build=$1 dest=$2 path prog bin
    for path in /v1/conversations /v1/messages; do
        # METHODS PATH PROGRAM AUTH SUMMARY: the line whose path is exactly this one
        prog=$(awk -v p="$path" '$1 !~ /^#/ && $2 == p { print $3; exit }' "$SC_ROOT/cgi-bin/routes")
        [[ -n $prog ]] || continue
        bin=$build/cgi-bin/${prog//\//-}.fcgi
        [[ -x $bin ]] || continue
        install -m 0755 "$bin" "$dest/" || return 1
        awk -v p="$path" '$1 !~ /^#/ && $2 == p { print; exit }' "$SC_ROOT/cgi-bin/routes"
        [[ $path == /v1/conversations ]] && CHAT_HAVE_CONV=1
        [[ $path == /v1/messages ]] && CHAT_HAVE_MSG=1
    done
    return 0
}

# the app database as the superuser over the unix socket (COPY, VACUUM, checks)
_chat_psql() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$T/pg" -p "$SC_STACK_PG_PORT" -U postgres -d "$SC_STACK_DB" "$@"; }
# the same database as the application role over TCP, as the programs connect
_chat_pgbench() { PGPASSWORD=$SC_STACK_DB_PASSWORD pgbench -h 127.0.0.1 -p "$SC_STACK_PG_PORT" -U "$SC_STACK_DB" "$@" "$SC_STACK_DB"; }
_chat_now_ms() { date +%s%3N; }
# a wrk duration (5, 5s, 2m, 1h) in seconds, for pgbench -T
_chat_secs() {
    local d=$1
    case $d in
        *h) echo $((${d%h} * 3600)) ;;
        *m) echo $((${d%m} * 60)) ;;
        *s) echo "${d%s}" ;;
        *) echo "$d" ;;
    esac
}

# _chat_build NAME SOURCE [LINK...]: build/bench/NAME from bench/SOURCE unless it is current
_chat_build() {
    local src=$SC_ROOT/bench/$2 bin=$BUILD/bench/$1
    shift 2
    [[ -x $bin && $bin -nt $src && ( $# -eq 0 || $bin -nt $BUILD/lib/libsc.a ) ]] && return 0
    # shellcheck disable=SC2046  # pkg-config's words
    ${CC:-cc} -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$SC_ROOT/lib" \
        $( (($#)) && pkg-config --cflags fcgi json-c libpq hiredis openssl libjwt libargon2 libcrypt) \
        -o "$bin" "$src" "$@" \
        $( (($#)) && pkg-config --libs fcgi json-c libpq hiredis openssl libjwt libargon2 libcrypt)
}

# _chat_user NAME -> "user_id access_token" (POST /v1/auth/register answers with both)
_chat_user() {
    local body
    body=$(jq -nc --arg n "$1" --arg p "$(openssl rand -hex 16)" \
        '{email: ($n + "@example.com"), username: $n, password: $p, display_name: $n}')
    curl -s -H 'Content-Type: application/json' --data "$body" "$BASE/v1/auth/register" |
        jq -re '"\(.data.user.user_id) \(.data.access_token)"'
}

# _chat_direct TOKEN OTHER-ID -> the conversation id (201 new, 200 existing)
_chat_direct() {
    local code
    code=$(curl -s -o "$T/chat-conv.json" -w '%{http_code}' -H "Authorization: Bearer $1" \
        -H 'Content-Type: application/json' \
        --data "{\"type\":\"direct\",\"participant_ids\":[\"$2\"]}" "$BASE/v1/conversations")
    [[ $code == 201 || $code == 200 ]] ||
        { echo "bench: POST /v1/conversations answered $code: $(head -c 300 "$T/chat-conv.json")" >&2; return 1; }
    jq -re '.data.conversation_id' "$T/chat-conv.json"
}

# _chat_get URL-PATH OUT: GET with the reader's token; prints the status
_chat_get() { curl -s -o "$2" -w '%{http_code}' -H "$CHAT_AUTHZ" "$BASE$1"; }

# _chat_times URL-PATH N OUT: N sequential GETs over one keep-alive connection (one curl, a
# config file of N urls); appends "status seconds" lines to OUT
_chat_times() {
    local cfg=$T/chat-curl.$RANDOM i
    for ((i = 0; i < $2; i++)); do printf 'url = "%s"\noutput = "/dev/null"\n' "$BASE$1"; done >"$cfg"
    curl -s -K "$cfg" -H "$CHAT_AUTHZ" -w '%{http_code} %{time_total}\n' >>"$3"
    rm -f "$cfg"
}

# _chat_stats FILE -> "count non200 median-ms p99-ms" (p99: nearest rank)
_chat_stats() {
    local n bad
    n=$(wc -l <"$1")
    bad=$(awk '$1 != 200' "$1" | wc -l)
    awk '{ printf "%.3f\n", $2 * 1000 }' "$1" | sort -n | awk -v n="$n" -v bad="$bad" '{ v[NR] = $1 } END {
        if (NR == 0) { print 0, bad, "n/a", "n/a"; exit }
        med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        k = int(0.99 * NR); if (k < 0.99 * NR) k++
        printf "%d %d %.2f %.2f\n", n, bad, med, v[k] }'
}

# _chat_insert_round CLIENTS TX-PER-CLIENT CONV SENDER: pgbench's single-row INSERTs into
# bench_insert ($T/chat-insert.sql); the output goes to $T/chat-pgbench.txt
_chat_insert_round() {
    _chat_pgbench -n -M prepared -c "$1" -j 2 -t "$2" -D conv="$3" -D sender="$4" \
        -f "$T/chat-insert.sql" >"$T/chat-pgbench.txt" 2>&1
}
# the tps (integer, excluding the connection time) of the last pgbench
_chat_tps() { awk '/^tps = / { printf "%d\n", $3; exit }' "$T/chat-pgbench.txt"; }

_chat_ratio() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { if (a != "n/a" && b != "n/a" && b > 0) printf f "\n", a / b; else print "n/a" }'; }

bench_chat() {
    local n=${SC_BENCH_CHAT_MESSAGES:-1000000} depth=${SC_BENCH_CHAT_DEPTH:-} reqs=${SC_BENCH_CHAT_REQUESTS:-2000}
    local conc=50 ua ub uc ta conv sconv have t0 t1 copy_s vac_s check start_ms
    local newest deep_id deep_next cursor code blocks per b k i r v sr ir ins_t=20
    local sql_first=n/a sql_deep=n/a
    local f_n=0 f_bad=0 f_med=n/a f_p99=n/a d_n=0 d_bad=0 d_med=n/a d_p99=n/a a_n=0 a_bad=0 a_med=n/a a_p99=n/a
    local lat_ratio=n/a lat_p99_ratio=n/a lat_verdict=n/a lat_state=absent
    local send_state=absent send_all=() ins_all=() send_ratios=() best_send=0 best_ins=0 send_non2xx=0
    local send_ratio=n/a send_verdict=n/a send_rows=n/a sends_before=0
    ((depth > 0)) || depth=$((n / 2))

    echo
    if ((!CHAT_HAVE_CONV)); then
        echo "bench: chat: POST /v1/conversations is not built; no chat figures"
        echo "chat=absent" >>"$RESULTS"
        return 0
    fi
    _chat_build msggen msggen.c || { echo "bench: chat: bench/msggen.c did not build; no chat figures"; return 0; }
    _chat_build sc-cursor cursor.c "$BUILD/lib/libsc.a" ||
        { echo "bench: chat: bench/cursor.c did not build; no chat figures"; return 0; }

    # ------------------------------------------------------------ 1. the 1,000,000 messages
    echo "bench: chat: users and conversations through the API"
    ua="" ub="" uc="" ta=""
    read -r ua ta < <(_chat_user bench_chat_a)
    read -r ub _ < <(_chat_user bench_chat_b)
    read -r uc _ < <(_chat_user bench_chat_c)
    if [[ -z $ua || -z $ta || -z $ub || -z $uc ]]; then
        echo "bench: chat: registering the chat users failed; no chat figures"
        return 0
    fi
    CHAT_AUTHZ="Authorization: Bearer $ta"
    conv=$(_chat_direct "$ta" "$ub") || { echo "bench: chat: no conversation; no chat figures"; return 0; }
    have=$(_chat_psql -c "SELECT count(*) FROM messages WHERE conversation_id = '$conv'")
    if [[ $have == "$n" ]]; then
        echo "bench: chat: conversation $conv already holds $n messages; not loaded again"
        copy_s=reused vac_s=reused
    else
        [[ $have == 0 ]] || _chat_psql -c "DELETE FROM messages WHERE conversation_id = '$conv'" >/dev/null
        # one ms apart, the newest a minute ago: every message sent later is newer
        start_ms=$(($(_chat_now_ms) - n - 60000))
        echo "bench: chat: loading $n messages into $conv (bench/msggen.c | COPY)"
        # Foreign-key triggers off for this COPY only (session_replication_role, superuser):
        # the conversation and both senders exist, and every row names them.
        t0=$(_chat_now_ms)
        "$BUILD/bench/msggen" "$conv" "$ua" "$ub" "$n" "$start_ms" encrypted |
            _chat_psql -c "SET session_replication_role = replica" \
                -c "COPY messages (message_id, conversation_id, sender_id, content, is_encrypted, message_type, sent_at) FROM STDIN" ||
            { echo "bench: chat: the COPY failed; no chat figures"; return 0; }
        t1=$(_chat_now_ms)
        copy_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
        _chat_psql -c "UPDATE conversations SET last_message_at = (SELECT max(sent_at) FROM messages WHERE conversation_id = '$conv') WHERE conversation_id = '$conv'" >/dev/null
        t0=$(_chat_now_ms)
        _chat_psql -c "VACUUM ANALYZE messages" >/dev/null
        t1=$(_chat_now_ms)
        vac_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
    fi
    # count, version 7, variant 10, the 48-bit ms prefix = sent_at, strictly increasing ids
    check=$(_chat_psql -c "SELECT count(*), count(*) FILTER (WHERE NOT (
            substr(id, 15, 1) = '7' AND substr(id, 20, 1) IN ('8', '9', 'a', 'b')
            AND ('x' || substr(replace(id, '-', ''), 1, 12))::bit(48)::bigint
                = (extract(epoch FROM sent_at) * 1000)::bigint
            AND (prev IS NULL OR prev < message_id)))
        FROM (SELECT message_id, message_id::text AS id, sent_at,
                     lag(message_id) OVER (ORDER BY sent_at) AS prev
              FROM messages WHERE conversation_id = '$conv') m")
    if [[ $check != "$n|0" ]]; then
        echo "bench: chat: the loaded rows are not as made (count|bad: $check); no chat figures"
        return 0
    fi
    echo "bench: chat: $n messages: COPY ${copy_s} s, VACUUM ANALYZE ${vac_s} s; ids checked (UUIDv7, prefix = sent_at, increasing)"

    # ------------------------------------------------------------ 2. newest page, deep page
    if ((CHAT_HAVE_MSG)); then
        lat_state=measured
        newest=$(_chat_psql -c "SELECT message_id FROM messages WHERE conversation_id = '$conv' ORDER BY message_id DESC LIMIT 1")
        deep_id=$(_chat_psql -c "SELECT message_id FROM messages WHERE conversation_id = '$conv' ORDER BY message_id DESC OFFSET $((depth - 1)) LIMIT 1")
        deep_next=$(_chat_psql -c "SELECT message_id FROM messages WHERE conversation_id = '$conv' ORDER BY message_id DESC OFFSET $depth LIMIT 1")
        cursor=$("$BUILD/bench/sc-cursor" messages "$deep_id") || lat_state=failing
        CHAT_FIRST="/v1/messages?conversation_id=$conv&limit=50"
        CHAT_DEEP="/v1/messages?conversation_id=$conv&limit=50&cursor=$cursor"
        # the pages are what they should be before they are timed
        code=$(_chat_get "$CHAT_FIRST" "$T/chat-first.json")
        if [[ $code != 200 ]]; then
            echo "bench: chat: GET $CHAT_FIRST answered $code: $(head -c 300 "$T/chat-first.json")"; lat_state=failing
        elif [[ $(jq -r '"\(.data.messages | length) \(.data.messages[0].message_id) \(.data.has_more)"' "$T/chat-first.json") != "50 $newest true" ]]; then
            echo "bench: chat: the newest page is not the 50 newest messages"; lat_state=failing
        elif [[ $(jq -r '.data.next_cursor' "$T/chat-first.json") != \
                "$("$BUILD/bench/sc-cursor" messages "$(jq -r '.data.messages[49].message_id' "$T/chat-first.json")")" ]]; then
            echo "bench: chat: next_cursor of the newest page is not what bench/cursor.c makes"; lat_state=failing
        fi
        if [[ $lat_state == measured ]]; then
            code=$(_chat_get "$CHAT_DEEP" "$T/chat-deep.json")
            if [[ $code != 200 ]]; then
                echo "bench: chat: the deep page answered $code: $(head -c 300 "$T/chat-deep.json")"; lat_state=failing
            elif [[ $(jq -r '"\(.data.messages | length) \(.data.messages[0].message_id)"' "$T/chat-deep.json") != "50 $deep_next" ]]; then
                echo "bench: chat: the deep page does not start $((depth + 1)) messages deep"; lat_state=failing
            fi
        fi
        if [[ $lat_state == measured ]]; then
            echo "bench: chat: GET /v1/messages limit=50, newest page and $depth deep: $reqs sequential requests each"
            _chat_times "$CHAT_FIRST" 100 /dev/null
            _chat_times "$CHAT_DEEP" 100 /dev/null
            : >"$T/chat-first.txt"; : >"$T/chat-deep.txt"
            # 8 blocks each, alternating which goes first: a drift in machine load hits both
            blocks=8 per=$(((reqs + 7) / 8))
            for ((b = 0; b < blocks; b++)); do
                if ((b % 2)); then k="deep first"; else k="first deep"; fi
                for i in $k; do
                    if [[ $i == first ]]; then _chat_times "$CHAT_FIRST" "$per" "$T/chat-first.txt"
                    else _chat_times "$CHAT_DEEP" "$per" "$T/chat-deep.txt"; fi
                done
            done
            read -r f_n f_bad f_med f_p99 < <(_chat_stats "$T/chat-first.txt")
            read -r d_n d_bad d_med d_p99 < <(_chat_stats "$T/chat-deep.txt")
            ((f_bad + d_bad)) && echo "bench: chat: note: $f_bad + $d_bad answers were not 200"
            lat_ratio=$(_chat_ratio "$d_med" "$f_med")
            lat_p99_ratio=$(_chat_ratio "$d_p99" "$f_p99")
            lat_verdict=$(awk -v r="$lat_ratio" 'BEGIN { print (r != "n/a" && r <= 1.5 ? "meets" : "below") }')
        fi
        # the keyset SELECT alone (the brief's shape), one client, prepared: the floor of each page
        printf 'SELECT * FROM messages WHERE conversation_id = :conv ORDER BY message_id DESC LIMIT 51;\n' >"$T/chat-sql-first.sql"
        printf 'SELECT * FROM messages WHERE conversation_id = :conv AND message_id < :after ORDER BY message_id DESC LIMIT 51;\n' >"$T/chat-sql-deep.sql"
        if _chat_pgbench -n -M prepared -c 1 -T 3 -D conv="$conv" -f "$T/chat-sql-first.sql" >"$T/chat-sql-first.txt" 2>&1 &&
            _chat_pgbench -n -M prepared -c 1 -T 3 -D conv="$conv" -D after="$deep_id" -f "$T/chat-sql-deep.sql" >"$T/chat-sql-deep.txt" 2>&1; then
            sql_first=$(awk '/^latency average = / { print $4 }' "$T/chat-sql-first.txt")
            sql_deep=$(awk '/^latency average = / { print $4 }' "$T/chat-sql-deep.txt")
        else
            echo "bench: chat: pgbench of the keyset SELECT failed:"; tail -n 5 "$T/chat-sql-first.txt" "$T/chat-sql-deep.txt"
        fi
    fi

    # ------------------------------------------------------------ 3. sends against INSERTs
    if ((CHAT_HAVE_MSG)); then
        send_state=measured
        sconv=$(_chat_direct "$ta" "$uc") || send_state=failing
        if [[ $send_state == measured ]]; then
            code=$(curl -s -o "$T/chat-send.json" -w '%{http_code}' -H "$CHAT_AUTHZ" -H 'Content-Type: application/json' \
                --data "{\"conversation_id\":\"$sconv\",\"content\":\"bench send\",\"is_encrypted\":false,\"message_type\":\"text\"}" \
                "$BASE/v1/messages")
            [[ $code == 201 ]] || { echo "bench: chat: POST /v1/messages answered $code: $(head -c 300 "$T/chat-send.json")"; send_state=failing; }
        fi
        # The peer: one INSERT of the same row shape (the columns, defaults, generated search
        # column, CHECKs and indexes of messages, no foreign keys), a UUIDv7 made in SQL.
        if [[ $send_state == measured ]] && ! _chat_psql -c "DROP TABLE IF EXISTS bench_insert" \
                -c "CREATE TABLE bench_insert (LIKE messages INCLUDING ALL)" \
                -c "ALTER TABLE bench_insert OWNER TO \"$SC_STACK_DB\"" >"$T/chat-insert.err" 2>&1; then
            echo "bench: chat: bench_insert: $(cat "$T/chat-insert.err")"; send_state=failing
        fi
        cat >"$T/chat-insert.sql" <<'SQL'
INSERT INTO bench_insert (message_id, conversation_id, sender_id, content, is_encrypted, message_type, sent_at)
VALUES (encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING
          substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
          FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid,
        :conv, :sender, 'bench send', false, 'text', now());
SQL
        if [[ $send_state == measured ]]; then
            echo "bench: chat: POST /v1/messages (wrk -t2 -c$conc -d$DURATION, bench/send.lua) against pgbench INSERT (-c $conc -j 2, about $DURATION), $PEER_ROUNDS rounds"
            export SC_BENCH_CONV=$sconv
            run /v1/messages -c"$conc" -d2s -s "$ROOT/bench/send.lua" -H "$CHAT_AUTHZ" >/dev/null || die "wrk failed"
            # pgbench -T counts the time its clients spend connecting (SCRAM over TCP, one after
            # the other per thread: seconds on a loaded machine), so a round is a number of
            # transactions per client (-t), sized from this warm-up to last about DURATION; the
            # tps printed excludes the connection time.
            ins_t=20
            if _chat_insert_round "$conc" "$ins_t" "$sconv" "$ua"; then
                v=$(_chat_tps)
                ins_t=$(awk -v tps="${v:-0}" -v s="$(_chat_secs "$DURATION")" -v c="$conc" \
                    'BEGIN { t = int(tps * s / c); print (t < 20 ? 20 : t) }')
            else
                echo "bench: chat: pgbench INSERT failed:"; tail -n 5 "$T/chat-pgbench.txt"; send_state=failing
            fi
        fi
        if [[ $send_state == measured ]]; then
            sends_before=$(_chat_psql -c "SELECT count(*) FROM messages WHERE conversation_id = '$sconv'")
            for ((r = 1; r <= PEER_ROUNDS; r++)); do
                if ((r % 2)); then k="send insert"; else k="insert send"; fi
                sr="" ir=""
                for i in $k; do
                    if [[ $i == send ]]; then
                        v=$(run /v1/messages -c"$conc" -s "$ROOT/bench/send.lua" -H "$CHAT_AUTHZ") || die "wrk failed"
                        send_non2xx=$((send_non2xx + $(non2xx)))
                        sr=$v send_all+=("$v"); ((v > best_send)) && best_send=$v
                        printf 'bench: round %d  POST /v1/messages   %6d sends/s\n' "$r" "$v"
                    else
                        _chat_insert_round "$conc" "$ins_t" "$sconv" "$ua" ||
                            { tail -n 5 "$T/chat-pgbench.txt"; continue; }
                        v=$(_chat_tps)
                        [[ -n $v ]] || v=0
                        ir=$v ins_all+=("$v"); ((v > best_ins)) && best_ins=$v
                        printf 'bench: round %d  pgbench INSERT     %6d inserts/s\n' "$r" "$v"
                    fi
                done
                [[ -n $sr && -n $ir && $ir -gt 0 ]] && send_ratios+=("$(pct "$sr" "$ir")")
            done
            unset SC_BENCH_CONV
            send_rows=$(( $(_chat_psql -c "SELECT count(*) FROM messages WHERE conversation_id = '$sconv'") - sends_before ))
            if ((${#send_ratios[@]})); then
                send_ratio=$(printf '%s\n' "${send_ratios[@]}" | median)
                send_verdict=$(awk -v r="$send_ratio" 'BEGIN { print (r >= 50 ? "meets" : "below") }')
            fi
            _chat_psql -c "DROP TABLE IF EXISTS bench_insert" >/dev/null
        fi
    fi

    # the newest page again: the send conversation's newer messages now sit in the same indexes
    if [[ $lat_state == measured && $send_state == measured ]]; then
        : >"$T/chat-after.txt"
        _chat_times "$CHAT_FIRST" 500 "$T/chat-after.txt"
        read -r a_n a_bad a_med a_p99 < <(_chat_stats "$T/chat-after.txt")
    fi

    {
        echo "# chat: one direct conversation of $n messages (bench/msggen.c | COPY), GET /v1/messages limit=50, $reqs sequential requests per page over one connection"
        echo "chat_messages=$n"
        echo "chat_copy_seconds=$copy_s"
        echo "chat_vacuum_analyze_seconds=$vac_s"
        echo "chat_pages=$lat_state"
        echo "chat_deep_depth=$depth"
        echo "chat_first_page_median_ms=$f_med"
        echo "chat_first_page_p99_ms=$f_p99"
        echo "chat_first_page_non200=$f_bad"
        echo "chat_deep_page_median_ms=$d_med"
        echo "chat_deep_page_p99_ms=$d_p99"
        echo "chat_deep_page_non200=$d_bad"
        echo "chat_deep_vs_first_ratio=$lat_ratio"
        echo "chat_deep_vs_first_p99_ratio=$lat_p99_ratio"
        echo "chat_deep_vs_first_target=1.5"
        echo "chat_deep_vs_first_verdict=$lat_verdict"
        echo "chat_sql_first_page_ms=$sql_first"
        echo "chat_sql_deep_page_ms=$sql_deep"
        echo "# sends: wrk -t2 -c$conc -d$DURATION bench/send.lua vs pgbench -c $conc -j 2 -M prepared -t $ins_t single-row INSERT, $PEER_ROUNDS rounds; ratio = median of per-round sends/inserts"
        echo "send_state=$send_state"
        echo "send_rps=$best_send"
        echo "send_round_rps=${send_all[*]}"
        echo "send_non2xx=$send_non2xx"
        echo "send_rows_inserted=$send_rows"
        echo "pg_insert_tps=$best_ins"
        echo "pg_insert_round_tps=${ins_all[*]}"
        echo "send_vs_insert_round_percent=${send_ratios[*]}"
        echo "send_vs_insert_percent=$send_ratio"
        echo "send_vs_insert_target_percent=50"
        echo "send_vs_insert_verdict=$send_verdict"
        echo "chat_first_page_after_sends_median_ms=$a_med"
        echo "chat_first_page_after_sends_p99_ms=$a_p99"
        echo "chat_first_page_after_sends_non200=$a_bad"
    } >>"$RESULTS"

    printf '\n  messages: one direct conversation, %s rows\n' "$n"
    printf '    load (msggen | COPY)       %8s s    (+ VACUUM ANALYZE %s s)\n' "$copy_s" "$vac_s"
    if [[ $lat_state == measured ]]; then
        printf '    GET newest page (50)       %8s ms median  %8s ms p99   (%d requests)\n' "$f_med" "$f_p99" "$f_n"
        printf '    GET page %7d deep       %8s ms median  %8s ms p99   (%d requests)\n' "$depth" "$d_med" "$d_p99" "$d_n"
        printf '    deep / newest (median)     %8s x    (target <= 1.5: %s); p99 %sx\n' "$lat_ratio" "$lat_verdict" "$lat_p99_ratio"
        printf '    the SELECT alone (pgbench) %8s ms newest, %s ms deep\n' "$sql_first" "$sql_deep"
    elif [[ $lat_state == absent ]]; then
        echo "    GET /v1/messages           ABSENT: build/cgi-bin/messages-messages.fcgi is not built; not measured"
    else
        echo "    GET /v1/messages           FAILING: see above; not measured"
    fi
    if [[ $send_state == measured ]]; then
        printf '    POST /v1/messages          %8s sends/s    (best of %s; %s non-2xx; %s rows)\n' "$best_send" "${send_all[*]}" "$send_non2xx" "$send_rows"
        printf '    pgbench single-row INSERT  %8s inserts/s  (best of %s)\n' "$best_ins" "${ins_all[*]}"
        printf '    sends / inserts (median)   %8s %%    (target >= 50%%: %s); rounds %s\n' "$send_ratio" "$send_verdict" "${send_ratios[*]}"
        [[ $a_med != n/a ]] &&
            printf '    newest page after sends    %8s ms median  %8s ms p99   (%d requests, %d not 200)\n' "$a_med" "$a_p99" "$a_n" "$a_bad"
    elif [[ $send_state == absent ]]; then
        echo "    POST /v1/messages          ABSENT: not measured"
    else
        echo "    POST /v1/messages          FAILING: see above; not measured"
    fi
    return 0
}
