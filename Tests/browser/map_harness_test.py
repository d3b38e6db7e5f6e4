#!/usr/bin/env python3
"""Browser test of the map script (Sources/PinganServer/Map/Assets/map.js) on the harness pages in
Tests/browser/map-harness/, served by its stub server (serve.py, started here on a free port).

    python3 Tests/browser/map_harness_test.py [--shots /tmp/map-shots] [--only NAME]

Needs Debian's chromium and driver (`apt-get install -y chromium chromium-driver`; `fonts-noto-cjk` makes
the Chinese in the screenshots readable) and `pip install selenium` (tested with selenium 4.51, Chromium 156).
Runs in about 25 s including the screenshots. Every page load is
followed by a check of the browser console: any SEVERE entry (a script error, a CSP violation, a failed
request) fails the test that caused it. Screenshots (desktop 1366 px, phone 390 px) go to --shots.
"""
import argparse
import math
import os
import re
import struct
import sys
import tempfile
import threading
import time
import traceback

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.wheel_input import ScrollOrigin
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, 'map-harness'))
import serve  # noqa: E402  (the harness's stub server)

CJK = re.compile(r'[\u3400-\u9fff\uff00-\uffef]')
LAYER_REQ = re.compile(r'^/api/layers/(\w+)\?(?:level=community&)?bbox=(-?[\d.]+),(-?[\d.]+),(-?[\d.]+),(-?[\d.]+)&zoom=(\d+)$')


class Browser:
    def __init__(self, base):
        self.base = base
        opts = webdriver.ChromeOptions()
        for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars',
                  '--force-device-scale-factor=1', '--lang=zh-CN'):
            opts.add_argument(a)
        if os.path.exists('/usr/bin/chromium'):
            opts.binary_location = '/usr/bin/chromium'
        opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
        self.d = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=opts)
        self.d.set_script_timeout(10)

    # -- pages and waiting
    def size(self, width, height=900, phone=False):
        self.d.execute_cdp_cmd('Emulation.setDeviceMetricsOverride',
                               {'width': width, 'height': height, 'deviceScaleFactor': 1, 'mobile': phone})
        self.d.execute_cdp_cmd('Emulation.setTouchEmulationEnabled', {'enabled': phone, 'maxTouchPoints': 5 if phone else 1})

    def load(self, page, width=1366, phone=False):
        self.size(width, 900, phone)
        serve.REQUEST_LOG.clear()
        self.d.get(self.base + page)
        self.wait('return window.PinganMap && PinganMap.instances.length > 0 && PinganMap.instances.every(m => m.idle)',
                  'maps loaded')

    def js(self, script, *args):
        return self.d.execute_script(script, *args)

    def wait(self, script, what, timeout=6, *args):
        try:
            WebDriverWait(self.d, timeout, poll_frequency=0.05).until(lambda d: d.execute_script(script, *args))
        except TimeoutException:
            raise AssertionError('timed out waiting for: ' + what)

    def view(self, i=0):
        return self.js('const m = PinganMap.instances[arguments[0]];'
                       'return {z: m.z, cx: m.cx, cy: m.cy, w: m.w, h: m.h};', i)

    def settled(self, i=0):
        self.wait('return PinganMap.instances[arguments[0]].idle', 'map settled', 6, i)

    # -- input at page coordinates
    def client_point(self, i, lon, lat):
        """Viewport coordinates of a WGS-84 point on map i (scrolled into view first)."""
        return self.js('const m = PinganMap.instances[arguments[0]]; m.stage.scrollIntoView({block: "center"});'
                       'const r = m.svg.getBoundingClientRect(), p = m.toScreen(arguments[1], arguments[2]);'
                       'return [r.left + p[0], r.top + p[1]];', i, lon, lat)

    def click_xy(self, x, y):
        ab = ActionBuilder(self.d)
        ab.pointer_action.move_to_location(int(round(x)), int(round(y)))
        ab.pointer_action.click()
        ab.perform()

    def drag_xy(self, x, y, dx, dy):
        ab = ActionBuilder(self.d)
        ab.pointer_action.move_to_location(int(x), int(y)).pointer_down()
        for k in range(1, 6):
            ab.pointer_action.move_to_location(int(x + dx * k / 5), int(y + dy * k / 5))
        ab.pointer_action.pointer_up()
        ab.perform()

    def console_errors(self):
        return [e for e in self.d.get_log('browser') if e.get('level') == 'SEVERE']

    def shot(self, path, width, phone):
        self.size(width, 900, phone)
        time.sleep(0.3)
        h = min(2600, self.js('return document.documentElement.scrollHeight'))
        self.size(width, h, phone)
        time.sleep(0.5)
        self.d.save_screenshot(path)
        self.size(width, 900, phone)


