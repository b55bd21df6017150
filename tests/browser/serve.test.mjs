// `haven serve` in a real browser: a page reloads by itself after an edit, a CSS edit swaps
// the stylesheet without a reload, and a broken file shows an overlay that goes away after
// the fix. The server runs on 127.0.0.1 against a temporary copy of the demo site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browser, repo, forbidThirdParty } from './harness.mjs';

const bin = process.env.HAVEN_BIN || join(repo, 'target/debug/haven');
const ARTICLE = 'content/articles/mutual-help-groups.md';
let root, server, url, chrome, log = '';

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'haven-serve-'));
  cpSync(join(repo, 'content'), join(root, 'content'), { recursive: true });
  cpSync(join(repo, 'themes'), join(root, 'themes'), { recursive: true });
  server = spawn(bin, ['serve', '--root', root, '--port', '0'], {
    env: { ...process.env, RUST_BACKTRACE: '0', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`haven serve did not start:\n${log}`)), 20000);
    const read = (chunk) => {
      log += chunk;
      const m = log.match(/Serving (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    };
    server.stdout.on('data', read);
    server.stderr.on('data', read);
    server.on('exit', (code) => fail(new Error(`haven serve exited (${code}):\n${log}`)));
  });
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  server?.kill();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function open(path) {
  const page = await chrome.newPage();
  const outside = forbidThirdParty(page);
  await page.goto(url + path);
  await page.waitForFunction(() => window.__havenLive === true, null, { timeout: 10000 });
  return { page, outside };
}

test('the page reloads by itself after an article is saved', async () => {
  const { page, outside } = await open('articles/mutual-help-groups/');
  await page.evaluate(() => { window.__before = 'set before the edit'; });
  appendFileSync(join(root, ARTICLE), '\nThis line was saved by the browser test: RELOAD-MARK.\n');
  await page.waitForFunction(() => document.body.innerText.includes('RELOAD-MARK'), null, { timeout: 10000 });
  assert.equal(await page.evaluate(() => window.__before), undefined, 'a fresh page (reloaded)');
  assert.deepEqual(outside, []);
  await page.close();
});

test('a CSS edit swaps the stylesheet without reloading the page', async () => {
  const { page } = await open('articles/');
  await page.evaluate(() => { window.__before = 'kept'; });
  const href = () => page.evaluate(() => document.querySelector('link[rel="stylesheet"]').getAttribute('href'));
  const old = await href();
  appendFileSync(join(root, 'themes/default/static/style.css'), '\nbody { outline: 3px solid rgb(1, 2, 3); }\n');
  await page.waitForFunction(() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)', null, { timeout: 10000 });
  assert.equal(await page.evaluate(() => window.__before), 'kept', 'no reload');
  const now = await href();
  assert.notEqual(now, old);
  assert.match(now, /^\/style\.[0-9a-f]{10}\.css$/);
  await page.close();
});

test('broken front matter shows an overlay over the last good page; the fix clears it', async () => {
  const { page } = await open('articles/mutual-help-groups/');
  const file = join(root, ARTICLE);
  const good = readFileSync(file, 'utf8');
  writeFileSync(file, good.replace(/^published: .*$/m, 'published: [2024'));
  const overlay = page.locator('#__haven-overlay');
  await overlay.waitFor({ state: 'visible', timeout: 10000 });
  const text = await overlay.innerText();
  assert.match(text, /content\/articles\/mutual-help-groups\.md:\d+:\d+/);
  assert.ok(await page.locator('main h1').count() >= 1, 'the last good page stays underneath');
  // A page opened while the error stands shows it too.
  const other = await chrome.newPage();
  await other.goto(url);
  await other.locator('#__haven-overlay').waitFor({ state: 'visible', timeout: 10000 });
  await other.close();
  writeFileSync(file, good);
  await overlay.waitFor({ state: 'detached', timeout: 10000 });
  await page.close();
});
