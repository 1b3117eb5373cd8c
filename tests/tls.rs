//! TLS: `amqps://` and `rediss://` against a real TLS endpoint. Each test makes a CA and a
//! server certificate for 127.0.0.1 on the fly and starts stunnel (Debian's `stunnel4`; the
//! tests fail, saying how to install it, when it is missing) in front of the local RabbitMQ
//! and Redis, on free ports; stunnel is killed when the test ends. Queues and Redis keys are
//! the test's own, random, and deleted at the end.

#[path = "common/mod.rs"]
mod common;
#[path = "support/mod.rs"]
mod support;
#[path = "support/tls.rs"]
mod tls;

use std::collections::HashSet;
use std::time::Duration;

use paraprint::config::{self, AmqpSettings, StoreBackend};
use support::redis::Namespace;
use support::{World, amqp_url, unique_articles};
use tls::{Pki, Stunnel, host_port, through_tunnel};

const LONG: Duration = Duration::from_secs(120);
const ARTICLES: u32 = 40;

/// stunnel with two services: `amqp` in front of the test broker, `redis` in front of Redis.
fn tunnel(pki: &Pki, redis_url: &str) -> Stunnel {
    Stunnel::start(
        pki,
        &[
            ("amqp", host_port(&amqp_url(), 5672)),
            ("redis", host_port(redis_url, 6379)),
        ],
    )
}

/// Publishes with `paraprint publish` and cleans with a worker whose broker URL is amqps://
/// and whose store is Redis over rediss://, both through stunnel and trusting only the test's
/// CA file: every article comes out as one record, and the store's keys land in Redis.
#[tokio::test(flavor = "multi_thread")]
async fn a_stream_runs_through_amqps_and_rediss() {
    let pki = Pki::generate("paraprint");
    let namespace = Namespace::new();
    let stunnel = tunnel(&pki, &namespace.url);
    let amqps = through_tunnel(&amqp_url(), "amqps", stunnel.port("amqp"));
    let rediss = through_tunnel(&namespace.url, "rediss", stunnel.port("redis"));
    assert!(amqps.starts_with("amqps://") && rediss.starts_with("rediss://"));

    let mut world = World::new();
    // Fewer than the fixture's stories: no two of these share a paragraph, so each is an
    // original whatever order the worker decides them in (past one round through the stories,
    // a long shared paragraph can make an article a near copy of one decided before it).
    let articles = unique_articles(ARTICLES as usize);

    // Publishing over amqps, with the CLI and its environment variables.
    let input = world.state_dir.path().join("articles.jsonl");
    let mut lines = Vec::new();
    for (_, raw) in &articles {
        lines.extend_from_slice(raw);
        lines.push(b'\n');
    }
    std::fs::write(&input, lines).unwrap();
    let publish = crate::support::paraprint_command()
        .arg("publish")
        .arg(&input)
        .envs(world.env())
        .env("PARAPRINT_AMQP__URL", &amqps)
        .env("PARAPRINT_AMQP__TLS_CA_FILE", pki.ca_path())
        .env("RUST_LOG", "warn")
        .output()
        .expect("paraprint publish runs");
    assert!(
        publish.status.success(),
        "paraprint publish over {amqps} failed: {}\nstunnel log:\n{}",
        String::from_utf8_lossy(&publish.stderr),
        stunnel.log_text()
    );
    assert_eq!(world.ready(world.input_queue()).await, ARTICLES);

    // Cleaning over amqps, with the shared store over rediss.
    world.settings.amqp.url = amqps.clone();
    world.settings.amqp.tls_ca_file = pki.ca_path();
    world.settings.store.backend = StoreBackend::Redis;
    world.settings.store.redis_url = rediss.clone();
    world.settings.store.redis_tls_ca_file = pki.ca_path();
    world.settings.store.redis_prefix = namespace.prefix.clone();
    let worker = world.start_worker(world.cleaner());
    world.wait_for(world.output_queue(), ARTICLES, LONG).await;
    world.wait_for_empty(world.input_queue(), LONG).await;
    worker.stop(LONG).await;

    let records = world.drain(world.output_queue()).await;
    let ids: HashSet<String> = records.iter().map(|r| r.message_id().unwrap()).collect();
    let expected: HashSet<String> = articles.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(records.len(), ARTICLES as usize, "one record per article");
    assert_eq!(ids, expected);
    assert!(
        records
            .iter()
            .all(|r| r.header("x-paraprint-status").as_deref() == Some("clean"))
    );

    // The store was Redis, reached only through the tunnel.
    let client = ::redis::Client::open(namespace.url.as_str()).unwrap();
    let mut conn = client.get_connection().unwrap();
    let keys: Vec<Vec<u8>> = ::redis::cmd("KEYS")
        .arg(format!("{{{}:*", namespace.prefix))
        .query(&mut conn)
        .unwrap();
    assert!(!keys.is_empty(), "the worker's store wrote no Redis key");
    let log = stunnel.log_text();
    for service in ["amqp", "redis"] {
        assert!(
            log.contains(&format!("Service [{service}] accepted connection")),
            "stunnel carried no {service} connection:\n{log}"
        );
    }
}

