//! Rules 12–14, copies: whether the article republishes an earlier one, and what it leaves in
//! the copy index for later articles. Pure: the store only answers narrow questions.
//!
//! The questions, in the order the cleaner asks them:
//! 1. In the article's one store call ([`Observation`](crate::clean::Observation)), its
//!    paragraphs' content keys and a few of its shingles (the *claims*: the smallest of its
//!    prose's shingles) are claimed, first writer wins, and the store says who held each before.
//!    Those holders are the candidates ([`candidates`]).
//! 2. For the strongest candidates the store gives each one's original ([`Original`]): the
//!    candidate itself when it is an original, else the article it was found a copy of, with
//!    its sketch (the shingles of its kept text, [`Sketch`]).
//! 3. The decision ([`decide`]): the exact tier first (rule 12: one article first published
//!    `copies.containment` of the kept prose, byte for byte), then the near tier (rule 13: one
//!    original's sketch holds `copies.near_containment` of the kept prose's shingles).
//!    A copy always names an original, and is measured against it, so copies of copies never
//!    drift away from the story.
//! 4. What the article leaves ([`IndexEntry`], rule 14): an original its sketch; a copy the
//!    name of its original, and the paragraphs it shares with it, which stop counting as its
//!    source's boilerplate (a re-sent article never teaches its source that its own text is
//!    boilerplate).

mod exact;
mod near;
pub mod sketch;

use serde::{Deserialize, Serialize};

use super::decide::DropReason;
use super::key::{Key, shingle};
use super::{Engine, Facts, Outcome, Para, Prepared};
pub use sketch::Sketch;

/// How a copy was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CopyMethod {
    /// Its paragraphs' content keys: the same text after normalization.
    Exact,
    /// Its shingles, against the original's sketch: edited, re-wrapped or trimmed text.
    Near,
}

impl CopyMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            CopyMethod::Exact => "exact",
            CopyMethod::Near => "near",
        }
    }
}

/// Why an article is a copy, as its record says. Stored with the outcome (so integers only:
/// a redelivery's record is byte-identical).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyEvidence {
    pub method: CopyMethod,
    /// Share of the measured text the original holds, in thousandths (rounded down).
    pub containment_permille: u16,
    /// Measured paragraphs (the kept prose) the original holds: wholly (exact) or at least half
    /// of their shingles (near).
    pub paragraphs_matched: u32,
    pub paragraphs_measured: u32,
}

impl CopyEvidence {
    fn new(method: CopyMethod, share: f64, matched: u32, measured: u32) -> CopyEvidence {
        CopyEvidence {
            method,
            containment_permille: (share.clamp(0.0, 1.0) * 1000.0).floor() as u16,
            paragraphs_matched: matched,
            paragraphs_measured: measured,
        }
    }

    pub fn containment(&self) -> f64 {
        f64::from(self.containment_permille) / 1000.0
    }
}

/// A candidate's original, as the store resolved it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Original {
    /// The original's article id.
    pub id: String,
    /// Shared with the store that holds it: a candidate's sketch is read, never copied.
    pub sketch: std::sync::Arc<Sketch>,
    /// The candidate was a copy, and this is the original it copies.
    pub redirected: bool,
}

/// A candidate the store was asked about, and its original (`None`: no longer known, or not
/// decided yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The holder's name as [`Facts::holders`] gives it.
    pub name: String,
    pub original: Option<Original>,
    /// It was observed moments ago and is being decided now (by another worker, or another
    /// task of this one): its entry is about to come, and the cleaner asks again.
    pub deciding: bool,
}

/// What a decided article leaves in the copy index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum IndexEntry {
    /// An original: later articles are measured against its sketch (shared: the store keeps
    /// it as it is).
    Original(std::sync::Arc<Sketch>),
    /// A copy: a later article it holds text of is measured against `original` instead.
    CopyOf {
        original: String,
        /// Template keys of the paragraphs it shares with the original, whose sightings in it
        /// no longer count toward its source's boilerplate.
        uncount: Vec<Key>,
    },
}

/// The paragraphs a decision measures.
pub(crate) struct Units<'a> {
    /// Kept paragraphs with keys.
    kept: Vec<&'a Para>,
    /// Kept prose; empty when the article has none.
    prose: Vec<&'a Para>,
    /// Kept paragraphs whose template is not seen in other articles of the source (or in one,
    /// under a recent headline of the source), that have at least `copies.min_prose_words`
    /// words, and all of them.
    off_site_long: Vec<&'a Para>,
    off_site: Vec<&'a Para>,
    /// Every part of the article's title was in a recent title of the source.
    headline_repeated: bool,
}

