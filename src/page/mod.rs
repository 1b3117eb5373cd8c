//! What an article says about itself: publication date, authors, headline, language, canonical
//! address and site name, read from the page (its `meta` tags, JSON-LD, `<time>` elements,
//! byline, dateline and address) or from a plain-text article's first lines. A field nothing
//! reliable gives is `None`: never a guess dressed as a fact.
//!
//! [`facts`] are collected in the same walk as the paragraphs (`clean::html`); [`read`]
//! chooses among them in the order README.md's table gives; the language is chosen last, from
//! the kept text ([`Page::with_language`]).

pub mod date;
pub mod facts;
mod jsonld;
mod language;
mod names;

pub use facts::Facts;

/// One field's value and where it came from (`clean --explain` shows it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found<T> {
    pub value: T,
    pub source: String,
}

fn found<T>(value: T, source: impl Into<String>) -> Option<Found<T>> {
    Some(Found {
        value,
        source: source.into(),
    })
}

/// The record's `page` object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Page {
    /// ISO 8601: a date-time with its offset when the page gives one, else the day.
    pub published_at: Option<Found<String>>,
    pub authors: Option<Found<Vec<String>>>,
    pub headline: Option<Found<String>>,
    /// A BCP 47 tag; set by [`Page::with_language`].
    pub language: Option<Found<String>>,
    pub canonical_url: Option<Found<String>>,
    pub site_name: Option<Found<String>>,
    /// What the page declares its language to be, for [`Page::with_language`].
    declared_language: Option<Found<String>>,
}

/// `meta` names of a publication date, most specific first.
const PUBLISHED_METAS: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "article.published",
    "published_time",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "sailthru.date",
    "parsely-pub-date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "citation_publication_date",
    "citation_date",
    "article_date_original",
    "original-publish-date",
    "cxenseparse:recs:publishtime",
];

/// `meta` names of a date that may be the page's last change as well as its publication:
/// taken only when the page shows no dateline.
const GENERIC_DATE_METAS: &[&str] = &["dc.date", "dcterms.date", "date"];

/// `meta` names of authors. `article:author` is often a profile's address: names only count.
const AUTHOR_METAS: &[&str] = &[
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "byl",
    "citation_author",
    "og:article:author",
    "cxenseparse:author",
    "article:author_name",
];

const SITE_METAS: &[&str] = &["og:site_name", "application-name", "publisher"];

const DECLARED_LANGUAGE_METAS: &[&str] =
    &["content-language", "language", "og:locale", "dc.language"];

/// Most authors a record names (a byline of more is a list of contributors).
const MAX_AUTHORS: usize = 16;

/// Most words of a line read for a dateline or byline.
const DATELINE_MAX_WORDS: usize = 25;
/// How many blocks after the headline (or from the top, without one) a dateline is looked for.
const DATELINE_REACH: usize = 8;

/// A page's fields, all but its language, from its `facts`, its input `url` and its text
/// `lines` (HTML blocks or plain-text paragraphs, in order; a block in a page's navigation,
/// aside, footer or site header is blank, so that its dates and bylines are not the article's,
/// and `all_lines` has it).
pub fn read(facts: &Facts, url: Option<&str>, lines: &[&str], all_lines: &[&str]) -> Page {
    let ld = jsonld::read_scripts(&facts.json_ld).unwrap_or_default();
    let site_name = facts
        .meta(SITE_METAS)
        .and_then(|(n, v)| found(clean(v), format!("meta {n}")))
        .or_else(|| {
            ld.publisher
                .clone()
                .and_then(|p| found(p, "json-ld publisher"))
        })
        .filter(|f| !f.value.is_empty());
    let site = site_name.as_ref().map(|f| f.value.as_str());

    let canonical_url = facts
        .canonical
        .as_deref()
        .and_then(|c| absolute(c, url))
        .and_then(|c| found(c, "link rel=canonical"))
        .or_else(|| {
            facts
                .meta(&["og:url"])
                .and_then(|(_, v)| absolute(v, url))
                .and_then(|c| found(c, "meta og:url"))
        })
        .or_else(|| {
            ld.url
                .as_deref()
                .and_then(|u| absolute(u, url))
                .and_then(|c| found(c, "json-ld url"))
        });

    let headline = headline(facts, &ld, site);

    let declared_language = facts
        .html_lang
        .clone()
        .and_then(|l| found(l, "html lang"))
        .or_else(|| {
            ld.language
                .clone()
                .and_then(|l| found(l, "json-ld inLanguage"))
        })
        .or_else(|| {
            facts
                .meta(DECLARED_LANGUAGE_METAS)
                .and_then(|(n, v)| found(v.trim().to_owned(), format!("meta {n}")))
        });
    Page {
        published_at: published(facts, &ld, url, canonical_url.as_ref(), lines, all_lines),
        authors: authors(facts, &ld, site, lines).map(|mut a| {
            a.value.truncate(MAX_AUTHORS);
            a
        }),
        headline,
        language: None,
        canonical_url,
        site_name,
        declared_language,
    }
}

