//! Paragraphs from HTML: one per block of text, with the page-level signals the decisions use.
//!
//! Built on [`lexer`] (the HTML standard's tokenizer states that decide what is text: entities,
//! raw-text elements, broken markup as browsers read them) and [`tree`] (the standard's tree
//! construction, reduced to the stack of open elements it keeps): a page gives the text a
//! browser shows, at a cost linear in its length, and nothing here recurses with the input (a
//! `frameset` page's `noframes` content is read as a page once, one level down, never again
//! inside it). [`state`] holds the walk: the open elements and the block being built; the tree
//! construction's own state is `tree::Tree`.

mod lexer;
mod page;
mod signals;
mod state;
mod tree;

use std::borrow::Cow;

use lexer::{Content, Visitor, content};
use state::{Open, State};

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

/// The blocks of an HTML document, in document order.
pub fn extract(html: &str) -> Vec<Block> {
    extract_page(html).blocks
}

/// A page's blocks, and what was read otherwise than a browser would to recover them.
pub struct Extraction {
    pub blocks: Vec<Block>,
    /// `unclosed_title`, `unclosed_textarea`, `unclosed_raw_text`: an element whose content is
    /// raw text (`title`, `textarea`, `script` …) that no end tag closed before the end of the
    /// page. A browser shows the whole page as that element's text (and so, for a title,
    /// nothing); it was closed at once instead, as libxml2-based extractors do.
    pub repairs: Vec<&'static str>,
    /// What the page says about itself: its `meta` tags, JSON-LD, title, times and bylines.
    pub page: crate::page::Facts,
}

/// [`extract`], saying what was repaired.
pub fn extract_page(html: &str) -> Extraction {
    let mut state = State::default();
    lexer::tokenize(html, &mut state);
    state.flush();
    let mut blocks = std::mem::take(&mut state.blocks);
    signals::mark_outside_main(&mut blocks);
    Extraction {
        blocks,
        repairs: std::mem::take(&mut state.repairs),
        page: state.page.finish(),
    }
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
mod tests;
