//! Scaling out: several worker processes on one queue deciding as one worker would, and a
//! worker that restarts without forgetting.

use std::collections::HashMap;
use std::time::Duration;

use crate::support::redis::Namespace;
use crate::support::{
    World, drops_by_reason, records_by_id, spawn_worker_process, syndication_stream, terminate,
};

const LONG: Duration = Duration::from_secs(180);

/// Three `paraprint run` processes with Redis on one queue, fed boilerplate, in-article repeats
/// and syndicated copies: every article gets exactly one record; every story exactly one
/// original; drops per reason match a single worker's on the same stream. (Order differs between
/// the two runs; with these footers the totals do not depend on order, because a source's first
/// N articles keep their footer whichever they are, so the match is exact, within the 2% the
/// product promises for streams where order does matter, such as link lists.)
#[tokio::test]
async fn three_workers_with_redis_decide_as_one() {
    let stream = syndication_stream(4);
    let payloads: Vec<Vec<u8>> = stream.iter().map(|a| a.raw.clone()).collect();

    let single = World::new();
    single.publish(&payloads).await;
    let worker = single.start_worker(single.cleaner());
    single
        .wait_for(single.output_queue(), stream.len() as u32, LONG)
        .await;
    worker.stop(LONG).await;
    let baseline = records_by_id(&single.drain(single.output_queue()).await);

    let world = World::new();
    let namespace = Namespace::new();
    let env = [
        ("PARAPRINT_STORE__BACKEND", "redis"),
        ("PARAPRINT_STORE__REDIS_URL", namespace.url.as_str()),
        ("PARAPRINT_STORE__REDIS_PREFIX", namespace.prefix.as_str()),
        ("PARAPRINT_AMQP__PREFETCH", "50"),
    ];
    world.publish(&[]).await; // declare the topology before three workers race to
    let workers: Vec<_> = (0..3).map(|_| spawn_worker_process(&world, &env)).collect();
    world.publish(&payloads).await;
    world
        .wait_for(world.output_queue(), stream.len() as u32, LONG)
        .await;
    for worker in workers {
        assert_eq!(terminate(worker), Some(0));
    }
    assert_eq!(world.ready(world.input_queue()).await, 0);
    let records = records_by_id(&world.drain(world.output_queue()).await);
    assert_eq!(
        records.len(),
        stream.len(),
        "exactly one record per article"
    );

    let mut originals: HashMap<usize, Vec<String>> = HashMap::new();
    for article in &stream {
        let record: serde_json::Value = serde_json::from_slice(&records[&article.id]).unwrap();
        if record["status"] == "clean" {
            originals
                .entry(article.story)
                .or_default()
                .push(article.id.clone());
        }
    }
    for (k, ids) in &originals {
        assert_eq!(ids.len(), 1, "story {k} has originals {ids:?}");
    }
    assert_eq!(
        originals.len(),
        stream.len() / 4,
        "every story has its original"
    );
    for article in &stream {
        let record: serde_json::Value = serde_json::from_slice(&records[&article.id]).unwrap();
        if record["status"] == "duplicate" {
            assert_eq!(
                record["duplicate_of"],
                originals[&article.story][0].as_str()
            );
        }
    }

    let (ours, theirs) = (drops_by_reason(&records), drops_by_reason(&baseline));
    assert!(
        theirs["boilerplate"] > 0 && theirs["repeated_in_article"] > 0,
        "{theirs:?}"
    );
    for (reason, expected) in &theirs {
        let got = ours.get(reason).copied().unwrap_or(0) as f64;
        let expected = *expected as f64;
        assert!(
            (got - expected).abs() <= 0.02 * expected,
            "{reason}: {got} vs {expected}"
        );
    }
}

/// A worker with the embedded store, killed and started again, still recognises the
/// boilerplate and the copies it learned before, and republishes a redelivered article
/// identically.
#[tokio::test]
async fn embedded_worker_remembers_across_a_restart() {
    let world = World::new();
    let stream = syndication_stream(2);
    let (first, second): (Vec<_>, Vec<_>) = stream.iter().partition(|a| a.id.starts_with("r0-"));

    world
        .publish(&first.iter().map(|a| a.raw.clone()).collect::<Vec<_>>())
        .await;
    let mut worker = spawn_worker_process(&world, &[]);
    world
        .wait_for(world.output_queue(), first.len() as u32, LONG)
        .await;
    worker.kill().unwrap(); // SIGKILL: no clean shutdown, no final snapshot
    worker.wait().unwrap();
    let before = records_by_id(&world.drain(world.output_queue()).await);

    // The copies, plus one article of the first part again (as a redelivery would bring it).
    let mut payloads: Vec<Vec<u8>> = second.iter().map(|a| a.raw.clone()).collect();
    payloads.push(first[5].raw.clone());
    world.publish(&payloads).await;
    let worker = spawn_worker_process(&world, &[]);
    world
        .wait_for(world.output_queue(), payloads.len() as u32, LONG)
        .await;
    assert_eq!(terminate(worker), Some(0));
    let messages = world.drain(world.output_queue()).await;

    let again = messages
        .iter()
        .find(|m| m.message_id().as_deref() == Some(first[5].id.as_str()))
        .unwrap();
    assert_eq!(
        again.data, before[&first[5].id],
        "redelivered article, identical record"
    );
    for article in &second {
        let m = messages
            .iter()
            .find(|m| m.message_id().as_deref() == Some(article.id.as_str()))
            .unwrap();
        let record: serde_json::Value = serde_json::from_slice(&m.data).unwrap();
        assert_eq!(
            record["status"], "duplicate",
            "{} is a copy learned before the restart",
            article.id
        );
        let footer_dropped = record["dropped"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["reason"] == "boilerplate")
            .count();
        assert_eq!(
            footer_dropped, 2,
            "{}: its source's footer was learned before the restart",
            article.id
        );
    }
}