/// The headline: the page's visible `h1` when the page's own statements of its title (JSON-LD,
/// Open Graph, `<title>`) agree it is the article's, else the first of those statements; none
/// that is only the site's name.
fn headline(facts: &Facts, ld: &jsonld::JsonLd, site: Option<&str>) -> Option<Found<String>> {
    let mut stated: Vec<Found<String>> = Vec::new();
    let mut push = |text: &str, source: String| {
        let text = names::headline(&clean(&htmlize::unescape(text)), site);
        let only_site = site.is_some_and(|s| text.eq_ignore_ascii_case(s));
        // "20. Januar 2022" is a date, not a headline.
        let only_date = text.split_whitespace().count() <= 4 && date::parse_text(&text).is_some();
        if !text.is_empty() && !only_site && !only_date {
            stated.push(Found {
                value: text,
                source,
            });
        }
    };
    if let Some(h) = &ld.headline {
        push(h, "json-ld headline".into());
    }
    for name in ["og:title", "twitter:title"] {
        if let Some((n, v)) = facts.meta(&[name]) {
            push(v, format!("meta {n}"));
        }
    }
    if let Some(t) = &facts.title {
        push(t, "title".into());
    }
    let h1 = facts
        .h1
        .as_ref()
        .filter(|(h, place)| !place.in_landmark && !h.is_empty())
        .map(|(h, _)| h.as_str());
    match h1 {
        Some(h1) if stated.iter().any(|s| agree(h1, &s.value)) => {
            found(h1.to_owned(), "h1 (as the page's title says)")
        }
        Some(h1) if stated.is_empty() => found(h1.to_owned(), "h1"),
        _ => stated.into_iter().next(),
    }
}

/// Two titles agree when most words of the shorter are in the longer.
fn agree(a: &str, b: &str) -> bool {
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if short.is_empty() {
        return false;
    }
    let shared = short.iter().filter(|w| long.contains(w)).count();
    shared * 2 > short.len()
}

fn authors(
    facts: &Facts,
    ld: &jsonld::JsonLd,
    site: Option<&str>,
    lines: &[&str],
) -> Option<Found<Vec<String>>> {
    let not_site = |names: Vec<String>| -> Vec<String> {
        names
            .into_iter()
            .filter(|n| site.is_none_or(|s| !n.eq_ignore_ascii_case(s)))
            .collect()
    };
    let from_ld: Vec<String> = not_site(ld.authors.iter().flat_map(|a| names::names(a)).collect());
    if !from_ld.is_empty() {
        return found(from_ld, "json-ld author");
    }
    for &name in AUTHOR_METAS {
        let list: Vec<String> = not_site(
            facts
                .metas
                .iter()
                .filter(|(k, _)| k == name)
                .flat_map(|(_, v)| names::names(v))
                .collect(),
        );
        if !list.is_empty() {
            return found(dedup(list), format!("meta {name}"));
        }
    }
    // WordPress's "Written by" pair of Twitter card labels.
    if facts.meta(&["twitter:label1"]).is_some_and(|(_, l)| {
        let l = l.to_lowercase();
        l.contains("written by") || l.contains("verfasst von") || l.contains("geschrieben von")
    }) && let Some((_, v)) = facts.meta(&["twitter:data1"])
    {
        let list = not_site(names::names(v));
        if !list.is_empty() {
            return found(list, "meta twitter:data1 (written by)");
        }
    }
    for marked in [true, false] {
        if let Some(b) = facts
            .bylines
            .iter()
            .filter(|b| b.marked == marked && !b.place.in_landmark)
            .find(|b| !not_site(names::names(&b.text)).is_empty())
        {
            let how = if marked {
                "itemprop/rel author"
            } else {
                "byline element"
            };
            return found(not_site(names::names(&b.text)), how);
        }
    }
    // A byline line near the headline (or the top): "By Jane Doe", "Posted on July 16, 2012
    // by Jane Doe", "Ein Artikel von Hans Müller | 27.01.2022".
    let from = facts
        .h1
        .as_ref()
        .map_or(0, |(_, place)| place.blocks_before);
    lines
        .iter()
        .skip(from)
        .take(DATELINE_REACH)
        .filter(|l| l.split_whitespace().count() <= BYLINE_MAX_WORDS && !is_credit(l))
        .filter_map(|l| by_phrase(l))
        .map(|phrase| not_site(names::names(phrase)))
        .find(|n| !n.is_empty())
        .and_then(|n| found(n, "byline line"))
}

