//! The Redis store: state shared by every worker of a deployment (layout 2; the README's
//! "Redis" section has the full picture).
//!
//! An article costs one round trip of plain commands, whatever its length, plus the one that
//! remembers its outcome: a transaction per hash slot reads the source's template counts,
//! titles and counted articles of this generation and the last, marks the article counted,
//! counts its lines, records its headline, claims its paragraphs (first writer wins) and reads
//! back who holds them. A redelivery takes its counts back in a second trip; other articles
//! are named by their tag until [`Store::article_id`] is asked for a copy's original.
//!
//! Key layout (`P` = `<store.redis_prefix>:v<key format>:l<layout>`; `{…}` is the hash tag that
//! picks the Redis Cluster slot; a line's keys are the first 6 bytes of its SHA-256 keys, an
//! article's tag 5 bytes of SHA-256 of its id):
//! - `{P:s:<source>}:<generation>`: hash of template → count, `n`+title → the tag of the
//!   article whose headline it is (which marks that article counted), `o:`+tag → counted
//!   (an article without a headline);
//! - `{P:s:<source>}:o:<tag>`: the article's remembered outcome;
//! - `{<shard>}:<generation>`: hash of content (and claimed shingle) → holder's tag and the
//!   minute of its claim, `a`+tag → its id, `k`+tag → what it left in the copy index (`index.rs`);
//! - `{P:r:<tag><tag>}`: where two racing articles meet ([`Store::meet`]).
//!
//! Generations are half the window long and every read looks at two, so evidence counts for
//! between half the window and the window. On one Redis an article's claims are one
//! transaction; on a cluster they are one per shard, and the cleaner settles the races that
//! can split them.

mod connection;
mod index;
mod keys;
mod known;
mod observe;

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use redis::{Script, Value};
use tokio::sync::Mutex;

use super::{Clock, Store, StoreError, TemplateCount, Verdict};
use crate::clean::key::{KEY_FORMAT, ParagraphKeys};
use crate::clean::{Facts, Observation, Outcome};
use crate::config::StoreSettings;
use connection::{Connection, parse_count, unavailable};
use keys::{holder_tag, prefixed, source_hash, spread_tags, tag_of};
use known::Known;

