/* fanzha: the text-size and contrast toggles (remembered across pages) and the print buttons.
   Everything on the page works without this script. */
(function () {
  var root = document.documentElement;
  var prefs = document.getElementById('prefs');
  function store(key, on) { try { localStorage.setItem('fz-' + key, on ? '1' : '0'); } catch (e) { /* private mode */ } }
  if (prefs) {
    prefs.hidden = false;
    Array.prototype.forEach.call(prefs.querySelectorAll('button[data-pref]'), function (b) {
      var key = b.getAttribute('data-pref');
      b.setAttribute('aria-pressed', root.classList.contains(key) ? 'true' : 'false');
      b.addEventListener('click', function () {
        var on = root.classList.toggle(key);
        b.setAttribute('aria-pressed', on ? 'true' : 'false');
        store(key, on);
      });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('.print-button'), function (b) {
    b.hidden = false;
    b.addEventListener('click', function () { window.print(); });
  });
  if (location.hash === '#print' && document.querySelector('.leaflet-sheet')) {
    window.addEventListener('load', function () { window.print(); });
  }
})();
