#!/usr/bin/env python3
"""Peer check of PinganKit's Media code against Pillow (libjpeg-turbo, zlib), with timings.

    pip install pillow numpy
    python3 bench/media_peer_check.py            # from the repository root

It builds a small release executable from Sources/PinganKit/Media/*.swift alone (they depend on
nothing else in PinganKit) in $MEDIA_BENCH_DIR (default /tmp/pingan-media-bench), makes a 12-MP
phone-like photo (4032x3024, EXIF orientation 6 and GPS, baseline and progressive), and compares:

1. decoding: ours vs Pillow on the same file (PSNR, mean/max abs difference);
2. our encoder: its JPEG decoded by Pillow vs the pixels it was given, next to Pillow's own encoder
   at the same quality and 4:2:0 (PSNR, size);
3. resizing to 1600 px: ours (Lanczos-2) vs Pillow's LANCZOS (PSNR between the two);
4. time per step, best of RUNS (default 3): decode, resize to 1600, resize to 320, encode both; and
   PhotoProcessor.process end to end;
5. every JPEG/PNG fixture under Tests/PinganKitTests/Fixtures/media decoded by both.

The figures go to stdout as Markdown; bench/MEDIA.md records one run.
"""
import io, json, os, random, shutil, subprocess, sys, tempfile, time

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
WORK = os.environ.get("MEDIA_BENCH_DIR", "/tmp/pingan-media-bench")
RUNS = int(os.environ.get("RUNS", "3"))

MAIN_SWIFT = r'''
import Foundation
import PinganKit

// media-bench COMMAND ARGS…: timings in milliseconds (best of RUNS) as JSON on stdout.
func best(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var t = Double.infinity
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        t = min(t, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return t
}
let args = CommandLine.arguments
let runs = Int(ProcessInfo.processInfo.environment["RUNS"] ?? "3") ?? 3
func read(_ p: String) -> Data { FileManager.default.contents(atPath: p)! }
func write(_ d: Data, _ p: String) { FileManager.default.createFile(atPath: p, contents: d) }
func decode(_ d: Data) throws -> DecodedImage {
    ImageSniffer.format(of: d) == .png ? try PNGDecoder.decode(d) : try JPEGDecoder.decode(d)
}
var out: [String: Double] = [:]
switch args[1] {
case "decode": // decode IN OUT.rgb
    let d = read(args[2])
    var img: DecodedImage?
    out["decode_ms"] = try best(runs) { img = try decode(d) }
    write(Data(img!.flattened().pixels), args[3])
    out["width"] = Double(img!.width); out["height"] = Double(img!.height)
case "encode": // encode IN.rgb W H QUALITY OUT.jpg
    let img = DecodedImage(width: Int(args[3])!, height: Int(args[4])!, channels: 3, pixels: [UInt8](read(args[2])))
    var data = Data()
    out["encode_ms"] = best(runs) { data = JPEGEncoder.encode(img, quality: Int(args[5])!) }
    write(data, args[6])
case "resize": // resize IN.rgb W H OW OH OUT.rgb
    let img = DecodedImage(width: Int(args[3])!, height: Int(args[4])!, channels: 3, pixels: [UInt8](read(args[2])))
    var r: DecodedImage?
    out["resize_ms"] = best(runs) { r = ImageResizer.resize(img, width: Int(args[5])!, height: Int(args[6])!) }
    write(Data(r!.pixels), args[7])
case "steps": // steps IN.jpg OUTDIR: the PhotoProcessor pipeline step by step, then end to end
    let d = read(args[2])
    let meta = ExifReader.read(d)
    var img: DecodedImage?, display: DecodedImage?, thumb: DecodedImage?
    out["decode_ms"] = try best(runs) { img = try JPEGDecoder.decode(d) }
    out["resize_display_ms"] = best(runs) { display = ImageResizer.fit(img!, within: 1600).oriented(meta.orientation) }
    out["resize_thumb_ms"] = best(runs) { thumb = ImageResizer.fit(display!, within: 320) }
    var a = Data(), b = Data()
    out["encode_display_ms"] = best(runs) { a = JPEGEncoder.encode(display!, quality: 85) }
    out["encode_thumb_ms"] = best(runs) { b = JPEGEncoder.encode(thumb!, quality: 80) }
    out["exif_strip_ms"] = try best(runs) { _ = ExifReader.read(d); _ = try MetadataStripper.strip(d) }
    var p: ProcessedPhoto?
    out["process_ms"] = try best(runs) { p = try PhotoProcessor.process(d) }
    write(a, args[3] + "/display.jpg"); write(b, args[3] + "/thumb.jpg")
    write(p!.renditions!.display, args[3] + "/process_display.jpg")
    out["display_bytes"] = Double(a.count); out["thumb_bytes"] = Double(b.count)
case "process": // process IN.jpg: one end-to-end call, then the peak resident memory (Linux)
    let d = read(args[2])
    let start = DispatchTime.now().uptimeNanoseconds
    _ = try PhotoProcessor.process(d)
    out["process_ms"] = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    if let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) {
        out["peak_rss_mb"] = Double(line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0) / 1024
    }
default:
    fatalError("unknown command")
}
print(String(data: try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys]), encoding: .utf8)!)
'''

