//! Rules 12–13, copies: whether the article is a `duplicate` of an earlier one.

use std::collections::HashMap;

use super::DropReason;
use crate::clean::{Engine, Facts, Para, Prepared};

/// Rules 12–13: the earlier article this one copies, decided on the article's own text.
///
/// A re-publication holds the story: at least `containment` of the article's kept prose is
/// held by one earlier article. Pages of one site share chrome the source has not learned yet
/// (menus, an author blurb, lists of other headlines), so held text the source's other pages
/// also have (its template seen in them) is no evidence by itself. It is evidence when the
/// article repeats a headline the source used recently (the same story published again) and
/// the holder then holds `containment` of its prose and of its kept paragraphs by count.
/// Ties go to the smaller id, so the answer never depends on hash-map order.
pub(super) fn copied_article(
    engine: &Engine,
    prepared: &Prepared,
    facts: &Facts,
    reasons: &[Option<DropReason>],
) -> Option<String> {
    let kept: Vec<&Para> = prepared
        .paras
        .iter()
        .zip(reasons)
        .filter(|(p, r)| p.keys.is_some() && r.is_none())
        .map(|(p, _)| p)
        .collect();
    // The story is in the prose: chrome that is not learned yet (menus, bylines, a site's
    // footer on its first articles) would dilute the share of a copy from another site.
    // Without prose, every kept paragraph counts.
    let prose: Vec<&Para> = kept
        .iter()
        .copied()
        .filter(|p| engine.is_prose(p.shape))
        .collect();
    let units = if prose.is_empty() { &kept } else { &prose };
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
            let mut held: HashMap<&str, usize> = HashMap::new();
            for p in paras {
                let w = weight(p);
                total += w;
                if let Some(holder) = holder_of(p).filter(|_| counts(p)) {
                    *held.entry(holder).or_default() += w;
                }
            }
            let (holder, most) = held
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))?;
            (total > 0 && most as f64 >= engine.copies.containment * total as f64).then_some(holder)
        };
    if let Some(holder) = share(units, &chars, &|p| !on_site(p)) {
        return Some(holder.to_string());
    }
    let headline_repeated = prepared
        .title_slot
        .is_some_and(|slot| facts.titles_of_others[slot]);
    if headline_repeated {
        // Every kept paragraph counts, one each (the article's own list items and short lines
        // as much as a long author blurb), and the holder must hold most of the prose as well.
        if let (Some(all), Some(of_prose)) = (
            share(&kept, &|_| 1, &|_| true),
            share(units, &chars, &|_| true),
        ) && all == of_prose
        {
            return Some(all.to_string());
        }
    }
    None
}
