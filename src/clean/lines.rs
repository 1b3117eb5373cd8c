//! What the engine derives from one line, remembered by the line's exact text.
//!
//! On a real stream many of an article's lines are lines printed before, byte for byte: a
//! source's menus, footers, disclaimers and link lists, and syndicated paragraphs. Deriving a
//! line (normalizing it, hashing it twice, measuring its shape) is most of the engine's work per
//! line, and the result depends on nothing but the line and the engine's settings, so it is
//! remembered. Entries are matched on the whole line, never on a hash of it: a remembered result
//! is always the one the line would get. The cache is bounded by the bytes it holds and evicts
//! the least recently used line.
//!
//! Most of an article's own text is printed once, so a line is remembered only when it comes
//! back: its first sighting leaves only a 64-bit hash behind. A unique paragraph then costs a
//! hash, not a copy of its text and an eviction.

use std::fmt;
use std::hash::BuildHasher;
use std::sync::Mutex;

use lru::LruCache;

use super::Engine;
use super::key::{self, ParagraphKeys};
use super::shape::Shape;

/// What the engine derives from a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineFacts {
    /// `None` when nothing is left after normalization.
    pub keys: Option<ParagraphKeys>,
    /// The normalized text's word shingles ([`key::shingle`]), in text order.
    pub shingles: Vec<u32>,
    /// Its first and last words, for the shingles across its join with the next line.
    pub edges: key::shingle::Edges,
    pub shape: Shape,
    /// The line is, or starts with, one of the engine's edge markers.
    pub marker: bool,
}

/// Lines with more words than this are never edge markers: a marker is a heading, not prose.
const MARKER_MAX_WORDS: usize = 8;

impl Engine {
    /// What the engine derives from one line: its keys, its shape, whether it is a marker.
    pub(super) fn derive_line(&self, line: &str) -> LineFacts {
        let (normalized, shape, shingles) = match key::normalize_counting_shingling(line) {
            Some((normalized, counts, shingles)) => {
                (normalized, Shape::of_counted(line, counts), shingles)
            }
            None => {
                let normalized = key::normalize_general(line);
                let shingles = key::shingle::line_shingles(&normalized);
                (normalized, Shape::of(line), shingles)
            }
        };
        let keys = key::keys_of_normalized(&normalized);
        let key::shingle::LineShingles { values, edges } = shingles;
        let marker =
            keys.is_some() && shape.words <= MARKER_MAX_WORDS && self.is_marker(&normalized, shape);
        LineFacts {
            keys,
            shingles: values,
            edges,
            shape,
            marker,
        }
    }

    /// A whole line equal to a marker, or a heading-like line that starts with one
    /// ("Comments (3)"), never a sentence that merely begins with the word.
    fn is_marker(&self, normalized: &str, shape: Shape) -> bool {
        self.markers.iter().any(|m| {
            normalized == m
                || (!shape.sentence_like
                    && normalized
                        .strip_prefix(m.as_str())
                        .is_some_and(|rest| rest.starts_with(' ')))
        })
    }
}

/// Lines longer than this are derived every time: long lines are rarely repeated, and each
/// would take the room of many short ones.
const MAX_LINE_BYTES: usize = 4096;

/// Bytes an entry costs beyond its text and shingles, as the budget counts them: the facts and
/// two links in the LRU's node, the node's, the line's and the shingles' allocation headers, and
/// the hash table's slot.
pub const ENTRY_OVERHEAD_BYTES: usize = std::mem::size_of::<LineFacts>() + 96;

/// What an entry costs the budget.
fn entry_bytes(line: &str, facts: &LineFacts) -> usize {
    line.len() + facts.shingles.len() * std::mem::size_of::<u32>() + ENTRY_OVERHEAD_BYTES
}

/// How the cache has fared, for metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineCacheStats {
    pub hits: u64,
    pub misses: u64,
    pub entries: usize,
    /// Lines' bytes plus [`ENTRY_OVERHEAD_BYTES`] per entry; with the hashes of lines seen once
    /// (a quarter of the budget at most), what the budget bounds.
    pub bytes: usize,
}

pub struct LineCache {
    budget: usize,
    inner: Mutex<Inner>,
}

struct Inner {
    lines: LruCache<Box<str>, LineFacts>,
    /// Hashes of lines seen once since it was last cleared: a line is remembered at its second
    /// sighting. A collision only lets a line in at its first.
    seen_once: foldhash::HashSet<u64>,
    hasher: foldhash::fast::RandomState,
    stats: LineCacheStats,
}

/// Bytes a hash of a line seen once costs in `seen_once`, as the budget counts it.
const SEEN_ONCE_BYTES: usize = 16;

impl fmt::Debug for LineCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LineCache")
            .field("budget", &self.budget)
            .field("stats", &self.stats())
            .finish()
    }
}

