// Injection in the two places that are filled by script at run time (issue 8): the treatment
// locator's data files and the search index. A site whose facility name, city and
// description and whose article title hold `</script>`, `<script>`, `"><img onerror>` and
// `javascript:` text is built; every payload would set `window.__pwned` if it ever ran. The
// pages are served without the site's Content-Security-Policy, so the proof is the DOM
// itself: the hostile text is shown as text, no injected element or handler exists, and
// `window.__pwned` stays undefined. The server-rendered pages are checked in
// tests/robust/injection.rs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { servedSite, forbidThirdParty } from './harness.mjs';

const NAME = 'Zzhostile House X</script><script>window.__pwned=1</script>"><img src=x onerror="window.__pwned=2">';
const CITY = 'Austin javascript:window.__pwned=3 <script>window.__pwned=4</script>';
const STREET = '1 Main St "><img src=x onerror="window.__pwned=5">';
const DESCRIPTION = 'Zzhostile help <script>window.__pwned=6</script> "><img src=x onerror="window.__pwned=7"> '
  + '[a link](javascript:window.__pwned=8) </script>';
const TITLE = 'Zzhostile article </script><script>window.__pwned=9</script>"><img src=x onerror="window.__pwned=10"> '
  + 'javascript:window.__pwned=11';

/** A YAML single-quoted scalar. */
const yaml = (s) => `'${s.replaceAll("'", "''")}'`;

let root, served, site, server, chrome;
before(async () => {
  root = mkdtempSync(join(tmpdir(), 'haven-injection-'));
  const files = {
    'content/site.yaml': 'title: Injection\nbase_url: https://example.org/\ncorrections: listings@example.org\n'
      + 'listings_stale_after_months: 0\n',
    'content/authors/jane.yaml': 'name: Jane Roe\n',
    'content/articles/hostile.md': `---\ntitle: ${yaml(TITLE)}\nauthor: jane\npublished: 2024-01-02\n---\n`
      + 'Zzhostile body text.\n',
    'content/facilities/tx/hostile.yaml': `name: ${yaml(NAME)}\nslug: hostile-house\naddress:\n`
      + `  street: ${yaml(STREET)}\n  city: ${yaml(CITY)}\n  state: TX\n  zip: "78701"\n`
      + 'geo: { lat: 30.27, lon: -97.74 }\nphone: "+15125550100"\nlevels_of_care: [outpatient]\n'
      + `verified: 2026-10-10\ndescription: |\n  ${DESCRIPTION}\n`,
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  served = await servedSite(root);
  ({ site, server, chrome } = served);
});
after(async () => {
  await served?.close();
});

/** A page that records script errors and requests leaving 127.0.0.1. */
async function open(url) {
  const page = await chrome.newPage();
  const problems = forbidThirdParty(page);
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(url);
  return { page, problems };
}

/** Nothing injected ran or exists: no `__pwned`, no `<img src=x>`, no handler attribute,
 * no `javascript:` URL, no script element besides the page's own. */
async function assertInert(page, where) {
  // An injected <img src=x> would fire onerror once its load fails: let that happen first.
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
  const found = await page.evaluate(() => {
    const bad = [];
    if (window.__pwned !== undefined) bad.push(`window.__pwned = ${window.__pwned}`);
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.attributes) {
        if (/^on/i.test(a.name)) bad.push(`${el.tagName} ${a.name}="${a.value}"`);
        if (/^\s*javascript:/i.test(a.value)) bad.push(`${el.tagName} ${a.name}="${a.value}"`);
      }
      if (el.tagName === 'IMG' && el.getAttribute('src') === 'x') bad.push('img src=x');
    }
    for (const s of document.scripts) {
      if (!s.src && !/json/.test(s.type)) bad.push(`inline script: ${s.textContent.slice(0, 80)}`);
      if (/__pwned/.test(s.textContent) && !/json/.test(s.type)) bad.push('a script holds the payload');
    }
    return bad;
  });
  assert.deepEqual(found, [], `${where}: injected markup is live`);
}

test('locator data: hostile facility text round-trips through the JSON and renders as text', async () => {
  // (1) The data file holds the strings exactly, as JSON strings.
  const dir = join(site, 'treatment/data');
  const cells = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')).cells;
  const records = cells.flatMap((k) => JSON.parse(readFileSync(join(dir, 'cells', `${k}.json`), 'utf8')));
  const rec = records.find((r) => r[1].startsWith('Zzhostile'));
  assert.ok(rec, 'the hostile facility is in the locator data');
  assert.equal(rec[1], NAME);
  assert.equal(rec[4], STREET);
  assert.equal(rec[5], CITY);
  assert.match(rec[0], /^\/treatment\/tx\/[a-z0-9-]+\/hostile-house\/$/, 'the URL is made of slugs only');

  // (2) The locator shows them as text after a search, and nothing in them runs.
  const { page, problems } = await open(server.url + 'treatment/');
  await page.fill('#locator-zip', '78701');
  await page.click('#locator-submit');
  await page.waitForFunction(() => /within 25 miles/.test(document.getElementById('locator-status').textContent));
  const item = page.locator('.locator-list > li', { hasText: 'Zzhostile' });
  assert.equal(await item.count(), 1);
  assert.equal(await item.locator('.card-title a').textContent(), NAME);
  assert.equal(await item.locator('.card-title a').getAttribute('href'), rec[0]);
  assert.ok((await item.textContent()).includes(`${STREET}, ${CITY}, TX`), await item.textContent());
  await assertInert(page, 'locator');
  assert.deepEqual(problems, []);
  await page.close();
});

test('search index: hostile titles and descriptions are found and shown as text', async () => {
  const { page, problems } = await open(server.url + 'search/');
  await page.fill('#search-q', 'zzhostile');
  await page.press('#search-q', 'Enter');
  await page.locator('#search-status').filter({ hasText: /2 results? for “zzhostile”/ }).waitFor();
  const titles = await page.locator('#search-results .search-result-title a').allTextContents();
  assert.ok(titles.includes(TITLE), `the article's title as text: ${JSON.stringify(titles)}`);
  assert.ok(titles.includes(NAME), `the facility's name as text: ${JSON.stringify(titles)}`);
  const hrefs = await page.locator('#search-results .search-result-title a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const h of hrefs) assert.match(h, /^\/[a-z0-9/-]+\/$/, 'result links are site paths');
  // The facility's excerpt: the sanitized description's text; the script and handler are gone.
  const text = await page.locator('#search-results').textContent();
  assert.ok(text.includes('Zzhostile help'), text);
  assert.ok(!text.includes('__pwned=6'), 'the description\'s script element was removed before indexing');
  await assertInert(page, 'search results');
  assert.deepEqual(problems, []);
  await page.close();
});
