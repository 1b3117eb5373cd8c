//! What a page says about itself, as read in the one walk over its HTML (or from a plain-text
//! article's first lines): the raw material [`super::resolve`] chooses from.
//!
//! Everything here is bounded, whatever the page: a hostile page with a million `meta` tags
//! or megabytes of JSON-LD costs a fixed amount beyond the walk itself.

/// Most `meta` tags kept; pages with more are spam or generated.
pub const MAX_METAS: usize = 256;
/// Most characters of a kept value (a meta's content, a byline's text, a title).
pub const MAX_VALUE_CHARS: usize = 1_000;
/// Most bytes of JSON-LD read from one page, all scripts together.
pub const MAX_JSON_LD_BYTES: usize = 256 << 10;
/// Most `<time>` elements, byline elements and itemprop values kept, each.
pub const MAX_ELEMENTS: usize = 32;

/// Where on the page an element stood.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Place {
    /// Inside an `article` or `main` element.
    pub in_article: bool,
    /// Inside a navigation, aside, footer, site header or comment section.
    pub in_landmark: bool,
    /// Blocks of text the page had before the element: how far down it stands.
    pub blocks_before: usize,
}

/// A `<time>` element, or any element marked `itemprop=datePublished`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimeElement {
    /// Its `datetime` (or an itemprop's `content`) attribute.
    pub machine: Option<String>,
    /// Its text.
    pub text: String,
    /// Marked as the publication: `pubdate`, `itemprop=datePublished`, or an id or class that
    /// names publishing ("published", "pubdate", "post-date" …).
    pub published: bool,
    /// Marked as a modification ("updated", "modified", `itemprop=dateModified`).
    pub modified: bool,
    pub place: Place,
}

/// An element that names an article's author: `itemprop=author`, `rel=author`, or an id or
/// class that says author or byline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BylineElement {
    pub text: String,
    /// `itemprop=author` or `rel=author` (else a class or id name).
    pub marked: bool,
    pub place: Place,
}

/// The raw facts of one page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// `<html lang>`, as written.
    pub html_lang: Option<String>,
    /// `meta` tags as (name, property, itemprop or http-equiv, lower-cased; content), in page
    /// order.
    pub metas: Vec<(String, String)>,
    /// The first `<title>`'s text.
    pub title: Option<String>,
    /// The first `<link rel=canonical>`'s `href`.
    pub canonical: Option<String>,
    /// The text of each `<script type=application/ld+json>`.
    pub json_ld: Vec<String>,
    pub times: Vec<TimeElement>,
    pub bylines: Vec<BylineElement>,
    /// The first `h1`'s text, and where it stood.
    pub h1: Option<(String, Place)>,
    json_ld_bytes: usize,
}

impl Facts {
    /// The first meta whose name is one of `names`, with the name that matched.
    pub fn meta(&self, names: &[&'static str]) -> Option<(&'static str, &str)> {
        names.iter().find_map(|&n| {
            self.metas
                .iter()
                .find(|(k, v)| k == n && !v.trim().is_empty())
                .map(|(_, v)| (n, v.as_str()))
        })
    }

    pub fn push_meta(&mut self, key: &str, content: &str) {
        if self.metas.len() < MAX_METAS {
            self.metas
                .push((key.to_ascii_lowercase(), bounded(content).to_owned()));
        }
    }

    pub fn push_json_ld(&mut self, text: &str) {
        if self.json_ld_bytes + text.len() <= MAX_JSON_LD_BYTES {
            self.json_ld_bytes += text.len();
            self.json_ld.push(text.to_owned());
        }
    }
}

/// `text` cut to [`MAX_VALUE_CHARS`] characters.
pub fn bounded(text: &str) -> &str {
    match text.char_indices().nth(MAX_VALUE_CHARS) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}
