//! Components editors place in Markdown: Tera 2 components (`{% component name(...) %}`)
//! from the theme's `components/` folder, called from an article, page or bio body.
//!
//! [`prepare`] finds the calls in a body and puts a marker in place of each (`syntax`);
//! the body's Markdown is then rendered (and sanitized) as usual, and [`Engine::fill`]
//! checks every call against its component's definition (name, arguments, their types,
//! the facility it names) and puts the component's HTML in place of its marker, a body
//! component (`callout`) getting the HTML between its open and close markers as `body`.
//!
//! A component's *implicit* parameters (`@name` in its definition) are haven's data, never
//! the editor's: `@lang`, `@t` (the theme's strings in the page's language), `@site`
//! (`hotline`, `crisis_lines`, `title`), and for a component that declares them
//! `@facility` (the card of the facility its `path` argument names) and `@facilities` /
//! `@sponsored` / `@place` (the facilities its `state`, `city`, `paths` and `limit`
//! arguments choose). A definition's metadata may say `{"one_of": {"arg": [values]}}` and
//! `{"needs": "hotline"}` (or `"crisis_lines"`); docs/editors-guide.md documents them.

pub mod data;
mod syntax;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use tera::{ComponentArgType, ComponentInfo, Context, Tera};

use crate::config::SiteConfig;
use crate::diag::{Diag, did_you_mean};
use crate::facility::{Directory, Facility};
use crate::theme::Theme;

pub use syntax::{Prepared, SyntaxError, prepare};

use data::{Card, CrisisCtx, HotlineCtx};
use syntax::{Call, Kind, next_marker};

/// A problem with a call: (span in the body, message, how to fix it).
pub type Problem = SyntaxError;

/// `@site` in a component.
#[derive(Debug, Serialize)]
struct SiteData {
    title: String,
    hotline: Option<HotlineCtx>,
    crisis_lines: Vec<CrisisCtx>,
}

/// The theme's components, ready to check and render calls of one language's site.
pub struct Engine<'a> {
    tera: Tera,
    infos: BTreeMap<String, ComponentInfo>,
    /// Component name -> the file that defines it.
    origins: BTreeMap<String, String>,
    config: &'a SiteConfig,
    directory: &'a Directory,
    strings: BTreeMap<String, String>,
    implicits: Context,
}

impl std::fmt::Debug for Engine<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("components", &self.origins).finish()
    }
}

impl<'a> Engine<'a> {
    /// The theme's components for `config`'s language; an error names the component file.
    pub fn new(theme: &Theme, config: &'a SiteConfig, directory: &'a Directory) -> Result<Self, Diag> {
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html"]);
        // The theme's partials too, so a component and a page template can share one.
        let partials = theme.templates.values().filter(|t| t.name.starts_with("partials/"));
        let files: Vec<&crate::theme::Template> = theme.components.values().chain(partials).collect();
        if let Err(e) = tera.add_raw_templates(files.iter().map(|t| (t.name.as_str(), t.text.as_str()))) {
            let text = chain(&e);
            let origins: Vec<&str> = files
                .iter()
                .filter(|t| text.contains(&t.name))
                .map(|t| t.origin.as_str())
                .collect();
            return Err(Diag::error(format!("error in the theme's components: {text}"))
                .help(format!("fix {}", list_or_none(&origins))));
        }
        let infos: BTreeMap<String, ComponentInfo> = tera
            .get_component_names()
            .filter_map(|n| Some((n.to_string(), tera.get_component_definition(n)?)))
            .collect();
        let origins = infos
            .keys()
            .map(|n| {
                let file = theme
                    .components
                    .values()
                    .find(|t| t.text.contains(&format!("component {n}(")))
                    .map_or_else(|| "the theme's components/".to_string(), |t| t.origin.clone());
                (n.clone(), file)
            })
            .collect();
        // Missing keys are reported by the render stage; here the strings there are serve.
        let strings = crate::i18n::strings(theme, &config.language, &config.all_languages()).unwrap_or_default();
        let mut implicits = Context::new();
        implicits.insert("lang", &config.language);
        implicits.insert("t", &strings);
        implicits.insert(
            "site",
            &SiteData {
                title: config.title.clone(),
                hotline: HotlineCtx::new(config),
                crisis_lines: CrisisCtx::all(config),
            },
        );
        Ok(Engine {
            tera,
            infos,
            origins,
            config,
            directory,
            strings,
            implicits,
        })
    }

