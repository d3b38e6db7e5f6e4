#!/usr/bin/env python3
"""Differential test of Pingan's resident identity number validator (PinganKit ResidentID.parse)
against three peer implementations from PyPI:

  python-stdnum 2.2     stdnum.cn.ric.is_valid        MOD 11-2, real date, area code in force in the
                                                      birth year (Wikipedia-derived table); no
                                                      future-date check; raises KeyError for some
                                                      unknown counties (wrapped here -> reject)
  id-validator 1.0.20   id_validator.validator.is_valid
                                                      own area table incl. abolished codes; rejects
                                                      birth YEARS after the current year; accepts
                                                      15-digit numbers
  idnumbers 1.22.0      idnumbers.validate('CHN', s)  checksum + real date only

Set-up (once):
  python3 -m venv .venv-peers && .venv-peers/bin/pip install \
      python-stdnum==2.2 id-validator==1.0.20 idnumbers==1.22.0 faker==40.54.0
Our side is a small Swift CLI (not part of Package.swift) that reads numbers on stdin and prints
one verdict per line ("ok", "badChecksum:X", "unknownDivision:449999", ...).  This script writes
it into a scratch package that symlinks PinganKit; build it there and pass its path:

  python3 scripts/resident_id_diff.py --setup-scratch /tmp/ridpkg
  (cd /tmp/ridpkg && swift build --scratch-path /tmp/ridpkg/.build -c release --product idcheck)
  .venv-peers/bin/python scripts/resident_id_diff.py --idcheck /tmp/ridpkg/.build/release/idcheck
  (or IDCHECK=/path/to/idcheck)

Options: --seed N (default 20261121), --scale F (sample-count multiplier, default 1.0 ≈ 108,000
numbers), --today YYYY-MM-DD (default: today in Asia/Shanghai; Faker and id-validator use the
real clock regardless), --json PATH (write every disagreement class with examples).

The samples (deterministic for a given seed and day) are valid numbers built from real division
codes + real dates + the right check digit, and invalid ones made by mutation, plus Faker zh_CN
ssn() numbers.  Every disagreement is put into a named class by rules that look at the number
itself (is the code in each table, is the date in the future, ...), so unexplained differences
show up as "UNEXPLAINED".
"""
import argparse
import datetime
import functools
import json
import os
import random
import subprocess
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_division_codes  # noqa: E402

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
             "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
             "65", "71", "81", "82"]


def check_digit(body17):
    c = (12 - sum(int(a) * w for a, w in zip(body17, WEIGHTS)) % 11) % 11
    return "X" if c == 10 else str(c)


def with_check(body17):
    return body17 + check_digit(body17)


def is_leap(y):
    return (y % 4 == 0 and y % 100 != 0) or y % 400 == 0


def days_in(y, m):
    return 29 if (m == 2 and is_leap(y)) else 28 if m == 2 else 30 if m in (4, 6, 9, 11) else 31


def ymd(d):
    return "%04d%02d%02d" % (d.year, d.month, d.day)


# ----------------------------------------------------------------------------------- scratch

SCRATCH_PACKAGE = """// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "ridpkg",
    platforms: [.macOS(.v13)],
    targets: [
        .target(name: "PinganKit", path: "Sources/PinganKit"),
        .executableTarget(name: "idcheck", dependencies: ["PinganKit"], path: "Sources/idcheck"),
        .testTarget(name: "PinganKitTests", dependencies: ["PinganKit"], path: "Tests/PinganKitTests"),
    ]
)
"""

