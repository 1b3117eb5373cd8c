//! Paragraph keys: the versioned key format.
//!
//! Format 2 is: drop default-ignorable code points, NFKC, full case folding, NFKC again (together
//! NFKC_Casefold), then every punctuation, symbol, control or separator character becomes a space
//! and whitespace runs collapse to one space, trimmed. The content key is SHA-256 of that text;
//! the template key is SHA-256 of it with every run of decimal digits replaced by `0`; the word
//! shingles ([`shingle`]) are 32-bit hashes of its runs of three words. Format 1 had no shingles
//! (and its stores kept outcomes without a copy's evidence).
//!
//! The Unicode data comes from the ICU4X crates, pinned to an exact version in `Cargo.toml`:
//! new Unicode data can change keys, so upgrading them is a format change. The golden tests in
//! `tests/keys.rs` pin exact hex values and fail on any drift.

use std::fmt;

use icu_casemap::CaseMapper;
use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::props::{DefaultIgnorableCodePoint, GeneralCategory, GeneralCategoryGroup};
use icu_properties::{CodePointMapData, CodePointSetData};
use sha2::{Digest, Sha256};

mod fast;
pub mod shingle;

use fast::push_collapsed;
pub use fast::{TokenCounts, normalize_counting, normalize_counting_shingling};

/// Version of the key recipe and its Unicode data. State written under one version is never
/// read as another: stores namespace everything by it.
pub const KEY_FORMAT: u32 = 2;

/// A SHA-256 key of one normalized paragraph (or title).
#[derive(
    Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Key(pub [u8; 32]);

impl Key {
    pub fn of(text: &str) -> Key {
        Key(Sha256::digest(text.as_bytes()).into())
    }

    /// The first 16 bytes: what stores keep (collisions at 2^-64 per pair are not a concern
    /// at any realistic number of paragraphs).
    pub fn short(&self) -> [u8; 16] {
        let mut out = [0u8; 16];
        out.copy_from_slice(&self.0[..16]);
        out
    }

    /// The first 6 bytes: what the Redis store keeps, where every byte of a paragraph's entries
    /// is paid per paragraph (6 bytes fit a smaller allocation than 8). Template keys are
    /// counted per source, where a collision is about one in a billion sources; among the
    /// copy index's holders a collision makes one paragraph look held by an unrelated article,
    /// which decides nothing: a copy needs one article to hold most of its prose.
    pub fn brief(&self) -> [u8; 6] {
        let mut out = [0u8; 6];
        out.copy_from_slice(&self.0[..6]);
        out
    }

    pub fn hex(&self) -> String {
        const_hex::encode(self.0)
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({})", &self.hex()[..16])
    }
}

/// Both keys of a paragraph, and the size of its normalized text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParagraphKeys {
    pub content: Key,
    pub template: Key,
    /// Characters of the normalized text: the unit of copy containment.
    pub chars: usize,
}

/// Keys of a paragraph, or `None` when nothing is left after normalization (an `empty` paragraph).
pub fn keys(text: &str) -> Option<ParagraphKeys> {
    keys_of_normalized(&normalize(text))
}

/// Keys of text already passed through [`normalize`], for callers that need the text too.
pub fn keys_of_normalized(normalized: &str) -> Option<ParagraphKeys> {
    if normalized.is_empty() {
        return None;
    }
    let content = Key::of(normalized);
    // Most paragraphs hold no digit: their template is their content, and needs no second hash.
    let template = if has_decimal_digit(normalized) {
        Key::of(&template_text(normalized))
    } else {
        content
    };
    Some(ParagraphKeys {
        content,
        template,
        chars: normalized.chars().count(),
    })
}

/// The normalized text that content keys hash.
pub fn normalize(text: &str) -> String {
    match normalize_counting(text) {
        Some((normalized, _)) => normalized,
        None => normalize_general(text),
    }
}

/// The recipe through ICU4X, for any text: for a caller that already knows
/// [`normalize_counting`] refuses it.
pub fn normalize_general(text: &str) -> String {
    let ignorable = CodePointSetData::new::<DefaultIgnorableCodePoint>();
    let nfkc = ComposingNormalizerBorrowed::new_nfkc();
    let folder = CaseMapper::new();

    let visible: String = text.chars().filter(|&c| !ignorable.contains(c)).collect();
    let composed = nfkc.normalize(&visible);
    let case_folded = folder.fold_string(&composed);
    let folded = nfkc.normalize(&case_folded);

    let category = CodePointMapData::<GeneralCategory>::new();
    let mut out = String::with_capacity(folded.len());
    let mut pending_space = false;
    for c in folded.chars() {
        if ignorable.contains(c) {
            continue;
        }
        let gc = category.get(c);
        let is_gap = c.is_whitespace()
            || GeneralCategoryGroup::Punctuation.contains(gc)
            || GeneralCategoryGroup::Symbol.contains(gc)
            || GeneralCategoryGroup::Separator.contains(gc)
            || gc == GeneralCategory::Control;
        push_collapsed(&mut out, &mut pending_space, c, is_gap);
    }
    out
}

/// Whether the text holds a decimal digit of any script.
fn has_decimal_digit(normalized: &str) -> bool {
    if normalized.bytes().any(|b| b.is_ascii_digit()) {
        return true;
    }
    // Below U+0100 the only decimal digits are ASCII ones.
    !normalized.chars().all(|c| (c as u32) < 0x100) && template_text(normalized) != normalized
}