def layer_requests(name):
    out = []
    for path in list(serve.REQUEST_LOG):
        m = LAYER_REQ.match(path)
        if m and m.group(1) == name:
            out.append((tuple(float(m.group(k)) for k in range(2, 6)), int(m.group(6))))
    return out


def topmost(b, selector):
    """Viewport centre [x, y, text] of the first element matching selector that is not covered there
    (found and measured in one step: a redraw may replace the elements any time after)."""
    return b.js('for (const el of document.querySelectorAll(arguments[0])) {'
                '  const r = el.getBoundingClientRect(); if (r.width < 4) continue;'
                '  el.scrollIntoView({block: "center"}); const q = el.getBoundingClientRect();'
                '  const x = q.left + q.width / 2, y = q.top + q.height / 2, hit = document.elementFromPoint(x, y);'
                '  if (hit === el || el.contains(hit)) return [x, y, el.parentNode.textContent]; } return null;', selector)


def exif_jpeg(lat, lon, little=False, gps=True):
    """A minimal JPEG (SOI, JFIF APP0, EXIF APP1 with a GPS IFD, EOI) -- enough for the EXIF reader."""
    e = '<' if little else '>'

    def dms(v):
        d = int(v)
        m = int((v - d) * 60)
        s = round((v - d - m / 60) * 3600 * 1000)
        return struct.pack(e + 'IIIIII', d, 1, m, 1, s, 1000)
    ifd0 = struct.pack(e + 'H', 1) + struct.pack(e + 'HHII', 0x8825 if gps else 0x010F, 4, 1, 26) + struct.pack(e + 'I', 0)
    entries = (struct.pack(e + 'HHI', 1, 2, 2) + (b'N' if lat >= 0 else b'S') + b'\0\0\0'
               + struct.pack(e + 'HHII', 2, 5, 3, 80)
               + struct.pack(e + 'HHI', 3, 2, 2) + (b'E' if lon >= 0 else b'W') + b'\0\0\0'
               + struct.pack(e + 'HHII', 4, 5, 3, 104))
    tiff = (b'II' if little else b'MM') + struct.pack(e + 'HI', 42, 8) + ifd0
    tiff += struct.pack(e + 'H', 4) + entries + struct.pack(e + 'I', 0) + dms(abs(lat)) + dms(abs(lon))
    app0 = b'JFIF\0\x01\x01\0\0\x01\0\x01\0\0'
    app1 = b'Exif\0\0' + tiff
    return (b'\xff\xd8' + b'\xff\xe0' + struct.pack('>H', len(app0) + 2) + app0
            + b'\xff\xe1' + struct.pack('>H', len(app1) + 2) + app1 + b'\xff\xd9')


# ---------------------------------------------------------------- the map page (index.html)

def test_map_renders_layers(b):
    b.load('index.html')
    outline = b.js('return Array.from(document.querySelectorAll("#main-map .pm-layer[data-l=\'0\'] path"), p => p.getAttribute("d"))')
    assert len(outline) == 1 and outline[0].count('L') > 80, 'outline drawn as one SVG path with its vertices'
    assert b.js('return document.querySelectorAll("#main-map .pm-layer[data-l=\'1\'] path.pm-poly.pm-syn").length') == 6, \
        'six synthetic communities, dashed'
    assert b.js('return document.querySelectorAll("#main-map .pm-cluster").length') > 5, 'incident clusters'
    assert b.js('return document.querySelectorAll("#main-map .pm-cell").length') == 8, 'hot-spot cells'
    assert b.js('return document.querySelectorAll("#main-map .pm-label").length') >= 3, 'community labels'
    assert b.js('const f = document.querySelector("#main-map .pm-fallback"); return !!f && f.hidden && !!f.querySelector("svg")'), \
        'server fallback kept, hidden'
    legend = b.js('return Array.from(document.querySelectorAll("#main-map .pm-leg-item"), e => e.textContent)')
    assert len(legend) == 5 and legend[4].startswith('警情') and '(2000)' in legend[4], legend
    # the contract's requests: ? or & joined right, bbox of four numbers, integer zoom; switched-off layer not asked
    for name in ('outline', 'communities', 'hotspots', 'incidents'):
        reqs = layer_requests(name)   # (the record-page map below asks too, for its own small view)
        assert reqs, 'no well-formed request for ' + name + ': ' + repr(serve.REQUEST_LOG)
        assert any(x0 < 113.26 and 113.57 < x1 and y0 < 22.86 and 23.08 < y1 and z < 13 for (x0, y0, x1, y1), z in reqs), \
            'a request covers the whole district view: %r' % reqs
    assert not layer_requests('grids'), 'switched-off layer is not fetched'
    assert all(LAYER_REQ.match(p) for p in serve.REQUEST_LOG if p.startswith('/api/layers/')), serve.REQUEST_LOG


