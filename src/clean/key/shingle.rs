//! Word shingles: what near-copy detection compares (part of the key format).
//!
//! A paragraph's shingles are its runs of [`SHINGLE_WORDS`] consecutive words of the normalized
//! text (the content key's text, so case, quotes, dashes and Unicode forms already agree); a
//! paragraph of fewer words is one shingle of all of them. Ideographs and kana are words of
//! their own, since those scripts put no space between words. A word's hash folds its bytes
//! eight at a time (little-endian, the last chunk zero-padded) with a multiply and mixes in its
//! length; a shingle's hash rotates its words' hashes by position, mixes them (the SplitMix64
//! finalizer), and keeps the high 32 bits. Fixed constants and no per-process seed, so every
//! worker, machine and restart computes the same values; `tests/keys.rs` pins them.
//!
//! Three words, measured on eval-copies-dev (real newspaper rewrites of agency stories): at
//! containment 0.8 word 3-grams found 31 of 135 copies and marked nothing else, 4-grams 17 and
//! 5-grams 13. Shorter shingles survive more edits (a changed word breaks three, not five), and a
//! high containment still keeps an independently written article on the same event far away.
//! 32 bits: an article is compared with a few others' hundreds of values, where chance matches
//! are negligible, and half the bytes of 64 go through every cache and store.

/// Words per shingle.
pub const SHINGLE_WORDS: usize = 3;

const WORD_SEED: u64 = 0xcbf2_9ce4_8422_2325;
const WORD_MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

fn fold(h: u64, chunk: u64) -> u64 {
    (h ^ chunk).wrapping_mul(WORD_MULTIPLIER).rotate_left(29)
}

/// SplitMix64's finalizer: spreads every input bit over the output.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The hash of one word's bytes (not mixed: the shingle's hash mixes its words).
fn word_hash(word: &[u8]) -> u64 {
    let mut h = WORD_SEED ^ word.len() as u64;
    let mut chunks = word.chunks_exact(8);
    for chunk in &mut chunks {
        h = fold(h, u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = fold(h, u64::from_le_bytes(last));
    }
    h
}

/// [`word_hash`] of `text[start..end]`, reading the last chunk with one load where the text
/// goes on for eight more bytes (the bytes past the word masked off).
fn word_hash_at(text: &[u8], start: usize, end: usize) -> u64 {
    let len = end - start;
    if len <= 8 && start + 8 <= text.len() {
        let chunk = u64::from_le_bytes(text[start..start + 8].try_into().expect("8 bytes"));
        let mask = if len == 8 {
            u64::MAX
        } else {
            (1u64 << (8 * len)) - 1
        };
        return fold(WORD_SEED ^ len as u64, chunk & mask);
    }
    word_hash(&text[start..end])
}

/// Shingles made while the text is normalized (the ASCII path of
/// [`normalize_counting_shingling`](super::fast::normalize_counting_shingling)): the same
/// values [`line_shingles`] gives for the normalized text, without a second pass over it. The
/// normalizer says where each word ends; the word is then read back from the text written so
/// far, its last eight bytes in one load.
pub(super) struct ShingleSink {
    words: Words,
    /// Where the open word starts in the normalized text.
    start: usize,
}

impl ShingleSink {
    pub(super) fn with_capacity(bytes: usize) -> ShingleSink {
        ShingleSink {
            words: Words::with_capacity(bytes / 5 + 1),
            start: 0,
        }
    }

    /// The open word ends where `normalized`, the text so far, ends; a space (or nothing)
    /// follows it.
    #[inline]
    pub(super) fn word_end(&mut self, normalized: &[u8]) {
        let (start, end) = (self.start, normalized.len());
        self.start = end + 1;
        if end <= start {
            return;
        }
        let len = end - start;
        let hash = if len <= 8 && end >= 8 {
            // The word's bytes are the high `len` bytes of the eight that end it.
            let last = u64::from_le_bytes(normalized[end - 8..end].try_into().expect("8 bytes"));
            fold(WORD_SEED ^ len as u64, last >> (8 * (8 - len)))
        } else {
            word_hash(&normalized[start..end])
        };
        self.words.push(hash);
    }

    pub(super) fn finish(mut self, normalized: &[u8]) -> LineShingles {
        self.word_end(normalized);
        self.words.finish()
    }
}

/// The shingles of one normalized paragraph, in text order (a run that recurs in the paragraph
/// recurs here). Empty for empty text.
pub fn shingles(normalized: &str) -> Vec<u32> {
    line_shingles(normalized).values
}

/// A paragraph's first and last words, so the shingles that span its join with the next one
/// can be made ([`bridge`]): re-wrapped or joined paragraphs then still match.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Edges {
    /// Its first two words' hashes (the second is 0 for a one-word paragraph).
    head: [u64; 2],
    /// Its last two words' hashes, in order (the first is 0 for a one-word paragraph).
    tail: [u64; 2],
    words: u32,
}

