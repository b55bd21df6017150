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
  // Pagefind runs on the page (noWorker): its worker script is never fetched.
  assert.ok(fetched.some((p) => p.endsWith('/pagefind/pagefind.js')), fetched.join(' '));
  assert.ok(!fetched.some((p) => p.endsWith('pagefind-worker.js')), fetched.join(' '));
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

test('Pagefind loads when the search box is first focused, not with the page', async () => {
  const { page, problems } = await open(server.url + 'search/');
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.waitForLoadState('networkidle');
  assert.ok(!fetched.some((p) => p.includes('/pagefind/')), fetched.join(' '));
  const meta = page.waitForRequest(/\/pagefind\/pagefind\.[^/]+\.pf_meta$/);
  const wasm = page.waitForRequest(/\/pagefind\/wasm\.[^/]+\.pagefind$/);
  await page.focus('#search-q');
  await assert.doesNotReject(Promise.all([meta, wasm]));
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
  assert.ok(!fetched.some((p) => p.includes('/pagefind/index/')), fetched.join(' '));
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
    rmSync(join(first, 'pagefind'), { recursive: true });
    cpSync(join(second, 'pagefind'), join(first, 'pagefind'), { recursive: true });
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
