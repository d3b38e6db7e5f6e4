#!/usr/bin/env bash
# Failover drill (issue 23 §3), all on loopback and bounded in time: pg_auto_failover (Debian
# postgresql-NN-auto-failover: a monitor and two data nodes, synchronous replication) with HAProxy in front, so the
# app's one DATABASE_URL always reaches the current primary. A write load through the JSON API (incidents, each with a
# unique marker; acknowledged only on 2xx), `kill -9` of the primary mid-load, promotion of the standby, load resumes;
# then lost writes, time to the first accepted write after the kill, errors in and outside the switch, and the old
# primary rejoining as a standby. One summary line per run; bench/FAILOVER.md has the figures.
#
#   bench/failover.sh [--writes N] [--runs K] [--rate R] [--clients C] [--kill node|postmaster]
#                     [--binary PATH] [--monitor-defaults] [--keep]
#
#   --writes N          writes per run (default 600), started at --rate R per second (default 10) by C clients (4)
#   --runs K            runs, each on a fresh cluster (default 1)
#   --kill node         (default) SIGKILL to the primary node's pg_autoctl keeper and its postmaster: the node is gone
#                       as if its machine died, and the monitor must promote the standby. Rejoin: the script restarts
#                       `pg_autoctl run` on the old primary, which rewinds it and makes it a standby.
#   --kill postmaster   SIGKILL to the postmaster only: the keeper is alive and restarts Postgres itself; whether the
#                       monitor promotes the standby or the old primary comes back in place is a race (reported).
#   --monitor-defaults  keep pg_auto_failover's default timeouts (the drill's tuning is in tune_monitor below)
#   --keep              keep the data directories (logs and results are always kept)
#   --cleanup-stale     only stop what an earlier drill left running (one killed before its trap ran): the processes
#                       recorded under /tmp/pingan-failover.*/run*/ and FAILOVER_WORKDIR, each checked against its run
#                       folder before it is signalled; then exit
#
# Environment: PINGAN_BIN (else .build/release/pingan, else .build/debug/pingan), FAILOVER_WORKDIR (default: a new
# /tmp/pingan-failover.XXXXXX), ports MONITOR_PORT=5441 NODE_A_PORT=5442 NODE_B_PORT=5443 HAPROXY_PORT=5450
# APP_PORT=18300, RECOVERY_GOAL=30 (seconds). Runs as root; PostgreSQL runs as the postgres user. Exit status: 0 when every run met every goal
# (0 acknowledged writes lost, first accepted write <= 30 s after the kill, no failed write outside the switch, old
# primary back as a standby), 1 otherwise, 2 on a set-up failure.
set -euo pipefail
cd "$(dirname "$0")/.."

WRITES=600 RUNS=1 RATE=10 CLIENTS=4 KILL=node KEEP=0 DEFAULTS=0 CLEANUP_STALE=0 BIN=${PINGAN_BIN:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --writes) WRITES=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --kill) KILL=$2; shift 2 ;;
    --binary) BIN=$2; shift 2 ;;
    --monitor-defaults) DEFAULTS=1; shift ;;
    --keep) KEEP=1; shift ;;
    --cleanup-stale) CLEANUP_STALE=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case "$KILL" in node|postmaster) ;; *) echo "--kill node|postmaster" >&2; exit 2 ;; esac
MONITOR_PORT=${MONITOR_PORT:-5441} NODE_A_PORT=${NODE_A_PORT:-5442} NODE_B_PORT=${NODE_B_PORT:-5443}
HAPROXY_PORT=${HAPROXY_PORT:-5450} APP_PORT=${APP_PORT:-18300}
RECOVERY_GOAL=${RECOVERY_GOAL:-30}

if [ "$CLEANUP_STALE" = 0 ] && [ -z "$BIN" ]; then
  for b in .build/release/pingan .build/debug/pingan; do [ -x "$b" ] && { BIN=$b; break; }; done
fi
if [ "$CLEANUP_STALE" = 0 ]; then
  [ -n "$BIN" ] && [ -x "$BIN" ] || { echo "no pingan binary: pass --binary PATH or set PINGAN_BIN" >&2; exit 2; }
  BIN=$(readlink -f "$BIN")
fi
[ "$(id -u)" = 0 ] || { echo "run as root (PostgreSQL is started as the postgres user through runuser)" >&2; exit 2; }

