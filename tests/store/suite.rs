//! The behaviours every store must share. Each backend module instantiates them with
//! `behaviour_suite!(constructor)`, where the constructor builds a fresh, isolated store.

use std::sync::Arc;

use paraprint::article::RawArticle;
use paraprint::clean::copies::{CopyEvidence, CopyMethod};
use paraprint::clean::key::{Key, ParagraphKeys};
use paraprint::clean::{Engine, Observation, Outcome};
use paraprint::cleaner::Cleaner;
use paraprint::config::StoreSettings;
use paraprint::store::{ManualClock, Store};

use crate::common::{self, DAY_MS, START_MS, Story};

/// What a backend constructor returns.
pub struct Subject {
    pub store: Arc<dyn Store>,
    pub clock: Arc<ManualClock>,
    /// Keeps whatever the backend needs alive (temporary folders, key cleanup).
    pub _guard: Box<dyn Send>,
}

pub fn settings(tweak: impl FnOnce(&mut StoreSettings)) -> StoreSettings {
    let mut s = common::settings().store;
    tweak(&mut s);
    s
}

pub fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(START_MS))
}

pub const WINDOW_MS: u64 = 30 * DAY_MS;
pub const COUNT_CAP: u32 = 10;

/// An article of `source` whose paragraphs are `lines` (content and template keys alike).
pub fn observation(id: &str, source: &str, lines: &[String]) -> Observation {
    let keys: Vec<Key> = lines.iter().map(|l| Key::of(l)).collect();
    Observation {
        article_id: id.into(),
        source: source.into(),
        digest: [0; 16],
        titles: Vec::new(),
        templates: keys.clone(),
        contents: keys,
        title_checks: Vec::new(),
        content_templates: Vec::new(),
    }
}

/// A line every source prints: what the suite counts as boilerplate.
pub fn footer() -> Vec<String> {
    vec!["subscribe to our newsletter".into()]
}

pub async fn counts_distinct_other_articles(s: Subject) {
    for id in ["a", "b", "b", "c"] {
        s.store
            .observe(&observation(id, "s", &footer()))
            .await
            .unwrap();
    }
    let facts = s
        .store
        .observe(&observation("d", "s", &footer()))
        .await
        .unwrap();
    assert_eq!(facts.template_articles, [3], "a, b and c; b once");
    let again = s
        .store
        .observe(&observation("a", "s", &footer()))
        .await
        .unwrap();
    assert_eq!(again.template_articles, [3], "b, c and d: never itself");
}

pub async fn counts_saturate_at_the_cap(s: Subject) {
    for i in 0..(COUNT_CAP + 5) {
        s.store
            .observe(&observation(&format!("a{i}"), "s", &footer()))
            .await
            .unwrap();
    }
    let facts = s
        .store
        .observe(&observation("last", "s", &footer()))
        .await
        .unwrap();
    assert_eq!(facts.template_articles, [COUNT_CAP]);
}

pub async fn boilerplate_is_per_source(s: Subject) {
    for (i, source) in ["s1", "s2", "s3"].iter().enumerate() {
        s.store
            .observe(&observation(&format!("a{i}"), source, &footer()))
            .await
            .unwrap();
    }
    let facts = s
        .store
        .observe(&observation("x", "s4", &footer()))
        .await
        .unwrap();
    assert_eq!(facts.template_articles, [0]);
}

pub async fn evidence_expires_with_the_window(s: Subject) {
    for id in ["a", "b", "c"] {
        s.store
            .observe(&observation(id, "s", &footer()))
            .await
            .unwrap();
    }
    s.clock.advance_ms(WINDOW_MS + DAY_MS);
    let facts = s
        .store
        .observe(&observation("d", "s", &footer()))
        .await
        .unwrap();
    assert_eq!(facts.template_articles, [0]);
    let body = vec!["a paragraph of news".to_string()];
    s.store
        .observe(&observation("old", "s", &body))
        .await
        .unwrap();
    s.clock.advance_ms(WINDOW_MS + DAY_MS);
    let copy = s
        .store
        .observe(&observation("new", "t", &body))
        .await
        .unwrap();
    assert_eq!(
        copy.holders,
        [None],
        "an expired holder is no longer the original"
    );
}

