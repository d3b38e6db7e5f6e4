#!/usr/bin/env bash
# The monthly evaluation (issue 19 §4: all units and all grids ≤ 1 s) side by side: an earlier release build and this
# one, alternating on the same district database (bench/grid-events.sh seeds it), single requests timed end to end on
# loopback. These machines drift: only side-by-side figures are firm.
# Usage: BEFORE=bench/out/pingan-eval-before bench/evaluation.sh
#        ROUNDS (default 3) rounds of: before, then this build; each starts its server, warms up with 2 requests per
#        table and times REQUESTS (default 7) of each. Then the responses of both builds are compared (units, grids,
#        reporters, categories, the ranking by closure rate, a unit's staff, the CSV): they must be the same bytes.
#        NOW=path uses a given build instead of .build/release/pingan (no build then).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out; DB="$OUT/district.sqlite"; PORT=${PORT:-8097}
[ -f "$DB" ] || { echo "no $DB: run bench/grid-events.sh first" >&2; exit 1; }
: "${BEFORE:?BEFORE=path of an earlier build}"
if [ -z "${NOW:-}" ]; then swift build -c release --product pingan >/dev/null; cp .build/release/pingan "$OUT/pingan-eval-now"; NOW="$OUT/pingan-eval-now"; fi
export PINGAN_DB="$DB" PORT
CENTRE=$(LOG_LEVEL=error "$BEFORE" token create --username command --name bench)
UNIT=$(LOG_LEVEL=error "$BEFORE" token create --username unit --name bench)
base="http://127.0.0.1:$PORT"
MONTH=${MONTH:-$(python3 -c 'import datetime; t = datetime.date.today().replace(day=1) - datetime.timedelta(days=1); print(t.strftime("%Y-%m"))')}
TIMES="$OUT/evaluation-times.txt"; : > "$TIMES"

serve() {
  LOG_LEVEL=warning "$1" serve --hostname 127.0.0.1 --port "$PORT" > "$OUT/evaluation-serve.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do curl -sf "$base/health" >/dev/null && return; sleep 0.2; done
  echo "server did not start" >&2; exit 1
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; }

# Prints one line per request: build, table, milliseconds; then the server's CPU time (user + system) per timed request,
# which the machine's other load does not inflate as much as the wall time.
timed() {
  python3 - "$base" "$CENTRE" "$MONTH" "$1" "${REQUESTS:-7}" "$PID" <<'PY'
import os, sys, time, urllib.request
base, token, month, which, n, pid = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
def cpu():
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000 / os.sysconf("SC_CLK_TCK")
def get(by):
    r = urllib.request.Request(f"{base}/api/v1/events/evaluation?month={month}&by={by}", headers={"Authorization": "Bearer " + token})
    t = time.perf_counter(); urllib.request.urlopen(r).read(); return (time.perf_counter() - t) * 1000
for by in ("unit", "grid"):
    for _ in range(2): get(by)
c = cpu()
for _ in range(n):
    for by in ("unit", "grid"):
        print(f"{which} {by} {get(by):.0f}")
print(f"{which} cpu {(cpu() - c) / (2 * n):.0f}")
PY
}

for round in $(seq 1 "${ROUNDS:-3}"); do
  for which in before now; do
    bin=$BEFORE; [ "$which" = now ] && bin=$NOW
    serve "$bin"; timed "$which" | tee -a "$TIMES" | awk -v r="$round" '{a[$1" "$2]=a[$1" "$2]" "$3} END{for (k in a) print "round " r ": " k ":" a[k]}'; stop
  done
done
python3 - "$TIMES" <<'PY'
import statistics, sys, collections
t = collections.defaultdict(list)
for line in open(sys.argv[1]):
    w, by, ms = line.split(); t[(w, by)].append(float(ms))
b, n = t[("before", "cpu")], t[("now", "cpu")]
print(f"server CPU per request (median of rounds): before {statistics.median(b):.0f} ms, now {statistics.median(n):.0f} ms; ratio {statistics.median(b) / statistics.median(n):.2f}×")
for by in ("unit", "grid"):
    b, n = t[("before", by)], t[("now", by)]
    print(f"all {by}s: before median {statistics.median(b):.0f} ms, max {max(b):.0f} ({len(b)} requests); "
          f"now median {statistics.median(n):.0f} ms, max {max(n):.0f} ({len(n)}); median ratio {statistics.median(b) / statistics.median(n):.2f}×")
PY

# The same answers: every table of both builds, byte for byte.
fetch() { # build-name
  local d="$OUT/evaluation-$1"; mkdir -p "$d"
  for q in "by=unit" "by=grid" "by=reporter" "by=category" "by=unit&rank=closure_rate" "by=grid&rank=rework_rate" "by=category&rank=satisfaction_rate"; do
    curl -sf -H "Authorization: Bearer $CENTRE" "$base/api/v1/events/evaluation?month=$MONTH&$q" > "$d/centre-${q//[&=]/_}.json"
  done
  curl -sf -H "Authorization: Bearer $UNIT" "$base/api/v1/events/evaluation?month=$MONTH&by=unit" > "$d/unit-by_unit.json"
  curl -sf -H "Authorization: Bearer $CENTRE" "$base/api/v1/events/evaluation?month=2026-06&by=grid" > "$d/centre-june-by_grid.json"
  curl -sf -H "Authorization: Bearer $CENTRE" "$base/events/evaluation.csv?month=$MONTH&by=unit" > "$d/centre-by_unit.csv" || rm -f "$d/centre-by_unit.csv"
}
serve "$BEFORE"; fetch before; stop
serve "$NOW"; fetch now; stop
# JSON compared parsed (the encoder's key order differs from one process to the next), the CSV byte for byte.
python3 - "$OUT/evaluation-before" "$OUT/evaluation-now" <<'PY'
import json, os, sys
a, b = sys.argv[1], sys.argv[2]
files = sorted(os.listdir(b)); differ = []
for f in files:
    x, y = open(os.path.join(a, f), "rb").read(), open(os.path.join(b, f), "rb").read()
    if f.endswith(".json"): x, y = json.loads(x), json.loads(y)
    if x != y: differ.append(f)
print(f"responses: {'DIFFER: ' + ', '.join(differ) if differ else 'the same'} ({len(files)} files)")
sys.exit(1 if differ else 0)
PY
