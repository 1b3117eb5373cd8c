//! The Redis store: state shared by every worker of a deployment.
//!
//! One article is two Lua scripts sent at once (one round trip of latency), each atomic:
//! - the **source script** runs in the source's hash slot: it reads the remembered outcome,
//!   counts and records template sightings, checks titles of other articles and records this
//!   article's title;
//! - the **holder script** claims the article's paragraph keys, first writer wins, all in one
//!   atomic step, so two workers racing on two copies of one story can never both be the
//!   original.
//!
//! Key layout (`P` = `store.redis_prefix`, `v1` = the key format; `{…}` is the hash tag that
//! picks the Redis Cluster slot):
//! - `{P:v1:s:<source hash>}:t:<template key>`: sorted set of article tags by time seen;
//! - `{P:v1:s:<source hash>}:n:<content key>`: `time|tag` of the article with that title;
//! - `{P:v1:s:<source hash>}:o:<id hash>`: the article's remembered outcome;
//! - `{P:v1:s:<source hash>}:i`: the source's template keys by time seen, for the per-source cap;
//! - `{P:v1:h}:<content key>`: `time|article id` of the paragraph's first holder.
//!
//! Per-source state spreads over the cluster by source; the holders share one slot so that an
//! article's claims are one atomic script (that slot's node carries the copy index). Keys are
//! binary (truncated 16-byte keys), and every key expires after the window.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::{Script, ScriptInvocation, TlsCertificates, Value};
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use super::{Clock, Store, StoreError, TemplateCount};
use crate::clean::key::KEY_FORMAT;
use crate::clean::key::ParagraphKeys;
use crate::clean::{Facts, Observation, Outcome};
use crate::config::{StoreSettings, read_ca_file};

const SOURCE_SCRIPT: &str = r#"
-- KEYS[1] source index, KEYS[2] outcome, KEYS[3] own title (or the index when no title),
-- KEYS[4 .. 3+nt] template keys, KEYS[4+nt .. 3+nt+nc] title keys of the content keys.
-- ARGV: now, window, me, cap, max_keys, nt, nc, ttl, has_title
local now = tonumber(ARGV[1])
local oldest = now - tonumber(ARGV[2])
local me = ARGV[3]
local cap = tonumber(ARGV[4])
local max_keys = tonumber(ARGV[5])
local nt = tonumber(ARGV[6])
local nc = tonumber(ARGV[7])
local ttl = tonumber(ARGV[8])
local out = {}
out[1] = redis.call('GET', KEYS[2]) or ''
for i = 1, nt do
  local k = KEYS[3 + i]
  redis.call('ZREMRANGEBYSCORE', k, '-inf', '(' .. oldest)
  local n = redis.call('ZCARD', k)
  local others = n
  if redis.call('ZSCORE', k, me) then others = n - 1 end
  redis.call('ZADD', k, now, me)
  if others + 1 > cap + 1 then redis.call('ZPOPMIN', k, others - cap) end
  redis.call('PEXPIRE', k, ttl)
  redis.call('ZADD', KEYS[1], now, k)
  if others > cap then others = cap end
  out[1 + i] = others
end
for i = 1, nc do
  local v = redis.call('GET', KEYS[3 + nt + i])
  local flag = 0
  if v then
    local sep = string.find(v, '|', 1, true)
    if string.sub(v, sep + 1) ~= me and tonumber(string.sub(v, 1, sep - 1)) >= oldest then flag = 1 end
  end
  out[1 + nt + i] = flag
end
if ARGV[9] == '1' then redis.call('SET', KEYS[3], now .. '|' .. me, 'PX', ttl) end
local excess = redis.call('ZCARD', KEYS[1]) - max_keys
if excess > 0 then
  local gone = redis.call('ZPOPMIN', KEYS[1], excess)
  for j = 1, #gone, 2 do redis.call('DEL', gone[j]) end
end
redis.call('PEXPIRE', KEYS[1], ttl)
return out
"#;

const HOLDER_SCRIPT: &str = r#"
-- KEYS: holder keys. ARGV: now, window, article id, ttl. Returns the other holder's id or ''.
local now = tonumber(ARGV[1])
local oldest = now - tonumber(ARGV[2])
local me = ARGV[3]
local out = {}
for i, k in ipairs(KEYS) do
  local v = redis.call('GET', k)
  local holder = ''
  if v then
    local sep = string.find(v, '|', 1, true)
    local id = string.sub(v, sep + 1)
    if tonumber(string.sub(v, 1, sep - 1)) < oldest then v = nil elseif id ~= me then holder = id end
  end
  if not v then redis.call('SET', k, now .. '|' .. me, 'PX', ARGV[4]) end
  out[i] = holder
