// Components in Markdown (issue 18) in a real browser: an article of the demo site with
// every built-in component (hotline, crisis, the three callouts, a facility card, a paid
// listing's card, a city's list with its sponsored block) is clean under axe (WCAG A/AA +
// best practices, light and dark schemes) and the Nu HTML Checker, does not scroll sideways
// at 320px, asks nothing from a third party, and its "Who answers?" disclosure opens
// without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repo, servedSite, forbidThirdParty, axeViolations, nuErrors } from './harness.mjs';

const ARTICLE = `---
title: Every Component
description: An article that holds every component of the default theme.
author: editorial-team
published: 2026-01-05
topics: [treatment]
---

If you want to talk to someone about treatment, you can call.

{{ <hotline /> }}

## Boxes around text

{% <callout> %}
A **note** with a [link to the directory](/treatment/).
{% </callout> %}

{% <callout kind="warning"> %}
Never use alone.
{% </callout> %}

{% <callout kind="tip" title="Good to know"> %}
- Naloxone is sold over the counter.
- Many health departments give it away.
{% </callout> %}

## Treatment near you

{{ <facility path="facilities/oh/columbus-second-chance-clinic.yaml" /> }}

{{ <facility path="facilities/tx/austin-example-recovery.yaml" /> }}

{{ <facilities state="TX" city="Austin" limit={3} /> }}

## If you are in danger

{{ <crisis /> }}
`;

const PATH = 'articles/every-component/';
let served, root;
before(async () => {
  root = mkdtempSync(join(tmpdir(), 'haven-components-'));
  cpSync(join(repo, 'content'), join(root, 'content'), { recursive: true });
  writeFileSync(join(root, 'content/articles/every-component.md'), ARTICLE);
  served = await servedSite(root);
});
after(async () => { await served?.close(); });

test('the article holds every component, with the sponsored labels', async () => {
  const page = await served.chrome.newPage();
  await page.goto(served.server.url + PATH);
  const count = (css) => page.locator(css).count();
  assert.equal(await count('.prose .component-hotline a.call[href^="tel:"]'), 1);
  assert.equal(await count('.prose .callout[role="note"]'), 3);
  assert.equal(await count('.prose .component-facility'), 2);
  assert.equal(await count('.prose .component-facility .badge'), 1, 'only the paid listing is labelled');
  assert.ok(await count('.prose .component-facilities .sponsored-block .badge') >= 1, 'the paid listings of Austin, apart');
  assert.ok(await count('.prose .component-crisis a[href="tel:988"]') === 1);
  await page.close();
});

for (const scheme of ['light', 'dark']) {
  test(`axe: no moderate-or-worse violation on the article with every component (${scheme})`, async () => {
    const page = await served.chrome.newPage({ colorScheme: scheme });
    const outside = forbidThirdParty(page);
    await page.goto(served.server.url + PATH);
    const { bad, passes } = await axeViolations(page);
    assert.deepEqual(bad, []);
    assert.ok(passes > 10, 'axe ran its rules');
    assert.deepEqual(outside, [], 'no third-party request');
    await page.close();
  });
}

test('Nu HTML Checker: no error on the article with every component', () => {
  assert.deepEqual(nuErrors(served.site, [join(served.site, PATH, 'index.html')]), []);
});

test('no sideways scrolling at 320px with every component', async () => {
  const page = await served.chrome.newPage({ viewport: { width: 320, height: 640 } });
  await page.goto(served.server.url + PATH);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0);
  await page.close();
});

test('the hotline box says who answers, without JavaScript', async () => {
  const context = await served.chrome.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(served.server.url + PATH);
  const disclosure = page.locator('.prose .component-hotline details p');
  assert.equal(await disclosure.isVisible(), false, 'closed at first');
  await page.locator('.prose .component-hotline summary').click();
  assert.equal(await disclosure.isVisible(), true, 'open after a tap');
  assert.match(await disclosure.innerText(), /paid advertiser/);
  await context.close();
});
