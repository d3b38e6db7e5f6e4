#!/usr/bin/env bash
# The map's incident layer at district scale (issue 18 §2): a month of incidents for the whole district at low zoom
# (clustered in SQL) and for one community at street zoom, p99 with wrk on loopback, release build, embedded SQLite.
# Goals: whole district p99 ≤ 150 ms, one community ≤ 50 ms.
# Usage: bench/map-layers.sh [incidents]   (default: the district demo, 1,000,000 incidents, in bench/out/district.sqlite,
#        shared with bench/grid-events.sh; REUSE_DB=1 reuses the database)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-district}
OUT=bench/out; mkdir -p "$OUT"
if [ "$N" = district ]; then DB="$OUT/district.sqlite"; SEED=(--scale district); else DB="$OUT/map-$N.sqlite"; SEED=(--incidents "$N"); fi
PORT=${PORT:-8098}; DURATION=${DURATION:-20s}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product pingan >/dev/null
BIN=.build/release/pingan
if [ -n "${REUSE_DB:-}" ] && [ -f "$DB" ]; then echo "== reusing $DB"; else
  rm -f "$DB" "$DB-wal" "$DB-shm"
  echo "== seeding ($N) into $DB"
  /usr/bin/time -f "seed: %e s, max RSS %M KB" "$BIN" demo --db "$DB" "${SEED[@]}" --no-serve --port "$PORT" > "$OUT/map-seed.log"
fi
export PINGAN_DB="$DB" PORT
TOKEN=$(LOG_LEVEL=error "$BIN" token create --username admin --name bench)
LOG_LEVEL=warning "$BIN" serve --hostname 127.0.0.1 --port "$PORT" > "$OUT/map-serve.log" 2>&1 &
PID=$!; trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
# Views: the district's box at zoom 10; each community's box at zoom 15.
VIEWS=$(curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/map/layers/divisions?level=community&zoom=10" | python3 -c '
import json, sys
fc = json.load(sys.stdin)
boxes = []
for f in fc["features"]:
    pts = [p for poly in f["geometry"]["coordinates"] for ring in poly for p in ring]
    boxes.append((min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts)))
d = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
print("10|%.5f,%.5f,%.5f,%.5f" % d)
print(";".join("15|%.5f,%.5f,%.5f,%.5f" % b for b in boxes))')
DISTRICT=$(echo "$VIEWS" | sed -n 1p); COMMUNITIES=$(echo "$VIEWS" | sed -n 2p)
MONTHS=$(python3 -c '
import datetime
t = datetime.date.today().replace(day=1); out = []
for i in range(1, 12):
    y, m = t.year, t.month - i
    while m <= 0: y, m = y - 1, m + 12
    out.append(f"{y:04d}-{m:02d}")
print(",".join(out))')
export PINGAN_TOKEN="$TOKEN" BENCH_MONTHS="$MONTHS"
echo "one district view, a month: $(curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/map/layers/incidents?zoom=10&bbox=${DISTRICT#10|}&month=${MONTHS%%,*}" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"], "incidents in", len(d["features"]), "clusters/points")')"
for conns in ${CONNECTIONS:-4}; do
  echo "== whole district, zoom 10 (wrk 2 threads, $conns connections, $DURATION)"
  BENCH_VIEWS="$DISTRICT" wrk -t2 -c"$conns" -d"$DURATION" --latency -s bench/map-layers.lua "http://127.0.0.1:$PORT" | tee "$OUT/map-district-c$conns.txt"
  echo "== one community, zoom 15 (wrk 2 threads, $conns connections, $DURATION)"
  BENCH_VIEWS="$COMMUNITIES" wrk -t2 -c"$conns" -d"$DURATION" --latency -s bench/map-layers.lua "http://127.0.0.1:$PORT" | tee "$OUT/map-community-c$conns.txt"
done
echo "server RSS after the runs: $(ps -o rss= -p $PID | awk '{printf "%.0f MB", $1/1024}')"
