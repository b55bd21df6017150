//! A site's own theme folder overrides the built-in theme file by file.

use crate::support::Site;

const PAGE: &str = "themes/default/templates/page.html";

#[test]
fn site_template_overrides_just_that_template() {
    let built = Site::fixture("basic")
        .write(
            PAGE,
            "{% extends \"base.html\" %}\n{% block content %}<p id=\"custom\">{{ page.title }}</p>{% endblock content %}\n",
        )
        .build();
    let about = built.page("/about/");
    assert_eq!(about.text("#custom"), "About Us");
    assert!(!about.has("article.page"), "the built-in page.html was used");
    // Everything else still comes from the built-in theme.
    assert!(about.has("aside.hotline"), "base.html is the built-in one");
    assert!(built.page("/articles/naloxone/").has("article.article"));
}

#[test]
fn template_syntax_error_names_the_template_and_line() {
    let errs = Site::fixture("basic")
        .write(
            PAGE,
            "{% extends \"base.html\" %}\n{% block content %}\n{% if %}\n{% endblock content %}\n",
        )
        .build_err();
    assert_eq!(errs.count(), 1, "{}", errs.text());
    let d = &errs.diags[0];
    assert!(d.message.contains("page.html:3:7"), "{}", errs.text());
    // Regression: the multi-line message was printed twice, once under the other.
    assert_eq!(errs.text().matches("page.html:3:7").count(), 1, "{}", errs.text());
    assert!(d.help.as_deref().unwrap_or_default().contains(PAGE), "{}", errs.text());
}

#[test]
fn template_error_while_rendering_is_reported_once() {
    // Regression: a template used by many pages reported the same error once per page.
    let errs = Site::fixture("basic")
        .write(
            PAGE,
            "{% extends \"base.html\" %}\n{% block content %}\n{{ nope }}\n{% endblock content %}\n",
        )
        .build_err();
    assert_eq!(errs.count(), 1, "{}", errs.text());
    let d = &errs.diags[0];
    assert!(d.message.contains("page.html:3:4"), "{}", errs.text());
    assert!(
        d.help.as_deref().unwrap_or_default().contains("stops 1 other page"),
        "{}",
        errs.text()
    );
}
