#!/usr/bin/env python3
"""Stub server for the map harness: the pages in this folder, map.js/map.css straight from the source
tree, the app stylesheet (extracted from Core/Stylesheet.swift), and sample data speaking the map
contract of issue 18:

  GET /api/layers/outline?bbox=&zoom=         the real Panyu outline (data/panyu-440113.geojson; GCJ-02 as
                                              published, served as if WGS-84 -- fine for a harness)
  GET /api/layers/communities?level=community&bbox=&zoom=   six hand-made synthetic communities
  GET /api/layers/grids?bbox=&zoom=           two synthetic grids per community (halves)
  GET /api/layers/incidents?bbox=&zoom=       2,000 seeded random points inside the outline, clustered
                                              on a 72-px grid below zoom 15
  GET /api/layers/hotspots?bbox=&zoom=        eight hot-spot cells with ranks
  GET /api/places?q=                          search communities, grids and the district by name
  GET /api/locate?lon=&lat=                   community and grid containing the point
  GET /tiles/{z}/{x}/{y}.png                  generated plain tiles (for the tiles/GCJ-02 page)

Every response carries the app's Content-Security-Policy, so a CSP violation shows up as a console
error in the browser test. Layer requests are checked (bbox of four numbers, integer zoom): a malformed
one answers 400, and every request is recorded in REQUEST_LOG for the test.

    python3 Tests/browser/map-harness/serve.py [--port 8765]
"""
import argparse
import json
import math
import os
import random
import re
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
ASSETS = os.path.join(REPO, 'Sources', 'PinganServer', 'Map', 'Assets')
STYLESHEET_SWIFT = os.path.join(REPO, 'Sources', 'PinganServer', 'Core', 'Stylesheet.swift')
CSP = "default-src 'self'; style-src 'self'; img-src 'self' data:; script-src 'self'"
REQUEST_LOG = []
_LOG_LOCK = threading.Lock()

# ---------------------------------------------------------------- geometry


def point_in_ring(x, y, ring):
    inside = False
    for i in range(len(ring)):
        x1, y1 = ring[i - 1][0], ring[i - 1][1]
        x2, y2 = ring[i][0], ring[i][1]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def point_in_geometry(x, y, geom):
    polys = [geom['coordinates']] if geom['type'] == 'Polygon' else geom['coordinates']
    for poly in polys:
        if point_in_ring(x, y, poly[0]) and not any(point_in_ring(x, y, h) for h in poly[1:]):
            return True
    return False


def geometry_bbox(geom):
    polys = [geom['coordinates']] if geom['type'] == 'Polygon' else geom['coordinates']
    xs = [p[0] for poly in polys for ring in poly for p in ring]
    ys = [p[1] for poly in polys for ring in poly for p in ring]
    return [min(xs), min(ys), max(xs), max(ys)]


def intersects(a, b):
    return a[0] <= b[2] and a[2] >= b[0] and a[1] <= b[3] and a[3] >= b[1]


def clip_half(ring, m, keep_left):
    """Sutherland-Hodgman clip of a closed ring against the vertical line x = m."""
    inside = (lambda p: p[0] <= m) if keep_left else (lambda p: p[0] >= m)
    out = []
    pts = ring[:-1]
    for i, cur in enumerate(pts):
        prev = pts[i - 1]
        if inside(cur):
            if not inside(prev):
                out.append(_cross(prev, cur, m))
            out.append(cur)
        elif inside(prev):
            out.append(_cross(prev, cur, m))
    return out + out[:1]


def _cross(a, b, m):
    t = (m - a[0]) / (b[0] - a[0])
    return [m, round(a[1] + t * (b[1] - a[1]), 6)]


def mercator(lon, lat):
    s = math.sin(math.radians(lat))
    return (lon + 180) / 360, 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)

# ---------------------------------------------------------------- sample data


def _load(name):
    with open(os.path.join(HERE, 'data', name), encoding='utf-8') as f:
        return json.load(f)


OUTLINE_GEOM = _load('panyu-440113.geojson')
OUTLINE = {'type': 'Feature', 'geometry': {'type': OUTLINE_GEOM['type'], 'coordinates': OUTLINE_GEOM['coordinates']},
           'properties': {'id': 440113, 'title': '番禺区', 'subtitle': '区界（高德公开边界）', 'url': '/jurisdiction/1'}}
COMMUNITIES = _load('communities.geojson')['features']
GRIDS = []
for c in COMMUNITIES:
    ring = c['geometry']['coordinates'][0]
    bb = geometry_bbox(c['geometry'])
    mid = round((bb[0] + bb[2]) / 2, 6)
    for k, left in ((1, True), (2, False)):
        name = '第%d网格' % k
        GRIDS.append({'type': 'Feature', 'geometry': {'type': 'Polygon', 'coordinates': [clip_half(ring, mid, left)]},
                      'properties': {'id': c['properties']['id'] * 10 + k, 'community': c['properties']['id'],
                                     'title': c['properties']['title'] + ' ' + name, 'subtitle': '示意网格',
                                     'label': name, 'synthetic': True, 'url': '/jurisdiction/%d' % (1000 + k)}})

