//! The worker loop: take a delivery, clean it, publish the record, wait for the confirm, ack.
//!
//! At-least-once, end to end: an input is acked only after the broker confirmed its record
//! (or its dead letter). Many deliveries are in flight at once, bounded by the prefetch.
//! Failures are of two kinds, and each has one answer:
//! - the input can never be processed → a dead letter with its original bytes and a code, then ack;
//! - anything transient (store down, publish nacked or returned, broker blocked) → keep the
//!   delivery, stop taking new ones, retry with backoff; when the channel or connection itself is
//!   gone, the broker requeues what we held, and the session reconnects.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{FutureExt, StreamExt};
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicQosOptions, BasicRejectOptions,
    ConfirmSelectOptions,
};
use lapin::types::FieldTable;
use lapin::{Channel, Connection, Event};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::{debug, error, info, warn};

use crate::article::InputError;
use crate::broker::{self, PublishError};
use crate::cleaner::{CleanError, Cleaner};
use crate::config::Settings;

/// A session that ran this long was healthy: the next reconnect starts from the first delay.
const HEALTHY_SESSION: Duration = Duration::from_secs(30);

/// How a session ended, when it did not end by shutdown.
#[derive(Debug, thiserror::Error)]
enum SessionError {
    /// Broker unreachable, connection or channel lost: reconnect.
    #[error("{0}")]
    Transient(String),
    /// The broker refused the topology: retrying will not help.
    #[error("{0}")]
    Fatal(String),
}

impl From<lapin::Error> for SessionError {
    fn from(e: lapin::Error) -> Self {
        SessionError::Transient(e.to_string())
    }
}

/// Exponential backoff with jitter, so that many workers do not retry in step.
#[derive(Clone, Debug)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    attempt: u32,
}

impl Backoff {
    pub fn new(initial_ms: u64, max_ms: u64) -> Self {
        Backoff {
            initial: Duration::from_millis(initial_ms),
            max: Duration::from_millis(max_ms),
            attempt: 0,
        }
    }