    /// The HTML of a prepared body with every marker replaced by its component; every
    /// bad call of the body at once otherwise.
    pub fn fill(&self, html: &str, p: &Prepared) -> Result<String, Vec<Problem>> {
        let mut problems = p.errors.clone();
        let ready: Vec<Option<(Context, Context)>> = p
            .calls
            .iter()
            .map(|c| match c.kind {
                Kind::Close { .. } => None,
                _ => self.check(c, &mut problems),
            })
            .collect();
        if !problems.is_empty() {
            return Err(problems);
        }
        // A stack of open bodies: markers come in the order of the text.
        let mut stack: Vec<(usize, String)> = vec![(usize::MAX, String::with_capacity(html.len() * 2))];
        let mut from = 0;
        let mut search = 0;
        while let Some((start, end, index, close)) = next_marker(html, search) {
            search = end;
            let Some(Some((args, implicits))) = ready.get(index) else {
                continue;
            };
            let call = &p.calls[index];
            if let Some(top) = stack.last_mut() {
                top.1.push_str(&html[from..start]);
            }
            from = end;
            let body = match (call.kind, close) {
                (Kind::Open, false) => {
                    stack.push((index, String::new()));
                    continue;
                }
                // Markers the editor wrote themselves can close what is not open: ignored
                // (the outermost entry is never taken off).
                (Kind::Open, true) if stack.len() > 1 && stack.last().is_some_and(|(i, _)| *i == index) => {
                    stack.pop().map(|(_, body)| body)
                }
                (Kind::Open, true) => continue,
                _ => None,
            };
            let out = self
                .tera
                .render_component_with_implicits(&call.name, args, implicits, body.as_deref(), true)
                .map_err(|e| {
                    vec![(
                        call.span,
                        format!("the component `{}` could not be rendered: {}", call.name, chain(&e)),
                        format!("fix the component in {}", self.origin(&call.name)),
                    )]
                })?;
            if let Some(top) = stack.last_mut() {
                top.1.push_str(out.trim());
                top.1.push('\n');
            }
        }
        // Bodies left open (only by markers the editor wrote) go out as they are.
        let mut done = String::new();
        for (_, part) in stack {
            done.push_str(&part);
        }
        done.push_str(&html[from..]);
        Ok(done)
    }

    fn origin(&self, name: &str) -> &str {
        self.origins.get(name).map_or("the theme's components/", String::as_str)
    }

    /// The arguments and implicit values of a call, or its problems in `problems`.
    fn check(&self, c: &Call, problems: &mut Vec<Problem>) -> Option<(Context, Context)> {
        let before = problems.len();
        let Some(info) = self.infos.get(&c.name) else {
            let names: Vec<&str> = self.infos.keys().map(String::as_str).collect();
            let hint = match did_you_mean(&c.name, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? "),
                None => String::new(),
            };
            problems.push((
                c.name_span,
                format!("there is no component `{}`", c.name),
                format!(
                    "{hint}the components are: {} (a site adds its own in themes/<name>/components/)",
                    names.join(", ")
                ),
            ));
            return None;
        };
        let params: Vec<&str> = info
            .args()
            .iter()
            .filter(|a| !a.is_implicit())
            .map(|a| a.name())
            .collect();
        let one_of = info.metadata().get("one_of").and_then(|v| serde_json::to_value(v).ok());
        let mut args = Context::new();
        let mut given: BTreeMap<&str, &Value> = BTreeMap::new();
        // Arguments a misspelt one was taken for: not reported missing as well.
        let mut meant: Vec<&str> = Vec::new();
        for a in &c.args {
            let Some(param) = info.args().iter().find(|p| p.name() == a.name && !p.is_implicit()) else {
                let suggestion = did_you_mean(&a.name, params.iter().copied());
                meant.extend(suggestion);
                let hint = match suggestion {
                    Some(s) => format!("did you mean `{s}`? "),
                    None => String::new(),
                };
                problems.push((
                    a.span,
                    format!("the component `{}` has no argument `{}`", c.name, a.name),
                    format!("{hint}its arguments are: {}", list_or_none(&params)),
                ));
                continue;
            };
            let Some(value) = &a.value else {
                problems.push((
                    a.span,
                    format!("the argument `{}` of `{}` has no value", a.name, c.name),
                    format!("write {}=\"...\" (text in double quotes) or {}={{...}}", a.name, a.name),
                ));
                continue;
            };
            if given.insert(&a.name, value).is_some() {
                problems.push((
                    a.span,
                    format!("the argument `{}` is given twice", a.name),
                    "keep one of them".into(),
                ));
                continue;
            }
            if let Some(t) = param.arg_type()
                && !type_matches(t, value)
            {
                problems.push((
                    a.span,
                    format!(
                        "the argument `{}` of `{}` must be {}, not {}",
                        a.name,
                        c.name,
                        type_name(t),
                        value_name(value)
                    ),
                    format!("write it as {}", example(&a.name, t)),
                ));
                continue;
            }
            if let Some(allowed) = one_of.as_ref().and_then(|m| m.get(&a.name)).and_then(Value::as_array) {
                let allowed: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
                if let Some(v) = value.as_str()
                    && !allowed.contains(&v)
                {
                    let hint = match did_you_mean(v, allowed.iter().copied()) {
                        Some(s) => format!("did you mean \"{s}\"? "),
                        None => String::new(),
                    };
                    problems.push((
                        a.span,
                        format!("`{}` of `{}` cannot be \"{v}\"", a.name, c.name),
                        format!("{hint}it is one of: {}", allowed.join(", ")),
                    ));
                    continue;
                }
            }
            args.insert(a.name.clone(), value);
        }
        let missing =
            |p: &&tera::ComponentArg| p.is_required() && !given.contains_key(p.name()) && !meant.contains(&p.name());
        for p in info.args().iter().filter(missing) {
            let t = p.arg_type().unwrap_or(ComponentArgType::String);
            problems.push((
                c.span,
                format!("the component `{}` needs the argument `{}`", c.name, p.name()),
                format!("add {} inside the call", example(p.name(), t)),
            ));
        }
        let needs = info
            .metadata()
            .get("needs")
            .and_then(|v| v.as_str().map(str::to_string));
        match needs.as_deref() {
            Some("hotline") if self.config.hotline.is_none() => problems.push((
                c.span,
                format!(
                    "the component `{}` shows the site's hotline, and this site has none",
                    c.name
                ),
                "add `hotline:` to site.yaml (see docs/format.md), or remove the call".into(),
            )),
            Some("crisis_lines") if self.config.crisis_lines.is_empty() => problems.push((
                c.span,
                format!(
                    "the component `{}` shows the crisis lines, and this site lists none",
                    c.name
                ),
                "add `crisis_lines:` to site.yaml, or remove the call".into(),
            )),
            _ => {}
        }
        let mut implicits = self.implicits.clone();
        let declares = |n: &str| info.args().iter().any(|a| a.is_implicit() && a.name() == n);
        if declares("facility") {
            let path = given.get("path").and_then(|v| v.as_str());
            let span = c.args.iter().find(|a| a.name == "path").map_or(c.span, |a| a.span);
            if let Some(f) = path.and_then(|p| self.facility(p, span, problems)) {
                implicits.insert("facility", &Card::new(self.config, &self.strings, f));
            }
        }
        if declares("facilities") || declares("sponsored") {
            self.choose(c, &given, &mut implicits, problems);
        }
        (problems.len() == before).then_some((args, implicits))
    }

