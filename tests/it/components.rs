//! Components in Markdown (issue 18): each built-in component's HTML, every bad call
//! reported at its file:line:col in one run, calls in code left as text, a site's own.

use crate::support::Site;

const HOTLINE: &str = "hotline:\n  number: \"+18005550199\"\n  hours: \"24/7\"\n  answered_by: Calls are answered by Example Health, a paid advertiser.\n";

/// The `facilities` fixture with a hotline and a page whose body is `body`.
fn site(body: &str) -> Site {
    Site::fixture("facilities")
        .append("content/site.yaml", HOTLINE)
        .write("content/pages/help.md", &format!("---\ntitle: Help\n---\n{body}"))
}

#[test]
fn hotline_is_a_call_box_with_its_disclosure() {
    let built = site("Intro.\n\n{{ <hotline /> }}\n\nAfter.\n").build();
    let page = built.page("/help/");
    let link = page.attr(".prose .component-hotline a.call", "href");
    assert_eq!(link, "tel:+18005550199");
    assert_eq!(page.text(".prose .component-hotline summary"), "Who answers?");
    let disclosure = page.text(".prose .component-hotline details p");
    assert!(
        disclosure.contains("Hours: 24/7") && disclosure.contains("answered by Example Health, a paid advertiser"),
        "{disclosure}"
    );
    // The text around the call is still Markdown, and the page links the components' CSS.
    assert_eq!(page.texts(".prose > p"), ["Intro.", "After."]);
    let css = page.attrs("link[rel=stylesheet]", "href");
    assert!(css.iter().any(|h| h.contains("components.")), "{css:?}");
}

#[test]
fn crisis_lists_the_crisis_lines() {
    let page = site("{{ <crisis /> }}\n").build().page("/help/");
    let hrefs = page.attrs(".prose .component-crisis a", "href");
    assert!(hrefs.contains(&"tel:988".to_string()), "{hrefs:?}");
    assert!(hrefs.contains(&"sms:988".to_string()), "{hrefs:?}");
}

#[test]
fn callout_wraps_markdown_and_links() {
    let body = "{% <callout kind=\"warning\"> %}\nNever use **alone**: see [the list](/treatment/tx/).\n\n- one\n- two\n{% </callout> %}\n\n{% <callout kind=\"tip\" title=\"Good to know\"> %}\nTip text.\n{% </callout> %}\n";
    let page = site(body).build().page("/help/");
    let warning = page.one(".prose .callout-warning[role=note]");
    let html = warning.html();
    assert!(html.contains("<strong>alone</strong>"), "{html}");
    assert!(html.contains("href=\"/sub/treatment/tx/\""), "{html}");
    assert_eq!(page.texts(".callout-warning li"), ["one", "two"]);
    assert_eq!(page.text(".callout-warning .callout-label"), "Warning");
    assert_eq!(page.text(".callout-tip .callout-label"), "Good to know");
}

#[test]
fn facility_card_links_its_page_and_labels_sponsored() {
    let body = "{{ <facility path=\"facilities/tx/alamo-example.yaml\" /> }}\n\n{{ <facility path=\"facilities/tx/san-antonio-example.yaml\" /> }}\n";
    let page = site(body).build().page("/help/");
    let cards = page.select(".prose .component-facility");
    assert_eq!(cards.len(), 2);
    let names = page.texts(".component-facility .card-title a");
    assert_eq!(names, ["Alamo Example House", "San Antonio Example Clinic"]);
    let hrefs = page.attrs(".component-facility .card-title a", "href");
    assert!(
        hrefs[0].starts_with("/sub/treatment/tx/") && hrefs[0].ends_with("/alamo-example/"),
        "{hrefs:?}"
    );
    let badges = page.texts(".component-facility .badge");
    assert_eq!(badges, ["Sponsored"], "only the paid listing is labelled");
    assert!(
        page.attrs(".component-facility a.call", "href")
            .iter()
            .all(|h| h.starts_with("tel:+1"))
    );
}

#[test]
fn facilities_puts_unpaid_first_and_sponsored_apart() {
    let page = site("{{ <facilities state=\"TX\" /> }}\n").build().page("/help/");
    let unpaid = page.texts(".component-facilities > .facility-list .card-title a");
    assert_eq!(unpaid, ["Alamo Example House"]);
    let paid = page.texts(".component-facilities .sponsored-block .card-title");
    assert_eq!(paid, ["San Antonio Example Clinic Sponsored"]);
    assert_eq!(
        page.text(".component-facilities > .component-title"),
        "Facilities in Texas"
    );
    let more = page.attr(".component-facilities > p:last-child a", "href");
    assert_eq!(more, "/sub/treatment/tx/");
}

