//! Paragraphs from HTML: one per block of text, with the page-level signals the decisions use.
//!
//! Built on [`lexer`] (the HTML standard's tokenizer states that decide what is text: entities,
//! raw-text elements, broken markup as browsers read them) with a stack of open elements of our
//! own instead of the standard's tree builder. The tree builder's scope checks walk the whole stack for every tag,
//! which makes 100,000 nested `<div>`s quadratic; our stack is searched at most
//! [`END_TAG_SEARCH`] deep, so cost stays linear in the input, and nothing here recurses.

mod lexer;

use std::borrow::Cow;

use lexer::Visitor;

/// How far down the open-element stack an end tag looks for its start tag. Real pages close
/// what they opened within a few levels; a stray end tag deeper than this is ignored.
const END_TAG_SEARCH: usize = 64;

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
    /// The nearest [`PATH_DEPTH`] open elements when the block started, innermost last, as
    /// (element number, depth).
    path: Vec<(u32, u32)>,
}

/// How many enclosing elements a block remembers for finding the main content. The main
/// container sits within a few levels of its text; a bound keeps deep pages linear.
const PATH_DEPTH: usize = 32;

/// Share of the page's prose the main container must hold.
const MAIN_SHARE: f64 = 0.66;

/// A block shorter than this (in characters) is not prose for finding the main container.
const PROSE_MIN_CHARS: usize = 80;

/// A page with less prose than this (in characters) has no main container worth finding.
const MAIN_MIN_PROSE: usize = 250;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Starts and ends a block.
    Block,
    /// Text inside contributes nothing (script, style, svg, hidden …).
    Ignored,
    /// Keeps whitespace: each line is a paragraph.
    Pre,
    Link,
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
        | "hr" | "br" | "center" | "menu" | "dialog" | "option" | "body" | "html" => Role::Block,
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

    fn push_text(&mut self, text: &str) {
        if self.ignored > 0 {
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
                self.path = self.stack[depth.saturating_sub(PATH_DEPTH)..]
                    .iter()
                    .enumerate()
                    .map(|(i, o)| (o.id, (depth.saturating_sub(PATH_DEPTH) + i) as u32))
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

    fn start(&mut self, name: Cow<'a, str>, attrs: &[(&str, Cow<'_, str>)], self_closing: bool) {
        let role = role(&name);
        if role == Role::Block || role == Role::Pre {
            self.flush();
        }
        if is_void(&name) || self_closing && role != Role::Block && role != Role::Ignored {
            return;
        }
        let hidden = attrs.iter().any(|(key, value)| {
            key.eq_ignore_ascii_case("hidden")
                || (key.eq_ignore_ascii_case("aria-hidden") && value.trim() == "true")
                || (key.eq_ignore_ascii_case("style") && style_hides(value))
        });
        let landmark = match &*name {
            "nav" => Some(Landmark::Nav),
            "aside" => Some(Landmark::Aside),
            "footer" => Some(Landmark::Footer),
            "header" if self.articles == 0 => Some(Landmark::Header),
            "body" | "html" | "main" | "article" => None,
            _ => {
                let names = || {
                    attrs
                        .iter()
                        .filter(|(key, _)| {
                            key.eq_ignore_ascii_case("id") || key.eq_ignore_ascii_case("class")
                        })
                        .map(|(_, value)| &**value)
                };
                if names().any(names_comments) {
                    Some(Landmark::Comments)
                } else if names().any(names_footer) {
                    Some(Landmark::Footer)
                } else {
                    None
                }
            }
        };
        self.next_id += 1;
        let open = Open {
            id: self.next_id,
            article: matches!(&*name, "article" | "main"),
            name,
            ignored: role == Role::Ignored || hidden,
            pre: role == Role::Pre,
            link: role == Role::Link,
            landmark,
        };
        self.apply(&open, 1);
        self.stack.push(open);
    }

    fn end(&mut self, name: &str) {
        let kind = role(name);
        if kind == Role::Block || kind == Role::Pre {
            self.flush();
        }
        let depth = self.stack.len();
        let Some(at) = (depth.saturating_sub(END_TAG_SEARCH)..depth)
            .rev()
            .find(|&i| self.stack[i].name == name)
        else {
            return;
        };
        // Closing an element closes every element opened inside it.
        while self.stack.len() > at {
            let open = self.stack.pop().expect("non-empty");
            if role(&open.name) == Role::Block {
                self.flush();
            }
            self.apply(&open, -1);
        }
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
    }
}

/// An id or class that names a comment section: a whole class name or id that begins with
/// "comment" or "disqus" ("comments", "comment-list", "disqus_thread") or is "replies". Words
/// inside longer names ("f_comments_on", a feature flag on `<body>`) do not count.
fn names_comments(value: &str) -> bool {
    value.split_ascii_whitespace().any(|name| {
        starts_with_ignore_case(name, "comment")
            || starts_with_ignore_case(name, "disqus")
            || name.eq_ignore_ascii_case("replies")
    })
}

