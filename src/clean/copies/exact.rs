//! The exact tier: the earlier article that first published most of this one's paragraphs,
//! byte for byte after normalization.

use std::collections::HashMap;

use super::{CopyEvidence, CopyMethod, Units};
use crate::clean::{Engine, Facts, Para, Prepared};

/// The earlier article holding the largest share of the article's kept prose, when the share
/// reaches `copies.containment`, with the evidence.
///
/// A re-publication holds the story: at least `containment` of the article's kept prose is
/// held by one earlier article. Pages of one site share chrome the source has not learned yet
/// (menus, an author blurb, lists of other headlines), so held text the source's other pages
/// also have (its template seen in them) is no evidence by itself. It is evidence when the
/// article repeats a headline the source used recently (the same story published again) and
/// the holder then holds `containment` of its prose and of its kept paragraphs by count.
/// Ties go to the smaller id, so the answer never depends on hash-map order.
pub(super) fn holder(
    engine: &Engine,
    prepared: &Prepared,
    facts: &Facts,
    units: &Units,
) -> Option<(String, CopyEvidence)> {
    let on_site = |p: &Para| facts.template_articles[p.template_slot] > 0;
    let holder_of = |p: &Para| {
        facts.holders[p.content_slot]
            .as_deref()
            .filter(|&h| h != prepared.article.id)
    };
    let chars = |p: &Para| p.keys.map_or(0, |k| k.chars);
    let share =
        |paras: &[&Para], weight: &dyn Fn(&Para) -> usize, counts: &dyn Fn(&Para) -> bool| {
            let mut total = 0usize;
            let mut held: HashMap<&str, (usize, u32)> = HashMap::new();
            for p in paras {
                let w = weight(p);
                total += w;
                if let Some(holder) = holder_of(p).filter(|_| counts(p)) {
                    let entry = held.entry(holder).or_default();
                    entry.0 += w;
                    entry.1 += 1;
                }
            }
            let (holder, (most, matched)) = held
                .into_iter()
                .max_by(|a, b| a.1.0.cmp(&b.1.0).then_with(|| b.0.cmp(a.0)))?;
            (total > 0 && most as f64 >= engine.copies.containment * total as f64).then(|| {
                let evidence = CopyEvidence::new(
                    CopyMethod::Exact,
                    most as f64 / total as f64,
                    matched,
                    paras.len() as u32,
                );
                (holder.to_string(), evidence)
            })
        };
    let measured = units.measured();
    if let Some(found) = share(measured, &chars, &|p| !on_site(p)) {
        return Some(found);
    }
    if units.headline_repeated {
        // Every kept paragraph counts, one each (the article's own list items and short lines
        // as much as a long author blurb), and the holder must hold most of the prose as well.
        if let (Some((all, _)), Some((of_prose, evidence))) = (
            share(&units.kept, &|_| 1, &|_| true),
            share(measured, &chars, &|_| true),
        ) && all == of_prose
        {
            return Some((all, evidence));
        }
    }
    None
}
