//! The decisions: what to drop and why, and whether the article copies an earlier one.
//!
//! `decide` runs one pass per rule, in the order they apply; a paragraph keeps the first
//! reason that fits. The numbers are the README's ("The rules, one sentence each"):
//!
//! - 1–3 `stateless.rs`: `empty`, `title_echo`, `repeated_in_article`.
//! - 4 `learned.rs`: `boilerplate/learned`, a line whose template recurs in `min_articles`
//!   other articles of the source within the window.
//! - 5–7 `guards.rs`, the guard rails (not passes: rules 4, 8, 9 and 11 ask them): interior
//!   prose (5) and section headings (6) need `interior_min_articles` for rule 4 and are never
//!   link-list items; a dateline, byline or credited caption in the article's margin (7) is
//!   never dropped by rule 4, 9 or 11. `span.rs` finds the article's prose span and margin.
//! - 8 `link_list.rs`: `boilerplate/link_list`, the title of another recent article of the
//!   source.
//! - HTML only, `page_signals.rs`: `boilerplate/landmark`, `link_density`, `outside_main`.
//! - 9 `fragment_run.rs` (plain text only): `boilerplate/fragment_run`, a run of fragments
//!   outside the article and its margin, touching evidence, is a menu.
//! - 10–11 `edge_marker.rs`: `boilerplate/edge_marker`, a marker line ("Most popular",
//!   "Comments") in the trailing part, and `boilerplate/trailing_zone`, the short lines and
//!   fragments after it until prose resumes.
//! - `allow.rs`: a line the operator allows for the source (`boilerplate.allow`) is kept
//!   whatever the boilerplate rules (4, 8, the page signals, 9–11) said.
//! - An HTML page the passes from the page signals on would leave with no paragraph is decided
//!   again from there (`fallbacks` in `page_signals.rs`): with fewer page signals, then
//!   without what rules 4 and 8 dropped.
//! - 12–14 `clean/copies/`: the article is a copy of an earlier original holding most of its
//!   kept prose, byte for byte (12, `copies.containment`) or by its shingles (13,
//!   `copies.near_containment`); text the source's other pages share counts only for an
//!   article repeating a recent headline of the source. Rule 14 is what the article leaves in
//!   the copy index.
//!
//! `outcome.rs` holds what a decision is: the drop reasons (stored: append, never reorder) and
//! the [`Outcome`] remembered per article.

mod allow;
mod edge_marker;
mod fragment_run;
mod guards;
mod learned;
mod link_list;
mod outcome;
mod page_signals;
mod span;
mod stateless;

pub use outcome::{BoilerplateRule, DropReason, DroppedParagraph, Outcome};
use page_signals::PageSignals;
use span::Article;

use super::{Engine, Facts, Prepared};

/// Decides an article: rules 1–13, in the order they apply.
pub(super) fn decide(engine: &Engine, prepared: &Prepared, facts: &Facts) -> Outcome {
    let mut reasons: Vec<Option<DropReason>> = vec![None; prepared.paras.len()];
    let headline = prepared.headline(facts, engine.boilerplate.min_articles);
    stateless::empty_title_echo_repeated(prepared, headline.map(|h| h.key), &mut reasons);
    let article = Article::new(engine, prepared, facts, &reasons);
    learned::learned(&article, &mut reasons);
    link_list::link_list(&article, &mut reasons);

    let kept = |reasons: &[Option<DropReason>]| reasons.iter().any(Option::is_none);
    let mut decided = on_the_page(&article, &reasons, PageSignals::ALL);
    if !kept(&decided)
        && prepared.paras.iter().any(|p| p.html.is_some())
        && let Some(fallback) = page_signals::fallbacks(&article, &reasons)
            .into_iter()
            .map(|(base, page)| on_the_page(&article, &base, page))
            .find(|r| kept(r))
    {
        decided = fallback;
    }
    let reasons = decided;

    let copy = super::copies::decide(engine, prepared, facts, &reasons);
    let drops = reasons
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.map(|reason| DroppedParagraph {
                index: i as u32,
                reason,
            })
        })
        .collect();
    let (duplicate_of, copy) = match copy {
        Some((original, evidence)) => (Some(original), Some(evidence)),
        None => (None, None),
    };
    Outcome {
        digest: prepared.observation.digest,
        duplicate_of,
        copy,
        drops,
    }
}

/// The passes after rule 8, on what rules 1–8 left (`base`), with the page signals `page`:
/// the page signals, rule 9, rules 10–11, then the allow list.
fn on_the_page(
    article: &Article,
    base: &[Option<DropReason>],
    page: PageSignals,
) -> Vec<Option<DropReason>> {
    let mut reasons = base.to_vec();
    page_signals::page_signals(article, &mut reasons, page);
    fragment_run::fragment_run(article, &mut reasons);
    edge_marker::edge_marker_and_trailing_zone(article, &mut reasons);
    allow::allow(article, &mut reasons);
    reasons
}
