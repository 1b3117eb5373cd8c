//! The article inside the body: its prose span, from its first to its last long prose
//! paragraph (the anchors), the margin around it, and what the rules read of each paragraph.

use super::DropReason;
use crate::clean::{Engine, Facts, Para, Prepared};
use crate::config::BoilerplateSettings;

/// One article being decided, with its prose span found after rules 1–3.
pub(super) struct Article<'a> {
    pub engine: &'a Engine,
    pub settings: &'a BoilerplateSettings,
    pub prepared: &'a Prepared,
    pub facts: &'a Facts,
    pub paras: &'a [Para],
    /// The first and the last long sentence that is the article's own (not recurring, not
    /// another article's title): the ends of its prose span.
    pub first_anchor: Option<usize>,
    pub last_anchor: Option<usize>,
    /// The paragraphs rules 1–3 kept, in order.
    pub(super) survivors: Vec<usize>,
    /// The article's headline when the body repeats it above the prose (a `title_echo`).
    pub(super) headline: Option<usize>,
}

impl<'a> Article<'a> {
    /// The article as rules 1–3 (`reasons`) left it.
    pub fn new(
        engine: &'a Engine,
        prepared: &'a Prepared,
        facts: &'a Facts,
        reasons: &[Option<DropReason>],
    ) -> Article<'a> {
        let mut article = Article {
            engine,
            settings: &engine.boilerplate,
            prepared,
            facts,
            paras: &prepared.paras,
            first_anchor: None,
            last_anchor: None,
            survivors: (0..reasons.len())
                .filter(|&i| reasons[i].is_none())
                .collect(),
            headline: None,
        };
        let mut anchors = article.survivors.iter().copied().filter(|&i| {
            article.long(i)
                && article.articles(i) < article.settings.min_articles
                && !article.other_title(i)
        });
        let first_anchor = anchors.next();
        let last_anchor = anchors.next_back().or(first_anchor);
        // The article's headline, when the body repeats it above the prose, starts its header.
        let headline = first_anchor.and_then(|first| {
            (0..first)
                .rev()
                .find(|&i| reasons[i] == Some(DropReason::TitleEcho))
        });
        article.first_anchor = first_anchor;
        article.last_anchor = last_anchor;
        article.headline = headline;
        article
    }

    pub fn text(&self, i: usize) -> &'a str {
        self.prepared.text(i)
    }

    /// How many other articles of the source had paragraph `i`'s template, within the window.
    pub fn articles(&self, i: usize) -> u32 {
        self.facts.template_articles[self.paras[i].template_slot]
    }

    /// Paragraph `i` equals the title of another recent article of the source.
    pub fn other_title(&self, i: usize) -> bool {
        let slot = self.paras[i].content_slot;
        self.settings.link_list
            && self.prepared.observation.checks_title(slot)
            && self.facts.titles_of_others[slot]
    }

    /// A long sentence (`long_paragraph_words`).
    pub fn long(&self, i: usize) -> bool {
        self.paras[i]
            .shape
            .is_long_sentence(self.settings.long_paragraph_words)
    }

    /// Prose of the article's own: a sentence that is not (yet) recurring.
    pub fn prose(&self, i: usize) -> bool {
        self.paras[i].shape.sentence_like
            && self.articles(i) < self.settings.min_articles
            && !self.other_title(i)
    }

    /// Strictly inside the prose span: between its first and its last anchor.
    pub fn inside_span(&self, i: usize) -> bool {
        self.first_anchor.is_some_and(|a| a < i) && self.last_anchor.is_some_and(|a| a > i)
    }

    /// Within `lines` lines of the prose span (false for an article without prose).
    pub fn within(&self, i: usize, lines: usize) -> bool {
        match (self.first_anchor, self.last_anchor) {
            (Some(first), Some(last)) => first.saturating_sub(lines) <= i && i <= last + lines,
            _ => false,
        }
    }

    /// `article_margin_lines`: how far around the prose span the article's own lines stand.
    pub fn margin(&self) -> usize {
        self.settings.article_margin_lines
    }

    /// In the article with its margin: its prose span and the lines just around it, where its
    /// byline, dateline, captions and section heads stand.
    pub fn in_margin(&self, i: usize) -> bool {
        self.within(i, self.margin())
    }
}
