//! What differs between RabbitMQ versions, each checked against the version where it applies.
//! The README's test command runs these on the host's broker (3.10 on the CI machine);
//! `scripts/test-rabbitmq4.sh` runs them again on RabbitMQ 4.0.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use lapin::options::{
    BasicGetOptions, BasicNackOptions, BasicPublishOptions, BasicRejectOptions,
    ConfirmSelectOptions, QueueDeclareOptions, QueueDeleteOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel};
use paraprint::clean::copies::{Candidate, IndexEntry};
use paraprint::clean::{Facts, Observation, Outcome};
use paraprint::cleaner::Cleaner;
use paraprint::store::{CopyIndex, EmbeddedStore, Store, StoreError, SystemClock, TemplateCount};

use crate::support::{World, broker_version, connect, unique_articles};

const LONG: Duration = Duration::from_secs(120);

/// More returns than RabbitMQ 4's default delivery limit (20).
const MANY_RETURNS: usize = 30;

/// How a consumer hands a message back.
#[derive(Clone, Copy, Debug)]
enum Return {
    Nack,
    Reject,
}

/// Takes the next message of `queue` and hands it back with requeue; false when the queue had
/// none.
async fn get_and_return(channel: &Channel, queue: &str, how: Return) -> bool {
    let Some(message) = channel
        .basic_get(queue.into(), BasicGetOptions { no_ack: false })
        .await
        .unwrap()
    else {
        return false;
    };
    match how {
        Return::Nack => message
            .delivery
            .acker
            .nack(BasicNackOptions {
                requeue: true,
                multiple: false,
            })
            .await
            .unwrap(),
        Return::Reject => message
            .delivery
            .acker
            .reject(BasicRejectOptions { requeue: true })
            .await
            .unwrap(),
    };
    true
}

/// Returns the message of `queue` up to `times` times; how many times it was there to take.
async fn keep_returning(channel: &Channel, queue: &str, how: Return, times: usize) -> usize {
    for taken in 0..times {
        if !get_and_return(channel, queue, how).await {
            return taken;
        }
    }
    times
}

/// Publishes on a channel in confirm mode and waits for the confirm: then the message is in
/// its queue.
async fn publish_confirmed(channel: &Channel, exchange: &str, routing_key: &str, body: &[u8]) {
    channel
        .basic_publish(
            exchange.into(),
            routing_key.into(),
            BasicPublishOptions::default(),
            body,
            BasicProperties::default().with_delivery_mode(2),
        )
        .await
        .unwrap()
        .await
        .unwrap();
}

/// A quorum queue of this test's own, deleted when dropped.
struct OwnQueue {
    name: String,
}

impl OwnQueue {
    async fn declare(channel: &Channel, arguments: &[(&str, AMQPValue)]) -> OwnQueue {
        let name = format!("paraprint-test.{:016x}", rand::random::<u64>());
        let mut args = FieldTable::default();
        args.insert(
            "x-queue-type".into(),
            AMQPValue::LongString("quorum".into()),
        );
        for (key, value) in arguments {
            args.insert((*key).into(), value.clone());
        }
        channel
            .queue_declare(
                name.as_str().into(),
                QueueDeclareOptions {
                    durable: true,
                    ..QueueDeclareOptions::default()
                },
                args,
            )
            .await
            .unwrap();
        OwnQueue { name }
    }
}

impl Drop for OwnQueue {
    fn drop(&mut self) {
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async {
                    let conn = connect().await;
                    let channel = conn.create_channel().await.unwrap();
                    let _ = channel
                        .queue_delete(name.as_str().into(), QueueDeleteOptions::default())
                        .await;
                });
        })
        .join();
    }
}

