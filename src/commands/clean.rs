//! `paraprint clean` and `paraprint learn`: JSON lines in, through the same three steps as the
//! worker; `clean` prints records (or explanations), `learn` only primes the store.

use std::io::{self, BufRead, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use super::input::{self, JsonLines};
use crate::article::{ErrorCode, InputError};
use crate::clean::{BoilerplateRule, DropReason};
use crate::cleaner::{CleanError, Cleaned, Cleaner};
use crate::config::Settings;
use crate::store::SystemClock;

/// `paraprint clean` (`Output::Records` or `Output::Explain`) and `paraprint learn`
/// (`Output::Nothing`) over a file or standard input; exit 1 when some lines could not be
/// cleaned.
pub async fn main(settings: &Settings, path: &Path, output: Output) -> anyhow::Result<ExitCode> {
    let cleaner = Cleaner::from_settings(settings, Arc::new(SystemClock))?;
    let mut opened = input::open(path)?;
    let options = Options {
        output,
        progress: input::wants_progress().then_some(opened.size),
    };
    let mut stdout = io::BufWriter::new(io::stdout().lock());
    let summary = run(
        settings,
        &cleaner,
        &mut opened.reader,
        &mut stdout,
        &mut io::stderr(),
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

/// What a run did, for the exit code and the closing line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub records: usize,
    pub bad_lines: usize,
}

/// What to print for each cleaned article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// The record, as one JSON line.
    Records,
    /// Each paragraph and its fate, for a person.
    Explain,
    /// Nothing: `learn` only records what the articles contribute to the store.
    Nothing,
}

pub struct Options {
    pub output: Output,
    /// Show a progress bar on stderr; `Some(total bytes)` for a file of known size.
    pub progress: Option<Option<u64>>,
}

/// Cleans every line of `input`. Bad lines are reported on `errors` with their line number,
/// code and message; the rest are still processed.
pub async fn run(
    settings: &Settings,
    cleaner: &Cleaner,
    input: &mut impl BufRead,
    out: &mut impl Write,
    errors: &mut impl Write,
    options: &Options,
) -> anyhow::Result<Summary> {
    let max = settings.limits.max_message_bytes;
    let progress = options.progress.map(input::bytes_bar);
    let mut summary = Summary::default();
    let mut lines = JsonLines::capped(input, max);
    while let Some(line) = lines.next_line(progress.as_ref())? {
        let number = line.number;
        let result = if line.length > max {
            Err(CleanError::Input(InputError {
                code: ErrorCode::TooLarge,
                message: format!(
                    "line is {} bytes; the limit is {max} (limits.max_message_bytes)",
                    line.length
                ),
            }))
        } else {
            cleaner.clean(line.bytes).await
        };
        match result {
            Ok(cleaned) => {
                summary.records += 1;
                match options.output {
                    Output::Explain => explain(cleaner, &cleaned, out)?,
                    Output::Records => {
                        out.write_all(&cleaner.record(&cleaned).to_json())?;
                        out.write_all(b"\n")?;
                    }
                    Output::Nothing => {}
                }
            }
            Err(CleanError::Input(e)) => {
                summary.bad_lines += 1;
                let report = format!("line {number}: {}: {}", e.code, e.message);
                match &progress {
                    Some(bar) => bar.suspend(|| writeln!(errors, "{report}"))?,
                    None => writeln!(errors, "{report}")?,
                }
            }
            Err(CleanError::Store(e)) => return Err(e.into()),
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    out.flush()?;
    Ok(summary)
}

/// Widest paragraph excerpt in `--explain`, in characters.
const EXCERPT_CHARS: usize = 100;

fn explain(cleaner: &Cleaner, cleaned: &Cleaned, out: &mut impl Write) -> io::Result<()> {
    let record = cleaner.record(cleaned);
    let article = &cleaned.prepared.article;
    let status = match (record.duplicate_of, record.copy) {
        (Some(original), Some(copy)) => format!(
            "{} of {original} ({}: {:.3} of its measured text, {} of {} paragraphs held)",
            record.status.as_str(),
            copy.method.as_str(),
            copy.containment(),
            copy.paragraphs_matched,
            copy.paragraphs_measured
        ),
        (Some(original), None) => format!("{} of {original}", record.status.as_str()),
        (None, _) => record.status.as_str().to_string(),
    };
    writeln!(
        out,
        "== {} ({}): {status}, kept {} of {} paragraphs",
        article.id,
        article.source,
        record.paragraphs.len(),
        cleaned.prepared.paras.len()
    )?;
    for (field, value, source) in record.page.explain() {
        writeln!(out, "  page.{field:<14} {value}  [{source}]")?;
    }
    let mut drops = cleaned.outcome.drops.iter().peekable();
    for (index, para) in cleaned.prepared.paras.iter().enumerate() {
        let fate = match drops.next_if(|d| d.index as usize == index) {
            None => "keep".to_string(),
            Some(d) => match d.reason {
                DropReason::Boilerplate(BoilerplateRule::Learned) => format!(
                    "drop boilerplate/learned ({} other articles)",
                    cleaned.facts.template_articles[para.template_slot]
                ),
                DropReason::Boilerplate(rule) => format!("drop boilerplate/{}", rule.as_str()),
                reason => format!("drop {}", reason.as_str()),
            },
        };
        let text = cleaned.prepared.text(index);
        let excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
        let ellipsis = if text.chars().count() > EXCERPT_CHARS {
            "…"
        } else {
            ""
        };
        writeln!(out, "{index:>4}  {fate:<46} {excerpt}{ellipsis}")?;
    }
    writeln!(out)
}
