// The demo site in Spanish (issue 17): every Spanish page kind passes axe and the Nu HTML
// Checker, shows the hotline disclosure and the crisis lines in Spanish, the language
// switcher goes to the page's translation or else to the other language's home, and the
// Spanish search finds the Spanish articles with Spanish stemming.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildSite, serve, browser, forbidThirdParty, cleanup, axeViolations, htmlFiles, nuErrors } from './harness.mjs';

// One Spanish URL per page kind the build makes.
const SPANISH_KINDS = {
  home: 'es/',
  article: 'es/articles/naloxona-como-responder-a-una-sobredosis/',
  articles: 'es/articles/',
  topics: 'es/topics/',
  topic: 'es/topics/naloxone/',
  author: 'es/authors/elena-marsh-md/',
  page: 'es/about/',
  search: 'es/search/',
  locator: 'es/treatment/',
  state: 'es/treatment/tx/',
  city: 'es/treatment/tx/austin/',
  facility: 'es/treatment/tx/austin/austin-example-recovery/',
  notFound: 'es/404.html',
};

let site, server, chrome;
before(async () => { site = buildSite(); server = await serve(site); chrome = await browser(); });
after(async () => { await chrome?.close(); server?.close(); if (site) cleanup(site); });

for (const [kind, path] of Object.entries(SPANISH_KINDS)) {
  test(`Spanish ${kind} page: axe clean, lang="es", hotline disclosure and crisis lines in Spanish`, async () => {
    const page = await chrome.newPage();
    const outside = forbidThirdParty(page);
    const response = await page.goto(server.url + path);
    assert.equal(response.status(), 200, path);
    assert.equal(await page.getAttribute('html', 'lang'), 'es');
    const { bad, passes } = await axeViolations(page);
    assert.deepEqual(bad, []);
    assert.ok(passes > 10, 'axe ran its rules');
    // The disclosure sits beside the number, in Spanish; "Who answers?" too.
    assert.match(await page.locator('#hotline-note').innerText(), /anunciante pagado/);
    assert.equal(await page.locator('.hotline-who').innerText(), '¿Quién contesta?');
    const crisis = await page.locator('aside.crisis').innerText();
    assert.match(crisis, /Línea 988 de Prevención del Suicidio y Crisis/);
    assert.match(crisis, /marque 2/);
    assert.match(crisis, /AYUDA/);
    assert.match(crisis, /SAMHSA/);
    assert.match(crisis, /en inglés y en español/);
    assert.equal(await page.locator('aside.crisis a[href="sms:988?body=AYUDA"]').count(), 1);
    assert.deepEqual(outside, [], 'no third-party request');
    await page.close();
  });
}

test('Nu HTML Checker: no error on any Spanish page', () => {
  const files = htmlFiles(`${site}/es`);
  assert.ok(files.length > 50, `the Spanish site has pages (${files.length})`);
  assert.deepEqual(nuErrors(site, files), []);
});

test('the switcher goes to the translation of an article that has one', async () => {
  const page = await chrome.newPage();
  await page.goto(server.url + 'articles/naloxone-how-to-respond-to-an-overdose/');
  const link = page.locator('nav.languages a');
  assert.equal(await link.innerText(), 'Español');
  assert.equal(await link.getAttribute('lang'), 'es');
  await Promise.all([page.waitForURL(/\/es\/articles\/naloxona-como-responder-a-una-sobredosis\/$/), link.click()]);
  assert.equal(await page.getAttribute('html', 'lang'), 'es');
  const back = page.locator('nav.languages a');
  assert.equal(await back.innerText(), 'English');
  await Promise.all([page.waitForURL(/\/articles\/naloxone-how-to-respond-to-an-overdose\/$/), back.click()]);
  await page.close();
});

test('the switcher goes to the Spanish home from an article without a translation', async () => {
  const page = await chrome.newPage();
  await page.goto(server.url + 'articles/fentanyl-and-the-drug-supply/');
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/es/'), page.locator('nav.languages a').click()]);
  assert.equal(await page.locator('main h1').innerText(), 'No está solo');
  await page.close();
});

