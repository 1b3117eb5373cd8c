//! What operators see: metrics that match the stream, health endpoints, and secrets kept out
//! of logs and printed configuration.

use std::collections::HashMap;
use std::io::Read;
use std::process::Stdio;
use std::time::Duration;

use crate::support::{
    World, free_port, http_get, spawn_worker_process, terminate, unique_articles, wait_for_status,
};
use crate::worker::bad_messages;

const LONG: Duration = Duration::from_secs(120);

/// Sum of a metric's samples whose labels contain every `label="value"` pair given.
fn sample_sum(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter(|line| {
            line.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
        })
        .filter(|line| labels.iter().all(|l| line.contains(l)))
        .map(|line| line.rsplit(' ').next().unwrap().parse::<f64>().unwrap())
        .sum()
}

#[tokio::test]
async fn metrics_count_what_went_in_and_out() {
    let world = World::new();
    let articles = unique_articles(40);
    let mut payloads: Vec<Vec<u8>> = articles.iter().map(|(_, p)| p.clone()).collect();
    // One article carrying a paragraph twice: one `repeated` drop.
    payloads.push(
        br#"{"id": "twice", "source": "metrics-test", "body": "A paragraph that is here twice.\nA paragraph that is here twice."}"#
            .to_vec(),
    );
    let bad = bad_messages();
    payloads.extend(bad.iter().map(|(b, _)| b.clone()));
    world.publish(&payloads).await;

    let port = free_port();
    let worker = spawn_worker_process(
        &world,
        &[
            ("PARAPRINT_METRICS__LISTEN", &format!("127.0.0.1:{port}")),
            // The `too_large` bad message is 70 kB.
            ("PARAPRINT_LIMITS__MAX_MESSAGE_BYTES", "65536"),
        ],
    );
    world.wait_for(world.output_queue(), 41, LONG).await;
    world
        .wait_for(world.dead_queue(), bad.len() as u32, LONG)
        .await;
    world.wait_for_empty(world.input_queue(), LONG).await;

    assert_eq!(http_get(port, "/healthz").await.unwrap().0, 200);
    wait_for_status(port, "/readyz", 200, LONG).await;
    let (status, text) = http_get(port, "/metrics").await.unwrap();
    assert_eq!(status, 200);

    let records = world.drain(world.output_queue()).await;
    let (mut kept, mut dropped) = (0.0, HashMap::<String, f64>::new());
    for record in &records {
        let v: serde_json::Value = serde_json::from_slice(&record.data).unwrap();
        kept += v["counts"]["kept"].as_f64().unwrap();
        for d in v["dropped"].as_array().unwrap() {
            *dropped
                .entry(d["reason"].as_str().unwrap().to_string())
                .or_default() += 1.0;
        }
    }
    assert_eq!(records.len(), 41);
    assert!(dropped["repeated_in_article"] >= 1.0);

    let total = (records.len() + bad.len()) as f64;
    assert_eq!(
        sample_sum(&text, "paraprint_articles_received_total", &[]),
        total
    );
    assert_eq!(sample_sum(&text, "paraprint_articles_total", &[]), 41.0);
    // 41 sources, 20 of them named (metrics.source_labels), the other 21 counted together.
    let named: std::collections::HashSet<&str> = text
        .lines()
        .filter(|l| l.starts_with("paraprint_articles_total{"))
        .filter_map(|l| l.split("source=\"").nth(1)?.split('"').next())
        .collect();
    assert_eq!(named.len(), 21, "{named:?}");
    assert_eq!(
        sample_sum(&text, "paraprint_articles_total", &["source=\"other\""]),
        21.0
    );
    assert_eq!(
        sample_sum(&text, "paraprint_paragraphs_kept_total", &[]),
        kept
    );
    for (reason, n) in &dropped {
        let label = format!("reason=\"{reason}\"");
        assert_eq!(
            sample_sum(&text, "paraprint_paragraphs_dropped_total", &[&label]),
            *n,
            "{reason}"
        );
    }
    let mut codes: HashMap<&str, f64> = HashMap::new();
    for (_, code) in &bad {
        *codes.entry(code).or_default() += 1.0;
    }
    for (code, n) in codes {
        let label = format!("code=\"{code}\"");
        assert_eq!(
            sample_sum(&text, "paraprint_dead_letters_total", &[&label]),
            n
        );
    }
    assert_eq!(sample_sum(&text, "paraprint_in_flight", &[]), 0.0);
    assert_eq!(sample_sum(&text, "paraprint_ready", &[]), 1.0);
    // Every article went through one confirmed publish and at least one store call.
    assert_eq!(
        sample_sum(&text, "paraprint_publish_confirm_seconds_count", &[]),
        total
    );
    assert!(sample_sum(&text, "paraprint_store_seconds_count", &[]) >= 41.0);
    assert!(
        sample_sum(
            &text,
            "paraprint_store_size",
            &["measure=\"template_keys\""]
        ) > 0.0
    );
    // Every line the engine keyed went through the line cache: a hit or a miss.
    let lines = sample_sum(&text, "paraprint_line_cache_hits_total", &[])
        + sample_sum(&text, "paraprint_line_cache_misses_total", &[]);
    assert!(lines >= kept, "{lines} lines looked up, {kept} kept");
    assert!(sample_sum(&text, "paraprint_line_cache_bytes", &[]) > 0.0);
    // The container health check: `paraprint health [--ready]` asks the same endpoints.
    let listen = format!("127.0.0.1:{port}");
    let health = |ready: bool| {
        let mut cmd = crate::support::paraprint_command();
        cmd.arg("health").env("PARAPRINT_METRICS__LISTEN", &listen);
        if ready {
            cmd.arg("--ready");
        }
        cmd.output().unwrap().status.code()
    };
    assert_eq!(health(false), Some(0));
    assert_eq!(health(true), Some(0));
    assert_eq!(terminate(worker), Some(0));
    assert_eq!(health(false), Some(1), "no worker: unhealthy");
}

