//! One delivery, start to ack: clean, publish the record (or the dead letter), wait for the
//! broker's confirm, ack. Transient failures are retried here, holding the delivery.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

use futures_util::FutureExt;
use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicRejectOptions};
use lapin::types::FieldTable;
use tracing::{debug, error, info, warn};

use super::{Backoff, Context, SessionError};
use crate::article::InputError;
use crate::broker::{self, PublishError};
use crate::cleaner::CleanError;

/// One delivery, start to ack. A panic (a bug) rejects the delivery with requeue, so that the
/// broker's delivery limit eventually dead-letters a message that keeps crashing us.
pub(super) async fn handle(delivery: Delivery, context: Arc<Context>) -> Result<(), SessionError> {
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
            let status = record.status.as_str();
            let routing_key = match record.status {
                crate::article::Status::Duplicate => broker::DUPLICATE_ROUTING_KEY,
                crate::article::Status::Clean => broker::CLEAN_ROUTING_KEY,
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
            let source = context.sources.label(&record.article.source);
            metrics::counter!("paraprint_articles_total", "status" => status, "source" => source.clone())
                .increment(1);
            for dropped in &record.dropped {
                metrics::counter!(
                    "paraprint_paragraphs_dropped_total",
                    "reason" => dropped.reason,
                    "rule" => dropped.rule.unwrap_or(""),
                    "source" => source.clone()
                )
                .increment(1);
            }
            metrics::counter!("paraprint_paragraphs_kept_total", "source" => source)
                .increment(counts.kept as u64);
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
            let started = Instant::now();
            let result = broker::publish_confirmed(&context.publisher, exchange, routing_key, payload, properties.clone()).await;
            metrics::histogram!("paraprint_publish_confirm_seconds").record(started.elapsed().as_secs_f64());
            result
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