/// Most words of a byline line.
const BYLINE_MAX_WORDS: usize = 15;

/// The line from its first "by" word on ("by", "von", "par" …, as a whole word).
fn by_phrase(line: &str) -> Option<&str> {
    const BY: [&str; 7] = ["by", "von", "par", "por", "door", "przez", "av"];
    let mut at = 0;
    for (i, word) in line.split_inclusive(char::is_whitespace).enumerate() {
        let bare = word.trim_end().trim_end_matches(':');
        if BY.iter().any(|b| bare.eq_ignore_ascii_case(b)) {
            let phrase = &line[at..];
            // Inside a sentence ("Die Folgen von Corona"), "by" names an author only when a
            // first and a last name follow it.
            let capitalized = phrase
                .split_whitespace()
                .skip(1)
                .take(2)
                .filter(|w| w.starts_with(char::is_uppercase))
                .count();
            return (i == 0 || capitalized == 2).then_some(phrase);
        }
        at += word.len();
    }
    None
}

/// A picture's credit line ("Photo by …", "Foto: …"), which names no author of the article.
fn is_credit(line: &str) -> bool {
    const CREDITS: [&str; 8] = [
        "photo",
        "foto",
        "bild",
        "image",
        "illustration",
        "quelle",
        "source",
        "credit",
    ];
    let lower = line.trim_start().to_lowercase();
    CREDITS.iter().any(|c| lower.starts_with(c))
}

fn dedup(mut list: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    list.retain(|n| seen.insert(n.to_lowercase()));
    list
}

/// The publication date: the first source in the README's order that gives one, except that
/// a UTC time a day off the day the page shows (by its address, its dateline, its marked
/// time's text) gives way to that day: a reader's day is the page's local one, and a UTC time
/// late in the evening (or early in the morning) is another day there.
fn published(
    facts: &Facts,
    ld: &jsonld::JsonLd,
    url: Option<&str>,
    canonical: Option<&Found<String>>,
    lines: &[&str],
    all_lines: &[&str],
) -> Option<Found<String>> {
    let (chosen, source) = choose_published(facts, ld, url, canonical, lines, all_lines)?;
    if let date::Stated::Instant(t) = chosen
        && t.offset().is_utc()
        && let Some((shown, how)) = shown_day(facts, url, lines)
        && (shown - t.date()).whole_days().abs() == 1
    {
        return found(
            date::Stated::Day(shown).to_iso(),
            format!("{how}, over a UTC time from {source}"),
        );
    }
    found(chosen.to_iso(), source)
}

/// The day the page shows a reader: in its address, in its marked time's text, in its
/// dateline.
fn shown_day(
    facts: &Facts,
    url: Option<&str>,
    lines: &[&str],
) -> Option<(time::Date, &'static str)> {
    if let Some(d) = url.and_then(date::from_url) {
        return Some((d, "date in the url"));
    }
    if let Some(d) = facts
        .times
        .iter()
        .filter(|t| t.published && !t.modified && !t.place.in_landmark)
        .find_map(|t| date::parse_text(&t.text))
    {
        return Some((d.day(), "time element text"));
    }
    dateline(facts, lines).map(|d| (d.day(), "dateline"))
}

