//! Treatment facilities: parsing, validation and the state/city directory.
//!
//! Each `content/facilities/**/*.yaml` is parsed and checked by [`parse`] (all problems of
//! a file at once, each pointing at the value); this module then places the facilities:
//! slugs are unique, each facility gets its page path from `permalinks.facility`, and
//! facilities are grouped into states and cities, each with its own page. The controlled
//! values' labels live in [`vocabulary`] only.

pub mod checks;
pub mod description;
mod fields;
mod file;
pub mod hours;
pub mod parse;
mod types;
pub mod vocabulary;
pub mod zips;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{self, SiteConfig};
use crate::diag::{Diag, Diags, Source};
use crate::load::Doc;
use crate::memo;

pub use types::{Facility, License, Line, Translation};

/// A state (or DC, PR, a territory) with facilities.
#[derive(Debug, Clone)]
pub struct State {
    /// USPS code, upper case.
    pub code: String,
    /// Full name.
    pub name: String,
    /// Site path (`/treatment/tx/`).
    pub path: String,
    /// Indexes into [`Directory::cities`], by city name.
    pub cities: Vec<usize>,
    /// Indexes into [`Directory::facilities`], by name.
    pub facilities: Vec<usize>,
}

/// A city with facilities.
#[derive(Debug, Clone)]
pub struct City {
    /// Name as first written.
    pub name: String,
    /// Slug, as in the URL.
    pub slug: String,
    /// USPS code of its state.
    pub state: String,
    /// Index into [`Directory::states`].
    pub state_index: usize,
    /// Site path (`/treatment/tx/austin/`).
    pub path: String,
    /// Indexes into [`Directory::facilities`], by name.
    pub facilities: Vec<usize>,
}

/// All facilities with their states and cities.
#[derive(Debug, Default, Clone)]
pub struct Directory {
    /// Facilities in file order.
    pub facilities: Vec<Facility>,
    /// States with facilities, by name.
    pub states: Vec<State>,
    /// Cities with facilities, grouped by state.
    pub cities: Vec<City>,
    /// Every page path the directory makes, for the route table.
    pub routes: Vec<Route>,
    /// Geographic cells with facilities, for the locator's data files (sorted by key).
    pub cells: Vec<Cell>,
    /// Every language code any facility lists, sorted (the locator's language filter).
    pub languages: Vec<String>,
}

/// A square of [`CELL_DEGREES`] on a side, holding the facilities inside it.
#[derive(Debug, Clone)]
pub struct Cell {
    /// `{row}_{col}`: latitude and longitude divided by [`CELL_DEGREES`], floored.
    pub key: String,
    /// Indexes into [`Directory::facilities`].
    pub facilities: Vec<usize>,
}

/// Size of a locator cell in degrees. Half a degree is about 35 by 27 miles at 40°N, so a
/// 25-mile search reads at most 3 by 3 cells, and a dense city's cell stays small.
pub const CELL_DEGREES: f64 = 0.5;

/// The key of the cell holding (lat, lon). The locator script computes the same.
pub fn cell_key(lat: f64, lon: f64) -> String {
    let row = (lat / CELL_DEGREES).floor() as i64;
    let col = (lon / CELL_DEGREES).floor() as i64;
    format!("{row}_{col}")
}

/// A page the directory makes.
#[derive(Debug, Clone)]
pub struct Route {
    /// Site path.
    pub path: String,
    /// Who makes it, for clash messages.
    pub owner: String,
    /// The facility file behind it, if any.
    pub source: Option<Source>,
}

/// Site path of the locator.
pub const LOCATOR_PATH: &str = "/treatment/";

/// Site path of a state page.
pub fn state_path(code: &str) -> String {
    format!("/treatment/{}/", code.to_lowercase())
}

/// Parses every facility file and builds the directory. Problems go to `diags`; a file
/// with errors is left out of the directory.
pub fn resolve(config: &SiteConfig, docs: Vec<Doc>, diags: &mut Diags) -> Directory {
    let mut memo = Memo::default();
    let directory = resolve_with(config, &docs, diags, &mut memo);
    drop(memo);
    Arc::try_unwrap(directory).unwrap_or_else(|shared| (*shared).clone())
}

