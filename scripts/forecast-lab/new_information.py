"""Information the two-scale default does not use, tried for All at 1 % (pre-2020 data only):
premises type (NNLS on per-premises decayed counts), exact-location concentration (a power of each location's
decayed count), and district-wide seasonality by premises type and by offence type.
Run: /work/.venv-fe/bin/python new_information.py   (from this folder; ~3 min)"""
from models import *
from scipy.optimize import nnls
P = ["Outside", "Apartment", "Commercial", "House", "Other", "Educational", "Transit"]
prem = h.d.premises_type.values
sets = ("2017", "2018", "2019")
b52 = run("All", h.window(Yall, 52), "last52", sets=sets)
run("All", default("All"), "default", b52, sets=sets)

# 1. premises type: NNLS of next week's count on decayed counts (H = 4, 26, 156) per premises type,
#    fitted on the 104 weeks before each set
Hs = [4, 26, 156]
feats = {(p, H_): h.decayed(h.counts(prem == p), H_) for p in P for H_ in Hs}
for k in sets:
    s0 = week_of(SETS[k]); tw = range(s0 - 104, s0); m = h.firstwk < s0 - 104
    X = np.stack([np.concatenate([feats[n][t, m] for t in tw]) for n in feats], 1)
    y = np.concatenate([Yall[t, m] for t in tw])
    beta, _ = nnls(X, y)
    run("All", sum(v * feats[n] for n, v in zip(feats, beta)), "NNLS by premises type", b52, sets=(k,))

# 2. exact locations: cell score = sum over its locations of (decayed count)^p
xy = np.round(h.x, 0) * 1e6 + np.round(h.y, 0)
locs, li = np.unique(xy, return_inverse=True)
loc_u = np.zeros(len(locs), int); loc_u[li] = h.u
CL = np.zeros((h.W, len(locs))); np.add.at(CL, (h.wk, li), 1.0)
def cellsum(D, p):
    G = D ** p
    return np.stack([np.bincount(loc_u, weights=G[t], minlength=h.U) for t in range(h.W)])
D156, D26 = h.decayed(CL, 156), h.decayed(CL, 26)
for p in (0.8, 0.9, 1.1, 1.25):
    run("All", cellsum(D156, p) + 3 * cellsum(D26, p) + 3 * short(Yall), f"locations p={p}", b52, sets=sets)

# 3. seasonality: each group's blend scaled by its district-wide same-weeks-of-previous-years factor
def seasonal_factor(sel, halfwin, years=3):
    tot = np.bincount(h.wk[sel], minlength=h.W).astype(float); f = np.ones(h.W)
    for t in range(h.W):
        num, den = [], []
        for y in range(1, years + 1):
            c = t - 52 * y
            if c - halfwin < 0 or c + halfwin + 1 > t: continue
            num.append(tot[c - halfwin:c + halfwin + 1].mean()); den.append(tot[max(0, c - 26):c + 26].mean())
        if num: f[t] = np.mean(num) / max(np.mean(den), 1e-9)
    return f
for label, groups in (("premises", [prem == p for p in P]), ("offence", [h.type == t for t in TYPES])):
    for hw in (1, 3):
        S = np.zeros_like(Yall)
        for sel in groups:
            C = h.counts(sel)
            S += seasonal_factor(sel, hw)[:, None] * (h.decayed(C, 156) + 3 * h.decayed(C, 26) + 3 * short(C))
        run("All", S, f"seasonal by {label} ±{hw} wk", b52, sets=sets)
