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
//! - `{<shard>}:<generation>`: hash of content → holder's tag and the minute of its claim,
//!   `a`+tag → its id;
//! - `{P:r:<tag><tag>}`: where two racing articles meet ([`Store::meet`]).
//!
//! Generations are half the window long and every read looks at two, so evidence counts for
//! between half the window and the window. On one Redis an article's claims are one
//! transaction; on a cluster they are one per shard, and the cleaner settles the races that
//! can split them.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use lru::LruCache;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::{Script, ScriptInvocation, TlsCertificates, Value};
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use super::{Clock, Store, StoreError, TemplateCount, Verdict};
use crate::clean::key::{KEY_FORMAT, Key, ParagraphKeys};
use crate::clean::{Facts, Observation, Outcome};
use crate::config::{StoreSettings, read_ca_file};

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

/// Claims this close together (by the workers' clocks, in minutes) may be one race: copies of
/// a story cleaned at the same moment, whose claims landed on a cluster's shards in different
/// orders. Wide enough for clocks that NTP keeps in step.
const RACE_WINDOW_MINUTES: u8 = 1;

/// How other articles are known in the copy index: the first bytes of SHA-256 of their id.
/// Five bytes and a minute of the hour make a holder's value 6 bytes, the smallest allocation;
/// two of the articles in a generation share a tag about once in two trillion pairs.
type Tag = [u8; 5];

/// A race is settled once; the meeting point outlives the race window by far.
const MEETING_TTL_MS: u64 = 3_600_000;

/// Redis Cluster's hash slots.
const SLOTS: u32 = 16384;

/// The layout of this store's keys, versioned apart from the key format: a new layout is a new
/// namespace, never read by workers of the old one.
pub const LAYOUT: u32 = 2;

/// What a worker remembers of Redis's answers, because they cannot change: a template whose
/// count this generation is past the cap stays past it, and a paragraph's first holder stays
/// its holder while fresh. Recurring lines (menus, footers, disclaimers) are then never sent
/// again. Entries live a minute, so `paraprint state forget` and a Redis that lost its data
/// are noticed within one.
struct Known {
    saturated: LruCache<([u8; 8], [u8; 6]), (u64, Instant)>,
    holders: LruCache<[u8; 6], (Tag, u8, u64, Instant)>,
    /// Sources whose generation hash reached `max_keys_per_source`.
    full: LruCache<[u8; 8], u64>,
}

/// Entries of each kind a worker remembers (about 100 bytes each).
const KNOWN_ENTRIES: usize = 100_000;

/// How long a remembered answer is trusted.
const KNOWN_FOR: Duration = Duration::from_secs(60);

impl Known {
    fn new() -> Known {
        let size = NonZeroUsize::new(KNOWN_ENTRIES).expect("not zero");
        Known {
            saturated: LruCache::new(size),
            holders: LruCache::new(size),
            full: LruCache::new(size),
        }
    }

    fn saturated(&mut self, source: [u8; 8], template: [u8; 6], generation: u64) -> bool {
        self.saturated
            .get(&(source, template))
            .is_some_and(|(g, at)| *g == generation && at.elapsed() < KNOWN_FOR)
    }

    fn saw_saturated(&mut self, source: [u8; 8], template: [u8; 6], generation: u64) {
        self.saturated
            .put((source, template), (generation, Instant::now()));
    }

    /// The holder of a paragraph and the minute of its claim, as read in this generation (in
    /// the next one it may have expired).
    fn holder(&mut self, content: [u8; 6], generation: u64) -> Option<(Tag, u8)> {
        self.holders
            .get(&content)
            .filter(|(_, _, g, at)| *g == generation && at.elapsed() < KNOWN_FOR)
            .map(|(tag, minute, _, _)| (*tag, *minute))
    }

    fn saw_holder(&mut self, content: [u8; 6], holder: Tag, minute: u8, generation: u64) {
        self.holders
            .put(content, (holder, minute, generation, Instant::now()));
    }
}

#[derive(Clone)]
enum Connection {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

impl Connection {
    async fn invoke<T: redis::FromRedisValue>(
        &self,
        call: &ScriptInvocation<'_>,
    ) -> redis::RedisResult<T> {
        match self.clone() {
            Connection::Single(mut c) => call.invoke_async(&mut c).await,
            Connection::Cluster(mut c) => call.invoke_async(&mut c).await,
        }
    }

    async fn query<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> redis::RedisResult<T> {
        match self.clone() {
            Connection::Single(mut c) => cmd.query_async(&mut c).await,
            Connection::Cluster(mut c) => cmd.query_async(&mut c).await,
        }
    }

