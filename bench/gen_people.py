#!/usr/bin/env python3
"""Generate a people CSV shaped like a real district, for the import bench.

Usage: bench/gen_people.py DB.sqlite N OUT.csv [--seed S]

Reads the community and grid codes (and resident populations) from a Pingan database, spreads N
people over the communities in proportion to their populations, and writes the registry's import
header in Chinese. Identity numbers are valid GB 11643 numbers (check digit, real birth dates,
real county codes) and unique by construction; about 55 % permanent, 44 % temporary (with an expiry
date around today), 1 % key population; 80 % have a mobile number. All synthetic.
"""
import csv, datetime, random, sqlite3, sys

def check_digit(first17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * k for c, k in zip(first17, w)) % 11]

def main():
    db, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 7
    rng = random.Random(seed)
    con = sqlite3.connect(db)
    communities = con.execute("select id, code, resident_population from divisions where level='community' order by code").fetchall()
    grids = {}
    for cid, code in con.execute("select community_id, code from divisions where level='grid'"):
        grids.setdefault(cid, []).append(code)
    weights = [max(p or 0, 1) for _, _, p in communities]
    # Birthplaces: Panyu, the rest of Guangdong and the provinces most migrants come from.
    areas = ["440113", "440126", "440181", "440106", "445221", "360732", "431021", "452501", "511322", "440804"]
    hukou = {"440113": "广州市番禺区", "440126": "广州市番禺县", "440181": "广州市番禺市", "440106": "广州市天河区", "445221": "揭阳市揭东县",
             "360732": "赣州市兴国县", "431021": "郴州市桂阳县", "452501": "玉林市", "511322": "南充市营山县", "440804": "湛江市坡头区"}
    key_types = ["刑释解教人员", "社区矫正人员", "吸毒人员", "重点上访人员", "重点青少年"]
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁宋郑谢韩唐冯"
    given = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "军", "杰", "涛", "明", "超", "华", "平", "刚", "辉", "健", "婷", "丽", "强", "欣怡", "子轩", "浩然"]
    today = datetime.date.today()
    first_day = datetime.date(1940, 1, 1)
    days = (datetime.date(2008, 12, 31) - first_day).days  # adults and teenagers
    picks = rng.choices(range(len(communities)), weights=weights, k=n)
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["姓名", "公民身份号码", "联系电话", "人口类别", "重点人口类型", "社区代码", "网格代码", "房号", "户籍地", "暂住有效期至"])
        for i in range(n):
            # (area, birth day, sequence) is injective in i, so every number is unique.
            area = areas[i % len(areas)]
            birth = first_day + datetime.timedelta(days=(i // len(areas)) % days)
            seq = (i // (len(areas) * days)) * 7 + rng.randrange(7)
            first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
            cid, ccode, _ = communities[picks[i]]
            roll = rng.random()
            category = "常住人口" if roll < 0.55 else ("暂住人口" if roll < 0.99 else "重点人口")
            home = area if category != "暂住人口" else areas[rng.randrange(len(areas))]
            w.writerow([
                surnames[rng.randrange(len(surnames))] + given[rng.randrange(len(given))],
                first17 + check_digit(first17),
                f"1{rng.choice('3589')}{rng.randrange(10**9):09d}" if rng.random() < 0.8 else "",
                category,
                key_types[rng.randrange(len(key_types))] if category == "重点人口" else "",
                ccode,
                rng.choice(grids[cid]) if grids.get(cid) else "",
                f"{rng.randint(1, 30)}-{rng.randint(1, 3)}{rng.randint(1, 33):02d}{rng.randint(1, 4)}",
                hukou[home],
                (today + datetime.timedelta(days=rng.randint(-30, 365))).isoformat() if category == "暂住人口" else "",
            ])

if __name__ == "__main__":
    main()
