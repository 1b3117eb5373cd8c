//! Arbitrary UTF-8 through the plain-text paragraph splitter. Checks, besides "no panic", what
//! `split_plain` documents: every paragraph is a non-empty, trimmed slice of the body that holds
//! no line break (LF, VT, FF, CR, NEL, LS, PS).
#![no_main]

use libfuzzer_sys::fuzz_target;

const BREAKS: [char; 7] = [
    '\n', '\u{0B}', '\u{0C}', '\r', '\u{85}', '\u{2028}', '\u{2029}',
];

fuzz_target!(|data: &[u8]| {
    // The input's longest UTF-8 prefix: mutations that break a character still test the rest.
    let body = match std::str::from_utf8(data) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&data[..e.valid_up_to()]).unwrap(),
    };
    let range = body.as_bytes().as_ptr_range();
    for p in paraprint::clean::paragraph::split_plain(body) {
        assert!(!p.is_empty(), "an empty paragraph");
        assert_eq!(p, p.trim(), "a paragraph that is not trimmed");
        assert!(
            !p.contains(BREAKS),
            "a paragraph holding a line break: {p:?}"
        );
        let start = p.as_ptr();
        assert!(
            range.start <= start && start < range.end,
            "a paragraph that is not a slice of the body"
        );
    }
});
