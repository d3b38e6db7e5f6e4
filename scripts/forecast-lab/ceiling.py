"""Ceiling at 1 %: forecasts that are *not* forecasts (they see the future), against last-52 and the default.
Pre-2020 data only. Run: /work/.venv-fe/bin/python ceiling.py   (from this folder)"""
from models import *
for crime, C in (("All", Yall), ("Break and Enter", Ybe)):
    sets = ("2017", "2018", "2019")
    b = run(crime, h.window(C, 52), "last52", sets=sets)
    run(crime, default(crime), "default (walk-forward)", b, sets=sets)
    # each cell's count over all six pre-2020 years except the week being scored
    run(crime, C.sum(0)[None, :] - C, "oracle: 2014-2019 leave-one-week-out", b, sets=sets)
    for k in sets:
        s0 = week_of(SETS[k]); yr = C[s0:s0 + 52].sum(0)
        S = np.zeros_like(C); S[s0:s0 + 52] = yr[None, :] - C[s0:s0 + 52]
        run(crime, S, "oracle: other 51 weeks of the same year", b, sets=(k,))