/// Since 4.0 a quorum queue declared without `x-delivery-limit` drops a message returned 20
/// times (before 4.3 a nack counts like a reject). This is why paraprint declares its output and
/// dead-letter queues with a limit of their own; 3.x has no default limit.
#[tokio::test]
async fn a_quorum_queue_declared_without_a_limit_has_the_versions_default() {
    let (major, minor) = broker_version().await;
    let conn = connect().await;
    let channel = conn.create_channel().await.unwrap();
    let queue = OwnQueue::declare(&channel, &[]).await;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await
        .unwrap();
    publish_confirmed(&channel, "", &queue.name, b"a record").await;
    let taken = keep_returning(&channel, &queue.name, Return::Nack, MANY_RETURNS).await;
    match (major, minor) {
        (4, 0..=2) => assert_eq!(
            taken, 21,
            "RabbitMQ {major}.{minor}: dropped after the default 20 returns"
        ),
        (4.., _) => assert_eq!(
            taken, MANY_RETURNS,
            "RabbitMQ {major}.{minor}: a nack does not count toward the limit"
        ),
        _ => assert_eq!(
            taken, MANY_RETURNS,
            "RabbitMQ {major}.{minor}: no default delivery limit"
        ),
    }
}

/// paraprint's output and dead-letter queues keep a record or a dead letter however often a
/// consumer hands it back, by nack or by reject, on every version.
#[tokio::test]
async fn output_and_dead_letter_queues_keep_a_message_returned_many_times() {
    let world = World::new();
    let (_conn, channel) = world.confirming_channel().await;
    let topology = &world.settings.topology;
    publish_confirmed(
        &channel,
        &topology.output_exchange,
        paraprint::broker::CLEAN_ROUTING_KEY,
        b"a record",
    )
    .await;
    publish_confirmed(&channel, &topology.dead_exchange, "", b"a dead letter").await;
    for queue in [world.output_queue(), world.dead_queue()] {
        for how in [Return::Nack, Return::Reject] {
            let taken = keep_returning(&channel, queue, how, MANY_RETURNS).await;
            assert_eq!(taken, MANY_RETURNS, "{queue} kept its message ({how:?})");
        }
        assert_eq!(world.ready(queue).await, 1, "{queue} still holds it");
    }
}

/// How the input queue's delivery limit counts a consumer's returns, on the version it runs
/// on: before 4.3 a nack with requeue counts like a reject; from 4.3 only the reject (and a lost
/// connection) counts. paraprint rejects after a crash, so its count is the same everywhere.
#[tokio::test]
async fn input_delivery_limit_counts_rejects_and_before_4_3_nacks() {
    let (major, minor) = broker_version().await;
    let mut world = World::new();
    world.settings.topology.delivery_limit = 3;
    let (_, article) = unique_articles(1).remove(0);
    world.publish(std::slice::from_ref(&article)).await;
    let conn = connect().await;
    let channel = conn.create_channel().await.unwrap();

    let nacks_count = (major, minor) < (4, 3);
    let taken = keep_returning(&channel, world.input_queue(), Return::Nack, 6).await;
    if nacks_count {
        assert_eq!(taken, 4, "the limit of 3 ends the message at its 4th nack");
        world.wait_for(world.dead_queue(), 1, LONG).await;
    } else {
        assert_eq!(taken, 6, "nacks do not count from 4.3");
        let taken = keep_returning(&channel, world.input_queue(), Return::Reject, 6).await;
        assert_eq!(
            taken, 4,
            "the limit of 3 ends the message at its 4th reject"
        );
    }
    let dead = world.drain(world.dead_queue()).await;
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].data, article, "the original bytes");
    assert_eq!(
        paraprint::broker::code_of(dead[0].properties.headers().as_ref()),
        "delivery_limit"
    );
}

/// A store that panics for one article: a bug that crashes the worker on that message.
struct CrashesOn {
    article_id: String,
    inner: EmbeddedStore,
}

#[async_trait]
impl CopyIndex for CrashesOn {
    async fn originals(&self, candidates: &[String]) -> Result<Vec<Candidate>, StoreError> {
        self.inner.originals(candidates).await
    }

    async fn index(&self, observation: &Observation, entry: &IndexEntry) -> Result<(), StoreError> {
        self.inner.index(observation, entry).await
    }
}

