//! Splitting a plain-text body into paragraphs.
//!
//! A paragraph is one non-blank line. Hard-wrapped text therefore gives one paragraph per line,
//! each keyed on its own: a disclaimer wrapped at a fixed width recurs line by line across a
//! source's articles, which is exactly what boilerplate learning counts.

/// The paragraphs of a plain-text body, in order, with surrounding whitespace trimmed.
///
/// Lines end at the Unicode mandatory breaks: LF, VT, FF, CR, NEL (U+0085), LS (U+2028) and PS
/// (U+2029). `\r\n` yields an empty piece between the two, which is skipped like any blank
/// line. The body is scanned as bytes: in UTF-8 the three non-ASCII breaks are exactly the
/// sequences `C2 85`, `E2 80 A8` and `E2 80 A9`, and every break is a character boundary.
pub fn split_plain<'a>(body: &'a str) -> Vec<&'a str> {
    let bytes = body.as_bytes();
    let mut lines: Vec<&str> = Vec::new();
    let mut push = |line: &'a str| {
        let line = line.trim();
        if !line.is_empty() {
            lines.push(line);
        }
    };
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let width = match bytes[i] {
            b'\n' | 0x0B | 0x0C | b'\r' => 1,
            0xC2 if bytes.get(i + 1) == Some(&0x85) => 2,
            0xE2 if bytes.get(i + 1) == Some(&0x80)
                && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) =>
            {
                3
            }
            _ => {
                i += 1;
                continue;
            }
        };
        push(&body[start..i]);
        i += width;
        start = i;
    }
    push(&body[start..]);
    lines
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

    /// The splitting by characters it replaces.
    fn by_chars(body: &str) -> Vec<&str> {
        body.split(|c| {
            matches!(
                c,
                '\n' | '\u{0B}' | '\u{0C}' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'
            )
        })
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect()
    }

    proptest::proptest! {
        #[test]
        fn bytes_split_as_characters_do(body in "(\\PC|[\n\r\u{0B}\u{0C}\u{85}\u{2028}\u{2029}\u{80}-\u{2100} ]){0,60}") {
            proptest::prop_assert_eq!(split_plain(&body), by_chars(&body));
        }
    }

    #[test]
    fn whitespace_only_body_has_no_paragraphs() {
        assert!(split_plain(" \n\t\r\n\u{2029}").is_empty());
    }
}
