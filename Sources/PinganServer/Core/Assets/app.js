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
  function init() { document.querySelectorAll('select[data-grid-target]').forEach(followCommunity); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
})();
