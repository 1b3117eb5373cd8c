//! The exchanges, queues and bindings paraprint uses, declared (or only verified) the same way
//! by the worker and the commands.

use lapin::Channel;
use lapin::ExchangeKind;
use lapin::options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable};

use crate::config::TopologySettings;

/// Returns a message may take in the output and dead-letter queues before RabbitMQ drops it.
/// Since 4.0 a quorum queue without `x-delivery-limit` gets 20, and before 4.3 every requeue
/// counts (a consumer's nack, a peek in the management UI, a `redrive --dry-run`): with no
/// dead-letter exchange behind these queues, the 21st would silently lose a record or a dead
/// letter. `-1` (unlimited on 4.x) is not an option: RabbitMQ 3.x drops on the first return.
const HOLDING_QUEUE_DELIVERY_LIMIT: i64 = 1_000_000;

fn quorum_queue_arguments() -> FieldTable {
    let mut args = FieldTable::default();
    args.insert(
        "x-queue-type".into(),
        AMQPValue::LongString("quorum".into()),
    );
    args
}

/// The output and dead-letter queues: quorum, holding messages however often they are returned.
fn holding_queue_arguments() -> FieldTable {
    let mut args = quorum_queue_arguments();
    args.insert(
        "x-delivery-limit".into(),
        AMQPValue::LongLongInt(HOLDING_QUEUE_DELIVERY_LIMIT),
    );
    args
}

/// The input queue's arguments: quorum, at-least-once dead-lettering (which requires
/// `reject-publish` overflow) and the delivery limit that ends poison messages. Declared as
/// arguments so a fresh broker needs no policy; changing one later makes redeclaring fail with
/// 406, and the error says so.
pub fn input_queue_arguments(topology: &TopologySettings) -> FieldTable {
    let mut args = quorum_queue_arguments();
    args.insert(
        "x-dead-letter-exchange".into(),
        AMQPValue::LongString(topology.dead_exchange.as_str().into()),
    );
    args.insert(
        "x-dead-letter-strategy".into(),
        AMQPValue::LongString("at-least-once".into()),
    );
    args.insert(
        "x-overflow".into(),
        AMQPValue::LongString("reject-publish".into()),
    );
    args.insert(
        "x-delivery-limit".into(),
        AMQPValue::LongLongInt(i64::from(topology.delivery_limit)),
    );
    args
}

/// A topology step that failed, with what it was doing.
#[derive(Debug, thiserror::Error)]
#[error("{what}: {source}")]
pub struct TopologyError {
    pub what: String,
    pub source: lapin::Error,
}

impl TopologyError {
    /// The broker answered and refused (406 arguments differ, 404 not found, 403 access):
    /// retrying will not help.
    pub fn is_refusal(&self) -> bool {
        self.source.is_amqp_soft_error() || self.source.is_amqp_hard_error()
    }
}

/// Declares (or, with `declare = false`, only verifies) exchanges, queues and bindings.
/// Declaring is idempotent, so every worker does it at start.
pub async fn declare_topology(
    channel: &Channel,
    topology: &TopologySettings,
) -> Result<(), TopologyError> {
    let passive = !topology.declare;
    let step = |what: String| move |source| TopologyError { what, source };
    let exchange = |name: &str, kind: ExchangeKind| {
        channel.exchange_declare(
            name.into(),
            kind,
            ExchangeDeclareOptions {
                passive,
                durable: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
    };
    let queue = |name: &str, args: FieldTable| {
        channel.queue_declare(
            name.into(),
            QueueDeclareOptions {
                passive,
                durable: true,
                ..Default::default()
            },
            args,
        )
    };
    let bind = |queue: &str, exchange: &str, key: &str| {
        channel.queue_bind(
            queue.into(),
            exchange.into(),
            key.into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
    };
    let t = topology;
    exchange(&t.dead_exchange, ExchangeKind::Fanout)
        .await
        .map_err(step(format!("dead-letter exchange {}", t.dead_exchange)))?;
    queue(&t.dead_queue, holding_queue_arguments())
        .await
        .map_err(step(format!(
            "dead-letter queue {} (if it exists with other arguments, RabbitMQ will not change \
                 them: move its messages, delete it, or set them by policy)",
            t.dead_queue
        )))?;
    exchange(&t.input_exchange, ExchangeKind::Direct)
        .await
        .map_err(step(format!("input exchange {}", t.input_exchange)))?;
    queue(&t.input_queue, input_queue_arguments(t))
        .await
        .map_err(step(format!(
            "input queue {} (if it exists with other arguments, RabbitMQ will not change them: \
             delete it or set them by policy)",
            t.input_queue
        )))?;
    exchange(&t.output_exchange, ExchangeKind::Topic)
        .await
        .map_err(step(format!("output exchange {}", t.output_exchange)))?;
    if !t.output_queue.is_empty() {
        queue(&t.output_queue, holding_queue_arguments())
            .await
            .map_err(step(format!(
                "output queue {} (if it exists with other arguments, RabbitMQ will not change \
                 them: move its messages, delete it, or set them by policy)",
                t.output_queue
            )))?;
    }
    if t.declare {
        bind(&t.dead_queue, &t.dead_exchange, "")
            .await
            .map_err(step(format!(
                "binding {} to {}",
                t.dead_queue, t.dead_exchange
            )))?;
        bind(&t.input_queue, &t.input_exchange, &t.input_routing_key)
            .await
            .map_err(step(format!(
                "binding {} to {}",
                t.input_queue, t.input_exchange
            )))?;
        if !t.output_queue.is_empty() {
            bind(&t.output_queue, &t.output_exchange, "#")
                .await
                .map_err(step(format!(
                    "binding {} to {}",
                    t.output_queue, t.output_exchange
                )))?;
        }
    }
    Ok(())
}
