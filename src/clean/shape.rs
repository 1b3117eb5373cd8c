//! What a paragraph looks like, independent of any site: its length in words and whether it
//! reads as a sentence. The boilerplate guard rails use these to ask for more evidence before
//! dropping prose, and the trailing zone drops only what does not look like prose.

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

    /// Prose: a sentence of at least `long_words` words.
    pub fn is_long_sentence(&self, long_words: usize) -> bool {
        self.sentence_like && self.words >= long_words
    }
}

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
