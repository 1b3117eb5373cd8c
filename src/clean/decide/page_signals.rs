//! HTML only: what the page itself says a block is (`landmark`, `link_density`,
//! `outside_main`), applied after rule 8, and the fallbacks for a page they would empty.

use std::collections::HashMap;

use super::span::Article;
use super::{BoilerplateRule, DropReason};
use crate::clean::html::Landmark;

/// Which page signals an HTML article is decided with.
#[derive(Clone, Copy)]
pub(super) struct PageSignals {
    landmarks: bool,
    /// A landmark kind not applied.
    spared: Option<Landmark>,
    link_density: bool,
    main_content: bool,
}

impl PageSignals {
    pub const ALL: PageSignals = PageSignals {
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

/// The page signals, on what rules 1–8 kept: a block in a landmark (`nav`, `aside`, `footer`,
/// comments …), else a block that is mostly link text, else a block outside the page's main
/// container, is the page's chrome.
pub(super) fn page_signals(
    article: &Article,
    reasons: &mut [Option<DropReason>],
    page: PageSignals,
) {
    let settings = article.settings;
    for (p, reason) in article.paras.iter().zip(reasons.iter_mut()) {
        let (Some(signals), None) = (p.html, *reason) else {
            continue;
        };
        let landmark = signals
            .landmark
            .filter(|&l| page.landmarks && Some(l) != page.spared);
        if settings.html_landmarks && landmark.is_some() {
            *reason = Some(DropReason::Boilerplate(BoilerplateRule::Landmark));
        } else if page.link_density && signals.link_density() >= settings.html_max_link_density {
            *reason = Some(DropReason::Boilerplate(BoilerplateRule::LinkDensity));
        } else if page.main_content && settings.html_main_content && signals.outside_main {
            *reason = Some(DropReason::Boilerplate(BoilerplateRule::OutsideMain));
        }
    }
}

/// A page the page signals would leave with no paragraph at all is not what they are for (the
/// article in an element misnamed "comments" or "footer", the main container found in the
/// wrong place, a page of captions that are links). What to decide it again with, in the order
/// tried, each with what rules 1–8 said (`reasons`): without the main container and the
/// landmark kind that holds most of the page's prose, then without any page signal. Last, what
/// the source's other pages share (rules 4 and 8) is no reason to empty a page either: without
/// what they dropped, with all the page signals, then with the two fallbacks above.
pub(super) fn fallbacks(
    article: &Article,
    reasons: &[Option<DropReason>],
) -> Vec<(Vec<Option<DropReason>>, PageSignals)> {
    let mut prose_by_landmark: HashMap<Landmark, usize> = HashMap::new();
    for (i, p) in article.paras.iter().enumerate() {
        if let (Some(landmark), None, Some(keys)) =
            (p.html.and_then(|s| s.landmark), reasons[i], p.keys)
            && article.long(i)
        {
            *prose_by_landmark.entry(landmark).or_default() += keys.chars;
        }
    }
    let spared = prose_by_landmark
        .into_iter()
        .max_by_key(|&(landmark, chars)| (chars, landmark.as_str()))
        .map(|(landmark, _)| landmark);
    let without_main = PageSignals {
        spared,
        main_content: false,
        ..PageSignals::ALL
    };
    let unlearned: Vec<Option<DropReason>> = reasons
        .iter()
        .map(|r| r.filter(|r| !matches!(r, DropReason::Boilerplate(_))))
        .collect();
    let mut tries = Vec::with_capacity(5);
    for page in [without_main, PageSignals::NONE] {
        tries.push((reasons.to_vec(), page));
    }
    for page in [PageSignals::ALL, without_main, PageSignals::NONE] {
        tries.push((unlearned.clone(), page));
    }
    tries
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