IDCHECK_MAIN = r'''// idcheck — reads one resident identity number per line on stdin, prints one verdict per line:
//   ok | empty | wrongLength:<n> | badCharacters | badChecksum:<c> | invalidBirthDate |
//   futureBirthDate | tooOld | unknownDivision:<code>
// Usage: idcheck [--today YYYY-MM-DD]   (today is taken as noon in Asia/Shanghai; default: now)
import Foundation
import PinganKit

var today = Date()
let args = CommandLine.arguments
if let i = args.firstIndex(of: "--today"), i + 1 < args.count {
    let p = args[i + 1].split(separator: "-").compactMap { Int($0) }
    var cal = Calendar(identifier: .gregorian)
    cal.timeZone = TimeZone(identifier: "Asia/Shanghai")!
    guard p.count == 3, let d = cal.date(from: DateComponents(year: p[0], month: p[1], day: p[2], hour: 12)) else {
        FileHandle.standardError.write("bad --today\n".data(using: .utf8)!)
        exit(2)
    }
    today = d
}
let registry = DivisionRegistry.default
var out = ""
out.reserveCapacity(1 << 16)
while let line = readLine(strippingNewline: true) {
    switch ResidentID.parse(line, today: today, divisions: registry) {
    case .success: out += "ok\n"
    case .failure(let p):
        switch p {
        case .empty: out += "empty\n"
        case .wrongLength(let n): out += "wrongLength:\(n)\n"
        case .badCharacters: out += "badCharacters\n"
        case .badChecksum(let c): out += "badChecksum:\(c)\n"
        case .invalidBirthDate: out += "invalidBirthDate\n"
        case .futureBirthDate: out += "futureBirthDate\n"
        case .tooOld: out += "tooOld\n"
        case .unknownDivision(let c): out += "unknownDivision:\(c)\n"
        }
    }
    if out.utf8.count > 60_000 { FileHandle.standardOutput.write(out.data(using: .utf8)!); out = "" }
}
FileHandle.standardOutput.write(out.data(using: .utf8)!)
'''


def setup_scratch(path):
    """Write a scratch Swift package at `path` that links the repository's PinganKit sources
    (symlinked) and has the `idcheck` executable, so Package.swift of the repository is untouched."""
    root = os.path.dirname(HERE)
    os.makedirs(os.path.join(path, "Sources", "idcheck"), exist_ok=True)
    os.makedirs(os.path.join(path, "Tests"), exist_ok=True)
    for link, target in ((os.path.join(path, "Sources", "PinganKit"), os.path.join(root, "Sources", "PinganKit")),
                         (os.path.join(path, "Tests", "PinganKitTests"), os.path.join(root, "Tests", "PinganKitTests"))):
        if not os.path.lexists(link):
            os.symlink(target, link)
    with open(os.path.join(path, "Package.swift"), "w") as f:
        f.write(SCRATCH_PACKAGE)
    with open(os.path.join(path, "Sources", "idcheck", "main.swift"), "w") as f:
        f.write(IDCHECK_MAIN)
    print("wrote %s; build with:\n  cd %s && swift build --scratch-path %s/.build -c release --product idcheck"
          "\nthen pass --idcheck %s/.build/release/idcheck" % (path, path, path, path))


# ----------------------------------------------------------------------------------- peers

def load_peers():
    from stdnum.cn import ric
    from stdnum import numdb
    from stdnum import exceptions as stdnum_exc
    from id_validator import validator as idv, helper as idv_helper, data as idv_data
    import idnumbers
    # id-validator rebuilds its big tables (dict literals) on every call; cache them. Same results.
    for name in ("get_address_code", "get_address_code_timeline", "get_additional_address_code_timeline"):
        setattr(idv_data, name, functools.lru_cache(maxsize=None)(getattr(idv_data, name)))
    return dict(ric=ric, numdb=numdb, stdnum_exc=stdnum_exc, idv=idv, idv_helper=idv_helper,
                idv_data=idv_data, idnumbers=idnumbers)


def stdnum_verdict(P, s):
    """(ok, stage) following stdnum.cn.ric.validate step by step with its own functions."""
    ric, exc = P["ric"], P["stdnum_exc"]
    try:
        ok = ric.is_valid(s)
    except KeyError:
        return False, "KeyError"
    except Exception as e:  # noqa: BLE001
        return False, "raised " + type(e).__name__
    if ok:
        return True, "ok"
    try:
        n = ric.compact(s)
    except exc.ValidationError:
        return False, "format"
    if len(n) != 18:
        return False, "length"
    if not n[:-1].isdigit() or not n[:-1].isascii():
        return False, "format"
    if n[-1] != ric.calc_check_digit(n):
        return False, "checksum"
    try:
        ric.get_birth_date(n)
    except exc.ValidationError:
        return False, "date"
    return False, "area"


