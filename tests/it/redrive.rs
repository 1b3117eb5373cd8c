//! `paraprint redrive` against the real broker: dead letters made the real way (bad messages
//! through a running worker, or a message the delivery limit ended), moved back by the binary.

use std::collections::HashMap;
use std::process::Output;
use std::time::Duration;

use lapin::options::BasicGetOptions;
use paraprint::broker::DEAD_LETTER_HEADERS;

use crate::support::{Message, World, connect, unique_articles};
use crate::worker::bad_messages;

const LONG: Duration = Duration::from_secs(120);

/// Runs `paraprint redrive ARGS` with this world's settings (and `extra_env`).
fn redrive(world: &World, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
    crate::support::paraprint_command()
        .arg("redrive")
        .args(args)
        .envs(world.env())
        .envs(extra_env.iter().copied())
        .env("RUST_LOG", "warn")
        .output()
        .expect("paraprint runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every message in `queue`, left in it: taken unacked, returned when the connection closes.
async fn peek(queue: &str) -> Vec<Message> {
    let conn = connect().await;
    let channel = conn.create_channel().await.unwrap();
    let mut out = Vec::new();
    while let Some(got) = channel
        .basic_get(queue.into(), BasicGetOptions { no_ack: false })
        .await
        .unwrap()
    {
        out.push(Message {
            data: got.delivery.data,
            routing_key: got.delivery.routing_key.to_string(),
            properties: got.delivery.properties,
        });
    }
    conn.close(200, "peeked".into()).await.unwrap();
    out
}

/// Bodies with how often each occurs.
fn counted<'a>(bodies: impl IntoIterator<Item = &'a Vec<u8>>) -> HashMap<Vec<u8>, usize> {
    let mut out = HashMap::new();
    for body in bodies {
        *out.entry(body.clone()).or_insert(0) += 1;
    }
    out
}

fn bodies(messages: &[Message]) -> HashMap<Vec<u8>, usize> {
    counted(messages.iter().map(|m| &m.data))
}

fn codes(messages: &[Message]) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for m in messages {
        let code = m.header("x-paraprint-error").expect("paraprint's header");
        *out.entry(code).or_insert(0) += 1;
    }
    out
}

fn assert_no_dead_letter_headers(message: &Message) {
    for name in DEAD_LETTER_HEADERS {
        let value = message.header(name);
        // A quorum queue annotates each delivery with its own counters (RabbitMQ 3.10 adds
        // `x-delivery-count: 0` to a first delivery): those of the input queue are fine.
        let fresh = matches!(name, "x-delivery-count" | "x-acquired-count")
            && matches!(value.as_deref(), Some("LongLongInt(0)" | "LongInt(0)"));
        assert!(
            value.is_none() || fresh,
            "{name} still on {:?}: {:?}",
            String::from_utf8_lossy(&message.data),
            message.properties.headers()
        );
    }
}

/// The ten bad messages of the worker tests, dead-lettered by a worker.
async fn dead_letters_of_bad_messages(world: &World) -> Vec<(Vec<u8>, &'static str)> {
    let bad = bad_messages();
    let payloads: Vec<Vec<u8>> = bad.iter().map(|(p, _)| p.clone()).collect();
    world.publish(&payloads).await;
    let worker = world.start_worker(world.cleaner());
    world
        .wait_for(world.dead_queue(), bad.len() as u32, LONG)
        .await;
    worker.stop(LONG).await;
    assert_eq!(world.ready(world.input_queue()).await, 0);
    bad
}

