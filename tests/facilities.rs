//! Facilities end to end: fixture sites built with `haven::pipeline`, and the locator's
//! transfer budget on a generated 30,000-facility corpus.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use haven::pipeline::{self, BuildOptions};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A fixture built into a temporary folder, with helpers to read its pages.
struct Built {
    _dir: tempfile::TempDir,
    out: PathBuf,
}

impl Built {
    fn new(fixture: &Path) -> Built {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("site");
        // Built from a copy: a build writes its image cache (.haven-cache/) at the site's
        // root, which must not land in the repository's fixtures.
        let root = dir.path().join("root");
        for e in walkdir::WalkDir::new(fixture) {
            let e = e.expect("walk the fixture");
            let to = root.join(e.path().strip_prefix(fixture).expect("inside"));
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&to).expect("create folder");
            } else {
                std::fs::copy(e.path(), &to).expect("copy fixture file");
            }
        }
        let opts = BuildOptions {
            root: root.clone(),
            output: Some(out.clone()),
            minify: true,
            ..BuildOptions::default()
        };
        if let Err(diags) = pipeline::build(&opts) {
            let text: Vec<String> = diags.iter().map(|d| haven::diag::render(d, false)).collect();
            panic!("build failed:\n{}", text.join("\n"));
        }
        Built { _dir: dir, out }
    }

    fn page(&self, path: &str) -> scraper::Html {
        let file = self.out.join(haven::render::out_rel(path));
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        scraper::Html::parse_document(&text)
    }
}

fn sel(s: &str) -> scraper::Selector {
    scraper::Selector::parse(s).expect("selector")
}

