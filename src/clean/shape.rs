//! What a paragraph looks like, independent of any site: its length in words and whether it
//! reads as a sentence. The boilerplate guard rails use these to ask for more evidence before
//! dropping prose, and the trailing zone drops only what does not look like prose.

use super::key::TokenCounts;

/// The shape of one paragraph's original text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// Whitespace-separated words with a letter or digit; each Han or kana character counts as
    /// one word, since those scripts do not separate words with spaces.
    pub words: usize,
    /// Starts like a sentence (not a list bullet, first letter not lowercase) and ends with
    /// terminal punctuation, possibly followed by closing quotes or brackets.
    pub sentence_like: bool,
    /// Whitespace-separated tokens that are numbers ("36", "5,040", "37.6%"): table rows have
    /// several.
    pub numbers: usize,
}

impl Shape {
    pub fn of(text: &str) -> Shape {
        let (mut words, mut numbers) = (0, 0);
        if text.is_ascii() {
            // ASCII whitespace is what `split_whitespace` splits ASCII text at (a paragraph
            // holds no vertical tab, which ends lines).
            for token in text.as_bytes().split(|b| matches!(b, b' ' | b'\t'..=b'\r')) {
                let (token_words, number) = ascii_token(token);
                words += token_words;
                numbers += usize::from(number);
            }
            return Shape {
                words,
                sentence_like: starts_like_sentence(text) && ends_like_sentence(text),
                numbers,
            };
        }
        for token in text.split_whitespace() {
            let (token_words, number) = if token.is_ascii() {
                ascii_token(token.as_bytes())
            } else {
                unicode_token(token)
            };
            words += token_words;
            numbers += usize::from(number);
        }
        Shape {
            words,
            sentence_like: starts_like_sentence(text) && ends_like_sentence(text),
            numbers,
        }
    }

    /// The shape of text whose tokens were counted in the pass that normalized it.
    pub fn of_counted(text: &str, counts: TokenCounts) -> Shape {
        Shape {
            words: counts.words,
            sentence_like: starts_like_sentence(text) && ends_like_sentence(text),
            numbers: counts.numbers,
        }
    }

    /// Prose: a sentence of at least `long_words` words.
    pub fn is_long_sentence(&self, long_words: usize) -> bool {
        self.sentence_like && self.words >= long_words
    }
}

/// Most words a dateline or byline has ("Posted by NAME on Monday, November 12, 2012 at 9:14 AM").
const DATELINE_MAX_WORDS: usize = 15;

/// Words that open a byline or a credit line ("Photo Credit: …").
const BYLINE_OPENERS: &[&str] = &[
    "by",
    "posted",
    "written",
    "published",
    "updated",
    "filed",
    "submitted",
    "reporting",
    "photo",
    "photograph",
    "image",
    "credit",
    "illustration",
    "picture",
];

const MONTHS: &[&str] = &[
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A short line that dates or signs the article: a month name next to a day number, a clock
/// time ("9:14", "10.55am" is not one), a numeric date ("07/19/2012", "11-07-12"), or an
/// opening "By", "Posted", "Updated"… These are the article's own text when they stand next to
/// its prose, however often their template recurs on the site.
pub fn reads_as_dateline(text: &str) -> bool {
    let mut tokens = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric() && c != ':' && c != '/'))
        .filter(|t| !t.is_empty());
    let Some(first) = tokens.next() else {
        return false;
    };
    if tokens.clone().nth(DATELINE_MAX_WORDS - 1).is_some() {
        return false;
    }
    let opener = first.trim_matches(|c: char| !c.is_alphanumeric());
    if BYLINE_OPENERS
        .iter()
        .any(|w| opener.eq_ignore_ascii_case(w))
    {
        return true;
    }
    // Every other form holds a digit; most lines a rule asks about (menus, footers) have none.
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let month = |t: &str| {
        let t = t.trim_end_matches('.');
        MONTHS.iter().any(|m| t.eq_ignore_ascii_case(m))
    };
    let day = |t: &str| {
        let digits = t.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = &t[digits.len()..];
        (1..=2).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && ["", "st", "nd", "rd", "th"]
                .iter()
                .any(|s| suffix.eq_ignore_ascii_case(s))
    };
    let numeric_date = |t: &str| {
        let mut parts = 0;
        t.split(['/', '-', '.']).all(|p| {
            parts += 1;
            (1..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
        }) && parts == 3
    };
    let clock = |t: &str| {
        t.split_once(':').is_some_and(|(h, m)| {
            (1..=2).contains(&h.len())
                && h.bytes().all(|b| b.is_ascii_digit())
                && m.len() >= 2
                && m.as_bytes()[..2].iter().all(u8::is_ascii_digit)
        })
    };
    let mut previous = first;
    std::iter::once(first).chain(tokens).any(|t| {
        let pair = (month(previous) && day(t)) || (day(previous) && month(t));
        previous = t;
        pair || numeric_date(t) || clock(t)
    })
}