/// Without the CA file, the server's certificate is not trusted (the system's store does not
/// know the test CA), and the error says so; a file of another CA is not enough either.
#[tokio::test(flavor = "multi_thread")]
async fn an_untrusted_certificate_is_refused() {
    let pki = Pki::generate("paraprint");
    let other = Pki::generate("other");
    let namespace = Namespace::new();
    let stunnel = tunnel(&pki, &namespace.url);
    let amqps = through_tunnel(&amqp_url(), "amqps", stunnel.port("amqp"));
    let rediss = through_tunnel(&namespace.url, "rediss", stunnel.port("redis"));

    for ca in [String::new(), other.ca_path()] {
        let amqp = AmqpSettings {
            url: amqps.clone(),
            prefetch: 10,
            connection_name: "paraprint tls test".into(),
            tls_ca_file: ca.clone(),
            failover_urls: Vec::new(),
            connect_timeout_ms: 10_000,
            heartbeat_s: 30,
        };
        let error = match paraprint::broker::connect(&amqp, "test").await {
            Ok(_) => panic!("connected to {amqps} trusting {ca:?}"),
            Err(e) => e.to_string(),
        };
        assert!(
            error.contains("certificate") && error.contains("UnknownIssuer"),
            "amqps with CA file {ca:?}: {error}"
        );

        let mut settings = common::settings();
        settings.store.backend = StoreBackend::Redis;
        settings.store.redis_url = rediss.clone();
        settings.store.redis_tls_ca_file = ca.clone();
        settings.store.redis_prefix = namespace.prefix.clone();
        settings.store.redis_timeout_ms = 5000;
        let (cleaner, _) = common::cleaner_with(&settings);
        let article = serde_json::to_vec(&common::seed()).unwrap();
        let error = match cleaner.clean(&article).await {
            Ok(_) => panic!("cleaned through {rediss} trusting {ca:?}"),
            Err(e) => e.to_string(),
        };
        assert!(
            error.contains("certificate") && error.contains("UnknownIssuer"),
            "rediss with CA file {ca:?}: {error}"
        );
    }

    // The same endpoints with the right CA answer: the failures above were about trust.
    let amqp = AmqpSettings {
        url: amqps.clone(),
        prefetch: 10,
        connection_name: "paraprint tls test".into(),
        tls_ca_file: pki.ca_path(),
        failover_urls: Vec::new(),
        connect_timeout_ms: 10_000,
        heartbeat_s: 30,
    };
    let conn = paraprint::broker::connect(&amqp, "test")
        .await
        .unwrap_or_else(|e| panic!("amqps with the right CA: {e}"));
    conn.close(200, "done".into()).await.unwrap();
}

/// A CA file that is missing, or holds no certificate, stops start-up with an error naming
/// the key and the file.
#[test]
fn a_bad_ca_file_is_a_start_up_error() {
    let pki = Pki::generate("paraprint");
    let missing = pki.dir.path().join("missing.pem").display().to_string();
    let not_a_cert = pki.server_key.display().to_string();
    for var in [
        "PARAPRINT_AMQP__TLS_CA_FILE",
        "PARAPRINT_STORE__REDIS_TLS_CA_FILE",
    ] {
        let key = var
            .strip_prefix("PARAPRINT_")
            .unwrap()
            .to_lowercase()
            .replace("__", ".");
        for (path, says) in [
            (&missing, "cannot read CA file"),
            (&not_a_cert, "holds no PEM certificate"),
        ] {
            let error = match config::load_from(None, vec![(var.to_string(), path.clone())]) {
                Ok(_) => panic!("{var}={path} was accepted"),
                Err(e) => e.to_string(),
            };
            assert!(
                error.contains(&key) && error.contains(path.as_str()) && error.contains(says),
                "{var}={path}: {error}"
            );
        }
        let ok = config::load_from(None, vec![(var.to_string(), pki.ca_path())]);
        assert!(ok.is_ok(), "{var} with a real CA file: {:?}", ok.err());
    }

    // The binary refuses to start, and says why.
    let mut child = crate::support::paraprint_command()
        .arg("run")
        .env("PARAPRINT_AMQP__TLS_CA_FILE", &missing)
        .env("PARAPRINT_STORE__PATH", "")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("paraprint run with a missing CA file was still running after 30 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!status.success(), "paraprint run started: {stderr}");
    assert!(
        stderr.contains("amqp.tls_ca_file") && stderr.contains(&missing),
        "{stderr}"
    );
}