#[tokio::test]
async fn metrics_port_zero_picks_a_free_port() {
    let world = World::new();
    // Two workers on the default-style setting `127.0.0.1:0` both start and serve.
    let a = spawn_worker_process(&world, &[]);
    let b = spawn_worker_process(&world, &[("PARAPRINT_STORE__PATH", "")]);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(terminate(a), Some(0));
    assert_eq!(terminate(b), Some(0));
}

/// Runs `paraprint` with `args` and `env` until it exits or `after` passes, then returns what
/// it wrote to stderr and stdout, and what `/readyz` answered on `probe` along the way.
fn output_of(args: &[&str], env: &[(&str, &str)], after: Duration, probe: Option<u16>) -> String {
    let mut child = crate::support::paraprint_command()
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + after;
    let mut out = String::new();
    while std::time::Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        if let Some(port) = probe
            && let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port))
        {
            use std::io::Write;
            let _ =
                stream.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let _ = stream.read_to_string(&mut out);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    out
}

#[test]
fn passwords_appear_in_no_log_line_and_no_printed_configuration() {
    let secret = format!("Pw{:x}", rand::random::<u64>());
    let amqp = format!("amqp://guest:{secret}@127.0.0.1:5672/%2f");
    // A Redis that is not there: the worker starts, not ready, and keeps trying it. (One that
    // refuses the password stops it at start: `settings_that_can_never_work_stop_it_at_start`.)
    let redis = format!("redis://default:{secret}@127.0.0.1:{}/0", free_port());
    for format in ["human", "json"] {
        let port = free_port().to_string();
        let listen = format!("127.0.0.1:{port}");
        let env = [
            ("PARAPRINT_AMQP__URL", amqp.as_str()),
            ("PARAPRINT_STORE__BACKEND", "redis"),
            ("PARAPRINT_STORE__REDIS_URL", redis.as_str()),
            ("PARAPRINT_STORE__PATH", ""),
            ("PARAPRINT_METRICS__LISTEN", listen.as_str()),
            ("PARAPRINT_WORKER__RETRY_INITIAL_MS", "50"),
            ("PARAPRINT_LOG__FORMAT", format),
            // Every crate's debug lines too, where a library might print a URL.
            ("RUST_LOG", "debug"),
        ];
        // The broker refuses the password: the worker logs its failures and retries.
        let logs = output_of(&["run"], &env, Duration::from_secs(4), port.parse().ok());
        assert!(logs.contains("reconnecting"), "{logs}");
        // /readyz names the failing store (Redis does not answer) without the password.
        assert!(logs.contains("not ready"), "{logs}");
        assert!(
            !logs.contains(&secret),
            "a log line holds the password:\n{logs}"
        );

        let printed = output_of(&["config"], &env, Duration::from_secs(30), None);
        assert!(printed.contains("[amqp]"), "{printed}");
        assert!(!printed.contains(&secret), "{printed}");
    }
}

/// Runs `paraprint run` with `env` until it exits (at most `limit`); its exit code (`None`:
/// still running, killed) and what it wrote to stderr.
fn run_until_exit(env: &[(&str, &str)], limit: Duration) -> (Option<i32>, String) {
    let mut child = crate::support::paraprint_command()
        .arg("run")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + limit;
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (code, err)
}

