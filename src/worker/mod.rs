//! The worker loop: take a delivery, clean it, publish the record, wait for the confirm, ack.
//!
//! At-least-once, end to end: an input is acked only after the broker confirmed its record
//! (or its dead letter). Many deliveries are in flight at once, bounded by the prefetch.
//! Failures are of two kinds, and each has one answer:
//! - the input can never be processed → a dead letter with its original bytes and a code, then ack;
//! - anything transient (store down, publish nacked or returned, broker blocked) → keep the
//!   delivery, stop taking new ones, retry with backoff; when the channel or connection itself is
//!   gone, the broker requeues what we held, and the session reconnects.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use lapin::options::{
    BasicCancelOptions, BasicConsumeOptions, BasicQosOptions, ConfirmSelectOptions,
};
use lapin::types::FieldTable;
use lapin::{Channel, Connection, Event};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use crate::broker;
use crate::cleaner::Cleaner;
use crate::config::Settings;
use crate::telemetry::metrics::SourceLabels;
use crate::telemetry::server::Readiness;

mod backoff;
mod delivery;

pub use backoff::Backoff;
use delivery::handle;

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

/// Runs the worker until `shutdown` is cancelled, reconnecting after transient failures.
/// Returns an error only for what retrying cannot fix (the broker refused the topology).
/// `readiness` says, for `/readyz`, whether a session is consuming.
pub async fn run(
    settings: Arc<Settings>,
    cleaner: Cleaner,
    readiness: Arc<Readiness>,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let sources = Arc::new(SourceLabels::new(settings.metrics.source_labels));
    let mut backoff = Backoff::new(
        settings.worker.retry_initial_ms,
        settings.worker.retry_max_ms,
    );
    loop {
        let started = Instant::now();
        let session = Session {
            settings: &settings,
            cleaner: &cleaner,
            readiness: &readiness,
            sources: &sources,
        };
        match session.run(&shutdown).await {
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
pub(crate) struct Context {
    settings: Arc<Settings>,
    cleaner: Cleaner,
    publisher: Channel,
    /// True while the broker blocks our publishing connection (a resource alarm).
    blocked: watch::Receiver<bool>,
    /// Tasks currently retrying a transient failure; while any is, no new delivery is taken.
    retrying: watch::Sender<usize>,
    /// Bounded `source` label values for per-source series.
    sources: Arc<SourceLabels>,
}

/// What one broker session needs from the worker.
struct Session<'a> {
    settings: &'a Arc<Settings>,
    cleaner: &'a Cleaner,
    readiness: &'a Readiness,
    sources: &'a Arc<SourceLabels>,
}

/// Marks the worker not consuming when a session ends, however it ends.
struct ConsumingGuard<'a>(&'a Readiness);

impl Drop for ConsumingGuard<'_> {
    fn drop(&mut self) {
        self.0.set_consuming(false);
    }
}

impl Session<'_> {
    async fn run(&self, shutdown: &CancellationToken) -> Result<(), SessionError> {
        let settings = self.settings;
        // Consuming and publishing on separate connections: flow control throttles publishing
        // connections, and must not stall the acks that free prefetch slots.
        let heartbeat_s = settings.amqp.heartbeat_s;
        let consume_conn = broker::connect(&settings.amqp, "consume").await?;
        let publish_conn = match broker::connect(&settings.amqp, "publish").await {
            Ok(conn) => conn,
            Err(e) => {
                close_connections(&[&consume_conn], heartbeat_s).await;
                return Err(e.into());
            }
        };
        let result = self.consume(shutdown, &consume_conn, &publish_conn).await;
        close_connections(&[&consume_conn, &publish_conn], heartbeat_s).await;
        result
    }
}

/// Closes connections together; closing requeues every delivery not acked. A broker that has
/// not answered within half a heartbeat (at most 5 s) is taken for gone: behind a silent
/// partition it never answers, and lapin stops watching heartbeats once a close began.
async fn close_connections(conns: &[&Connection], heartbeat_s: u16) {
    let bound = Duration::from_millis((u64::from(heartbeat_s) * 500).min(5_000));
    let closes = conns
        .iter()
        .map(|conn| tokio::time::timeout(bound, conn.close(200, "paraprint closing".into())));
    futures_util::future::join_all(closes).await;
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

impl Session<'_> {
    async fn consume(
        &self,
        shutdown: &CancellationToken,
        consume_conn: &Connection,
        publish_conn: &Connection,
    ) -> Result<(), SessionError> {
        let settings = self.settings;
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
            cleaner: self.cleaner.clone(),
            publisher,
            blocked,
            retrying,
            sources: self.sources.clone(),
        });
        self.readiness.set_consuming(true);
        let _consuming = ConsumingGuard(self.readiness);
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
                        metrics::counter!("paraprint_articles_received_total").increment(1);
                        if delivery.redelivered {
                            metrics::counter!("paraprint_redelivered_total").increment(1);
                        }
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
        let deadline =
            tokio::time::sleep(Duration::from_millis(settings.worker.shutdown_deadline_ms));
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
}
