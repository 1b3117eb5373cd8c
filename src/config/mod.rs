//! Settings and their loading, in layers: the built-in `config/default.toml`, an optional file,
//! then `PARAPRINT_…` environment variables.
//!
//! A key in a file that the defaults do not have is an error naming the key, and so is an
//! environment variable that starts like a section (`PARAPRINT_AMQP_URL`) but maps to no key
//! (naming the closest one): a typo must not silently fall back to a default. The names
//! orchestrators inject for a service of their own (`PARAPRINT_SERVICE_HOST`,
//! `PARAPRINT_STORE_PORT_6379_TCP` …) and other tools' `PARAPRINT_…` names are warnings.
//!
//! The settings are in `settings.rs`, loading and validation in `load.rs`, the redacted view
//! in `redact.rs`, CA bundles in `tls.rs`.

mod load;
mod redact;
mod settings;
mod tls;

pub use load::{ConfigError, Loaded, load, load_from, log_filter_error};
pub use redact::redact_url;
pub use settings::{
    AllowedLine, AmqpSettings, BoilerplateSettings, CopySettings, LimitSettings, LogFormat,
    LogSettings, MetricsSettings, Settings, StoreBackend, StoreSettings, TopologySettings,
    WorkerSettings,
};
pub use tls::{CaFileError, read_ca_file};

/// The built-in defaults, also the list of every valid key.
pub const DEFAULT_TOML: &str = include_str!("../../config/default.toml");

/// Environment variable naming a configuration file, like `--config`.
pub const CONFIG_FILE_VAR: &str = "PARAPRINT_CONFIG";

#[cfg(test)]
mod tests;