    /// A pipeline's replies, one per command (an atomic one's from its `EXEC`).
    async fn pipe(&self, pipe: &redis::Pipeline) -> Result<Vec<Value>, StoreError> {
        if pipe.cmd_iter().next().is_none() {
            return Ok(Vec::new());
        }
        match self.clone() {
            Connection::Single(mut c) => pipe.query_async(&mut c).await,
            Connection::Cluster(mut c) => pipe.query_async(&mut c).await,
        }
        .map_err(unavailable)
    }
}

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
        }
    }

    fn timeout(&self) -> Duration {
        Duration::from_millis(self.settings.redis_timeout_ms)
    }

    async fn connection(&self) -> Result<Connection, StoreError> {
        let mut slot = self.connection.lock().await;
        if let Some(conn) = slot.as_ref() {
            return Ok(conn.clone());
        }
        let certs = self.tls_certificates()?;
        let conn = if self.settings.redis_cluster {
            let nodes: Vec<&str> = self.settings.redis_url.split(',').map(str::trim).collect();
            let mut builder = ClusterClient::builder(nodes)
                .connection_timeout(self.timeout())
                .response_timeout(self.timeout());
            // `certs` switches the cluster to TLS; only rediss:// nodes ask for it.
            if let Some(certs) = certs
                && self
                    .settings
                    .redis_url
                    .trim_start()
                    .starts_with("rediss://")
            {
                builder = builder.certs(certs);
            }
            let client = builder.build().map_err(unavailable)?;
            Connection::Cluster(client.get_async_connection().await.map_err(unavailable)?)
        } else {
            let url = self.settings.redis_url.as_str();
            let client = match certs {
                // Only a rediss:// URL uses them; redis:// stays plain.
                Some(certs) => redis::Client::build_with_tls(url, certs),
                None => redis::Client::open(url),
            }
            .map_err(unavailable)?;
            let config = ConnectionManagerConfig::new()
                .set_connection_timeout(Some(self.timeout()))
                .set_response_timeout(Some(self.timeout()))
                .set_number_of_retries(1);
            Connection::Single(
                ConnectionManager::new_with_config(client, config)
                    .await
                    .map_err(unavailable)?,
            )
        };
        *slot = Some(conn.clone());
        Ok(conn)
    }

    /// With `store.redis_tls_ca_file` set, the CA certificates `rediss://` trusts (instead of
    /// the system's store), read when the connection is made.
    fn tls_certificates(&self) -> Result<Option<TlsCertificates>, StoreError> {
        let path = &self.settings.redis_tls_ca_file;
        if path.is_empty() {
            return Ok(None);
        }
        let pem = read_ca_file("store.redis_tls_ca_file", path).map_err(StoreError)?;
        Ok(Some(TlsCertificates {
            client_tls: None,
            root_cert: Some(pem),
        }))
    }

    /// The hash tag of a source's keys.
    fn source_tag(&self, source: &[u8; 8]) -> String {
        format!("{{{}:s:{}}}", self.namespace, const_hex::encode(source))
    }

    /// Evidence is kept in generations of half the window: reads look at the current one and
    /// the one before, so a sighting counts for at least half the window and never longer.
    fn generation_ms(&self) -> u64 {
        self.window_ms / 2
    }

    /// A generation's key of `kind` under `tag`.
    fn generation_key(tag: &str, kind: &str, generation: u64) -> Vec<u8> {
        format!("{tag}:{kind}{generation}").into_bytes()
    }

    /// Until a generation's keys are no longer read (the end of the next one), and a margin.
    fn generation_ttl_ms(&self, generation: u64, now: u64) -> u64 {
        ((generation + 2) * self.generation_ms()).saturating_sub(now) + TTL_MARGIN_MS
    }

    fn outcome_key(tag: &str, article: &[u8]) -> Vec<u8> {
        let mut out = format!("{tag}:o:").into_bytes();
        out.extend_from_slice(article);
        out
    }

    /// A holder shard's hashes of this generation and the last.
    fn shard_keys(&self, shard: usize, generation: u64) -> (Vec<u8>, Vec<u8>) {
        (
            Self::generation_key(&self.shards[shard], "", generation),
            Self::generation_key(&self.shards[shard], "", generation.wrapping_sub(1)),
        )
    }

    fn shard_of_tag(&self, tag: &Tag) -> usize {
        usize::from(u16::from_le_bytes([tag[0], tag[1]])) % self.shards.len()
    }

    fn shard_of(&self, key: &Key) -> usize {
        usize::from(u16::from_le_bytes([key.0[8], key.0[9]])) % self.shards.len()
    }
}

