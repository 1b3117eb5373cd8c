//! `paraprint eval FILE`: cleaning quality against labelled truth, as a table or JSON.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};

use crate::article::RawArticle;
use crate::cleaner::Cleaner;
use crate::config::Settings;
use crate::eval::{Evaluator, Report, Truth};
use crate::store::SystemClock;

/// Scores the labelled file with a fresh in-memory store, priming on its first `prime`
/// articles; prints a table, or JSON.
pub async fn main(
    mut settings: Settings,
    path: &Path,
    prime: usize,
    json: bool,
) -> anyhow::Result<ExitCode> {
    super::use_embedded_store(&mut settings, None);
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let lines: Vec<&str> = text.lines().collect();
    let cleaner = Cleaner::from_settings(&settings, Arc::new(SystemClock))?;
    let report = run(&settings, &cleaner, &lines, prime).await?;
    print(&report, json, &mut io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}

/// Streams `lines` (raw articles with a `truth` field) through `cleaner` in order. The first
/// `prime` articles only teach the store (as `learn` would); the rest are scored.
pub async fn run(
    settings: &Settings,
    cleaner: &Cleaner,
    lines: &[&str],
    prime: usize,
) -> anyhow::Result<Report> {
    let mut sources: HashMap<String, usize> = HashMap::new();
    let mut parsed = Vec::with_capacity(lines.len());
    for (number, line) in lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let number = number + 1;
        let article = RawArticle::parse(line.as_bytes(), settings.limits.max_message_bytes)
            .with_context(|| format!("line {number}"))?;
        let value: serde_json::Value = serde_json::from_str(line)?;
        let truth: Truth = serde_json::from_value(value.get("truth").cloned().unwrap_or_default())
            .with_context(|| {
                format!("line {number}: a `truth` object with `labels` is required")
            })?;
        *sources.entry(article.source.clone()).or_default() += 1;
        parsed.push((number, article, truth));
    }
    let mut evaluator = Evaluator::new(settings.boilerplate.min_articles as usize, sources);
    for (i, (number, article, truth)) in parsed.into_iter().enumerate() {
        let cleaned = cleaner.clean_article(article).await?;
        if i < prime {
            evaluator.prime(&cleaned.prepared);
        } else if let Err(e) = evaluator.score(&cleaned, &truth) {
            bail!("line {number}: {e}");
        }
    }
    Ok(evaluator.report)
}

pub fn print(report: &Report, json: bool, out: &mut impl Write) -> anyhow::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, report)?;
        writeln!(out)?;
    } else {
        out.write_all(report.table().as_bytes())?;
    }
    Ok(())
}
