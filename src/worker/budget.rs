//! Input bytes being processed at once: the bound beside the prefetch's count. The prefetch
//! bounds how many deliveries the broker pushes, not how large they are, and processing an
//! article costs several times its size; so the worker starts no further delivery while those
//! it is processing (taken, not yet settled) reach `limits.in_flight_bytes`. The rest wait in
//! the consumer's buffer as they came (README, "Memory").
//!
//! The prefetch itself stays as configured: RabbitMQ applies a `basic.qos` changed after
//! `basic.consume` to no existing quorum-queue consumer (measured: a worker that lowered it to
//! 8 and raised it back to 200 kept draining at 8's rate), so a byte-sized prefetch would need
//! a new consumer each time sizes change.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Budget {
    limit: usize,
    held: Arc<AtomicUsize>,
}

/// A delivery's bytes, held until dropped (the delivery settled, or its task aborted).
pub struct Held {
    bytes: usize,
    held: Arc<AtomicUsize>,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.held.fetch_sub(self.bytes, Ordering::Relaxed);
    }
}

impl Budget {
    pub fn new(limit: usize) -> Budget {
        Budget {
            limit: limit.max(1),
            held: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Whether the held bytes reached the limit: start nothing more until some are settled.
    /// Nothing held is never full, so a message larger than the limit is still taken alone.
    pub fn full(&self) -> bool {
        self.held.load(Ordering::Relaxed) >= self.limit
    }

    /// Holds a delivery of `bytes` while it is processed.
    pub fn take(&self, bytes: usize) -> Held {
        self.held.fetch_add(bytes, Ordering::Relaxed);
        Held {
            bytes,
            held: self.held.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_fills_and_empties_with_what_is_held() {
        let budget = Budget::new(32 << 20);
        let held: Vec<Held> = (0..5).map(|_| budget.take(6 << 20)).collect();
        assert!(!budget.full(), "30 MiB of 32");
        let sixth = budget.take(6 << 20);
        assert!(budget.full());
        drop(held);
        assert!(!budget.full());
        drop(sixth);
        // A message larger than the budget is taken when nothing else is held.
        let big = Budget::new(1 << 20);
        assert!(!big.full());
        let one = big.take(8 << 20);
        assert!(big.full());
        drop(one);
        assert!(!big.full());
    }
}
