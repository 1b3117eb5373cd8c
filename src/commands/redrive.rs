//! `paraprint redrive`: dead letters back to the input after a fix, each one confirmed by the
//! broker before it leaves the dead-letter queue.
//!
//! # How a dead letter moves
//! It is taken from `topology.dead_queue` unacked, republished to `topology.input_exchange`
//! with `topology.input_routing_key` (as `publish` does: persistent, `mandatory`, publisher
//! confirms) with its original bytes and properties, minus the headers dead-lettering added
//! ([`DEAD_LETTER_HEADERS`]), and acked in the dead queue only once the broker confirmed the
//! copy with a plain ack. A nack or a return stops the run and leaves that dead letter where
//! it was: nothing is lost, and nothing is moved twice, except when the connection drops
//! between a confirm and its ack (the dead letter then comes back to the dead queue although
//! its copy is in the input: at-least-once, like the worker; the worker's per-article memory
//! makes the copy harmless).
//!
//! # Exactly once per run
//! A redriven message that fails again comes back to the dead queue, behind everything that
//! was there. The run takes a bound at start, the dead queue's ready messages from a passive
//! declare, and looks at no more than that many, so it never reaches what came back: a
//! message moves at most once per run even with a worker running meanwhile. This holds while
//! nothing else consumes the dead queue (another consumer taking messages from its head would
//! let the bound reach the tail).
//!
//! # `basic.get`, not a consumer
//! Dead letters that are not moved (another `--code`, `--dry-run`, a failure) must stay in the
//! queue without this run seeing them again. They are held unacked on the channel until the end
//! and then all returned at once (`basic.nack` with requeue), so each is looked at once and the
//! queue keeps its order. A consumer would be pushed deliveries up to its prefetch: holding
//! the ones it leaves would stall it once the prefetch is full of them, and returning them as
//! it goes would deliver them again in the same run. `basic.get` takes exactly one message per
//! request, so the run never takes more than its bound, whatever it holds. It costs one round
//! trip per message; the confirms, the slow part (batched disk writes), are pipelined.
//!
//! Returning with `basic.nack` rather than `basic.reject` or a closed channel matters on
//! RabbitMQ 4.3+, where only rejects and lost connections count toward a quorum queue's
//! delivery limit. On 4.0–4.2 every return counts, and a quorum queue without an explicit
//! `x-delivery-limit` has a default of 20 with no dead-letter exchange behind it: on those
//! versions give the dead queue `delivery-limit: -1` by policy, or twenty dry runs can drop a
//! dead letter. RabbitMQ 3.x has no default limit.

use std::collections::BTreeMap;

use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use lapin::options::{BasicAckOptions, BasicGetOptions, BasicNackOptions, ConfirmSelectOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{Acker, BasicProperties, Channel};

use crate::article::ErrorCode;
use crate::broker::{self, PublishError};
use crate::config::Settings;

/// Headers dead-lettering added, removed from a redriven message so it enters the input as it
/// first did: paraprint's error code and message; the broker's death history (`x-death`; the
/// `x-first-death-*` summaries of RabbitMQ 3.8+ and the `x-last-death-*` ones of 3.13+; since
/// 3.13 the broker no longer reads an `x-death` a client publishes, so it would only mislead);
/// and the quorum-queue delivery counters (`x-delivery-count`, and `x-acquired-count` since
/// 4.3), which a redelivered input carries into the worker's dead letter and the dead queue
/// adds to a message returned there.
pub const DEAD_LETTER_HEADERS: [&str; 11] = [
    broker::ERROR_HEADER,
    broker::ERROR_MESSAGE_HEADER,
    "x-death",
    "x-first-death-reason",
    "x-first-death-queue",
    "x-first-death-exchange",
    "x-last-death-reason",
    "x-last-death-queue",
    "x-last-death-exchange",
    "x-delivery-count",
    "x-acquired-count",
];

/// The `x-death` reasons a dead letter made by the broker may carry. On paraprint's topology
/// only `delivery_limit` happens (a message that kept crashing workers); the others appear if
/// an operator adds a TTL or a length limit to the input queue.
pub const BROKER_REASONS: [&str; 4] = ["delivery_limit", "expired", "maxlen", "rejected"];

/// The code of a message in the dead queue with neither paraprint's header nor `x-death`
/// (someone published it to the dead-letter exchange by hand).
pub const UNMARKED: &str = "unmarked";

/// Publishes awaiting their confirm at once, and their bytes: enough to hide the broker's
/// batched disk writes, bounded so that large dead letters cannot exhaust memory.
const IN_FLIGHT: usize = 256;
const IN_FLIGHT_BYTES: usize = 64 * 1024 * 1024;

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Move at most this many.
    pub limit: Option<u64>,
    /// Only dead letters with one of these codes; empty: every one.
    pub codes: Vec<String>,
    /// Count by code and move nothing.
    pub dry_run: bool,
    /// Draw a progress bar on standard error.
    pub progress: bool,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Ready messages in the dead queue at start: the most this run looks at.
    pub bound: u64,
    /// Dead letters looked at.
    pub examined: u64,
    /// Moved to the input (with `--dry-run`: would be moved), by code.
    pub moved: BTreeMap<String, u64>,
    /// Looked at and left in the dead queue (another code, or `--dry-run`), by code.
    pub left: BTreeMap<String, u64>,
    /// Could not be moved (nacked or returned by the broker): still in the dead queue.
    pub failed: u64,
}

