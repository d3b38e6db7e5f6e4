#!/usr/bin/env bash
# Export Pingan's weekly forecasts for toronto-2020 and score them with the fixed protocol
# (../shared/tools/forecast-eval/evaluate.py score), one model at a time.
# Usage: bench/forecast-score.sh CELL "CRIME" MODEL [NAME]
#   e.g. bench/forecast-score.sh 150 "Break and Enter" default
# Needs the tool's venv: python3 -m venv /work/.venv-fe && /work/.venv-fe/bin/pip install numpy scipy pandas
set -euo pipefail
cd "$(dirname "$0")/.."
CELL=$1; CRIME=$2; MODEL=$3; NAME=${4:-pingan-$MODEL}
DATA=${DATA:-../shared/data/toronto-mci/toronto_mci_occurred_to_2020.csv.gz}
PY=${PY:-/work/.venv-fe/bin/python}
OUT=${OUT:-bench/out/forecast}; mkdir -p "$OUT"
SCRATCH=${SCRATCH:-.build-lab}
[ -x "$SCRATCH/release/pingan-lab" ] || nice -n 10 swift build -c release --product pingan-lab --scratch-path "$SCRATCH" >/dev/null
tag="$(echo "$CRIME" | tr ' ' '_')-$CELL-$(echo "$NAME" | tr ':=,/' '____')"
nice -n 10 "$SCRATCH/release/pingan-lab" forecast export --data "$DATA" --crime "$CRIME" --cell "$CELL" \
  --weeks toronto-2020 --model "$MODEL" --out "$OUT/$tag.csv"
nice -n 10 "$PY" ../shared/tools/forecast-eval/evaluate.py score --testset toronto-2020 --crime "$CRIME" \
  --cell "$CELL" --forecast "$OUT/$tag.csv" --name "$NAME" --out "$OUT/row-$tag.csv" | tee "$OUT/score-$tag.txt"
rm -f "$OUT/$tag.csv"    # ~19 MB each; the row and the printed table are kept
