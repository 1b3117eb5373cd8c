//! Inputs the fuzzers (`fuzz/`, `scripts/fuzz.sh`) found, each fed again through the function its
//! target fuzzes. A saved input is `tests/fixtures/fuzz/<target>-<short name>`, minimized with
//! libFuzzer's `-minimize_crash=1`, and is read exactly as its target reads it:
//! - `message-*`: bytes through `RawArticle::parse`;
//! - `plain-*`: the bytes' longest UTF-8 prefix through `split_plain` (and its documented shape:
//!   non-empty, trimmed slices of the body without line breaks);
//! - `html-*`: the bytes' longest UTF-8 prefix through `html::extract` and `html::has_words`;
//! - `engine-*`: up to four messages split on the byte 0x1E, through one cleaner with the
//!   in-memory embedded store; each must end as a record (valid JSON) or an input error.
//!
//! Every input must end without a panic. Found so far: `html-doctype-unclosed-multibyte` (and
//! the same page as a worker gets it, `engine-doctype-unclosed-multibyte`): a `<!DOCTYPE` left
//! unclosed at the end of a page whose last character is not ASCII was sliced inside that
//! character (fixed in `clean/html/lexer`).

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use paraprint::article::RawArticle;
use paraprint::cleaner::CleanError;

fn saved_inputs() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut inputs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    inputs.sort();
    inputs
}

/// The longest UTF-8 prefix, as the `plain` and `html` targets take it.
fn utf8_prefix(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap(),
    }
}

fn message(bytes: &[u8]) {
    let _ = RawArticle::parse(bytes, 8 * 1024 * 1024);
    let _ = RawArticle::parse(bytes, bytes.len() / 2);
    if let Ok(article) = RawArticle::parse(bytes, usize::MAX) {
        for (name, value) in article.carried_fields() {
            std::hint::black_box((name, value.get()));
        }
    }
}

fn plain(bytes: &[u8]) {
    const BREAKS: [char; 7] = [
        '\n', '\u{0B}', '\u{0C}', '\r', '\u{85}', '\u{2028}', '\u{2029}',
    ];
    let body = utf8_prefix(bytes);
    let range = body.as_bytes().as_ptr_range();
    for p in paraprint::clean::paragraph::split_plain(body) {
        assert!(!p.is_empty(), "an empty paragraph");
        assert_eq!(p, p.trim(), "a paragraph that is not trimmed");
        assert!(
            !p.contains(BREAKS),
            "a paragraph holding a line break: {p:?}"
        );
        assert!(
            range.contains(&p.as_ptr()),
            "a paragraph that is not a slice of the body"
        );
    }
}

fn html(bytes: &[u8]) {
    let html = utf8_prefix(bytes);
    std::hint::black_box(paraprint::clean::html::extract(html));
    std::hint::black_box(paraprint::clean::html::has_words(html));
}

fn engine(bytes: &[u8]) {
    let (cleaner, _clock) = common::cleaner();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    for message in bytes.splitn(4, |&b| b == 0x1E) {
        match runtime.block_on(cleaner.clean(message)) {
            Ok(cleaned) => {
                let record = cleaner.record(&cleaned).to_json();
                serde_json::from_slice::<serde_json::Value>(&record).expect("records are JSON");
            }
            Err(CleanError::Input(_)) => {}
            Err(e) => panic!("not an input error: {e}"),
        }
    }
}

/// Feeds each named input to its target; returns the names that panicked, with the panic.
fn run(inputs: &[(String, Vec<u8>)]) -> Vec<String> {
    let mut failures = Vec::new();
    for (name, bytes) in inputs {
        let target = name.split('-').next().unwrap_or_default();
        let check: fn(&[u8]) = match target {
            "message" => message,
            "plain" => plain,
            "html" => html,
            "engine" => engine,
            _ => {
                panic!("{name}: not <target>-<name> with a target of message, plain, html, engine")
            }
        };
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| check(bytes))) {
            let text = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(not a string)");
            failures.push(format!("{name}: {text}"));
        }
    }
    failures
}

#[test]
fn every_saved_input_ends_without_panic() {
    let inputs = saved_inputs();
    assert!(!inputs.is_empty(), "tests/fixtures/fuzz holds no input");
    let failures = run(&inputs);
    assert!(failures.is_empty(), "panicked:\n{}", failures.join("\n"));
}