/// Normalized text with every run of decimal digits (any script) replaced by `0`, so that
/// "© 2019" and "© 2024", or "Page 3 of 10" and "Page 4 of 12", share a template.
pub fn template_text(normalized: &str) -> String {
    if normalized.is_ascii() {
        let mut out = Vec::with_capacity(normalized.len());
        let mut in_digits = false;
        for &b in normalized.as_bytes() {
            let digit = b.is_ascii_digit();
            if !digit {
                out.push(b);
            } else if !in_digits {
                out.push(b'0');
            }
            in_digits = digit;
        }
        return String::from_utf8(out).expect("ASCII in, ASCII out");
    }
    let category = CodePointMapData::<GeneralCategory>::new();
    let mut out = String::with_capacity(normalized.len());
    let mut in_digits = false;
    for c in normalized.chars() {
        let digit = if (c as u32) < 0x100 {
            c.is_ascii_digit()
        } else {
            category.get(c) == GeneralCategory::DecimalNumber
        };
        if digit {
            if !in_digits {
                out.push('0');
            }
        } else {
            out.push(c);
        }
        in_digits = digit;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_path_matches_general_path_on_mixed_text() {
        // The general path, forced by a non-ASCII character that normalizes to a plain space.
        let s = "Hello, World! It's 2019 -- (really) $5 ~x_y`z\t\u{7f}";
        let forced = format!("{s}\u{3000}");
        assert_eq!(normalize(s), normalize(&forced));
    }

    #[test]
    fn digit_runs_become_one_zero() {
        assert_eq!(template_text("page 12 of 345"), "page 0 of 0");
        assert_eq!(template_text("٣٤ items"), "0 items");
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    /// ASCII and every non-ASCII character the Latin fast path maps.
    fn latin_known() -> Vec<char> {
        let mut chars: Vec<char> = (0u8..0x80).map(char::from).collect();
        chars.extend("\u{a0}\u{ab}\u{bb}\u{b7}\u{d7}\u{f7}".chars());
        chars.extend("\u{2013}\u{2014}\u{2018}\u{2019}\u{201c}\u{201d}\u{2022}\u{2026}".chars());
        chars.extend(('À'..='ÿ').filter(|&c| c != 'ß'));
        chars
    }

    /// Those, and neighbours the fast path must refuse rather than map wrongly: the rest of
    /// Latin-1 (ß, µ, ª, the soft hyphen, superscripts), a combining accent, dotted and dotless
    /// i, long s, other punctuation and spaces.
    fn latin_neighbours() -> Vec<char> {
        let mut chars = latin_known();
        chars.extend('\u{a0}'..='\u{bf}');
        chars.extend("ß\u{300}\u{130}\u{131}\u{17f}\u{149}\u{2032}\u{3000}\u{200b}".chars());
        chars
    }

    fn counting_agrees(s: &str) -> Result<(), TestCaseError> {
        let (normalized, counts) = super::normalize_counting(s).expect("a text it knows");
        let shape = crate::clean::shape::Shape::of(s);
        prop_assert_eq!(normalized, super::normalize_general(s));
        prop_assert_eq!((counts.words, counts.numbers), (shape.words, shape.numbers));
        Ok(())
    }

    proptest! {
        /// Shingles made while normalizing (ASCII and Latin text) are the normalized text's
        /// shingles, and the rest of the fused path is `normalize_counting`.
        #[test]
        fn fused_shingles_agree(s in "[a-zA-Z0-9 ,.'\\-éÉü’“”—«»\u{a0}…]{0,120}") {
            let (normalized, counts, shingles) =
                super::normalize_counting_shingling(&s).expect("ASCII and Latin letters");
            let (plain, plain_counts) = super::normalize_counting(&s).expect("the same");
            prop_assert_eq!(&normalized, &plain);
            prop_assert_eq!(counts, plain_counts);
            prop_assert_eq!(shingles, super::shingle::line_shingles(&normalized));
        }

        /// The ASCII fast path agrees with the general one (forced by a trailing U+3000, which
        /// NFKC turns into a plain space).
        #[test]
        fn ascii_fast_path_agrees(s in "[\\x00-\\x7f]{0,64}") {
            prop_assert_eq!(super::normalize(&s), super::normalize_general(&s));
        }

        /// The Latin fast path maps every string of the characters it knows as the general
        /// path does.
        #[test]
        fn latin_fast_path_agrees(s in proptest::collection::vec(
            proptest::sample::select(latin_known()), 0..48,
        )) {
            let s: String = s.into_iter().collect();
            let fast = super::normalize_counting(&s).map(|(normalized, _)| normalized);
            prop_assert_eq!(fast, Some(super::normalize_general(&s)));
        }

        /// Next to characters it does not know, it refuses or still agrees.
        #[test]
        fn latin_fast_path_refuses_what_it_does_not_know(s in proptest::collection::vec(
            proptest::sample::select(latin_neighbours()), 0..8,
        )) {
            let s: String = s.into_iter().collect();
            if let Some((fast, _)) = super::normalize_counting(&s) {
                prop_assert_eq!(fast, super::normalize_general(&s));
            }
        }

        /// The one-pass path gives what `normalize` and `Shape::of` give apart.
        #[test]
        fn counting_pass_agrees(s in "[\\x00-\\x7f]{0,64}|[a-z0-9 .,%$()'-]{0,64}") {
            counting_agrees(&s)?;
        }

        #[test]
        fn latin_counting_pass_agrees(s in proptest::collection::vec(
            proptest::sample::select(latin_known()), 0..48,
        )) {
            counting_agrees(&s.into_iter().collect::<String>())?;
        }

        #[test]
        fn template_shortcut_agrees(s in "[a-z0-9 \u{e0}-\u{ff}\u{660}-\u{669}]{0,24}") {
            let keys = super::keys(&s);
            if let Some(keys) = keys {
                let n = super::normalize(&s);
                prop_assert_eq!(keys.template, super::Key::of(&super::template_text(&n)));
            }
        }
    }
}
