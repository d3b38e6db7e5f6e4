#!/usr/bin/env bash
# Public submission endpoint (issue 6): POST /api/public/requests on the embedded SQLite file, driven by
# wrk on loopback, bounded in time. Goal: >= 500 req/s with p99 <= 50 ms.
# Usage: bench/portal.sh   (env: PORT, DURATION=15s, CONNECTIONS="4 16", BIN). Needs wrk (apt-get install wrk).
# The per-address limit is switched off for the run (PINGAN_PORTAL_IP_LIMIT=0): wrk is one address.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out; mkdir -p "$OUT"
DB="$OUT/portal.sqlite"; PORT=${PORT:-18611}; DURATION=${DURATION:-15s}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
# BIN=.build/debug/pingan bench/portal.sh measures an existing binary instead of building the release one.
if [ -z "${BIN:-}" ]; then swift build -c release --product pingan >/dev/null; BIN=.build/release/pingan; fi
rm -f "$DB" "$DB-wal" "$DB-shm"
export PINGAN_DB="$DB" PORT PINGAN_PORTAL_IP_LIMIT=0
"$BIN" migrate > /dev/null
LOG_LEVEL=warning "$BIN" serve --hostname 127.0.0.1 --port "$PORT" > "$OUT/portal-serve.log" 2>&1 &
PID=$!; trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
kill -0 $PID 2>/dev/null || { echo "server did not start (port $PORT taken?)"; cat "$OUT/portal-serve.log"; exit 1; }
IDS=$(sqlite3 "$DB" "select group_concat(id) from divisions where level='community'")
export COMMUNITY_IDS="$IDS"
for conns in ${CONNECTIONS:-4 16}; do
  echo "== wrk POST /api/public/requests (2 threads, $conns connections, $DURATION)"
  wrk -t2 -c"$conns" -d"$DURATION" --latency -s bench/portal-submit.lua "http://127.0.0.1:$PORT" | tee "$OUT/wrk-portal-c$conns.txt"
done
echo "stored: $(sqlite3 "$DB" 'select count(*) from portal_requests') requests, $(sqlite3 "$DB" "select count(*) from audit_events where action='portal.submit'") audit rows"
echo "server RSS after the runs: $(ps -o rss= -p $PID | awk '{printf "%.0f MB", $1/1024}')"
