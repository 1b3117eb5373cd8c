//! The engine alone (parse, prepare, decide, serialize the record; no store, no broker) against SHA-256 over the same bytes,
//! and 1× against 10× inputs to show cost linear in size: `cargo bench --bench engine`.
//! Results and how to read them: BENCHMARKS.md.

use std::io::Read;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use paraprint::article::RawArticle;
use paraprint::clean::{Engine, Facts};
use paraprint::config;
use sha2::{Digest, Sha256};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// A plain-text article body: the first five Wikinews stories (ASCII and non-ASCII text), `n`
/// times over, so 1× and 10× have the same mix.
fn plain_body(n: usize) -> String {
    let stories: Vec<serde_json::Value> = fixture("wikinews.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let unit: Vec<&str> = stories[..5]
        .iter()
        .map(|s| s["body"].as_str().unwrap())
        .collect();
    vec![unit.join("\n"); n].join("\n")
}

/// An HTML body: a real page's body repeated `n` times inside one document.
fn html_body(n: usize) -> String {
    let path = format!(
        "{}/tests/fixtures/html/pages_html.jsonl.gz",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let page: serde_json::Value = serde_json::from_str(text.lines().nth(10).unwrap()).unwrap();
    let html = page["body"].as_str().unwrap();
    let inner = html.split_once("<body").map(|(_, b)| b).unwrap_or(html);
    format!(
        "<html><body>{}</body></html>",
        vec![format!("<div{inner}</div>"); n].join("")
    )
}

fn raw(body: &str, content_type: &str) -> Vec<u8> {
    serde_json::to_vec(
        &serde_json::json!({"id": "bench", "source": "bench.example",
        "title": "A title", "content_type": content_type, "body": body}),
    )
    .unwrap()
}

/// The whole offline path for one raw message: parse, prepare, decide, serialize the record.
fn clean_once(engine: &Engine, bytes: &[u8]) -> Vec<u8> {
    let article = RawArticle::parse(bytes, usize::MAX).unwrap();
    let prepared = engine.prepare(article).unwrap();
    let facts = Facts::fresh(&prepared.observation);
    let outcome = engine.decide(&prepared, &facts);
    engine.record(&prepared, &outcome).to_json()
}

fn bench(c: &mut Criterion) {
    let settings = config::load_from(None, Vec::new()).unwrap().settings;
    let engine = Engine::new(settings.boilerplate.clone(), settings.copies.clone());
    let mut group = c.benchmark_group("engine");
    for (kind, content_type, make) in [
        ("plain", "text/plain", plain_body as fn(usize) -> String),
        ("html", "text/html", html_body as fn(usize) -> String),
    ] {
        for scale in [1usize, 10] {
            let bytes = raw(&make(scale), content_type);
            group.throughput(Throughput::Bytes(bytes.len() as u64));
            group.bench_with_input(
                BenchmarkId::new(format!("sha256/{kind}"), scale),
                &bytes,
                |b, bytes| b.iter(|| Sha256::digest(bytes)),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("clean/{kind}"), scale),
                &bytes,
                |b, bytes| b.iter(|| clean_once(&engine, bytes)),
            );
        }
    }
    group.finish();

    // Many short paragraphs: 10,000 (about 0.5 MB) and 100,000 (about 5 MB) in one article.
    let mut group = c.benchmark_group("paragraphs");
    group.sample_size(10);
    for count in [10_000usize, 100_000] {
        let body: String = (0..count)
            .map(|i| format!("Paragraph {i} of a very long article, in plain words.\n"))
            .collect();
        let bytes = raw(&body, "text/plain");
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::new("sha256", count), &bytes, |b, bytes| {
            b.iter(|| Sha256::digest(bytes))
        });
        group.bench_with_input(BenchmarkId::new("clean", count), &bytes, |b, bytes| {
            b.iter(|| clean_once(&engine, bytes))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
