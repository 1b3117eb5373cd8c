//! Arbitrary bytes through the raw-article parser: it must never panic, whatever the bytes, and
//! its one-pass read must give what reading every value verbatim first gives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paraprint::article::RawArticle;

fuzz_target!(|data: &[u8]| {
    // The production limit (limits.max_message_bytes) is far above what the fuzzer sends; a
    // small limit as well exercises the too-large path.
    let _ = RawArticle::parse(data, 8 * 1024 * 1024);
    let _ = RawArticle::parse(data, data.len() / 2);
    let parsed = RawArticle::parse(data, usize::MAX);
    assert_eq!(
        format!("{parsed:?}"),
        format!("{:?}", RawArticle::parse_verbatim(data, usize::MAX))
    );
    if let Ok(article) = parsed {
        for (name, value) in article.carried_fields() {
            std::hint::black_box((name, value.get()));
        }
    }
});
