//! The page's own facts (its `meta` tags, JSON-LD, title, `<time>` elements, bylines), read in
//! the same walk as its paragraphs: the walk calls [`Collector::open`] for each element, passes
//! text on while an element of interest is open, and [`Collector::close`] when it closes.

use std::borrow::Cow;

use crate::page::facts::{
    BylineElement, Facts, MAX_ELEMENTS, MAX_JSON_LD_BYTES, MAX_VALUE_CHARS, Place, TimeElement,
    bounded,
};

/// Most elements whose text is wanted open at once (a title, a script, a headline, a time, a
/// byline, and nesting among them); beyond it, nested elements are not read.
const MAX_OPEN: usize = 8;

/// An open element whose text is wanted.
struct Capture {
    /// The element's number ([`super::state::Open::id`]).
    id: u32,
    kind: Kind,
    text: String,
}

enum Kind {
    Title,
    JsonLd,
    H1(Place),
    Time(TimeElement),
    Byline(bool, Place),
}

#[derive(Default)]
pub(super) struct Collector {
    pub(super) facts: Facts,
    captures: Vec<Capture>,
}

/// What an element's attributes say, in one pass.
#[derive(Default)]
struct Marks<'v> {
    itemprop: Option<&'v str>,
    content: Option<&'v str>,
    datetime: Option<&'v str>,
    pubdate: bool,
    rel_author: bool,
    /// An id or class names an author or byline.
    names_author: bool,
    /// An id or class names a date: (published, modified).
    names_date: Option<(bool, bool)>,
}

