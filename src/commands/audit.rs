//! `paraprint audit FILE`: after a run, checks that every line of FILE (as `paraprint publish`
//! sent it) ended as identical records in `topology.output_queue` or as a dead letter with its
//! original bytes and a code in `topology.dead_queue`, and that the input queue is empty.
//!
//! It reads both queues with `basic.get`, holding every message unacked until the end, then
//! returns them all (`basic.nack` with requeue): the queues are left as they were, in order.
//! With `take` it acks them instead, emptying both queues (for repeated test runs). It holds
//! every message in memory meanwhile: an audit is for test and staging streams, not for a
//! production backlog.

use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;

use super::input::{self, JsonLines, Ticker};
use crate::audit::{self, Output, Report};
use crate::broker::{Client, Held, UNMARKED};
use crate::config::Settings;

/// What the audit saw beyond the report: the input queue's backlog.
pub struct Outcome {
    pub report: Report,
    /// Ready messages still in the input queue (should be 0 once the workers are done).
    pub input_waiting: u32,
}

impl Outcome {
    pub fn holds(&self) -> bool {
        self.report.holds() && self.input_waiting == 0
    }
}

/// Audits the published file against the queues; exit 0 when the promise holds. `json` prints
/// the report on standard output.
pub async fn main(
    settings: &Settings,
    path: &Path,
    take: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let inputs = published_lines(input::open(path)?.reader)?;
    let outcome = run(settings, &inputs, take).await?;
    if json {
        let mut value = serde_json::to_value(&outcome.report)?;
        value["input_waiting"] = outcome.input_waiting.into();
        value["holds"] = outcome.holds().into();
        println!("{value}");
    }
    eprint!("{}", outcome.report.summary());
    if outcome.input_waiting > 0 {
        eprintln!(
            "paraprint: {} inputs still wait in {}: run the audit once the workers are done",
            outcome.input_waiting, settings.topology.input_queue
        );
    }
    Ok(if outcome.holds() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The lines of a JSON-lines file as `paraprint publish` sends them.
pub fn published_lines(input: impl BufRead) -> std::io::Result<Vec<Vec<u8>>> {
    let mut lines = JsonLines::new(input);
    let mut published = Vec::new();
    while let Some(line) = lines.next_line(None)? {
        published.push(line.bytes.to_vec());
    }
    Ok(published)
}

pub async fn run(settings: &Settings, inputs: &[Vec<u8>], take: bool) -> anyhow::Result<Outcome> {
    let client = Client::open(&settings.amqp, "audit").await?;
    let topology = &settings.topology;
    let input_waiting = client.ready_count(&topology.input_queue).await?;
    let mut ticker = Ticker::new("messages read", None);
    let (records, record_held) =
        get_all(&client, &topology.output_queue, false, &mut ticker).await?;
    let (dead, dead_held) = get_all(&client, &topology.dead_queue, true, &mut ticker).await?;
    let report = audit::audit(inputs, &records, &dead);
    // Everything was taken on one channel: the last message settles them all at once, and
    // both queues apply that before the connection closes.
    if let Some(last) = dead_held.last().or(record_held.last()) {
        if take {
            last.ack_all_up_to().await?;
        } else {
            last.give_back_all_up_to().await?;
        }
        client.settled(&topology.output_queue).await?;
        client.settled(&topology.dead_queue).await?;
    }
    client.close("audit done").await;
    if take {
        take_leftovers(settings).await?;
    }
    Ok(Outcome {
        report,
        input_waiting,
    })
}

/// After `--take`, the output and dead queues must be empty: what a lost ack left behind (the
/// broker gave it back when the connection closed) is taken again, a few times at most.
async fn take_leftovers(settings: &Settings) -> anyhow::Result<()> {
    let topology = &settings.topology;
    for _ in 0..3 {
        let client = Client::open(&settings.amqp, "audit").await?;
        let left = client.ready_count(&topology.output_queue).await?
            + client.ready_count(&topology.dead_queue).await?;
        if left == 0 {
            client.close("audit done").await;
            return Ok(());
        }
        eprintln!("paraprint: {left} messages came back after --take; taking them again");
        let mut ticker = Ticker::new("messages taken again", Some(u64::from(left)));
        let (_, records) = get_all(&client, &topology.output_queue, false, &mut ticker).await?;
        let (_, dead) = get_all(&client, &topology.dead_queue, true, &mut ticker).await?;
        if let Some(last) = dead.last().or(records.last()) {
            last.ack_all_up_to().await?;
            client.settled(&topology.output_queue).await?;
            client.settled(&topology.dead_queue).await?;
        }
        client.close("audit done").await;
    }
    anyhow::bail!(
        "--take: messages are still in {} or {} after three rounds",
        topology.output_queue,
        topology.dead_queue
    )
}

/// Every ready message of `queue`, unacked.
async fn get_all(
    client: &Client,
    queue: &str,
    dead: bool,
    ticker: &mut Ticker,
) -> anyhow::Result<(Vec<Output>, Vec<Held>)> {
    let mut outputs = Vec::new();
    let mut held = Vec::new();
    while let Some(got) = client.get(queue).await? {
        ticker.tick();
        held.push(got.held());
        outputs.push(Output {
            message_id: got.message_id().map(str::to_string),
            code: dead
                .then(|| got.dead_letter_code())
                .filter(|code| code != UNMARKED),
            body: got.into_data(),
        });
    }
    Ok((outputs, held))
}
