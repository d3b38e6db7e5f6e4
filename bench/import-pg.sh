#!/usr/bin/env bash
# People import on PostgreSQL at district scale, side by side in one run (issue 23 §2):
#   1. the file bench/import.sh uses (bench/gen_people.py, default 2,000,000 rows);
#   2. PostgreSQL's own COPY of that file into a plain table of text columns (the floor);
#   3. `pingan import people` into a demo database on the same server: every row validated, ID and phone sealed
#      and blind-indexed, then COPY into a staging table and INSERT … ON CONFLICT (the path a district's first
#      load takes, one transaction, indexes rebuilt at the end);
#   4. person lookup by ID number through the API, the server on PostgreSQL (wrk, 1 and 4 connections).
# A throw-away cluster on loopback (PGPORT, default 55450) under bench/out/pg-import; PostgreSQL's defaults except
# shared_buffers 512 MB and max_wal_size 4 GB (a load of this size otherwise checkpoints every few seconds).
# Usage: bench/import-pg.sh [N]. Needs PostgreSQL 15, wrk and sqlite3 (apt-get installs them when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000000}
OUT=bench/out; mkdir -p "$OUT"
PGPORT=${PGPORT:-55450}; PORT=${PORT:-8098}; DURATION=${DURATION:-15s}
for tool in sqlite3 wrk; do command -v $tool >/dev/null || { apt-get update -qq && apt-get install -y -qq $tool >/dev/null; }; done
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
BIN=${BIN:-$PWD/.build/release/pingan}
[ -x "$BIN" ] || swift build -c release --product pingan >/dev/null
export PINGAN_KEY_FILE=$PWD/$OUT/import-bench.key LOG_LEVEL=error

# The generated file (the same generator and seed as the SQLite bench).
BASE=$OUT/import-base.sqlite CSV=$OUT/people-$N.csv
if [ ! -f "$BASE" ]; then rm -f "$BASE"*; PINGAN_DB= DATABASE_URL= "$BIN" demo --db "$BASE" --incidents 0 --no-serve > /dev/null; fi
[ -f "$CSV" ] || python3 bench/gen_people.py "$BASE" "$N" "$CSV"

PGDIR=$PWD/$OUT/pg-import
PSQL() { runuser -u postgres -- "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
if [ ! -d "$PGDIR/data" ]; then
  mkdir -p "$PGDIR"; chown postgres:postgres "$PGDIR"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGDIR/data" --auth=trust -U postgres >/dev/null
fi
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c shared_buffers=512MB -c max_wal_size=4GB" start >/dev/null
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'), shared_buffers 512MB, max_wal_size 4GB, synchronous_commit on"
echo "file: $CSV, $(($(wc -l < "$CSV") - 1)) rows, $(du -m "$CSV" | cut -f1) MB"

# 2. The floor: COPY of the file into a plain table (no checks, no cryptography, no indexes).
PSQL -c "DROP DATABASE IF EXISTS raw_copy" -c "CREATE DATABASE raw_copy"
COLS=$(head -1 "$CSV" | python3 -c 'import sys; print(", ".join(f"c{i} text" for i, _ in enumerate(sys.stdin.readline().split(","))))')
PSQL -d raw_copy -c "CREATE TABLE people_raw ($COLS)"
chmod o+r "$CSV"
START=$(date +%s.%N)
PSQL -d raw_copy -c "COPY people_raw FROM '$PWD/$CSV' WITH (FORMAT csv, HEADER true)"
RAW_S=$(python3 -c "import time; print(f'{time.time() - $START:.2f}')")
echo "PostgreSQL COPY:      ${RAW_S} s ($(PSQL -d raw_copy -c 'select count(*) from people_raw') rows)"

# 3. Ours, into a fresh demo database (the district tree, users; no people yet).
PSQL -c "DROP DATABASE IF EXISTS people_ours" -c "CREATE DATABASE people_ours"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/people_ours"
"$BIN" demo --incidents 0 --no-serve > /dev/null
/usr/bin/time -f "%e %M %U %S" -o "$OUT/ours-pg.time" "$BIN" import people "$CSV" --as admin 2> "$OUT/ours-pg.progress" | tee "$OUT/ours-pg.log"
read OURS_S OURS_KB OURS_U OURS_SYS < "$OUT/ours-pg.time"
echo "pingan import people: ${OURS_S} s (CPU user ${OURS_U} s, sys ${OURS_SYS} s), peak RSS $((OURS_KB / 1024)) MB"
python3 -c "print(f'ratio: {float(\"$OURS_S\") / float(\"$RAW_S\"):.1f}x PostgreSQL COPY of the same file')"
echo "database: $(PSQL -d people_ours -c "select pg_size_pretty(pg_total_relation_size('people'))") for people, $(PSQL -d people_ours -c 'select count(*) from people') rows"

# 4. Lookup by ID number through the API.
python3 - "$CSV" "$OUT/ids.txt" <<'PY'
import random, sys
rows = open(sys.argv[1], encoding="utf-8").read().splitlines()[1:]
random.seed(3)
open(sys.argv[2], "w").write("\n".join(r.split(",")[1] for r in random.sample(rows, 20000)))
PY
TOKEN=$("$BIN" token create --username admin --name bench)
PINGAN_IDENTIFIER_SEARCH_LIMIT=100000000 LOG_LEVEL=warning "$BIN" serve --hostname 127.0.0.1 --port "$PORT" > "$OUT/lookup-pg-serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done   # start-up checks the indexes of 2M people
curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/people?per=1&purpose=identity_check&idNumber=$(head -1 "$OUT/ids.txt")" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["page"]["total"]==1, d; print("lookup check: found", d["items"][0]["idNumberMasked"])'
for conns in 1 4; do
  echo "== wrk lookup by ID number on PostgreSQL, $conns connection(s), $DURATION"
  PINGAN_TOKEN="$TOKEN" IDS_FILE="$OUT/ids.txt" wrk -t1 -c$conns -d"$DURATION" --latency -s bench/lookup.lua "http://127.0.0.1:$PORT" | grep -E "Latency|50%|90%|99%|Requests/sec"
done
echo "server RSS after the lookups: $(($(grep VmRSS /proc/$PID/status | awk '{print $2}') / 1024)) MB"
