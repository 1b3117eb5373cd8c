//! Copies as a reader sees them: the harness stream (`scripts/copies_harness.py`, committed in
//! `tests/fixtures/copies/`) through the engine, and the cases the harness does not cover.

mod common;

use std::collections::BTreeMap;

use common::*;
use serde_json::{Value, json};

/// Every operation that keeps at least 80% of the original's text is found at least 95% of
/// the time, pointing at the original; no article telling the same event independently, and
/// no outlet's own reporting with agency paragraphs inside, is marked.
#[tokio::test]
async fn every_edit_is_found_and_nothing_else() {
    let (stream, truth) = copies_harness();
    assert_eq!(stream.len(), truth.len());
    let (cleaner, _) = cleaner();
    // operation -> (copies, found)
    let mut by_op: BTreeMap<String, (usize, usize, bool)> = BTreeMap::new();
    let mut marked: Vec<String> = Vec::new();
    for (line, t) in stream.iter().zip(&truth) {
        let cleaned = cleaner.clean(line.as_bytes()).await.expect("cleanable");
        let record: Value = serde_json::from_slice(&cleaner.record(&cleaned).to_json()).unwrap();
        assert_eq!(record["id"], t["id"]);
        let duplicate = record["status"] == "duplicate";
        match t["label"].as_str().unwrap() {
            "copy" => {
                let entry = by_op
                    .entry(t["op"].as_str().unwrap().to_string())
                    .or_insert((0, 0, t["keeps_80"].as_bool().unwrap()));
                entry.0 += 1;
                if duplicate && record["duplicate_of"] == t["copy_of"] {
                    entry.1 += 1;
                    let copy = &record["copy"];
                    assert!(["exact", "near"].contains(&copy["method"].as_str().unwrap()));
                    assert!(copy["containment"].as_f64().unwrap() > 0.6, "{copy}");
                }
                assert!(
                    !record["paragraphs"].as_array().unwrap().is_empty(),
                    "{}: a copy keeps its text",
                    t["id"]
                );
            }
            _ if duplicate => marked.push(format!("{} ({})", t["id"], t["label"])),
            _ => assert_eq!(record["copy"], Value::Null),
        }
    }
    let mut low = Vec::new();
    for (op, (copies, found, keeps)) in &by_op {
        let recall = *found as f64 / *copies as f64;
        println!("{op:24} {found}/{copies} {recall:.3}");
        if *keeps && recall < 0.95 {
            low.push(format!("{op}: {found}/{copies}"));
        }
    }
    assert!(by_op.len() >= 19, "every operation is in the stream");
    assert!(low.is_empty(), "recall below 0.95: {low:?}");
    assert!(marked.is_empty(), "not copies, marked: {marked:?}");
}

fn story_article(id: &str, source: &str, title: &str, paragraphs: &[String]) -> Value {
    json!({"id": id, "source": source, "title": title, "body": paragraphs.join("\n")})
}

/// The same article re-sent by its own source under new ids (same title, same text) is a
/// duplicate of the first every time, and never loses its text to the boilerplate rule: a
/// copy's paragraphs are no evidence of its source's boilerplate.
#[tokio::test]
async fn re_sends_are_copies_of_the_first_however_many_times_they_come() {
    let (cleaner, _) = cleaner();
    let stories = wikinews();
    let footer = ["Most popular stories", "Comments", "No comment"].map(String::from);
    for (k, other) in stories[10..14].iter().enumerate() {
        let mut lines = other.paragraphs.clone();
        lines.extend(footer.iter().cloned());
        record(
            &cleaner,
            &story_article(&format!("other-{k}"), "wire.example", &other.title, &lines),
        )
        .await;
    }
    let story = &stories[3];
    let mut lines = story.paragraphs.clone();
    lines.extend(footer.iter().cloned());
    let first = record(
        &cleaner,
        &story_article("send-0", "wire.example", &story.title, &lines),
    )
    .await;
    assert_eq!(first["status"], "clean");
    for i in 1..6 {
        let again = record(
            &cleaner,
            &story_article(&format!("send-{i}"), "wire.example", &story.title, &lines),
        )
        .await;
        assert_eq!(again["status"], "duplicate", "re-send {i}");
        assert_eq!(again["duplicate_of"], "send-0", "re-send {i}");
        assert_eq!(kept(&again), kept(&first), "re-send {i} keeps the story");
    }
}

