//! The shared suite against a real Redis Cluster of three masters, started by this test on
//! free 127.0.0.1 ports in a temporary folder and stopped when the last test using it ends.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use paraprint::config::StoreSettings;

use crate::suite::Subject;

/// Three `redis-server --cluster-enabled yes` processes joined into one cluster.
pub struct Cluster {
    nodes: Vec<Child>,
    pub ports: Vec<u16>,
    _dir: tempfile::TempDir,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            let _ = node.kill();
            let _ = node.wait();
        }
    }
}

fn free_port() -> u16 {
    // Cluster nodes also listen on port + 10000 (the bus): keep both in range.
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if port < 55000 && TcpListener::bind(("127.0.0.1", port + 10000)).is_ok() {
            return port;
        }
    }
}

impl Cluster {
    fn start() -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
        let nodes = ports
            .iter()
            .map(|port| {
                let node_dir = dir.path().join(port.to_string());
                std::fs::create_dir_all(&node_dir).unwrap();
                Command::new("redis-server")
                    .args([
                        "--port",
                        &port.to_string(),
                        "--bind",
                        "127.0.0.1",
                        "--cluster-enabled",
                        "yes",
                    ])
                    .args([
                        "--cluster-config-file",
                        "nodes.conf",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                    ])
                    .arg("--dir")
                    .arg(&node_dir)
                    .stdout(Stdio::null())
                    .spawn()
                    .unwrap_or_else(|e| {
                        panic!("cannot start redis-server ({e}): the cluster test needs it on PATH")
                    })
            })
            .collect();
        let cluster = Cluster {
            nodes,
            ports,
            _dir: dir,
        };
        for port in &cluster.ports {
            wait_for_ping(*port);
        }
        let addresses: Vec<String> = cluster
            .ports
            .iter()
            .map(|p| format!("127.0.0.1:{p}"))
            .collect();
        let status = Command::new("redis-cli")
            .args(["--cluster", "create"])
            .args(&addresses)
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .stdout(Stdio::null())
            .status()
            .expect("redis-cli runs");
        assert!(status.success(), "redis-cli --cluster create failed");
        cluster.wait_until_ok();
        cluster
    }

    fn wait_until_ok(&self) {
        let start = Instant::now();
        loop {
            let out = Command::new("redis-cli")
                .args(["-p", &self.ports[0].to_string(), "cluster", "info"])
                .output()
                .unwrap();
            if String::from_utf8_lossy(&out.stdout).contains("cluster_state:ok") {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the cluster did not become ok"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn url(&self) -> String {
        self.ports
            .iter()
            .map(|p| format!("redis://127.0.0.1:{p}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn wait_for_ping(port: u16) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "redis-server on {port} did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One cluster shared by the tests of this binary that run at the same time.
fn shared_cluster() -> Arc<Cluster> {
    static CLUSTER: Mutex<Weak<Cluster>> = Mutex::new(Weak::new());
    let mut slot = CLUSTER.lock().unwrap();
    if let Some(cluster) = slot.upgrade() {
        return cluster;
    }
    let cluster = Arc::new(Cluster::start());
    *slot = Arc::downgrade(&cluster);
    cluster
}

async fn cluster(tweak: impl FnOnce(&mut StoreSettings)) -> Subject {
    let cluster = tokio::task::spawn_blocking(shared_cluster).await.unwrap();
    let prefix = crate::support::redis::random_prefix();
    crate::redis::redis_subject(cluster.url(), true, prefix, tweak, Box::new(cluster))
}

behaviour_suite!(cluster);

/// The layout really spreads over the cluster: sources land on different masters.
#[tokio::test]
async fn sources_spread_over_the_masters() {
    let subject = cluster(|_| {}).await;
    for i in 0..30 {
        let obs = crate::suite::observation(
            &format!("a{i}"),
            &format!("source-{i}"),
            &["a line".to_string()],
        );
        subject.store.observe(&obs).await.unwrap();
    }
    let cluster = tokio::task::spawn_blocking(shared_cluster).await.unwrap();
    let mut masters_with_keys = 0;
    for port in &cluster.ports {
        let out = Command::new("redis-cli")
            .args(["-p", &port.to_string(), "dbsize"])
            .output()
            .unwrap();
        let keys: u64 = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or(0);
        if keys > 0 {
            masters_with_keys += 1;
        }
    }
    assert_eq!(masters_with_keys, 3, "every master holds part of the state");
}

#[tokio::test]
async fn split_claims_settle_on_one_original() {
    crate::suite::split_claims_settle_on_one_original(cluster(|_| {}).await).await
}

/// The copy index spreads too: one source's paragraphs are held on every master.
#[tokio::test]
async fn holders_spread_over_the_masters() {
    let subject = cluster(|_| {}).await;
    let lines: Vec<String> = (0..60).map(|i| format!("paragraph {i}")).collect();
    let obs = crate::suite::observation("a", "one-source", &lines);
    subject.store.observe(&obs).await.unwrap();
    let cluster = tokio::task::spawn_blocking(shared_cluster).await.unwrap();
    for port in &cluster.ports {
        let out = Command::new("redis-cli")
            .args(["-p", &port.to_string(), "--scan", "--pattern", "*:h:*"])
            .output()
            .unwrap();
        assert!(
            !String::from_utf8_lossy(&out.stdout).trim().is_empty(),
            "master {port} holds no holder shard"
        );
    }
}
