//! A three-node RabbitMQ cluster on this machine, beside the broker already running: three
//! more nodes on 127.0.0.1 with their own names, ports and data folders, joined into one
//! cluster, stopped and removed when the test ends.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::support::free_port;

pub struct Node {
    pub name: String,
    pub port: u16,
}

pub struct Cluster {
    pub nodes: Vec<Node>,
    base: PathBuf,
}

fn run(command: &mut Command) {
    let shown = format!("{command:?}");
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e}; this test needs RabbitMQ's CLI"));
    assert!(
        out.status.success(),
        "{shown} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn rabbitmqctl(node: &str, args: &[&str]) {
    run(Command::new("rabbitmqctl")
        .args(["-n", node, "--timeout", "120"])
        .args(args));
}

/// Waits until a node started with `-detached` answers and has booted: until its Erlang
/// distribution is up, the CLI cannot reach it at all and fails at once.
fn await_startup(node: &str) {
    let start = std::time::Instant::now();
    loop {
        let out = Command::new("rabbitmqctl")
            .args(["-n", node, "--timeout", "60", "await_startup"])
            .output()
            .expect("rabbitmqctl runs");
        if out.status.success() {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "node {node} did not start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// Kills what is left of a node that did not stop (one still booting cannot be asked to):
/// the process whose environment names it.
fn kill_node(node: &str) {
    let needle = format!("RABBITMQ_NODENAME={node}");
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in entries.flatten() {
        let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        if environ
            .split(|&b| b == 0)
            .any(|var| var == needle.as_bytes())
        {
            let _ = Command::new("kill")
                .arg("-9")
                .arg(entry.file_name())
                .output();
        }
    }
}

impl Cluster {
    /// Starts three nodes and joins the second and third to the first.
    pub fn start() -> Cluster {
        let tag = format!("{:08x}", rand::random::<u32>());
        let base = PathBuf::from(format!("/tmp/paraprint-cluster-{tag}"));
        let mut cluster = Cluster {
            nodes: Vec::new(),
            base: base.clone(),
        };
        for letter in ["a", "b", "c"] {
            let name = format!("pp{letter}{tag}@localhost");
            let port = free_port();
            let dist_port = free_port();
            let dir = base.join(letter);
            std::fs::create_dir_all(dir.join("log")).unwrap();
            std::fs::write(
                dir.join("rabbitmq.conf"),
                format!("listeners.tcp.local = 127.0.0.1:{port}\n"),
            )
            .unwrap();
            std::fs::write(dir.join("enabled_plugins"), "[].\n").unwrap();
            run(Command::new("chown")
                .args(["-R", "rabbitmq:rabbitmq"])
                .arg(&base));
            // The packaged wrapper starts the node as the rabbitmq user (sharing the running
            // broker's Erlang cookie) and keeps these variables.
            let path = |p: &str| dir.join(p).display().to_string();
            run(Command::new("rabbitmq-server")
                .arg("-detached")
                .env("RABBITMQ_NODENAME", &name)
                .env("RABBITMQ_DIST_PORT", dist_port.to_string())
                .env("RABBITMQ_CONFIG_FILE", path("rabbitmq.conf"))
                .env("RABBITMQ_ENABLED_PLUGINS_FILE", path("enabled_plugins"))
                .env("RABBITMQ_MNESIA_BASE", path("mnesia"))
                .env("RABBITMQ_LOG_BASE", path("log"))
                .env("RABBITMQ_PID_FILE", path("pid")));
            cluster.nodes.push(Node { name, port });
        }
        for node in &cluster.nodes {
            await_startup(&node.name);
        }
        let first = cluster.nodes[0].name.clone();
        for node in &cluster.nodes[1..] {
            rabbitmqctl(&node.name, &["stop_app"]);
            rabbitmqctl(&node.name, &["join_cluster", &first]);
            rabbitmqctl(&node.name, &["start_app"]);
            await_startup(&node.name);
        }
        cluster
    }

    pub fn url(&self, node: usize) -> String {
        format!("amqp://guest:guest@127.0.0.1:{}/%2f", self.nodes[node].port)
    }

    /// What `rabbitmq-queues quorum_status` says of a queue, asked of one node.
    pub fn quorum_members(&self, node: usize, queue: &str) -> String {
        let out = Command::new("rabbitmq-queues")
            .args(["-n", &self.nodes[node].name, "quorum_status", queue])
            .output()
            .expect("rabbitmq-queues runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Stops the RabbitMQ application of one node (its Erlang VM stays, as in a rolling restart).
    pub fn stop(&self, node: usize) {
        rabbitmqctl(&self.nodes[node].name, &["stop_app"]);
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for node in &self.nodes {
            let _ = Command::new("rabbitmqctl")
                .args(["-n", &node.name, "--timeout", "30", "stop"])
                .output();
            kill_node(&node.name);
        }
        std::thread::sleep(Duration::from_secs(1));
        let _ = std::fs::remove_dir_all(&self.base);
    }
}
