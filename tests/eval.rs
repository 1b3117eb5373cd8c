//! Cleaning quality on the labelled development set (`tests/fixtures/eval/`), guarded: a run
//! that falls below the committed figures fails. Raising `figures.json` is a deliberate commit
//! (take the new values from `paraprint eval tests/fixtures/eval/devset.jsonl --json`).

mod common;

use std::collections::BTreeMap;

use paraprint::commands::eval;
use paraprint::eval::Report;

/// Articles learned (not scored) in primed mode: the 224 real items and the first two rounds of
/// the composed sources.
const PRIME: usize = 240;

async fn report(prime: usize) -> Report {
    let settings = common::settings();
    let (cleaner, _) = common::cleaner_with(&settings);
    let text = common::fixture("eval/devset.jsonl");
    let lines: Vec<&str> = text.lines().collect();
    eval::run(&settings, &cleaner, &lines, prime).await.unwrap()
}

/// The figures the guard compares, by name.
fn figures(r: &Report) -> BTreeMap<&'static str, f64> {
    BTreeMap::from([
        ("all.content_kept", r.all.content_kept.value()),
        ("all.boilerplate_dropped", r.all.boilerplate_dropped.value()),
        ("all.drop_precision", r.all.drop_precision["all"].value()),
        ("large.content_kept", r.large_sources.content_kept.value()),
        (
            "large.boilerplate_dropped",
            r.large_sources.boilerplate_dropped.value(),
        ),
        (
            "large.recurring_boilerplate_dropped",
            r.large_sources.recurring_boilerplate_dropped.value(),
        ),
        (
            "large.repeats_dropped",
            r.large_sources.repeats_dropped.value(),
        ),
        ("small.content_kept", r.small_sources.content_kept.value()),
        (
            "small.boilerplate_dropped",
            r.small_sources.boilerplate_dropped.value(),
        ),
        ("copies.precision", r.copies.precision.value()),
        ("copies.recall", r.copies.recall.value()),
    ])
}

fn guard(mode: &str, report: &Report) {
    let committed: serde_json::Value =
        serde_json::from_str(&common::fixture("eval/figures.json")).unwrap();
    let now = figures(report);
    let mut failures = Vec::new();
    for (name, floor) in committed[mode].as_object().unwrap() {
        let floor = floor.as_f64().unwrap();
        let got = now
            .get(name.as_str())
            .unwrap_or_else(|| panic!("unknown figure {name}"));
        if *got + 1e-9 < floor {
            failures.push(format!("{name}: {got:.4} < {floor:.4}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{mode} figures fell: {failures:?}\nnow: {now:#?}"
    );
}

#[tokio::test]
async fn development_set_meets_its_figures() {
    let report = report(0).await;
    // What the product promises, whatever the committed figures say.
    let large = &report.large_sources;
    assert!(large.content_kept.value() >= 0.99, "{}", report.table());
    assert!(
        large.recurring_boilerplate_dropped.value() >= 0.85,
        "{}",
        report.table()
    );
    assert_eq!(large.repeats_dropped.value(), 1.0, "{}", report.table());
    assert_eq!(
        report.all.repeats_dropped.value(),
        1.0,
        "{}",
        report.table()
    );
    assert!(report.copies.precision.value() >= 0.9, "{}", report.table());
    assert!(report.copies.recall.value() >= 0.9, "{}", report.table());
    guard("full", &report);
}

#[tokio::test]
async fn primed_development_set_meets_its_figures() {
    let report = report(PRIME).await;
    assert_eq!(report.primed, PRIME as u64);
    assert!(
        report.large_sources.content_kept.value() >= 0.99,
        "{}",
        report.table()
    );
    guard("primed", &report);
}
