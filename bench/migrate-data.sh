#!/usr/bin/env bash
# `pingan migrate-data` at district scale (issue 23 §2): the district demo file (bench/run.sh builds it: 1M incidents,
# a year of grid events, ~7.5M rows in all) moved into a new PostgreSQL database, counted and checksummed on both sides.
# Usage: bench/migrate-data.sh [FILE.sqlite] — PGURL (default postgres://postgres@127.0.0.1:55432) names the server;
# the key is the file's (PINGAN_KEY_FILE, default bench/out/pingan.key).
set -euo pipefail
cd "$(dirname "$0")/.."
SRC_IN=${1:-bench/out/district.sqlite}
PGURL=${PGURL:-postgres://postgres@127.0.0.1:55432}
BIN=${BIN:-$PWD/.build/release/pingan}
[ -x "$BIN" ] || swift build -c release --product pingan >/dev/null
export PINGAN_KEY_FILE=${PINGAN_KEY_FILE:-$PWD/bench/out/pingan.key} LOG_LEVEL=error
SRC=bench/out/migrate-source.sqlite
rm -f $SRC*; cp "$SRC_IN" $SRC
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); file: $(du -m $SRC | cut -f1) MB"
PINGAN_DB=$SRC "$BIN" migrate > /dev/null      # the file must be at this build's migration
psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS district_move" -c "CREATE DATABASE district_move"
/usr/bin/time -f "%e s wall, %U s user, %S s sys, peak RSS %M KB" "$BIN" migrate-data --from $SRC --to "$PGURL/district_move"
echo "PostgreSQL database: $(psql "$PGURL/district_move" -Atc "select pg_size_pretty(pg_database_size('district_move'))")"
