#!/usr/bin/env python3
"""Differential check and side-by-side timing of Pingan's Gi* against PySAL esda.

    /work/.venv-pysal/bin/python scripts/gistar_diff.py [--cells 250 150] [--repeat 7] [--lab PATH]

For each cell size it
  1. bins the Toronto MCI points (2014-2020, the forecast-eval protocol P1/P2: equirectangular
     projection around (43.7065, -79.3967), rounded to 1 mm, frozen extent, row-major cell index from
     the south-west corner) on the FULL lattice (166x119 = 19,754 cells at 250 m; 277x198 at 150 m) using
     forecast-eval's own `project` / `Grid`, so the cells are the protocol's cells;
  2. runs esda 2.9.0 `G_Local(y, w, star=True, transform='B', permutations=0)` (the analytic run) with
     w = libpysal `lat2W(rows, cols, rook=False)`: queen contiguity. For star=True and a zero diagonal,
     esda's `_infer_star_and_structure_w` calls `fill_diagonal(w, 1)`, so the weights are the 3x3 block
     around each cell (clipped at the border), all 1 - the same W as Swift's
     `GetisOrd.giStar(values:rows:columns:)`;
  3. writes the raw points (Lat/Long strings untouched, plus ISO weekday and hour) to a temporary CSV and
     runs `pingan-lab gistar --points ... --cell C --all-cells --out ... --repeat R`, which projects and bins
     them itself;
  4. asserts identical y per cell and max |dz| <= 1e-9 (also Gs, EGs, VGs, p_norm), and prints the
     timings side by side: esda's G_Local call (median of R, weights pre-built, lat2W timed apart) against
     Swift's Gi* computation (median of R, in-process), and both end to end.
Exit status 1 if any check fails.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, ".."))
SHARED = os.environ.get("PINGAN_SHARED", os.path.normpath(os.path.join(REPO, "..", "shared")))
sys.path.insert(0, os.path.join(SHARED, "tools", "forecast-eval"))
os.environ.setdefault("FE_DATA_ROOT", os.path.dirname(SHARED))

import evaluate as fe  # noqa: E402  (forecast-eval: protocol projection and grid)
import esda  # noqa: E402
import libpysal  # noqa: E402
import warnings  # noqa: E402

TOL = 1e-9


def median_time(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2], times[0], out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cells", type=float, nargs="+", default=[250, 150])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--lab", default=os.path.join(REPO, ".build-lab", "release", "pingan-lab"))
    a = ap.parse_args()
    if not os.path.exists(a.lab):
        sys.exit(f"{a.lab} not found: build it with\n  swift build -c release --product pingan-lab --scratch-path .build-lab")

    cfg = fe.CITIES["toronto"]
    path = os.path.join(fe.DATA_ROOT, cfg["files"][0])
    raw = pd.read_csv(path, dtype=str, usecols=["occurrencedate", "occurrencehour", "Lat", "Long"])
    date = pd.to_datetime(raw["occurrencedate"].str[:10], format="%Y/%m/%d")
    keep = (date >= "2014-01-01") & raw["Lat"].notna() & raw["Long"].notna()
    raw, date = raw[keep].reset_index(drop=True), date[keep].reset_index(drop=True)
    ref = fe.load_city("toronto")           # the protocol's cleaned incidents, for a cross-check
    assert len(ref) == len(raw), (len(ref), len(raw))
    lat, lon = raw["Lat"].astype(float).values, raw["Long"].astype(float).values

    tmp = tempfile.mkdtemp(prefix="gistar-diff-")
    pts = os.path.join(tmp, "toronto_points.csv")
    pd.DataFrame({"lat": raw["Lat"], "lon": raw["Long"], "weekday": date.dt.day_of_week.values + 1,
                  "hour": raw["occurrencehour"]}).to_csv(pts, index=False)
    print(f"Toronto MCI 2014-2020: {len(raw):,} points -> {pts}")

    ok = True
    rows = []
    for cell in a.cells:
        g = fe.Grid("toronto", cell)
        x, y = fe.project(lat, lon, cfg)
        xy = np.round(np.column_stack([x, y]), 3)
        cx, cy = g.cell_xy(xy[:, 0], xy[:, 1])
        inside = g.inside(cx, cy)
        counts = np.bincount(g.index(cx[inside], cy[inside]), minlength=g.n).astype(np.int64)

        t_w, _, w = median_time(lambda: libpysal.weights.lat2W(g.ny, g.nx, rook=False), a.repeat)
        w.transform = "B"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_esda, t_esda_min, lg = median_time(
                lambda: esda.G_Local(counts, w, star=True, transform="B", permutations=0), a.repeat)

        def run_lab(extra):
            out = os.path.join(tmp, f"cells_{int(cell)}{extra and '_general'}.csv")
            cmd = [a.lab, "gistar", "--points", pts, "--cell", str(cell), "--all-cells", "--out", out,
                   "--repeat", str(a.repeat)] + ([extra] if extra else [])
            t = time.perf_counter()
            p = subprocess.run(cmd, capture_output=True, text=True)
            t_proc = time.perf_counter() - t
            if p.returncode != 0:
                sys.exit(f"pingan-lab failed: {p.stderr}")
            timing = {}
            for line in p.stderr.splitlines():
                if line.startswith("timing_ms:"):
                    for part in line[len("timing_ms:"):].split(","):
                        name, val = part.strip().split(" ")[:2]
                        timing[name] = float(val) / 1000
            return pd.read_csv(out).sort_values("cell_index").reset_index(drop=True), timing, t_proc

        s, timing, t_proc = run_lab("")                       # lattice stencil (the default path)
        s_gen, timing_gen, _ = run_lab("--general-weights")   # sparse weights path
        same_general = s_gen[["y", "gi_z", "p_norm"]].equals(s[["y", "gi_z", "p_norm"]])

        same_cells = len(s) == g.n and (s["cell_index"].values == np.arange(g.n)).all()
        same_y = same_cells and (s["y"].values == counts).all()
        def maxdiff(col, ref_arr):
            d = np.abs(s[col].values - ref_arr)
            both_nan = np.isnan(s[col].values) & np.isnan(ref_arr)
            d[both_nan] = 0
            return float(np.nanmax(d)) if not np.isnan(d).any() else float("inf")
        dz = maxdiff("gi_z", lg.Zs)
        dg = maxdiff("gi", lg.Gs)
        de = maxdiff("e_gi", lg.EGs)
        dv = maxdiff("v_gi", lg.VGs)
        dp = maxdiff("p_norm", lg.p_norm)
        exact = int((s["gi_z"].values == lg.Zs).sum())
        passed = same_y and same_general and max(dz, dg, de, dv, dp) <= TOL
        ok &= passed
        hot = int((lg.Zs >= 1.959963984540054).sum())
        print(f"\n== {int(cell)} m: lattice {g.nx} x {g.ny} = {g.n:,} cells, {int(counts.sum()):,} points in grid, "
              f"{int((counts > 0).sum()):,} non-empty, {hot:,} with z >= 1.96")
        print(f"   same cells and y: {same_y}; sparse-weights path identical to stencil path: {same_general}")
        print(f"   max |dz| {dz:.3e}   (bit-identical z: {exact:,}/{g.n:,})")
        print(f"   max |dGs| {dg:.3e}  |dEGs| {de:.3e}  |dVGs| {dv:.3e}  |dp_norm| {dp:.3e}   -> {'PASS' if passed else 'FAIL'}")
        ratio = t_esda / timing["gistar"]
        print(f"   esda G_Local analytic (w pre-built)  {t_esda * 1000:9.3f} ms  (median of {a.repeat}; min {t_esda_min * 1000:.3f})")
        print(f"   Swift GetisOrd.giStar (in-process)   {timing['gistar'] * 1000:9.3f} ms  (median of {a.repeat})   ratio {ratio:,.0f}x")
        print(f"   Swift, sparse-weights path           {timing_gen['gistar'] * 1000:9.3f} ms  (median of {a.repeat})   ratio {t_esda / timing_gen['gistar']:,.0f}x")
        print(f"   end to end: esda lat2W {t_w * 1000:.1f} ms + G_Local {t_esda * 1000:.1f} ms = {(t_w + t_esda) * 1000:.1f} ms;"
              f" pingan-lab process {t_proc * 1000:.1f} ms (read+project {timing['read+project'] * 1000:.1f}, "
              f"bin {timing['bin'] * 1000:.2f}, {a.repeat}x gistar, write {timing['write'] * 1000:.1f})")
        rows.append((int(cell), g.n, dz, t_esda, timing["gistar"], ratio, timing_gen["gistar"], passed))

    print("\n| cell | cells | max abs dz | esda G_Local | Swift Gi* (stencil) | ratio | Swift Gi* (sparse W) | ratio | check |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for c, n, dz, te, ts, r, tg, pz in rows:
        print(f"| {c} m | {n:,} | {dz:.1e} | {te * 1000:.2f} ms | {ts * 1000:.3f} ms | {r:,.0f}x | {tg * 1000:.3f} ms | {te / tg:,.0f}x | {'PASS' if pz else 'FAIL'} |")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
