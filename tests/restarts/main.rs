//! Tests that restart RabbitMQ. They disturb every other test, so they live in this binary,
//! which `.ci/run` runs alone after the others (`--features restart-tests`), one at a time.

#[path = "../common/mod.rs"]
mod common;
#[path = "../support/mod.rs"]
mod support;

mod cluster;
mod faults;

use std::process::Command;
use std::time::Duration;

use support::{
    World, free_port, records_by_id, spawn_worker_process, terminate, unique_articles,
    wait_for_status,
};

const LONG: Duration = Duration::from_secs(180);

fn rabbitmqctl(args: &[&str]) {
    let status = Command::new("rabbitmqctl")
        .args(args)
        .status()
        .unwrap_or_else(|e| {
            panic!("cannot run rabbitmqctl {args:?}: {e}; this test needs the broker's CLI")
        });
    assert!(status.success(), "rabbitmqctl {args:?} failed");
}

/// The broker stopped and started mid-stream: the worker recovers by itself (reconnects,
/// redeclares, re-applies prefetch) and the stream completes with nothing lost.
#[tokio::test]
async fn broker_restart_mid_stream_loses_nothing() {
    let world = World::new();
    let articles = unique_articles(5000);
    let payloads: Vec<Vec<u8>> = articles.iter().map(|(_, a)| a.clone()).collect();
    world.publish(&payloads).await;
    let worker = world.start_worker(world.cleaner());
    world.wait_for(world.output_queue(), 500, LONG).await;

    rabbitmqctl(&["stop_app"]);
    tokio::time::sleep(Duration::from_secs(3)).await;
    rabbitmqctl(&["start_app"]);
    rabbitmqctl(&["await_startup"]);
    let during = world.ready(world.output_queue()).await;
    assert!(
        during < 5000,
        "the restart happened mid-stream ({during} records)"
    );
    let recovery = faults::wait_for_growth(&world, world.output_queue(), during).await;

    faults::finish(
        &world,
        worker,
        &payloads,
        (
            "RabbitMQ stopped 3 s and started mid-stream",
            "1 broker restart",
        ),
        recovery,
    )
    .await;
}

/// `/readyz` follows the broker: not ready while it is stopped, ready again once the worker
/// has reconnected; `/healthz` answers throughout.
#[tokio::test]
async fn readiness_follows_the_broker() {
    let world = World::new();
    let port = free_port();
    let worker = spawn_worker_process(
        &world,
        &[("PARAPRINT_METRICS__LISTEN", &format!("127.0.0.1:{port}"))],
    );
    wait_for_status(port, "/readyz", 200, LONG).await;

    rabbitmqctl(&["stop_app"]);
    let body = wait_for_status(port, "/readyz", 503, LONG).await;
    assert!(body.contains("not consuming"), "{body}");
    wait_for_status(port, "/healthz", 200, LONG).await;
    rabbitmqctl(&["start_app"]);
    rabbitmqctl(&["await_startup"]);
    wait_for_status(port, "/readyz", 200, LONG).await;

    // The worker consumes again: an article published now comes out.
    let articles = unique_articles(1);
    world.publish(&[articles[0].1.clone()]).await;
    world.wait_for(world.output_queue(), 1, LONG).await;
    assert_eq!(terminate(worker), Some(0));
}