impl<'a> Units<'a> {
    fn new(
        engine: &Engine,
        prepared: &'a Prepared,
        facts: &Facts,
        reasons: &[Option<DropReason>],
    ) -> Units<'a> {
        let kept: Vec<&Para> = prepared
            .paras
            .iter()
            .zip(reasons)
            .filter(|(p, r)| p.keys.is_some() && r.is_none())
            .map(|(p, _)| p)
            .collect();
        let prose: Vec<&Para> = kept
            .iter()
            .copied()
            .filter(|p| engine.is_prose(p.shape))
            .collect();
        // Every part of the title (the headline and whatever site name or tagline is around
        // it) was in a recent title of the source: the same story again. A sibling page shares
        // the recurring parts, not its own headline.
        let headline_repeated = !prepared.headlines.is_empty()
            && prepared
                .headlines
                .iter()
                .all(|h| facts.titles_of_others[h.content_slot]);
        // Under a recent headline of the source, text one other article of it has is that
        // article's (a re-send); text several have is the source's chrome.
        let most_others = u32::from(headline_repeated);
        let off_site: Vec<&Para> = kept
            .iter()
            .copied()
            .filter(|p| facts.template_articles[p.template_slot] <= most_others)
            .collect();
        let off_site_long = off_site
            .iter()
            .copied()
            .filter(|p| engine.is_long(p.shape))
            .collect();
        Units {
            kept,
            prose,
            off_site_long,
            off_site,
            headline_repeated,
        }
    }

    /// The story is in the prose: chrome that is not learned yet (menus, bylines, a site's
    /// footer on its first articles) would dilute the share of a copy from another site.
    /// Without prose, every kept paragraph counts.
    fn measured(&self) -> &[&'a Para] {
        if self.prose.is_empty() {
            &self.kept
        } else {
            &self.prose
        }
    }

    /// What the near tier measures: the kept long lines (`copies.min_prose_words` words or
    /// more: prose, or prose hard-wrapped into lines that are not sentences), else every kept
    /// line; never text the source's other pages also have, which is chrome, not story. Under a
    /// recent headline of the source, text exactly one other article of the source has counts:
    /// the same story sent again (a re-send, a re-scrape). Two pages of a site under one title
    /// that share only the site's chrome share it with its other pages too.
    fn near_measured(&self) -> &[&'a Para] {
        if self.off_site_long.is_empty() {
            &self.off_site
        } else {
            &self.off_site_long
        }
    }
}

/// Rules 12–13: the original this article copies, and why; `None` for an original.
pub(super) fn decide(
    engine: &Engine,
    prepared: &Prepared,
    facts: &Facts,
    reasons: &[Option<DropReason>],
) -> Option<(String, CopyEvidence)> {
    let units = Units::new(engine, prepared, facts, reasons);
    let me = prepared.article.id.as_str();
    let originals: Vec<&Original> = {
        let mut seen: Vec<&Original> = Vec::new();
        for o in facts.originals.iter().filter_map(|c| c.original.as_ref()) {
            if o.id != me && !seen.iter().any(|s| s.id == o.id) {
                seen.push(o);
            }
        }
        seen
    };
    let settings = &engine.copies;
    if let Some((holder, evidence)) = exact::holder(engine, prepared, facts, &units) {
        let resolved = facts
            .originals
            .iter()
            .find(|c| c.name == holder)
            .and_then(|c| c.original.as_ref());
        match resolved {
            // The holder is itself a copy: the article is measured against its original.
            Some(original) if original.redirected => {
                if original.id != me
                    && let Some(found) = near::nearest(&units, &[original], settings)
                {
                    return Some(found);
                }
            }
            Some(original) if original.id != me => return Some((original.id.clone(), evidence)),
            Some(_) => {}
            None => return Some((holder, evidence)),
        }
    }
    near::nearest(&units, &originals, settings)
}

