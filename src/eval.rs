//! Cleaning quality against labelled truth: what `paraprint eval` measures.
//!
//! Input lines are raw articles with a `truth` object: `labels`, one per paragraph
//! (`content`, `title`, `repeat`, `boilerplate`), and `copy_of`, the id of the article a
//! syndicated copy copies (or null). Articles go through the same three steps as the worker, in
//! stream order; each paragraph's fate is scored against its label.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::clean::key::Key;
use crate::clean::{DropReason, Prepared};
use crate::cleaner::Cleaned;

/// What a paragraph truly is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    Content,
    Title,
    Repeat,
    Boilerplate,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Truth {
    pub labels: Vec<Label>,
    #[serde(default)]
    pub copy_of: Option<String>,
}

/// A hit count over a number of cases, by paragraphs and by characters.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Ratio {
    pub hits: u64,
    pub total: u64,
    pub hit_chars: u64,
    pub total_chars: u64,
}

impl Ratio {
    fn add(&mut self, hit: bool, chars: usize) {
        self.total += 1;
        self.total_chars += chars as u64;
        if hit {
            self.hits += 1;
            self.hit_chars += chars as u64;
        }
    }

    /// The share by count; 1 when there were no cases (nothing to get wrong).
    pub fn value(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.hits as f64 / self.total as f64
        }
    }

    pub fn by_chars(&self) -> f64 {
        if self.total_chars == 0 {
            1.0
        } else {
            self.hit_chars as f64 / self.total_chars as f64
        }
    }
}

/// Paragraph figures for one group of sources.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Group {
    pub articles: u64,
    /// Content paragraphs kept (recall of content).
    pub content_kept: Ratio,
    /// Dropped paragraphs that truly were not content, per drop reason and over all reasons.
    pub drop_precision: BTreeMap<String, Ratio>,
    /// Boilerplate paragraphs dropped, all of them.
    pub boilerplate_dropped: Ratio,
    /// Boilerplate paragraphs dropped, counting only those that already appeared in an earlier
    /// article of the source, in articles after the source's first `min_articles`.
    pub recurring_boilerplate_dropped: Ratio,
    /// In-article repeats dropped.
    pub repeats_dropped: Ratio,
    /// Headline echoes dropped.
    pub titles_dropped: Ratio,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Copies {
    /// Articles marked duplicate of the right original, over all marked duplicate.
    pub precision: Ratio,
    /// Copies marked duplicate of the right original, over all true copies.
    pub recall: Ratio,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Articles processed to prime the store and not scored.
    pub primed: u64,
    pub all: Group,
    /// Sources with at least `LARGE_SOURCE` articles in the file.
    pub large_sources: Group,
    pub small_sources: Group,
    pub copies: Copies,
}

/// Sources with at least this many articles count as large: enough history to learn from.
pub const LARGE_SOURCE: usize = 5;

/// Scores articles one by one, in stream order.
pub struct Evaluator {
    min_articles: usize,
    source_sizes: HashMap<String, usize>,
    /// Per source: articles seen so far and the content keys they had.
    seen: HashMap<String, (usize, HashSet<Key>)>,
    pub report: Report,
}

/// Why one article could not be scored: its truth does not label each of its paragraphs.
#[derive(Debug, thiserror::Error)]
#[error("truth has {labels} labels for {paragraphs} paragraphs")]
pub struct TruthError {
    pub labels: usize,
    pub paragraphs: usize,
}

impl Evaluator {
    /// `source_sizes`: articles per source in the whole file (scored or not).
    pub fn new(min_articles: usize, source_sizes: HashMap<String, usize>) -> Self {
        Evaluator {
            min_articles,
            source_sizes,
            seen: HashMap::new(),
            report: Report::default(),
        }
    }

    /// Records an article that primes the store without being scored.
    pub fn prime(&mut self, prepared: &Prepared) {
        self.report.primed += 1;
        self.remember(prepared);
    }

    fn remember(&mut self, prepared: &Prepared) {
        let entry = self
            .seen
            .entry(prepared.article.source.clone())
            .or_default();
        entry.0 += 1;
        entry.1.extend(
            prepared
                .paras
                .iter()
                .filter_map(|p| p.keys.map(|k| k.content)),
        );
    }

