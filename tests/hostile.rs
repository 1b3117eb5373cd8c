//! Hostile input through the engine and the cleaner, offline: the nasty corpus
//! (`tests/common/nasty.rs`) and fuzzing of the raw-article parser and the paragraph extraction.
//! Every message ends as a record or as an input error with its code; nothing panics.

mod common;

use common::nasty::{End, nasty_inputs};
use paraprint::cleaner::CleanError;
use proptest::prelude::*;

fn end_of(cleaner: &paraprint::cleaner::Cleaner, bytes: &[u8]) -> End {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    match runtime.block_on(cleaner.clean(bytes)) {
        Ok(cleaned) => {
            let record = cleaner.record(&cleaned).to_json();
            serde_json::from_slice::<serde_json::Value>(&record).expect("records are JSON");
            End::Record
        }
        Err(CleanError::Input(e)) => End::Dead(e.code.as_str()),
        Err(e) => panic!("not an input error: {e}"),
    }
}

#[test]
fn every_nasty_input_ends_as_expected() {
    let (cleaner, _) = common::cleaner();
    for nasty in nasty_inputs() {
        let start = std::time::Instant::now();
        let end = end_of(&cleaner, &nasty.bytes);
        assert_eq!(end, nasty.end, "{}", nasty.name);
        // For RELIABILITY.md; no bound asserted here (speed is for benchmarks), the test's
        // own completion is the bound.
        eprintln!(
            "HOSTILE {:?} {} bytes -> {:?} in {:?}",
            nasty.name,
            nasty.bytes.len(),
            end,
            start.elapsed()
        );
    }
}

/// JSON objects with the contract's fields in any type, arbitrary text (controls, bidi,
/// surrogates' neighbours, invisible characters) and any content type.
fn raw_article() -> impl Strategy<Value = Vec<u8>> {
    let text = prop_oneof![
        any::<String>(),
        "[a-z \\n<>&;/\"'\u{200b}\u{202e}\u{0}-\u{1f}]{0,200}",
    ];
    let value = prop_oneof![
        text.clone().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
        prop::collection::vec(any::<bool>(), 0..3).prop_map(serde_json::Value::from),
    ];
    let content_type = prop_oneof![
        Just(serde_json::json!("text/html")),
        Just(serde_json::json!("text/plain; charset=utf-8")),
        Just(serde_json::json!("TEXT/HTML;x=\"y\"")),
        any::<String>().prop_map(serde_json::Value::from),
    ];
    (
        prop::option::of(value.clone()),
        prop::option::of(value.clone()),
        prop::option::of(prop_oneof![
            text.prop_map(serde_json::Value::from),
            value.clone()
        ]),
        prop::option::of(content_type),
        prop::collection::vec(("[a-z_]{1,8}", value), 0..4),
    )
        .prop_map(|(id, source, body, content_type, extra)| {
            let mut object = serde_json::Map::new();
            for (key, v) in extra {
                object.insert(key, v);
            }
            for (key, v) in [
                ("id", id),
                ("source", source),
                ("body", body),
                ("content_type", content_type),
            ] {
                if let Some(v) = v {
                    object.insert(key.into(), v);
                }
            }
            serde_json::to_vec(&object).unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_end_as_records_or_input_errors(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let (cleaner, _) = common::cleaner();
        end_of(&cleaner, &bytes);
    }

    #[test]
    fn arbitrary_articles_end_as_records_or_input_errors(bytes in raw_article()) {
        let (cleaner, _) = common::cleaner();
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        if let Ok(cleaned) = runtime.block_on(cleaner.clean(&bytes)) {
            // A record carries the article's id and says what happened to every paragraph.
            let input: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            let record: serde_json::Value =
                serde_json::from_slice(&cleaner.record(&cleaned).to_json()).unwrap();
            prop_assert_eq!(&record["id"], &input["id"]);
            prop_assert!(record["paragraphs"].is_array());
        } else {
            end_of(&cleaner, &bytes);
        }
    }
}