impl Summary {
    pub fn moved_total(&self) -> u64 {
        self.moved.values().sum()
    }

    pub fn left_total(&self) -> u64 {
        self.left.values().sum()
    }

    /// What happened, for standard error, one `paraprint: ` line each.
    pub fn report(&self, dry_run: bool) -> String {
        let by_code = |counts: &BTreeMap<String, u64>| {
            if counts.is_empty() {
                String::new()
            } else {
                let parts: Vec<String> = counts.iter().map(|(c, n)| format!("{c} {n}")).collect();
                format!(" ({})", parts.join(", "))
            }
        };
        let (move_verb, leave_verb) = if dry_run {
            ("would move", "would leave")
        } else {
            ("moved", "left")
        };
        let moved = self.moved_total();
        let mut out = format!(
            "paraprint: {move_verb} {moved} dead letter{} to the input{}\n",
            if moved == 1 { "" } else { "s" },
            by_code(&self.moved)
        );
        out += &format!(
            "paraprint: {leave_verb} {} in the dead queue{}\n",
            self.left_total(),
            by_code(&self.left)
        );
        let unexamined = self.bound.saturating_sub(self.examined);
        if unexamined > 0 {
            out += &format!(
                "paraprint: {unexamined} more not looked at, still in the dead queue (--limit \
                 reached, or the run stopped early)\n"
            );
        }
        if self.failed > 0 {
            out += &format!(
                "paraprint: {} could not be moved (see above); still in the dead queue\n",
                self.failed
            );
        }
        out
    }
}

/// Checks `--code` values, so that a typo fails instead of quietly moving nothing.
pub fn check_codes(codes: &[String]) -> anyhow::Result<()> {
    let known: Vec<&str> = ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .chain(BROKER_REASONS)
        .chain([UNMARKED])
        .collect();
    for code in codes {
        if !known.contains(&code.as_str()) {
            anyhow::bail!("unknown code {code:?}; the codes are {}", known.join(", "));
        }
    }
    Ok(())
}

/// The code of a dead letter: paraprint's `x-paraprint-error`; else the reason of the most
/// recent `x-death` entry (`delivery_limit` for a message that kept crashing workers); else
/// [`UNMARKED`]. Paraprint's header wins: it copies the headers of the input, so it is the
/// most recent verdict.
pub fn code_of(headers: Option<&FieldTable>) -> String {
    let Some(headers) = headers else {
        return UNMARKED.to_string();
    };
    let headers = headers.inner();
    if let Some(code) = headers.get(broker::ERROR_HEADER).and_then(text) {
        return code;
    }
    let Some(death) = headers.get("x-death") else {
        return UNMARKED.to_string();
    };
    let latest = match death {
        AMQPValue::FieldArray(entries) => entries.as_slice().first(),
        _ => None,
    };
    latest
        .and_then(|entry| match entry {
            AMQPValue::FieldTable(entry) => entry.inner().get("reason").and_then(text),
            _ => None,
        })
        .or_else(|| headers.get("x-last-death-reason").and_then(text))
        .or_else(|| headers.get("x-first-death-reason").and_then(text))
        .unwrap_or_else(|| "delivery_limit".to_string())
}

fn text(value: &AMQPValue) -> Option<String> {
    match value {
        AMQPValue::LongString(s) => Some(s.to_string()),
        AMQPValue::ShortString(s) => Some(s.to_string()),
        _ => None,
    }
}

/// The dead letter's properties for the input: all of them as they were (message id, content
/// type, timestamp, correlation id …), persistent, headers without [`DEAD_LETTER_HEADERS`].
pub fn redriven_properties(properties: &BasicProperties) -> BasicProperties {
    let headers: BTreeMap<_, _> = properties
        .headers()
        .as_ref()
        .map(|h| {
            h.inner()
                .iter()
                .filter(|(name, _)| !DEAD_LETTER_HEADERS.contains(&name.as_str()))
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect()
        })
        .unwrap_or_default();
    properties
        .clone()
        .with_headers(FieldTable::from(headers))
        .with_delivery_mode(2)
}

