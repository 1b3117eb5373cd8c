//! The cleaning engine: pure, synchronous, no I/O.
//!
//! Cleaning an article is three steps. [`Engine::prepare`] (`prepare.rs`; each line derived in
//! `lines.rs`) splits and keys it and says what the store must look up ([`Observation`]); the
//! store answers with [`Facts`] in one call; then [`Engine::decide`] (`decide/`, one file per
//! rule) turns article and facts into an [`Outcome`], and [`Engine::record`] into the record with
//! its status. The store sits between the two pure steps, so this module never waits on anything
//! and is tested without one.

pub mod copies;
pub mod decide;
pub mod html;
pub mod key;
pub mod lines;
pub mod paragraph;
mod prepare;
pub mod shape;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::article::{CleanRecord, DroppedEntry, RawArticle};
use crate::config::{BoilerplateSettings, CopySettings};
pub use decide::{BoilerplateRule, DropReason, DroppedParagraph, Outcome};
use key::{Key, ParagraphKeys};
use lines::LineCache;
use shape::Shape;

/// What an article asks of the store, and contributes to it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Observation {
    pub article_id: String,
    pub source: String,
    /// Identifies the article's cleanable content (source, title, body): a remembered outcome
    /// is reused only for the same content under the same id.
    pub digest: [u8; 16],
    /// Content keys of the title's candidates for its headline (its parts around a site-name
    /// separator, or the whole title), remembered so other articles' link lists can be
    /// recognised.
    pub titles: Vec<Key>,
    /// Distinct template keys of the article's paragraphs.
    pub templates: Vec<Key>,
    /// Distinct content keys of the article's paragraphs, and of its headline.
    pub contents: Vec<Key>,
    /// Per content key: whether the store checks it against other articles' titles: lines
    /// short of prose, and the headline (a link list is made of headlines). Empty: every key.
    /// Not logged: a replayed observation checks every key, and decisions read only these.
    #[serde(skip)]
    pub title_checks: Vec<bool>,
    /// Per content key: the template key of its paragraph (`None` for the headline alone).
    /// Not logged.
    #[serde(skip)]
    pub content_templates: Vec<Option<usize>>,
}

impl Observation {
    /// Whether content key `slot` is checked against titles.
    pub fn checks_title(&self, slot: usize) -> bool {
        self.title_checks.get(slot).copied().unwrap_or(true)
    }
}

/// What the store knows, as of this article's arrival. Vectors align with the observation's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// The outcome remembered for this article id, if it was processed before.
    pub previous: Option<Outcome>,
    /// Per template key: distinct other articles of the same source that had it, within the
    /// window (may saturate at the largest threshold the engine uses).
    pub template_articles: Vec<u32>,
    /// Per content key: it equals the title of another recent article of the same source.
    pub titles_of_others: Vec<bool>,
    /// Per content key: the earlier article that first held it, if not this one.
    pub holders: Vec<Option<String>>,
    /// Per content key: its holder claimed it within the race window, so the two articles may
    /// be copies of one story cleaned at the same moment, each claiming part of it first
    /// (possible only where an article's claims are not one atomic step: a Redis Cluster).
    pub racing: Vec<bool>,
    /// The copy candidates the store was asked about, with their originals
    /// ([`copies`] step 2); empty until asked.
    pub originals: Vec<copies::Candidate>,
}

impl Facts {
    /// Facts of an empty store: nothing seen before.
    pub fn fresh(observation: &Observation) -> Facts {
        Facts {
            previous: None,
            template_articles: vec![0; observation.templates.len()],
            titles_of_others: vec![false; observation.contents.len()],
            holders: vec![None; observation.contents.len()],
            racing: vec![false; observation.contents.len()],
            originals: Vec::new(),
        }
    }
}

