//! The walk's state: the open elements, the block being built, and how elements and text
//! change them. The tree construction's own state (its insertion mode, the elements it counts,
//! frameset pages) is [`tree::Tree`]; the open elements are shared, since each carries what it
//! contributes to the blocks inside it.

use std::borrow::Cow;

use super::lexer::{Content, Visitor, content};
use super::{Block, BlockSignals, Landmark, Role, is_void, page, role, signals, tree};
use crate::page::facts::Place;

/// One open element, with what it contributes to the blocks inside it.
pub(super) struct Open<'a> {
    /// Number of the element in document order.
    pub(super) id: u32,
    /// Borrowed from the page unless it had to be lower-cased.
    pub(super) name: Cow<'a, str>,
    pub(super) ignored: bool,
    pub(super) pre: bool,
    pub(super) link: bool,
    pub(super) landmark: Option<Landmark>,
    pub(super) article: bool,
    /// An SVG or MathML element: never text, and closed by `/>`.
    pub(super) foreign: bool,
    /// A MathML element (else SVG, when foreign).
    pub(super) math: bool,
    /// Hidden so that it has no box (`hidden`, `display: none`): it separates no words.
    pub(super) boxless: bool,
    /// [`State::ignored`] before this element opened: what decides whether text fostered out
    /// of a table shows.
    pub(super) ignored_outside: usize,
    /// The page's facts want its text ([`page::Collector`]).
    pub(super) capture: bool,
}

#[derive(Default)]
pub(super) struct State<'a> {
    /// What was read otherwise than a browser would, to recover the page (`Extraction`).
    pub(super) repairs: Vec<&'static str>,
    pub(super) stack: Vec<Open<'a>>,
    /// Open elements of each kind, so a block's context costs nothing to look up.
    pub(super) ignored: usize,
    pub(super) pre: usize,
    pub(super) links: usize,
    pub(super) articles: usize,
    /// Innermost landmark first is found by scanning `stack` from the top only when a block
    /// starts; this counts open landmarks to skip that scan when there are none.
    pub(super) landmarks: usize,
    /// The tree construction's own state (insertion mode and what it counts).
    pub(super) tree: tree::Tree,
    pub(super) text: String,
    pub(super) pending_space: bool,
    pub(super) signals: BlockSignals,
    pub(super) path: Vec<(u32, u32)>,
    pub(super) next_id: u32,
    pub(super) blocks: Vec<Block>,
    /// What the page says about itself, read in the same walk.
    pub(super) page: page::Collector,
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
    pub(super) fn push_text(&mut self, text: &str, fostered: Option<usize>) {
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
    pub(super) fn separate(&mut self) {
        self.pending_space = !self.text.is_empty();
    }

    /// Ends the current block, if it has any text.
    pub(super) fn flush(&mut self) {
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
    pub(super) fn open(
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
        let capture = !foreign
            && self
                .page
                .open(self.next_id + 1, &name, attrs, void, || Place {
                    in_article: self.articles > 0,
                    in_landmark: self.landmarks > 0
                        && self.stack.iter().any(|o| o.landmark.is_some()),
                    blocks_before: self.blocks.len(),
                });
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
            capture,
        };
        self.apply(&open, 1);
        self.stack.push(open);
        true
    }

    pub(super) fn apply(&mut self, open: &Open<'_>, sign: isize) {
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
            add(&mut self.tree.paragraphs, open.name == "p");
            add(&mut self.tree.tables, open.name == "table");
            add(&mut self.tree.selects, open.name == "select");
            add(&mut self.tree.templates, open.name == "template");
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
        if &*name == "html" {
            self.page.html(attrs);
        }
        self.start_tag(name, attrs, self_closing)
    }

    fn end(&mut self, name: &str) {
        self.end_tag(name);
    }

    fn text(&mut self, text: &str) {
        if self.page.capturing_any() {
            let raw = self
                .stack
                .last()
                .is_some_and(|o| !o.foreign && !matches!(content(&o.name), Content::Markup));
            self.page.text(text, raw);
        }
        self.text_token(text);
    }

    fn in_foreign(&self) -> bool {
        State::in_foreign(self)
    }

    fn doctype(&mut self, doctype: &str) {
        self.tree.no_quirks = !tree::quirks_doctype(doctype);
    }

    fn unclosed(&mut self, name: &str) {
        let repair = match name {
            "title" => "unclosed_title",
            "textarea" => "unclosed_textarea",
            _ => "unclosed_raw_text",
        };
        if !self.repairs.contains(&repair) {
            self.repairs.push(repair);
        }
    }
}
