// Shared helpers for the browser tests: build a site with haven, serve it on 127.0.0.1,
// drive Debian's Chromium with playwright-core. Nothing leaves the machine.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, statSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, normalize, resolve, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = process.env.HAVEN_BIN || join(repo, 'target/debug/haven');

/** Builds the site at `root` (default: the demo site) into a temporary folder. */
export function buildSite(root = repo, extraArgs = []) {
  const out = join(mkdtempSync(join(tmpdir(), 'haven-browser-')), 'site');
  const r = spawnSync(bin, ['build', '--root', root, '--output', out, ...extraArgs], {
    encoding: 'utf8', env: { ...process.env, RUST_BACKTRACE: '0' },
  });
  if (r.status !== 0) throw new Error(`haven build failed (${r.status}):\n${r.stderr}`);
  return out;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.mjs': 'text/javascript', '.json': 'application/json', '.svg': 'image/svg+xml',
  '.xml': 'application/xml', '.wasm': 'application/wasm', '.txt': 'text/plain',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.webp': 'image/webp', '.gif': 'image/gif',
};

/** Serves `dir` under `prefix` (default `/`) on 127.0.0.1; resolves to { url, close }. */
export function serve(dir, prefix = '/') {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!path.startsWith(prefix)) { res.writeHead(404); return res.end('not found'); }
    let file = normalize(join(dir, path.slice(prefix.length)));
    if (!file.startsWith(dir)) { res.writeHead(403); return res.end(); }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      const nf = join(dir, '404.html');
      return res.end(existsSync(nf) ? readFileSync(nf) : 'not found');
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => {
    ok({ url: `http://127.0.0.1:${server.address().port}${prefix}`, close: () => server.close() });
  }));
}

/** Launches headless Chromium with the flags this machine's closed network needs. */
export async function browser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Fails the test on any request that leaves 127.0.0.1. */
export function forbidThirdParty(page, seen = []) {
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['127.0.0.1', ''].includes(u.hostname) && !u.protocol.startsWith('data')) seen.push(r.url());
  });
  return seen;
}

export function cleanup(dir) { rmSync(dirname(dir), { recursive: true, force: true }); }

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const vnuJar = join(require.resolve('vnu-jar'), '..', 'build', 'dist', 'vnu.jar');

/** Runs axe-core on an open page (WCAG 2.0/2.1/2.2 A and AA + best practices); returns the
 * violations of impact moderate or above as readable lines, and how many rules passed. */
export async function axeViolations(page) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  }));
  const bad = result.violations.filter((v) => ['moderate', 'serious', 'critical'].includes(v.impact));
  return { bad: bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), passes: result.passes.length };
}

/** Every .html file under `dir`. */
export function htmlFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...htmlFiles(p));
    else if (name.endsWith('.html')) out.push(p);
  }
  return out;
}

/** The Nu HTML Checker's errors on `files`, as `path:line: message` relative to `site`. */
export function nuErrors(site, files) {
  const r = spawnSync('java', ['-jar', vnuJar, '--errors-only', '--format', 'json', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const messages = JSON.parse(r.stderr || '{"messages":[]}').messages;
  return messages.filter((m) => m.type === 'error').map((m) => `${relative(site, new URL(m.url).pathname)}:${m.lastLine}: ${m.message}`);
}

/**
 * Builds the site at `root` (a temporary folder of its own), serves it and starts a browser;
 * `close()` stops them and removes the built site and `root`.
 */
export async function servedSite(root) {
  const site = buildSite(root);
  const server = await serve(site);
  const chrome = await browser();
  return {
    site, server, chrome,
    async close() {
      await chrome.close();
      server.close();
      cleanup(site);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