/// Every dead letter moves back exactly once, bytes and properties as they were, dead-letter
/// headers gone; failing again, each comes back to the dead queue once, and a redrive with a
/// worker running meanwhile does not loop on what comes back.
#[tokio::test]
async fn redrive_moves_every_dead_letter_back_exactly_once() {
    let mut world = World::new();
    world.settings.limits.max_message_bytes = 64 * 1024;
    let limit_env = [("PARAPRINT_LIMITS__MAX_MESSAGE_BYTES", "65536")];
    let bad = dead_letters_of_bad_messages(&world).await;
    let expected = counted(bad.iter().map(|(p, _)| p));
    let dead = peek(world.dead_queue()).await;
    assert_eq!(bodies(&dead), expected);
    let message_ids: HashMap<Vec<u8>, Option<String>> = dead
        .iter()
        .map(|m| (m.data.clone(), m.message_id()))
        .collect();

    let out = redrive(&world, &[], &limit_env);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("moved 10 dead letters to the input"),
        "{}",
        stderr(&out)
    );
    assert_eq!(world.ready(world.dead_queue()).await, 0);
    let input = peek(world.input_queue()).await;
    assert_eq!(bodies(&input), expected, "each original body exactly once");
    for m in &input {
        assert_no_dead_letter_headers(m);
        assert_eq!(m.properties.delivery_mode(), &Some(2));
        assert_eq!(
            m.properties.content_type().as_ref().map(|c| c.as_str()),
            Some("application/json")
        );
        assert_eq!(&m.message_id(), &message_ids[&m.data], "message_id kept");
        assert_eq!(m.routing_key, world.settings.topology.input_routing_key);
    }

    // Nothing is fixed: a worker dead-letters each again, once.
    let worker = world.start_worker(world.cleaner());
    world.wait_for(world.dead_queue(), 10, LONG).await;
    worker.stop(LONG).await;
    assert_eq!(world.ready(world.input_queue()).await, 0);
    let dead = peek(world.dead_queue()).await;
    assert_eq!(bodies(&dead), expected, "back exactly once each");
    let expected_codes = codes(&dead);

    // A redrive while a worker runs: each moves once, comes back once, and the run ends.
    let worker = world.start_worker(world.cleaner());
    let out = tokio::task::spawn_blocking({
        let env = world.env();
        move || {
            crate::support::paraprint_command()
                .arg("redrive")
                .envs(env)
                .envs(limit_env.iter().copied())
                .env("RUST_LOG", "warn")
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("moved 10 dead letters to the input"),
        "{}",
        stderr(&out)
    );
    world.wait_for(world.dead_queue(), 10, LONG).await;
    world.wait_for_empty(world.input_queue(), LONG).await;
    worker.stop(LONG).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(world.ready(world.input_queue()).await, 0);
    let dead = world.drain(world.dead_queue()).await;
    assert_eq!(bodies(&dead), expected, "back exactly once each, no loop");
    assert_eq!(codes(&dead), expected_codes);
    assert_eq!(world.drain(world.output_queue()).await.len(), 0);
}

/// `--dry-run` moves nothing; `--code` moves only its code (a worker's or the broker's
/// `delivery_limit`) and leaves the others as they were; `--limit` caps the moves; an unknown
/// code is an error.
#[tokio::test]
async fn redrive_code_moves_only_matching_dead_letters() {
    let mut world = World::new();
    world.settings.limits.max_message_bytes = 64 * 1024;
    world.settings.topology.delivery_limit = 2;
    let env = [
        ("PARAPRINT_LIMITS__MAX_MESSAGE_BYTES", "65536"),
        ("PARAPRINT_TOPOLOGY__DELIVERY_LIMIT", "2"),
    ];
    let bad = dead_letters_of_bad_messages(&world).await;

    // A broker-made dead letter: a message that keeps coming back (as after a crash) until the
    // delivery limit ends it.
    let (_, article) = unique_articles(1).remove(0);
    world.publish(std::slice::from_ref(&article)).await;
    world.reject_until_dead_lettered().await;
    world.wait_for(world.dead_queue(), 11, LONG).await;

    let out = redrive(&world, &["--dry-run"], &env);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = stderr(&out);
    assert!(
        report.contains("would move 11 dead letters to the input (delivery_limit 1, empty_body 1, invalid_field 2, invalid_utf8 1, malformed_json 3, missing_field 1, too_large 1, unsupported_content_type 1)"),
        "{report}"
    );
    assert_eq!(world.ready(world.dead_queue()).await, 11);
    assert_eq!(world.ready(world.input_queue()).await, 0);

    let out = redrive(&world, &["--code", "invalid_field"], &env);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = stderr(&out);
    assert!(
        report.contains("moved 2 dead letters to the input (invalid_field 2)"),
        "{report}"
    );
    assert!(report.contains("left 9 in the dead queue"), "{report}");
    assert_eq!(world.ready(world.dead_queue()).await, 9);
    assert_eq!(world.ready(world.input_queue()).await, 2);

    let out = redrive(&world, &["--code", "delivery_limit"], &env);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("moved 1 dead letter to the input (delivery_limit 1)"),
        "{}",
        stderr(&out)
    );

    let out = redrive(&world, &["--code", "malformed_json", "--limit", "2"], &env);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("moved 2 dead letters to the input (malformed_json 2)"),
        "{}",
        stderr(&out)
    );

    let out = redrive(&world, &["--code", "too-large"], &env);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("unknown code"), "{}", stderr(&out));

    // The input holds the five moved, each once, without dead-letter headers.
    let input = world.drain(world.input_queue()).await;
    assert_eq!(input.len(), 5);
    for m in &input {
        assert_no_dead_letter_headers(m);
    }
    let input = bodies(&input);
    assert_eq!(input.get(&article), Some(&1), "the broker's one");
    for (payload, code) in &bad {
        let moved = input.get(payload).copied().unwrap_or(0);
        match *code {
            "invalid_field" => assert_eq!(moved, 1, "each invalid_field once"),
            "malformed_json" => assert!(moved <= 1, "a malformed_json one at most once"),
            _ => assert_eq!(moved, 0, "{code} stays"),
        }
    }
    let malformed = bad
        .iter()
        .filter(|(p, code)| *code == "malformed_json" && input.contains_key(p))
        .count();
    assert_eq!(malformed, 2, "--limit 2");
    // The dead queue holds the other six, as they were.
    let dead = world.drain(world.dead_queue()).await;
    assert_eq!(dead.len(), 6);
    let left: HashMap<String, usize> = codes(&dead);
    let expected: HashMap<String, usize> = [
        ("malformed_json", 1),
        ("invalid_utf8", 1),
        ("missing_field", 1),
        ("too_large", 1),
        ("unsupported_content_type", 1),
        ("empty_body", 1),
    ]
    .into_iter()
    .map(|(c, n)| (c.to_string(), n))
    .collect();
    assert_eq!(left, expected);
    for m in &dead {
        assert!(m.header("x-paraprint-error-message").is_some());
        let original = bad
            .iter()
            .find(|(p, _)| *p == m.data)
            .expect("original bytes");
        assert_eq!(m.header("x-paraprint-error").as_deref(), Some(original.1));
    }
}