impl Engine {
    /// The claims of an article: the `copies.claim_shingles` smallest shingles of its long
    /// lines (`copies.min_prose_words` words or more, prose or hard-wrapped prose; of all its
    /// paragraphs when those have fewer), as keys the stores claim like a paragraph's. The
    /// smallest values are a consistent sample: two articles sharing most of their text share
    /// most of their smallest shingles, so a copy meets its original's claims.
    pub(super) fn claims(&self, paras: &[Para]) -> Vec<Key> {
        let want = self.copies.claim_shingles;
        if want == 0 {
            return Vec::new();
        }
        let pick = |long_only: bool| {
            let parts: Vec<&[u32]> = paras
                .iter()
                .filter(|p| !long_only || self.is_long(p.shape))
                .map(|p| p.shingles.as_slice())
                .collect();
            Sketch::of_parts(&parts, want).values
        };
        let mut chosen = pick(true);
        if chosen.len() < want {
            chosen = pick(false);
        }
        chosen.into_iter().map(claim_key).collect()
    }

    /// The holders the store is asked about (step 2), strongest first: other articles by the
    /// number of this article's claims and prose paragraphs they hold, at most
    /// `copies.max_candidates`.
    pub fn copy_candidates(&self, prepared: &Prepared, facts: &Facts) -> Vec<String> {
        let me = prepared.article.id.as_str();
        // Few distinct holders: a list beats a hash map.
        let mut hits: Vec<(&str, u32)> = Vec::new();
        let prose_slots = prepared
            .paras
            .iter()
            .filter(|p| p.keys.is_some() && self.is_prose(p.shape))
            .map(|p| p.content_slot);
        for slot in prepared.claim_slots.clone().chain(prose_slots) {
            if let Some(holder) = facts.holders[slot].as_deref().filter(|&h| h != me) {
                match hits.iter_mut().find(|(h, _)| *h == holder) {
                    Some((_, n)) => *n += 1,
                    None => hits.push((holder, 1)),
                }
            }
        }
        let mut ranked = hits;
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        ranked
            .into_iter()
            .take(self.copies.max_candidates)
            .map(|(name, _)| name.to_string())
            .collect()
    }

    /// What a decided article leaves in the copy index (step 4).
    pub fn index_entry(&self, prepared: &Prepared, facts: &Facts, outcome: &Outcome) -> IndexEntry {
        let mut dropped = outcome.drops.iter().map(|d| d.index as usize).peekable();
        let kept: Vec<&Para> = prepared
            .paras
            .iter()
            .enumerate()
            .filter(|(i, p)| dropped.next_if_eq(i).is_none() && p.keys.is_some())
            .map(|(_, p)| p)
            .collect();
        let Some(original) = outcome.duplicate_of.clone() else {
            // With the shingles across each join of two kept paragraphs: a copy that joins
            // them, or re-wraps the text, still finds its runs of words here.
            let bridges: Vec<u32> = kept
                .windows(2)
                .flat_map(|pair| shingle::bridge(&pair[0].edges, &pair[1].edges))
                .collect();
            let parts: Vec<&[u32]> = kept
                .iter()
                .map(|p| p.shingles.as_slice())
                .chain([bridges.as_slice()])
                .collect();
            let sketch = Sketch::of_parts(&parts, self.copies.sketch_shingles);
            return IndexEntry::Original(std::sync::Arc::new(sketch));
        };
        // The original's names: its id, and the names its holders go by in this store.
        let names: Vec<&str> = facts
            .originals
            .iter()
            .filter(|c| c.original.as_ref().is_some_and(|o| o.id == original))
            .map(|c| c.name.as_str())
            .chain([original.as_str()])
            .collect();
        let original_sketch = facts
            .originals
            .iter()
            .filter_map(|c| c.original.as_ref())
            .find(|o| o.id == original);
        let mut uncount: Vec<Key> = kept
            .iter()
            .filter(|p| {
                let held = facts.holders[p.content_slot]
                    .as_deref()
                    .is_some_and(|h| names.contains(&h));
                held || original_sketch.is_some_and(|o| near::paragraph_held(p, o))
            })
            .filter_map(|p| p.keys.map(|k| k.template))
            .collect();
        uncount.sort_unstable();
        uncount.dedup();
        IndexEntry::CopyOf { original, uncount }
    }
}

/// A claimed shingle as a key beside paragraph keys: its 64 bits spread over 32 bytes, so
/// every store's truncation of a key (16 bytes, 6 bytes, shard bytes) sees well-mixed bits.
fn claim_key(shingle: u32) -> Key {
    let mut out = [0u8; 32];
    for (i, chunk) in out.chunks_exact_mut(8).enumerate() {
        let word = splitmix(u64::from(shingle) ^ (0x636c_6169_6d00_0000 | (i as u64) << 32));
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    Key(out)
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
