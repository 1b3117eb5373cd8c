//! The three steps together: prepare (pure), one store call, decide (pure), then remember the
//! outcome. `paraprint clean` and the worker both clean through [`Cleaner`].

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use metrics::{Counter, Histogram};

use crate::article::{CleanRecord, InputError, RawArticle};
use crate::clean::key::Key;
use crate::clean::{Engine, Facts, Outcome, Prepared};
use crate::config::{Settings, StoreBackend};
use crate::store::{Clock, EmbeddedStore, OpenError, RedisStore, Store, StoreError, Verdict};

/// Why an article could not be cleaned; each variant says what happens to the message.
#[derive(Debug, thiserror::Error)]
pub enum CleanError {
    /// The input can never be processed: dead-letter it with its code.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The store is unavailable: hold the article and retry.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A cleaned article: everything its record is built from.
#[derive(Debug)]
pub struct Cleaned {
    pub prepared: Prepared,
    pub outcome: Outcome,
    /// The facts the store gave; when the outcome was remembered from an earlier delivery,
    /// they are today's facts, not the ones that decided.
    pub facts: Facts,
}

#[derive(Clone)]
pub struct Cleaner {
    engine: Arc<Engine>,
    store: Arc<dyn Store>,
    max_message_bytes: usize,
    series: StoreSeries,
}

/// Store calls' latency and failures, resolved once (see `WorkerSeries`).
#[derive(Clone)]
struct StoreSeries {
    seconds: Histogram,
    failures: Counter,
}

impl Cleaner {
    pub fn new(engine: Engine, store: Arc<dyn Store>, max_message_bytes: usize) -> Cleaner {
        Cleaner {
            engine: Arc::new(engine),
            store,
            max_message_bytes,
            series: StoreSeries {
                seconds: metrics::histogram!("paraprint_store_seconds"),
                failures: metrics::counter!("paraprint_store_failures_total"),
            },
        }
    }

