// haven serve: live reload. Injected into pages by `haven serve` only, never by `haven build`.
// Listens to /__haven/events (Server-Sent Events): reloads the page after a rebuild, swaps
// stylesheets in place after a CSS-only change, and shows build errors over the page.
(function () {
  'use strict';
  var me = document.currentScript;
  var generation = Number(me && me.dataset.generation);
  var OVERLAY = '__haven-overlay';

  function overlay(text) {
    var box = document.getElementById(OVERLAY);
    if (!text) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement('div');
      box.id = OVERLAY;
      box.setAttribute('role', 'alert');
      box.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:1rem;' +
        'background:rgba(24,24,27,.95);color:#fafafa;font:14px/1.45 ui-monospace,Menlo,Consolas,monospace';
      var head = document.createElement('p');
      head.style.cssText = 'margin:0 0 1rem;font-weight:bold;color:#fca5a5';
      head.textContent = 'haven: the site has errors. The last good build is still served underneath; ' +
        'fix the file and save, and this message goes away by itself.';
      var pre = document.createElement('pre');
      pre.style.cssText = 'margin:0;white-space:pre-wrap';
      box.appendChild(head);
      box.appendChild(pre);
      document.body.appendChild(box);
    }
    box.querySelector('pre').textContent = text;
  }

  function swap(pairs) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var path = new URL(links[i].href, location.href).pathname;
      for (var j = 0; j < pairs.length; j++) {
        if (path === pairs[j][0]) links[i].href = pairs[j][1];
      }
    }
  }

  var events = new EventSource('/__haven/events');
  events.addEventListener('hello', function (e) {
    var d = JSON.parse(e.data);
    if (d.generation !== generation) return location.reload();
    window.__havenLive = true; // connected and current (tests wait for it)
    overlay(d.error);
  });
  events.addEventListener('reload', function (e) {
    if (JSON.parse(e.data).generation !== generation) location.reload();
  });
  events.addEventListener('css', function (e) {
    var d = JSON.parse(e.data);
    swap(d.swaps);
    generation = d.generation;
  });
  events.addEventListener('problem', function (e) { overlay(JSON.parse(e.data).text); });
  events.addEventListener('clear', function () { overlay(null); });
})();
