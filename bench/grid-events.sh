#!/usr/bin/env bash
# Grid events at district scale (issue 19 §4): a year of ~1,000 events a day (`pingan demo --scale district`, ≈ 365k
# events and 1M incidents), release build, embedded SQLite, loopback.
# Goals: the centre's queue and a unit's list p99 ≤ 50 ms at 4 connections; the monthly evaluation for all units and
# all grids ≤ 1 s; the overdue scan ≤ 200 ms.
# Usage: bench/grid-events.sh   (REUSE_DB=1 reuses bench/out/district.sqlite, which bench/map-layers.sh can share)
#        BEFORE=bench/out/pingan-before ROUNDS=2 REUSE_DB=1 bench/grid-events.sh   side by side: the queues and the unit's
#        list under wrk, alternating an earlier build and this one on the same database (these machines drift: only
#        side-by-side ratios are firm), then stop.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out; mkdir -p "$OUT"
DB="$OUT/district.sqlite"; PORT=${PORT:-8097}; DURATION=${DURATION:-20s}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product pingan >/dev/null
BIN=.build/release/pingan
if [ -n "${REUSE_DB:-}" ] && [ -f "$DB" ]; then echo "== reusing $DB"; else
  rm -f "$DB" "$DB-wal" "$DB-shm"
  echo "== seeding the district demo into $DB"
  /usr/bin/time -f "seed: %e s, max RSS %M KB" "$BIN" demo --db "$DB" --scale district --no-serve --port "$PORT" > "$OUT/district-seed.log"
fi
export PINGAN_DB="$DB" PORT
CENTRE=$(LOG_LEVEL=error "$BIN" token create --username command --name bench)
UNIT=$(LOG_LEVEL=error "$BIN" token create --username unit --name bench)
base="http://127.0.0.1:$PORT"

if [ -n "${BEFORE:-}" ]; then
  cp "$BIN" "$OUT/pingan-now"
  for round in $(seq 1 "${ROUNDS:-2}"); do
    for which in before now; do
      bin=$BEFORE; [ "$which" = now ] && bin="$OUT/pingan-now"
      LOG_LEVEL=warning "$bin" serve --hostname 127.0.0.1 --port "$PORT" > "$OUT/events-serve.log" 2>&1 &
      PID=$!
      for _ in $(seq 1 50); do curl -sf "$base/health" >/dev/null && break; sleep 0.2; done
      for _ in 1 2 3; do curl -sf -o /dev/null -H "Authorization: Bearer $UNIT" "$base/api/v1/events?queue=with_unit"; done
      for m in "unit $UNIT with_unit" "dispatch $CENTRE dispatch" "register $CENTRE register"; do
        set -- $m
        f="$OUT/events-$1-$which-$round.txt"
        wrk -t2 -c4 -d"$DURATION" --latency -H "Authorization: Bearer $2" "$base/api/v1/events?queue=$3" > "$f"
        awk -v m="$1" -v w="$which" -v r="$round" '/ 50%/{p50=$2} / 99%/{p99=$2} /Requests\/sec/{rps=$2} END{printf "%-9s %-6s round %s: p50 %s, p99 %s, %s req/s\n", m, w, r, p50, p99, rps}' "$f"
      done
      kill $PID; wait $PID 2>/dev/null || true
    done
  done
  exit 0
fi

LOG_LEVEL=warning "$BIN" serve --hostname 127.0.0.1 --port "$PORT" > "$OUT/events-serve.log" 2>&1 &
PID=$!; trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf "$base/health" >/dev/null && break; sleep 0.2; done
count() { curl -sf -H "Authorization: Bearer $1" "$base$2" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["page"]["total"])'; }
echo "events in the database: $(sqlite3 "$DB" 'select count(*) from grid_events' 2>/dev/null || echo '?')"
echo "centre's dispatch queue: $(count "$CENTRE" '/api/v1/events?queue=dispatch') events; registration queue: $(count "$CENTRE" '/api/v1/events?queue=register')"
echo "the unit's list: $(count "$UNIT" '/api/v1/events?queue=with_unit') events with it"

for conns in ${CONNECTIONS:-4}; do
  echo "== the centre's dispatch queue, first page (wrk 2 threads, $conns connections, $DURATION)"
  wrk -t2 -c"$conns" -d"$DURATION" --latency -H "Authorization: Bearer $CENTRE" "$base/api/v1/events?queue=dispatch" | tee "$OUT/events-centre-c$conns.txt"
  echo "== the centre's registration queue"
  wrk -t2 -c"$conns" -d"$DURATION" --latency -H "Authorization: Bearer $CENTRE" "$base/api/v1/events?queue=register" | tee "$OUT/events-register-c$conns.txt"
  echo "== a unit's list (events with the unit)"
  wrk -t2 -c"$conns" -d"$DURATION" --latency -H "Authorization: Bearer $UNIT" "$base/api/v1/events?queue=with_unit" | tee "$OUT/events-unit-c$conns.txt"
done

# Single requests, timed end to end: median and max of 7 (the first one warms the page cache).
timed() {
  local token=$1 path=$2
  python3 - "$base$path" "$token" <<'PY'
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
MONTH=$(python3 -c 'import datetime; t = datetime.date.today().replace(day=1) - datetime.timedelta(days=1); print(t.strftime("%Y-%m"))')
echo "== monthly evaluation $MONTH, all units:  $(timed "$CENTRE" "/api/v1/events/evaluation?month=$MONTH&by=unit")"
echo "== monthly evaluation $MONTH, all grids:  $(timed "$CENTRE" "/api/v1/events/evaluation?month=$MONTH&by=grid")"
echo "== overdue scan (the overdue queue, counted): $(timed "$CENTRE" "/api/v1/events?queue=overdue&per=1")"
echo "== the dispatch desk page (queues, supervision due): $(timed "$CENTRE" "/events/desk")"
echo "server RSS after the runs: $(ps -o rss= -p $PID | awk '{printf "%.0f MB", $1/1024}')"
