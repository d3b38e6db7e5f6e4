#!/usr/bin/env bash
# Gi* hot spots, side by side with PySAL in one script (issue 7 "Performance"): builds pingan-lab in
# release mode (PinganKit only, no Vapor) and runs scripts/gistar_diff.py, which times esda's analytic
# G_Local and Pingan's GetisOrd.giStar on the same Toronto cells (250 m and 150 m) and checks that the
# results are identical (max |dz| <= 1e-9). Figures and machine: bench/GISTAR.md.
# Usage: bench/gistar.sh [--cells 250 150] [--repeat 7]
# Needs the PySAL venv (see ../shared/data/README.md):
#   python3 -m venv /work/.venv-pysal && /work/.venv-pysal/bin/pip install esda==2.9.0 libpysal==4.14.1 pandas
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYSAL_PYTHON:-/work/.venv-pysal/bin/python}
nice -n 10 swift build -c release --product pingan-lab --scratch-path .build-lab >/dev/null 2>&1 || { echo "build failed: run swift build -c release --product pingan-lab --scratch-path .build-lab"; exit 1; }
echo "== $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== $(swift --version 2>/dev/null | head -1); $("$PY" -c 'import esda, libpysal, numpy, scipy; print(f"esda {esda.__version__}, libpysal {libpysal.__version__}, numpy {numpy.__version__}, scipy {scipy.__version__}")')"
exec nice -n 10 "$PY" scripts/gistar_diff.py --lab .build-lab/release/pingan-lab "$@"