fn texts(doc: &scraper::Html, s: &str) -> Vec<String> {
    doc.select(&sel(s))
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn attrs(doc: &scraper::Html, s: &str, attr: &str) -> Vec<String> {
    doc.select(&sel(s))
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// Files under `dir` (relative to the output), recursively.
fn files_under(out: &Path, dir: &str) -> usize {
    walkdir::WalkDir::new(out.join(dir))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count()
}

#[test]
fn zip_data_and_the_zip_search_only_come_with_facilities() {
    let with = Built::new(&fixture("facilities"));
    // Exact ZIP centroids only near the four facilities (San Antonio, Canon City, Coeur
    // d'Alene), not the whole country; the centre of every 3-digit prefix is in one file
    // for any other ZIP a reader types.
    let shards = files_under(&with.out, "treatment/data/zip");
    assert!((3..=12).contains(&shards), "{shards} ZIP files");
    for own in ["78", "81", "83"] {
        assert!(
            with.out.join(format!("treatment/data/zip/{own}.json")).is_file(),
            "{own}"
        );
    }
    assert!(
        !with.out.join("treatment/data/zip/10.json").exists(),
        "Manhattan is far from all"
    );
    let zip3: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(with.out.join("treatment/data/zip3.json")).expect("zip3.json"))
            .expect("json");
    let zip3 = zip3.as_object().expect("an object");
    assert!(zip3.len() > 800 && zip3.contains_key("100") && zip3.contains_key("995"));
    assert_eq!(with.page("/treatment/").select(&sel("#locator-form")).count(), 1);
    // A site without facilities: no ZIP files (they count toward hosts' file limits) and no
    // ZIP search that could only say it found nothing.
    let without = Built::new(&fixture("basic"));
    assert_eq!(files_under(&without.out, "treatment/data/zip"), 0);
    let locator = without.page("/treatment/");
    assert_eq!(locator.select(&sel("#locator-form")).count(), 0);
    assert_eq!(texts(&locator, ".state-list li"), ["No listings yet."]);
}

#[test]
fn facility_city_and_state_pages_with_spaces_apostrophes_and_accents() {
    let site = Built::new(&fixture("facilities"));

    // The locator links every state, by name; sub-path base URL kept.
    let locator = site.page("/treatment/");
    assert_eq!(texts(&locator, ".state-list a"), ["Colorado", "Idaho", "Texas"]);
    assert!(attrs(&locator, ".state-list a", "href").contains(&"/sub/treatment/id/".to_string()));
    assert!(
        texts(&locator, ".attribution")
            .iter()
            .any(|t| t.contains("GeoNames") && t.contains("CC BY 4.0"))
    );

    // City slugs: apostrophe, accent, space.
    let idaho = site.page("/treatment/id/");
    assert_eq!(
        attrs(&idaho, ".city-list a", "href"),
        ["/sub/treatment/id/coeur-dalene/"]
    );
    assert_eq!(texts(&idaho, ".city-list a"), ["Coeur d'Alene"]);
    let co = site.page("/treatment/co/canon-city/");
    assert_eq!(texts(&co, "h1"), ["Treatment in Cañon City, CO"]);
    // An explicit `false` is shown; an absent flag (walk_in here) is unknown and shows nothing.
    let clinica = site.page("/treatment/co/canon-city/clinica-senora-de-la-paz/");
    assert_eq!(texts(&clinica, ".flags li"), ["Not accepting new patients right now"]);
    assert_eq!(texts(&clinica, "h1"), ["Clínica Señora de la Paz"]);
    let sa = site.page("/treatment/tx/san-antonio/");
    // The unpaid facility in the list, the sponsored one only in its own block.
    assert_eq!(
        texts(&sa, "#facilities-title + .facility-list .card-title a"),
        ["Alamo Example House"]
    );
    assert_eq!(
        texts(&sa, ".sponsored-block .card-title a"),
        ["San Antonio Example Clinic"]
    );

    // Facility page: name with apostrophe and quotes, every own line, lang on Irish.
    let f = site.page("/treatment/id/coeur-dalene/omalleys/");
    assert_eq!(texts(&f, "h1"), ["O'Malley's \"Second Wind\" House"]);
    let hrefs = attrs(&f, ".lines a", "href");
    assert_eq!(
        hrefs,
        ["tel:+12085550100", "sms:+12085550101"],
        "fax is shown, not dialled"
    );
    assert!(
        texts(&f, ".lines li")
            .iter()
            .any(|t| t.contains("Fax") && t.contains("(208) 555-0102"))
    );
    assert_eq!(attrs(&f, "#languages-title + ul [lang]", "lang"), ["ga"]);
    assert!(
        attrs(&f, "a", "href")
            .iter()
            .any(|h| h.starts_with("https://www.openstreetmap.org/?mlat=47.67770&mlon=-116.78050"))
    );
    assert_eq!(texts(&f, ".facility-footer time"), ["October 1, 2026"]);
    assert!(attrs(&f, ".facility-footer a", "href").contains(&"mailto:listings@example.org".to_string()));
    assert!(texts(&f, ".flags li").contains(&"Walk-ins welcome".to_string()));

    // The @/ link from a page resolves to the facility page.
    let links = site.page("/links/");
    assert!(attrs(&links, "main a", "href").contains(&"/sub/treatment/id/coeur-dalene/omalleys/".to_string()));

    // JSON-LD parses and says what the issue asks for.
    let ld_text = f
        .select(&sel("script[type='application/ld+json']"))
        .next()
        .expect("json-ld")
        .inner_html();
    let ld: serde_json::Value = serde_json::from_str(&ld_text).expect("JSON-LD parses");
    assert_eq!(ld["@type"], "MedicalClinic");
    assert_eq!(ld["name"], "O'Malley's \"Second Wind\" House");
    assert_eq!(ld["telephone"], "+12085550100");
    assert_eq!(ld["address"]["addressLocality"], "Coeur d'Alene");
    assert_eq!(ld["address"]["postalCode"], "83814");
    assert_eq!(ld["geo"]["latitude"], 47.6777);
    assert_eq!(ld["url"], "https://example.org/sub/treatment/id/coeur-dalene/omalleys/");
    assert_eq!(
        ld["openingHours"],
        serde_json::json!(["Mo-Fr 08:00-18:00", "Sa 09:00-13:00"])
    );
    assert_eq!(ld["paymentAccepted"], "Self-pay, Sliding scale");
    assert_eq!(ld["knowsLanguage"], serde_json::json!(["en", "ga"]));

    // Sponsored page: label and explanation; description sanitized.
    let s = site.page("/treatment/tx/san-antonio/san-antonio-example/");
    assert!(
        texts(&s, ".sponsored-note")
            .iter()
            .any(|t| t.starts_with("Sponsored") && t.contains("paid listing"))
    );
    let prose = s.select(&sel(".prose")).next().expect("description").html();
    assert!(prose.contains("<strong>Open all night.</strong>"), "{prose}");
    assert!(
        !prose.contains("<script") && !prose.contains("onclick") && !prose.contains("alert"),
        "{prose}"
    );

    // Every directory page is in the sitemap.
    let sitemap = std::fs::read_to_string(site.out.join("sitemap.xml")).expect("sitemap");
    for p in [
        "treatment/",
        "treatment/id/",
        "treatment/co/canon-city/",
        "treatment/co/canon-city/clinica-senora-de-la-paz/",
    ] {
        assert!(
            sitemap.contains(&format!("https://example.org/sub/{p}<")),
            "{p} not in sitemap"
        );
    }
}

#[test]
fn invalid_facilities_report_every_error_with_file_and_line() {
    let opts = BuildOptions {
        root: fixture("facilities-invalid"),
        ..BuildOptions::default()
    };
    let Err(diags) = pipeline::check(&opts) else {
        panic!("the invalid fixture built");
    };
    let shown: Vec<String> = diags
        .iter()
        .map(|d| format!("{}: {}", d.place().unwrap_or_default(), d.message))
        .collect();
    let has = |want: &str| shown.iter().any(|s| s.starts_with(want));
    assert!(
        has("content/facilities/tx/one.yaml:6:18: unknown levels_of_care value `detoxx`"),
        "{shown:#?}"
    );
    assert!(!shown.iter().any(|s| s.contains("is also produced by")), "{shown:#?}");
    assert!(
        has("content/facilities/tx/two.yaml:2:7: the slug `same` is also used by content/facilities/tx/three.yaml"),
        "{shown:#?}"
    );
}

/// Deterministic pseudo-random numbers (xorshift), so the corpus is the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn gz(bytes: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip").len()
}

