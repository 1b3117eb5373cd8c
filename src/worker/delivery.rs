//! One delivery, start to ack: clean, publish the record (or the dead letter), wait for the
//! broker's confirm, ack. Transient failures are retried here, holding the delivery.

use std::fmt::Display;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

use futures_util::FutureExt;
use tracing::{debug, error, info, warn};

use super::{Backoff, Context, SessionError};
use crate::article::{ErrorCode, InputError, Status};
use crate::broker::{self, Inbound, Message, PublishError};
use crate::cleaner::{CleanError, Cleaned};
use crate::store::StoreError;

/// One delivery, start to ack. A panic (a bug) rejects the delivery with requeue, so that the
/// broker's delivery limit eventually dead-letters a message that keeps crashing us.
pub(super) async fn handle(delivery: Inbound, context: Arc<Context>) -> Result<(), SessionError> {
    match AssertUnwindSafe(process(&delivery, &context))
        .catch_unwind()
        .await
    {
        Ok(result) => result,
        Err(_) => {
            error!(
                message_id = ?delivery.message_id(),
                "Worker crashed while handling a message; rejecting it so the delivery limit can end it."
            );
            metrics::counter!("paraprint_crashes_total").increment(1);
            delivery.reject().await?;
            context.acks.settled(delivery.tag());
            Ok(())
        }
    }
}

async fn process(delivery: &Inbound, context: &Context) -> Result<(), SessionError> {
    let started = Instant::now();
    // Store failures that may heal are held: the article is cleaned again until the store
    // answers. What is left is the article's own answer: a record, or why it has none (its
    // input, or store data of its own that no retry changes).
    let cleaned = until_answered(context, "state store", || async {
        answer(context.cleaner.clean(delivery.data()).await)
    })
    .await;
    let topology = &context.settings.topology;
    match cleaned {
        Ok(cleaned) => {
            let record = context.cleaner.record(&cleaned);
            let counts = record.counts();
            let status = record.status.as_str();
            debug!(id = %record.article.id, status, kept = counts.kept, dropped = counts.dropped, "Cleaned article.");
            let duplicate = record.status == Status::Duplicate;
            let routing_key = broker::record_routing_key(record.status);
            let message = Message::record(&record);
            let source = context.series.source(&record.article.source);
            let dropped: Vec<_> = (record.dropped.iter())
                .map(|d| (d.reason, d.rule.unwrap_or("")))
                .collect();
            // What the article took to clean is let go before the confirm is awaited: the
            // deliveries in flight then hold their records' bytes, not their paragraphs' keys.
            drop(record);
            drop(cleaned);
            publish(context, &topology.output_exchange, routing_key, &message).await?;
            source.count(duplicate, counts.kept, dropped.into_iter());
        }
        Err(e) => dead_letter(delivery, context, &e).await?,
    }
    context.acks.done(delivery.tag(), delivery.held());
    context
        .series
        .article_seconds
        .record(started.elapsed().as_secs_f64());
    Ok(())
}

/// What becomes of a delivery, from the cleaner's answer: `Ok(Ok(_))` a record, `Ok(Err(_))` a
/// dead letter with its code, `Err(_)` held and cleaned again after a pause (the failure may
/// heal). Each kind of failure is one arm here.
fn answer(result: Result<Cleaned, CleanError>) -> Result<Result<Cleaned, InputError>, StoreError> {
    match result {
        Ok(cleaned) => Ok(Ok(cleaned)),
        Err(CleanError::Input(e)) => Ok(Err(e)),
        Err(CleanError::Store(e)) if e.is_permanent() => {
            Ok(Err(InputError::new(ErrorCode::StoreData, e.to_string())))
        }
        Err(CleanError::Store(e)) => Err(e),
    }
}

/// The original bytes and properties, plus the error headers, to the dead-letter exchange.
async fn dead_letter(
    delivery: &Inbound,
    context: &Context,
    e: &InputError,
) -> Result<(), SessionError> {
    let message = Message::dead_letter(delivery, e);
    publish(
        context,
        &context.settings.topology.dead_exchange,
        delivery.routing_key(),
        &message,
    )
    .await?;
    metrics::counter!("paraprint_dead_letters_total", "code" => e.code.as_str()).increment(1);
    warn!(
        code = %e.code,
        message = %e.message,
        message_id = delivery.message_id().unwrap_or("-"),
        "Dead-lettered a message that cannot be processed."
    );
    Ok(())
}