PACKAGE_SWIFT = '''// swift-tools-version:6.2
import PackageDescription
let package = Package(
    name: "media-bench",
    platforms: [.macOS(.v13)],
    targets: [
        .target(name: "PinganKit", path: "Sources/PinganKit"),
        .executableTarget(name: "media-bench", dependencies: ["PinganKit"], path: "Sources/media-bench"),
    ]
)
'''


PILLOW_RSS = """
import io, sys
from PIL import Image, ImageOps
im = ImageOps.exif_transpose(Image.open(sys.argv[1]).convert("RGB").resize((1600, 1200), Image.LANCZOS))
im.save(io.BytesIO(), "JPEG", quality=85)
im.resize((240, 320), Image.LANCZOS).save(io.BytesIO(), "JPEG", quality=80)
# VmHWM, not ru_maxrss: the latter keeps the forking parent's peak across exec.
print("%.0f" % (int([l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]) / 1024))
"""


def build():
    src = os.path.join(WORK, "Sources", "PinganKit")
    shutil.rmtree(src, ignore_errors=True)
    os.makedirs(src)
    os.makedirs(os.path.join(WORK, "Sources", "media-bench"), exist_ok=True)
    media = os.path.join(ROOT, "Sources", "PinganKit", "Media")
    for f in os.listdir(media):
        if f.endswith(".swift"):
            shutil.copy(os.path.join(media, f), src)
    open(os.path.join(WORK, "Package.swift"), "w").write(PACKAGE_SWIFT)
    open(os.path.join(WORK, "Sources", "media-bench", "main.swift"), "w").write(MAIN_SWIFT)
    subprocess.run(["swift", "build", "-c", "release", "--package-path", WORK], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(WORK, ".build", "release", "media-bench")


def ours(tool, *args):
    r = subprocess.run([tool, *map(str, args)], check=True, capture_output=True, text=True, env={**os.environ, "RUNS": str(RUNS)})
    return json.loads(r.stdout)


def best(fn):
    t = float("inf")
    for _ in range(RUNS):
        s = time.perf_counter()
        v = fn()
        t = min(t, (time.perf_counter() - s) * 1000)
    return t, v


def psnr(a, b):
    mse = ((a.astype(np.float64) - b.astype(np.float64)) ** 2).mean()
    return float("inf") if mse == 0 else 10 * np.log10(255 * 255 / mse)


def phone_photo(w=4032, h=3024, seed=1):
    """Photo-like content: smooth large-scale shading, textured regions, edges, sensor-like noise."""
    rnd = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    sky = np.stack([90 + 60 * yy / h, 140 + 50 * yy / h, 220 - 40 * yy / h], -1)
    low = Image.fromarray(rnd.integers(0, 255, (h // 64, w // 64, 3), dtype=np.uint8)).resize((w, h), Image.BICUBIC)
    mid = Image.fromarray(rnd.integers(0, 255, (h // 8, w // 8, 3), dtype=np.uint8)).resize((w, h), Image.BILINEAR)
    img = 0.55 * sky + 0.3 * np.asarray(low, np.float32) + 0.15 * np.asarray(mid, np.float32)
    im = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(im)
    r = random.Random(seed)
    for _ in range(60):  # buildings, signs, a road
        x, y = r.randrange(w), r.randrange(h // 3, h)
        d.rectangle((x, y, x + r.randrange(80, 600), y + r.randrange(80, 900)), fill=tuple(r.randrange(256) for _ in range(3)))
    d.polygon([(0, h), (w * 0.45, h * 0.55), (w * 0.55, h * 0.55), (w, h)], fill=(70, 70, 75))
    im = im.filter(ImageFilter.GaussianBlur(1.2))
    arr = np.asarray(im, np.int16) + rnd.normal(0, 6, (h, w, 3)).astype(np.int16)  # sensor noise
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def main():
    os.makedirs(WORK, exist_ok=True)
    print("building the bench tool (release)…", file=sys.stderr)
    tool = build()
    tmp = tempfile.mkdtemp(prefix="media-peer-")
    import piexif
    exif = piexif.dump({"0th": {piexif.ImageIFD.Orientation: 6, piexif.ImageIFD.Make: b"Apple", piexif.ImageIFD.Model: b"iPhone 13"},
                        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: [(22, 1), (56, 1), (1536, 100)],
                                piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: [(113, 1), (23, 1), (348, 100)]}})
    photo = phone_photo()
    files = {}
    for name, kw in [("baseline", {}), ("progressive", {"progressive": True})]:
        p = os.path.join(tmp, name + ".jpg")
        photo.save(p, "JPEG", quality=92, subsampling=2, exif=exif, **kw)
        files[name] = p
    print("# Media peer check: PinganKit vs Pillow %s\n" % Image.__version__)
    print("Photo: 4032×3024, q92 4:2:0, EXIF orientation 6 + GPS; baseline %.1f MB, progressive %.1f MB. Best of %d runs.\n"
          % (os.path.getsize(files["baseline"]) / 1e6, os.path.getsize(files["progressive"]) / 1e6, RUNS))

    print("## 1. Decoding (ours vs Pillow on the same file)\n")
    print("| file | ours ms | Pillow ms | PSNR dB | mean abs | max abs | identical values |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    pil_pixels = {}
    for name, p in files.items():
        raw = os.path.join(tmp, name + ".rgb")
        o = ours(tool, "decode", p, raw)
        mine = np.fromfile(raw, np.uint8).reshape(3024, 4032, 3)
        t, im = best(lambda: Image.open(p).convert("RGB"))
        theirs = np.asarray(im)
        pil_pixels[name] = theirs
        diff = np.abs(mine.astype(int) - theirs.astype(int))
        print("| %s | %.0f | %.0f | %.1f | %.3f | %d | %.1f %% |" % (name, o["decode_ms"], t, psnr(mine, theirs), diff.mean(), diff.max(),
                                                                    100 * (diff == 0).mean()))

    print("\n## 2. Encoding at quality 85, 4:2:0 (decoded by Pillow, against the pixels given)\n")
    src = pil_pixels["baseline"]
    display = np.asarray(Image.fromarray(src).resize((1600, 1200), Image.LANCZOS))
    display.tofile(os.path.join(tmp, "display.rgb"))
    print("| image | encoder | ms | bytes | PSNR dB |")
    print("|---|---|---:|---:|---:|")
    for label, arr, fname in [("1600×1200", display, "display.rgb"), ("4032×3024", src, "baseline.rgb")]:
        h, w = arr.shape[:2]
        out = os.path.join(tmp, "ours_" + fname + ".jpg")
        o = ours(tool, "encode", os.path.join(tmp, fname), w, h, 85, out)
        back = np.asarray(Image.open(out).convert("RGB"))
        print("| %s | ours | %.0f | %d | %.2f |" % (label, o["encode_ms"], os.path.getsize(out), psnr(back, arr)))

        def pil_encode():
            b = io.BytesIO()
            Image.fromarray(arr).save(b, "JPEG", quality=85, subsampling=2)
            return b.getvalue()
        t, data = best(pil_encode)
        print("| %s | Pillow | %.0f | %d | %.2f |" % (label, t, len(data), psnr(np.asarray(Image.open(io.BytesIO(data))), arr)))

    print("\n## 3. Resizing 4032×3024 → 1600×1200 and 1600×1200 → 320×240\n")
    print("| step | ours ms | Pillow LANCZOS ms | PSNR ours vs Pillow dB |")
    print("|---|---:|---:|---:|")
    for label, arr, fname, size in [("→ 1600", src, "baseline.rgb", (1600, 1200)), ("→ 320", display, "display.rgb", (320, 240))]:
        h, w = arr.shape[:2]
        out = os.path.join(tmp, "resized.rgb")
        o = ours(tool, "resize", os.path.join(tmp, fname), w, h, size[0], size[1], out)
        mine = np.fromfile(out, np.uint8).reshape(size[1], size[0], 3)
        t, theirs = best(lambda: np.asarray(Image.fromarray(arr).resize(size, Image.LANCZOS)))
        print("| %s | %.0f | %.0f | %.1f |" % (label, o["resize_ms"], t, psnr(mine, theirs)))

    print("\n## 4. The upload pipeline, step by step (baseline and progressive files)\n")
    print("| step | ours (baseline) ms | ours (progressive) ms | Pillow (baseline) ms |")
    print("|---|---:|---:|---:|")
    steps = {name: ours(tool, "steps", p, tmp) for name, p in files.items()}

    def pillow_pipeline(p):
        t = {}
        t["decode_ms"], im = best(lambda: Image.open(p).convert("RGB"))
        from PIL import ImageOps
        t["resize_display_ms"], disp = best(lambda: ImageOps.exif_transpose(im.resize((1600, 1200), Image.LANCZOS)))
        t["resize_thumb_ms"], th = best(lambda: disp.resize((240, 320), Image.LANCZOS))
        t["encode_display_ms"], _ = best(lambda: disp.save(io.BytesIO(), "JPEG", quality=85))
        t["encode_thumb_ms"], _ = best(lambda: th.save(io.BytesIO(), "JPEG", quality=80))

        def whole():
            im2 = ImageOps.exif_transpose(Image.open(p).convert("RGB").resize((1600, 1200), Image.LANCZOS))
            im2.save(io.BytesIO(), "JPEG", quality=85)
            im2.resize((240, 320), Image.LANCZOS).save(io.BytesIO(), "JPEG", quality=80)
        t["process_ms"], _ = best(whole)
        return t
    pil = pillow_pipeline(files["baseline"])
    for key, label in [("decode_ms", "decode"), ("resize_display_ms", "resize to 1600 + orient"), ("resize_thumb_ms", "resize to 320"),
                       ("encode_display_ms", "encode 1600 (q85)"), ("encode_thumb_ms", "encode 320 (q80)"),
                       ("exif_strip_ms", "EXIF read + strip"), ("process_ms", "**PhotoProcessor.process end to end**")]:
        print("| %s | %.0f | %.0f | %s |" % (label, steps["baseline"][key], steps["progressive"][key],
                                            "%.0f" % pil[key] if key in pil else "—"))
    rss = {name: ours(tool, "process", p)["peak_rss_mb"] for name, p in files.items()}
    pil_rss = subprocess.run([sys.executable, "-c", PILLOW_RSS, files["baseline"]], capture_output=True, text=True, check=True).stdout.strip()
    print("| peak resident memory, one `process` call in a fresh process (MB) | %.0f | %.0f | %s |" % (rss["baseline"], rss["progressive"], pil_rss))
    disp = np.asarray(Image.open(os.path.join(tmp, "process_display.jpg")).convert("RGB"))
    from PIL import ImageOps
    ref = np.asarray(ImageOps.exif_transpose(Image.open(files["baseline"])).convert("RGB").resize((1200, 1600), Image.LANCZOS))
    print("\nDisplay rendition: %s, %d bytes; PSNR vs Pillow's exif_transpose + LANCZOS of the original: %.1f dB."
          % ("×".join(map(str, disp.shape[1::-1])), os.path.getsize(os.path.join(tmp, "process_display.jpg")), psnr(disp, ref)))

    print("\n## 5. Fixtures (Tests/PinganKitTests/Fixtures/media)\n")
    print("| fixture | PSNR ours vs Pillow dB | max abs |")
    print("|---|---:|---:|")
    fx = os.path.join(ROOT, "Tests", "PinganKitTests", "Fixtures", "media")
    for f in sorted(os.listdir(fx)):
        if not f.endswith((".jpg", ".png")) or f.startswith(("bomb", "truncated", "cmyk")):
            continue
        raw = os.path.join(tmp, "fx.rgb")
        try:
            ours(tool, "decode", os.path.join(fx, f), raw)
        except subprocess.CalledProcessError:
            print("| %s | failed | |" % f)
            continue
        im = Image.open(os.path.join(fx, f))
        if im.mode.startswith("I"):  # 16-bit grey: Pillow's convert("RGB") clips; compare high bytes
            hi = (np.asarray(im).astype(np.uint32) >> 8).astype(np.uint8)
            im = Image.fromarray(hi).convert("RGB")
        theirs = im.convert("RGBA") if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info else im.convert("RGB")
        if theirs.mode == "RGBA":  # ours flattens over white for the raw output
            bg = Image.new("RGBA", theirs.size, (255, 255, 255, 255))
            theirs = Image.alpha_composite(bg, theirs).convert("RGB")
        theirs = np.asarray(theirs)
        mine = np.fromfile(raw, np.uint8).reshape(theirs.shape)
        print("| %s | %.1f | %d |" % (f, psnr(mine, theirs), np.abs(mine.astype(int) - theirs.astype(int)).max()))

    print("\n## 6. Variant sweep: random pixels, odd sizes, every Pillow JPEG/PNG option\n")
    sweep(tool, tmp)
    shutil.rmtree(tmp)


def sweep(tool, tmp):
    """Sizes 1×1…129×7 × subsampling × baseline/progressive × standard/optimised Huffman × colour/grey
    JPEGs, and PNG modes; ours vs Pillow, worst difference."""
    rnd = np.random.default_rng(3)
    path, raw = os.path.join(tmp, "s.img"), os.path.join(tmp, "s.rgb")
    results = {"jpeg": [0, 0, None, 0], "png": [0, 0, None, 0]}  # files, worst max abs, where, failures
    for (w, h) in [(1, 1), (2, 2), (3, 3), (1, 17), (17, 1), (2, 9), (9, 2), (5, 7), (16, 16), (17, 17), (31, 33), (64, 48), (129, 7)]:
        arr = rnd.integers(0, 256, (h, w, 4), dtype=np.uint8)
        cases = [("jpeg", mode, dict(quality=q, subsampling=sub, progressive=prog, optimize=opt))
                 for mode in ("RGB", "L") for sub in (0, 1, 2) for prog in (False, True) for opt in (False, True) for q in (40, 95)]
        cases += [("png", mode, {}) for mode in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16")]
        for kind, mode, kw in cases:
            im = Image.fromarray(arr).convert(mode) if mode != "I;16" else Image.fromarray(arr[..., 0].astype(np.uint16) * 257)
            im.save(path, "JPEG" if kind == "jpeg" else "PNG", **kw)
            r = results[kind]
            r[0] += 1
            try:
                ours(tool, "decode", path, raw)
            except subprocess.CalledProcessError:
                r[3] += 1
                continue
            ref = Image.open(path)
            if ref.mode == "I;16":
                ref = Image.fromarray((np.asarray(ref) >> 8).astype(np.uint8))
            if ref.mode in ("LA", "RGBA", "PA") or "transparency" in ref.info:
                ref = Image.alpha_composite(Image.new("RGBA", ref.size, (255, 255, 255, 255)), ref.convert("RGBA"))
            theirs = np.asarray(ref.convert("RGB"))
            d = int(np.abs(np.fromfile(raw, np.uint8).reshape(theirs.shape).astype(int) - theirs.astype(int)).max())
            if d > r[1]:
                r[1], r[2] = d, "%d×%d %s %s" % (w, h, mode, kw)
    for kind, (n, worst, where, failed) in results.items():
        print("- %s: %d files, %d failed, worst max abs difference %d%s" % (kind, n, failed, worst, " (%s)" % where if where else ""))


if __name__ == "__main__":
    main()
