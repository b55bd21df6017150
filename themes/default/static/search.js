// The search page (docs/search.md): our own accessible UI on Pagefind's JS API.
// - The query and the ticked filters live in the URL (?q=detox&state=Texas), so a search can
//   be shared and the back button steps through searches.
// - Indexed text never becomes markup: excerpts are rebuilt from Pagefind's <mark> markers as
//   text nodes and <mark> elements, titles and places are set as text.
// - No inline script or style, so the page runs under the site's Content-Security-Policy.
// - Why it loads Pagefind as it does (worker, focus, 3 letters): docs/search.md.
const app = document.getElementById('search-app');
const form = document.querySelector('form.search-form');
const input = document.getElementById('search-q');
const status = document.getElementById('search-status');
const list = document.getElementById('search-results');
const more = document.getElementById('search-more');
const filterBox = document.getElementById('search-filters');
const filterToggle = document.getElementById('search-filters-toggle');

// Few results first: each one fetches its fragment, and readers are often on phones.
const FIRST_SIZE = 5;
const MORE_SIZE = 10;
const FILTERS = [
  ['type', 'Type'], ['topic', 'Topic'], ['state', 'State'],
  ['level_of_care', 'Level of care'], ['medication', 'Medication'], ['payment', 'Payment'],
];
const TYPE_LABELS = { article: 'Article', facility: 'Treatment facility', page: 'Page' };
// Typing searches once the last word has this many letters (shorter prefixes fetch many
// word-index files); Enter searches any word.
const TYPED_MIN = 3;

let pagefind = null; // Promise of the Pagefind module, loaded once.
let entry = null; // Promise of the index's entry file as first loaded, to notice a rebuild.
let results = [];
let shown = 0;
let generation = 0; // Newer searches win over slower older ones.
let typingEntry = false; // Whether the current history entry is a search being typed.
let timer = 0;
let counts = {}; // Result counts per filter value for the latest search.

function load() {
  entry ??= fetchEntry();
  pagefind ??= import(app.dataset.bundle).then(async (pf) => {
    // noWorker: the worker costs a script and a round trip and spares the page nothing.
    await pf.options({ baseUrl: app.dataset.base, excerptLength: 24, noWorker: true });
    return pf;
  });
  return pagefind;
}

/** The bundle's entry file (0.2 KiB), which names the current index. */
function fetchEntry() {
  const url = app.dataset.bundle.replace(/[^/]*$/, 'pagefind-entry.json');
  return fetch(`${url}?ts=${Date.now()}`, { cache: 'no-store' })
    .then((r) => (r.ok ? r.text() : null))
    .catch(() => null);
}

/**
 * Whether the site was rebuilt since its index was loaded here. The page then holds names
 * of word-index and fragment files the host no longer has (docs/search.md, "Short record
 * names"): Pagefind finds nothing, or a result fails to load.
 */
async function rebuilt() {
  const [then, now] = await Promise.all([entry, fetchEntry()]);
  return then != null && now != null && then !== now;
}

/** Forgets the loaded index, so the next search loads the site's current one. */
async function reset() {
  const pf = await pagefind?.catch(() => null);
  pagefind = null;
  entry = null;
  await pf?.destroy();
}

function fromUrl() {
  const params = new URLSearchParams(location.search);
  const filters = {};
  for (const [key] of FILTERS) {
    const values = params.getAll(key);
    if (values.length) filters[key] = values;
  }
  return { q: (params.get('q') || '').trim(), filters };
}

function fromPage() {
  const filters = {};
  for (const box of filterBox.querySelectorAll('input:checked')) {
    (filters[box.name] ??= []).push(box.value);
  }
  return { q: input.value.trim(), filters };
}

function toUrl(state, push) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const [key, values] of Object.entries(state.filters)) for (const v of values) params.append(key, v);
  const query = params.toString();
  const url = location.pathname + (query ? `?${query}` : '');
  if (url === location.pathname + location.search) return;
  history[push ? 'pushState' : 'replaceState'](null, '', url);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** One fieldset of checkboxes per filter the index has, built once. */
function buildFilters(all, ticked) {
  for (const [key, legendText] of FILTERS) {
    const values = Object.keys(all[key] || {}).sort((a, b) => a.localeCompare(b));
    if (!values.length) continue;
    const set = el('fieldset', 'search-filter');
    set.append(el('legend', '', legendText));
    values.forEach((value, i) => {
      const id = `filter-${key}-${i}`;
      const box = el('input');
      Object.assign(box, { type: 'checkbox', id, name: key, value });
      box.checked = (ticked[key] || []).includes(value);
      const label = el('label');
      label.htmlFor = id;
      label.append(`${key === 'type' ? TYPE_LABELS[value] || value : value} `, el('span', 'search-count', ''));
      const row = el('div', 'search-filter-option');
      row.append(box, label);
      set.append(row);
    });
    filterBox.append(set);
  }
}

function tick(filters) {
  for (const box of filterBox.querySelectorAll('input[type="checkbox"]')) {
    box.checked = (filters[box.name] || []).includes(box.value);
  }
}

function showCounts(latest) {
  counts = latest;
  for (const box of filterBox.querySelectorAll('input[type="checkbox"]')) {
    const n = counts?.[box.name]?.[box.value] ?? 0;
    box.parentElement.querySelector('.search-count').textContent = `(${n})`;
  }
}

