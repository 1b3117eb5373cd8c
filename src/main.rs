//! The `paraprint` binary: argument parsing and wiring only. Each subcommand's work is in
//! `src/commands/`, one file each.
#![forbid(unsafe_code)]

mod cli;

use std::process::ExitCode;

use clap::Parser;
use tokio::runtime::{Builder, Runtime};

use cli::{Cli, Command};
use paraprint::commands::{self, clean::Output};
use paraprint::config;

/// mimalloc: articles are many short-lived allocations across threads, where glibc's malloc
/// spent about a tenth of the worker's CPU (BENCHMARKS.md, "Worker CPU").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match config::load(cli.config.as_deref())
        .map_err(anyhow::Error::from)
        .and_then(|loaded| runtime(&cli.command, &loaded.settings)?.block_on(run(cli, loaded)))
    {
        Ok(code) => code,
        Err(e) => {
            eprintln!("paraprint: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `run` on `worker.threads` threads (1, the default: everything on one thread, without
/// hand-offs between threads, BENCHMARKS.md "Cost per article"; 0: one per core). The other
/// commands on tokio's default.
fn runtime(command: &Command, settings: &config::Settings) -> std::io::Result<Runtime> {
    let mut builder = match (command, settings.worker.threads) {
        (Command::Run, 1) => Builder::new_current_thread(),
        (Command::Run, threads) if threads > 1 => {
            let mut builder = Builder::new_multi_thread();
            builder.worker_threads(threads);
            builder
        }
        _ => Builder::new_multi_thread(),
    };
    builder.enable_all().build()
}

async fn run(cli: Cli, loaded: config::Loaded) -> anyhow::Result<ExitCode> {
    // RUST_LOG overrides log.level: a filter that would silence every line is refused the same.
    if let Some(why) = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| config::log_filter_error(&v))
    {
        anyhow::bail!("invalid RUST_LOG: {why}");
    }
    let stderr = std::io::stderr;
    let colour = std::io::IsTerminal::is_terminal(&stderr());
    paraprint::telemetry::init(&loaded.settings.log, stderr, colour);
    for warning in &loaded.warnings {
        tracing::warn!("{warning}");
    }
    let mut settings = loaded.settings;
    match cli.command {
        Command::Run => commands::run::main(settings).await,
        Command::Publish { input } => commands::publish::main(&settings, &input).await,
        Command::Audit { input, take, json } => {
            commands::audit::main(&settings, &input, take, json).await
        }
        Command::Redrive {
            limit,
            codes,
            dry_run,
        } => commands::redrive::main(&settings, limit, codes, dry_run).await,
        Command::State { state, action } => {
            commands::state::main(settings, state.as_deref(), action).await
        }
        Command::Eval { input, prime, json } => {
            commands::eval::main(settings, &input, prime, json).await
        }
        Command::Health { ready } => commands::health::main(&settings, ready).await,
        Command::Config => commands::show_config::main(&settings),
        Command::Clean {
            input,
            explain,
            state,
        } => {
            commands::use_embedded_store(&mut settings, state.as_deref());
            let output = if explain {
                Output::Explain
            } else {
                Output::Records
            };
            commands::clean::main(&settings, &input, output).await
        }
        Command::Learn { input, state } => {
            if state.is_some() {
                commands::use_embedded_store(&mut settings, state.as_deref());
            }
            commands::clean::main(&settings, &input, Output::Nothing).await
        }
    }
}
