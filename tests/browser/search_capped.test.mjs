// Two common words on a site where a posting list holds only the best 1,000 records of its
// word (docs/search.md): the page must not claim that no page has both words when the lists
// it intersected were cut, and its counts say that they are lower bounds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { servedSite, forbidThirdParty } from './harness.mjs';

// More records of each word than a list holds, each scoring its word above the one page
// that has both words once in its body: that page is in neither list.
const EACH = 1050;

let root, served, server, chrome;
before(async () => {
  root = mkdtempSync(join(tmpdir(), 'haven-capped-'));
  const write = (rel, text) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  write('content/site.yaml', 'title: Capped lists\nbase_url: https://example.org/\n');
  write('content/authors/jane.yaml', 'name: Jane Roe\n');
  const article = (slug, title, body) => write(`content/articles/${slug}.md`,
    `---\ntitle: ${title}\nauthor: jane\npublished: 2024-01-02\n---\n${body}\n`);
  for (let i = 0; i < EACH; i++) {
    article(`alpha-${i}`, `Alpha guide ${i}`, `Alpha alpha notes, part ${i}.`);
    article(`beta-${i}`, `Beta guide ${i}`, `Beta beta notes, part ${i}.`);
  }
  article('both', 'Zzboth', 'A long line that names alpha and beta once among many other words here.');
  served = await servedSite(root);
  ({ server, chrome } = served);
});
after(async () => {
  await served?.close();
});

async function search(page, q) {
  await page.fill('#search-q', q);
  await page.press('#search-q', 'Enter');
  const status = page.locator('#search-status');
  await status.filter({ hasText: new RegExp(`for “${q}”`) }).waitFor();
  return status.innerText();
}

test('two words whose lists are cut: no claim that no page has both, counts as lower bounds', async () => {
  const page = await chrome.newPage();
  const problems = forbidThirdParty(page);
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(server.url + 'search/');
  // One word: its list is cut, but the shard counts every record that has it.
  assert.match(await search(page, 'alpha'), /^1051 results for “alpha”/);
  // Both words: the page that has both is in neither cut list, so the intersection is
  // empty; that proves nothing about the site, so the page must not say it.
  const both = await search(page, 'alpha beta');
  assert.doesNotMatch(both, /No result has all the words/);
  assert.match(both, /Showing results with any of the words/);
  // The results found are a lower bound: at least the 2,000 listed, and said so.
  assert.match(both, /^2000\+ results for “alpha beta”/);
  assert.deepEqual(problems, []);
  await page.close();
});
