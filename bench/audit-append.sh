#!/usr/bin/env bash
# The audit hash chain under load (issue 22), through the real server, on the embedded SQLite file:
#   1. wrk POSTs residents' submissions to /api/public/requests — each one commits its request row and a chained
#      audit row (head locked, MAC computed, head stored) in the portal's group-commit transaction;
#   2. the server stopped, `pingan audit verify` walks the whole chain;
#   3. `pingan backup` copies the database (VACUUM INTO) with its manifest of checksums.
# The same submissions before the chain are measured by bench/portal.sh (bench/PORTAL.md): compare figures taken
# with the same kind of build on the same machine.
# Usage: bench/audit-append.sh   (env: BIN=.build/debug/pingan to skip the release build, DURATION=15s,
#        CONNECTIONS="4 16", PORT). Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out; mkdir -p "$OUT"
DB="$OUT/audit.sqlite"; PORT=${PORT:-18622}; DURATION=${DURATION:-15s}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
if [ -z "${BIN:-}" ]; then swift build -c release --product pingan >/dev/null; BIN=.build/release/pingan; fi
rm -rf "$DB" "$DB-wal" "$DB-shm" "$OUT/audit.key" "$OUT/audit-uploads" "$OUT/audit-backup"
export PINGAN_DB="$DB" PINGAN_KEY_FILE="$OUT/audit.key" PINGAN_UPLOADS="$OUT/audit-uploads" PORT PINGAN_PORTAL_IP_LIMIT=0
"$BIN" migrate > /dev/null
LOG_LEVEL=warning "$BIN" serve --hostname 127.0.0.1 --port "$PORT" > "$OUT/audit-serve.log" 2>&1 &
PID=$!; trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
kill -0 $PID 2>/dev/null || { echo "server did not start (port $PORT taken?)"; cat "$OUT/audit-serve.log"; exit 1; }
export COMMUNITY_IDS="$(sqlite3 "$DB" "select group_concat(id) from divisions where level='community'")"
[ -n "$COMMUNITY_IDS" ] || export COMMUNITY_IDS=3
for conns in ${CONNECTIONS:-4 16}; do
  echo "== wrk POST /api/public/requests, each with a chained audit row (2 threads, $conns connections, $DURATION)"
  wrk -t2 -c"$conns" -d"$DURATION" --latency -s bench/portal-submit.lua "http://127.0.0.1:$PORT" | tee "$OUT/wrk-audit-c$conns.txt"
done
echo "server RSS after the runs: $(ps -o rss= -p $PID | awk '{printf "%.0f MB", $1/1024}')"
kill $PID; wait $PID 2>/dev/null || true; trap - EXIT
echo "stored: $(sqlite3 "$DB" 'select count(*) from portal_requests') requests, $(sqlite3 "$DB" "select count(*) from audit_events where action='portal.submit'") portal.submit audit rows, $(sqlite3 "$DB" 'select count(*) from audit_events') audit rows in all"
echo "== pingan audit verify"
/usr/bin/time -f "verify: %e s, max RSS %M KB" "$BIN" audit verify 2>&1 | grep -v '^\[' | tail -n 2
echo "== pingan backup"
/usr/bin/time -f "backup: %e s, max RSS %M KB" "$BIN" backup --out "$OUT/audit-backup" 2>&1 | grep -v "^\[" | tail -n 4
echo "database $(du -h "$DB" | cut -f1), backup $(du -sh "$OUT/audit-backup" | cut -f1)"