pub async fn holders_claim_first_writer_and_never_self(s: Subject) {
    let body = vec![
        "a paragraph of news".to_string(),
        "another paragraph".into(),
    ];
    let first = s
        .store
        .observe(&observation("one", "s", &body))
        .await
        .unwrap();
    assert_eq!(first.holders, [None, None]);
    let again = s
        .store
        .observe(&observation("one", "s", &body))
        .await
        .unwrap();
    assert_eq!(
        again.holders,
        [None, None],
        "an article never holds against itself"
    );
    let copy = s
        .store
        .observe(&observation("two", "t", &body))
        .await
        .unwrap();
    let mut ids = Vec::new();
    for holder in copy.holders.iter().flatten() {
        ids.push(s.store.article_id(holder).await.unwrap());
    }
    assert_eq!(
        ids,
        [Some("one".to_string()), Some("one".to_string())],
        "both held by the first, named by its id"
    );
}

/// A cleaner over the subject's store, with the default settings.
fn cleaner(s: &Subject) -> Cleaner {
    let settings = common::settings();
    let engine = Engine::new(settings.boilerplate.clone(), settings.copies.clone());
    Cleaner::new(engine, s.store.clone(), settings.limits.max_message_bytes)
}

/// A story no earlier round has: its paragraphs carry the round's number.
fn story(round: usize) -> Story {
    let stories = common::wikinews();
    let story = &stories[round % stories.len()];
    Story {
        id: format!("story{round}"),
        title: format!("{} ({round})", story.title),
        paragraphs: story
            .paragraphs
            .iter()
            .map(|p| format!("In round {round}, {p}"))
            .collect(),
    }
}

/// Two copies of one story cleaned at the same moment: exactly one is the original, and the
/// other names it.
pub async fn racing_copies_have_exactly_one_original(s: Subject) {
    let cleaner = cleaner(&s);
    for round in 0..30 {
        let story = story(round);
        let (x, y) = (format!("x{round}"), format!("y{round}"));
        let (ax, ay) = (
            common::article(&x, "s1", &story, &[]),
            common::article(&y, "s2", &story, &[]),
        );
        let (rx, ry) = tokio::join!(common::record(&cleaner, &ax), common::record(&cleaner, &ay));
        let (copy, original) = match (rx["duplicate_of"].is_null(), ry["duplicate_of"].is_null()) {
            (true, false) => (&ry, &x),
            (false, true) => (&rx, &y),
            both => panic!("round {round}: originals {both:?}, exactly one expected"),
        };
        assert_eq!(copy["duplicate_of"], original.as_str(), "round {round}");
    }
}

/// The race a cluster can lose: each copy claimed part of the story first (here `y` its last
/// two paragraphs before `x` arrived). The two meet, and exactly one stays the original.
pub async fn split_claims_settle_on_one_original(s: Subject) {
    let cleaner = cleaner(&s);
    let story = story(0);
    // A quarter of the prose: neither holds enough of the other for a copy on its own.
    let tail = Story {
        paragraphs: story.paragraphs[story.paragraphs.len() - 2..].to_vec(),
        ..story.clone()
    };
    let early = common::article("y", "s2", &tail, &[]);
    let early = RawArticle::parse(early.to_string().as_bytes(), usize::MAX).unwrap();
    let early = cleaner.engine().prepare(early).unwrap();
    s.store.observe(&early.observation).await.unwrap();

    let x = common::record(&cleaner, &common::article("x", "s1", &story, &[])).await;
    let y = common::record(&cleaner, &common::article("y", "s2", &story, &[])).await;
    assert_eq!(x["duplicate_of"], serde_json::Value::Null, "x met y first");
    assert_eq!(y["duplicate_of"], "x", "y is the copy of the first to meet");
}

