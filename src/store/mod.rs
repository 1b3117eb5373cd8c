//! The state the decisions need, behind one async trait.
//!
//! A store answers one question per article: given what this article contributes (its
//! [`Observation`]), what was known before it ([`Facts`])? It records the contribution in the
//! same call, so an article's facts never include itself and a redelivery never counts twice.

pub mod clock;
pub mod embedded;
pub mod redis;

use async_trait::async_trait;

use crate::clean::{Facts, Observation, Outcome};
pub use clock::{Clock, ManualClock, SystemClock};
pub use embedded::EmbeddedStore;
pub use redis::RedisStore;

/// A store failure. Always transient for the caller: hold the article and retry; an article
/// is never dropped or dead-lettered because its store was unavailable.
#[derive(Debug, thiserror::Error)]
#[error("state store unavailable: {0}")]
pub struct StoreError(pub String);

#[async_trait]
pub trait Store: Send + Sync {
    /// Records the article's contribution and returns what was known before it, in one call.
    async fn observe(&self, observation: &Observation) -> Result<Facts, StoreError>;

    /// Remembers the article's outcome for the window, so a redelivery is republished
    /// identically. Called before the record is published.
    async fn remember(
        &self,
        observation: &Observation,
        outcome: &Outcome,
    ) -> Result<(), StoreError>;

    /// Answers when the store is reachable now (for `/readyz`).
    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }

    /// How big the store is, as `(measure, value)` pairs for the `paraprint_store_size` gauge.
    async fn size(&self) -> Result<Vec<(&'static str, u64)>, StoreError> {
        Ok(Vec::new())
    }
}
