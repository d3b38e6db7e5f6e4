#!/usr/bin/env python3
"""Open311 GeoReport v2 peer check: a fresh Pingan server on loopback, read by the Python `georeport`
client (JSON and XML) and validated against the Open311 JSON Schemas in ../shared/data/open311-georeport-v2-schema/.

    python3 -m venv .venv-peers && .venv-peers/bin/pip install georeport==0.3.1 jsonschema==4.26.0
    swift build && .venv-peers/bin/python Tests/peer/open311_georeport.py [--binary .build/debug/pingan] [--port 8311]

Exit status 0 when every check passes; each failure is printed.
"""
import argparse, json, os, pathlib, shutil, subprocess, sys, tempfile, time, urllib.request, urllib.parse, urllib.error

import georeport
import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

ROOT = pathlib.Path(__file__).resolve().parents[2]
ap = argparse.ArgumentParser()
ap.add_argument("--binary", default=str(ROOT / ".build/debug/pingan"))
ap.add_argument("--port", type=int, default=8311)
ap.add_argument("--schemas", default=os.environ.get("OPEN311_SCHEMAS", str(ROOT.parent / "shared/data/open311-georeport-v2-schema")))
args = ap.parse_args()

failures = []
def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond: failures.append(what)

# Schemas: register each file under its name so relative $refs resolve.
schema_dir = pathlib.Path(args.schemas)
resources = {p.name: json.loads(p.read_text()) for p in schema_dir.glob("*.json") if p.name != "swagger.json"}
registry = Registry().with_resources([(n, Resource.from_contents(s, default_specification=DRAFT4)) for n, s in resources.items()])
def validate(doc, name):
    v = jsonschema.Draft4Validator(resources[name], registry=registry, format_checker=jsonschema.FormatChecker())
    errs = sorted(v.iter_errors(doc), key=str)
    check(not errs, f"{name}: {errs[0].message if errs else 'valid'}")

