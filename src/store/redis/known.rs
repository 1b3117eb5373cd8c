//! What a worker remembers of Redis's answers between articles.

use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use lru::LruCache;

use super::Tag;

/// What a worker remembers of Redis's answers, because they cannot change: a template whose
/// count this generation is past the cap stays past it, and a paragraph's first holder stays
/// its holder while fresh. Recurring lines (menus, footers, disclaimers) are then never sent
/// again. Entries live a minute, so `paraprint state forget` and a Redis that lost its data
/// are noticed within one.
pub(super) struct Known {
    saturated: LruCache<([u8; 8], [u8; 6]), (u64, Instant)>,
    holders: LruCache<[u8; 6], (Tag, u8, u64, Instant)>,
    /// Sources whose generation hash reached `max_keys_per_source`.
    pub(super) full: LruCache<[u8; 8], u64>,
}

/// Entries of each kind a worker remembers (about 100 bytes each).
const KNOWN_ENTRIES: usize = 100_000;

/// How long a remembered answer is trusted.
const KNOWN_FOR: Duration = Duration::from_secs(60);

impl Known {
    pub(super) fn new() -> Known {
        let size = NonZeroUsize::new(KNOWN_ENTRIES).expect("not zero");
        Known {
            saturated: LruCache::new(size),
            holders: LruCache::new(size),
            full: LruCache::new(size),
        }
    }

    pub(super) fn saturated(
        &mut self,
        source: [u8; 8],
        template: [u8; 6],
        generation: u64,
    ) -> bool {
        self.saturated
            .get(&(source, template))
            .is_some_and(|(g, at)| *g == generation && at.elapsed() < KNOWN_FOR)
    }

    pub(super) fn saw_saturated(&mut self, source: [u8; 8], template: [u8; 6], generation: u64) {
        self.saturated
            .put((source, template), (generation, Instant::now()));
    }

    /// The holder of a paragraph and the minute of its claim, as read in this generation (in
    /// the next one it may have expired).
    pub(super) fn holder(&mut self, content: [u8; 6], generation: u64) -> Option<(Tag, u8)> {
        self.holders
            .get(&content)
            .filter(|(_, _, g, at)| *g == generation && at.elapsed() < KNOWN_FOR)
            .map(|(tag, minute, _, _)| (*tag, *minute))
    }

    pub(super) fn saw_holder(
        &mut self,
        content: [u8; 6],
        holder: Tag,
        minute: u8,
        generation: u64,
    ) {
        self.holders
            .put(content, (holder, minute, generation, Instant::now()));
    }
}
