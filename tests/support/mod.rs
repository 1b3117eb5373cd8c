//! A test's own world on the real RabbitMQ: random names for every exchange and queue, a
//! worker to start and stop, publishing and draining helpers, and cleanup when it ends.
#![allow(dead_code)]

pub mod proxy;
pub mod redis;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lapin::options::{
    BasicAckOptions, BasicGetOptions, ConfirmSelectOptions, ExchangeDeleteOptions,
    QueueDeleteOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Connection, ConnectionProperties};
use paraprint::cleaner::Cleaner;
use paraprint::config::{self, Settings};
use paraprint::store::SystemClock;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub fn amqp_url() -> String {
    if let Some(url) = URL_OVERRIDE.lock().unwrap().clone() {
        return url;
    }
    std::env::var(TEST_AMQP_URL).unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

/// The broker the tests use when set; not a configuration key of the binary.
const TEST_AMQP_URL: &str = "PARAPRINT_TEST_AMQP_URL";

/// The `paraprint` binary to run, without the tests' own `PARAPRINT_TEST_AMQP_URL`: the binary
/// warns about a `PARAPRINT_` variable that names no key. Tests hand it `World::env`.
pub fn paraprint_command() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_paraprint"));
    command.env_remove(TEST_AMQP_URL);
    command
}