/// Publishes until the broker confirms: nacks and returns are retried with backoff (and
/// reported loudly); a lost channel ends the session.
async fn publish(
    context: &Context,
    exchange: &str,
    routing_key: &str,
    message: &Message,
) -> Result<(), SessionError> {
    let published = until_answered(context, "publish", || async {
        let mut blocked = context.blocked.clone();
        // Wait out a resource alarm instead of piling up unconfirmed publishes.
        let _ = blocked.wait_for(|b| !*b).await;
        let started = Instant::now();
        let result = context.publisher.publish(exchange, routing_key, message).await;
        context
            .series
            .publish_confirm_seconds
            .record(started.elapsed().as_secs_f64());
        match result {
            Ok(()) => Ok(Ok(())),
            Err(PublishError::Channel(e)) => Ok(Err(e)),
            Err(e) => {
                // Said once per outage by `until_answered`; each attempt only at debug.
                debug!(%exchange, %routing_key, error = %e, "Publish failed; retrying. Nothing is acked until it succeeds.");
                let kind = if matches!(e, PublishError::Nacked) { "nacked" } else { "returned" };
                metrics::counter!("paraprint_publish_failures_total", "kind" => kind).increment(1);
                Err(e)
            }
        }
    })
    .await;
    Ok(published?)
}

/// Runs `attempt` until it answers: an `Err` is transient (a store down, a publish refused) and
/// is retried with backoff; an `Ok` is the answer, which may itself be a failure the caller
/// handles. While retrying, the session takes no new deliveries.
async fn until_answered<T, E, F, Fut>(context: &Context, what: &str, mut attempt: F) -> T
where
    E: Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut backoff = Backoff::new(
        context.settings.worker.retry_initial_ms,
        context.settings.worker.retry_max_ms,
    );
    let mut counted = false;
    let answer = loop {
        match attempt().await {
            Ok(answer) => break answer,
            Err(reason) => {
                if !counted {
                    counted = true;
                    // Logged once per outage, not once per held article.
                    context.retrying.send_modify(|n| {
                        if *n == 0 && what == "publish" {
                            // Nacked or returned: a broker alarm, or no queue bound to the
                            // output, which needs a person.
                            error!(what, %reason, "Transient failure: holding articles, taking no new ones, retrying. Nothing is acked until it succeeds.");
                        } else if *n == 0 {
                            warn!(what, %reason, "Transient failure: holding articles, taking no new ones, retrying.");
                        }
                        *n += 1;
                    });
                }
                let delay = backoff.next_delay();
                debug!(what, %reason, retry_in_ms = delay.as_millis() as u64, "Retrying.");
                tokio::time::sleep(delay).await;
            }
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
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of failure the cleaner can answer with, and what the worker does with it.
    #[test]
    fn each_answer_has_one_fate() {
        let io = || std::io::Error::other("disk full");
        let redis_down = StoreError::Redis(::redis::RedisError::from(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "refused",
        )));
        let unreadable = StoreError::Encoding {
            what: "reading a verdict",
            source: postcard::Error::DeserializeUnexpectedEnd,
        };
        let unwritable = StoreError::Encoding {
            what: "encoding an outcome",
            source: postcard::Error::SerializeBufferFull,
        };
        let input = InputError::new(ErrorCode::MissingField, "id");
        let cases: Vec<(CleanError, Option<ErrorCode>)> = vec![
            (CleanError::Input(input), Some(ErrorCode::MissingField)),
            (
                CleanError::Store(StoreError::UnexpectedReply("the copy index")),
                Some(ErrorCode::StoreData),
            ),
            (CleanError::Store(unreadable), Some(ErrorCode::StoreData)),
            // May heal: held.
            (CleanError::Store(redis_down), None),
            (CleanError::Store(unwritable), None),
            (
                CleanError::Store(StoreError::Disk {
                    what: "writing the state log",
                    source: io(),
                }),
                None,
            ),
        ];
        for (error, fate) in cases {
            let said = error.to_string();
            match (answer(Err(error)), fate) {
                (Ok(Err(e)), Some(code)) => assert_eq!(e.code, code, "{said}"),
                (Err(_), None) => {}
                (other, _) => panic!("{said}: {:?}", other.map(|r| r.map(|_| ()))),
            }
        }
    }
}
