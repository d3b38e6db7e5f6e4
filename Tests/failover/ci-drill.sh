#!/usr/bin/env bash
# Issue 23 §3, the small failover drill for CI: bench/failover.sh with one run of 300 writes — pg_auto_failover
# (monitor + two data nodes, synchronous replication) behind HAProxy on loopback, the app writing incidents through
# the JSON API, kill -9 of the primary node mid-load, promotion, the old primary back as a standby.
# Fails (exit 1) when an acknowledged write is lost, when no write is accepted within 30 s of the kill, when a write
# fails outside the switch, or when the old primary does not come back as a standby; exit 2 when set-up fails.
# Bounded to ~3 minutes (hard limit 5). Installs postgresql-NN-auto-failover and haproxy from Debian if missing.
#   Tests/failover/ci-drill.sh BINARY        (as root, like .ci/run; ports 5441-5443, 5450, 18300 must be free)
set -euo pipefail
BIN=$(readlink -f "${1:?path to the pingan binary}")
cd "$(dirname "$0")/../.."
START=$SECONDS
# Processes of an earlier drill that was killed before it could clean up (its pids, checked against its work dir).
bench/failover.sh --cleanup-stale
STATUS=0
timeout --kill-after=20 300 bench/failover.sh --binary "$BIN" --writes 300 --rate 8 --runs 1 || STATUS=$?
echo "failover drill: exit $STATUS in $((SECONDS - START)) s"
[ "$STATUS" = 124 ] && echo "FAILED: failover drill timed out (300 s)"
exit "$STATUS"
