//! The `paraprint` binary: argument parsing and wiring only.
#![forbid(unsafe_code)]

use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};

use paraprint::cleaner::Cleaner;
use paraprint::commands;
use paraprint::commands::clean::{Options, Output};
use paraprint::config::{self, CONFIG_FILE_VAR, Settings, StoreBackend};
use paraprint::store::SystemClock;
use paraprint::telemetry::server::{self, Readiness};
use tokio_util::sync::CancellationToken;

/// mimalloc: articles are many short-lived allocations across threads, where glibc's malloc
/// spent about a tenth of the worker's CPU (BENCHMARKS.md, "Worker CPU").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        action: StateAction,
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

#[derive(Subcommand)]
enum StateAction {
    /// The source's most recurring template keys with their article counts.
    Show {
        source: String,
        /// How many keys to show.
        #[arg(long, default_value_t = 20)]
        top: usize,
        /// A JSON-lines file of the source's raw articles, to show each key's line.
        #[arg(long)]
        sample: Option<PathBuf>,
    },
    /// Forget one line (given as text: case, punctuation and spacing do not matter), or
    /// without --line every template the source has; it is learned again from new articles.
    Forget {
        source: String,
        #[arg(long)]
        line: Option<String>,
    },
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
            let cleaner = Cleaner::from_settings(&settings, Arc::new(SystemClock))?;
            let readiness = Arc::new(Readiness::default());
            let server = if settings.metrics.listen.is_empty() {
                None
            } else {
                let listener = server::bind(&settings.metrics.listen).await?;
                Some(tokio::spawn(server::serve(
                    listener,
                    paraprint::telemetry::metrics::install(),
                    readiness.clone(),
                    cleaner.store().clone(),
                    cleaner.engine().clone(),
                    shutdown.clone(),
                )))
            };
            let result =
                paraprint::worker::run(Arc::new(settings), cleaner, readiness, shutdown.clone())
                    .await;
            shutdown.cancel();
            if let Some(server) = server {
                let _ = server.await;
            }
            result?;
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
        Command::Audit { input, take, json } => {
            let file = std::fs::File::open(&input)
                .with_context(|| format!("cannot open {}", input.display()))?;
            let inputs = commands::audit::published_lines(&mut BufReader::new(file))?;
            let outcome = commands::audit::run(&settings, &inputs, take).await?;
            if json {
                let mut value = serde_json::to_value(&outcome.report)?;
                value["input_waiting"] = outcome.input_waiting.into();
                value["holds"] = outcome.holds().into();
                println!("{value}");
            }
            eprint!("{}", outcome.report.summary());
            if outcome.input_waiting > 0 {
                eprintln!(
                    "paraprint: {} inputs still wait in {}: run the audit once the workers are done",
                    outcome.input_waiting, settings.topology.input_queue
                );
            }
            Ok(if outcome.holds() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Redrive {
            limit,
            codes,
            dry_run,
        } => {
            let options = commands::redrive::Options {
                limit,
                codes,
                dry_run,
                progress: commands::clean::wants_progress(),
            };
            let summary = commands::redrive::run(&settings, &options).await?;
            eprint!("{}", summary.report(dry_run));
            if summary.failed > 0 {
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::State { state, action } => {
            let mut settings = settings;
            if let Some(state) = state {
                settings.store.backend = StoreBackend::Embedded;
                settings.store.path = state.display().to_string();
            }
            if settings.store.backend == StoreBackend::Embedded && settings.store.path.is_empty() {
                anyhow::bail!("store.path is empty: a memory-only store has nothing to inspect");
            }
            let cleaner = Cleaner::from_settings(&settings, Arc::new(SystemClock))?;
            match action {
                StateAction::Show {
                    source,
                    top,
                    sample,
                } => {
                    let texts = match sample {
                        Some(path) => {
                            let file = std::fs::File::open(&path)
                                .with_context(|| format!("cannot open {}", path.display()))?;
                            commands::state::sample_texts(
                                &cleaner,
                                &source,
                                &mut BufReader::new(file),
                                settings.limits.max_message_bytes,
                            )?
                        }
                        None => Default::default(),
                    };
                    let shown =
                        commands::state::show(&cleaner, &source, top, &texts, &mut io::stdout())
                            .await?;
                    if shown == 0 {
                        eprintln!("paraprint: nothing learned about source {source:?}");
                    }
                }
                StateAction::Forget { source, line } => {
                    let gone = commands::state::forget(&cleaner, &source, line.as_deref()).await?;
                    eprintln!("paraprint: forgot {gone} entries of source {source:?}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval { input, prime, json } => {
            let mut settings = settings;
            settings.store.backend = StoreBackend::Embedded;
            settings.store.path = String::new();
            let text = std::fs::read_to_string(&input)
                .with_context(|| format!("cannot read {}", input.display()))?;
            let lines: Vec<&str> = text.lines().collect();
            let cleaner = Cleaner::from_settings(&settings, Arc::new(SystemClock))?;
            let report = commands::eval::run(&settings, &cleaner, &lines, prime).await?;
            commands::eval::print(&report, json, &mut io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Health { ready } => {
            if settings.metrics.listen.is_empty() {
                anyhow::bail!("metrics.listen is empty: the worker serves no health endpoint");
            }
            let path = if ready { "/readyz" } else { "/healthz" };
            match commands::health::probe(&settings.metrics.listen, path).await {
                Ok((200, _)) => Ok(ExitCode::SUCCESS),
                Ok((status, body)) => {
                    eprintln!("paraprint: {path} answered {status}: {}", body.trim());
                    Ok(ExitCode::from(1))
                }
                Err(e) => {
                    eprintln!("paraprint: {e:#}");
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Config => {
            commands::show_config::run(&settings, &mut io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Clean {
            input,
            explain,
            state,
        } => {
            let mut settings = settings;
            settings.store.backend = StoreBackend::Embedded;
            settings.store.path = state.map(|p| p.display().to_string()).unwrap_or_default();
            let output = if explain {
                Output::Explain
            } else {
                Output::Records
            };
            offline(&settings, &input, output).await
        }
        Command::Learn { input, state } => {
            let mut settings = settings;
            if let Some(state) = state {
                settings.store.backend = StoreBackend::Embedded;
                settings.store.path = state.display().to_string();
            }
            offline(&settings, &input, Output::Nothing).await
        }
    }
}

/// `clean` and `learn`: every line of a file (or standard input) through the three steps.
async fn offline(settings: &Settings, input: &Path, output: Output) -> anyhow::Result<ExitCode> {
    let cleaner = Cleaner::from_settings(settings, Arc::new(SystemClock))?;
    let progress = commands::clean::wants_progress();
    let mut stdout = io::BufWriter::new(io::stdout().lock());
    let mut stderr = io::stderr();
    let (mut reader, size): (Box<dyn BufRead>, Option<u64>) = if input.as_os_str() == "-" {
        (Box::new(io::stdin().lock()), None)
    } else {
        let file = std::fs::File::open(input)
            .with_context(|| format!("cannot open {}", input.display()))?;
        let size = file.metadata().ok().map(|m| m.len());
        (Box::new(BufReader::new(file)), size)
    };
    let options = Options {
        output,
        progress: progress.then_some(size),
    };
    let summary = commands::clean::run(
        settings,
        &cleaner,
        &mut reader,
        &mut stdout,
        &mut stderr,
        &options,
    )
    .await?;
    if output == Output::Nothing {
        eprintln!("paraprint: learned from {} articles", summary.records);
    }
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