fn choose_published(
    facts: &Facts,
    ld: &jsonld::JsonLd,
    url: Option<&str>,
    canonical: Option<&Found<String>>,
    lines: &[&str],
    all_lines: &[&str],
) -> Option<(date::Stated, String)> {
    if let Some(d) = ld.date_published.as_deref().and_then(date::parse_machine) {
        return Some((d, "json-ld datePublished".into()));
    }
    if let Some(found) = meta_date(facts, PUBLISHED_METAS) {
        return Some(found);
    }
    let time = |t: &facts::TimeElement| {
        t.machine
            .as_deref()
            .and_then(date::parse_machine)
            .or_else(|| date::parse_text(&t.text))
    };
    if let Some(d) = facts
        .times
        .iter()
        .filter(|t| t.published && !t.modified && !t.place.in_landmark)
        .find_map(time)
    {
        return Some((d, "time element marked published".into()));
    }
    for (u, source) in [
        (url, "url"),
        (canonical.map(|c| c.value.as_str()), "canonical url"),
    ] {
        if let Some(d) = u.and_then(date::from_url) {
            return Some((date::Stated::Day(d), format!("date in the {source}")));
        }
    }
    if let Some(d) = dateline(facts, lines) {
        return Some((d, "dateline".into()));
    }
    if let Some(found) = meta_date(facts, GENERIC_DATE_METAS) {
        return Some(found);
    }
    // A date the page labels as the publication, wherever it stands ("Published: …",
    // "Erschienen am …", "Publié le …"), and no modification label before it.
    if let Some(d) = all_lines
        .iter()
        .filter(|l| has_digit(l) && l.split_whitespace().count() <= DATELINE_MAX_WORDS)
        .find_map(|l| labelled_date(l))
    {
        return Some((d, "labelled date".into()));
    }
    if let Some(d) = facts
        .times
        .iter()
        .filter(|t| !t.modified && !t.place.in_landmark)
        .find_map(time)
    {
        return Some((d, "time element".into()));
    }
    // A title that starts with its date ("23.01.2022 - Results of the relay").
    if let Some(d) = facts
        .title
        .as_deref()
        .and_then(|t| date::parse_text(prefix(t, LEADING_DATE_CHARS)))
    {
        return Some((d, "title".into()));
    }
    // A time marked as the publication in a part of the page that is not the article's (a
    // list's item, a footer): the page's only statement.
    if let Some(d) = facts
        .times
        .iter()
        .filter(|t| t.published && !t.modified)
        .find_map(time)
    {
        return Some((
            d,
            "time element marked published, outside the article".into(),
        ));
    }
    // Last, a line that is nothing but a date, wherever it stands.
    all_lines
        .iter()
        .filter(|l| {
            has_digit(l)
                && l.split_whitespace().count() <= DATE_LINE_MAX_WORDS
                && !says_modified(l, facts)
        })
        .find_map(|l| date::parse_text(l))
        .map(|d| (d, "a line that is a date".into()))
}

/// The first date among `meta` tags of the given names, in the names' order.
fn meta_date(facts: &Facts, names: &[&str]) -> Option<(date::Stated, String)> {
    names.iter().find_map(|&name| {
        facts
            .metas
            .iter()
            .filter(|(k, _)| k == name)
            .find_map(|(_, v)| date::parse_machine(v))
            .map(|d| (d, format!("meta {name}")))
    })
}

/// The dateline by the headline: the first line near it that is a date, or that starts with
/// one ("16.07.2012 – Berlin. The minister …").
fn dateline(facts: &Facts, lines: &[&str]) -> Option<date::Stated> {
    let from = facts.h1.as_ref().map_or(0, |(_, place)| {
        place.blocks_before.saturating_sub(DATELINE_BEFORE)
    });
    lines
        .iter()
        .skip(from)
        .take(DATELINE_BEFORE + DATELINE_REACH)
        .filter(|l| has_digit(l) && !says_modified(l, facts))
        .find_map(|l| {
            if l.split_whitespace().count() <= DATELINE_MAX_WORDS {
                date::parse_text(l)
            } else {
                date::parse_text(prefix(l, LEADING_DATE_CHARS))
            }
        })
}

/// A line that states a modification: labelled so ("Updated: …", "Stand: …") before any
/// publication label, or the text of an element the page marks as its last change.
fn says_modified(line: &str, facts: &Facts) -> bool {
    // A label stands at the line's start, before its date; words further on are the text's.
    let lower = prefix(line, LEADING_DATE_CHARS).to_lowercase();
    let published = first_label(&lower, PUBLISHED_LABELS).unwrap_or(lower.len());
    first_label(&lower[..published], MODIFIED_LABELS).is_some()
        || facts
            .times
            .iter()
            .any(|t| t.modified && t.text == line.trim())
}

/// Most words of a line that is only a date ("Bonn, 11.10.2021", "30.01.2022 18:36").
const DATE_LINE_MAX_WORDS: usize = 5;

/// Blocks before the headline a dateline may stand in (a kicker with the date above it).
const DATELINE_BEFORE: usize = 3;
/// How far into a long line a date that starts it may reach.
const LEADING_DATE_CHARS: usize = 40;

