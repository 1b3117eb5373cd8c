//! Arbitrary UTF-8 through the HTML paragraph extractor: it must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The input's longest UTF-8 prefix: mutations that break a character still test the rest.
    let html = match std::str::from_utf8(data) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&data[..e.valid_up_to()]).unwrap(),
    };
    let blocks = paraprint::clean::html::extract(html);
    std::hint::black_box(blocks);
    std::hint::black_box(paraprint::clean::html::has_words(html));
});