    pub fn score(&mut self, cleaned: &Cleaned, truth: &Truth) -> Result<(), TruthError> {
        let prepared = &cleaned.prepared;
        if truth.labels.len() != prepared.paras.len() {
            return Err(TruthError {
                labels: truth.labels.len(),
                paragraphs: prepared.paras.len(),
            });
        }
        let source = &prepared.article.source;
        let large = self.source_sizes.get(source).copied().unwrap_or(0) >= LARGE_SOURCE;
        let (earlier_articles, earlier_keys) = self
            .seen
            .get(source)
            .map(|(n, keys)| (*n, keys))
            .unwrap_or((0, &EMPTY));
        let past_first_n = earlier_articles >= self.min_articles;

        let mut fates: Vec<Option<DropReason>> = vec![None; prepared.paras.len()];
        for d in &cleaned.outcome.drops {
            fates[d.index as usize] = Some(d.reason);
        }
        let mut scored = Group {
            articles: 1,
            ..Group::default()
        };
        for (i, ((para, label), fate)) in prepared
            .paras
            .iter()
            .zip(&truth.labels)
            .zip(&fates)
            .enumerate()
        {
            // The paragraph's own text: for HTML, ranges are into the extracted text, not the body.
            let chars = prepared.text(i).chars().count();
            let dropped = fate.is_some();
            match label {
                Label::Content => scored.content_kept.add(!dropped, chars),
                Label::Title => scored.titles_dropped.add(dropped, chars),
                Label::Repeat => scored.repeats_dropped.add(dropped, chars),
                Label::Boilerplate => {
                    scored.boilerplate_dropped.add(dropped, chars);
                    let recurring = para.keys.is_some_and(|k| earlier_keys.contains(&k.content));
                    if past_first_n && recurring {
                        scored.recurring_boilerplate_dropped.add(dropped, chars);
                    }
                }
            }
            if let Some(reason) = fate {
                let right = *label != Label::Content;
                for name in [reason.as_str(), "all"] {
                    scored
                        .drop_precision
                        .entry(name.to_string())
                        .or_default()
                        .add(right, chars);
                }
            }
        }
        for group in [
            &mut self.report.all,
            if large {
                &mut self.report.large_sources
            } else {
                &mut self.report.small_sources
            },
        ] {
            merge(group, &scored);
        }

        let predicted = cleaned.outcome.duplicate_of.as_deref();
        let expected = truth.copy_of.as_deref();
        if let Some(p) = predicted {
            self.report.copies.precision.add(Some(p) == expected, 1);
        }
        if expected.is_some() {
            self.report.copies.recall.add(predicted == expected, 1);
        }
        self.remember(prepared);
        Ok(())
    }
}

static EMPTY: std::sync::LazyLock<HashSet<Key>> = std::sync::LazyLock::new(HashSet::new);

fn merge(into: &mut Group, from: &Group) {
    fn sum(a: &mut Ratio, b: &Ratio) {
        a.hits += b.hits;
        a.total += b.total;
        a.hit_chars += b.hit_chars;
        a.total_chars += b.total_chars;
    }
    into.articles += from.articles;
    sum(&mut into.content_kept, &from.content_kept);
    sum(&mut into.boilerplate_dropped, &from.boilerplate_dropped);
    sum(
        &mut into.recurring_boilerplate_dropped,
        &from.recurring_boilerplate_dropped,
    );
    sum(&mut into.repeats_dropped, &from.repeats_dropped);
    sum(&mut into.titles_dropped, &from.titles_dropped);
    for (reason, ratio) in &from.drop_precision {
        sum(
            into.drop_precision.entry(reason.clone()).or_default(),
            ratio,
        );
    }
}

impl Report {
    /// The report as a table for a person.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let row = |out: &mut String, name: &str, r: &Ratio| {
            out.push_str(&format!(
                "  {name:<36} {:>7.4} {:>7.4} {:>8} {:>8}\n",
                r.value(),
                r.by_chars(),
                r.hits,
                r.total
            ));
        };
        if self.primed > 0 {
            out.push_str(&format!(
                "primed with {} articles (not scored)\n",
                self.primed
            ));
        }
        for (name, group) in [
            ("all sources", &self.all),
            ("sources with >= 5 articles", &self.large_sources),
            ("sources with < 5 articles", &self.small_sources),
        ] {
            out.push_str(&format!(
                "{name} ({} articles)\n  {:<36} {:>7} {:>7} {:>8} {:>8}\n",
                group.articles, "", "count", "chars", "hits", "of"
            ));
            row(&mut out, "content kept", &group.content_kept);
            row(&mut out, "boilerplate dropped", &group.boilerplate_dropped);
            row(
                &mut out,
                "recurring boilerplate dropped (>N)",
                &group.recurring_boilerplate_dropped,
            );
            row(
                &mut out,
                "in-article repeats dropped",
                &group.repeats_dropped,
            );
            row(&mut out, "title echoes dropped", &group.titles_dropped);
            for (reason, ratio) in &group.drop_precision {
                row(&mut out, &format!("precision of drops: {reason}"), ratio);
            }
        }
        out.push_str("whole-article copies\n");
        row(&mut out, "precision", &self.copies.precision);
        row(&mut out, "recall", &self.copies.recall);
        out
    }
}
