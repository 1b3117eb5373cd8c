//! `paraprint state`: what the store learned about a source, and forgetting it.
//!
//! Stores keep keys, not text (text would multiply their memory), so `show` prints each
//! recurring template key with its article count, and the line's text when a sample of the
//! source's raw articles (`--sample`, JSON lines) holds a paragraph with that key.

use std::collections::HashMap;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use super::input::{self, JsonLines};
use crate::article::RawArticle;
use crate::clean::key;
use crate::cleaner::Cleaner;
use crate::config::{Settings, StoreBackend};
use crate::store::{StoreError, SystemClock};

/// What `paraprint state` does.
#[derive(clap::Subcommand)]
pub enum Action {
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

/// Runs `action` on the store the settings name, or on the embedded one in `folder`.
pub async fn main(
    mut settings: Settings,
    folder: Option<&Path>,
    action: Action,
) -> anyhow::Result<ExitCode> {
    if folder.is_some() {
        super::use_embedded_store(&mut settings, folder);
    }
    if settings.store.backend == StoreBackend::Embedded && settings.store.path.is_empty() {
        anyhow::bail!("store.path is empty: a memory-only store has nothing to inspect");
    }
    let cleaner = Cleaner::from_settings(&settings, Arc::new(SystemClock))?;
    match action {
        Action::Show {
            source,
            top,
            sample,
        } => {
            let texts = match sample {
                Some(path) => sample_texts(
                    &cleaner,
                    &source,
                    input::open(&path)?.reader,
                    settings.limits.max_message_bytes,
                )?,
                None => Default::default(),
            };
            if show(&cleaner, &source, top, &texts, &mut io::stdout()).await? == 0 {
                eprintln!("paraprint: nothing learned about source {source:?}");
            }
        }
        Action::Forget { source, line } => {
            let gone = forget(&cleaner, &source, line.as_deref()).await?;
            eprintln!("paraprint: forgot {gone} entries of source {source:?}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Texts of the paragraphs of `source`'s articles in a JSON-lines sample, by short template key.
pub fn sample_texts(
    cleaner: &Cleaner,
    source: &str,
    sample: impl BufRead,
    max_message_bytes: usize,
) -> io::Result<HashMap<[u8; 6], String>> {
    let mut texts = HashMap::new();
    let mut lines = JsonLines::new(sample);
    while let Some(line) = lines.next_line(None)? {
        let Ok(article) = RawArticle::parse(line.bytes, max_message_bytes) else {
            continue; // a sample is a convenience: lines that are not articles are skipped
        };
        if article.source != source {
            continue;
        }
        let Ok(prepared) = cleaner.engine().prepare(article) else {
            continue; // over limits.max_paragraphs
        };
        for (i, para) in prepared.paras.iter().enumerate() {
            if let Some(keys) = para.keys {
                texts
                    .entry(keys.template.brief())
                    .or_insert_with(|| prepared.text(i).to_string());
            }
        }
    }
    Ok(texts)
}

/// Prints the source's `top` template keys with their counts (and texts, when known).
pub async fn show(
    cleaner: &Cleaner,
    source: &str,
    top: usize,
    texts: &HashMap<[u8; 6], String>,
    out: &mut dyn Write,
) -> Result<usize, anyhow::Error> {
    let templates = cleaner.store().top_templates(source, top).await?;
    let threshold = cleaner.engine().count_cap();
    writeln!(out, "articles  template key                      line")?;
    for t in &templates {
        let text = texts.get(&t.key).map(String::as_str).unwrap_or("?");
        // Counts saturate just past the largest threshold a rule uses: more changes nothing.
        let count = if t.articles > threshold {
            format!("{threshold}+")
        } else {
            t.articles.to_string()
        };
        writeln!(out, "{count:>8}  {}  {text}", const_hex::encode(t.key))?;
    }
    Ok(templates.len())
}

/// Forgets one line (by its text) or, with `None`, every template of the source.
pub async fn forget(
    cleaner: &Cleaner,
    source: &str,
    line: Option<&str>,
) -> Result<u64, anyhow::Error> {
    let keys = match line {
        Some(text) => Some(key::keys(text).ok_or_else(|| {
            anyhow::anyhow!("the line {text:?} is empty once normalized: nothing to forget")
        })?),
        None => None,
    };
    let gone: Result<u64, StoreError> = cleaner.store().forget(source, keys.as_ref()).await;
    Ok(gone?)
}