/// A publish awaiting its confirm: the dead letter's code, its acker, size and name for
/// reports.
type Settled = (String, Acker, usize, String, Result<(), PublishError>);

/// Moves dead letters back to the input (see the module documentation).
pub async fn run(settings: &Settings, options: &Options) -> anyhow::Result<Summary> {
    check_codes(&options.codes)?;
    let topology = &settings.topology;
    let conn = broker::connect(&settings.amqp, "redrive-cli").await?;
    let getter = conn.create_channel().await?;
    if topology.declare {
        broker::declare_topology(&getter, topology).await?;
    }
    let bound = broker::ready_count(&getter, &topology.dead_queue)
        .await
        .map_err(|e| anyhow::anyhow!("dead-letter queue {}: {e}", topology.dead_queue))?;
    let mut summary = Summary {
        bound: u64::from(bound),
        ..Summary::default()
    };
    let publisher = conn.create_channel().await?;
    publisher
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let bar = options.progress.then(|| {
        ProgressBar::new(summary.bound).with_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} dead letters {per_sec} eta {eta}")
                .expect("valid template"),
        )
    });

    let result = redrive(settings, options, &getter, &publisher, &mut summary, &bar).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match result {
        Ok(()) => {
            let _ = conn.close(200, "redriven".into()).await;
            Ok(summary)
        }
        // Closing returns whatever is still unacked to the dead queue.
        Err(e) => {
            let _ = conn.close(200, "redrive failed".into()).await;
            Err(e)
        }
    }
}

async fn redrive(
    settings: &Settings,
    options: &Options,
    getter: &Channel,
    publisher: &Channel,
    summary: &mut Summary,
    bar: &Option<ProgressBar>,
) -> anyhow::Result<()> {
    let topology = &settings.topology;
    let selected = |code: &str| options.codes.is_empty() || options.codes.iter().any(|c| c == code);
    let limit = options.limit.unwrap_or(u64::MAX);
    // Left in place until the end: returned all at once, so none is seen twice in this run.
    let mut held: Vec<Acker> = Vec::new();
    let mut pending = FuturesUnordered::new();
    let mut in_flight_bytes = 0usize;
    let mut started = 0u64;
    let result: anyhow::Result<()> = async {
        while summary.examined < summary.bound && started < limit && summary.failed == 0 {
            while pending.len() >= IN_FLIGHT || in_flight_bytes >= IN_FLIGHT_BYTES {
                let done: Settled = pending.next().await.expect("pending is not empty");
                in_flight_bytes -= done.2;
                settle(done, summary, &mut held, bar.as_ref()).await?;
            }
            let Some(got) = getter
                .basic_get(
                    topology.dead_queue.as_str().into(),
                    BasicGetOptions { no_ack: false },
                )
                .await?
            else {
                break; // Emptied meanwhile (another consumer, or messages expired).
            };
            summary.examined += 1;
            if let Some(bar) = bar {
                bar.inc(1);
            }
            let delivery = got.delivery;
            let code = code_of(delivery.properties.headers().as_ref());
            if !selected(&code) {
                *summary.left.entry(code).or_default() += 1;
                held.push(delivery.acker);
                continue;
            }
            started += 1;
            if options.dry_run {
                *summary.moved.entry(code).or_default() += 1;
                held.push(delivery.acker);
                continue;
            }
            let name = match delivery.properties.message_id() {
                Some(id) => format!("dead letter {id}"),
                None => format!("dead letter #{}", summary.examined),
            };
            let properties = redriven_properties(&delivery.properties);
            let payload = delivery.data;
            in_flight_bytes += payload.len();
            let (publisher, exchange, key) = (
                publisher.clone(),
                topology.input_exchange.clone(),
                topology.input_routing_key.clone(),
            );
            let acker = delivery.acker;
            pending.push(async move {
                let result =
                    broker::publish_confirmed(&publisher, &exchange, &key, &payload, properties)
                        .await;
                (code, acker, payload.len(), name, result)
            });
            // Settle what is already confirmed, so a failure stops the run soon.
            while let Some(Some(done)) = pending.next().now_or_never() {
                in_flight_bytes -= done.2;
                settle(done, summary, &mut held, bar.as_ref()).await?;
            }
        }
        while let Some(done) = pending.next().await {
            settle(done, summary, &mut held, bar.as_ref()).await?;
        }
        Ok(())
    }
    .await;
    // Back to the dead queue, in one go at the end. After an error too, as far as the channel
    // still works (closing the connection returns the rest).
    let mut returned = Ok(());
    for acker in held {
        let nacked = acker
            .nack(BasicNackOptions {
                multiple: false,
                requeue: true,
            })
            .await;
        if let (Err(e), Ok(())) = (nacked, &returned) {
            returned = Err(e);
        }
    }
    result?;
    returned?;
    Ok(())
}

