//! Rule 8, `boilerplate/link_list`: an item of a related-stories list.

use super::span::Article;
use super::{BoilerplateRule, DropReason};

/// Rule 8: a paragraph equal to the title of another recent article of the source is a link to
/// it, unless it is interior prose or a section heading (rules 5–6).
pub(super) fn link_list(article: &Article, reasons: &mut [Option<DropReason>]) {
    for (i, reason) in reasons.iter_mut().enumerate() {
        if reason.is_none() && article.other_title(i) && !article.interior(i) {
            *reason = Some(DropReason::Boilerplate(BoilerplateRule::LinkList));
        }
    }
}
