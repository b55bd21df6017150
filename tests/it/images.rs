//! Images sized for phones (docs/images.md): every JPEG and PNG becomes a `<picture>` with
//! `srcset`, `sizes`, `width` and `height`, its copies exist at the widths they claim, the
//! cache makes a second build do no image work, and bad images are reported.

use std::io::Cursor;
use std::path::Path;

use crate::support::{Built, Page, Site, snapshot};

const FAMILY: &str = "content/articles/family.md";

/// A JPEG of `w`x`h` with some texture, like a photo.
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let n = (x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503)) % 32;
        image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 100 + n as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .expect("encode the test JPEG");
    out
}

fn put(site: &Site, rel: &str, bytes: &[u8]) {
    let path = site.root().join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
    std::fs::write(path, bytes).expect("write test file");
}

/// The width and height in an image file's header: JPEG and PNG through `image`, WebP
/// read here (haven's `image` has no WebP decoder).
fn dimensions(bytes: &[u8]) -> (u32, u32) {
    if bytes.len() > 30 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        let le16 = |i: usize| u32::from(bytes[i]) | u32::from(bytes[i + 1]) << 8;
        let le24 = |i: usize| le16(i) | u32::from(bytes[i + 2]) << 16;
        return match &bytes[12..16] {
            b"VP8 " => (le16(26) & 0x3fff, le16(28) & 0x3fff),
            b"VP8L" => {
                let b = u32::from_le_bytes([bytes[21], bytes[22], bytes[23], bytes[24]]);
                ((b & 0x3fff) + 1, ((b >> 14) & 0x3fff) + 1)
            }
            b"VP8X" => (le24(24) + 1, le24(27) + 1),
            other => panic!("unknown WebP chunk {other:?}"),
        };
    }
    image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .expect("guess format")
        .into_dimensions()
        .expect("read the image header")
}

/// Every file of a `srcset`, as (site path, claimed width).
fn entries(srcset: &str) -> Vec<(String, u32)> {
    srcset
        .split(',')
        .map(|e| {
            let (url, w) = e.trim().rsplit_once(' ').expect("url and width");
            let w = w
                .strip_suffix('w')
                .expect("a width descriptor")
                .parse()
                .expect("a number");
            (url.to_string(), w)
        })
        .collect()
}

/// Both `srcset`s of the `<picture>` at `picture` (its `<img>`'s and its WebP `<source>`'s)
/// name the widths 480, 960 and 1440, and each file exists at its width and `height(width)`.
fn assert_copies(built: &Built, page: &Page, picture: &str, height: impl Fn(u32) -> u32) {
    let img = page.attr(&format!("{picture} img"), "srcset");
    let webp = page.attr(&format!("{picture} source[type='image/webp']"), "srcset");
    for srcset in [img, webp] {
        let files = entries(&srcset);
        assert_eq!(
            files.iter().map(|f| f.1).collect::<Vec<_>>(),
            [480, 960, 1440],
            "{srcset}"
        );
        for (url, width) in files {
            let bytes = std::fs::read(built.file(&url)).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(dimensions(&bytes), (width, height(width)), "{url}");
        }
    }
}

fn with_photo() -> Site {
    let site = Site::fixture("basic").edit(
        FAMILY,
        "Caring for someone you love.\n",
        "Caring for someone you love.\n\n![Two mugs of tea on a kitchen table](/images/table.jpg)\n",
    );
    put(&site, "content/static/images/table.jpg", &jpeg(2000, 1500));
    site
}