fn rabbitmqctl_output(args: &[&str]) -> String {
    let out = Command::new("rabbitmqctl")
        .args(args)
        .output()
        .expect("rabbitmqctl runs");
    assert!(out.status.success(), "rabbitmqctl {args:?} failed");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Restores the broker's memory watermark even if the test fails.
struct Watermark(String);

impl Drop for Watermark {
    fn drop(&mut self) {
        rabbitmqctl(&["set_vm_memory_high_watermark", &self.0]);
    }
}

/// A memory alarm blocks publishing connections (`connection.blocked`): the worker pauses,
/// loses nothing and dead-letters nothing, and finishes once the alarm clears.
#[tokio::test]
async fn memory_alarm_pauses_the_worker() {
    let world = World::new();
    let articles = unique_articles(2000);
    let payloads: Vec<Vec<u8>> = articles.iter().map(|(_, a)| a.clone()).collect();
    world.publish(&payloads).await;

    let current =
        rabbitmqctl_output(&["eval", "vm_memory_monitor:get_vm_memory_high_watermark()."]);
    let restore = Watermark(current.lines().last().unwrap_or("0.4").to_string());
    rabbitmqctl(&["set_vm_memory_high_watermark", "0.000001"]);
    tokio::time::sleep(Duration::from_secs(2)).await;

    let worker = world.start_worker(world.cleaner());
    tokio::time::sleep(Duration::from_secs(4)).await;
    let while_blocked = world.ready(world.output_queue()).await;
    assert_eq!(
        while_blocked, 0,
        "nothing is published while the broker blocks us"
    );

    drop(restore);
    world.wait_for(world.output_queue(), 2000, LONG).await;
    world.wait_for_empty(world.input_queue(), LONG).await;
    worker.stop(LONG).await;
    assert_eq!(world.ready(world.input_queue()).await, 0);
    let records = world.drain(world.output_queue()).await;
    assert_eq!(records_by_id(&records).len(), 2000);
    assert!(world.drain(world.dead_queue()).await.is_empty());
}

/// The command this machine's Redis was started with (it keeps nothing on disk).
fn start_redis() {
    let _ = std::fs::create_dir_all("/var/lib/redis");
    let _ = std::fs::create_dir_all("/var/log/redis");
    let status = Command::new("redis-server")
        .args([
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "-::1",
            "--port",
            "6379",
        ])
        .args([
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            "/var/lib/redis",
        ])
        .args(["--logfile", "/var/log/redis/ci.log"])
        .status()
        .expect("redis-server runs");
    assert!(status.success(), "redis-server did not start");
}

/// Starts Redis again even if the test fails while it is down.
struct RedisComesBack;

impl Drop for RedisComesBack {
    fn drop(&mut self) {
        if Command::new("redis-cli")
            .arg("ping")
            .output()
            .map(|o| o.status.success() && o.stdout.starts_with(b"PONG"))
            .unwrap_or(false)
        {
            return;
        }
        start_redis();
    }
}

/// Redis stopped for 20 s mid-stream and started again, empty: the worker holds its articles
/// and retries; the stream completes with nothing lost and nothing dead-lettered.
#[tokio::test]
async fn redis_outage_mid_stream_loses_nothing() {
    let mut world = World::new();
    let namespace = support::redis::Namespace::new();
    world.settings.store.backend = paraprint::config::StoreBackend::Redis;
    world.settings.store.redis_url = namespace.url.clone();
    world.settings.store.redis_prefix = namespace.prefix.clone();
    world.settings.store.redis_timeout_ms = 500;
    let articles = unique_articles(3000);
    let payloads: Vec<Vec<u8>> = articles.iter().map(|(_, a)| a.clone()).collect();
    world.publish(&payloads).await;
    let worker = world.start_worker(world.cleaner());
    world.wait_for(world.output_queue(), 300, LONG).await;

    let comes_back = RedisComesBack;
    let _ = Command::new("redis-cli")
        .args(["shutdown", "nosave"])
        .status();
    tokio::time::sleep(Duration::from_secs(20)).await;
    let during = world.ready(world.output_queue()).await;
    assert!(
        during < 3000,
        "the outage happened mid-stream ({during} records)"
    );
    start_redis();
    drop(comes_back);
    let recovery = faults::wait_for_growth(&world, world.output_queue(), during).await;

    faults::finish(
        &world,
        worker,
        &payloads,
        (
            "Redis stopped 20 s mid-stream, started again empty",
            "1 Redis outage",
        ),
        recovery,
    )
    .await;
}
