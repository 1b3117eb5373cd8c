//! `paraprint audit` against the real broker: a run's records and dead letters checked against
//! the file that was published.

use std::process::Output;
use std::time::Duration;

use crate::support::{World, unique_articles};
use crate::worker::bad_messages;

const LONG: Duration = Duration::from_secs(120);

fn audit(world: &World, file: &std::path::Path, args: &[&str]) -> Output {
    crate::support::paraprint_command()
        .arg("audit")
        .arg(file)
        .args(args)
        .envs(world.env())
        .env("RUST_LOG", "warn")
        .output()
        .expect("paraprint runs")
}

/// The audit passes a clean run and leaves the queues as they were; it fails, naming the id,
/// when an input never came out; `--take` empties the queues.
#[tokio::test]
async fn audit_checks_a_run_against_its_input_file() {
    let mut world = World::new();
    world.settings.limits.max_message_bytes = 64 * 1024;
    let mut inputs: Vec<Vec<u8>> = unique_articles(20).into_iter().map(|(_, a)| a).collect();
    let bad: Vec<Vec<u8>> = bad_messages()
        .into_iter()
        .map(|(bytes, _)| bytes)
        .filter(|bytes| !bytes.contains(&b'\n'))
        .collect();
    inputs.extend(bad.iter().cloned());
    world.publish(&inputs).await;
    let worker = world.start_worker(world.cleaner());
    world.wait_for(world.output_queue(), 20, LONG).await;
    world
        .wait_for(world.dead_queue(), bad.len() as u32, LONG)
        .await;
    worker.stop(LONG).await;

    let dir = tempfile::tempdir().unwrap();
    let published = dir.path().join("published.jsonl");
    std::fs::write(&published, inputs.join(&b'\n')).unwrap();
    let out = audit(&world, &published, &["--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["holds"], true);
    assert_eq!(report["recorded"], 20);
    let dead: u64 = report["dead_letters"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(dead, bad.len() as u64, "{report}");
    assert_eq!(world.ready(world.output_queue()).await, 20, "left in place");
    assert_eq!(world.ready(world.dead_queue()).await, bad.len() as u32);

    let with_lost = dir.path().join("with-lost.jsonl");
    let mut lost = inputs.clone();
    lost.push(br#"{"id":"never-published","source":"s","body":"x"}"#.to_vec());
    std::fs::write(&with_lost, lost.join(&b'\n')).unwrap();
    let out = audit(&world, &with_lost, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("1 lost: never-published"), "{stderr}");

    let out = audit(&world, &published, &["--take"]);
    assert!(out.status.success());
    assert_eq!(world.ready(world.output_queue()).await, 0, "taken");
    assert_eq!(world.ready(world.dead_queue()).await, 0);
}

/// On 20,000 messages, `redrive` and then `audit --take` leave nothing behind that they report
/// as done: every dead letter moved is gone from the dead queue, every message taken is gone.
/// (Single acks sent just before the connection closed were lost on RabbitMQ 3.10 quorum
/// queues: 50 to 11,649 messages came back in 3 of 7 runs.)
#[tokio::test]
async fn redrive_and_take_leave_nothing_behind_on_20000_messages() {
    const N: u32 = 20_000;
    let world = World::new();
    // Distinct messages missing every field: each a dead letter, cheaply.
    let inputs: Vec<Vec<u8>> = (0..N)
        .map(|i| format!("{{\"n\":{i}}}").into_bytes())
        .collect();
    world.publish(&inputs).await;
    let worker = world.start_worker(world.cleaner());
    world.wait_for(world.dead_queue(), N, LONG).await;
    worker.stop(LONG).await;

    let out = crate::support::paraprint_command()
        .arg("redrive")
        .envs(world.env())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        world.ready(world.dead_queue()).await,
        0,
        "redrive left dead letters"
    );
    assert_eq!(world.ready(world.input_queue()).await, N);

    let worker = world.start_worker(world.cleaner());
    world.wait_for(world.dead_queue(), N, LONG).await;
    worker.stop(LONG).await;
    let dir = tempfile::tempdir().unwrap();
    let published = dir.path().join("published.jsonl");
    std::fs::write(&published, inputs.join(&b'\n')).unwrap();
    let out = audit(&world, &published, &["--take"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        world.ready(world.dead_queue()).await,
        0,
        "--take left dead letters"
    );
    assert_eq!(world.ready(world.output_queue()).await, 0);
}
