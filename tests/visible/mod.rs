//! A differential oracle for the HTML extractor: the words a browser would show, by the HTML
//! standard's tree builder (html5ever), against the words of `paraprint::clean::html::extract`.
//!
//! Both sides go through the same [`words`] tokenizer, so the only differences left are the
//! trees the two build: where unclosed or misplaced tags end, what is inside a hidden or raw-text
//! element, where one word ends and the next begins. The exclusions are paraprint's own
//! (script, style, head, hidden …), applied to the standard's tree instead of paraprint's stack.
//!
//! Shared by `tests/oracle.rs` and `examples/html_agreement.rs`.
#![allow(dead_code)] // each includer uses a different part

use std::collections::HashMap;

use html5ever::tendril::TendrilSink;
use html5ever::tree_builder::TreeBuilderOpts;
use html5ever::{Attribute, ParseOpts, QualName, local_name, ns, parse_document};
use icu_casemap::CaseMapper;
use icu_normalizer::ComposingNormalizerBorrowed;
use markup5ever_rcdom::{Handle, NodeData, RcDom};

/// Whether `aria-hidden="true"` hides an element's text (the one place the rule is applied is
/// [`aria_hides`]). Browsers show such text (it is only hidden from assistive technology);
/// paraprint treats it as hidden, so the oracle does too. Flip this, and paraprint's rule,
/// together.
pub const ARIA_HIDDEN_HIDES: bool = true;

/// HTML elements whose subtree shows nothing: raw text, metadata, embedded or replaced content,
/// form controls. None is a block, so none separates words. Foreign (SVG, MathML) elements
/// are skipped by namespace in [`shows`].
const SKIPPED: &[&str] = &[
    "script", "style", "template", "head", "title", "svg", "math", "iframe", "object", "select",
    "textarea", "noembed", "noframes", "noscript", "canvas", "video", "audio",
];

/// Elements that separate words: the HTML standard's "Rendering" section gives them display
/// block, list-item or a table part or cell (`br` breaks the line). Everything else is inline,
/// so `<b>W</b>ord` is one word.
#[rustfmt::skip]
const BLOCKS: &[&str] = &[
    "html", "body", "address", "article", "aside", "blockquote", "center", "details", "dialog",
    "dd", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "legend", "li", "listing", "main",
    "menu", "nav", "ol", "p", "plaintext", "pre", "search", "section", "summary", "ul", "xmp",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "td", "th", "br",
    "option", "optgroup",
];

/// A document whose `noframes` nest deeper than this shows nothing more (each level is parsed
/// again from the text of the one above).
const MAX_NOFRAMES_DEPTH: usize = 16;

/// The words of `text`: NFKC, full case folding and NFKC again (so folding cannot leave an
/// unnormalized string), then maximal runs of `char::is_alphanumeric` (Unicode Alphabetic or
/// Numeric) and `_`, like Python's `\w+`. Everything else separates words; both sides split
/// with this one function, so where exactly costs agreement nothing.
pub fn words(text: &str) -> Vec<String> {
    let split = |s: &str| -> Vec<String> {
        s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    if text.is_ascii() {
        // NFKC is the identity on ASCII and folding is lower-casing: the common case, made cheap.
        return split(&text.to_ascii_lowercase());
    }
    let nfkc = ComposingNormalizerBorrowed::new_nfkc();
    let composed = nfkc.normalize(text);
    let folded = CaseMapper::new().fold_string(&composed);
    split(&nfkc.normalize(&folded))
}

/// The visible words of a page by html5ever's tree, in reading order.
pub fn html5ever_words(html: &str) -> Vec<String> {
    visible_runs(html, 0)
        .iter()
        .flat_map(|r| words(r))
        .collect()
}

/// The words of paraprint's blocks, in order, each block on its own.
pub fn paraprint_words(html: &str) -> Vec<String> {
    paraprint::clean::html::extract(html)
        .iter()
        .flat_map(|b| words(&b.text))
        .collect()
}

/// A multiset of words.
pub type Bag = HashMap<String, usize>;

pub fn bag(words: &[String]) -> Bag {
    let mut bag = Bag::new();
    for w in words {
        *bag.entry(w.clone()).or_default() += 1;
    }
    bag
}

/// F1 of two multisets: 1.0 when both are empty, 0.0 when only one is.
pub fn f1(a: &Bag, b: &Bag) -> f64 {
    let (na, nb): (usize, usize) = (a.values().sum(), b.values().sum());
    if na + nb == 0 {
        return 1.0;
    }
    let common: usize = a
        .iter()
        .map(|(w, &n)| n.min(b.get(w).copied().unwrap_or(0)))
        .sum();
    2.0 * common as f64 / (na + nb) as f64
}

/// Both sides' words for one page and how far they agree.
pub struct Comparison {
    pub html5ever: Vec<String>,
    pub paraprint: Vec<String>,
    pub agreement: f64,
}

impl Comparison {
    pub fn of(html: &str) -> Comparison {
        let html5ever = html5ever_words(html);
        let paraprint = paraprint_words(html);
        let agreement = f1(&bag(&html5ever), &bag(&paraprint));
        Comparison {
            html5ever,
            paraprint,
            agreement,
        }
    }

    /// Words html5ever shows more often than paraprint, with the surplus, most first.
    pub fn only_html5ever(&self) -> Vec<(String, usize)> {
        surplus(&bag(&self.html5ever), &bag(&self.paraprint))
    }

    /// Words paraprint keeps more often than html5ever shows them, most first.
    pub fn only_paraprint(&self) -> Vec<(String, usize)> {
        surplus(&bag(&self.paraprint), &bag(&self.html5ever))
    }
}

fn surplus(a: &Bag, b: &Bag) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = a
        .iter()
        .filter_map(|(w, &n)| {
            let extra = n.saturating_sub(b.get(w).copied().unwrap_or(0));
            (extra > 0).then(|| (w.clone(), extra))
        })
        .collect();
    out.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
    out
}

