#!/usr/bin/env bash
# Staffing planner at district scale (issue 4): builds pingan-lab in release (PinganKit only, no Vapor)
# and times the plan on a deterministic synthetic district. Goal: 2,000 communities ≤ 50 ms.
# Usage: bench/staffing.sh [communities] [runs]   (defaults 2000, 500). Results: bench/STAFFING.md.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000}
RUNS=${2:-500}
SCRATCH=${SCRATCH:-.build-lab}
LOG=$(mktemp)
nice -n 10 swift build -c release --product pingan-lab --scratch-path "$SCRATCH" >"$LOG" 2>&1 || { cat "$LOG"; exit 1; }
rm -f "$LOG"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(swift --version 2>/dev/null | head -1)"
nice -n 10 "$SCRATCH/release/pingan-lab" staffing-bench --communities "$N" --runs "$RUNS"