#[test]
fn a_call_in_code_is_left_as_text() {
    let body = "```\n{{ <hotline /> }}\n```\n\nWrite `{{ <crisis /> }}` for the box.\n";
    let page = site(body).build().page("/help/");
    assert!(!page.has(".component"), "no component rendered");
    assert_eq!(page.text(".prose pre code"), "{{ <hotline /> }}");
    assert_eq!(page.text(".prose p code"), "{{ <crisis /> }}");
}

#[test]
fn every_bad_call_is_reported_with_its_place() {
    let body = "{{ <hotlin /> }}\n\n{{ <facility pth=\"facilities/tx/alamo-example.yaml\" /> }}\n\n{{ <facility /> }}\n\n{{ <facility path=\"facilities/tx/alamo-exampel.yaml\" /> }}\n\n{{ <facilities state=\"TX\" limit=\"3\" /> }}\n";
    let errors = site(body).build_err();
    // The front matter is 3 lines: the body starts on line 4.
    let unknown = errors.at("content/pages/help.md:4:5", "there is no component `hotlin`");
    assert!(
        unknown
            .help
            .as_deref()
            .unwrap_or("")
            .contains("did you mean `hotline`?"),
        "{:?}",
        unknown.help
    );
    let arg = errors.at("content/pages/help.md:6:14", "has no argument `pth`");
    assert!(arg.help.as_deref().unwrap_or("").contains("did you mean `path`?"));
    errors.at("content/pages/help.md:8:1", "needs the argument `path`");
    let path = errors.at("content/pages/help.md:10:14", "there is no facility file");
    assert!(
        path.help
            .as_deref()
            .unwrap_or("")
            .contains("did you mean \"facilities/tx/alamo-example.yaml\"?"),
        "{:?}",
        path.help
    );
    errors.at(
        "content/pages/help.md:12:27",
        "`limit` of `facilities` must be a whole number",
    );
    assert_eq!(errors.count(), 5, "{}", errors.text());
}

#[test]
fn bad_calls_in_several_files_come_in_one_run() {
    let errors = site("{% <callout kind=\"warn\"> %}\nx\n{% </callout> %}\n")
        .write(
            "content/pages/other.md",
            "---\ntitle: Other\n---\nText {{ <crisis /> }} inline.\n\n{% <callout> %}\nnever closed\n",
        )
        .build_err();
    let kind = errors.at("content/pages/help.md:4:13", "`kind` of `callout` cannot be \"warn\"");
    assert!(kind.help.as_deref().unwrap_or("").contains("did you mean \"warning\"?"));
    errors.at("content/pages/other.md:4:6", "must stand on a line of its own");
    errors.at("content/pages/other.md:6:1", "opened here and never closed");
    assert_eq!(errors.count(), 3, "{}", errors.text());
}

#[test]
fn hotline_without_a_hotline_is_an_error() {
    let errors = Site::fixture("facilities")
        .write("content/pages/help.md", "---\ntitle: Help\n---\n{{ <hotline /> }}\n")
        .build_err();
    let d = errors.at("content/pages/help.md:4:1", "this site has none");
    assert!(d.help.as_deref().unwrap_or("").contains("hotline:"));
}

#[test]
fn a_site_adds_its_own_component() {
    let own = "{% component meeting(day: string, online: bool = false, @t, @lang) %}<p class=\"meeting\" lang=\"{{ lang }}\">{{ day }}{% if online %} (online){% endif %}</p>{% endcomponent meeting %}\n";
    let built = site("{{ <meeting day=\"Tuesday\" online={true} /> }}\n")
        .write("themes/default/components/meeting.html", own)
        .build();
    let page = built.page("/help/");
    assert_eq!(page.text(".prose p.meeting"), "Tuesday (online)");
    assert_eq!(page.attr(".prose p.meeting", "lang"), "en");
    // Its arguments are checked like the built-in ones'.
    let errors = site("{{ <meeting day={3} /> }}\n")
        .write("themes/default/components/meeting.html", own)
        .build_err();
    errors.at(
        "content/pages/help.md:4:13",
        "`day` of `meeting` must be text, not a number",
    );
}

#[test]
fn pages_without_components_do_not_link_their_css() {
    let built = site("Only text.\n").build();
    let css = built.page("/help/").attrs("link[rel=stylesheet]", "href");
    assert!(!css.iter().any(|h| h.contains("components.")), "{css:?}");
}