    /// A cleaner with the store the settings choose (the embedded one opened, and recovered,
    /// from `store.path`).
    pub fn from_settings(settings: &Settings, clock: Arc<dyn Clock>) -> Result<Cleaner, OpenError> {
        let engine = Engine::new(settings.boilerplate.clone(), settings.copies.clone())
            .with_max_paragraphs(settings.limits.max_paragraphs)
            .with_line_cache(settings.limits.line_cache_bytes);
        let store: Arc<dyn Store> = match settings.store.backend {
            StoreBackend::Embedded => Arc::new(EmbeddedStore::open(
                settings.store.clone(),
                settings.boilerplate.window_ms(),
                engine.count_cap(),
                clock,
            )?),
            StoreBackend::Redis => Arc::new(RedisStore::new(
                settings.store.clone(),
                settings.boilerplate.window_ms(),
                engine.count_cap(),
                clock,
            )),
        };
        Ok(Cleaner::new(
            engine,
            store,
            settings.limits.max_message_bytes,
        ))
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Validates and cleans one raw message. A message of [`OFF_THREAD_BYTES`] or more is
    /// parsed and split on tokio's blocking pool: on a one-thread worker (`worker.threads = 1`)
    /// the runtime's thread must stay free for the connections' heartbeats and the other
    /// deliveries' acks while a page of megabytes is taken apart.
    pub async fn clean(&self, bytes: &[u8]) -> Result<Cleaned, CleanError> {
        // A message over the limit is refused at once, not copied to be refused elsewhere.
        let prepared = if !(OFF_THREAD_BYTES..=self.max_message_bytes).contains(&bytes.len()) {
            prepare(&self.engine, bytes, self.max_message_bytes)?
        } else {
            let (engine, bytes, limit) =
                (self.engine.clone(), bytes.to_vec(), self.max_message_bytes);
            tokio::task::spawn_blocking(move || prepare(&engine, &bytes, limit))
                .await
                .unwrap_or_else(|failed| std::panic::resume_unwind(failed.into_panic()))?
        };
        self.clean_prepared(prepared).await
    }

    pub async fn clean_article(&self, article: RawArticle) -> Result<Cleaned, CleanError> {
        let prepared = self.engine.prepare(article)?;
        self.clean_prepared(prepared).await
    }

    async fn clean_prepared(&self, prepared: Prepared) -> Result<Cleaned, CleanError> {
        if prepared.extraction_missed_text {
            metrics::counter!("paraprint_html_extraction_empty_total").increment(1);
            tracing::warn!(
                id = %prepared.article.id,
                source = %prepared.article.source,
                "HTML body has words outside its markup but no paragraph was extracted: all of it hidden, or an extractor bug."
            );
        }
        let mut facts = self
            .timed(self.store.observe(&prepared.observation))
            .await?;
        let redelivered = facts
            .previous
            .as_ref()
            .is_some_and(|p| p.digest == prepared.observation.digest);
        if !redelivered {
            let candidates = self.engine.copy_candidates(&prepared, &facts);
            if !candidates.is_empty() {
                facts.originals = self.originals(&candidates).await?;
            }
        }
        let mut outcome = self.engine.decide(&prepared, &facts);
        if facts.previous.as_ref() != Some(&outcome) {
            outcome = self.settle_races(&prepared, &facts, outcome).await?;
            outcome = self.name_original(&prepared, &facts, outcome).await?;
            let entry = self.engine.index_entry(&prepared, &facts, &outcome);
            let observation = &prepared.observation;
            futures_util::try_join!(
                self.timed(self.store.remember(observation, &outcome)),
                self.timed(self.store.index(observation, &entry)),
            )?;
            if let Some(copy) = outcome.copy {
                metrics::counter!("paraprint_copies_total", "method" => copy.method.as_str())
                    .increment(1);
            }
        }
        Ok(Cleaned {
            prepared,
            outcome,
            facts,
        })
    }

    /// The candidates' originals. A candidate being decided at this moment (a copy and its
    /// original in flight together, on two workers or two tasks of one) is waited for, a little
    /// longer each time and at most [`DECIDING_WAITS_MS`] in all, so the copy is measured
    /// against it rather than both becoming originals.
    async fn originals(
        &self,
        candidates: &[String],
    ) -> Result<Vec<crate::clean::copies::Candidate>, StoreError> {
        let mut originals = self.timed(self.store.originals(candidates)).await?;
        for wait_ms in DECIDING_WAITS_MS {
            if !originals.iter().any(|c| c.deciding) {
                break;
            }
            metrics::counter!("paraprint_copy_waits_total").increment(1);
            tokio::time::sleep(std::time::Duration::from_millis(wait_ms)).await;
            originals = self.timed(self.store.originals(candidates)).await?;
        }
        Ok(originals)
    }

    /// Where another article claimed some of this one's prose at the same moment, the two may
    /// be copies of one story whose claims each landed first on part of it (on a Redis
    /// Cluster, claims are atomic per shard, not per article). The first of the two to meet
    /// keeps its decision; the second becomes the first's copy when the first called itself
    /// an original and holds this article's prose as a copy's. Neither can end without an
    /// original: the first is one, or a copy of the second, which then keeps its own decision
    /// (by the containment rule two articles cannot each hold most of the other).
    async fn settle_races(
        &self,
        prepared: &Prepared,
        facts: &Facts,
        outcome: Outcome,
    ) -> Result<Outcome, StoreError> {
        if outcome.duplicate_of.is_some() {
            return Ok(outcome);
        }
        // Kept prose only: the paragraphs a copy is measured by.
        let dropped: HashSet<usize> = outcome.drops.iter().map(|d| d.index as usize).collect();
        let mut others: Vec<&str> = prepared
            .paras
            .iter()
            .enumerate()
            .filter(|(i, p)| {
                p.keys.is_some()
                    && !dropped.contains(i)
                    && self.engine.is_prose(p.shape)
                    && facts.racing[p.content_slot]
            })
            .filter_map(|(_, p)| facts.holders[p.content_slot].as_deref())
            .collect();
        others.sort_unstable();
        others.dedup();
        if others.is_empty() {
            return Ok(outcome);
        }
        let observation = &prepared.observation;
        let mine = Verdict {
            duplicate_of: outcome.duplicate_of.clone(),
            contents: observation.contents.iter().map(Key::brief).collect(),
        };
        for other in others {
            let Some(first) = self
                .timed(self.store.meet(&observation.article_id, other, &mine))
                .await?
            else {
                continue;
            };
            if first.duplicate_of.is_some() {
                continue;
            }
            let held: HashSet<[u8; 6]> = first.contents.into_iter().collect();
            let mut settled = facts.clone();
            for (slot, key) in observation.contents.iter().enumerate() {
                if held.contains(&key.brief()) {
                    settled.holders[slot] = Some(other.to_string());
                }
            }
            let again = self.engine.decide(prepared, &settled);
            if again.duplicate_of.as_deref() == Some(other) {
                metrics::counter!("paraprint_races_settled_total").increment(1);
                return Ok(again);
            }
        }
        Ok(outcome)
    }

    /// A store may name other articles by a tag of its own until asked (Redis does); the record
    /// names the original by its id. An original whose id the store no longer knows (it lost
    /// part of its data) holds nothing, and the article is decided again without it.
    async fn name_original(
        &self,
        prepared: &Prepared,
        facts: &Facts,
        mut outcome: Outcome,
    ) -> Result<Outcome, StoreError> {
        let mut facts = std::borrow::Cow::Borrowed(facts);
        while let Some(holder) = outcome.duplicate_of.clone() {
            if let Some(id) = self.timed(self.store.article_id(&holder)).await? {
                outcome.duplicate_of = Some(id);
                break;
            }
            for held in facts.to_mut().holders.iter_mut() {
                if held.as_deref() == Some(holder.as_str()) {
                    *held = None;
                }
            }
            outcome = self.engine.decide(prepared, &facts);
        }
        Ok(outcome)
    }

    /// A store call, its latency and failures recorded.
    async fn timed<T>(
        &self,
        call: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let started = Instant::now();
        let result = call.await;
        self.series.seconds.record(started.elapsed().as_secs_f64());
        if result.is_err() {
            self.series.failures.increment(1);
        }
        result
    }

    /// The store, for health checks and size reports.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn record<'a>(&self, cleaned: &'a Cleaned) -> CleanRecord<'a> {
        self.engine.record(&cleaned.prepared, &cleaned.outcome)
    }
}

/// Messages this large are prepared off the runtime's threads (a typical article is 5–100 KiB;
/// at this size a release build prepares an HTML page in a few milliseconds).
const OFF_THREAD_BYTES: usize = 256 << 10;

fn prepare(
    engine: &Engine,
    bytes: &[u8],
    max_message_bytes: usize,
) -> Result<Prepared, InputError> {
    engine.prepare(RawArticle::parse(bytes, max_message_bytes)?)
}

/// Pauses before asking again about a candidate still being decided: 635 ms at most in all,
/// far longer than a decision takes, and far shorter than a stopped worker's mark lasts.
const DECIDING_WAITS_MS: [u64; 7] = [5, 10, 20, 40, 80, 160, 320];
