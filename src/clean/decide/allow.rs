//! The operator's allow list (`boilerplate.allow`), applied after every boilerplate rule.

use super::DropReason;
use super::span::Article;

/// A line the operator allows for the source (or for every source, `*`) is kept whatever a
/// boilerplate rule (4, 8, the page signals, 9–11) said; rules 1–3 still drop it.
pub(super) fn allow(article: &Article, reasons: &mut [Option<DropReason>]) {
    let source = &article.prepared.observation.source;
    for (p, reason) in article.paras.iter().zip(reasons.iter_mut()) {
        if let (Some(DropReason::Boilerplate(_)), Some(keys)) = (*reason, p.keys)
            && article.engine.allowed(source, &keys.content)
        {
            *reason = None;
        }
    }
}