#[test]
fn the_home_page_may_call_components_too() {
    let built = site("Text.\n")
        .write(
            "content/index.md",
            "---\ntitle: Welcome\n---\nHello.\n\n{{ <crisis /> }}\n",
        )
        .build();
    let home = built.page("/");
    assert!(home.has(".prose .component-crisis"));
    let css = home.attrs("link[rel=stylesheet]", "href");
    assert!(css.iter().any(|h| h.contains("components.")), "{css:?}");
}

#[test]
fn components_nest_and_survive_the_sanitizer_beside_raw_html() {
    let body = "<abbr title=\"opioid use disorder\">OUD</abbr> <span onclick=\"x()\">text</span>\n\n{% <callout kind=\"note\"> %}\nInside, a box:\n\n{{ <hotline /> }}\n{% </callout> %}\n";
    let built = site(body).build();
    let page = built.page("/help/");
    // The editor's raw HTML is sanitized; the components' own markup is kept whole.
    assert!(page.has(".prose abbr[title]"));
    assert!(!page.one(".prose").html().contains("onclick"));
    assert!(page.has(".prose .callout[role=note] .component-hotline a.call[href^='tel:']"));
    assert!(page.has(".prose .callout .component-hotline details summary"));
    assert_eq!(page.text(".prose .callout > p:not(.callout-label)"), "Inside, a box:");
}

#[test]
fn markers_an_editor_writes_never_break_the_build() {
    // With trusted raw HTML the editor's comments stay: ones shaped like haven's markers
    // are ignored or close nothing, and the real calls still render.
    let body = "{% <callout> %}\nInside.\n<!--haven-component:/0-->\n<!--haven-component:/0-->\n{% </callout> %}\n\n<!--haven-component:7-->\n\n{{ <hotline /> }}\n";
    let built = site(body)
        .edit("content/site.yaml", "title:", "markdown:\n  raw_html: trusted\ntitle:")
        .build();
    let page = built.page("/help/");
    assert!(page.has(".prose .component-hotline a.call"));
    assert!(page.has(".prose .callout"));
}

/// The search index reads a body's words, not its component calls: a callout's text is
/// found, the call syntax (`{%`, `{{`, argument names) is in no index file.
#[test]
fn search_indexes_a_callouts_words_and_never_the_call() {
    let body = "{% <callout kind=\"tip\" title=\"Good to know\"> %}\nZanzibarish pharmacies carry kits.\n{% </callout> %}\n\n{{ <facility path=\"facilities/tx/alamo-example.yaml\" /> }}\n";
    let built = site(body).build();
    let dir = built.out.join("search-index");
    let mut all = String::new();
    for e in walkdir::WalkDir::new(&dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
    {
        all.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
    }
    assert!(all.contains("zanzibarish"), "the callout's word is indexed");
    assert!(
        all.contains("Zanzibarish pharmacies carry kits."),
        "its passage is the excerpt"
    );
    for syntax in ["{%", "{{", "%}", "callout", "path="] {
        assert!(!all.contains(syntax), "{syntax} in the index");
    }
}

#[test]
fn a_component_in_a_bio_gets_its_stylesheet_wherever_the_bio_shows() {
    let bio = "bio: |\n  Jane is an addiction medicine physician.\n\n  {% <callout kind=\"tip\" title=\"Ask her\"> %}\n  About **naloxone**.\n  {% </callout> %}\n";
    let site = Site::fixture("basic").edit(
        "content/authors/jane-roe-md.yaml",
        "bio: |\n  Jane is an addiction medicine physician.\n",
        bio,
    );
    let built = site.build();
    let components_css = |path: &str| {
        let page = built.page(path);
        let css = page.attrs("link[rel=stylesheet]", "href");
        css.iter().any(|h| h.contains("components."))
    };
    // Her own page, and an article she reviewed whose body calls no component.
    let author = built.page("/authors/jane-roe-md/");
    assert_eq!(author.text(".person-bio .callout-tip .callout-label"), "Ask her");
    assert!(components_css("/authors/jane-roe-md/"));
    let article = built.page("/articles/naloxone/");
    assert!(article.has(".reviewer .person-bio .callout-tip"));
    assert!(!article.has(".prose .component"));
    assert!(components_css("/articles/naloxone/"));
    // An author page and an article without any component do not link it.
    assert!(!components_css("/authors/sam-writer/"));
    assert!(!components_css("/articles/family/"));
}
