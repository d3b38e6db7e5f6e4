#!/usr/bin/env bash
# Monthly preventable-case table (《社区可防性案件统计表》, issue 7) over the 1M-incident demo on SQLite:
# seeds the district demo (or reuses it), prints SQLite's query plan for the table's grouped range
# queries (they must use the covering indexes idx_incidents_analysis_time, idx_incidents_prev_*), then times the JSON API and the
# page for the whole district (admin) and one station (chief) with sequential curl requests.
# Usage: bench/monthly-table.sh [incidents] [runs]   (defaults 1000000, 30). REUSE_DB=1 keeps the database.
# BUILD=debug measures the debug build instead of release (slower: an upper bound).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}; RUNS=${2:-30}
OUT=bench/out; mkdir -p "$OUT"
DB="$OUT/monthly.sqlite"; PORT=${PORT:-8112}
SCRATCH=${SCRATCH:-.build}   # e.g. SCRATCH=.build-rel to keep the release build apart from the debug one
if [ "${BUILD:-release}" = debug ]; then BIN=$SCRATCH/debug/pingan; swift build --product pingan --scratch-path "$SCRATCH" >/dev/null
else BIN=$SCRATCH/release/pingan; swift build -c release --product pingan --scratch-path "$SCRATCH" >/dev/null; fi
if [ -n "${REUSE_DB:-}" ] && [ -f "$DB" ]; then
  echo "== reusing $DB"
else
  echo "== seeding $N incidents into $DB"
  /usr/bin/time -f "seed: %e s, max RSS %M KB" "$BIN" demo --db "$DB" --incidents "$N" --no-serve --port "$PORT" > "$OUT/monthly-seed.log"
fi
MONTH=$(python3 -c 'import datetime; t=datetime.date.today().replace(day=1); p=t-datetime.timedelta(days=1); print(p.strftime("%Y-%m"))')
echo "incidents: $(sqlite3 "$DB" 'select count(*) from incidents')   preventable: $(sqlite3 "$DB" 'select count(*) from incidents where preventable')   month: $MONTH"
echo "== query plan (one of the five grouped range queries)"
sqlite3 "$DB" "EXPLAIN QUERY PLAN SELECT community_id, subcategory, COUNT(*) FROM incidents WHERE preventable = 1 AND occurred_at >= 0 AND occurred_at < 1e12 GROUP BY community_id, subcategory;"
sqlite3 "$DB" "EXPLAIN QUERY PLAN SELECT community_id, subcategory, COUNT(*) FROM incidents WHERE preventable = 1 AND solved_at >= 0 AND solved_at < 1e12 GROUP BY community_id, subcategory;"
export PINGAN_DB="$DB" PORT
ADMIN=$(LOG_LEVEL=error "$BIN" token create --username admin --name bench)
CHIEF_USER=$(sqlite3 "$DB" "select username from users where role = 'station_chief' order by id limit 1")
CHIEF=$(LOG_LEVEL=error "$BIN" token create --username "$CHIEF_USER" --name bench)
LOG_LEVEL=warning "$BIN" serve --hostname 127.0.0.1 --port "$PORT" > "$OUT/monthly-serve.log" 2>&1 &
PID=$!; trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
measure() { # label token path
  local label=$1 token=$2 path=$3
  curl -sf -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT$path"   # warm-up
  for _ in $(seq 1 "$RUNS"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT$path"
  done | python3 -c '
import sys, statistics
v = sorted(float(x) * 1000 for x in sys.stdin if x.strip())
p95 = v[min(len(v) - 1, int(round(0.95 * (len(v) - 1))))]
print(f"| {sys.argv[1]} | {statistics.median(v):.1f} ms | {p95:.1f} ms | {v[0]:.1f} ms | {v[-1]:.1f} ms | {len(v)} |")' "$label"
}
echo "| request | median | p95 | min | max | runs |"
echo "|---|---:|---:|---:|---:|---:|"
measure "API, whole district (admin)" "$ADMIN" "/api/v1/analysis/monthly?month=$MONTH"
measure "page, whole district (admin)" "$ADMIN" "/analysis?month=$MONTH"
measure "CSV wide, whole district (admin)" "$ADMIN" "/analysis/monthly.csv?month=$MONTH&layout=wide"
measure "API, one station ($CHIEF_USER)" "$CHIEF" "/api/v1/analysis/monthly?month=$MONTH"
measure "report API, whole district (admin)" "$ADMIN" "/api/v1/analysis/report?month=$MONTH"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
