//! The embedded store's state and the two mutations it knows: an article observed, an outcome
//! remembered. Both take the time as an argument, so replaying the log after a restart rebuilds
//! exactly the state that was lost.

mod snapshot;

pub use snapshot::Snapshot;

use std::sync::Arc;

use lru::LruCache;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::clean::copies::{Candidate, IndexEntry, Original, Sketch};
use crate::clean::{Facts, Observation, Outcome};
use crate::config::StoreSettings;
use crate::store::TemplateCount;

pub type ShortKey = [u8; 16];

/// One article seeing a key at a time.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Sighting {
    /// First 8 bytes of SHA-256 of the article id: distinct articles, not deliveries, count.
    article: u64,
    at_ms: u64,
}

/// State learned about one source.
struct SourceState {
    /// Template key → the distinct articles that had it (at most `count_cap + 1`).
    templates: LruCache<ShortKey, Vec<Sighting>>,
    /// Content key of a recent title → the article it is the title of.
    titles: LruCache<ShortKey, Sighting>,
}

impl SourceState {
    fn new() -> Self {
        SourceState {
            templates: LruCache::unbounded(),
            titles: LruCache::unbounded(),
        }
    }
}

/// The first article to publish a paragraph.
struct Holder {
    article: Arc<str>,
    at_ms: u64,
}

struct Remembered {
    outcome: Outcome,
    at_ms: u64,
}

/// An article still deciding after this long was not (its worker stopped): it is waited for no
/// more.
pub const DECIDING_MS: u64 = 10_000;

/// What a decided article left in the copy index.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Indexed {
    Original {
        id: String,
        sketch: Arc<Sketch>,
    },
    CopyOf {
        original: String,
    },
    /// Observed, not decided yet.
    Deciding,
}

struct IndexedAt {
    indexed: Indexed,
    at_ms: u64,
}

/// Limits and window the mutations apply.
#[derive(Clone, Debug)]
pub struct Limits {
    pub settings: StoreSettings,
    pub window_ms: u64,
    /// Sightings beyond the largest threshold the engine uses change no decision.
    pub count_cap: usize,
}

impl Limits {
    fn fresh(&self, at_ms: u64, now_ms: u64) -> bool {
        now_ms.saturating_sub(at_ms) <= self.window_ms
    }
}

pub struct State {
    sources: LruCache<Box<str>, SourceState>,
    /// Template keys across all sources, for the global cap.
    template_keys: usize,
    holders: LruCache<ShortKey, Holder>,
    outcomes: LruCache<ShortKey, Remembered>,
    /// Article id → what it left in the copy index.
    index: LruCache<ShortKey, IndexedAt>,
    /// Sketch values held in `index`, for size reports.
    sketch_values: usize,
}

pub fn short_hash(text: &str) -> ShortKey {
    let mut out = [0u8; 16];
    out.copy_from_slice(&Sha256::digest(text.as_bytes())[..16]);
    out
}

fn article_tag(id: &str) -> u64 {
    tag_of(&short_hash(id))
}

/// An article's tag from its id's short hash.
fn tag_of(key: &ShortKey) -> u64 {
    u64::from_le_bytes(key[..8].try_into().expect("8 bytes"))
}

impl State {
    pub fn new() -> Self {
        State {
            sources: LruCache::unbounded(),
            template_keys: 0,
            holders: LruCache::unbounded(),
            outcomes: LruCache::unbounded(),
            index: LruCache::unbounded(),
            sketch_values: 0,
        }
    }

    pub fn template_keys(&self) -> usize {
        self.template_keys
    }

    /// Template keys of a source by fresh sightings, most first.
    pub fn top_templates(
        &self,
        source: &str,
        now: u64,
        limits: &Limits,
        limit: usize,
    ) -> Vec<TemplateCount> {
        let Some(state) = self.sources.peek(source) else {
            return Vec::new();
        };
        let mut out: Vec<TemplateCount> = state
            .templates
            .iter()
            .map(|(key, sightings)| TemplateCount {
                key: key[..6].try_into().expect("6 bytes"),
                articles: sightings
                    .iter()
                    .filter(|s| limits.fresh(s.at_ms, now))
                    .count() as u32,
            })
            .filter(|t| t.articles > 0)
            .collect();
        out.sort_by(|a, b| b.articles.cmp(&a.articles).then(a.key.cmp(&b.key)));
        out.truncate(limit);
        out
    }