# ---------------------------------------------------------------- helpers
RUN_DIR="" APP_PID="" HAPROXY_PID="" LOAD_PID=""
pg_env() { echo "XDG_CONFIG_HOME=$RUN_DIR/xdg/config XDG_DATA_HOME=$RUN_DIR/xdg/data XDG_RUNTIME_DIR=$RUN_DIR/xdg/run PG_CONFIG=$PGBIN/pg_config"; }
as_pg() { runuser -u postgres -- env $(pg_env) "$@"; }
q() { # q PORT DB SQL -> one value
  PGCONNECT_TIMEOUT=2 timeout 5 psql -X -q -h 127.0.0.1 -p "$1" -U postgres -d "$2" -tAc "$3" 2>/dev/null || true
}
supervisor_pid() { head -1 "$RUN_DIR/xdg/run/pg_autoctl$1/pg_autoctl.pid" 2>/dev/null || true; }
postmaster_pid() { head -1 "$1/postmaster.pid" 2>/dev/null || true; }
alive_as() { # alive_as PID PATTERN: the process exists and its command line mentions PATTERN (no pid reuse mistakes)
  [ -n "$1" ] && [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -qF -- "$2"
}
start_node() { # start_node PGDATA LOG: pg_autoctl run in its own session (its process group is the node)
  as_pg setsid pg_autoctl run --pgdata "$1" >> "$2" 2>&1 &
}
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2; shift 2
  local end=$((SECONDS + limit))
  until "$@"; do
    [ $SECONDS -lt $end ] || { echo "  timed out after ${limit}s waiting for $what" >&2; return 1; }
    sleep 0.5
  done
}
monitor_up() { [ "$(q "$MONITOR_PORT" pg_auto_failover 'select 1')" = 1 ]; }
states_are() { # states_are "a:primary/primary b:secondary/secondary" (nodes by name: reported/assigned)
  [ "$(q "$MONITOR_PORT" pg_auto_failover "select string_agg(nodename||':'||reportedstate||'/'||goalstate, ' ' order by nodename) from pgautofailover.node")" = "$1" ]
}
writable_primary() { [ "$(q "$1" postgres "SELECT NOT pg_is_in_recovery() AND current_setting('default_transaction_read_only') = 'off'")" = t ]; }
replayed_to() { [ "$(q "$1" postgres "select pg_last_wal_replay_lsn() >= '$2'")" = t ]; }
stop_node() { # stop_node PGDATA: TERM to the keeper (it stops Postgres), then KILL whatever is left
  local d=$1 sup pm
  sup=$(supervisor_pid "$d"); pm=$(postmaster_pid "$d")
  if alive_as "$sup" "$d"; then
    kill -TERM "$sup" 2>/dev/null || true
    for _ in $(seq 1 20); do alive_as "$sup" "$d" || break; sleep 0.5; done
    alive_as "$sup" "$d" && kill -KILL -- "-$sup" 2>/dev/null || true
  fi
  pm=$(postmaster_pid "$d")
  if alive_as "$pm" "$d"; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$d" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
    alive_as "$pm" "$d" && kill -KILL "$pm" 2>/dev/null || true
  fi
  return 0
}
teardown() {
  [ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2>/dev/null && wait "$LOAD_PID" 2>/dev/null || true
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  [ -n "$HAPROXY_PID" ] && kill "$HAPROXY_PID" 2>/dev/null && wait "$HAPROXY_PID" 2>/dev/null || true
  APP_PID="" HAPROXY_PID="" LOAD_PID=""
  if [ -n "$RUN_DIR" ] && [ -d "$RUN_DIR" ]; then
    stop_node "$RUN_DIR/a"; stop_node "$RUN_DIR/b"; stop_node "$RUN_DIR/monitor"
    [ "$KEEP" = 1 ] || rm -rf "$RUN_DIR/a" "$RUN_DIR/b" "$RUN_DIR/monitor" "$RUN_DIR/backup" "$RUN_DIR/uploads"
  fi
  RUN_DIR=""
}
# ---------------------------------------------------------------- leftovers of an earlier drill
if [ "$CLEANUP_STALE" = 1 ]; then
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  for RUN_DIR in /tmp/pingan-failover.*/run* ${FAILOVER_WORKDIR:+$FAILOVER_WORKDIR/run*}; do
    [ -d "$RUN_DIR" ] || continue
    if [ -f "$RUN_DIR/pids" ]; then
      while read -r what pid; do
        case "$what" in
          app) [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$RUN_DIR" ] && { echo "stopping a stale app ($pid, $RUN_DIR)"; kill "$pid" 2>/dev/null || true; } ;;
          load) alive_as "$pid" "$RUN_DIR/load.jsonl" && { echo "stopping a stale load client ($pid, $RUN_DIR)"; kill "$pid" 2>/dev/null || true; } ;;
          haproxy) alive_as "$pid" "$RUN_DIR/haproxy.cfg" && { echo "stopping a stale HAProxy ($pid, $RUN_DIR)"; kill "$pid" 2>/dev/null || true; } ;;
        esac
      done < "$RUN_DIR/pids"
    fi
    for d in a b monitor; do
      [ -d "$RUN_DIR/$d" ] || continue
      if alive_as "$(supervisor_pid "$RUN_DIR/$d")" "$RUN_DIR/$d" || alive_as "$(postmaster_pid "$RUN_DIR/$d")" "$RUN_DIR/$d"; then
        echo "stopping a stale node $RUN_DIR/$d"; stop_node "$RUN_DIR/$d"
      fi
    done
    rm -rf "$RUN_DIR/a" "$RUN_DIR/b" "$RUN_DIR/monitor" "$RUN_DIR/backup" "$RUN_DIR/uploads"
  done
  RUN_DIR=""
  exit 0
fi