/// Each setting that can never work stops the worker at start with exit 2 and one message
/// naming the setting, instead of a worker that retries forever or logs nothing.
#[test]
fn settings_that_can_never_work_stop_it_at_start() {
    let listen = format!("127.0.0.1:{}", free_port());
    let base = [
        ("PARAPRINT_STORE__PATH", ""),
        ("PARAPRINT_METRICS__LISTEN", listen.as_str()),
    ];
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("PARAPRINT_AMQP__URL", "http://guest:guest@127.0.0.1:5672/")],
            "amqp.url",
        ),
        (
            &[(
                "PARAPRINT_AMQP__FAILOVER_URLS",
                "amqp://127.0.0.1:5672,127.0.0.1:5673",
            )],
            "amqp.failover_urls",
        ),
        (&[("PARAPRINT_LOG__LEVEL", "warning")], "log.level"),
        (&[("RUST_LOG", "warning")], "RUST_LOG"),
        (&[("RUST_LOG", "paraprint=loud")], "RUST_LOG"),
        (
            &[("PARAPRINT_AMQP_URL", "amqp://127.0.0.1:5672")],
            "did you mean PARAPRINT_AMQP__URL (amqp.url)?",
        ),
        (&[("PARAPRINT_STORE__BACKEND", "postgres")], "store.backend"),
        (
            // This machine's Redis has no password: any password is refused.
            &[
                ("PARAPRINT_STORE__BACKEND", "redis"),
                (
                    "PARAPRINT_STORE__REDIS_URL",
                    "redis://:nope@127.0.0.1:6379/0",
                ),
            ],
            "store.redis_url: the store refused the credentials",
        ),
    ];
    for (env, names) in cases {
        let mut all: Vec<(&str, &str)> = base.to_vec();
        all.extend(env.iter().copied());
        let started = std::time::Instant::now();
        let (code, err) = run_until_exit(&all, Duration::from_secs(15));
        assert_eq!(code, Some(2), "{env:?}: {err}");
        assert!(err.contains(names), "{env:?} must name {names:?}: {err}");
        assert!(!err.contains("nope"), "the password is printed: {err}");
        // One message, not its cause again after a colon.
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        eprintln!("{env:?}: exit 2 in {:?}: {}", started.elapsed(), err.trim());
    }
}