def test_layer_toggle(b):
    b.load('index.html')
    cb = b.d.find_element(By.CSS_SELECTOR, '#main-map .pm-leg-item[data-layer="communities"] input')
    count = 'return document.querySelectorAll("#main-map .pm-layer[data-l=\'1\'] path").length'
    cb.click()
    b.wait(count.replace('.length', '.length === 0'), 'communities hidden')
    assert b.js('return document.querySelector("#main-map .pm-layer[data-l=\'1\']").getAttribute("display")') == 'none'
    assert 'pm-off' in b.js('return document.querySelector("#main-map .pm-leg-item[data-layer=communities]").className')
    cb.click()
    b.wait(count.replace('.length', '.length === 6'), 'communities shown again')


def test_card_and_escape(b):
    b.load('index.html')
    cell = topmost(b, '#main-map .pm-cell')
    assert cell is not None, 'a hot-spot cell is clickable'
    b.click_xy(cell[0], cell[1])
    b.wait('const c = document.querySelector("#main-map .pm-card"); return c && !c.hidden', 'card opens')
    card = b.js('const c = document.querySelector("#main-map .pm-card"), s = c.parentNode.getBoundingClientRect(),'
                ' r = c.getBoundingClientRect(); return {text: c.textContent, href: (c.querySelector("a") || {}).href,'
                ' inside: r.left >= s.left && r.right <= s.right && r.top >= s.top && r.bottom <= s.bottom};')
    assert '热点' in card['text'] and '查看记录' in card['text'] and '热点排名' in card['text'], card
    assert card['href'] and '/analysis/hotspots#r' in card['href'], card
    assert card['inside'], 'card positioned inside the map'
    ActionChains(b.d).send_keys(Keys.ESCAPE).perform()
    b.wait('return document.querySelector("#main-map .pm-card").hidden', 'Esc closes the card')
    # a synthetic community's card says so
    b.click_xy(*b.client_point(0, 113.345, 22.99))
    b.wait('const c = document.querySelector("#main-map .pm-card"); return !c.hidden && c.textContent.includes("示意边界")',
           'synthetic note in a community card')


def test_cluster_click_zooms_in(b):
    b.load('index.html')
    z0 = b.view()['z']
    cl = topmost(b, '#main-map .pm-cluster circle')
    assert cl is not None, 'a cluster is clickable'
    assert int(cl[2]) > 1
    b.click_xy(cl[0], cl[1])
    b.wait('return Math.abs(PinganMap.instances[0].z - Math.round(arguments[0]) - 2) < 1e-6', 'zoom +2 after a cluster click', 6, z0)
    b.settled()
    zooms = [z for _, z in layer_requests('incidents')]
    assert max(zooms) >= round(z0) + 2, 'incidents refetched at the new zoom: %r' % zooms
    assert b.js('return document.querySelector("#main-map .pm-card").hidden'), 'no card for a cluster'


def test_keyboard_wheel_drag_buttons(b):
    b.load('index.html')
    stage = b.d.find_element(By.CSS_SELECTOR, '#main-map .pm-stage')
    assert stage.get_attribute('role') == 'application' and stage.get_attribute('aria-label')
    b.js('arguments[0].focus()', stage)
    v0 = b.view()
    ActionChains(b.d).send_keys('+').perform()
    b.wait('return Math.abs(PinganMap.instances[0].z - (Math.round(arguments[0]) + 1)) < 1e-6', '+ zooms in', 6, v0['z'])
    b.settled()
    v1 = b.view()
    ActionChains(b.d).send_keys(Keys.ARROW_RIGHT).perform()
    b.wait('return PinganMap.instances[0].cx > arguments[0]', 'arrow right pans east', 6, v1['cx'])
    ActionChains(b.d).send_keys('-').perform()
    b.wait('return PinganMap.instances[0].z < arguments[0] - 0.99', '- zooms out', 6, v1['z'])
    b.settled()
    v2 = b.view()
    ActionChains(b.d).scroll_from_origin(ScrollOrigin.from_element(stage), 0, -250).perform()
    b.wait('return PinganMap.instances[0].z > arguments[0] + 0.2', 'wheel zooms in', 6, v2['z'])
    b.settled()
    v3 = b.view()
    x, y = b.client_point(0, 113.3, 23.05)
    b.drag_xy(x, y, 120, 40)
    b.wait('return PinganMap.instances[0].cx < arguments[0]', 'drag pans', 6, v3['cx'])
    assert b.js('return document.querySelector("#main-map .pm-card").hidden'), 'a drag is not a click'
    b.settled()
    z4 = b.view()['z']
    b.d.find_element(By.CSS_SELECTOR, '#main-map .pm-in').click()
    b.wait('return PinganMap.instances[0].z >= Math.round(arguments[0]) + 1 - 1e-6', 'zoom-in button', 6, z4)
    b.settled()
    z5 = b.view()['z']
    ActionChains(b.d).double_click(stage).perform()
    b.wait('return PinganMap.instances[0].z >= Math.round(arguments[0]) + 1 - 1e-6', 'double-click zooms in', 6, z5)
    labels = b.js('return Array.from(document.querySelectorAll("#main-map .pm-zoom button"), e => e.getAttribute("aria-label"))')
    assert labels == ['放大', '缩小', '显示整个范围'], labels


