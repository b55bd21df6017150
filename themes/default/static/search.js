// The search page (docs/search.md): haven's own index, read by plain JavaScript.
// - A query loads the manifest (never cached), the word shards of its words, and the record
//   files of the results it shows: at most three round trips.
// - The query and the ticked filters live in the URL (?q=detox&state=Texas), so a search can
//   be shared and the back button steps through searches.
// - Indexed text never becomes markup: titles, places and excerpts are set as text nodes,
//   matched words wrapped in <mark> elements made here.
// - No inline script or style, no eval, no WebAssembly: the page runs under the site's
//   Content-Security-Policy (script-src 'self').
const app = document.getElementById('search-app');
const form = document.querySelector('form.search-form');
const input = document.getElementById('search-q');
const status = document.getElementById('search-status');
const list = document.getElementById('search-results');
const more = document.getElementById('search-more');
const crisis = document.getElementById('search-crisis');
const sponsoredBox = document.getElementById('search-sponsored');
const filterBox = document.getElementById('search-filters');
const filterToggle = document.getElementById('search-filters-toggle');
const dir = app.dataset.index; // The index folder, under the site's base path.
// Every text this script writes, in the page's language: the theme's i18n strings, given
// by the page in a JSON block (no inline script may run).
const STRINGS = JSON.parse(document.getElementById('search-strings').textContent);
const base = app.dataset.base;

const VERSION = 4;
// Few results first: readers are often on phones with a weak connection.
const FIRST_SIZE = 5;
const MORE_SIZE = 10;
const SPONSORED_SIZE = 2;
const FILTERS = ['type', 'topic', 'state', 'level_of_care', 'medication', 'payment']
  .map((key) => [key, tr(`search_js_filter_${key}`)]);
const TYPE_LABELS = Object.fromEntries(['article', 'facility', 'page'].map((k) => [k, tr(`search_js_type_${k}`)]));
// Typing searches once the last word has this many letters; Enter searches any word.
const TYPED_MIN = 3;
// Keys a word typed so far may stand for (the last word, as a prefix).
const PREFIX_KEYS = 40;
// Words (folded, as phrases) that put the crisis lines above the results: these on every
// page, and the page language's (search_js_crisis_words, folded when first needed).
const CRISIS = ['overdose', 'overdosing', 'od', 'suicide', 'suicidal', 'kill myself', 'want to die',
  'end my life', 'crisis', 'emergency', '988', '911', 'help now'];
// Words that say little about what is looked for (English sites): left out of a query that
// has other words, so "how to use narcan" ranks by narcan. A query of only these keeps them.
const STOP = new Set(['a', 'an', 'and', 'are', 'about', 'at', 'be', 'can', 'do', 'does', 'for', 'from', 'get',
  'how', 'i', 'if', 'in', 'is', 'it', 'me', 'my', 'of', 'on', 'or', 'the', 'to', 'use', 'using', 'what',
  'when', 'where', 'who', 'why', 'with']);
const UNAVAILABLE = tr('search_js_unavailable');
let crisisWords = null;

