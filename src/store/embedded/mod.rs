//! The embedded store: state in this process, bounded, least-recently-seen first out, and
//! (with `store.path`) durable across restarts.
//!
//! Bounds, each a setting: a cap on sources, a cap on template keys per source (so one busy
//! source cannot push out every other source's state), a global cap on template keys (past it
//! the least recently seen *source* gives up its least recently seen keys), and caps on titles,
//! paragraph holders and remembered outcomes. Evidence older than the window is ignored and
//! pruned when touched. The snapshot is bounded by the same caps, the log by
//! `store.snapshot_log_bytes`.

mod journal;
mod state;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use async_trait::async_trait;

use super::{Clock, CopyIndex, OpenError, Store, StoreError, TemplateCount};
use crate::clean::copies::{Candidate, IndexEntry};
use crate::clean::key::ParagraphKeys;
use crate::clean::{Facts, Observation, Outcome};
use crate::config::StoreSettings;
use journal::{Entry, Journal};
pub use state::DECIDING_MS;
use state::{Limits, State};

struct Inner {
    state: State,
    /// `None` for a memory-only store.
    journal: Option<Journal>,
}

/// The embedded store. Cheap to share behind an `Arc`; every call holds a lock briefly (one
/// `write` to the log when durable) and never across an await.
pub struct EmbeddedStore {
    inner: Arc<Mutex<Inner>>,
    limits: Limits,
    clock: Arc<dyn Clock>,
}

impl EmbeddedStore {
    /// A memory-only store: forgotten when the process ends.
    pub fn new(
        settings: StoreSettings,
        window_ms: u64,
        count_cap: u32,
        clock: Arc<dyn Clock>,
    ) -> Self {
        EmbeddedStore {
            inner: Arc::new(Mutex::new(Inner {
                state: State::new(),
                journal: None,
            })),
            limits: limits(settings, window_ms, count_cap),
            clock,
        }
    }

    /// A durable store in `settings.path` (memory-only when it is empty), recovering what an
    /// earlier process learned there.
    pub fn open(
        settings: StoreSettings,
        window_ms: u64,
        count_cap: u32,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, OpenError> {
        if settings.path.is_empty() {
            return Ok(Self::new(settings, window_ms, count_cap, clock));
        }
        let limits = limits(settings, window_ms, count_cap);
        let path = limits.settings.path.clone();
        let (journal, state) =
            Journal::open(Path::new(&path), &limits).map_err(|source| OpenError::Embedded {
                path: path.clone(),
                source,
            })?;
        tracing::info!(path = %path, entries = state.entries(), "Opened the embedded store.");
        let inner = Arc::new(Mutex::new(Inner {
            state,
            journal: Some(journal),
        }));
        spawn_syncer(
            Arc::downgrade(&inner),
            Duration::from_millis(limits.settings.fsync_interval_ms.max(1)),
        );
        Ok(EmbeddedStore {
            inner,
            limits,
            clock,
        })
    }

    /// Template keys held, across sources.
    pub fn template_keys(&self) -> usize {
        self.lock().state.template_keys()
    }

    /// Entries of every kind held (template keys, titles, holders, outcomes).
    pub fn entries(&self) -> usize {
        self.lock().state.entries()
    }

    /// Snapshots now (durable stores), as a clean shutdown does, so the next start is quick.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        let mut inner = self.lock();
        let Inner { state, journal } = &mut *inner;
        match journal {
            Some(journal) => journal.snapshot(state).map_err(|source| StoreError::Disk {
                what: "snapshot",
                source,
            }),
            None => Ok(()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves state that is at worst stale, never unsafe.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn log(&self, inner: &mut Inner, entry: Entry) -> Result<(), StoreError> {
        let Inner { state, journal } = inner;
        let Some(journal) = journal else {
            return Ok(());
        };
        journal.append(&entry).map_err(|source| StoreError::Disk {
            what: "writing the state log",
            source,
        })?;
        if journal.wants_snapshot() {
            journal.snapshot(state).map_err(|source| StoreError::Disk {
                what: "snapshot",
                source,
            })?;
        }
        Ok(())
    }
}

fn limits(settings: StoreSettings, window_ms: u64, count_cap: u32) -> Limits {
    Limits {
        settings,
        window_ms,
        count_cap: count_cap.max(1) as usize,
    }
}

/// Fsyncs the log when it has been idle, so the machine-crash bound holds without traffic.
fn spawn_syncer(inner: Weak<Mutex<Inner>>, interval: Duration) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(interval);
            let Some(inner) = inner.upgrade() else {
                return;
            };
            let mut guard = inner.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(journal) = guard.journal.as_mut()
                && let Err(e) = journal.sync()
            {
                tracing::error!(error = %e, "Cannot fsync the state log.");
            }
        }
    });
}

#[async_trait]
impl CopyIndex for EmbeddedStore {
    async fn originals(&self, candidates: &[String]) -> Result<Vec<Candidate>, StoreError> {
        let now = self.clock.now_ms();
        Ok(self.lock().state.originals(candidates, now, &self.limits))
    }

    async fn index(&self, obs: &Observation, entry: &IndexEntry) -> Result<(), StoreError> {
        let now = self.clock.now_ms();
        let mut inner = self.lock();
        inner
            .state
            .index(&obs.article_id, &obs.source, entry, now, &self.limits);
        self.log(
            &mut inner,
            Entry::Index {
                at_ms: now,
                article_id: obs.article_id.clone(),
                source: obs.source.clone(),
                entry: entry.clone(),
            },
        )
    }
}

#[async_trait]
impl Store for EmbeddedStore {
    async fn checkpoint(&self) -> Result<(), StoreError> {
        EmbeddedStore::checkpoint(self)
    }

    async fn observe(&self, obs: &Observation) -> Result<Facts, StoreError> {
        let now = self.clock.now_ms();
        let mut inner = self.lock();
        let facts = inner.state.observe(obs, now, &self.limits);
        self.log(
            &mut inner,
            Entry::Observe {
                at_ms: now,
                observation: obs.clone(),
            },
        )?;
        Ok(facts)
    }

    async fn remember(&self, obs: &Observation, outcome: &Outcome) -> Result<(), StoreError> {
        let now = self.clock.now_ms();
        let mut inner = self.lock();
        inner
            .state
            .remember(&obs.article_id, outcome, now, &self.limits);
        self.log(
            &mut inner,
            Entry::Remember {
                at_ms: now,
                article_id: obs.article_id.clone(),
                outcome: outcome.clone(),
            },
        )
    }

    async fn top_templates(
        &self,
        source: &str,
        limit: usize,
    ) -> Result<Vec<TemplateCount>, StoreError> {
        let now = self.clock.now_ms();
        Ok(self
            .lock()
            .state
            .top_templates(source, now, &self.limits, limit))
    }

    async fn forget(&self, source: &str, line: Option<&ParagraphKeys>) -> Result<u64, StoreError> {
        let line = line.map(|k| (k.template.short(), k.content.short()));
        let mut inner = self.lock();
        let gone = inner.state.forget(source, line);
        self.log(
            &mut inner,
            Entry::Forget {
                source: source.to_string(),
                line,
            },
        )?;
        Ok(gone)
    }

    async fn size(&self) -> Result<Vec<(&'static str, u64)>, StoreError> {
        Ok(self.lock().state.sizes())
    }
}
