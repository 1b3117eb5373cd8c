//! The `paraprint` binary: argument parsing and wiring only.

use std::io::{self, BufReader};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use paraprint::cleaner::Cleaner;
use paraprint::commands;
use paraprint::config::{self, CONFIG_FILE_VAR};
use paraprint::store::SystemClock;
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
#[command(
    version,
    about = "Paragraph-level deduplication for news article streams"
)]
struct Cli {
    /// A TOML file overriding the built-in defaults key by key.
    #[arg(long, global = true, env = CONFIG_FILE_VAR)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Clean a JSON-lines file of raw articles offline: records out as JSON lines on stdout.
    Clean {
        /// The input file, or `-` (the default) for standard input.
        #[arg(default_value = "-")]
        input: PathBuf,
        /// Show each article's paragraphs, kept or dropped and why, instead of records.
        #[arg(long)]
        explain: bool,
    },
    /// Run the worker: consume raw articles from RabbitMQ, publish clean records.
    Run,
    /// Publish a JSON-lines file of raw articles into the input exchange, with confirms.
    Publish {
        /// The input file, or `-` for standard input.
        input: PathBuf,
    },
    /// Print the effective configuration (secrets redacted).
    Config,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("paraprint: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let loaded = config::load(cli.config.as_deref())?;
    paraprint::telemetry::init(
        &loaded.settings.log,
        io::stderr,
        std::io::IsTerminal::is_terminal(&io::stderr()),
    );
    for warning in &loaded.warnings {
        tracing::warn!("{warning}");
    }
    let settings = loaded.settings;
    match cli.command {
        Command::Run => {
            let shutdown = CancellationToken::new();
            tokio::spawn(on_signals(shutdown.clone()));
            let cleaner = Cleaner::from_settings(&settings, std::sync::Arc::new(SystemClock))?;
            paraprint::worker::run(std::sync::Arc::new(settings), cleaner, shutdown).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Publish { input } => {
            let progress = commands::clean::wants_progress();
            let summary = if input.as_os_str() == "-" {
                commands::publish::run(&settings, &mut io::stdin().lock(), None, progress).await?
            } else {
                let file = std::fs::File::open(&input)
                    .with_context(|| format!("cannot open {}", input.display()))?;
                let size = file.metadata().ok().map(|m| m.len());
                commands::publish::run(&settings, &mut BufReader::new(file), size, progress).await?
            };
            eprintln!("paraprint: published {} messages", summary.published);
            if summary.failed > 0 {
                eprintln!(
                    "paraprint: {} lines were not published (see above)",
                    summary.failed
                );
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Config => {
            commands::show_config::run(&settings, &mut io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Clean { input, explain } => {
            let progress = commands::clean::wants_progress();
            let mut stdout = io::BufWriter::new(io::stdout().lock());
            let mut stderr = io::stderr();
            let summary = if input.as_os_str() == "-" {
                let options = commands::clean::Options {
                    explain,
                    progress: progress.then_some(None),
                };
                let mut stdin = io::stdin().lock();
                commands::clean::run(&settings, &mut stdin, &mut stdout, &mut stderr, &options)
                    .await?
            } else {
                let file = std::fs::File::open(&input)
                    .with_context(|| format!("cannot open {}", input.display()))?;
                let size = file.metadata().ok().map(|m| m.len());
                let options = commands::clean::Options {
                    explain,
                    progress: progress.then_some(size),
                };
                let mut reader = BufReader::new(file);
                commands::clean::run(&settings, &mut reader, &mut stdout, &mut stderr, &options)
                    .await?
            };
            if summary.bad_lines > 0 {
                eprintln!(
                    "paraprint: {} of {} lines could not be cleaned (see above)",
                    summary.bad_lines,
                    summary.bad_lines + summary.records
                );
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// First SIGTERM or SIGINT: graceful shutdown. Second: exit at once.
async fn on_signals(shutdown: CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::error!("Cannot install signal handlers; SIGTERM will not shut down gracefully.");
        return;
    };
    tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
    tracing::info!("Signal received: shutting down (a second signal exits at once).");
    shutdown.cancel();
    tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
    tracing::warn!("Second signal: exiting at once; unacked articles go back to the queue.");
    std::process::exit(130);
}
