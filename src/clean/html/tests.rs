//! Extraction tests: blocks, signals and hidden text from small pages.

use super::*;

/// The signals of the block whose text is `text`.
fn signals_of(blocks: &[Block], text: &str) -> BlockSignals {
    blocks.iter().find(|b| b.text == text).expect(text).signals
}

fn texts(html: &str) -> Vec<String> {
    extract(html).into_iter().map(|b| b.text).collect()
}

#[test]
fn blocks_breaks_entities_and_whitespace() {
    assert_eq!(
        texts(
            "<p>One &amp; <b>two</b>\n  three</p><div>Four<br>five</div><ul><li>six<li>seven</ul>"
        ),
        ["One & two three", "Four", "five", "six", "seven"]
    );
}

#[test]
fn script_style_comments_and_hidden_text_contribute_nothing() {
    let html = r#"<p>Kept</p><script type="application/ld+json">{"a":"<p>x</p>"}</script>
            <style>p{}</style><!-- note --><template><p>t</p></template><svg><text>s</text></svg>
            <noscript><p>n</p></noscript><div hidden>h</div><p style="display: none">d</p><p>Also</p>"#;
    assert_eq!(texts(html), ["Kept", "Also"]);
}

#[test]
fn landmarks_and_links_are_recorded() {
    let html = r#"<header><a href="/">Home</a></header><article><header><h1>Title</h1></header>
            <p>Body with <a href="x">a link</a>.</p></article><footer>Foot</footer>
            <div id="comments"><p>Nice!</p></div>"#;
    let blocks = extract(html);
    let find = |t: &str| signals_of(&blocks, t);
    assert_eq!(find("Home").landmark, Some(Landmark::Header));
    assert_eq!(find("Home").link_density(), 1.0);
    assert_eq!(find("Title").landmark, None, "an article's own header");
    assert!(find("Body with a link.").in_article);
    assert_eq!(find("Foot").landmark, Some(Landmark::Footer));
    assert_eq!(find("Nice!").landmark, Some(Landmark::Comments));
}

#[test]
fn a_heading_naming_the_comments_opens_them_to_the_end_of_its_parent() {
    let html = r#"<div class="post"><p>Story</p><h2 id="comments">3 Responses</h2>
            <div id="c1"><p>First!</p></div></div><p>After</p>"#;
    let blocks = extract(html);
    let landmark = |t: &str| signals_of(&blocks, t).landmark;
    assert_eq!(landmark("Story"), None);
    assert_eq!(landmark("3 Responses"), Some(Landmark::Comments));
    assert_eq!(landmark("First!"), Some(Landmark::Comments));
    assert_eq!(landmark("After"), None);
}

#[test]
fn footers_by_name_but_not_words_inside_names() {
    let html = r#"<div class="site-footer"><p>Foot</p></div><div id="footer_links"><p>Links</p></div>
            <div class="footerless-layout"><p>Kept</p></div><div class="f_comments_on"><p>Also</p></div>"#;
    let blocks = extract(html);
    let landmark = |t: &str| signals_of(&blocks, t).landmark;
    assert_eq!(landmark("Foot"), Some(Landmark::Footer));
    assert_eq!(landmark("Links"), Some(Landmark::Footer));
    assert_eq!(landmark("Also"), None);
}

#[test]
fn sidebars_by_name_but_not_layout_flags() {
    let html = r#"<div class="wrap has-sidebar"><div id="sidebar2"><p>Blurb</p></div>
            <div class="left-sidebar widget"><p>Links</p></div><div class="post"><p>Story</p></div>
            </div><div class="sidebarless"><p>Other</p></div>"#;
    let blocks = extract(html);
    let landmark = |t: &str| signals_of(&blocks, t).landmark;
    assert_eq!(landmark("Blurb"), Some(Landmark::Aside));
    assert_eq!(landmark("Links"), Some(Landmark::Aside));
    assert_eq!(landmark("Story"), None);
    assert_eq!(landmark("Other"), None);
}

#[test]
fn the_first_body_element_ends_an_unclosed_head() {
    assert_eq!(
        texts("<head><title>T</title><meta x><table><tr><td>Shown</td></tr></table>"),
        ["Shown"]
    );
    assert_eq!(texts("<head><title>T</title>Loose text"), ["Loose text"]);
    // `</head>` and `<body>` swallowed by an unterminated quote.
    assert_eq!(
        texts("<head><meta content=\"a>\n</head><body class=\"x\"><div>Shown</div>"),
        ["Shown"]
    );
}

#[test]
fn implied_end_tags_close_what_opened_inside() {
    assert_eq!(
        texts("<p>One<span hidden>x<p>Two<ul><li>a<b hidden>y<li>b</ul>"),
        ["One", "Two", "a", "b"]
    );
    assert_eq!(
        texts("<table><tr><td><div hidden>x</td><td>Cell<tr><td>Row"),
        ["Cell", "Row"]
    );
}

#[test]
fn stray_end_tags_stop_at_blocks() {
    // `</span>` cannot close the span across the `div`: the div stays hidden with it.
    assert_eq!(
        texts("<span hidden>a<div>b</span>c</div></span><p>Shown"),
        ["Shown"]
    );
    // `</div>` closes an unclosed hidden span inside it.
    assert_eq!(texts("<div><span hidden>a</div>Shown"), ["Shown"]);
}

#[test]
fn a_second_link_closes_the_first() {
    let blocks = extract("<div><a href=a>Home<a href=b>Sport</a></div><p>Story text");
    assert_eq!(blocks[1].text, "Story text");
    assert_eq!(blocks[1].signals.link_chars, 0);
}

#[test]
fn foreign_content_closes_on_self_closing_and_html_blocks() {
    assert_eq!(texts("<svg/><p>One<math><mi>x</mi><p>Two"), ["One", "Two"]);
    assert_eq!(
        texts("<svg><![CDATA[ <p>x ]]><title>t</title></svg>Three"),
        ["Three"]
    );
}

#[test]
fn select_content_stays_in_the_select_and_tables_foster_text() {
    assert_eq!(
        texts("<select><option>a</div><p>b</select><p>Shown"),
        ["Shown"]
    );
    assert_eq!(
        texts("<table hidden><tr>Fostered<td>x</td></tr></table>"),
        ["Fostered"]
    );
}

#[test]
fn a_frameset_page_shows_its_noframes_content() {
    assert_eq!(
        texts("<head></head><frameset><frame src=a><noframes><p>One</p>Two</noframes></frameset>"),
        ["One", "Two"]
    );
    // After text, a frameset no longer replaces the body.
    assert_eq!(
        texts("<body>Text<frameset><noframes>x</noframes>"),
        ["Text"]
    );
}

#[test]
fn raw_text_elements_ignore_self_closing() {
    assert_eq!(
        texts("<script src=\"a\"/>x = '<p>'</script><p>Shown"),
        ["Shown"]
    );
}

#[test]
fn words_outside_markup_are_found() {
    assert!(has_words("<head><title>T</title></head><p>Shown"));
    assert!(!has_words(
        "<title>T</title><script>x</script><!-- c --><p> &nbsp; </p>"
    ));
}

#[test]
fn pre_keeps_lines() {
    // Lines stay apart; spaces inside a line collapse like everywhere else.
    assert_eq!(texts("<pre>a  b\nc</pre>"), ["a b", "c"]);
}
