#!/bin/sh
# gen-readme-config.sh README TABLE - replace the text between the config markers of README
# with the Markdown table in TABLE (docs/config.md, made by `sc-admin config-doc`).
set -eu
readme=$1 table=$2
tmp=$readme.tmp
awk -v table="$table" '
	/<!-- config:begin/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
	/<!-- config:end/   { skip = 0 }
	!skip { print }
' "$readme" >"$tmp"
if cmp -s "$tmp" "$readme"; then rm -f "$tmp"; else mv "$tmp" "$readme"; fi
