/// The one stylesheet, served by the app at /static/app.css (no build chain, works offline on police intranets).
enum Stylesheet {
    static let all = css + "\n" + MapAssets.css
    static let css = #"""
:root { --ink:#1f2933; --muted:#616e7c; --line:#d9dee3; --bg:#f5f7f9; --card:#fff; --accent:#1d4e89; --accent-soft:#e6eef7;
  --ok:#2f7d32; --warn:#a35f00; --bad:#b3261e; font-size:15px; }
* { box-sizing: border-box; }
body { margin:0; font-family: "PingFang SC","Noto Sans CJK SC","Microsoft YaHei","Source Han Sans SC",system-ui,sans-serif; color:var(--ink); background:var(--bg); line-height:1.55; }
a { color:var(--accent); text-decoration:none; } a:hover { text-decoration:underline; }
header.top { display:flex; flex-wrap:wrap; align-items:center; gap:.4rem 1rem; padding:.55rem 1.2rem; background:var(--accent); color:#fff; }
header.top a { color:#fff; }
.brand { display:flex; align-items:baseline; gap:.5rem; font-size:1.15rem; } .brand-sub { font-size:.8rem; opacity:.85; }
.main-nav { display:flex; flex-wrap:wrap; gap:.2rem; flex:1; }
.main-nav a { padding:.3rem .5rem; border-radius:4px; font-size:.93rem; white-space:nowrap; } .main-nav a.active, .main-nav a:hover { background:rgba(255,255,255,.18); text-decoration:none; }
.header-search input { width:8.5rem; padding:.22rem .5rem; border:1px solid rgba(255,255,255,.55); border-radius:4px; background:rgba(255,255,255,.14); color:#fff; font-size:.85rem; }
.header-search input::placeholder { color:rgba(255,255,255,.8); } .header-search input:focus { background:#fff; color:var(--ink, #222); outline:none; }
.search-group { margin:1rem 0 1.4rem; } .search-group h2 { font-size:1.05rem; margin:.2rem 0 .4rem; }
.search-hits { list-style:none; margin:0; padding:0; background:var(--card); border:1px solid var(--line); border-radius:6px; }
.search-hits li { padding:.5rem .8rem; border-top:1px solid var(--line); overflow-wrap:anywhere; } .search-hits li:first-child { border-top:none; }
.hit-number { font-variant-numeric:tabular-nums; color:var(--muted); }
.user-box { display:flex; gap:.8rem; align-items:center; font-size:.85rem; } .user-box .who { opacity:.9; }
form.inline { display:inline; margin:0; }
button.link { background:none; border:none; color:inherit; cursor:pointer; font:inherit; padding:0; text-decoration:underline; }
main.page { max-width:1200px; margin:1.2rem auto; padding:0 1rem; }
footer { text-align:center; color:var(--muted); font-size:.8rem; padding:2rem 0; }
h1 { font-size:1.45rem; margin:.2rem 0 1rem; } h2 { font-size:1.15rem; margin:1.4rem 0 .6rem; } h3 { font-size:1rem; }
.card { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:1rem 1.2rem; margin-bottom:1rem; }
.card > :first-child { margin-top:0; } .card > :last-child, .card form > p:last-child { margin-bottom:0; }
.grid2 { display:grid; grid-template-columns:repeat(auto-fit,minmax(320px,1fr)); gap:1rem; margin-bottom:1rem; }
.grid2 > .card, .grid2 > div > .card:last-child { margin-bottom:0; }
.stats { display:grid; grid-template-columns:repeat(auto-fit,minmax(150px,1fr)); gap:.8rem; margin-bottom:1rem; }
.stat { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:.7rem 1rem; }
.stat .num { font-size:1.5rem; font-weight:600; } .stat .lbl { color:var(--muted); font-size:.85rem; }
table.data { width:100%; border-collapse:collapse; background:var(--card); font-size:.92rem; }
table.data th, table.data td { padding:.45rem .6rem; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
table.data th { background:#eef1f4; font-weight:600; white-space:nowrap; position:sticky; top:0; }
table.data tbody tr:nth-child(even) { background:#fafbfc; } table.data tbody tr:hover { background:var(--accent-soft); }
table.data .num { text-align:right; font-variant-numeric:tabular-nums; }
table.data td a, table.data code { white-space:nowrap; }
.nowrap { white-space:nowrap; } .muted { color:var(--muted); } .small { font-size:.85rem; }
.badge { display:inline-block; padding:.05rem .45rem; border-radius:10px; font-size:.8rem; background:#eef1f4; color:var(--ink); white-space:nowrap; }
.badge.received { background:#fdecea; color:var(--bad); } .badge.dispatched { background:#fff4e0; color:var(--warn); }
.badge.handled { background:var(--accent-soft); color:var(--accent); } .badge.closed { background:#e8f5e9; color:var(--ok); }
.badge.prev { background:#fff4e0; color:var(--warn); } .badge.gen { background:#eef1f4; color:var(--muted); }
.toolbar { display:flex; flex-wrap:wrap; gap:.6rem; align-items:center; margin-bottom:.8rem; }
.toolbar h1 { margin:0 .4rem 0 0; }
.filters { display:flex; flex-wrap:wrap; gap:.6rem; align-items:flex-end; background:var(--card); border:1px solid var(--line); border-radius:6px; padding:.7rem .9rem; margin-bottom:.8rem; }
.filters label, .form label, .login label { display:flex; flex-direction:column; font-size:.82rem; color:var(--muted); gap:.15rem; }
.form .checks { display:flex; flex-wrap:wrap; gap:.35rem 1rem; padding-top:.2rem; } .form .checks label { flex-direction:row; align-items:center; gap:.3rem; color:var(--ink); font-size:.9rem; } .form .checks input { width:auto; }
figure.chart-box { margin:.6rem 0 1rem; max-width:760px; } svg.hbars { width:100%; display:block; } svg.hbars.wide-chart, svg.hbars.shares { height:auto; } svg.hbars.narrow-chart { display:none; overflow:visible; }
td.tier-top { background:#e6f2e6; } td.tier-bottom { background:#fbeedd; } svg.hbars text.label-above { font-size:12px; fill:var(--ink); } svg.narrow-chart text.figure { font-size:11px; }
@media screen and (max-width: 560px) { svg.hbars.wide-chart { display:none; } svg.hbars.narrow-chart { display:block; } }
svg.hbars text { font-size:11px; fill:var(--ink); } svg.hbars text.label { text-anchor:end; } svg.hbars text.figure { fill:var(--muted); font-size:10px; }
svg .hb0 { fill:var(--accent); } svg .hb1 { fill:#5f9f63; } svg .hb2 { fill:#d08a2c; } .chart-legend { margin-top:.2rem; } svg.shares .grid { stroke:var(--line); } svg.shares .target { stroke:var(--ok); stroke-dasharray:4 3; }
svg.shares .whisker { stroke:var(--muted); stroke-width:1.5; } svg.shares .dot { fill:var(--accent); } svg.shares .dot.below { fill:var(--bad); } svg.shares text.axis { text-anchor:middle; font-size:10px; fill:var(--muted); }
.form label.check { display:flex; white-space:normal; flex-direction:row; align-items:flex-start; gap:.45rem; color:var(--ink); font-size:.9rem; } .form label.check input { width:auto; margin-top:.2rem; }
input, select, textarea { font:inherit; padding:.35rem .5rem; border:1px solid #b9c2cb; border-radius:4px; background:#fff; color:var(--ink); }
input:disabled, select:disabled, textarea:disabled { background:#f1f3f5; color:var(--muted); border-color:#d5dbe1; }
textarea { min-height:5rem; width:100%; }
.form { display:grid; grid-template-columns:repeat(auto-fit,minmax(260px,1fr)); gap:.8rem 1.2rem; }
.form .wide { grid-column:1/-1; }
.filters > a { padding:.4rem .2rem; }
p > button[type=submit] + a, p > .btn + .btn { margin-left:.6rem; }
ol.timeline + form { margin-top:1rem; }
main button.link { color:var(--accent); }
.field-error { color:var(--bad); font-size:.82rem; } .has-error input, .has-error select, .has-error textarea { border-color:var(--bad); background:#fffafa; }
.alert { padding:.6rem .9rem; border-radius:4px; margin-bottom:1rem; } .alert.error { background:#fdecea; color:var(--bad); border:1px solid #f5c2bd; }
.alert.ok { background:#e8f5e9; color:var(--ok); border:1px solid #c8e6c9; }
.alert.warn { background:#fff8e1; color:#7a5b00; border:1px solid #f3e0a0; }
.btn, button[type=submit]:not(.link) { display:inline-block; background:var(--accent); color:#fff; border:none; border-radius:4px; padding:.4rem .9rem; cursor:pointer; font:inherit; }
.btn.secondary { background:#fff; color:var(--accent); border:1px solid var(--accent); } .btn:hover { text-decoration:none; opacity:.92; }
.pager { display:flex; gap:.6rem; align-items:center; margin:.8rem 0; font-size:.9rem; }
.empty { text-align:center; color:var(--muted); padding:2.5rem 1rem; background:var(--card); border:1px dashed var(--line); border-radius:6px; }
dl.kv { display:grid; grid-template-columns:max-content 1fr; gap:.3rem 1rem; margin:0; } dl.kv dt { color:var(--muted); } dl.kv dd { margin:0; }
ol.timeline { list-style:none; padding:0; margin:0; border-left:2px solid var(--line); }
ol.timeline li { padding:.2rem 0 .6rem 1rem; position:relative; } ol.timeline li::before { content:""; position:absolute; left:-6px; top:.55rem; width:10px; height:10px; border-radius:50%; background:var(--accent); }
ul.tree { list-style:none; padding-left:1.1rem; } ul.tree li { margin:.15rem 0; }
.login { max-width:380px; margin:4rem auto; }
.login form { display:flex; flex-direction:column; gap:.8rem; }
.breadcrumb { font-size:.85rem; color:var(--muted); margin-bottom:.4rem; }
nav.tabs { display:flex; flex-wrap:wrap; gap:.3rem; margin:.2rem 0 .8rem; }
nav.tabs a, div.tabs a { padding:.25rem .7rem; border:1px solid var(--line); border-radius:14px; background:var(--card); font-size:.88rem; color:var(--ink); }
nav.tabs a.active { background:var(--accent); border-color:var(--accent); color:#fff; } div.tabs { display:flex; flex-wrap:wrap; gap:.4rem; }
table.data.compact th, table.data.compact td { padding:.25rem .5rem; font-size:.88rem; }
table.data tr.total td { font-weight:600; background:var(--accent-soft); } table.data tr.mine td { background:var(--accent-soft); }
.survey-grid { display:grid; grid-template-columns:repeat(auto-fill, minmax(250px, 1fr)); gap:.8rem; margin-bottom:1rem; align-items:start; }
.survey-grid table.data { border:1px solid var(--line); }
.scroll { overflow-x:auto; }
.card table.data + form { margin-top:.8rem; }
table.data td input.fill { width:100%; box-sizing:border-box; }
/* a short number or phone typed in a table row (a percent, a new phone number) */
table.data td input.short, form.inline input.short { width:6.5em; min-width:0; box-sizing:border-box; }
/* a full menu (16 sections for an administrator) fits one line at 1280 px without the subtitle and the role after the name (in its tooltip) */
@media (max-width: 1440px) { .brand-sub { display:none; } .main-nav { gap:0; } .main-nav a { padding:.3rem .3rem; font-size:.86rem; }
  .user-box { gap:.6rem; } .user-box .who-role { display:none; } .header-search input { width:5.5rem; } }
/* Issue 21 §1: the menu of the widest role (admin, 17 items) stays on one row down to 1280 px. */
@media (max-width: 1400px) { .main-nav a { padding:.3rem .2rem; font-size:.82rem; } .user-box { gap:.45rem; } }
.nav-toggle, .nav-toggle-label { display:none; }
@media (max-width: 700px) { header.top { padding:.5rem .7rem; gap:.3rem .8rem; justify-content:space-between; } .brand-sub { display:none; }
  .user-box { order:1; gap:.6rem; flex-wrap:wrap; } .nav-toggle-label { display:inline-block; order:2; padding:.15rem .7rem; border:1px solid rgba(255,255,255,.6); border-radius:4px; cursor:pointer; }
  .nav-toggle { display:block; position:absolute; opacity:0; width:1px; height:1px; } .nav-toggle:focus-visible + .nav-toggle-label { outline:2px solid #fff; }
  .header-search { order:4; flex-basis:100%; } .header-search input { width:100%; }
  .main-nav { display:none; order:3; flex-basis:100%; } .nav-toggle:checked ~ .main-nav { display:grid; grid-template-columns:1fr 1fr; gap:.1rem; }
  .main-nav a { padding:.35rem .5rem; white-space:nowrap; }
  main.page { padding:0 .6rem; } table.data { font-size:.85rem; } table.data th, table.data td { padding:.4rem .3rem; } table.data td a { white-space:normal; } .hide-sm { display:none; }
  /* A table wider than the phone scrolls inside itself; the page never scrolls sideways. */
  table.data { display:block; overflow-x:auto; max-width:100%; -webkit-overflow-scrolling:touch; } }
@media print { body { background:#fff; } .no-print, .filters, .pager, .toolbar > :not(h1) { display:none !important; } main.page { max-width:none; margin:0; }
  .card, table.data { border:none; } table.data th { position:static; } a { color:inherit; } }
/* analysis (研判预警) */
table.data td.up { color:var(--bad); } table.data td.down { color:var(--ok); } table.data td.strong, table.data th.strong { font-weight:600; }
table.data tr.subtotal td { font-weight:600; background:#f3f5f7; } table.data th.group { text-align:center; border-left:1px solid var(--line); }
table.data.heat td.h1 { background:#fdf0ec; } table.data.heat td.h2 { background:#f9d3c6; } table.data.heat td.h3 { background:#f2a48c; } table.data.heat td.h4 { background:#e06b4f; color:#fff; }
.alert.notice { background:var(--accent-soft); color:var(--ink); border:1px solid #c9d8ea; }
.alert.notice ul { margin:.3rem 0 .4rem 1.1rem; padding:0; } svg.chart { max-width:760px; display:block; }
dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:.3rem 1rem; margin:0; } dl.facts dd { margin:0; }
/* assessment publication: many indicator columns */
table.data.wide th, table.data.wide td { padding:.3rem .4rem; font-size:.84rem; } table.data.wide td { white-space:nowrap; }
table.data.wide th { min-width:4.2em; max-width:6.5em; white-space:normal; line-height:1.25; vertical-align:bottom; } table.data.wide .small { font-size:.75rem; }
@media print { table.data.wide { font-size:.68rem; } table.data.wide th, table.data.wide td { padding:.1rem .2rem; } }
@media print { @page { size: A4 landscape; } table.data.monthly { font-size:.72rem; } table.data.monthly th, table.data.monthly td { padding:.1rem .25rem; } }
/* grid events: steps as small forms, photos as a strip of thumbnails, the desk's order buttons */
button[type=submit].secondary { background:#fff; color:var(--accent); border:1px solid var(--accent); }
button[type=submit].danger { background:var(--bad); }
.nowrap { white-space:nowrap; }
.action-form { border-top:1px solid var(--line); padding-top:.6rem; margin-top:.6rem; } .action-form:first-of-type { border-top:none; margin-top:0; padding-top:0; }
.action-form p { margin:.4rem 0 0; }
.photo-strip { display:flex; flex-wrap:wrap; gap:.4rem; margin:.4rem 0; }
.photo-strip img { width:96px; height:72px; object-fit:cover; border-radius:4px; border:1px solid var(--line); background:#eef1f4; }
tr.total td { font-weight:600; background:#eef1f4; }
a.stat.warn .num { color:var(--bad); }
.desk-section { margin-bottom:1.2rem; } .desk-rows { list-style:none; padding:0; margin:.3rem 0 1rem; } .desk-rows li { padding:.35rem 0; border-bottom:1px solid var(--line); overflow-wrap:anywhere; }
a.stat { color:var(--ink); } a.stat:hover { text-decoration:none; border-color:var(--accent); }
input.category-search, input.select-filter { margin-bottom:.3rem; }
.skip-link { position:absolute; left:-999px; top:.4rem; z-index:20; background:var(--card); color:var(--ink); padding:.4rem .8rem; border-radius:4px; }
.skip-link:focus { left:.5rem; }
.legend-row { display:flex; flex-wrap:wrap; gap:.3rem 1rem; color:var(--muted); } .legend-row svg { vertical-align:-1px; }
fieldset.type-fields { border:1px solid var(--line); border-radius:6px; padding:.6rem .8rem .8rem; margin:0; min-width:0; }
fieldset.type-fields legend { font-size:.85rem; color:var(--muted); padding:0 .3rem; }
/* grid-event settings: the year calendar and the time-limit table */
.year-calendar { display:grid; grid-template-columns:repeat(auto-fill, minmax(10.5rem, 1fr)); gap:.8rem 1rem; }
.year-calendar .month table { border-collapse:collapse; width:100%; font-size:.78rem; font-variant-numeric:tabular-nums; }
.year-calendar .month th { color:var(--muted); font-weight:400; } .year-calendar .month td, .year-calendar .month th { text-align:center; padding:.1rem 0; }
.year-calendar td.rest, .legend .key.rest { background:#eef1f4; color:var(--muted); }
.year-calendar td.holiday, .legend .key.holiday { background:#e8f5e9; color:var(--ok); font-weight:600; }
.year-calendar td.swap, .legend .key.swap { background:#fff4e0; color:var(--warn); font-weight:600; }
.legend .key { display:inline-block; width:1rem; height:1rem; border-radius:3px; vertical-align:middle; margin-right:.25rem; border:1px solid var(--line); }
table.limits td.limit { white-space:nowrap; } table.limits td.limit input[type=number] { width:5rem; } table.limits td.limit label.check { font-size:.8rem; display:inline-flex; margin-left:.3rem; }
form.take-up { display:flex; flex-wrap:wrap; gap:.3rem; align-items:center; } form.take-up select { max-width:14rem; }
/* Messages (精准推送): unread badge on the navigation, progress meters, the text as written */
.main-nav .nav-count { display:inline-block; margin-left:.25rem; min-width:1.1rem; padding:0 .3rem; border-radius:9px; background:#e0583a; color:#fff; font-size:.75rem; line-height:1.1rem; text-align:center; }
.meter-line { display:flex; align-items:center; gap:.4rem; white-space:nowrap; } svg.meter { width:6rem; height:.5rem; flex:none; } svg.meter .track { fill:#e6eaef; } svg.meter .fill { fill:var(--accent); }
.message-body { white-space:pre-wrap; line-height:1.7; margin-top:1rem; padding-top:.8rem; border-top:1px solid var(--line); } p.pre { white-space:pre-wrap; }
table.inbox tr.unread td a { font-weight:600; }
table.limits td.sub { padding-left:1.4rem; } table.limits th { text-align:left; }
/* two-step verification: the QR code the server draws, the key as text, recovery codes */
.narrow { max-width:760px; }
.qr-box { margin:.4rem 0 .8rem; } .qr-box svg { display:block; width:100%; max-width:232px; height:auto; border:1px solid var(--line); border-radius:4px; }
code.secret { font-size:1.05rem; letter-spacing:.04em; word-spacing:.3em; overflow-wrap:anywhere; }
ol.codes { columns:2 15em; column-gap:2rem; margin:.6rem 0 1rem; padding-left:1.6rem; } ol.codes li { margin:.2rem 0; } ol.codes code { font-size:1rem; }
.card h3 { margin:1rem 0 .4rem; }
.systems { display:grid; grid-template-columns:repeat(auto-fit, minmax(min(22rem, 100%), 1fr)); gap:0 1rem; } .systems .card { margin-top:0; }
input.evidence { display:block; width:100%; min-width:12rem; margin-top:.3rem; }
"""#
}
