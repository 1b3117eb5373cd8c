//! The decisions: what to drop and why, and whether the article copies an earlier one.
//!
//! Rules, in the order they apply (a paragraph keeps the first reason that fits):
//! 1. `empty`: nothing is left after normalization.
//! 2. `title_echo`: the paragraph equals the article's title, or its headline (the title without
//!    a site name after " | ", " - " …).
//! 3. `repeated_in_article`: a later occurrence of a paragraph already in this article.
//! 4. `boilerplate/learned`: its template recurs in at least `min_articles` other articles of
//!    the source within the window; prose in the interior of the article (a long sentence with
//!    surviving prose before and after it, such as a quote two stories share) needs
//!    `interior_min_articles`.
//! 5. `boilerplate/link_list`: it equals the title of another recent article of the source
//!    (a related-stories link), unless it is interior prose.
//! 6. `boilerplate/edge_marker` and `trailing_zone`: a marker line ("Most popular", "Comments")
//!    in the trailing part of the article opens a zone that drops the short lines and fragments
//!    after it, until prose resumes.
//! 7. `boilerplate/fragment_run` (plain text): a run of fragments outside the article and its
//!    margin, touching evidence, is a menu.
//! 8. `boilerplate.allow`: a line the operator allows for the source is kept whatever rule 4–7
//!    said.
//!
//! The article's margin (`article_margin_lines` around its prose span) guards its own short
//! lines: a dateline, byline or credited caption there is never dropped by rule 4, by a trailing
//! zone or by rule 7, and rule 7 starts outside it.
//!
//! HTML pages also drop what the page says is chrome (`landmark`, `link_density`,
//! `outside_main`) after rule 5; a page those signals would leave with no paragraph is decided
//! again without the main container and the landmark kind holding most of its prose, then
//! without any page signal; a page still empty is decided once more without rules 4–6 (what
//! the source's other pages share), by its own page signals alone.
//!
//! Then the article is a copy of the earlier article holding the largest share of its kept
//! prose, when that share reaches `copies.containment`; text the source's other pages share
//! counts only for an article repeating a recent headline of the source.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::html::Landmark;
use super::shape;
use super::{Engine, Facts, Prepared};
use crate::article::Status;

/// How many margins out a dateline whose text is new still belongs to the article.
const DATELINE_REACH: usize = 4;

/// Which boilerplate rule dropped a paragraph.
/// Stored in state files and Redis by variant index: append, never reorder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BoilerplateRule {
    Learned,
    LinkList,
    EdgeMarker,
    TrailingZone,
    FragmentRun,
    Landmark,
    LinkDensity,
    OutsideMain,
}

impl BoilerplateRule {
    pub fn as_str(self) -> &'static str {
        match self {
            BoilerplateRule::Learned => "learned",
            BoilerplateRule::LinkList => "link_list",
            BoilerplateRule::EdgeMarker => "edge_marker",
            BoilerplateRule::TrailingZone => "trailing_zone",
            BoilerplateRule::FragmentRun => "fragment_run",
            BoilerplateRule::Landmark => "landmark",
            BoilerplateRule::LinkDensity => "link_density",
            BoilerplateRule::OutsideMain => "outside_main",
        }
    }
}

/// Why a paragraph was dropped.
/// Stored by variant index: append, never reorder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DropReason {
    Empty,
    TitleEcho,
    RepeatedInArticle,
    Boilerplate(BoilerplateRule),
}

impl DropReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::Empty => "empty",
            DropReason::TitleEcho => "title_echo",
            DropReason::RepeatedInArticle => "repeated_in_article",
            DropReason::Boilerplate(_) => "boilerplate",
        }
    }

    pub fn rule(self) -> Option<&'static str> {
        match self {
            DropReason::Boilerplate(rule) => Some(rule.as_str()),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DroppedParagraph {
    pub index: u32,
    pub reason: DropReason,
}

/// Everything needed to rebuild an article's record: remembered per article so that a
/// redelivery is republished identically even after the store has learned more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The content digest the outcome was decided for.
    pub digest: [u8; 16],
    /// The earlier article this one copies, if any.
    pub duplicate_of: Option<String>,
    /// Dropped paragraphs in index order; every other paragraph is kept.
    pub drops: Vec<DroppedParagraph>,
}

impl Outcome {
    /// The record's status: set here once, from whether the article copies an earlier one.
    pub fn status(&self) -> Status {
        match self.duplicate_of {
            Some(_) => Status::Duplicate,
            None => Status::Clean,
        }
    }
}