pub async fn titles_of_other_articles_are_known(s: Subject) {
    let mut a = observation("a", "s", &footer());
    a.titles = vec![Key::of("markets rally on rate hopes")];
    s.store.observe(&a).await.unwrap();
    let link = vec!["markets rally on rate hopes".to_string()];
    let facts = s
        .store
        .observe(&observation("b", "s", &link))
        .await
        .unwrap();
    assert_eq!(facts.titles_of_others, [true]);
    let elsewhere = s
        .store
        .observe(&observation("c", "other", &link))
        .await
        .unwrap();
    assert_eq!(elsewhere.titles_of_others, [false], "titles are per source");
    let mut own = observation("a", "s", &link);
    own.titles = a.titles.clone();
    let facts = s.store.observe(&own).await.unwrap();
    assert_eq!(facts.titles_of_others, [false], "not its own title");
}

pub async fn top_templates_and_forget(s: Subject) {
    let line = |t: &str| ParagraphKeys {
        content: Key::of(t),
        template: Key::of(t),
        chars: t.len(),
    };
    let (footer, menu) = ("subscribe to our newsletter", "home world sport");
    for (i, id) in ["a", "b", "c", "d"].iter().enumerate() {
        let mut lines = vec![footer.to_string()];
        if i < 2 {
            lines.push(menu.into());
        }
        s.store
            .observe(&observation(id, "s", &lines))
            .await
            .unwrap();
    }
    s.store
        .observe(&observation("x", "other", &[footer.to_string()]))
        .await
        .unwrap();
    let top = s.store.top_templates("s", 10).await.unwrap();
    let counts: Vec<(Key, u32)> = vec![(Key::of(footer), 4), (Key::of(menu), 2)];
    assert_eq!(
        top.iter().map(|t| (t.key, t.articles)).collect::<Vec<_>>(),
        counts
            .iter()
            .map(|(k, n)| (k.brief(), *n))
            .collect::<Vec<_>>()
    );
    assert_eq!(s.store.top_templates("s", 1).await.unwrap().len(), 1);

    assert!(s.store.forget("s", Some(&line(footer))).await.unwrap() >= 1);
    let facts = s
        .store
        .observe(&observation("e", "s", &[footer.to_string()]))
        .await
        .unwrap();
    assert_eq!(
        facts.template_articles,
        [0],
        "forgotten: counting starts again"
    );
    let elsewhere = s
        .store
        .observe(&observation("y", "other", &[footer.to_string()]))
        .await
        .unwrap();
    assert_eq!(
        elsewhere.template_articles,
        [1],
        "other sources keep theirs"
    );

    assert!(s.store.forget("s", None).await.unwrap() >= 2);
    assert!(s.store.top_templates("s", 10).await.unwrap().is_empty());
    let facts = s
        .store
        .observe(&observation("f", "s", &[menu.to_string()]))
        .await
        .unwrap();
    assert_eq!(facts.template_articles, [0]);
}

pub async fn outcomes_are_remembered_for_the_window(s: Subject) {
    let obs = observation("a", "s", &footer());
    assert_eq!(s.store.observe(&obs).await.unwrap().previous, None);
    let outcome = Outcome {
        digest: [7; 16],
        duplicate_of: Some("orig".into()),
        copy: Some(CopyEvidence {
            method: CopyMethod::Near,
            containment_permille: 912,
            paragraphs_matched: 3,
            paragraphs_measured: 4,
        }),
        drops: vec![],
    };
    s.store.remember(&obs, &outcome).await.unwrap();
    assert_eq!(s.store.observe(&obs).await.unwrap().previous, Some(outcome));
    s.clock.advance_ms(WINDOW_MS + DAY_MS);
    assert_eq!(
        s.store.observe(&obs).await.unwrap().previous,
        None,
        "expired"
    );
}

/// A source keeps a bounded number of template keys (`max_keys_per_source`: the embedded store
/// pushes the least recently seen out, Redis stops adding new ones in a generation); other
/// sources keep theirs.
pub async fn per_source_cap_bounds_a_busy_source(s: Subject) {
    for id in ["q1", "q2", "q3"] {
        s.store
            .observe(&observation(id, "quiet", &footer()))
            .await
            .unwrap();
    }
    for i in 0..40 {
        s.clock.advance_ms(1);
        let lines = vec![format!("busy line {i}")];
        s.store
            .observe(&observation(&format!("b{i}"), "busy", &lines))
            .await
            .unwrap();
    }
    let kept = s.store.top_templates("busy", 1000).await.unwrap().len();
    assert!(
        (1..=20).contains(&kept),
        "the busy source holds {kept} keys"
    );
    let quiet = s
        .store
        .observe(&observation("q4", "quiet", &footer()))
        .await
        .unwrap();
    assert_eq!(
        quiet.template_articles,
        [3],
        "the quiet source kept its state"
    );
}