def test_search_zooms_to_place(b):
    b.load('index.html')
    box = b.d.find_element(By.CSS_SELECTOR, '#main-map .pm-search-input')
    box.send_keys('桥南', Keys.ENTER)
    b.wait('return document.querySelectorAll("#main-map .pm-result").length > 0', 'search results')
    names = b.js('return Array.from(document.querySelectorAll("#main-map .pm-result"), e => e.textContent)')
    assert names[0] == '桥南社区', names
    b.d.find_elements(By.CSS_SELECTOR, '#main-map .pm-result')[0].click()
    b.settled()
    centre = b.js('const m = PinganMap.instances[0]; return PinganMap.unproject(m.cx, m.cy).concat([m.z]);')
    assert abs(centre[0] - 113.396) < 0.01 and abs(centre[1] - 22.942) < 0.01 and centre[2] > 12, centre
    assert b.js('return document.querySelector("#main-map .pm-results").hidden'), 'results close'
    box.clear()
    box.send_keys('没有这个地方', Keys.ENTER)
    b.wait('const n = document.querySelector("#main-map .pm-noresult"); return n && n.textContent.includes("没有找到")',
           'no-result message')


def test_min_zoom_layer(b):
    b.load('index.html')
    b.d.find_element(By.CSS_SELECTOR, '#main-map .pm-leg-item[data-layer="grids"] input').click()
    b.wait('return document.querySelector("#main-map .pm-leg-item[data-layer=grids] .pm-leg-note").textContent === "放大后显示"',
           'grids say zoom in to see')
    time.sleep(0.35)
    assert not layer_requests('grids'), 'not fetched below its minZoom'
    b.js('const m = PinganMap.instances[0]; const w = PinganMap.project(113.39, 22.95); m.setView(w[0], w[1], 13.2);')
    b.settled()
    assert layer_requests('grids') and layer_requests('grids')[-1][1] == 13, serve.REQUEST_LOG
    assert b.js('return document.querySelectorAll("#main-map .pm-k-polygon path.pm-syn").length') > 6


def test_focus_map(b):
    b.load('index.html')
    pos = b.js('const m = PinganMap.instances[1], t = m.markers[0].g.getAttribute("transform").match(/[-\\d.]+/g);'
               'return [+t[0], +t[1], m.w, m.h, m.markers[0].g.textContent];')
    assert abs(pos[0] - pos[2] / 2) < 2 and abs(pos[1] - pos[3] / 2) < 2, 'focus marker centred: %r' % pos
    assert pos[4] == '警情 #12'
    assert b.js('return !document.querySelector("#focus-map .pm-search")'), 'no search box when config.search is null'


def test_pinch_and_touch_pan(b):
    b.load('index.html')
    b.settled()
    v0 = b.view()
    # synthetic touch pointers (selenium has no multi-touch): one finger pans, two fingers pinch
    b.js("""const m = PinganMap.instances[0], st = m.stage, r = m.svg.getBoundingClientRect();
      const ev = (type, id, x, y) => st.dispatchEvent(new PointerEvent(type, {pointerId: id, pointerType: 'touch',
        isPrimary: id === 1, clientX: r.left + x, clientY: r.top + y, bubbles: true, cancelable: true}));
      ev('pointerdown', 1, 300, 200); ev('pointermove', 1, 340, 200); ev('pointermove', 1, 400, 200); ev('pointerup', 1, 400, 200);""")
    v1 = b.view()
    assert abs((v0['cx'] - v1['cx']) * 256 * 2 ** v0['z'] - 100) < 0.5, 'one-finger pan moves the map 100 px: %r %r' % (v0, v1)
    b.settled()
    b.js("""const m = PinganMap.instances[0], st = m.stage, r = m.svg.getBoundingClientRect();
      const ev = (type, id, x, y) => st.dispatchEvent(new PointerEvent(type, {pointerId: id, pointerType: 'touch',
        isPrimary: id === 1, clientX: r.left + x, clientY: r.top + y, bubbles: true, cancelable: true}));
      ev('pointerdown', 1, 250, 200); ev('pointerdown', 2, 350, 200);
      ev('pointermove', 1, 200, 200); ev('pointermove', 2, 400, 200);
      ev('pointerup', 2, 400, 200); ev('pointerup', 1, 200, 200);""")
    v2 = b.view()
    assert abs(v2['z'] - v1['z'] - 1) < 1e-6, 'pinch to twice the distance zooms in by one: %r %r' % (v1, v2)
    assert b.js('return document.querySelector("#main-map .pm-card").hidden'), 'a pinch is not a tap'