/// A caption that ends with its picture's credit in brackets: "(Vincent Yu/Associated Press)",
/// "(Fayez Nureldine — AFP/Getty Images)".
pub fn ends_with_credit(text: &str, words: usize) -> bool {
    let Some(inner) = text.trim_end().strip_suffix(')') else {
        return false;
    };
    let Some(open) = inner.rfind('(') else {
        return false;
    };
    let credit = &inner[open + 1..];
    words >= CAPTION_MIN_WORDS && !credit.contains(['(', ')']) && credit.contains(['/', '—', '–'])
}

const CAPTION_MIN_WORDS: usize = 5;

/// A list item that reads as a sentence ("• The seven best zoo ads of the last five years."):
/// an article's own list, where a menu's items do not end like sentences.
pub fn is_sentence_item(text: &str, words: usize) -> bool {
    words >= SENTENCE_ITEM_MIN_WORDS && ends_like_sentence(text)
}

const SENTENCE_ITEM_MIN_WORDS: usize = 4;

fn is_ideographic(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Words in one whitespace-separated token, and whether it is a number ("36", "5,040",
/// "37.6%", with any punctuation around it).
fn unicode_token(token: &str) -> (usize, bool) {
    let ideographs = token.chars().filter(|&c| is_ideographic(c)).count();
    let has_other = token
        .chars()
        .any(|c| c.is_alphanumeric() && !is_ideographic(c));
    let core = token.trim_matches(|c: char| !c.is_alphanumeric());
    (ideographs + usize::from(has_other), is_number(core))
}

/// The same for an ASCII token, byte by byte.
fn ascii_token(token: &[u8]) -> (usize, bool) {
    let Some(first) = token.iter().position(u8::is_ascii_alphanumeric) else {
        return (0, false);
    };
    let last = token
        .iter()
        .rposition(u8::is_ascii_alphanumeric)
        .unwrap_or(first);
    let core = &token[first..=last];
    let number = core
        .iter()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b',' | b'%'))
        && core.iter().any(u8::is_ascii_digit);
    (1, number)
}

fn is_number(core: &str) -> bool {
    !core.is_empty()
        && core
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '%'))
        && core.chars().any(|c| c.is_ascii_digit())
}

/// List bullets: a line that starts with one of these and a space is a list item, not a sentence.
const BULLETS: &[char] = &['-', '–', '—', '•', '·', '*', '▪', '►', '»', '›', '>', '|'];

fn starts_like_sentence(text: &str) -> bool {
    let mut chars = text.chars();
    if let Some(first) = chars.next()
        && BULLETS.contains(&first)
        && chars.next().is_none_or(char::is_whitespace)
    {
        return false;
    }
    // The first letter decides: "(AP) A potential…" and "“Today…" start sentences,
    // "information as is…" (a hard-wrapped continuation) does not. Caseless scripts pass.
    match text.chars().find(|c| c.is_alphanumeric()) {
        Some(c) => !c.is_lowercase(),
        None => false,
    }
}

