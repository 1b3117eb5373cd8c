//! Memory per remembered key, embedded and Redis: `cargo bench --bench memory`.
//!
//! Embedded: a counting allocator measures the heap the store holds after observing a workload.
//! Redis: `used_memory` from `INFO memory` before and after the same workload under a fresh
//! key prefix (deleted afterwards). Needs Redis at PARAPRINT_TEST_REDIS_URL or 127.0.0.1:6379.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use paraprint::clean::key::Key;
use paraprint::clean::{DropReason, DroppedParagraph, Observation, Outcome};
use paraprint::config;
use paraprint::store::{EmbeddedStore, ManualClock, RedisStore, Store};

struct Counting;
static HEAP: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        HEAP.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HEAP.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Articles in the workload. `cargo test --all-targets` runs this file without `--bench`: then
/// a small workload checks that it still works, and the figures are not meant to be read.
fn articles() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        20_000
    } else {
        200
    }
}
const PARAGRAPHS: usize = 10;
const SOURCES: usize = 100;

fn observation(article: usize) -> Observation {
    let keys: Vec<Key> = (0..PARAGRAPHS)
        .map(|p| Key::of(&format!("article {article} paragraph {p}")))
        .collect();
    Observation {
        article_id: format!("article-{article:08}"),
        source: format!("source-{}.example", article % SOURCES),
        digest: [0; 16],
        titles: vec![Key::of(&format!("title {article}"))],
        templates: keys.clone(),
        contents: keys,
        title_checks: Vec::new(),
        content_templates: Vec::new(),
    }
}

fn outcome() -> Outcome {
    Outcome {
        digest: [1; 16],
        duplicate_of: None,
        copy: None,
        drops: (0..5)
            .map(|i| DroppedParagraph {
                index: i,
                reason: DropReason::RepeatedInArticle,
            })
            .collect(),
    }
}

/// Observes the workload, then remembers an outcome per article; returns the memory grown by
/// each phase as measured by `measure`.
async fn workload(store: &dyn Store, measure: &dyn Fn() -> usize) -> (usize, usize) {
    let start = measure();
    for a in 0..articles() {
        store.observe(&observation(a)).await.unwrap();
    }
    let observed = measure();
    for a in 0..articles() {
        store.remember(&observation(a), &outcome()).await.unwrap();
    }
    let remembered = measure();
    (
        observed.saturating_sub(start),
        remembered.saturating_sub(observed),
    )
}

fn report(backend: &str, observed: usize, remembered: usize) {
    let paragraphs = (articles() * PARAGRAPHS) as f64;
    // Each observed paragraph is one template key (per source) and one holder key (global);
    // each article also leaves one title key.
    println!(
        "{backend:<9} {:>7.0} bytes per paragraph (template key + holder key, titles included), \
         {:>7.0} bytes per remembered outcome (5 drops)",
        observed as f64 / paragraphs,
        remembered as f64 / articles() as f64
    );
}

fn redis_used_memory(url: &str) -> usize {
    let client = redis::Client::open(url).unwrap();
    let mut conn = client.get_connection().unwrap_or_else(|e| {
        panic!(
            "Redis is not reachable at {url}: {e}. Start it with `redis-server --daemonize yes`."
        )
    });
    let info: String = redis::cmd("INFO").arg("memory").query(&mut conn).unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix("used_memory:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("used_memory in INFO")
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut settings = config::load_from(None, Vec::new()).unwrap().settings.store;
    settings.path = String::new();
    let clock = Arc::new(ManualClock::new(1_767_225_600_000));
    let window = 30 * 24 * 3600 * 1000;

    println!(
        "{} articles × {PARAGRAPHS} unique paragraphs, {SOURCES} sources",
        articles()
    );
    let embedded = EmbeddedStore::new(settings.clone(), window, 10, clock.clone());
    let (observed, remembered) =
        runtime.block_on(workload(&embedded, &|| HEAP.load(Ordering::Relaxed)));
    report("embedded", observed, remembered);
    drop(embedded);

    let url = std::env::var("PARAPRINT_TEST_REDIS_URL")
        .unwrap_or_else(|_| "redis://127.0.0.1:6379/0".into());
    settings.redis_url = url.clone();
    settings.redis_prefix = format!("ppbench{:016x}", rand::random::<u64>());
    let store = RedisStore::new(settings.clone(), window, 10, clock);
    let (observed, remembered) = runtime.block_on(workload(&store, &|| redis_used_memory(&url)));
    report("redis", observed, remembered);

    let client = redis::Client::open(url.as_str()).unwrap();
    let mut conn = client.get_connection().unwrap();
    let keys: Vec<Vec<u8>> = redis::cmd("KEYS")
        .arg(format!("{{{}:*", settings.redis_prefix))
        .query(&mut conn)
        .unwrap();
    for chunk in keys.chunks(1000) {
        let _: () = redis::cmd("DEL").arg(chunk).query(&mut conn).unwrap();
    }
}