def test_draw_speed_3000_features(b):
    b.load('index.html')
    ms = b.js("""const m = PinganMap.instances[0], L = m.layers[4], H = m.layers[3], feats = [], cells = [];
      for (let i = 0; i < 2000; i++) feats.push({type: 'Feature', properties: {id: i, title: 't' + i},
        geometry: {type: 'Point', coordinates: [113.26 + (i % 50) * 0.0062, 22.87 + Math.floor(i / 50) * 0.0052]}});
      for (let i = 0; i < 1000; i++) { const x = 113.26 + (i % 40) * 0.0078, y = 22.87 + Math.floor(i / 40) * 0.0083;
        cells.push({type: 'Feature', properties: {id: i, rank: i, color: '#b3261e'}, geometry: {type: 'Polygon',
          coordinates: [[[x, y], [x + 0.006, y], [x + 0.006, y + 0.006], [x, y + 0.006], [x, y]]]}}); }
      const t0 = performance.now();
      m.loaded(L, {type: 'FeatureCollection', total: 2000, features: feats});
      m.loaded(H, {type: 'FeatureCollection', total: 1000, features: cells});
      const t1 = performance.now();
      for (let k = 0; k < 5; k++) { m.cx += 1e-6; m.draw(); }
      return [t1 - t0, (performance.now() - t1) / 5, document.querySelectorAll('#main-map .pm-pt').length,
              document.querySelectorAll('#main-map .pm-cell').length];""")
    print('      load+draw of 3,000 features %.0f ms, redraw %.0f ms' % (ms[0], ms[1]))
    assert ms[2] == 2000 and ms[3] == 1000, ms
    assert ms[1] < 250, 'a redraw of 3,000 features takes %.0f ms' % ms[1]


def test_fallback_kept_on_failure(b):
    b.load('index.html')
    b.js("""const box = document.createElement('div');
      box.innerHTML = '<div class="map-view" id="bad-json" data-map-config="{not json"><p id="fb1">static map</p></div>' +
        '<div class="map-view" id="bad-layer"><p id="fb2">static map</p></div>';
      document.querySelector('main').appendChild(box);
      document.getElementById('bad-layer').setAttribute('data-map-config', JSON.stringify({bbox: [113.2, 22.8, 113.6, 23.1],
        layers: [{id: 'x', label: 'x', url: '/api/layers/nosuch', kind: 'polygon'}]}));
      PinganMap.init(box);""")
    b.wait('return !document.querySelector("#bad-layer .pm-root") && !!document.querySelector("#bad-layer > #fb2")',
           'fallback back when every layer fails')
    assert b.js('return !!document.querySelector("#bad-json > #fb1") && !document.querySelector("#bad-json .pm-root")'), \
        'unreadable config leaves the fallback alone'
    errors = [e for e in b.console_errors() if 'nosuch' not in e.get('message', '')]
    assert not errors, errors


# ---------------------------------------------------------------- the picker (picker.html)

def pick(b, lon, lat):
    b.click_xy(*b.client_point(0, lon, lat))
    b.wait('return document.getElementById("f-lon").value !== "" && PinganMap.instances[0].markers.length === 1', 'pin dropped')
    return float(b.js('return document.getElementById("f-lon").value')), float(b.js('return document.getElementById("f-lat").value'))


def test_picker_click_sets_inputs_and_selects(b):
    b.load('picker.html')
    assert b.js('return document.querySelectorAll(".map-picker .pm-layer path").length') == 6, 'outlines in the picker'
    lon, lat = pick(b, 113.39, 22.95)
    assert 113.2 < lon < 113.6 and 22.85 < lat < 23.1, (lon, lat)
    assert abs(lon - 113.39) < 0.003 and abs(lat - 22.95) < 0.003, 'the point under the click: %r' % ((lon, lat),)
    assert re.fullmatch(r'\d+\.\d{6}', b.js('return document.getElementById("f-lon").value')), 'six decimals'
    want = serve.locate(lon, lat)
    assert want['community'] and want['grid'], want
    b.wait('return document.getElementById("f-communityID").value === arguments[0]', 'community select set', 6,
           str(want['community']['id']))
    b.wait('return document.getElementById("f-gridID").value === arguments[0]', 'grid select set after repopulation', 6,
           str(want['grid']['id']))
    where = b.js('return document.querySelector(".pm-where").textContent')
    assert where == '位于 %s · %s（可更改）' % (want['community']['name'], want['grid']['name']), where
    assert any(re.fullmatch(r'/api/locate\?lon=\d+\.\d{6}&lat=\d+\.\d{6}', p) for p in serve.REQUEST_LOG), serve.REQUEST_LOG


