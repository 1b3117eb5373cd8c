//! Page-level signals of a block: the landmark it sits in and whether it is outside the page's
//! main content. The decisions (`clean::decide`) turn them into drops.

use std::borrow::Cow;
use std::collections::HashMap;

use super::{Block, Landmark};

/// How many enclosing elements a block remembers for finding the main content. The main
/// container sits within a few levels of its text; a bound keeps deep pages linear.
pub(super) const PATH_DEPTH: usize = 32;

/// Share of the page's (counted) prose the main container must hold.
const MAIN_SHARE: f64 = 0.66;

/// A block shorter than this (in characters) is not prose for finding the main container.
const PROSE_MIN_CHARS: usize = 80;

/// A page with less prose than this (in characters) has no main container worth finding.
const MAIN_MIN_PROSE: usize = 250;

/// The landmark an element opens, from its name and its id and class.
pub(super) fn landmark(
    name: &str,
    attrs: &[(&str, Cow<'_, str>)],
    in_article: bool,
) -> Option<Landmark> {
    match name {
        "nav" => Some(Landmark::Nav),
        "aside" => Some(Landmark::Aside),
        "footer" => Some(Landmark::Footer),
        "header" if !in_article => Some(Landmark::Header),
        "body" | "html" | "main" | "article" => None,
        _ => {
            // One pass over the names; a comment section's name wins over a footer's, a
            // footer's over a sidebar's.
            let (mut footer, mut sidebar) = (false, false);
            let names = attrs
                .iter()
                .filter(|(key, _)| {
                    key.eq_ignore_ascii_case("id") || key.eq_ignore_ascii_case("class")
                })
                .flat_map(|(_, value)| value.split_ascii_whitespace());
            for name in names {
                if names_comments(name) {
                    return Some(Landmark::Comments);
                }
                footer = footer || names_footer(name);
                sidebar = sidebar || names_sidebar(name);
            }
            if footer {
                Some(Landmark::Footer)
            } else if sidebar {
                Some(Landmark::Aside)
            } else {
                None
            }
        }
    }
}

/// An id or class that names a comment section: a whole class name or id that begins with
/// "comment" or "disqus" ("comments", "comment-list", "disqus_thread") or is "replies". Words
/// inside longer names ("f_comments_on", a feature flag on `<body>`) do not count.
fn names_comments(name: &str) -> bool {
    starts_with_ignore_case(name, "comment")
        || starts_with_ignore_case(name, "disqus")
        || name.eq_ignore_ascii_case("replies")
}

/// A class name or id that names a footer: "footer", "site-footer", "footer_links".
fn names_footer(name: &str) -> bool {
    let name = name.as_bytes();
    name.len() >= 6
        && (name[..6].eq_ignore_ascii_case(b"footer")
            || name.len() >= 7
                && (name[name.len() - 7..].eq_ignore_ascii_case(b"-footer")
                    || name[name.len() - 7..].eq_ignore_ascii_case(b"_footer")))
}

/// A class name or id that names a sidebar, the `<aside>` of pages written before it:
/// "sidebar", "sidebar2", "sidebar-left", "left-sidebar". Layout flags on a wrapper
/// ("has-sidebar", "with-sidebar", "no-sidebar") name the page, not a sidebar.
fn names_sidebar(name: &str) -> bool {
    // Every prefix below begins with one of these letters and is 7 bytes or longer.
    if name.len() < 7 || !matches!(name.as_bytes()[0] | 0x20, b's' | b'l' | b'r') {
        return false;
    }
    [
        "sidebar",
        "left-sidebar",
        "right-sidebar",
        "left_sidebar",
        "right_sidebar",
    ]
    .iter()
    .any(|prefix| {
        starts_with_ignore_case(name, prefix)
            // A word of its own: "sidebar2", "sidebar-left", "sidebarWrap", not "sidebarless".
            && !name[prefix.len()..].starts_with(|c: char| c.is_ascii_lowercase())
    })
}

fn starts_with_ignore_case(name: &str, prefix: &str) -> bool {
    name.len() >= prefix.len()
        && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Prose that speaks for the main content: a long block, mostly not links, in no landmark.
fn prose_weight(block: &Block) -> usize {
    let s = &block.signals;
    if s.landmark.is_none() && s.link_density() < 0.3 && s.chars >= PROSE_MIN_CHARS {
        s.chars
    } else {
        0
    }
}

/// Share of the largest cluster's prose another cluster needs to count for finding the main
/// container.
const CLUSTER_SHARE: f64 = 0.3;

/// The element a block belongs with: the deepest element it shares with the block before or the
/// block after it. Article paragraphs share their body element; a teaser's paragraph shares only
/// its own small box with its headline.
fn cluster(blocks: &[Block], i: usize) -> Option<u32> {
    let shared = |j: usize| {
        blocks[i]
            .path
            .iter()
            .rev()
            .find(|(id, _)| blocks[j].path.iter().any(|(other, _)| other == id))
            .copied()
    };
    let before = i.checked_sub(1).and_then(shared);
    let after = (i + 1 < blocks.len()).then(|| shared(i + 1)).flatten();
    match (before, after) {
        (Some(b), Some(a)) => Some(if a.1 > b.1 { a.0 } else { b.0 }),
        (b, a) => b.or(a).map(|(id, _)| id),
    }
}

/// Finds the page's main container and marks every block outside it.
///
/// Prose is grouped in clusters (the element a paragraph shares with its neighbours, see
/// [`cluster`]). A cluster counts only when it holds at least [`CLUSTER_SHARE`] of the largest
/// cluster's prose, so that teasers of other stories (a paragraph each in its own box), a
/// comment each in its own box or a dialog's small print do not pull the main container up to
/// the whole page. The main container is the deepest element holding at least [`MAIN_SHARE`] of
/// the counted prose among the largest cluster and its ancestors (never one long quote inside
/// the article).
pub(super) fn mark_outside_main(blocks: &mut [Block]) {
    let weights: Vec<usize> = blocks.iter().map(prose_weight).collect();
    let total: usize = weights.iter().sum();
    if total < MAIN_MIN_PROSE {
        return;
    }
    let clusters: Vec<Option<u32>> = (0..blocks.len())
        .map(|i| {
            if weights[i] > 0 {
                cluster(blocks, i)
            } else {
                None
            }
        })
        .collect();
    // Per cluster: prose characters, and a block in it.
    let mut by_cluster: HashMap<u32, (usize, usize)> = HashMap::new();
    for (i, cluster) in clusters.iter().enumerate() {
        if let Some(c) = cluster {
            by_cluster.entry(*c).or_insert((0, i)).0 += weights[i];
        }
    }
    let Some((&best, &(best_weight, best_block))) = by_cluster
        .iter()
        .max_by_key(|(id, (weight, _))| (*weight, std::cmp::Reverse(**id)))
    else {
        return;
    };
    let counts = |i: usize| {
        weights[i] > 0
            && clusters[i]
                .is_none_or(|c| by_cluster[&c].0 as f64 >= CLUSTER_SHARE * best_weight as f64)
    };
    let counted: usize = (0..blocks.len())
        .filter(|&i| counts(i))
        .map(|i| weights[i])
        .sum();
    let mut held: HashMap<u32, usize> = HashMap::new();
    for (i, block) in blocks.iter().enumerate() {
        if !counts(i) {
            continue;
        }
        for &(id, _) in &block.path {
            *held.entry(id).or_default() += weights[i];
        }
    }
    // The largest cluster and its ancestors, innermost first.
    let path = &blocks[best_block].path;
    let Some(at) = path.iter().position(|&(id, _)| id == best) else {
        return;
    };
    let ancestors = &path[..=at];
    let Some(mut main) = ancestors.iter().rposition(|(id, _)| {
        held.get(id)
            .is_some_and(|&w| w as f64 >= MAIN_SHARE * counted as f64)
    }) else {
        return;
    };
    // The article goes on where a paragraph of the same flow (its cluster is the main
    // container's parent) stands right before or after the main container: a lede above a
    // paywall box, the text around a long quote. Widen to the parent to take it in.
    let inside =
        |block: &Block, main: usize| block.path.iter().any(|&(id, _)| id == ancestors[main].0);
    while main > 0 {
        let first = blocks.iter().position(|b| inside(b, main));
        let last = blocks.iter().rposition(|b| inside(b, main));
        let (Some(first), Some(last)) = (first, last) else {
            return;
        };
        let parent = ancestors[main - 1].0;
        let continues = [first.checked_sub(1), Some(last + 1)]
            .into_iter()
            .flatten()
            .any(|j| j < blocks.len() && weights[j] > 0 && clusters[j] == Some(parent));
        if !continues {
            break;
        }
        main -= 1;
    }
    let main = ancestors[main].0;
    for block in blocks.iter_mut() {
        block.signals.outside_main = !block.path.iter().any(|&(id, _)| id == main);
    }
}

#[cfg(test)]
mod tests {
    use super::super::extract;

    /// A sentence of about `chars` characters, distinct per `seed`.
    fn prose(seed: usize, chars: usize) -> String {
        let mut text = format!("Sentence {seed} says");
        while text.len() < chars {
            text.push_str(" something plain");
        }
        text.push('.');
        text
    }

    fn outside(html: &str, seed: usize) -> bool {
        let start = format!("Sentence {seed} says");
        extract(html)
            .into_iter()
            .find(|b| b.text.starts_with(&start))
            .expect("block")
            .signals
            .outside_main
    }

    #[test]
    fn teasers_of_other_stories_do_not_pull_the_main_container_up() {
        let mut html = String::from("<body><article><div class=body>");
        for seed in 0..3 {
            html.push_str(&format!("<p>{}</p>", prose(seed, 300)));
        }
        html.push_str("</div></article><ul>");
        for seed in 10..18 {
            html.push_str(&format!(
                "<li><div><h3><a href=/{seed}>Another story</a></h3><p>{}</p></div></li>",
                prose(seed, 150)
            ));
        }
        html.push_str("</ul>");
        assert!(!outside(&html, 0));
        assert!(!outside(&html, 2));
        assert!(
            outside(&html, 10),
            "teasers hold more prose than the article"
        );
        assert!(outside(&html, 17));
    }

    #[test]
    fn a_lede_above_a_paywall_box_is_main_content() {
        let html = format!(
            "<body><div class=body><p>{}</p><div class=paywall><p>{}</p><p>{}</p><p>{}</p></div>\
             </div><div class=side><p>{}</p></div>",
            prose(0, 200),
            prose(1, 300),
            prose(2, 300),
            prose(3, 300),
            prose(4, 100)
        );
        assert!(!outside(&html, 0), "the lede");
        assert!(!outside(&html, 3));
        assert!(outside(&html, 4), "the sidebar");
    }

    #[test]
    fn a_long_quote_is_not_the_main_container() {
        let html = format!(
            "<body><div class=post><p>{}</p><blockquote><p>{}</p><p>{}</p></blockquote><p>{}</p>\
             </div><div class=side><p>{}</p></div>",
            prose(0, 150),
            prose(1, 400),
            prose(2, 400),
            prose(3, 150),
            prose(4, 100)
        );
        assert!(!outside(&html, 0));
        assert!(!outside(&html, 3));
        assert!(outside(&html, 4));
    }
}
