//! Faults under load, each with a fixed stream and bounded time, all on 127.0.0.1: every input
//! must end as identical records or as a dead letter (`World::assert_audit`), and none of
//! these faults may cause a dead letter. Each prints one `RELIABILITY` line with its figures
//! (RELIABILITY.md collects them).

use std::process::Child;
use std::time::{Duration, Instant};

use lapin::options::{
    BasicAckOptions, BasicGetOptions, QueueBindOptions, QueueDeclareOptions, QueueDeleteOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use paraprint::audit::{Output, Report, audit};

use crate::cluster::Cluster;
use crate::support::proxy::Proxy;
use crate::support::redis::Namespace;
use crate::support::{
    Running, UrlOverride, World, connect, spawn_worker_process, syndication_stream, terminate,
    unique_articles,
};

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
            "most_records_of_one_article": report.most_records_of_one,
            "dead_letters": report.dead_letter_total(),
            "slowest_recovery_ms": recovery.as_millis() as u64,
        })
    );
}

/// A worker a scenario stops at its end: in this process, or a `paraprint run` process with
/// the extra environment it was started with.
pub enum Worker {
    InProcess(Box<Running>),
    Process(Child, Vec<(String, String)>),
}

impl From<Running> for Worker {
    fn from(running: Running) -> Worker {
        Worker::InProcess(Box::new(running))
    }
}

impl Worker {
    pub fn process(world: &World, extra_env: &[(&str, &str)]) -> Worker {
        let env = extra_env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Worker::Process(spawn_worker_process(world, extra_env), env)
    }

    /// Stops it cleanly. When its input queue is not empty then, returns another worker like
    /// it (the same store) started to go on.
    async fn stop(self, world: &World) -> Option<Worker> {
        match self {
            Worker::InProcess(running) => {
                let cleaner = running.stop(LONG).await;
                let waiting = world.ready(world.input_queue()).await > 0;
                waiting.then(|| world.start_worker(cleaner).into())
            }
            Worker::Process(child, env) => {
                assert_eq!(terminate(child), Some(0));
                let waiting = world.ready(world.input_queue()).await > 0;
                let env: Vec<(&str, &str)> =
                    env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                waiting.then(|| Worker::process(world, &env))
            }
        }
    }
}

/// The end of a scenario: waits until every input is handled, stops the worker cleanly, audits
/// what came out (no fault may cause a dead letter), prints the figures.
///
/// A count of the output cannot tell that every input was handled once a fault made some
/// records twice, and an empty input queue does not mean the worker started all it holds (a
/// prefetch of them): stopping returns those not started. So the scenario ends when a worker
/// stopped with its input queue empty; until then another like it goes on.
pub async fn finish(
    world: &World,
    worker: impl Into<Worker>,
    inputs: &[Vec<u8>],
    (scenario, faults): (&str, &str),
    recovery: Duration,
) {
    let mut worker = worker.into();
    for stops in 1.. {
        world.wait_for_empty(world.input_queue(), LONG).await;
        world
            .wait_for(world.output_queue(), inputs.len() as u32, LONG)
            .await;
        match worker.stop(world).await {
            Some(again) => worker = again,
            None => break,
        }
        assert!(stops < 5, "{stops} workers stopped with inputs waiting");
    }
    let report = world.assert_audit(inputs).await;
    assert_eq!(report.dead_letter_total(), 0, "no fault dead-letters");
    print_figures(scenario, faults, &report, recovery);
}