def test_picker_typing_moves_pin(b):
    b.load('picker.html')
    lon_in = b.d.find_element(By.ID, 'f-lon')
    lat_in = b.d.find_element(By.ID, 'f-lat')
    lon_in.send_keys('113.46')
    lat_in.send_keys('22.99')
    b.wait('const m = PinganMap.instances[0]; return m.markers.length === 1 && Math.abs(m.markers[0].lon - 113.46) < 1e-9'
           ' && Math.abs(m.markers[0].lat - 22.99) < 1e-9', 'typed coordinates move the pin')
    assert lon_in.get_attribute('value') == '113.46', 'typed text left alone'
    b.wait('return document.getElementById("f-communityID").value === "6"', 'community looked up after typing')
    b.wait('return ["61", "62"].includes(document.getElementById("f-gridID").value)', 'grid after typing')
    # the pin is where the coordinates say
    x, y = b.client_point(0, 113.46, 22.99)
    got = b.js('const m = PinganMap.instances[0], r = m.svg.getBoundingClientRect(),'
               ' t = m.markers[0].g.getAttribute("transform").match(/[-\\d.]+/g); return [r.left + +t[0], r.top + +t[1]];')
    assert abs(got[0] - x) < 1.5 and abs(got[1] - y) < 1.5, (got, x, y)


def test_picker_drag_pin(b):
    b.load('picker.html')
    lon0, lat0 = pick(b, 113.40, 22.95)
    b.settled()
    assert b.view()['z'] == 13, 'a tap at district zoom closes in on the pin (13 without base tiles)'
    x, y = b.client_point(0, lon0, lat0)
    b.drag_xy(x, y - 15, 80, 0)   # grab the pin's head
    b.wait('return parseFloat(document.getElementById("f-lon").value) > arguments[0] + 0.0005', 'dragging the pin moves it east',
           6, lon0)
    lon1, lat1 = float(b.js('return document.getElementById("f-lon").value')), float(b.js('return document.getElementById("f-lat").value'))
    px = b.js('const m = PinganMap.instances[0]; return [m.toScreen(arguments[0], arguments[1]), m.toScreen(arguments[2], arguments[3])]',
              lon0, lat0, lon1, lat1)
    assert abs(px[1][0] - px[0][0] - 80) < 2 and abs(px[1][1] - px[0][1]) < 2, 'pin follows the drag, grab offset kept: %r' % px


def test_picker_outside(b):
    b.load('picker.html')
    pick(b, 113.262, 22.87)   # inside the bbox, outside the district
    b.wait('return document.querySelector(".pm-where").textContent === "该位置不在辖区内"', 'outside message')
    assert b.js('return document.getElementById("f-communityID").value') == ''


def test_picker_photo_exif(b):
    b.load('picker.html')
    tmp = tempfile.mkdtemp(prefix='map-exif-')
    plain = os.path.join(tmp, 'no-gps.jpg')
    with open(plain, 'wb') as f:
        f.write(exif_jpeg(0, 0, gps=False))
    b.d.find_element(By.ID, 'f-photo').send_keys(plain)
    time.sleep(0.4)
    assert b.js('return document.querySelector(".pm-use-photo").hidden'), 'no offer without GPS'
    assert b.js('return document.getElementById("f-lon").value') == ''
    photo = os.path.join(tmp, 'gps.jpg')
    with open(photo, 'wb') as f:
        f.write(exif_jpeg(22.9575, 113.4125))
    b.d.find_element(By.ID, 'f-photo').send_keys(photo)
    b.wait('return !document.querySelector(".pm-use-photo").hidden', 'photo location offered')
    assert b.js('return document.getElementById("f-lon").value') == '', 'not applied before consent'
    b.d.find_element(By.CSS_SELECTOR, '.pm-use-photo').click()
    b.wait('return document.getElementById("f-lon").value === "113.412500" && document.getElementById("f-lat").value === "22.957500"',
           'photo location applied')
    b.wait('return document.getElementById("f-communityID").value === "2"', 'community from the photo location')


def test_exif_parser_variants(b):
    b.load('picker.html')
    parse = 'return PinganMap.parseExifGps(new Uint8Array(arguments[0]).buffer)'
    got = b.js(parse, list(exif_jpeg(-33.8568, -151.2153, little=True)))
    assert got and abs(got['lat'] + 33.8568) < 1e-6 and abs(got['lon'] + 151.2153) < 1e-6, got
    got = b.js(parse, list(exif_jpeg(22.5, 113.25)))
    assert got and abs(got['lat'] - 22.5) < 1e-9 and abs(got['lon'] - 113.25) < 1e-9, got
    assert b.js(parse, list(exif_jpeg(22.5, 113.25, gps=False))) is None
    assert b.js(parse, list(b'\x89PNG\r\n\x1a\n' + bytes(40))) is None
    assert b.js(parse, list(exif_jpeg(22.5, 113.25)[:60])) is None, 'truncated file'


