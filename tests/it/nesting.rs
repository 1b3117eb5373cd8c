//! Every nesting construct (`tests/common/nesting.rs`) at the message size limit through one
//! real worker process: it takes them all, each ends as a record or a `too_large` dead letter
//! with its bytes, and it is the same process, still running, afterwards.

use std::time::Duration;

use crate::common::nasty::LIMIT;
use crate::common::nesting::{CONSTRUCTS, message};
use crate::support::{World, spawn_worker_process, terminate};

const LONG: Duration = Duration::from_secs(600);

#[tokio::test]
async fn one_worker_takes_every_nesting_construct_and_keeps_running() {
    let world = World::new();
    let inputs: Vec<Vec<u8>> = CONSTRUCTS
        .iter()
        .map(|&(name, unit)| message(name, unit, LIMIT))
        .collect();
    world.publish(&inputs).await;
    let mut worker = spawn_worker_process(&world, &[]);
    let pid = worker.id();
    world.wait_for_total(inputs.len() as u32, LONG).await;
    assert!(
        worker.try_wait().unwrap().is_none(),
        "the worker {pid} exited while taking the nesting constructs"
    );
    assert_eq!(terminate(worker), Some(0));
    let report = world.assert_audit(&inputs).await;
    assert!(
        report.dead_letters.keys().all(|code| code == "too_large"),
        "{:?}",
        report.dead_letters
    );
    eprintln!(
        "NESTING worker: {} constructs, dead letters {:?}",
        inputs.len(),
        report.dead_letters
    );
}
