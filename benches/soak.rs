//! Flat memory over a long run: `cargo bench --bench soak` cleans 1,000,000 articles through
//! the whole offline path (parse, prepare, the embedded store, decide, serialize) with a store
//! bounded well below the stream, and prints resident memory (VmRSS) every 100,000 articles.
//! Once the store's caps are reached, resident memory must stop growing.
//!
//! Under `cargo test --all-targets` (no `--bench`) it runs 2,000 articles as a smoke test.

use std::sync::Arc;
use std::time::Instant;

use paraprint::cleaner::Cleaner;
use paraprint::config;
use paraprint::store::ManualClock;

fn articles() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        1_000_000
    } else {
        2_000
    }
}

/// Resident and peak resident memory of this process, in KiB.
fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// A realistic small article: a source's recurring footer, three unique paragraphs (one with
/// numbers), and now and then a copy of an earlier story.
fn article(i: usize) -> Vec<u8> {
    let story = if i % 50 == 49 { i - 7 } else { i };
    serde_json::to_vec(&serde_json::json!({
        "id": format!("soak-{i:09}"),
        "source": format!("source-{}.example", i % 500),
        "title": format!("Story number {story} about the markets"),
        "body": format!(
            "Shares of company {story} rose on Monday after the quarterly report.\n\
             Analysts said the results for story {story} beat every forecast made in May.\n\
             The chief executive, speaking in {story} words, said the outlook was “steady”.\n\
             Subscribe to our newsletter for more market news.\n\
             © 2026 Example Media. All rights reserved."
        ),
    }))
    .unwrap()
}

fn main() {
    let mut settings = config::load_from(None, Vec::new()).unwrap().settings;
    settings.store.path = String::new();
    // Caps far below the stream, so the run spends most of its time at the bound.
    settings.store.max_sources = 200;
    settings.store.max_template_keys = 50_000;
    settings.store.max_holders = 100_000;
    settings.store.max_outcomes = 50_000;
    settings.store.max_titles_per_source = 100;
    let clock = Arc::new(ManualClock::new(1_767_225_600_000));
    let cleaner = Cleaner::from_settings(&settings, clock.clone()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();

    let total = articles();
    let step = total / 10;
    let started = Instant::now();
    println!("articles   VmRSS KiB   VmHWM KiB   seconds");
    let mut bytes = 0usize;
    for i in 0..total {
        let raw = article(i);
        bytes += raw.len();
        let cleaned = runtime.block_on(cleaner.clean(&raw)).unwrap();
        std::hint::black_box(cleaner.record(&cleaned).to_json());
        clock.advance_ms(1_000);
        if (i + 1) % step == 0 {
            let (rss, hwm) = rss_kib();
            println!(
                "{:>8}   {rss:>9}   {hwm:>9}   {:>7.1}",
                i + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    println!(
        "{total} articles, {:.1} MB, {:.0} articles/s",
        bytes as f64 / 1e6,
        total as f64 / started.elapsed().as_secs_f64()
    );
}
