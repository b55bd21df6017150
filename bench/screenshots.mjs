// Screenshots of the demo site's article, facility and locator pages at 390 px (a phone) and
// 1280 px (a laptop), light and dark, for a person to look at. Builds the demo site with
// target/debug/haven (HAVEN_BIN overrides), serves it on 127.0.0.1 and drives Debian's
// Chromium through the browser tests' harness. Nothing leaves the machine.
//
//   node bench/screenshots.mjs [out-dir]      (default: target/screenshots, git-ignored)
//
// Writes <page>-<width>[-dark].png (the first screen) and <page>-<width>-full.png (the whole
// page), plus <page>-390-focus.png: the page scrolled so that a link far down has keyboard
// focus, to check that the sticky help strip does not cover it (WCAG 2.4.11).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSite, serve, browser, cleanup, forbidThirdParty, repo } from '../tests/browser/harness.mjs';

const out = resolve(process.argv[2] || join(repo, 'target/screenshots'));
mkdirSync(out, { recursive: true });

const PAGES = {
  article: 'articles/what-is-opioid-use-disorder/',
  facility: 'treatment/tx/austin/austin-example-recovery/',
  locator: 'treatment/',
};
const VIEWPORTS = [
  { width: 390, height: 844 },   // a common phone
  { width: 1280, height: 800 },  // a laptop
];

const site = buildSite();
const server = await serve(site);
const b = await browser();
const offsite = [];
try {
  for (const scheme of ['light', 'dark']) {
    for (const vp of VIEWPORTS) {
      const ctx = await b.newContext({ viewport: vp, colorScheme: scheme, deviceScaleFactor: 1 });
      const page = await ctx.newPage();
      forbidThirdParty(page, offsite);
      for (const [name, path] of Object.entries(PAGES)) {
        await page.goto(server.url + path, { waitUntil: 'networkidle' });
        const base = join(out, `${name}-${vp.width}${scheme === 'dark' ? '-dark' : ''}`);
        await page.screenshot({ path: `${base}.png` });
        if (scheme === 'light') {
          await page.screenshot({ path: `${base}-full.png`, fullPage: true });
          if (vp.width === 390) {
            // Tab to the last link of <main>: the browser scrolls it into view; the strip
            // must not hide it.
            const links = page.locator('main a[href]');
            const n = await links.count();
            if (n > 0) {
              await links.nth(Math.max(0, n - 1)).focus();
              await page.screenshot({ path: `${base}-focus.png` });
            }
          }
        }
      }
      await ctx.close();
    }
  }
} finally {
  await b.close();
  server.close();
  cleanup(site);
}
if (offsite.length) {
  console.error(`requests left 127.0.0.1: ${offsite.join(', ')}`);
  process.exitCode = 1;
}
console.log(`screenshots in ${out}`);
