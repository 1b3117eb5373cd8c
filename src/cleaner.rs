//! The three steps together: prepare (pure), one store call, decide (pure), then remember the
//! outcome. `paraprint clean` and the worker both clean through [`Cleaner`].

use std::sync::Arc;
use std::time::Instant;

use crate::article::{CleanRecord, InputError, RawArticle};
use crate::clean::{Engine, Facts, Outcome, Prepared};
use crate::config::{Settings, StoreBackend};
use crate::store::{Clock, EmbeddedStore, RedisStore, Store, StoreError};

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
    engine: Engine,
    store: Arc<dyn Store>,
    max_message_bytes: usize,
}

impl Cleaner {
    pub fn new(engine: Engine, store: Arc<dyn Store>, max_message_bytes: usize) -> Cleaner {
        Cleaner {
            engine,
            store,
            max_message_bytes,
        }
    }

    /// A cleaner with the store the settings choose (the embedded one opened, and recovered,
    /// from `store.path`).
    pub fn from_settings(
        settings: &Settings,
        clock: Arc<dyn Clock>,
    ) -> Result<Cleaner, StoreError> {
        let engine = Engine::new(settings.boilerplate.clone(), settings.copies.clone())
            .with_max_paragraphs(settings.limits.max_paragraphs);
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

    /// Validates and cleans one raw message.
    pub async fn clean(&self, bytes: &[u8]) -> Result<Cleaned, CleanError> {
        let article = RawArticle::parse(bytes, self.max_message_bytes)?;
        self.clean_article(article).await
    }

    pub async fn clean_article(&self, article: RawArticle) -> Result<Cleaned, CleanError> {
        let prepared = self.engine.prepare(article)?;
        if prepared.extraction_missed_text {
            metrics::counter!("paraprint_html_extraction_empty_total").increment(1);
            tracing::warn!(
                id = %prepared.article.id,
                source = %prepared.article.source,
                "HTML body has words outside its markup but no paragraph was extracted: all of it hidden, or an extractor bug."
            );
        }
        let facts = timed(self.store.observe(&prepared.observation)).await?;
        let outcome = self.engine.decide(&prepared, &facts);
        if facts.previous.as_ref() != Some(&outcome) {
            timed(self.store.remember(&prepared.observation, &outcome)).await?;
        }
        Ok(Cleaned {
            prepared,
            outcome,
            facts,
        })
    }

    /// The store, for health checks and size reports.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn record<'a>(&self, cleaned: &'a Cleaned) -> CleanRecord<'a> {
        self.engine.record(&cleaned.prepared, &cleaned.outcome)
    }
}

/// A store call, its latency and failures recorded.
async fn timed<T>(call: impl Future<Output = Result<T, StoreError>>) -> Result<T, StoreError> {
    let started = Instant::now();
    let result = call.await;
    metrics::histogram!("paraprint_store_seconds").record(started.elapsed().as_secs_f64());
    if result.is_err() {
        metrics::counter!("paraprint_store_failures_total").increment(1);
    }
    result
}