/// `count` hash tags `{base:i.j}`, the i-th one's slot in the i-th equal part of the slot space.
fn spread_tags(base: &str, count: usize) -> Vec<String> {
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
fn tag_of(id: &str) -> Tag {
    short_hash(id)[..5].try_into().expect("5 bytes")
}

/// How this store names another article before its id is read: `#` and its tag in hex.
fn holder_name(tag: &Tag) -> String {
    format!("#{}", const_hex::encode(tag))
}

fn holder_tag(name: &str) -> Option<Tag> {
    let hex = name.strip_prefix('#')?;
    let mut tag = [0u8; 5];
    const_hex::decode_to_slice(hex, &mut tag).ok()?;
    Some(tag)
}

fn source_hash(source: &str) -> [u8; 8] {
    short_hash(source)[..8].try_into().expect("8 bytes")
}

fn short_hash(text: &str) -> [u8; 16] {
    let mut out = [0u8; 16];
    out.copy_from_slice(&Sha256::digest(text.as_bytes())[..16]);
    out
}

fn unavailable(e: redis::RedisError) -> StoreError {
    StoreError(format!("redis: {e}"))
}

fn parse_count(bytes: &[u8]) -> Option<u32> {
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

/// `tag` + `bytes`: fields that live beside 8-byte keys in one hash.
fn prefixed(tag: u8, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + bytes.len());
    out.push(tag);
    out.extend_from_slice(bytes);
    out
}

/// The values of an `HMGET` reply.
fn values(reply: &Value) -> Vec<Option<Vec<u8>>> {
    match reply {
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::BulkString(bytes) => Some(bytes.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Int(n) => *n,
        _ => 0,
    }
}

#[async_trait]
impl Store for RedisStore {
    async fn observe(&self, obs: &Observation) -> Result<Facts, StoreError> {
        let conn = self.connection().await?;
        let now = self.clock.now_ms();
        let minute = (now / 60_000) as u8;
        let generation = now / self.generation_ms();
        let ttl = self.generation_ttl_ms(generation, now);
        let source = source_hash(&obs.source);
        let src = self.source_tag(&source);

        // What this worker already knows needs no question.
        let mut template_articles = vec![0u32; obs.templates.len()];
        let tag = tag_of(&obs.article_id);
        let mut held: Vec<Option<(Tag, u8)>> = vec![None; obs.contents.len()];
        let (mut templates, mut contents) = (Vec::new(), Vec::new());
        let full = {
            let mut known = self.known.lock().expect("never poisoned");
            for (i, template) in obs.templates.iter().enumerate() {
                match known.saturated(source, template.brief(), generation) {
                    true => template_articles[i] = self.count_cap,
                    false => templates.push(i),
                }
            }
            for (slot, content) in obs.contents.iter().enumerate() {
                match known.holder(content.brief(), generation) {
                    Some(holder) => held[slot] = Some(holder),
                    None => contents.push(slot),
                }
            }
            known.full.get(&source) == Some(&generation)
        };
        // A line whose template is past the cap is learned boilerplate before it could be a
        // link to another article (a dateline spared by the learned rule is never a headline).
        let lookups: Vec<usize> = (0..obs.contents.len())
            .filter(|&slot| obs.checks_title(slot))
            .filter(|&slot| {
                obs.content_templates
                    .get(slot)
                    .copied()
                    .flatten()
                    .is_none_or(|t| template_articles[t] < self.count_cap)
            })
            .collect();

        // One transaction per hash slot: read the source's counts, titles and counted articles,
        // mark this article counted and count its lines; claim its paragraphs, first writer
        // wins, and read back who holds them.
        let (current, previous_generation) = (
            Self::generation_key(&src, "", generation),
            Self::generation_key(&src, "", generation.wrapping_sub(1)),
        );
        // The article's own field marks it counted: its headline's (which holds its tag), or
        // `o` and its tag when it has none.
        let own = match obs.title {
            Some(title) => prefixed(b'n', &title.brief()),
            // Two bytes of prefix: a 6-byte field is a template's.
            None => [&b"o:"[..], &tag[..]].concat(),
        };
        let mut fields: Vec<Vec<u8>> = vec![own];
        fields.extend(templates.iter().map(|&i| obs.templates[i].brief().to_vec()));
        fields.extend(
            lookups
                .iter()
                .map(|&slot| prefixed(b'n', &obs.contents[slot].brief())),
        );
        let mut source_step = redis::pipe();
        source_step
            .atomic()
            .cmd("GET")
            .arg(Self::outcome_key(&src, &tag))
            .cmd("HMGET")
            .arg(&current)
            .arg(&fields)
            .cmd("HMGET")
            .arg(&previous_generation)
            .arg(&fields)
            .cmd("HLEN")
            .arg(&current);
        match obs.title {
            Some(_) => source_step
                .cmd("HSET")
                .arg(&current)
                .arg(&fields[0])
                .arg(&tag[..]),
            None => source_step
                .cmd("HSETNX")
                .arg(&current)
                .arg(&fields[0])
                .arg(1),
        };
        // Counted now, undone below for a redelivery; a full source counts known lines only,
        // once the counts are read.
        let counted_now = !full;
        if counted_now {
            for field in &fields[1..=templates.len()] {
                source_step.cmd("HINCRBY").arg(&current).arg(field).arg(1);
            }
        }
        source_step.cmd("PEXPIRE").arg(&current).arg(ttl).ignore();
        let source_replies = 5 + if counted_now { templates.len() } else { 0 };

        let mut by_shard: Vec<Vec<usize>> = vec![Vec::new(); self.shards.len()];
        for &slot in &contents {
            by_shard[self.shard_of(&obs.contents[slot])].push(slot);
        }
        let mut stamp = tag.to_vec();
        stamp.push(minute);
        // The article's id, in its tag's shard, for when another article turns out its copy.
        let home = self.shard_of_tag(&tag);
        let claim = |pipe: &mut redis::Pipeline, shard: usize| {
            let (current, previous) = self.shard_keys(shard, generation);
            if !by_shard[shard].is_empty() {
                let briefs: Vec<Vec<u8>> = by_shard[shard]
                    .iter()
                    .map(|&slot| obs.contents[slot].brief().to_vec())
                    .collect();
                pipe.cmd("HMGET").arg(&previous).arg(&briefs);
                for brief in &briefs {
                    pipe.cmd("HSETNX")
                        .arg(&current)
                        .arg(brief)
                        .arg(&stamp)
                        .ignore();
                }
                pipe.cmd("HMGET").arg(&current).arg(&briefs);
            }
            if shard == home {
                pipe.cmd("HSET")
                    .arg(&current)
                    .arg(prefixed(b'a', &tag))
                    .arg(&obs.article_id)
                    .ignore();
            }
            pipe.cmd("PEXPIRE").arg(&current).arg(ttl).ignore();
        };
        let shards: Vec<usize> = (0..self.shards.len())
            .filter(|&shard| !by_shard[shard].is_empty() || shard == home)
            .collect();
        let (source_reply, claim_replies) = if self.shards.len() == 1 {
            // One Redis: the whole article is one transaction.
            claim(&mut source_step, 0);
            let mut reply = conn.pipe(&source_step).await?;
            let claims = reply.split_off(reply.len().min(source_replies));
            (reply, vec![claims])
        } else {
            let steps: Vec<redis::Pipeline> = shards
                .iter()
                .map(|&shard| {
                    let mut pipe = redis::pipe();
                    pipe.atomic();
                    claim(&mut pipe, shard);
                    pipe
                })
                .collect();
            tokio::try_join!(
                conn.pipe(&source_step),
                futures_util::future::try_join_all(steps.iter().map(|step| conn.pipe(step)))
            )?
        };

        let malformed = || StoreError("redis: unexpected reply to an article's first step".into());
        if source_reply.len() != source_replies {
            return Err(malformed());
        }
        let [got, current_values, previous_values, size, marked] = &source_reply[..5] else {
            return Err(malformed());
        };
        let (current_values, previous_values) = (values(current_values), values(previous_values));
        if current_values.len() != fields.len() || previous_values.len() != fields.len() {
            return Err(malformed());
        }
        // An outcome is `time (8 bytes LE) + postcard`; past the window it no longer counts,
        // whatever Redis's own expiry (real time) says.
        let previous = match got {
            Value::BulkString(bytes) if bytes.len() > 8 => {
                let at = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"));
                let fresh = now.saturating_sub(at) <= self.window_ms;
                fresh
                    .then(|| postcard::from_bytes::<Outcome>(&bytes[8..]).ok())
                    .flatten()
            }
            _ => None,
        };
        // Counted before (a redelivery): its sightings are in the counts already, once. (A
        // later article with the same headline takes the field over: a redelivery after it is
        // counted again, which can only make a line's count one too high.)
        let seen = match obs.title {
            Some(_) => [&current_values[0], &previous_values[0]]
                .iter()
                .any(|v| v.as_deref() == Some(&tag[..])),
            None => previous_values[0].is_some() || int(marked) == 0,
        };
        let count = |v: &Option<Vec<u8>>| v.as_deref().and_then(parse_count).unwrap_or(0);
        let mut after: Vec<i64> = source_reply[5..].iter().map(int).collect();
        let mut room = (self.settings.max_keys_per_source as i64).saturating_sub(int(size));
        let mut second_step = redis::pipe();
        let mut counted_later = Vec::new();
        for (j, &i) in templates.iter().enumerate() {
            let c = count(&current_values[1 + j]);
            let n = (c + count(&previous_values[1 + j])).saturating_sub(u32::from(seen));
            template_articles[i] = n.min(self.count_cap);
            if counted_now && seen {
                second_step
                    .cmd("HINCRBY")
                    .arg(&current)
                    .arg(&fields[1 + j])
                    .arg(-1)
                    .ignore();
            } else if !counted_now && !seen && (c > 0 || room > 0) {
                room -= i64::from(c == 0);
                second_step
                    .cmd("HINCRBY")
                    .arg(&current)
                    .arg(&fields[1 + j])
                    .arg(1);
                counted_later.push(j);
            }
        }
        if second_step.cmd_iter().next().is_some() {
            let replies = conn.pipe(&second_step).await?;
            after = vec![0; templates.len()];
            for (&j, reply) in counted_later.iter().zip(&replies) {
                after[j] = int(reply);
            }
        }
        let mut titles_of_others = vec![false; obs.contents.len()];
        for (k, &slot) in lookups.iter().enumerate() {
            let at = 1 + templates.len() + k;
            let title_of = current_values[at].as_ref().or(previous_values[at].as_ref());
            titles_of_others[slot] = title_of.is_some_and(|other| other[..] != tag[..]);
        }

        // Each claimed paragraph's holder: the last generation's (every key read is within the
        // window), else this generation's first writer.
        let holder = |v: &Option<Vec<u8>>| {
            v.as_deref()
                .filter(|v| v.len() == 6)
                .map(|v| (<Tag>::try_from(&v[..5]).expect("5 bytes"), v[5]))
        };
        for (&shard, reply) in shards.iter().zip(&claim_replies) {
            if by_shard[shard].is_empty() {
                continue;
            }
            let [previous, current, ..] = &reply[..] else {
                return Err(malformed());
            };
            let (previous, current) = (values(previous), values(current));
            if previous.len() != by_shard[shard].len() || current.len() != previous.len() {
                return Err(malformed());
            }
            for (k, &slot) in by_shard[shard].iter().enumerate() {
                held[slot] = holder(&previous[k]).or_else(|| holder(&current[k]));
                if held[slot].is_none() {
                    return Err(malformed());
                }
            }
        }

        let mut known = self.known.lock().expect("never poisoned");
        if int(size) >= self.settings.max_keys_per_source as i64 {
            known.full.put(source, generation);
        }
        for (j, &i) in templates.iter().enumerate() {
            if after.get(j).is_some_and(|&n| n > i64::from(self.count_cap)) {
                known.saw_saturated(source, obs.templates[i].brief(), generation);
            }
        }
        for &slot in &contents {
            if let Some((holder, at)) = held[slot] {
                known.saw_holder(obs.contents[slot].brief(), holder, at, generation);
            }
        }
        drop(known);
        // Other articles are named by their tag here; `article_id` reads the id of the one a
        // copy is a copy of. On a single Redis an article's claims are one transaction: there
        // is no race to settle.
        let cluster = self.shards.len() > 1;
        let mut holders = vec![None; obs.contents.len()];
        let mut racing = vec![false; obs.contents.len()];
        for (slot, holder) in held.into_iter().enumerate() {
            if let Some((other, at)) = holder.filter(|(other, _)| *other != tag) {
                holders[slot] = Some(holder_name(&other));
                let apart = minute.wrapping_sub(at).min(at.wrapping_sub(minute));
                racing[slot] = cluster && apart <= RACE_WINDOW_MINUTES;
            }
        }
        Ok(Facts {
            previous,
            template_articles,
            titles_of_others,
            holders,
            racing,
        })
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
            postcard::to_stdvec(outcome)
                .map_err(|e| StoreError(format!("encoding outcome: {e}")))?,
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
        let encoded = postcard::to_stdvec(verdict)
            .map_err(|e| StoreError(format!("encoding verdict: {e}")))?;
        let mut call = self.meet_script.prepare_invoke();
        call.key(key).arg(me).arg(encoded).arg(MEETING_TTL_MS);
        let first: Option<Vec<u8>> = conn.invoke(&call).await.map_err(unavailable)?;
        first
            .map(|bytes| {
                postcard::from_bytes(&bytes)
                    .map_err(|e| StoreError(format!("redis: unreadable verdict: {e}")))
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