CATEGORIES = [('盗窃', None), ('诈骗', '#a35f00'), ('纠纷', None), ('交通事故', None), ('噪音扰民', None)]


def _random_points(n, seed=42):
    rnd = random.Random(seed)
    bb = geometry_bbox(OUTLINE['geometry'])
    pts = []
    while len(pts) < n:
        x, y = rnd.uniform(bb[0], bb[2]), rnd.uniform(bb[1], bb[3])
        # denser around the town centre, like real incidents
        if rnd.random() < 0.55:
            x, y = rnd.gauss(113.385, 0.03), rnd.gauss(22.955, 0.02)
        if not point_in_geometry(x, y, OUTLINE['geometry']):
            continue
        i = len(pts) + 1
        cat, color = CATEGORIES[rnd.randrange(len(CATEGORIES))]
        props = {'id': i, 'title': '警情 #%d · %s' % (i, cat),
                 'subtitle': '2025-%02d-%02d · 已受理' % (rnd.randint(1, 12), rnd.randint(1, 28)), 'url': '/incidents/%d' % i}
        if color:
            props['color'] = color
        pts.append({'type': 'Feature', 'geometry': {'type': 'Point', 'coordinates': [round(x, 6), round(y, 6)]},
                    'properties': props})
    return pts


POINTS = _random_points(2000)
RANK_COLORS = ['#b3261e', '#c4412b', '#d45c3a', '#e0784d', '#e99466', '#f0ae83', '#f4c6a3', '#f7dac2']