    /// Forgets one line's template and title for a source, or (`None`) all its templates.
    pub fn forget(&mut self, source: &str, line: Option<(ShortKey, ShortKey)>) -> u64 {
        match line {
            None => match self.sources.peek_mut(source) {
                Some(state) => {
                    let gone = state.templates.len();
                    state.templates.clear();
                    self.template_keys -= gone;
                    gone as u64
                }
                None => 0,
            },
            Some((template, content)) => {
                let Some(state) = self.sources.peek_mut(source) else {
                    return 0;
                };
                let template_gone = state.templates.pop(&template).is_some();
                let title_gone = state.titles.pop(&content).is_some();
                if template_gone {
                    self.template_keys -= 1;
                }
                u64::from(template_gone) + u64::from(title_gone)
            }
        }
    }

    /// Entries held, by kind.
    pub fn sizes(&self) -> Vec<(&'static str, u64)> {
        let titles: usize = self.sources.iter().map(|(_, s)| s.titles.len()).sum();
        vec![
            ("sources", self.sources.len() as u64),
            ("template_keys", self.template_keys as u64),
            ("titles", titles as u64),
            ("holders", self.holders.len() as u64),
            ("outcomes", self.outcomes.len() as u64),
            ("sketches", self.index.len() as u64),
            ("sketch_values", self.sketch_values as u64),
        ]
    }

    /// Entries of every kind held, for memory measurement.
    pub fn entries(&self) -> usize {
        let titles: usize = self.sources.iter().map(|(_, s)| s.titles.len()).sum();
        self.template_keys + titles + self.holders.len() + self.outcomes.len() + self.index.len()
    }

    pub fn observe(&mut self, obs: &Observation, now: u64, limits: &Limits) -> Facts {
        let id_key = short_hash(&obs.article_id);
        let me = tag_of(&id_key);
        let previous = self
            .outcomes
            .get(&id_key)
            .filter(|r| limits.fresh(r.at_ms, now))
            .map(|r| r.outcome.clone());

        if !self.sources.contains(obs.source.as_str()) {
            if self.sources.len() >= limits.settings.max_sources
                && let Some((_, gone)) = self.sources.pop_lru()
            {
                self.template_keys -= gone.templates.len();
            }
            self.sources
                .put(obs.source.as_str().into(), SourceState::new());
        }
        let source = self
            .sources
            .get_mut(obs.source.as_str())
            .expect("inserted above");

        let mut template_articles = Vec::with_capacity(obs.templates.len());
        for template in &obs.templates {
            let key = template.short();
            let others = match source.templates.get_mut(&key) {
                Some(sightings) => {
                    sightings.retain(|s| limits.fresh(s.at_ms, now));
                    let others = sightings.iter().filter(|s| s.article != me).count();
                    match sightings.iter_mut().find(|s| s.article == me) {
                        Some(mine) => mine.at_ms = now,
                        None => sightings.push(Sighting {
                            article: me,
                            at_ms: now,
                        }),
                    }
                    if sightings.len() > limits.count_cap + 1
                        && let Some(pos) = sightings.iter().position(|s| s.article != me)
                    {
                        // Sightings are in arrival order; the oldest other article goes.
                        sightings.remove(pos);
                    }
                    others
                }
                None => {
                    source.templates.put(
                        key,
                        vec![Sighting {
                            article: me,
                            at_ms: now,
                        }],
                    );
                    self.template_keys += 1;
                    if source.templates.len() > limits.settings.max_keys_per_source {
                        source.templates.pop_lru();
                        self.template_keys -= 1;
                    }
                    0
                }
            };
            template_articles.push(others.min(limits.count_cap) as u32);
        }

        let titles_of_others = obs
            .contents
            .iter()
            .map(|c| {
                source
                    .titles
                    .get(&c.short())
                    .is_some_and(|s| s.article != me && limits.fresh(s.at_ms, now))
            })
            .collect();
        for title in &obs.titles {
            source.titles.put(
                title.short(),
                Sighting {
                    article: me,
                    at_ms: now,
                },
            );
            if source.titles.len() > limits.settings.max_titles_per_source {
                source.titles.pop_lru();
            }
        }

        // Until it is decided, a copy that meets its claims waits for its entry.
        if self
            .index
            .peek(&id_key)
            .is_none_or(|e| !limits.fresh(e.at_ms, now))
        {
            self.put_indexed(id_key, Indexed::Deciding, now, limits);
        }

        let this: Arc<str> = obs.article_id.as_str().into();
        let mut holders = Vec::with_capacity(obs.contents.len());
        for content in &obs.contents {
            let key = content.short();
            let held = match self.holders.get_mut(&key) {
                Some(h) if limits.fresh(h.at_ms, now) => {
                    if *h.article == *obs.article_id {
                        h.at_ms = now;
                        None
                    } else {
                        Some(h.article.to_string())
                    }
                }
                _ => {
                    self.holders.put(
                        key,
                        Holder {
                            article: this.clone(),
                            at_ms: now,
                        },
                    );
                    None
                }
            };
            holders.push(held);
        }
        while self.holders.len() > limits.settings.max_holders {
            self.holders.pop_lru();
        }

        while self.template_keys > limits.settings.max_template_keys {
            let Some(name) = self.sources.peek_lru().map(|(name, _)| name.clone()) else {
                break;
            };
            let coldest = self.sources.peek_mut(&name).expect("just peeked");
            if coldest.templates.pop_lru().is_some() {
                self.template_keys -= 1;
            }
            if coldest.templates.is_empty() {
                self.sources.pop_lru();
            }
        }

        // One article's claims are one step under the state's lock: no race to settle.
        let racing = vec![false; holders.len()];
        Facts {
            previous,
            template_articles,
            titles_of_others,
            holders,
            racing,
            originals: Vec::new(),
        }
    }

