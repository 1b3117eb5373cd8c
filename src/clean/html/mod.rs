//! Paragraphs from HTML: one per block of text, with the page-level signals the decisions use.
//!
//! Built on [`lexer`] (the HTML standard's tokenizer states that decide what is text: entities,
//! raw-text elements, broken markup as browsers read them) and [`tree`] (the standard's tree
//! construction, reduced to the stack of open elements it keeps): a page gives the text a
//! browser shows, at a cost linear in its length, and nothing here recurses.

mod lexer;
mod signals;
mod tree;

use std::borrow::Cow;

use lexer::{Content, Visitor, content};

/// A landmark region the block sits in, innermost first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Landmark {
    Nav,
    Aside,
    Footer,
    /// A `header` outside any `article` or `main` (a site header, not an article's).
    Header,
    /// An element whose id or class names comments.
    Comments,
}

impl Landmark {
    pub fn as_str(self) -> &'static str {
        match self {
            Landmark::Nav => "nav",
            Landmark::Aside => "aside",
            Landmark::Footer => "footer",
            Landmark::Header => "header",
            Landmark::Comments => "comments",
        }
    }
}

/// What the page says about a block beyond its text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockSignals {
    pub landmark: Option<Landmark>,
    /// Characters of the block's text inside links.
    pub link_chars: usize,
    /// Characters of the block's text.
    pub chars: usize,
    /// Inside an `article` or `main` element.
    pub in_article: bool,
    /// Outside the page's main content: the deepest element that holds most of its prose.
    pub outside_main: bool,
}

impl BlockSignals {
    pub fn link_density(&self) -> f64 {
        if self.chars == 0 {
            0.0
        } else {
            self.link_chars as f64 / self.chars as f64
        }
    }
}

/// One extracted paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub text: String,
    pub signals: BlockSignals,
    /// The nearest [`signals::PATH_DEPTH`] open elements when the block started, innermost last, as
    /// (element number, depth).
    path: Vec<(u32, u32)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Starts and ends a block.
    Block,
    /// Text inside contributes nothing (script, style, svg, hidden …).
    Ignored,
    /// Keeps whitespace: each line is a paragraph.
    Pre,
    Link,
    /// A table cell: separates words, as a browser's tab between cells does, but a row stays
    /// one block (a row of a results table is one line of the article, not one per cell).
    Cell,
    Plain,
}

fn role(name: &str) -> Role {
    match name {
        "script" | "style" | "template" | "noscript" | "svg" | "math" | "head" | "title"
        | "iframe" | "object" | "select" | "textarea" | "noembed" | "noframes" | "canvas"
        | "video" | "audio" => Role::Ignored,
        "pre" | "listing" | "plaintext" => Role::Pre,
        "a" => Role::Link,
        "p" | "div" | "li" | "ul" | "ol" | "dl" | "dt" | "dd" | "h1" | "h2" | "h3" | "h4"
        | "h5" | "h6" | "blockquote" | "tr" | "table" | "thead" | "tbody" | "tfoot" | "caption"
        | "figcaption" | "figure" | "section" | "article" | "main" | "header" | "footer"
        | "nav" | "aside" | "form" | "fieldset" | "legend" | "address" | "details" | "summary"
        | "hr" | "br" | "center" | "menu" | "dialog" | "option" | "optgroup" | "body" | "html"
        | "dir" | "hgroup" | "search" | "xmp" | "frameset" => Role::Block,
        "td" | "th" => Role::Cell,
        _ => Role::Plain,
    }
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "keygen"
            | "basefont"
            | "bgsound"
            | "frame"
            | "image"
    )
}

/// One open element, with what it contributes to the blocks inside it.
struct Open<'a> {
    /// Number of the element in document order.
    id: u32,
    /// Borrowed from the page unless it had to be lower-cased.
    name: Cow<'a, str>,
    ignored: bool,
    pre: bool,
    link: bool,
    landmark: Option<Landmark>,
    article: bool,
    /// An SVG or MathML element: never text, and closed by `/>`.
    foreign: bool,
    /// A MathML element (else SVG, when foreign).
    math: bool,
    /// Hidden so that it has no box (`hidden`, `display: none`): it separates no words.
    boxless: bool,
    /// [`State::ignored`] before this element opened: what decides whether text fostered out
    /// of a table shows.
    ignored_outside: usize,
}