/// A paragraph's shingles and its edges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineShingles {
    pub values: Vec<u32>,
    pub edges: Edges,
}

/// The shingles that span the join of paragraph `a` and the paragraph `b` after it: the runs
/// of three words with some in each.
pub fn bridge(a: &Edges, b: &Edges) -> impl Iterator<Item = u32> {
    let two_one =
        (a.words >= 2 && b.words >= 1).then(|| shingle_hash(&[a.tail[0], a.tail[1], b.head[0]]));
    let one_two =
        (a.words >= 1 && b.words >= 2).then(|| shingle_hash(&[a.tail[1], b.head[0], b.head[1]]));
    two_one.into_iter().chain(one_two)
}

/// [`shingles`] and the paragraph's edges.
pub fn line_shingles(normalized: &str) -> LineShingles {
    // About one shingle per word, and words are about six bytes with their space.
    let mut words = Words::with_capacity(normalized.len() / 5 + 1);
    if normalized.is_ascii() {
        let text = normalized.as_bytes();
        for_each_word(text, |start, end| {
            words.push(word_hash_at(text, start, end))
        });
        return words.finish();
    }
    for token in normalized.split(' ').filter(|w| !w.is_empty()) {
        // Scripts written without spaces: each ideograph or kana is a word (as `Shape` counts
        // them), so a Chinese or Japanese paragraph has shingles too.
        let mut rest = token;
        while let Some((at, c)) = rest.char_indices().find(|&(_, c)| unspaced(c)) {
            if at > 0 {
                words.push(word_hash(&rest.as_bytes()[..at]));
            }
            let end = at + c.len_utf8();
            words.push(word_hash(&rest.as_bytes()[at..end]));
            rest = &rest[end..];
        }
        if !rest.is_empty() {
            words.push(word_hash(rest.as_bytes()));
        }
    }
    words.finish()
}

/// Calls `f` with the start and end of each space-separated word of `text`, finding spaces
/// eight bytes at a time.
fn for_each_word(text: &[u8], mut f: impl FnMut(usize, usize)) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const SPACES: u64 = 0x2020_2020_2020_2020;
    let mut start = 0;
    let mut at = 0;
    let mut word_ends = |end: usize, start: &mut usize| {
        if end > *start {
            f(*start, end);
        }
        *start = end + 1;
    };
    while at + 8 <= text.len() {
        let x = u64::from_le_bytes(text[at..at + 8].try_into().expect("8 bytes")) ^ SPACES;
        // A high bit where a byte is zero (a space), and possibly above one: each is checked.
        let mut found = x.wrapping_sub(ONES) & !x & HIGHS;
        while found != 0 {
            let i = at + (found.trailing_zeros() / 8) as usize;
            if text[i] == b' ' {
                word_ends(i, &mut start);
            }
            found &= found - 1;
        }
        at += 8;
    }
    for (i, &b) in text.iter().enumerate().skip(at) {
        if b == b' ' {
            word_ends(i, &mut start);
        }
    }
    word_ends(text.len(), &mut start);
}

/// The last words seen and the shingles they made.
#[derive(Default)]
struct Words {
    /// The last three words, oldest first.
    w0: u64,
    w1: u64,
    w2: u64,
    /// The first two words.
    head: [u64; 2],
    seen: usize,
    out: Vec<u32>,
}

impl Words {
    fn with_capacity(n: usize) -> Words {
        Words {
            out: Vec::with_capacity(n),
            ..Words::default()
        }
    }

    #[inline]
    fn push(&mut self, word: u64) {
        match self.seen {
            0 => self.head[0] = word,
            1 => self.head[1] = word,
            _ => {}
        }
        (self.w0, self.w1, self.w2) = (self.w1, self.w2, word);
        self.seen += 1;
        if self.seen >= SHINGLE_WORDS {
            self.out.push(shingle_hash(&[self.w0, self.w1, self.w2]));
        }
    }

