# shellcheck shell=bash
# bench/lib/files.sh: the file storage benches of `make bench` (issue 7, docs/benchmarks.md
# "Files"), sourced by bench/run.sh (`BENCH_ONLY=files bench/run.sh` runs only these).
#   bench_files DIR CONF BUILD RESULTS
#       DIR: a scratch folder; CONF: the stack's config (its PostgreSQL, migrated, and Redis must
#       be up); BUILD: the build folder. Starts its own lighttpd on a free port with the storage
#       routes (and register/login), appends files_* key=value lines to RESULTS, prints a table.
#       Never fails on figures.
#   bench_files_down DIR   stop what bench_files left running (for the caller's EXIT trap)
#
# 1. Download: a 10 MiB file of random bytes, uploaded through the API, fetched with wrk over its
#    signed URL (GET /v1/storage/download/:id?expires=&sig=: the download program checks the
#    signature and the row, answers X-Sendfile, lighttpd streams the file) against the same file
#    served statically by the same lighttpd from the same folder (mod_alias /static/ ->
#    STORAGE_DIR/). SC_BENCH_FILES_ROUNDS (3) rounds of SC_BENCH_FILES_DURATION (5s) per side,
#    alternating which goes first, wrk -t2 -c4; MB/s = requests/s x 10 MiB / 10^6; the figure is
#    the median of the per-round ratios (target >= 90%).
# 2. Upload: SC_BENCH_FILES_UPLOADS (3) PUTs of a 50 MiB file (curl, one at a time: lighttpd
#    buffers the body, then the program streams it to STORAGE_DIR/tmp in 64 KiB chunks, hashes,
#    fsyncs and renames it), declared application/octet-stream and then text/plain (sniffed by
#    libmagic in a forked child); MB/s of the whole PUT, best and median. The upload program's peak
#    RSS (VmHWM of every storage-upload.fcgi process, the largest) after one 1 MiB upload and
#    again after the 50 MiB ones: flat, target under 8 MiB.

_files_log() { printf 'bench: files: %s\n' "$*"; }

bench_files_down() { sc_lighttpd_down "$1/lighttpd"; }

# _files_path URL: the path and query of an absolute URL (signed URLs carry APP_URL's host)
_files_path() { echo "/${1#*://*/}"; }

