#!/usr/bin/env bash
# Issue 22 §4: schemathesis (PyPI) against a fresh demo server, reading our own /api/openapi.json, bounded in time.
# Fails on any server error and on any response that the document does not allow (status, media type, schema).
#   Tests/fuzz/schemathesis.sh BINARY      (ST=path/to/st; FUZZ_SECONDS per role, default 180, half per phase; see .ci/run)
set -euo pipefail
BIN=$(readlink -f "${1:?path to the pingan binary}"); ST=${ST:-st}; SECONDS_PER_ROLE=${FUZZ_SECONDS:-180}
WORK=$(mktemp -d /tmp/pingan-fuzz.XXXXXX)
PORT=${FUZZ_PORT:-18191}
( cd "$WORK" && PINGAN_DB="$WORK/demo.sqlite" timeout 600 "$BIN" demo --db "$WORK/demo.sqlite" --incidents 2000 --no-serve > "$WORK/demo.log" 2>&1 )
( cd "$WORK" && PINGAN_DB="$WORK/demo.sqlite" PORT=$PORT exec "$BIN" serve > "$WORK/serve.log" 2>&1 ) &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.5; done
STATUS=0
# District command sees the most; a community officer answers from a small scope (404s for the rest).
for ROLE in command officer; do
  TOKEN=$(cd "$WORK" && PINGAN_DB="$WORK/demo.sqlite" "$BIN" token create --username "$ROLE" --name fuzz | tail -n 1)
  # Coverage (boundary and wrong-type values of every parameter) in one thread: schemathesis' coverage phase has hit a
  # CPython "AST constructor recursion depth mismatch" when two threads build it. Then random fuzzing with two workers,
  # so writes meet each other (that is how the SQLite busy answer was found).
  for PHASE in coverage fuzzing; do
    WORKERS=1; LIMIT=$(( SECONDS_PER_ROLE / 2 ))
    if [ "$PHASE" = fuzzing ]; then WORKERS=2; fi
    echo "== schemathesis $PHASE as $ROLE (up to ${LIMIT} s, $WORKERS worker(s)) =="
    # Run from the work folder: schemathesis keeps a cache in the current directory.
    ( cd "$WORK" && "$ST" run "http://127.0.0.1:$PORT/api/openapi.json" \
      --header "Authorization: Bearer $TOKEN" \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
      --phases "$PHASE" --max-examples 25 --max-time "$LIMIT" \
      --seed 20261207 --workers "$WORKERS" --request-timeout 20 --suppress-health-check all \
      --output-truncate true --report junit --report-dir "$WORK/report-$ROLE-$PHASE" ) || STATUS=$?
  done
done
if grep -E 'status: 5[0-9][0-9]' "$WORK/serve.log" >/dev/null 2>&1; then
  echo "server log has 5xx answers:"; grep -E 'status: 5[0-9][0-9]' "$WORK/serve.log" | head -20; STATUS=1
fi
echo "fuzz work folder: $WORK"
exit $STATUS