impl LineCache {
    /// A cache holding at most `budget` bytes (0: remembers nothing).
    pub fn new(budget: usize) -> LineCache {
        LineCache {
            budget,
            inner: Mutex::new(Inner {
                lines: LruCache::unbounded(),
                seen_once: foldhash::HashSet::default(),
                hasher: foldhash::fast::RandomState::default(),
                stats: LineCacheStats::default(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Every update leaves the cache consistent: a panic elsewhere cannot leave it half done.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn stats(&self) -> LineCacheStats {
        self.lock().stats
    }

    /// The facts of every line, each derived with `derive` unless remembered. Takes the lock
    /// twice per call, not per line; `derive` runs without it.
    pub fn derive_all(&self, lines: &[&str], derive: impl Fn(&str) -> LineFacts) -> Vec<LineFacts> {
        if self.budget == 0 {
            return lines.iter().map(|line| derive(line)).collect();
        }
        let remembered: Vec<Option<LineFacts>> = {
            let mut inner = self.lock();
            // A line too long to be kept is never looked up (nor hashed).
            let found: Vec<Option<LineFacts>> = lines
                .iter()
                .map(|line| match line.len() > MAX_LINE_BYTES {
                    true => None,
                    false => inner.lines.get(*line).cloned(),
                })
                .collect();
            let hits = found.iter().filter(|f| f.is_some()).count() as u64;
            inner.stats.hits += hits;
            inner.stats.misses += lines.len() as u64 - hits;
            found
        };
        let facts: Vec<LineFacts> = lines
            .iter()
            .zip(&remembered)
            .map(|(line, known)| known.clone().unwrap_or_else(|| derive(line)))
            .collect();
        let mut inner = self.lock();
        for ((line, known), facts) in lines.iter().zip(&remembered).zip(&facts) {
            if known.is_some() || line.len() > MAX_LINE_BYTES {
                continue;
            }
            let hash = inner.hasher.hash_one(line);
            if inner.seen_once.insert(hash) || inner.lines.contains(*line) {
                continue;
            }
            inner.lines.put((*line).into(), facts.clone());
            inner.stats.bytes += entry_bytes(line, facts);
        }
        // A quarter of the budget for first sightings; past it they start again from none.
        if inner.seen_once.len() * SEEN_ONCE_BYTES > self.budget / 4 {
            inner.seen_once.clear();
        }
        let lines_budget = self.budget - self.budget / 4;
        while inner.stats.bytes > lines_budget {
            let Some((line, facts)) = inner.lines.pop_lru() else {
                break;
            };
            inner.stats.bytes -= entry_bytes(&line, &facts);
        }
        inner.stats.entries = inner.lines.len();
        facts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(line: &str) -> LineFacts {
        LineFacts {
            keys: super::super::key::keys(line),
            shingles: Vec::new(),
            edges: Default::default(),
            shape: Shape::of(line),
            marker: false,
        }
    }

    #[test]
    fn remembered_facts_are_the_derived_ones() {
        let cache = LineCache::new(1 << 20);
        let lines = [
            "Menu",
            "Home | World | Sport",
            "A sentence of prose.",
            "Menu",
        ];
        let first = cache.derive_all(&lines, facts);
        // "Menu" came back within the call: remembered. The others were seen once.
        assert_eq!(cache.stats().entries, 1);
        let second = cache.derive_all(&lines, facts);
        let third = cache.derive_all(&lines, |_| panic!("every line is remembered"));
        assert_eq!(first, second);
        assert_eq!(first, third);
        assert_eq!(first, lines.map(facts).to_vec());
        let stats = cache.stats();
        // Looked up: four misses; both "Menu" and two misses; four hits.
        assert_eq!((stats.hits, stats.misses, stats.entries), (2 + 4, 4 + 2, 3));
    }

    #[test]
    fn the_budget_bounds_the_bytes_and_evicts_the_least_recent() {
        let line = |i: usize| format!("line number {i:04}");
        let per_entry = entry_bytes(&line(0), &facts(&line(0)));
        // Three quarters of the budget hold lines.
        let cache = LineCache::new(per_entry * 40 / 3);
        for i in 0..100 {
            cache.derive_all(&[&line(i), &line(i)], facts);
            assert!(cache.stats().bytes <= per_entry * 10);
        }
        assert_eq!(cache.stats().entries, 10);
        cache.derive_all(&[&line(99)], |_| panic!("the most recent line stays"));
        let misses = cache.stats().misses;
        cache.derive_all(&[&line(0)], facts);
        assert_eq!(cache.stats().misses, misses + 1, "the oldest line went");
    }

    #[test]
    fn no_budget_remembers_nothing_and_long_lines_are_not_kept() {
        let cache = LineCache::new(0);
        cache.derive_all(&["Menu", "Menu"], facts);
        assert_eq!(cache.stats().entries, 0);
        let cache = LineCache::new(1 << 20);
        let long = "word ".repeat(MAX_LINE_BYTES);
        cache.derive_all(&[long.as_str(), long.as_str()], facts);
        assert_eq!(cache.stats().entries, 0);
    }
}
