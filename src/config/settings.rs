//! The settings, one struct per section of `config/default.toml`.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub amqp: AmqpSettings,
    pub topology: TopologySettings,
    pub worker: WorkerSettings,
    pub limits: LimitSettings,
    pub boilerplate: BoilerplateSettings,
    pub copies: CopySettings,
    pub store: StoreSettings,
    pub log: LogSettings,
    pub metrics: MetricsSettings,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AmqpSettings {
    /// Broker URL; may hold credentials, so never logged unredacted.
    pub url: String,
    /// More URLs of the same broker (other nodes of its cluster), tried in order after the
    /// one that last answered whenever a connection has to be made.
    pub failover_urls: Vec<String>,
    /// How long one connection attempt may take before the next URL is tried, in ms.
    pub connect_timeout_ms: u64,
    /// AMQP heartbeat interval in seconds: a connection silent for two intervals is closed
    /// (by the worker and by the broker) and the worker reconnects.
    pub heartbeat_s: u16,
    /// Unacked deliveries per worker: bounds memory and concurrency.
    pub prefetch: u16,
    /// Connection name shown by the broker.
    pub connection_name: String,
    /// PEM file of the CA certificates that `amqps://` trusts besides the system's store; empty
    /// for the system's store only.
    pub tls_ca_file: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TopologySettings {
    /// Declare the topology (true) or only verify it exists (false).
    pub declare: bool,
    pub input_exchange: String,
    pub input_queue: String,
    pub input_routing_key: String,
    /// Returns of one message before the broker dead-letters it.
    pub delivery_limit: u32,
    pub output_exchange: String,
    /// Empty: declare no output queue.
    pub output_queue: String,
    pub dead_exchange: String,
    pub dead_queue: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WorkerSettings {
    /// Time in-flight articles get to finish after a shutdown signal, in milliseconds.
    pub shutdown_deadline_ms: u64,
    /// First retry delay of a transient failure, in milliseconds.
    pub retry_initial_ms: u64,
    /// Largest retry delay, in milliseconds.
    pub retry_max_ms: u64,
    /// Threads the worker runs on: 1 (the default) the whole worker on one thread (lapin's I/O
    /// has its own; large messages are prepared on a blocking thread); 0 one per core.
    pub threads: usize,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LimitSettings {
    /// Largest accepted message, in bytes.
    pub max_message_bytes: usize,
    /// Input bytes a worker holds at once (taken, not yet acked).
    pub in_flight_bytes: usize,
    /// Most paragraphs an article may have. Each paragraph costs memory beyond its text (keys,
    /// an audit-trail entry), so this bounds what one article holds while it is in flight.
    pub max_paragraphs: usize,
    /// Memory for remembering what recent lines gave (their keys and shape), in bytes; 0 turns
    /// it off. Records are the same either way.
    pub line_cache_bytes: usize,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BoilerplateSettings {
    /// Distinct earlier articles of a source that make a recurring paragraph boilerplate.
    pub min_articles: u32,
    /// How long an article counts as evidence, in days of processing time.
    pub window_days: u32,
    /// Articles needed for interior prose, which recurs legitimately (shared quotes).
    pub interior_min_articles: u32,
    /// Words that make a sentence-like paragraph prose.
    pub long_paragraph_words: usize,
    /// Drop lines equal to another recent article's title.
    pub link_list: bool,
    /// Edge markers that open a trailing zone.
    pub markers: Vec<String>,
    /// A marker counts when at most this share of the article's characters follows it.
    pub marker_trailing_share: f64,
    /// Sentence-like lines shorter than this are dropped inside a trailing zone.
    pub zone_short_words: usize,
    /// Consecutive fragment lines, outside the article's prose, that make a menu or link list.
    pub run_min_lines: usize,
    /// Lines before the article's first prose paragraph and after its last one that still
    /// belong to it: its bylines, datelines, captions and section heads stand there.
    pub article_margin_lines: usize,
    /// HTML: drop blocks inside nav, aside, footer, a site header, or a comment section.
    pub html_landmarks: bool,
    /// HTML: drop blocks whose text is at least this share link text.
    pub html_max_link_density: f64,
    /// HTML: drop blocks outside the element that holds most of the page's prose.
    pub html_main_content: bool,
    /// Lines that no boilerplate rule may drop, per source.
    pub allow: Vec<AllowedLine>,
}

/// A line that is never dropped as boilerplate for `source` (`*`: for every source). Matched
/// like keys are: case, punctuation and spacing do not matter.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AllowedLine {
    pub source: String,
    pub line: String,
}

impl BoilerplateSettings {
    pub fn window_ms(&self) -> u64 {
        u64::from(self.window_days) * 24 * 3600 * 1000
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CopySettings {
    /// Share of an article's kept characters one earlier article must hold to make it a copy.
    pub containment: f64,
    /// Sentence-like paragraphs with at least this many words are the prose containment is
    /// measured over.
    pub min_prose_words: usize,
    /// Share of an article's kept prose shingles one earlier original's sketch must hold to make
    /// it a near copy (0 < near_containment <= 1).
    pub near_containment: f64,
    /// A near copy edited everywhere: one earlier original's sketch holds at least this share of
    /// its shingles ...
    pub spread_containment: f64,
    /// ... and at least half of each of this share of its measured paragraphs.
    pub spread_paragraphs: f64,
    /// Fewest sampled shingles a near copy is measured over: shorter texts need the exact tier.
    pub min_sampled_shingles: usize,
    /// Shingles each article claims in the copy index, so its copies find it (the smallest of
    /// its prose's). Part of every store's cost per article.
    pub claim_shingles: usize,
    /// Candidates whose originals are compared per article.
    pub max_candidates: usize,
    /// Largest sketch kept per original, in shingles (4 bytes each).
    pub sketch_shingles: usize,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum StoreBackend {
    /// In this process, persisted under `store.path`.
    Embedded,
    /// In Redis, shared by every worker.
    Redis,
}

impl TryFrom<String> for StoreBackend {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        match value.as_str() {
            "embedded" => Ok(StoreBackend::Embedded),
            "redis" => Ok(StoreBackend::Redis),
            _ => Err(format!("`{value}` is not `embedded` or `redis`")),
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StoreSettings {
    pub backend: StoreBackend,
    /// Folder of the embedded store's snapshot and log; empty for memory only.
    pub path: String,
    /// How often the embedded log is fsynced, in milliseconds.
    pub fsync_interval_ms: u64,
    /// Log size that triggers a snapshot, in bytes.
    pub snapshot_log_bytes: u64,
    /// Redis URL, or comma-separated cluster nodes.
    pub redis_url: String,
    /// Treat `redis_url` as Redis Cluster nodes.
    pub redis_cluster: bool,
    /// Redis Cluster: shards of the paragraph holders, spread over the slot space.
    pub redis_cluster_shards: usize,
    /// First part of every Redis key.
    pub redis_prefix: String,
    /// Redis connection and response timeout, in milliseconds.
    pub redis_timeout_ms: u64,
    /// PEM file of the CA certificates that `rediss://` trusts instead of the system's store;
    /// empty for the system's store.
    pub redis_tls_ca_file: String,
    /// Sources whose state is kept.
    pub max_sources: usize,
    /// Template keys kept per source.
    pub max_keys_per_source: usize,
    /// Template keys kept across all sources.
    pub max_template_keys: usize,
    /// Recent titles kept per source.
    pub max_titles_per_source: usize,
    /// Paragraph holders kept, for copy detection.
    pub max_holders: usize,
    /// Article outcomes remembered for identical redelivery.
    pub max_outcomes: usize,
    /// Originals' sketches (and copies' pointers to their original) kept for near-copy
    /// detection.
    pub max_sketches: usize,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum LogFormat {
    Human,
    Json,
}

impl TryFrom<String> for LogFormat {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        match value.as_str() {
            "human" => Ok(LogFormat::Human),
            "json" => Ok(LogFormat::Json),
            _ => Err(format!("`{value}` is not `human` or `json`")),
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    /// A `tracing` filter such as `info` or `paraprint=debug`; RUST_LOG overrides it.
    pub level: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSettings {
    /// Address serving /metrics, /healthz and /readyz; port 0 picks a free port (logged).
    /// Empty: no server.
    pub listen: String,
    /// Sources given their own `source` label, first seen first; the rest count as `other`,
    /// so a stream of many sources cannot explode the number of series.
    pub source_labels: usize,
}