/// A class name or id that names a footer: "footer", "site-footer", "footer_links".
fn names_footer(value: &str) -> bool {
    value.split_ascii_whitespace().any(|name| {
        let name = name.as_bytes();
        name.len() >= 6
            && (name[..6].eq_ignore_ascii_case(b"footer")
                || name.len() >= 7
                    && (name[name.len() - 7..].eq_ignore_ascii_case(b"-footer")
                        || name[name.len() - 7..].eq_ignore_ascii_case(b"_footer")))
    })
}

fn starts_with_ignore_case(name: &str, prefix: &str) -> bool {
    name.len() >= prefix.len()
        && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// `display: none` or `visibility: hidden` in an inline style, spaces and case ignored.
fn style_hides(style: &str) -> bool {
    let mentions = |word: &[u8]| {
        style
            .as_bytes()
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    };
    // Most styles say neither word: no copy for them.
    if !mentions(b"none") && !mentions(b"hidden") {
        return false;
    }
    let squeezed = style.to_ascii_lowercase().replace(' ', "");
    squeezed.contains("display:none") || squeezed.contains("visibility:hidden")
}

impl<'a> Visitor<'a> for State<'a> {
    fn start(&mut self, name: Cow<'a, str>, attrs: &[(&str, Cow<'_, str>)], self_closing: bool) {
        State::start(self, name, attrs, self_closing);
    }

    fn end(&mut self, name: &str) {
        State::end(self, name);
    }

    fn text(&mut self, text: &str) {
        self.push_text(text);
    }
}

/// The blocks of an HTML document, in document order.
pub fn extract(html: &str) -> Vec<Block> {
    let mut state = State::default();
    lexer::tokenize(html, &mut state);
    state.flush();
    let mut blocks = std::mem::take(&mut state.blocks);
    mark_outside_main(&mut blocks);
    blocks
}

/// Prose that speaks for the main content: a long block, mostly not links, in no landmark.
fn prose_weight(block: &Block) -> usize {
    let s = &block.signals;
    if s.landmark.is_none() && s.link_density() < 0.3 && s.chars >= PROSE_MIN_CHARS {
        s.chars
    } else {
        0
    }
}

/// Finds the deepest element holding at least [`MAIN_SHARE`] of the page's prose, and marks
/// every block outside it.
fn mark_outside_main(blocks: &mut [Block]) {
    let total: usize = blocks.iter().map(prose_weight).sum();
    if total < MAIN_MIN_PROSE {
        return;
    }
    let mut held: std::collections::HashMap<u32, (usize, u32)> = std::collections::HashMap::new();
    for block in blocks.iter() {
        let weight = prose_weight(block);
        if weight == 0 {
            continue;
        }
        for &(id, depth) in &block.path {
            held.entry(id).or_insert((0, depth)).0 += weight;
        }
    }
    let main = held
        .iter()
        .filter(|(_, (weight, _))| *weight as f64 >= MAIN_SHARE * total as f64)
        .max_by_key(|(id, (_, depth))| (*depth, std::cmp::Reverse(**id)))
        .map(|(id, _)| *id);
    let Some(main) = main else {
        return;
    };
    for block in blocks.iter_mut() {
        block.signals.outside_main = !block.path.iter().any(|&(id, _)| id == main);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let find = |t: &str| blocks.iter().find(|b| b.text == t).unwrap().signals;
        assert_eq!(find("Home").landmark, Some(Landmark::Header));
        assert_eq!(find("Home").link_density(), 1.0);
        assert_eq!(find("Title").landmark, None, "an article's own header");
        assert!(find("Body with a link.").in_article);
        assert_eq!(find("Foot").landmark, Some(Landmark::Footer));
        assert_eq!(find("Nice!").landmark, Some(Landmark::Comments));
    }

    #[test]
    fn footers_by_name_but_not_words_inside_names() {
        let html = r#"<div class="site-footer"><p>Foot</p></div><div id="footer_links"><p>Links</p></div>
            <div class="footerless-layout"><p>Kept</p></div><div class="f_comments_on"><p>Also</p></div>"#;
        let blocks = extract(html);
        let landmark = |t: &str| {
            blocks
                .iter()
                .find(|b| b.text == t)
                .unwrap()
                .signals
                .landmark
        };
        assert_eq!(landmark("Foot"), Some(Landmark::Footer));
        assert_eq!(landmark("Links"), Some(Landmark::Footer));
        assert_eq!(landmark("Also"), None);
    }

    #[test]
    fn pre_keeps_lines() {
        // Lines stay apart; spaces inside a line collapse like everywhere else.
        assert_eq!(texts("<pre>a  b\nc</pre>"), ["a b", "c"]);
    }
}
