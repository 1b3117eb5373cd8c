//! Splitting a plain-text body into paragraphs.
//!
//! A paragraph is one non-blank line. Hard-wrapped text therefore gives one paragraph per line,
//! each keyed on its own: a disclaimer wrapped at a fixed width recurs line by line across a
//! source's articles, which is exactly what boilerplate learning counts.

/// Characters that end a line: the Unicode mandatory breaks (LF, VT, FF, CR, NEL, LS, PS).
/// `\r\n` yields an empty piece between the two, which is skipped like any blank line.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\u{0B}' | '\u{0C}' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// The paragraphs of a plain-text body, in order, with surrounding whitespace trimmed.
pub fn split_plain(body: &str) -> Vec<&str> {
    body.split(is_line_break)
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::split_plain;

    #[test]
    fn every_line_ending_and_blank_line() {
        let body = "one\r\ntwo\rthree\n\n  \nfour\u{2028}five\u{2029}six\u{85}seven\r\n";
        assert_eq!(
            split_plain(body),
            ["one", "two", "three", "four", "five", "six", "seven"]
        );
    }

    #[test]
    fn hard_wrapped_lines_stay_separate() {
        let body = "We do not accept\nany responsibility for\nthe accuracy.";
        assert_eq!(split_plain(body).len(), 3);
    }

    #[test]
    fn whitespace_only_body_has_no_paragraphs() {
        assert!(split_plain(" \n\t\r\n\u{2029}").is_empty());
    }
}
