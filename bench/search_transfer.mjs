#!/usr/bin/env node
// Benchmark (not a test): what a cold one-word search costs a reader, in headless Chromium.
//
//   node bench/search_transfer.mjs BUILT_SITE_DIR word [word ...]
//
// For each word, a fresh browser context (empty cache) opens /search/, waits until the page
// is idle, then types the word and presses Enter. It prints:
//   - ms from Enter to the first result on screen;
//   - bytes transferred in all (page + search), and for the search files alone, counting
//     what a host would send: the gzip size of text files (HTML, JS, CSS, JSON), the raw
//     size of Pagefind's index files (already gzipped) and its WebAssembly (gzipped too);
//   - the files of the bundle and its size on disk.
// The site is served from 127.0.0.1 by the browser tests' harness, so nothing leaves the
// machine. Times on a loaded two-core machine are an upper bound.
import { gzipSync } from 'node:zlib';
import { readdirSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';
import { serve, browser } from '../tests/browser/harness.mjs';

const [dir, ...words] = process.argv.slice(2);
if (!dir || !words.length) {
  console.error('usage: node bench/search_transfer.mjs BUILT_SITE_DIR word [word ...]');
  process.exit(2);
}

const TEXT = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '']);

function walk(d) {
  return readdirSync(d, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
}

const bundle = walk(join(dir, 'pagefind'));
const bundleBytes = bundle.reduce((n, f) => n + statSync(f).size, 0);
const siteFiles = walk(dir).length;
console.log(`site: ${siteFiles} files; pagefind bundle: ${bundle.length} files, ${(bundleBytes / 1024).toFixed(0)} KiB`);

const server = await serve(dir);
const chrome = await browser();
for (const word of words) {
  const context = await chrome.newContext();
  const page = await context.newPage();
  const sizes = [];
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
  await page.fill('#search-q', word);
  await page.press('#search-q', 'Enter');
  await page.locator('#search-results li').first().waitFor({ timeout: 60000 });
  const firstResult = Math.round(await page.evaluate(() => window.benchT1 - window.benchT0));
  await page.locator('#search-status').filter({ hasText: /results? for/ }).waitFor();
  await page.waitForLoadState('networkidle');
  const total = sizes.reduce((n, s) => n + s.sent, 0);
  const search = sizes.filter((s) => s.path.includes('/pagefind/') || /search\.[0-9a-f]+\.js$/.test(s.path));
  const searchTotal = search.reduce((n, s) => n + s.sent, 0);
  const status = await page.locator('#search-status').innerText();
  console.log(`\n"${word}": ${status}`);
  console.log(`  first results ${firstResult} ms after Enter`);
  console.log(`  transferred ${(total / 1024).toFixed(1)} KiB in all, ${(searchTotal / 1024).toFixed(1)} KiB for search (${search.length} files)`);
  const byKind = {};
  for (const s of search) {
    const kind = s.path.match(/\/pagefind\/(fragment|index|filter)\//)?.[1] || s.path.split('/').pop();
    byKind[kind] = (byKind[kind] || 0) + s.sent;
  }
  for (const [k, v] of Object.entries(byKind).sort((a, b) => b[1] - a[1])) {
    console.log(`    ${k.padEnd(36)} ${(v / 1024).toFixed(1).padStart(7)} KiB`);
  }
  await context.close();
}
await chrome.close();
server.close();
