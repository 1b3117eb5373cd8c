//! The near tier: the earlier original whose sketch holds most of this article's shingles,
//! however its paragraphs were edited, joined, re-wrapped or trimmed.

use super::{CopyEvidence, CopyMethod, Original, Units};
use crate::clean::Para;
use crate::config::CopySettings;

/// Whether `original` may hold `share` of the paragraphs' shingles, from a sample spread over
/// them. Most candidates share a site's footer, not the story, and are turned away here without
/// a full comparison. A copy holding `share` of its text holds less than 0.4 of that in a spread
/// sample of 24 or more about once in ten thousand at the spread rule's 0.65 (four standard
/// deviations), practically never at the near rule's 0.82.
fn may_hold(paras: &[&Para], original: &Original, share: f64) -> bool {
    let sketch = &original.sketch;
    let (mut sampled, mut held, mut position) = (0usize, 0usize, 0usize);
    for p in paras {
        // Every `SAMPLE_STRIDE`-th shingle of the text, across paragraph ends.
        let first = (SAMPLE_STRIDE - position % SAMPLE_STRIDE) % SAMPLE_STRIDE;
        for &v in p.shingles.iter().skip(first).step_by(SAMPLE_STRIDE) {
            if sketch.covers(v) {
                sampled += 1;
                held += usize::from(sketch.contains(v));
            }
        }
        position += p.shingles.len();
    }
    !(sampled >= 24 && (held as f64) < 0.4 * share * sampled as f64)
}

/// How much of `values` `original` holds, over those its sketch covers: `(held, covered)`, or
/// `None` as soon as the share can no longer reach `share`. Every shingle counts, repeats too:
/// an article repeats few runs, and dropping them would cost more than the whole comparison.
fn held(values: &[u32], original: &Original, share: f64) -> Option<(usize, usize)> {
    let sketch = &original.sketch;
    // Counting first is a cheap pass, and bounds the misses the share allows.
    let covered = values.iter().filter(|&&v| sketch.covers(v)).count();
    let most_misses = ((1.0 - share) * covered as f64).floor() as usize;
    let mut misses = 0;
    for &v in values {
        if sketch.covers(v) && !sketch.contains(v) {
            misses += 1;
            if misses > most_misses {
                return None;
            }
        }
    }
    Some((covered - misses, covered))
}

/// Whether the original holds at least half of the paragraph's shingles its sketch covers.
pub(super) fn paragraph_held(p: &Para, original: &Original) -> bool {
    let sketch = &original.sketch;
    let (mut covered, mut hit) = (0, 0);
    for &v in p.shingles.iter() {
        if sketch.covers(v) {
            covered += 1;
            hit += usize::from(sketch.contains(v));
        }
    }
    covered > 0 && 2 * hit >= covered
}

/// The original holding the largest share of the article's measured text, when it holds
/// enough (over at least `copies.min_sampled_shingles` shingles): `copies.near_containment` of
/// its shingles, or, edited everywhere, `copies.spread_containment` of them and at least half of
/// each of `copies.spread_paragraphs` of its paragraphs (a word changed in every sentence breaks
/// a third of a short sentence's shingles, but leaves every paragraph mostly held; an article
/// that shares phrases with another holds them in a few paragraphs). Ties go to the smaller id.
pub(super) fn nearest(
    units: &Units,
    originals: &[&Original],
    settings: &CopySettings,
) -> Option<(String, CopyEvidence)> {
    let measured = units.near_measured();
    if measured.is_empty() || originals.is_empty() {
        return None;
    }
    let spread_possible = measured.len() >= SPREAD_MIN_PARAGRAPHS;
    let lowest = match spread_possible {
        true => settings.near_containment.min(settings.spread_containment),
        false => settings.near_containment,
    };
    let matched_in = |original: &Original| {
        measured
            .iter()
            .filter(|p| paragraph_held(p, original))
            .count()
    };
    let likely: Vec<&Original> = originals
        .iter()
        .copied()
        .filter(|o| may_hold(measured, o, lowest))
        .collect();
    if likely.is_empty() {
        return None;
    }
    let mut values = Vec::with_capacity(measured.iter().map(|p| p.shingles.len()).sum());
    for p in measured {
        values.extend_from_slice(&p.shingles);
    }
    let mut best: Option<(&Original, usize, usize)> = None;
    for original in likely {
        let Some((held, sampled)) = held(&values, original, lowest) else {
            continue;
        };
        if sampled < settings.min_sampled_shingles {
            continue;
        }
        let share = held as f64 / sampled as f64;
        let near = share >= settings.near_containment;
        let spread = !near
            && spread_possible
            && share >= settings.spread_containment
            && matched_in(original) as f64 >= settings.spread_paragraphs * measured.len() as f64;
        if !near && !spread {
            continue;
        }
        let better = match best {
            None => true,
            // Compare held * other's sampled, exactly, rather than two rounded shares.
            Some((b, b_held, b_sampled)) => {
                let (mine, theirs) = (held * b_sampled, b_held * sampled);
                mine > theirs || (mine == theirs && original.id < b.id)
            }
        };
        if better {
            best = Some((original, held, sampled));
        }
    }
    let (original, held, sampled) = best?;
    let evidence = CopyEvidence::new(
        CopyMethod::Near,
        held as f64 / sampled as f64,
        matched_in(original) as u32,
        measured.len() as u32,
    );
    Some((original.id.clone(), evidence))
}

/// Every how many shingles the first, quick look at a candidate takes one.
const SAMPLE_STRIDE: usize = 7;

/// Fewest measured paragraphs the spread rule judges: one or two paragraphs say nothing about
/// how an edit is spread.
const SPREAD_MIN_PARAGRAPHS: usize = 4;
