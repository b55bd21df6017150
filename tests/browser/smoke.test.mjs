// The demo site in a real browser: the help bar is on the page, with a working tel: link,
// and nothing is requested from outside 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildSite, serve, browser, forbidThirdParty, cleanup } from './harness.mjs';

let site, server, chrome;
before(async () => { site = buildSite(); server = await serve(site); chrome = await browser(); });
after(async () => { await chrome?.close(); server?.close(); if (site) cleanup(site); });

test('article page shows the hotline with its disclosure and the crisis lines', async () => {
  const page = await chrome.newPage();
  const outside = forbidThirdParty(page);
  await page.goto(server.url + 'articles/what-is-opioid-use-disorder/');
  const call = page.locator('a[href^="tel:+1800"]').first();
  assert.equal(await call.isVisible(), true);
  const help = await page.locator('body').innerText();
  assert.match(help, /paid advertiser/);
  assert.ok(await page.locator('a[href="tel:988"]').count() >= 1);
  assert.ok(await page.locator('a[href="sms:988"]').count() >= 1);
  assert.deepEqual(outside, []);
  await page.close();
});

test('no horizontal scrolling at 320px on an article', async () => {
  const page = await chrome.newPage({ viewport: { width: 320, height: 640 } });
  await page.goto(server.url + 'articles/medications-for-opioid-use-disorder/');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0);
  await page.close();
});
