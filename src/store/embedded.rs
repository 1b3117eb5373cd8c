//! The embedded store: state in this process, bounded, least-recently-seen first out.
//!
//! Bounds, each a setting: a cap on sources, a cap on template keys per source (so one busy
//! source cannot push out every other source's state), a global cap on template keys (past it
//! the least recently seen *source* gives up its least recently seen keys), and caps on
//! paragraph holders and remembered outcomes. Evidence older than the window is ignored and
//! pruned when touched.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use lru::LruCache;
use sha2::{Digest, Sha256};

use super::{Clock, Store, StoreError};
use crate::clean::{Facts, Observation, Outcome};
use crate::config::StoreSettings;

type ShortKey = [u8; 16];

/// One article seeing a key at a time.
#[derive(Clone, Copy, Debug)]
struct Sighting {
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

/// The first article to publish a paragraph.
struct Holder {
    article: Arc<str>,
    at_ms: u64,
}

struct Remembered {
    outcome: Outcome,
    at_ms: u64,
}

struct State {
    sources: LruCache<Box<str>, SourceState>,
    /// Template keys across all sources, for the global cap.
    template_keys: usize,
    holders: LruCache<ShortKey, Holder>,
    outcomes: LruCache<ShortKey, Remembered>,
}

/// The embedded store. Cheap to share behind an `Arc`; every call holds a lock for
/// microseconds and never across an await.
pub struct EmbeddedStore {
    state: Mutex<State>,
    settings: StoreSettings,
    window_ms: u64,
    /// Sightings beyond the largest threshold the engine uses change no decision.
    count_cap: usize,
    clock: Arc<dyn Clock>,
}

impl EmbeddedStore {
    pub fn new(
        settings: StoreSettings,
        window_ms: u64,
        count_cap: u32,
        clock: Arc<dyn Clock>,
    ) -> Self {
        EmbeddedStore {
            state: Mutex::new(State {
                sources: LruCache::unbounded(),
                template_keys: 0,
                holders: LruCache::unbounded(),
                outcomes: LruCache::unbounded(),
            }),
            settings,
            window_ms,
            count_cap: count_cap.max(1) as usize,
            clock,
        }
    }

    fn fresh(&self, at_ms: u64, now_ms: u64) -> bool {
        now_ms.saturating_sub(at_ms) <= self.window_ms
    }

    /// Template keys held, across sources (for tests and memory measurement).
    pub fn template_keys(&self) -> usize {
        self.lock().template_keys
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves state that is at worst stale, never unsafe.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn short_hash(text: &str) -> ShortKey {
    let mut out = [0u8; 16];
    out.copy_from_slice(&Sha256::digest(text.as_bytes())[..16]);
    out
}

fn article_tag(id: &str) -> u64 {
    let h = short_hash(id);
    u64::from_le_bytes(h[..8].try_into().expect("8 bytes"))
}

#[async_trait]
impl Store for EmbeddedStore {
    async fn observe(&self, obs: &Observation) -> Result<Facts, StoreError> {
        let now = self.clock.now_ms();
        let me = article_tag(&obs.article_id);
        let mut guard = self.lock();
        let state = &mut *guard;

        let previous = state
            .outcomes
            .get(&short_hash(&obs.article_id))
            .filter(|r| self.fresh(r.at_ms, now))
            .map(|r| r.outcome.clone());

        if !state.sources.contains(obs.source.as_str()) {
            if state.sources.len() >= self.settings.max_sources
                && let Some((_, gone)) = state.sources.pop_lru()
            {
                state.template_keys -= gone.templates.len();
            }
            state.sources.put(
                obs.source.as_str().into(),
                SourceState {
                    templates: LruCache::unbounded(),
                    titles: LruCache::unbounded(),
                },
            );
        }
        let source = state
            .sources
            .get_mut(obs.source.as_str())
            .expect("inserted above");

        let mut template_articles = Vec::with_capacity(obs.templates.len());
        for template in &obs.templates {
            let key = template.short();
            let others = match source.templates.get_mut(&key) {
                Some(sightings) => {
                    sightings.retain(|s| self.fresh(s.at_ms, now));
                    let others = sightings.iter().filter(|s| s.article != me).count();
                    match sightings.iter_mut().find(|s| s.article == me) {
                        Some(mine) => mine.at_ms = now,
                        None => sightings.push(Sighting {
                            article: me,
                            at_ms: now,
                        }),
                    }
                    if sightings.len() > self.count_cap + 1 {
                        // Sightings are in arrival order; the oldest other article goes.
                        if let Some(pos) = sightings.iter().position(|s| s.article != me) {
                            sightings.remove(pos);
                        }
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
                    state.template_keys += 1;
                    if source.templates.len() > self.settings.max_keys_per_source {
                        source.templates.pop_lru();
                        state.template_keys -= 1;
                    }
                    0
                }
            };
            template_articles.push(others.min(self.count_cap) as u32);
        }

        let titles_of_others = obs
            .contents
            .iter()
            .map(|c| {
                source
                    .titles
                    .get(&c.short())
                    .is_some_and(|s| s.article != me && self.fresh(s.at_ms, now))
            })
            .collect();
        if let Some(title) = obs.title {
            source.titles.put(
                title.short(),
                Sighting {
                    article: me,
                    at_ms: now,
                },
            );
            if source.titles.len() > self.settings.max_titles_per_source {
                source.titles.pop_lru();
            }
        }

        let this: Arc<str> = obs.article_id.as_str().into();
        let mut holders = Vec::with_capacity(obs.contents.len());
        for content in &obs.contents {
            let key = content.short();
            let held = match state.holders.get_mut(&key) {
                Some(h) if self.fresh(h.at_ms, now) => {
                    if *h.article == *obs.article_id {
                        h.at_ms = now;
                        None
                    } else {
                        Some(h.article.to_string())
                    }
                }
                _ => {
                    state.holders.put(
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
        while state.holders.len() > self.settings.max_holders {
            state.holders.pop_lru();
        }

        while state.template_keys > self.settings.max_template_keys {
            let Some(name) = state.sources.peek_lru().map(|(name, _)| name.clone()) else {
                break;
            };
            let coldest = state.sources.peek_mut(&name).expect("just peeked");
            if coldest.templates.pop_lru().is_some() {
                state.template_keys -= 1;
            }
            if coldest.templates.is_empty() {
                state.sources.pop_lru();
            }
        }

        Ok(Facts {
            previous,
            template_articles,
            titles_of_others,
            holders,
        })
    }

    async fn remember(&self, article_id: &str, outcome: &Outcome) -> Result<(), StoreError> {
        let now = self.clock.now_ms();
        let mut state = self.lock();
        state.outcomes.put(
            short_hash(article_id),
            Remembered {
                outcome: outcome.clone(),
                at_ms: now,
            },
        );
        while state.outcomes.len() > self.settings.max_outcomes {
            state.outcomes.pop_lru();
        }
        Ok(())
    }
}
