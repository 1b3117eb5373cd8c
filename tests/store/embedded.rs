//! The embedded store: the shared suite in memory and on disk, plus what only it has
//! (durability across restarts, the global cap).

use std::sync::Arc;

use paraprint::clean::key::KEY_FORMAT;
use paraprint::config::StoreSettings;
use paraprint::store::{EmbeddedStore, Store};

use crate::suite::{COUNT_CAP, Subject, WINDOW_MS, clock, footer, observation, settings};

/// An in-memory store with these settings, on its own clock.
fn memory_store(tweak: impl FnOnce(&mut StoreSettings)) -> EmbeddedStore {
    EmbeddedStore::new(settings(tweak), WINDOW_MS, COUNT_CAP, clock())
}

async fn in_memory(tweak: impl FnOnce(&mut StoreSettings)) -> Subject {
    let clock = clock();
    let store = EmbeddedStore::new(settings(tweak), WINDOW_MS, COUNT_CAP, clock.clone());
    Subject {
        store: Arc::new(store),
        clock,
        _guard: Box::new(()),
    }
}

async fn on_disk(tweak: impl FnOnce(&mut StoreSettings)) -> Subject {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let path = dir.path().to_str().unwrap().to_string();
    let store = EmbeddedStore::open(
        settings(|s| {
            s.path = path;
            tweak(s)
        }),
        WINDOW_MS,
        COUNT_CAP,
        clock.clone(),
    )
    .unwrap();
    Subject {
        store: Arc::new(store),
        clock,
        _guard: Box::new(dir),
    }
}

mod memory {
    behaviour_suite!(super::in_memory);
}

mod disk {
    behaviour_suite!(super::on_disk);
}

fn open(path: &std::path::Path, tweak: impl FnOnce(&mut StoreSettings)) -> EmbeddedStore {
    let path = path.to_str().unwrap().to_string();
    EmbeddedStore::open(
        settings(|s| {
            s.path = path;
            tweak(s)
        }),
        WINDOW_MS,
        COUNT_CAP,
        clock(),
    )
    .unwrap()
}

/// What was learned, and the outcomes, survive a restart; with snapshots in between too.
#[tokio::test]
async fn state_survives_a_restart() {
    for snapshot_log_bytes in [u64::MAX, 1] {
        let dir = tempfile::tempdir().unwrap();
        let outcome = paraprint::clean::Outcome {
            digest: [1; 16],
            duplicate_of: None,
            copy: None,
            drops: vec![],
        };
        {
            let store = open(dir.path(), |s| s.snapshot_log_bytes = snapshot_log_bytes);
            for id in ["a", "b", "c"] {
                store
                    .observe(&observation(id, "s", &footer()))
                    .await
                    .unwrap();
            }
            store
                .remember(&observation("a", "s", &footer()), &outcome)
                .await
                .unwrap();
        }
        let store = open(dir.path(), |_| {});
        let facts = store
            .observe(&observation("d", "s", &footer()))
            .await
            .unwrap();
        assert_eq!(
            facts.template_articles,
            [3],
            "snapshot_log_bytes = {snapshot_log_bytes}"
        );
        let again = store
            .observe(&observation("a", "s", &footer()))
            .await
            .unwrap();
        assert_eq!(again.previous, Some(outcome));
        assert_eq!(again.holders, [None], "a still holds its paragraph");
        let copy = store
            .observe(&observation("z", "t", &footer()))
            .await
            .unwrap();
        assert_eq!(copy.holders, [Some("a".to_string())]);
    }
}

/// A crash mid-write leaves a torn frame at the end of the log: it is cut off, and everything
/// before it is recovered.
#[tokio::test]
async fn a_torn_log_tail_is_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(dir.path(), |_| {});
        for id in ["a", "b"] {
            store
                .observe(&observation(id, "s", &footer()))
                .await
                .unwrap();
        }
    }
    let log = dir.path().join(format!("v{KEY_FORMAT}")).join("log.0");
    let mut bytes = std::fs::read(&log).unwrap();
    bytes.extend_from_slice(&[200, 0, 0, 0, 1, 2, 3]);
    std::fs::write(&log, &bytes).unwrap();
    let store = open(dir.path(), |_| {});
    let facts = store
        .observe(&observation("c", "s", &footer()))
        .await
        .unwrap();
    assert_eq!(facts.template_articles, [2]);
}

#[tokio::test]
async fn one_folder_one_process() {
    let dir = tempfile::tempdir().unwrap();
    let _first = open(dir.path(), |_| {});
    let path = dir.path().to_str().unwrap().to_string();
    let second = EmbeddedStore::open(settings(|s| s.path = path), WINDOW_MS, COUNT_CAP, clock());
    let message = second.err().expect("second open fails").to_string();
    assert!(message.contains("in use by another process"), "{message}");
}

#[tokio::test]
async fn past_the_global_cap_the_least_recently_seen_source_gives_way() {
    let store = memory_store(|s| {
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
async fn remembered_outcomes_are_capped() {
    let store = memory_store(|s| s.max_outcomes = 2);
    let outcome = |n: u8| paraprint::clean::Outcome {
        digest: [n; 16],
        duplicate_of: None,
        copy: None,
        drops: vec![],
    };
    for (i, id) in ["a", "b", "c"].iter().enumerate() {
        store
            .remember(&observation(id, "s", &footer()), &outcome(i as u8))
            .await
            .unwrap();
    }
    let obs = |id: &str| observation(id, "s", &footer());
    assert_eq!(
        store.observe(&obs("a")).await.unwrap().previous,
        None,
        "least recent evicted"
    );
    assert_eq!(
        store.observe(&obs("c")).await.unwrap().previous,
        Some(outcome(2))
    );
}

#[tokio::test]
async fn past_the_per_source_cap_the_least_recently_seen_key_goes() {
    let store = memory_store(|s| s.max_keys_per_source = 20);
    store
        .observe(&observation("b0", "busy", &footer()))
        .await
        .unwrap();
    for i in 0..40 {
        let lines = vec![format!("busy line {i}")];
        store
            .observe(&observation(&format!("b{}", i + 1), "busy", &lines))
            .await
            .unwrap();
    }
    let facts = store
        .observe(&observation("b-last", "busy", &footer()))
        .await
        .unwrap();
    assert_eq!(
        facts.template_articles,
        [0],
        "the busy source's oldest key was evicted"
    );
}
