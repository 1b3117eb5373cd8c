//! The record's `page` object (record format 4) as a reader of the records sees it: each field
//! from each place a page states it, the order in which the sources win over one another, time
//! zones kept as stated, the language of the text in several scripts, articles that say
//! nothing about themselves, plain-text articles, and hostile pages. Every page here is a small
//! synthetic one written for this file (or `tests/fixtures/page/`); `src/page/date/tests.rs`
//! covers the date grammar itself.

mod common;

use std::time::Instant;

use common::*;
use serde_json::{Value, json};

/// The article's address as its source sent it.
const URL: &str = "https://example.com/news/council-buses";

/// Three paragraphs of plain English news prose: enough text for the language detector, and
/// nothing in them a date, byline or headline reader could take.
const PROSE: &str = "<p>The city council voted on Monday to expand the bus network across the \
northern districts, officials said, after a year of complaints about crowded routes.</p>\
<p>The plan adds twelve new routes and will be paid for by a regional grant over the next three \
years, the transport committee said in a statement.</p>\
<p>Residents will be asked for their views at three public meetings in the autumn, and the first \
new buses are expected to run before the end of next year.</p>";

/// The six keys of `page`, in the order the record writes them.
const PAGE_KEYS: [&str; 6] = [
    "published_at",
    "authors",
    "headline",
    "language",
    "canonical_url",
    "site_name",
];

/// A raw `text/html` article.
fn html_article(url: Option<&str>, html: &str) -> Value {
    let mut raw = json!({
        "id": "a1",
        "source": "example.com",
        "content_type": "text/html",
        "body": html,
    });
    if let Some(url) = url {
        raw["url"] = json!(url);
    }
    raw
}

/// A raw plain-text article (no `content_type`: plain text is the default).
fn plain_article(body: &str) -> Value {
    json!({"id": "t1", "source": "wire.example", "body": body})
}

/// A page: `head`, then `body` followed by [`PROSE`].
fn doc(head: &str, body: &str) -> String {
    format!("<!doctype html><html><head>{head}</head><body>{body}{PROSE}</body></html>")
}

/// A `<script type=application/ld+json>` holding `value`.
fn ld(value: Value) -> String {
    format!(r#"<script type="application/ld+json">{value}</script>"#)
}

/// The `page` object of the record a fresh cleaner writes for `raw`.
async fn page_of(raw: &Value) -> Value {
    let (cleaner, _) = cleaner();
    let record = record(&cleaner, raw).await;
    record["page"].clone()
}

/// The `page` object of the HTML page made of `head` and `body` ([`doc`]), sent with [`URL`].
async fn on_page(head: &str, body: &str) -> Value {
    page_of(&html_article(Some(URL), &doc(head, body))).await
}

/// The page's authors as strings.
fn authors(page: &Value) -> Vec<&str> {
    page["authors"]
        .as_array()
        .unwrap_or_else(|| panic!("authors is an array: {page}"))
        .iter()
        .map(|a| a.as_str().expect("an author is a string"))
        .collect()
}

/// Every field of `page` but those in `except` is empty (`null`, or `[]` for authors).
fn assert_empty_except(page: &Value, except: &[&str]) {
    for key in PAGE_KEYS.iter().filter(|k| !except.contains(k)) {
        if *key == "authors" {
            assert_eq!(page[key], json!([]), "authors: {page}");
        } else {
            assert_eq!(page[key], Value::Null, "{key}: {page}");
        }
    }
}

/// Longest string anywhere in `page` (a field or an author), in characters.
fn longest_value(page: &Value) -> usize {
    let mut longest = 0;
    for key in PAGE_KEYS {
        match &page[key] {
            Value::String(s) => longest = longest.max(s.chars().count()),
            Value::Array(items) => {
                for item in items {
                    longest = longest.max(item.as_str().map_or(0, |s| s.chars().count()));
                }
            }
            _ => {}
        }
    }
    longest
}

fn fixture_page() -> String {
    fixture("page/article.html")
}

// ---------------------------------------------------------------------------------------------
// The record contract
// ---------------------------------------------------------------------------------------------

/// A record says `record_format` 4 and carries `page` with exactly its six keys, in order.
#[tokio::test]
async fn record_format_is_4_and_page_has_exactly_its_six_keys_in_order() {
    let (cleaner, _) = cleaner();
    let bytes = record_bytes(&cleaner, &html_article(Some(URL), &fixture_page())).await;
    let record: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(record["record_format"], 4);
    let page = record["page"].as_object().expect("page is an object");
    let mut keys: Vec<&str> = page.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = PAGE_KEYS.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected, "{page:?}");
    // The order as written on the wire (serde_json's map sorts its keys, so read the bytes).
    let text = String::from_utf8(bytes).unwrap();
    let at = text.find(r#""page":{"#).expect("a page object");
    let positions: Vec<usize> = PAGE_KEYS
        .iter()
        .map(|k| at + text[at..].find(&format!(r#""{k}":"#)).unwrap())
        .collect();
    assert!(positions.is_sorted(), "page keys out of order: {text}");

    // A plain-text article has the same six keys.
    let plain = record_bytes(&cleaner, &plain_article("A short note.")).await;
    let plain: Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(plain["record_format"], 4);
    assert_eq!(
        plain["page"].as_object().unwrap().len(),
        6,
        "{}",
        plain["page"]
    );
}

/// The fixture article states its metadata every way at once; the record takes the best of
/// each: JSON-LD's date with its offset, people (not the publisher) as authors, the headline
/// without the site's name, the declared region kept, the canonical address made absolute.
#[tokio::test]
async fn the_fixture_article_gives_every_field_from_its_best_source() {
    let page = page_of(&html_article(Some(URL), &fixture_page())).await;
    assert_eq!(
        page,
        json!({
            "published_at": "2012-07-16T09:14:00+02:00",
            "authors": ["Jane Doe", "John Roe"],
            "headline": "Council expands the bus network",
            "language": "en-GB",
            "canonical_url": "https://example.com/2012/07/16/council-expands-bus-network",
            "site_name": "Northfield Courier",
        })
    );
}

/// The same article cleaned twice by the same cleaner (a redelivery) gives the same record,
/// byte for byte, `page` included.
#[tokio::test]
async fn a_redelivered_article_gets_a_byte_identical_record() {
    let (cleaner, _) = cleaner();
    for raw in [
        html_article(Some(URL), &fixture_page()),
        plain_article(
            "By Jane Doe\n\nBERLIN, 16. Juli 2012 - Der Stadtrat hat am Montag beschlossen, das \
             Busnetz auszubauen.\n\nDer Plan sieht zwölf neue Linien vor.",
        ),
    ] {
        let line = serde_json::to_string(&raw).unwrap();
        let first = cleaner.clean(line.as_bytes()).await.expect("cleanable");
        let first = cleaner.record(&first).to_json();
        let second = cleaner.clean(line.as_bytes()).await.expect("cleanable");
        let second = cleaner.record(&second).to_json();
        assert_eq!(
            String::from_utf8_lossy(&first),
            String::from_utf8_lossy(&second)
        );
        let record: Value = serde_json::from_slice(&first).unwrap();
        assert_ne!(record["page"]["published_at"], Value::Null, "{record}");
    }
}

// ---------------------------------------------------------------------------------------------
// JSON-LD
// ---------------------------------------------------------------------------------------------

/// A `NewsArticle` gives the date (offset kept), headline, author, language, publisher and
/// `mainEntityOfPage` address.
#[tokio::test]
async fn json_ld_news_article_gives_every_field() {
    let article = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Council expands the bus network",
        "datePublished": "2012-07-16T09:14:00+02:00",
        "author": "Jane Doe",
        "inLanguage": "en",
        "publisher": {"@type": "Organization", "name": "Example News"},
        "mainEntityOfPage": {"@type": "WebPage", "@id": "https://example.com/buses"},
    });
    let page = on_page(&ld(article), "").await;
    assert_eq!(
        page,
        json!({
            "published_at": "2012-07-16T09:14:00+02:00",
            "authors": ["Jane Doe"],
            "headline": "Council expands the bus network",
            "language": "en",
            "canonical_url": "https://example.com/buses",
            "site_name": "Example News",
        })
    );
}

/// An author given as a `Person` object gives its name.
#[tokio::test]
async fn json_ld_author_as_an_object() {
    let page = on_page(
        &ld(json!({"@type": "NewsArticle", "author": {"@type": "Person", "name": "Jane Doe"}})),
        "",
    )
    .await;
    assert_eq!(authors(&page), ["Jane Doe"]);
}

/// An array of authors gives every name, in order.
#[tokio::test]
async fn json_ld_authors_as_an_array_keep_their_order() {
    let page = on_page(
        &ld(json!({"@type": "NewsArticle", "author": [
            {"@type": "Person", "name": "Jane Doe"},
            "John Roe",
            {"@type": "Person", "name": "Ana Lima"},
        ]})),
        "",
    )
    .await;
    assert_eq!(authors(&page), ["Jane Doe", "John Roe", "Ana Lima"]);
}

/// An author given by `@id` is the `Person` of that `@id` elsewhere in the `@graph`; the
/// graph's `WebSite` names the site.
#[tokio::test]
async fn json_ld_author_by_id_reference_into_the_graph() {
    let graph = json!({
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "NewsArticle", "headline": "Council expands the bus network",
             "author": {"@id": "https://example.com/#jane"}},
            {"@type": "Person", "@id": "https://example.com/#jane", "name": "Jane Doe"},
            {"@type": "WebSite", "name": "Example Site"},
        ],
    });
    let page = on_page(&ld(graph), "").await;
    assert_eq!(authors(&page), ["Jane Doe"]);
    assert_eq!(page["site_name"], "Example Site");
    assert_eq!(page["headline"], "Council expands the bus network");
}