def test_picker_geolocation(b):
    b.load('picker.html')
    origin = b.base.rstrip('/')
    b.d.execute_cdp_cmd('Browser.grantPermissions', {'origin': origin, 'permissions': ['geolocation']})
    b.d.execute_cdp_cmd('Emulation.setGeolocationOverride', {'latitude': 22.99, 'longitude': 113.34, 'accuracy': 25})
    assert b.js('return document.getElementById("f-lon").value') == '', 'no location before the button'
    b.d.find_element(By.CSS_SELECTOR, '.pm-locate-me').click()
    b.wait('return document.getElementById("f-lon").value === "113.340000" && document.getElementById("f-lat").value === "22.990000"',
           'my location applied')
    assert '精度约 25 米' in b.js('return document.querySelector(".pm-msg").textContent')
    b.wait('return document.getElementById("f-communityID").value === "4"', 'community from my location')
    b.d.execute_cdp_cmd('Browser.resetPermissions', {})
    b.d.execute_cdp_cmd('Browser.setPermission', {'origin': origin, 'permission': {'name': 'geolocation'}, 'setting': 'denied'})
    b.d.find_element(By.CSS_SELECTOR, '.pm-locate-me').click()
    b.wait('return document.querySelector(".pm-msg").textContent.startsWith("未获准使用位置")', 'refusal explained')
    b.d.execute_cdp_cmd('Emulation.clearGeolocationOverride', {})
    b.d.execute_cdp_cmd('Browser.resetPermissions', {})


# ---------------------------------------------------------------- English, tiles, GCJ-02 (en.html)

def test_english_tiles_gcj02(b):
    b.load('en.html')
    tiles = b.js('return Array.from(document.querySelectorAll("#tile-map image.pm-tile"), i => i.getAttribute("href"))')
    assert tiles and all(re.fullmatch(r'/tiles/\d+/\d+/\d+\.png', t) for t in tiles), tiles
    assert b.js('return document.querySelector("#tile-map .pm-attrib").textContent') == '© generated harness tiles'
    ui = b.js('return Array.from(document.querySelectorAll(".pm-zoom button, .pm-search, .pm-leg-title, .pm-leg-note,'
              ' .pm-leg-extra, .pm-scale, .pm-busy, .pm-picker-bar, .pm-stage, .pm-search-input")).map(e =>'
              ' (e.classList.contains("pm-stage") ? "" : e.textContent) + " " + (e.getAttribute("aria-label") || "")'
              ' + " " + (e.getAttribute("placeholder") || "")).join(" | ")')
    assert not CJK.search(ui), 'English UI has no Chinese: ' + ui
    assert 'Zoom in' in ui and 'Use my location' in ui
    # datum: the published forward transform, its inverse, nothing outside China
    ref = b.js('return [PinganMap.wgs84ToGcj02(123, 45), PinganMap.gcj02ToWgs84(123, 45),'
               ' PinganMap.gcj02ToWgs84(...PinganMap.wgs84ToGcj02(113.39, 22.95)), PinganMap.wgs84ToGcj02(139.69, 35.68)]')
    assert abs(ref[0][0] - 123.00607541) < 1e-7 and abs(ref[0][1] - 45.00197815) < 1e-7, ref[0]
    assert abs(ref[1][0] - 122.99395597) < 5e-6 and abs(ref[1][1] - 44.99804071) < 5e-6, ref[1]
    assert abs(ref[2][0] - 113.39) < 1e-9 and abs(ref[2][1] - 22.95) < 1e-9, 'round trip well under 1 m'
    assert ref[3] == [139.69, 35.68], 'no shift outside China'
    # data are drawn shifted onto the tiles; a pick is converted back to WGS-84
    shift_px = b.js('const m = PinganMap.instances[0], a = m.toScreen(113.39, 22.95), S = m.scale(),'
                    ' w = PinganMap.project(113.39, 22.95); return [a[0] - ((w[0] - m.cx) * S + m.w / 2), a[1] - ((w[1] - m.cy) * S + m.h / 2)];')
    mpp = b.js('const m = PinganMap.instances[0]; return 40075016.686 * Math.cos(22.95 * Math.PI / 180) / m.scale();')
    metres = math.hypot(*shift_px) * mpp
    assert 300 < metres < 900, 'GCJ-02 shift drawn (%.0f m)' % metres
    # the picker opened on its stored point (zoom 16); click 150 m east of it
    b.click_xy(*b.client_point(1, 113.3936, 22.9504))
    b.wait('return document.getElementById("e-lon").value !== "113.392100"', 'picked on the tiled picker')
    lon, lat = float(b.js('return document.getElementById("e-lon").value')), float(b.js('return document.getElementById("e-lat").value'))
    assert abs(lon - 113.3936) < 0.00005 and abs(lat - 22.9504) < 0.00005, 'WGS-84 written back, not GCJ-02: %r' % ((lon, lat),)
    b.wait('return document.querySelector(".pm-where").textContent.startsWith("In ")', 'English locate line')
    where = b.js('return document.querySelector(".pm-where").textContent')
    assert where.endswith('(you can change it)') and ' · grid ' in where, where