/// "word×3 other×2 …" for the first `n` of a surplus list.
pub fn top(list: &[(String, usize)], n: usize) -> String {
    let shown: Vec<String> = list
        .iter()
        .take(n)
        .map(|(w, c)| format!("{w}×{c}"))
        .collect();
    let more = list.len().saturating_sub(n);
    if more > 0 {
        format!("{} (+{more} more)", shown.join(" "))
    } else {
        shown.join(" ")
    }
}

fn parse(html: &str) -> RcDom {
    let opts = ParseOpts {
        tree_builder: TreeBuilderOpts {
            // As in a browser: `noscript` content is then raw text, shown by nothing.
            scripting_enabled: true,
            ..Default::default()
        },
        ..Default::default()
    };
    parse_document(RcDom::default(), opts).one(html)
}

/// Runs of text between word separators, in document order. A frameset page shows instead its
/// `noframes` content, which the tree builder keeps as raw text: that text is parsed again.
fn visible_runs(html: &str, depth: usize) -> Vec<String> {
    let dom = parse(html);
    if !has_frameset(&dom.document) {
        return runs(&dom.document);
    }
    if depth >= MAX_NOFRAMES_DEPTH {
        return Vec::new();
    }
    noframes_texts(&dom.document)
        .iter()
        .flat_map(|text| visible_runs(text, depth + 1))
        .collect()
}

fn html_element(node: &Handle, local: &str) -> bool {
    match &node.data {
        NodeData::Element { name, .. } => name.ns == ns!(html) && &*name.local == local,
        _ => false,
    }
}

/// Whether the root `html` element has a `frameset` child.
fn has_frameset(document: &Handle) -> bool {
    document
        .children
        .borrow()
        .iter()
        .filter(|n| html_element(n, "html"))
        .any(|html| {
            html.children
                .borrow()
                .iter()
                .any(|n| html_element(n, "frameset"))
        })
}

/// The text of every HTML `noframes` element, in document order.
fn noframes_texts(document: &Handle) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![document.clone()];
    while let Some(node) = stack.pop() {
        if html_element(&node, "noframes") {
            let mut text = String::new();
            for child in node.children.borrow().iter() {
                if let NodeData::Text { contents } = &child.data {
                    text.push_str(&contents.borrow());
                }
            }
            out.push(text);
            continue;
        }
        stack.extend(node.children.borrow().iter().rev().cloned());
    }
    out
}

/// How much of an element shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shows {
    All,
    /// No box at all (`display: none`, raw text, foreign content): its place separates nothing.
    Nothing,
    /// A box without visible text (`visibility: hidden`, `aria-hidden`): a block one still
    /// separates the words around it.
    EmptyBox,
}

fn shows(name: &QualName, attrs: &[Attribute]) -> Shows {
    if name.ns == ns!(svg) || name.ns == ns!(mathml) {
        return Shows::Nothing;
    }
    if name.ns == ns!(html) && SKIPPED.contains(&&*name.local) {
        return Shows::Nothing;
    }
    let mut shows = Shows::All;
    for a in attrs.iter().filter(|a| a.name.ns == ns!()) {
        match a.name.local {
            local_name!("hidden") => return Shows::Nothing,
            local_name!("aria-hidden") if aria_hides(&a.value) => shows = Shows::EmptyBox,
            local_name!("style") => {
                // CSS ignores whitespace around the colon; paraprint removes spaces only.
                let squeezed: String = a
                    .value
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if squeezed.contains("display:none") {
                    return Shows::Nothing;
                }
                if squeezed.contains("visibility:hidden") {
                    shows = Shows::EmptyBox;
                }
            }
            _ => {}
        }
    }
    shows
}

/// Whether an `aria-hidden` value hides the text: see [`ARIA_HIDDEN_HIDES`].
fn aria_hides(value: &str) -> bool {
    ARIA_HIDDEN_HIDES && value.trim() == "true"
}

/// The runs of visible text under `root`, split at every block element's start and end.
/// Iterative: real pages nest deeper than a test thread's stack allows recursion.
fn runs(root: &Handle) -> Vec<String> {
    enum Step {
        Enter(Handle),
        Separate,
    }
    let mut out = Vec::new();
    let mut run = String::new();
    let mut separate = |run: &mut String| {
        if !run.is_empty() {
            out.push(std::mem::take(run));
        }
    };
    let mut stack = vec![Step::Enter(root.clone())];
    while let Some(step) = stack.pop() {
        let node = match step {
            Step::Separate => {
                separate(&mut run);
                continue;
            }
            Step::Enter(node) => node,
        };
        match &node.data {
            NodeData::Text { contents } => {
                run.push_str(&contents.borrow());
                continue;
            }
            NodeData::Element { name, attrs, .. } => {
                let block = name.ns == ns!(html) && BLOCKS.contains(&&*name.local);
                match shows(name, &attrs.borrow()) {
                    Shows::All => {}
                    Shows::Nothing => continue,
                    Shows::EmptyBox => {
                        if block {
                            separate(&mut run);
                        }
                        continue;
                    }
                }
                if block {
                    separate(&mut run);
                    stack.push(Step::Separate);
                }
            }
            NodeData::Document => {}
            // Doctype, comments and processing instructions show nothing.
            _ => continue,
        }
        let children = node.children.borrow();
        stack.extend(children.iter().rev().cloned().map(Step::Enter));
    }
    separate(&mut run);
    out
}
