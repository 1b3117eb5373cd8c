//! Rules 10–11, `boilerplate/edge_marker` and `boilerplate/trailing_zone`: the marker lines in
//! the trailing part of an article and the zone each opens.

use super::span::Article;
use super::{BoilerplateRule, DropReason};

/// Rule 10: a marker line ("Most popular", "Comments") counts in the trailing part of the
/// article (at most `marker_trailing_share` of its own characters after it), measured without
/// what rules 1–3 dropped, so a pasted second copy does not push a footer forward; while a
/// zone is open, every marker counts wherever it stands. Rule 11: in the zone a marker opens,
/// fragments and lines shorter than `zone_short_words` words are dropped, except the article's
/// datelines (rule 7), until a long sentence shows that prose has resumed.
pub(super) fn edge_marker_and_trailing_zone(article: &Article, reasons: &mut [Option<DropReason>]) {
    let settings = article.settings;
    let paras = article.paras;
    let own_chars: Vec<usize> = paras
        .iter()
        .zip(reasons.iter())
        .map(|(p, r)| match (p.keys, r) {
            (Some(k), None | Some(DropReason::Boilerplate(_))) => k.chars,
            _ => 0,
        })
        .collect();
    let total: usize = own_chars.iter().sum();
    let mut after = total;
    let mut zone_open = false;
    for (i, p) in paras.iter().enumerate() {
        after -= own_chars[i];
        let in_trailing_part = (after as f64) <= settings.marker_trailing_share * total as f64;
        if p.marker && (zone_open || in_trailing_part) {
            zone_open = true;
            set_if_kept(&mut reasons[i], BoilerplateRule::EdgeMarker);
        } else if zone_open && reasons[i].is_none() {
            if article.long(i) {
                zone_open = false;
            } else if (!p.shape.sentence_like || p.shape.words < settings.zone_short_words)
                && !article.dateline(i)
            {
                set_if_kept(&mut reasons[i], BoilerplateRule::TrailingZone);
            }
        }
    }
}

fn set_if_kept(reason: &mut Option<DropReason>, rule: BoilerplateRule) {
    if reason.is_none() {
        *reason = Some(DropReason::Boilerplate(rule));
    }
}