end
return out
"#;

const TOP_SCRIPT: &str = r#"
-- KEYS[1] source index. ARGV: oldest time in the window. Returns key, count, key, count …
local out = {}
for _, k in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local n = redis.call('ZCOUNT', k, ARGV[1], '+inf')
  if n > 0 then out[#out + 1] = k; out[#out + 1] = n end
end
return out
"#;

const FORGET_SCRIPT: &str = r#"
-- KEYS[1] source index, then (one line) its template key and its title key.
-- Without a line, every template key in the index goes.
local n = 0
if #KEYS == 1 then
  for _, k in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do n = n + redis.call('DEL', k) end
  redis.call('DEL', KEYS[1])
else
  n = redis.call('DEL', KEYS[2], KEYS[3])
  redis.call('ZREM', KEYS[1], KEYS[2])
end
return n
"#;

/// Keys outlive the window a little, so the window's own filtering decides, not expiry races.
const TTL_MARGIN_MS: u64 = 3_600_000;

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
}

pub struct RedisStore {
    settings: StoreSettings,
    /// Connected lazily and kept: Redis down at start is a transient failure like any other.
    connection: Mutex<Option<Connection>>,
    window_ms: u64,
    count_cap: u32,
    clock: Arc<dyn Clock>,
    source_script: Script,
    holder_script: Script,
}