/// What [`resolve`] found, for the next build of `haven serve` ([`crate::memo`]): an
/// unchanged file checked under the same options is not parsed again, and when no
/// facility file changed at all the last directory itself is reused.
#[derive(Debug, Default)]
pub struct Memo {
    opts: Option<parse::Options>,
    files: memo::Memo<Checked>,
    last: Option<Last>,
}

/// The last directory, with what it was made from and the problems found on the way.
#[derive(Debug)]
struct Last {
    files: Vec<(String, Arc<str>)>,
    pattern: String,
    directory: Arc<Directory>,
    diags: Vec<Diag>,
}

impl Last {
    fn made_from(&self, docs: &[Doc], pattern: &str) -> bool {
        self.pattern == pattern
            && self.files.len() == docs.len()
            && self
                .files
                .iter()
                .zip(docs)
                .all(|((rel, text), d)| *rel == d.rel && memo::same_text(text, &d.source.text))
    }
}

/// A facility file checked: the facility (unless it has errors) and its problems.
type Checked = (Option<Facility>, Vec<Diag>);

/// Each facility in the language of `config`; in the default language's pass, a
/// translation for a language the site does not have is an error (once, not per language).
fn translations(config: &SiteConfig, facilities: &mut [Facility], found: &mut Diags) {
    if config.language != config.default_language {
        facilities.iter_mut().for_each(|f| f.translate(&config.language));
        return;
    }
    let added: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    for f in facilities.iter() {
        for t in f.translations.iter().filter(|t| !added.contains(&t.code.as_str())) {
            found.push(config::unknown_language(&f.source, t.span, &t.code, config));
        }
    }
}

/// [`resolve`], reusing and updating `memo`.
pub fn resolve_with(config: &SiteConfig, docs: &[Doc], diags: &mut Diags, memo: &mut Memo) -> Arc<Directory> {
    let opts = parse::Options::from_config(config);
    if memo.opts.as_ref() != Some(&opts) {
        memo.files.clear();
        memo.last = None;
        memo.opts = Some(opts.clone());
    }
    let pattern = &config.permalinks.facility;
    if let Some(last) = &memo.last
        && last.made_from(docs, pattern)
    {
        diags.extend(last.diags.iter().cloned());
        return Arc::clone(&last.directory);
    }
    let files = &memo.files;
    let parsed: Vec<(Checked, bool)> = docs
        .par_iter()
        .map(|d| match files.get(&d.rel, &d.source.text) {
            Some(r) => (r, false),
            None => (parse::facility(d, &opts), true),
        })
        .collect();
    let mut found = Diags::new();
    let mut facilities = Vec::with_capacity(parsed.len());
    for (d, (r, fresh)) in docs.iter().zip(parsed) {
        if fresh {
            memo.files.put(&d.rel, &d.source.text, r.clone());
        }
        let (f, ds) = r;
        found.extend(ds);
        facilities.extend(f);
    }
    let mut facilities = check_slugs(facilities, &mut found);
    translations(config, &mut facilities, &mut found);
    for f in &mut facilities {
        let state = f.state.to_lowercase();
        f.path = config::fill(pattern, &[("slug", &f.slug), ("state", &state), ("city", &f.city_slug)]);
    }
    let directory = Arc::new(group(facilities));
    let found = found.items().to_vec();
    diags.extend(found.iter().cloned());
    memo.last = Some(Last {
        files: docs
            .iter()
            .map(|d| (d.rel.clone(), Arc::clone(&d.source.text)))
            .collect(),
        pattern: pattern.clone(),
        directory: Arc::clone(&directory),
        diags: found,
    });
    directory
}

/// Reports every facility whose slug an earlier file already uses, and leaves it out, so
/// the clash is reported once (here, naming both files), not again as a URL clash.
fn check_slugs(facilities: Vec<Facility>, diags: &mut Diags) -> Vec<Facility> {
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut kept = Vec::with_capacity(facilities.len());
    for f in facilities {
        if let Some(other) = seen.get(&f.slug) {
            diags.push(
                Diag::at(
                    &f.source,
                    f.slug_span.unwrap_or((0, 0)),
                    format!("the slug `{}` is also used by {other}", f.slug),
                )
                .help("facility slugs must be unique: give one of the two files another `slug:` (or rename it)"),
            );
            continue;
        }
        seen.insert(f.slug.clone(), f.source.name.clone());
        kept.push(f);
    }
    kept
}