/// The whole engine on this backend: an article, five others that make its footer
/// boilerplate, then the first again: byte-identical record.
pub async fn redelivery_is_byte_identical(s: Subject) {
    let settings = common::settings();
    let engine = Engine::new(settings.boilerplate.clone(), settings.copies.clone());
    let cleaner = Cleaner::new(engine, s.store.clone(), settings.limits.max_message_bytes);
    let stories = common::wikinews();
    let raw = |k: usize| {
        let footer = vec!["Subscribe to our newsletter for more.".to_string()];
        common::article(&stories[k].id, "daily.example", &stories[k], &footer)
    };
    let first = common::record_bytes(&cleaner, &raw(0)).await;
    for k in 1..=5 {
        s.clock.advance_ms(1000);
        common::record_bytes(&cleaner, &raw(k)).await;
    }
    let again = common::record_bytes(&cleaner, &raw(0)).await;
    assert_eq!(again, first);
    let fresh = common::record(&cleaner, &raw(6)).await;
    assert_eq!(
        common::kept(&fresh),
        stories[6].paragraphs,
        "the footer is boilerplate by now"
    );
}

/// One decision, every store: the copies harness (every edit of every story, and the
/// controls) decided through this store gives each article the status, original and evidence it
/// gets through a fresh embedded store.
pub async fn copies_are_decided_as_the_embedded_store_decides(s: Subject) {
    let settings = common::settings();
    let engine = Engine::new(settings.boilerplate.clone(), settings.copies.clone());
    let cleaner = Cleaner::new(
        engine.clone(),
        s.store.clone(),
        settings.limits.max_message_bytes,
    );
    let reference_clock = clock();
    let reference = Cleaner::new(
        engine,
        Arc::new(paraprint::store::EmbeddedStore::new(
            self::settings(|_| {}),
            WINDOW_MS,
            COUNT_CAP,
            reference_clock.clone(),
        )),
        settings.limits.max_message_bytes,
    );
    let (stream, _) = common::copies_harness();
    let verdict = |record: Vec<u8>| {
        let r: serde_json::Value = serde_json::from_slice(&record).unwrap();
        (
            r["id"].clone(),
            r["status"].clone(),
            r["duplicate_of"].clone(),
            r["copy"].clone(),
        )
    };
    let (mut copies, mut differ) = (0, Vec::new());
    for line in &stream {
        let raw: serde_json::Value = serde_json::from_str(line).unwrap();
        let mine = verdict(common::record_bytes(&cleaner, &raw).await);
        let theirs = verdict(common::record_bytes(&reference, &raw).await);
        copies += usize::from(mine.1 == "duplicate");
        if mine != theirs {
            differ.push(format!("{mine:?} / embedded: {theirs:?}"));
        }
        s.clock.advance_ms(1000);
        reference_clock.advance_ms(1000);
    }
    assert!(copies > 800, "the harness's copies are found ({copies})");
    assert!(
        differ.is_empty(),
        "{} differ: {:?}",
        differ.len(),
        &differ[..differ.len().min(5)]
    );
}