#[test]
fn srcset_width_height_and_every_file_at_its_width() {
    let built = with_photo().build();
    let page = built.page("/articles/family/");
    let img = ".prose picture img";
    assert_eq!(page.attr(img, "alt"), "Two mugs of tea on a kitchen table");
    assert_eq!(
        (page.attr(img, "width"), page.attr(img, "height")),
        ("1440".into(), "1080".into())
    );
    assert_eq!(page.attr(img, "src"), "/images/table.1440w.jpg");
    assert!(page.attr(img, "sizes").contains("100vw"));
    assert_eq!(page.attr(".prose picture source", "type"), "image/webp");
    assert_copies(&built, &page, ".prose picture", |w| w * 3 / 4);
    // The original stays at its own URL, as it was.
    let original = std::fs::read(built.file("/images/table.jpg")).expect("the original");
    assert_eq!(dimensions(&original), (2000, 1500));
    // The first image near the top of the page loads at once; one further down, lazily.
    assert!(page.one(img).value().attr("loading").is_none());
    let naloxone = built.page("/articles/naloxone/");
    let diagram = ".prose picture img";
    assert_eq!(naloxone.attr(diagram, "src"), "/images/diagram.png");
    assert_eq!(naloxone.attr(diagram, "width"), "600");
    assert_eq!(
        entries(&naloxone.attr(diagram, "srcset")),
        [
            ("/images/diagram.480w.png".to_string(), 480),
            ("/images/diagram.png".to_string(), 600)
        ]
    );
}

#[test]
fn a_body_image_far_down_loads_lazily() {
    let filler = "Words that fill the screen before the picture comes. ".repeat(10);
    let site = Site::fixture("basic").edit(
        FAMILY,
        "Look after yourself too.\n",
        &format!("Look after yourself too.\n\n{filler}\n\n![A chart of sleep hours](/images/diagram.png)\n"),
    );
    let page = site.build().page("/articles/family/");
    assert_eq!(page.attr(".prose picture img", "loading"), "lazy");
    assert_eq!(page.attr(".prose picture img", "decoding"), "async");
}

#[test]
fn author_photos_get_a_srcset() {
    let built = with_photo().build();
    let page = built.page("/authors/jane-roe-md/");
    let img = ".author-page picture img";
    assert_eq!(page.attr(img, "src"), "/images/authors/jane-roe.png");
    assert_eq!(page.attr(img, "sizes"), "96px");
    for (url, width) in entries(&page.attr(".author-page picture source", "srcset")) {
        let bytes = std::fs::read(built.file(&url)).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(dimensions(&bytes).0, width, "{url}");
    }
}

/// Modification times of every file of the image cache.
fn cache_times(root: &Path) -> Vec<(String, std::time::SystemTime)> {
    let dir = root.join(haven::images::cache::DIR);
    let files = snapshot(&dir);
    assert!(!files.is_empty(), "the cache is empty");
    files
        .keys()
        .map(|rel| {
            let t = std::fs::metadata(dir.join(rel))
                .and_then(|m| m.modified())
                .expect("mtime");
            (rel.clone(), t)
        })
        .collect()
}

#[test]
fn the_second_build_processes_no_image() {
    let site = with_photo();
    let first = site.build();
    // The fixture's diagram and author photo, and the photo.
    assert_eq!(first.report.images_made, 3);
    let before = cache_times(site.root());
    let out_before = snapshot(&first.out);
    let second = site.build();
    assert_eq!(second.report.images_made, 0);
    assert_eq!(cache_times(site.root()), before, "the cache was written again");
    assert!(snapshot(&second.out) == out_before, "the output differs");

    // A changed image is made again, and only it.
    put(&site, "content/static/images/table.jpg", &jpeg(1200, 900));
    let third = site.build();
    assert_eq!(third.report.images_made, 1);
    let page = third.page("/articles/family/");
    assert_eq!(page.attr(".prose picture img", "width"), "1200");

    // The cache can be deleted at any time: the next build makes it again.
    std::fs::remove_dir_all(site.root().join(".haven-cache")).expect("delete the cache");
    assert_eq!(site.build().report.images_made, 3);
}

#[test]
fn an_image_without_alt_text_is_an_error_at_its_place() {
    let errs = Site::fixture("basic")
        .edit(
            FAMILY,
            "Look after yourself too.\n",
            "Look after yourself too.\n\nSee ![](/images/diagram.png)\n",
        )
        .build_err();
    let d = errs.at(&format!("{FAMILY}:14:5"), "has no alt text");
    let help = d.help.clone().unwrap_or_default();
    assert!(help.contains("![\"\"]("), "{help}");
    assert!(help.contains("what the image shows"), "{help}");
}