# ---------------------------------------------------------------- phone width

def test_phone_no_overflow(b):
    for page in ('index.html', 'picker.html', 'en.html'):
        b.load(page, 390, phone=True)
        sw = b.js('return document.documentElement.scrollWidth')
        assert sw <= 390, '%s overflows at 390 px: scrollWidth %d' % (page, sw)
        cut = b.js('return Array.from(document.querySelectorAll(".pm-leg-item, .pm-leg-extra, .pm-zoom button, .pm-picker-bar button"))'
                   '.filter(e => !e.hidden && e.offsetParent).map(e => e.getBoundingClientRect())'
                   '.filter(r => r.left < 0 || r.right > 390).length')
        assert cut == 0, '%s: %d controls cut off' % (page, cut)
        small = b.js('return Array.from(document.querySelectorAll(".pm-zoom button")).filter(e => e.offsetWidth < 40).length')
        assert small == 0, 'zoom buttons are touch-sized on a phone'


def screenshots(b, out):
    os.makedirs(out, exist_ok=True)
    paths = []
    for page, name in (('index.html', 'map'), ('picker.html', 'picker'), ('en.html', 'en-tiles')):
        for width, phone in ((1366, False), (390, True)):
            if name == 'en-tiles' and phone:
                continue
            b.load(page, width, phone)
            if name == 'picker':
                b.click_xy(*b.client_point(0, 113.39, 22.95))
                b.wait('return document.querySelector(".pm-where").textContent !== ""', 'locate line')
                time.sleep(0.4)
            if name == 'map' and not phone:
                cell = topmost(b, '#main-map .pm-cell')
                if cell is not None:
                    b.click_xy(cell[0], cell[1])
            path = os.path.join(out, '%s-%s.png' % (name, 'phone-390' if phone else 'desktop-1366'))
            b.js('window.scrollTo(0, 0)')
            b.shot(path, width, phone)
            paths.append(path)
    return paths


TESTS = [test_map_renders_layers, test_layer_toggle, test_card_and_escape, test_cluster_click_zooms_in,
         test_keyboard_wheel_drag_buttons, test_search_zooms_to_place, test_min_zoom_layer, test_focus_map,
         test_pinch_and_touch_pan, test_draw_speed_3000_features, test_fallback_kept_on_failure,
         test_picker_click_sets_inputs_and_selects, test_picker_typing_moves_pin, test_picker_drag_pin,
         test_picker_outside, test_picker_photo_exif, test_exif_parser_variants, test_picker_geolocation,
         test_english_tiles_gcj02, test_phone_no_overflow]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--shots', default='/tmp/map-shots', help='screenshot folder ("" to skip)')
    ap.add_argument('--only', default='', help='run tests whose name contains this')
    args = ap.parse_args()
    if not os.path.exists('/usr/bin/chromedriver'):
        print('map harness test needs /usr/bin/chromedriver: apt-get install -y chromium chromium-driver')
        return 2
    srv = serve.make_server(0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    b = Browser('http://127.0.0.1:%d/' % srv.server_address[1])
    started, failures = time.time(), []
    try:
        for t in TESTS:
            if args.only and args.only not in t.__name__:
                continue
            t0 = time.time()
            try:
                t(b)
                errors = b.console_errors()
                assert not errors, 'console errors: %r' % errors
                print('ok    %-48s %.1fs' % (t.__name__, time.time() - t0), flush=True)
            except Exception as e:   # report every test, then fail at the end
                failures.append(t.__name__)
                print('FAIL  %-48s %s' % (t.__name__, e), flush=True)
                if not isinstance(e, AssertionError):
                    traceback.print_exc()
                b.console_errors()
        if args.shots and not args.only:
            for p in screenshots(b, args.shots):
                print('shot  ' + p)
            errors = b.console_errors()
            if errors:
                failures.append('screenshots')
                print('FAIL  console errors while taking screenshots: %r' % errors)
    finally:
        b.d.quit()
        srv.shutdown()
    print('%d failed, %.1fs' % (len(failures), time.time() - started))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
