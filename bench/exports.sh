#!/usr/bin/env bash
# The slow pages of issue 21 §4 on the demo, release build: the patrol plan and log exports, the work-log export and
# the year-end summary, each ≤ 300 ms. Creates a fresh demo database (the run command's defaults), signs in with an
# API token, warms each path once, then times RUNS requests of each and prints median, max and the ratio to 300 ms.
#   bench/exports.sh [RUNS]     default 7. BIN=… the binary (default .build/release/pingan);
#   BIN_BEFORE=… also times another build, alternating, for a side-by-side comparison — on its own demo database
#   (DB_BEFORE, seeded by that build: a newer build's migrations, e.g. its indexes, must not help the older one).
# Results: bench/EXPORTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-7}
BIN=${BIN:-.build/release/pingan}
DB=${DB:-/tmp/pingan-bench-exports.sqlite}
PORT=${PORT:-8198}
LIMIT_MS=300
[ -x "$BIN" ] || swift build -c release --product pingan
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(swift --version 2>/dev/null | head -1)"
if [ ! -f "$DB" ]; then PINGAN_DB="$DB" "$BIN" demo --db "$DB" --no-serve >/dev/null 2>&1; fi
DB_BEFORE=${DB_BEFORE:-/tmp/pingan-bench-exports-before.sqlite}
if [ -n "${BIN_BEFORE:-}" ] && [ ! -f "$DB_BEFORE" ]; then PINGAN_DB="$DB_BEFORE" "$BIN_BEFORE" demo --db "$DB_BEFORE" --no-serve >/dev/null 2>&1; fi
echo "demo: $(sqlite3 "$DB" "SELECT COUNT(*) FROM incidents") incidents, $(sqlite3 "$DB" "SELECT COUNT(*) FROM patrol_plans") patrol plans, $(sqlite3 "$DB" "SELECT COUNT(*) FROM patrol_logs") patrol logs, $(sqlite3 "$DB" "SELECT COUNT(*) FROM work_logs") work-log lines"
year=$(date +%Y)
run() {  # label binary database
  local token
  token=$(PINGAN_DB="$3" "$2" token create --username admin --name bench 2>/dev/null | grep -oE '[A-Za-z0-9_-]{30,}' | head -1)
  PINGAN_DB="$3" "$2" serve --port "$PORT" >/tmp/pingan-bench-exports-serve.log 2>&1 &
  local srv=$!
  for _ in $(seq 1 60); do curl -s "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.5; done
  printf "%-10s %-38s %6s %8s %9s %7s %s\n" build path status bytes median_ms max_ms "ratio to ${LIMIT_MS} ms"
  for path in /forces/patrols/export.csv /forces/patrols/logs/export.csv /forces/worklog/export.csv "/assessment/year?year=$year" "/api/v1/assessment/year?year=$year"; do
    curl -s -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT$path"
    local times=() code bytes
    for _ in $(seq 1 "$RUNS"); do
      out=$(curl -s -o /dev/null -H "Authorization: Bearer $token" -w "%{http_code} %{size_download} %{time_total}" "http://127.0.0.1:$PORT$path")
      code=${out%% *}; rest=${out#* }; bytes=${rest%% *}
      times+=("$(awk -v t="${rest#* }" 'BEGIN { printf "%.1f", t * 1000 }')")
    done
    sorted=$(printf "%s\n" "${times[@]}" | sort -n)
    median=$(echo "$sorted" | awk -v n="$RUNS" 'NR == int((n + 1) / 2)')
    printf "%-10s %-38s %6s %8s %9s %7s %s\n" "$1" "$path" "$code" "$bytes" "$median" "$(echo "$sorted" | tail -n 1)" \
      "$(awk -v m="$median" -v l=$LIMIT_MS 'BEGIN { printf "%.2f", m / l }')"
  done
  kill $srv; wait $srv 2>/dev/null || true
}
for round in 1 2; do
  run this "$BIN" "$DB"
  [ -n "${BIN_BEFORE:-}" ] && run before "$BIN_BEFORE" "$DB_BEFORE"
  [ -n "${BIN_BEFORE:-}" ] || break
done
