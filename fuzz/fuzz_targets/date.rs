//! Arbitrary UTF-8 through the publication-date parser. Checks, besides "no panic", what
//! `page::date` documents: every answer lies in 1990–2099, and writing it in ISO 8601 and
//! reading that back gives the same answer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paraprint::page::date;

fuzz_target!(|data: &[u8]| {
    // The input's longest UTF-8 prefix: mutations that break a character still test the rest.
    let text = match std::str::from_utf8(data) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&data[..e.valid_up_to()]).unwrap(),
    };
    for stated in [date::parse_machine(text), date::parse_text(text)].into_iter().flatten() {
        assert!((1990..=2099).contains(&stated.day().year()), "{stated:?} from {text:?}");
        assert_eq!(date::parse_machine(&stated.to_iso()), Some(stated), "{text:?}");
    }
    if let Some(day) = date::from_url(text) {
        assert!((1990..=2099).contains(&day.year()), "{day} from {text:?}");
    }
});
