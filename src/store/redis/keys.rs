//! The key layout: hash tags, generations, shards, and the short hashes that name articles,
//! sources and lines.

use sha2::{Digest, Sha256};

use super::{RedisStore, TTL_MARGIN_MS, Tag};
use crate::clean::key::Key;

/// Redis Cluster's hash slots.
const SLOTS: u32 = 16384;

impl RedisStore {
    /// The hash tag of a source's keys.
    pub(super) fn source_tag(&self, source: &[u8; 8]) -> String {
        format!("{{{}:s:{}}}", self.namespace, const_hex::encode(source))
    }

    /// Evidence is kept in generations of half the window: reads look at the current one and
    /// the one before, so a sighting counts for at least half the window and never longer.
    pub(super) fn generation_ms(&self) -> u64 {
        self.window_ms / 2
    }

    /// A generation's key of `kind` under `tag`.
    pub(super) fn generation_key(tag: &str, kind: &str, generation: u64) -> Vec<u8> {
        format!("{tag}:{kind}{generation}").into_bytes()
    }

    /// Until a generation's keys are no longer read (the end of the next one), and a margin.
    pub(super) fn generation_ttl_ms(&self, generation: u64, now: u64) -> u64 {
        ((generation + 2) * self.generation_ms()).saturating_sub(now) + TTL_MARGIN_MS
    }

    pub(super) fn outcome_key(tag: &str, article: &[u8]) -> Vec<u8> {
        let mut out = format!("{tag}:o:").into_bytes();
        out.extend_from_slice(article);
        out
    }

    /// A holder shard's hashes of this generation and the last.
    pub(super) fn shard_keys(&self, shard: usize, generation: u64) -> (Vec<u8>, Vec<u8>) {
        (
            Self::generation_key(&self.shards[shard], "", generation),
            Self::generation_key(&self.shards[shard], "", generation.wrapping_sub(1)),
        )
    }

    pub(super) fn shard_of_tag(&self, tag: &Tag) -> usize {
        usize::from(u16::from_le_bytes([tag[0], tag[1]])) % self.shards.len()
    }

    pub(super) fn shard_of(&self, key: &Key) -> usize {
        usize::from(u16::from_le_bytes([key.0[8], key.0[9]])) % self.shards.len()
    }
}

/// `count` hash tags `{base:i.j}`, the i-th one's slot in the i-th equal part of the slot space.
pub(super) fn spread_tags(base: &str, count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            let part = |slot: u32| slot as usize * count / SLOTS as usize;
            (0u32..)
                .map(|j| format!("{base}:{i}.{j}"))
                .find(|tag| part(slot(tag.as_bytes())) == i)
                .map(|tag| format!("{{{tag}}}"))
                .expect("every part of the slot space is hit")
        })
        .collect()
}

/// The Redis Cluster hash slot of a key (or of a hash tag's content).
fn slot(key: &[u8]) -> u32 {
    u32::from(crc16::State::<crc16::XMODEM>::calculate(key)) % SLOTS
}

/// An article's tag in the copy index.
pub(super) fn tag_of(id: &str) -> Tag {
    short_hash(id)[..5].try_into().expect("5 bytes")
}

/// How this store names another article before its id is read: `#` and its tag in hex.
pub(super) fn holder_name(tag: &Tag) -> String {
    format!("#{}", const_hex::encode(tag))
}

pub(super) fn holder_tag(name: &str) -> Option<Tag> {
    let hex = name.strip_prefix('#')?;
    let mut tag = [0u8; 5];
    const_hex::decode_to_slice(hex, &mut tag).ok()?;
    Some(tag)
}

pub(super) fn source_hash(source: &str) -> [u8; 8] {
    short_hash(source)[..8].try_into().expect("8 bytes")
}

fn short_hash(text: &str) -> [u8; 16] {
    let mut out = [0u8; 16];
    out.copy_from_slice(&Sha256::digest(text.as_bytes())[..16]);
    out
}

/// `tag` + `bytes`: fields that live beside 8-byte keys in one hash.
pub(super) fn prefixed(tag: u8, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + bytes.len());
    out.push(tag);
    out.extend_from_slice(bytes);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_redis_clusters() {
        // The example of the Redis Cluster specification.
        assert_eq!(slot(b"123456789"), 0x31C3);
    }

    #[test]
    fn cluster_shards_spread_over_the_slot_space() {
        let tags = spread_tags("paraprint:v1:l2:h", 12);
        for (i, tag) in tags.iter().enumerate() {
            let inner = &tag.as_bytes()[1..tag.len() - 1];
            assert_eq!(slot(inner) as usize * 12 / SLOTS as usize, i, "{tag}");
        }
    }
}
