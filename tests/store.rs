//! The embedded store's bounds and memory, through its trait.

mod common;

use std::sync::Arc;

use common::{START_MS, settings};
use paraprint::clean::key::Key;
use paraprint::clean::{Observation, Outcome};
use paraprint::config::StoreSettings;
use paraprint::store::{EmbeddedStore, ManualClock, Store};

fn store(tweak: impl FnOnce(&mut StoreSettings)) -> (EmbeddedStore, Arc<ManualClock>) {
    let mut s = settings().store;
    tweak(&mut s);
    let clock = Arc::new(ManualClock::new(START_MS));
    (
        EmbeddedStore::new(s, 30 * common::DAY_MS, 10, clock.clone()),
        clock,
    )
}

/// An article of `source` whose paragraphs are `lines` (content and template keys alike).
fn observation(id: &str, source: &str, lines: &[String]) -> Observation {
    let keys: Vec<Key> = lines.iter().map(|l| Key::of(l)).collect();
    Observation {
        article_id: id.into(),
        source: source.into(),
        digest: [0; 16],
        title: None,
        templates: keys.clone(),
        contents: keys,
    }
}

fn footer() -> Vec<String> {
    vec!["subscribe to our newsletter".into()]
}

#[tokio::test]
async fn counts_distinct_other_articles() {
    let (store, _) = store(|_| {});
    for id in ["a", "b", "b", "c"] {
        store
            .observe(&observation(id, "s", &footer()))
            .await
            .unwrap();
    }
    let facts = store
        .observe(&observation("d", "s", &footer()))
        .await
        .unwrap();
    assert_eq!(facts.template_articles, [3], "a, b and c; b once");
    let again = store
        .observe(&observation("a", "s", &footer()))
        .await
        .unwrap();
    assert_eq!(again.template_articles, [3], "b, c and d: never itself");
}

#[tokio::test]
async fn a_busy_source_cannot_push_out_another_sources_state() {
    let (store, _) = store(|s| {
        s.max_keys_per_source = 100;
        s.max_template_keys = 10_000;
    });
    for id in ["a1", "a2", "a3"] {
        store
            .observe(&observation(id, "quiet", &footer()))
            .await
            .unwrap();
    }
    for i in 0..2_000 {
        let lines = vec![format!("busy line {i}"), format!("another busy line {i}")];
        store
            .observe(&observation(&format!("b{i}"), "busy", &lines))
            .await
            .unwrap();
    }
    assert_eq!(
        store.template_keys(),
        101,
        "busy is capped at 100 keys, quiet keeps its 1"
    );
    let facts = store
        .observe(&observation("a4", "quiet", &footer()))
        .await
        .unwrap();
    assert_eq!(facts.template_articles, [3]);
}

#[tokio::test]
async fn past_the_global_cap_the_least_recently_seen_source_gives_way() {
    let (store, _) = store(|s| {
        s.max_keys_per_source = 100;
        s.max_template_keys = 150;
    });
    store
        .observe(&observation("old1", "old", &footer()))
        .await
        .unwrap();
    for source in ["s1", "s2"] {
        let lines: Vec<String> = (0..80).map(|i| format!("{source} line {i}")).collect();
        store
            .observe(&observation(source, source, &lines))
            .await
            .unwrap();
    }
    assert_eq!(store.template_keys(), 150);
    let facts = store
        .observe(&observation("old2", "old", &footer()))
        .await
        .unwrap();
    assert_eq!(
        facts.template_articles,
        [0],
        "the coldest source lost its state first"
    );
}

#[tokio::test]
async fn holders_claim_first_writer_and_never_self() {
    let (store, _) = store(|_| {});
    let body = vec!["a paragraph of news".to_string()];
    let first = store
        .observe(&observation("one", "s", &body))
        .await
        .unwrap();
    assert_eq!(first.holders, [None]);
    let again = store
        .observe(&observation("one", "s", &body))
        .await
        .unwrap();
    assert_eq!(
        again.holders,
        [None],
        "an article never holds against itself"
    );
    let copy = store
        .observe(&observation("two", "t", &body))
        .await
        .unwrap();
    assert_eq!(copy.holders, [Some("one".to_string())]);
}

#[tokio::test]
async fn outcomes_are_remembered_for_the_window_and_bounded() {
    let (store, clock) = store(|s| s.max_outcomes = 2);
    let outcome = |n: u8| Outcome {
        digest: [n; 16],
        duplicate_of: None,
        drops: vec![],
    };
    for (i, id) in ["a", "b", "c"].iter().enumerate() {
        store.remember(id, &outcome(i as u8)).await.unwrap();
    }
    let obs = |id: &str| observation(id, "s", &footer());
    assert_eq!(
        store.observe(&obs("a")).await.unwrap().previous,
        None,
        "evicted, least recent"
    );
    assert_eq!(
        store.observe(&obs("c")).await.unwrap().previous,
        Some(outcome(2))
    );
    clock.advance_ms(31 * common::DAY_MS);
    assert_eq!(
        store.observe(&obs("c")).await.unwrap().previous,
        None,
        "expired"
    );
}