tmp = tempfile.mkdtemp(prefix="pingan-o311-")
env = dict(os.environ, PINGAN_DB=os.path.join(tmp, "o311.sqlite"), PORT=str(args.port), PINGAN_PORTAL_IP_LIMIT="0", DATABASE_URL="")
subprocess.run([args.binary, "migrate"], env=env, check=True, capture_output=True)
key = subprocess.run([args.binary, "open311", "key", "create", "--name", "peer"], env=env, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
server = subprocess.Popen([args.binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
base = f"http://127.0.0.1:{args.port}/open311/v2"
try:
    for _ in range(100):
        try: urllib.request.urlopen(f"http://127.0.0.1:{args.port}/health", timeout=1); break
        except Exception: time.sleep(0.2)

    def post(fields, fmt="json"):
        data = urllib.parse.urlencode(fields).encode()
        try:
            with urllib.request.urlopen(urllib.request.Request(f"{base}/requests.{fmt}", data=data), timeout=5) as r: return r.status, r.read().decode()
        except urllib.error.HTTPError as e: return e.code, e.read().decode()

    # POST requests (the client has no POST): one with attributes, one plain, one refused.
    st, body = post({"api_key": key, "service_code": "report_hazard", "address_id": "440113007601", "description": "路灯坏了 <b>x</b>",
                     "attribute[hazard_kind]": "traffic", "phone": "13800138000", "first_name": "张", "last_name": "三"})
    check(st == 201, f"POST requests.json → {st}")
    created = json.loads(body)[0]
    check("service_request_id" in created and "token" in created, "POST answers service_request_id and token")
    st, _ = post({"api_key": key, "service_code": "help", "address_string": "番禺区市桥街道德兴社区", "description": "求助"}, "xml")
    check(st == 201, f"POST requests.xml → {st}")
    st, body = post({"service_code": "help", "description": "x"})
    check(st == 403 and json.loads(body)[0]["code"] == 403, "POST without api_key → 403 in the spec's error shape")

    # GeoReport v2 makes `description` optional: a service's required attributes carry the report (issue 25).
    st, body = post({"api_key": key, "service_code": "report_hazard", "address_id": "440113007601", "attribute[hazard_kind]": "fire"})
    check(st == 201 and "service_request_id" in json.loads(body)[0], f"POST without description, required attribute given → {st}")
    no_text = json.loads(body)[0] if st == 201 else {}
    st, body = post({"api_key": key, "service_code": "help", "address_id": "440113007601"}, "xml")
    check(st == 201 and "<service_request_id>" in body, f"POST requests.xml without description (no attributes) → {st}")
    st, body = post({"api_key": key, "service_code": "report_hazard", "address_id": "440113007601"})
    errs = json.loads(body) if st == 400 else []
    check(st == 400 and [e["description"].split(":")[0] for e in errs] == ["attribute[hazard_kind]"],
          f"POST without the required attribute → 400 naming attribute[hazard_kind]: {body[:120]}")
    st, body = post({"api_key": key, "service_code": "no_such_service", "address_id": "440113007601"})
    check(st == 400 and json.loads(body)[0]["description"].startswith("service_code:"), f"unknown service_code named as service_code: {body[:120]}")

    # Paths and methods GeoReport v2 does not have: the spec's error format, JSON or XML by the extension, never HTML.
    def fetch(path, method="GET"):
        try:
            with urllib.request.urlopen(urllib.request.Request(f"{base}{path}", method=method), timeout=5) as r: return r.status, r.headers.get("Content-Type", ""), r.read().decode()
        except urllib.error.HTTPError as e: return e.code, e.headers.get("Content-Type", ""), e.read().decode()
    for path in ("/no/such/path.json", "/requests/1/extra.json", "/services/a/b"):
        st, ctype, body = fetch(path)
        ok = st == 404 and ctype.startswith("application/json") and json.loads(body)[0]["code"] == 404
        check(ok, f"GET {path} → {st} {ctype.split(';')[0]} in the JSON error format")
    st, ctype, body = fetch("/no/such/path.xml")
    check(st == 404 and "xml" in ctype and "<errors><error><code>404</code>" in body, f"GET /no/such/path.xml → {st} in the XML error format")
    st, ctype, body = fetch("/no/such/path.json", "POST")
    check(st == 404 and json.loads(body)[0]["code"] == 404, f"POST an unknown path → {st} in the error format")

    # Discovery: clients build endpoint URLs from `url`; it must not end with a slash.
    disc = json.loads(urllib.request.urlopen(f"{base}/discovery.json").read())
    url = disc["endpoints"][0]["url"]
    check(not url.endswith("/"), f"discovery endpoint url has no trailing slash: {url}")
    via_discovery = georeport.GeoReport(url, output_format="json").get_service_list()
    check(len(via_discovery) == 6, "the client built from the discovery url lists the services")

    for fmt in ("json", "xml"):
        c = georeport.GeoReport(base, output_format=fmt)
        services = c.get_service_list()
        services = services if isinstance(services, list) else [services]
        check(len(services) == 6, f"[{fmt}] get_service_list: {len(services)} services")
        if fmt == "json": validate(services, "services.json")
        d = c.get_service_definition("report_hazard")
        check(d["service_code"] == "report_hazard" and d["attributes"], f"[{fmt}] get_service_definition(report_hazard)")
        if fmt == "json": validate(d, "service-definition.json")
        reqs = c.get_service_requests()
        reqs = reqs if isinstance(reqs, list) else [reqs]
        check(len(reqs) == 4, f"[{fmt}] get_service_requests: {len(reqs)}")
        if fmt == "json": validate(reqs, "requests.json")
        one = c.get_service_request(created["service_request_id"])
        check(one["service_request_id"] == created["service_request_id"] and one["status"] == "open", f"[{fmt}] get_service_request")
        if fmt == "json": validate(one, "request.json")
        try:
            closed = c.get_service_requests(status="closed", start_date="2020-01-01T00:00:00Z", end_date="2020-02-01T00:00:00Z")
        except TypeError:
            closed = []  # the client indexes into an empty <service_requests/> (xmltodict gives None): no rows
        check(not closed, f"[{fmt}] filters: an old window is empty")
        everything = urllib.request.urlopen(f"{base}/requests.{fmt}").read().decode()
        check("13800138000" not in everything and "张" not in everything, f"[{fmt}] no reporter phone or name in GET requests")
    if no_text:
        one = json.loads(urllib.request.urlopen(f"{base}/requests/{no_text['service_request_id']}.json").read())[0]
        validate(one, "request.json")
    tok = json.loads(urllib.request.urlopen(f"{base}/tokens/{created['token']}.json").read())
    check(tok[0]["service_request_id"] == created["service_request_id"], "tokens/{token}.json")
    try:
        urllib.request.urlopen(f"{base}/requests/999999.json"); check(False, "missing request → 404")
    except urllib.error.HTTPError as e:
        check(e.code == 404 and json.loads(e.read())[0]["code"] == 404, "missing request → 404 error list")
finally:
    server.terminate(); server.wait(timeout=10)
    shutil.rmtree(tmp, ignore_errors=True)

print(f"\n{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