static URL_OVERRIDE: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Points every helper of this process at another broker until dropped (the cluster test's
/// node that stays up). Only for test binaries that run one test at a time.
pub struct UrlOverride;

impl UrlOverride {
    pub fn set(url: String) -> UrlOverride {
        *URL_OVERRIDE.lock().unwrap() = Some(url);
        UrlOverride
    }
}

impl Drop for UrlOverride {
    fn drop(&mut self) {
        *URL_OVERRIDE.lock().unwrap() = None;
    }
}

/// Connects, or fails the test saying how to start the broker.
pub async fn connect() -> Connection {
    let url = amqp_url();
    match Connection::connect(&url, ConnectionProperties::default()).await {
        Ok(conn) => conn,
        Err(e) => panic!(
            "RabbitMQ is not reachable at {url}: {e}. Start it with `rabbitmq-server -detached` \
             (or point PARAPRINT_TEST_AMQP_URL at one)."
        ),
    }
}

/// Connects, retrying for a while: for tests that restart the broker.
pub async fn connect_patiently(timeout: Duration) -> Connection {
    let start = Instant::now();
    loop {
        match Connection::connect(&amqp_url(), ConnectionProperties::default()).await {
            Ok(conn) => return conn,
            Err(e) if start.elapsed() > timeout => panic!("RabbitMQ did not come back: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
}

fn random_suffix() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// One message as a consumer sees it.
#[derive(Clone, Debug)]
pub struct Message {
    pub data: Vec<u8>,
    pub routing_key: String,
    pub properties: BasicProperties,
}

impl Message {
    pub fn message_id(&self) -> Option<String> {
        self.properties.message_id().as_ref().map(|s| s.to_string())
    }

    pub fn header(&self, name: &str) -> Option<String> {
        let headers = self.properties.headers().as_ref()?;
        match headers.inner().get(name)? {
            AMQPValue::LongString(s) => Some(s.to_string()),
            AMQPValue::ShortString(s) => Some(s.to_string()),
            other => Some(format!("{other:?}")),
        }
    }
}

pub struct World {
    pub settings: Settings,
    /// The embedded store's folder for worker processes this test starts.
    pub state_dir: tempfile::TempDir,
}

impl World {
    /// Settings with this test's random names and quick retries.
    pub fn new() -> World {
        if std::env::var_os("PARAPRINT_TEST_LOG").is_some() {
            let log = paraprint::config::LogSettings {
                format: paraprint::config::LogFormat::Human,
                level: "info".into(),
            };
            paraprint::telemetry::init(&log, std::io::stderr, false);
        }
        let mut settings = config::load_from(None, Vec::new()).unwrap().settings;
        settings.amqp.url = amqp_url();
        settings.store.path = String::new();
        let suffix = random_suffix();
        let t = &mut settings.topology;
        t.input_exchange = format!("test.{suffix}.raw");
        t.input_queue = format!("test.{suffix}.raw");
        t.output_exchange = format!("test.{suffix}.clean");
        t.output_queue = format!("test.{suffix}.clean");
        t.dead_exchange = format!("test.{suffix}.dead");
        t.dead_queue = format!("test.{suffix}.dead");
        settings.worker.retry_initial_ms = 50;
        settings.worker.retry_max_ms = 1000;
        settings.worker.shutdown_deadline_ms = 10_000;
        World {
            settings,
            state_dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Environment variables that give a `paraprint` process this world's settings.
    pub fn env(&self) -> Vec<(String, String)> {
        let t = &self.settings.topology;
        [
            ("PARAPRINT_AMQP__URL", self.settings.amqp.url.clone()),
            (
                "PARAPRINT_TOPOLOGY__INPUT_EXCHANGE",
                t.input_exchange.clone(),
            ),
            ("PARAPRINT_TOPOLOGY__INPUT_QUEUE", t.input_queue.clone()),
            (
                "PARAPRINT_TOPOLOGY__OUTPUT_EXCHANGE",
                t.output_exchange.clone(),
            ),
            ("PARAPRINT_TOPOLOGY__OUTPUT_QUEUE", t.output_queue.clone()),
            ("PARAPRINT_TOPOLOGY__DEAD_EXCHANGE", t.dead_exchange.clone()),
            ("PARAPRINT_TOPOLOGY__DEAD_QUEUE", t.dead_queue.clone()),
            ("PARAPRINT_WORKER__RETRY_INITIAL_MS", "50".into()),
            ("PARAPRINT_WORKER__RETRY_MAX_MS", "1000".into()),
            // Several workers share this host: each takes a free port.
            ("PARAPRINT_METRICS__LISTEN", "127.0.0.1:0".into()),
            (
                "PARAPRINT_STORE__PATH",
                self.state_dir.path().display().to_string(),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    pub fn cleaner(&self) -> Cleaner {
        Cleaner::from_settings(&self.settings, Arc::new(SystemClock)).unwrap()
    }

    /// Starts a worker in this process; stop it with [`Running::stop`].
    pub fn start_worker(&self, cleaner: Cleaner) -> Running {
        let shutdown = CancellationToken::new();
        let handle = tokio::spawn(paraprint::worker::run(
            Arc::new(self.settings.clone()),
            cleaner.clone(),
            Default::default(),
            shutdown.clone(),
        ));
        Running {
            shutdown,
            handle,
            cleaner,
        }
    }

    /// A connection and a channel in confirm mode, with the topology declared as a worker
    /// would.
    pub async fn confirming_channel(&self) -> (Connection, lapin::Channel) {
        let conn = connect().await;
        let channel = conn.create_channel().await.unwrap();
        paraprint::broker::declare_topology(&channel, &self.settings.topology)
            .await
            .unwrap();
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .unwrap();
        (conn, channel)
    }

    /// Declares the topology (as a worker would) and publishes every payload, confirmed.
    pub async fn publish(&self, payloads: &[Vec<u8>]) {
        let (conn, channel) = self.confirming_channel().await;
        let t = &self.settings.topology;
        let mut confirms = Vec::new();
        for payload in payloads {
            let id = serde_json::from_slice::<serde_json::Value>(payload)
                .ok()
                .and_then(|v| v["id"].as_str().map(str::to_string));
            let props = paraprint::broker::persistent(
                "application/json",
                id.as_deref(),
                FieldTable::default(),
            );
            let confirm = channel
                .basic_publish(
                    t.input_exchange.as_str().into(),
                    t.input_routing_key.as_str().into(),
                    lapin::options::BasicPublishOptions {
                        mandatory: true,
                        ..Default::default()
                    },
                    payload,
                    props,
                )
                .await
                .unwrap();
            confirms.push(confirm);
            if confirms.len() >= 500 {
                for c in confirms.drain(..) {
                    assert_eq!(c.await.unwrap(), lapin::Confirmation::Ack(None));
                }
            }
        }
        for c in confirms {
            assert_eq!(c.await.unwrap(), lapin::Confirmation::Ack(None));
        }
        conn.close(200, "done".into()).await.unwrap();
    }

    /// Ready messages in a queue (unacked ones are not counted).
    pub async fn ready(&self, queue: &str) -> u32 {
        let conn = connect_patiently(Duration::from_secs(60)).await;
        let channel = conn.create_channel().await.unwrap();
        let ready = paraprint::broker::ready_count(&channel, queue)
            .await
            .unwrap();
        let _ = conn.close(200, "done".into()).await;
        ready
    }

    /// Waits until `queue` holds at least `n` ready messages.
    pub async fn wait_for(&self, queue: &str, n: u32, timeout: Duration) {
        let start = Instant::now();
        loop {
            let ready = self.ready(queue).await;
            if ready >= n {
                return;
            }
            assert!(
                start.elapsed() < timeout,
                "{queue} holds {ready} messages after {timeout:?}; expected {n}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until the output and dead-letter queues hold at least `n` ready messages together.
    pub async fn wait_for_total(&self, n: u32, timeout: Duration) {
        let start = Instant::now();
        loop {
            let (records, dead) = (
                self.ready(self.output_queue()).await,
                self.ready(self.dead_queue()).await,
            );
            if records + dead >= n {
                return;
            }
            assert!(
                start.elapsed() < timeout,
                "{records} records and {dead} dead letters after {timeout:?}; expected {n}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until `queue` has no ready message. After a crash or a broker restart some records
    /// are published twice, so the output can reach its count while inputs still wait: tests
    /// that stop the worker then wait for this too (what is in flight finishes on shutdown).
    pub async fn wait_for_empty(&self, queue: &str, timeout: Duration) {
        let start = Instant::now();
        loop {
            let ready = self.ready(queue).await;
            if ready == 0 {
                return;
            }
            assert!(
                start.elapsed() < timeout,
                "{queue} still holds {ready} messages after {timeout:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Takes records from `queue` as they come until `n` distinct ids have one; the records
    /// taken, duplicates included. A count of messages is not enough: an article redelivered
    /// after a stop or a crash has two (byte-identical) records while another may still be
    /// waiting for its first.
    pub async fn take_every_id(&self, queue: &str, n: usize, timeout: Duration) -> Vec<Message> {
        let start = Instant::now();
        let mut taken = Vec::new();
        loop {
            taken.extend(self.drain(queue).await);
            let ids = records_by_id(&taken).len();
            if ids >= n {
                return taken;
            }
            assert!(
                start.elapsed() < timeout,
                "{queue} holds records of {ids} of {n} articles after {timeout:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// After the workers stopped, with `records` taken from the output so far: the rest of the
    /// output taken too, every one of the `n` articles has a record (duplicates byte-identical),
    /// and what is left in the input is only what already has one (deliveries returned at the
    /// stop, redelivered copies of done work): nothing was lost. Empties both queues.
    pub async fn assert_nothing_lost_after_stop(&self, mut records: Vec<Message>, n: usize) {
        records.extend(self.drain(self.output_queue()).await);
        let by_id = records_by_id(&records);
        assert_eq!(by_id.len(), n, "every article has a record");
        for left in self.drain(self.input_queue()).await {
            let id = left.message_id().expect("inputs carry message_id");
            assert!(
                by_id.contains_key(&id),
                "input {id} went back to the queue without a record"
            );
        }
    }

    /// Takes and acks every message in `queue`.
    pub async fn drain(&self, queue: &str) -> Vec<Message> {
        let conn = connect().await;
        let channel = conn.create_channel().await.unwrap();
        let mut out = Vec::new();
        while let Some(got) = channel
            .basic_get(queue.into(), BasicGetOptions::default())
            .await
            .unwrap()
        {
            let delivery = got.delivery;
            delivery
                .acker
                .ack(BasicAckOptions::default())
                .await
                .unwrap();
            out.push(Message {
                data: delivery.data,
                routing_key: delivery.routing_key.to_string(),
                properties: delivery.properties,
            });
        }
        conn.close(200, "done".into()).await.unwrap();
        out
    }

    /// Rejects (with requeue) every delivery of the input queue, as a crashing worker does,
    /// until the delivery limit has dead-lettered them all.
    pub async fn reject_until_dead_lettered(&self) {
        use futures_util::StreamExt;
        use lapin::options::{BasicConsumeOptions, BasicRejectOptions};
        let conn = connect().await;
        let channel = conn.create_channel().await.unwrap();
        let mut consumer = channel
            .basic_consume(
                self.input_queue().into(),
                "".into(),
                BasicConsumeOptions::default(),
                Default::default(),
            )
            .await
            .unwrap();
        let mut returns = 0;
        while let Ok(Some(Ok(delivery))) =
            tokio::time::timeout(Duration::from_secs(3), consumer.next()).await
        {
            delivery
                .acker
                .reject(BasicRejectOptions { requeue: true })
                .await
                .unwrap();
            returns += 1;
            assert!(returns <= 10, "the delivery limit did not end the message");
        }
        let _ = conn.close(200, "done".into()).await;
    }

    /// Takes everything out of the output and dead queues and checks it against `inputs`
    /// (`paraprint::audit`): panics with the report unless every input ended as identical
    /// records or as a dead letter with its bytes and a code, and the input queue is empty.
    pub async fn assert_audit(&self, inputs: &[Vec<u8>]) -> paraprint::audit::Report {
        let outcome = paraprint::commands::audit::run(&self.settings, inputs, true)
            .await
            .expect("the audit reads the queues");
        assert!(
            outcome.holds(),
            "{}inputs still waiting: {}",
            outcome.report.summary(),
            outcome.input_waiting
        );
        outcome.report
    }

    pub fn output_queue(&self) -> &str {
        &self.settings.topology.output_queue
    }
    pub fn input_queue(&self) -> &str {
        &self.settings.topology.input_queue
    }
    pub fn dead_queue(&self) -> &str {
        &self.settings.topology.dead_queue
    }

    async fn cleanup(topology: paraprint::config::TopologySettings) {
        let Ok(conn) = Connection::connect(&amqp_url(), ConnectionProperties::default()).await
        else {
            return;
        };
        for queue in [
            &topology.input_queue,
            &topology.output_queue,
            &topology.dead_queue,
        ] {
            if let Ok(channel) = conn.create_channel().await {
                let _ = channel
                    .queue_delete(queue.as_str().into(), QueueDeleteOptions::default())
                    .await;
            }
        }
        for exchange in [
            &topology.input_exchange,
            &topology.output_exchange,
            &topology.dead_exchange,
        ] {
            if let Ok(channel) = conn.create_channel().await {
                let _ = channel
                    .exchange_delete(exchange.as_str().into(), ExchangeDeleteOptions::default())
                    .await;
            }
        }
        let _ = conn.close(200, "cleanup".into()).await;
    }
}

impl Drop for World {
    /// Deletes what the test declared, even when it failed (quorum queues cannot auto-delete).
    fn drop(&mut self) {
        let topology = self.settings.topology.clone();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(World::cleanup(topology));
        })
        .join();
    }
}

/// A worker running in this process.
pub struct Running {
    shutdown: CancellationToken,
    handle: JoinHandle<Result<(), paraprint::broker::TopologyError>>,
    cleaner: Cleaner,
}

impl Running {
    /// Graceful shutdown; the worker must stop cleanly within `timeout`. Returns its cleaner
    /// (and so its store), for a worker that goes on where this one stopped.
    pub async fn stop(self, timeout: Duration) -> Cleaner {
        self.shutdown.cancel();
        tokio::time::timeout(timeout, self.handle)
            .await
            .expect("worker stops within the timeout")
            .expect("worker task did not panic")
            .expect("worker stopped without error");
        self.cleaner
    }
}

/// `n` raw articles whose text is unique to each, so that a record depends on nothing but the
/// article (no boilerplate or copies across them): a record stays identical even when a
/// restarted worker with a fresh in-memory store re-cleans it.
pub fn unique_articles(n: usize) -> Vec<(String, Vec<u8>)> {
    let stories = crate::common::wikinews();
    let count = stories.len();
    (0..n)
        .map(|i| {
            let story = &stories[i % count];
            let id = format!("article-{i}");
            // Each article mixes paragraphs of six stories, with a stride that changes every
            // round through the stories, so no two share more than a paragraph or two: neither a
            // copy nor a near copy of an earlier one.
            let round = i / count;
            let stride = 1 + round % (count - 1);
            let body: Vec<String> = std::iter::once(story.title.clone())
                .chain((0..6).map(|j| {
                    let from = &stories[(i + j * stride) % count];
                    let p = &from.paragraphs[(j + round / (count - 1)) % from.paragraphs.len()];
                    format!("{p} (item {i})")
                }))
                .collect();
            let raw = serde_json::json!({
                "id": id, "source": format!("source-{i}.example"), "title": story.title,
                "body": body.join("\n"), "seq": i,
            });
            (id, serde_json::to_vec(&raw).unwrap())
        })
        .collect()
}

/// Records by message id; panics if two records of one id differ.
pub fn records_by_id(messages: &[Message]) -> HashMap<String, Vec<u8>> {
    let mut out: HashMap<String, Vec<u8>> = HashMap::new();
    for m in messages {
        let id = m.message_id().expect("records carry message_id");
        if let Some(previous) = out.get(&id) {
            assert_eq!(previous, &m.data, "two different records for {id}");
        }
        out.insert(id, m.data.clone());
    }
    out
}

/// Sources of the syndication stream, each with a footer of its own.
pub const SOURCES: [&str; 6] = [
    "daily.example",
    "herald.example",
    "courier.example",
    "gazette.example",
    "tribune.example",
    "ledger.example",
];

fn source_footer(source: &str) -> Vec<String> {
    vec![
        format!("This story appears on {source} under licence from its author."),
        format!("Copyright 2026 {source}, all rights held by the publisher."),
    ]
}

/// One article of the syndication stream.
pub struct StreamArticle {
    pub id: String,
    /// The story it tells: its original and every copy share this.
    pub story: usize,
    pub raw: Vec<u8>,
}

/// A stream the way syndication looks: every Wikinews story published in `rounds` rounds, each
/// round under another source (round 0 is the story's first appearance, later rounds are
/// syndicated copies), each article with its first paragraph pasted again at the end (an
/// in-article repeat) and its source's footer (boilerplate once a source has published a few).
/// Rounds follow one another, so in stream order every copy comes after its original.
pub fn syndication_stream(rounds: usize) -> Vec<StreamArticle> {
    let stories = crate::common::wikinews();
    let mut out = Vec::new();
    for round in 0..rounds {
        for (k, story) in stories.iter().enumerate() {
            let source = SOURCES[(k + round) % SOURCES.len()];
            let mut lines = vec![story.title.clone()];
            lines.extend(story.paragraphs.iter().cloned());
            lines.push(story.paragraphs[0].clone());
            lines.extend(source_footer(source));
            let id = format!("r{round}-{}", story.id);
            let raw = serde_json::json!({
                "id": id, "source": source, "title": story.title, "body": lines.join("\n"),
            });
            out.push(StreamArticle {
                id,
                story: k,
                raw: serde_json::to_vec(&raw).unwrap(),
            });
        }
    }
    out
}

/// Paragraphs dropped per reason over a set of records.
pub fn drops_by_reason(records: &HashMap<String, Vec<u8>>) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for bytes in records.values() {
        let record: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        for dropped in record["dropped"].as_array().unwrap() {
            *out.entry(dropped["reason"].as_str().unwrap().to_string())
                .or_insert(0) += 1;
        }
    }
    out
}

pub fn spawn_worker_process(world: &World, extra_env: &[(&str, &str)]) -> std::process::Child {
    paraprint_command()
        .arg("run")
        .envs(world.env())
        .envs(
            extra_env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        )
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("paraprint starts")
}

/// SIGTERM, then the exit code.
pub fn terminate(mut child: std::process::Child) -> Option<i32> {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    child.wait().unwrap().code()
}

/// A free port on 127.0.0.1 (bound, then released for the process that will take it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `GET path` over plain HTTP/1.1: the status code and the body, or `None` when nothing
/// answers on the port.
pub async fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await.ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n")?.1.to_string();
    Some((status, body))
}

/// Polls `GET path` until it answers with `status`.
pub async fn wait_for_status(port: u16, path: &str, status: u16, timeout: Duration) -> String {
    let start = Instant::now();
    loop {
        let answer = http_get(port, path).await;
        if let Some((code, body)) = &answer
            && *code == status
        {
            return body.clone();
        }
        assert!(
            start.elapsed() < timeout,
            "{path} did not answer {status} within {timeout:?}; last answer: {answer:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The broker's version (`major`, `minor`), from the `version` server property of its
/// `connection.start` (lapin does not keep the server's properties).
pub async fn broker_version() -> (u32, u32) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let url = amqp_url();
    let host_port = url
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("{url} has no host:port"))
        .to_string();
    let mut socket = tokio::net::TcpStream::connect(&host_port)
        .await
        .unwrap_or_else(|e| panic!("RabbitMQ is not reachable at {host_port}: {e}"));
    socket.write_all(b"AMQP\x00\x00\x09\x01").await.unwrap();
    let mut start = vec![0u8; 4096];
    let mut len = 0;
    let key = b"\x07versionS";
    let version = loop {
        let n = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut start[len..]))
            .await
            .expect("connection.start within 5 s")
            .unwrap();
        assert!(n > 0, "the broker closed before connection.start");
        len += n;
        if let Some(at) = start[..len].windows(key.len()).position(|w| w == key) {
            let from = at + key.len();
            if len >= from + 4 {
                let size = u32::from_be_bytes(start[from..from + 4].try_into().unwrap()) as usize;
                if len >= from + 4 + size {
                    break String::from_utf8_lossy(&start[from + 4..from + 4 + size]).into_owned();
                }
            }
        }
    };
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}