def _hotspots():
    rnd = random.Random(3)
    cells = []
    for rank in range(1, 9):
        c = COMMUNITIES[(rank - 1) % len(COMMUNITIES)]
        bb = geometry_bbox(c['geometry'])
        x = round(rnd.uniform(bb[0] + 0.01, bb[2] - 0.02), 4)
        y = round(rnd.uniform(bb[1] + 0.01, bb[3] - 0.02), 4)
        w, h = 0.008, 0.0074
        ring = [[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]
        cells.append({'type': 'Feature', 'geometry': {'type': 'Polygon', 'coordinates': [ring]},
                      'properties': {'id': rank, 'rank': rank, 'color': RANK_COLORS[rank - 1],
                                     'title': '热点 第 %d 名 · %s' % (rank, c['properties']['title']),
                                     'subtitle': '近 90 天 %d 起' % (40 - rank * 4), 'url': '/analysis/hotspots#r%d' % rank}})
    return cells


HOTSPOTS = _hotspots()

# ---------------------------------------------------------------- layer answers


def polygons_in(features, bbox):
    return [f for f in features if intersects(geometry_bbox(f['geometry']), bbox)]


def clustered_points(bbox, zoom):
    inside = [p for p in POINTS if bbox[0] <= p['geometry']['coordinates'][0] <= bbox[2]
              and bbox[1] <= p['geometry']['coordinates'][1] <= bbox[3]]
    if zoom >= 15:
        return inside, len(inside)
    cell = 72.0 / (256 * 2 ** zoom)
    groups = {}
    for p in inside:
        mx, my = mercator(*p['geometry']['coordinates'])
        groups.setdefault((int(mx // cell), int(my // cell)), []).append(p)
    out = []
    for key, members in sorted(groups.items()):
        if len(members) == 1:
            out.append(members[0])
            continue
        lon = sum(m['geometry']['coordinates'][0] for m in members) / len(members)
        lat = sum(m['geometry']['coordinates'][1] for m in members) / len(members)
        out.append({'type': 'Feature', 'geometry': {'type': 'Point', 'coordinates': [round(lon, 6), round(lat, 6)]},
                    'properties': {'id': 'c%d_%d' % key, 'cluster': True, 'count': len(members)}})
    return out, len(inside)


def layer_answer(name, bbox, zoom):
    if name == 'outline':
        feats = polygons_in([OUTLINE], bbox)
    elif name == 'communities':
        feats = polygons_in(COMMUNITIES, bbox)
    elif name == 'grids':
        feats = polygons_in(GRIDS, bbox)
    elif name == 'hotspots':
        feats = polygons_in(HOTSPOTS, bbox)
    elif name == 'incidents':
        feats, total = clustered_points(bbox, zoom)
        return {'type': 'FeatureCollection', 'total': total, 'truncated': False, 'features': feats}
    else:
        return None
    return {'type': 'FeatureCollection', 'total': len(feats), 'truncated': False, 'features': feats}


def places(q):
    q = q.strip()
    out = []
    if q and q in '番禺区':
        out.append({'name': '番禺区', 'bbox': geometry_bbox(OUTLINE['geometry'])})
    for f in COMMUNITIES + GRIDS:
        if q and q in f['properties']['title']:
            out.append({'name': f['properties']['title'], 'bbox': geometry_bbox(f['geometry'])})
    return {'results': out[:20]}


def locate(lon, lat):
    if not point_in_geometry(lon, lat, OUTLINE['geometry']):
        return {'community': None, 'grid': None, 'outside': True}
    for c in COMMUNITIES:
        if point_in_geometry(lon, lat, c['geometry']):
            grid = next((g for g in GRIDS if g['properties']['community'] == c['properties']['id']
                         and point_in_geometry(lon, lat, g['geometry'])), None)
            return {'community': {'id': c['properties']['id'], 'name': c['properties']['title']},
                    'grid': {'id': grid['properties']['id'], 'name': grid['properties']['label']} if grid else None,
                    'outside': False}
    return {'community': None, 'grid': None, 'outside': False}

# ---------------------------------------------------------------- tiles and the app stylesheet


def _png(w, h, pixel):
    raw = b''.join(b'\x00' + b''.join(pixel(x, y) for x in range(w)) for y in range(h))

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))


def _tile(shade):
    bg, line = (bytes((246, 243, 236)), bytes((236, 232, 222))) if shade else (bytes((241, 238, 230)), bytes((231, 227, 216)))
    edge = bytes((214, 208, 194))
    return _png(256, 256, lambda x, y: edge if x == 0 or y == 0 else (line if x % 64 == 0 or y % 64 == 0 else bg))


TILES = {0: _tile(0), 1: _tile(1)}


def app_css():
    try:
        with open(STYLESHEET_SWIFT, encoding='utf-8') as f:
            m = re.search(r'#"""\n(.*?)"""#', f.read(), re.S)
        return m.group(1) if m else ''
    except OSError:
        return ''

# ---------------------------------------------------------------- HTTP


STATIC = {'/': 'index.html', '/index.html': 'index.html', '/picker.html': 'picker.html', '/en.html': 'en.html',
          '/harness.js': 'harness.js'}
TYPES = {'.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8'}
LAYER_PATH = re.compile(r'^/api/layers/(\w+)$')
NUM = r'-?\d+(?:\.\d+)?'
BBOX = re.compile(r'^%s,%s,%s,%s$' % (NUM, NUM, NUM, NUM))


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, body, ctype):
        if isinstance(body, str):
            body = body.encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        self.send_header('Content-Security-Policy', CSP)
        self.send_header('Cache-Control', 'no-store')
        self.end_headers()
        self.wfile.write(body)

    def json(self, obj, status=200):
        self.send(status, json.dumps(obj, ensure_ascii=False), 'application/json; charset=utf-8')

    def do_GET(self):
        url = urlparse(self.path)
        q = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        with _LOG_LOCK:
            REQUEST_LOG.append(self.path)
        m = LAYER_PATH.match(url.path)
        if m:
            return self.layer(m.group(1), q)
        if url.path == '/api/places':
            return self.json(places(q.get('q', '')))
        if url.path == '/api/locate':
            try:
                return self.json(locate(float(q['lon']), float(q['lat'])))
            except (KeyError, ValueError):
                return self.json({'error': 'lon and lat required'}, 400)
        if url.path.startswith('/tiles/'):
            parts = url.path[len('/tiles/'):].rsplit('.', 1)[0].split('/')
            if len(parts) == 3 and all(p.isdigit() for p in parts):
                return self.send(200, TILES[(int(parts[1]) + int(parts[2])) % 2], 'image/png')
        if url.path == '/app.css':
            return self.send(200, app_css(), TYPES['.css'])
        if url.path in ('/assets/map.js', '/assets/map.css'):
            return self.file(os.path.join(ASSETS, url.path.rsplit('/', 1)[1]))
        if url.path in STATIC:
            return self.file(os.path.join(HERE, STATIC[url.path]))
        self.send(404, 'not found', 'text/plain; charset=utf-8')

    def layer(self, name, q):
        bbox, zoom = q.get('bbox', ''), q.get('zoom', '')
        if not BBOX.match(bbox) or not zoom.isdigit():
            return self.json({'error': 'bbox=minLon,minLat,maxLon,maxLat and integer zoom required'}, 400)
        answer = layer_answer(name, [float(v) for v in bbox.split(',')], int(zoom))
        if answer is None:
            return self.json({'error': 'no such layer'}, 404)
        self.json(answer)

    def file(self, path):
        try:
            with open(path, 'rb') as f:
                body = f.read()
        except OSError:
            return self.send(404, 'not found', 'text/plain; charset=utf-8')
        self.send(200, body, TYPES.get(os.path.splitext(path)[1], 'application/octet-stream'))


def make_server(port=0, host='127.0.0.1'):
    """A ready server (call serve_forever, e.g. in a thread); port 0 picks a free one."""
    return ThreadingHTTPServer((host, port), Handler)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--port', type=int, default=8765)
    ap.add_argument('--host', default='127.0.0.1')
    args = ap.parse_args()
    srv = make_server(args.port, args.host)
    print('map harness on http://%s:%d/  (index.html, picker.html, en.html)' % (args.host, srv.server_address[1]), flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == '__main__':
    main()
