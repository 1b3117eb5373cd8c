use std::collections::HashSet;
use std::time::Duration;

use crate::common;
use crate::support::{World, spawn_worker_process, terminate, unique_articles};

const LONG: Duration = Duration::from_secs(120);

#[tokio::test]
async fn seed_comes_out_as_clean_gives_it() {
    let world = World::new();
    let seed = common::fixture("seed-menafn.jsonl")
        .trim()
        .as_bytes()
        .to_vec();
    world.publish(std::slice::from_ref(&seed)).await;
    let worker = world.start_worker(world.cleaner());
    world.wait_for(world.output_queue(), 1, LONG).await;
    worker.stop(LONG).await;

    let records = world.drain(world.output_queue()).await;
    assert_eq!(records.len(), 1);
    let offline = world.cleaner();
    let expected = offline
        .record(&offline.clean(&seed).await.unwrap())
        .to_json();
    let record = &records[0];
    assert_eq!(
        String::from_utf8_lossy(&record.data),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(record.routing_key, "article.clean");
    assert_eq!(record.message_id().as_deref(), Some("menafn-seed"));
    assert_eq!(record.properties.delivery_mode(), &Some(2));
    assert_eq!(
        record
            .properties
            .content_type()
            .as_ref()
            .map(|c| c.as_str()),
        Some("application/json")
    );
    assert_eq!(
        record.header("x-paraprint-status").as_deref(),
        Some("clean")
    );
    assert_eq!(world.ready(world.input_queue()).await, 0);
}

pub(crate) fn bad_messages() -> Vec<(Vec<u8>, &'static str)> {
    vec![
        (b"not json at all".to_vec(), "malformed_json"),
        (br#"{"id": "b1", "source": "s""#.to_vec(), "malformed_json"),
        (b"[\"an\", \"array\"]".to_vec(), "malformed_json"),
        (
            b"{\"id\": \"b2\", \"source\": \"s\", \"body\": \"\xff\xfe\"}".to_vec(),
            "invalid_utf8",
        ),
        (br#"{"id": "b3", "source": "s"}"#.to_vec(), "missing_field"),
        (
            br#"{"id": 42, "source": "s", "body": "x"}"#.to_vec(),
            "invalid_field",
        ),
        (
            br#"{"id": "b5", "source": "s", "body": "x", "url": 7}"#.to_vec(),
            "invalid_field",
        ),
        (
            format!(
                r#"{{"id": "b6", "source": "s", "body": "{}"}}"#,
                "y".repeat(70_000)
            )
            .into_bytes(),
            "too_large",
        ),
        (
            br#"{"id": "b7", "source": "s", "body": "<p>x</p>", "content_type": "application/xhtml+xml"}"#
                .to_vec(),
            "unsupported_content_type",
        ),
        (
            br#"{"id": "b8", "source": "s", "body": "   \n  "}"#.to_vec(),
            "empty_body",
        ),
    ]
}

/// 1,000 articles and 10 bad messages: exactly 1,000 records and 10 dead letters, each with
/// its code and its original bytes; nothing missing, nothing twice, nothing left unacked.
#[tokio::test]
async fn thousand_articles_and_ten_bad_messages() {
    let mut world = World::new();
    world.settings.limits.max_message_bytes = 64 * 1024;
    let articles = unique_articles(1000);
    let bad = bad_messages();
    let mut payloads: Vec<Vec<u8>> = Vec::new();
    for (i, (_, article)) in articles.iter().enumerate() {
        payloads.push(article.clone());
        if i % 100 == 50 {
            payloads.push(bad[i / 100].0.clone());
        }
    }
    world.publish(&payloads).await;
    let worker = world.start_worker(world.cleaner());
    world.wait_for(world.output_queue(), 1000, LONG).await;
    world.wait_for(world.dead_queue(), 10, LONG).await;
    worker.stop(LONG).await;

    assert_eq!(
        world.ready(world.input_queue()).await,
        0,
        "input empty and nothing unacked"
    );
    let records = world.drain(world.output_queue()).await;
    assert_eq!(records.len(), 1000, "exactly one record per article");
    let ids: HashSet<String> = records.iter().map(|r| r.message_id().unwrap()).collect();
    let expected: HashSet<String> = articles.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(ids, expected);

    let dead = world.drain(world.dead_queue()).await;
    assert_eq!(dead.len(), 10);
    for (bytes, code) in &bad {
        let letter = dead.iter().find(|d| &d.data == bytes).unwrap_or_else(|| {
            panic!(
                "no byte-identical dead letter for {:?}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(40)])
            )
        });
        assert_eq!(letter.header("x-paraprint-error").as_deref(), Some(*code));
        assert!(
            !letter
                .header("x-paraprint-error-message")
                .unwrap()
                .is_empty()
        );
    }
}

/// Shutdown in the middle of a stream loses nothing: a second worker finishes it, and an
/// article that got two records got the same bytes twice.
#[tokio::test]
async fn shutdown_mid_stream_loses_nothing() {
    let world = World::new();
    let articles = unique_articles(3000);
    let payloads: Vec<Vec<u8>> = articles.iter().map(|(_, a)| a.clone()).collect();
    world.publish(&payloads).await;
    let cleaner = world.cleaner();
    let first = world.start_worker(cleaner.clone());
    world.wait_for(world.output_queue(), 300, LONG).await;
    first.stop(LONG).await;
    let after_first = world.ready(world.output_queue()).await;
    assert!(
        after_first < 3000,
        "stopped mid-stream ({after_first} records)"
    );

    let second = world.start_worker(cleaner);
    let records = world.take_every_id(world.output_queue(), 3000, LONG).await;
    second.stop(LONG).await;
    world.assert_nothing_lost_after_stop(records, 3000).await;
}

/// A record that cannot be routed is a failure, never counted as delivered: the input stays
/// unacked until a queue is bound, then the record arrives.
#[tokio::test]
async fn unroutable_record_is_retried_not_acked() {
    let mut world = World::new();
    world.settings.topology.output_queue = String::new();
    let (_, article) = unique_articles(1).remove(0);
    world.publish(&[article]).await;
    let worker = world.start_worker(world.cleaner());
    tokio::time::sleep(Duration::from_secs(2)).await;

    // Bind a queue now; the worker's retries find it.
    let queue = format!("{}.late", world.settings.topology.output_exchange);
    let conn = crate::support::connect().await;
    let channel = conn.create_channel().await.unwrap();
    channel
        .queue_declare(
            queue.as_str().into(),
            lapin::options::QueueDeclareOptions {
                durable: true,
                ..Default::default()
            },
            Default::default(),
        )
        .await
        .unwrap();
    channel
        .queue_bind(
            queue.as_str().into(),
            world.settings.topology.output_exchange.as_str().into(),
            "#".into(),
            Default::default(),
            Default::default(),
        )
        .await
        .unwrap();
    world.wait_for(&queue, 1, LONG).await;
    worker.stop(LONG).await;
    assert_eq!(world.ready(world.input_queue()).await, 0);
    let records = world.drain(&queue).await;
    assert_eq!(records.len(), 1);
    channel
        .queue_delete(queue.as_str().into(), Default::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn passive_topology_that_does_not_exist_fails_clearly() {
    let mut world = World::new();
    world.settings.topology.declare = false;
    let shutdown = tokio_util::sync::CancellationToken::new();
    let result = tokio::time::timeout(
        LONG,
        paraprint::worker::run(
            std::sync::Arc::new(world.settings.clone()),
            world.cleaner(),
            Default::default(),
            shutdown,
        ),
    )
    .await
    .expect("fails fast, without retrying forever");
    let message = format!("{:#}", result.unwrap_err());
    assert!(
        message.contains(&world.settings.topology.dead_exchange),
        "{message}"
    );
}

/// The worker process killed with SIGKILL mid-stream and started again: nothing lost, and
/// SIGTERM then ends it cleanly with exit code 0.
#[tokio::test]
async fn sigkill_mid_stream_loses_nothing() {
    let world = World::new();
    let articles = unique_articles(3000);
    let payloads: Vec<Vec<u8>> = articles.iter().map(|(_, a)| a.clone()).collect();
    world.publish(&payloads).await;

    let mut first = spawn_worker_process(&world, &[]);
    world.wait_for(world.output_queue(), 300, LONG).await;
    first.kill().unwrap(); // SIGKILL
    first.wait().unwrap();
    assert!(
        world.ready(world.output_queue()).await < 3000,
        "killed mid-stream"
    );

    let second = spawn_worker_process(&world, &[]);
    let records = world.take_every_id(world.output_queue(), 3000, LONG).await;
    assert_eq!(
        terminate(second),
        Some(0),
        "SIGTERM ends the worker cleanly"
    );
    world.assert_nothing_lost_after_stop(records, 3000).await;
}

/// `paraprint publish` puts every non-blank line into the input queue, confirmed.
#[tokio::test]
async fn publish_command_fills_the_input_queue() {
    let world = World::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.jsonl");
    let mut text = String::new();
    for (_, article) in unique_articles(25) {
        text.push_str(std::str::from_utf8(&article).unwrap());
        text.push_str("\n\n");
    }
    text.push_str("not json, published as is\n");
    std::fs::write(&path, text).unwrap();
    let out = crate::support::paraprint_command()
        .args(["publish", path.to_str().unwrap()])
        .envs(world.env())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("published 26 messages"));
    assert_eq!(world.ready(world.input_queue()).await, 26);
    let messages = world.drain(world.input_queue()).await;
    assert_eq!(messages[0].message_id().as_deref(), Some("article-0"));
    assert_eq!(messages[25].data, b"not json, published as is");
}

/// `amqp.failover_urls`: the first URL refuses connections (nothing listens on port 1), the
/// worker connects through the next one and the stream comes out whole.
#[tokio::test]
async fn the_next_broker_url_is_used_when_one_does_not_answer() {
    let mut world = World::new();
    let real = world.settings.amqp.url.clone();
    world.settings.amqp.url = "amqp://guest:guest@127.0.0.1:1/%2f".into();
    world.settings.amqp.failover_urls = vec![real];
    let articles = unique_articles(50);
    let inputs: Vec<Vec<u8>> = articles.iter().map(|(_, a)| a.clone()).collect();
    world.publish(&inputs).await;
    let worker = world.start_worker(world.cleaner());
    world.wait_for(world.output_queue(), 50, LONG).await;
    worker.stop(LONG).await;
    world.assert_audit(&inputs).await;
}

/// The broker cancels the worker's consumer: here its input queue is deleted (as an operator
/// might; on RabbitMQ 4 a consumer timeout cancels the same way). The worker notices, declares
/// its topology again, subscribes again, and what is published afterwards comes out whole.
#[tokio::test]
async fn a_consumer_the_broker_cancels_subscribes_again() {
    use lapin::options::{QueueDeclareOptions, QueueDeleteOptions};
    let world = World::new();
    let articles = unique_articles(60);
    let inputs: Vec<Vec<u8>> = articles.iter().map(|(_, raw)| raw.clone()).collect();
    let (before, after) = inputs.split_at(30);
    world.publish(before).await;
    let worker = world.start_worker(world.cleaner());
    world.wait_for(world.output_queue(), 30, LONG).await;
    world.wait_for_empty(world.input_queue(), LONG).await;

    let conn = crate::support::connect().await;
    let channel = conn.create_channel().await.unwrap();
    channel
        .queue_delete(world.input_queue().into(), QueueDeleteOptions::default())
        .await
        .unwrap();
    // The worker declares it again: a passive declare succeeds once it did (a 404 closes the
    // channel, so each try has its own).
    let start = std::time::Instant::now();
    loop {
        let channel = conn.create_channel().await.unwrap();
        let passive = QueueDeclareOptions {
            passive: true,
            ..QueueDeclareOptions::default()
        };
        if channel
            .queue_declare(world.input_queue().into(), passive, Default::default())
            .await
            .is_ok()
        {
            break;
        }
        assert!(
            start.elapsed() < LONG,
            "the worker did not declare its queue again"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = conn.close(200, "done".into()).await;

    world.publish(after).await;
    world.wait_for(world.output_queue(), 60, LONG).await;
    worker.stop(LONG).await;
    world.assert_audit(&inputs).await;
}