/// Waits until `queue` holds more than `than` messages; returns how long that took.
pub async fn wait_for_growth(world: &World, queue: &str, than: u32) -> Duration {
    let start = Instant::now();
    loop {
        if world.ready(queue).await > than {
            return start.elapsed();
        }
        assert!(start.elapsed() < LONG, "{queue} did not grow past {than}");
        tokio::time::sleep(Duration::from_millis(10)).await;
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
///
/// Each kill comes as soon as the worker has published something since its start, not after a
/// while: with one article in flight at a time (prefetch 1, each a round trip to the broker),
/// a worker on any machine gets through a few dozen of the 2,580 articles before it is killed,
/// so every kill lands mid-stream however fast the machine is.
#[tokio::test]
async fn worker_killed_ten_times_loses_nothing() {
    let world = World::new();
    let stream = syndication_stream(60);
    let inputs: Vec<Vec<u8>> = stream.iter().map(|a| a.raw.clone()).collect();
    world.publish(&inputs).await;
    let mut slowest = Duration::ZERO;
    let mut seen = 0;
    let one_at_a_time = [("PARAPRINT_AMQP__PREFETCH", "1")];
    for _ in 0..10 {
        let worker = spawn_worker_process(&world, &one_at_a_time);
        slowest = slowest.max(wait_for_growth(&world, world.output_queue(), seen).await);
        sigkill(worker);
        seen = world.ready(world.output_queue()).await;
        assert!(
            world.ready(world.input_queue()).await > 0,
            "killed mid-stream"
        );
    }
    eprintln!(
        "{seen} records of {} articles after the tenth kill",
        inputs.len()
    );
    let worker = Worker::process(&world, &[]);
    finish(
        &world,
        worker,
        &inputs,
        ("worker SIGKILLed 10 times (embedded store)", "10 SIGKILL"),
        slowest,
    )
    .await;
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
    let killed: Vec<Child> = (0..2)
        .map(|_| spawn_worker_process(&world, &redis))
        .collect();
    let survivor = Worker::process(&world, &redis);
    wait_for_growth(&world, world.output_queue(), 200).await;
    killed.into_iter().for_each(sigkill);
    let before = world.ready(world.output_queue()).await;
    assert!(
        world.ready(world.input_queue()).await > 0,
        "killed mid-stream"
    );
    let recovery = wait_for_growth(&world, world.output_queue(), before).await;
    finish(
        &world,
        survivor,
        &inputs,
        ("two of three workers SIGKILLed (Redis store)", "2 SIGKILL"),
        recovery,
    )
    .await;
}

fn outputs(messages: &[crate::support::Message], dead: bool) -> Vec<Output> {
    messages
        .iter()
        .map(|m| Output {
            message_id: m.message_id(),
            body: m.data.clone(),
            code: if dead {
                m.header("x-paraprint-error")
            } else {
                None
            },
        })
        .collect()
}

/// Deletes a queue the test declared itself, even if the test fails.
struct OwnQueue(String);

impl Drop for OwnQueue {
    fn drop(&mut self) {
        let name = self.0.clone();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let conn = connect().await;
                let channel = conn.create_channel().await.unwrap();
                let _ = channel
                    .queue_delete(name.as_str().into(), QueueDeleteOptions::default())
                    .await;
                let _ = conn.close(200, "cleanup".into()).await;
            });
        })
        .join();
    }
}

