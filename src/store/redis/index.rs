//! The copy index in Redis: what each decided article left, in its tag's holder shard.
//!
//! Field `k`+tag of `{<shard>}:<generation>` (the hash that holds the article's claims, so it
//! expires with them): `D` and the time (8 bytes LE) while it is being decided (written with its
//! claims); then `O`, the id's length (2 bytes LE), the id and the sketch
//! ([`Sketch::to_bytes`]) for an original, or `C` and the original's id for a copy.

use futures_util::future::try_join_all;
use redis::Value;

use super::connection::{unavailable, values};
use super::keys::{holder_tag, prefixed, source_hash, tag_of};
use super::{RedisStore, Tag};
use crate::clean::Observation;
use crate::clean::copies::{Candidate, IndexEntry, Original, Sketch};
use crate::store::embedded::DECIDING_MS;
use crate::store::{CopyIndex, StoreError};

/// Takes a copy's sightings back: a count goes down only where it is up (a sighting made in
/// the last generation, or never counted, is left alone).
pub(super) const UNCOUNT_SCRIPT: &str = r#"
-- KEYS[1] the source's hash of this generation. ARGV: template fields.
for _, field in ipairs(ARGV) do
  local n = tonumber(redis.call('HGET', KEYS[1], field))
  if n and n > 0 then redis.call('HINCRBY', KEYS[1], field, -1) end
end
return 0
"#;

/// What one article left, as stored.
enum Stored {
    Original { id: String, sketch: Sketch },
    CopyOf { original: String },
    Deciding { since_ms: u64 },
}

/// The value that marks an article observed and not decided yet.
pub(super) fn deciding(now_ms: u64) -> Vec<u8> {
    let mut out = vec![b'D'];
    out.extend_from_slice(&now_ms.to_le_bytes());
    out
}

fn encode(id: &str, entry: &IndexEntry) -> Vec<u8> {
    match entry {
        IndexEntry::Original(sketch) => {
            // Ids are at most 255 bytes (the input contract); the length takes two bytes anyway.
            let mut out = vec![b'O'];
            out.extend_from_slice(&(id.len() as u16).to_le_bytes());
            out.extend_from_slice(id.as_bytes());
            out.extend_from_slice(&sketch.to_bytes());
            out
        }
        IndexEntry::CopyOf { original, .. } => {
            let mut out = vec![b'C'];
            out.extend_from_slice(original.as_bytes());
            out
        }
    }
}

fn decode(bytes: &[u8]) -> Option<Stored> {
    match bytes.split_first()? {
        (b'O', rest) if rest.len() >= 2 => {
            let len = usize::from(u16::from_le_bytes([rest[0], rest[1]]));
            let id = rest.get(2..2 + len)?;
            let sketch = Sketch::from_bytes(&rest[2 + len..])?;
            Some(Stored::Original {
                id: String::from_utf8(id.to_vec()).ok()?,
                sketch,
            })
        }
        (b'C', rest) => Some(Stored::CopyOf {
            original: String::from_utf8(rest.to_vec()).ok()?,
        }),
        (b'D', rest) => Some(Stored::Deciding {
            since_ms: u64::from_le_bytes(rest.try_into().ok()?),
        }),
        _ => None,
    }
}

impl RedisStore {
    /// What each tag left, reading this generation and the last: one pipeline per shard.
    async fn stored(&self, tags: &[Tag]) -> Result<Vec<Option<Stored>>, StoreError> {
        let conn = self.connection().await?;
        let generation = self.clock.now_ms() / self.generation_ms();
        let mut by_shard: Vec<Vec<usize>> = vec![Vec::new(); self.shards.len()];
        for (i, tag) in tags.iter().enumerate() {
            by_shard[self.shard_of_tag(tag)].push(i);
        }
        let shards: Vec<usize> = (0..self.shards.len())
            .filter(|&s| !by_shard[s].is_empty())
            .collect();
        let pipes: Vec<redis::Pipeline> = shards
            .iter()
            .map(|&shard| {
                let (current, previous) = self.shard_keys(shard, generation);
                let fields: Vec<Vec<u8>> = by_shard[shard]
                    .iter()
                    .map(|&i| prefixed(b'k', &tags[i]))
                    .collect();
                let mut pipe = redis::pipe();
                pipe.cmd("HMGET")
                    .arg(current)
                    .arg(&fields)
                    .cmd("HMGET")
                    .arg(previous)
                    .arg(&fields);
                pipe
            })
            .collect();
        let replies = try_join_all(pipes.iter().map(|p| conn.pipe(p))).await?;
        let mut out: Vec<Option<Stored>> = tags.iter().map(|_| None).collect();
        for (&shard, reply) in shards.iter().zip(&replies) {
            let [current, previous] = &reply[..] else {
                return Err(StoreError::UnexpectedReply("the copy index"));
            };
            let (current, previous) = (values(current), values(previous));
            for (k, &i) in by_shard[shard].iter().enumerate() {
                // An entry that cannot be read is one the index does not know. A decided entry
                // of either generation wins over a mark that the article is deciding (a
                // redelivery marks the new generation, and keeps the entry it left).
                let read = |values: &[Option<Vec<u8>>]| {
                    values.get(k).cloned().flatten().and_then(|b| decode(&b))
                };
                let (current, previous) = (read(&current), read(&previous));
                out[i] = match (current, previous) {
                    (Some(Stored::Deciding { .. }), Some(decided))
                        if !matches!(decided, Stored::Deciding { .. }) =>
                    {
                        Some(decided)
                    }
                    (Some(current), _) => Some(current),
                    (None, previous) => previous,
                };
            }
        }
        Ok(out)
    }
}