#[derive(Default)]
struct State<'a> {
    stack: Vec<Open<'a>>,
    /// Open elements of each kind, so a block's context costs nothing to look up.
    ignored: usize,
    pre: usize,
    links: usize,
    articles: usize,
    /// Innermost landmark first is found by scanning `stack` from the top only when a block
    /// starts; this counts open landmarks to skip that scan when there are none.
    landmarks: usize,
    /// Open elements the tree construction asks about, so that most tags need no search.
    paragraphs: usize,
    tables: usize,
    selects: usize,
    templates: usize,
    mode: tree::Mode,
    /// Something was shown (or a tag like `table` opened) in the body: a `frameset` no longer
    /// replaces it.
    no_frameset: bool,
    /// Reading a `frameset` page's `noframes` content, which has no frameset of its own.
    nested: bool,
    /// `noframes` content met before any frameset: the page's text if one follows.
    early_noframes: Vec<String>,
    /// A doctype that is not quirky: then a `table` closes an open `p`.
    no_quirks: bool,
    text: String,
    pending_space: bool,
    signals: BlockSignals,
    path: Vec<(u32, u32)>,
    next_id: u32,
    blocks: Vec<Block>,
}

impl<'a> State<'a> {
    fn landmark(&self) -> Option<Landmark> {
        if self.landmarks == 0 {
            return None;
        }
        self.stack.iter().rev().find_map(|o| o.landmark)
    }

    /// Appends text; `fostered` is the ignored count outside the table the text was fostered
    /// out of, if it was.
    fn push_text(&mut self, text: &str, fostered: Option<usize>) {
        if fostered.unwrap_or(self.ignored) > 0 {
            return;
        }
        if self.pre > 0 {
            // `\r\n` gives an empty line between, and an empty line adds no block.
            for (i, line) in text.split(['\n', '\r']).enumerate() {
                if i > 0 {
                    self.flush();
                }
                self.push_words(line);
            }
        } else {
            self.push_words(text);
        }
    }