/// One paragraph of a prepared article.
#[derive(Clone, Debug)]
pub struct Para {
    /// Byte range of the (trimmed) paragraph in the body, or for HTML in the extracted text
    /// ([`Prepared::text`] reads it from the right one).
    pub range: Range<usize>,
    /// `None` when nothing is left after normalization.
    pub keys: Option<ParagraphKeys>,
    pub shape: Shape,
    /// The line is, or starts with, one of the configured edge markers.
    pub marker: bool,
    /// Index into the observation's `contents` and `templates` (meaningless when `keys` is None).
    pub content_slot: usize,
    pub template_slot: usize,
    /// What the page says about the block, for HTML articles.
    pub html: Option<html::BlockSignals>,
    /// Word shingles of the normalized text ([`key::shingle`]), in text order.
    pub shingles: Vec<u32>,
    /// Its first and last words, for the shingles across a join with its neighbour.
    pub edges: key::shingle::Edges,
}

/// An article split and keyed, ready for the store call.
#[derive(Debug)]
pub struct Prepared {
    pub article: RawArticle,
    /// For HTML, the extracted paragraphs joined by newlines; `paras` index into it.
    extracted: Option<String>,
    pub paras: Vec<Para>,
    /// Content key of the whole title; the observation holds the headline's.
    pub full_title: Option<Key>,
    /// The title's candidates for its headline, longest first: which one is the headline
    /// depends on which parts recur in the source's titles ([`Prepared::headline`]).
    pub headlines: Vec<HeadlineCandidate>,
    /// Where the article's shingle claims ([`copies`]) are in the observation's `contents`.
    pub claim_slots: Range<usize>,
    pub observation: Observation,
    /// An HTML body that shows words outside its markup although extraction found no
    /// paragraph: an extractor bug that callers report (it must never pass unnoticed).
    pub extraction_missed_text: bool,
    /// What the HTML was read otherwise than a browser would, to recover the article
    /// ([`html::Extraction::repairs`]); empty for plain text.
    pub repairs: Vec<&'static str>,
    /// What the article says about itself, all but its language, which depends on the kept
    /// text ([`Engine::record`]).
    pub page: crate::page::Page,
}

/// A part of the title that may be its headline.
#[derive(Clone, Copy, Debug)]
pub struct HeadlineCandidate {
    pub key: Key,
    /// Its index in the observation's `contents` and `templates`.
    pub content_slot: usize,
    pub template_slot: usize,
}

impl Prepared {
    /// The headline: the longest part of the title the source's other titles do not share (a
    /// site name, tagline or section recurs in `boilerplate.min_articles` of them); the longest
    /// part when every part recurs.
    pub fn headline(&self, facts: &Facts, min_articles: u32) -> Option<HeadlineCandidate> {
        self.headlines
            .iter()
            .find(|h| facts.template_articles[h.template_slot] < min_articles)
            .or(self.headlines.first())
            .copied()
    }

    pub fn text(&self, index: usize) -> &str {
        let text = self.extracted.as_deref().unwrap_or(&self.article.body);
        &text[self.paras[index].range.clone()]
    }
}

/// The engine with its settings; cheap to share between tasks.
#[derive(Clone, Debug)]
pub struct Engine {
    pub(crate) boilerplate: BoilerplateSettings,
    pub(crate) copies: CopySettings,
    /// Markers normalized with the key recipe, so they match however a site spells them.
    markers: Vec<String>,
    /// Content keys of `boilerplate.allow` lines, by source (`*`: every source).
    allowed: HashMap<String, HashSet<Key>>,
    /// Most paragraphs an article may have (`limits.max_paragraphs`).
    max_paragraphs: usize,
    /// What each recent line gave, shared by the engine's clones (`limits.line_cache_bytes`).
    lines: Arc<LineCache>,
}

/// Line cache of an engine made with [`Engine::new`].
pub const DEFAULT_LINE_CACHE_BYTES: usize = 16 << 20;