const CLOSERS: &[char] = &['"', '\'', '”', '’', ')', ']', '»', '›', '」', '』', '）'];
const TERMINALS: &[char] = &['.', '!', '?', '…', '。', '！', '？', '؟', '।', '॥', '։'];

fn ends_like_sentence(text: &str) -> bool {
    let trimmed = text.trim_end().trim_end_matches(CLOSERS);
    trimmed.ends_with(TERMINALS)
}

#[cfg(test)]
mod tests {
    use super::Shape;

    #[test]
    fn sentences_and_fragments() {
        assert!(Shape::of("“Today was a good day,” Rubio told a news agency.").sentence_like);
        assert!(Shape::of("(AP) A potential route may be emerging.").sentence_like);
        assert!(Shape::of("He added, “We are closer.”").sentence_like);
        assert!(!Shape::of("information “as is” without warranty. We do not accept").sentence_like);
        assert!(!Shape::of("issues related to this article, kindly contact us.").sentence_like);
        assert!(!Shape::of("- What Is The Growth Rate Of The Market In 2025?").sentence_like);
        assert!(!Shape::of("Most popular stories").sentence_like);
        assert!(!Shape::of("2019").sentence_like);
    }

    #[test]
    fn datelines_and_bylines() {
        for line in [
            "Posted by Max Fisher on October 31, 2012 at 5:27 pm",
            "by John on July 14, 2012",
            "updated 4:01 PM EST, Wed November 7, 2012",
            "24 July 2012 Last updated at 07:12 ET",
            "Thursday, October 11th, 2012",
            "Posted on: 07-19-2012",
            "By NATE SILVER",
            "03:40 PM EDT",
            "Photo Credit: Example Images",
        ] {
            assert!(super::reads_as_dateline(line), "{line}");
        }
        for line in [
            "Most popular stories",
            "May the best team win",
            "Top 5 BuzzFeed posts of the week.",
            "Maybe",
            "Call 555-0100 today",
            "The council voted on Tuesday to keep the old bridge open to cyclists and walkers \
             while the new one is being built upstream, by a margin of 7 to 2 on May 3.",
        ] {
            assert!(!super::reads_as_dateline(line), "{line}");
        }
    }

    #[test]
    fn captions_with_credits() {
        assert!(super::ends_with_credit(
            "People walk past a pumpkin. (Vincent Yu/Associated Press)",
            8
        ));
        assert!(!super::ends_with_credit("Read more (2 min)", 3));
        assert!(!super::ends_with_credit("Prices rose (see chart).", 4));
    }

    #[test]
    fn numbers_are_counted() {
        assert_eq!(Shape::of("36 5,040 (37.6%) x1 1x -").numbers, 3);
        assert_eq!(Shape::of("«36» ٣٤ 12").numbers, 2);
    }

    #[test]
    fn words_in_spaced_and_unspaced_scripts() {
        assert_eq!(Shape::of("Hello, big world — again.").words, 4);
        assert_eq!(Shape::of("東京は晴れ").words, 5);
        assert_eq!(Shape::of("-- * --").words, 0);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    proptest! {
        /// ASCII text, split byte by byte, has the shape the general path gives it.
        #[test]
        fn ascii_text_agrees(text in "[\\x00-\\x7f]{0,40}") {
            let general = text.split_whitespace().map(super::unicode_token).fold(
                (0, 0),
                |(w, n), (tw, tn)| (w + tw, n + usize::from(tn)),
            );
            let shape = super::Shape::of(&text);
            prop_assert_eq!((shape.words, shape.numbers), general);
        }

        /// The ASCII token path agrees with the Unicode one.
        #[test]
        fn ascii_tokens_agree(token in "[\\x21-\\x7e]{1,12}") {
            prop_assert_eq!(super::ascii_token(token.as_bytes()), super::unicode_token(&token));
        }
    }
}
