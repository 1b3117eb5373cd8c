//! Loading the layers (defaults, file, environment) and validating the result.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::tls::CaFileError;
use super::{CONFIG_FILE_VAR, DEFAULT_TOML, Settings, read_ca_file};

const ENV_PREFIX: &str = "PARAPRINT_";

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
    /// A value of the wrong type, from the file or an environment variable. (Not a `source`:
    /// its message is already the whole story, and a chain would print it twice.)
    #[error("invalid configuration: {0}")]
    Type(config::ConfigError),
    /// Values that break a rule of their settings (the rule says which).
    #[error("invalid configuration: {rule}")]
    Invalid { rule: &'static str },
    /// A CA file a setting names cannot be used.
    #[error("invalid configuration: {0}")]
    CaFile(#[from] CaFileError),
    /// A `PARAPRINT_…` variable that names no key (a typo would otherwise fall back to the
    /// default without a word).
    #[error(
        "environment variable {name} names no configuration key; did you mean {closest} \
         ({key})?"
    )]
    UnknownVariable {
        name: String,
        closest: String,
        key: String,
    },
    /// A value a setting can never work with; the message names the setting.
    #[error("invalid configuration: {0}")]
    Value(String),
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
        } else if injected_by_orchestrator(rest) || !names_a_section(rest, &defaults) {
            warnings.push(format!(
                "ignoring environment variable {name}: it names no configuration key"
            ));
        } else {
            let key = known
                .iter()
                .min_by_key(|k| strsim::levenshtein(&variable_of(k), &name))
                .expect("the defaults have keys")
                .clone();
            return Err(ConfigError::UnknownVariable {
                name,
                closest: variable_of(&key),
                key,
            });
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
        .map_err(ConfigError::Type)?;
    validate(&settings)?;
    Ok(Loaded { settings, warnings })
}

/// The environment variable that sets `key`.
fn variable_of(key: &str) -> String {
    format!("{ENV_PREFIX}{}", key.to_uppercase().replace('.', "__"))
}

/// Names a container orchestrator injects for a service called `paraprint…` (Kubernetes'
/// service links: `PARAPRINT_SERVICE_HOST`, `PARAPRINT_METRICS_SERVICE_PORT_HTTP`,
/// `PARAPRINT_PORT_9090_TCP_ADDR` …), given without the prefix: they are no typo of ours.
fn injected_by_orchestrator(rest: &str) -> bool {
    let words: Vec<&str> = rest.split('_').collect();
    let at = |i: usize, w: &str| words.get(i).is_some_and(|x| *x == w);
    (0..words.len()).any(|i| {
        (at(i, "SERVICE") && (at(i + 1, "HOST") || at(i + 1, "PORT")))
            || (at(i, "PORT")
                && (i + 1 == words.len() || words[i + 1].chars().all(|c| c.is_ascii_digit())))
    })
}

/// Whether a variable (without the prefix) starts with a section of the configuration, or a
/// near miss of one (`AMQP_URL`, `STOR__PATH`): then it was meant as a key. Other names
/// (`PARAPRINT_TEST_…` of the test suite, other tools' own) are only warned about.
fn names_a_section(rest: &str, defaults: &toml::Table) -> bool {
    let first = rest.split('_').next().unwrap_or_default().to_lowercase();
    defaults
        .iter()
        .filter(|(_, v)| v.is_table())
        .any(|(section, _)| strsim::levenshtein(section, &first) <= 1)
}

/// Whether `url` is one the AMQP client can use: `amqp://` or `amqps://`.
fn amqp_scheme(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("amqp://") || lower.starts_with("amqps://")
}

/// Why a `tracing` filter (`log.level`, `RUST_LOG`) would not log what it says, if it would
/// not: every directive must be a level (`info`) or `target=level` (`paraprint=debug`). A bare
/// word that is not a level is a target with no level, which silences everything else
/// (`warning` is not `warn`).
pub fn log_filter_error(filter: &str) -> Option<String> {
    use tracing_subscriber::filter::LevelFilter;
    let levels = "off, error, warn, info, debug or trace";
    for directive in filter.split(',').map(str::trim).filter(|d| !d.is_empty()) {
        let level = match directive.rsplit_once('=') {
            Some((_, level)) => level,
            None => directive,
        };
        if level.parse::<LevelFilter>().is_err() {
            return Some(format!(
                "`{directive}` is not a level ({levels}) nor target=level"
            ));
        }
    }
    tracing_subscriber::EnvFilter::try_new(filter)
        .err()
        .map(|e| e.to_string())
}

fn validate(s: &Settings) -> Result<(), ConfigError> {
    let fail = |rule: &'static str| Err(ConfigError::Invalid { rule });
    for url in std::iter::once(&s.amqp.url).chain(&s.amqp.failover_urls) {
        if !amqp_scheme(url) {
            let scheme = url.split_once("://").map_or("none", |(scheme, _)| scheme);
            return Err(ConfigError::Value(format!(
                "amqp.url and amqp.failover_urls must be amqp:// or amqps:// URLs (scheme: {scheme})"
            )));
        }
    }
    if let Some(why) = log_filter_error(&s.log.level) {
        return Err(ConfigError::Value(format!("log.level: {why}")));
    }
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
    if !(s.copies.near_containment > 0.0 && s.copies.near_containment <= 1.0) {
        return fail("copies.near_containment must be greater than 0 and at most 1");
    }
    let spread = s.copies.spread_containment;
    if !(spread > 0.0 && spread <= 1.0 && (0.0..=1.0).contains(&s.copies.spread_paragraphs)) {
        return fail(
            "copies.spread_containment must be in (0, 1] and copies.spread_paragraphs in [0, 1]",
        );
    }
    if s.copies.sketch_shingles == 0 || s.copies.sketch_shingles > 65536 {
        return fail("copies.sketch_shingles must be between 1 and 65536");
    }
    if s.copies.claim_shingles > 1024 || s.copies.max_candidates > 64 {
        return fail(
            "copies.claim_shingles must be at most 1024 and copies.max_candidates at most 64",
        );
    }
    let st = &s.store;
    if [
        st.max_sources,
        st.max_keys_per_source,
        st.max_template_keys,
        st.max_titles_per_source,
        st.max_holders,
        st.max_outcomes,
        st.max_sketches,
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
    if s.limits.in_flight_bytes == 0 {
        return fail("limits.in_flight_bytes must be at least 1");
    }
    if s.limits.max_paragraphs == 0 {
        return fail("limits.max_paragraphs must be at least 1");
    }
    for (key, path) in [
        ("amqp.tls_ca_file", &s.amqp.tls_ca_file),
        ("store.redis_tls_ca_file", &s.store.redis_tls_ca_file),
    ] {
        if !path.is_empty() {
            read_ca_file(key, path)?;
        }
    }
    Ok(())
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