/// A confirm came back: ack the dead letter on a plain ack; on a nack or a return, hold it (it
/// goes back to the dead queue) and count a failure, which stops the run.
async fn settle(
    (code, acker, _, name, result): Settled,
    summary: &mut Summary,
    held: &mut Vec<Acker>,
    bar: Option<&ProgressBar>,
) -> anyhow::Result<()> {
    match result {
        Ok(()) => {
            if !acker.ack(BasicAckOptions::default()).await? {
                anyhow::bail!(
                    "{name} was copied to the input but could not be acked (channel closed): \
                     it is back in the dead queue and will be moved again by the next run"
                );
            }
            *summary.moved.entry(code).or_default() += 1;
        }
        Err(PublishError::Channel(e)) => return Err(e.into()),
        Err(e) => {
            summary.failed += 1;
            held.push(acker);
            let report = format!("paraprint: {name} ({code}) not moved: {e}");
            match bar {
                Some(bar) => bar.suspend(|| eprintln!("{report}")),
                None => eprintln!("{report}"),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use lapin::types::{FieldArray, ShortString};

    fn table(entries: &[(&str, AMQPValue)]) -> FieldTable {
        let mut t = FieldTable::default();
        for (k, v) in entries {
            t.insert(ShortString::from(*k), v.clone());
        }
        t
    }

    #[test]
    fn paraprint_code_wins_then_death_reason_then_unmarked() {
        let death =
            AMQPValue::FieldArray(FieldArray::from(vec![AMQPValue::FieldTable(table(&[(
                "reason",
                broker::long_string("delivery_limit"),
            )]))]));
        assert_eq!(
            code_of(Some(&table(&[
                ("x-paraprint-error", broker::long_string("too_large")),
                ("x-death", death.clone()),
            ]))),
            "too_large"
        );
        assert_eq!(
            code_of(Some(&table(&[("x-death", death)]))),
            "delivery_limit"
        );
        assert_eq!(
            code_of(Some(&table(&[(
                "x-death",
                AMQPValue::FieldArray(FieldArray::default())
            )]))),
            "delivery_limit"
        );
        assert_eq!(
            code_of(Some(&table(&[("other", AMQPValue::Boolean(true))]))),
            UNMARKED
        );
        assert_eq!(code_of(None), UNMARKED);
    }

    #[test]
    fn redriven_properties_keep_everything_but_dead_letter_headers() {
        let mut headers = table(&[("trace", broker::long_string("abc"))]);
        for name in DEAD_LETTER_HEADERS {
            headers.insert(name.into(), broker::long_string("x"));
        }
        let original = BasicProperties::default()
            .with_message_id("m1".into())
            .with_content_type("application/json".into())
            .with_correlation_id("c1".into())
            .with_delivery_mode(1)
            .with_headers(headers);
        let out = redriven_properties(&original);
        assert_eq!(out.message_id().as_ref().map(|s| s.as_str()), Some("m1"));
        assert_eq!(
            out.correlation_id().as_ref().map(|s| s.as_str()),
            Some("c1")
        );
        assert_eq!(
            out.content_type().as_ref().map(|s| s.as_str()),
            Some("application/json")
        );
        assert_eq!(out.delivery_mode(), &Some(2));
        let headers = out.headers().as_ref().unwrap().inner();
        assert_eq!(
            headers.keys().map(|k| k.as_str()).collect::<Vec<_>>(),
            ["trace"]
        );
    }

    #[test]
    fn unknown_codes_are_refused() {
        assert!(check_codes(&["too_large".into(), "delivery_limit".into()]).is_ok());
        let e = check_codes(&["too-large".into()]).unwrap_err().to_string();
        assert!(e.contains("too-large") && e.contains("too_large"), "{e}");
    }

    #[test]
    fn report_names_counts_by_code() {
        let summary = Summary {
            bound: 5,
            examined: 4,
            moved: [("too_large".to_string(), 2)].into(),
            left: [("malformed_json".to_string(), 1)].into(),
            failed: 1,
        };
        let report = summary.report(false);
        assert!(
            report.contains("moved 2 dead letters to the input (too_large 2)"),
            "{report}"
        );
        assert!(
            report.contains("left 1 in the dead queue (malformed_json 1)"),
            "{report}"
        );
        assert!(report.contains("1 more not looked at"), "{report}");
        assert!(report.contains("1 could not be moved"), "{report}");
        assert!(summary.report(true).contains("would move 2"));
    }
}