/// A site whose titles all end in the same tagline: the tagline is not the headline, so its
/// pages do not "repeat a recent headline" and sibling pages sharing the site's chrome are not
/// copies of each other.
#[tokio::test]
async fn a_recurring_title_part_is_not_the_headline() {
    let (cleaner, _) = cleaner();
    let tagline = "Things to Make and Do, Crafts and Activities for Kids - The Crafty Crow";
    let chrome: Vec<String> = [
        "The Crafty Crow is a collection of children's crafts and activities gathered from around the web by a group of parents.",
        "Browse the archive by age, season and material, or send us a project you made at home.",
        "Every project is tried by one of our editors before it appears here, with a list of what you need.",
        "We link to the original tutorial, so please visit the author's blog for the full instructions.",
    ]
    .map(String::from)
    .to_vec();
    let projects = [
        "Indian Corn Printing Craft",
        "Paper Plate Owl Masks",
        "Salt Dough Leaf Prints",
        "Cardboard Tube Castle",
        "Button Flower Cards",
        "Yarn Wrapped Letters",
    ];
    for (k, project) in projects.iter().enumerate() {
        // The tagline is the longest part of every title.
        let title = format!("{project} - {tagline}");
        let mut lines = chrome.clone();
        lines.push(format!(
            "This week we made the {} with a few things from the kitchen drawer.",
            project.to_lowercase()
        ));
        let rec = record(
            &cleaner,
            &story_article(&format!("craft-{k}"), "craftycrow.example", &title, &lines),
        )
        .await;
        assert_eq!(rec["status"], "clean", "craft-{k}: {}", rec["copy"]);
    }
}

/// A copy's record says how it was found and points at an original; a copy of a copy points
/// at the first original, measured against it.
#[tokio::test]
async fn a_copy_names_an_original_and_says_why() {
    let (cleaner, _) = cleaner();
    let story = &wikinews()[5];
    let original = record(
        &cleaner,
        &story_article("orig", "wire.example", &story.title, &story.paragraphs),
    )
    .await;
    assert_eq!(original["copy"], Value::Null);
    assert_eq!(original["record_format"], 4);
    // First copy: a word changed in the first sentence of every paragraph, and an update.
    let mut edited: Vec<String> = story
        .paragraphs
        .iter()
        .map(|p| p.replacen(" the ", " a ", 1))
        .collect();
    edited.push("Update: officials said later that more details would follow on Friday.".into());
    let copy = record(
        &cleaner,
        &story_article("copy-1", "paper.example", "Another headline", &edited),
    )
    .await;
    assert_eq!(copy["status"], "duplicate");
    assert_eq!(copy["duplicate_of"], "orig");
    assert_eq!(copy["copy"]["method"], "near");
    assert!(copy["copy"]["containment"].as_f64().unwrap() >= 0.82);
    assert!(copy["copy"]["paragraphs_matched"].as_u64().unwrap() >= 1);
    // A copy of the copy (its update included) still names the original.
    let again = record(
        &cleaner,
        &story_article("copy-2", "other.example", "A third headline", &edited),
    )
    .await;
    assert_eq!(again["status"], "duplicate");
    assert_eq!(again["duplicate_of"], "orig");
    // A verbatim copy is found by the exact tier.
    let verbatim = record(
        &cleaner,
        &story_article("copy-3", "third.example", &story.title, &story.paragraphs),
    )
    .await;
    assert_eq!(verbatim["copy"]["method"], "exact");
    assert_eq!(verbatim["copy"]["containment"], 1.0);
}

/// Arbitrary edits of a story (bytes spliced in, words cut, lines joined, in any script)
/// cleaned after it and after each other: every one ends as a record, and a duplicate always
/// names an original (the story, or an edit cut so much it was not a copy), never a copy.
mod fuzzed {
    use super::*;
    use proptest::prelude::*;

    fn edit() -> impl Strategy<Value = (usize, String)> {
        (
            0usize..4000,
            prop_oneof![
                Just(String::new()),
                Just("\n".to_string()),
                "[a-zA-Z ]{0,40}",
                "\\PC{0,20}",
                "[日本語の文章 ]{0,12}",
            ],
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn edits_of_a_story_end_as_records(edits in prop::collection::vec(prop::collection::vec(edit(), 0..6), 1..6)) {
            let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
            runtime.block_on(async {
                let (cleaner, _) = cleaner();
                let story = &wikinews()[7];
                let body = story.paragraphs.join("\n");
                let first = story_article("orig", "wire.example", &story.title, &story.paragraphs);
                record(&cleaner, &first).await;
                let mut originals = vec!["orig".to_string()];
                for (k, splices) in edits.iter().enumerate() {
                    let mut text = body.clone();
                    for (at, insert) in splices {
                        let mut at = (*at).min(text.len());
                        while !text.is_char_boundary(at) {
                            at -= 1;
                        }
                        text.insert_str(at, insert);
                    }
                    let raw = json!({"id": format!("edit-{k}"), "source": format!("s{k}.example"),
                        "title": story.title, "body": text});
                    let bytes = serde_json::to_vec(&raw).unwrap();
                    let Ok(cleaned) = cleaner.clean(&bytes).await else { continue };
                    let rec: Value = serde_json::from_slice(&cleaner.record(&cleaned).to_json()).unwrap();
                    if rec["status"] == "duplicate" {
                        let of = rec["duplicate_of"].as_str().unwrap().to_string();
                        prop_assert!(originals.contains(&of), "{} copies {}, a copy", k, of);
                    } else {
                        originals.push(format!("edit-{k}"));
                    }
                }
                Ok(())
            })?;
        }
    }
}
