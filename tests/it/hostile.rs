//! The nasty corpus (`tests/common/nasty.rs`) through a real worker process and broker: every
//! message ends as a record or a dead letter with its bytes and code, and the worker's peak
//! memory stays within prefetch × message size.

use std::time::Duration;

use crate::common::nasty::{End, nasty_inputs};
use crate::support::{World, spawn_worker_process, terminate};

const LONG: Duration = Duration::from_secs(240);

/// Peak resident memory of a process, from /proc (Linux).
fn peak_rss_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

#[tokio::test]
async fn nasty_inputs_end_as_records_or_dead_letters() {
    let world = World::new();
    let nasty = nasty_inputs();
    let inputs: Vec<Vec<u8>> = nasty.iter().map(|n| n.bytes.clone()).collect();
    world.publish(&inputs).await;
    let worker = spawn_worker_process(&world, &[]);
    let dead = nasty.iter().filter(|n| n.end != End::Record).count() as u32;
    world
        .wait_for(world.output_queue(), inputs.len() as u32 - dead, LONG)
        .await;
    world.wait_for(world.dead_queue(), dead, LONG).await;
    let peak = peak_rss_bytes(worker.id());
    assert_eq!(terminate(worker), Some(0));

    let report = world.assert_audit(&inputs).await;
    let expected_dead = nasty.iter().filter_map(|n| match n.end {
        End::Dead(code) => Some(code),
        End::Record => None,
    });
    let mut by_code = std::collections::BTreeMap::new();
    for code in expected_dead {
        *by_code.entry(code.to_string()).or_insert(0) += 1;
    }
    assert_eq!(report.dead_letters, by_code);
    // The whole corpus is in flight at once (prefetch 200 > its size). Each article holds its
    // raw bytes, its paragraphs and keys, and its record until confirmed: a few times its size
    // (limits.max_paragraphs bounds the per-paragraph part), on top of the idle process.
    let total: usize = inputs.iter().map(Vec::len).sum();
    assert!(
        (peak as usize) < 6 * total + 128 * 1024 * 1024,
        "peak RSS {peak} bytes for {total} bytes of input"
    );
    eprintln!(
        "HOSTILE worker: {} messages, {total} bytes, peak RSS {} MB",
        inputs.len(),
        peak / (1024 * 1024)
    );
}

/// Large messages all queued at once: the worker processes at most `limits.in_flight_bytes` of
/// them at a time (one more when nothing else is held), the rest wait as they came. Without the
/// budget all 24 would be processed at once, each costing several times its size.
#[tokio::test]
async fn large_messages_are_processed_within_the_byte_budget() {
    const BUDGET: usize = 4 * 1024 * 1024;
    let world = World::new();
    let inputs: Vec<Vec<u8>> = (0..24)
        .map(|i| {
            // About 2 MB of distinct prose lines.
            let body: Vec<String> = (0..20_000)
                .map(|j| {
                    format!("Line {j} of article {i} says what a reader of article {i} reads.")
                })
                .collect();
            serde_json::to_vec(&serde_json::json!({
                "id": format!("large-{i}"),
                "source": "large.example",
                "body": body.join("\n"),
            }))
            .unwrap()
        })
        .collect();
    world.publish(&inputs).await;
    let budget = BUDGET.to_string();
    let worker = spawn_worker_process(&world, &[("PARAPRINT_LIMITS__IN_FLIGHT_BYTES", &budget)]);
    world
        .wait_for(world.output_queue(), inputs.len() as u32, LONG)
        .await;
    let peak = peak_rss_bytes(worker.id()) as usize;
    assert_eq!(terminate(worker), Some(0));
    world.assert_audit(&inputs).await;
    let total: usize = inputs.iter().map(Vec::len).sum();
    // The raw messages (all pushed at once), what processing the budget's worth costs (about
    // 17 times the bytes in a debug build), and the idle process. Without the budget: 610 MB.
    let bound = total + 40 * BUDGET + 128 * 1024 * 1024;
    assert!(
        peak < bound,
        "peak RSS {} MB over {} MB for {} MB of input",
        peak >> 20,
        bound >> 20,
        total >> 20
    );
    eprintln!(
        "LARGE worker: {} messages, {} MB, peak RSS {} MB",
        inputs.len(),
        total >> 20,
        peak >> 20
    );
}