    fn finish(mut self) -> LineShingles {
        match self.seen {
            1 => self.out.push(shingle_hash(&[self.w2])),
            2 => self.out.push(shingle_hash(&[self.w1, self.w2])),
            _ => {}
        }
        let edges = Edges {
            head: self.head,
            tail: match self.seen {
                0 => [0, 0],
                1 => [0, self.w2],
                _ => [self.w1, self.w2],
            },
            words: self.seen.min(u32::MAX as usize) as u32,
        };
        LineShingles {
            values: self.out,
            edges,
        }
    }
}

/// A run of word hashes: each rotated by its position, so order matters, then mixed once.
#[inline]
fn shingle_hash(words: &[u64]) -> u32 {
    let mut h = words.len() as u64;
    for (i, &w) in words.iter().enumerate() {
        h ^= w.rotate_left(21 * i as u32 + 1);
    }
    (mix(h) >> 32) as u32
}

/// Ideographs and kana: written without spaces between words.
fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF // hiragana, katakana
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0x20000..=0x2FA1F) // CJK extensions B and later
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shingles_are_runs_of_words_and_short_lines_are_one() {
        assert_eq!(shingles("").len(), 0);
        assert_eq!(shingles("comments").len(), 1);
        assert_eq!(shingles("no comment").len(), 1);
        assert_eq!(shingles("a b c").len(), 1);
        assert_eq!(shingles("a b c d e").len(), 3);
        // Every run, repeats included.
        assert_eq!(shingles("a b c a b c").len(), 4);
        // Ideographs are words of their own.
        assert_eq!(shingles("日本語の文章").len(), 4);
        assert_eq!(shingles("tokyo日本語").len(), 2);
    }

    #[test]
    fn order_matters_and_shared_runs_match() {
        assert_ne!(shingles("a b c"), shingles("c b a"));
        let one = shingles("the cat sat on the mat");
        let two = shingles("a dog sat on the mat");
        let shared = one.iter().filter(|s| two.contains(s)).count();
        assert_eq!(shared, 2, "\"sat on the\" and \"on the mat\"");
    }

    #[test]
    fn words_are_found_the_same_way_eight_bytes_at_a_time() {
        let text = "a bb ccc dddd eeeee ffffff ggggggg hhhhhhhh iiiiiiiii jjjjjjjjjjjjjjjjj k";
        for end in 0..text.len() {
            let part = text[..end].trim_end();
            let mut found = Vec::new();
            for_each_word(part.as_bytes(), |s, e| {
                found.push(part.as_bytes()[s..e].to_vec())
            });
            let expected: Vec<Vec<u8>> = part
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(|w| w.as_bytes().to_vec())
                .collect();
            assert_eq!(found, expected, "{part:?}");
        }
    }

    #[test]
    fn bridges_are_the_shingles_a_join_makes() {
        let a = line_shingles("the cat sat");
        let b = line_shingles("on the mat");
        let joined = shingles("the cat sat on the mat");
        let mut parts: Vec<u32> = a.values.clone();
        parts.extend(bridge(&a.edges, &b.edges));
        parts.extend(b.values.iter().copied());
        assert_eq!(parts, joined);
        let one = line_shingles("cat");
        let bridged: Vec<u32> = bridge(&one.edges, &b.edges).collect();
        assert_eq!(bridged, vec![shingles("cat on the")[0]]);
    }

    #[test]
    fn a_word_hashes_the_same_read_at_once() {
        let text = b"abcdefgh abc abcdefghijk";
        for (start, end) in [(0, 8), (9, 12), (0, 3), (13, 24), (21, 24)] {
            assert_eq!(word_hash_at(text, start, end), word_hash(&text[start..end]));
        }
    }

    #[test]
    fn ascii_and_general_paths_agree() {
        // The general path sees the same words when there is no ideograph.
        let ascii = shingles("gold rose on monday");
        let mut words = Words::default();
        for w in ["gold", "rose", "on", "monday"] {
            words.push(word_hash(w.as_bytes()));
        }
        assert_eq!(ascii, words.finish().values);
        assert_eq!(shingles("café au lait"), {
            let mut words = Words::default();
            for w in ["café", "au", "lait"] {
                words.push(word_hash(w.as_bytes()));
            }
            words.finish().values
        });
    }
}