test('Spanish search: "naloxona" finds the Spanish naloxone article through the Spanish index', async () => {
  const page = await chrome.newPage();
  const outside = forbidThirdParty(page);
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto(server.url + 'es/search/');
  await page.fill('#search-q', 'naloxona');
  await page.press('#search-q', 'Enter');
  const links = page.locator('#search-results .search-result-title a');
  await links.first().waitFor();
  const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.includes('/es/articles/naloxona-como-responder-a-una-sobredosis/'), hrefs.join(' '));
  assert.ok(hrefs.every((h) => h.startsWith('/es/')), `only Spanish pages: ${hrefs.join(' ')}`);
  assert.ok(fetched.some((p) => p === '/es/search-index/manifest.json'), fetched.join(' '));
  assert.ok(!fetched.some((p) => p.startsWith('/search-index/')), 'the English index is not loaded');
  // Spanish stemming: the plural form finds the same article ("sobredosis" is invariable;
  // "medicamentos" and "medicamento" share a stem).
  await page.fill('#search-q', 'medicamento');
  await page.press('#search-q', 'Enter');
  await page.locator('#search-results .search-result-title a[href^="/es/articles/"]').first().waitFor();
  assert.deepEqual(outside, []);
  await page.close();
});

test('Spanish search finds facilities too, with their Spanish pages', async () => {
  const page = await chrome.newPage();
  await page.goto(server.url + 'es/search/?q=Austin');
  const facility = page.locator('#search-results a[href^="/es/treatment/tx/austin/"]');
  await facility.first().waitFor();
  assert.ok(await facility.count() >= 1);
  await page.close();
});

test('Spanish search writes its status, badges, filters and crisis lines in Spanish (English on /search/)', async () => {
  const page = await chrome.newPage();
  await page.goto(server.url + 'es/search/?q=naloxona');
  await page.locator('#search-results .search-result').first().waitFor();
  const status = page.locator('#search-status');
  assert.match(await status.textContent(), /^\d+ resultados? para «naloxona»\./);
  const badges = await page.locator('#search-results .search-badge').allInnerTexts();
  assert.ok(badges.length && badges.every((b) => ['Artículo', 'Centro de tratamiento', 'Página'].includes(b)), badges.join(' | '));
  await page.click('#search-filters-toggle');
  await page.locator('#search-filters legend').first().waitFor();
  const legends = await page.locator('#search-filters legend').allInnerTexts();
  assert.ok(legends.includes('Tipo'), legends.join(' | '));
  assert.ok(!legends.some((l) => ['Type', 'Topic', 'State'].includes(l)), legends.join(' | '));
  assert.equal(await page.locator('#search-crisis').isVisible(), false);

  // A Spanish crisis word shows the crisis lines above the results.
  await page.fill('#search-q', 'sobredosis');
  await page.press('#search-q', 'Enter');
  await page.locator('#search-crisis').waitFor({ state: 'visible' });
  await page.waitForFunction(() => /«sobredosis»/.test(document.getElementById('search-status').textContent));

  await page.fill('#search-q', 'zzzqqqxx');
  await page.press('#search-q', 'Enter');
  await page.waitForFunction(() => /^No hay resultados para «zzzqqqxx»\. Pruebe con otra palabra\.$/
    .test(document.getElementById('search-status').textContent));

  await page.goto(server.url + 'search/?q=naloxone');
  await page.locator('#search-results .search-result').first().waitFor();
  assert.match(await page.locator('#search-status').textContent(), /^\d+ results? for “naloxone”\./);
  assert.ok((await page.locator('#search-results .search-badge').allInnerTexts()).includes('Article'));
  await page.close();
});

test('a Spanish facility page: labels, explanations, phone buttons, hours and description in Spanish', async () => {
  const page = await chrome.newPage();
  await page.goto(server.url + SPANISH_KINDS.facility);
  const terms = await page.locator('dl.terms dt').allInnerTexts();
  assert.ok(terms.includes('Desintoxicación (manejo de la abstinencia)'), terms.join(' | '));
  assert.ok(terms.includes('Buprenorfina'), terms.join(' | '));
  assert.match(await page.locator('.lines').innerText(), /Admisiones: llame al \(512\) 555-0111/);
  assert.match(await page.locator('.facility-contact').innerText(), /Horario: Lunes a viernes/);
  assert.match(await page.locator('.facility-footer').innerText(), /Verificado por última vez el \d+ de [a-z]+ de \d{4}/);
  assert.match(await page.locator('.facility .prose').innerText(), /Los familiares siempre son bienvenidos/);
  await page.close();
});
