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

use tokio::sync::watch;
use tokio::task::{JoinError, JoinSet};
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use crate::broker::{self, OpenError, Publisher, TopologyError};
use crate::cleaner::Cleaner;
use crate::config::Settings;
use crate::telemetry::metrics::WorkerSeries;
use crate::telemetry::server::Readiness;

mod acks;
mod backoff;
mod budget;
mod delivery;

pub use backoff::Backoff;
use delivery::handle;

/// A session that ran this long was healthy: the next reconnect starts from the first delay.
const HEALTHY_SESSION: Duration = Duration::from_secs(30);

/// How a session ended, when it did not end by shutdown; each variant says what comes next.
#[derive(Debug, thiserror::Error)]
enum SessionError {
    /// Broker unreachable, connection or channel lost: the broker requeues what we held;
    /// reconnect.
    #[error(transparent)]
    Connection(#[from] broker::Error),
    /// Declaring the topology failed: fatal when the broker refused it, else reconnect.
    #[error("topology: {0}")]
    Topology(#[from] TopologyError),
    /// The broker cancelled our consumer (its queue deleted, a consumer timeout on RabbitMQ
    /// 4.3+): subscribe again.
    #[error("the broker cancelled our consumer")]
    Cancelled,
    /// A delivery task ended without settling its delivery: it goes back with the session.
    #[error("delivery task failed: {0}")]
    Task(#[from] JoinError),
}

impl From<OpenError> for SessionError {
    fn from(e: OpenError) -> Self {
        match e {
            OpenError::Connection(e) => SessionError::Connection(e),
            OpenError::Topology(e) => SessionError::Topology(e),
        }
    }
}

/// Runs the worker until `shutdown` is cancelled, reconnecting after transient failures.
/// Returns an error only for what retrying cannot fix: the broker refused the topology.
/// `readiness` says, for `/readyz`, whether a session is consuming.
pub async fn run(
    settings: Arc<Settings>,
    cleaner: Cleaner,
    readiness: Arc<Readiness>,
    shutdown: CancellationToken,
) -> Result<(), TopologyError> {
    let series = Arc::new(WorkerSeries::new(settings.metrics.source_labels));
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
            series: &series,
        };
        match session.run(&shutdown).await {
            Ok(()) => return Ok(()),
            Err(SessionError::Topology(e)) if e.is_refusal() => return Err(e),
            Err(e) => {
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
    publisher: Publisher,
    /// True while the broker blocks our publishing connection (a resource alarm).
    blocked: watch::Receiver<bool>,
    /// Tasks currently retrying a transient failure; while any is, no new delivery is taken.
    retrying: watch::Sender<usize>,
    /// The series each article is counted in.
    series: Arc<WorkerSeries>,
    /// Deliveries not acked yet; done ones are acked together.
    acks: acks::Acks,
}

/// What one broker session needs from the worker.
struct Session<'a> {
    settings: &'a Arc<Settings>,
    cleaner: &'a Cleaner,
    readiness: &'a Readiness,
    series: &'a Arc<WorkerSeries>,
}

/// Marks the worker not consuming when a session ends, however it ends.
struct ConsumingGuard<'a>(&'a Readiness);

impl Drop for ConsumingGuard<'_> {
    fn drop(&mut self) {
        self.0.set_consuming(false);
        self.0.set_holding(false);
    }
}

impl Session<'_> {
    async fn run(&self, shutdown: &CancellationToken) -> Result<(), SessionError> {
        let settings = self.settings;
        let mut session = broker::Session::open(&settings.amqp, &settings.topology).await?;
        let result = self.consume(shutdown, &mut session).await;
        session.close().await;
        result
    }

    async fn consume(
        &self,
        shutdown: &CancellationToken,
        session: &mut broker::Session,
    ) -> Result<(), SessionError> {
        let settings = self.settings;
        let (retrying, mut retrying_rx) = watch::channel(0usize);
        let mut blocked_rx = session.blocked.clone();
        let context = Arc::new(Context {
            settings: settings.clone(),
            cleaner: self.cleaner.clone(),
            publisher: session.publisher.clone(),
            blocked: session.blocked.clone(),
            retrying,
            series: self.series.clone(),
            acks: acks::Acks::default(),
        });
        // Its own task, so that an ack being sent is never abandoned half-way when this loop
        // stops polling (the shutdown's last flush waits for it instead).
        let mut acker = AbortOnDrop(tokio::spawn({
            let context = context.clone();
            async move { context.acks.run().await }
        }));
        self.readiness.set_consuming(true);
        let _consuming = ConsumingGuard(self.readiness);
        info!(queue = %settings.topology.input_queue, prefetch = settings.amqp.prefetch, "Consuming.");

        let mut tasks: JoinSet<Result<(), SessionError>> = JoinSet::new();
        let budget = budget::Budget::new(settings.limits.in_flight_bytes);
        loop {
            let paused = *blocked_rx.borrow() || *retrying_rx.borrow() > 0 || budget.full();
            self.series.in_flight.set(tasks.len() as f64);
            tokio::select! {
                biased;
                _ = shutdown.cancelled() => break,
                Some(e) = session.errors.recv() => return Err(e.into()),
                Some(done) = tasks.join_next(), if !tasks.is_empty() => done??,
                e = &mut acker.0 => return Err(acker_ended(e)),
                // A closed watch (its connection gone) fails the pattern and disables the branch.
                Ok(()) = blocked_rx.changed() => {}
                Ok(()) = retrying_rx.changed() => {
                    self.readiness.set_holding(*retrying_rx.borrow() > 0);
                }
                next = session.consumer.next(), if !paused => match next {
                    Some(Ok(delivery)) => {
                        self.series.received.increment(1);
                        if delivery.redelivered() {
                            self.series.redelivered.increment(1);
                        }
                        let held = budget.take(delivery.data().len());
                        context.acks.taken(delivery.tag());
                        let context = context.clone();
                        tasks.spawn(async move {
                            let _held = held;
                            handle(delivery, context).await
                        });
                    }
                    Some(Err(e)) => return Err(e.into()),
                    None => return Err(SessionError::Cancelled),
                },
            }
        }

        // Shutdown: stop the flow, let what is in flight finish within the deadline. Deliveries
        // not yet started are still in the consumer's buffer; closing the session returns them.
        info!(
            in_flight = tasks.len(),
            "Shutting down: finishing in-flight articles."
        );
        session.stop_consuming().await;
        let deadline =
            tokio::time::sleep(Duration::from_millis(settings.worker.shutdown_deadline_ms));
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                _ = &mut deadline => {
                    warn!(unfinished = tasks.len(), "Shutdown deadline passed; unfinished articles go back to the queue.");
                    break;
                }
                e = &mut acker.0 => {
                    let e = acker_ended(e);
                    warn!(error = %e, "Lost the channel while finishing; unacked articles go back to the queue.");
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
        if let Err(e) = context.acks.flush().await {
            warn!(error = %e, "Could not ack the last articles; they go back to the queue.");
        }
        info!("Stopped.");
        Ok(())
    }
}

/// The acker task, stopped with the session that owns it.
struct AbortOnDrop(tokio::task::JoinHandle<lapin::Error>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Why the acker task ended: the channel failed (it runs until then), or, never expected, the
/// task itself failed.
fn acker_ended(result: Result<lapin::Error, JoinError>) -> SessionError {
    match result {
        Ok(e) => e.into(),
        Err(e) => SessionError::Task(e),
    }
}
