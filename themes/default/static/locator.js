// Treatment locator: progressive enhancement on /treatment/ and the state and city pages.
// Without this script those pages are plain lists of links. With it, a ZIP code (or the
// device's location) finds facilities within a radius, using small data files made at
// build time (see docs/facilities.md): data/index.json lists the non-empty cells and the
// ZIP files, data/cells/KEY.json holds the facilities of one cell, data/zip/NN.json the ZIP
// centroids of one 2-digit prefix near the facilities, data/zip3.json the centre of every
// 3-digit prefix (for any other ZIP). When nothing is within the radius, the nearest
// listings are shown. The ZIP is kept in localStorage on this device only.
(function () {
  "use strict";
  var root = document.getElementById("locator");
  if (!root) return;
  if (!window.fetch || !window.Promise) {
    // style.css shows the form wherever scripts run; this browser cannot use it.
    root.style.display = "none";
    return;
  }
  var base = root.getAttribute("data-base");
  var form = document.getElementById("locator-form");
  var zipIn = document.getElementById("locator-zip");
  var geoBtn = document.getElementById("locator-geo");
  var statusEl = document.getElementById("locator-status");
  var resultsEl = document.getElementById("locator-results");
  // The labels of the levels of care and every text this script writes, in the page's
  // language (the theme's i18n strings, given by the page: no inline script may run).
  var vocab = JSON.parse(document.getElementById("locator-vocab").textContent);
  var strings = vocab.strings;
  var KEY = "haven-locator-zip";
  var PAGE = 50;
  var NEAREST = 5; // listings shown when none is within the radius
  var MAX_CELLS = 24; // cells read to find them, at most
  var indexPromise = null;
  var reach = 100; // miles: the largest radius, from index.json
  var zip3Promise = null;
  var cells = {};
  var zipShards = {};
  var origin = null; // {lat, lon, zip, approx}; no zip: the device's location
  var shown = PAGE;
  root.hidden = false;

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }
  function getIndex() {
    if (!indexPromise) indexPromise = getJSON(base + "index.json").then(function (idx) { reach = idx.reach; return idx; });
    return indexPromise;
  }
  function getCell(key) {
    if (!cells[key]) cells[key] = getJSON(base + "cells/" + key + ".json");
    return cells[key];
  }
  function say(text) { statusEl.textContent = text; }
  // The string `key` with its {name} placeholders filled from `vars`.
  function tr(key, vars) {
    return strings[key].replace(/\{(\w+)\}/g, function (m, name) { return vars && name in vars ? String(vars[name]) : m; });
  }
  // The _one or _many form of `key` for the number n.
  function plural(key, n, vars) {
    vars = vars || {};
    vars.n = n;
    return tr(key + (n === 1 ? "_one" : "_many"), vars);
  }

  // Whether data/zip/NN.json exists: bit NN of index.zips (hex, most significant bit first).
  function hasZipFile(idx, nn) {
    return (parseInt(idx.zips.charAt(nn >> 2), 16) & (8 >> (nn & 3))) !== 0;
  }
  // [lat, lon] of a ZIP, and whether it is only the centre of its 3-digit area; null if unknown.
  function locate(zip) {
    return getIndex().then(function (idx) {
      var nn = zip.slice(0, 2);
      if (!hasZipFile(idx, Number(nn))) return null;
      if (!zipShards[nn]) zipShards[nn] = getJSON(base + "zip/" + nn + ".json");
      return zipShards[nn].then(function (shard) { return shard[zip] ? { c: shard[zip], approx: false } : false; });
    }).then(function (exact) {
      // false: the file of this ZIP's area does not know it (a typo, or a ZIP newer than the data).
      if (exact !== null) return exact || null;
      if (!zip3Promise) zip3Promise = getJSON(base + "zip3.json");
      return zip3Promise.then(function (z3) { var c = z3[zip.slice(0, 3)]; return c ? { c: c, approx: true } : null; });
    });
  }

  // Great-circle distance in miles.
  function miles(lat1, lon1, lat2, lon2) {
    var r = Math.PI / 180, dLat = (lat2 - lat1) * r, dLon = (lon2 - lon1) * r;
    var a = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * 3958.8 * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  // Keys of the non-empty cells that a circle of `radius` miles around (lat, lon) touches.
  function cellKeys(idx, lat, lon, radius) {
    var size = idx.cell, have = {}, keys = [];
    idx.cells.forEach(function (k) { have[k] = true; });
    var dLat = radius / 69.0;
    var dLon = radius / (69.17 * Math.max(0.05, Math.cos(lat * Math.PI / 180)));
    for (var row = Math.floor((lat - dLat) / size); row <= Math.floor((lat + dLat) / size); row++) {
      for (var col = Math.floor((lon - dLon) / size); col <= Math.floor((lon + dLon) / size); col++) {
        var k = row + "_" + col;
        if (have[k]) keys.push(k);
      }
    }
    return keys;
  }

  function checked(name) {
    var out = [];
    form.querySelectorAll("input[name=" + name + "]:checked").forEach(function (i) { out.push(i.value); });
    return out;
  }
  function maskOf(name) {
    return checked(name).reduce(function (m, bit) { return m | (1 << Number(bit)); }, 0);
  }

  // Record: [url, name, lat, lon, street, city, state, phone, levels, meds, pay, pops, langs, walkIn, sponsored]
  function matches(f, want) {
    if (want.levels && !(f[8] & want.levels)) return false;
    if (want.meds && !(f[9] & want.meds)) return false;
    if (want.pay && !(f[10] & want.pay)) return false;
    if (want.pops && !(f[11] & want.pops)) return false;
    if (want.langs.length) {
      var have = f[12].split(" ");
      if (!want.langs.some(function (l) { return have.indexOf(l) >= 0; })) return false;
    }
    if (want.walkIn && f[13] !== 1) return false;
    return true;
  }

  function phoneDisplay(n) {
    var m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(n);
    return m ? "(" + m[1] + ") " + m[2] + "-" + m[3] : n;
  }
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (kids || []).forEach(function (c) { if (c != null) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function levels(mask) {
    return vocab.levels.filter(function (_, bit) { return mask & (1 << bit); }).join(" · ");
  }
  function item(r, sponsored, approx) {
    var f = r.f;
    var title = el("h3", { "class": "card-title" }, [el("a", { href: f[0] }, [f[1]])]);
    if (sponsored) title.appendChild(el("span", { "class": "badge" }, [" " + tr("sponsored")]));
    return el("li", { "class": "card facility-item" }, [
      title,
      el("p", { "class": "distance" }, [approx ? tr("locator_js_distance_about", { d: Math.round(r.d) }) : tr("locator_js_distance", { d: r.d.toFixed(1) })]),
      el("p", null, [f[4] + ", " + f[5] + ", " + f[6]]),
      f[8] ? el("p", { "class": "meta" }, [levels(f[8]) + (f[13] === 1 ? " · " + tr("walk_ins_welcome") : "")]) : null,
      el("p", null, [el("a", { "class": "call call-small", href: "tel:" + f[7] }, [tr("button_main") + " " + phoneDisplay(f[7])])]),
    ]);
  }

  function wanted() {
    return {
      levels: maskOf("levels"), meds: maskOf("meds"), pay: maskOf("pay"), pops: maskOf("pops"),
      langs: checked("lang"), walkIn: checked("walkin").length > 0,
    };
  }
  function byName(a, b) { return a.f[1].localeCompare(b.f[1]); }
  function byDistance(a, b) { return a.d - b.d || byName(a, b); }

  // The unpaid listings within the radius and the sponsored ones, each {f, d}, sorted.
  function within(all, want, radius) {
    var free = [], paid = [];
    if (origin.approx) return { free: free, paid: paid }; // an area's centre is no place to measure a radius from
    all.forEach(function (f) {
      var d = miles(origin.lat, origin.lon, f[2], f[3]);
      if (d > radius || !matches(f, want)) return;
      (f[14] ? paid : free).push({ f: f, d: d });
    });
    free.sort(form.sort.value === "name" ? byName : byDistance);
    paid.sort(byName);
    return { free: free, paid: paid };
  }

  // The NEAREST unpaid listings that match, wherever they are: cells are read nearest first
  // (by the distance to the closest point of each, less a margin for the earth's curve)
  // until no unread cell can hold a nearer one, or MAX_CELLS were read.
  function nearest(idx, want) {
    var size = idx.cell;
    var order = idx.cells.map(function (key) {
      var rc = key.split("_"), row = Number(rc[0]), col = Number(rc[1]);
      var lat = Math.min(Math.max(origin.lat, row * size), (row + 1) * size);
      var lon = Math.min(Math.max(origin.lon, col * size), (col + 1) * size);
      return { key: key, d: miles(origin.lat, origin.lon, lat, lon) * 0.99 - 1 };
    }).sort(function (a, b) { return a.d - b.d; });
    var found = [], next = 0;
    function step() {
      found.sort(byDistance);
      var full = found.length >= NEAREST;
      if (next >= order.length || next >= MAX_CELLS || (full && found[NEAREST - 1].d <= order[next].d)) {
        return found.slice(0, NEAREST);
      }
      var batch = order.slice(next, next + 4);
      next += batch.length;
      return Promise.all(batch.map(function (c) { return getCell(c.key); })).then(function (lists) {
        lists.forEach(function (list) {
          list.forEach(function (f) {
            if (!f[14] && matches(f, want)) found.push({ f: f, d: miles(origin.lat, origin.lon, f[2], f[3]) });
          });
        });
        return step();
      });
    }
    return Promise.resolve().then(step);
  }

  // `near`: the nearest listings, when none is within the radius (else null).
  function render(all, near) {
    var want = wanted();
    var radius = Number(form.radius.value);
    var hideSponsored = checked("hidesponsored").length > 0;
    var res = within(all, want, radius), free = res.free, paid = res.paid;
    resultsEl.textContent = "";
    var count;
    if (origin.approx) {
      // Its area has no ZIP file: no listing is within the largest radius of any of its ZIPs.
      count = tr("locator_js_none_near_zip3", { reach: reach, zip: origin.zip, zip3: origin.zip.slice(0, 3) });
    } else {
      count = plural(origin.zip ? "locator_js_count_zip" : "locator_js_count_here", free.length, { radius: radius, zip: origin.zip });
    }
    if (paid.length && !hideSponsored) count += " " + plural("locator_js_sponsored", paid.length);
    if (near && near.length) count += " " + plural("locator_js_nearest", near.length);
    else if (!free.length && !paid.length) count += " " + tr("locator_js_try_larger");
    say(count);
    if (free.length) {
      var list = el("ol", { "class": "facility-list locator-list", "aria-label": tr("locator_js_results") });
      free.slice(0, shown).forEach(function (r) { list.appendChild(item(r, false)); });
      resultsEl.appendChild(list);
      if (free.length > shown) {
        var more = el("button", { type: "button", "class": "more" }, [tr("locator_js_show_more")]);
        more.addEventListener("click", function () { shown += PAGE; render(all, near); });
        resultsEl.appendChild(more);
      }
    } else if (near && near.length) {
      var nlist = el("ol", { "class": "facility-list locator-list locator-nearest", "aria-label": tr("locator_js_nearest_label") });
      near.forEach(function (r) { nlist.appendChild(item(r, false, origin.approx)); });
      resultsEl.appendChild(nlist);
    }
    if (paid.length && !hideSponsored) {
      var block = el("section", { "class": "sponsored-block", "aria-labelledby": "locator-sponsored-title" }, [
        el("h3", { id: "locator-sponsored-title" }, [tr("sponsored_listings")]),
        el("p", { "class": "meta" }, [tr("locator_js_sponsored_apart")]),
      ]);
      var plist = el("ul", { "class": "facility-list" });
      paid.forEach(function (r) { plist.appendChild(item(r, true)); });
      block.appendChild(plist);
      resultsEl.appendChild(block);
    }
  }

  function search() {
    if (!origin) return;
    var radius = Number(form.radius.value);
    say(tr("locator_js_searching"));
    getIndex()
      .then(function (idx) {
        var keys = origin.approx ? [] : cellKeys(idx, origin.lat, origin.lon, radius);
        return Promise.all(keys.map(getCell)).then(function (lists) {
          var all = [].concat.apply([], lists);
          if (within(all, wanted(), radius).free.length) return render(all, null);
          return nearest(idx, wanted()).then(function (near) { render(all, near); });
        });
      })
      .catch(function () { say(tr("locator_js_load_error")); });
  }

  function byZip(zip) {
    if (!/^\d{5}$/.test(zip)) {
      say(tr("locator_js_enter_zip"));
      zipIn.focus();
      return;
    }
    locate(zip)
      .then(null, function () { return undefined; })
      .then(function (at) {
        if (at === undefined) {
          say(tr("locator_js_load_error"));
          return;
        }
        if (!at) {
          say(tr("locator_js_zip_unknown", { zip: zip }));
          return;
        }
        try { localStorage.setItem(KEY, zip); } catch (e) { /* private mode: fine */ }
        origin = { lat: at.c[0], lon: at.c[1], zip: zip, approx: at.approx };
        shown = PAGE;
        search();
      });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    byZip(zipIn.value.trim());
  });
  form.addEventListener("change", function (e) {
    if (e.target === zipIn) return;
    shown = PAGE;
    search();
  });
  if (navigator.geolocation) {
    geoBtn.addEventListener("click", function () {
      say(tr("locator_js_finding_location"));
      navigator.geolocation.getCurrentPosition(
        function (p) {
          origin = { lat: p.coords.latitude, lon: p.coords.longitude };
          shown = PAGE;
          search();
        },
        function () { say(tr("locator_js_no_location")); },
        { timeout: 15000, maximumAge: 600000 }
      );
    });
  } else {
    geoBtn.hidden = true;
  }
  try {
    var saved = localStorage.getItem(KEY);
    if (saved && /^\d{5}$/.test(saved)) zipIn.value = saved;
  } catch (e) { /* storage blocked: fine */ }
})();