/// An article observed and not decided yet is marked deciding in the copy index (so a copy
/// cleaned at the same moment waits for it); its entry replaces the mark, and a mark left by a
/// worker that stopped is waited for no more after a while.
pub async fn the_copy_index_knows_who_is_deciding(s: Subject) {
    use paraprint::clean::copies::{IndexEntry, Sketch};
    let a = observation(
        "a",
        "s",
        &["A story told once, in a single sentence.".to_string()],
    );
    s.store.observe(&a).await.unwrap();
    let asked = s.store.originals(&["a".to_string()]).await.unwrap();
    assert!(
        asked[0].deciding && asked[0].original.is_none(),
        "{asked:?}"
    );
    let sketch = Sketch::of(vec![3, 1, 2], 256);
    s.store
        .index(&a, &IndexEntry::Original(sketch.clone().into()))
        .await
        .unwrap();
    let asked = s.store.originals(&["a".to_string()]).await.unwrap();
    assert!(!asked[0].deciding);
    let original = asked[0].original.as_ref().expect("indexed");
    assert_eq!((original.id.as_str(), &*original.sketch), ("a", &sketch));
    // A redelivery keeps the entry.
    s.store.observe(&a).await.unwrap();
    let asked = s.store.originals(&["a".to_string()]).await.unwrap();
    assert!(!asked[0].deciding && asked[0].original.is_some());
    // A copy points at its original; one never decided stops being waited for.
    let b = observation("b", "t", &["Another story.".to_string()]);
    s.store.observe(&b).await.unwrap();
    s.store
        .index(
            &b,
            &IndexEntry::CopyOf {
                original: "a".into(),
                uncount: Vec::new(),
            },
        )
        .await
        .unwrap();
    let c = observation("c", "t", &["A third story.".to_string()]);
    s.store.observe(&c).await.unwrap();
    s.clock
        .advance_ms(paraprint::store::embedded::DECIDING_MS + 1);
    let asked = s
        .store
        .originals(&["b".to_string(), "c".to_string()])
        .await
        .unwrap();
    let via = asked[0].original.as_ref().expect("b's original");
    assert!(via.redirected && via.id == "a");
    assert!(
        !asked[1].deciding && asked[1].original.is_none(),
        "{asked:?}"
    );
}

/// Instantiates every behaviour as a test, for one backend constructor
/// (`fn(impl FnOnce(&mut StoreSettings)) -> Subject`, called per test).
macro_rules! behaviour_suite {
    ($make:path) => {
        #[tokio::test]
        async fn counts_distinct_other_articles() {
            $crate::suite::counts_distinct_other_articles($make(|_| {}).await).await
        }
        #[tokio::test]
        async fn counts_saturate_at_the_cap() {
            $crate::suite::counts_saturate_at_the_cap($make(|_| {}).await).await
        }
        #[tokio::test]
        async fn boilerplate_is_per_source() {
            $crate::suite::boilerplate_is_per_source($make(|_| {}).await).await
        }
        #[tokio::test]
        async fn evidence_expires_with_the_window() {
            $crate::suite::evidence_expires_with_the_window($make(|_| {}).await).await
        }
        #[tokio::test]
        async fn holders_claim_first_writer_and_never_self() {
            $crate::suite::holders_claim_first_writer_and_never_self($make(|_| {}).await).await
        }
        #[tokio::test]
        async fn racing_copies_have_exactly_one_original() {
            $crate::suite::racing_copies_have_exactly_one_original($make(|_| {}).await).await
        }
        #[tokio::test]
        async fn titles_of_other_articles_are_known() {
            $crate::suite::titles_of_other_articles_are_known($make(|_| {}).await).await
        }
        #[tokio::test]
        async fn top_templates_and_forget() {
            $crate::suite::top_templates_and_forget($make(|_| {}).await).await
        }
        #[tokio::test]
        async fn outcomes_are_remembered_for_the_window() {
            $crate::suite::outcomes_are_remembered_for_the_window($make(|_| {}).await).await
        }
        #[tokio::test]
        async fn per_source_cap_bounds_a_busy_source() {
            $crate::suite::per_source_cap_bounds_a_busy_source(
                $make(|s| s.max_keys_per_source = 20).await,
            )
            .await
        }
        #[tokio::test]
        async fn the_copy_index_knows_who_is_deciding() {
            $crate::suite::the_copy_index_knows_who_is_deciding($make(|_| {}).await).await
        }
        #[tokio::test]
        async fn copies_are_decided_as_the_embedded_store_decides() {
            $crate::suite::copies_are_decided_as_the_embedded_store_decides($make(|_| {}).await)
                .await
        }
        #[tokio::test]
        async fn redelivery_is_byte_identical() {
            $crate::suite::redelivery_is_byte_identical($make(|_| {}).await).await
        }
    };
}
