// The treatment locator in a real browser: a ZIP search lists the nearest facilities first
// with correct straight-line distances, a filter narrows the list, sponsored listings stay
// in their own block; and without JavaScript, state -> city -> facility links still work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSite, serve, browser, forbidThirdParty, cleanup } from './harness.mjs';

let site, server, chrome;
before(async () => { site = buildSite(); server = await serve(site); chrome = await browser(); });
after(async () => { await chrome?.close(); server?.close(); if (site) cleanup(site); });

function miles(lat1, lon1, lat2, lon2) {
  const r = Math.PI / 180;
  const a = Math.sin((lat2 - lat1) * r / 2) ** 2
    + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin((lon2 - lon1) * r / 2) ** 2;
  return 2 * 3958.8 * Math.asin(Math.sqrt(a));
}

/** Every facility record of the built data files, by URL. */
function records() {
  const dir = join(site, 'treatment/data');
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  const out = new Map();
  for (const key of index.cells) {
    for (const f of JSON.parse(readFileSync(join(dir, 'cells', key + '.json'), 'utf8'))) out.set(f[0], f);
  }
  return out;
}

test('a ZIP search lists the nearest first with correct distances, and a filter narrows it', async () => {
  const page = await chrome.newPage();
  const outside = forbidThirdParty(page);
  await page.goto(server.url + 'treatment/');
  await page.fill('#locator-zip', '78701');
  await page.click('#locator-submit');
  const status = page.locator('#locator-status');
  await page.waitForFunction(() => /within 25 miles/.test(document.getElementById('locator-status').textContent));
  assert.equal(await status.getAttribute('aria-live'), 'polite');

  const zip = JSON.parse(readFileSync(join(site, 'treatment/data/zip/78.json'), 'utf8'))['78701'];
  const recs = records();
  const rows = await page.$$eval('.locator-list > li', (lis) => lis.map((li) => ({
    url: li.querySelector('a').getAttribute('href'),
    distance: li.querySelector('.distance').textContent,
  })));
  assert.ok(rows.length >= 3, `expected several Austin-area results, got ${rows.length}`);
  const shown = rows.map((r) => Number(/^([\d.]+) mi, straight line$/.exec(r.distance)[1]));
  for (let i = 0; i < rows.length; i++) {
    const f = recs.get(rows[i].url);
    assert.ok(f, `unknown result ${rows[i].url}`);
    assert.equal(f[14], 0, 'a sponsored listing is in the distance order');
    assert.equal(shown[i], Number(miles(zip[0], zip[1], f[2], f[3]).toFixed(1)), rows[i].url);
    if (i > 0) assert.ok(shown[i] >= shown[i - 1], 'not sorted by distance');
  }
  // The nearest result really is the nearest unpaid facility within 25 miles.
  const nearest = [...recs.values()].filter((f) => !f[14])
    .map((f) => [f[0], miles(zip[0], zip[1], f[2], f[3])]).sort((a, b) => a[1] - b[1])[0];
  assert.equal(rows[0].url, nearest[0]);

  // The demo's sponsored Austin listing is in its own labelled block.
  const sponsored = page.locator('#locator-results .sponsored-block');
  assert.equal(await sponsored.count(), 1);
  assert.match(await sponsored.innerText(), /Sponsored listings/);
  await page.check('#locator-hide-sponsored');
  await page.waitForFunction(() => !document.querySelector('#locator-results .sponsored-block'));

  // A filter narrows the list.
  await page.click('.locator-filters summary');
  await page.check('input[name=meds][value="1"]'); // methadone
  await page.waitForFunction((n) => document.querySelectorAll('.locator-list > li').length < n
    || !document.querySelector('.locator-list'), rows.length);
  const narrowed = await page.$$eval('.locator-list > li .card-title a', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(narrowed.length < rows.length);
  for (const u of narrowed) assert.ok(recs.get(u)[9] & 2, `${u} offers no methadone`);
  assert.match(await status.textContent(), new RegExp(`^${narrowed.length} facilit`));

  // The ZIP stays on the device.
  assert.equal(await page.evaluate(() => localStorage.getItem('haven-locator-zip')), '78701');
  assert.deepEqual(outside, []);
  await page.close();
});

/** The locator page `path` in a browser located in Albuquerque, after "Use my location". */
async function locatedIn(path) {
  const ctx = await chrome.newContext({
    geolocation: { latitude: 35.0844, longitude: -106.6504 }, // Albuquerque
    permissions: ['geolocation'],
  });
  const page = await ctx.newPage();
  await page.goto(server.url + path);
  await page.click('#locator-geo');
  return { ctx, page };
}

test('"Use my location" searches around the device and sort by name orders by name', async () => {
  const { ctx, page } = await locatedIn('treatment/');
  await page.waitForFunction(() => /of your location/.test(document.getElementById('locator-status').textContent));
  const cities = await page.$$eval('.locator-list > li', (lis) => lis.map((li) => li.children[2].textContent));
  assert.ok(cities.length >= 2, 'several Albuquerque results');
  assert.ok(cities.every((c) => /, NM$/.test(c)), cities.join('; '));
  await page.selectOption('#locator-sort', 'name');
  await page.waitForFunction(() => {
    const names = [...document.querySelectorAll('.locator-list .card-title a')].map((a) => a.textContent);
    return names.length > 1 && names.every((n, i) => i === 0 || names[i - 1].localeCompare(n) <= 0);
  });
  await ctx.close();
});

/** The locator's nearest listings for `zip`, checked against every record of the site. */
async function nearestFor(zip, origin, approx) {
  const page = await chrome.newPage();
  const outside = forbidThirdParty(page);
  await page.goto(server.url + 'treatment/');
  await page.fill('#locator-zip', zip);
  await page.click('#locator-submit');
  await page.waitForFunction(() => /nearest/.test(document.getElementById('locator-status').textContent));
  const status = await page.locator('#locator-status').textContent();
  const rows = await page.$$eval('.locator-nearest > li', (lis) => lis.map((li) => ({
    url: li.querySelector('a').getAttribute('href'),
    distance: li.querySelector('.distance').textContent,
  })));
  const want = [...records().values()].filter((f) => !f[14])
    .map((f) => [f[0], miles(origin[0], origin[1], f[2], f[3])]).sort((a, b) => a[1] - b[1]).slice(0, 5);
  assert.ok(want[0][1] > 100, `${zip} is meant to be far from every listing`);
  assert.deepEqual(rows.map((r) => r.url), want.map((w) => w[0]), status);
  rows.forEach((r, i) => assert.equal(r.distance, approx
    ? `About ${Math.round(want[i][1])} mi, straight line`
    : `${want[i][1].toFixed(1)} mi, straight line`));
  assert.equal(await page.locator('.locator-list:not(.locator-nearest)').count(), 0);
  assert.deepEqual(outside, []);
  await page.close();
  return status;
}

test('a ZIP far from every listing still lists the nearest ones', async () => {
  const data = join(site, 'treatment/data');
  // Anchorage: its 2-digit area (99) reaches eastern Washington, so it has exact centroids.
  const anchorage = JSON.parse(readFileSync(join(data, 'zip/99.json'), 'utf8'))['99501'];
  const status = await nearestFor('99501', anchorage, false);
  assert.match(status, /^0 facilities within 25 miles of ZIP 99501\. The nearest 5 listings are below\.$/);
  // Fargo: no listing within 100 miles of any 58xxx ZIP, so no ZIP file; the centre of
  // 581xx from zip3.json stands in.
  assert.equal(existsSync(join(data, 'zip/58.json')), false);
  const fargo = JSON.parse(readFileSync(join(data, 'zip3.json'), 'utf8'))['581'];
  const approx = await nearestFor('58102', fargo, true);
  assert.match(approx, /^No listing is within 100 miles of ZIP 58102\. Distances are from the centre of ZIP codes 581xx\. The nearest 5 listings are below\.$/);
});

test('an unknown ZIP says so', async () => {
  const page = await chrome.newPage();
  await page.goto(server.url + 'treatment/');
  await page.fill('#locator-zip', '00000');
  await page.click('#locator-submit');
  await page.waitForFunction(() => /could not find ZIP code 00000/.test(document.getElementById('locator-status').textContent));
  await page.close();
});

test('on /es/treatment/ the locator writes its status, results and errors in Spanish', async () => {
  const page = await chrome.newPage();
  const outside = forbidThirdParty(page);
  await page.goto(server.url + 'es/treatment/');
  const status = page.locator('#locator-status');

  await page.fill('#locator-zip', ''); // the pattern attribute lets an empty ZIP through to the script
  await page.click('#locator-submit');
  await page.waitForFunction(() => /^Escriba un código postal \(ZIP\) de 5 dígitos\.$/
    .test(document.getElementById('locator-status').textContent));

  await page.fill('#locator-zip', '00000');
  await page.click('#locator-submit');
  await page.waitForFunction(() => /^No encontramos el código postal 00000\. Revíselo o busque por estado más abajo\.$/
    .test(document.getElementById('locator-status').textContent));

  await page.fill('#locator-zip', '78701');
  await page.click('#locator-submit');
  await page.waitForFunction(() => /millas del código postal 78701/.test(document.getElementById('locator-status').textContent));
  const said = await status.textContent();
  assert.match(said, /^\d+ centros? a menos de 25 millas del código postal 78701\. \d+ listados? patrocinados? se muestran? aparte\.$/);
  const rows = await page.$$eval('.locator-list > li', (lis) => lis.map((li) => ({
    url: li.querySelector('a').getAttribute('href'),
    distance: li.querySelector('.distance').textContent,
    call: li.querySelector('a.call').textContent,
  })));
  assert.ok(rows.length >= 3, `expected several Austin-area results, got ${rows.length}`);
  for (const r of rows) {
    assert.match(r.url, /^\/es\/treatment\//, 'a Spanish result links to the Spanish facility page');
    assert.match(r.distance, /^A \d+\.\d millas en línea recta$/);
    assert.match(r.call, /^Llame al \(\d{3}\) \d{3}-\d{4}$/);
  }
  assert.equal(await page.getAttribute('.locator-list', 'aria-label'), 'Resultados');
  const sponsored = page.locator('#locator-results .sponsored-block');
  assert.match(await sponsored.locator('h3').first().innerText(), /^Listados patrocinados$/);
  assert.match(await sponsored.innerText(), /Estos centros pagaron para aparecer en la lista/);
  assert.match(await sponsored.locator('.badge').first().innerText(), /^Patrocinado$/);
  const results = await page.locator('#locator-results').innerText();
  for (const english of ['mi, straight line', 'Call ', 'Sponsored', 'Walk-ins', 'facilit']) {
    assert.ok(!results.includes(english) && !said.includes(english), `English "${english}" on the Spanish locator`);
  }

  // Far from every listing: the nearest ones, said in Spanish.
  await page.fill('#locator-zip', '99501');
  await page.click('#locator-submit');
  await page.waitForFunction(() => /más cercanos/.test(document.getElementById('locator-status').textContent));
  assert.match(await status.textContent(), /^0 centros a menos de 25 millas del código postal 99501\. Los 5 listados más cercanos están abajo\.$/);
  assert.equal(await page.getAttribute('.locator-nearest', 'aria-label'), 'Listados más cercanos');
  assert.deepEqual(outside, []);
  await page.close();
});

test('"Usar mi ubicación" on /es/treatment/ says where it searched in Spanish', async () => {
  const { ctx, page } = await locatedIn('es/treatment/');
  await page.waitForFunction(() => /de su ubicación/.test(document.getElementById('locator-status').textContent));
  assert.match(await page.locator('#locator-status').textContent(), /^\d+ centros? a menos de 25 millas de su ubicación\./);
  await ctx.close();
});

test('without JavaScript: state -> city -> facility', async () => {
  const ctx = await chrome.newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(server.url + 'treatment/');
  assert.equal(await page.locator('#locator').isVisible(), false, 'the search form needs the script');
  await page.click('.state-list a:text-is("Texas")');
  assert.equal(await page.locator('h1').innerText(), 'Treatment in Texas');
  await page.click('.city-list a:text-is("Austin")');
  assert.equal(await page.locator('h1').innerText(), 'Treatment in Austin, TX');
  const first = page.locator('.facility-list .card-title a').first();
  const name = await first.innerText();
  await first.click();
  assert.equal(await page.locator('h1').innerText(), name);
  assert.match(await page.locator('main').innerText(), /Last verified on/);
  assert.ok(await page.locator('main a.call[href^="tel:+1"]').count() >= 1);
  await ctx.close();
});

test('no horizontal scrolling at 320px on the locator with results and on a facility page', async () => {
  const page = await chrome.newPage({ viewport: { width: 320, height: 640 } });
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.goto(server.url + 'treatment/');
  await page.fill('#locator-zip', '78701');
  await page.click('#locator-submit');
  await page.waitForSelector('.locator-list');
  await page.click('.locator-filters summary');
  assert.equal(await overflow(), 0);
  await page.goto(server.url + 'treatment/tx/austin/austin-example-recovery/');
  assert.equal(await overflow(), 0);
  await page.close();
});
