#!/usr/bin/env bash
# Incident list at district scale: builds the 1M-incident demo, serves it from SQLite, and measures
# the list page and the API (50 rows, one community, one month) with wrk on loopback, bounded in time.
# Usage: bench/run.sh [incidents]   (default 1000000). Needs: wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
OUT=bench/out; mkdir -p "$OUT"
DB="$OUT/district.sqlite"; PORT=${PORT:-8099}; DURATION=${DURATION:-20s}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product pingan >/dev/null
BIN=.build/release/pingan
if [ -n "${REUSE_DB:-}" ] && [ -f "$DB" ]; then
  echo "== reusing $DB"
else
  echo "== seeding $N incidents into $DB"
  /usr/bin/time -f "seed: %e s, max RSS %M KB" "$BIN" demo --db "$DB" --incidents "$N" --no-serve --port "$PORT" > "$OUT/seed.log"
fi
export PINGAN_DB="$DB" PORT
TOKEN=$(LOG_LEVEL=error "$BIN" token create --username admin --name bench)
LOG_LEVEL=warning "$BIN" serve --hostname 127.0.0.1 --port "$PORT" > "$OUT/serve.log" 2>&1 &
PID=$!; trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
IDS=$(curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/divisions?level=community&limit=5000" \
  | python3 -c 'import json,sys; print(",".join(str(d["id"]) for d in json.load(sys.stdin)))')
MONTHS=$(python3 - <<'PY'
import datetime
t = datetime.date.today().replace(day=1)
ms = []
for i in range(1, 12):
    y, m = t.year, t.month - i
    while m <= 0: y, m = y - 1, m + 12
    ms.append(f"{y:04d}-{m:02d}")
print(",".join(ms))
PY
)
export PINGAN_TOKEN="$TOKEN" COMMUNITY_IDS="$IDS" BENCH_MONTHS="$MONTHS"
echo "incidents: $(curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/incidents?per=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["page"]["total"])')"
for conns in ${CONNECTIONS:-4 16}; do
  for target in /api/v1/incidents /incidents; do
    echo "== wrk $target (2 threads, $conns connections, $DURATION)"
    BENCH_PATH="$target" wrk -t2 -c"$conns" -d"$DURATION" --latency -s bench/incident-list.lua "http://127.0.0.1:$PORT" \
      | tee "$OUT/wrk$(echo "$target" | tr '/' '_')-c$conns.txt"
  done
done
echo "server RSS after the runs: $(ps -o rss= -p $PID | awk '{printf "%.0f MB", $1/1024}')"
