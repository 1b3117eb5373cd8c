//! Logging set-up. The writer is a parameter so tests and commands that print records on
//! stdout keep logs on stderr (or silence them).

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::config::{LogFormat, LogSettings};

/// lapin's module that logs returned messages.
const RETURNED_MESSAGES: &str = "lapin::returned_messages";

/// Installs the global subscriber. `RUST_LOG`, when set, overrides the configured level.
pub fn init<W>(settings: &LogSettings, writer: W, ansi: bool)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let directives = std::env::var(EnvFilter::DEFAULT_ENV)
        .ok()
        .filter(|f| EnvFilter::try_new(f).is_ok())
        .unwrap_or_else(|| settings.level.as_str().to_string());
    let mut filter = EnvFilter::new(&directives);
    // lapin warns about every message the broker returns, with the whole message (the record,
    // up to megabytes) at each retry; the worker says a failing publish once per outage itself.
    // Shown when a filter names it.
    if !directives.contains(RETURNED_MESSAGES) {
        filter = filter.add_directive(
            format!("{RETURNED_MESSAGES}=error")
                .parse()
                .expect("a valid directive"),
        );
    }
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(ansi)
        // A log line that cannot be written (stderr's reader gone) is dropped: reporting it on
        // stderr with `eprintln!` would panic and take the worker down.
        .log_internal_errors(false);
    // A second init (tests) keeps the first subscriber; that is fine.
    let _ = match settings.format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

pub mod metrics;
pub mod server;
