//! `paraprint redrive`: dead letters back to the input after a fix, each one confirmed by the
//! broker before it leaves the dead-letter queue.
//!
//! # How a dead letter moves
//! It is taken from `topology.dead_queue` unacked, republished to `topology.input_exchange`
//! with `topology.input_routing_key` (as `publish` does: persistent, `mandatory`, publisher
//! confirms) with its original bytes and properties, minus the headers dead-lettering added
//! ([`DEAD_LETTER_HEADERS`](crate::broker::DEAD_LETTER_HEADERS)), and acked in the dead queue only once the broker confirmed the
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
use std::process::ExitCode;

use super::input;
use crate::article::ErrorCode;
use crate::broker::{BROKER_REASONS, Client, Held, Message, PublishError, Publisher, UNMARKED};
use crate::config::Settings;
use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, StreamExt};
use indicatif::ProgressBar;

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

/// Moves dead letters (see the module documentation); exit 1 when some could not be moved.
pub async fn main(
    settings: &Settings,
    limit: Option<u64>,
    codes: Vec<String>,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let options = Options {
        limit,
        codes,
        dry_run,
        progress: input::wants_progress(),
    };
    let summary = run(settings, &options).await?;
    eprint!("{}", summary.report(dry_run));
    Ok(if summary.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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

/// A publish awaiting its confirm: the dead letter's code, its acker, size and name for
/// reports.
type Settled = (String, Held, usize, String, Result<(), PublishError>);

/// Moves dead letters back to the input (see the module documentation).
pub async fn run(settings: &Settings, options: &Options) -> anyhow::Result<Summary> {
    check_codes(&options.codes)?;
    let topology = &settings.topology;
    let client = Client::open(&settings.amqp, "redrive-cli").await?;
    if topology.declare {
        client.declare(topology).await?;
    }
    let bound = client
        .ready_count(&topology.dead_queue)
        .await
        .map_err(|e| anyhow::anyhow!("dead-letter queue {}: {e}", topology.dead_queue))?;
    let mut summary = Summary {
        bound: u64::from(bound),
        ..Summary::default()
    };
    let publisher = client.publisher().await?;
    let bar = options
        .progress
        .then(|| input::count_bar(summary.bound, "dead letters"));
    let result = redrive(settings, options, &client, &publisher, &mut summary, &bar).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    // The dead queue applies the last acks and give-backs before the connection closes.
    let settled = client.settled(&topology.dead_queue).await;
    match result {
        Ok(()) => {
            settled?;
            client.close("redriven").await;
            Ok(summary)
        }
        // Closing returns whatever is still unacked to the dead queue.
        Err(e) => {
            client.close("redrive failed").await;
            Err(e)
        }
    }
}

async fn redrive(
    settings: &Settings,
    options: &Options,
    client: &Client,
    publisher: &Publisher,
    summary: &mut Summary,
    bar: &Option<ProgressBar>,
) -> anyhow::Result<()> {
    let topology = &settings.topology;
    let selected = |code: &str| options.codes.is_empty() || options.codes.iter().any(|c| c == code);
    let limit = options.limit.unwrap_or(u64::MAX);
    // Left in place until the end: returned all at once, so none is seen twice in this run.
    let mut held: Vec<Held> = Vec::new();
    let mut pending = FuturesUnordered::new();
    let mut in_flight_bytes = 0usize;
    let mut started = 0u64;
    let mut ticker = input::Ticker::new("dead letters examined", Some(summary.bound));
    let result: anyhow::Result<()> = async {
        while summary.examined < summary.bound && started < limit && summary.failed == 0 {
            while pending.len() >= IN_FLIGHT || in_flight_bytes >= IN_FLIGHT_BYTES {
                let done: Settled = pending.next().await.expect("pending is not empty");
                in_flight_bytes -= done.2;
                settle(done, summary, &mut held, bar.as_ref()).await?;
            }
            let Some(dead) = client.get(&topology.dead_queue).await? else {
                break; // Emptied meanwhile (another consumer, or messages expired).
            };
            summary.examined += 1;
            match bar {
                Some(bar) => bar.inc(1),
                None => ticker.tick(),
            }
            let code = dead.dead_letter_code();
            if !selected(&code) {
                *summary.left.entry(code).or_default() += 1;
                held.push(dead.held());
                continue;
            }
            started += 1;
            if options.dry_run {
                *summary.moved.entry(code).or_default() += 1;
                held.push(dead.held());
                continue;
            }
            let name = match dead.message_id() {
                Some(id) => format!("dead letter {id}"),
                None => format!("dead letter #{}", summary.examined),
            };
            let handle = dead.held();
            let message = Message::redriven(dead);
            let size = message.payload.len();
            in_flight_bytes += size;
            let (publisher, exchange, key) = (
                publisher.clone(),
                topology.input_exchange.clone(),
                topology.input_routing_key.clone(),
            );
            pending.push(async move {
                let result = publisher.publish(&exchange, &key, &message).await;
                (code, handle, size, name, result)
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
    for dead in held {
        let given_back = dead.give_back().await;
        if let (Err(e), Ok(())) = (given_back, &returned) {
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
    (code, dead, _, name, result): Settled,
    summary: &mut Summary,
    held: &mut Vec<Held>,
    bar: Option<&ProgressBar>,
) -> anyhow::Result<()> {
    match result {
        Ok(()) => {
            if !dead.ack().await? {
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
            held.push(dead);
            input::report(bar, &format!("paraprint: {name} ({code}) not moved: {e}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
