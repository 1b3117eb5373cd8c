//! Helpers shared by the engine tests: settings, a cleaner with a manual clock, fixtures.
#![allow(dead_code)]

pub mod nasty;
pub mod nesting;

use std::sync::Arc;

use paraprint::cleaner::Cleaner;
use paraprint::config::{self, Settings};
use paraprint::store::ManualClock;
use serde_json::{Value, json};

/// 2026-01-01T00:00:00Z: any fixed start will do, tests move the clock themselves.
pub const START_MS: u64 = 1_767_225_600_000;
pub const DAY_MS: u64 = 24 * 3600 * 1000;

/// The built-in defaults, with the embedded store in memory (tests never write state to the
/// working directory).
pub fn settings() -> Settings {
    let mut settings = config::load_from(None, Vec::new())
        .expect("defaults load")
        .settings;
    settings.store.path = String::new();
    settings
}

pub fn cleaner_with(settings: &Settings) -> (Cleaner, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(START_MS));
    (
        Cleaner::from_settings(settings, clock.clone()).unwrap(),
        clock,
    )
}

pub fn cleaner() -> (Cleaner, Arc<ManualClock>) {
    cleaner_with(&settings())
}

/// Cleans one raw message and returns the record's JSON bytes.
pub async fn record_bytes(cleaner: &Cleaner, raw: &Value) -> Vec<u8> {
    let bytes = serde_json::to_vec(raw).unwrap();
    let cleaned = cleaner.clean(&bytes).await.expect("cleanable");
    cleaner.record(&cleaned).to_json()
}

pub async fn record(cleaner: &Cleaner, raw: &Value) -> Value {
    serde_json::from_slice(&record_bytes(cleaner, raw).await).unwrap()
}

/// The 181 real web pages of `tests/fixtures/html/pages_html.jsonl.gz`, one JSON object each
/// (`id`, `source`, `title`, `body`, `truth`).
pub fn html_pages() -> Vec<Value> {
    use std::io::Read;
    let path = format!(
        "{}/tests/fixtures/html/pages_html.jsonl.gz",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// The copies harness (`scripts/copies_harness.py`): its stream's lines and their truth.
pub fn copies_harness() -> (Vec<String>, Vec<Value>) {
    use std::io::Read;
    let path = format!(
        "{}/tests/fixtures/copies/harness.jsonl.gz",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let truth = fixture("copies/harness-truth.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (text.lines().map(str::to_string).collect(), truth)
}

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn seed() -> Value {
    serde_json::from_str(fixture("seed-menafn.jsonl").trim()).unwrap()
}

/// A real Wikinews article: its id, title and the paragraphs its truth keeps.
#[derive(Clone)]
pub struct Story {
    pub id: String,
    pub title: String,
    pub paragraphs: Vec<String>,
}

pub fn wikinews() -> Vec<Story> {
    fixture("wikinews.jsonl")
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            Story {
                id: v["id"].as_str().unwrap().to_string(),
                title: v["title"].as_str().unwrap().to_string(),
                paragraphs: v["truth"]["keep"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p.as_str().unwrap().to_string())
                    .collect(),
            }
        })
        .collect()
}

/// A raw article: headline line, the story's paragraphs, then `footer` lines.
pub fn article(id: &str, source: &str, story: &Story, footer: &[String]) -> Value {
    let mut lines = vec![story.title.clone()];
    lines.extend(story.paragraphs.iter().cloned());
    lines.extend(footer.iter().cloned());
    json!({"id": id, "source": source, "title": story.title, "body": lines.join("\n")})
}

pub fn kept(record: &Value) -> Vec<String> {
    record["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect()
}

/// `(index, reason, rule)` of every dropped paragraph.
pub fn drops(record: &Value) -> Vec<(usize, String, Option<String>)> {
    record["dropped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["index"].as_u64().unwrap() as usize,
                d["reason"].as_str().unwrap().to_string(),
                d["rule"].as_str().map(str::to_string),
            )
        })
        .collect()
}
