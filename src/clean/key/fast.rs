//! The key format's recipe for the text most news is written in, without the Unicode tables:
//! ASCII, and the common non-ASCII characters of Western copy. Each path gives exactly what the
//! general path gives (property tests in `mod.rs` check it), or refuses.

use super::shingle::{LineShingles, ShingleSink};

/// Whitespace-separated tokens of a line, as [`Shape`](crate::clean::shape::Shape) counts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TokenCounts {
    /// Tokens with a letter or digit.
    pub words: usize,
    /// Tokens whose core (first to last letter or digit) is digits, '.', ',' and '%' only.
    pub numbers: usize,
}

/// [`normalize`](super::normalize) and the token counts of text in one pass, without the
/// Unicode tables. For ASCII text, NFKC is the identity, folding is lowercasing, no character is
/// default-ignorable and every punctuation character is Unicode P or S. Text whose every
/// non-ASCII character is one of the common ones in Western news copy (typographic quotes and
/// dashes, the ellipsis, guillemets, no-break space, bullets, Latin-1 letters) maps character
/// by character: those are starters that compose with nothing. `None` for any other text: the engine derives both for every line it has not
/// seen, and each costs a pass of its own otherwise. A property test checks it agrees with
/// `normalize` and `Shape::of`.
pub fn normalize_counting(text: &str) -> Option<(String, TokenCounts)> {
    if text.is_ascii() {
        return Some(normalize_ascii(text, &mut ()));
    }
    normalize_latin(text, &mut ())
}

/// [`normalize_counting`] and the normalized text's shingles, made in the same pass.
pub fn normalize_counting_shingling(text: &str) -> Option<(String, TokenCounts, LineShingles)> {
    let mut sink = ShingleSink::with_capacity(text.len());
    let (out, counts) = if text.is_ascii() {
        normalize_ascii(text, &mut sink)
    } else {
        normalize_latin(text, &mut sink)?
    };
    let shingles = sink.finish(out.as_bytes());
    Some((out, counts, shingles))
}

/// The Latin path: every character maps to one character, or to a gap.
fn normalize_latin(text: &str, words: &mut impl WordSink) -> Option<(String, TokenCounts)> {
    let mut counter = TokenCounter::new();
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        let (folded, is_gap) = latin_fold(c)?;
        // Every character the Latin path knows is a letter, a digit or a gap, never both.
        match () {
            _ if !is_gap => counter.alnum(c.is_ascii_digit()),
            _ if c.is_whitespace() => counter.space(),
            _ => counter.other(matches!(c, '.' | ',' | '%')),
        }
        if !is_gap && pending_space {
            // Latin letters are never ideographs: a word is what spaces delimit.
            words.word_end(out.as_bytes());
        }
        push_collapsed(&mut out, &mut pending_space, folded, is_gap);
    }
    Some((out, counter.finish()))
}

/// What sees the words of the text as the fast paths write it: nothing, or a [`ShingleSink`].
trait WordSink {
    /// A word ends where `normalized`, the text written so far, ends.
    fn word_end(&mut self, normalized: &[u8]);
}

impl WordSink for () {
    fn word_end(&mut self, _: &[u8]) {}
}

impl WordSink for ShingleSink {
    fn word_end(&mut self, normalized: &[u8]) {
        ShingleSink::word_end(self, normalized);
    }
}

/// The ASCII path: NFKC is the identity, folding is lowercasing, no character is
/// default-ignorable and every punctuation character is Unicode P or S.
fn normalize_ascii(text: &str, words: &mut impl WordSink) -> (String, TokenCounts) {
    let mut counter = TokenCounter::new();
    let mut out = Vec::with_capacity(text.len());
    let mut pending_space = false;
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() {
            if pending_space {
                words.word_end(&out);
                out.push(b' ');
                pending_space = false;
            }
            out.push(b.to_ascii_lowercase());
            counter.alnum(b.is_ascii_digit());
            continue;
        }
        pending_space = !out.is_empty();
        match b {
            b' ' | b'\t'..=b'\r' => counter.space(),
            _ => counter.other(matches!(b, b'.' | b',' | b'%')),
        }
    }
    let out = String::from_utf8(out).expect("ASCII in, ASCII out");
    (out, counter.finish())
}

/// Counts whitespace-separated tokens as `Shape::of` does, fed one character at a time.
struct TokenCounter {
    counts: TokenCounts,
    /// The open token has a letter or digit.
    has_alnum: bool,
    /// The open token's core so far (first to last letter or digit) is a number's.
    numeric: bool,
    /// A character no number holds came after the open token's last letter or digit.
    stray: bool,
}

impl TokenCounter {
    fn new() -> Self {
        TokenCounter {
            counts: TokenCounts::default(),
            has_alnum: false,
            numeric: true,
            stray: false,
        }
    }

    fn alnum(&mut self, digit: bool) {
        self.numeric &= digit && !(self.has_alnum && self.stray);
        self.has_alnum = true;
        self.stray = false;
    }

    fn other(&mut self, in_numbers: bool) {
        self.stray |= !in_numbers;
    }

    fn space(&mut self) {
        if self.has_alnum {
            self.counts.words += 1;
            self.counts.numbers += usize::from(self.numeric);
        }
        (self.has_alnum, self.numeric, self.stray) = (false, true, false);
    }

    fn finish(mut self) -> TokenCounts {
        self.space();
        self.counts
    }
}

/// A character the Latin fast path knows, folded, and whether it is a gap; `None` otherwise.
fn latin_fold(c: char) -> Option<(char, bool)> {
    Some(match c {
        c if c.is_ascii() => (c.to_ascii_lowercase(), !c.is_ascii_alphanumeric()),
        '\u{a0}' | '\u{ab}' | '\u{bb}' | '\u{b7}' | '\u{d7}' | '\u{f7}' | '\u{2013}'
        | '\u{2014}' | '\u{2018}' | '\u{2019}' | '\u{201c}' | '\u{201d}' | '\u{2022}'
        | '\u{2026}' => (c, true),
        'à'..='ö' | 'ø'..='ÿ' => (c, false),
        'À'..='Ö' | 'Ø'..='Þ' => (char::from_u32(c as u32 + 0x20)?, false),
        _ => return None,
    })
}

pub(super) fn push_collapsed(out: &mut String, pending_space: &mut bool, c: char, is_gap: bool) {
    if is_gap {
        *pending_space = !out.is_empty();
    } else {
        if *pending_space {
            out.push(' ');
            *pending_space = false;
        }
        out.push(c);
    }
}
