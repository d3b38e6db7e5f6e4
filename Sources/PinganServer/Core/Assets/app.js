/* Pingan: progressive enhancement only — every page works without this file. */
(function () {
  'use strict';
  document.addEventListener('click', function (e) {
    if (e.target.closest('[data-print]')) window.print();
  });

  /* A grid select that follows its community select: <select data-grid-target="f-gridID">. Without JavaScript the
     form still works: the server lists the grids of the community sent and says "pick a community first". */
  function followCommunity(select) {
    var target = document.getElementById(select.getAttribute('data-grid-target'));
    if (!target) return;
    var blank = target.getAttribute('data-blank') || '';
    select.addEventListener('change', function () {
      var id = select.value;
      if (!id) { target.innerHTML = ''; target.appendChild(new Option(blank, '')); return; }
      fetch('/api/v1/divisions?level=grid&parent=' + encodeURIComponent(id), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (list) {
          var keep = target.value;
          target.innerHTML = '';
          target.appendChild(new Option(blank, ''));
          (Array.isArray(list) ? list : (list.items || [])).forEach(function (d) { target.appendChild(new Option(d.name, String(d.id))); });
          if (keep && target.querySelector('option[value="' + keep + '"]')) target.value = keep;
          target.dispatchEvent(new Event('change', { bubbles: true }));
        })
        .catch(function () { /* keep what the server rendered */ });
    });
  }
  /* A search box that narrows a long select (the grid events' category table): <input data-filter-select="f-id">. */
  function filterSelect(input) {
    var select = document.getElementById(input.getAttribute('data-filter-select'));
    if (!select) return;
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase(), first = null;
      select.querySelectorAll('optgroup').forEach(function (g) {
        var any = false, groupHit = q && g.label.toLowerCase().indexOf(q) >= 0;
        g.querySelectorAll('option').forEach(function (o) {
          var text = (o.textContent + ' ' + (o.getAttribute('data-keywords') || '')).toLowerCase();
          var hit = !q || groupHit || text.indexOf(q) >= 0;
          o.hidden = !hit; if (hit) { any = true; if (!first) first = o; }
        });
        g.hidden = !any;
      });
      if (q && first && (select.selectedIndex <= 0 || select.options[select.selectedIndex].hidden)) select.value = first.value;
    });
  }
  /* A request type's own questions, shown for that type only: <select data-type-fields> and <fieldset data-for-type="code">.
     A hidden box is also disabled, so what it holds is not sent with another type. */
  function typeFields(select) {
    var form = select.form;
    if (!form) return;
    function sync() {
      form.querySelectorAll('fieldset[data-for-type]').forEach(function (f) {
        var on = f.getAttribute('data-for-type') === select.value;
        f.hidden = !on; f.disabled = !on;
      });
    }
    select.addEventListener('change', sync);
    sync();
  }
  function init() {
    document.querySelectorAll('select[data-type-fields]').forEach(typeFields);
    document.querySelectorAll('select[data-grid-target]').forEach(followCommunity);
    document.querySelectorAll('input[data-filter-select]').forEach(filterSelect);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
})();