pub(super) fn decide(engine: &Engine, prepared: &Prepared, facts: &Facts) -> Outcome {
    let settings = &engine.boilerplate;
    let paras = &prepared.paras;
    let mut reasons: Vec<Option<DropReason>> = vec![None; paras.len()];

    // 1–3: exact, stateless.
    let mut seen = foldhash::HashSet::default();
    for (i, p) in paras.iter().enumerate() {
        reasons[i] = match p.keys {
            None => Some(DropReason::Empty),
            Some(k)
                if Some(k.content) == prepared.observation.title
                    || Some(k.content) == prepared.full_title =>
            {
                Some(DropReason::TitleEcho)
            }
            Some(k) if !seen.insert(k.content) => Some(DropReason::RepeatedInArticle),
            Some(_) => None,
        };
    }

    // 4–5: learned from the source's other articles.
    let articles = |i: usize| facts.template_articles[paras[i].template_slot];
    let observation = &prepared.observation;
    let other_title = |i: usize| {
        let slot = paras[i].content_slot;
        settings.link_list && observation.checks_title(slot) && facts.titles_of_others[slot]
    };
    let long = |i: usize| {
        paras[i]
            .shape
            .is_long_sentence(settings.long_paragraph_words)
    };
    let anchors: Vec<usize> = (0..paras.len())
        .filter(|&i| {
            reasons[i].is_none()
                && long(i)
                && articles(i) < settings.min_articles
                && !other_title(i)
        })
        .collect();
    let (first_anchor, last_anchor) = (anchors.first().copied(), anchors.last().copied());
    // Prose of the article's own: a sentence that is not (yet) recurring.
    let prose = |j: usize| {
        paras[j].shape.sentence_like && articles(j) < settings.min_articles && !other_title(j)
    };
    // A section heading: a line that leads into prose, with prose (or the start of the article)
    // before it, or that leads into the article's first prose paragraph (its kicker, its first
    // section head), or a line inside the prose span that introduces a list with ':'. Headings
    // such as "Interview" or "Ingredients:" recur across a source's articles and are news.
    let survivors: Vec<usize> = (0..paras.len()).filter(|&i| reasons[i].is_none()).collect();
    let heading = |i: usize| {
        let at = survivors.binary_search(&i).expect("i survives");
        let before = at.checked_sub(1).map(|b| survivors[b]);
        let next = survivors.get(at + 1).copied();
        let introduces_list = prepared.text(i).trim_end().ends_with(':')
            && first_anchor.is_some_and(|a| a < i)
            && last_anchor.is_some_and(|a| a > i);
        (next.is_some_and(prose) && before.is_none_or(prose))
            || (next.is_some() && next == first_anchor)
            || introduces_list
    };
    // The article with its margin: its prose span and the lines just around it, where its
    // byline, dateline, captions and section heads stand.
    let within = |i: usize, lines: usize| match (first_anchor, last_anchor) {
        (Some(first), Some(last)) => first.saturating_sub(lines) <= i && i <= last + lines,
        _ => false,
    };
    let margin = settings.article_margin_lines;
    let in_margin = |i: usize| within(i, margin);
    // The article's headline, when the body repeats it above the prose, starts its header: a
    // dateline next to it is the article's too.
    let headline = first_anchor.and_then(|first| {
        (0..first)
            .rev()
            .find(|&i| reasons[i] == Some(DropReason::TitleEcho))
    });
    let by_headline = |i: usize| headline.is_some_and(|h| i.abs_diff(h) <= margin);
    // A dateline or byline, or a caption with its credit, in the margin is the article's; one
    // whose exact text no earlier article had (this article's own date) reaches further out, to
    // the header above a picture or the signature under the share buttons.
    let new_text = |i: usize| facts.holders[paras[i].content_slot].is_none();
    // A date set as a column of short lines ("16" / "July" / "2012") reads as one.
    let split_date = |i: usize| {
        let short = |j: usize| paras[j].shape.words <= 2;
        (i.saturating_sub(2)..=i).any(|from| {
            (from + 1..(from + 3).min(paras.len())).any(|to| {
                (from..=to).contains(&i)
                    && (from..=to).all(short)
                    && shape::reads_as_dateline(
                        &(from..=to)
                            .map(|j| prepared.text(j))
                            .collect::<Vec<_>>()
                            .join(" "),
                    )
            })
        })
    };
    let dateline = |i: usize| {
        let text = prepared.text(i);
        (in_margin(i) || by_headline(i) || (new_text(i) && within(i, DATELINE_REACH * margin)))
            && (shape::reads_as_dateline(text)
                || shape::ends_with_credit(text, paras[i].shape.words)
                || (paras[i].shape.words <= 2 && split_date(i)))
    };
    for (i, reason) in reasons.iter_mut().enumerate() {
        if reason.is_some() {
            continue;
        }
        // Interior: prose inside the article's prose span, or a section heading.
        let interior =
            (long(i) && first_anchor.is_some_and(|a| a < i) && last_anchor.is_some_and(|a| a > i))
                || (!long(i) && heading(i));
        let needed = if interior {
            settings.interior_min_articles
        } else {
            settings.min_articles
        };
        if articles(i) >= needed && !dateline(i) {
            *reason = Some(DropReason::Boilerplate(BoilerplateRule::Learned));
        } else if other_title(i) && !interior {
            *reason = Some(DropReason::Boilerplate(BoilerplateRule::LinkList));
        }
    }

    // HTML only: what the page itself says a block is (see [`PageSignals`]), then the rules that
    // look at what is left.
    let finish = |base: &[Option<DropReason>], page: PageSignals| {
        let mut reasons = base.to_vec();
        for (p, reason) in paras.iter().zip(reasons.iter_mut()) {
            let (Some(signals), None) = (p.html, *reason) else {
                continue;
            };
            let landmark = signals
                .landmark
                .filter(|&l| page.landmarks && Some(l) != page.spared);
            if settings.html_landmarks && landmark.is_some() {
                *reason = Some(DropReason::Boilerplate(BoilerplateRule::Landmark));
            } else if page.link_density && signals.link_density() >= settings.html_max_link_density
            {
                *reason = Some(DropReason::Boilerplate(BoilerplateRule::LinkDensity));
            } else if page.main_content && settings.html_main_content && signals.outside_main {
                *reason = Some(DropReason::Boilerplate(BoilerplateRule::OutsideMain));
            }
        }

        // 7: runs of fragments (menus, link lists, tag clouds) outside the article's prose span,
        // when the run holds evidence: a line already known as boilerplate, or repeated on the page
        // (menus often stand at the top and the bottom). Table rows (two or more numbers) are not
        // fragments, and a run that a line ending in ':' introduces is the article's own list.
        // HTML pages say where their menus are (landmarks, link density, the main container);
        // this heuristic is for plain text.
        let plain = paras.iter().all(|p| p.html.is_none());
        if plain && first_anchor.is_some() {
            let outside = |i: usize| !in_margin(i);
            let introduces = |i: usize| prepared.text(i).trim_end().ends_with(':');
            let fragment = |i: usize| {
                let shape = paras[i].shape;
                !shape.sentence_like
                    && shape.numbers < 2
                    && !introduces(i)
                    && !shape::is_sentence_item(prepared.text(i), shape.words)
                    && !dateline(i)
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
                if run.len() >= settings.run_min_lines && known && !introduced {
                    for &j in &run {
                        reasons[j] = Some(DropReason::Boilerplate(BoilerplateRule::FragmentRun));
                    }
                }
                run.clear();
            }
        }

        // 6: edge markers in the trailing part, measured in the article's own characters
        // (without what 1–3 dropped, so a pasted second copy does not push a footer forward).
        let own_chars: Vec<usize> = paras
            .iter()
            .zip(&reasons)
            .map(|(p, r)| match (p.keys, r) {
                (Some(k), None | Some(DropReason::Boilerplate(_))) => k.chars,
                _ => 0,
            })
            .collect();
        let total: usize = own_chars.iter().sum();
        let mut after = total;
        let mut zone_open = false;
        for i in 0..paras.len() {
            after -= own_chars[i];
            let p = &paras[i];
            let in_trailing_part = (after as f64) <= settings.marker_trailing_share * total as f64;
            if p.marker && (zone_open || in_trailing_part) {
                zone_open = true;
                set_if_kept(&mut reasons[i], BoilerplateRule::EdgeMarker);
            } else if zone_open && reasons[i].is_none() {
                if long(i) {
                    zone_open = false;
                } else if (!p.shape.sentence_like || p.shape.words < settings.zone_short_words)
                    && !dateline(i)
                {
                    set_if_kept(&mut reasons[i], BoilerplateRule::TrailingZone);
                }
            }
        }

        // The operator's allow list overrides every boilerplate rule.
        for (p, reason) in paras.iter().zip(reasons.iter_mut()) {
            if let (Some(DropReason::Boilerplate(_)), Some(keys)) = (*reason, p.keys)
                && engine.allowed(&prepared.observation.source, &keys.content)
            {
                *reason = None;
            }
        }

        reasons
    };
    // A page the page signals would leave with no paragraph at all is not what they are for (the
    // article in an element misnamed "comments" or "footer", the main container found in the
    // wrong place, a page of captions that are links): it is decided again without the main
    // container and the landmark kind that holds most of the page's prose, then, if it is still
    // empty, without any page signal.
    let kept = |reasons: &[Option<DropReason>]| reasons.iter().any(Option::is_none);
    let mut decided = finish(&reasons, PageSignals::ALL);
    if !kept(&decided) && paras.iter().any(|p| p.html.is_some()) {
        let mut prose_by_landmark: HashMap<Landmark, usize> = HashMap::new();
        for (i, p) in paras.iter().enumerate() {
            if let (Some(landmark), None, Some(keys)) =
                (p.html.and_then(|s| s.landmark), reasons[i], p.keys)
                && long(i)
            {
                *prose_by_landmark.entry(landmark).or_default() += keys.chars;
            }
        }
        let spared = prose_by_landmark
            .into_iter()
            .max_by_key(|&(landmark, chars)| (chars, landmark.as_str()))
            .map(|(landmark, _)| landmark);
        let fallbacks = [
            PageSignals {
                spared,
                main_content: false,
                ..PageSignals::ALL
            },
            PageSignals::NONE,
        ];
        // Last, what the source's other pages share (learned lines, link lists, the trailing
        // zone) is no reason to empty a page either: its own signals alone then decide.
        let unlearned: Vec<Option<DropReason>> = reasons
            .iter()
            .map(|r| r.filter(|r| !matches!(r, DropReason::Boilerplate(_))))
            .collect();
        if let Some(fallback) = fallbacks
            .into_iter()
            .map(|page| finish(&reasons, page))
            .chain(
                [PageSignals::ALL, fallbacks[0], PageSignals::NONE]
                    .into_iter()
                    .map(|page| finish(&unlearned, page)),
            )
            .find(|r| kept(r))
        {
            decided = fallback;
        }
    }
    let reasons = decided;

    let duplicate_of = copied_article(engine, prepared, facts, &reasons);
    let drops = reasons
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.map(|reason| DroppedParagraph {
                index: i as u32,
                reason,
            })
        })
        .collect();
    Outcome {
        digest: prepared.observation.digest,
        duplicate_of,
        drops,
    }
}

