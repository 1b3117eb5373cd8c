//! Every nesting construct of the HTML standard, repeated until the message is as large as the
//! limit allows: the pages that drive a parser's depth. Shared by the offline test
//! (`tests/nesting.rs`) and the worker test (`tests/it/nesting.rs`).

use serde_json::json;

/// A construct: its name and the markup one level of it takes.
pub const CONSTRUCTS: &[(&str, &str)] = &[
    ("frameset and noframes", "<frameset><noframes>"),
    ("noframes before any frameset", "<noframes>"),
    ("tables and captions", "<table><caption>"),
    ("tables in cells", "<table><tr><td>"),
    ("text fostered out of tables", "<table>x"),
    ("formatting fostered out of tables", "<table><b>x"),
    ("table sections and rows", "<tbody><tr>"),
    ("lists", "<ul><li>"),
    ("list items with paragraphs", "<ol><li><p>"),
    ("definition lists", "<dl><dt>a<dd>"),
    ("list items with text", "<li>word "),
    ("formatting elements", "<b><i><u><s>"),
    ("links", "<a href=x>"),
    ("links closed", "<a></a>"),
    ("formatting misnested with paragraphs", "<b><p>x</b>"),
    ("a paragraph closing formatting", "<p><b></p>"),
    ("nobr", "<nobr>"),
    ("font", "<font>"),
    ("select and optgroup", "<select><optgroup><option>"),
    ("SVG foreignObject", "<svg><foreignObject>"),
    ("SVG desc", "<svg><desc>"),
    ("MathML mi", "<math><mi>"),
    (
        "MathML annotation-xml as HTML",
        "<math><annotation-xml encoding=\"text/html\">",
    ),
    ("SVG CDATA", "<svg><![CDATA["),
    ("template", "<template>"),
    ("object", "<object>"),
    ("applet and marquee", "<applet><marquee>"),
    ("blockquote", "<blockquote>"),
    ("ruby", "<ruby><rb>a<rt>"),
    ("div", "<div>"),
    ("span", "<span>"),
    ("button", "<button>"),
    ("form", "<form>"),
    ("headings", "<h1>"),
    ("paragraphs", "<p>"),
    ("fieldset", "<fieldset>"),
    ("details and summary", "<details><summary>"),
    ("article and main", "<article><main>"),
    ("nav and aside", "<nav><aside>"),
    ("elements with attributes", "<div class=comments id=x>"),
    ("end tags alone", "</div>"),
    ("iframe", "<iframe>"),
    ("noscript", "<noscript>"),
    ("textarea", "<textarea>"),
    ("title", "<title>"),
    ("comments", "<!--"),
    ("script", "<script>"),
    ("entities", "&amp;"),
];

/// The construct repeated as often as a message of at most `limit` bytes holds.
pub fn message(name: &str, unit: &str, limit: usize) -> Vec<u8> {
    let wrap = |n: usize| {
        serde_json::to_vec(&json!({
            "id": name,
            "source": "nesting.example",
            "content_type": "text/html",
            "body": unit.repeat(n),
        }))
        .unwrap()
    };
    let per_unit = wrap(2).len() - wrap(1).len();
    let n = (limit - wrap(0).len()) / per_unit;
    let bytes = wrap(n);
    assert!(
        bytes.len() <= limit && bytes.len() + per_unit > limit,
        "{name}"
    );
    bytes
}