/// Groups facilities into states and cities and lists every route.
fn group(facilities: Vec<Facility>) -> Directory {
    let (states, cities) = states_and_cities(&facilities);
    let routes = routes(&facilities, &states, &cities);
    let mut cell_map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, f) in facilities.iter().enumerate() {
        cell_map.entry(cell_key(f.lat, f.lon)).or_default().push(i);
    }
    let cells = cell_map
        .into_iter()
        .map(|(key, facilities)| Cell { key, facilities })
        .collect();
    let mut languages: Vec<String> = facilities.iter().flat_map(|f| f.languages.iter().cloned()).collect();
    languages.sort();
    languages.dedup();
    Directory {
        facilities,
        states,
        cities,
        routes,
        cells,
        languages,
    }
}

/// The states (by name) and their cities (by name within each state), each listing its
/// facilities by name.
fn states_and_cities(facilities: &[Facility]) -> (Vec<State>, Vec<City>) {
    let by_name = |list: &mut Vec<usize>| {
        list.sort_by(|a, b| sort_key(&facilities[*a].name).cmp(&sort_key(&facilities[*b].name)));
    };
    let mut state_map: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, f) in facilities.iter().enumerate() {
        state_map.entry(f.state.as_str()).or_default().push(i);
    }
    let mut states: Vec<State> = Vec::new();
    let mut cities: Vec<City> = Vec::new();
    let mut state_list: Vec<(&str, Vec<usize>)> = state_map.into_iter().collect();
    state_list.sort_by_key(|(code, _)| vocabulary::state_name(code).unwrap_or(code));
    for (code, mut members) in state_list {
        by_name(&mut members);
        let city_ids = add_cities(facilities, code, &members, states.len(), &mut cities);
        states.push(State {
            code: code.to_string(),
            name: vocabulary::state_name(code).unwrap_or(code).to_string(),
            path: state_path(code),
            cities: city_ids,
            facilities: members,
        });
    }
    (states, cities)
}

/// Adds the cities of one state (`members`: its facilities, by name) to `cities`, sorted by
/// name, and returns their indexes.
fn add_cities(
    facilities: &[Facility],
    code: &str,
    members: &[usize],
    state_index: usize,
    cities: &mut Vec<City>,
) -> Vec<usize> {
    let mut city_map: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in members {
        city_map.entry(facilities[i].city_slug.as_str()).or_default().push(i);
    }
    let mut city_ids = Vec::new();
    let mut city_list: Vec<(&str, Vec<usize>)> = city_map.into_iter().collect();
    city_list.sort_by_key(|(_, m)| sort_key(&facilities[m[0]].city));
    for (slug, m) in city_list {
        city_ids.push(cities.len());
        cities.push(City {
            name: facilities[m[0]].city.clone(),
            slug: slug.to_string(),
            state: code.to_string(),
            state_index,
            path: format!("{}{slug}/", state_path(code)),
            facilities: m,
        });
    }
    city_ids
}

/// Every page the directory makes: the locator, state and city pages, facility pages.
fn routes(facilities: &[Facility], states: &[State], cities: &[City]) -> Vec<Route> {
    let mut routes = vec![Route {
        path: LOCATOR_PATH.into(),
        owner: "the treatment locator".into(),
        source: None,
    }];
    routes.extend(states.iter().map(|s| Route {
        path: s.path.clone(),
        owner: format!("the state page of {}", s.name),
        source: None,
    }));
    routes.extend(cities.iter().map(|c| Route {
        path: c.path.clone(),
        owner: format!("the city page of {}, {}", c.name, c.state),
        source: None,
    }));
    routes.extend(facilities.iter().map(|f| Route {
        path: f.path.clone(),
        owner: f.source.name.clone(),
        source: Some(f.source.clone()),
    }));
    routes
}

/// Case- and accent-insensitive sort key ("Ñandú" sorts with "nandu").
pub fn sort_key(s: &str) -> String {
    deunicode::deunicode(s).to_lowercase()
}
