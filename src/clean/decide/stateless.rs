//! Rules 1–3, exact and stateless: `empty`, `title_echo`, `repeated_in_article`.

use super::DropReason;
use crate::clean::Prepared;
use crate::clean::key::Key;

/// Rules 1–3, in one pass over the paragraphs: a paragraph with nothing left after
/// normalization (1), one equal to the article's title or headline (2), a later occurrence of a
/// paragraph already in the article (3).
pub(super) fn empty_title_echo_repeated(
    prepared: &Prepared,
    headline: Option<Key>,
    reasons: &mut [Option<DropReason>],
) {
    let mut seen = foldhash::HashSet::default();
    for (p, reason) in prepared.paras.iter().zip(reasons.iter_mut()) {
        *reason = match p.keys {
            None => Some(DropReason::Empty),
            Some(k) if Some(k.content) == headline || Some(k.content) == prepared.full_title => {
                Some(DropReason::TitleEcho)
            }
            Some(k) if !seen.insert(k.content) => Some(DropReason::RepeatedInArticle),
            Some(_) => None,
        };
    }
}
