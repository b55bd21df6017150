// The search page in a real browser, on the demo site served from 127.0.0.1: queries,
// filters, drafts, ?q= and the back button, a sub-path base_url, and the site's own
// Content-Security-Policy (from the built _headers file) applied to every response.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSite, serve, browser, forbidThirdParty, cleanup, repo } from './harness.mjs';

let site, server, subSite, subServer, chrome, csp;
before(async () => {
  // --drafts: the draft is built (for preview) but must still never be searchable.
  site = buildSite(undefined, ['--drafts']);
  server = await serve(site);
  subSite = buildSite(undefined, ['--base-url', 'https://example.org/sub/']);
  subServer = await serve(subSite, '/sub/');
  chrome = await browser();
  csp = readFileSync(join(site, '_headers'), 'utf8').match(/Content-Security-Policy: (.*)/)[1];
});
after(async () => {
  await chrome?.close();
  server?.close();
  subServer?.close();
  if (site) cleanup(site);
  if (subSite) cleanup(subSite);
});

/** A page whose every response carries the site's CSP; CSP reports are collected. */
async function open(url) {
  const page = await chrome.newPage();
  const problems = forbidThirdParty(page);
  await page.route('**/*', async (route) => {
    // A page closed while one of its requests was in flight rejects here; that is not a
    // failure of the page under test (a request that really fails leaves the test waiting).
    try {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
    } catch (e) {
      if (!/disposed|closed/i.test(String(e))) throw e;
    }
  });
  page.on('console', (m) => { if (/Content.Security.Policy|Refused/i.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(url);
  return { page, problems };
}

const status = (page) => page.locator('#search-status');
const resultLinks = (page) => page.locator('#search-results .search-result-title a');

async function search(page, words) {
  await page.fill('#search-q', words);
  await page.press('#search-q', 'Enter');
}

test('a query finds the expected article, with highlighted excerpt and type badge', async () => {
  const { page, problems } = await open(server.url + 'search/');
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await search(page, 'naloxone');
  await assert.doesNotReject(status(page).filter({ hasText: /results? for “naloxone”/ }).waitFor());
  const hrefs = await resultLinks(page).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.includes('/articles/naloxone-how-to-respond-to-an-overdose/'), hrefs.join(' '));
  const first = page.locator('#search-results li').first();
  assert.ok(await first.locator('.search-result-excerpt mark').count() >= 1);
  assert.equal(await first.locator('.search-badge').innerText(), 'Article');
  assert.equal(await status(page).getAttribute('aria-live'), 'polite');
  assert.match(page.url(), /\?q=naloxone$/);
  // haven's own index: the manifest, then the word's shard; no WebAssembly, no worker.
  assert.ok(fetched.some((p) => p.endsWith('/search-index/manifest.json')), fetched.join(' '));
  assert.ok(fetched.some((p) => /\/search-index\/[0-9a-f]+\/s\d+\.json$/.test(p)), fetched.join(' '));
  assert.deepEqual(problems, []);
  await page.close();
});

test('a city name finds its facilities, with the place and a call link', async () => {
  // The city page lists the facilities of Louisville: search must find each of them.
  const city = await chrome.newPage();
  await city.goto(server.url + 'treatment/ky/louisville/');
  const listed = await city.locator('main a[href*="/treatment/ky/louisville/"]')
    .evaluateAll((as) => [...new Set(as.map((a) => a.getAttribute('href')))]
      .filter((h) => h !== '/treatment/ky/louisville/'));
  await city.close();
  assert.equal(listed.length, 3, listed.join(' '));
  const { page, problems } = await open(server.url + 'search/');
  await search(page, 'Louisville');
  await status(page).filter({ hasText: /results? for “Louisville”/ }).waitFor();
  const facilities = page.locator('#search-results li', { has: page.locator('.search-badge-facility') });
  await facilities.nth(listed.length - 1).waitFor();
  const hrefs = await facilities.locator('.search-result-title a')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const href of listed) assert.ok(hrefs.includes(href), `${href} not among ${hrefs.join(' ')}`);
  for (let i = 0; i < listed.length; i++) {
    const r = facilities.nth(i);
    assert.equal(await r.locator('.search-place').innerText(), 'Louisville, Kentucky');
    assert.match(await r.locator('a.search-call').getAttribute('href'), /^tel:\+1\d{10}$/);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('a filter narrows the results and goes into the URL', async () => {
  const { page, problems } = await open(server.url + 'search/?q=treatment');
  await status(page).filter({ hasText: /results? for/ }).waitFor();
  const all = await resultLinks(page).count();
  const before = Number((await status(page).innerText()).match(/^(\d+)/)[1]);
  await page.click('#search-filters-toggle');
  const topic = page.locator('#search-filters fieldset', { hasText: 'Topic' });
  assert.equal(await topic.locator('legend').innerText(), 'Topic');
  await topic.getByLabel(/^naloxone/i).check();
  await status(page).filter({ hasText: /with the chosen filters/ }).waitFor();
  const after = Number((await status(page).innerText()).match(/^(\d+)/)[1]);
  assert.ok(after >= 1 && after < before, `${after} of ${before} (shown ${all})`);
  assert.match(page.url(), /[?&]topic=naloxone/);
  assert.deepEqual(problems, []);
  await page.close();
  // A shared link with a filter opens the filters, ticked, and applies them.
  const shared = await open(server.url + 'search/?q=treatment&topic=naloxone');
  await status(shared.page).filter({ hasText: /with the chosen filters/ }).waitFor();
  assert.equal(await shared.page.locator('#search-filters input[value="naloxone"]').isChecked(), true);
  assert.equal(Number((await status(shared.page).innerText()).match(/^(\d+)/)[1]), after);
  await shared.page.close();
});

test('"Show more results" adds results and moves focus to the first new one', async () => {
  const { page, problems } = await open(server.url + 'search/?q=treatment');
  await status(page).filter({ hasText: /results? for/ }).waitFor();
  const total = Number((await status(page).innerText()).match(/^(\d+)/)[1]);
  assert.ok(total > 5, `the demo site should have more than 5 results for "treatment" (${total})`);
  assert.equal(await resultLinks(page).count(), 5);
  await page.click('#search-more');
  await page.waitForFunction((n) => document.querySelectorAll('#search-results li').length === n, Math.min(total, 15));
  const focused = await page.evaluate(() => document.activeElement.getAttribute('href'));
  assert.equal(focused, await resultLinks(page).nth(5).getAttribute('href'));
  assert.equal(await page.locator('#search-more').isVisible(), total > 15);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a draft's unique word finds nothing", async () => {
  // The draft page was built (--drafts), so the word is on the site, just not in search.
  const draft = await chrome.newPage();
  await draft.goto(server.url + 'articles/telehealth-visit-tips/');
  assert.match(await draft.locator('main').innerText(), /zzqdraftmarker/);
  await draft.close();
  const { page } = await open(server.url + 'search/');
  await search(page, 'zzqdraftmarker');
  await status(page).filter({ hasText: /No results for “zzqdraftmarker”/ }).waitFor();
  assert.equal(await resultLinks(page).count(), 0);
  await page.close();
});

test('the index loads when the search box is first focused, not with the page', async () => {
  const { page, problems } = await open(server.url + 'search/');
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.waitForLoadState('networkidle');
  assert.ok(!fetched.some((p) => p.includes('/search-index/')), fetched.join(' '));
  const manifest = page.waitForRequest(/\/search-index\/manifest\.json/);
  await page.focus('#search-q');
  await assert.doesNotReject(manifest);
  assert.equal(await status(page).innerText(), '');
  assert.deepEqual(problems, []);
  await page.close();
});

test('typing searches once the word has 3 letters; Enter searches any word', async () => {
  const { page, problems } = await open(server.url + 'search/');
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.locator('#search-q').pressSequentially('na', { delay: 50 });
  // Longer than the page's wait after a key (250 ms): a search would have started.
  await page.waitForTimeout(800);
  assert.equal(await status(page).innerText(), '');
  assert.ok(!fetched.some((p) => /\/search-index\/[0-9a-f]+\//.test(p)), fetched.join(' '));
  await page.locator('#search-q').pressSequentially('l', { delay: 50 });
  await status(page).filter({ hasText: /results? for “nal”/ }).waitFor();
  await page.fill('#search-q', 'aa');
  await page.press('#search-q', 'Enter');
  await status(page).filter({ hasText: /for “aa”/ }).waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test('?q= in the URL runs the query on load; the back button returns to the previous search', async () => {
  const { page, problems } = await open(server.url + 'search/?q=methadone');
  await status(page).filter({ hasText: /results? for “methadone”/ }).waitFor();
  assert.equal(await page.inputValue('#search-q'), 'methadone');
  assert.ok(await resultLinks(page).count() >= 1);
  await search(page, 'fentanyl');
  await status(page).filter({ hasText: /for “fentanyl”/ }).waitFor();
  await page.goBack();
  await status(page).filter({ hasText: /for “methadone”/ }).waitFor();
  assert.equal(await page.inputValue('#search-q'), 'methadone');
  assert.deepEqual(problems, []);
  await page.close();
});

test('works under a sub-path base_url', async () => {
  const { page, problems } = await open(subServer.url + 'search/?q=naloxone');
  await status(page).filter({ hasText: /results? for “naloxone”/ }).waitFor();
  const hrefs = await resultLinks(page).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.length >= 1 && hrefs.every((h) => h.startsWith('/sub/')), hrefs.join(' '));
  await page.click(`a[href="${hrefs[0]}"]`);
  await page.waitForLoadState();
  assert.notEqual(await page.title(), 'Page not found');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the header search box reaches /search/?q= without JavaScript', async () => {
  const context = await chrome.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(server.url + 'articles/what-is-opioid-use-disorder/');
  await page.fill('#site-search-q', 'detox');
  await page.press('#site-search-q', 'Enter');
  await page.waitForURL(/\/search\/\?q=detox$/);
  assert.match(await page.locator('noscript').first().textContent(), /needs JavaScript/);
  await context.close();
});

test('a search page left open across a rebuild of the site still finds results', async () => {
  // Two builds of a site whose articles differ: every record gets another name.
  const root = mkdtempSync(join(tmpdir(), 'haven-redeploy-'));
  cpSync(join(repo, 'content'), join(root, 'content'), { recursive: true });
  const first = buildSite(root);
  const article = join(root, 'content/articles/naloxone-how-to-respond-to-an-overdose.md');
  writeFileSync(article, readFileSync(article, 'utf8') + '\nAsk a pharmacist about naloxone.\n');
  const second = buildSite(root);
  const live = await serve(first);
  try {
    const { page, problems } = await open(live.url + 'search/');
    await search(page, 'naloxone');
    await status(page).filter({ hasText: /results? for “naloxone”/ }).waitFor();
    // The new build is deployed under the open page.
    rmSync(join(first, 'search-index'), { recursive: true });
    cpSync(join(second, 'search-index'), join(first, 'search-index'), { recursive: true });
    await search(page, 'overdose');
    await assert.doesNotReject(status(page).filter({ hasText: /results? for “overdose”/ }).waitFor());
    assert.ok(await resultLinks(page).count() >= 1);
    // Only the 404s of the first try, while the page still had the old index.
    assert.ok(problems.every((p) => !/Refused|Content.Security/.test(p)), problems.join('\n'));
    await page.close();
  } finally {
    live.close();
    cleanup(first);
    cleanup(second);
    rmSync(root, { recursive: true, force: true });
  }
});

/** Result hrefs once the status names the query. */
async function results(page, words, expect = `for “${words}”`) {
  await search(page, words);
  await status(page).filter({ hasText: expect }).waitFor();
  return resultLinks(page).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
}

test('a misspelt drug name finds it, and the page says what it searched for', async () => {
  const { page, problems } = await open(server.url + 'search/');
  const hrefs = await results(page, 'methodone', /Showing results for “methadone”/);
  assert.ok(hrefs.length >= 1, hrefs.join(' '));
  assert.ok(await page.locator('#search-results mark').count() >= 1);
  const bup = await results(page, 'buprenorfine', /Showing results for “buprenorphine”/);
  assert.ok(bup.length >= 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a synonym finds what the site calls by another name', async () => {
  const { page, problems } = await open(server.url + 'search/');
  const narcan = await results(page, 'narcan', /results? for “narcan”/);
  assert.ok(narcan.includes('/articles/naloxone-how-to-respond-to-an-overdose/'), narcan.join(' '));
  assert.deepEqual(problems, []);
  await page.close();
});

test('a synonym group loads one shard and no record file: its merged list and first screen', async () => {
  const { page, problems } = await open(server.url + 'search/');
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  const detox = await results(page, 'detox', /results? for “detox”/);
  assert.ok(detox.length >= 1, detox.join(' '));
  const shards = fetched.filter((p) => /\/s\d+\.json$/.test(p));
  const records = fetched.filter((p) => /\/r\d+\.json$/.test(p));
  // detox, withdrawal management and detoxification were four words' shards before.
  assert.equal(shards.length, 1, fetched.join(' '));
  assert.deepEqual(records, []);
  // The members' words are highlighted (so is "with", as the start of "withdrawal").
  const marks = await page.locator('#search-results mark').allInnerTexts();
  assert.ok(marks.some((m) => /^detox/i.test(m)) && marks.some((m) => /^withdrawal$/i.test(m)), marks.join(' '));
  assert.deepEqual(problems, []);
  await page.close();
});

test('diacritics fold both ways', async () => {
  const { page, problems } = await open(server.url + 'search/');
  const name = await page.evaluate(async () => {
    const m = await (await fetch('/search-index/manifest.json')).json();
    for (let i = 0; ; i++) {
      const r = await fetch(`/search-index/${m.build}/r${i}.json`);
      if (!r.ok) return null;
      // Rows [url, title, ...]; a url not starting with `/` is `N:rest`, N characters
      // shared with the row before (docs/search.md).
      let previous = '';
      for (const [u, t] of await r.json()) {
        const shared = u.startsWith('/') ? null : /^(\d+):/.exec(u);
        previous = shared ? previous.slice(0, Number(shared[1])) + u.slice(shared[0].length) : u;
        if (/[À-ÿ]/.test(t)) return { u: previous, t };
      }
    }
  });
  assert.ok(name, 'the demo content has a title with an accented letter');
  const word = name.t.split(/\s+/).find((w) => /[À-ÿ]/.test(w)).replace(/[^\p{L}]/gu, '');
  const plain = word.normalize('NFD').replace(/\p{M}/gu, '');
  assert.notEqual(plain, word);
  for (const q of [plain, word]) {
    const hrefs = await results(page, q);
    assert.ok(hrefs.includes(name.u), `${q}: ${hrefs.join(' ')}`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('the last word matches as a prefix while typing', async () => {
  const { page, problems } = await open(server.url + 'search/');
  await page.locator('#search-q').pressSequentially('nalox', { delay: 30 });
  await status(page).filter({ hasText: /results? for “nalox”/ }).waitFor();
  const hrefs = await resultLinks(page).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.includes('/articles/naloxone-how-to-respond-to-an-overdose/'), hrefs.join(' '));
  assert.deepEqual(problems, []);
  await page.close();
});

test('crisis words put the crisis lines and the hotline above the results', async () => {
  const { page, problems } = await open(server.url + 'search/');
  assert.equal(await page.locator('#search-crisis').isVisible(), false);
  await results(page, 'overdose');
  const box = page.locator('#search-crisis');
  assert.equal(await box.isVisible(), true);
  assert.ok(await box.locator('a[href^="tel:"]').count() >= 1);
  const above = await page.evaluate(() => {
    const c = document.getElementById('search-crisis');
    const r = document.getElementById('search-results');
    return Boolean(c.compareDocumentPosition(r) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  assert.ok(above);
  await results(page, 'want to die', /for “want to die”/);
  assert.equal(await box.isVisible(), true);
  await results(page, 'naloxone');
  assert.equal(await box.isVisible(), false);
  assert.deepEqual(problems, []);
  await page.close();
});

test('sponsored facilities are labelled and kept out of the ranked results', async () => {
  const sponsored = await (async () => {
    const { page } = await open(server.url + 'search/');
    const s = await page.evaluate(async () => {
      const m = await (await fetch('/search-index/manifest.json')).json();
      const id = m.sponsored[0];
      if (id === undefined) return null;
      const chunk = await (await fetch(`/search-index/${m.build}/r${Math.floor(id / m.chunk)}.json`)).json();
      // Rows [url, title, passage, place, phone], urls front-coded (docs/search.md).
      let u = '';
      for (const row of chunk.slice(0, (id % m.chunk) + 1)) {
        const shared = row[0].startsWith('/') ? null : /^(\d+):/.exec(row[0]);
        u = shared ? u.slice(0, Number(shared[1])) + row[0].slice(shared[0].length) : row[0];
      }
      return { u, pl: chunk[id % m.chunk][3] };
    });
    await page.close();
    return s;
  })();
  assert.ok(sponsored?.pl, 'the demo content has a sponsored facility');
  const { page, problems } = await open(server.url + 'search/');
  const city = sponsored.pl.split(',')[0];
  const ranked = await results(page, city);
  assert.ok(!ranked.includes(sponsored.u), ranked.join(' '));
  const block = page.locator('#search-sponsored');
  await block.waitFor();
  assert.match(await block.locator('h2').first().innerText(), /^Sponsored$/);
  const hrefs = await block.locator('.search-result-title a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.includes(sponsored.u), hrefs.join(' '));
  assert.ok(await block.locator('.search-badge-sponsored').count() >= 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test('one search box on /search/ at 390 px, `/` focuses it, Enter on a result opens it', async () => {
  const { page, problems } = await open(server.url + 'search/');
  await page.setViewportSize({ width: 390, height: 844 });
  const boxes = await page.locator('input[type="search"]').evaluateAll((all) => all.filter((i) => i.offsetParent !== null).map((i) => i.id));
  assert.deepEqual(boxes, ['search-q']);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'search-q');
  await results(page, 'naloxone');
  const first = resultLinks(page).first();
  const href = await first.getAttribute('href');
  await first.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname === href);
  assert.deepEqual(problems, []);
  await page.close();
});

test('no WebAssembly is requested, and the policy does not allow it', async () => {
  assert.ok(!/wasm-unsafe-eval|unsafe-eval/.test(csp), csp);
  const { page, problems } = await open(server.url + 'search/?q=treatment');
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await status(page).filter({ hasText: /results? for/ }).waitFor();
  assert.ok(!fetched.some((p) => /wasm|pagefind/.test(p)), fetched.join(' '));
  assert.deepEqual(problems, []);
  await page.close();
});

// The relevance table: on the demo content, each query (plain, misspelt, or another name
// for the thing) must have the expected page among its first `top` results.
const RELEVANCE = [
  ['naloxone', 1, '/articles/naloxone-how-to-respond-to-an-overdose/'],
  ['narcan', 1, '/articles/naloxone-how-to-respond-to-an-overdose/'],
  ['how to use narcan', 3, '/articles/naloxone-how-to-respond-to-an-overdose/'],
  ['fentanyl', 1, '/articles/fentanyl-and-the-drug-supply/'],
  ['fentanil', 1, '/articles/fentanyl-and-the-drug-supply/'],
  ['withdrawal', 1, '/articles/opioid-withdrawal-and-detox/'],
  ['opioid withdrawal', 1, '/articles/opioid-withdrawal-and-detox/'],
  ['methodone', 3, '/articles/medications-for-opioid-use-disorder/'],
  ['buprenorfine', 3, '/articles/medications-for-opioid-use-disorder/'],
  ['suboxen', 3, '/articles/medications-for-opioid-use-disorder/'],
  ['narcotics anonymous', 1, '/articles/mutual-help-groups/'],
  ['12-step', 3, '/articles/mutual-help-groups/'],
  ['medicaid insurance', 3, '/articles/paying-for-treatment/'],
  ['relapse', 1, '/articles/relapse-and-recurrence/'],
  ['pregnancy', 1, '/articles/pregnancy-and-opioid-use-disorder/'],
  ['levels of care', 1, '/articles/levels-of-care-explained/'],
  ['Louisville', 3, '/treatment/ky/louisville/louisville-example-bluegrass-recovery/'],
];

test('relevance table on the demo content', async () => {
  const { page, problems } = await open(server.url + 'search/');
  const misses = [];
  for (const [q, top, want] of RELEVANCE) {
    const hrefs = await results(page, q);
    if (!hrefs.slice(0, top).includes(want)) misses.push(`${q}: want ${want} in first ${top}, got ${hrefs.slice(0, 5).join(' ')}`);
  }
  assert.deepEqual(misses, []);
  assert.deepEqual(problems, []);
  await page.close();
});
