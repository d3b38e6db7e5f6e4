#!/usr/bin/env bash
# The governance office's six-systems page at district scale (issue 20 §7: ≤ 1 s for the whole district, release build).
# It reads a year of disputes, incidents (1M in the district demo), grid events (~365k), petitions, meetings, campaigns,
# the site registry's coverage and the integrated offices, all counted in the database.
# Usage: bench/governance.sh   (REUSE_DB=1 reuses bench/out/district.sqlite, shared with bench/map-layers.sh and
#        bench/grid-events.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out; mkdir -p "$OUT"
DB="$OUT/district.sqlite"; PORT=${PORT:-8096}
swift build -c release --product pingan >/dev/null
BIN=.build/release/pingan
if [ -n "${REUSE_DB:-}" ] && [ -f "$DB" ]; then echo "== reusing $DB"; else
  rm -f "$DB" "$DB-wal" "$DB-shm"
  echo "== seeding the district demo into $DB"
  /usr/bin/time -f "seed: %e s, max RSS %M KB" "$BIN" demo --db "$DB" --scale district --no-serve --port "$PORT" > "$OUT/district-seed.log"
fi
export PINGAN_DB="$DB" PORT
COMMAND=$(LOG_LEVEL=error "$BIN" token create --username command --name bench)
CHIEF=$(LOG_LEVEL=error "$BIN" token create --username chief --name bench)
LOG_LEVEL=warning "$BIN" serve --hostname 127.0.0.1 --port "$PORT" > "$OUT/governance-serve.log" 2>&1 &
PID=$!; trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
base="http://127.0.0.1:$PORT"
# Single requests, timed end to end: median and max of 7 (the first one warms the page cache and is left out).
timed() {
  python3 - "$base$2" "$1" <<'PY'
import statistics, sys, time, urllib.request
url, token = sys.argv[1], sys.argv[2]
ts = []
for i in range(8):
    r = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    t = time.perf_counter(); body = urllib.request.urlopen(r).read(); dt = (time.perf_counter() - t) * 1000
    if i: ts.append(dt)
print(f"median {statistics.median(ts):.0f} ms, max {max(ts):.0f} ms ({len(body)} bytes)")
PY
}
YEAR=$(date +%Y)
echo "== six systems, whole district, 1 January to today (API):  $(timed "$COMMAND" "/api/v1/governance/systems")"
echo "== six systems, whole district, the last 12 months (API):  $(timed "$COMMAND" "/api/v1/governance/systems?from=$((YEAR-1))-$(date +%m-%d)")"
echo "== six systems page (HTML), whole district:               $(timed "$COMMAND" "/governance/systems")"
echo "== six systems, one station (API):                        $(timed "$CHIEF" "/api/v1/governance/systems")"
echo "== petition statistics, whole district (API):             $(timed "$COMMAND" "/api/v1/petitions/stats")"
echo "server RSS after the runs: $(ps -o rss= -p $PID | awk '{printf "%.0f MB", $1/1024}')"