#[test]
fn an_empty_quoted_alt_marks_decoration() {
    let site = Site::fixture("basic")
        .edit(
            FAMILY,
            "Look after yourself too.\n",
            "Look after yourself too.\n\n![\"\"](/images/diagram.png)\n\n![\"\"](/images/line.svg)\n",
        )
        .write(
            "content/static/images/line.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
        );
    let page = site.build().page("/articles/family/");
    assert_eq!(page.attr(".prose picture img", "alt"), "");
    let svg = page
        .select(".prose img")
        .into_iter()
        .find(|i| i.value().attr("src") == Some("/images/line.svg"))
        .expect("the SVG");
    assert_eq!(svg.value().attr("alt"), Some(""));
}

#[test]
fn a_large_source_is_a_warning_and_the_limit_is_checked() {
    let site = with_photo().append("content/site.yaml", "images: { warn_over: 200KB }\n");
    let built = site.build();
    let warned: Vec<_> = built
        .report
        .warnings
        .iter()
        .filter(|d| d.message.contains("a phone reader should not download"))
        .map(|d| d.message.clone())
        .collect();
    assert!(
        warned
            .iter()
            .any(|m| m.starts_with("content/static/images/table.jpg is ")),
        "{warned:?}"
    );
    assert!(!warned.iter().any(|m| m.contains("diagram.png")), "{warned:?}");

    let errs = Site::fixture("basic")
        .append("content/site.yaml", "images: { warn_over: lots }\n")
        .build_err();
    errs.at("content/site.yaml:14:22", "warn_over must be a size");
}

#[test]
fn a_corrupt_image_is_an_error_naming_the_file() {
    let site = Site::fixture("basic");
    put(
        &site,
        "content/static/images/broken.jpg",
        b"\xff\xd8\xff\xe0\x00\x10JFIF but then nothing",
    );
    put(&site, "content/static/images/fake.png", b"\x89PNG\r\n\x1a\nnot really");
    let errs = site.build_err();
    errs.find("content/static/images/broken.jpg cannot be read as an image");
    errs.find("content/static/images/fake.png cannot be read as an image");
    assert_eq!(errs.count(), 2, "{}", errs.text());
}

#[test]
fn svg_and_gif_are_copied_as_they_are() {
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>\n";
    let gif: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    let site = Site::fixture("basic")
        .edit(
            FAMILY,
            "Look after yourself too.\n",
            "Look after yourself too.\n\n![A dot](/images/dot.gif) ![A square](/images/square.svg)\n",
        )
        .write("content/static/images/square.svg", svg);
    put(&site, "content/static/images/dot.gif", gif);
    let built = site.build();
    assert_eq!(std::fs::read(built.file("/images/dot.gif")).expect("gif"), gif);
    assert_eq!(
        std::fs::read_to_string(built.file("/images/square.svg")).expect("svg"),
        svg
    );
    let out = snapshot(&built.out);
    assert!(
        !out.keys()
            .any(|k| k.starts_with("images/dot.") && k != "images/dot.gif")
    );
    assert!(
        !out.keys()
            .any(|k| k.starts_with("images/square.") && k != "images/square.svg")
    );
    let page = built.page("/articles/family/");
    assert_eq!(
        page.attrs(".prose p img", "src"),
        ["/images/dot.gif", "/images/square.svg"]
    );
}

/// A PNG of `w`x`h` (a theme's banner).
fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encode the test PNG");
    out
}

/// The default theme's home template with `call` put at the start of its content block.
fn home_template_with(call: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/templates/index.html");
    let text = std::fs::read_to_string(path).expect("the default index.html");
    assert!(text.contains("{% block content %}"), "{text}");
    text.replacen("{% block content %}", &format!("{{% block content %}}\n{call}\n"), 1)
}

/// The basic site with a theme PNG of 1600x400 that the home template shows with `call`.
fn theme_banner(call: &str) -> Site {
    let site = Site::fixture("basic").write("themes/default/templates/index.html", &home_template_with(call));
    put(&site, "themes/default/static/img/banner.png", &png(1600, 400));
    site
}

