//! The state the decisions need, behind one async trait.
//!
//! A store answers one question per article: given what this article contributes (its
//! [`Observation`]), what was known before it ([`Facts`])? It records the contribution in the
//! same call, so an article's facts never include itself and a redelivery never counts twice.

pub mod clock;
pub mod embedded;
pub mod redis;

use async_trait::async_trait;

use crate::clean::copies::{Candidate, IndexEntry};
use crate::clean::key::ParagraphKeys;
use crate::clean::{Facts, Observation, Outcome};
pub use clock::{Clock, ManualClock, SystemClock};
pub use embedded::EmbeddedStore;
pub use redis::RedisStore;

/// A store that cannot answer now. Always transient for the caller: hold the article and
/// retry; an article is never dropped or dead-lettered because its store was unavailable.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Redis did not answer, or answered with an error.
    #[error("state store unavailable: redis: {0}")]
    Redis(#[from] ::redis::RedisError),
    /// Redis answered what paraprint's layout never holds (another program wrote the keys).
    #[error("state store unavailable: redis: unexpected reply to {0}")]
    UnexpectedReply(&'static str),
    /// A remembered value could not be encoded, or read back.
    #[error("state store unavailable: {what}: {source}")]
    Encoding {
        what: &'static str,
        source: postcard::Error,
    },
    /// The embedded store could not write its log or its snapshot (a full disk).
    #[error("state store unavailable: {what}: {source}")]
    Disk {
        what: &'static str,
        source: std::io::Error,
    },
    /// The CA file `store.redis_tls_ca_file` names went away since start-up.
    #[error("state store unavailable: {0}")]
    CaFile(#[from] crate::config::CaFileError),
}

impl StoreError {
    /// Whether this failure is the article's own data, which no retry changes: a reply the
    /// layout never holds (another program wrote the keys), a remembered value that cannot be
    /// read, a key of the wrong type. Everything else (unreachable, timeouts, a full disk, an
    /// out-of-memory Redis, refused credentials) may heal and is held and retried.
    pub fn is_permanent(&self) -> bool {
        match self {
            StoreError::UnexpectedReply(_) => true,
            StoreError::Encoding { what, .. } => what.starts_with("reading"),
            StoreError::Redis(e) => e.code() == Some("WRONGTYPE"),
            StoreError::Disk { .. } | StoreError::CaFile(_) => false,
        }
    }

    /// The store refused this worker's credentials (a wrong password or user, or a user not
    /// allowed the commands paraprint needs): no retry fixes that.
    pub fn refused_credentials(&self) -> bool {
        let StoreError::Redis(e) = self else {
            return false;
        };
        if matches!(
            e.kind(),
            ::redis::ErrorKind::AuthenticationFailed
                | ::redis::ErrorKind::Server(::redis::ServerErrorKind::NoPerm)
        ) {
            return true;
        }
        let text = e.to_string();
        [
            "WRONGPASS",
            "NOAUTH",
            "NOPERM",
            "without any password configured",
        ]
        .iter()
        .any(|m| text.contains(m))
    }
}

/// A store that cannot start: retrying will not help until an operator acts.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The embedded store's folder cannot be used: locked by another process, unreadable,
    /// or holding a corrupt snapshot or log.
    #[error("embedded store at {path}: {source}")]
    Embedded {
        path: String,
        source: std::io::Error,
    },
}

/// A template key of a source and the distinct articles that had it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateCount {
    /// The first bytes of the template key ([`Key::brief`](crate::clean::key::Key::brief)).
    pub key: [u8; 6],
    pub articles: u32,
}

/// What an article decided, as it tells the other article of a race ([`Store::meet`]).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Verdict {
    /// The article it is a copy of; `None`: it is an original.
    pub duplicate_of: Option<String>,
    /// Its content keys ([`Key::brief`](crate::clean::key::Key::brief)).
    pub contents: Vec<[u8; 6]>,
}

/// The copy index: what decided articles left for later ones to be measured against
/// ([`crate::clean::copies`]). Separate from the per-source evidence of [`Store`], which it
/// touches only to take a copy's sightings back.
#[async_trait]
pub trait CopyIndex: Send + Sync {
    /// Each candidate (a holder name from [`Facts::holders`](crate::clean::Facts)) with its
    /// original: itself when it left an original's sketch, the original it copies when it is a
    /// copy, `None` when the index no longer knows it (expired or evicted) or it is not decided
    /// yet. One round trip, or two when a candidate is a copy.
    async fn originals(&self, candidates: &[String]) -> Result<Vec<Candidate>, StoreError>;

    /// Records what the decided article leaves, for the window; for a copy, its sightings of
    /// the templates in `uncount` stop counting toward its source's boilerplate.
    async fn index(&self, observation: &Observation, entry: &IndexEntry) -> Result<(), StoreError>;
}

#[async_trait]
pub trait Store: CopyIndex + Send + Sync {
    /// Records the article's contribution and returns what was known before it, in one call.
    async fn observe(&self, observation: &Observation) -> Result<Facts, StoreError>;

    /// Remembers the article's outcome for the window, so a redelivery is republished
    /// identically. Called before the record is published.
    async fn remember(
        &self,
        observation: &Observation,
        outcome: &Outcome,
    ) -> Result<(), StoreError>;

    /// The source's template keys seen in the most distinct articles within the window, most
    /// first. Counts saturate a little past the engine's largest threshold.
    async fn top_templates(
        &self,
        source: &str,
        limit: usize,
    ) -> Result<Vec<TemplateCount>, StoreError>;

    /// Forgets what was learned about `source`: one line's template sightings and its title
    /// (if it is one), or with `None` all of the source's template sightings. Recent titles and
    /// outcomes stay, so link lists are still known and redeliveries are still republished
    /// identically. Returns how many entries went.
    async fn forget(&self, source: &str, line: Option<&ParagraphKeys>) -> Result<u64, StoreError>;

    /// The id of the article a store named `holder` in [`Facts::holders`](crate::clean::Facts)
    /// (a store may name other articles more cheaply than by id); `None` when it is no longer
    /// known.
    async fn article_id(&self, holder: &str) -> Result<Option<String>, StoreError> {
        Ok(Some(holder.to_string()))
    }

    /// Settles a race between article `me` and article `other`, which claimed part of each
    /// other's paragraphs at the same moment. The first of the two to arrive leaves its verdict
    /// and gets `None`; the second gets the first's verdict, always the same one (one atomic
    /// step per pair, kept). Stores whose claims are atomic per article never report a race
    /// and need not implement it.
    async fn meet(
        &self,
        _me: &str,
        _other: &str,
        _verdict: &Verdict,
    ) -> Result<Option<Verdict>, StoreError> {
        Ok(None)
    }

    /// Answers when the store is reachable now (for `/readyz`).
    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Makes what it holds quick to load at the next start (the embedded store snapshots its
    /// log); a clean shutdown calls it. Nothing to do for a store another process keeps.
    async fn checkpoint(&self) -> Result<(), StoreError> {
        Ok(())
    }

    /// How big the store is, as `(measure, value)` pairs for the `paraprint_store_size` gauge.
    async fn size(&self) -> Result<Vec<(&'static str, u64)>, StoreError> {
        Ok(Vec::new())
    }
}
