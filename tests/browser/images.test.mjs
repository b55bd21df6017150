// Images sized for phones (issue 18, docs/images.md), in headless Chromium on the demo
// site's article with an illustration: no layout shift while it loads (CLS 0 from a
// PerformanceObserver), a DPR 2 phone takes the 960 px WebP, and the page is axe and Nu clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildSite, serve, browser, forbidThirdParty, cleanup, axeViolations, nuErrors } from './harness.mjs';

const ARTICLE = 'articles/supporting-a-family-member/';

let site, server, chrome;
before(async () => { site = buildSite(); server = await serve(site); chrome = await browser(); });
after(async () => { await chrome?.close(); server?.close(); if (site) cleanup(site); });

test('no layout shift from images on the article page, and a phone gets the 960 px WebP', async () => {
  const context = await chrome.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const outside = forbidThirdParty(page);
  // Images served slowly, as on a weak connection: a picture without its size would move
  // the text when it arrives.
  await page.route(/\.(png|jpg|webp)$/, async (route) => {
    await new Promise((ok) => setTimeout(ok, 400));
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
  // Scroll down step by step so that the lazy image is fetched and drawn in view.
  for (let y = 0; y < 6000; y += 400) {
    await page.evaluate((y) => window.scrollTo(0, y), y);
    await page.waitForTimeout(50);
  }
  await img.scrollIntoViewIfNeeded();
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
