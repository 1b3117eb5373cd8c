//! Faults under load, each with a fixed stream and bounded time, all on 127.0.0.1: every input
//! must end as identical records or as a dead letter (`World::assert_audit`), and none of
//! these faults may cause a dead letter. Each prints one `RELIABILITY` line with its figures
//! (RELIABILITY.md collects them).

use std::process::Child;
use std::time::{Duration, Instant};

use paraprint::audit::Report;

use crate::support::redis::Namespace;
use crate::support::{World, spawn_worker_process, syndication_stream, terminate};

const LONG: Duration = Duration::from_secs(240);

/// One scenario's figures, printed for RELIABILITY.md.
pub fn print_figures(scenario: &str, faults: &str, report: &Report, recovery: Duration) {
    eprintln!(
        "RELIABILITY {}",
        serde_json::json!({
            "scenario": scenario,
            "articles": report.inputs,
            "faults": faults,
            "lost": report.missing.len(),
            "redelivered_records_all_identical": report.redelivered_records,
            "dead_letters": report.dead_letter_total(),
            "slowest_recovery_ms": recovery.as_millis() as u64,
        })
    );
}

/// Waits until `queue` holds more than `than` messages; returns how long that took.
pub async fn wait_for_growth(world: &World, queue: &str, than: u32) -> Duration {
    let start = Instant::now();
    loop {
        if world.ready(queue).await > than {
            return start.elapsed();
        }
        assert!(start.elapsed() < LONG, "{queue} did not grow past {than}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn sigkill(mut child: Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

/// The worker (embedded store) SIGKILLed ten times mid-stream and started again each time. A
/// kill returns at most the prefetch's deliveries to the queue, each counting once toward the
/// delivery limit (20): no article can come back more than 11 times, so none is
/// dead-lettered, and the store's memory of each outcome makes every redelivered record
/// identical.
#[tokio::test]
async fn worker_killed_ten_times_loses_nothing() {
    let world = World::new();
    let stream = syndication_stream(60);
    let inputs: Vec<Vec<u8>> = stream.iter().map(|a| a.raw.clone()).collect();
    world.publish(&inputs).await;
    let mut slowest = Duration::ZERO;
    let mut seen = 0;
    for _ in 0..10 {
        let worker = spawn_worker_process(&world, &[]);
        slowest = slowest.max(wait_for_growth(&world, world.output_queue(), seen).await);
        tokio::time::sleep(Duration::from_millis(150)).await;
        sigkill(worker);
        seen = world.ready(world.output_queue()).await;
        assert!(
            world.ready(world.input_queue()).await > 0,
            "killed mid-stream"
        );
    }
    let worker = spawn_worker_process(&world, &[]);
    world.wait_for_empty(world.input_queue(), LONG).await;
    world
        .wait_for(world.output_queue(), inputs.len() as u32, LONG)
        .await;
    assert_eq!(terminate(worker), Some(0));
    let report = world.assert_audit(&inputs).await;
    assert_eq!(report.dead_letter_total(), 0, "no fault dead-letters");
    print_figures(
        "worker SIGKILLed 10 times (embedded store)",
        "10 SIGKILL",
        &report,
        slowest,
    );
}

/// Three workers sharing Redis; two are SIGKILLed mid-stream; the third finishes the stream.
#[tokio::test]
async fn two_of_three_workers_killed_loses_nothing() {
    let world = World::new();
    let namespace = Namespace::new();
    let redis = [
        ("PARAPRINT_STORE__BACKEND", "redis"),
        ("PARAPRINT_STORE__REDIS_URL", namespace.url.as_str()),
        ("PARAPRINT_STORE__REDIS_PREFIX", namespace.prefix.as_str()),
    ];
    let stream = syndication_stream(40);
    let inputs: Vec<Vec<u8>> = stream.iter().map(|a| a.raw.clone()).collect();
    world.publish(&inputs).await;
    let workers: Vec<Child> = (0..3)
        .map(|_| spawn_worker_process(&world, &redis))
        .collect();
    wait_for_growth(&world, world.output_queue(), 200).await;
    let mut workers = workers.into_iter();
    sigkill(workers.next().unwrap());
    sigkill(workers.next().unwrap());
    let before = world.ready(world.output_queue()).await;
    assert!(
        world.ready(world.input_queue()).await > 0,
        "killed mid-stream"
    );
    let recovery = wait_for_growth(&world, world.output_queue(), before).await;
    world.wait_for_empty(world.input_queue(), LONG).await;
    world
        .wait_for(world.output_queue(), inputs.len() as u32, LONG)
        .await;
    assert_eq!(terminate(workers.next().unwrap()), Some(0));
    let report = world.assert_audit(&inputs).await;
    assert_eq!(report.dead_letter_total(), 0, "no fault dead-letters");
    print_figures(
        "two of three workers SIGKILLed (Redis store)",
        "2 SIGKILL",
        &report,
        recovery,
    );
}