/// The tag a holder name stands for: Redis names holders by tag, the cleaner by id.
fn tag_of_name(name: &str) -> Tag {
    holder_tag(name).unwrap_or_else(|| tag_of(name))
}

#[async_trait::async_trait]
impl CopyIndex for RedisStore {
    async fn originals(&self, candidates: &[String]) -> Result<Vec<Candidate>, StoreError> {
        let tags: Vec<Tag> = candidates.iter().map(|n| tag_of_name(n)).collect();
        let first = self.stored(&tags).await?;
        let copies: Vec<Tag> = first
            .iter()
            .filter_map(|s| match s {
                Some(Stored::CopyOf { original }) => Some(tag_of(original)),
                _ => None,
            })
            .collect();
        let mut second = match copies.is_empty() {
            true => Vec::new(),
            false => self.stored(&copies).await?,
        }
        .into_iter();
        let now = self.clock.now_ms();
        Ok(candidates
            .iter()
            .zip(first)
            .map(|(name, stored)| {
                let deciding = matches!(stored, Some(Stored::Deciding { since_ms })
                    if now.saturating_sub(since_ms) < DECIDING_MS);
                let original = match stored {
                    Some(Stored::Original { id, sketch }) => Some(Original {
                        id,
                        sketch: sketch.into(),
                        redirected: false,
                    }),
                    Some(Stored::CopyOf { .. }) => match second.next().flatten() {
                        Some(Stored::Original { id, sketch }) => Some(Original {
                            id,
                            sketch: sketch.into(),
                            redirected: true,
                        }),
                        _ => None,
                    },
                    Some(Stored::Deciding { .. }) | None => None,
                };
                Candidate {
                    name: name.clone(),
                    original,
                    deciding,
                }
            })
            .collect())
    }

    async fn index(&self, obs: &Observation, entry: &IndexEntry) -> Result<(), StoreError> {
        let conn = self.connection().await?;
        let now = self.clock.now_ms();
        let generation = now / self.generation_ms();
        let tag = tag_of(&obs.article_id);
        let (current, _) = self.shard_keys(self.shard_of_tag(&tag), generation);
        let mut pipe = redis::pipe();
        pipe.cmd("HSET")
            .arg(&current)
            .arg(prefixed(b'k', &tag))
            .arg(encode(&obs.article_id, entry))
            .ignore()
            .cmd("PEXPIRE")
            .arg(&current)
            .arg(self.generation_ttl_ms(generation, now))
            .ignore();
        let uncount = match entry {
            IndexEntry::CopyOf { uncount, .. } if !uncount.is_empty() => Some(uncount),
            _ => None,
        };
        let index = conn.pipe(&pipe);
        match uncount {
            None => index.await.map(|_| ()),
            Some(templates) => {
                let src = self.source_tag(&source_hash(&obs.source));
                let mut call = self.uncount_script.prepare_invoke();
                call.key(Self::generation_key(&src, "", generation));
                for template in templates {
                    call.arg(&template.brief()[..]);
                }
                let uncount = async {
                    conn.invoke::<Value>(&call).await.map_err(unavailable)?;
                    Ok(())
                };
                tokio::try_join!(index, uncount).map(|_| ())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_read_back() {
        let sketch = Sketch::of(vec![9, 4, 7], 2);
        let bytes = encode("a-1", &IndexEntry::Original(sketch.clone().into()));
        let Some(Stored::Original { id, sketch: back }) = decode(&bytes) else {
            panic!("an original");
        };
        assert_eq!((id.as_str(), back), ("a-1", sketch));
        let copy = IndexEntry::CopyOf {
            original: "a-1".into(),
            uncount: Vec::new(),
        };
        let Some(Stored::CopyOf { original }) = decode(&encode("b", &copy)) else {
            panic!("a copy");
        };
        assert_eq!(original, "a-1");
        assert!(decode(b"O\x05\x00ab").is_none());
        assert!(decode(b"X").is_none());
    }
}
