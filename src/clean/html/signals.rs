//! Page-level signals of a block: the landmark it sits in and whether it is outside the page's
//! main content. The decisions (`clean::decide`) turn them into drops.

use std::borrow::Cow;

use super::{Block, Landmark};

/// How many enclosing elements a block remembers for finding the main content. The main
/// container sits within a few levels of its text; a bound keeps deep pages linear.
pub(super) const PATH_DEPTH: usize = 32;

/// Share of the page's prose the main container must hold.
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
            let names = || {
                attrs
                    .iter()
                    .filter(|(key, _)| {
                        key.eq_ignore_ascii_case("id") || key.eq_ignore_ascii_case("class")
                    })
                    .map(|(_, value)| &**value)
            };
            if names().any(names_comments) {
                Some(Landmark::Comments)
            } else if names().any(names_footer) {
                Some(Landmark::Footer)
            } else {
                None
            }
        }
    }
}

/// An id or class that names a comment section: a whole class name or id that begins with
/// "comment" or "disqus" ("comments", "comment-list", "disqus_thread") or is "replies". Words
/// inside longer names ("f_comments_on", a feature flag on `<body>`) do not count.
fn names_comments(value: &str) -> bool {
    value.split_ascii_whitespace().any(|name| {
        starts_with_ignore_case(name, "comment")
            || starts_with_ignore_case(name, "disqus")
            || name.eq_ignore_ascii_case("replies")
    })
}

/// A class name or id that names a footer: "footer", "site-footer", "footer_links".
fn names_footer(value: &str) -> bool {
    value.split_ascii_whitespace().any(|name| {
        let name = name.as_bytes();
        name.len() >= 6
            && (name[..6].eq_ignore_ascii_case(b"footer")
                || name.len() >= 7
                    && (name[name.len() - 7..].eq_ignore_ascii_case(b"-footer")
                        || name[name.len() - 7..].eq_ignore_ascii_case(b"_footer")))
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

/// Finds the deepest element holding at least [`MAIN_SHARE`] of the page's prose, and marks
/// every block outside it.
pub(super) fn mark_outside_main(blocks: &mut [Block]) {
    let total: usize = blocks.iter().map(prose_weight).sum();
    if total < MAIN_MIN_PROSE {
        return;
    }
    let mut held: std::collections::HashMap<u32, (usize, u32)> = std::collections::HashMap::new();
    for block in blocks.iter() {
        let weight = prose_weight(block);
        if weight == 0 {
            continue;
        }
        for &(id, depth) in &block.path {
            held.entry(id).or_insert((0, depth)).0 += weight;
        }
    }
    let main = held
        .iter()
        .filter(|(_, (weight, _))| *weight as f64 >= MAIN_SHARE * total as f64)
        .max_by_key(|(id, (_, depth))| (*depth, std::cmp::Reverse(**id)))
        .map(|(id, _)| *id);
    let Some(main) = main else {
        return;
    };
    for block in blocks.iter_mut() {
        block.signals.outside_main = !block.path.iter().any(|&(id, _)| id == main);
    }
}
