#!/usr/bin/env bash
# Monthly assessment at district scale (issue 8): the grid-cadre ladder and rewards for 2,000 cadres.
#   bench/assessment.sh [INCIDENTS] [CADRES]     defaults 100000 incidents, 2000 cadres
# Uses the binary in .build/debug (BIN=… for a release build). Creates the demo database (real Panyu tree:
# 16 stations, 267 communities), grows it to the issue's 30 stations and 334 communities
# (bench/expand-district.sql; EXPAND=0 keeps the real tree), tops the demo's cadres up to CADRES (spread
# over grids), stores the year so far on that tree, then times `pingan assess month` for one month
# (earlier months stored) and for a whole-year re-run, and the publication and year-end summary.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}; CADRES=${2:-2000}
BIN=${BIN:-.build/debug/pingan}
DB=${DB:-/tmp/pingan-bench-assess.sqlite}
rm -f "$DB" "$DB-wal" "$DB-shm"
PINGAN_DB="$DB" "$BIN" demo --db "$DB" --incidents "$N" --no-serve 2>&1 | grep -E "Generating|done in|Assessment:" || true
[ "${EXPAND:-1}" = 1 ] && sqlite3 "$DB" < bench/expand-district.sql
have=$(sqlite3 "$DB" "SELECT COUNT(*) FROM cadres")
extra=$((CADRES - have))
if [ "$extra" -gt 0 ]; then
  sqlite3 "$DB" "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $extra),
    g AS (SELECT id, community_id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM divisions WHERE level = 'grid'),
    gc AS (SELECT COUNT(*) AS n FROM g)
    INSERT INTO cadres (name, post, community_id, grid_id, active, created_at)
    SELECT 'bench' || i, '网格长', g.community_id, g.id, 1, CURRENT_TIMESTAMP FROM seq, gc JOIN g ON g.k = (seq.i % gc.n);"
fi
echo "cadres: $(sqlite3 "$DB" "SELECT COUNT(*) FROM cadres"), communities: $(sqlite3 "$DB" "SELECT COUNT(*) FROM divisions WHERE level='community'"), stations: $(sqlite3 "$DB" "SELECT COUNT(*) FROM stations"), incidents: $(sqlite3 "$DB" "SELECT COUNT(*) FROM incidents")"
month=$(sqlite3 "$DB" "SELECT MAX(month) FROM cadre_months")
year=${month%-*}
PINGAN_DB="$DB" "$BIN" assess month "$year-01" >/dev/null 2>&1   # the stored months, on the grown tree
for i in 1 2 3; do PINGAN_DB="$DB" "$BIN" assess month "$month" 2>&1 | grep Ladder; done
PINGAN_DB="$DB" "$BIN" assess month "$year-01" 2>&1 | grep Ladder

# The indicator publication and the year-end summary through the server (district-wide scoring; issue 8).
# BIN_BEFORE=… also times another build on the same database, alternating, for a side-by-side comparison.
PORT=${PORT:-8197}
token=$(PINGAN_DB="$DB" "$BIN" token create --username admin --name bench 2>/dev/null | grep -oE '[A-Za-z0-9_-]{30,}' | head -1)
serve_and_time() {  # label binary
  PINGAN_DB="$DB" "$2" serve --port "$PORT" >/tmp/pingan-bench-assess-serve.log 2>&1 &
  local srv=$!
  for _ in $(seq 1 60); do curl -s "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.5; done
  for path in "/api/v1/assessment/publication?month=$month" "/api/v1/assessment/year?year=$year"; do
    for i in 1 2 3; do
      curl -s -o /dev/null -H "Authorization: Bearer $token" -w "$1 GET $path: %{http_code} %{time_total}s %{size_download} bytes\n" "http://127.0.0.1:$PORT$path"
    done
  done
  kill $srv; wait $srv 2>/dev/null || true
}
for round in 1 2; do
  serve_and_time "[$(basename "$BIN")]" "$BIN"
  [ -n "${BIN_BEFORE:-}" ] && serve_and_time "[before: $(basename "$BIN_BEFORE")]" "$BIN_BEFORE"
  [ -n "${BIN_BEFORE:-}" ] || break
done
