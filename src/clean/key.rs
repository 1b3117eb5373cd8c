//! Paragraph keys: the versioned key format.
//!
//! Format 1 is: drop default-ignorable code points, NFKC, full case folding, NFKC again (together
//! NFKC_Casefold), then every punctuation, symbol, control or separator character becomes a space
//! and whitespace runs collapse to one space, trimmed. The content key is SHA-256 of that text;
//! the template key is SHA-256 of it with every run of decimal digits replaced by `0`.
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

/// Version of the key recipe and its Unicode data. State written under one version is never
/// read as another: stores namespace everything by it.
pub const KEY_FORMAT: u32 = 1;

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

    pub fn hex(&self) -> String {
        hex::encode(self.0)
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
    Some(ParagraphKeys {
        content: Key::of(normalized),
        template: Key::of(&template_text(normalized)),
        chars: normalized.chars().count(),
    })
}

/// The normalized text that content keys hash.
pub fn normalize(text: &str) -> String {
    if text.is_ascii() {
        return normalize_ascii(text);
    }
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

/// The same recipe for ASCII input, where NFKC is the identity, folding is lowercasing, no
/// character is default-ignorable and every punctuation character is Unicode P or S.
/// A property test checks it agrees with the general path.
fn normalize_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for b in text.bytes() {
        let is_gap = !b.is_ascii_alphanumeric();
        push_collapsed(
            &mut out,
            &mut pending_space,
            b.to_ascii_lowercase() as char,
            is_gap,
        );
    }
    out
}

fn push_collapsed(out: &mut String, pending_space: &mut bool, c: char, is_gap: bool) {
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

/// Normalized text with every run of decimal digits (any script) replaced by `0`, so that
/// "© 2019" and "© 2024", or "Page 3 of 10" and "Page 4 of 12", share a template.
pub fn template_text(normalized: &str) -> String {
    let category = CodePointMapData::<GeneralCategory>::new();
    let mut out = String::with_capacity(normalized.len());
    let mut in_digits = false;
    for c in normalized.chars() {
        let digit = if c.is_ascii() {
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

    proptest! {
        /// The ASCII fast path agrees with the general one (forced by a trailing U+3000, which
        /// NFKC turns into a plain space).
        #[test]
        fn ascii_fast_path_agrees(s in "[\\x00-\\x7f]{0,64}") {
            prop_assert_eq!(super::normalize(&s), super::normalize(&format!("{s}\u{3000}")));
        }
    }
}