/// Downstream's queue is full (`x-max-length` 50 with `reject-publish`), so the broker nacks
/// records while a slow consumer empties it 40 at a time: the worker holds its deliveries and
/// retries; every record arrives once there is room, and nothing is dead-lettered.
#[tokio::test]
async fn full_output_queue_nacks_lose_nothing() {
    let mut world = World::new();
    // Downstream declares its own queue; the worker declares none.
    world.settings.topology.output_queue = String::new();
    let full = OwnQueue(format!("{}.full", world.input_queue()));
    let articles = unique_articles(1000);
    let inputs: Vec<Vec<u8>> = articles.iter().map(|(_, a)| a.clone()).collect();
    world.publish(&inputs).await;

    let conn = connect().await;
    let channel = conn.create_channel().await.unwrap();
    let mut arguments = FieldTable::default();
    arguments.insert("x-max-length".into(), AMQPValue::LongLongInt(50));
    arguments.insert(
        "x-overflow".into(),
        AMQPValue::LongString("reject-publish".into()),
    );
    channel
        .queue_declare(
            full.0.as_str().into(),
            QueueDeclareOptions {
                durable: true,
                ..Default::default()
            },
            arguments,
        )
        .await
        .unwrap();
    channel
        .queue_bind(
            full.0.as_str().into(),
            world.settings.topology.output_exchange.as_str().into(),
            "#".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await
        .unwrap();

    let worker = world.start_worker(world.cleaner());
    let mut records = Vec::new();
    let mut times_full = 0;
    let mut ids = std::collections::HashSet::new();
    let start = Instant::now();
    while ids.len() < inputs.len() {
        assert!(
            start.elapsed() < LONG,
            "{} records after {LONG:?}",
            ids.len()
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        if world.ready(&full.0).await >= 50 {
            times_full += 1;
        }
        for _ in 0..40 {
            let Some(got) = channel
                .basic_get(full.0.as_str().into(), BasicGetOptions::default())
                .await
                .unwrap()
            else {
                break;
            };
            got.delivery
                .acker
                .ack(BasicAckOptions::default())
                .await
                .unwrap();
            ids.insert(got.delivery.properties.message_id().clone().unwrap());
            records.push(crate::support::Message {
                data: got.delivery.data,
                routing_key: got.delivery.routing_key.to_string(),
                properties: got.delivery.properties,
            });
        }
    }
    let recovery = start.elapsed();
    worker.stop(LONG).await;
    assert!(times_full >= 5, "the queue was full {times_full} times");
    assert_eq!(world.ready(world.input_queue()).await, 0);
    records.extend(world.drain(&full.0).await);
    let dead = world.drain(world.dead_queue()).await;
    let report = audit(&inputs, &outputs(&records, false), &outputs(&dead, true));
    assert!(report.holds(), "{}", report.summary());
    assert_eq!(report.dead_letter_total(), 0, "no fault dead-letters");
    let _ = conn.close(200, "done".into()).await;
    print_figures(
        "output queue full (x-max-length 50, reject-publish), drained 40 per 300 ms",
        &format!("nacked publishes while full ({times_full} polls found it full)"),
        &report,
        recovery,
    );
}

/// Redis behind a proxy that delays every chunk 20 ms, then 1.5 s (beyond the store's 500 ms
/// timeout) for 5 s, then 20 ms again: store calls time out, the worker holds its deliveries
/// and retries, and the stream completes with nothing lost or dead-lettered.
#[tokio::test]
async fn slow_store_loses_nothing() {
    let mut world = World::new();
    let namespace = Namespace::new();
    let target = namespace
        .url
        .trim_start_matches("redis://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let proxy = Proxy::start(&target).await;
    proxy.set_delay(Duration::from_millis(20));
    world.settings.store.backend = paraprint::config::StoreBackend::Redis;
    world.settings.store.redis_url = format!("redis://127.0.0.1:{}/0", proxy.port);
    world.settings.store.redis_prefix = namespace.prefix.clone();
    world.settings.store.redis_timeout_ms = 500;
    let stream = syndication_stream(20);
    let inputs: Vec<Vec<u8>> = stream.iter().map(|a| a.raw.clone()).collect();
    world.publish(&inputs).await;
    let worker = world.start_worker(world.cleaner());
    wait_for_growth(&world, world.output_queue(), 100).await;

    proxy.set_delay(Duration::from_millis(1500));
    tokio::time::sleep(Duration::from_secs(5)).await;
    let during = world.ready(world.output_queue()).await;
    assert!(
        during < inputs.len() as u32,
        "the slowdown happened mid-stream"
    );
    proxy.set_delay(Duration::from_millis(20));
    let recovery = wait_for_growth(&world, world.output_queue(), during).await;

    finish(
        &world,
        worker,
        &inputs,
        (
            "slow store: Redis behind a proxy, 20 ms per chunk, 1.5 s for 5 s (timeout 500 ms)",
            "store timeouts for 5 s",
        ),
        recovery,
    )
    .await;
}

/// A three-node cluster on this machine, the input a quorum queue on all three. The worker is
/// connected to the first node (`amqp.url`) with the other two in `amqp.failover_urls`; the
/// first node is stopped mid-stream. The worker moves to another node and nothing is lost.
#[tokio::test]
async fn cluster_node_stopped_mid_stream_loses_nothing() {
    let cluster = Cluster::start();
    // The test's own helpers talk to the second node, which stays up.
    let _helpers = UrlOverride::set(cluster.url(1));
    let mut world = World::new();
    world.settings.amqp.url = cluster.url(0);
    world.settings.amqp.failover_urls = vec![cluster.url(1), cluster.url(2)];
    world.settings.amqp.connect_timeout_ms = 5000;
    let articles = unique_articles(3000);
    let inputs: Vec<Vec<u8>> = articles.iter().map(|(_, a)| a.clone()).collect();
    world.publish(&inputs).await;
    let members = cluster.quorum_members(1, world.input_queue());
    for node in &cluster.nodes {
        assert!(
            members.contains(&node.name),
            "{} holds no replica: {members}",
            node.name
        );
    }
    let worker = world.start_worker(world.cleaner());
    wait_for_growth(&world, world.output_queue(), 300).await;

    cluster.stop(0);
    let during = world.ready(world.output_queue()).await;
    assert!(
        during < inputs.len() as u32,
        "the node stopped mid-stream ({during} records)"
    );
    let recovery = wait_for_growth(&world, world.output_queue(), during).await;
    finish(
        &world,
        worker,
        &inputs,
        (
            "3-node RabbitMQ cluster, quorum queues on all three; the worker's node stopped mid-stream",
            "1 node stopped (stop_app)",
        ),
        recovery,
    )
    .await;
}

/// Figures of a silent partition between the worker and the broker.
struct Partition {
    /// From the partition to the worker's first new connection: it noticed and reconnects.
    noticed: Duration,
    /// Records in the output queue when the partition began and when it healed.
    before: u32,
    during: u32,
    /// From the partition to the first record it let through (another URL).
    first_record: Option<Duration>,
}

/// The worker reaches the broker through a proxy, with 2 s heartbeats. Mid-stream the proxy
/// stops forwarding in both directions and closes nothing (a silent partition) for `hold`.
/// Returns when it healed.
async fn partition_mid_stream(world: &World, proxy: &Proxy, hold: Duration) -> Partition {
    wait_for_growth(world, world.output_queue(), 100).await;
    let start = Instant::now();
    proxy.partition();
    // What was on its way before the partition lands first.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = world.ready(world.output_queue()).await;
    let noticed = loop {
        if let Some(at) = proxy.accepted().into_iter().find(|&at| at > start) {
            break at - start;
        }
        assert!(start.elapsed() < hold, "no reconnect while partitioned");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let mut first_record = None;
    while start.elapsed() < hold {
        if first_record.is_none() && world.ready(world.output_queue()).await > before {
            first_record = Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let during = world.ready(world.output_queue()).await;
    proxy.heal();
    Partition {
        noticed,
        before,
        during,
        first_record,
    }
}

async fn partitioned_world(failover: bool) -> (World, Proxy, Vec<Vec<u8>>) {
    let mut world = World::new();
    let direct = world.settings.amqp.url.clone();
    let target = direct
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("the broker URL has a host:port")
        .to_string();
    let proxy = Proxy::start(&target).await;
    world.settings.amqp.url = direct.replacen(&target, &format!("127.0.0.1:{}", proxy.port), 1);
    if failover {
        world.settings.amqp.failover_urls = vec![direct];
    }
    world.settings.amqp.heartbeat_s = HEARTBEAT_S;
    world.settings.amqp.connect_timeout_ms = 2_000;
    let inputs: Vec<Vec<u8>> = syndication_stream(20).into_iter().map(|a| a.raw).collect();
    world.publish(&inputs).await;
    (world, proxy, inputs)
}

/// Heartbeat interval of the partition scenarios.
const HEARTBEAT_S: u16 = 2;

/// A silent partition between worker and broker for 10 s (five heartbeats), then healed: the
/// worker notices within about two heartbeats, keeps trying, reconnects when the network is
/// back, and nothing is lost; deliveries it held come back from the broker and are republished
/// identically.
#[tokio::test]
async fn silent_partition_is_noticed_and_healed() {
    let (world, proxy, inputs) = partitioned_world(false).await;
    let worker = world.start_worker(world.cleaner());
    let hold = Duration::from_secs(10);
    let partition = partition_mid_stream(&world, &proxy, hold).await;
    let heartbeats = Duration::from_secs(u64::from(HEARTBEAT_S));
    // Two heartbeats of silence, checked every half heartbeat, then the close of the other
    // connection (half a heartbeat at most): a busy machine may add a little.
    assert!(
        partition.noticed <= 4 * heartbeats,
        "reconnected after {:?}, more than about two heartbeats",
        partition.noticed
    );
    assert_eq!(
        partition.during, partition.before,
        "no record gets through a partition"
    );
    let recovery = wait_for_growth(&world, world.output_queue(), partition.during).await;
    finish(
        &world,
        worker,
        &inputs,
        (
            &format!(
                "silent partition between worker and broker, 10 s, heartbeat 2 s; noticed after {} ms",
                partition.noticed.as_millis()
            ),
            "1 partition (nothing forwarded, nothing closed)",
        ),
        recovery,
    )
    .await;
}

/// The same partition with another URL of the broker in `amqp.failover_urls`: once the worker
/// noticed, it connects through the other URL and the stream goes on during the partition.
#[tokio::test]
async fn silent_partition_fails_over_to_another_url() {
    let (world, proxy, inputs) = partitioned_world(true).await;
    let worker = world.start_worker(world.cleaner());
    let partition = partition_mid_stream(&world, &proxy, Duration::from_secs(20)).await;
    let recovery = partition
        .first_record
        .expect("records came through the other URL during the partition");
    finish(
        &world,
        worker,
        &inputs,
        (
            &format!(
                "silent partition on the worker's first URL, 20 s, heartbeat 2 s, a second URL in amqp.failover_urls; noticed after {} ms",
                partition.noticed.as_millis()
            ),
            "1 partition (nothing forwarded, nothing closed)",
        ),
        recovery,
    )
    .await;
}