/** The string `key` with its {name} placeholders filled from `vars`. */
function tr(key, vars = {}) {
  return String(STRINGS[key] ?? '').replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

let manifest = null; // Promise of the manifest.
const files = new Map(); // URL -> promise of a loaded index file.
const known = new Map(); // Record id -> display data met in a shard (its `e` and `r`), so no record file is needed.
let facets = null; // Promise of the facets file, loaded when the filters open.
let matched = []; // Unpaid results: [id, score], best first.
let shown = 0;
let query = null; // The current plan, for excerpts.
let generation = 0; // Newer searches win over slower older ones.
let typingEntry = false; // Whether the current history entry is a search being typed.
let timer = 0;

/** Thrown when an index file is gone: the site was deployed again under this page. */
class Stale extends Error {}

async function json(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Stale(`${url}: ${r.status}`);
  return r.json();
}

function load() {
  manifest ??= fetch(`${dir}manifest.json?ts=${Date.now()}`, { cache: 'no-store' })
    .then((r) => { if (!r.ok) throw new Error(`manifest: ${r.status}`); return r.json(); })
    .then((m) => { if (m.v !== VERSION) throw new Error(`index format ${m.v}`); return m; });
  manifest.catch(() => { manifest = null; });
  return manifest;
}

function file(m, name) {
  const url = `${dir}${m.build}/${name}`;
  if (!files.has(url)) {
    const p = json(url);
    files.set(url, p);
    p.catch(() => files.delete(url));
  }
  return files.get(url);
}

/** Forgets the loaded index, so the next search loads the site's current one. */
function reset() {
  manifest = null;
  facets = null;
  files.clear();
  known.clear();
}

// ---- Words, as the index folds them (src/index/text.rs) ----

function fold(word) {
  return word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
    .replace(/ß/g, 'ss').replace(/æ/g, 'ae').replace(/ø/g, 'o').replace(/œ/g, 'oe')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

function words(text) {
  return text.split(/[^\p{L}\p{N}\p{M}'’]+/u).map(fold).filter(Boolean);
}

/** Edit distance with a swap of two neighbours counting as one, or Infinity past `max`. */
function distance(a, b, max) {
  if (Math.abs(a.length - b.length) > max) return Infinity;
  let prev2 = null;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let low = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      row.push(d);
      low = Math.min(low, d);
    }
    if (low > max) return Infinity;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length] <= max ? prev[b.length] : Infinity;
}

// ---- Shards and posting lists ----

/** The shard whose key range holds `key`. */
function shardOf(m, key) {
  let lo = 0;
  let hi = m.shards.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (m.shards[mid] <= key) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** The shards a prefix's keys may be in (its own and the next ones it starts, at most 3). */
function shardsOfPrefix(m, prefix) {
  const first = shardOf(m, prefix);
  const out = [first];
  for (let i = first + 1; i < m.shards.length && out.length < 3 && m.shards[i].startsWith(prefix); i++) out.push(i);
  return out;
}

// Base-64 digit of each character code (-1: not a digit), for posting lists (docs/search.md).
const DIGIT = new Int8Array(128).fill(-1);
[...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].forEach((c, i) => { DIGIT[c.charCodeAt(0)] = i; });

/**
 * Posting list `i` of a shard as a Map of record id -> score. The list is a string of
 * base-64 varints (5 bits a digit, low bits first, 32 added when more digits follow): for
 * each layer its score, its count of ids, its first id and the deltas to the next ones.
 * A malformed list keeps what was read before the fault.
 */
function postings(shard, i) {
  shard.decoded ??= [];
  if (!shard.decoded[i]) {
    const text = typeof shard.p[i] === 'string' ? shard.p[i] : '';
    const map = new Map();
    let at = 0;
    const next = () => {
      let n = 0;
      for (let scale = 1; scale < 2 ** 35; scale *= 32) {
        const d = at < text.length ? DIGIT[text.charCodeAt(at++)] ?? -1 : -1;
        if (d < 0) return -1;
        n += (d & 31) * scale;
        if (d < 32) return n;
      }
      return -1;
    };
    while (at < text.length) {
      const q = next();
      const count = next();
      let id = next();
      if (q < 0 || count < 1 || id < 0) break;
      map.set(id, q);
      for (let k = 1; k < count; k++) {
        const d = next();
        if (d < 0) break;
        id += d;
        map.set(id, q);
      }
    }
    // A list holds only the best records of a common word (`n` counts them all): what is
    // found from it is then a lower bound, and an empty intersection proves nothing.
    map.total = Math.max(Number(shard.n?.[i]) || 0, map.size);
    map.capped = map.total > map.size;
    shard.decoded[i] = map;
  }
  return shard.decoded[i];
}

/** Marks `out` as found from cut lists when any of `maps` was; `total` a lower bound. */
function bound(out, maps, total) {
  out.capped = maps.some((m) => m.capped);
  out.total = Math.max(out.size, total);
  return out;
}

function union(maps) {
  if (maps.length === 1) return maps[0];
  const out = new Map();
  for (const map of maps) for (const [id, q] of map) if (!(out.get(id) >= q)) out.set(id, q);
  return bound(out, maps, Math.max(0, ...maps.map((m) => m.total || 0)));
}

function intersect(maps) {
  if (maps.length < 2) return maps[0] || new Map();
  const [smallest, ...others] = [...maps].sort((a, b) => a.size - b.size);
  const out = new Map();
  for (const [id, q] of smallest) {
    let sum = q;
    let all = true;
    for (const other of others) {
      const o = other.get(id);
      if (o === undefined) { all = false; break; }
      sum += o;
    }
    if (all) out.set(id, sum);
  }
  return bound(out, maps, 0);
}

function addUp(maps) {
  const out = new Map();
  for (const map of maps) for (const [id, q] of map) out.set(id, (out.get(id) || 0) + q);
  return bound(out, maps, Math.max(0, ...maps.map((m) => m.total || 0)));
}

// ---- A query ----

/**
 * The query as slots, each matched by any of its alternatives (a phrase of words): a
 * synonym group's phrase becomes a slot with every member of the group.
 */
function plan(m, text, typing) {
  const all = words(text);
  const english = /^en\b/i.test(m.lang || '');
  const kept = english ? all.filter((w) => !STOP.has(w)) : all;
  const ws = kept.length ? kept : all;
  // Each group with its key in the shards: its members joined with `|` (docs/search.md).
  const groups = (m.synonyms || []).map((g) => Object.assign(g.map((p) => p.split(' ')), { key: g.join('|') }));
  const corrected = [];
  const slots = [];
  for (let i = 0; i < ws.length;) {
    let found = null;
    for (const g of groups) {
      for (const phrase of g) {
        if (phrase.length > (found?.len || 0) && phrase.every((w, k) => ws[i + k] === w)) found = { len: phrase.length, g };
      }
    }
    // A misspelt member of a group (a word the site may not use at all, such as "suboxen"):
    // the glossary is mostly drug names, which people in crisis misspell most, so two edits
    // are allowed from 6 letters here (one below).
    if (!found && ws[i].length >= 4 && !(typing && i === ws.length - 1)) {
      const max = ws[i].length >= 6 ? 2 : 1;
      for (const g of groups) {
        const near = g.find((phrase) => phrase.length === 1 && phrase[0] !== ws[i] && distance(ws[i], phrase[0], max) <= max);
        if (near) { found = { len: 1, g }; corrected.push([ws[i], near[0]]); break; }
      }
    }
    if (found) {
      slots.push({ text: ws.slice(i, i + found.len).join(' '), alts: found.g, group: found.g.key, prefix: false });
      i += found.len;
    } else {
      slots.push({ text: ws[i], alts: [[ws[i]]], prefix: false });
      i += 1;
    }
  }
  const last = slots[slots.length - 1];
  if (typing && last && last.alts.length === 1 && last.text.length >= TYPED_MIN) last.prefix = true;
  const folded = ` ${all.join(' ')} `;
  crisisWords ??= CRISIS.concat(tr('search_js_crisis_words').split(',').map((c) => words(c).join(' ')).filter(Boolean));
  return { slots, crisis: crisisWords.some((c) => folded.includes(` ${c} `)), highlight: [], corrected };
}

/** The shards a plan needs. */
function shardsOf(m, p) {
  const need = new Set();
  for (const s of p.slots) {
    // A synonym group is one key, its members' records merged at build time: one shard.
    if (s.group) { need.add(shardOf(m, s.group)); continue; }
    for (const alt of s.alts) {
      alt.forEach((w, k) => {
        const ids = s.prefix && k === alt.length - 1 ? shardsOfPrefix(m, w) : [shardOf(m, w)];
        for (const i of ids) need.add(i);
      });
    }
  }
  return [...need];
}

function commonPrefix(a, b) {
  let k = 0;
  while (k < a.length && a[k] === b[k]) k++;
  return k;
}

/** Keeps the first screens a shard carries (its `e` and `r`), so they need no record file. */
function learn(m, shard) {
  if (shard.seen) return;
  shard.seen = true;
  const ids = decodeIds(shard.e);
  fromRows(m, shard.r || [], ids).forEach((r, k) => known.set(ids[k], r));
}

/** The posting list a shard's key stands for (`-(i + 1)` marks the list's word to show). */
function listOf(shard, key) {
  const v = Object.hasOwn(shard.w, key) ? shard.w[key] : undefined;
  return v === undefined ? undefined : v < 0 ? -v - 1 : v;
}

/** The word to show for list `i` of a shard: its marked key, else the key that found it. */
function shownWord(shard, i, key) {
  if (!shard.shown) {
    shard.shown = [];
    for (const k in shard.w) if (shard.w[k] < 0) shard.shown[-shard.w[k] - 1] = k;
  }
  return shard.shown[i] ?? key;
}

/** Records of one word: the key itself, keys it starts (prefix), or a near spelling. */
async function lookup(m, shards, word, prefix, p, fuzzy) {
  const own = shards.get(shardOf(m, word));
  const lists = [];
  const at = own ? listOf(own, word) : undefined;
  if (at !== undefined) { lists.push(postings(own, at)); p.total = own.n[at]; }
  if (prefix) {
    const keys = [];
    for (const i of shardsOfPrefix(m, word)) {
      const shard = shards.get(i);
      if (!shard) continue;
      for (const key in shard.w) if (key !== word && key.startsWith(word) && !key.includes('|')) keys.push([shard, listOf(shard, key)]);
    }
    keys.sort((a, b) => b[0].n[b[1]] - a[0].n[a[1]]);
    for (const [shard, i] of keys.slice(0, PREFIX_KEYS)) {
      lists.push(postings(shard, i));
      await breathe();
    }
    if (lists.length) { p.highlight.push(word); return union(lists); }
  }
  // A word the site does not have: try the words of its shard within one or two edits, and
  // if none is, those of a neighbouring shard whose boundary shares the word's first three
  // letters or more (a typo after them may sort across it: `methodone`, `methadone`), a
  // round trip more for a word not found. Only for a word the reader typed, not for the
  // other names of a synonym group.
  if (fuzzy && at === undefined && own && word.length >= 4 && !/^\d+$/.test(word)) {
    const max = word.length >= 8 ? 2 : 1;
    const near = (shard) => {
      let best = null;
      for (const key in shard.w) {
        if (key === word || key.includes('|')) continue;
        const d = distance(word, key, max);
        if (d === Infinity) continue;
        const i = listOf(shard, key);
        if (!best || d < best.d || (d === best.d && shard.n[i] > best.shard.n[best.i])) best = { d, i, key, shard };
      }
      return best;
    };
    let best = near(own);
    if (!best) {
      const i = shardOf(m, word);
      const shares = (j) => j >= 0 && j < m.shards.length && commonPrefix(word, m.shards[j === i - 1 ? i : j]) >= 3;
      const others = await Promise.all([i - 1, i + 1].filter(shares).map((j) => file(m, `s${j}.json`)));
      for (const shard of others) {
        learn(m, shard);
        const b = near(shard);
        if (b && (!best || b.d < best.d || (b.d === best.d && b.shard.n[b.i] > best.shard.n[best.i]))) best = b;
      }
    }
    if (best) {
      const shown = shownWord(best.shard, best.i, best.key);
      p.corrected.push([word, shown]);
      p.total = best.shard.n[best.i];
      p.highlight.push(shown);
      return postings(best.shard, best.i);
    }
  }
  if (lists.length) p.highlight.push(word);
  return union(lists);
}

/**
 * Runs a plan over its loaded shards: [results as Map id -> score, whether any-word]. The
 * results' `capped` says they came from cut lists (their `total` is then a lower bound).
 */
async function evaluate(m, shards, p) {
  const slots = [];
  for (const s of p.slots) {
    if (s.group) {
      // The group's merged list (none when no record has any of its members).
      const shard = shards.get(shardOf(m, s.group));
      const at = shard ? listOf(shard, s.group) : undefined;
      slots.push(at === undefined ? new Map() : postings(shard, at));
      if (at !== undefined) p.total = shard.n[at];
      continue;
    }
    const alts = [];
    for (const alt of s.alts) {
      const lists = [];
      for (const [k, w] of alt.entries()) {
        lists.push(await lookup(m, shards, w, s.prefix && k === alt.length - 1, p, s.alts.length === 1));
        await breathe();
      }
      alts.push(intersect(lists));
    }
    slots.push(union(alts));
    await breathe();
  }
  for (const s of p.slots) if (s.alts.length > 1) for (const alt of s.alts) p.highlight.push(...alt);
  const all = intersect(slots);
  if (all.size || slots.length < 2) return [all, false];
  const any = addUp(slots);
  return [any, any.size > 0];
}

// Record ids are below this (8 million records): a score and an id make one number.
const ID_SPAN = 2 ** 23;

/**
 * Results as [id, score], best first (higher score, then lower id). Scores are sums of
 * whole numbers, so each result is one number and the sort is a typed array's numeric sort,
 * with no comparator to call: several times quicker for thousands of results.
 */
function rank(found) {
  const keys = new Float64Array(found.size);
  let k = 0;
  for (const [id, q] of found) keys[k++] = q * ID_SPAN + (ID_SPAN - 1 - id);
  keys.sort();
  const out = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[keys.length - 1 - i];
    const q = Math.floor(key / ID_SPAN);
    out[i] = [ID_SPAN - 1 - (key - q * ID_SPAN), q];
  }
  return out;
}

/** The type of record `id`, from the manifest's runs of types in id order. */
function kindOf(m, id) {
  let end = 0;
  for (const [kind, count] of m.kinds || []) if (id < (end += count)) return kind;
  return '';
}

/** A phone number as shown: North American numbers as (555) 555-0100, others as written. */
function phoneShown(number) {
  const d = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(number);
  return d ? `(${d[1]}) ${d[2]}-${d[3]}` : number;
}

/**
 * Rows of records (a record file, or a shard's `r`), ids `ids`, as display data. A row is
 * [url, title, passage, place, phone] without its empty tail; a url not starting with `/`
 * is `N:rest`, the first N characters of the row before's url, then rest.
 */
function fromRows(m, rows, ids) {
  let previous = '';
  return rows.map((row, k) => {
    let u = String(row[0] ?? '');
    const shared = u.startsWith('/') ? null : /^(\d+):/.exec(u);
    if (shared) u = previous.slice(0, Number(shared[1])) + u.slice(shared[0].length);
    previous = u;
    const ph = String(row[4] ?? '');
    return {
      u, t: String(row[1] ?? ''), x: String(row[2] ?? ''), pl: String(row[3] ?? ''),
      ph: phoneShown(ph), tel: ph ? `tel:${ph}` : '', k: kindOf(m, ids[k]),
    };
  });
}

function decodeIds(deltas) {
  let id = 0;
  return (deltas || []).map((d, i) => (id = i === 0 ? d : id + d));
}

/**
 * Gives the main thread back to the browser (a macrotask, not a microtask) so that a search
 * on a slow phone is several short tasks, none long enough to hold up a keystroke or a paint.
 */
async function pause() {
  await (globalThis.scheduler?.yield ? globalThis.scheduler.yield() : new Promise((resolve) => { setTimeout(resolve, 0); }));
  slice = performance.now();
}

let slice = 0; // When the current task of a search began.

/** Pauses once the current task of a search has run for 10 ms, between two steps of it. */
function breathe() {
  return performance.now() - slice > 10 ? pause() : undefined;
}

// ---- Display ----

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
  for (const box of filterBox.querySelectorAll('input:checked')) (filters[box.name] ??= []).push(box.value);
  return { q: input.value.trim(), filters };
}

function toUrl(state, push) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const [key, values] of Object.entries(state.filters)) for (const v of values) params.append(key, v);
  const q = params.toString();
  const url = location.pathname + (q ? `?${q}` : '');
  // A history entry can take tens of milliseconds on a slow phone: its own task, so that it
  // does not lengthen the keystroke's or the search's.
  setTimeout(() => {
    if (url !== location.pathname + location.search) history[push ? 'pushState' : 'replaceState'](null, '', url);
  }, 0);
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
  for (const box of filterBox.querySelectorAll('input[type="checkbox"]')) box.checked = (filters[box.name] || []).includes(box.value);
}

