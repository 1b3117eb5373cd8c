//! Exponential backoff with jitter, for reconnects and for retries of transient failures.

use std::time::Duration;

/// Exponential backoff with jitter, so that many workers do not retry in step.
#[derive(Clone, Debug)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    attempt: u32,
}

impl Backoff {
    pub fn new(initial_ms: u64, max_ms: u64) -> Self {
        Backoff {
            initial: Duration::from_millis(initial_ms),
            max: Duration::from_millis(max_ms),
            attempt: 0,
        }
    }

    /// The next delay: the doubled delay capped at `max`, scaled by a random 50–100%.
    pub fn next_delay(&mut self) -> Duration {
        let doubled = self.initial.saturating_mul(1 << self.attempt.min(20));
        self.attempt += 1;
        doubled
            .min(self.max)
            .mul_f64(0.5 + rand::random::<f64>() * 0.5)
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}