    /// The next delay: the doubled delay capped at `max`, scaled by a random 50–100%.
    pub fn next_delay(&mut self) -> Duration {
        let doubled = self.initial.saturating_mul(1 << self.attempt.min(20));
        self.attempt += 1;
        doubled
            .min(self.max)
            .mul_f64(0.5 + rand::random::<f64>() * 0.5)
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

/// Runs the worker until `shutdown` is cancelled, reconnecting after transient failures.
/// Returns an error only for what retrying cannot fix (the broker refused the topology).
pub async fn run(
    settings: Arc<Settings>,
    cleaner: Cleaner,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let mut backoff = Backoff::new(
        settings.worker.retry_initial_ms,
        settings.worker.retry_max_ms,
    );
    loop {
        let started = Instant::now();
        match session(&settings, &cleaner, &shutdown).await {
            Ok(()) => return Ok(()),
            Err(SessionError::Fatal(e)) => return Err(anyhow::anyhow!(e)),
            Err(SessionError::Transient(e)) => {
                metrics::counter!("paraprint_reconnects_total").increment(1);
                if started.elapsed() > HEALTHY_SESSION {
                    backoff.reset();
                }
                let delay = backoff.next_delay();
                warn!(error = %e, retry_in_ms = delay.as_millis() as u64, "Lost the broker; reconnecting.");
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = shutdown.cancelled() => return Ok(()),
                }
            }
        }
    }
}

/// What every delivery task shares.
struct Context {
    settings: Arc<Settings>,
    cleaner: Cleaner,
    publisher: Channel,
    /// True while the broker blocks our publishing connection (a resource alarm).
    blocked: watch::Receiver<bool>,
    /// Tasks currently retrying a transient failure; while any is, no new delivery is taken.
    retrying: watch::Sender<usize>,
}

async fn session(
    settings: &Arc<Settings>,
    cleaner: &Cleaner,
    shutdown: &CancellationToken,
) -> Result<(), SessionError> {
    // Consuming and publishing on separate connections: flow control throttles publishing
    // connections, and must not stall the acks that free prefetch slots.
    let consume_conn = broker::connect(&settings.amqp, "consume").await?;
    let publish_conn = match broker::connect(&settings.amqp, "publish").await {
        Ok(conn) => conn,
        Err(e) => {
            close_connection(&consume_conn).await;
            return Err(e.into());
        }
    };
    let result = consume(settings, cleaner, shutdown, &consume_conn, &publish_conn).await;
    close_connection(&consume_conn).await;
    close_connection(&publish_conn).await;
    result
}

async fn close_connection(conn: &Connection) {
    // Closing requeues every delivery not acked; a dead connection may not answer, so bound it.
    let _ = tokio::time::timeout(
        Duration::from_secs(5),
        conn.close(200, "paraprint closing".into()),
    )
    .await;
}

/// Forwards connection events: blocked state to `blocked`, errors to `errors`.
fn watch_events(
    conn: &Connection,
    blocked: watch::Sender<bool>,
    errors: mpsc::UnboundedSender<String>,
) {
    let events = conn.events_listener();
    tokio::spawn(async move {
        tokio::pin!(events);
        while let Some(event) = events.next().await {
            match event {
                Event::ConnectionBlocked(reason) => {
                    warn!(%reason, "Broker blocked publishing; pausing.");
                    blocked.send_replace(true);
                }
                Event::ConnectionUnblocked => {
                    info!("Broker unblocked publishing; resuming.");
                    blocked.send_replace(false);
                }
                Event::Error(e) => {
                    let _ = errors.send(e.to_string());
                }
                _ => {}
            }
        }
    });
}

async fn consume(
    settings: &Arc<Settings>,
    cleaner: &Cleaner,
    shutdown: &CancellationToken,
    consume_conn: &Connection,
    publish_conn: &Connection,
) -> Result<(), SessionError> {
    let setup = publish_conn.create_channel().await?;
    broker::declare_topology(&setup, &settings.topology)
        .await
        .map_err(|e| {
            if e.is_refusal() {
                SessionError::Fatal(format!("topology: {e}"))
            } else {
                SessionError::Transient(format!("topology: {e}"))
            }
        })?;
    let _ = setup.close(200, "topology ready".into()).await;

    let publisher = publish_conn.create_channel().await?;
    publisher
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let consumer_channel = consume_conn.create_channel().await?;
    // Prefetch is the only bound on the consumer's buffer (lapin's is unbounded), so it bounds
    // memory: prefetch × max message size. Set per consumer, as quorum queues require.
    consumer_channel
        .basic_qos(settings.amqp.prefetch, BasicQosOptions { global: false })
        .await?;
    let mut consumer = consumer_channel
        .basic_consume(
            settings.topology.input_queue.as_str().into(),
            "".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;

    let (errors_tx, mut errors) = mpsc::unbounded_channel();
    let (blocked_tx, blocked) = watch::channel(false);
    watch_events(publish_conn, blocked_tx, errors_tx.clone());
    watch_events(consume_conn, watch::channel(false).0, errors_tx);
    let (retrying, mut retrying_rx) = watch::channel(0usize);
    let mut blocked_rx = blocked.clone();
    let context = Arc::new(Context {
        settings: settings.clone(),
        cleaner: cleaner.clone(),
        publisher,
        blocked,
        retrying,
    });
    info!(queue = %settings.topology.input_queue, prefetch = settings.amqp.prefetch, "Consuming.");

    let mut tasks: JoinSet<Result<(), SessionError>> = JoinSet::new();
    loop {
        let paused = *blocked_rx.borrow() || *retrying_rx.borrow() > 0;
        metrics::gauge!("paraprint_in_flight").set(tasks.len() as f64);
        tokio::select! {
            biased;
            _ = shutdown.cancelled() => break,
            Some(e) = errors.recv() => return Err(SessionError::Transient(e)),
            Some(done) = tasks.join_next(), if !tasks.is_empty() => match done {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(e),
                Err(e) => return Err(SessionError::Transient(format!("delivery task failed: {e}"))),
            },
            // A closed watch (its connection gone) fails the pattern and disables the branch.
            Ok(()) = blocked_rx.changed() => {}
            Ok(()) = retrying_rx.changed() => {}
            next = consumer.next(), if !paused => match next {
                Some(Ok(delivery)) => {
                    tasks.spawn(handle(delivery, context.clone()));
                }
                Some(Err(e)) => return Err(e.into()),
                None => return Err(SessionError::Transient("the broker cancelled our consumer".into())),
            },
        }
    }

    // Shutdown: stop the flow, let what is in flight finish within the deadline. Deliveries
    // not yet started are still in lapin's buffer; closing the channel returns them.
    info!(
        in_flight = tasks.len(),
        "Shutting down: finishing in-flight articles."
    );
    let _ = consumer_channel
        .basic_cancel(consumer.tag(), BasicCancelOptions::default())
        .await;
    let deadline = tokio::time::sleep(Duration::from_millis(settings.worker.shutdown_deadline_ms));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            _ = &mut deadline => {
                warn!(unfinished = tasks.len(), "Shutdown deadline passed; unfinished articles go back to the queue.");
                break;
            }
            done = tasks.join_next() => match done {
                None => break,
                Some(Ok(Err(e))) => warn!(error = %e, "An in-flight article could not finish; it goes back to the queue."),
                Some(_) => {}
            },
        }
    }
    tasks.abort_all();
    let _ = consumer_channel.close(200, "shutdown".into()).await;
    info!("Stopped.");
    Ok(())
}