def stdnum_area_info(P, code6, year):
    """('absent' | 'in-force' | 'before' | 'after', county text): is the code in stdnum's table and,
    if so, was it in force in `year` (else: is the year before its first or after its last period)."""
    results = P["numdb"].get("cn/loc").info(code6)
    info = {k: v for part, props in results for k, v in props.items()}
    county = info.get("county")   # results: [("44", {province}), ("0113", {county: "[2000-]番禺区"})]
    if not county:
        return "absent", ""
    starts, ends = [], []
    for c in county.split(","):
        if not c.startswith("["):
            return "in-force", county
        startend, _ = c[1:].split("]")
        start, end = startend.split("-")
        if (start and year < int(start)) or (end and year > int(end)):
            starts.append(int(start) if start else 0)
            ends.append(int(end) if end else 9999)
            continue
        return "in-force", county
    return ("before" if year < min(starts) else "after"), county


def idv_verdict(P, s):
    idv, helper = P["idv"], P["idv_helper"]
    try:
        ok = idv.is_valid(s)
    except Exception as e:  # noqa: BLE001
        return False, "raised " + type(e).__name__
    if ok:
        return True, "ok"
    if len(s) not in (15, 18):
        return False, "length"
    try:
        code = helper.get_id_argument(s)
        if not helper.check_address_code(code["address_code"], code["birthday_code"], False):
            return False, "area"
        if not helper.check_birthday_code(code["birthday_code"]):
            return False, "date"
        return False, "checksum"
    except Exception as e:  # noqa: BLE001
        return False, "raised " + type(e).__name__


def idv_in_table(P, code6):
    d = P["idv_data"]
    return code6 in d.get_address_code_timeline() or code6 in d.get_additional_address_code_timeline()


def idnumbers_verdict(P, s):
    r = P["idnumbers"].validate("CHN", s)
    if r.is_valid:
        return True, "ok"
    return False, (r.reason.value if r.reason is not None else "invalid")


# ----------------------------------------------------------------------------------- samples