/// When the input refuses a copy (here: unroutable, `mandatory`), the run stops with exit
/// code 1 and the dead letter stays where it was; nothing reaches the input twice.
#[tokio::test]
async fn redrive_leaves_a_dead_letter_whose_copy_is_refused() {
    let mut world = World::new();
    world.settings.limits.max_message_bytes = 64 * 1024;
    let env = [("PARAPRINT_LIMITS__MAX_MESSAGE_BYTES", "65536")];
    dead_letters_of_bad_messages(&world).await;

    let out = redrive(
        &world,
        &[],
        &[
            env[0],
            ("PARAPRINT_TOPOLOGY__DECLARE", "false"),
            ("PARAPRINT_TOPOLOGY__INPUT_ROUTING_KEY", "nowhere"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = stderr(&out);
    assert!(report.contains("not moved"), "{report}");
    assert!(report.contains("moved 0 dead letters"), "{report}");
    assert!(report.contains("could not be moved"), "{report}");
    assert_eq!(world.ready(world.dead_queue()).await, 10);
    assert_eq!(world.ready(world.input_queue()).await, 0);

    let out = redrive(&world, &[], &env);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(world.ready(world.dead_queue()).await, 0);
    let input = world.drain(world.input_queue()).await;
    assert_eq!(
        bodies(&input),
        counted(bad_messages().iter().map(|(p, _)| p))
    );
}

/// The "after a fix" story: an article dead-lettered as `too_large` under a small limit,
/// redriven once the limit is raised, becomes a clean record like any other.
#[tokio::test]
async fn redriven_article_becomes_a_record_after_the_fix() {
    let mut world = World::new();
    world.settings.limits.max_message_bytes = 1000;
    let (id, article) = unique_articles(1).remove(0);
    assert!(
        article.len() > 1000,
        "the article must exceed the small limit"
    );
    world.publish(std::slice::from_ref(&article)).await;
    let worker = world.start_worker(world.cleaner());
    world.wait_for(world.dead_queue(), 1, LONG).await;
    worker.stop(LONG).await;
    let dead = peek(world.dead_queue()).await;
    assert_eq!(
        dead[0].header("x-paraprint-error").as_deref(),
        Some("too_large")
    );

    // The fix: the default limit. Redrive, then a worker with it.
    world.settings.limits.max_message_bytes = 8 * 1024 * 1024;
    let out = redrive(&world, &["--code", "too_large"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("moved 1 dead letter to the input (too_large 1)"),
        "{}",
        stderr(&out)
    );
    let worker = world.start_worker(world.cleaner());
    world.wait_for(world.output_queue(), 1, LONG).await;
    worker.stop(LONG).await;

    let records = world.drain(world.output_queue()).await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].message_id().as_deref(), Some(id.as_str()));
    assert_eq!(
        records[0].header("x-paraprint-status").as_deref(),
        Some("clean")
    );
    let offline = world.cleaner();
    let expected = offline
        .record(&offline.clean(&article).await.unwrap())
        .to_json();
    assert_eq!(
        String::from_utf8_lossy(&records[0].data),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(world.ready(world.dead_queue()).await, 0);
    assert_eq!(world.ready(world.input_queue()).await, 0);
}