/// One delivery, start to ack. A panic (a bug) rejects the delivery with requeue, so that the
/// broker's delivery limit eventually dead-letters a message that keeps crashing us.
async fn handle(delivery: Delivery, context: Arc<Context>) -> Result<(), SessionError> {
    match AssertUnwindSafe(process(&delivery, &context))
        .catch_unwind()
        .await
    {
        Ok(result) => result,
        Err(_) => {
            error!(
                message_id = ?delivery.properties.message_id(),
                "Worker crashed while handling a message; rejecting it so the delivery limit can end it."
            );
            metrics::counter!("paraprint_crashes_total").increment(1);
            delivery
                .acker
                .reject(BasicRejectOptions { requeue: true })
                .await?;
            Ok(())
        }
    }
}

async fn process(delivery: &Delivery, context: &Context) -> Result<(), SessionError> {
    let started = Instant::now();
    let cleaned = with_retries(
        context,
        "state store",
        || context.cleaner.clean(&delivery.data),
        |e| match e {
            CleanError::Store(e) => Some(e.to_string()),
            CleanError::Input(_) => None,
        },
    )
    .await;
    let topology = &context.settings.topology;
    match cleaned {
        Ok(cleaned) => {
            let record = context.cleaner.record(&cleaned);
            let counts = record.counts();
            let (routing_key, status) = match record.duplicate_of {
                Some(_) => (broker::DUPLICATE_ROUTING_KEY, "duplicate"),
                None => (broker::CLEAN_ROUTING_KEY, "clean"),
            };
            let mut headers = FieldTable::default();
            headers.insert("x-paraprint-status".into(), broker::long_string(status));
            headers.insert(
                "x-paraprint-kept".into(),
                lapin::types::AMQPValue::LongLongInt(counts.kept as i64),
            );
            headers.insert(
                "x-paraprint-dropped".into(),
                lapin::types::AMQPValue::LongLongInt(counts.dropped as i64),
            );
            headers.insert(
                "x-paraprint-format".into(),
                lapin::types::AMQPValue::LongLongInt(i64::from(record.format)),
            );
            let properties =
                broker::persistent("application/json", Some(&record.article.id), headers);
            let payload = record.to_json();
            publish(
                context,
                &topology.output_exchange,
                routing_key,
                &payload,
                properties,
            )
            .await?;
            metrics::counter!("paraprint_articles_total", "status" => status).increment(1);
            for dropped in &record.dropped {
                metrics::counter!("paraprint_paragraphs_dropped_total", "reason" => dropped.reason)
                    .increment(1);
            }
            metrics::counter!("paraprint_paragraphs_kept_total").increment(counts.kept as u64);
            debug!(id = %record.article.id, status, kept = counts.kept, dropped = counts.dropped, "Cleaned article.");
        }
        Err(CleanError::Input(e)) => dead_letter(delivery, context, &e).await?,
        Err(CleanError::Store(_)) => unreachable!("store errors are retried until they pass"),
    }
    delivery.acker.ack(BasicAckOptions::default()).await?;
    metrics::histogram!("paraprint_article_seconds").record(started.elapsed().as_secs_f64());
    Ok(())
}