def make_samples(seed, scale, today, registry):
    rnd = random.Random(seed)
    county_current = [r for r in registry if r[1] == "k" and r[4] is None]
    county_old = [r for r in registry if r[1] == "k" and r[4] is not None]
    cities = [r for r in registry if r[1] == "c"]
    known = {r[0] for r in registry}
    city_prefixes = sorted({r[0][:4] for r in registry})
    samples = []

    def n(k):
        return max(1, int(round(k * scale)))

    def rand_date(lo=datetime.date(1890, 1, 1), hi=today):
        return lo + datetime.timedelta(days=rnd.randrange((hi - lo).days + 1))

    def realistic_date():
        if rnd.random() < 0.8:
            return rand_date(datetime.date(1940, 1, 1), min(today, datetime.date(2025, 12, 31)))
        return rand_date()

    def seq():
        return "%03d" % rnd.randrange(1000)

    def add(kind, s):
        samples.append((kind, s))

    for _ in range(n(30000)):
        add("valid/current-county", with_check(rnd.choice(county_current)[0] + ymd(realistic_date()) + seq()))
    for _ in range(n(15000)):
        add("valid/abolished-county", with_check(rnd.choice(county_old)[0] + ymd(realistic_date()) + seq()))
    for _ in range(n(5000)):
        r = rnd.choice(county_old)
        lo = max(1890, r[3] or 1890)
        hi = min(today.year - 1, r[4])
        y = rnd.randint(lo, max(lo, hi))
        d = rand_date(datetime.date(y, 1, 1), min(today, datetime.date(y, 12, 31)))
        add("valid/abolished-county-born-while-in-force", with_check(r[0] + ymd(d) + seq()))
    for _ in range(n(3000)):
        add("valid/city-level", with_check(rnd.choice(cities)[0] + ymd(realistic_date()) + seq()))
    for _ in range(n(2000)):
        add("valid/panyu", with_check(rnd.choice(["440126", "449003", "440181", "440113"])
                                      + ymd(realistic_date()) + seq()))
    for _ in range(n(1000)):
        y = rnd.choice([y for y in range(1892, today.year + 1) if is_leap(y) and datetime.date(y, 2, 29) <= today])
        add("valid/feb29-leap", with_check(rnd.choice(county_current)[0] + "%04d0229" % y + seq()))

    # --- mutations of valid numbers
    for _ in range(n(8000)):
        good = with_check(rnd.choice(county_current)[0] + ymd(realistic_date()) + seq())
        wrong = rnd.choice([c for c in "0123456789X" if c != good[-1]])
        add("invalid/wrong-check-digit", good[:-1] + wrong)
    for _ in range(n(8000)):
        code = rnd.choice(county_current)[0]
        y = rnd.randint(1900, today.year - 1)
        sub = rnd.randrange(7)
        if sub == 0:
            mmdd = "00%02d" % rnd.randint(1, 28)
        elif sub == 1:
            mmdd = "%02d%02d" % (rnd.randint(13, 99), rnd.randint(1, 28))
        elif sub == 2:
            mmdd = "%02d00" % rnd.randint(1, 12)
        elif sub == 3:
            mmdd = "%02d%02d" % (rnd.randint(1, 12), rnd.randint(32, 99))
        elif sub == 4:
            mmdd = "%02d31" % rnd.choice([4, 6, 9, 11])
        elif sub == 5:
            mmdd = "02%02d" % rnd.choice([30, 31])
        else:
            y = rnd.choice([y for y in range(1900, today.year) if not is_leap(y)])
            mmdd = "0229"
        add("invalid/impossible-date", with_check(code + "%04d" % y + mmdd + seq()))
    for _ in range(n(4000)):
        code = rnd.choice(county_current)[0]
        if rnd.random() < 0.5 and today < datetime.date(today.year, 12, 31):
            d = rand_date(today + datetime.timedelta(days=1), datetime.date(today.year, 12, 31))
            kind = "invalid/future-date-this-year"
        else:
            d = rand_date(datetime.date(today.year + 1, 1, 1), datetime.date(2099, 12, 31))
            kind = "invalid/future-date-later-year"
        add(kind, with_check(code + ymd(d) + seq()))
    for _ in range(n(2000)):
        code = rnd.choice(county_current)[0]
        if rnd.random() < 0.7:
            d = rand_date(datetime.date(1800, 1, 1), datetime.date(1889, 12, 31))
        else:
            d = rand_date(datetime.date(1, 1, 1), datetime.date(1799, 12, 31))
        add("invalid/born-before-1890", with_check(code + ymd(d) + seq()))
    for _ in range(n(8000)):
        sub = rnd.randrange(4)
        if sub == 0:
            code = rnd.choice(PROVINCES) + "0000"
            kind = "invalid/area-province-level"
        elif sub == 1:
            while True:
                code = rnd.choice(city_prefixes) + "%02d" % rnd.randint(1, 99)
                if code not in known:
                    break
            kind = "invalid/area-unknown-county-in-known-city"
        elif sub == 2:
            while True:
                code = rnd.choice(PROVINCES) + "%02d%02d" % (rnd.randint(1, 99), rnd.randint(0, 99))
                if code not in known and code[:4] not in city_prefixes:
                    break
            kind = "invalid/area-unknown-city-in-known-province"
        else:
            while True:
                code = "%02d%04d" % (rnd.randint(0, 99), rnd.randint(0, 9999))
                if code[:2] not in PROVINCES:
                    break
            kind = "invalid/area-unknown-province"
        add(kind, with_check(code + ymd(realistic_date()) + seq()))
    for _ in range(n(4000)):
        sub = rnd.randrange(4)
        good = with_check(rnd.choice(county_current)[0] + ymd(realistic_date()) + seq())
        if sub == 0:   # first-generation 15-digit number: code + yymmdd + 3-digit sequence
            d = rand_date(datetime.date(1900, 1, 1), datetime.date(1999, 12, 31))
            s = rnd.choice(county_current)[0] + ymd(d)[2:] + seq()
            add("invalid/length-15-first-generation", s)
        elif sub == 1:
            add("invalid/length-17", good[:17])
        elif sub == 2:
            add("invalid/length-19", good + rnd.choice("0123456789"))
        else:
            k = rnd.choice([1, 5, 10, 14, 16, 20, 24])
            add("invalid/length-other", (good * 2)[:k])
    for _ in range(n(4000)):
        good = with_check(rnd.choice(county_current)[0] + ymd(realistic_date()) + seq())
        sub = rnd.randrange(5)
        i = rnd.randrange(17)
        if sub == 0:
            s = good[:i] + rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWYZ") + good[i + 1:]
            kind = "invalid/letter-in-body"
        elif sub == 1:
            s = good[:17] + rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWYZ")
            kind = "invalid/letter-as-check"
        elif sub == 2:
            s = good[:i] + "X" + good[i + 1:]
            kind = "invalid/X-not-last"
        elif sub == 3:
            s = good[:i] + rnd.choice("-./*,") + good[i + 1:]
            kind = "invalid/punctuation"
        else:
            s = good[:6] + " " + good[6:14] + " " + good[14:]
            kind = "invalid/inner-spaces"
        add(kind, s)
    # --- representation variants of valid numbers
    fw = {ord(c): chr(0xFF10 + int(c)) for c in "0123456789"}
    x_numbers = []
    while len(x_numbers) < n(1000):
        g = with_check(rnd.choice(county_current)[0] + ymd(realistic_date()) + seq())
        if g.endswith("X"):
            x_numbers.append(g)
    for g in x_numbers:
        add("variant/lowercase-x", g[:-1] + "x")
    for _ in range(n(1500)):
        g = with_check(rnd.choice(county_current)[0] + ymd(realistic_date()) + seq())
        s = g.translate(fw)
        if s.endswith("X"):
            s = s[:-1] + rnd.choice(["Ｘ", "ｘ"])
            add("variant/full-width-with-X", s)
        else:
            add("variant/full-width", s)
    for _ in range(n(1500)):
        g = with_check(rnd.choice(county_current)[0] + ymd(realistic_date()) + seq())
        pad = rnd.choice([(" ", ""), ("", " "), ("  ", "  "), ("\t", ""), ("\u3000", "\u3000")])
        add("variant/surrounding-space", pad[0] + g + pad[1])
    # --- Faker
    from faker import Faker
    Faker.seed(seed)
    fake = Faker("zh_CN")
    for _ in range(n(10000)):
        add("faker/zh_CN-ssn", fake.ssn())
    return samples