/** Counts of the results per filter value (over every result, not only those shown). */
function showCounts(sets, ids) {
  for (const box of filterBox.querySelectorAll('input[type="checkbox"]')) {
    const set = sets[box.name]?.[box.value];
    let n = 0;
    if (set) for (const id of ids) if (set.has(id)) n++;
    box.parentElement.querySelector('.search-count').textContent = `(${n})`;
  }
}

function hits(token, marks) {
  // Most words are plain ASCII: lower-casing them is all folding does, and much quicker.
  const t = /^[a-z0-9]*$/i.test(token) ? token.toLowerCase() : fold(token);
  return t.length > 0 && marks.some((w) => t.startsWith(w) || (t.length >= 4 && w.startsWith(t)));
}

/** The record's passage, as text nodes and <mark>s around the searched words. */
function excerpt(best, marks) {
  const p = el('p', 'search-result-excerpt');
  // One text node per run of unmatched words, not one per word: fewer nodes to lay out.
  let run = '';
  String(best || '').split(/([\p{L}\p{N}\p{M}'’]+)/u).forEach((part, i) => {
    if (i % 2 && hits(part, marks)) {
      if (run) p.append(run);
      p.append(el('mark', '', part));
      run = '';
    } else run += part;
  });
  if (run) p.append(run);
  return p;
}

function item(r, marks, sponsored) {
  const li = el('li', sponsored ? 'search-result search-result-sponsored' : 'search-result');
  const title = el('h2', 'search-result-title');
  const link = el('a', '', r.t || r.u);
  link.href = base + String(r.u || '').replace(/^\//, '');
  title.append(link);
  const meta = el('p', 'search-result-meta');
  if (sponsored) meta.append(el('span', 'search-badge search-badge-sponsored', tr('sponsored')), ' ');
  meta.append(el('span', `search-badge search-badge-${r.k}`, TYPE_LABELS[r.k] || r.k));
  if (r.k === 'facility') {
    if (r.pl) meta.append(' ', el('span', 'search-place', r.pl));
    if (r.tel?.startsWith('tel:')) {
      const call = el('a', 'search-call', `${tr('call')} ${r.ph || r.tel.slice(4)}`);
      call.href = r.tel;
      meta.append(' ', call);
    }
  }
  li.append(title, meta, excerpt(r.x, marks));
  return li;
}

/** The display data of records `ids`, in order (their record files in parallel). */
async function records(m, ids) {
  return Promise.all(ids.map(async (id) => {
    if (known.has(id)) return known.get(id);
    const j = Math.floor(id / m.chunk);
    const rows = await file(m, `r${j}.json`);
    rows.shown ??= fromRows(m, rows, rows.map((_, k) => j * m.chunk + k));
    return rows.shown[id % m.chunk];
  }));
}

/** Shows the next results. */
async function showMore(m, focus) {
  const mine = generation;
  const batch = matched.slice(shown, shown ? shown + MORE_SIZE : FIRST_SIZE);
  const shownRecords = await records(m, batch.map(([id]) => id));
  if (mine !== generation) return;
  const items = [];
  for (const r of shownRecords) {
    items.push(item(r || {}, query.highlight, false));
    await breathe();
    if (mine !== generation) return;
  }
  list.append(...items);
  if (focus && items[0]) items[0].querySelector('a').focus();
  shown += batch.length;
  more.hidden = shown >= matched.length;
}

function say(text) {
  status.textContent = text;
}

function clear() {
  matched = [];
  list.replaceChildren();
  sponsoredBox.replaceChildren();
  sponsoredBox.hidden = true;
  more.hidden = true;
}

async function run(state, typing = false, retried = false) {
  const mine = ++generation;
  filterBox.hidden = !state.q;
  if (!state.q) {
    clear();
    crisis.hidden = true;
    say('');
    return;
  }
  try {
    // The caller's own work (the history entry, the keystroke) ends its task here.
    await pause();
    if (mine !== generation) return;
    const m = await load();
    const p = plan(m, state.q, typing);
    crisis.hidden = !p.crisis;
    const needed = shardsOf(m, p);
    const loaded = await Promise.all(needed.map((i) => file(m, `s${i}.json`)));
    const filtering = Object.keys(state.filters).length > 0;
    const sets = filtering || filterToggle.hidden ? await facetSets(m) : null;
    await pause();
    if (mine !== generation) return;
    const shards = new Map(needed.map((i, k) => [i, loaded[k]]));
    for (const shard of loaded) learn(m, shard);
    let [found, anyWord] = await evaluate(m, shards, p);
    await pause();
    if (mine !== generation) return;
    const capped = Boolean(found.capped);
    const atLeast = found.total || found.size;
    if (filtering) {
      found = new Map([...found].filter(([id]) => Object.entries(state.filters).every(([key, values]) =>
        values.some((v) => sets[key]?.[v]?.has(id)))));
    }
    const paid = new Set(decodeIds(m.sponsored));
    const ranked = rank(found);
    matched = ranked.filter(([id]) => !paid.has(id));
    const sponsored = ranked.filter(([id]) => paid.has(id)).slice(0, SPONSORED_SIZE);
    await pause();
    if (mine !== generation) return;
    query = p;
    shown = 0;
    // The record files of the first results and of the sponsored block, in one round trip
    // (showMore finds the first results' files already loading).
    const [sponsoredRecords] = await Promise.all([
      records(m, sponsored.map(([id]) => id)),
      records(m, matched.slice(0, FIRST_SIZE).map(([id]) => id)),
    ]);
    list.replaceChildren();
    await showMore(m, false);
    if (mine !== generation) return;
    sponsoredBox.replaceChildren();
    if (sponsoredRecords.length) {
      const heading = el('h2', 'search-sponsored-title', tr('sponsored'));
      heading.id = 'search-sponsored-title';
      const ol = el('ol', 'search-results');
      ol.append(...sponsoredRecords.map((r) => item(r || {}, p.highlight, true)));
      sponsoredBox.append(heading, el('p', 'search-sponsored-note', tr('search_js_sponsored_note')), ol);
    }
    sponsoredBox.hidden = !sponsoredRecords.length;
    if (sets) showCounts(sets, found.keys());
    // A one-word search counts every record of its word: the list holds only the best ones.
    // A synonym group's list is one list too, its `n` every record of any member.
    const single = p.slots.length === 1 && (p.slots[0].alts.length === 1 || p.slots[0].group) && !p.slots[0].prefix && !filtering;
    // Found from cut lists, a count is a lower bound ("2000+"), and an empty intersection
    // does not show that no page has all the words.
    const exact = single && p.total;
    const n = exact ? Math.max(found.size, p.total) : filtering ? found.size : Math.max(found.size, atLeast);
    const plus = capped && !exact ? '+' : '';
    const filtered = filtering ? '_filtered' : '';
    const notes = p.corrected.map(([, to]) => ` ${tr('search_js_corrected', { word: to })}`).join('');
    const any = !anyWord ? '' : ` ${tr(capped ? 'search_js_any_capped' : 'search_js_any')}`;
    const number = n === 1 && !plus ? 'one' : 'many';
    say(n === 0
      ? tr(`search_js_none${filtered}`, { q: state.q })
      : `${tr(`search_js_results${filtered}_${number}`, { n: `${n}${plus}`, q: state.q })}${notes}${any}`);
  } catch (e) {
    if (mine !== generation) return;
    // A file of the index is gone: the site was deployed again. Load the new index once.
    if (e instanceof Stale && !retried) {
      reset();
      return run(state, typing, true);
    }
    say(UNAVAILABLE);
    console.error(e);
  }
}

/** The facets file as filter -> value -> Set of ids. */
function facetSets(m) {
  facets ??= file(m, 'f.json').then((f) => {
    const sets = {};
    for (const [key, values] of Object.entries(f)) {
      sets[key] = {};
      for (const [value, ids] of Object.entries(values)) sets[key][value] = new Set(decodeIds(ids));
    }
    return sets;
  });
  facets.catch(() => { facets = null; });
  return facets;
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
    run(state, true);
  }, 250);
});

filterBox.addEventListener('change', () => {
  const state = fromPage();
  toUrl(state, true);
  typingEntry = false;
  run(state);
});

more.addEventListener('click', async () => {
  try {
    await showMore(await load(), true);
  } catch (e) {
    say(UNAVAILABLE);
    console.error(e);
  }
});

// The manifest loads while the reader types, not with the page; run() reports errors.
input.addEventListener('focus', () => load().catch(() => {}), { once: true });

// `/` anywhere but in a text field puts the cursor in the search box.
document.addEventListener('keydown', (event) => {
  const t = event.target;
  if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
  if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || t?.isContentEditable) return;
  event.preventDefault();
  input.focus();
});

window.addEventListener('popstate', () => {
  clearTimeout(timer);
  const state = fromUrl();
  input.value = state.q;
  tick(state.filters);
  typingEntry = false;
  run(state);
});

/** Filters load on request only (their file lists every record). A shared link with filters opens them. */
async function openFilters(event) {
  if (filterToggle.getAttribute('aria-expanded') === 'true') return;
  filterToggle.setAttribute('aria-expanded', 'true');
  filterToggle.hidden = true;
  try {
    const m = await load();
    const sets = await facetSets(m);
    buildFilters(sets, fromUrl().filters);
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