/// Which page signals an HTML article is decided with.
#[derive(Clone, Copy)]
struct PageSignals {
    landmarks: bool,
    /// A landmark kind not applied.
    spared: Option<Landmark>,
    link_density: bool,
    main_content: bool,
}

impl PageSignals {
    const ALL: PageSignals = PageSignals {
        landmarks: true,
        spared: None,
        link_density: true,
        main_content: true,
    };
    const NONE: PageSignals = PageSignals {
        landmarks: false,
        spared: None,
        link_density: false,
        main_content: false,
    };
}

fn set_if_kept(reason: &mut Option<DropReason>, rule: BoilerplateRule) {
    if reason.is_none() {
        *reason = Some(DropReason::Boilerplate(rule));
    }
}

/// The earlier article this one copies, decided on the article's own text.
///
/// A re-publication holds the story: at least `containment` of the article's kept prose is
/// held by one earlier article. Pages of one site share chrome the source has not learned yet
/// (menus, an author blurb, lists of other headlines), so held text the source's other pages
/// also have (its template seen in them) is no evidence by itself. It is evidence when the
/// article repeats a headline the source used recently (the same story published again) and
/// the holder then holds `containment` of its prose and of its kept paragraphs by count.
/// Ties go to the smaller id, so the answer never depends on hash-map order.
fn copied_article(
    engine: &Engine,
    prepared: &Prepared,
    facts: &Facts,
    reasons: &[Option<super::DropReason>],
) -> Option<String> {
    let kept: Vec<&super::Para> = prepared
        .paras
        .iter()
        .zip(reasons)
        .filter(|(p, r)| p.keys.is_some() && r.is_none())
        .map(|(p, _)| p)
        .collect();
    // The story is in the prose: chrome that is not learned yet (menus, bylines, a site's
    // footer on its first articles) would dilute the share of a copy from another site.
    // Without prose, every kept paragraph counts.
    let prose: Vec<&super::Para> = kept
        .iter()
        .copied()
        .filter(|p| engine.is_prose(p.shape))
        .collect();
    let units = if prose.is_empty() { &kept } else { &prose };
    let on_site = |p: &super::Para| facts.template_articles[p.template_slot] > 0;
    let holder_of = |p: &super::Para| {
        facts.holders[p.content_slot]
            .as_deref()
            .filter(|&h| h != prepared.article.id)
    };
    let chars = |p: &super::Para| p.keys.map_or(0, |k| k.chars);
    let share = |paras: &[&super::Para],
                 weight: &dyn Fn(&super::Para) -> usize,
                 counts: &dyn Fn(&super::Para) -> bool| {
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

#[cfg(test)]
mod tests {
    use crate::article::RawArticle;
    use crate::clean::{Engine, Facts};

    /// The paragraphs a fresh engine with the default settings keeps of an HTML page.
    fn kept(html: &str) -> Vec<String> {
        let settings = crate::config::load_from(None, Vec::new()).unwrap().settings;
        let engine = Engine::new(settings.boilerplate, settings.copies);
        let raw = serde_json::json!({"id": "a", "source": "s", "content_type": "text/html",
            "body": html});
        let article = RawArticle::parse(raw.to_string().as_bytes(), usize::MAX).unwrap();
        let prepared = engine.prepare(article).unwrap();
        let outcome = engine.decide(&prepared, &Facts::fresh(&prepared.observation));
        (0..prepared.paras.len())
            .filter(|&i| outcome.drops.iter().all(|d| d.index as usize != i))
            .map(|i| prepared.text(i).to_string())
            .collect()
    }

    const STORY: &str = "The council voted on Tuesday to keep the old bridge open to cyclists \
        and walkers while the new one is being built upstream.";

    #[test]
    fn page_signals_drop_chrome_around_the_article() {
        let html = format!(
            "<nav><a href=/>Home</a></nav><div class=story><p>{STORY}</p><p>{STORY} Again.</p>\
             <p>{STORY} Once more.</p></div><div class=comments><p>First!</p></div>"
        );
        assert_eq!(kept(&html).len(), 3);
    }

    #[test]
    fn an_article_the_page_signals_would_empty_keeps_its_text() {
        // The whole story sits in an element whose class names comments.
        let html = format!(
            "<nav><a href=/>Home</a></nav><div class=comment-free-zone><p>{STORY}</p>\
             <p>{STORY} Again.</p></div><footer>Contact us</footer>"
        );
        let kept = kept(&html);
        assert!(kept.iter().any(|p| p == STORY), "{kept:?}");
        assert!(
            !kept.iter().any(|p| p == "Contact us" || p == "Home"),
            "{kept:?}"
        );
    }

    #[test]
    fn a_page_whose_every_line_recurs_on_the_site_keeps_its_main_text() {
        let settings = crate::config::load_from(None, Vec::new()).unwrap().settings;
        let engine = Engine::new(settings.boilerplate, settings.copies);
        let html = format!(
            "<nav><a href=/>Home</a> <a href=/news>News</a></nav><div class=story>\
             <p>Monday 24 July, updated 07:12</p><p>{STORY}</p></div><footer>Contact us</footer>"
        );
        let raw = serde_json::json!({"id": "a", "source": "s", "content_type": "text/html",
            "body": html});
        let article = RawArticle::parse(raw.to_string().as_bytes(), usize::MAX).unwrap();
        let prepared = engine.prepare(article).unwrap();
        let mut facts = Facts::fresh(&prepared.observation);
        // Every line already seen on many other pages of the source.
        facts.template_articles = vec![50; facts.template_articles.len()];
        let outcome = engine.decide(&prepared, &facts);
        let kept: Vec<&str> = (0..prepared.paras.len())
            .filter(|&i| outcome.drops.iter().all(|d| d.index as usize != i))
            .map(|i| prepared.text(i))
            .collect();
        assert!(kept.contains(&STORY), "{kept:?}");
        assert!(!kept.contains(&"Contact us"), "{kept:?}");
    }

    #[test]
    fn a_page_of_links_only_keeps_them_rather_than_nothing() {
        let html = "<ul><li><a href=/a>Photos of the parade</a></li>\
                    <li><a href=/b>Video of the parade</a></li></ul>";
        assert_eq!(kept(html).len(), 2);
    }
}