/// The original bytes and properties, plus the error headers, to the dead-letter exchange.
async fn dead_letter(
    delivery: &Delivery,
    context: &Context,
    e: &InputError,
) -> Result<(), SessionError> {
    let mut headers = delivery.properties.headers().clone().unwrap_or_default();
    headers.insert(
        broker::ERROR_HEADER.into(),
        broker::long_string(e.code.as_str()),
    );
    headers.insert(
        broker::ERROR_MESSAGE_HEADER.into(),
        broker::long_string(&e.message),
    );
    let properties = delivery
        .properties
        .clone()
        .with_headers(headers)
        .with_delivery_mode(2);
    publish(
        context,
        &context.settings.topology.dead_exchange,
        delivery.routing_key.as_str(),
        &delivery.data,
        properties,
    )
    .await?;
    metrics::counter!("paraprint_dead_letters_total", "code" => e.code.as_str()).increment(1);
    warn!(code = %e.code, message = %e.message, "Dead-lettered a message that cannot be processed.");
    Ok(())
}

/// Publishes until the broker confirms: nacks and returns are retried with backoff (and
/// reported loudly); a lost channel ends the session.
async fn publish(
    context: &Context,
    exchange: &str,
    routing_key: &str,
    payload: &[u8],
    properties: lapin::BasicProperties,
) -> Result<(), SessionError> {
    let outcome = with_retries(
        context,
        "publish",
        || async {
            let mut blocked = context.blocked.clone();
            // Wait out a resource alarm instead of piling up unconfirmed publishes.
            let _ = blocked.wait_for(|b| !*b).await;
            broker::publish_confirmed(&context.publisher, exchange, routing_key, payload, properties.clone()).await
        },
        |e| match e {
            PublishError::Nacked | PublishError::Returned { .. } => {
                error!(%exchange, %routing_key, error = %e, "Publish failed; retrying. Nothing is acked until it succeeds.");
                let kind = if matches!(e, PublishError::Nacked) { "nacked" } else { "returned" };
                metrics::counter!("paraprint_publish_failures_total", "kind" => kind).increment(1);
                Some(e.to_string())
            }
            PublishError::Channel(_) => None,
        },
    )
    .await;
    match outcome {
        Ok(()) => Ok(()),
        Err(e) => Err(SessionError::Transient(e.to_string())),
    }
}

/// Runs `attempt` until it succeeds or fails with an error `retryable` does not accept. While
/// retrying, the session takes no new deliveries.
async fn with_retries<T, E, F, Fut>(
    context: &Context,
    what: &str,
    mut attempt: F,
    retryable: impl Fn(&E) -> Option<String>,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut backoff = Backoff::new(
        context.settings.worker.retry_initial_ms,
        context.settings.worker.retry_max_ms,
    );
    let mut counted = false;
    let result = loop {
        match attempt().await {
            Ok(value) => break Ok(value),
            Err(e) => match retryable(&e) {
                Some(reason) => {
                    if !counted {
                        counted = true;
                        // Logged once per outage, not once per held article.
                        context.retrying.send_modify(|n| {
                            if *n == 0 {
                                warn!(what, %reason, "Transient failure: holding articles, taking no new ones, retrying.");
                            }
                            *n += 1;
                        });
                    }
                    let delay = backoff.next_delay();
                    debug!(what, %reason, retry_in_ms = delay.as_millis() as u64, "Retrying.");
                    tokio::time::sleep(delay).await;
                }
                None => break Err(e),
            },
        }
    };
    if counted {
        context.retrying.send_modify(|n| {
            *n -= 1;
            if *n == 0 {
                info!(what, "Recovered: taking new articles again.");
            }
        });
    }
    result
}
