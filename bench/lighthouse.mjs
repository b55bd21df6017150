// Lighthouse (mobile profile) on the demo site's article, facility and locator pages.
// Slow, so it is a benchmark and not part of the test command; its figures are recorded in
// docs/theme.md. Run from the repository root after `cargo build`:
//
//   (cd bench && npm ci) && node bench/lighthouse.mjs [--runs N] [--out DIR]
//
// (The build and clean-up helpers come from tests/browser/harness.mjs, so tests/browser's
// npm packages must be installed too: scripts/test does that.)
//
// It builds the demo site with target/debug/haven (HAVEN_BIN overrides), serves it on
// 127.0.0.1 the way a static host would (gzip for text, the security headers of the built
// `_headers` file), and runs Lighthouse against Debian's Chromium (CHROME_PATH, default
// /usr/bin/chromium). Nothing may leave the machine: Chromium runs with its background
// networking off and a proxy that points at a closed local port, so any request to another
// host fails (and shows up in Lighthouse's console-error audit) instead of reaching out.
// Each page is run N times (default 3) and the median score per category is printed, with
// every audit that cost points. Full JSON reports go to DIR (default target/lighthouse).
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { existsSync, readFileSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, normalize, extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { buildSite, cleanup, repo } from '../tests/browser/harness.mjs';

const { values: opts } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, out: { type: 'string', default: join(repo, 'target/lighthouse') } },
});
const lhVersion = JSON.parse(readFileSync(join(repo, 'bench/node_modules/lighthouse/package.json'), 'utf8')).version;
const runs = Math.max(1, Number.parseInt(opts.runs, 10) || 3);
const outDir = resolve(opts.out);
mkdirSync(outDir, { recursive: true });

const PAGES = {
  article: 'articles/what-is-opioid-use-disorder/',
  facility: 'treatment/tx/austin/austin-example-recovery/',
  locator: 'treatment/',
};
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const METRICS = {
  'first-contentful-paint': ['FCP', 'ms'], 'largest-contentful-paint': ['LCP', 'ms'],
  'total-blocking-time': ['TBT', 'ms'], 'cumulative-layout-shift': ['CLS', ''], 'speed-index': ['SI', 'ms'],
};

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.xml': 'application/xml', '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm', '.png': 'image/png', '.jpg': 'image/jpeg', '.webp': 'image/webp',
};
const COMPRESS = new Set(['.html', '.css', '.js', '.json', '.svg', '.xml', '.txt']);

/** The headers of the `/*` block of the built `_headers` file (the ones every page gets). */
function siteHeaders(dir) {
  const file = join(dir, '_headers');
  if (!existsSync(file)) return {};
  const headers = {};
  let inAll = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    if (!/^\s/.test(line)) { inAll = line.trim() === '/*'; continue; }
    const m = line.trim().match(/^([^:]+):\s*(.*)$/);
    if (inAll && m) headers[m[1]] = m[2];
  }
  return headers;
}

/** A static host on 127.0.0.1: index.html for folders, 404.html, gzip, the site's headers. */
function host(dir) {
  const extra = siteHeaders(dir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = normalize(join(dir, path));
    if (!file.startsWith(dir)) { res.writeHead(403); return res.end(); }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    let status = 200;
    if (!existsSync(file)) { status = 404; file = join(dir, '404.html'); }
    const ext = extname(file);
    let body = readFileSync(file);
    const headers = { ...extra, 'content-type': TYPES[ext] || 'application/octet-stream' };
    // Hashed asset names never change content: a host may cache them for a year.
    if (/\.[0-9a-f]{10}\.(css|js)$/.test(file)) headers['cache-control'] = 'public, max-age=31536000, immutable';
    if (COMPRESS.has(ext) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
      body = gzipSync(body);
      headers['content-encoding'] = 'gzip';
      headers.vary = 'Accept-Encoding';
    }
    res.writeHead(status, headers);
    res.end(body);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const site = buildSite();
const server = await host(site);
const origin = `http://127.0.0.1:${server.address().port}/`;
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  chromeFlags: [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-domain-reliability', '--disable-features=OptimizationHints,MediaRouter,Translate',
    // Every request to another host goes to a closed local port and fails.
    '--proxy-server=http://127.0.0.1:9', '--proxy-bypass-list=127.0.0.1',
  ],
});
// Lighthouse's blocking time is the host's own main-thread time times four: a busy host
// scores lower. Say how busy it was.
console.log(`load average at start: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const table = [];
try {
  for (const [name, path] of Object.entries(PAGES)) {
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, []]));
    const metrics = Object.fromEntries(Object.keys(METRICS).map((m) => [m, []]));
    const bench = [];
    const lost = new Map();
    for (let i = 0; i < runs; i++) {
      // On a busy machine Lighthouse now and then fails to record the trace (NO_NAVSTART):
      // such a run is retried, twice at most.
      let result;
      for (let attempt = 1; ; attempt++) {
        result = await lighthouse(origin + path, {
          port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES,
        });
        const err = result.lhr.runtimeError;
        if (!err) break;
        if (attempt === 3) throw new Error(`${name}: ${err.code} ${err.message}`);
        console.error(`${name}: run ${i + 1} failed (${err.code}), trying again`);
      }
      const { lhr } = result;
      writeFileSync(join(outDir, `${name}-${i + 1}.json`), result.report);
      for (const m of Object.keys(METRICS)) metrics[m].push(lhr.audits[m].numericValue);
      bench.push(lhr.environment.benchmarkIndex);
      for (const c of CATEGORIES) {
        scores[c].push(Math.round(lhr.categories[c].score * 100));
        for (const ref of lhr.categories[c].auditRefs) {
          const a = lhr.audits[ref.id];
          if (ref.weight > 0 && a.score !== null && a.score < 1) {
            lost.set(`${c}: ${ref.id} (${a.displayValue || a.score})`, a.title);
          }
        }
      }
      // Requests that left 127.0.0.1 (they fail at the proxy, but must not even be tried).
      const offsite = (lhr.audits['network-requests']?.details?.items || [])
        .map((r) => r.url).filter((u) => !u.startsWith(origin) && !u.startsWith('data:'));
      if (offsite.length) { console.error(`${name}: requests to other hosts: ${offsite.join(', ')}`); process.exitCode = 1; }
    }
    const row = { page: name, ...Object.fromEntries(CATEGORIES.map((c) => [c, median(scores[c])])) };
    table.push(row);
    console.log(`${name} (${path}): ${CATEGORIES.map((c) => `${c} ${row[c]} [${scores[c].join(' ')}]`).join(', ')}`);
    console.log(`  ${Object.entries(METRICS).map(([m, [label, unit]]) => {
      const v = median(metrics[m]);
      return `${label} ${unit === 'ms' ? `${Math.round(v)} ms` : v.toFixed(3)}`;
    }).join(', ')} (medians, simulated slow 4G and 4x CPU slowdown; benchmark index ${Math.round(median(bench))})`);
    for (const [k, title] of lost) console.log(`  lost points: ${k}: ${title}`);
  }
} finally {
  await chrome.kill();
  server.close();
  cleanup(site);
}
console.log(`\nmedian of ${runs} run(s), Lighthouse ${lhVersion}, mobile profile:`);
console.table(table);
const TARGETS = { performance: 95, accessibility: 100, 'best-practices': 95, seo: 100 };
for (const row of table) {
  for (const [c, min] of Object.entries(TARGETS)) {
    if (row[c] < min) { console.error(`${row.page}: ${c} ${row[c]} is below ${min}`); process.exitCode = 1; }
  }
}
