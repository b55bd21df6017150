// Images sized for phones (issue 18, docs/images.md), in headless Chromium on the demo
// site's article with an illustration: no layout shift while it loads (CLS 0 from a
// PerformanceObserver), a DPR 2 phone takes the 960 px WebP, and the page is axe and Nu clean;
// an author photo that is not square keeps its square box.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, cpSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { repo, buildSite, serve, browser, forbidThirdParty, cleanup, axeViolations, nuErrors } from './harness.mjs';

const ARTICLE = 'articles/supporting-a-family-member/';

let site, server, chrome;
before(async () => { site = buildSite(); server = await serve(site); chrome = await browser(); });
after(async () => { await chrome?.close(); server?.close(); if (site) cleanup(site); });

test('no layout shift from images on the article page, and a phone gets the 960 px WebP', async () => {
  const context = await chrome.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const outside = forbidThirdParty(page);
  // Images held back until the test lets them through, as on a weak connection: the page
  // is laid out and measured with the picture in view before any image byte arrives, so a
  // picture without its size (no width and height) has no room kept and moves the text
  // below it when it arrives.
  let release;
  const gate = new Promise((ok) => { release = ok; });
  await page.route(/\.(png|jpg|webp)$/, async (route) => {
    await gate;
    await route.continue();
  });
  await page.addInitScript(() => {
    window.__cls = 0;
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.hadRecentInput) continue;
        window.__cls += e.value;
        window.__shifts.push(e.sources?.map((s) => s.node?.nodeName).join(',') || '?');
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(server.url + ARTICLE);
  const img = page.locator('.prose picture img').first();
  assert.equal(await img.count(), 1, 'the article has its illustration');
  // The picture in the middle of the screen, the text above and below it in view, while
  // its bytes are held back (it is lazy: this is what starts its request).
  const top = await img.evaluate((i) => i.getBoundingClientRect().top + window.scrollY);
  await page.evaluate((y) => window.scrollTo(0, y), Math.max(0, top - 300));
  await page.waitForTimeout(300);
  const early = await img.evaluate((i) => {
    const box = i.getBoundingClientRect();
    return { loaded: i.complete && i.naturalWidth > 0, ratio: box.width / box.height, top: box.top };
  });
  assert.equal(early.loaded, false, 'measured before the image arrived');
  assert.ok(early.top > 0 && early.top < 844, `the picture is in view (${early.top}px)`);
  assert.ok(Math.abs(early.ratio - 1.6) < 0.02, `room is kept at its shape before it arrives (${early.ratio})`);
  release();
  await page.waitForFunction(() => {
    const i = document.querySelector('.prose picture img');
    return i.complete && i.naturalWidth > 0;
  });
  await page.waitForTimeout(300);
  const r = await page.evaluate(() => {
    const i = document.querySelector('.prose picture img');
    const box = i.getBoundingClientRect();
    return { cls: window.__cls, shifts: window.__shifts, src: i.currentSrc, ratio: box.width / box.height, w: box.width };
  });
  assert.equal(r.cls, 0, `layout shifts: ${r.shifts.join(' | ')}`);
  assert.match(r.src, /open-door\.960w\.webp$/, 'a 390 px phone at DPR 2 takes the 960 px WebP');
  assert.ok(Math.abs(r.ratio - 1.6) < 0.02, `drawn at its own shape (${r.ratio})`);
  assert.ok(r.w <= 390, `fits the phone (${r.w}px)`);
  assert.deepEqual(outside, [], 'no third-party request');
  await context.close();
});

test('axe and the Nu HTML Checker are clean on the article with an image', async () => {
  const page = await chrome.newPage();
  await page.goto(server.url + ARTICLE);
  const { bad, passes } = await axeViolations(page);
  assert.deepEqual(bad, []);
  assert.ok(passes > 10, 'axe ran its rules');
  await page.close();
  assert.deepEqual(nuErrors(site, [join(site, ARTICLE, 'index.html')]), []);
});

test('an author photo that is not square keeps its round square box, before and after it arrives', async () => {
  // The basic fixture, its author photo replaced by the demo's 1600x1000 illustration.
  const root = mkdtempSync(join(tmpdir(), 'haven-photo-'));
  cpSync(join(repo, 'tests/fixtures/basic'), root, { recursive: true });
  copyFileSync(join(repo, 'content/static/images/open-door.png'), join(root, 'content/static/images/authors/jane-roe.png'));
  const out = buildSite(root);
  const srv = await serve(out);
  const context = await chrome.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  let release;
  const gate = new Promise((ok) => { release = ok; });
  await page.route(/\.(png|jpg|webp)$/, async (route) => { await gate; await route.continue(); });
  await page.addInitScript(() => {
    window.__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  try {
    await page.goto(srv.url + 'authors/jane-roe-md/', { waitUntil: 'domcontentloaded' });
    const img = page.locator('.author-page picture img');
    const box = () => img.evaluate((i) => {
      const b = i.getBoundingClientRect();
      return { w: Math.round(b.width), h: Math.round(b.height), loaded: i.complete && i.naturalWidth > 0 };
    });
    const early = await box();
    assert.deepEqual(early, { w: 96, h: 96, loaded: false });
    release();
    await page.waitForFunction(() => document.querySelector('.author-page picture img').naturalWidth > 0);
    await page.waitForTimeout(300);
    assert.deepEqual(await box(), { w: 96, h: 96, loaded: true }, 'drawn in the same square, cropped');
    assert.equal(await img.evaluate((i) => getComputedStyle(i).objectFit), 'cover');
    assert.equal(await page.evaluate(() => window.__cls), 0);
  } finally {
    await context.close();
    srv.close();
    cleanup(out);
    rmSync(root, { recursive: true, force: true });
  }
});