/// An `Organization` as author is the publisher, not a person: not an author, and a person
/// the meta tags name is taken instead.
#[tokio::test]
async fn json_ld_organization_author_is_not_an_author() {
    let org = ld(json!({"@type": "NewsArticle",
        "author": {"@type": "Organization", "name": "Example Media"}}));
    assert_eq!(authors(&on_page(&org, "").await), Vec::<&str>::new());
    let with_meta = format!(r#"{org}<meta name="author" content="Jane Doe">"#);
    assert_eq!(authors(&on_page(&with_meta, "").await), ["Jane Doe"]);
    let news_org = ld(json!({"@type": "NewsArticle",
        "author": [{"@type": "NewsMediaOrganization", "name": "Example News"},
                   {"@type": "Person", "name": "John Roe"}]}));
    assert_eq!(authors(&on_page(&news_org, "").await), ["John Roe"]);
}

/// A `WebPage` whose `mainEntity` is the article: the article's own fields are read.
#[tokio::test]
async fn json_ld_article_as_the_main_entity_of_a_web_page() {
    let page = on_page(
        &ld(json!({"@context": "https://schema.org", "@type": "WebPage",
            "mainEntity": {"@type": "NewsArticle", "headline": "Council expands the bus network",
                           "datePublished": "2012-07-16"}})),
        "",
    )
    .await;
    assert_eq!(page["headline"], "Council expands the bus network");
    assert_eq!(page["published_at"], "2012-07-16");
}

// ---------------------------------------------------------------------------------------------
// Meta tags
// ---------------------------------------------------------------------------------------------

/// Open Graph and `article:` metas give the date, the headline (without the site's suffix),
/// the site, the address and the author.
#[tokio::test]
async fn meta_tags_give_date_headline_site_address_and_author() {
    let head = r#"
        <meta property="article:published_time" content="2012-07-16T09:14:00+02:00">
        <meta property="og:title" content="Council expands the bus network | Example News">
        <meta property="og:site_name" content="Example News">
        <meta property="og:url" content="https://example.com/og-address">
        <meta name="author" content="Jane Doe">"#;
    let page = on_page(head, "").await;
    assert_eq!(
        page,
        json!({
            "published_at": "2012-07-16T09:14:00+02:00",
            "authors": ["Jane Doe"],
            "headline": "Council expands the bus network",
            "language": "en",
            "canonical_url": "https://example.com/og-address",
            "site_name": "Example News",
        })
    );
}

/// WordPress's Twitter card pair `twitter:label1` "Written by" / `twitter:data1` names the
/// author.
#[tokio::test]
async fn twitter_written_by_label_names_the_author() {
    let head = r#"<meta name="twitter:label1" content="Written by">
        <meta name="twitter:data1" content="Jane Doe">"#;
    assert_eq!(authors(&on_page(head, "").await), ["Jane Doe"]);
    // Another label's data is no author.
    let other = r#"<meta name="twitter:label1" content="Est. reading time">
        <meta name="twitter:data1" content="3 minutes">"#;
    assert_eq!(authors(&on_page(other, "").await), Vec::<&str>::new());
}

/// A meta author that is an organization ("Example Media GmbH") is no author; a person in a
/// later meta author is.
#[tokio::test]
async fn meta_author_that_is_an_organization_is_not_taken() {
    let org = r#"<meta name="author" content="Example Media GmbH">"#;
    assert_eq!(authors(&on_page(org, "").await), Vec::<&str>::new());
    let both = format!(r#"{org}<meta name="author" content="Jane Doe">"#);
    assert_eq!(authors(&on_page(&both, "").await), ["Jane Doe"]);
}

/// A meta author that is the site's own name is no author.
#[tokio::test]
async fn meta_author_that_is_the_site_name_is_not_taken() {
    let head = r#"<meta name="author" content="Example News">
        <meta property="og:site_name" content="Example News">"#;
    let page = on_page(head, "").await;
    assert_eq!(authors(&page), Vec::<&str>::new());
    assert_eq!(page["site_name"], "Example News");
}

/// Several meta authors give several authors, in page order, each once.
#[tokio::test]
async fn several_meta_authors_give_several_authors() {
    let head = r#"<meta name="author" content="Jane Doe">
        <meta name="author" content="John Roe"><meta name="author" content="Jane Doe">"#;
    assert_eq!(authors(&on_page(head, "").await), ["Jane Doe", "John Roe"]);
}

// ---------------------------------------------------------------------------------------------
// Time elements
// ---------------------------------------------------------------------------------------------

/// `<time datetime pubdate>` gives the publication day.
#[tokio::test]
async fn time_element_with_pubdate_gives_the_date() {
    let page = on_page("", r#"<time datetime="2012-07-16" pubdate>Monday</time>"#).await;
    assert_eq!(page["published_at"], "2012-07-16");
}

/// An element marked `itemprop=datePublished` gives its `content`, offset kept.
#[tokio::test]
async fn itemprop_date_published_gives_the_date_with_its_offset() {
    let page = on_page(
        "",
        r#"<span itemprop="datePublished" content="2012-07-16T10:00:00+01:00">Monday</span>"#,
    )
    .await;
    assert_eq!(page["published_at"], "2012-07-16T10:00:00+01:00");
    let meta = page_of(&html_article(
        Some(URL),
        &doc(
            "",
            r#"<meta itemprop="datePublished" content="2012-07-16"><h1>Council expands</h1>"#,
        ),
    ))
    .await;
    assert_eq!(meta["published_at"], "2012-07-16");
}

// ---------------------------------------------------------------------------------------------
// Bylines
// ---------------------------------------------------------------------------------------------

/// An element whose class says byline gives the names after "By".
#[tokio::test]
async fn class_named_byline_element_gives_the_author() {
    let page = on_page("", r#"<div class="byline">By Jane Doe and John Roe</div>"#).await;
    assert_eq!(authors(&page), ["Jane Doe", "John Roe"]);
    let role = on_page(
        "",
        r#"<div class="author-name">Jane Doe, Staff Writer</div>"#,
    )
    .await;
    assert_eq!(authors(&role), ["Jane Doe"]);
}

/// A link to an author's page (`/author/…`) gives the author.
#[tokio::test]
async fn link_to_an_author_page_gives_the_author() {
    let page = on_page("", r#"<p>By <a href="/author/jane-doe">Jane Doe</a></p>"#).await;
    assert_eq!(authors(&page), ["Jane Doe"]);
}

/// A `rel=author` link gives the author.
#[tokio::test]
async fn rel_author_link_gives_the_author() {
    let page = on_page("", r#"<a rel="author" href="/j">Jane Doe</a>"#).await;
    assert_eq!(authors(&page), ["Jane Doe"]);
}

// ---------------------------------------------------------------------------------------------
// Headline
// ---------------------------------------------------------------------------------------------

/// `<title>` gives the headline without the site's suffix ("Headline | Site"), with or
/// without knowing the site's name, and without its prefix ("Site - Headline").
#[tokio::test]
async fn title_gives_the_headline_without_the_site_name() {
    let suffix = on_page(
        "<title>Council expands the bus network | Example News</title>",
        "",
    )
    .await;
    assert_eq!(suffix["headline"], "Council expands the bus network");
    let known = on_page(
        r#"<title>Council expands the bus network | Example News</title>
           <meta property="og:site_name" content="Example News">"#,
        "",
    )
    .await;
    assert_eq!(known["headline"], "Council expands the bus network");
    let prefix = on_page(
        r#"<title>Example News - Council expands the bus network</title>
           <meta property="og:site_name" content="Example News">"#,
        "",
    )
    .await;
    assert_eq!(prefix["headline"], "Council expands the bus network");
}

/// The page's `h1` gives the headline.
#[tokio::test]
async fn h1_gives_the_headline() {
    let page = on_page("", "<h1>Council expands the bus network</h1>").await;
    assert_eq!(page["headline"], "Council expands the bus network");
}

/// An `h1` in the site's header (the logo) is not the headline: the title is.
#[tokio::test]
async fn h1_in_the_site_header_is_not_the_headline() {
    let page = on_page(
        "<title>Council expands the bus network</title>",
        "<header><h1>Example News</h1></header>",
    )
    .await;
    assert_eq!(page["headline"], "Council expands the bus network");
}

// ---------------------------------------------------------------------------------------------
// Canonical address
// ---------------------------------------------------------------------------------------------

/// A relative `<link rel=canonical>` is resolved against the input's url.
#[tokio::test]
async fn relative_canonical_link_is_resolved_against_the_input_url() {
    let page = on_page(r#"<link rel="canonical" href="/buses?page=1">"#, "").await;
    assert_eq!(page["canonical_url"], "https://example.com/buses?page=1");
    let og = on_page(r#"<meta property="og:url" content="../buses">"#, "").await;
    assert_eq!(og["canonical_url"], "https://example.com/buses");
}

/// A relative canonical with no input url to resolve it against, or one that is no web
/// address, gives no canonical address.
#[tokio::test]
async fn canonical_that_cannot_be_made_absolute_is_null() {
    let no_base = page_of(&html_article(
        None,
        &doc(r#"<link rel="canonical" href="/buses">"#, ""),
    ))
    .await;
    assert_eq!(no_base["canonical_url"], Value::Null, "{no_base}");
    let script = on_page(r#"<link rel="canonical" href="javascript:void(0)">"#, "").await;
    assert_eq!(script["canonical_url"], Value::Null, "{script}");
}

/// The canonical link wins over `og:url`.
#[tokio::test]
async fn canonical_link_wins_over_og_url() {
    let page = on_page(
        r#"<meta property="og:url" content="https://example.com/og">
           <link rel="canonical" href="https://example.com/canonical">"#,
        "",
    )
    .await;
    assert_eq!(page["canonical_url"], "https://example.com/canonical");
}

// ---------------------------------------------------------------------------------------------
// Dates from the address, the dateline and the byline line
// ---------------------------------------------------------------------------------------------

/// A date in the input url's path gives the day.
#[tokio::test]
async fn date_in_the_input_url_path_gives_the_day() {
    let page = page_of(&html_article(
        Some("https://example.com/2012/07/16/story"),
        &doc("", ""),
    ))
    .await;
    assert_eq!(page["published_at"], "2012-07-16");
}

/// Without one in the input url, a date in the canonical address's path gives the day.
#[tokio::test]
async fn date_in_the_canonical_url_path_gives_the_day() {
    let page = on_page(r#"<link rel="canonical" href="/2012/07/16/story">"#, "").await;
    assert_eq!(page["published_at"], "2012-07-16");
}

/// A German dateline under the headline ("16. Juli 2012") gives the day.
#[tokio::test]
async fn german_dateline_under_the_headline() {
    let page = on_page("", "<h1>Rat erweitert das Busnetz</h1><p>16. Juli 2012</p>").await;
    assert_eq!(page["published_at"], "2012-07-16");
}

/// A Japanese dateline under the headline ("2012年7月16日") gives the day.
#[tokio::test]
async fn japanese_dateline_under_the_headline() {
    let page = on_page("", "<h1>バス路線網を拡大</h1><p>2012年7月16日</p>").await;
    assert_eq!(page["published_at"], "2012-07-16");
}

/// "July 16, 2012 at 9:14 AM EST" gives the instant with EST's offset, -05:00.
#[tokio::test]
async fn english_dateline_with_a_zone_gives_the_instant_with_its_offset() {
    let page = on_page(
        "",
        "<h1>Council expands the bus network</h1><p>July 16, 2012 at 9:14 AM EST</p>",
    )
    .await;
    assert_eq!(page["published_at"], "2012-07-16T09:14:00-05:00");
}

/// A byline line ("Posted on July 16, 2012 by Jane Doe") gives both the day and the author.
#[tokio::test]
async fn byline_line_gives_the_date_and_the_author() {
    let page = on_page(
        "",
        "<h1>Council expands the bus network</h1><p>Posted on July 16, 2012 by Jane Doe</p>",
    )
    .await;
    assert_eq!(page["published_at"], "2012-07-16");
    assert_eq!(authors(&page), ["Jane Doe"]);
}

/// A photo credit under the headline names no author of the article.
#[tokio::test]
async fn photo_credit_line_is_not_a_byline() {
    let page = on_page(
        "",
        "<h1>Council expands the bus network</h1><p>Photo by John Roe</p>",
    )
    .await;
    assert_eq!(authors(&page), Vec::<&str>::new());
}

// ---------------------------------------------------------------------------------------------
// Conflicts
// ---------------------------------------------------------------------------------------------

/// JSON-LD's `datePublished` wins over the meta tags' date.
#[tokio::test]
async fn json_ld_date_published_wins_over_meta() {
    let head = format!(
        r#"<meta property="article:published_time" content="2013-01-01T00:00:00Z">{}"#,
        ld(json!({"@type": "NewsArticle", "datePublished": "2012-07-16"}))
    );
    assert_eq!(on_page(&head, "").await["published_at"], "2012-07-16");
}

/// Each source of the date wins over the next: JSON-LD, meta, `<time pubdate>`, the url's
/// path, the dateline, then any `<time>`.
#[tokio::test]
async fn date_sources_win_in_their_order() {
    let json_ld = ld(json!({"@type": "NewsArticle", "datePublished": "2011-01-01"}));
    let meta = r#"<meta property="article:published_time" content="2011-02-02">"#;
    let pubdate = r#"<time datetime="2011-03-03" pubdate></time>"#;
    let dated_url = "https://example.com/2011/04/04/story";
    let dateline = "<h1>Council expands the bus network</h1><p>May 5, 2011</p>";
    let plain_time = r#"<p>Filed <time datetime="2011-06-06"></time></p>"#;
    let cases: [(String, String, Option<&str>, &str); 6] = [
        (
            format!("{json_ld}{meta}"),
            format!("{dateline}{pubdate}{plain_time}"),
            Some(dated_url),
            "2011-01-01",
        ),
        (
            meta.to_owned(),
            format!("{dateline}{pubdate}{plain_time}"),
            Some(dated_url),
            "2011-02-02",
        ),
        (
            String::new(),
            format!("{dateline}{pubdate}{plain_time}"),
            Some(dated_url),
            "2011-03-03",
        ),
        (
            String::new(),
            format!("{dateline}{plain_time}"),
            Some(dated_url),
            "2011-04-04",
        ),
        (
            String::new(),
            format!("{dateline}{plain_time}"),
            Some(URL),
            "2011-05-05",
        ),
        (
            String::new(),
            plain_time.to_owned(),
            Some(URL),
            "2011-06-06",
        ),
    ];
    for (head, body, url, expected) in cases {
        let page = page_of(&html_article(url, &doc(&head, &body))).await;
        assert_eq!(page["published_at"], expected, "{head} {body} {url:?}");
    }
}

/// A modified time stated only by machine (JSON-LD `dateModified`, `article:modified_time`,
/// `itemprop=dateModified`, a `<time>` of class "updated" without text) is never the
/// publication.
#[tokio::test]
async fn machine_stated_modified_times_are_never_the_publication() {
    let cases = [
        (
            ld(json!({"@type": "NewsArticle", "dateModified": "2015-03-03T10:00:00Z"})),
            String::new(),
        ),
        (
            r#"<meta property="article:modified_time" content="2015-03-03T10:00:00Z">"#.into(),
            String::new(),
        ),
        (
            String::new(),
            r#"<meta itemprop="dateModified" content="2015-03-03">"#.into(),
        ),
        (
            String::new(),
            r#"<time class="updated" datetime="2015-03-03"></time>"#.into(),
        ),
        (
            String::new(),
            r#"<time itemprop="dateModified" datetime="2015-03-03"></time>"#.into(),
        ),
    ];
    for (head, body) in cases {
        let page = on_page(&head, &body).await;
        assert_eq!(page["published_at"], Value::Null, "{head} {body}: {page}");
    }
    // The published time beside an updated one is the one taken.
    let both = on_page(
        "",
        r#"<time class="updated" datetime="2015-03-03"></time>
           <time datetime="2012-07-16" pubdate></time>"#,
    )
    .await;
    assert_eq!(both["published_at"], "2012-07-16");
}

/// The article's own date, stated beside a modified date a reader sees ("Updated: …", an
/// element of class "updated"), is the publication.
#[tokio::test]
async fn a_visible_modified_date_does_not_beat_the_articles_own_date() {
    let bodies = [
        "<h1>Council expands the bus network</h1><p>Updated: March 3, 2015</p>\
         <p>Published: July 16, 2012</p>",
        r#"<h1>Council expands the bus network</h1><p><span class="updated">Updated March 3,
           2015</span> <time datetime="2012-07-16">Monday</time></p>"#,
        r#"<h1>Council expands the bus network</h1><p><time class="updated"
           datetime="2015-03-03">March 3, 2015</time></p><p>Filed <time
           datetime="2012-07-16">Monday</time></p>"#,
    ];
    for body in bodies {
        let page = on_page("", body).await;
        assert_eq!(page["published_at"], "2012-07-16", "{body}: {page}");
    }
}

/// A modified date a reader sees, alone on the page, is not the publication.
#[tokio::test]
async fn a_visible_modified_date_alone_is_not_the_publication() {
    let bodies = [
        r#"<span class="updated">March 3, 2015</span>"#,
        r#"<time class="updated" datetime="2015-03-03">March 3, 2015</time>"#,
        r#"<time itemprop="dateModified" datetime="2015-03-03">March 3, 2015</time>"#,
        "<h1>Council expands the bus network</h1><p>Updated: March 3, 2015</p>",
    ];
    for body in bodies {
        let page = on_page("", body).await;
        assert_eq!(page["published_at"], Value::Null, "{body}: {page}");
    }
}

/// A `<time>` in a footer, navigation or aside, even marked `pubdate`, gives way to the
/// article's own `<time>`.
#[tokio::test]
async fn a_time_element_in_a_landmark_gives_way_to_the_articles_own() {
    for landmark in ["footer", "nav", "aside"] {
        let body = format!(
            r#"<{landmark}><time datetime="2015-03-03" pubdate></time></{landmark}>
            <h1>Council expands the bus network</h1><p>Filed <time datetime="2012-07-16"></time></p>"#
        );
        let page = on_page("", &body).await;
        assert_eq!(page["published_at"], "2012-07-16", "{body}: {page}");
    }
}

/// A date the site's header, navigation or footer shows ("Tuesday, March 3, 2015": today's
/// date, or the copyright's) gives way to the article's own `<time>`.
#[tokio::test]
async fn a_date_shown_in_the_site_chrome_does_not_beat_the_articles_own() {
    let article = r#"<h1>Council expands the bus network</h1>
        <p>Filed <time datetime="2012-07-16">Monday</time></p>"#;
    for (before, after) in [
        (
            r#"<header><a href="/">Home</a><p class="today">Tuesday, March 3, 2015</p></header>"#,
            "",
        ),
        (
            r#"<nav><a href="/">Home</a> <span>Tuesday, March 3, 2015</span></nav>"#,
            "",
        ),
        ("", "<footer>March 3, 2015</footer>"),
    ] {
        let html = format!("<html><body>{before}{article}{PROSE}{after}</body></html>");
        let page = page_of(&html_article(Some(URL), &html)).await;
        assert_eq!(
            page["published_at"], "2012-07-16",
            "{before}{after}: {page}"
        );
    }
}

/// A `<time>` in a footer, navigation or aside, alone on the page, is the page's only
/// statement of a date: taken as the last resort (README, "Page metadata": marked times
/// outside the article, then a line that is only a date), never over the article's own.
#[tokio::test]
async fn a_time_element_in_a_landmark_alone_is_the_last_resort() {
    for landmark in ["footer", "nav", "aside"] {
        for time in [
            r#"<time datetime="2015-03-03" pubdate></time>"#,
            r#"<time datetime="2015-03-03" pubdate>Tuesday, March 3, 2015</time>"#,
        ] {
            let body = format!("<{landmark}>{time}</{landmark}>");
            let page = on_page("", &body).await;
            assert_eq!(page["published_at"], "2015-03-03", "{body}: {page}");
        }
    }
}

/// A "by" line in the footer or an aside ("Website by …", "Opinion by …") names no author of
/// the article.
#[tokio::test]
async fn by_lines_in_footer_or_aside_are_not_authors() {
    for tail in [
        "<footer>Website by Jane Designer</footer>",
        "<aside><p>Related: Opinion by John Roe</p></aside>",
    ] {
        let html = format!(
            "<html><body><h1>Council expands the bus network</h1>{PROSE}{tail}</body></html>"
        );
        let page = page_of(&html_article(Some(URL), &html)).await;
        assert_eq!(authors(&page), Vec::<&str>::new(), "{tail}: {page}");
    }
}

/// A byline element in the site's footer or navigation is no author.
#[tokio::test]
async fn byline_elements_in_landmarks_are_not_authors() {
    let page = on_page(
        "",
        r#"<footer><a href="/author/jane-doe">Jane Doe</a></footer>
           <nav><span class="author">John Roe</span></nav>"#,
    )
    .await;
    assert_eq!(authors(&page), Vec::<&str>::new(), "{page}");
}

// ---------------------------------------------------------------------------------------------
// Time zones
// ---------------------------------------------------------------------------------------------

/// A stated offset is kept as stated, never converted: "+02:00" stays "+02:00" (meta, JSON-LD,
/// `<time>`); "Z" is the offset "+00:00".
#[tokio::test]
async fn stated_offsets_are_kept() {
    let stated = "2012-07-16T09:14:00+02:00";
    let sources = [
        (
            format!(r#"<meta property="article:published_time" content="{stated}">"#),
            String::new(),
        ),
        (
            ld(json!({"@type": "NewsArticle", "datePublished": stated})),
            String::new(),
        ),
        (
            String::new(),
            format!(r#"<time datetime="{stated}" pubdate>16 July</time>"#),
        ),
    ];
    for (head, body) in sources {
        assert_eq!(
            on_page(&head, &body).await["published_at"],
            stated,
            "{head}{body}"
        );
    }
    let utc = on_page(
        r#"<meta property="article:published_time" content="2012-07-16T07:14:00Z">"#,
        "",
    )
    .await;
    assert_eq!(utc["published_at"], "2012-07-16T07:14:00+00:00");
    let minus = on_page(
        r#"<meta property="article:published_time" content="2012-07-16T09:14:00-0700">"#,
        "",
    )
    .await;
    assert_eq!(minus["published_at"], "2012-07-16T09:14:00-07:00");
}

/// A day stays a day; a time without a zone gives only its day (no zone is invented).
#[tokio::test]
async fn a_day_stays_a_day_and_no_zone_is_invented() {
    let day = on_page(
        r#"<meta property="article:published_time" content="2012-07-16">"#,
        "",
    )
    .await;
    assert_eq!(day["published_at"], "2012-07-16");
    let local = on_page(
        r#"<meta property="article:published_time" content="2012-07-16T09:14:00">"#,
        "",
    )
    .await;
    assert_eq!(local["published_at"], "2012-07-16");
    let text = on_page(
        "",
        "<h1>Council expands the bus network</h1><p>July 16, 2012 at 9:14 AM</p>",
    )
    .await;
    assert_eq!(text["published_at"], "2012-07-16");
}

// ---------------------------------------------------------------------------------------------
// Language
// ---------------------------------------------------------------------------------------------

const GERMAN: [&str; 3] = [
    "Der Stadtrat hat am Montag beschlossen, das Busnetz in den nördlichen Bezirken deutlich \
     auszubauen.",
    "Der Plan sieht zwölf neue Linien vor, die in den nächsten drei Jahren aus einem regionalen \
     Zuschuss bezahlt werden.",
    "Die Bürger können ihre Meinung im Herbst auf drei öffentlichen Versammlungen äußern, teilte \
     die Stadt mit.",
];
const FRENCH: [&str; 3] = [
    "Le conseil municipal a décidé lundi d'étendre le réseau de bus dans les quartiers du nord de \
     la ville.",
    "Le projet prévoit douze nouvelles lignes, financées par une subvention régionale au cours \
     des trois prochaines années.",
    "Les habitants pourront donner leur avis lors de trois réunions publiques à l'automne, a \
     indiqué la mairie.",
];
const JAPANESE: [&str; 3] = [
    "市議会は月曜日、北部地区のバス路線網を拡大することを決めた。",
    "計画では新しい路線を十二本設け、今後三年間、地域の補助金で費用をまかなう。",
    "市によると、住民は秋に開かれる三回の説明会で意見を述べることができる。",
];
const RUSSIAN: [&str; 3] = [
    "Городской совет в понедельник решил расширить сеть автобусных маршрутов в северных районах \
     города.",
    "План предусматривает двенадцать новых маршрутов, которые будут оплачены из регионального \
     гранта в течение трёх лет.",
    "Жители смогут высказать своё мнение на трёх общественных собраниях осенью, сообщили в мэрии.",
];
const URDU: [&str; 3] = [
    "شہر کی کونسل نے پیر کے روز شمالی علاقوں میں بس کے نظام کو وسیع کرنے کا فیصلہ کیا ہے۔",
    "اس منصوبے کے تحت بارہ نئے راستے بنائے جائیں گے جن کے اخراجات اگلے تین سال تک علاقائی امداد \
     سے پورے کیے جائیں گے۔",
    "شہریوں کو خزاں میں ہونے والے تین عوامی اجلاسوں میں اپنی رائے دینے کا موقع ملے گا، کونسل نے \
     بتایا۔",
];
const CROATIAN: [&str; 3] = [
    "Gradsko vijeće u ponedjeljak je odlučilo proširiti mrežu autobusnih linija u sjevernim \
     dijelovima grada.",
    "Plan predviđa dvanaest novih linija, koje će se sljedeće tri godine financirati iz \
     regionalne potpore.",
    "Građani će svoje mišljenje moći iznijeti na tri javna sastanka na jesen, priopćili su iz \
     gradske uprave.",
];
/// Serbian in the Latin script (ekavian): a detector reads it as Croatian.
const SERBIAN_LATIN: [&str; 3] = [
    "Gradsko veće je u ponedeljak odlučilo da proširi mrežu autobuskih linija u severnim \
     delovima grada.",
    "Plan predviđa dvanaest novih linija, koje će se naredne tri godine finansirati iz \
     regionalne pomoći.",
    "Građani će svoje mišljenje moći da iznesu na tri javna sastanka na jesen, saopštili su iz \
     gradske uprave.",
];

/// The language of an HTML page of `paragraphs` declaring `lang` (if any).
async fn language_of(lang: Option<&str>, paragraphs: &[&str]) -> Value {
    let lang = lang.map_or(String::new(), |l| format!(r#" lang="{l}""#));
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
    let html = format!("<!doctype html><html{lang}><head></head><body>{body}</body></html>");
    page_of(&html_article(Some(URL), &html)).await["language"].clone()
}

/// The language of a plain-text article of `paragraphs`.
async fn plain_language_of(paragraphs: &[&str]) -> Value {
    page_of(&plain_article(&paragraphs.join("\n\n"))).await["language"].clone()
}

/// German text is "de", on a page and in plain text.
#[tokio::test]
async fn german_text_is_de() {
    assert_eq!(language_of(None, &GERMAN).await, "de");
    assert_eq!(plain_language_of(&GERMAN).await, "de");
}

/// French text is "fr".
#[tokio::test]
async fn french_text_is_fr() {
    assert_eq!(language_of(None, &FRENCH).await, "fr");
    assert_eq!(plain_language_of(&FRENCH).await, "fr");
}

/// Japanese text (kanji and kana) is "ja".
#[tokio::test]
async fn japanese_text_is_ja() {
    assert_eq!(language_of(None, &JAPANESE).await, "ja");
    assert_eq!(plain_language_of(&JAPANESE).await, "ja");
}

/// Russian text (Cyrillic) is "ru".
#[tokio::test]
async fn russian_text_is_ru() {
    assert_eq!(language_of(None, &RUSSIAN).await, "ru");
    assert_eq!(plain_language_of(&RUSSIAN).await, "ru");
}

/// Urdu text (Arabic script, right to left) is "ur".
#[tokio::test]
async fn urdu_text_is_ur() {
    assert_eq!(language_of(None, &URDU).await, "ur");
    assert_eq!(plain_language_of(&URDU).await, "ur");
}

/// A page declaring `lang="en"` whose text is plainly German is "de": the text wins over a
/// wrong declaration.
#[tokio::test]
async fn text_wins_over_a_wrong_declaration() {
    assert_eq!(language_of(Some("en"), &GERMAN).await, "de");
    assert_eq!(language_of(Some("en-US"), &RUSSIAN).await, "ru");
}

/// Croatian text on a page declaring "hr" is "hr"; the declared region is kept ("hr-HR",
/// "hr_HR" as written by some sites).
#[tokio::test]
async fn croatian_declared_hr_is_hr() {
    assert_eq!(language_of(None, &CROATIAN).await, "hr");
    assert_eq!(language_of(Some("hr"), &CROATIAN).await, "hr");
    assert_eq!(language_of(Some("hr-HR"), &CROATIAN).await, "hr-HR");
    assert_eq!(language_of(Some("hr_HR"), &CROATIAN).await, "hr-HR");
}

/// For close languages a detector confuses, the page's declaration wins: Serbian in the
/// Latin script (read as Croatian) declared "sr" is "sr"; declared "bs", "bs".
#[tokio::test]
async fn close_languages_take_the_declaration() {
    assert_eq!(language_of(Some("sr"), &SERBIAN_LATIN).await, "sr");
    assert_eq!(language_of(Some("sr-Latn"), &SERBIAN_LATIN).await, "sr");
    assert_eq!(language_of(Some("bs"), &CROATIAN).await, "bs");
}

/// Text too short to decide takes the declared language; with no declaration it is null.
#[tokio::test]
async fn undecidable_text_takes_the_declaration_or_nothing() {
    assert_eq!(language_of(Some("de"), &["Ja."]).await, "de");
    assert_eq!(language_of(None, &["Ja."]).await, Value::Null);
    assert_eq!(language_of(None, &["1 2 3 4"]).await, Value::Null);
}

// ---------------------------------------------------------------------------------------------
// Pages that say nothing about themselves
// ---------------------------------------------------------------------------------------------

/// An HTML page of paragraphs only: no date, author, headline, address or site; the language
/// is the text's.
#[tokio::test]
async fn html_page_of_paragraphs_only_has_only_a_language() {
    let html = format!("<html><body>{PROSE}</body></html>");
    let page = page_of(&html_article(None, &html)).await;
    assert_empty_except(&page, &["language"]);
    assert_eq!(page["language"], "en");
}

/// An HTML page whose text cannot be told apart has every field null and no author.
#[tokio::test]
async fn html_page_with_nothing_to_read_has_every_field_null() {
    let page = page_of(&html_article(None, "<html><body><p>OK.</p></body></html>")).await;
    assert_empty_except(&page, &[]);
}

/// A plain-text article of paragraphs only: nothing but its language.
#[tokio::test]
async fn plain_article_of_paragraphs_only_has_only_a_language() {
    let page = page_of(&plain_article(
        "The city council voted on Monday to expand the bus network across the northern \
         districts, officials said.\n\nThe plan adds twelve new routes and will be paid for by \
         a regional grant over the next three years.",
    ))
    .await;
    assert_empty_except(&page, &["language"]);
    assert_eq!(page["language"], "en");
    let nothing = page_of(&plain_article("OK.")).await;
    assert_empty_except(&nothing, &[]);
}

/// Markup in a plain-text article is text, not metadata.
#[tokio::test]
async fn markup_in_a_plain_text_article_is_not_read() {
    let page = page_of(&plain_article(
        r#"<meta name="author" content="Jane Doe"><title>Council expands the bus network</title>"#,
    ))
    .await;
    assert_eq!(authors(&page), Vec::<&str>::new(), "{page}");
    assert_eq!(page["headline"], Value::Null, "{page}");
}

// ---------------------------------------------------------------------------------------------
// Plain-text articles
// ---------------------------------------------------------------------------------------------

/// A first paragraph long enough to be a real wire story's lead (over 25 words).
const LEAD: &str = "The city council voted on Monday to expand the bus network across the \
northern districts of the capital, officials said, after a year of complaints from residents \
about crowded routes and long waits at stops.";

/// A wire dateline without a year ("WASHINGTON, July 16 (Reuters) - …") gives no date: the
/// year is nowhere, and a guessed year is no fact.
#[tokio::test]
async fn wire_dateline_without_a_year_gives_no_date() {
    let page = page_of(&plain_article(&format!(
        "WASHINGTON, July 16 (Reuters) - {LEAD}\n\nThe plan adds twelve new routes."
    )))
    .await;
    assert_eq!(page["published_at"], Value::Null, "{page}");
}

/// A wire dateline with its year at the start of a short first paragraph gives the day.
#[tokio::test]
async fn wire_dateline_with_a_year_on_a_short_lead_gives_the_day() {
    let page = page_of(&plain_article(
        "WASHINGTON, July 16, 2012 (Reuters) - The city council voted on Monday to expand the \
         bus network.\n\nThe plan adds twelve new routes.",
    ))
    .await;
    assert_eq!(page["published_at"], "2012-07-16");
    let german = page_of(&plain_article(
        "BERLIN, 16. Juli 2012 (dpa) - Der Stadtrat hat am Montag beschlossen, das Busnetz \
         auszubauen.\n\nDer Plan sieht zwölf neue Linien vor.",
    ))
    .await;
    assert_eq!(german["published_at"], "2012-07-16");
}

/// A wire dateline with its year gives the day whatever the length of the paragraph it
/// opens: a real lead is often over 25 words.
#[tokio::test]
async fn wire_dateline_with_a_year_on_a_long_lead_gives_the_day() {
    let page = page_of(&plain_article(&format!(
        "WASHINGTON, July 16, 2012 (Reuters) - {LEAD}\n\nThe plan adds twelve new routes."
    )))
    .await;
    assert_eq!(page["published_at"], "2012-07-16", "{page}");
}

/// A "By Jane Doe" first line gives the author; "By Jane Doe and John Roe" both.
#[tokio::test]
async fn by_first_line_gives_the_author() {
    let one = page_of(&plain_article(&format!(
        "By Jane Doe\n\n{LEAD}\n\nThe plan adds twelve new routes."
    )))
    .await;
    assert_eq!(authors(&one), ["Jane Doe"]);
    let two = page_of(&plain_article(&format!(
        "By Jane Doe and John Roe\n\n{LEAD}"
    )))
    .await;
    assert_eq!(authors(&two), ["Jane Doe", "John Roe"]);
    let after_headline = page_of(&plain_article(&format!(
        "Council expands the bus network\n\nBy Jane Doe\n\n{LEAD}"
    )))
    .await;
    assert_eq!(authors(&after_headline), ["Jane Doe"]);
}

// ---------------------------------------------------------------------------------------------
// Hostile pages
// ---------------------------------------------------------------------------------------------

/// 100,000 nested `<span class="date">` elements: cleaning ends, the date inside is read (or
/// not) as one short value, and the article's text is kept.
#[tokio::test]
async fn hundred_thousand_nested_date_spans() {
    let n = 100_000;
    let html = format!(
        "<html><body>{}July 16, 2012{}{PROSE}</body></html>",
        r#"<span class="date">"#.repeat(n),
        "</span>".repeat(n)
    );
    let start = Instant::now();
    let (cleaner, _) = cleaner();
    let record = record(&cleaner, &html_article(Some(URL), &html)).await;
    eprintln!(
        "PAGE nested spans: {} bytes in {:?}",
        html.len(),
        start.elapsed()
    );
    let page = &record["page"];
    assert_eq!(page["published_at"], "2012-07-16", "{page}");
    assert!(longest_value(page) <= 1_000, "{page}");
    assert!(record["paragraphs"].as_array().unwrap().len() >= 3);
}

/// 100,000 `<meta>` tags: cleaning ends, the metas that come first are still read, and the
/// page's values stay bounded.
#[tokio::test]
async fn hundred_thousand_meta_tags() {
    let mut head = format!(
        r#"<meta property="article:published_time" content="2012-07-16T09:14:00+02:00">
           <meta property="og:title" content="Council expands the bus network">
           <meta property="og:site_name" content="{}">"#,
        "x".repeat(5_000)
    );
    for i in 0..100_000 {
        head.push_str(&format!(r#"<meta name="author" content="Spam Name {i}">"#));
    }
    let html = doc(&head, "");
    let start = Instant::now();
    let (cleaner, _) = cleaner();
    let record = record(&cleaner, &html_article(Some(URL), &html)).await;
    eprintln!("PAGE metas: {} bytes in {:?}", html.len(), start.elapsed());
    let page = &record["page"];
    assert_eq!(page["published_at"], "2012-07-16T09:14:00+02:00", "{page}");
    assert_eq!(page["headline"], "Council expands the bus network");
    assert!(longest_value(page) <= 1_000, "{}", longest_value(page));
    assert!(authors(page).len() <= 256, "{}", authors(page).len());
}

/// A 10 MB JSON-LD script: cleaning ends; the script is beyond what is read, and a small
/// JSON-LD script after it still is.
#[tokio::test]
async fn ten_megabyte_json_ld_script() {
    let huge = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Spam ".repeat(100),
        "datePublished": "1999-01-01",
        "author": (0..100_000).map(|i| json!({"@type": "Person", "name": format!("Spam {i}")})).collect::<Vec<_>>(),
        "articleBody": "word ".repeat(2_000_000),
    });
    let small = json!({"@type": "NewsArticle", "headline": "Council expands the bus network",
        "datePublished": "2012-07-16", "author": "Jane Doe"});
    let head = format!("{}{}", ld(huge), ld(small));
    assert!(head.len() >= 10_000_000, "{}", head.len());
    let html = doc(&head, "");
    let start = Instant::now();
    let mut settings = settings();
    settings.limits.max_message_bytes = 64 << 20;
    let (cleaner, _) = cleaner_with(&settings);
    let record = record(&cleaner, &html_article(Some(URL), &html)).await;
    eprintln!(
        "PAGE json-ld: {} bytes in {:?}",
        html.len(),
        start.elapsed()
    );
    let page = &record["page"];
    assert_eq!(page["published_at"], "2012-07-16", "{page}");
    assert_eq!(page["headline"], "Council expands the bus network");
    assert_eq!(authors(page), ["Jane Doe"]);
    assert!(longest_value(page) <= 1_000);
    assert!(record["paragraphs"].as_array().unwrap().len() >= 3);
}

/// JSON-LD with 60,000 values in one script (under the byte limit): cleaning ends and the
/// article object found first is read.
#[tokio::test]
async fn json_ld_with_a_great_many_objects() {
    let mut graph =
        vec![json!({"@type": "NewsArticle", "headline": "Council expands the bus network"})];
    graph.extend((0..60_000).map(|_| json!([])));
    let head = ld(json!({"@graph": graph}));
    let start = Instant::now();
    let page = on_page(&head, "").await;
    eprintln!(
        "PAGE json-ld objects: {} bytes in {:?}",
        head.len(),
        start.elapsed()
    );
    assert_eq!(page["headline"], "Council expands the bus network");
}

/// Values read from JSON-LD are bounded like every other kept value (1,000 characters): a
/// 50,000-character headline, author, publisher or address does not reach the record.
#[tokio::test]
async fn json_ld_values_are_bounded() {
    let head = ld(json!({
        "@type": "NewsArticle",
        "headline": "Long ".repeat(10_000),
        "author": "A".repeat(50_000),
        "publisher": {"name": "P".repeat(50_000)},
        "mainEntityOfPage": format!("https://example.com/{}", "a".repeat(50_000)),
    }));
    let page = on_page(&head, "").await;
    assert!(longest_value(&page) <= 1_000, "{}", longest_value(&page));
}

/// However many author metas a page has, the record names a bounded number of authors (no
/// more than a byline's ten, give or take).
#[tokio::test]
async fn many_author_metas_give_a_bounded_author_list() {
    let letters = |mut i: usize| {
        let mut s = String::new();
        for _ in 0..4 {
            s.push((b'a' + (i % 26) as u8) as char);
            i /= 26;
        }
        s[..1].to_uppercase() + &s[1..]
    };
    let mut head = String::new();
    for i in 0..300 {
        let names: Vec<String> = (0..10)
            .map(|k| format!("Jane {}", letters(i * 10 + k)))
            .collect();
        head.push_str(&format!(
            r#"<meta name="author" content="{}">"#,
            names.join(", ")
        ));
    }
    let page = on_page(&head, "").await;
    assert!(
        authors(&page).len() <= 16,
        "{} authors",
        authors(&page).len()
    );
}
