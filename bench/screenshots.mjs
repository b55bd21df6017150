// Screenshots of the demo site's article, facility and locator pages at 390 px (a phone) and
// 1280 px (a laptop), light and dark, for a person to look at. Builds the demo site with
// target/debug/haven (HAVEN_BIN overrides), serves it on 127.0.0.1 and drives Debian's
// Chromium through the browser tests' harness. Nothing leaves the machine.
//
//   node bench/screenshots.mjs [out-dir]      (default: target/screenshots, git-ignored)
//
// Writes <page>-<width>[-dark].png (the first screen) and <page>-<width>-full.png (the whole
// page), plus at 390 px <page>-390-scrolled.png (what stays on screen while reading) and
// <page>-390-focus.png (a link tabbed onto from behind the sticky call bar: the bar must
// not cover it, WCAG 2.4.11).
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
            // Scrolled: only the one-line call bar stays at the top.
            await page.evaluate(() => window.scrollTo({ top: 1200, behavior: 'instant' }));
            await page.screenshot({ path: `${base}-scrolled.png` });
            // Keyboard focus: put a link of <main> just under the top edge (behind the bar),
            // focus the one before it without scrolling and Tab onto it; the browser must
            // scroll it out from under the bar (WCAG 2.4.11).
            const ok = await page.evaluate(() => {
              const links = [...document.querySelectorAll('main a[href]')];
              const i = Math.floor(links.length / 2);
              if (i < 1) return false;
              window.scrollTo({ top: links[i].getBoundingClientRect().top + window.scrollY - 8, behavior: 'instant' });
              links[i - 1].focus({ preventScroll: true });
              return true;
            });
            if (ok) {
              await page.keyboard.press('Tab');
              await page.waitForTimeout(600);   // smooth scrolling, where motion is allowed
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
