// Accessibility and validity of every page kind of the demo site (issue 6):
// axe-core in headless Chromium (WCAG 2.0/2.1/2.2 A and AA + best practices: no violation
// of impact moderate or above), the Nu HTML Checker on every built page, no sideways
// scrolling at 320px, the no-JavaScript path, and the article page-weight budget.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { buildSite, serve, browser, forbidThirdParty, cleanup, axeViolations, htmlFiles, nuErrors } from './harness.mjs';

// One URL per page kind the build makes.
export const PAGE_KINDS = {
  locator: 'treatment/',
  state: 'treatment/tx/',
  city: 'treatment/tx/austin/',
  facility: 'treatment/tx/austin/austin-example-recovery/',
  home: '',
  article: 'articles/what-is-opioid-use-disorder/',
  articles: 'articles/',
  articlesPage2: 'articles/page/2/',
  topic: 'topics/recovery/',
  topics: 'topics/',
  author: 'authors/elena-marsh-md/',
  page: 'about/',
  search: 'search/',
  notFound: '404.html',
};

let site, server, chrome;
before(async () => { site = buildSite(); server = await serve(site); chrome = await browser(); });
after(async () => { await chrome?.close(); server?.close(); if (site) cleanup(site); });

for (const [kind, path] of Object.entries(PAGE_KINDS)) {
  test(`axe: no moderate-or-worse violation on the ${kind} page`, async () => {
    const page = await chrome.newPage();
    const outside = forbidThirdParty(page);
    await page.goto(server.url + path);
    const { bad, passes } = await axeViolations(page);
    assert.deepEqual(bad, []);
    assert.ok(passes > 10, 'axe ran its rules');
    assert.deepEqual(outside, [], 'no third-party request');
    await page.close();
  });

  test(`no sideways scrolling at 320px on the ${kind} page`, async () => {
    const page = await chrome.newPage({ viewport: { width: 320, height: 640 } });
    await page.goto(server.url + path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0);
    await page.close();
  });
}

test('every page kind works without JavaScript: content, menu, header search and call link', async () => {
  const context = await chrome.newContext({ javaScriptEnabled: false });
  for (const path of Object.values(PAGE_KINDS)) {
    const page = await context.newPage();
    await page.goto(server.url + path);
    assert.ok(await page.locator('main h1').count() >= 1, `${path}: has a heading`);
    assert.ok(await page.locator('nav[aria-label="Main"] a').count() >= 1, `${path}: has the menu`);
    assert.equal(await page.locator('a.call[href^="tel:"]').first().isVisible(), true, `${path}: call link visible`);
    await page.close();
  }
  const page = await context.newPage();
  await page.goto(server.url + 'articles/');
  await page.fill('#site-search-q', 'naloxone');
  await Promise.all([page.waitForURL(/\/search\/\?q=naloxone/), page.press('#site-search-q', 'Enter')]);
  await context.close();
});

test('Nu HTML Checker: no error on any built page', () => {
  const files = htmlFiles(site);
  assert.ok(files.length > 20, 'the demo site has pages');
  assert.deepEqual(nuErrors(site, files), []);
});

test('an article page weighs at most 50 KB gzip (HTML + CSS + JS, no images)', async () => {
  const page = await chrome.newPage();
  const sizes = [];
  page.on('response', async (res) => {
    const type = res.request().resourceType();
    if (['document', 'stylesheet', 'script'].includes(type)) sizes.push(gzipSync(await res.body()).length);
  });
  await page.goto(server.url + PAGE_KINDS.article, { waitUntil: 'networkidle' });
  const total = sizes.reduce((a, b) => a + b, 0);
  assert.ok(sizes.length >= 2, 'document and stylesheet were fetched');
  assert.ok(total <= 50 * 1024, `article page weighs ${total} bytes gzip`);
  await page.close();
});

test('on a phone, keyboard focus never lands under the sticky help bar (WCAG 2.4.11)', async () => {
  const context = await chrome.newContext({ viewport: { width: 390, height: 844 }, reducedMotion: 'reduce' });
  const page = await context.newPage();
  for (const path of [PAGE_KINDS.article, PAGE_KINDS.facility, PAGE_KINDS.city]) {
    await page.goto(server.url + path);
    const bar = await page.evaluate(() => {
      const el = document.querySelector('.hotline-bar');
      return { position: getComputedStyle(el).position, height: el.getBoundingClientRect().height };
    });
    assert.equal(bar.position, 'sticky', `${path}: the call bar sticks on a phone`);
    assert.ok(bar.height <= 60, `${path}: the sticky bar is one line (${bar.height}px)`);
    // The disclosure is right under the call button at the top of the page, and while the
    // page scrolls a "Who answers?" link to it stays beside the button.
    const near = await page.evaluate(() => {
      const call = document.querySelector('.hotline-bar .call').getBoundingClientRect();
      const note = document.getElementById('hotline-note').getBoundingClientRect();
      const who = document.querySelector('.hotline-bar .hotline-who');
      return { gap: note.top - call.bottom, noteShown: note.height > 0, whoShown: who.getBoundingClientRect().height >= 24, href: who.getAttribute('href') };
    });
    assert.ok(near.noteShown && near.gap >= 0 && near.gap < 24, `${path}: disclosure right under the call button (${near.gap}px)`);
    assert.ok(near.whoShown && near.href === '#hotline-note', `${path}: "Who answers?" beside the call button`);
    const count = await page.locator('main a[href]').count();
    assert.ok(count >= 4, `${path}: has links to tab through`);
    let checked = 0;
    // Put a link just under the top edge (behind the bar), focus the one before it without
    // scrolling, and Tab onto it: the browser must scroll it out from under the bar.
    for (let i = 1; i < count; i += Math.max(1, Math.floor(count / 4))) {
      const covered = await page.evaluate((i) => {
        const links = [...document.querySelectorAll('main a[href]')];
        window.scrollTo({ top: links[i].getBoundingClientRect().top + window.scrollY - 8, behavior: 'instant' });
        links[i - 1].focus({ preventScroll: true });
        return links[i].getBoundingClientRect().top < document.querySelector('.hotline-bar').getBoundingClientRect().bottom;
      }, i);
      await page.keyboard.press('Tab');
      const r = await page.evaluate(() => ({
        top: document.activeElement.getBoundingClientRect().top,
        bar: document.querySelector('.hotline-bar').getBoundingClientRect().bottom,
        text: document.activeElement.textContent,
      }));
      if (covered) checked++;
      assert.ok(!covered || r.top >= r.bar - 0.5, `${path}: "${r.text}" is at ${r.top}px, under the bar (bottom ${r.bar}px)`);
    }
    assert.ok(checked >= 2, `${path}: links were put under the bar (${checked})`);
  }
  await context.close();
});