# ----------------------------------------------------------------------------------- ours

def run_ours(idcheck, samples, today):
    for _, s in samples:
        assert "\n" not in s and "\r" not in s
    data = "".join(s + "\n" for _, s in samples).encode("utf-8")
    out = subprocess.run([idcheck, "--today", today.isoformat()], input=data, capture_output=True, check=True)
    lines = out.stdout.decode("utf-8").splitlines()
    assert len(lines) == len(samples), (len(lines), len(samples))
    return lines


def normalise_like_ours(s):
    t = s.strip(" \t\n\r\u3000\u00a0")
    out = []
    for ch in t:
        o = ord(ch)
        if 0xFF10 <= o <= 0xFF19:
            out.append(chr(o - 0xFF10 + 0x30))
        elif ch in ("x", "\uff38", "\uff58"):
            out.append("X")
        else:
            out.append(ch)
    return "".join(out)


# ----------------------------------------------------------------------------------- classes

def code_origin(code, meta):
    """How Pingan's registry knows the code: a short label for sub-classes."""
    m = meta.get(code)
    if m is None:
        return "unknown"
    level, last, sources = m
    if level == "s":
        return "derived 市辖区 summary xxyy01"
    if level == "c":
        return "city-level xxyy00"
    if sources == {"nbs2022"}:
        return "NBS-only functional zone"
    if last is None:
        return "current county code"
    return "abolished county code"