/// Writes `n` facilities at real ZIP centroids (so density follows the ZIP map, dense in
/// cities), with every optional list filled.
fn corpus(root: &Path, n: usize) {
    let content = root.join("content");
    std::fs::create_dir_all(content.join("facilities")).expect("mkdir");
    std::fs::write(
        content.join("site.yaml"),
        "title: Big\nbase_url: https://example.org/\n",
    )
    .expect("site.yaml");
    let zips: Vec<(&str, (f64, f64))> = haven::facility::zips::all()
        .filter_map(|z| Some((z.code(), z.centroid()?)))
        .collect();
    let levels = [
        "detox",
        "residential",
        "outpatient",
        "intensive-outpatient",
        "telehealth",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for i in 0..n {
        let (zip, (lat, lon)) = zips[rng.below(zips.len())];
        let dir = content.join("facilities").join(format!("{:03}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&dir).expect("mkdir");
        }
        let mut y = String::new();
        let _ = write!(
            y,
            "name: Example Treatment Center Number {i}\naddress:\n  street: {i} Example Street, Suite 100\n  city: Town {}\n  state: TX\n  zip: \"{zip}\"\ngeo: {{ lat: {:.5}, lon: {:.5} }}\nphone: \"+1512555{:04}\"\nlevels_of_care: [{}, {}]\nmedications: [buprenorphine, naloxone]\npayment: [medicaid, self-pay, private-insurance]\npopulations: [adults]\nlanguages: [en, es]\nwalk_in: true\nverified: 2026-10-01\nsponsored: {}\n",
            &zip[..3],
            lat + (rng.below(200) as f64 - 100.0) / 10_000.0,
            lon + (rng.below(200) as f64 - 100.0) / 10_000.0,
            i % 10_000,
            levels[rng.below(levels.len())],
            levels[rng.below(levels.len())],
            i % 50 == 0,
        );
        std::fs::write(dir.join(format!("f{i}.yaml")), y).expect("write");
    }
}

/// The cell keys a circle of `miles` around (lat, lon) touches: the same rule as locator.js.
fn cell_keys(lat: f64, lon: f64, miles: f64, size: f64) -> Vec<String> {
    let d_lat = miles / 69.0;
    let d_lon = miles / (69.17 * lat.to_radians().cos().max(0.05));
    let mut keys = Vec::new();
    for row in ((lat - d_lat) / size).floor() as i64..=((lat + d_lat) / size).floor() as i64 {
        for col in ((lon - d_lon) / size).floor() as i64..=((lon + d_lon) / size).floor() as i64 {
            keys.push(format!("{row}_{col}"));
        }
    }
    keys
}

#[test]
fn nine_facilities_write_few_locator_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    corpus(dir.path(), 9);
    let built = Built::new(dir.path());
    let all = files_under(&built.out, "treatment/data");
    let zip = files_under(&built.out, "treatment/data/zip");
    let cells = files_under(&built.out, "treatment/data/cells");
    eprintln!("9 facilities: {all} locator data files ({cells} cells, {zip} ZIP prefixes)");
    // index.json, zip3.json, at most one cell per facility, and the 2-digit ZIP areas
    // within 100 miles of them: before, 917 ZIP files whatever the site.
    assert_eq!(all, 2 + cells + zip);
    assert!((1..=9).contains(&cells), "{cells} cells");
    assert!(zip <= 9 * 6, "{zip} ZIP files for 9 facilities");
}

#[test]
fn one_zip_search_on_30000_facilities_stays_under_150_kb_gzip() {
    const N: usize = 30_000;
    let dir = tempfile::tempdir().expect("tempdir");
    let t = std::time::Instant::now();
    corpus(dir.path(), N);
    eprintln!("corpus written in {:?}", t.elapsed());
    let opts = BuildOptions {
        root: dir.path().to_path_buf(),
        ..BuildOptions::default()
    };
    let prepared = match pipeline::prepare(&opts) {
        Ok(p) => p,
        Err(d) => panic!("{:?}", d.first()),
    };
    eprintln!("prepared in {:?}: {:?}", t.elapsed(), prepared.timings.stages);
    let site = &prepared.site;
    assert_eq!(site.facilities.facilities.len(), N);
    // Render only what a search reads: the locator page, the index, the cells, the ZIP shard.
    let render = |job| haven::render::render_job(site, &prepared.tera, job).expect("render");
    let page = haven::write::minify(&render(haven::render::Job::Locator).bytes);
    let index = render(haven::render::Job::LocatorIndex).bytes;
    let script = &site.theme.assets["locator.js"].bytes;
    assert!(gz(script) <= 15 * 1024, "locator.js is {} bytes gzip", gz(script));
    let have: HashSet<&str> = site.facilities.cells.iter().map(|c| c.key.as_str()).collect();

    let mut worst = (0, String::new());
    // Dense places first: Manhattan, Chicago Loop, downtown Los Angeles, Austin, rural Montana.
    for zip in ["10001", "60601", "90012", "78701", "59001"] {
        let (lat, lon) = haven::facility::zips::centroid(zip).expect("zip");
        let prefix: u8 = zip[..2].parse().expect("digits");
        assert!(haven::render::locator_data::zip_prefixes(site).contains(&prefix));
        let prefix_job = render(haven::render::Job::LocatorZips(prefix));
        assert!(
            prefix_job.rel.ends_with(&format!("/{}.json", &zip[..2])),
            "{}",
            prefix_job.rel
        );
        let cells: Vec<usize> = cell_keys(lat, lon, 25.0, haven::facility::CELL_DEGREES)
            .iter()
            .filter(|k| have.contains(k.as_str()))
            .filter_map(|k| site.facilities.cells.iter().position(|c| &c.key == k))
            .collect();
        let cell_bytes: usize = cells
            .iter()
            .map(|i| gz(&render(haven::render::Job::LocatorCell(*i)).bytes))
            .sum();
        let total = gz(&page) + gz(script) + gz(&index) + gz(&prefix_job.bytes) + cell_bytes;
        eprintln!(
            "ZIP {zip}: page {} + script {} + index {} + zip shard {} + {} cells {} = {} bytes gzip",
            gz(&page),
            gz(script),
            gz(&index),
            gz(&prefix_job.bytes),
            cells.len(),
            cell_bytes,
            total
        );
        if total > worst.0 {
            worst = (total, zip.to_string());
        }
    }
    assert!(
        worst.0 <= 150 * 1024,
        "ZIP {} transfers {} bytes gzip",
        worst.1,
        worst.0
    );
}