/// Words that label a date as the publication, in the languages the date parser reads.
const PUBLISHED_LABELS: &[&str] = &[
    "published",
    "posted",
    "veröffentlicht",
    "erschienen",
    "publiziert",
    "publié",
    "publicado",
    "publicada",
    "pubblicato",
    "gepubliceerd",
    "opublikowano",
    "publikováno",
    "yayınlanma",
    "опубликовано",
    "опубліковано",
    "objavljeno",
    "diterbitkan",
    "publicerad",
    "udgivet",
];
/// Words that label a date as a modification.
const MODIFIED_LABELS: &[&str] = &[
    "updated",
    "modified",
    "edited",
    "aktualisiert",
    "geändert",
    "änderung",
    "stand",
    "mis à jour",
    "actualizado",
    "aggiornato",
    "bijgewerkt",
    "zaktualizowano",
    "güncelleme",
    "обновлено",
    "оновлено",
    "ažurirano",
];

/// The date after a publication label in `line`, unless a modification label comes first.
fn labelled_date(line: &str) -> Option<date::Stated> {
    let lower = line.to_lowercase();
    let at = first_label(&lower, PUBLISHED_LABELS)?;
    if first_label(&lower[..at], MODIFIED_LABELS).is_some() {
        return None;
    }
    // `to_lowercase` keeps most byte offsets; when it did not, read the line from the start.
    date::parse_text(line.get(at..).unwrap_or(line))
}

/// Where the first of `labels` starts a word of `lower`.
fn first_label(lower: &str, labels: &[&str]) -> Option<usize> {
    let mut word_start = true;
    for (i, c) in lower.char_indices() {
        if word_start && labels.iter().any(|l| lower[i..].starts_with(l)) {
            return Some(i);
        }
        word_start = !c.is_alphanumeric();
    }
    None
}

/// Every date the parser reads has digits (ASCII or full-width).
fn has_digit(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
}

/// The first `chars` characters of `text`.
fn prefix(text: &str, chars: usize) -> &str {
    text.char_indices()
        .nth(chars)
        .map_or(text, |(at, _)| &text[..at])
}

/// `href` as an absolute http(s) address, against the article's own `base` address when it is
/// relative.
fn absolute(href: &str, base: Option<&str>) -> Option<String> {
    let href = href.trim();
    let parsed = match url::Url::parse(href) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            url::Url::parse(base?).ok()?.join(href).ok()?
        }
        Err(_) => return None,
    };
    matches!(parsed.scheme(), "http" | "https").then(|| parsed.to_string())
}

/// Whitespace collapsed, trimmed.
fn clean(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Page {
    /// Chooses the language from the article's kept `text` and what the page declares.
    pub fn with_language<'t>(mut self, text: impl Iterator<Item = &'t str>) -> Page {
        let declared = self.declared_language.as_ref();
        self.language =
            language::decide(text, declared.map(|d| d.value.as_str())).and_then(|(tag, basis)| {
                let source = match (basis, declared) {
                    (language::Basis::Text, _) | (_, None) => basis.as_str().to_owned(),
                    (basis, Some(d)) => format!("{} ({})", basis.as_str(), d.source),
                };
                found(tag, source)
            });
        self
    }

    /// Each field's name, value (as the record shows it) and source, for `clean --explain`.
    pub fn explain(&self) -> Vec<(&'static str, String, &str)> {
        fn row<'p>(
            name: &'static str,
            f: &'p Option<Found<String>>,
        ) -> (&'static str, String, &'p str) {
            match f {
                Some(f) => (name, f.value.clone(), f.source.as_str()),
                None => (name, "null".to_owned(), "nothing reliable"),
            }
        }
        vec![
            row("published_at", &self.published_at),
            match &self.authors {
                Some(a) => ("authors", a.value.join("; "), a.source.as_str()),
                None => ("authors", "[]".to_owned(), "nothing reliable"),
            },
            row("headline", &self.headline),
            row("language", &self.language),
            row("canonical_url", &self.canonical_url),
            row("site_name", &self.site_name),
        ]
    }
}

impl serde::Serialize for Page {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let value = |f: &Option<Found<String>>| f.as_ref().map(|f| f.value.clone());
        let mut map = ser.serialize_map(Some(6))?;
        map.serialize_entry("published_at", &value(&self.published_at))?;
        map.serialize_entry(
            "authors",
            self.authors
                .as_ref()
                .map_or(&[][..], |a| a.value.as_slice()),
        )?;
        map.serialize_entry("headline", &value(&self.headline))?;
        map.serialize_entry("language", &value(&self.language))?;
        map.serialize_entry("canonical_url", &value(&self.canonical_url))?;
        map.serialize_entry("site_name", &value(&self.site_name))?;
        map.end()
    }
}