/** Pagefind's excerpt as text nodes and <mark>s: the indexed text is not parsed as HTML. */
function excerpt(text) {
  const p = el('p', 'search-result-excerpt');
  let marked = false;
  for (const part of (text || '').split(/(<mark>|<\/mark>)/)) {
    if (part === '<mark>') marked = true;
    else if (part === '</mark>') marked = false;
    else if (part) p.append(marked ? el('mark', '', part) : part);
  }
  return p;
}

function item(data) {
  const li = el('li', 'search-result');
  const title = el('h2', 'search-result-title');
  const link = el('a', '', data.meta?.title || data.url);
  link.href = data.url;
  title.append(link);
  const type = data.filters?.type?.[0] || 'page';
  const meta = el('p', 'search-result-meta');
  meta.append(el('span', `search-badge search-badge-${type}`, TYPE_LABELS[type] || type));
  if (type === 'facility') {
    const place = [data.meta?.city, data.meta?.state].filter(Boolean).join(', ');
    if (place) meta.append(' ', el('span', 'search-place', place));
    if (data.meta?.tel?.startsWith('tel:')) {
      const call = el('a', 'search-call', `Call ${data.meta.phone || data.meta.tel.slice(4)}`);
      call.href = data.meta.tel;
      meta.append(' ', call);
    }
  }
  li.append(title, meta, excerpt(data.excerpt));
  return li;
}

/** Shows the next results, each as soon as it and those above it have loaded. */
async function showMore(focus) {
  const mine = generation;
  const batch = results.slice(shown, shown ? shown + MORE_SIZE : FIRST_SIZE);
  const pending = batch.map((r) => r.data()); // Fetched in parallel, shown in order.
  for (const [i, data] of pending.entries()) {
    const li = item(await data);
    if (mine !== generation) return;
    list.append(li);
    if (focus && i === 0) li.querySelector('a').focus();
  }
  shown += batch.length;
  more.hidden = shown >= results.length;
}

function say(text) {
  status.textContent = text;
}

async function run(state, retried = false) {
  const mine = ++generation;
  filterBox.hidden = !state.q;
  if (!state.q) {
    results = [];
    list.replaceChildren();
    more.hidden = true;
    say('');
    return;
  }
  let search;
  try {
    const pf = await load();
    const filters = {};
    for (const [key, values] of Object.entries(state.filters)) filters[key] = { any: values };
    search = await pf.search(state.q, { filters });
  } catch (e) {
    if (mine === generation) say('Search is not available right now. Please try again later, or browse the articles.');
    console.error(e);
    return;
  }
  if (mine !== generation) return;
  if (!search.results.length && !retried && (await rebuilt())) {
    await reset();
    return run(state, true);
  }
  if (mine !== generation) return;
  results = search.results;
  shown = 0;
  list.replaceChildren();
  showCounts(search.filters);
  try {
    await showMore(false);
  } catch (e) {
    if (mine !== generation) return;
    if (!retried && (await rebuilt())) {
      await reset();
      return run(state, true);
    }
    say('Search is not available right now. Please try again later, or browse the articles.');
    console.error(e);
    return;
  }
  if (mine !== generation) return;
  const n = results.length;
  const filtered = Object.keys(state.filters).length ? ' with the chosen filters' : '';
  say(n === 0
    ? `No results for “${state.q}”${filtered}. Try another word${filtered ? ' or fewer filters' : ''}.`
    : `${n} result${n === 1 ? '' : 's'} for “${state.q}”${filtered}.`);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  clearTimeout(timer);
  const state = fromPage();
  toUrl(state, !typingEntry);
  typingEntry = false;
  run(state);
});

input.addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(() => {
    const state = fromPage();
    const typing = state.q.split(/\s+/).pop();
    if (typing && typing.length < TYPED_MIN) return;
    // The first keystrokes of a new search make a history entry; the rest update it.
    toUrl(state, !typingEntry);
    typingEntry = true;
    run(state);
  }, 250);
});

filterBox.addEventListener('change', () => {
  const state = fromPage();
  toUrl(state, true);
  typingEntry = false;
  run(state);
});

more.addEventListener('click', () => showMore(true));

// Pagefind loads while the reader types, not with the page nor at Enter; run() reports errors.
input.addEventListener('focus', () => load().then((pf) => pf.init()).catch(() => {}), { once: true });

window.addEventListener('popstate', () => {
  clearTimeout(timer);
  const state = fromUrl();
  input.value = state.q;
  tick(state.filters);
  typingEntry = false;
  run(state);
});

/**
 * Filters are loaded on request only: their files list every record, so on a large site
 * they cost more than the search itself. A shared link with filters opens them at once.
 */
async function openFilters(event) {
  if (filterToggle.getAttribute('aria-expanded') === 'true') return;
  filterToggle.setAttribute('aria-expanded', 'true');
  filterToggle.hidden = true;
  try {
    const pf = await load();
    buildFilters(await pf.filters(), fromUrl().filters);
    // The button is gone: keep keyboard focus in the filters it opened.
    if (event) filterBox.querySelector('input')?.focus();
    run(fromPage()); // Counts for the filters just loaded.
  } catch (e) {
    console.error(e); // run() tells the reader.
  }
}

filterToggle.addEventListener('click', openFilters);

function start() {
  app.hidden = false;
  const state = fromUrl();
  input.value = state.q;
  run(state);
  if (Object.keys(state.filters).length) openFilters(null);
}

start();