/// A store that is down at start: the worker starts, not ready, and says so on every channel
/// an operator watches: `/readyz` 503, `paraprint_ready` 0 from the first scrape, every error
/// counter already exported (at 0), and one error line.
#[tokio::test]
async fn a_store_down_at_start_is_not_ready_from_the_first_scrape() {
    let world = World::new();
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let redis = format!("redis://127.0.0.1:{}/0", free_port());
    let env = [
        ("PARAPRINT_STORE__BACKEND", "redis"),
        ("PARAPRINT_STORE__REDIS_URL", redis.as_str()),
        ("PARAPRINT_METRICS__LISTEN", listen.as_str()),
    ];
    let worker = spawn_worker_process(&world, &env);
    // The first scrape that answers.
    let text = loop {
        if let Some((200, text)) = http_get(port, "/metrics").await {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(sample_sum(&text, "paraprint_ready", &[]), 0.0, "{text}");
    for code in paraprint::article::ErrorCode::ALL {
        let label = format!("code=\"{}\"", code.as_str());
        assert!(
            text.contains(&format!("paraprint_dead_letters_total{{{label}}} 0")),
            "{label}: {text}"
        );
    }
    for counter in [
        "paraprint_store_failures_total 0",
        "paraprint_reconnects_total 0",
        "paraprint_crashes_total 0",
    ] {
        assert!(text.contains(counter), "{counter}: {text}");
    }
    let ready = wait_for_status(port, "/readyz", 503, Duration::from_secs(10)).await;
    assert!(ready.contains("store: state store unavailable"), "{ready}");
    assert_eq!(terminate(worker), Some(0));
}

/// The worker's stderr reader goes away (a log shipper restarted, a pipe closed): log lines are
/// dropped, the worker goes on and still exits cleanly.
#[tokio::test]
async fn a_closed_stderr_does_not_stop_the_worker() {
    let world = World::new();
    let mut worker = crate::support::paraprint_command()
        .arg("run")
        .envs(world.env())
        .env("RUST_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    worker
        .stderr
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(worker.stderr.take());
    // Articles make log lines (debug): each write now fails.
    let inputs: Vec<Vec<u8>> = unique_articles(5).into_iter().map(|(_, a)| a).collect();
    world.publish(&inputs).await;
    world.wait_for(world.output_queue(), 5, LONG).await;
    assert!(worker.try_wait().unwrap().is_none(), "the worker exited");
    assert_eq!(terminate(worker), Some(0));
}

/// A clean shutdown snapshots the embedded store: the next start loads one snapshot and an
/// empty log instead of replaying everything the worker learned.
#[tokio::test]
async fn a_clean_shutdown_checkpoints_the_embedded_store() {
    let world = World::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap().to_string();
    let worker = spawn_worker_process(&world, &[("PARAPRINT_STORE__PATH", path.as_str())]);
    let inputs: Vec<Vec<u8>> = unique_articles(10).into_iter().map(|(_, a)| a).collect();
    world.publish(&inputs).await;
    world.wait_for(world.output_queue(), 10, LONG).await;
    assert_eq!(terminate(worker), Some(0));
    let state = dir
        .path()
        .join(format!("v{}", paraprint::clean::key::KEY_FORMAT));
    assert!(state.join("snapshot").exists(), "no snapshot in {state:?}");
    let logs: Vec<u64> = std::fs::read_dir(&state)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().starts_with("log."))
        .map(|e| e.metadata().unwrap().len())
        .collect();
    assert_eq!(logs, [0], "the log after the snapshot");
}

/// A `paraprint run` logging JSON at `level` into a pipe that a thread reads as it comes, so a
/// worker that logs much never blocks on a full pipe.
struct LoggingWorker {
    child: std::process::Child,
    logs: std::thread::JoinHandle<String>,
}

impl LoggingWorker {
    fn start(world: &World, level: &str, extra_env: &[(&str, &str)]) -> Self {
        let mut child = crate::support::paraprint_command()
            .arg("run")
            .envs(world.env())
            .envs(extra_env.iter().copied())
            .env("RUST_LOG", level)
            .env("PARAPRINT_LOG__FORMAT", "json")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = child.stderr.take().unwrap();
        let logs = std::thread::spawn(move || {
            let mut logs = String::new();
            err.read_to_string(&mut logs).unwrap();
            logs
        });
        Self { child, logs }
    }

    /// SIGTERM; the exit code (`None` when it had not exited 10 s later and was killed) and
    /// everything it logged.
    async fn stop(mut self) -> (Option<i32>, String) {
        std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let mut code = None;
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().unwrap() {
                code = status.code();
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if code.is_none() {
            let _ = self.child.kill();
            self.child.wait().unwrap();
        }
        (code, self.logs.join().unwrap())
    }
}

/// A dead letter's log line names the message, so an operator can find it in the dead queue.
#[tokio::test]
async fn a_dead_letter_line_names_the_message() {
    let world = World::new();
    let worker = LoggingWorker::start(&world, "warn", &[]);
    world
        .publish(&[br#"{"id":"no-source-42","body":"A body without a source."}"#.to_vec()])
        .await;
    world.wait_for(world.dead_queue(), 1, LONG).await;
    let (code, logs) = worker.stop().await;
    assert_eq!(code, Some(0), "{logs}");
    let line = logs
        .lines()
        .find(|l| l.contains("Dead-lettered"))
        .unwrap_or_else(|| panic!("no dead-letter line in {logs}"));
    let event: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(event["fields"]["message_id"], "no-source-42", "{line}");
    assert_eq!(event["fields"]["code"], "missing_field", "{line}");
}

/// A publish the broker keeps returning (no queue bound to the output) is retried for as long
/// as it takes, and said once for the outage at error, not once per attempt and article. (Once
/// lapin's warning with the whole record at each return filled the logs.)
#[tokio::test]
async fn a_failing_publish_is_logged_once_per_outage() {
    let mut world = World::new();
    world.settings.topology.output_queue = String::new();
    let worker = LoggingWorker::start(
        &world,
        "info",
        &[("PARAPRINT_WORKER__SHUTDOWN_DEADLINE_MS", "500")],
    );
    let inputs: Vec<Vec<u8>> = unique_articles(3).into_iter().map(|(_, a)| a).collect();
    world.publish(&inputs).await;
    // Retries every 50 ms up to 1 s apart: a few dozen attempts in 3 s.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (code, logs) = worker.stop().await;
    assert_eq!(code, Some(0), "{logs}");
    let errors: Vec<&str> = logs.lines().filter(|l| l.contains("\"ERROR\"")).collect();
    assert_eq!(errors.len(), 1, "{logs}");
    assert!(errors[0].contains("Transient failure"), "{}", errors[0]);
    assert!(
        !logs.contains("Publish failed"),
        "per attempt only at debug: {logs}"
    );
    // Not lapin's warning per returned message either, each with the whole record.
    assert!(!logs.contains("returned us a message"), "{logs}");
    assert!(
        logs.len() < 8 * 1024,
        "{} bytes of logs: {logs}",
        logs.len()
    );
}