impl Engine {
    pub fn new(boilerplate: BoilerplateSettings, copies: CopySettings) -> Engine {
        let mut markers: Vec<String> = boilerplate
            .markers
            .iter()
            .map(|m| key::normalize(m))
            .filter(|m| !m.is_empty())
            .collect();
        markers.sort();
        markers.dedup();
        let mut allowed: HashMap<String, HashSet<Key>> = HashMap::new();
        for allow in &boilerplate.allow {
            if let Some(keys) = key::keys(&allow.line) {
                allowed
                    .entry(allow.source.clone())
                    .or_default()
                    .insert(keys.content);
            }
        }
        Engine {
            boilerplate,
            copies,
            markers,
            allowed,
            max_paragraphs: usize::MAX,
            lines: Arc::new(LineCache::new(DEFAULT_LINE_CACHE_BYTES)),
        }
    }

    /// Remembers what lines gave in at most `bytes` (0: derives every line every time).
    pub fn with_line_cache(mut self, bytes: usize) -> Engine {
        self.lines = Arc::new(LineCache::new(bytes));
        self
    }

    /// How the line cache fares.
    pub fn line_cache(&self) -> lines::LineCacheStats {
        self.lines.stats()
    }

    /// Refuses articles of more than `max` paragraphs (`too_large`).
    pub fn with_max_paragraphs(mut self, max: usize) -> Engine {
        self.max_paragraphs = max;
        self
    }

    /// Whether the operator allows this paragraph for this source (`boilerplate.allow`).
    pub(crate) fn allowed(&self, source: &str, content: &Key) -> bool {
        [source, "*"].iter().any(|s| {
            self.allowed
                .get(*s)
                .is_some_and(|keys| keys.contains(content))
        })
    }

    /// The largest number of articles any rule asks for: stores need not count beyond it.
    pub fn count_cap(&self) -> u32 {
        self.boilerplate
            .min_articles
            .max(self.boilerplate.interior_min_articles)
    }

    /// Prose, as copy containment measures it.
    pub(crate) fn is_prose(&self, shape: Shape) -> bool {
        shape.sentence_like && self.is_long(shape)
    }

    /// A long line, as the near tier measures it: prose, or prose hard-wrapped into lines that
    /// are not sentences.
    pub(crate) fn is_long(&self, shape: Shape) -> bool {
        shape.words >= self.copies.min_prose_words
    }

    /// Step 3: decide (pure). A remembered outcome for the same content wins, so a redelivered
    /// article gets the record it got the first time.
    pub fn decide(&self, prepared: &Prepared, facts: &Facts) -> Outcome {
        match &facts.previous {
            Some(previous) if previous.digest == prepared.observation.digest => previous.clone(),
            _ => decide::decide(self, prepared, facts),
        }
    }

    /// The record for a prepared article and its outcome.
    pub fn record<'a>(&self, prepared: &'a Prepared, outcome: &'a Outcome) -> CleanRecord<'a> {
        let mut drops = outcome.drops.iter().peekable();
        let mut paragraphs = Vec::new();
        let mut dropped = Vec::new();
        let mut fingerprint = Sha256::new();
        for (index, para) in prepared.paras.iter().enumerate() {
            match drops.next_if(|d| d.index as usize == index) {
                Some(d) => dropped.push(DroppedEntry {
                    index,
                    reason: d.reason.as_str(),
                    rule: d.reason.rule(),
                    key: para.keys.map(|k| k.content.hex()),
                }),
                None => {
                    paragraphs.push(prepared.text(index));
                    if let Some(k) = para.keys {
                        fingerprint.update(k.content.0);
                    }
                }
            }
        }
        let page = prepared
            .page
            .clone()
            .with_language(paragraphs.iter().copied());
        CleanRecord {
            page,
            article: &prepared.article,
            paragraphs,
            status: outcome.status(),
            duplicate_of: outcome.duplicate_of.as_deref(),
            copy: outcome.copy,
            fingerprint: const_hex::encode(fingerprint.finalize()),
            dropped,
            repairs: &prepared.repairs,
            format: key::KEY_FORMAT,
        }
    }
}