    /// The facility of file `path` (`facilities/oh/x.yaml`, also with `content/` or `@/`).
    fn facility(&self, path: &str, span: (usize, usize), problems: &mut Vec<Problem>) -> Option<&'a Facility> {
        let rel = path.trim_start_matches("@/").trim_start_matches("content/");
        let fs = &self.directory.facilities;
        if let Some(f) = fs.iter().find(|f| f.rel == rel) {
            return Some(f);
        }
        let hint = match did_you_mean(rel, fs.iter().map(|f| f.rel.as_str())) {
            Some(s) => format!("did you mean \"{s}\"? "),
            None => String::new(),
        };
        problems.push((
            span,
            format!("there is no facility file \"{path}\""),
            format!("{hint}give the file's path inside content/, such as \"facilities/oh/example.yaml\""),
        ));
        None
    }

    /// `@facilities` (unpaid), `@sponsored` and `@place` of a `facilities`-like call.
    fn choose(&self, c: &Call, given: &BTreeMap<&str, &Value>, implicits: &mut Context, problems: &mut Vec<Problem>) {
        let span = |n: &str| c.args.iter().find(|a| a.name == n).map_or(c.span, |a| a.span);
        let text = |n: &str| given.get(n).and_then(|v| v.as_str()).unwrap_or("").trim();
        let limit = given.get("limit").and_then(|v| v.as_u64()).unwrap_or(5).max(1) as usize;
        let d = self.directory;
        let mut chosen: Vec<&Facility> = Vec::new();
        let mut place: Option<(String, String)> = None;
        if let Some(paths) = given.get("paths").and_then(|v| v.as_array()).filter(|a| !a.is_empty()) {
            for p in paths {
                let f = p.as_str().and_then(|p| self.facility(p, span("paths"), problems));
                chosen.extend(f);
            }
        } else if text("state").is_empty() {
            problems.push((
                c.span,
                format!("the component `{}` needs a `state` (or a list of `paths`)", c.name),
                "write state=\"OH\" (and city=\"Columbus\" for a city), or paths={[\"facilities/oh/a.yaml\"]}".into(),
            ));
        } else {
            let state = text("state");
            let Some(s) = d
                .states
                .iter()
                .find(|s| s.code.eq_ignore_ascii_case(state) || s.name.eq_ignore_ascii_case(state))
            else {
                let names = d.states.iter().map(|s| s.code.as_str());
                let hint = did_you_mean(state, names).map_or(String::new(), |s| format!("did you mean \"{s}\"? "));
                problems.push((
                    span("state"),
                    format!("no facility is listed in the state \"{state}\""),
                    format!("{hint}give a state's two-letter code that has listings, such as \"OH\""),
                ));
                return;
            };
            let city = text("city");
            if city.is_empty() {
                chosen.extend(s.facilities.iter().map(|i| &d.facilities[*i]));
                place = Some((s.name.clone(), self.config.link(&s.path)));
            } else {
                let cities: Vec<_> = s.cities.iter().map(|i| &d.cities[*i]).collect();
                let Some(town) = cities
                    .iter()
                    .find(|t| t.name.eq_ignore_ascii_case(city) || t.slug == crate::slug::slugify(city))
                else {
                    let hint = did_you_mean(city, cities.iter().map(|t| t.name.as_str()))
                        .map_or(String::new(), |s| format!("did you mean \"{s}\"? "));
                    problems.push((
                        span("city"),
                        format!("no facility is listed in \"{city}\", {}", s.code),
                        format!("{hint}give a city with listings in {}, or leave city out", s.name),
                    ));
                    return;
                };
                // The city's own first, then the nearest others of its state.
                let own: Vec<&Facility> = town.facilities.iter().map(|i| &d.facilities[*i]).collect();
                let n = own.len().max(1) as f64;
                let (lat, lon) = own.iter().fold((0.0, 0.0), |(a, b), f| (a + f.lat / n, b + f.lon / n));
                let mut others: Vec<&Facility> = s
                    .facilities
                    .iter()
                    .map(|i| &d.facilities[*i])
                    .filter(|f| !town.facilities.iter().any(|i| std::ptr::eq(&d.facilities[*i], *f)))
                    .collect();
                let dist = |f: &Facility| (f.lat - lat).powi(2) + ((f.lon - lon) * lat.to_radians().cos()).powi(2);
                others.sort_by(|a, b| dist(a).total_cmp(&dist(b)));
                chosen.extend(own);
                chosen.extend(others);
                place = Some((format!("{}, {}", town.name, s.code), self.config.link(&town.path)));
            }
        }
        let (paid, free): (Vec<&Facility>, Vec<&Facility>) = chosen.into_iter().partition(|f| f.sponsored);
        let cards = |l: Vec<&Facility>| -> Vec<Card> {
            l.into_iter()
                .take(limit)
                .map(|f| Card::new(self.config, &self.strings, f))
                .collect()
        };
        implicits.insert("facilities", &cards(free));
        implicits.insert("sponsored", &cards(paid));
        let place = place.map(|(name, url)| BTreeMap::from([("name", name), ("url", url)]));
        implicits.insert("place", &place);
    }
}

fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

fn type_matches(t: ComponentArgType, v: &Value) -> bool {
    match t {
        ComponentArgType::String => v.is_string(),
        ComponentArgType::Bool => v.is_boolean(),
        ComponentArgType::Integer => v.is_i64() || v.is_u64(),
        ComponentArgType::Float | ComponentArgType::Number => v.is_number(),
        ComponentArgType::Array => v.is_array(),
        ComponentArgType::Map => v.is_object(),
        _ => false,
    }
}

fn type_name(t: ComponentArgType) -> &'static str {
    match t {
        ComponentArgType::String => "text",
        ComponentArgType::Bool => "true or false",
        ComponentArgType::Integer => "a whole number",
        ComponentArgType::Float | ComponentArgType::Number => "a number",
        ComponentArgType::Array => "a list",
        ComponentArgType::Map => "a map",
        _ => "bytes",
    }
}

fn value_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "text",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
        Value::Null => "null",
    }
}

fn example(name: &str, t: ComponentArgType) -> String {
    match t {
        ComponentArgType::Bool => format!("{name}={{true}}"),
        ComponentArgType::Integer | ComponentArgType::Float | ComponentArgType::Number => format!("{name}={{3}}"),
        ComponentArgType::Array => format!("{name}={{[\"a\", \"b\"]}}"),
        _ => format!("{name}=\"...\""),
    }
}

/// A Tera error with its causes.
fn chain(e: &tera::Error) -> String {
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        text.push_str(&format!(": {c}"));
        cause = c.source();
    }
    text
}

/// Sanitizes the HTML of a body with markers piece by piece, keeping the markers (the
/// sanitizer would drop them as comments; the components' HTML comes from the theme).
pub fn sanitize_between_markers(html: &str, clean: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(html.len());
    let mut from = 0;
    while let Some((start, end, _, _)) = next_marker(html, from) {
        out.push_str(&clean(&html[from..start]));
        out.push_str(&html[start..end]);
        from = end;
    }
    out.push_str(&clean(&html[from..]));
    out
}