#[test]
fn a_theme_png_is_processed_and_templates_write_its_picture() {
    let call = r#"{{ picture(src="/img/banner.png", alt="A path through the hills", sizes="100vw", lazy=false, class="banner") }}"#;
    let site = theme_banner(call);
    let built = site.build();
    assert_eq!(built.report.images_made, 3, "the fixture's two images and the banner");
    let home = built.page("/");
    let img = "main picture img.banner";
    assert_eq!(home.attr(img, "alt"), "A path through the hills");
    assert_eq!(
        (home.attr(img, "width"), home.attr(img, "height")),
        ("1440".into(), "360".into())
    );
    assert_eq!(home.attr(img, "src"), "/img/banner.1440w.png");
    assert_eq!(home.attr(img, "sizes"), "100vw");
    // `lazy=false`: a first-screen image loads at once.
    assert!(home.one(img).value().attr("loading").is_none());
    assert_copies(&built, &home, "main picture", |w| w / 4);
    // The original stays at its own URL; the next build takes the copies from the cache.
    let original = std::fs::read(built.file("/img/banner.png")).expect("the original");
    assert_eq!(dimensions(&original), (1600, 400));
    assert_eq!(site.build().report.images_made, 0);

    // Lazy by default, with the text column's sizes, under the site's sub-path.
    let site = theme_banner(r#"{{ picture(src="/img/banner.png", alt="") }}"#).base_url("https://example.org/sub/");
    let home = site.build().page("/");
    let img = "main picture img";
    assert_eq!(home.attr(img, "src"), "/sub/img/banner.1440w.png");
    assert_eq!(home.attr(img, "alt"), "");
    assert_eq!(home.attr(img, "loading"), "lazy");
    assert_eq!(home.attr(img, "sizes"), haven::images::BODY_SIZES);
}

#[test]
fn picture_of_an_unknown_image_or_argument_is_a_template_error() {
    let errs = theme_banner(r#"{{ picture(src="/img/nope.png", alt="x") }}"#).build_err();
    let d = errs.find("is not a JPEG or PNG");
    assert!(d.message.contains("/img/nope.png"), "{}", d.message);
    assert!(d.message.contains("index.html"), "{}", d.message);
    let errs = theme_banner(r#"{{ picture(src="/img/banner.png", alt="x", size="10px") }}"#).build_err();
    errs.find("picture() has no argument `size`");
    let errs = theme_banner(r#"{{ picture(src="/img/banner.png") }}"#).build_err();
    errs.find("alt");
}

/// The names of the entry folders of the image cache (32 hex digits).
fn cache_entries(root: &Path) -> std::collections::BTreeSet<String> {
    let dir = root.join(haven::images::cache::DIR);
    std::fs::read_dir(dir)
        .expect("the cache folder")
        .map(|e| e.expect("a cache entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.len() == 32 && n.bytes().all(|b| b.is_ascii_hexdigit()))
        .collect()
}

#[test]
fn a_build_removes_cache_entries_no_image_uses_and_nothing_else() {
    let site = with_photo();
    assert_eq!(site.build().report.images_pruned, 0);
    let dir = site.root().join(haven::images::cache::DIR);
    let first = cache_entries(site.root());
    assert_eq!(first.len(), 3);
    // What is not an entry stays: a file, a folder of another name, a symlink named like an
    // entry (and what it points to, outside the cache).
    std::fs::write(dir.join("notes.txt"), "mine").expect("write");
    std::fs::create_dir(dir.join("keep-me")).expect("mkdir");
    let outside = site.root().join("outside");
    std::fs::create_dir(&outside).expect("mkdir");
    std::fs::write(outside.join("precious.txt"), "keep").expect("write");
    let link = "f".repeat(32);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, dir.join(&link)).expect("symlink");
    // A half-written entry of a stopped build goes.
    let partial = dir.join(format!(".{}.4242.tmp", "0".repeat(32)));
    std::fs::create_dir(&partial).expect("mkdir");
    std::fs::write(partial.join("480.webp"), "half").expect("write");

    // The photo is changed: its old entry is used by no image any more.
    put(&site, "content/static/images/table.jpg", &jpeg(1200, 900));
    let second = site.build();
    assert_eq!(second.report.images_made, 1);
    assert_eq!(second.report.images_pruned, 2, "the old photo's entry and the half one");
    let now = cache_entries(site.root());
    assert_eq!(first.difference(&now).count(), 1, "{first:?} -> {now:?}");
    let fresh: Vec<_> = now.difference(&first).filter(|n| **n != link).cloned().collect();
    assert_eq!(fresh.len(), 1, "{first:?} -> {now:?}");
    assert!(!partial.exists());
    assert!(dir.join("notes.txt").is_file() && dir.join("keep-me").is_dir());
    assert_eq!(
        std::fs::read_to_string(outside.join("precious.txt")).expect("kept"),
        "keep"
    );
    #[cfg(unix)]
    assert!(dir.join(&link).symlink_metadata().is_ok(), "the symlink stays");
    // The pages still have every copy.
    let page = second.page("/articles/family/");
    assert_eq!(page.attr(".prose picture img", "width"), "1200");

    // While another build or `haven serve` holds the cache, nothing is removed.
    let other = std::fs::File::open(dir.join(".lock")).expect("the lock file");
    other.lock_shared().expect("a shared lock");
    put(&site, "content/static/images/table.jpg", &jpeg(1000, 750));
    assert_eq!(site.build().report.images_pruned, 0);
    assert!(
        now.iter().all(|n| dir.join(n).exists()),
        "an entry went while the cache was held"
    );
    drop(other);
    assert_eq!(site.build().report.images_pruned, 1);
    assert!(!dir.join(&fresh[0]).exists());
}

#[test]
fn an_image_from_another_site_is_a_warning_at_its_place() {
    let built = Site::fixture("basic")
        .edit(
            FAMILY,
            "Look after yourself too.\n",
            "Look after yourself too.\n\nSee ![A chart](https://example.org/chart.png) and ![A map](//example.org/map.png).\n",
        )
        .build();
    let places: Vec<String> = built
        .report
        .warnings
        .iter()
        .filter(|d| d.message.contains("is on another site: readers will not see it"))
        .map(|d| format!("{:?} {}", d.place(), d.message))
        .collect();
    assert_eq!(places.len(), 2, "{places:?}");
    assert!(
        places[0].starts_with(&format!(
            "Some(\"{FAMILY}:14:5\") the image https://example.org/chart.png"
        )),
        "{places:?}"
    );
    assert!(places[1].contains("//example.org/map.png"), "{places:?}");
    let local = built
        .report
        .warnings
        .iter()
        .filter(|d| d.message.contains("/images/diagram.png"));
    assert_eq!(local.count(), 0);
}

#[test]
fn an_img_in_raw_html_needs_alt_text_and_is_told_it_is_not_resized() {
    let site = |html: &str| {
        Site::fixture("basic").edit(
            FAMILY,
            "Look after yourself too.\n",
            &format!("Look after yourself too.\n\nSee {html}\n"),
        )
    };
    let errs = site(r#"<img src="/images/diagram.png">"#).build_err();
    let d = errs.at(
        &format!("{FAMILY}:14:5"),
        "the image /images/diagram.png has no alt text",
    );
    let help = d.help.clone().unwrap_or_default();
    assert!(help.contains("![what it shows](/images/diagram.png)"), "{help}");

    let built =
        site(r#"<img src="/images/diagram.png" alt="A chart of sleep hours"> and <img src="/images/line.svg" alt="">"#)
            .write(
                "content/static/images/line.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
            )
            .build();
    let warned: Vec<_> = built
        .report
        .warnings
        .iter()
        .filter(|d| d.message.contains("is sent to phones at full size"))
        .map(|d| (d.place(), d.help.clone().unwrap_or_default()))
        .collect();
    assert_eq!(warned.len(), 1, "only the PNG, not the SVG: {warned:?}");
    assert_eq!(warned[0].0.as_deref(), Some(&*format!("{FAMILY}:14:5")));
    assert!(
        warned[0].1.contains("`![A chart of sleep hours](/images/diagram.png)`"),
        "{warned:?}"
    );
}
