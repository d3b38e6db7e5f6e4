#!/usr/bin/env bash
# Browser tests (headless Debian chromium via selenium), bounded: the map script on its harness pages, then the
# resident's pin-drop report flow, the staff map and the governance office's pages (a petition registered on a phone) on a
# real server with a small demo database; then every role's desk, search and navigation pages (roles_test.py).
#   Tests/browser/run.sh BINARY [SHOTS_DIR]      (needs chromium, chromium-driver and python with selenium: see .ci/run)
set -euo pipefail
BIN=$(readlink -f "${1:?path to the pingan binary}"); SHOTS=${2:-/tmp/pingan-browser-shots}; PY=${PYTHON:-python3}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/pingan-browser.XXXXXX)
PORT=${BROWSER_PORT:-18181}
echo "== map script on the harness pages =="
timeout 300 "$PY" "$HERE/map_harness_test.py" --shots "$SHOTS"
echo "== pin-drop report flow on a demo server =="
( cd "$WORK" && PINGAN_DB="$WORK/demo.sqlite" timeout 600 "$BIN" demo --db "$WORK/demo.sqlite" --incidents 2000 --no-serve > "$WORK/demo.log" 2>&1 )
# The demo's district command must sign in with two factors: its TOTP secret is on the demo's "2fa" line.
STAFF=$(awk '$1 == "command" { print $1 ":" $2; exit }' "$WORK/demo.log")
SECRET=$(awk '$1 == "2fa" && $2 == "command" { print $3; exit }' "$WORK/demo.log")
[ -n "$SECRET" ] && STAFF="$STAFF:$SECRET"
TOKEN=$(cd "$WORK" && PINGAN_DB="$WORK/demo.sqlite" "$BIN" token create --username admin --name browser-test | tail -n 1)
( cd "$WORK" && PINGAN_DB="$WORK/demo.sqlite" PORT=$PORT PINGAN_PORTAL_MIN_FILL_SECONDS=3 exec "$BIN" serve > "$WORK/serve.log" 2>&1 ) &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.5; done
timeout 300 "$PY" "$HERE/report_flow_test.py" --base "http://127.0.0.1:$PORT" --token "$TOKEN" --staff "$STAFF" --shots "$SHOTS"
echo "== each role's desk, search and navigation (issue 21 §5) =="
timeout 900 "$PY" "$HERE/roles_test.py" --base "http://127.0.0.1:$PORT" --accounts "$WORK/demo.log" --shots "$SHOTS"
