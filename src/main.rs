//! The `paraprint` binary: argument parsing and wiring only.

use std::io::{self, BufReader};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use paraprint::commands;
use paraprint::config::{self, CONFIG_FILE_VAR};

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
    /// Print the effective configuration.
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
    paraprint::telemetry::init(&loaded.settings.log, io::stderr);
    for warning in &loaded.warnings {
        tracing::warn!("{warning}");
    }
    let settings = loaded.settings;
    match cli.command {
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
