#!/usr/bin/env bash
# The map's incident layer at district scale (issue 18 §2): a month of incidents for the whole district at low zoom
# (clustered in SQL) and for one community at street zoom, p99 with wrk on loopback, release build, embedded SQLite.
# Goals: whole district p99 ≤ 150 ms, one community ≤ 50 ms.
# Usage: bench/map-layers.sh [incidents]   (default: the district demo, 1,000,000 incidents, in bench/out/district.sqlite,
#        shared with bench/grid-events.sh; REUSE_DB=1 reuses the database)
#        BIN_BEFORE=… also serves another build on the same database, before and after this one (before, now, before,
#        now), for a side-by-side comparison in one run. The newer build migrates the database first: its indexes exist
#        for both, and only the code that reads them differs.
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
PID=
serve() {  # serve BINARY: start it on the database and wait for /health
  LOG_LEVEL=warning "$1" serve --hostname 127.0.0.1 --port "$PORT" > "$OUT/map-serve.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
}
stop() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true; PID=; }
trap stop EXIT
serve "$BIN"
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
run() {  # run LABEL: both views against the build being served
  echo "one district view, a month ($1): $(curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/map/layers/incidents?zoom=10&bbox=${DISTRICT#10|}&month=${MONTHS%%,*}" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"], "incidents in", len(d["features"]), "clusters/points")')"
  for conns in ${CONNECTIONS:-4}; do
    echo "== $1: whole district, zoom 10 (wrk 2 threads, $conns connections, $DURATION)"
    BENCH_VIEWS="$DISTRICT" wrk -t2 -c"$conns" -d"$DURATION" --latency -s bench/map-layers.lua "http://127.0.0.1:$PORT" | tee "$OUT/map-district-$1-c$conns.txt"
    echo "== $1: one community, zoom 15 (wrk 2 threads, $conns connections, $DURATION)"
    BENCH_VIEWS="$COMMUNITIES" wrk -t2 -c"$conns" -d"$DURATION" --latency -s bench/map-layers.lua "http://127.0.0.1:$PORT" | tee "$OUT/map-community-$1-c$conns.txt"
  done
  echo "server RSS after the runs ($1): $(ps -o rss= -p $PID | awk '{printf "%.0f MB", $1/1024}')"
}
if [ -n "${BIN_BEFORE:-}" ]; then
  for round in 1 2; do
    stop; serve "$BIN_BEFORE"; run "before-$round"
    stop; serve "$BIN"; run "now-$round"
  done
else
  run now
fi
