//! Rules 5–7, the guard rails: what keeps the article's own lines from the boilerplate rules.
//!
//! 5. Interior prose: a long sentence inside the prose span needs `interior_min_articles` to be
//!    learned (rule 4), and is never a link-list item (rule 8).
//! 6. Section headings: the same for a line that leads into prose, leads into the article's
//!    first prose paragraph, or introduces a list inside the prose span with ':'.
//! 7. The article's margin: a dateline, byline or credited caption near the prose is never
//!    dropped by rule 4, 9 or 11.

use super::span::Article;
use crate::clean::shape;

/// How many margins out a dateline whose text is new still belongs to the article.
const DATELINE_REACH: usize = 4;

impl Article<'_> {
    /// Rules 5 and 6: interior prose (a long sentence inside the prose span) or a section
    /// heading. Only for a paragraph rules 1–3 kept.
    pub fn interior(&self, i: usize) -> bool {
        (self.long(i) && self.inside_span(i)) || (!self.long(i) && self.heading(i))
    }

    /// Rule 6: a line that leads into prose, with prose (or the start of the article) before
    /// it, or that leads into the article's first prose paragraph (its kicker, its first section
    /// head), or a line inside the prose span that introduces a list with ':'. Headings such as
    /// "Interview" or "Ingredients:" recur across a source's articles and are news.
    fn heading(&self, i: usize) -> bool {
        let survivors = &self.survivors;
        let at = survivors.binary_search(&i).expect("i survives");
        let before = at.checked_sub(1).map(|b| survivors[b]);
        let next = survivors.get(at + 1).copied();
        let introduces_list = self.text(i).trim_end().ends_with(':') && self.inside_span(i);
        (next.is_some_and(|j| self.prose(j)) && before.is_none_or(|j| self.prose(j)))
            || (next.is_some() && next == self.first_anchor)
            || introduces_list
    }

    /// Rule 7: a dateline or byline, or a caption with its credit, in the margin is the
    /// article's; so is one within the margin of the headline the body repeats, and one whose
    /// exact text no earlier article had (this article's own date) within `DATELINE_REACH`
    /// margins, out to the header above a picture or the signature under the share buttons.
    pub fn dateline(&self, i: usize) -> bool {
        let text = self.text(i);
        let margin = self.margin();
        let by_headline = || self.headline.is_some_and(|h| i.abs_diff(h) <= margin);
        let new_text = || self.facts.holders[self.paras[i].content_slot].is_none();
        (self.in_margin(i)
            || by_headline()
            || (new_text() && self.within(i, DATELINE_REACH * margin)))
            && (shape::reads_as_dateline(text)
                || shape::ends_with_credit(text, self.paras[i].shape.words)
                || (self.paras[i].shape.words <= 2 && self.split_date(i)))
    }

    /// A date set as a column of short lines ("16" / "July" / "2012") reads as one.
    fn split_date(&self, i: usize) -> bool {
        let short = |j: usize| self.paras[j].shape.words <= 2;
        (i.saturating_sub(2)..=i).any(|from| {
            (from + 1..(from + 3).min(self.paras.len())).any(|to| {
                (from..=to).contains(&i)
                    && (from..=to).all(short)
                    && shape::reads_as_dateline(
                        &(from..=to)
                            .map(|j| self.text(j))
                            .collect::<Vec<_>>()
                            .join(" "),
                    )
            })
        })
    }
}
