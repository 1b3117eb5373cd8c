//! Settings and their loading, in layers: the built-in `config/default.toml`, an optional file,
//! then `PARAPRINT_…` environment variables.
//!
//! A key in a file that the defaults do not have is an error naming the key: a typo must not
//! silently fall back to a default. An environment variable that maps to no key is only a
//! warning, because orchestrators inject `PARAPRINT_SERVICE_HOST`-style names of their own.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The built-in defaults, also the list of every valid key.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// Environment variable naming a configuration file, like `--config`.
pub const CONFIG_FILE_VAR: &str = "PARAPRINT_CONFIG";
const ENV_PREFIX: &str = "PARAPRINT_";

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
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LimitSettings {
    /// Largest accepted message, in bytes.
    pub max_message_bytes: usize,
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
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum StoreBackend {
    /// In this process, persisted under `store.path`.
    Embedded,
    /// In Redis, shared by every worker.
    Redis,
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
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Human,
    Json,
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

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("configuration file {path} is not valid TOML: {source}")]
    Syntax {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("unknown configuration key `{key}` in {path}")]
    UnknownKey { key: String, path: PathBuf },
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// Settings, plus warnings about ignored environment variables (to log once logging is up).
pub struct Loaded {
    pub settings: Settings,
    pub warnings: Vec<String>,
}

/// Loads the layers from this process's environment.
pub fn load(file: Option<&Path>) -> Result<Loaded, ConfigError> {
    load_from(file, std::env::vars())
}

/// Loads the layers with the environment given, so tests need not touch the process's.
pub fn load_from(
    file: Option<&Path>,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<Loaded, ConfigError> {
    let defaults: toml::Table = toml::from_str(DEFAULT_TOML).expect("built-in defaults parse");
    let known = key_paths(&defaults);
    let mut builder = config::Config::builder().add_source(config::File::from_str(
        DEFAULT_TOML,
        config::FileFormat::Toml,
    ));

    if let Some(path) = file {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let table: toml::Table = toml::from_str(&text).map_err(|source| ConfigError::Syntax {
            path: path.to_owned(),
            source,
        })?;
        if let Some(key) = key_paths(&table).into_iter().find(|k| !known.contains(k)) {
            return Err(ConfigError::UnknownKey {
                key,
                path: path.to_owned(),
            });
        }
        builder = builder.add_source(config::File::from_str(&text, config::FileFormat::Toml));
    }

    let mut warnings = Vec::new();
    let mut vars = HashMap::new();
    for (name, value) in env {
        let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        if name == CONFIG_FILE_VAR {
            continue;
        }
        let key = rest.to_lowercase().replace("__", ".");
        if known.contains(&key) {
            vars.insert(name, value);
        } else {
            warnings.push(format!(
                "ignoring environment variable {name}: it names no configuration key"
            ));
        }
    }
    warnings.sort();
    let mut environment = config::Environment::with_prefix("PARAPRINT")
        .prefix_separator("_")
        .separator("__")
        .try_parsing(true)
        .list_separator(",")
        .source(Some(vars));
    for key in list_keys(&defaults) {
        environment = environment.with_list_parse_key(&key);
    }

    let settings: Settings = builder
        .add_source(environment)
        .build()
        .and_then(config::Config::try_deserialize)
        .map_err(|e| ConfigError::Invalid(e.to_string()))?;
    validate(&settings)?;
    Ok(Loaded { settings, warnings })
}

fn validate(s: &Settings) -> Result<(), ConfigError> {
    let fail = |msg: &str| Err(ConfigError::Invalid(msg.to_string()));
    if s.boilerplate.min_articles == 0 {
        return fail("boilerplate.min_articles must be at least 1");
    }
    if s.boilerplate.interior_min_articles < s.boilerplate.min_articles {
        return fail("boilerplate.interior_min_articles must be at least boilerplate.min_articles");
    }
    if !(0.0..=1.0).contains(&s.boilerplate.marker_trailing_share) {
        return fail("boilerplate.marker_trailing_share must be between 0 and 1");
    }
    if !(s.copies.containment > 0.0 && s.copies.containment <= 1.0) {
        return fail("copies.containment must be greater than 0 and at most 1");
    }
    let st = &s.store;
    if [
        st.max_sources,
        st.max_keys_per_source,
        st.max_template_keys,
        st.max_titles_per_source,
        st.max_holders,
        st.max_outcomes,
    ]
    .contains(&0)
    {
        return fail("store.max_* limits must be at least 1");
    }
    if !(1..=4096).contains(&st.redis_cluster_shards) {
        return fail("store.redis_cluster_shards must be between 1 and 4096");
    }
    if s.amqp.connect_timeout_ms == 0 {
        return fail("amqp.connect_timeout_ms must be at least 1");
    }
    if s.amqp.heartbeat_s == 0 {
        return fail(
            "amqp.heartbeat_s must be at least 1: without heartbeats a silent network partition \
             is never noticed",
        );
    }
    if s.amqp.prefetch == 0 {
        return fail("amqp.prefetch must be at least 1");
    }
    if s.worker.retry_initial_ms == 0 || s.worker.retry_max_ms < s.worker.retry_initial_ms {
        return fail("worker.retry_initial_ms must be at least 1 and at most worker.retry_max_ms");
    }
    if s.limits.max_message_bytes == 0 {
        return fail("limits.max_message_bytes must be at least 1");
    }
    if s.limits.max_paragraphs == 0 {
        return fail("limits.max_paragraphs must be at least 1");
    }
    for (key, path) in [
        ("amqp.tls_ca_file", &s.amqp.tls_ca_file),
        ("store.redis_tls_ca_file", &s.store.redis_tls_ca_file),
    ] {
        if !path.is_empty() {
            read_ca_file(key, path).map_err(ConfigError::Invalid)?;
        }
    }
    Ok(())
}

/// Reads the PEM CA bundle that configuration key `key` names. The error names the key and the
/// file; a file without any certificate is an error too, rather than a later "certificate not
/// trusted" that hides the cause.
pub fn read_ca_file(key: &str, path: &str) -> Result<Vec<u8>, String> {
    const MARKER: &[u8] = b"-----BEGIN CERTIFICATE-----";
    let pem = std::fs::read(path).map_err(|e| format!("{key}: cannot read CA file {path}: {e}"))?;
    if !pem.windows(MARKER.len()).any(|w| w == MARKER) {
        return Err(format!(
            "{key}: CA file {path} holds no PEM certificate (no -----BEGIN CERTIFICATE----- line)"
        ));
    }
    Ok(pem)
}

impl Settings {
    /// The settings as TOML, with the password of every URL replaced by `***`.
    pub fn redacted_toml(&self) -> String {
        let mut copy = self.clone();
        copy.amqp.url = redact_url(&copy.amqp.url);
        for url in &mut copy.amqp.failover_urls {
            *url = redact_url(url);
        }
        copy.store.redis_url = copy
            .store
            .redis_url
            .split(',')
            .map(redact_url)
            .collect::<Vec<_>>()
            .join(",");
        toml::to_string(&copy).expect("settings serialize")
    }
}

/// `scheme://user:secret@host/…` → `scheme://user:***@host/…`; anything else unchanged.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{path}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// Every leaf key of a table as a dotted path (`boilerplate.min_articles`).
fn key_paths(table: &toml::Table) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (key, value) in table {
        match value {
            toml::Value::Table(inner) => {
                out.extend(key_paths(inner).into_iter().map(|k| format!("{key}.{k}")));
            }
            _ => {
                out.insert(key.clone());
            }
        }
    }
    out
}

/// Keys whose value is a list, which environment variables give comma-separated.
fn list_keys(table: &toml::Table) -> Vec<String> {
    let mut out = Vec::new();
    for (section, value) in table {
        if let toml::Value::Table(inner) = value {
            for (key, v) in inner {
                if v.is_array() {
                    out.push(format!("{section}.{key}"));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn url_passwords_are_redacted() {
        assert_eq!(
            redact_url("amqp://guest:s3cr@t@10.0.0.1:5672/%2f"),
            "amqp://guest:***@10.0.0.1:5672/%2f"
        );
        assert_eq!(
            redact_url("redis://127.0.0.1:6379/0"),
            "redis://127.0.0.1:6379/0"
        );
        let loaded = load_from(None, env(&[])).unwrap();
        assert!(
            loaded
                .settings
                .redacted_toml()
                .contains("guest:***@127.0.0.1")
        );
    }

    #[test]
    fn failover_urls_come_from_a_comma_list_and_are_redacted() {
        let loaded = load_from(
            None,
            env(&[(
                "PARAPRINT_AMQP__FAILOVER_URLS",
                "amqp://u:Secret1@node2:5672/%2f,amqp://u:Secret2@node3:5672/%2f",
            )]),
        )
        .unwrap();
        assert_eq!(loaded.settings.amqp.failover_urls.len(), 2);
        let shown = loaded.settings.redacted_toml();
        assert!(shown.contains("u:***@node3"), "{shown}");
        assert!(!shown.contains("Secret"), "{shown}");
    }

    #[test]
    fn defaults_load() {
        let loaded = load_from(None, env(&[])).unwrap();
        assert_eq!(loaded.settings.boilerplate.min_articles, 3);
        assert_eq!(loaded.settings.store.backend, StoreBackend::Embedded);
    }

    #[test]
    fn environment_overrides_and_unknown_variables_warn() {
        let loaded = load_from(
            None,
            env(&[
                ("PARAPRINT_BOILERPLATE__MIN_ARTICLES", "5"),
                ("PARAPRINT_BOILERPLATE__MARKERS", "footer,see also"),
                ("PARAPRINT_SERVICE_HOST", "10.0.0.1"),
            ]),
        )
        .unwrap();
        assert_eq!(loaded.settings.boilerplate.min_articles, 5);
        assert_eq!(loaded.settings.boilerplate.markers, ["footer", "see also"]);
        assert_eq!(loaded.warnings.len(), 1);
        assert!(loaded.warnings[0].contains("PARAPRINT_SERVICE_HOST"));
    }

    #[test]
    fn unknown_file_key_names_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.toml");
        std::fs::write(&path, "[boilerplate]\nmin_artciles = 4\n").unwrap();
        let err = load_from(Some(&path), env(&[])).err().unwrap();
        assert!(
            err.to_string().contains("`boilerplate.min_artciles`"),
            "{err}"
        );
    }

    #[test]
    fn file_overrides_defaults_and_is_validated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.toml");
        std::fs::write(&path, "[copies]\ncontainment = 0.9\n").unwrap();
        let loaded = load_from(Some(&path), env(&[])).unwrap();
        assert_eq!(loaded.settings.copies.containment, 0.9);
        std::fs::write(&path, "[copies]\ncontainment = 1.5\n").unwrap();
        assert!(load_from(Some(&path), env(&[])).is_err());
    }
}
