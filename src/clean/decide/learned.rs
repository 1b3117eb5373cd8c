//! Rule 4, `boilerplate/learned`: a line the source's other articles share.

use super::span::Article;
use super::{BoilerplateRule, DropReason};

/// Rule 4: a paragraph whose template recurs in at least `min_articles` other articles of the
/// source within the window; interior prose and section headings (rules 5–6) need
/// `interior_min_articles`, and the article's datelines and bylines (rule 7) are never dropped.
pub(super) fn learned(article: &Article, reasons: &mut [Option<DropReason>]) {
    let settings = article.settings;
    for (i, reason) in reasons.iter_mut().enumerate() {
        if reason.is_some() {
            continue;
        }
        let needed = if article.interior(i) {
            settings.interior_min_articles
        } else {
            settings.min_articles
        };
        if article.articles(i) >= needed && !article.dateline(i) {
            *reason = Some(DropReason::Boilerplate(BoilerplateRule::Learned));
        }
    }
}