    /// Appends text with whitespace collapsed, as a browser renders it.
    fn push_words(&mut self, text: &str) {
        // Every piece after the first follows a whitespace character.
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            if i > 0 {
                self.pending_space = !self.text.is_empty();
            }
            if word.is_empty() {
                continue;
            }
            if self.text.is_empty() {
                self.signals.landmark = self.landmark();
                self.signals.in_article = self.articles > 0;
                let depth = self.stack.len();
                self.path = self.stack[depth.saturating_sub(signals::PATH_DEPTH)..]
                    .iter()
                    .enumerate()
                    .map(|(i, o)| (o.id, (depth.saturating_sub(signals::PATH_DEPTH) + i) as u32))
                    .collect();
            }
            if self.pending_space {
                self.text.push(' ');
                self.pending_space = false;
                self.count(1);
            }
            self.text.push_str(word);
            self.count(word.chars().count());
        }
    }

    fn count(&mut self, chars: usize) {
        self.signals.chars += chars;
        if self.links > 0 {
            self.signals.link_chars += chars;
        }
    }

    /// Words after this do not join words before it.
    fn separate(&mut self) {
        self.pending_space = !self.text.is_empty();
    }

    /// Ends the current block, if it has any text.
    fn flush(&mut self) {
        if !self.text.is_empty() {
            self.blocks.push(Block {
                text: std::mem::take(&mut self.text),
                signals: std::mem::take(&mut self.signals),
                path: std::mem::take(&mut self.path),
            });
        }
        self.text.clear();
        self.signals = BlockSignals::default();
        self.pending_space = false;
    }

    /// Opens an element; false when it opens none (void, or a foreign `/>`).
    fn open(
        &mut self,
        name: Cow<'a, str>,
        attrs: &[(&str, Cow<'_, str>)],
        foreign: bool,
        self_closing: bool,
    ) -> bool {
        let role = if foreign { Role::Ignored } else { role(&name) };
        let mut hidden = Hidden::No;
        for (key, value) in attrs {
            let says = if key.eq_ignore_ascii_case("hidden") {
                Hidden::NoBox
            } else if key.eq_ignore_ascii_case("aria-hidden") && value.trim() == "true" {
                Hidden::Invisible
            } else if key.eq_ignore_ascii_case("style") {
                style_hides(value)
            } else {
                Hidden::No
            };
            hidden = hidden.max(says);
        }
        let boxless = hidden == Hidden::NoBox;
        match role {
            _ if boxless => {}
            Role::Block | Role::Pre => self.flush(),
            Role::Cell => self.separate(),
            _ => {}
        }
        let void = if foreign {
            self_closing
        } else {
            is_void(&name)
        };
        if void {
            return false;
        }
        let landmark = if foreign {
            None
        } else {
            signals::landmark(&name, attrs, self.articles > 0)
        };
        // A heading that names the comment section ("<h2 id=comments>") opens it: what follows
        // the heading inside its parent is the comments, as far as the parent goes.
        if landmark == Some(Landmark::Comments)
            && matches!(&*name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
            && let Some(parent) = self.stack.last_mut()
            && parent.landmark.is_none()
            && !parent.foreign
        {
            parent.landmark = landmark;
            self.landmarks += 1;
        }
        let math = foreign
            && (&*name == "math" || (&*name != "svg" && self.stack.last().is_some_and(|o| o.math)));
        self.next_id += 1;
        let open = Open {
            id: self.next_id,
            article: !foreign && matches!(&*name, "article" | "main"),
            name,
            ignored: role == Role::Ignored || hidden != Hidden::No,
            pre: role == Role::Pre,
            link: role == Role::Link,
            landmark,
            foreign,
            math,
            boxless,
            ignored_outside: self.ignored,
        };
        self.apply(&open, 1);
        self.stack.push(open);
        true
    }

    fn apply(&mut self, open: &Open<'_>, sign: isize) {
        let add = |n: &mut usize, on: bool| {
            if on {
                *n = n.saturating_add_signed(sign);
            }
        };
        add(&mut self.ignored, open.ignored);
        add(&mut self.pre, open.pre);
        add(&mut self.links, open.link);
        add(&mut self.articles, open.article);
        add(&mut self.landmarks, open.landmark.is_some());
        if !open.foreign {
            add(&mut self.paragraphs, open.name == "p");
            add(&mut self.tables, open.name == "table");
            add(&mut self.selects, open.name == "select");
            add(&mut self.templates, open.name == "template");
        }
    }
}

/// How an element's attributes hide it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Hidden {
    No,
    /// Not shown but laid out (`visibility: hidden`, `aria-hidden`): it still separates words.
    Invisible,
    /// Not laid out at all (`hidden`, `display: none`).
    NoBox,
}

/// What an inline style says: `display: none` or `visibility: hidden`, spaces and case ignored.
fn style_hides(style: &str) -> Hidden {
    let mentions = |word: &[u8]| {
        style
            .as_bytes()
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    };
    // Most styles say neither word: no copy for them.
    if !mentions(b"none") && !mentions(b"hidden") {
        return Hidden::No;
    }
    let squeezed: String = style
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if squeezed.contains("display:none") {
        Hidden::NoBox
    } else if squeezed.contains("visibility:hidden") {
        Hidden::Invisible
    } else {
        Hidden::No
    }
}

impl<'a> Visitor<'a> for State<'a> {
    fn start(
        &mut self,
        name: Cow<'a, str>,
        attrs: &[(&str, Cow<'_, str>)],
        self_closing: bool,
    ) -> bool {
        self.start_tag(name, attrs, self_closing)
    }

    fn end(&mut self, name: &str) {
        self.end_tag(name);
    }

    fn text(&mut self, text: &str) {
        self.text_token(text);
    }

    fn in_foreign(&self) -> bool {
        State::in_foreign(self)
    }

    fn doctype(&mut self, doctype: &str) {
        self.no_quirks = !tree::quirks_doctype(doctype);
    }
}

/// The blocks of an HTML document, in document order.
pub fn extract(html: &str) -> Vec<Block> {
    let mut state = State::default();
    lexer::tokenize(html, &mut state);
    state.flush();
    let mut blocks = std::mem::take(&mut state.blocks);
    signals::mark_outside_main(&mut blocks);
    blocks
}

/// Whether any words stand outside the page's markup, raw-text elements (`script`, `style`,
/// `title` …) and comments: a check of [`extract`] that shares only the tokenizer with it.
/// Text a page hides (`hidden`, `display: none`) counts here, so a page that hides all of
/// its text is reported too.
pub fn has_words(html: &str) -> bool {
    struct Words {
        /// Inside an element whose content is raw text.
        raw: bool,
        found: bool,
    }
    impl<'a> Visitor<'a> for Words {
        fn start(&mut self, name: Cow<'a, str>, _: &[(&str, Cow<'_, str>)], _: bool) -> bool {
            self.raw = !matches!(content(&name), Content::Markup | Content::Plaintext);
            true
        }
        fn end(&mut self, _: &str) {
            self.raw = false;
        }
        fn text(&mut self, text: &str) {
            self.found |= !self.raw && text.chars().any(char::is_alphanumeric);
        }
    }
    let mut words = Words {
        raw: false,
        found: false,
    };
    lexer::tokenize(html, &mut words);
    words.found
}

#[cfg(test)]
mod tests {
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
            texts(
                "<head></head><frameset><frame src=a><noframes><p>One</p>Two</noframes></frameset>"
            ),
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
}