# _files_sub TOKEN: the user id (sub) of an access token
_files_sub() {
    local p
    p=$(cut -d. -f2 <<<"$1" | tr '_-' '/+')
    while ((${#p} % 4)); do p+='='; done
    base64 -d <<<"$p" 2>/dev/null | jq -r .sub
}

# _files_hwm BIN: the largest VmHWM (kB) among the running processes of that binary
_files_hwm() {
    local p v m=0
    for p in $(pgrep -f "^$1\$"); do
        v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || continue
        ((${v:-0} > m)) && m=$v
    done
    echo "$m"
}

# _files_mem BIN: "VmHWM RssAnon RssFile Pss" (kB) of the process of that binary with the largest VmHWM
_files_mem() {
    local p v best="" m=-1
    for p in $(pgrep -f "^$1\$"); do
        v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || continue
        ((${v:-0} > m)) || continue
        m=$v
        best="$v $(awk '/^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 } END { print a + 0, f + 0 }' "/proc/$p/status") $(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null)"
    done
    echo "${best:-0 0 0 0}"
}

_files_median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# _files_announce TOKEN NAME SIZE TYPE -> prints "file_id upload_url"
_files_announce() {
    local body
    body=$(jq -nc --arg n "$2" --argjson s "$3" --arg t "$4" '{file_name:$n, file_size:$s, content_type:$t}')
    curl -sf -H "Authorization: Bearer $1" -H 'Content-Type: application/json' --data "$body" \
        "$FILES_BASE/v1/storage/upload-url" | jq -re '.data | "\(.file_id) \(.upload_url)"'
}

# _files_put URL FILE -> prints the seconds the PUT took (curl's total time); false unless 200
_files_put() {
    local out code secs
    out=$(curl -s -o "$FILES_DIR/put.body" -w '%{http_code} %{time_total}' -T "$2" "$1") || return 1
    read -r code secs <<<"$out"
    [[ $code == 200 ]] || { _files_log "PUT answered $code: $(head -c 300 "$FILES_DIR/put.body")"; return 1; }
    echo "$secs"
}

# _files_wrk URL-PATH -> prints requests/s; the run's output in FILES_DIR/wrk.txt
_files_wrk() {
    wrk -t2 -c4 -d"$FILES_DURATION" "$FILES_BASE$1" >"$FILES_DIR/wrk.txt" 2>&1 || return 1
    if grep -qE 'Non-2xx|Socket errors' "$FILES_DIR/wrk.txt"; then
        grep -E 'Non-2xx|Socket errors' "$FILES_DIR/wrk.txt" | sed "s|^|bench: files: $1: |" >&2
    fi
    awk '/^Requests\/sec:/ { print $2 }' "$FILES_DIR/wrk.txt"
}

bench_files() {
    local dir=$1 conf=$2 build=$3 results=$4 port store p token line id url dl static r
    local signed_rps static_rps ratios=() best_signed=0 best_static=0 ups=() secs hwm0 hwm1 hwm50 hwm50t
    local um dm
    FILES_DIR=$dir
    FILES_DURATION=${SC_BENCH_FILES_DURATION:-5s}
    local rounds=${SC_BENCH_FILES_ROUNDS:-3} uploads=${SC_BENCH_FILES_UPLOADS:-3}
    local mib=$((1024 * 1024))
    rm -rf "$dir"
    mkdir -p "$dir/app" "$dir/web" && chmod 0755 "$dir" "$dir/app" "$dir/web" || return 1
    command -v wrk >/dev/null || { _files_log "wrk is missing; skipped"; return 0; }
    store=$(sc_conf_get "$conf" STORAGE_DIR "")
    [[ -n $store && -d $store ]] || { _files_log "no STORAGE_DIR in $conf; skipped"; return 0; }

    # the programs and their routes, as cgi-bin/routes has them
    {
        echo "# METHODS PATH-PATTERN PROGRAM AUTH SUMMARY (bench/lib/files.sh)"
        for p in auth/register auth/login storage/upload_url storage/upload storage/download_url \
                storage/download; do
            [[ -x $build/cgi-bin/${p//\//-}.fcgi ]] || { _files_log "$p is not built; skipped"; return 0; }
            install -m 0755 "$build/cgi-bin/${p//\//-}.fcgi" "$dir/app/"
            awk -v p="$p" '$1 !~ /^#/ && $3 == p { print }' "$SC_ROOT/cgi-bin/routes"
        done
        install -m 0755 "$build/cgi-bin/ops-notfound.fcgi" "$dir/app/"
        echo "*  /*  ops/notfound  public  Catch-all"
    } >"$dir/routes"
    port=$(sc_free_port) || return 1
    "$SC_ROOT/scripts/gen-routes.sh" --bin-dir "$dir/app" --config "$conf" --run-dir "$dir/lighttpd/run" \
        --max-procs 2 --storage-dir "$store" --upload-max "$(sc_conf_get "$conf" STORAGE_MAX_FILE_BYTES 52428800)" \
        --out "$dir/web" "$dir/routes" || return 1
    # the generated routes, then the static peer: this later condition replaces the catch-all's
    # fastcgi.server with none, and mod_alias maps /static/ onto STORAGE_DIR
    sed -e "s|@ROUTES_CONF@|$dir/web/lighttpd-routes.conf|g" "$SC_ROOT/httpd-conf/lighttpd.conf" >"$dir/web/sc-lighttpd.conf"
    cat >>"$dir/web/sc-lighttpd.conf" <<CONF

# bench only (bench/lib/files.sh): the same files, served statically
server.modules += ( "mod_alias" )
\$HTTP["url"] =~ "^/static/" {
    fastcgi.server = ()
    alias.url = ( "/static/" => "$store/" )
}
CONF
    SC_WEB_SNIPPET=$dir/web/sc-lighttpd.conf sc_lighttpd_up "$dir/lighttpd" "$port" "$dir/app" "$conf" 2 \
        "$dir/routes" || { _files_log "lighttpd did not start"; return 0; }
    FILES_BASE=http://127.0.0.1:$port
    # the upload program as lighttpd started it (config loaded, nothing served yet)
    hwm0=$(_files_hwm "$dir/app/storage-upload.fcgi")
    token=$(bench_user_up "$FILES_BASE" "files-bench@example.com" "$(openssl rand -hex 16)" 2>"$dir/user.err") ||
        { cat "$dir/user.err" >&2; _files_log "could not register the bench user"; return 0; }

    # ---- 1. download
    head -c $((10 * mib)) /dev/urandom >"$dir/ten.bin"
    line=$(_files_announce "$token" ten.bin $((10 * mib)) application/octet-stream) || { _files_log "upload-url failed"; return 0; }
    read -r id url <<<"$line"
    # signed URLs are absolute (APP_URL, the stack's port): their path and query go to this lighttpd
    _files_put "$FILES_BASE$(_files_path "$url")" "$dir/ten.bin" >/dev/null || { _files_log "the 10 MiB upload failed ($url)"; cat "$dir/lighttpd/logs/error.log" "$dir/lighttpd/logs/programs.log" | tail -5; return 0; }
    dl=$(curl -sf -H "Authorization: Bearer $token" "$FILES_BASE/v1/storage/download-url/$id" | jq -re .data.download_url) ||
        { _files_log "download-url failed"; return 0; }
    dl=$(_files_path "$dl")
    static=/static/$(_files_sub "$token")/$id
    for p in "$dl" "$static"; do
        curl -s -o "$dir/check.bin" "$FILES_BASE$p" && cmp -s "$dir/check.bin" "$dir/ten.bin" ||
            { _files_log "GET $p did not give the file back"; return 0; }
    done
    _files_log "download of 10 MiB: signed URL (X-Sendfile) vs static, wrk -t2 -c4 -d$FILES_DURATION, $rounds rounds"
    _files_wrk "$dl" >/dev/null; _files_wrk "$static" >/dev/null   # warm-up
    for ((r = 1; r <= rounds; r++)); do
        if ((r % 2)); then
            signed_rps=$(_files_wrk "$dl"); static_rps=$(_files_wrk "$static")
        else
            static_rps=$(_files_wrk "$static"); signed_rps=$(_files_wrk "$dl")
        fi
        [[ -n $signed_rps && -n $static_rps ]] || { _files_log "wrk failed"; return 0; }
        printf 'bench: files: round %d  signed %8.1f MB/s  static %8.1f MB/s\n' "$r" \
            "$(awk -v q="$signed_rps" 'BEGIN { print q * 10485760 / 1e6 }')" \
            "$(awk -v q="$static_rps" 'BEGIN { print q * 10485760 / 1e6 }')"
        ratios+=("$(awk -v a="$signed_rps" -v b="$static_rps" 'BEGIN { printf "%.1f", 100 * a / b }')")
        best_signed=$(awk -v a="$best_signed" -v b="$signed_rps" 'BEGIN { print (b > a) ? b : a }')
        best_static=$(awk -v a="$best_static" -v b="$static_rps" 'BEGIN { print (b > a) ? b : a }')
    done

    # ---- 2. upload and the upload program's memory
    head -c $((1 * mib)) /dev/urandom >"$dir/one.bin"
    head -c $((50 * mib)) /dev/urandom >"$dir/fifty.bin"
    base64 -w 76 "$dir/fifty.bin" | head -c $((50 * mib)) >"$dir/fifty.txt"
    line=$(_files_announce "$token" one.bin "$mib" application/octet-stream) && read -r id url <<<"$line" &&
        _files_put "$FILES_BASE$(_files_path "$url")" "$dir/one.bin" >/dev/null || { _files_log "the 1 MiB upload failed"; return 0; }
    hwm1=$(_files_hwm "$dir/app/storage-upload.fcgi")
    _files_log "upload of 50 MiB (curl -T, one at a time), $uploads as application/octet-stream, $uploads as text/plain"
    for ((r = 1; r <= uploads; r++)); do
        line=$(_files_announce "$token" "fifty-$r.bin" $((50 * mib)) application/octet-stream) && read -r id url <<<"$line" &&
            secs=$(_files_put "$FILES_BASE$(_files_path "$url")" "$dir/fifty.bin") || { _files_log "a 50 MiB upload failed"; return 0; }
        ups+=("$(awk -v s="$secs" 'BEGIN { printf "%.1f", 52428800 / s / 1e6 }')")
        printf 'bench: files: upload %d  %6.1f MB/s (%.2f s)\n' "$r" "${ups[-1]}" "$secs"
    done
    hwm50=$(_files_hwm "$dir/app/storage-upload.fcgi")
    local upt=()
    for ((r = 1; r <= uploads; r++)); do
        line=$(_files_announce "$token" "fifty-$r.txt" $((50 * mib)) text/plain) && read -r id url <<<"$line" &&
            secs=$(_files_put "$FILES_BASE$(_files_path "$url")" "$dir/fifty.txt") || { _files_log "a 50 MiB text upload failed"; return 0; }
        upt+=("$(awk -v s="$secs" 'BEGIN { printf "%.1f", 52428800 / s / 1e6 }')")
        printf 'bench: files: upload %d (text/plain, sniffed)  %6.1f MB/s (%.2f s)\n' "$r" "${upt[-1]}" "$secs"
    done
    hwm50t=$(_files_hwm "$dir/app/storage-upload.fcgi")
    # where the memory is: anonymous (heap, stacks, buffers) against file-backed (the shared
    # libraries' pages), and the same of the download program, which never reads a body
    um=$(_files_mem "$dir/app/storage-upload.fcgi")
    dm=$(_files_mem "$dir/app/storage-download.fcgi")

    local ratio signed_mbs static_mbs verdict up_best up_med upt_med
    ratio=$(printf '%s\n' "${ratios[@]}" | _files_median)
    signed_mbs=$(awk -v q="$best_signed" 'BEGIN { printf "%.1f", q * 10485760 / 1e6 }')
    static_mbs=$(awk -v q="$best_static" 'BEGIN { printf "%.1f", q * 10485760 / 1e6 }')
    verdict=$(awk -v r="$ratio" 'BEGIN { print (r >= 90 ? "meets" : "below") }')
    up_best=$(printf '%s\n' "${ups[@]}" | sort -n | tail -n1)
    up_med=$(printf '%s\n' "${ups[@]}" | _files_median)
    upt_med=$(printf '%s\n' "${upt[@]}" | _files_median)
    {
        echo "files_download_signed_best_mbps=$signed_mbs"
        echo "files_download_static_best_mbps=$static_mbs"
        echo "files_download_round_ratios=${ratios[*]}"
        echo "files_download_ratio_percent=$ratio"
        echo "files_download_target_percent=90"
        echo "files_download_verdict=$verdict"
        echo "files_upload_50mib_mbps=${ups[*]}"
        echo "files_upload_50mib_text_mbps=${upt[*]}"
        echo "files_upload_vmhwm_kb_at_start=$hwm0"
        echo "files_upload_vmhwm_kb_after_1mib=$hwm1"
        echo "files_upload_vmhwm_kb_after_50mib=$hwm50"
        echo "files_upload_vmhwm_kb_after_50mib_text=$hwm50t"
        echo "files_upload_hwm_anon_file_pss_kb=$um"
        echo "files_download_hwm_anon_file_pss_kb=$dm"
    } >>"$results"
    echo
    printf '  download 10 MiB, signed URL (X-Sendfile)  %8s MB/s (best round)\n' "$signed_mbs"
    printf '  download 10 MiB, static                   %8s MB/s (best round)\n' "$static_mbs"
    printf '  signed/static per round                   %s\n' "${ratios[*]}"
    printf '  signed/static (median)                    %8s %%   (target >= 90%%: %s)\n' "$ratio" "$verdict"
    printf '  upload 50 MiB (octet-stream)              %8s MB/s median, %s best\n' "$up_med" "$up_best"
    printf '  upload 50 MiB (text/plain, sniffed)       %8s MB/s median\n' "$upt_med"
    printf '  upload program VmHWM                      %s kB at start, %s kB after 1 MiB, %s kB after the 50 MiB ones,\n' \
        "$hwm0" "$hwm1" "$hwm50"
    printf '                                            %s kB after the sniffed ones (target: flat, < 8192)\n' "$hwm50t"
    printf '  now (VmHWM RssAnon RssFile Pss, kB)       upload program %s; download program %s\n' "$um" "$dm"
    bench_files_down "$dir"
}
