#!/usr/bin/env python3
"""Generates the image fixtures for PinganKit's Media tests (Tests/PinganKitTests/Fixtures/media/).

    pip install pillow piexif
    python3 scripts/gen_media_fixtures.py [OUTPUT_DIR]

Everything is deterministic for a given Pillow/libjpeg-turbo version (the JPEG references are
Pillow's own decodings, so they are regenerated together with the JPEGs). Each file is tiny:
61x43 pixels (odd sizes, so partial MCUs and partial PNG bytes are exercised).

Outputs
- *.jpg: baseline/progressive JPEGs at 4:4:4, 4:2:2, 4:2:0, with restart markers, greyscale,
  CMYK (must be refused), EXIF (GPS, camera, time, orientation 3/6/8 in both TIFF byte orders;
  exif_gps.jpg also has XMP, a comment, an ICC profile and a "motion photo" trailer after EOI),
  a truncated file and a "bomb" header (65000x65000, the JPEG maximum is 65535).
- *.png: every colour type and bit depth (1/2/4/8/16), tRNS, Adam7, eXIf/tEXt/iTXt/tIME chunks,
  a truncated file and a bomb header (100000x100000). Written by the small PNG writer below so
  that every filter type and the interlaced layout appear.
- phone.heic / phone.avif / phone.webp / anim.gif: recognised but not decoded; minimal containers
  (fake coded data) with a real size header and, for HEIC and WebP, an EXIF block.
- ref_*.rgb: Pillow's decoding of a JPEG (RGB8, rows top to bottom; EXIF orientation applied).
- expected.json: for every PNG, its exact decoded RGB8/RGBA8 pixels as FNV-1a 64 hashes; for every
  EXIF fixture, the metadata a reader must find.
"""
import io, json, os, random, struct, sys, zlib

import piexif
from PIL import Image, ImageDraw, ImageOps

W, H = 61, 43
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "PinganKitTests", "Fixtures", "media")