#[async_trait]
impl Store for CrashesOn {
    async fn observe(&self, observation: &Observation) -> Result<Facts, StoreError> {
        assert_ne!(
            observation.article_id, self.article_id,
            "a bug that crashes the worker on this article"
        );
        self.inner.observe(observation).await
    }

    async fn remember(
        &self,
        observation: &Observation,
        outcome: &Outcome,
    ) -> Result<(), StoreError> {
        self.inner.remember(observation, outcome).await
    }

    async fn top_templates(
        &self,
        source: &str,
        limit: usize,
    ) -> Result<Vec<TemplateCount>, StoreError> {
        self.inner.top_templates(source, limit).await
    }

    async fn forget(
        &self,
        source: &str,
        line: Option<&paraprint::clean::key::ParagraphKeys>,
    ) -> Result<u64, StoreError> {
        self.inner.forget(source, line).await
    }
}

/// A message that crashes the worker every time: the worker rejects it after each crash, the
/// broker counts every reject (on every version), and at the delivery limit it ends in the
/// dead-letter queue with its original bytes and the broker's `x-death` (reason
/// `delivery_limit`, count 1, from the input queue). The other articles come out as records.
#[tokio::test]
async fn a_message_that_keeps_crashing_the_worker_ends_as_a_dead_letter() {
    let mut world = World::new();
    world.settings.topology.delivery_limit = 3;
    let articles = unique_articles(20);
    let inputs: Vec<Vec<u8>> = articles.iter().map(|(_, raw)| raw.clone()).collect();
    let (poison_id, poison) = articles[7].clone();
    world.publish(&inputs).await;

    let settings = &world.settings;
    let engine =
        paraprint::clean::Engine::new(settings.boilerplate.clone(), settings.copies.clone());
    let inner = EmbeddedStore::open(
        settings.store.clone(),
        settings.boilerplate.window_ms(),
        engine.count_cap(),
        Arc::new(SystemClock),
    )
    .unwrap();
    let store = Arc::new(CrashesOn {
        article_id: poison_id,
        inner,
    });
    let cleaner = Cleaner::new(engine, store, settings.limits.max_message_bytes);
    let worker = world.start_worker(cleaner);
    world.wait_for(world.dead_queue(), 1, LONG).await;
    world.wait_for(world.output_queue(), 19, LONG).await;
    world.wait_for_empty(world.input_queue(), LONG).await;
    worker.stop(LONG).await;

    // Looked at and handed back: the audit below reads it again.
    let conn = connect().await;
    let channel = conn.create_channel().await.unwrap();
    let dead = channel
        .basic_get(world.dead_queue().into(), BasicGetOptions { no_ack: false })
        .await
        .unwrap()
        .expect("a dead letter");
    let (data, properties) = (dead.delivery.data.clone(), dead.delivery.properties.clone());
    dead.delivery
        .acker
        .nack(BasicNackOptions {
            requeue: true,
            multiple: false,
        })
        .await
        .unwrap();
    assert_eq!(data, poison, "the original bytes");
    let headers = properties.headers().clone().unwrap_or_default();
    let Some(AMQPValue::FieldArray(deaths)) = headers.inner().get("x-death") else {
        panic!("the broker's x-death header: {headers:?}");
    };
    let Some(AMQPValue::FieldTable(death)) = deaths.as_slice().first() else {
        panic!("an x-death entry: {deaths:?}");
    };
    let field = |name: &str| death.inner().get(name).cloned();
    assert_eq!(
        field("reason"),
        Some(AMQPValue::LongString("delivery_limit".into()))
    );
    assert_eq!(
        field("queue"),
        Some(AMQPValue::LongString(world.input_queue().into()))
    );
    assert!(
        matches!(field("count"), Some(AMQPValue::LongLongInt(1))),
        "dead-lettered once: {:?}",
        field("count")
    );
    let report = world.assert_audit(&inputs).await;
    assert_eq!(report.dead_letter_total(), 1);
}
