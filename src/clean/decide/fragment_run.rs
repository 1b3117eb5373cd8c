//! Rule 9, `boilerplate/fragment_run`: a menu in plain text.

use super::span::Article;
use super::{BoilerplateRule, DropReason};
use crate::clean::shape;

/// Rule 9 (plain text only): a run of at least `run_min_lines` fragments (menus, link lists,
/// tag clouds) outside the article and its margin, when the run holds evidence: a line already
/// known as boilerplate, or repeated on the page (menus often stand at the top and the bottom).
/// Table rows (two or more numbers) are not fragments, nor are list items that end like
/// sentences or the article's datelines (rule 7), and a run that a line ending in ':'
/// introduces is the article's own list. HTML pages say where their menus are (the page
/// signals, `page_signals.rs`), so this heuristic is for plain text.
pub(super) fn fragment_run(article: &Article, reasons: &mut [Option<DropReason>]) {
    let paras = article.paras;
    let plain = paras.iter().all(|p| p.html.is_none());
    if !plain || article.first_anchor.is_none() {
        return;
    }
    let outside = |i: usize| !article.in_margin(i);
    let introduces = |i: usize| article.text(i).trim_end().ends_with(':');
    let fragment = |i: usize| {
        let shape = paras[i].shape;
        !shape.sentence_like
            && shape.numbers < 2
            && !introduces(i)
            && !shape::is_sentence_item(article.text(i), shape.words)
            && !article.dateline(i)
    };
    let evidence = |r: Option<DropReason>| {
        matches!(
            r,
            Some(DropReason::RepeatedInArticle | DropReason::Boilerplate(_))
        )
    };
    let mut run: Vec<usize> = Vec::new();
    let (mut introduced, mut known) = (false, false);
    for i in 0..=paras.len() {
        if i < paras.len() && outside(i) && reasons[i].is_some() {
            known |= !run.is_empty() && evidence(reasons[i]);
            continue; // lines already dropped do not break a run
        }
        if i < paras.len() && outside(i) && fragment(i) {
            if run.is_empty() {
                let before = (0..i)
                    .rev()
                    .find(|&j| reasons[j].is_none() || evidence(reasons[j]));
                introduced = before.is_some_and(|j| reasons[j].is_none() && introduces(j));
                known = before.is_some_and(|j| i - j == 1 && evidence(reasons[j]));
            }
            run.push(i);
            continue;
        }
        known |= i < paras.len()
            && !run.is_empty()
            && i == run[run.len() - 1] + 1
            && evidence(reasons[i]);
        if run.len() >= article.settings.run_min_lines && known && !introduced {
            for &j in &run {
                reasons[j] = Some(DropReason::Boilerplate(BoilerplateRule::FragmentRun));
            }
        }
        run.clear();
    }
}
