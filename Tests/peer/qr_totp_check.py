#!/usr/bin/env python3
"""Two-factor peer check: Pingan's QR encoder and TOTP against other implementations.

1. Module matrices: for texts spanning versions 1-10 (lengths at each capacity edge, real otpauth:// URIs, UTF-8
   Chinese), every one of the 8 masks, `pingan-lab qr` must equal python-qrcode 8.2 (PyPI) module for module. Which
   mask is chosen automatically is reported, not required: the libraries read the penalty rules of § 7.8.3 differently
   (segno scores before drawing the format bits, python-qrcode counts 1:1:3:1:1 patterns only inside the symbol), and
   every mask gives a valid symbol. segno 1.6.6 is compared too, for information: it agrees
   only where the data fills the symbol, because its write_padding_bits adds a whole zero byte to a stream that
   already ends on a byte boundary (ISO/IEC 18004 § 7.4.10 pads only a stream that does not) — python-qrcode and we
   do not; both forms decode.
2. Decoding: our SVG (as served on the enrolment page) rendered to PNG by cairosvg, then read by zbar (`zbarimg`,
   Debian zbar-tools): the decoded text must be the encoded text.
3. TOTP: `pingan-lab totp` against pyotp for random secrets, times, digits and all three HMACs.

    python3 -m venv /tmp/pingan-peers-auth && /tmp/pingan-peers-auth/bin/pip install qrcode==8.2 segno==1.6.6 cairosvg==2.9.1 pyotp==2.9.0
    apt-get install -y zbar-tools
    swift build --product pingan-lab && /tmp/pingan-peers-auth/bin/python Tests/peer/qr_totp_check.py [--lab .build/debug/pingan-lab]
    ... --write-fixtures     also rewrite Tests/PinganKitTests/Fixtures/qr/reference-matrices.json (python-qrcode's)

Prints one line per check and a closing "N passed, N failed"; exit status 0 when all pass.
"""
import argparse, base64, hashlib, json, os, pathlib, random, subprocess, sys, tempfile

import cairosvg
import pyotp
import qrcode
import qrcode.util
import segno

ROOT = pathlib.Path(__file__).resolve().parents[2]
ap = argparse.ArgumentParser()
ap.add_argument("--lab", default=str(ROOT / ".build/debug/pingan-lab"))
ap.add_argument("--write-fixtures", action="store_true")
ap.add_argument("--seed", type=int, default=22)
args = ap.parse_args()
rng = random.Random(args.seed)
passed = failed = 0


def check(cond, what):
    global passed, failed
    print(("ok   " if cond else "FAIL ") + what)
    if cond: passed += 1
    else: failed += 1


def lab(*a):
    return subprocess.run([args.lab, *a], check=True, capture_output=True, text=True).stdout


def ours(text, mask=None):
    extra = ["--mask", str(mask)] if mask is not None else []
    out = lab("qr", "--text", text, *extra).splitlines()
    head = out[0].split()
    return int(head[1]), int(head[3]), out[1:]


def reference(text, mask=None):
    q = qrcode.QRCode(version=None, error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=mask)
    q.add_data(qrcode.util.QRData(text.encode("utf-8"), mode=qrcode.util.MODE_8BIT_BYTE))
    q.make(fit=True)
    rows = ["".join("#" if c else "." for c in row) for row in q.get_matrix()]
    if mask is None:   # python-qrcode does not say which mask it chose: find the one that gives the same symbol
        mask = next(m for m in range(8) if reference(text, m)[2] == rows)
    return int(q.version), mask, rows


def segno_rows(text, mask):
    q = segno.make(text.encode("utf-8"), error="m", mode="byte", mask=mask, boost_error=False, micro=False)
    return int(q.version), ["".join("#" if c else "." for c in row) for row in q.matrix]


def secret_uri(user):
    secret = base64.b32encode(bytes(rng.randrange(256) for _ in range(20))).decode().rstrip("=")
    return f"otpauth://totp/Pingan:{user}?secret={secret}&issuer=Pingan"


capacities = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213]
alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?&="
texts = ["HELLO", "https://pingan.example/login", "平安社区 网格化管理", secret_uri("admin"), secret_uri("officer440113007601")]
for cap in capacities:
    for n in (cap, cap + 1):
        if n <= 213:
            texts.append("".join(rng.choice(alphabet) for _ in range(n)))

segno_same = auto_same = 0
for text in texts:
    same = True
    for mask in range(8):
        v1, m1, r1 = ours(text, mask)
        v2, m2, r2 = reference(text, mask)
        if (v1, r1) != (v2, r2):
            same = False
            diff = sum(a != b for x, y in zip(r1, r2) for a, b in zip(x, y)) if v1 == v2 else "version differs"
            print(f"     {len(text.encode())} bytes mask {mask}: ours v{v1}, python-qrcode v{v2}, modules differing: {diff}")
        if mask == 0 and segno_rows(text, 0) == (v1, r1):
            segno_same += 1
    v1, m1, _ = ours(text)
    v2, m2, _ = reference(text)
    check(same, f"{len(text.encode()):3d} bytes, version {v1}: all 8 masks module-for-module equal to python-qrcode")
    auto_same += m1 == m2
print(f"info automatic mask the same as python-qrcode's for {auto_same} of {len(texts)} texts")
print(f"info segno 1.6.6 identical for {segno_same} of {len(texts)} texts (the data filling the symbol; otherwise its extra zero byte)")

with tempfile.TemporaryDirectory() as tmp:
    for i, text in enumerate(texts):
        svg = lab("qr", "--text", text, "--svg")
        png = os.path.join(tmp, f"q{i}.png")
        cairosvg.svg2png(bytestring=svg.encode(), write_to=png, scale=2)
        r = subprocess.run(["zbarimg", "--raw", "-q", "-Sbinary", png], capture_output=True)
        decoded = r.stdout.rstrip(b"\n").decode("utf-8", "replace")
        check(r.returncode == 0 and decoded == text, f"zbar reads our SVG back ({len(text.encode())} bytes)")

for i in range(60):
    alg = rng.choice(["SHA1", "SHA256", "SHA512"])
    digits = rng.choice([6, 6, 6, 8])
    secret = base64.b32encode(bytes(rng.randrange(256) for _ in range(rng.choice([10, 20, 32, 64])))).decode().rstrip("=")
    t = rng.randrange(0, 4_000_000_000)
    want = pyotp.TOTP(secret, digits=digits, digest=getattr(hashlib, alg.lower())).at(t)
    got = lab("totp", secret, "--time", str(t), "--algorithm", alg, "--digits", str(digits)).strip()
    if got != want or i % 20 == 0:
        check(got == want, f"TOTP {alg} {digits} digits at {t}: {got} (pyotp {want})")
    else:
        passed += 1

if args.write_fixtures:
    # Every mask, small and large versions, from python-qrcode alone.
    out = ROOT / "Tests/PinganKitTests/Fixtures/qr/reference-matrices.json"
    picks = []
    for j, text in enumerate(texts):
        mask = j % 8
        v, m, rows = reference(text, mask)
        picks.append({"text": text, "version": v, "mask": m, "rows": rows})
    out.write_text(json.dumps(picks, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {len(picks)} fixtures to {out.relative_to(ROOT)}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
