/* Harness only: stands in for the app's own form script, which repopulates a grid select when the
   community changes -- asynchronously, so the picker has to wait for the grid option to appear. */
(function () {
  'use strict';
  document.querySelectorAll('select[data-grids]').forEach(grid => {
    const byCommunity = JSON.parse(grid.getAttribute('data-grids'));
    const community = document.getElementById(grid.getAttribute('data-community'));
    const placeholder = grid.getAttribute('data-placeholder') || '';
    const fill = () => {
      grid.textContent = '';
      grid.appendChild(new Option(placeholder, ''));
      (byCommunity[community.value] || []).forEach(g => grid.appendChild(new Option(g[1], String(g[0]))));
    };
    community.addEventListener('change', () => {
      grid.textContent = '';
      grid.appendChild(new Option('…', ''));
      setTimeout(fill, 250);
    });
    if (community.value) fill();
  });
})();
