//! `paraprint clean` and `paraprint learn`: JSON lines in, through the same three steps as the
//! worker; `clean` prints records (or explanations), `learn` only primes the store.

use std::io::{self, BufRead, IsTerminal, Write};

use indicatif::{ProgressBar, ProgressStyle};

use crate::article::{ErrorCode, InputError};
use crate::clean::{BoilerplateRule, DropReason};
use crate::cleaner::{CleanError, Cleaned, Cleaner};
use crate::config::Settings;

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
    let progress = options.progress.map(progress_bar);
    let mut summary = Summary::default();
    let mut line = Vec::new();
    for number in 1.. {
        let Some(length) = read_line_capped(input, &mut line, max)? else {
            break;
        };
        if let Some(bar) = &progress {
            bar.inc(length as u64 + 1);
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let result = if length > max {
            Err(CleanError::Input(InputError {
                code: ErrorCode::TooLarge,
                message: format!(
                    "line is {length} bytes; the limit is {max} (limits.max_message_bytes)"
                ),
            }))
        } else {
            cleaner.clean(&line).await
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

/// Whether to draw a progress bar: only for a person watching stderr.
pub fn wants_progress() -> bool {
    io::stderr().is_terminal()
}

fn progress_bar(total: Option<u64>) -> ProgressBar {
    match total {
        Some(bytes) => ProgressBar::new(bytes).with_style(
            ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .expect("valid template"),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {bytes} {bytes_per_sec}")
                .expect("valid template"),
        ),
    }
}

/// Reads one line (without its `\n` or `\r\n`) into `buf`, keeping at most `max + 1` bytes so
/// a huge line cannot exhaust memory. Returns the line's full length, or `None` at the end.
fn read_line_capped(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<Option<usize>> {
    buf.clear();
    let mut length = 0usize;
    let mut read_any = false;
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        read_any = true;
        let (piece, done) = match memchr::memchr(b'\n', chunk) {
            Some(pos) => (&chunk[..pos], true),
            None => (chunk, false),
        };
        let room = (max + 1).saturating_sub(buf.len());
        buf.extend_from_slice(&piece[..piece.len().min(room)]);
        length += piece.len();
        let consumed = piece.len() + usize::from(done);
        input.consume(consumed);
        if done {
            break;
        }
    }
    if !read_any {
        return Ok(None);
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
        length -= 1;
    }
    Ok(Some(length))
}

/// Widest paragraph excerpt in `--explain`, in characters.
const EXCERPT_CHARS: usize = 100;

fn explain(cleaner: &Cleaner, cleaned: &Cleaned, out: &mut impl Write) -> io::Result<()> {
    let record = cleaner.record(cleaned);
    let article = &cleaned.prepared.article;
    let status = match record.duplicate_of {
        Some(original) => format!("duplicate of {original}"),
        None => "clean".to_string(),
    };
    writeln!(
        out,
        "== {} ({}): {status}, kept {} of {} paragraphs",
        article.id,
        article.source,
        record.paragraphs.len(),
        cleaned.prepared.paras.len()
    )?;
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