# ---------------------------------------------------------------- packages (Debian), like .ci/run
export DEBIAN_FRONTEND=noninteractive
apt_updated=0
install_pkgs() {
  [ $apt_updated = 1 ] || { apt-get update -qq; apt_updated=1; }
  apt-get install -y -qq "$@" >/dev/null
}
need() { command -v "$1" >/dev/null 2>&1 || install_pkgs "${@:2}"; }  # need COMMAND PACKAGE...
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || install_pkgs postgresql
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGMAJOR=$(basename "$(dirname "$PGBIN")")
# pg_auto_failover for this major: the pgautofailover extension (the monitor) and pg_autoctl (pg-auto-failover-cli).
{ [ -f "/usr/share/postgresql/$PGMAJOR/extension/pgautofailover.control" ] && command -v pg_autoctl >/dev/null; } ||
  install_pkgs "postgresql-$PGMAJOR-auto-failover"
need haproxy haproxy
need psql postgresql-client
need python3 python3
need curl curl
id postgres >/dev/null 2>&1 || { echo "no postgres user (the postgresql package creates it)" >&2; exit 2; }

for p in $MONITOR_PORT $NODE_A_PORT $NODE_B_PORT $HAPROXY_PORT $APP_PORT; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "port $p on 127.0.0.1 is already in use (a leftover from an earlier drill?); choose other ports (see --help)" >&2
    exit 2
  fi
done

WORK=${FAILOVER_WORKDIR:-$(mktemp -d /tmp/pingan-failover.XXXXXX)}
mkdir -p "$WORK"; chmod 755 "$WORK"
RESULTS="$WORK/results.jsonl"; : > "$RESULTS"
echo "failover drill: $RUNS run(s) of $WRITES writes, kill=$KILL, monitor $([ $DEFAULTS = 1 ] && echo defaults || echo tuned), work dir $WORK"
echo "versions: $("$PGBIN/postgres" --version), $(pg_autoctl --version | head -1), $(haproxy -v | head -1 | cut -d' ' -f1-3)"

trap 'teardown' EXIT
trap 'echo "interrupted"; exit 130' INT TERM

# ---------------------------------------------------------------- the load client and the report (Python, stdlib)
cat > "$WORK/load.py" <<'PY'
"""Write load: incident creations through the JSON API by a few concurrent clients, paced, each write with a unique
marker; acknowledged only on 2xx. Runs a kill command once K writes are acknowledged and records when. If the
writes run out before any write is accepted after the kill, it keeps writing (at the same pace) until one is, or
until --max-wait seconds after the kill, so the recovery time is always measured."""
import argparse, json, os, subprocess, threading, time, urllib.error, urllib.request
from datetime import datetime, timedelta, timezone

p = argparse.ArgumentParser()
for k, d in [("--url", None), ("--token", None), ("--run", None), ("--out", None), ("--kill-cmd", ""), ("--communities", "3"), ("--pidfile", "")]:
    p.add_argument(k, default=d, required=d is None)
for k, d in [("--writes", 600), ("--clients", 4), ("--kill-at", 0)]:
    p.add_argument(k, type=int, default=d)
for k, d in [("--rate", 10.0), ("--timeout", 15.0), ("--max-wait", 90.0)]:
    p.add_argument(k, type=float, default=d)
a = p.parse_args()

communities = [int(c) for c in a.communities.split(",") if c]
if a.pidfile:
    with open(a.pidfile, "a") as f:
        f.write(f"load {os.getpid()}\n")
lock = threading.Lock()
state = {"next": 0, "acked": 0, "kill_t": None, "kill_wall": None, "first_ok_after": None}
results = []
kill_event = threading.Event()
t0 = time.monotonic(); wall0 = time.time()
now = lambda: time.monotonic() - t0
is_ok = lambda r: r["status"] is not None and 200 <= r["status"] < 300