fn marks<'v>(attrs: &'v [(&str, Cow<'_, str>)]) -> Marks<'v> {
    let mut m = Marks::default();
    for (key, value) in attrs {
        let value: &str = value;
        let is = |name: &str| key.eq_ignore_ascii_case(name);
        // Attribute names told apart by length first: most are none of these.
        match key.len() {
            2 | 5 if is("id") || is("class") => {
                let words = Words::of(value);
                m.names_author |= words.author;
                if words.date {
                    let (p, q) = m.names_date.unwrap_or_default();
                    m.names_date = Some((p || words.published, q || words.modified));
                }
            }
            3 if is("rel") => {
                m.rel_author |= value
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("author"));
            }
            7 if is("content") => m.content = Some(value),
            7 if is("pubdate") => m.pubdate = true,
            8 if is("itemprop") => m.itemprop = Some(value.trim()),
            8 if is("datetime") => m.datetime = Some(value),
            _ => {}
        }
    }
    m
}

/// What the words inside an id or class value name, found in one pass over it.
#[derive(Default)]
struct Words {
    /// "author", "byline".
    author: bool,
    /// "date", "publish", "posted".
    date: bool,
    /// "publish", "posted", "pubdate", "created".
    published: bool,
    /// "updat…", "modif…".
    modified: bool,
}

impl Words {
    fn of(value: &str) -> Words {
        let b = value.as_bytes();
        let at = |i: usize, word: &[u8]| {
            b.len() >= i + word.len() && b[i..i + word.len()].eq_ignore_ascii_case(word)
        };
        let mut w = Words::default();
        for (i, &byte) in b.iter().enumerate() {
            match byte | 0x20 {
                b'a' => w.author |= at(i, b"author"),
                b'b' => w.author |= at(i, b"byline"),
                b'd' => w.date |= at(i, b"date"),
                b'p' => {
                    let p = at(i, b"publish") || at(i, b"posted");
                    w.date |= p;
                    w.published |= p || at(i, b"pubdate");
                }
                b'c' => w.published |= at(i, b"created"),
                b'u' => w.modified |= at(i, b"updat"),
                b'm' => w.modified |= at(i, b"modif"),
                _ => {}
            }
        }
        w
    }
}

fn attr<'v>(attrs: &'v [(&str, Cow<'_, str>)], name: &str) -> Option<&'v str> {
    attrs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| &**v)
}

impl Collector {
    /// The `html` start tag, which the tree never opens.
    pub(super) fn html(&mut self, attrs: &[(&str, Cow<'_, str>)]) {
        if self.facts.html_lang.is_none()
            && let Some(lang) = attr(attrs, "lang").or_else(|| attr(attrs, "xml:lang"))
            && !lang.trim().is_empty()
        {
            self.facts.html_lang = Some(bounded(lang.trim()).to_owned());
        }
    }

    /// An element opens as element `id`, or a `void` one stands; `place` says where. Returns
    /// whether its text is wanted, so that its closing calls [`Collector::close`] (never for a
    /// void element).
    pub(super) fn open(
        &mut self,
        id: u32,
        name: &str,
        attrs: &[(&str, Cow<'_, str>)],
        void: bool,
        place: impl FnOnce() -> Place,
    ) -> bool {
        // Words in different elements are different words.
        for c in &mut self.captures {
            if !matches!(c.kind, Kind::Title | Kind::JsonLd) && c.text.len() < MAX_VALUE_CHARS * 4 {
                c.text.push(' ');
            }
        }
        // Most elements carry nothing of interest: no attributes, and a name with no meaning
        // of its own here.
        if attrs.is_empty() && !matches!(name, "title" | "time" | "h1") {
            return false;
        }
        let kind = match name {
            "meta" => {
                if let Some(content) = attr(attrs, "content") {
                    for key in ["name", "property", "itemprop", "http-equiv"] {
                        if let Some(k) = attr(attrs, key) {
                            // `property="og:title article:author"` holds several names.
                            for k in k.split_ascii_whitespace() {
                                self.facts.push_meta(k, content);
                            }
                        }
                    }
                }
                return false;
            }
            "link" => {
                let rel = attr(attrs, "rel").unwrap_or("");
                if self.facts.canonical.is_none()
                    && rel
                        .split_ascii_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("canonical"))
                    && let Some(href) = attr(attrs, "href")
                {
                    self.facts.canonical = Some(bounded(href.trim()).to_owned());
                }
                return false;
            }
            "title"
                if self.facts.title.is_none() && !self.capturing(|k| matches!(k, Kind::Title)) =>
            {
                Kind::Title
            }
            "script" => {
                let json_ld = attr(attrs, "type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
                if !json_ld {
                    return false;
                }
                Kind::JsonLd
            }
            _ => {
                let m = marks(attrs);
                let itemprop = |p: &str| {
                    m.itemprop.is_some_and(|i| {
                        i.split_ascii_whitespace()
                            .any(|i| i.eq_ignore_ascii_case(p))
                    })
                };
                let published = m.pubdate || itemprop("datePublished") || itemprop("dateCreated");
                let modified = itemprop("dateModified");
                if name == "time" || published || modified || m.names_date.is_some() {
                    // A `<time datetime>` inside an element named as a date ("<div
                    // class=published><time datetime=…>3 hours ago</time>") gives it its value.
                    if let Some(outer) =
                        self.captures
                            .iter_mut()
                            .rev()
                            .find_map(|c| match &mut c.kind {
                                Kind::Time(t) if t.machine.is_none() => Some(t),
                                _ => None,
                            })
                        && let Some(value) = m.datetime
                    {
                        outer.machine = Some(bounded(value.trim()).to_owned());
                        return false;
                    }
                    if self.facts.times.len() >= MAX_ELEMENTS
                        || self.captures.len() >= MAX_OPEN
                        || self.capturing(|k| matches!(k, Kind::Time(_)))
                    {
                        return false;
                    }
                    let (named_published, named_modified) = m.names_date.unwrap_or_default();
                    let element = TimeElement {
                        machine: m
                            .datetime
                            .or(m.content)
                            .map(|v| bounded(v.trim()).to_owned()),
                        text: String::new(),
                        published: published || named_published,
                        modified: modified || named_modified,
                        place: place(),
                    };
                    if void || (m.content.is_some() && name != "time") {
                        // `<meta itemprop=datePublished content=…>` inside the body, or a
                        // `span` that carries its value: nothing more to read.
                        if element.machine.is_some() {
                            self.facts.times.push(element);
                        }
                        return false;
                    }
                    Kind::Time(element)
                } else if itemprop("author")
                    || m.rel_author
                    || m.names_author
                    || (name == "a" && attr(attrs, "href").is_some_and(links_to_author))
                {
                    if self.facts.bylines.len() >= MAX_ELEMENTS
                        || self.captures.len() >= MAX_OPEN
                        || self.capturing(|k| matches!(k, Kind::Byline(..)))
                    {
                        return false;
                    }
                    let marked = !m.names_author || itemprop("author") || m.rel_author;
                    if void {
                        return false;
                    }
                    if let Some(content) = m.content.filter(|_| marked) {
                        self.facts.bylines.push(BylineElement {
                            text: bounded(content.trim()).to_owned(),
                            marked,
                            place: place(),
                        });
                        return false;
                    }
                    Kind::Byline(marked, place())
                } else if name == "h1" && self.facts.h1.is_none() && !void {
                    if self.capturing(|k| matches!(k, Kind::H1(_))) {
                        return false;
                    }
                    Kind::H1(place())
                } else {
                    return false;
                }
            }
        };
        if void || self.captures.len() >= MAX_OPEN {
            return false;
        }
        self.captures.push(Capture {
            id,
            kind,
            text: String::new(),
        });
        true
    }

    pub(super) fn capturing_any(&self) -> bool {
        !self.captures.is_empty()
    }

    fn capturing(&self, kind: impl Fn(&Kind) -> bool) -> bool {
        self.captures.iter().any(|c| kind(&c.kind))
    }

    /// Text inside the open elements; `raw` for a raw-text element's own text (a script's, a
    /// title's), which only that element's capture takes.
    pub(super) fn text(&mut self, text: &str, raw: bool) {
        let Some(last) = self.captures.len().checked_sub(1) else {
            return;
        };
        for (i, c) in self.captures.iter_mut().enumerate() {
            let is_raw = matches!(c.kind, Kind::Title | Kind::JsonLd);
            if raw != is_raw || (raw && i != last) {
                continue;
            }
            let limit = if matches!(c.kind, Kind::JsonLd) {
                MAX_JSON_LD_BYTES
            } else {
                MAX_VALUE_CHARS * 4
            };
            if c.text.len() + text.len() <= limit {
                c.text.push_str(text);
            }
        }
    }

    /// Element `id` closed.
    pub(super) fn close(&mut self, id: u32) {
        let Some(at) = self.captures.iter().rposition(|c| c.id == id) else {
            return;
        };
        let Capture { kind, text, .. } = self.captures.remove(at);
        let words = || bounded(&collapse(&text)).to_owned();
        match kind {
            Kind::Title => self.facts.title = Some(words()),
            Kind::JsonLd => self.facts.push_json_ld(&text),
            Kind::H1(place) => {
                let text = words();
                if !text.is_empty() {
                    self.facts.h1 = Some((text, place));
                }
            }
            Kind::Time(mut element) => {
                element.text = words();
                if element.machine.is_some() || !element.text.is_empty() {
                    self.facts.times.push(element);
                }
            }
            Kind::Byline(marked, place) => {
                let text = words();
                if !text.is_empty() {
                    self.facts.bylines.push(BylineElement {
                        text,
                        marked,
                        place,
                    });
                }
            }
        }
    }

    /// The page ended: elements still open close.
    pub(super) fn finish(&mut self) -> Facts {
        while let Some(c) = self.captures.last() {
            self.close(c.id);
        }
        std::mem::take(&mut self.facts)
    }
}

/// A link to an author's page ("/author/jane-doe", "/autor/…", "/profil/…").
fn links_to_author(href: &str) -> bool {
    const PATHS: [&[u8]; 7] = [
        b"/author/",
        b"/authors/",
        b"/autor/",
        b"/autoren/",
        b"/profil/",
        b"/profile/",
        b"/journalist/",
    ];
    let b = href.as_bytes();
    memchr::memchr_iter(b'/', b).any(|i| {
        PATHS
            .iter()
            .any(|p| b.len() >= i + p.len() && b[i..i + p.len()].eq_ignore_ascii_case(p))
    })
}

/// Whitespace runs as one space, trimmed.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