impl RedisStore {
    pub fn new(
        settings: StoreSettings,
        window_ms: u64,
        count_cap: u32,
        clock: Arc<dyn Clock>,
    ) -> Self {
        RedisStore {
            settings,
            connection: Mutex::new(None),
            window_ms,
            count_cap: count_cap.max(1),
            clock,
            source_script: Script::new(SOURCE_SCRIPT),
            holder_script: Script::new(HOLDER_SCRIPT),
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

    fn source_tag(&self, source: &str) -> String {
        let hash = Sha256::digest(source.as_bytes());
        format!(
            "{{{}:v{KEY_FORMAT}:s:{}}}",
            self.settings.redis_prefix,
            const_hex::encode(&hash[..8])
        )
    }

    fn holder_key(&self, key: &[u8; 16]) -> Vec<u8> {
        let mut out = format!("{{{}:v{KEY_FORMAT}:h}}:", self.settings.redis_prefix).into_bytes();
        out.extend_from_slice(key);
        out
    }

    fn outcome_key(tag: &str, article_id: &str) -> Vec<u8> {
        binary_key(tag, "o", &short_hash(article_id))
    }

    fn ttl_ms(&self) -> u64 {
        self.window_ms + TTL_MARGIN_MS
    }
}

fn binary_key(tag: &str, kind: &str, key: &[u8]) -> Vec<u8> {
    let mut out = format!("{tag}:{kind}:").into_bytes();
    out.extend_from_slice(key);
    out
}

fn short_hash(text: &str) -> [u8; 16] {
    let mut out = [0u8; 16];
    out.copy_from_slice(&Sha256::digest(text.as_bytes())[..16]);
    out
}

fn unavailable(e: redis::RedisError) -> StoreError {
    StoreError(format!("redis: {e}"))
}

#[async_trait]
impl Store for RedisStore {
    async fn observe(&self, obs: &Observation) -> Result<Facts, StoreError> {
        let conn = self.connection().await?;
        let now = self.clock.now_ms();
        let tag = self.source_tag(&obs.source);
        let me = &short_hash(&obs.article_id)[..8];
        let index = format!("{tag}:i").into_bytes();

        let mut source = self.source_script.prepare_invoke();
        source
            .key(&index)
            .key(Self::outcome_key(&tag, &obs.article_id))
            .key(match obs.title {
                Some(title) => binary_key(&tag, "n", &title.short()),
                None => index.clone(),
            });
        for template in &obs.templates {
            source.key(binary_key(&tag, "t", &template.short()));
        }
        for content in &obs.contents {
            source.key(binary_key(&tag, "n", &content.short()));
        }
        source
            .arg(now)
            .arg(self.window_ms)
            .arg(me)
            .arg(self.count_cap)
            .arg(self.settings.max_keys_per_source)
            .arg(obs.templates.len())
            .arg(obs.contents.len())
            .arg(self.ttl_ms())
            .arg(if obs.title.is_some() { "1" } else { "0" });

        let mut holders = self.holder_script.prepare_invoke();
        for content in &obs.contents {
            holders.key(self.holder_key(&content.short()));
        }
        holders
            .arg(now)
            .arg(self.window_ms)
            .arg(&obs.article_id)
            .arg(self.ttl_ms());

        let claim = async {
            if obs.contents.is_empty() {
                Ok(Vec::new())
            } else {
                conn.invoke::<Vec<Vec<u8>>>(&holders).await
            }
        };
        let (source_reply, holder_reply) = tokio::join!(conn.invoke::<Vec<Value>>(&source), claim);
        let source_reply = source_reply.map_err(unavailable)?;
        let holder_reply = holder_reply.map_err(unavailable)?;

        let expected = 1 + obs.templates.len() + obs.contents.len();
        if source_reply.len() != expected || holder_reply.len() != obs.contents.len() {
            return Err(StoreError(format!(
                "redis: unexpected script reply ({} of {expected} values)",
                source_reply.len()
            )));
        }
        // An outcome is `time (8 bytes LE) + postcard`; past the window it no longer counts,
        // whatever Redis's own expiry (real time) says.
        let previous = match &source_reply[0] {
            Value::BulkString(bytes) if bytes.len() > 8 => {
                let at = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"));
                let fresh = now.saturating_sub(at) <= self.window_ms;
                fresh
                    .then(|| postcard::from_bytes::<Outcome>(&bytes[8..]).ok())
                    .flatten()
            }
            _ => None,
        };
        let int = |v: &Value| match v {
            Value::Int(n) => *n,
            _ => 0,
        };
        let template_articles = source_reply[1..=obs.templates.len()]
            .iter()
            .map(|v| int(v).clamp(0, i64::from(u32::MAX)) as u32)
            .collect();
        let titles_of_others = source_reply[1 + obs.templates.len()..]
            .iter()
            .map(|v| int(v) == 1)
            .collect();
        let holders = holder_reply
            .into_iter()
            .map(|id| (!id.is_empty()).then(|| String::from_utf8_lossy(&id).into_owned()))
            .collect();
        Ok(Facts {
            previous,
            template_articles,
            titles_of_others,
            holders,
        })
    }

    async fn remember(&self, obs: &Observation, outcome: &Outcome) -> Result<(), StoreError> {
        let conn = self.connection().await?;
        let key = Self::outcome_key(&self.source_tag(&obs.source), &obs.article_id);
        let mut value = self.clock.now_ms().to_le_bytes().to_vec();
        value.extend(
            postcard::to_stdvec(outcome)
                .map_err(|e| StoreError(format!("encoding outcome: {e}")))?,
        );
        let mut cmd = redis::cmd("SET");
        cmd.arg(key).arg(value).arg("PX").arg(self.ttl_ms());
        conn.query::<()>(&cmd).await.map_err(unavailable)
    }

    async fn top_templates(
        &self,
        source: &str,
        limit: usize,
    ) -> Result<Vec<TemplateCount>, StoreError> {
        let conn = self.connection().await?;
        let tag = self.source_tag(source);
        let oldest = self.clock.now_ms().saturating_sub(self.window_ms);
        let script = Script::new(TOP_SCRIPT);
        let mut call = script.prepare_invoke();
        call.key(format!("{tag}:i").into_bytes()).arg(oldest);
        let reply: Vec<Value> = conn.invoke(&call).await.map_err(unavailable)?;
        let prefix = binary_key(&tag, "t", b"").len();
        let mut out: Vec<TemplateCount> = reply
            .chunks(2)
            .filter_map(|pair| match pair {
                [Value::BulkString(name), Value::Int(n)] => Some(TemplateCount {
                    key: name.get(prefix..)?.try_into().ok()?,
                    articles: (*n).clamp(0, i64::from(u32::MAX)) as u32,
                }),
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| b.articles.cmp(&a.articles).then(a.key.cmp(&b.key)));
        out.truncate(limit);
        Ok(out)
    }

    async fn forget(&self, source: &str, line: Option<&ParagraphKeys>) -> Result<u64, StoreError> {
        let conn = self.connection().await?;
        let tag = self.source_tag(source);
        let script = Script::new(FORGET_SCRIPT);
        let mut call = script.prepare_invoke();
        call.key(format!("{tag}:i").into_bytes());
        if let Some(keys) = line {
            call.key(binary_key(&tag, "t", &keys.template.short()))
                .key(binary_key(&tag, "n", &keys.content.short()));
        }
        conn.invoke(&call).await.map_err(unavailable)
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