    pub fn remember(&mut self, article_id: &str, outcome: &Outcome, now: u64, limits: &Limits) {
        self.outcomes.put(
            short_hash(article_id),
            Remembered {
                outcome: outcome.clone(),
                at_ms: now,
            },
        );
        while self.outcomes.len() > limits.settings.max_outcomes {
            self.outcomes.pop_lru();
        }
    }
}

impl State {
    /// Each candidate's original, as [`crate::store::CopyIndex::originals`] says.
    pub fn originals(
        &mut self,
        candidates: &[String],
        now: u64,
        limits: &Limits,
    ) -> Vec<Candidate> {
        candidates
            .iter()
            .map(|name| {
                let (mut original, mut deciding) = (None, false);
                match self.indexed(name, now, limits) {
                    Some((Indexed::Original { id, sketch }, _)) => {
                        original = Some(Original {
                            id,
                            sketch,
                            redirected: false,
                        });
                    }
                    Some((Indexed::CopyOf { original: of }, _)) => {
                        if let Some((Indexed::Original { id, sketch }, _)) =
                            self.indexed(&of, now, limits)
                        {
                            original = Some(Original {
                                id,
                                sketch,
                                redirected: true,
                            });
                        }
                    }
                    Some((Indexed::Deciding, at_ms)) => {
                        deciding = now.saturating_sub(at_ms) < DECIDING_MS;
                    }
                    None => {}
                }
                Candidate {
                    name: name.clone(),
                    original,
                    deciding,
                }
            })
            .collect()
    }

    fn indexed(&mut self, id: &str, now: u64, limits: &Limits) -> Option<(Indexed, u64)> {
        self.index
            .get(&short_hash(id))
            .filter(|e| limits.fresh(e.at_ms, now))
            .map(|e| (e.indexed.clone(), e.at_ms))
    }

    /// Records what a decided article left; a copy's sightings of `uncount` stop counting.
    pub fn index(
        &mut self,
        article_id: &str,
        source: &str,
        entry: &IndexEntry,
        now: u64,
        limits: &Limits,
    ) {
        let indexed = match entry {
            IndexEntry::Original(sketch) => Indexed::Original {
                id: article_id.to_string(),
                sketch: sketch.clone(),
            },
            IndexEntry::CopyOf { original, uncount } => {
                let me = article_tag(article_id);
                if let Some(state) = self.sources.peek_mut(source) {
                    for template in uncount {
                        if let Some(sightings) = state.templates.peek_mut(&template.short()) {
                            sightings.retain(|s| s.article != me);
                        }
                    }
                }
                Indexed::CopyOf {
                    original: original.clone(),
                }
            }
        };
        self.put_indexed(short_hash(article_id), indexed, now, limits);
    }

    /// Puts an entry, the least recently used going past `store.max_sketches`.
    fn put_indexed(&mut self, key: ShortKey, indexed: Indexed, at_ms: u64, limits: &Limits) {
        self.load_indexed(key, indexed, at_ms);
        while self.index.len() > limits.settings.max_sketches {
            self.pop_indexed();
        }
    }

    fn load_indexed(&mut self, key: ShortKey, indexed: Indexed, at_ms: u64) {
        if let Indexed::Original { sketch, .. } = &indexed {
            self.sketch_values += sketch.values.len();
        }
        if let Some(old) = self.index.put(key, IndexedAt { indexed, at_ms })
            && let Indexed::Original { sketch, .. } = old.indexed
        {
            self.sketch_values -= sketch.values.len();
        }
    }

    fn pop_indexed(&mut self) {
        if let Some((_, gone)) = self.index.pop_lru()
            && let Indexed::Original { sketch, .. } = gone.indexed
        {
            self.sketch_values -= sketch.values.len();
        }
    }
}