def one(i):
    marker = f"drill-{a.run}-{i:05d}"
    occurred = (datetime.now(timezone.utc) - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = json.dumps({"source": "110", "subcategory": "burglary", "occurredAt": occurred,
                       "communityID": communities[i % len(communities)], "description": marker}).encode()
    req = urllib.request.Request(a.url + "/api/v1/incidents", data=body, method="POST",
                                 headers={"Authorization": "Bearer " + a.token, "Content-Type": "application/json"})
    start, status, err = now(), None, ""
    try:
        with urllib.request.urlopen(req, timeout=a.timeout) as r:
            status = r.status; r.read()
    except urllib.error.HTTPError as e:
        status = e.code
        try: err = e.read()[:200].decode("utf-8", "replace")
        except Exception: err = ""
    except Exception as e:  # refused, reset, timeout: no answer at all
        err = f"{type(e).__name__}: {e}"[:200]
    return {"i": i, "marker": marker, "start": round(start, 4), "end": round(now(), 4), "status": status, "error": err}


def more(i):
    if i < a.writes:
        return True
    kt = state["kill_t"]  # past the planned writes: only while waiting for the first write accepted after the kill
    return kt is not None and state["first_ok_after"] is None and now() < kt + a.max_wait


def worker():
    while True:
        with lock:
            i = state["next"]; state["next"] += 1
            if not more(i):
                return
        d = i / a.rate - now()
        if d > 0:
            time.sleep(d)
        r = one(i)
        with lock:
            results.append(r)
            if is_ok(r):
                state["acked"] += 1
                kt = state["kill_t"]
                if kt is not None and r["start"] >= kt and (state["first_ok_after"] is None or r["end"] < state["first_ok_after"]):
                    state["first_ok_after"] = r["end"]
                if a.kill_at and state["acked"] >= a.kill_at:
                    kill_event.set()


def killer():
    kill_event.wait()
    with lock:
        state["kill_t"] = round(now(), 4); state["kill_wall"] = time.time()
    rc = subprocess.call(a.kill_cmd, shell=True)
    print(f"  kill at t={state['kill_t']:.2f}s after {a.kill_at} acknowledged writes (kill command exit {rc})", flush=True)


threads = [threading.Thread(target=worker, daemon=True) for _ in range(a.clients)]
if a.kill_at and a.kill_cmd:
    threading.Thread(target=killer, daemon=True).start()
for t in threads:
    t.start()
last = 0.0
while any(t.is_alive() for t in threads):
    time.sleep(0.2)
    if now() - last >= 5:
        last = now()
        with lock:
            n, ok = len(results), state["acked"]
        print(f"  t={now():5.1f}s  {n} written, {ok} acknowledged, {n - ok} failed", flush=True)

results.sort(key=lambda r: r["i"])
tk, fo = state["kill_t"], state["first_ok_after"]
# A failed write belongs to the switch when its request overlapped [kill, first write accepted after the kill].
end = fo if fo is not None else float("inf")
fails = [r for r in results if not is_ok(r)]
in_switch = [r for r in fails if tk is not None and r["end"] >= tk and r["start"] <= end]
kinds = {}
for r in fails:
    k = str(r["status"]) if r["status"] is not None else r["error"].split(":")[0]
    kinds[k] = kinds.get(k, 0) + 1
lat = sorted(r["end"] - r["start"] for r in results if is_ok(r))
summary = {
    "attempted": len(results), "planned": a.writes, "acknowledged": len(results) - len(fails), "failed": len(fails),
    "failed_5xx": sum(1 for r in fails if r["status"] and r["status"] >= 500),
    "failed_other_status": sum(1 for r in fails if r["status"] and r["status"] < 500),
    "failed_no_answer": sum(1 for r in fails if r["status"] is None),
    "failed_in_switch": len(in_switch), "failed_outside_switch": len(fails) - len(in_switch), "fail_kinds": kinds,
    "kill_t": tk, "kill_wall": state["kill_wall"], "first_ok_after_kill_t": fo,
    "recovery_s": round(fo - tk, 2) if tk is not None and fo is not None else None,
    "last_fail_t": max((r["end"] for r in fails), default=None),
    "ack_latency_p50_ms": round(1000 * lat[len(lat) // 2], 1) if lat else None,
    "ack_latency_max_ms": round(1000 * lat[-1], 1) if lat else None,
    "duration_s": round(now(), 2), "wall_start": wall0,
    "sample_errors": sorted({(r["error"] or str(r["status"]))[:160] for r in fails})[:5],
}
with open(a.out, "w") as f:
    for r in results:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
with open(a.out + ".summary.json", "w") as f:
    json.dump(summary, f, ensure_ascii=False, indent=1)
PY

cat > "$WORK/report.py" <<'PY'
"""One run's figures: acknowledged writes found on the new primary, lost, the switch timeline from the monitor's
events and HAProxy's log, the app's errors; one summary line; the JSON appended to the results file."""
import json, re, sys
from datetime import datetime

run_dir, run, results_path, goal = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
extra = json.load(open(f"{run_dir}/extra.json"))
s = json.load(open(f"{run_dir}/load.jsonl.summary.json"))
rows = [json.loads(l) for l in open(f"{run_dir}/load.jsonl")]
found = set(l.strip() for l in open(f"{run_dir}/found-primary.txt") if l.strip())
found_standby = set(l.strip() for l in open(f"{run_dir}/found-standby.txt") if l.strip()) if extra.get("standby_checked") else None
acked = {r["marker"] for r in rows if r["status"] is not None and 200 <= r["status"] < 300}
failed = {r["marker"] for r in rows} - acked
lost = sorted(acked - found)
committed_unacked = len(failed & found)
kill_wall = s["kill_wall"]


def ts(x):
    return datetime.fromisoformat(x.replace("Z", "+00:00")).timestamp()


# Monitor events: when the standby was told to promote, and when it was writable (wait_primary).
promote_s = writable_s = None
for line in open(f"{run_dir}/events.txt"):
    parts = line.rstrip("\n").split("|")
    if len(parts) < 4 or kill_wall is None:
        continue
    t, node, reported, goal_state = ts(parts[0]), parts[1], parts[2], parts[3]
    if t < kill_wall or node != extra.get("standby_name"):
        continue
    if goal_state == "prepare_promotion" and promote_s is None:
        promote_s = round(t - kill_wall, 2)
    if reported == "wait_primary" and writable_s is None:
        writable_s = round(t - kill_wall, 2)
# HAProxy: when the new primary came UP behind the single address.
haproxy_up_s = None
for line in open(f"{run_dir}/haproxy.log", errors="replace"):
    m = re.match(r"(\S+) Server pg/(\w+) is UP", line)
    if m and kill_wall is not None and m.group(2) == extra.get("standby_name"):
        t = ts(m.group(1))
        if t >= kill_wall:
            haproxy_up_s = round(t - kill_wall, 2); break
# The app's own log: 5xx answers and database errors, before, in and after the switch.
app5xx = {"before": 0, "switch": 0, "after": 0}
db_errors = {}
t_first_ok = (s["wall_start"] + s["first_ok_after_kill_t"]) if s["first_ok_after_kill_t"] is not None else None
for line in open(f"{run_dir}/app.log", errors="replace"):
    parts = line.split(" ", 1)
    try:
        t = float(parts[0])
    except ValueError:
        continue
    phase = "before" if kill_wall is None or t < kill_wall else ("switch" if t_first_ok is None or t <= t_first_ok + 0.5 else "after")
    if re.search(r"status: 5\d\d", line):
        app5xx[phase] += 1
    m = re.search(r"PSQLError\(code: (\w+)", line)
    if m and "[ WARNING ]" in line:
        st, msg = re.search(r"sqlState: (\w+)", line), re.search(r"message: ([^,\]]+)", line)
        k = m.group(1) + (f" {st.group(1)}" if st else "") + (f" ({msg.group(1)})" if msg else "")
        db_errors[k] = db_errors.get(k, 0) + 1

rec = s["recovery_s"]
goals = {
    "lost_0": len(lost) == 0,
    f"recovery_le_{int(goal)}s": rec is not None and rec <= goal,
    "no_fail_outside_switch": s["failed_outside_switch"] == 0,
    "rejoined_as_standby": extra.get("rejoined") is True,
}
out = dict(run=run, kill=extra["kill"], switch=extra["switch"], **s, found=len(acked & found), lost=len(lost),
           lost_markers=lost[:20], committed_but_not_acknowledged=committed_unacked,
           found_on_rejoined_standby=(len(acked & found_standby) if found_standby is not None else None),
           promote_s=promote_s, writable_s=writable_s, haproxy_up_s=haproxy_up_s,
           app_5xx=app5xx, app_db_errors=db_errors, goals=goals, passed=all(goals.values()), **{k: v for k, v in extra.items() if k not in ("kill", "switch")})
with open(results_path, "a") as f:
    f.write(json.dumps(out, ensure_ascii=False) + "\n")
fmt = lambda v: "-" if v is None else f"{v}"
print(f"RUN {run}: {'PASS' if out['passed'] else 'FAIL'}  kill={extra['kill']} switch={extra['switch']}  "
      f"writes {s['attempted']} acknowledged {s['acknowledged']} found {out['found']} LOST {len(lost)} "
      f"(committed-unacknowledged {committed_unacked})  kill->first accepted write {fmt(rec)} s "
      f"(promote {fmt(promote_s)} s, writable {fmt(writable_s)} s, HAProxy up {fmt(haproxy_up_s)} s)  "
      f"failed {s['failed']} (5xx {s['failed_5xx']}, no answer {s['failed_no_answer']}; in switch {s['failed_in_switch']}, "
      f"outside {s['failed_outside_switch']})  old primary rejoined as standby: {fmt(extra.get('rejoined'))} "
      f"in {fmt(extra.get('rejoin_s'))} s (in recovery {fmt(extra.get('old_in_recovery'))}, sync_state {fmt(extra.get('sync_state'))}, "
      f"has {fmt(out['found_on_rejoined_standby'])}/{s['acknowledged']} acknowledged)")
if not out["passed"]:
    print("  goals missed:", ", ".join(k for k, v in goals.items() if not v))
if lost:
    print("  lost markers:", " ".join(lost[:20]))
if db_errors:
    print("  app database errors:", "; ".join(f"{k} x{v}" for k, v in sorted(db_errors.items(), key=lambda kv: -kv[1])[:4]))
sys.exit(0 if out["passed"] else 1)
PY

# ---------------------------------------------------------------- the drill's timeouts (pg_auto_failover)
# Defaults: a primary is unhealthy after 20 s of failed health checks (every 5 s), and a promoted standby stays
# read-only for primary_demote_timeout = 30 s more, because the monitor cannot know whether an unreachable primary is
# dead or cut off and still running; its keeper demotes itself after network_partition_timeout = 20 s without the
# monitor and without a standby. That is ~50 s without writes. The drill shortens the three, keeping the order
# network_partition_timeout (5 s) < primary_demote_timeout (10 s).
tune_monitor() {
  q "$MONITOR_PORT" pg_auto_failover "ALTER SYSTEM SET pgautofailover.health_check_period = 1000" >/dev/null
  q "$MONITOR_PORT" pg_auto_failover "ALTER SYSTEM SET pgautofailover.health_check_timeout = 1000" >/dev/null
  q "$MONITOR_PORT" pg_auto_failover "ALTER SYSTEM SET pgautofailover.health_check_max_retries = 1" >/dev/null
  q "$MONITOR_PORT" pg_auto_failover "ALTER SYSTEM SET pgautofailover.health_check_retry_delay = 500" >/dev/null
  q "$MONITOR_PORT" pg_auto_failover "ALTER SYSTEM SET pgautofailover.node_considered_unhealthy_timeout = 5000" >/dev/null
  q "$MONITOR_PORT" pg_auto_failover "ALTER SYSTEM SET pgautofailover.primary_demote_timeout = 10000" >/dev/null
  q "$MONITOR_PORT" pg_auto_failover "SELECT pg_reload_conf()" >/dev/null
  wait_for 10 "the monitor's new timeouts" bash -c "[ \"\$(PGCONNECT_TIMEOUT=2 psql -X -h 127.0.0.1 -p $MONITOR_PORT -U postgres -d pg_auto_failover -tAc 'show pgautofailover.primary_demote_timeout' 2>/dev/null)\" = 10s ]"
}

# ---------------------------------------------------------------- one run
run_once() {
  local run=$1 t_run=$SECONDS
  RUN_DIR="$WORK/run$run"
  rm -rf "$RUN_DIR"; mkdir -p "$RUN_DIR"/xdg/{config,data,run}
  chown -R postgres:postgres "$RUN_DIR"
  local MON="postgres://autoctl_node@127.0.0.1:$MONITOR_PORT/pg_auto_failover?sslmode=disable"
  local common=(--pgctl "$PGBIN/pg_ctl" --hostname 127.0.0.1 --auth trust --no-ssl)
  echo "== run $run: cluster (monitor :$MONITOR_PORT, a :$NODE_A_PORT, b :$NODE_B_PORT)"
  as_pg timeout 60 pg_autoctl create monitor --pgdata "$RUN_DIR/monitor" --pgport "$MONITOR_PORT" "${common[@]}" > "$RUN_DIR/monitor.log" 2>&1 ||
    { echo "pg_autoctl create monitor failed: $RUN_DIR/monitor.log" >&2; return 2; }
  as_pg pg_autoctl config set --pgdata "$RUN_DIR/monitor" postgresql.listen_addresses 127.0.0.1 >/dev/null
  start_node "$RUN_DIR/monitor" "$RUN_DIR/monitor.log"
  wait_for 30 "the monitor" monitor_up || return 2
  [ "$DEFAULTS" = 1 ] || tune_monitor || return 2
  for n in a b; do
    local port=$NODE_A_PORT; [ $n = b ] && port=$NODE_B_PORT
    as_pg timeout 120 pg_autoctl create postgres --pgdata "$RUN_DIR/$n" --pgport "$port" --listen 127.0.0.1 --name "$n" \
      --monitor "$MON" --dbname pingan "${common[@]}" > "$RUN_DIR/$n.log" 2>&1 ||
      { echo "pg_autoctl create postgres ($n) failed: $RUN_DIR/$n.log" >&2; return 2; }
    [ "$DEFAULTS" = 1 ] || as_pg pg_autoctl config set --pgdata "$RUN_DIR/$n" timeout.network_partition_timeout 5 >/dev/null
    start_node "$RUN_DIR/$n" "$RUN_DIR/$n.log"
    if [ $n = a ]; then wait_for 60 "node a to be the single primary" states_are "a:single/single" || return 2; fi
  done
  wait_for 120 "a primary, b secondary" states_are "a:primary/primary b:secondary/secondary" || return 2
  echo "  replication on a: synchronous_standby_names=$(q $NODE_A_PORT postgres 'show synchronous_standby_names'), synchronous_commit=$(q $NODE_A_PORT postgres 'show synchronous_commit'), b $(q $NODE_A_PORT postgres "select sync_state from pg_stat_replication"); $(($SECONDS - t_run)) s"
  echo "  monitor: $(q "$MONITOR_PORT" pg_auto_failover "select string_agg(replace(name, 'pgautofailover.', '') || '=' || current_setting(name), ' ' order by name) from pg_settings where name in ('pgautofailover.health_check_period', 'pgautofailover.node_considered_unhealthy_timeout', 'pgautofailover.primary_demote_timeout')"); keepers: network_partition_timeout=$(as_pg pg_autoctl config get --pgdata "$RUN_DIR/a" timeout.network_partition_timeout) s"

  # HAProxy: a server is up only while it is a writable primary AND the monitor wants it to be the primary, checked
  # every second. The second half matters: a keeper whose Postgres was killed restarts it read-write at once, while the
  # monitor may be promoting the standby; without it HAProxy sent new connections to that old primary for 1-4 s (both
  # servers UP at once for ~0.5 s; synchronous replication kept those writes from being acknowledged — FAILOVER.md).
  # If the monitor cannot be reached the node's own answer decides (no failover can happen without the monitor).
  cat > "$RUN_DIR/check-primary.sh" <<EOF
#!/bin/sh
# HAProxy external check: \$3 server address, \$4 port. A standby being promoted by pg_auto_failover is out of recovery
# but still default_transaction_read_only until the old primary is known to be demoted: not up yet.
w=\$(PGCONNECT_TIMEOUT=1 timeout 2 psql -X -q -h "\$3" -p "\$4" -U postgres -d postgres -tAc "SELECT NOT pg_is_in_recovery() AND current_setting('default_transaction_read_only') = 'off'" 2>/dev/null)
[ "\$w" = t ] || exit 1
g=\$(PGCONNECT_TIMEOUT=1 timeout 2 psql -X -q -h 127.0.0.1 -p $MONITOR_PORT -U postgres -d pg_auto_failover -tAc "SELECT goalstate FROM pgautofailover.node WHERE nodehost = '\$3' AND nodeport = \$4" 2>/dev/null) || exit 0
case "\$g" in single|wait_primary|primary|join_primary|apply_settings|"") exit 0 ;; *) exit 1 ;; esac
EOF
  chmod 755 "$RUN_DIR/check-primary.sh"
  cat > "$RUN_DIR/haproxy.cfg" <<EOF
global
    log stdout format iso local0 notice
    external-check
    insecure-fork-wanted
    maxconn 256
defaults
    mode tcp
    log global
    timeout connect 2s
    timeout client 30m
    timeout server 30m
    timeout check 2s
listen pg
    bind 127.0.0.1:$HAPROXY_PORT
    option external-check
    external-check path "/usr/bin:/bin"
    external-check command $RUN_DIR/check-primary.sh
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
    server a 127.0.0.1:$NODE_A_PORT check
    server b 127.0.0.1:$NODE_B_PORT check
EOF
  haproxy -f "$RUN_DIR/haproxy.cfg" -db > "$RUN_DIR/haproxy.log" 2>&1 &
  HAPROXY_PID=$!
  echo "haproxy $HAPROXY_PID" >> "$RUN_DIR/pids"
  # Servers start "up" until the checks say otherwise: wait until the standby has been marked down.
  wait_for 20 "HAProxy to mark the standby down" grep -q "Server pg/b is DOWN" "$RUN_DIR/haproxy.log" || return 2

  # The app: database through HAProxy, migrations (they seed the district tree), an admin with an API token.
  echo "== run $run: app (migrate, user, token, serve on :$APP_PORT)"
  export DATABASE_URL="postgres://postgres@127.0.0.1:$HAPROXY_PORT/pingan"
  export PINGAN_SECRET_KEY; PINGAN_SECRET_KEY=$(python3 -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())')
  export PINGAN_UPLOADS="$RUN_DIR/uploads" HOST=127.0.0.1 PORT=$APP_PORT
  (cd "$RUN_DIR" && timeout 300 "$BIN" migrate > "$RUN_DIR/migrate.log" 2>&1) || { echo "migrate failed: $RUN_DIR/migrate.log" >&2; tail -5 "$RUN_DIR/migrate.log" >&2; return 2; }
  (cd "$RUN_DIR" && timeout 60 "$BIN" user create --username drill --role admin > "$RUN_DIR/user.log" 2>&1)
  local token; token=$(cd "$RUN_DIR" && timeout 60 "$BIN" token create --username drill --name failover-drill 2>/dev/null | tail -n 1)
  # Each log line stamped with the wall clock (the app's console log has no time), so errors can be placed in the switch.
  (cd "$RUN_DIR" && exec "$BIN" serve) > >(while IFS= read -r l; do printf '%s %s\n' "$EPOCHREALTIME" "$l"; done > "$RUN_DIR/app.log") 2>&1 &
  APP_PID=$!
  echo "app $APP_PID" >> "$RUN_DIR/pids"
  wait_for 60 "the app's /health" curl -sf -o /dev/null "http://127.0.0.1:$APP_PORT/health" || return 2
  local communities
  communities=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$APP_PORT/api/v1/divisions?level=community" |
    python3 -c 'import json,sys; print(",".join(str(d["id"]) for d in json.load(sys.stdin)[:20]))')
  [ -n "$communities" ] || { echo "no communities from /api/v1/divisions" >&2; return 2; }

  # Kill: the node that is primary now (a).
  local victim=a standby=b victim_dir="$RUN_DIR/a"
  cat > "$RUN_DIR/kill.sh" <<EOF
#!/bin/bash
# SIGKILL, $KILL mode, to node $victim (pg_autoctl keeper's process group, which holds the postmaster; or the postmaster only).
pm=\$(head -1 "$victim_dir/postmaster.pid")
sup=\$(head -1 "$RUN_DIR/xdg/run/pg_autoctl$victim_dir/pg_autoctl.pid")
if [ "$KILL" = node ]; then kill -KILL -- "-\$sup"; fi
kill -KILL "\$pm" 2>/dev/null || true
echo "\$pm \$sup" > "$RUN_DIR/killed.txt"
EOF
  chmod 755 "$RUN_DIR/kill.sh"
  echo "== run $run: load ($WRITES writes at $RATE/s, $CLIENTS clients), kill -9 ($KILL) of primary $victim after $((WRITES / 4)) acknowledged"
  local rate_int=${RATE%.*}; [ "${rate_int:-0}" -ge 1 ] || rate_int=1
  timeout $((WRITES / rate_int + 300)) python3 "$WORK/load.py" --url "http://127.0.0.1:$APP_PORT" --token "$token" --run "r$run-$$" \
    --writes "$WRITES" --rate "$RATE" --clients "$CLIENTS" --kill-at $((WRITES / 4)) --kill-cmd "$RUN_DIR/kill.sh" \
    --communities "$communities" --out "$RUN_DIR/load.jsonl" --pidfile "$RUN_DIR/pids" &
  LOAD_PID=$!
  wait "$LOAD_PID" || { echo "load client failed (exit $?)" >&2; LOAD_PID=""; return 2; }
  LOAD_PID=""

  # Where is the primary now, and what does it do about synchronous commit while the other node is down?
  local primary="" switch
  for _ in $(seq 1 20); do
    for n in a b; do
      local port=$NODE_A_PORT; [ $n = b ] && port=$NODE_B_PORT
      writable_primary "$port" && { primary=$n; break 2; }
    done
    sleep 0.5
  done
  [ "$primary" = "$standby" ] && switch="promoted-$standby" || switch="${primary:-none}-restarted-in-place"
  local pport=$NODE_A_PORT oport=$NODE_B_PORT old=$standby
  [ "$primary" = b ] && { pport=$NODE_B_PORT; oport=$NODE_A_PORT; old=a; }
  local degraded_ssn; degraded_ssn=$(q "$pport" postgres "show synchronous_standby_names")
  echo "  primary now: ${primary:-none} ($switch); its synchronous_standby_names while $old is out: '${degraded_ssn}'"
  echo "  monitor: $(q "$MONITOR_PORT" pg_auto_failover "select string_agg(nodename||' '||reportedstate||'/'||goalstate, ', ' order by nodename) from pgautofailover.node")"
  q "$pport" pingan "SELECT description FROM incidents WHERE description LIKE 'drill-r$run-$$-%'" > "$RUN_DIR/found-primary.txt"

  # The other node (the killed primary after a promotion, else the standby) must end up a standby in recovery,
  # streaming to the primary, with the primary's commits synchronous again. In node mode its keeper was killed: start
  # it again (pg_autoctl rewinds the old primary with pg_rewind); in postmaster mode the keeper never stopped.
  local t_rejoin=$SECONDS rejoined=false old_rec="" sync_state="" standby_checked=false expected
  if [ "$KILL" = node ] && ! alive_as "$(supervisor_pid "$victim_dir")" "$victim_dir"; then start_node "$victim_dir" "$RUN_DIR/$victim.log"; fi
  [ "$old" = a ] && expected="a:secondary/secondary b:primary/primary" || expected="a:primary/primary b:secondary/secondary"
  if [ -n "$primary" ] && wait_for 120 "$old to be a standby of $primary" states_are "$expected"; then
    old_rec=$(q "$oport" postgres "select pg_is_in_recovery()")
    sync_state=$(q "$pport" postgres "select sync_state from pg_stat_replication where application_name like 'pgautofailover_standby_%'")
    [ "$old_rec" = t ] && [ -n "$sync_state" ] && rejoined=true
  fi
  local rejoin_s=$((SECONDS - t_rejoin))
  if [ "$rejoined" = true ]; then
    # Everything the primary has is replayed on the standby (LSNs, bounded); then the markers are counted there too.
    local lsn; lsn=$(q "$pport" postgres "select pg_current_wal_lsn()")
    wait_for 30 "the standby to replay up to $lsn" replayed_to "$oport" "$lsn" || true
    q "$oport" pingan "SELECT description FROM incidents WHERE description LIKE 'drill-r$run-$$-%'" > "$RUN_DIR/found-standby.txt"
    standby_checked=true
  else
    : > "$RUN_DIR/found-standby.txt"
  fi
  local ssn_after; ssn_after=$(q "$pport" postgres "show synchronous_standby_names")
  q "$MONITOR_PORT" pg_auto_failover "SELECT to_char(eventtime AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), nodename, reportedstate, goalstate, description FROM pgautofailover.event ORDER BY eventid" > "$RUN_DIR/events.txt"
  cat > "$RUN_DIR/extra.json" <<EOF
{"kill": "$KILL", "switch": "$switch", "standby_name": "$standby", "primary_after": "${primary:-}", "rejoined": $rejoined,
 "rejoin_s": $rejoin_s, "old_in_recovery": "$old_rec", "sync_state": "$sync_state", "standby_checked": $standby_checked,
 "sync_names_degraded": "$degraded_ssn", "sync_names_after_rejoin": "$ssn_after", "monitor_tuned": $([ $DEFAULTS = 1 ] && echo false || echo true),
 "run_seconds": $((SECONDS - t_run))}
EOF
  local rc=0
  python3 "$WORK/report.py" "$RUN_DIR" "$run" "$RESULTS" "$RECOVERY_GOAL" || rc=$?
  teardown
  return $rc
}

STATUS=0
for r in $(seq 1 "$RUNS"); do
  rc=0; run_once "$r" || rc=$?
  if [ $rc = 2 ] || [ $rc -gt 2 ]; then echo "run $r: set-up failed (exit $rc); logs in $WORK/run$r" >&2; teardown; exit 2; fi
  [ $rc = 0 ] || STATUS=1
done
echo "results: $RESULTS (one JSON object per run); logs under $WORK/run*/"
exit $STATUS