def explain(peer, ours, pv, pstage, s, P, meta, verdict):
    """Name the class of a disagreement (ours != peer)."""
    ours_ok = ours == "ok"
    n = normalise_like_ours(s)
    if n != s:
        pv_n, stage_n = verdict(n)
        if (pv_n, stage_n) != (pv, pstage):
            # the peer decides differently (or fails at another layer) on the normalised form
            if peer == "stdnum" and ("\uff38" in s or "\uff58" in s):
                return "A1 full-width Ｘ/ｘ check character: stdnum maps full-width digits, not Ｘ"
            if any(0xFF10 <= ord(c) <= 0xFF5A for c in s):
                return "A2 full-width characters: %s does not convert them" % peer
            if s != s.strip(" \t\n\r\u3000"):
                return "A3 surrounding white space: %s does not trim" % peer
            if "x" in s:
                return "A4 lowercase x: %s does not uppercase it" % peer
            return "A? UNEXPLAINED normalisation difference"
        s = n  # same verdict on the normalised form: classify on it
    code = s[:6]
    year = int(s[6:10]) if len(s) == 18 and s[6:10].isdigit() else None

    if peer == "id_validator" and len(s) == 15 and not ours_ok and pv:
        return "B1 15-digit first-generation number: id_validator accepts it, Pingan requires 18"

    if ours_ok and not pv:
        origin = code_origin(code, meta)
        if peer == "stdnum":
            if pstage == "KeyError":
                return "D1 code not in stdnum's table, stdnum raises KeyError (%s)" % origin
            if pstage == "area":
                status, _ = stdnum_area_info(P, code, year)
                if status == "absent":
                    return "D2 code not in stdnum's table, InvalidComponent (%s)" % origin
                if status == "before":
                    return "D3a stdnum area-year rule: born BEFORE the code came into force"
                if status == "after":
                    return "D3b stdnum area-year rule: born AFTER the code was abolished"
            return "D? UNEXPLAINED stdnum rejection"
        if peer == "id_validator":
            if pstage == "area" and not idv_in_table(P, code):
                return "D4 code not in id_validator's table (%s)" % origin
            return "D? UNEXPLAINED id_validator rejection"
        return "D? UNEXPLAINED %s rejection" % peer

    if not ours_ok and pv:
        kind = ours.split(":")[0]
        if kind == "futureBirthDate":
            if peer == "id_validator":
                return "C1 birth date later this year: id_validator only rejects future YEARS"
            return "C2 future birth date: %s has no future-date check" % peer
        if kind == "tooOld":
            return "C3 birth year before 1890: %s accepts it" % peer
        if kind == "unknownDivision":
            if peer == "idnumbers":
                return "E1 unknown address code: idnumbers does not check the area"
            if code[:2] in ("81", "82", "83") and peer == "id_validator" and code[2:] != "0000":
                return "E9 id_validator accepts any 81/82/83xxxx (HK/MO/TW residence-permit rule)"
            if code[2:] == "0000":
                return "E2 province-level code xx0000: %s accepts it" % peer
            if peer == "stdnum":
                status, county = stdnum_area_info(P, code, year)
                if status == "in-force" and code[4:] == "00":
                    return "E3 county-grouping code xxyy00 (县 / 省直辖县级行政单位), dropped by Pingan: stdnum accepts it"
                if status == "in-force" and code[4:] == "20":
                    return "E5 pre-1983 市区 code xxyy20: stdnum accepts it"
                if status == "in-force":
                    return "E4 code in stdnum's table but in none of Pingan's sources"
                return "E? UNEXPLAINED stdnum acceptance"
            if peer == "id_validator":
                if idv_in_table(P, code):
                    if code[4:] == "00":
                        return "E6 county-grouping code xxyy00 (县 / 省直辖县级行政单位), dropped by Pingan: id_validator accepts it"
                    return "E7 code in id_validator's table but in none of Pingan's sources"
                if code[4:] in ("01", "02", "11", "20"):
                    return "E8 id_validator accepts any unknown xxxx01/02/11/20 code (1980s 市辖区/城区/郊区/市区)"
                return "E? UNEXPLAINED id_validator acceptance"
        if kind == "badCharacters" and peer == "stdnum":
            return "A5 stdnum maps/strips characters Pingan rejects"
        return "F? UNEXPLAINED: ours=%s %s=accept" % (ours, peer)
    return "G? UNEXPLAINED: ours=%s %s=%s" % (ours, peer, pstage)


