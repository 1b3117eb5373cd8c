//! The command line: every subcommand, its arguments and their help.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use paraprint::commands::state;
use paraprint::config::CONFIG_FILE_VAR;

#[derive(Parser)]
#[command(
    version,
    about = "Paragraph-level deduplication for news article streams"
)]
pub struct Cli {
    /// A TOML file overriding the built-in defaults key by key.
    #[arg(long, global = true, env = CONFIG_FILE_VAR)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Clean a JSON-lines file of raw articles offline: records out as JSON lines on stdout.
    Clean {
        /// The input file, or `-` (the default) for standard input.
        #[arg(default_value = "-")]
        input: PathBuf,
        /// Show each article's paragraphs, kept or dropped and why, instead of records.
        #[arg(long)]
        explain: bool,
        /// Use (and update) the embedded store in this folder instead of a fresh in-memory one,
        /// for instance one primed by `learn`.
        #[arg(long)]
        state: Option<PathBuf>,
    },
    /// Prime the store from a JSON-lines history of raw articles, publishing nothing: the
    /// embedded store in --state (or store.path), or Redis when store.backend is redis.
    Learn {
        /// The input file, or `-` (the default) for standard input.
        #[arg(default_value = "-")]
        input: PathBuf,
        /// The embedded store's folder (overrides store.path and store.backend).
        #[arg(long)]
        state: Option<PathBuf>,
    },
    /// Run the worker: consume raw articles from RabbitMQ, publish clean records.
    Run,
    /// Publish a JSON-lines file of raw articles into the input exchange, with confirms.
    Publish {
        /// The input file, or `-` for standard input.
        input: PathBuf,
    },
    /// Check that every line of FILE (as `publish` sent it) ended as identical records in the
    /// output queue or as a dead letter with its bytes and a code, and that the input queue is
    /// empty. Leaves both queues as they were unless --take. Exit 0 if the promise holds.
    Audit {
        /// The JSON-lines file that was published.
        input: PathBuf,
        /// Ack what was read, emptying the output and dead queues.
        #[arg(long)]
        take: bool,
        /// Print the report as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Move dead letters back to the input exchange after a fix, each acked in the dead queue
    /// only once the broker confirmed its copy; each dead letter moves at most once per run.
    Redrive {
        /// Move at most N dead letters.
        #[arg(long, value_name = "N")]
        limit: Option<u64>,
        /// Only dead letters with this code (repeatable): an x-paraprint-error code, or
        /// delivery_limit for the broker's; the others stay in the dead queue.
        #[arg(long = "code", value_name = "CODE")]
        codes: Vec<String>,
        /// Count the dead letters by code and move nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Inspect or correct what the store learned about a source. With the embedded store, stop
    /// the worker first: its folder is locked while a worker runs.
    State {
        /// The embedded store's folder (overrides store.path and store.backend).
        #[arg(long, global = true)]
        state: Option<PathBuf>,
        #[command(subcommand)]
        action: state::Action,
    },
    /// Score cleaning quality on a JSON-lines file whose articles carry per-paragraph truth.
    Eval {
        /// The labelled file (see tests/fixtures/eval/README.md for the format).
        input: PathBuf,
        /// Learn from the first N articles without scoring them (primed mode).
        #[arg(long, default_value_t = 0)]
        prime: usize,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print the effective configuration (secrets redacted).
    Config,
    /// Ask the worker running on metrics.listen whether it is alive (or, with --ready, ready):
    /// exit 0 if so, 1 if not. For container health checks.
    Health {
        #[arg(long)]
        ready: bool,
    },
}
