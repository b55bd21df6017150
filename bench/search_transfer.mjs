#!/usr/bin/env node
// Benchmark (not a test): what a cold one-word search costs a reader, in headless Chromium.
//
//   node bench/search_transfer.mjs [--cpu-slowdown N] [--type-delay MS] BUILT_SITE_DIR word [word ...]
//
// For each word, a fresh browser context (empty cache) opens /search/, waits until the page
// is idle, then types the word and presses Enter. It prints:
//   - ms from Enter to the first result on screen;
//   - bytes transferred in all (page + scripts + search), and for the search files alone,
//     counting what a host would send: the gzip size of text files (HTML, JS, CSS, JSON),
//     the raw size of anything else;
//   - round trips for the index after the page: waves of requests, a wave being the
//     requests started once a response of the previous wave had arrived;
//   - the main thread's long tasks (over 50 ms) from Enter until the results are all shown:
//     how many, the longest, and the total blocking time (the sum of their parts over 50 ms);
//   - the files of the index and its size on disk.
// --cpu-slowdown N slows the page's CPU N times (Chromium's CPU throttling, as DevTools and
// Lighthouse use to stand in for a phone: Lighthouse's mobile preset is 4).
// --type-delay MS types the word a key at a time, MS apart, as a reader would, instead of
// filling it in at once: the page searches as the reader types (the times are then not
// meaningful, the bytes are).
// The site is served from 127.0.0.1 by the browser tests' harness, so nothing leaves the
// machine. Times on a loaded two-core machine are an upper bound.
import { gzipSync } from 'node:zlib';
import { readdirSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';
import { serve, browser } from '../tests/browser/harness.mjs';

const args = process.argv.slice(2);
let slowdown = 1;
let typeDelay = 0;
while (args[0]?.startsWith('--')) {
  const flag = args.shift();
  if (flag === '--cpu-slowdown') slowdown = Number(args.shift());
  else if (flag === '--type-delay') typeDelay = Number(args.shift());
  else args.length = 0;
}
const [dir, ...words] = args;
if (!dir || !words.length || !(slowdown >= 1)) {
  console.error('usage: node bench/search_transfer.mjs [--cpu-slowdown N] [--type-delay MS] BUILT_SITE_DIR word [word ...]');
  process.exit(2);
}

const TEXT = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '']);

function walk(d) {
  return readdirSync(d, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
}

const bundle = walk(join(dir, 'search-index'));
const bundleBytes = bundle.reduce((n, f) => n + statSync(f).size, 0);
const siteFiles = walk(dir).length;
console.log(`site: ${siteFiles} files; search index: ${bundle.length} files, ${(bundleBytes / 1024).toFixed(0)} KiB on disk`);
const results = [];

const server = await serve(dir);
const chrome = await browser();
for (const word of words) {
  const context = await chrome.newContext();
  // Long tasks on the main thread, recorded from the start (the observer must exist first).
  await context.addInitScript(() => {
    window.benchLong = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.benchLong.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  const page = await context.newPage();
  if (slowdown > 1) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: slowdown });
  }
  const sizes = [];
  const timed = new Map();
  page.on('request', (r) => { if (r.url().includes('/search-index/')) timed.set(r, { start: performance.now() }); });
  page.on('requestfinished', (r) => { if (timed.has(r)) timed.get(r).end = performance.now(); });
  page.on('response', async (r) => {
    try {
      const body = await r.body();
      const path = new URL(r.url()).pathname;
      const ext = extname(path);
      const sent = TEXT.has(ext) ? gzipSync(body).length : body.length;
      sizes.push({ path, sent });
    } catch { /* redirects and aborted requests have no body */ }
  });
  await page.goto(server.url + 'search/', { waitUntil: 'networkidle' });
  // Timed inside the page, from the form's submit event to the first result in the list.
  await page.evaluate(() => {
    document.querySelector('form.search-form').addEventListener('submit', () => { window.benchT0 = performance.now(); }, { capture: true });
    new MutationObserver((_, observer) => { window.benchT1 = performance.now(); observer.disconnect(); })
      .observe(document.getElementById('search-results'), { childList: true });
  });
  if (typeDelay) await page.locator('#search-q').pressSequentially(word, { delay: typeDelay });
  else await page.fill('#search-q', word);
  await page.press('#search-q', 'Enter');
  await page.locator('#search-results li').first().waitFor({ timeout: 60000 });
  const firstResult = Math.round(await page.evaluate(() => window.benchT1 - window.benchT0));
  await page.locator('#search-status').filter({ hasText: /results? for/ }).waitFor();
  const allShown = Math.round(await page.evaluate(() => performance.now() - window.benchT0));
  await page.waitForLoadState('networkidle');
  const long = await page.evaluate(() => window.benchLong.filter((t) => t.start + t.duration >= window.benchT0));
  const total = sizes.reduce((n, s) => n + s.sent, 0);
  const search = sizes.filter((s) => s.path.includes('/search-index/') || /search\.[0-9a-f]+\.js$/.test(s.path));
  const requests = [...timed.values()].filter((t) => t.end).sort((a, b) => a.start - b.start);
  let trips = 0;
  let firstEnd = -Infinity;
  for (const r of requests) {
    if (r.start >= firstEnd) { trips++; firstEnd = Infinity; }
    firstEnd = Math.min(firstEnd, r.end);
  }
  const searchTotal = search.reduce((n, s) => n + s.sent, 0);
  const status = await page.locator('#search-status').innerText();
  console.log(`\n"${word}": ${status}`);
  console.log(`  first results ${firstResult} ms after Enter, all ${allShown} ms${slowdown > 1 ? `, CPU ${slowdown}x slower` : ''}`);
  const blocking = long.reduce((n, t) => n + Math.max(0, t.duration - 50), 0);
  const longest = long.reduce((n, t) => Math.max(n, t.duration), 0);
  console.log(`  main thread: ${long.length} long tasks after Enter, longest ${Math.round(longest)} ms, blocking ${Math.round(blocking)} ms`);
  console.log(`  transferred ${(total / 1024).toFixed(1)} KiB in all, ${(searchTotal / 1024).toFixed(1)} KiB for search (${search.length} files)`);
  console.log(`  in bytes: ${total} in all, ${searchTotal} for search (budget: 60,000 in all for one word); ${trips} round trips for the index`);
  results.push({ word, total, trips, firstResult, longest });
  const byKind = {};
  for (const s of search) {
    const kind = s.path.match(/\/search-index\/[0-9a-f]+\/([a-z]+)\d*\.json$/)?.[1] || s.path.split('/').pop();
    byKind[kind] = (byKind[kind] || 0) + s.sent;
  }
  for (const [k, v] of Object.entries(byKind).sort((a, b) => b[1] - a[1])) {
    console.log(`    ${k.padEnd(36)} ${(v / 1024).toFixed(1).padStart(7)} KiB`);
  }
  await context.close();
}
const sorted = results.map((r) => r.total).sort((a, b) => a - b);
const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
console.log(`\n${results.length} queries: median ${median} B, max ${sorted[sorted.length - 1]} B in all; most round trips ${Math.max(...results.map((r) => r.trips))}; slowest first results ${Math.max(...results.map((r) => r.firstResult))} ms; longest task ${Math.round(Math.max(...results.map((r) => r.longest)))} ms`);
await chrome.close();
server.close();