# ----------------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--idcheck", default=os.environ.get("IDCHECK"))
    ap.add_argument("--seed", type=int, default=20261121)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--today")
    ap.add_argument("--json")
    ap.add_argument("--setup-scratch", metavar="DIR", help="write the idcheck scratch package and exit")
    a = ap.parse_args()
    if a.setup_scratch:
        setup_scratch(a.setup_scratch)
        return 0
    if not a.idcheck:
        sys.exit("give --idcheck PATH or IDCHECK=PATH (the Swift CLI)")
    if a.today:
        today = datetime.date.fromisoformat(a.today)
    else:
        from zoneinfo import ZoneInfo
        today = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()

    registry = gen_division_codes.build()
    sources = gen_division_codes.read_sources()
    meta = {r[0]: (r[1], r[4], sources[r[0]].sources if r[0] in sources else set()) for r in registry}
    P = load_peers()
    samples = make_samples(a.seed, a.scale, today, registry)
    ours = run_ours(a.idcheck, samples, today)

    peers = {
        "stdnum": lambda s: stdnum_verdict(P, s),
        "id_validator": lambda s: idv_verdict(P, s),
        "idnumbers": lambda s: idnumbers_verdict(P, s),
    }
    total = len(samples)
    kinds = Counter(k for k, _ in samples)
    ours_ok_by_kind = Counter(k for (k, _), o in zip(samples, ours) if o == "ok")
    agree = Counter()
    agree_by_kind = defaultdict(Counter)
    peer_ok_by_kind = defaultdict(Counter)
    classes = defaultdict(lambda: {"count": 0, "examples": [], "kinds": Counter()})
    stage_matrix = defaultdict(Counter)
    for (kind, s), o in zip(samples, ours):
        for peer, fn in peers.items():
            pv, pstage = fn(s)
            if pv:
                peer_ok_by_kind[peer][kind] += 1
            ours_bucket = o.split(":")[0]
            stage_matrix[peer][(ours_bucket, pstage)] += 1
            if pv == (o == "ok"):
                agree[peer] += 1
                agree_by_kind[peer][kind] += 1
                continue
            cls = explain(peer, o, pv, pstage, s, P, meta, fn)
            c = classes[(peer, cls)]
            c["count"] += 1
            c["kinds"][kind] += 1
            if len(c["examples"]) < 4:
                c["examples"].append({"number": s, "ours": o, "peer": pstage})

    # ---------------------------------------------------------------- report (markdown)
    print("## Run\n")
    print("- today (Asia/Shanghai): %s; seed %d; %d numbers; idcheck %s" % (today, a.seed, total, a.idcheck))
    print("- Pingan accepts %d (%.2f%%)\n" % (sum(1 for o in ours if o == "ok"),
                                            100.0 * sum(1 for o in ours if o == "ok") / total))
    print("## Agreement with each peer (same accept/reject verdict)\n")
    print("| peer | agree | of | rate |")
    print("|---|---:|---:|---:|")
    for peer in peers:
        print("| %s | %d | %d | %.2f%% |" % (peer, agree[peer], total, 100.0 * agree[peer] / total))
    print("\n## Accepted per sample kind\n")
    print("| kind | n | Pingan | stdnum | id_validator | idnumbers |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind in sorted(kinds):
        print("| %s | %d | %d | %d | %d | %d |" % (kind, kinds[kind], ours_ok_by_kind[kind],
              peer_ok_by_kind["stdnum"][kind], peer_ok_by_kind["id_validator"][kind],
              peer_ok_by_kind["idnumbers"][kind]))
    print("\n## Layer by layer: Pingan's first problem × the peer's failing stage\n")
    for peer in peers:
        print("### %s\n" % peer)
        cols = sorted({st for (_, st) in stage_matrix[peer]})
        rows = sorted({ob for (ob, _) in stage_matrix[peer]})
        print("| Pingan \\ %s | " % peer + " | ".join(cols) + " |")
        print("|---|" + "---:|" * len(cols))
        for r in rows:
            print("| %s | " % r + " | ".join(str(stage_matrix[peer][(r, c)] or "") for c in cols) + " |")
        print()
    print("## Disagreement classes\n")
    print("| peer | class | count | sample kinds | examples (number → Pingan / peer stage) |")
    print("|---|---|---:|---|---|")
    for (peer, cls), c in sorted(classes.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        ex = "; ".join("`%s` → %s / %s" % (e["number"].replace("\u3000", "\\u3000").replace("\t", "\\t"),
                                          e["ours"], e["peer"]) for e in c["examples"][:2])
        ks = ", ".join("%s %d" % kv for kv in c["kinds"].most_common(3))
        print("| %s | %s | %d | %s | %s |" % (peer, cls, c["count"], ks, ex))
    unexplained = sum(c["count"] for (p, cls), c in classes.items() if "UNEXPLAINED" in cls)
    print("\nUNEXPLAINED disagreements: %d" % unexplained)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"today": today.isoformat(), "seed": a.seed, "total": total,
                       "agree": agree, "kinds": kinds,
                       "classes": [{"peer": p, "class": cls, "count": c["count"], "kinds": c["kinds"],
                                    "examples": c["examples"]} for (p, cls), c in sorted(classes.items())]},
                      f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
