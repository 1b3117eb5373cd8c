//! All lapin code: connecting, the topology, and publishing with confirms.
//!
//! Nothing here decides what happens to a message; it reports what the broker said, as errors
//! the worker branches on.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use lapin::options::{
    BasicPublishOptions, ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions,
};
use lapin::tcp::OwnedTLSConfig;
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::uri::AMQPUri;
use lapin::{
    BasicProperties, Channel, Confirmation, Connection, ConnectionProperties, ExchangeKind,
};

use crate::config::{AmqpSettings, TopologySettings, read_ca_file, redact_url};

/// Routing keys of records on the output exchange.
pub const CLEAN_ROUTING_KEY: &str = "article.clean";
pub const DUPLICATE_ROUTING_KEY: &str = "article.duplicate";

/// Header names on dead letters.
pub const ERROR_HEADER: &str = "x-paraprint-error";
pub const ERROR_MESSAGE_HEADER: &str = "x-paraprint-error-message";

/// AMQP delivery mode of messages written to disk.
const PERSISTENT: u8 = 2;

/// Why a publish did not end in a plain ack.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The broker refused the message (for instance a queue at its limit).
    #[error("the broker nacked the message")]
    Nacked,
    /// The message could not be routed to any queue (`mandatory`).
    #[error("the broker returned the message as unroutable: {code} {text}")]
    Returned { code: u16, text: String },
    /// The channel or connection is gone: the deliveries it held come back by themselves.
    #[error("channel lost: {0}")]
    Channel(#[from] lapin::Error),
}

/// Opens a connection; the name shows in the management UI.
///
/// `amqps://` URLs use TLS (rustls): the server's certificate must chain to the system's trust
/// store or, when `amqp.tls_ca_file` is set, to a certificate of that PEM file.
///
/// With `amqp.failover_urls`, the URL that answered last is tried first, then the others in
/// order; the first connection made is returned, else the last error.
pub async fn connect(settings: &AmqpSettings, role: &str) -> Result<Connection, lapin::Error> {
    let urls: Vec<&str> = std::iter::once(settings.url.as_str())
        .chain(settings.failover_urls.iter().map(String::as_str))
        .collect();
    let first = LAST_ANSWERED.load(Ordering::Relaxed) % urls.len();
    let timeout = Duration::from_millis(settings.connect_timeout_ms);
    let mut last_error = None;
    for index in (0..urls.len()).map(|i| (first + i) % urls.len()) {
        let url = urls[index];
        let error = match tokio::time::timeout(timeout, connect_to(url, settings, role)).await {
            Ok(Ok(connection)) => {
                if urls.len() > 1 {
                    tracing::info!(url = %redact_url(url), role, "Connected.");
                }
                LAST_ANSWERED.store(index, Ordering::Relaxed);
                return Ok(connection);
            }
            Ok(Err(e)) => e,
            Err(_) => lapin::Error::from(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("no answer within amqp.connect_timeout_ms ({timeout:?})"),
            )),
        };
        if urls.len() > 1 {
            tracing::warn!(url = %redact_url(url), role, error = %error, "Cannot connect; trying the next broker URL.");
        }
        last_error = Some(error);
    }
    Err(last_error.expect("at least amqp.url"))
}

/// Index (in `url`, then `failover_urls`) of the URL that answered last: reconnects go there
/// first instead of waiting on a node that went away.
static LAST_ANSWERED: AtomicUsize = AtomicUsize::new(0);

async fn connect_to(
    url: &str,
    settings: &AmqpSettings,
    role: &str,
) -> Result<Connection, lapin::Error> {
    let name = format!("{} {role}", settings.connection_name);
    tracing::debug!(url = %redact_url(url), %name, "Connecting.");
    let properties = ConnectionProperties::default().with_connection_name(name.into());
    let mut uri: AMQPUri = url.parse().map_err(|e: String| {
        lapin::Error::from(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("broker URL {}: {e}", redact_url(url)),
        ))
    })?;
    // Both sides close a connection that stayed silent for two heartbeats: a partition that
    // neither closes nor resets the TCP connection is noticed within that time.
    uri.query.heartbeat = Some(settings.heartbeat_s);
    if settings.tls_ca_file.is_empty() {
        return Connection::connect_uri(uri, properties).await;
    }
    // Read at every connect, so a renewed CA bundle is picked up on reconnect. Start-up already
    // checked the file (config::validate); this error only shows if it went away since.
    let ca = read_ca_file("amqp.tls_ca_file", &settings.tls_ca_file)
        .map_err(|e| lapin::Error::from(std::io::Error::new(std::io::ErrorKind::NotFound, e)))?;
    let tls = OwnedTLSConfig {
        identity: None,
        cert_chain: Some(String::from_utf8_lossy(&ca).into_owned()),
    };
    Connection::connect_uri_with_config(uri, properties, tls, lapin::runtime::default_runtime()?)
        .await
}

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

/// Ready messages in a queue (a passive declare: fails if the queue does not exist).
pub async fn ready_count(channel: &Channel, queue: &str) -> Result<u32, lapin::Error> {
    let declared = channel
        .queue_declare(
            queue.into(),
            QueueDeclareOptions {
                passive: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await?;
    Ok(declared.message_count())
}

/// Properties of a persistent message. A `message_id` is an AMQP short string: one longer than
/// 255 bytes (never a valid article id) is left out rather than sent.
pub fn persistent(
    content_type: &str,
    message_id: Option<&str>,
    headers: FieldTable,
) -> BasicProperties {
    let props = BasicProperties::default()
        .with_delivery_mode(PERSISTENT)
        .with_content_type(content_type.into())
        .with_headers(headers);
    match message_id {
        Some(id) if id.len() <= crate::article::MAX_ID_BYTES => props.with_message_id(id.into()),
        _ => props,
    }
}

pub fn long_string(value: &str) -> AMQPValue {
    AMQPValue::LongString(LongString::from(value))
}

/// Publishes `mandatory` on a channel in confirm mode and waits for the broker's answer.
/// Only a plain ack is success: a nack, or an ack that came with a return, is a failure.
pub async fn publish_confirmed(
    channel: &Channel,
    exchange: &str,
    routing_key: &str,
    payload: &[u8],
    properties: BasicProperties,
) -> Result<(), PublishError> {
    let confirm = channel
        .basic_publish(
            ShortString::from(exchange),
            ShortString::from(routing_key),
            BasicPublishOptions {
                mandatory: true,
                ..Default::default()
            },
            payload,
            properties,
        )
        .await?;
    match confirm.await? {
        Confirmation::Ack(None) => Ok(()),
        Confirmation::Ack(Some(returned)) | Confirmation::Nack(Some(returned)) => {
            Err(PublishError::Returned {
                code: returned.reply_code,
                text: returned.reply_text.to_string(),
            })
        }
        Confirmation::Nack(None) => Err(PublishError::Nacked),
        Confirmation::NotRequested => unreachable!("publish channels are put in confirm mode"),
    }
}
