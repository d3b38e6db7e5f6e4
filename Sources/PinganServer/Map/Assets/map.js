/* Pingan map — the interactive map (.map-view[data-map-config]) and the location picker
   (.map-picker[data-picker-config]). Plain ES2018, no dependencies, no inline scripts or style
   attributes (the pages run under a strict CSP). SVG in Web Mercator; the server's SVG fallback stays
   in the page (hidden) and is shown again if the map cannot start. Contract: docs in issue 18. */
(function () {
  'use strict';

  /* ------------------------------------------------------------------ 1. UI text */

  const TEXT = {
    zh: {
      mapLabel: '交互地图：拖动或方向键平移，滚轮或 +/- 缩放，Esc 关闭卡片',
      pickLabel: '选点地图：点击地图放置图钉，可拖动图钉；回车在地图中心放置图钉',
      zoomIn: '放大', zoomOut: '缩小', fit: '显示整个范围', close: '关闭',
      layers: '图层', loading: '加载中…', loadFailed: '加载失败', truncated: '仅显示部分',
      zoomInToSee: '放大后显示', openRecord: '查看记录',
      synthetic: '示意边界（非真实边界）', legendSynthetic: '示意边界', legendCluster: '聚合（数字为条数）',
      clusterTitle: '{n} 条记录', rank: '热点排名 {n}',
      searchLabel: '按名称定位地点', searchPlaceholder: '搜索社区、网格…', search: '搜索',
      noResults: '没有找到匹配的地点', searchFailed: '搜索失败，请稍后再试',
      meters: '{n} 米', kilometers: '{n} 公里', tenThousand: '万',
      pickHint: '点击地图放置图钉，可拖动调整；也可直接输入经纬度。',
      useMyLocation: '使用我的位置', locating: '正在获取你的位置…',
      geoOk: '已使用你的位置（精度约 {n} 米）。',
      geoDenied: '未获准使用位置。可以在地图上点选，或直接输入经纬度。',
      geoUnavailable: '暂时无法获取位置。可以在地图上点选，或直接输入经纬度。',
      geoTimeout: '获取位置超时。请重试，或在地图上点选。',
      geoUnsupported: '此浏览器（或非 HTTPS 页面）不能提供位置。请在地图上点选。',
      usePhoto: '使用照片中的位置', photoFound: '照片中带有拍摄位置（{lat}, {lon}），需要时可使用。',
      photoApplied: '已使用照片中的位置。',
      inArea: '位于 {c}{g}（可更改）', gridSep: ' · ',
      outside: '该位置不在辖区内', noMatch: '未匹配到社区，请手动选择。', locateFailed: '无法查询所属社区，请手动选择。'
    },
    en: {
      mapLabel: 'Interactive map: drag or arrow keys to pan, wheel or +/- to zoom, Esc closes the card',
      pickLabel: 'Location map: click to drop a pin, drag the pin to adjust; Enter drops the pin at the centre',
      zoomIn: 'Zoom in', zoomOut: 'Zoom out', fit: 'Show the whole area', close: 'Close',
      layers: 'Layers', loading: 'Loading…', loadFailed: 'failed to load', truncated: 'partial',
      zoomInToSee: 'zoom in to see', openRecord: 'Open record',
      synthetic: 'Synthetic boundary (not the real one)', legendSynthetic: 'synthetic boundary',
      legendCluster: 'cluster (number of records)', clusterTitle: '{n} records', rank: 'Hot-spot rank {n}',
      searchLabel: 'Zoom to a place by name', searchPlaceholder: 'Find a community or grid…', search: 'Search',
      noResults: 'No matching place', searchFailed: 'Search failed, please try again',
      meters: '{n} m', kilometers: '{n} km', tenThousand: '',
      pickHint: 'Click the map to drop a pin and drag it to adjust, or type the coordinates.',
      useMyLocation: 'Use my location', locating: 'Getting your location…',
      geoOk: 'Using your location (accurate to about {n} m).',
      geoDenied: 'Location permission was refused. Tap the map or type the coordinates instead.',
      geoUnavailable: 'Your location is not available now. Tap the map or type the coordinates instead.',
      geoTimeout: 'Getting your location took too long. Try again, or tap the map.',
      geoUnsupported: 'This browser (or a non-HTTPS page) cannot give a location. Please tap the map.',
      usePhoto: "Use the photo's location", photoFound: 'The photo carries a location ({lat}, {lon}); use it if you like.',
      photoApplied: "Using the photo's location.",
      inArea: 'In {c}{g} (you can change it)', gridSep: ' · grid ',
      outside: 'This place is outside the jurisdiction', noMatch: 'No community matched; please choose one.',
      locateFailed: 'Could not look up the community; please choose one.'
    }
  };

  function texts(lang, overrides) {
    return Object.assign({}, TEXT[lang === 'en' ? 'en' : 'zh'], overrides || {});
  }
  function fmt(s, vars) {
    return String(s).replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  }

  /* ------------------------------------------------------------------ 2. Projection and datum */

  const TILE = 256, MAX_LAT = 85.0511287798, PI = Math.PI;

  /** WGS-84 (or GCJ-02) lon/lat → Web Mercator world units, 0..1 on both axes. */
  function project(lon, lat) {
    const s = Math.sin(Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * PI / 180);
    return [(lon + 180) / 360, 0.5 - Math.log((1 + s) / (1 - s)) / (4 * PI)];
  }
  function unproject(x, y) {
    return [x * 360 - 180, Math.atan(Math.exp((0.5 - y) * 2 * PI)) * 360 / PI - 90];
  }
  function metersPerPixel(lat, z) {
    return 40075016.686 * Math.cos(lat * PI / 180) / (TILE * Math.pow(2, z));
  }

  // GCJ-02 ("Mars coordinates"): the published forward transform on the Krasovsky ellipsoid.
  const GCJ_A = 6378245.0, GCJ_EE = 0.00669342162296594323;
  function outOfChina(lon, lat) {
    return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
  }
  function gcjLat(x, y) {
    let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2 / 3;
    r += (20 * Math.sin(y * PI) + 40 * Math.sin(y / 3 * PI)) * 2 / 3;
    r += (160 * Math.sin(y / 12 * PI) + 320 * Math.sin(y * PI / 30)) * 2 / 3;
    return r;
  }
  function gcjLon(x, y) {
    let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2 / 3;
    r += (20 * Math.sin(x * PI) + 40 * Math.sin(x / 3 * PI)) * 2 / 3;
    r += (150 * Math.sin(x / 12 * PI) + 300 * Math.sin(x / 30 * PI)) * 2 / 3;
    return r;
  }
  function wgs84ToGcj02(lon, lat) {
    if (outOfChina(lon, lat)) return [lon, lat];
    const radLat = lat / 180 * PI;
    let magic = Math.sin(radLat);
    magic = 1 - GCJ_EE * magic * magic;
    const sqrtMagic = Math.sqrt(magic);
    const dLat = gcjLat(lon - 105, lat - 35) * 180 / ((GCJ_A * (1 - GCJ_EE)) / (magic * sqrtMagic) * PI);
    const dLon = gcjLon(lon - 105, lat - 35) * 180 / (GCJ_A / sqrtMagic * Math.cos(radLat) * PI);
    return [lon + dLon, lat + dLat];
  }
  /** Iterative inverse: converges to well under a millimetre in a few steps. */
  function gcj02ToWgs84(lon, lat) {
    if (outOfChina(lon, lat)) return [lon, lat];
    let wLon = lon, wLat = lat;
    for (let i = 0; i < 15; i++) {
      const g = wgs84ToGcj02(wLon, wLat), dLon = g[0] - lon, dLat = g[1] - lat;
      wLon -= dLon; wLat -= dLat;
      if (Math.abs(dLon) < 1e-11 && Math.abs(dLat) < 1e-11) break;
    }
    return [wLon, wLat];
  }
  const identity = (lon, lat) => [lon, lat];

  /* ------------------------------------------------------------------ 3. Small helpers */

  const SVGNS = 'http://www.w3.org/2000/svg';
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) if (attrs[k] != null && attrs[k] !== false) e.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function svgEl(tag, attrs) {
    const e = document.createElementNS(SVGNS, tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    return e;
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  }
  function safeColor(c, fallback) {
    return typeof c === 'string' && /^#[0-9a-f]{3,8}$/i.test(c) ? c : fallback;
  }
  /** Links in cards go to this site only (no javascript:, no other hosts). */
  function safeURL(u) {
    if (typeof u !== 'string') return null;
    if (/^\/(?!\/)/.test(u)) return u;
    try { const p = new URL(u, location.href); return p.origin === location.origin ? p.href : null; } catch (e) { return null; }
  }
  function withParams(url, query) {
    const sep = url.indexOf('?') < 0 ? '?' : (/[?&]$/.test(url) ? '' : '&');
    return url + sep + query;
  }
  function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }
  function debounce(fn, ms) {
    let timer = 0;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }
  function readConfig(node, attr) {
    try { const c = JSON.parse(node.getAttribute(attr) || ''); return c && typeof c === 'object' ? c : null; } catch (e) { return null; }
  }
  function fetchJSON(url, signal) {
    return fetch(url, { signal, credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(r => { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); });
  }
  function isAbort(err) { return err && err.name === 'AbortError'; }
  function validLonLat(lon, lat) {
    return isFinite(lon) && isFinite(lat) && Math.abs(lon) <= 180 && Math.abs(lat) <= 90;
  }
  /** Rough label width in px at 12px: CJK ≈ 12.5, Latin ≈ 6.8. */
  function textWidth(s) {
    let w = 0;
    for (const ch of String(s)) w += ch.charCodeAt(0) > 0x2e80 ? 12.5 : 6.8;
    return w;
  }

  /* ------------------------------------------------------------------ 4. Feature preparation */

  /** Projects a GeoJSON feature once (datum shift included); drawing then only scales and offsets. */
  function prepareFeature(f, shift) {
    const g = f && f.geometry, p = (f && f.properties) || {};
    if (!g || !g.coordinates) return null;
    if (g.type === 'Point') {
      const c = g.coordinates;
      if (!validLonLat(c[0], c[1])) return null;
      const w = project.apply(null, shift(c[0], c[1]));
      return { p, type: 'point', x: w[0], y: w[1], bb: [w[0], w[1], w[0], w[1]] };
    }
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : null;
    if (!polys) return null;
    const rings = [], bb = [Infinity, Infinity, -Infinity, -Infinity];
    let best = null, bestArea = -1;
    for (const poly of polys) {
      const projected = poly.map(ring => projectRing(ring, shift, bb)).filter(r => r.length >= 6);
      if (!projected.length) continue;
      rings.push.apply(rings, projected);
      const a = Math.abs(ringArea(projected[0]));
      if (a > bestArea) { bestArea = a; best = projected; }
    }
    if (!best) return null;
    const lp = interiorPoint(best);
    return { p, type: 'poly', rings, bb, lx: lp[0], ly: lp[1], lw: lp[2], lh: lp[3], area: bestArea };
  }
  function projectRing(ring, shift, bb) {
    const out = new Float64Array(ring.length * 2);
    let n = 0;
    for (const c of ring) {
      if (!c || !validLonLat(c[0], c[1])) continue;
      const w = project.apply(null, shift(c[0], c[1]));
      out[n++] = w[0]; out[n++] = w[1];
      if (w[0] < bb[0]) bb[0] = w[0]; if (w[1] < bb[1]) bb[1] = w[1];
      if (w[0] > bb[2]) bb[2] = w[0]; if (w[1] > bb[3]) bb[3] = w[1];
    }
    return out.subarray(0, n);
  }
  function ringArea(r) {
    let a = 0;
    for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) a += (r[j] + r[i]) * (r[j + 1] - r[i + 1]);
    return a / 2;
  }
  /** A point inside the polygon for its label: the midpoint of the widest horizontal run across it,
      tried at a few heights. Returns [x, y, runWidth, height] in world units. */
  function interiorPoint(rings) {
    const outer = rings[0];
    let minY = Infinity, maxY = -Infinity;
    for (let i = 1; i < outer.length; i += 2) { minY = Math.min(minY, outer[i]); maxY = Math.max(maxY, outer[i]); }
    let best = [outer[0], outer[1], 0, maxY - minY];
    for (const f of [0.5, 0.4, 0.6, 0.3, 0.7]) {
      const y = minY + (maxY - minY) * f, xs = [];
      for (const r of rings) {
        for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
          const y1 = r[j + 1], y2 = r[i + 1];
          if ((y1 > y) !== (y2 > y)) xs.push(r[j] + (y - y1) * (r[i] - r[j]) / (y2 - y1));
        }
      }
      xs.sort((a, b) => a - b);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        if (xs[k + 1] - xs[k] > best[2]) best = [(xs[k] + xs[k + 1]) / 2, y, xs[k + 1] - xs[k], maxY - minY];
      }
    }
    return best;
  }
  /** SVG path data for projected rings at scale S with origin (ox, oy); drops sub-pixel steps. */
  function pathData(rings, S, ox, oy) {
    let d = '';
    for (const r of rings) {
      let lx = 1e12, ly = 1e12, n = 0, s = '';
      for (let i = 0; i < r.length; i += 2) {
        const x = r[i] * S - ox, y = r[i + 1] * S - oy;
        if (n && Math.abs(x - lx) < 0.7 && Math.abs(y - ly) < 0.7) continue;
        s += (n ? 'L' : 'M') + x.toFixed(1) + ' ' + y.toFixed(1);
        lx = x; ly = y; n++;
      }
      if (n > 2) d += s + 'Z';
    }
    return d;
  }

  /* ------------------------------------------------------------------ 5. The map view */

  const KIND_ORDER = { polygon: 0, cell: 1, point: 2 };
  const instances = [];

  class MapView {
    /** host: the element the map is built into; cfg: the contract's config; opts: {picker, onTap,
        onMarkerMoved, height, legend}. */
    constructor(host, cfg, opts) {
      this.host = host; this.cfg = cfg; this.opts = opts || {};
      this.t = texts(cfg.lang, cfg.text);
      this.tiles = cfg.tiles && typeof cfg.tiles.url === 'string' ? cfg.tiles : null;
      this.toTile = this.tiles && this.tiles.datum === 'gcj02' ? wgs84ToGcj02 : identity;
      this.fromTile = this.tiles && this.tiles.datum === 'gcj02' ? gcj02ToWgs84 : identity;
      this.minZoom = 3;
      this.maxZoom = this.tiles ? clamp(+this.tiles.maxZoom || 18, 3, 22) : 20;
      this.cx = 0.5; this.cy = 0.5; this.z = 3; this.w = 1; this.h = 1;
      this.base = null; this.markers = []; this.cardAt = null; this.tileEls = new Map();
      this.layers = (Array.isArray(cfg.layers) ? cfg.layers : []).filter(l => l && typeof l.url === 'string')
        .map((l, i) => this.makeLayer(l, i));
      this.refetch = debounce(() => this.fetchAll(), 250);
      this.settle = debounce(() => this.draw(), 140);
      this.build();
      this.measure();
      this.fit(cfg.bbox, false);
      if (cfg.focus && validLonLat(+cfg.focus.lon, +cfg.focus.lat)) {
        this.addMarker({ lon: +cfg.focus.lon, lat: +cfg.focus.lat, label: cfg.focus.label || '' });
        this.centerOn(+cfg.focus.lon, +cfg.focus.lat, Math.max(this.z, 14), false);
      }
      this.draw();
      this.fetchAll();
      instances.push(this);
    }

    makeLayer(l, i) {
      const kind = KIND_ORDER[l.kind] != null ? l.kind : 'polygon';
      return {
        i, id: String(l.id || 'layer' + i), label: String(l.label || l.id || ''), url: l.url, kind,
        on: l.on !== false, color: safeColor(l.color, '#1d4e89'),
        minZoom: isFinite(l.minZoom) ? +l.minZoom : 0, maxZoom: isFinite(l.maxZoom) ? +l.maxZoom : 22,
        features: [], total: null, truncated: false, state: 'idle', lastURL: '', ctrl: null, g: null
      };
    }

    /* ---------- 5a. DOM */

    build() {
      const t = this.t, picker = !!this.opts.picker;
      this.root = el('div', { class: 'pm-root' + (picker ? ' pm-picking' : '') });
      if (!picker && this.cfg.search && typeof this.cfg.search.url === 'string') this.root.appendChild(this.buildSearch());
      this.stage = el('div', { class: 'pm-stage', role: 'application', tabindex: '0',
        'aria-label': picker ? t.pickLabel : t.mapLabel });
      this.svg = svgEl('svg', { class: 'pm-svg', xmlns: SVGNS, 'aria-hidden': 'true' });
      this.gView = svgEl('g', { class: 'pm-view' });
      this.gTiles = svgEl('g', { class: 'pm-tiles' });
      this.gView.appendChild(this.gTiles);
      this.layers.slice().sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.i - b.i).forEach(L => {
        L.g = svgEl('g', { class: 'pm-layer pm-k-' + L.kind, 'data-l': String(L.i) });
        this.gView.appendChild(L.g);
      });
      this.gLabels = svgEl('g', { class: 'pm-labels' });
      this.gView.appendChild(this.gLabels);
      this.gOver = svgEl('g', { class: 'pm-overlay' });
      this.svg.appendChild(this.gView); this.svg.appendChild(this.gOver);
      this.stage.appendChild(this.svg);
      this.stage.appendChild(this.buildZoomButtons());
      this.scaleEl = el('div', { class: 'pm-scale pm-ctl', 'aria-hidden': 'true' });
      this.scaleBar = el('div', { class: 'pm-scale-bar' });
      this.scaleText = el('span');
      this.scaleEl.appendChild(this.scaleText); this.scaleEl.appendChild(this.scaleBar);
      this.stage.appendChild(this.scaleEl);
      this.busy = el('div', { class: 'pm-busy pm-ctl', hidden: true }, t.loading);
      this.stage.appendChild(this.busy);
      if (this.tiles && this.tiles.attribution) {
        this.stage.appendChild(el('div', { class: 'pm-attrib pm-ctl' }, String(this.tiles.attribution)));
      }
      this.card = el('div', { class: 'pm-card pm-ctl', hidden: true, role: 'region', 'aria-live': 'polite' });
      this.stage.appendChild(this.card);
      this.root.appendChild(this.stage);
      const wantLegend = this.opts.legend != null ? this.opts.legend : this.layers.length > 0;
      if (wantLegend) this.root.appendChild(this.buildLegend());
      this.host.appendChild(this.root);
      this.bindPointer(); this.bindWheel(); this.bindKeys();
      if (window.ResizeObserver) new ResizeObserver(() => this.onResize()).observe(this.stage);
      else window.addEventListener('resize', () => this.onResize());
    }

    buildZoomButtons() {
      const t = this.t, box = el('div', { class: 'pm-zoom pm-ctl' });
      const mk = (cls, label, icon, fn) => {
        const b = el('button', { type: 'button', class: cls, 'aria-label': label, title: label });
        const svg = svgEl('svg', { viewBox: '0 0 20 20', width: '18', height: '18', 'aria-hidden': 'true', focusable: 'false' });
        svg.appendChild(svgEl('path', { d: icon }));
        b.appendChild(svg);
        b.addEventListener('click', fn);
        box.appendChild(b);
      };
      mk('pm-in', t.zoomIn, 'M10 4v12M4 10h12', () => this.zoomBy(1));
      mk('pm-out', t.zoomOut, 'M4 10h12', () => this.zoomBy(-1));
      mk('pm-fit', t.fit, 'M3 7V3h4M13 3h4v4M17 13v4h-4M7 17H3v-4', () => this.fit(this.cfg.bbox, true));
      return box;
    }

    buildLegend() {
      const t = this.t;
      this.legend = el('div', { class: 'pm-legend', role: 'group', 'aria-label': t.layers });
      this.legend.appendChild(el('span', { class: 'pm-leg-title' }, t.layers));
      for (const L of this.layers) {
        const item = el('label', { class: 'pm-leg-item', 'data-layer': L.id });
        const cb = el('input', { type: 'checkbox', class: 'pm-leg-cb', checked: L.on });
        cb.checked = L.on;
        cb.addEventListener('change', () => this.setLayerOn(L, cb.checked));
        const sw = el('span', { class: 'pm-sw pm-sw-' + L.kind, 'aria-hidden': 'true' });
        sw.style.borderColor = L.color;
        if (L.kind !== 'polygon') sw.style.backgroundColor = L.color;
        item.appendChild(cb); item.appendChild(sw);
        item.appendChild(el('span', { class: 'pm-leg-name' }, L.label));
        L.note = el('span', { class: 'pm-leg-note' });
        item.appendChild(L.note);
        L.item = item;
        this.legend.appendChild(item);
      }
      this.extraSyn = el('span', { class: 'pm-leg-extra', hidden: true });
      this.extraSyn.appendChild(el('span', { class: 'pm-sw pm-sw-syn', 'aria-hidden': 'true' }));
      this.extraSyn.appendChild(document.createTextNode(t.legendSynthetic));
      this.extraCluster = el('span', { class: 'pm-leg-extra', hidden: true });
      this.extraCluster.appendChild(el('span', { class: 'pm-sw pm-sw-cluster', 'aria-hidden': 'true' }, '9'));
      this.extraCluster.appendChild(document.createTextNode(t.legendCluster));
      this.legend.appendChild(this.extraSyn); this.legend.appendChild(this.extraCluster);
      return this.legend;
    }

    buildSearch() {
      const t = this.t;
      const form = el('form', { class: 'pm-search', role: 'search', 'aria-label': t.searchLabel });
      const input = el('input', { type: 'search', class: 'pm-search-input', 'aria-label': t.searchLabel,
        placeholder: t.searchPlaceholder, autocomplete: 'off' });
      const list = el('ul', { class: 'pm-results', hidden: true });
      form.appendChild(input);
      form.appendChild(el('button', { type: 'submit', class: 'btn pm-search-go' }, t.search));
      form.appendChild(list);
      let ctrl = null;
      const close = () => { list.hidden = true; list.textContent = ''; };
      form.addEventListener('submit', e => {
        e.preventDefault();
        const q = input.value.trim();
        if (!q) return close();
        if (ctrl) ctrl.abort();
        ctrl = new AbortController();
        fetchJSON(this.cfg.search.url + encodeURIComponent(q), ctrl.signal)
          .then(data => this.showResults(list, (data && data.results) || [], close))
          .catch(err => { if (!isAbort(err)) this.showResults(list, null, close); });
      });
      form.addEventListener('keydown', e => { if (e.key === 'Escape') { close(); input.focus(); } });
      return form;
    }

    showResults(list, results, close) {
      list.textContent = '';
      const usable = (results || []).filter(r => r && Array.isArray(r.bbox) && r.bbox.length === 4);
      if (!usable.length) {
        list.appendChild(el('li', { class: 'pm-noresult' }, results ? this.t.noResults : this.t.searchFailed));
      }
      for (const r of usable.slice(0, 20)) {
        const li = el('li'), b = el('button', { type: 'button', class: 'pm-result' }, String(r.name || ''));
        b.addEventListener('click', () => { close(); this.fit(r.bbox, true); this.stage.focus(); });
        li.appendChild(b); list.appendChild(li);
      }
      list.hidden = false;
    }

    /* ---------- 5b. View state */

    scale(z) { return TILE * Math.pow(2, z == null ? this.z : z); }
    /** WGS-84 lon/lat → current screen px. */
    toScreen(lon, lat) {
      const w = project.apply(null, this.toTile(lon, lat)), S = this.scale();
      return [(w[0] - this.cx) * S + this.w / 2, (w[1] - this.cy) * S + this.h / 2];
    }
    worldAt(px, py) {
      const S = this.scale();
      return [this.cx + (px - this.w / 2) / S, this.cy + (py - this.h / 2) / S];
    }
    /** Screen px → WGS-84 lon/lat (datum shifted back when the tiles use GCJ-02). */
    lonLatAt(px, py) {
      const w = this.worldAt(px, py), ll = unproject(w[0], w[1]);
      return this.fromTile(ll[0], ll[1]);
    }
    setView(cx, cy, z) {
      this.z = clamp(z, this.minZoom, this.maxZoom);
      this.cx = clamp(cx, 0, 1); this.cy = clamp(cy, 0, 1);
      this.changed();
    }
    /** Keeps the world point under screen (px, py) fixed while zooming to z. */
    zoomAround(px, py, z) {
      const w = this.worldAt(px, py), S = this.scale(clamp(z, this.minZoom, this.maxZoom));
      this.setView(w[0] - (px - this.w / 2) / S, w[1] - (py - this.h / 2) / S, z);
    }
    zoomBy(dz) { this.animateTo(this.cx, this.cy, Math.round(this.z) + dz); }
    centerOn(lon, lat, z, animate) {
      const w = project.apply(null, this.toTile(lon, lat));
      if (animate) this.animateTo(w[0], w[1], z); else this.setView(w[0], w[1], z);
    }
    fit(bbox, animate) {
      const b = Array.isArray(bbox) && bbox.length === 4 && bbox.every(isFinite) ? bbox.map(Number) : [73, 18, 135, 54];
      const p1 = project.apply(null, this.toTile(b[0], b[1])), p2 = project.apply(null, this.toTile(b[2], b[3]));
      const dx = Math.max(Math.abs(p2[0] - p1[0]), 1e-9), dy = Math.max(Math.abs(p2[1] - p1[1]), 1e-9);
      const pad = this.w < 500 ? 12 : 28;
      const z = Math.log2(Math.min((this.w - 2 * pad) / (dx * TILE), (this.h - 2 * pad) / (dy * TILE)));
      const cx = (p1[0] + p2[0]) / 2, cy = (p1[1] + p2[1]) / 2, zz = Math.min(z, 17);
      if (animate) this.animateTo(cx, cy, zz); else this.setView(cx, cy, zz);
    }
    animateTo(cx, cy, z, ms) {
      if (this.anim) cancelAnimationFrame(this.anim);
      z = clamp(z, this.minZoom, this.maxZoom);
      const reduce = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
      const from = { cx: this.cx, cy: this.cy, z: this.z }, dur = reduce ? 0 : (ms || 260), t0 = performance.now();
      const step = now => {
        const t = dur ? Math.min(1, (now - t0) / dur) : 1, e = t * (2 - t);
        this.setView(from.cx + (cx - from.cx) * e, from.cy + (cy - from.cy) * e, from.z + (z - from.z) * e);
        this.anim = t < 1 ? requestAnimationFrame(step) : 0;
      };
      this.anim = requestAnimationFrame(step);
    }
    /** Call after any view change: a cheap transform now, a full redraw and refetch when it settles. */
    changed() {
      this.fetchDue = this.drawDue = true;
      if (!this.frameReq) this.frameReq = requestAnimationFrame(() => this.frame());
      this.settle();
      this.refetch();
    }
    frame() {
      this.frameReq = 0;
      if (!this.base || Math.abs(this.z - this.base.z) >= 1) return this.draw();
      const k = Math.pow(2, this.z - this.base.z), S = this.scale();
      const tx = this.w / 2 * (1 - k) + (this.base.cx - this.cx) * S, ty = this.h / 2 * (1 - k) + (this.base.cy - this.cy) * S;
      this.gView.setAttribute('transform', 'translate(' + tx.toFixed(2) + ' ' + ty.toFixed(2) + ') scale(' + k.toFixed(5) + ')');
      this.drawOverlays();
      this.drawScale();
    }
    measure() {
      const want = this.opts.height || +this.cfg.height || 480;
      const narrow = this.stage.clientWidth > 0 && this.stage.clientWidth < 600 ? this.stage.clientWidth * 1.15 : Infinity;
      const h = Math.round(clamp(Math.min(want, narrow), 220, Math.max(260, window.innerHeight * 0.75)));
      this.stage.style.height = h + 'px';
      this.w = Math.max(1, this.stage.clientWidth || this.host.clientWidth || 300);   // inside the border
      this.h = Math.max(1, this.stage.clientHeight || h);
      this.svg.setAttribute('viewBox', '0 0 ' + this.w + ' ' + this.h);
      this.svg.setAttribute('width', this.w); this.svg.setAttribute('height', this.h);
    }
    onResize() {
      const oldW = this.w, oldH = this.h;
      this.measure();
      if (oldW !== this.w || oldH !== this.h) { this.fetchDue = true; this.draw(); this.refetch(); }
    }

    /* ---------- 5c. Drawing */

    draw() {
      this.drawDue = false;
      const S = this.scale();
      this.base = { cx: this.cx, cy: this.cy, z: this.z, S, ox: this.cx * S - this.w / 2, oy: this.cy * S - this.h / 2 };
      this.gView.removeAttribute('transform');
      this.drawTiles();
      const labels = [];
      this.obstacles = [];
      for (const L of this.layers) this.drawLayer(L, labels);
      this.drawLabels(labels);
      this.drawOverlays();
      this.drawScale();
      this.updateLegend();
      this.stage.setAttribute('data-zoom', this.z.toFixed(2));
    }
    inRange(L) { const zi = Math.round(this.z); return zi >= L.minZoom && zi <= L.maxZoom; }

    drawLayer(L, labels) {
      const show = L.on && this.inRange(L);
      L.g.setAttribute('display', show ? 'inline' : 'none');
      if (!show) { L.g.textContent = ''; return; }
      const b = this.base, mx = this.w, my = this.h, parts = [];
      for (let i = 0; i < L.features.length; i++) {
        const f = L.features[i];
        const x0 = f.bb[0] * b.S - b.ox, y0 = f.bb[1] * b.S - b.oy, x1 = f.bb[2] * b.S - b.ox, y1 = f.bb[3] * b.S - b.oy;
        if (x1 < -mx || y1 < -my || x0 > 2 * mx || y0 > 2 * my) continue;   // culled: off screen by a view or more
        parts.push(this.featureMarkup(L, f, i, x1 - x0, y1 - y0));
        if (L.kind === 'cell') this.obstacles.push([x0, y0, x1, y1]);
        if (f.type === 'poly' && f.p.label != null && L.kind === 'polygon') labels.push(f);
      }
      L.g.innerHTML = parts.join('');
    }

    featureMarkup(L, f, i, sw, sh) {
      const b = this.base, color = safeColor(f.p.color, L.color), attr = ' data-i="' + i + '"';
      if (f.type === 'point') {
        const x = (f.x * b.S - b.ox).toFixed(1), y = (f.y * b.S - b.oy).toFixed(1);
        if (f.p.cluster) {
          const n = Math.max(1, +f.p.count || 1), r = (11 + 4.5 * Math.log10(n)).toFixed(1);
          this.obstacles.push([+x - r, +y - r, +x + +r, +y + +r]);
          return '<g class="pm-cluster"' + attr + '><circle cx="' + x + '" cy="' + y + '" r="' + r + '" fill="' + color +
            '"/><text x="' + x + '" y="' + y + '">' + esc(this.shortCount(n)) + '</text></g>';
        }
        this.obstacles.push([+x - 6, +y - 6, +x + 6, +y + 6]);
        return '<circle class="pm-pt"' + attr + ' cx="' + x + '" cy="' + y + '" r="5.5" fill="' + color + '"/>';
      }
      const d = pathData(f.rings, b.S, b.ox, b.oy);
      if (L.kind === 'cell') {
        let out = '<path class="pm-cell"' + attr + ' d="' + d + '" fill="' + color + '"/>';
        if (f.p.rank != null && Math.min(sw, sh) >= 16) {
          out += '<text class="pm-rank" x="' + (f.lx * b.S - b.ox).toFixed(1) + '" y="' + (f.ly * b.S - b.oy).toFixed(1) + '">' + esc(f.p.rank) + '</text>';
        }
        return out;
      }
      return '<path class="pm-poly' + (f.p.synthetic ? ' pm-syn' : '') + '"' + attr + ' d="' + d + '" stroke="' + color + '" fill="' + color + '"/>';
    }

    shortCount(n) {
      if (n < 10000) return String(n);
      return this.t.tenThousand ? (n / 10000).toFixed(n < 100000 ? 1 : 0) + this.t.tenThousand : Math.round(n / 1000) + 'k';
    }

    /** Polygon labels at their interior point, biggest first; nudged up or down to clear points and
        clusters, skipped when they do not fit the polygon or would overlap another label. */
    drawLabels(labels) {
      const b = this.base, placed = [], parts = [];
      const hits = (box, list) => list.some(p => box[0] < p[2] && box[2] > p[0] && box[1] < p[3] && box[3] > p[1]);
      const avoid = this.obstacles.concat(this.markers.map(m => {
        const p = this.toScreen(m.lon, m.lat);   // base view = current view while drawing
        return [p[0] - 11, p[1] - 30, p[0] + 14 + (m.label ? textWidth(m.label) : 0), p[1] + 2];
      }));
      labels.sort((p, q) => q.area - p.area);
      for (const f of labels.slice(0, 400)) {
        const text = String(f.p.label), tw = textWidth(text), ph = f.lh * b.S;
        if (f.lw * b.S < tw + 10 || ph < 22) continue;
        const x = f.lx * b.S - b.ox, y0 = f.ly * b.S - b.oy;
        if (x < -tw || x > this.w + tw || y0 < -20 || y0 > this.h + 20) continue;
        const room = Math.max(0, (f.lw * b.S - tw) / 2 - 6), side = Math.min(room, tw * 0.6);
        let best = null;
        for (const d of [[0, 0], [0, -20], [0, 20], [-side, 0], [side, 0], [0, -36], [0, 36], [-side, -20], [side, 20]]) {
          if (Math.abs(d[1]) + 12 > ph / 2 || (d[0] === 0 && d[1] === 0 && best)) continue;
          const box = [x + d[0] - tw / 2 - 3, y0 + d[1] - 9, x + d[0] + tw / 2 + 3, y0 + d[1] + 9];
          if (hits(box, placed)) continue;
          if (!hits(box, avoid)) { best = box; break; }
          if (!best) best = box;
        }
        if (!best) continue;
        placed.push(best);
        parts.push('<text class="pm-label" x="' + ((best[0] + best[2]) / 2).toFixed(1) + '" y="' + ((best[1] + best[3]) / 2).toFixed(1) + '">' + esc(text) + '</text>');
      }
      this.gLabels.innerHTML = parts.join('');
    }

    drawTiles() {
      if (!this.tiles) return;
      const b = this.base, tz = clamp(Math.round(this.z), 0, this.maxZoom), n = Math.pow(2, tz), size = b.S / n;
      const tx0 = Math.floor(b.ox / size), ty0 = Math.max(0, Math.floor(b.oy / size));
      const tx1 = Math.floor((b.ox + this.w) / size), ty1 = Math.min(n - 1, Math.floor((b.oy + this.h) / size));
      const keep = new Set();
      for (let ty = ty0; ty <= ty1; ty++) {
        for (let tx = tx0; tx <= tx1; tx++) {
          const key = tz + '/' + tx + '/' + ty;
          keep.add(key);
          let img = this.tileEls.get(key);
          if (!img) {
            const x = ((tx % n) + n) % n;
            const url = this.tiles.url.replace('{z}', tz).replace('{x}', x).replace('{y}', ty);
            img = svgEl('image', { href: url, preserveAspectRatio: 'none', class: 'pm-tile' });
            img.addEventListener('error', () => img.setAttribute('visibility', 'hidden'));
            this.tileEls.set(key, img);
            this.gTiles.appendChild(img);
          }
          img.setAttribute('x', (tx * size - b.ox).toFixed(1)); img.setAttribute('y', (ty * size - b.oy).toFixed(1));
          img.setAttribute('width', (size + 0.6).toFixed(1)); img.setAttribute('height', (size + 0.6).toFixed(1));
        }
      }
      for (const [key, img] of this.tileEls) if (!keep.has(key)) { img.remove(); this.tileEls.delete(key); }
    }

    drawScale() {
      const lat = unproject(this.cx, this.cy)[1], mpp = metersPerPixel(lat, this.z), maxM = mpp * 110;
      const pow = Math.pow(10, Math.floor(Math.log10(maxM)));
      const nice = [5, 2, 1].map(k => k * pow).find(v => v <= maxM) || pow;
      this.scaleBar.style.width = Math.round(nice / mpp) + 'px';
      this.scaleText.textContent = nice >= 1000 ? fmt(this.t.kilometers, { n: nice / 1000 }) : fmt(this.t.meters, { n: nice });
    }

    updateLegend() {
      if (!this.legend) return;
      for (const L of this.layers) {
        let note = '';
        if (L.on && !this.inRange(L)) note = this.t.zoomInToSee;
        else if (L.on && L.state === 'loading') note = '…';
        else if (L.on && L.state === 'error') note = this.t.loadFailed;
        else if (L.on && L.total != null) note = '(' + L.total + ')' + (L.truncated ? ' ' + this.t.truncated : '');
        if (L.note.textContent !== note) L.note.textContent = note;
        L.item.classList.toggle('pm-off', !L.on);
        L.item.classList.toggle('pm-err', L.on && L.state === 'error');
      }
      const any = kind => this.layers.some(L => L.on && this.inRange(L) && L.features.some(kind));
      this.extraSyn.hidden = !any(f => f.p.synthetic && f.type === 'poly');
      this.extraCluster.hidden = !any(f => f.p.cluster);
    }

    /* ---------- 5d. Markers (focus pin, picker pin) and the card */

    addMarker(m) {
      const g = svgEl('g', { class: 'pm-marker' + (m.draggable ? ' pm-drag' : '') });
      if (m.draggable) g.appendChild(svgEl('circle', { class: 'pm-marker-hit', cx: '0', cy: '-15', r: '22' }));
      g.appendChild(svgEl('path', { class: 'pm-marker-pin', d: 'M0 0C-2-6-10-10-10-18A10 10 0 1 1 10-18C10-10 2-6 0 0Z' }));
      g.appendChild(svgEl('circle', { class: 'pm-marker-dot', cx: '0', cy: '-18', r: '3.6' }));
      if (m.label) {
        const tx = svgEl('text', { class: 'pm-marker-label', x: '13', y: '-18' });
        tx.textContent = m.label;
        g.appendChild(tx);
      }
      m.g = g;
      this.gOver.appendChild(g);
      this.markers.push(m);
      this.drawOverlays();
      return m;
    }
    moveMarker(m, lon, lat) { m.lon = lon; m.lat = lat; this.drawOverlays(); }
    drawOverlays() {
      for (const m of this.markers) {
        const p = this.toScreen(m.lon, m.lat);
        m.g.setAttribute('transform', 'translate(' + p[0].toFixed(1) + ' ' + p[1].toFixed(1) + ')');
      }
      if (this.cardAt && !this.card.hidden) this.placeCard();
    }

    showCard(L, f, lon, lat) {
      const t = this.t, p = f.p, c = this.card;
      c.textContent = '';
      const close = el('button', { type: 'button', class: 'pm-card-close', 'aria-label': t.close, title: t.close }, '×');
      close.addEventListener('click', () => { this.closeCard(); this.stage.focus(); });
      c.appendChild(close);
      c.appendChild(el('div', { class: 'pm-card-layer' }, L.label));
      c.appendChild(el('div', { class: 'pm-card-title' }, String(p.title || p.name || p.label || '')));
      if (p.subtitle) c.appendChild(el('div', { class: 'pm-card-sub' }, String(p.subtitle)));
      if (L.kind === 'cell' && p.rank != null) c.appendChild(el('div', { class: 'pm-card-sub' }, fmt(t.rank, { n: p.rank })));
      if (p.synthetic) c.appendChild(el('div', { class: 'pm-card-syn' }, t.synthetic));
      const href = safeURL(p.url);
      if (href) c.appendChild(el('a', { class: 'pm-card-link', href }, t.openRecord));
      c.hidden = false;
      this.cardAt = [lon, lat];
      this.placeCard();
    }
    placeCard() {
      const c = this.card, p = this.toScreen(this.cardAt[0], this.cardAt[1]);
      const cw = c.offsetWidth, ch = c.offsetHeight, m = 8;
      let left = p[0] + 14 + cw > this.w - m ? p[0] - 14 - cw : p[0] + 14;
      let top = p[1] - ch - 10 < m ? p[1] + 12 : p[1] - ch - 10;
      left = clamp(left, m, Math.max(m, this.w - cw - m));
      top = clamp(top, m, Math.max(m, this.h - ch - m));
      c.style.left = Math.round(left) + 'px';
      c.style.top = Math.round(top) + 'px';
    }
    closeCard() { this.card.hidden = true; this.cardAt = null; }

    /* ---------- 5e. Input: pointer (mouse, touch, pen), wheel, keyboard */

    bindPointer() {
      const st = this.stage, pts = new Map();
      const local = e => { const r = this.rect; return [e.clientX - r.left, e.clientY - r.top]; };
      st.addEventListener('pointerdown', e => {
        if (e.target.closest('.pm-ctl') || (e.pointerType === 'mouse' && e.button !== 0)) return;
        this.rect = this.svg.getBoundingClientRect();
        const xy = local(e);
        pts.set(e.pointerId, xy);
        try { st.setPointerCapture(e.pointerId); } catch (err) { /* pointer already gone */ }
        if (this.anim) { cancelAnimationFrame(this.anim); this.anim = 0; }
        if (pts.size === 1) {
          const mk = e.target.closest('.pm-drag'), marker = mk ? this.markers.find(m => m.g === mk) : null;
          const at = marker ? this.toScreen(marker.lon, marker.lat) : xy;   // the pin keeps its grab offset
          this.gesture = { type: marker ? 'marker' : 'pan', sx: xy[0], sy: xy[1], moved: false, target: e.target,
            world: this.worldAt(xy[0], xy[1]), marker, off: [at[0] - xy[0], at[1] - xy[1]] };
        } else if (pts.size === 2) {
          this.gesture = this.pinchStart(pts);
        }
      });
      st.addEventListener('pointermove', e => {
        if (!pts.has(e.pointerId) || !this.gesture) return;
        const xy = local(e);
        pts.set(e.pointerId, xy);
        const g = this.gesture;
        if (g.type === 'pinch') return this.pinchMove(g, pts);
        if (!g.moved && Math.hypot(xy[0] - g.sx, xy[1] - g.sy) < 5) return;
        g.moved = true;
        if (g.type === 'marker' && g.marker) {
          const ll = this.lonLatAt(xy[0] + g.off[0], xy[1] + g.off[1]);
          this.moveMarker(g.marker, ll[0], ll[1]);
        } else {
          const S = this.scale();
          this.setView(g.world[0] - (xy[0] - this.w / 2) / S, g.world[1] - (xy[1] - this.h / 2) / S, this.z);
        }
      });
      const end = e => {
        if (!pts.has(e.pointerId)) return;
        const xy = local(e);
        pts.delete(e.pointerId);
        const g = this.gesture;
        if (!g) return;
        if (g.type === 'pinch') {
          const rest = pts.values().next().value;   // keep panning with the remaining finger
          this.gesture = rest ? { type: 'pan', sx: rest[0], sy: rest[1], moved: true, world: this.worldAt(rest[0], rest[1]) } : null;
          return;
        }
        this.gesture = null;
        if (g.type === 'marker' && g.moved && g.marker && this.opts.onMarkerMoved) this.opts.onMarkerMoved(g.marker);
        else if (!g.moved && e.type === 'pointerup') this.tap(xy[0], xy[1], g.target);
      };
      st.addEventListener('pointerup', end);
      st.addEventListener('pointercancel', end);
      st.addEventListener('dblclick', e => {
        if (e.target.closest('.pm-ctl')) return;
        e.preventDefault();
        const r = this.svg.getBoundingClientRect();
        this.zoomToward(e.clientX - r.left, e.clientY - r.top, Math.round(this.z) + 1);
      });
    }
    /** Animated zoom that keeps the point under screen (px, py) in place. */
    zoomToward(px, py, z) {
      const w = this.worldAt(px, py), S = this.scale(clamp(z, this.minZoom, this.maxZoom));
      this.animateTo(w[0] - (px - this.w / 2) / S, w[1] - (py - this.h / 2) / S, z);
    }
    pinchStart(pts) {
      const [a, b] = Array.from(pts.values()), mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
      return { type: 'pinch', d0: Math.max(10, Math.hypot(a[0] - b[0], a[1] - b[1])), z0: this.z, world: this.worldAt(mid[0], mid[1]) };
    }
    pinchMove(g, pts) {
      const [a, b] = Array.from(pts.values()), mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
      const z = clamp(g.z0 + Math.log2(Math.hypot(a[0] - b[0], a[1] - b[1]) / g.d0), this.minZoom, this.maxZoom), S = this.scale(z);
      this.setView(g.world[0] - (mid[0] - this.w / 2) / S, g.world[1] - (mid[1] - this.h / 2) / S, z);
    }
    bindWheel() {
      this.stage.addEventListener('wheel', e => {
        if (e.target.closest('.pm-card')) return;
        e.preventDefault();
        if (this.anim) { cancelAnimationFrame(this.anim); this.anim = 0; }
        const unit = e.deltaMode === 1 ? 0.05 : e.deltaMode === 2 ? 1 : 0.002;
        const dz = clamp(-e.deltaY * unit * (e.ctrlKey ? 4 : 1), -1, 1);
        const r = this.svg.getBoundingClientRect();
        this.zoomAround(e.clientX - r.left, e.clientY - r.top, this.z + dz);
      }, { passive: false });
    }
    bindKeys() {
      this.stage.addEventListener('keydown', e => {
        if (e.key === 'Escape') { if (!this.card.hidden) { this.closeCard(); this.stage.focus(); e.preventDefault(); } return; }
        if (e.target !== this.stage || e.altKey || e.ctrlKey || e.metaKey) return;
        const step = (e.shiftKey ? 240 : 80) / this.scale();
        const pan = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
        if (pan) this.setView(this.cx + pan[0], this.cy + pan[1], this.z);
        else if (e.key === '+' || e.key === '=') this.zoomBy(1);
        else if (e.key === '-' || e.key === '_') this.zoomBy(-1);
        else if ((e.key === 'Enter' || e.key === ' ') && this.opts.onTap) this.opts.onTap(this.lonLatAt(this.w / 2, this.h / 2));
        else return;
        e.preventDefault();
      });
    }

    /** A click/tap that did not move: picker → pin; cluster → zoom in; feature → card; else close card. */
    tap(px, py, target) {
      const ll = this.lonLatAt(px, py);
      if (this.opts.onTap) return this.opts.onTap(ll);
      const hit = this.featureAt(target);
      if (!hit) return this.closeCard();
      const f = hit.f;
      if (f.p.cluster) {
        this.closeCard();
        return this.animateTo(f.x, f.y, Math.min(Math.round(this.z) + 2, hit.L.maxZoom, this.maxZoom));
      }
      if (f.type === 'point') {
        const w = unproject(f.x, f.y), back = this.fromTile(w[0], w[1]);
        return this.showCard(hit.L, f, back[0], back[1]);
      }
      this.showCard(hit.L, f, ll[0], ll[1]);
    }
    featureAt(target) {
      const node = target && target.closest && target.closest('[data-i]'), g = node && node.closest('.pm-layer');
      if (!g) return null;
      const L = this.layers[+g.getAttribute('data-l')], f = L && L.features[+node.getAttribute('data-i')];
      return f ? { L, f } : null;
    }

    /* ---------- 5f. Layer data */

    setLayerOn(L, on) {
      L.on = on;
      if (!on && L.ctrl) { L.ctrl.abort(); L.ctrl = null; L.state = 'idle'; L.lastURL = ''; }
      if (!on && this.cardAt) this.closeCard();
      this.draw();
      if (on) this.fetchAll();
    }
    /** The request bbox: the view padded by a quarter and snapped to the tile grid of the rounded zoom,
        so small pans reuse the last answer. Always WGS-84. */
    requestBBox(zi) {
      const S = this.scale(), n = Math.pow(2, zi);
      const x0 = Math.floor((this.cx - this.w * 0.75 / S) * n) / n, x1 = Math.ceil((this.cx + this.w * 0.75 / S) * n) / n;
      const y0 = Math.floor(clamp(this.cy - this.h * 0.75 / S, 0, 1) * n) / n, y1 = Math.ceil(clamp(this.cy + this.h * 0.75 / S, 0, 1) * n) / n;
      const sw = unproject(x0, y1), ne = unproject(x1, y0);
      const a = this.fromTile(sw[0], sw[1]), c = this.fromTile(ne[0], ne[1]);
      return [clamp(a[0], -180, 180), clamp(a[1], -85, 85), clamp(c[0], -180, 180), clamp(c[1], -85, 85)].map(v => v.toFixed(6));
    }
    fetchAll() {
      this.fetchDue = false;
      const zi = Math.round(this.z), bbox = this.requestBBox(zi).join(',');
      for (const L of this.layers) {
        if (!L.on || !this.inRange(L)) { if (L.ctrl) { L.ctrl.abort(); L.ctrl = null; L.lastURL = ''; L.state = 'idle'; } continue; }
        const url = withParams(L.url, 'bbox=' + bbox + '&zoom=' + zi);
        if (url === L.lastURL) continue;
        if (L.ctrl) L.ctrl.abort();
        const ctrl = new AbortController();
        L.ctrl = ctrl; L.lastURL = url; L.state = 'loading';
        fetchJSON(url, ctrl.signal).then(data => {
          if (L.ctrl !== ctrl) return;
          L.ctrl = null;
          this.loaded(L, data);
        }).catch(err => {
          if (isAbort(err) || L.ctrl !== ctrl) return;
          L.ctrl = null; L.state = 'error'; L.lastURL = '';
          this.updateBusy(); this.updateLegend();
          if (this.opts.onFail && !this.everLoaded && this.layers.every(x => !x.on || x.state === 'error')) this.opts.onFail();
        });
      }
      this.updateBusy(); this.updateLegend();
    }
    loaded(L, data) {
      const feats = data && Array.isArray(data.features) ? data.features : [];
      const prepared = [];
      for (const f of feats) { const p = prepareFeature(f, this.toTile); if (p) prepared.push(p); }
      L.features = prepared;
      L.total = data && isFinite(data.total) ? +data.total : null;
      L.truncated = !!(data && data.truncated);
      L.state = 'ok';
      this.everLoaded = true;
      this.draw();
      this.updateBusy();
    }
    updateBusy() { this.busy.hidden = !this.layers.some(L => L.state === 'loading'); }
    /** True when nothing is moving, drawing or loading (for tests and for callers that wait). */
    get idle() {
      const b = this.base;
      return !this.anim && !this.frameReq && !this.drawDue && !this.fetchDue && !!b && b.z === this.z && b.cx === this.cx &&
        b.cy === this.cy &&
        this.layers.every(L => L.state !== 'loading');
    }
  }

  /* ------------------------------------------------------------------ 6. EXIF GPS (JPEG APP1) */

  /** Reads GPSLatitude/Ref and GPSLongitude/Ref from a JPEG's EXIF. Returns {lat, lon} or null. */
  function parseExifGps(buf) {
    const v = new DataView(buf);
    if (v.byteLength < 4 || v.getUint16(0) !== 0xFFD8) return null;
    let off = 2;
    while (off + 4 <= v.byteLength) {
      if (v.getUint8(off) !== 0xFF) return null;
      const marker = v.getUint8(off + 1);
      if (marker === 0xFF) { off++; continue; }                              // fill byte
      if (marker === 0xD9 || marker === 0xDA) return null;                   // end of image, start of scan
      if ((marker >= 0xD0 && marker <= 0xD7) || marker === 0x01) { off += 2; continue; }
      const len = v.getUint16(off + 2);
      if (marker === 0xE1 && len >= 16 && off + 10 <= v.byteLength &&
          v.getUint32(off + 4) === 0x45786966 && v.getUint16(off + 8) === 0) {   // "Exif\0\0"
        const gps = readTiffGps(v, off + 10, Math.min(v.byteLength, off + 2 + len));
        if (gps) return gps;
      }
      off += 2 + len;
    }
    return null;
  }
  function readTiffGps(v, t, end) {
    const order = v.getUint16(t), le = order === 0x4949;
    if (!le && order !== 0x4D4D) return null;
    const inside = (o, n) => o >= 0 && t + o + n <= end;
    const u16 = o => v.getUint16(t + o, le), u32 = o => v.getUint32(t + o, le);
    if (!inside(0, 8) || u16(2) !== 42) return null;
    const entries = ifd => {
      const out = {};
      if (!inside(ifd, 2)) return out;
      for (let i = 0, n = u16(ifd); i < n; i++) {
        const e = ifd + 2 + i * 12;
        if (!inside(e, 12)) break;
        out[u16(e)] = { type: u16(e + 2), count: u32(e + 4), at: e + 8 };
      }
      return out;
    };
    const gpsPtr = entries(u32(4))[0x8825];
    if (!gpsPtr) return null;
    const g = entries(u32(gpsPtr.at));
    const ref = e => (e && inside(e.at, 1) ? String.fromCharCode(v.getUint8(t + e.at)) : '');
    const dms = e => {
      if (!e || (e.type !== 5 && e.type !== 10) || e.count < 1) return NaN;
      const p = u32(e.at), k = Math.min(3, e.count);
      if (!inside(p, 8 * k)) return NaN;
      let val = 0;
      for (let i = 0; i < k; i++) {
        const num = e.type === 5 ? u32(p + 8 * i) : v.getInt32(t + p + 8 * i, le);
        const den = e.type === 5 ? u32(p + 8 * i + 4) : v.getInt32(t + p + 8 * i + 4, le);
        if (den) val += num / den / [1, 60, 3600][i];
        else if (i === 0) return NaN;
      }
      return val;
    };
    let lat = dms(g[2]), lon = dms(g[4]);
    if (!isFinite(lat) || !isFinite(lon)) return null;
    if (ref(g[1]) === 'S') lat = -lat;
    if (ref(g[3]) === 'W') lon = -lon;
    if (!validLonLat(lon, lat) || (lat === 0 && lon === 0)) return null;
    return { lat, lon };
  }

  /* ------------------------------------------------------------------ 7. The location picker */

  class Picker {
    constructor(host, cfg) {
      this.cfg = cfg; this.t = texts(cfg.lang, cfg.text);
      const byId = id => (id ? document.getElementById(id) : null);
      this.lonIn = byId(cfg.lon); this.latIn = byId(cfg.lat);
      this.commSel = byId(cfg.community); this.gridSel = byId(cfg.grid);
      if (!this.lonIn || !this.latIn) throw new Error('picker: lon/lat inputs not found');
      this.map = new MapView(host, {
        bbox: cfg.bbox, lang: cfg.lang, layers: cfg.layers, tiles: cfg.tiles, text: cfg.text, height: cfg.height
      }, {
        picker: true, height: +cfg.height || 340, legend: Array.isArray(cfg.layers) && cfg.layers.length > 1,
        onTap: ll => this.tapped(ll),
        onMarkerMoved: m => this.setPin(m.lon, m.lat, { write: true })
      });
      this.buildBar(host);
      this.locateSoon = debounce(() => this.locate(), 450);
      const typed = () => this.fromInputs();
      this.lonIn.addEventListener('input', typed);
      this.latIn.addEventListener('input', typed);
      const start = this.readInputs();
      if (start) this.setPin(start[0], start[1], { write: false, locate: false, center: true });
      if (cfg.photoInput) this.watchPhoto(byId(cfg.photoInput));
    }

    /** A tap drops the pin; at a coarse zoom the map then closes in on it so the pin can be refined
        (to street level over base tiles; without them, to where the outlines still give context). */
    tapped(ll) {
      this.setPin(ll[0], ll[1], { write: true });
      const target = this.map.tiles ? 16 : 13;
      if (this.map.z < target - 1) {
        const p = this.map.toScreen(ll[0], ll[1]);
        this.map.zoomToward(p[0], p[1], target);
      }
    }

    buildBar(host) {
      const t = this.t, bar = el('div', { class: 'pm-picker-bar' });
      const me = el('button', { type: 'button', class: 'btn secondary pm-locate-me', 'aria-label': t.useMyLocation }, t.useMyLocation);
      me.addEventListener('click', () => this.useMyLocation());
      this.photoBtn = el('button', { type: 'button', class: 'btn secondary pm-use-photo', hidden: true, 'aria-label': t.usePhoto }, t.usePhoto);
      this.photoBtn.addEventListener('click', () => this.usePhoto());
      this.msg = el('span', { class: 'pm-msg', role: 'status', 'aria-live': 'polite' }, t.pickHint);
      bar.appendChild(me); bar.appendChild(this.photoBtn); bar.appendChild(this.msg);
      this.where = el('p', { class: 'pm-where', 'aria-live': 'polite' });
      host.appendChild(bar); host.appendChild(this.where);
    }
    say(text, kind) { this.msg.textContent = text; this.msg.className = 'pm-msg' + (kind ? ' pm-' + kind : ''); }

    readInputs() {
      const lon = parseFloat(String(this.lonIn.value).trim()), lat = parseFloat(String(this.latIn.value).trim());
      return validLonLat(lon, lat) && !(lon === 0 && lat === 0) ? [lon, lat] : null;
    }
    /** Typing moves the pin (and looks the place up once typing pauses); inputs are not rewritten. */
    fromInputs() {
      const ll = this.readInputs();
      if (!ll) return;
      this.setPin(ll[0], ll[1], { write: false, locate: false });
      const p = this.map.toScreen(ll[0], ll[1]);
      if (p[0] < 0 || p[1] < 0 || p[0] > this.map.w || p[1] > this.map.h) this.map.centerOn(ll[0], ll[1], this.map.z, true);
      this.locateSoon();
    }

    /** The one place a pin changes. opts: write (inputs), locate (community/grid), center, zoom. */
    setPin(lon, lat, opts) {
      opts = Object.assign({ write: true, locate: true }, opts);
      if (!this.pin) this.pin = this.map.addMarker({ lon, lat, draggable: true });
      else this.map.moveMarker(this.pin, lon, lat);
      if (opts.center) this.map.centerOn(lon, lat, Math.max(this.map.z, opts.zoom || 16), false);
      if (opts.write) {
        this.lonIn.value = lon.toFixed(6); this.latIn.value = lat.toFixed(6);
        for (const inp of [this.lonIn, this.latIn]) inp.dispatchEvent(new Event('change', { bubbles: true }));
      }
      if (opts.locate) this.locate();
    }

    locate() {
      const url = this.cfg.locateURL, pos = this.pin;
      if (!url || !pos) return;
      if (this.locCtrl) this.locCtrl.abort();
      const ctrl = this.locCtrl = new AbortController();
      const token = this.gridToken = {};
      fetchJSON(withParams(url, 'lon=' + pos.lon.toFixed(6) + '&lat=' + pos.lat.toFixed(6)), ctrl.signal)
        .then(r => { if (this.locCtrl === ctrl) this.applyLocate(r || {}, token); })
        .catch(err => { if (!isAbort(err)) this.showWhere(this.t.locateFailed, 'err'); });
    }
    applyLocate(r, token) {
      const t = this.t, c = r.community, g = r.grid;
      if (r.outside) return this.showWhere(t.outside, 'out');
      if (!c) return this.showWhere(t.noMatch, 'err');
      this.select(this.commSel, c.id);
      if (g && this.gridSel) this.selectGridSoon(g.id, token, Date.now() + 3000);
      this.showWhere(fmt(t.inArea, { c: c.name || '', g: g && g.name ? t.gridSep + g.name : '' }), 'ok');
    }
    /** Sets a select to a value if it has that option; fires 'change' when the value changed. */
    select(sel, id) {
      if (!sel || id == null) return false;
      const v = String(id);
      if (!Array.from(sel.options).some(o => o.value === v)) return false;
      if (sel.value !== v) { sel.value = v; sel.dispatchEvent(new Event('change', { bubbles: true })); }
      return true;
    }
    /** The grid options may be repopulated by another script after the community change: retry briefly. */
    selectGridSoon(id, token, deadline) {
      if (token !== this.gridToken) return;
      if (this.select(this.gridSel, id) || Date.now() > deadline) return;
      setTimeout(() => this.selectGridSoon(id, token, deadline), 100);
    }
    showWhere(text, kind) { this.where.textContent = text; this.where.className = 'pm-where pm-' + kind; }

    useMyLocation() {
      const t = this.t;
      if (!navigator.geolocation || window.isSecureContext === false) return this.say(t.geoUnsupported, 'err');
      this.say(t.locating);
      navigator.geolocation.getCurrentPosition(pos => {
        const c = pos.coords;
        this.setPin(c.longitude, c.latitude, { write: true, center: true, zoom: 16 });
        this.say(fmt(t.geoOk, { n: Math.round(c.accuracy || 0) }), 'ok');
      }, err => {
        this.say(err && err.code === 1 ? t.geoDenied : err && err.code === 3 ? t.geoTimeout : t.geoUnavailable, 'err');
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    }

    watchPhoto(input) {
      if (!input) return;
      input.addEventListener('change', () => {
        this.photoGps = null; this.photoBtn.hidden = true;
        const file = input.files && input.files[0];
        if (!file || !(/jpe?g$/i.test(file.type) || /\.jpe?g$/i.test(file.name))) return;
        file.slice(0, 256 * 1024).arrayBuffer().then(buf => {
          const gps = parseExifGps(buf);
          if (!gps || input.files[0] !== file) return;
          this.photoGps = gps;
          this.photoBtn.hidden = false;
          this.say(fmt(this.t.photoFound, { lat: gps.lat.toFixed(5), lon: gps.lon.toFixed(5) }));
        }).catch(() => { /* unreadable file: no offer */ });
      });
    }
    usePhoto() {
      if (!this.photoGps) return;
      this.setPin(this.photoGps.lon, this.photoGps.lat, { write: true, center: true, zoom: 16 });
      this.say(this.t.photoApplied, 'ok');
    }
  }

  /* ------------------------------------------------------------------ 8. Start-up */

  /** Replaces a .map-view's server fallback with the interactive map; puts the fallback back on failure. */
  function startMap(host) {
    const cfg = readConfig(host, 'data-map-config');
    if (!cfg || host.querySelector('.pm-root')) return;
    const fallback = el('div', { class: 'pm-fallback', hidden: true });
    while (host.firstChild) fallback.appendChild(host.firstChild);
    host.appendChild(fallback);
    const restore = () => {
      const i = instances.findIndex(m => m.host === host);
      if (i >= 0) instances.splice(i, 1);
      const root = host.querySelector('.pm-root');
      if (root) root.remove();
      while (fallback.firstChild) host.insertBefore(fallback.firstChild, fallback);
      fallback.remove();
      host.classList.remove('pm-live');
    };
    try {
      host.classList.add('pm-live');
      return new MapView(host, cfg, { onFail: restore });
    } catch (err) {
      restore();
      if (window.console) console.warn('map: staying with the static map', err);
    }
  }
  function startPicker(host) {
    const cfg = readConfig(host, 'data-picker-config');
    if (!cfg || host.querySelector('.pm-root')) return;
    try {
      host.classList.add('pm-live');
      return new Picker(host, cfg);
    } catch (err) {
      host.textContent = '';
      host.classList.remove('pm-live');
      if (window.console) console.warn('map picker: not started', err);
    }
  }
  function init(scope) {
    const root = scope || document;
    root.querySelectorAll('.map-view[data-map-config]').forEach(startMap);
    root.querySelectorAll('.map-picker[data-picker-config]').forEach(startPicker);
  }

  window.PinganMap = { init, MapView, Picker, instances, wgs84ToGcj02, gcj02ToWgs84, parseExifGps, project, unproject };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => init());
  else init();
})();