def fnv1a64(data: bytes) -> str:
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def scene(w=W, h=H, seed=7) -> Image.Image:
    """An asymmetric picture (so rotations are visible): gradient sky, shapes, a little noise."""
    rnd = random.Random(seed)
    im = Image.new("RGB", (w, h))
    px = im.load()
    for y in range(h):
        for x in range(w):
            px[x, y] = (40 + 180 * x // w, 90 + 120 * y // h, 200 - 150 * x // w)
    d = ImageDraw.Draw(im)
    d.ellipse((4, 4, 22, 22), fill=(220, 30, 40))
    d.rectangle((30, 8, 56, 18), fill=(20, 40, 200))
    d.polygon([(8, 40), (28, 26), (40, 40)], fill=(30, 180, 60))
    d.line((44, 24, 58, 40), fill=(250, 250, 250), width=2)
    for y in range(h):
        for x in range(w):
            r, g, b = px[x, y]
            n = rnd.randint(-6, 6)
            px[x, y] = (max(0, min(255, r + n)), max(0, min(255, g - n)), max(0, min(255, b + n)))
    return im


# ---------------------------------------------------------------- EXIF (TIFF) blocks

def tiff(entries_ifd0, exif=None, gps=None, little=False) -> bytes:
    """A TIFF block. entries: list of (tag, type, value); types 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL
    (value a list of (num, den)), 1 BYTE."""
    e = "<" if little else ">"
    out = bytearray(b"II*\x00" if little else b"MM\x00*") + struct.pack(e + "I", 8)

    def size(t, v):
        return {1: 1, 2: 1, 3: 2, 4: 4, 5: 8}[t] * (len(v) if t in (2, 5) else 1)

    def ifd_len(entries):
        return 2 + 12 * len(entries) + 4 + sum(size(t, v) for _, t, v in entries if size(t, v) > 4)

    ifd0 = list(entries_ifd0)
    if exif is not None:
        ifd0.append((0x8769, 4, 0))
    if gps is not None:
        ifd0.append((0x8825, 4, 0))
    at0 = 8
    at_exif = at0 + ifd_len(ifd0)
    at_gps = at_exif + (ifd_len(exif) if exif is not None else 0)
    ifd0 = [(t, ty, at_exif if t == 0x8769 else at_gps if t == 0x8825 else v) for t, ty, v in ifd0]

    def write(entries, at):
        entries = sorted(entries)
        data_at = at + 2 + 12 * len(entries) + 4
        head, data = bytearray(struct.pack(e + "H", len(entries))), bytearray()
        for tag, t, v in entries:
            if t == 2:
                raw, count = v, len(v)
            elif t == 5:
                raw, count = b"".join(struct.pack(e + "II", n, d) for n, d in v), len(v)
            elif t == 3:
                raw, count = struct.pack(e + "H", v), 1
            elif t == 4:
                raw, count = struct.pack(e + "I", v), 1
            else:
                raw, count = bytes([v]), 1
            head += struct.pack(e + "HHI", tag, t, count)
            if len(raw) <= 4:
                head += raw.ljust(4, b"\x00")
            else:
                head += struct.pack(e + "I", data_at + len(data))
                data += raw
        return bytes(head + struct.pack(e + "I", 0) + data)

    out += write(ifd0, at0)
    if exif is not None:
        out += write(exif, at_exif)
    if gps is not None:
        out += write(gps, at_gps)
    return bytes(out)


def dms(deg, minutes, sec_num, sec_den):
    return [(deg, 1), (minutes, 1), (sec_num, sec_den)]


def app1(tiff_block: bytes) -> bytes:
    payload = b"Exif\x00\x00" + tiff_block
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def insert_after_soi(jpeg: bytes, segment: bytes) -> bytes:
    return jpeg[:2] + segment + jpeg[2:]


# ---------------------------------------------------------------- ISO-BMFF and RIFF (not decodable formats)

def box(t, payload):
    return struct.pack(">I", 8 + len(payload)) + t + payload


def fullbox(t, version, payload):
    return box(t, bytes([version, 0, 0, 0]) + payload)


def heif(major, compatible, exif_tiff, size):
    """A minimal HEIF/AVIF: ftyp, meta (hdlr, pitm, iinf, iloc, iprp with a tile `ispe` and the primary
    one), and mdat holding fake coded data and, optionally, an Exif item."""
    ftyp = box(b"ftyp", major + b"\x00\x00\x00\x00" + b"".join(compatible))
    coded = b"\x00" * 48
    exif_item = struct.pack(">I", 6) + b"Exif\x00\x00" + exif_tiff if exif_tiff else b""

    def meta(off1, off2):
        items = [(1, b"hvc1" if major == b"heic" else b"av01", off1, len(coded))]
        if exif_item:
            items.append((2, b"Exif", off2, len(exif_item)))
        infes = b"".join(fullbox(b"infe", 2, struct.pack(">HH", i, 0) + t + b"\x00") for i, t, _, _ in items)
        iloc = fullbox(b"iloc", 0, bytes([0x44, 0x00]) + struct.pack(">H", len(items)) +
                       b"".join(struct.pack(">HHHII", i, 0, 1, o, n) for i, _, o, n in items))
        ipco = box(b"ipco", fullbox(b"ispe", 0, struct.pack(">II", 512, 512)) + fullbox(b"ispe", 0, struct.pack(">II", *size)))
        ipma = fullbox(b"ipma", 0, struct.pack(">IHB", 1, 1, 1) + bytes([0x82]))
        return fullbox(b"meta", 0, fullbox(b"hdlr", 0, b"\x00" * 4 + b"pict" + b"\x00" * 13) + fullbox(b"pitm", 0, struct.pack(">H", 1)) +
                       fullbox(b"iinf", 0, struct.pack(">H", len(items)) + infes) + iloc + box(b"iprp", ipco + ipma))

    m = meta(0, 0)
    off1 = len(ftyp) + len(m) + 8
    return ftyp + meta(off1, off1 + len(coded)) + box(b"mdat", coded + exif_item)


def riff(t, payload):
    return t + struct.pack("<I", len(payload)) + payload + (b"\x00" if len(payload) % 2 else b"")


# ---------------------------------------------------------------- PNG writer

ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def chunk(t: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + t + data + struct.pack(">I", zlib.crc32(t + data) & 0xFFFFFFFF)


def pack_row(samples, depth):
    if depth == 8:
        return bytes(samples)
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    out, acc, n = bytearray(), 0, 0
    for s in samples:
        acc = (acc << depth) | s
        n += depth
        if n == 8:
            out.append(acc); acc, n = 0, 0
    if n:
        out.append(acc << (8 - n))
    return bytes(out)


def filter_rows(rows, bpp, first_filter=0):
    """Applies filter (y + first_filter) % 5 to each row, so all five filters are exercised."""
    out, prev = bytearray(), None
    for y, row in enumerate(rows):
        f = (y + first_filter) % 5
        up = prev if prev is not None else bytes(len(row))
        line = bytearray()
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = up[i]
            c = up[i - bpp] if i >= bpp else 0
            if f == 0: p = 0
            elif f == 1: p = a
            elif f == 2: p = b
            elif f == 3: p = (a + b) // 2
            else:
                pp = a + b - c; pa, pb, pc = abs(pp - a), abs(pp - b), abs(pp - c)
                p = a if pa <= pb and pa <= pc else b if pb <= pc else c
            line.append((x - p) & 255)
        out += bytes([f]) + line
        prev = row
    return bytes(out)


def write_png(path, w, h, depth, ctype, sample_rows, plte=None, trns=None, interlace=False, extra_before=b"", extra_after=b""):
    """sample_rows[y][x] is a tuple of raw samples for pixel (x, y)."""
    spp = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
    bpp = max(1, spp * depth // 8)
    raw = bytearray()
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    for (x0, y0, dx, dy) in passes:
        xs, ys = list(range(x0, w, dx)), list(range(y0, h, dy))
        if not xs or not ys:
            continue
        rows = [pack_row([s for x in xs for s in sample_rows[y][x]], depth) for y in ys]
        raw += filter_rows(rows, bpp, first_filter=x0 + y0)
    data = PNG_SIG + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 1 if interlace else 0))
    data += extra_before
    if plte is not None:
        data += chunk(b"PLTE", bytes(c for rgb in plte for c in rgb))
    if trns is not None:
        data += chunk(b"tRNS", trns)
    z = zlib.compress(bytes(raw), 9)
    data += chunk(b"IDAT", z[: len(z) // 2]) + chunk(b"IDAT", z[len(z) // 2:])  # split across chunks on purpose
    data += extra_after + chunk(b"IEND", b"")
    open(path, "wb").write(data)
    return data


PNG_SIG = b"\x89PNG\r\n\x1a\n"


def expected_pixels(sample_rows, w, h, depth, ctype, plte=None, trns=None):
    """The RGB8/RGBA8 pixels a decoder must produce (16-bit samples keep the high byte)."""
    scale = {1: 255, 2: 85, 4: 17, 8: 1}.get(depth, 1)
    eight = (lambda v: v >> 8) if depth == 16 else (lambda v: v * scale)
    alpha = ctype in (4, 6) or trns is not None
    out = bytearray()
    for y in range(h):
        for x in range(w):
            s = sample_rows[y][x]
            if ctype == 0:
                px = [eight(s[0])] * 3 + ([0 if trns is not None and struct.unpack(">H", trns)[0] == s[0] else 255] if alpha else [])
            elif ctype == 2:
                px = [eight(v) for v in s] + ([0 if trns is not None and list(struct.unpack(">HHH", trns)) == list(s) else 255] if alpha else [])
            elif ctype == 3:
                r, g, b = plte[s[0]]
                px = [r, g, b] + ([trns[s[0]] if s[0] < len(trns) else 255] if alpha else [])
            elif ctype == 4:
                px = [eight(s[0])] * 3 + [eight(s[1])]
            else:
                px = [eight(v) for v in s]
            out += bytes(px)
    return bytes(out), 4 if alpha else 3


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith((".jpg", ".png", ".rgb", ".json", ".heic", ".avif", ".webp", ".gif")):
            os.remove(os.path.join(OUT, f))
    expected = {"png": {}, "exif": {}, "jpeg": {}}
    base = scene()

    def write_jpeg(name, data, ref=True):
        open(os.path.join(OUT, name), "wb").write(data)
        if ref:
            dec = Image.open(io.BytesIO(data))
            dec = ImageOps.exif_transpose(dec).convert("RGB")
            open(os.path.join(OUT, "ref_" + name.replace(".jpg", ".rgb")), "wb").write(dec.tobytes())
            expected["jpeg"][name] = {"width": dec.width, "height": dec.height}

    def jpeg(im, **kw):
        buf = io.BytesIO()
        im.save(buf, "JPEG", **kw)
        return buf.getvalue()

    # ---- JPEG pixel fixtures
    write_jpeg("baseline_444.jpg", jpeg(base, quality=90, subsampling=0))
    write_jpeg("baseline_422.jpg", jpeg(base, quality=85, subsampling=1))
    write_jpeg("baseline_420.jpg", jpeg(base, quality=85, subsampling=2))
    write_jpeg("progressive_420.jpg", jpeg(base, quality=85, subsampling=2, progressive=True))
    write_jpeg("progressive_444.jpg", jpeg(base, quality=92, subsampling=0, progressive=True))
    write_jpeg("restart_420.jpg", jpeg(base, quality=80, subsampling=2, restart_marker_blocks=3))
    write_jpeg("progressive_restart_422.jpg", jpeg(base, quality=80, subsampling=1, progressive=True, restart_marker_blocks=2))
    write_jpeg("gray.jpg", jpeg(base.convert("L"), quality=88))
    write_jpeg("gray_progressive.jpg", jpeg(base.convert("L"), quality=88, progressive=True))
    write_jpeg("cmyk.jpg", jpeg(base.convert("CMYK"), quality=80), ref=False)

    # ---- EXIF fixtures. GPS of a street corner in Panyu (22°56'15.36"N 113°23'3.48"E, 12.5 m).
    icc = None
    try:
        from PIL import ImageCms
        icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        icc = icc[:24] + struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + icc[36:]  # fixed creation date: reproducible bytes
    except Exception:
        pass
    exif_gps = piexif.dump({
        "0th": {piexif.ImageIFD.Make: b"Apple", piexif.ImageIFD.Model: b"iPhone 13", piexif.ImageIFD.Orientation: 1,
                piexif.ImageIFD.Software: b"17.5.1"},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2024:05:01 14:03:22", piexif.ExifIFD.OffsetTimeOriginal: b"+08:00"},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: dms(22, 56, 1536, 100),
                piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: dms(113, 23, 348, 100),
                piexif.GPSIFD.GPSAltitudeRef: 0, piexif.GPSIFD.GPSAltitude: (125, 10)},
    })
    kw = dict(quality=85, subsampling=2, exif=exif_gps, comment=b"shot by officer 0042")
    if icc:
        kw["icc_profile"] = icc
    data = jpeg(base, **kw)
    # An XMP packet (APP1 too) and a "motion photo" trailer after EOI: both must be stripped.
    xmp = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><rdf:Description exif:GPSLatitude='22,56.256N'/></x:xmpmeta>"
    data = insert_after_soi(data, b"\xff\xe1" + struct.pack(">H", len(xmp) + 2) + xmp) + b"ftypmp42MOTIONPHOTO-GPS-22.9376"
    write_jpeg("exif_gps.jpg", data)
    expected["exif"]["exif_gps.jpg"] = {"orientation": 1, "latitude": 22 + 56 / 60 + 15.36 / 3600, "longitude": 113 + 23 / 60 + 3.48 / 3600,
                                        "altitude": 12.5, "make": "Apple", "model": "iPhone 13", "dateTimeOriginal": "2024:05:01 14:03:22",
                                        "offsetTimeOriginal": "+08:00"}

    # Orientation: the stored pixels are the upright scene turned the other way, so that applying
    # the tag restores `base`. 6 = rotate 90° CW to view; 8 = 90° CCW; 3 = 180°.
    inverse = {6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270, 3: Image.Transpose.ROTATE_180}
    for o, little, sub, gps, make in [
        (6, False, 2, (("N", dms(22, 56, 1536, 100)), ("E", dms(113, 23, 348, 100))), b"HUAWEI"),
        (8, True, 0, (("S", dms(33, 52, 768, 100)), ("W", dms(118, 14, 3732, 100))), b"Xiaomi"),
        (3, True, 2, None, b"OPPO"),
    ]:
        stored = base.transpose(inverse[o])
        gps_entries = None
        if gps:
            gps_entries = [(1, 2, gps[0][0].encode() + b"\x00"), (2, 5, gps[0][1]), (3, 2, gps[1][0].encode() + b"\x00"), (4, 5, gps[1][1])]
        block = tiff([(0x010F, 2, make + b"\x00"), (0x0110, 2, b"Model X\x00"), (0x0112, 3, o)],
                     exif=[(0x9003, 2, b"2023:12:31 23:59:59\x00")], gps=gps_entries, little=little)
        name = "exif_orient%d.jpg" % o
        write_jpeg(name, insert_after_soi(jpeg(stored, quality=90, subsampling=sub), app1(block)))
        e = {"orientation": o, "make": make.decode(), "model": "Model X", "dateTimeOriginal": "2023:12:31 23:59:59"}
        if gps:
            sign_lat = -1 if gps[0][0] == "S" else 1
            sign_lon = -1 if gps[1][0] == "W" else 1
            (d, m, (sn, sd)) = [gps[0][1][0][0], gps[0][1][1][0], gps[0][1][2]]
            e["latitude"] = sign_lat * (d + m / 60 + sn / sd / 3600)
            (d, m, (sn, sd)) = [gps[1][1][0][0], gps[1][1][1][0], gps[1][1][2]]
            e["longitude"] = sign_lon * (d + m / 60 + sn / sd / 3600)
        expected["exif"][name] = e

    # ---- Broken JPEGs
    whole = open(os.path.join(OUT, "baseline_420.jpg"), "rb").read()
    open(os.path.join(OUT, "truncated.jpg"), "wb").write(whole[: int(len(whole) * 0.6)])
    sof = whole.index(b"\xff\xc0")
    bomb = bytearray(whole[: sof + 5]) + struct.pack(">HH", 65000, 65000) + whole[sof + 9:]
    bomb = bomb[: bomb.index(b"\xff\xda") + 200]  # the header and a little scan data: tiny on disk
    open(os.path.join(OUT, "bomb.jpg"), "wb").write(bytes(bomb))

    # ---- PNGs, from the same scene
    rgb = [[base.getpixel((x, y)) for x in range(W)] for y in range(H)]
    gray = [[(int(0.299 * r + 0.587 * g + 0.114 * b),) for (r, g, b) in row] for row in rgb]
    alpha = [[(x * 255 // (W - 1) + y) % 256 for x in range(W)] for y in range(H)]

    def png(name, depth, ctype, rows, **kw):
        write_png(os.path.join(OUT, name), W, H, depth, ctype, rows, **kw)
        pix, ch = expected_pixels(rows, W, H, depth, ctype, kw.get("plte"), kw.get("trns"))
        expected["png"][name] = {"width": W, "height": H, "channels": ch, "fnv1a64": fnv1a64(pix)}
        Image.open(os.path.join(OUT, name)).load()  # Pillow must read it (a check on this script itself)

    png("rgb8.png", 8, 2, [[p for p in row] for row in rgb])
    png("rgba8.png", 8, 6, [[p + (alpha[y][x],) for x, p in enumerate(row)] for y, row in enumerate(rgb)])
    png("gray8.png", 8, 0, gray)
    png("gray_alpha8.png", 8, 4, [[g + (alpha[y][x],) for x, g in enumerate(row)] for y, row in enumerate(gray)])
    for d in (1, 2, 4):
        png("gray%d.png" % d, d, 0, [[(g[0] >> (8 - d),) for g in row] for row in gray])
    png("gray16.png", 16, 0, [[(g[0] * 257 + (x % 7),) for x, g in enumerate(row)] for row in gray])
    png("rgb16.png", 16, 2, [[tuple(c * 256 + (x * 3 + y) % 256 for c in p) for x, p in enumerate(row)] for y, row in enumerate(rgb)])
    png("rgba16.png", 16, 6, [[tuple(c * 257 for c in p) + (alpha[y][x] * 257,) for x, p in enumerate(row)] for y, row in enumerate(rgb)])
    pal_im = base.quantize(16)
    plte16 = [tuple(pal_im.getpalette()[i * 3:i * 3 + 3]) for i in range(16)]
    idx = [[(pal_im.getpixel((x, y)),) for x in range(W)] for y in range(H)]
    png("palette8_trns.png", 8, 3, idx, plte=plte16, trns=bytes([0, 128] + [255] * 4))
    png("palette4.png", 4, 3, idx, plte=plte16)
    png("palette2.png", 2, 3, [[(i[0] % 4,) for i in row] for row in idx], plte=plte16[:4])
    png("palette1.png", 1, 3, [[(i[0] % 2,) for i in row] for row in idx], plte=[(0, 0, 0), (255, 255, 0)])
    png("rgb8_interlaced.png", 8, 2, [[p for p in row] for row in rgb], interlace=True)
    png("gray_alpha8_interlaced.png", 8, 4, [[g + (alpha[y][x],) for x, g in enumerate(row)] for y, row in enumerate(gray)], interlace=True)
    png("palette2_interlaced.png", 2, 3, [[(i[0] % 4,) for i in row] for row in idx], plte=plte16[:4], interlace=True)
    png("rgb_trns_key.png", 8, 2, [[p for p in row] for row in rgb], trns=struct.pack(">HHH", *rgb[0][0]))
    png("gray_trns_key.png", 8, 0, gray, trns=struct.pack(">H", gray[5][5][0]))

    # PNG with metadata chunks: eXIf (orientation 6, GPS), tEXt, iTXt, tIME; and an iCCP-free sRGB chunk to keep.
    exif_block = tiff([(0x010F, 2, b"Google\x00"), (0x0112, 3, 6)], gps=[(1, 2, b"N\x00"), (2, 5, dms(23, 7, 4512, 100)),
                                                                       (3, 2, b"E\x00"), (4, 5, dms(113, 15, 1800, 100))])
    meta = chunk(b"sRGB", b"\x00") + chunk(b"eXIf", exif_block) + chunk(b"tEXt", b"Author\x00Officer Li 13800138000") + \
        chunk(b"tIME", struct.pack(">HBBBBB", 2024, 5, 1, 6, 3, 22)) + chunk(b"iTXt", b"GPS\x00\x00\x00\x00\x0022.9376,113.3843")
    png("exif.png", 8, 2, [[p for p in row] for row in rgb], extra_before=meta,
        extra_after=chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"private note")))
    expected["exif"]["exif.png"] = {"orientation": 6, "make": "Google", "latitude": 23 + 7 / 60 + 45.12 / 3600,
                                    "longitude": 113 + 15 / 60 + 18.0 / 3600}

    whole = open(os.path.join(OUT, "rgb8.png"), "rb").read()
    open(os.path.join(OUT, "truncated.png"), "wb").write(whole[: len(whole) * 2 // 3])
    bomb = PNG_SIG + chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(b"\x00" * 30000, 9)) + chunk(b"IEND", b"")
    open(os.path.join(OUT, "bomb.png"), "wb").write(bomb)

    # ---- Formats that are recognised but not decoded: HEIC (with an Exif item), WebP (with EXIF), AVIF, GIF.
    heic_tiff = tiff([(0x010F, 2, b"samsung\x00"), (0x0110, 2, b"SM-S9180\x00"), (0x0112, 3, 1)],
                     gps=[(1, 2, b"N\x00"), (2, 5, dms(22, 56, 1536, 100)), (3, 2, b"E\x00"), (4, 5, dms(113, 23, 348, 100))])
    open(os.path.join(OUT, "phone.heic"), "wb").write(heif(b"heic", [b"mif1", b"heic"], heic_tiff, (4032, 3024)))
    open(os.path.join(OUT, "phone.avif"), "wb").write(heif(b"avif", [b"mif1", b"miaf"], None, (1920, 1080)))
    expected["exif"]["phone.heic"] = {"orientation": 1, "make": "samsung", "model": "SM-S9180",
                                      "latitude": 22 + 56 / 60 + 15.36 / 3600, "longitude": 113 + 23 / 60 + 3.48 / 3600}
    webp_exif = tiff([(0x0112, 3, 8), (0x0110, 2, b"Pixel 8\x00")])
    vp8x = struct.pack("<I", 0x08) + (3000 - 1).to_bytes(3, "little") + (4000 - 1).to_bytes(3, "little")
    body = b"WEBP" + riff(b"VP8X", vp8x) + riff(b"VP8 ", b"\x00" * 20) + riff(b"EXIF", webp_exif)
    open(os.path.join(OUT, "phone.webp"), "wb").write(b"RIFF" + struct.pack("<I", len(body)) + body)
    expected["exif"]["phone.webp"] = {"orientation": 8, "model": "Pixel 8"}
    gif = io.BytesIO()
    base.convert("P").save(gif, "GIF")
    open(os.path.join(OUT, "anim.gif"), "wb").write(gif.getvalue())
    expected["other"] = {"phone.heic": {"format": "heic", "width": 4032, "height": 3024},
                         "phone.avif": {"format": "avif", "width": 1920, "height": 1080},
                         "phone.webp": {"format": "webp", "width": 3000, "height": 4000},
                         "anim.gif": {"format": "gif", "width": W, "height": H}}

    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    biggest = max(os.listdir(OUT), key=lambda f: os.path.getsize(os.path.join(OUT, f)))
    print("%d files, %d bytes in %s (largest %s, %d bytes)" % (len(os.listdir(OUT)), total, OUT, biggest,
                                                               os.path.getsize(os.path.join(OUT, biggest))))


if __name__ == "__main__":
    main()