/// The meeting point of two racing articles: the first to arrive is first for good.
const MEET_SCRIPT: &str = r#"
-- KEYS[1] the pair's hash. ARGV: me, my verdict, ttl. Returns the first's verdict, or nil.
local first = redis.call('HGET', KEYS[1], 'first')
if not first then
  redis.call('HSET', KEYS[1], 'first', ARGV[1], ARGV[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return false
end
if first == ARGV[1] then return false end
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
return redis.call('HGET', KEYS[1], first)
"#;

/// Keys outlive what reads them a little, so the window's own filtering decides, not expiry
/// races.
const TTL_MARGIN_MS: u64 = 3_600_000;

/// How other articles are known in the copy index: the first bytes of SHA-256 of their id.
/// Five bytes and a minute of the hour make a holder's value 6 bytes, the smallest allocation;
/// two of the articles in a generation share a tag about once in two trillion pairs.
type Tag = [u8; 5];

/// A race is settled once; the meeting point outlives the race window by far.
const MEETING_TTL_MS: u64 = 3_600_000;

/// The layout of this store's keys, versioned apart from the key format: a new layout is a new
/// namespace, never read by workers of the old one.
pub const LAYOUT: u32 = 2;

pub struct RedisStore {
    settings: StoreSettings,
    /// Connected lazily and kept: Redis down at start is a transient failure like any other.
    connection: Mutex<Option<Connection>>,
    window_ms: u64,
    count_cap: u32,
    clock: Arc<dyn Clock>,
    /// `<prefix>:v<key format>:l<layout>`.
    namespace: String,
    /// Hash tags of the holder shards: one on a single Redis, spread over the slots on a cluster.
    shards: Vec<String>,
    known: std::sync::Mutex<Known>,
    meet_script: Script,
    uncount_script: Script,
}

impl RedisStore {
    pub fn new(
        settings: StoreSettings,
        window_ms: u64,
        count_cap: u32,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let namespace = format!("{}:v{KEY_FORMAT}:l{LAYOUT}", settings.redis_prefix);
        let shards = if settings.redis_cluster {
            // Tags in equal parts of the slot space: masters that own equal slot ranges hold
            // equal shares of the copy index.
            spread_tags(&format!("{namespace}:h"), settings.redis_cluster_shards)
        } else {
            vec![format!("{namespace}:h")]
        };
        RedisStore {
            settings,
            connection: Mutex::new(None),
            window_ms: window_ms.max(2),
            count_cap: count_cap.max(1),
            clock,
            namespace,
            shards,
            known: std::sync::Mutex::new(Known::new()),
            meet_script: Script::new(MEET_SCRIPT),
            uncount_script: Script::new(index::UNCOUNT_SCRIPT),
        }
    }
}

#[async_trait]
impl Store for RedisStore {
    async fn observe(&self, obs: &Observation) -> Result<Facts, StoreError> {
        self.observe_article(obs).await
    }

    async fn article_id(&self, holder: &str) -> Result<Option<String>, StoreError> {
        let Some(tag) = holder_tag(holder) else {
            return Ok(Some(holder.to_string()));
        };
        let conn = self.connection().await?;
        let generation = self.clock.now_ms() / self.generation_ms();
        let (current, previous) = self.shard_keys(self.shard_of_tag(&tag), generation);
        let field = prefixed(b'a', &tag);
        let mut pipe = redis::pipe();
        pipe.cmd("HGET")
            .arg(current)
            .arg(&field)
            .cmd("HGET")
            .arg(previous)
            .arg(&field);
        let reply = conn.pipe(&pipe).await?;
        Ok(reply.iter().find_map(|v| match v {
            Value::BulkString(id) => Some(String::from_utf8_lossy(id).into_owned()),
            _ => None,
        }))
    }

    async fn remember(&self, obs: &Observation, outcome: &Outcome) -> Result<(), StoreError> {
        let conn = self.connection().await?;
        let key = Self::outcome_key(
            &self.source_tag(&source_hash(&obs.source)),
            &tag_of(&obs.article_id),
        );
        let mut value = self.clock.now_ms().to_le_bytes().to_vec();
        value.extend(
            postcard::to_stdvec(outcome).map_err(|source| StoreError::Encoding {
                what: "encoding an outcome",
                source,
            })?,
        );
        let mut cmd = redis::cmd("SET");
        cmd.arg(key)
            .arg(value)
            .arg("PX")
            .arg(self.window_ms + TTL_MARGIN_MS);
        conn.query::<()>(&cmd).await.map_err(unavailable)
    }

    async fn top_templates(
        &self,
        source: &str,
        limit: usize,
    ) -> Result<Vec<TemplateCount>, StoreError> {
        let conn = self.connection().await?;
        let tag = self.source_tag(&source_hash(source));
        let generation = self.clock.now_ms() / self.generation_ms();
        let mut counts: HashMap<[u8; 6], u32> = HashMap::new();
        for g in [generation, generation.wrapping_sub(1)] {
            let fields: Vec<(Vec<u8>, Vec<u8>)> = conn
                .query(redis::cmd("HGETALL").arg(Self::generation_key(&tag, "", g)))
                .await
                .map_err(unavailable)?;
            // Template fields are the 6-byte ones (titles and counted articles have a prefix).
            for (key, n) in fields {
                if let (Ok(key), Some(n)) = (key.try_into(), parse_count(&n)) {
                    *counts.entry(key).or_default() += n;
                }
            }
        }
        let mut out: Vec<TemplateCount> = counts
            .into_iter()
            .map(|(key, articles)| TemplateCount { key, articles })
            .collect();
        out.sort_by(|a, b| b.articles.cmp(&a.articles).then(a.key.cmp(&b.key)));
        out.truncate(limit);
        Ok(out)
    }

    async fn forget(&self, source: &str, line: Option<&ParagraphKeys>) -> Result<u64, StoreError> {
        let conn = self.connection().await?;
        let tag = self.source_tag(&source_hash(source));
        let generation = self.clock.now_ms() / self.generation_ms();
        let mut gone = 0;
        for g in [generation, generation.wrapping_sub(1)] {
            let hash = Self::generation_key(&tag, "", g);
            let fields: Vec<Vec<u8>> = match line {
                Some(keys) => {
                    let mut title = b"n".to_vec();
                    title.extend_from_slice(&keys.content.brief());
                    vec![keys.template.brief().to_vec(), title]
                }
                None => {
                    let all: Vec<Vec<u8>> = conn
                        .query(redis::cmd("HKEYS").arg(&hash))
                        .await
                        .map_err(unavailable)?;
                    all.into_iter().filter(|f| f.len() == 6).collect()
                }
            };
            for chunk in fields.chunks(1000) {
                let n: u64 = conn
                    .query(redis::cmd("HDEL").arg(&hash).arg(chunk))
                    .await
                    .map_err(unavailable)?;
                gone += n;
            }
        }
        Ok(gone)
    }

    async fn meet(
        &self,
        me: &str,
        other: &str,
        verdict: &Verdict,
    ) -> Result<Option<Verdict>, StoreError> {
        let conn = self.connection().await?;
        let (a, b) = (
            tag_of(me),
            holder_tag(other).unwrap_or_else(|| tag_of(other)),
        );
        let (low, high) = if a <= b { (a, b) } else { (b, a) };
        let key = format!(
            "{{{}:r:{}{}}}",
            self.namespace,
            const_hex::encode(low),
            const_hex::encode(high)
        );
        let encoded = postcard::to_stdvec(verdict).map_err(|source| StoreError::Encoding {
            what: "encoding a verdict",
            source,
        })?;
        let mut call = self.meet_script.prepare_invoke();
        call.key(key).arg(me).arg(encoded).arg(MEETING_TTL_MS);
        let first: Option<Vec<u8>> = conn.invoke(&call).await.map_err(unavailable)?;
        first
            .map(|bytes| {
                postcard::from_bytes(&bytes).map_err(|source| StoreError::Encoding {
                    what: "reading a verdict",
                    source,
                })
            })
            .transpose()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let conn = self.connection().await?;
        conn.query::<()>(&redis::cmd("PING"))
            .await
            .map_err(unavailable)
    }

    /// The server's memory, not this deployment's keys alone: counting keys under the prefix
    /// would mean a SCAN of the whole keyspace on every scrape.
    async fn size(&self) -> Result<Vec<(&'static str, u64)>, StoreError> {
        let conn = self.connection().await?;
        let info: String = conn
            .query(redis::cmd("INFO").arg("memory"))
            .await
            .map_err(unavailable)?;
        let used = info
            .lines()
            .find_map(|l| l.strip_prefix("used_memory:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        Ok(vec![("redis_used_memory_bytes", used)])
    }
}
