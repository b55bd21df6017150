#!/usr/bin/env bash
# `haven serve` under wrk while an article is saved every 100 ms (issue 8; the test that runs
# in the suite is `ten_thousand_requests_while_files_change` in tests/serve_load.rs).
#
# Usage: bench/serve_load.sh [BINARY] [SECONDS] [CONNECTIONS]
#   BINARY       default target/release/haven (build it with `cargo build --release`)
#   SECONDS      length of the measured wrk run, default 30
#   CONNECTIONS  wrk connections, default 16 (2 threads)
#
# Needs wrk (Debian: `apt-get install wrk`). Serves a temporary copy of the demo site on
# 127.0.0.1, warms up for 5 s, then runs wrk over a mix of pages, data files and assets
# while saving an article (a new file renamed over the old one, as editors do). Reports
# wrk's figures (requests, non-2xx responses, socket errors), the rebuilds, and the
# server's resident memory (VmRSS) after the warm-up and after the run. Exits non-zero on
# any failed request or any error the server logged.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$repo/target/release/haven}
secs=${2:-30}
conns=${3:-16}
command -v wrk > /dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
[ -x "$bin" ] || { echo "no binary at $bin (cargo build --release)" >&2; exit 2; }

work=$(mktemp -d)
server=""
editor=""
cleanup() {
    [ -n "$editor" ] && kill "$editor" 2> /dev/null || true
    [ -n "$server" ] && kill "$server" 2> /dev/null || true
    wait 2> /dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
cp -r "$repo/content" "$repo/themes" "$work/"

"$bin" serve --port 0 --root "$work" > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 300); do
    addr=$(grep -o 'Serving http://[^/]*' "$work/serve.log" 2> /dev/null | head -1 | sed 's|Serving http://||') || true
    [ -n "${addr:-}" ] && break
    sleep 0.1
done
[ -n "${addr:-}" ] || { echo "the server did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
base="http://$addr"
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$server/status"; }

# The mix: every 200 page kind, the locator's data, and the theme's hashed assets.
paths=(/ /articles/ /topics/ /search/ /treatment/ /articles/mutual-help-groups/ /feed.xml /sitemap.xml
    /robots.txt /treatment/data/index.json /favicon.svg /__haven/live.js)
for page in / /treatment/ /search/; do
    while read -r asset; do paths+=("$asset"); done < <(curl -s "$base$page" \
        | grep -oE '(href|src)="/[^"]+\.(css|js)"' | sed -E 's/^(href|src)="//; s/"$//' | grep -v '^/__haven/')
done
mapfile -t paths < <(printf '%s\n' "${paths[@]}" | sort -u)
{
    echo "local paths = {"
    printf '  "%s",\n' "${paths[@]}"
    echo "}"
    echo "local i = 0"
    echo 'request = function() i = i + 1; return wrk.format("GET", paths[(i % #paths) + 1]) end'
} > "$work/mix.lua"

article="$work/content/articles/mutual-help-groups.md"
save_loop() {
    local n=0
    while :; do
        cat "$article" > "$work/save.tmp"
        printf '\nSaved under wrk: %d.\n' "$n" >> "$work/save.tmp"
        mv "$work/save.tmp" "$article"
        n=$((n + 1))
        sleep 0.1
    done
}

echo "haven serve at $base ($(basename "$bin")), ${#paths[@]} paths, $conns connections"
wrk -t2 -c"$conns" -d5s -s "$work/mix.lua" "$base" > /dev/null
sleep 1
before=$(rss)
save_loop &
editor=$!
wrk -t2 -c"$conns" -d"${secs}s" -s "$work/mix.lua" --latency "$base" | tee "$work/wrk.txt"
kill "$editor"
wait "$editor" 2> /dev/null || true
editor=""
sleep 3
after=$(rss)
status=$(curl -s "$base/__haven/status")
echo "server status: $status"
echo "server RSS: $before kB after the warm-up, $after kB after the run"

fail=0
if grep -qE 'Non-2xx|Socket errors' "$work/wrk.txt"; then
    echo "FAILED: wrk saw failed requests" >&2
    fail=1
fi
if grep -qi error "$work/serve.log"; then
    echo "FAILED: the server logged an error:" >&2
    grep -i -B2 -A8 error "$work/serve.log" >&2
    fail=1
fi
exit $fail
