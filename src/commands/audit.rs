//! `paraprint audit FILE`: after a run, checks that every line of FILE (as `paraprint publish`
//! sent it) ended as identical records in `topology.output_queue` or as a dead letter with its
//! original bytes and a code in `topology.dead_queue`, and that the input queue is empty.
//!
//! It reads both queues with `basic.get`, holding every message unacked until the end, then
//! returns them all (`basic.nack` with requeue): the queues are left as they were, in order.
//! With `take` it acks them instead, emptying both queues (for repeated test runs). It holds
//! every message in memory meanwhile: an audit is for test and staging streams, not for a
//! production backlog.

use lapin::options::{BasicAckOptions, BasicGetOptions, BasicNackOptions};
use lapin::{Acker, Channel};

use crate::audit::{self, Output, Report};
use crate::broker;
use crate::commands::redrive::{UNMARKED, code_of};
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

/// The lines of a JSON-lines file as `paraprint publish` sends them.
pub fn published_lines(input: &mut impl std::io::BufRead) -> std::io::Result<Vec<Vec<u8>>> {
    let mut lines = Vec::new();
    let mut line = Vec::new();
    while input.read_until(b'\n', &mut line)? > 0 {
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        if !line.iter().all(u8::is_ascii_whitespace) {
            lines.push(std::mem::take(&mut line));
        }
        line.clear();
    }
    Ok(lines)
}

pub async fn run(settings: &Settings, inputs: &[Vec<u8>], take: bool) -> anyhow::Result<Outcome> {
    let connection = broker::connect(&settings.amqp, "audit").await?;
    let channel = connection.create_channel().await?;
    let topology = &settings.topology;
    let input_waiting = broker::ready_count(&channel, &topology.input_queue).await?;
    let (records, record_ackers) = get_all(&channel, &topology.output_queue, false).await?;
    let (dead, dead_ackers) = get_all(&channel, &topology.dead_queue, true).await?;
    let report = audit::audit(inputs, &records, &dead);
    for acker in record_ackers.iter().chain(&dead_ackers) {
        if take {
            acker.ack(BasicAckOptions::default()).await?;
        } else {
            acker
                .nack(BasicNackOptions {
                    requeue: true,
                    ..Default::default()
                })
                .await?;
        }
    }
    let _ = connection.close(200, "audit done".into()).await;
    Ok(Outcome {
        report,
        input_waiting,
    })
}

/// Every ready message of `queue`, unacked.
async fn get_all(
    channel: &Channel,
    queue: &str,
    dead: bool,
) -> anyhow::Result<(Vec<Output>, Vec<Acker>)> {
    let mut outputs = Vec::new();
    let mut ackers = Vec::new();
    while let Some(got) = channel
        .basic_get(queue.into(), BasicGetOptions::default())
        .await?
    {
        let delivery = got.delivery;
        outputs.push(Output {
            message_id: delivery
                .properties
                .message_id()
                .as_ref()
                .map(|id| id.to_string()),
            code: dead
                .then(|| code_of(delivery.properties.headers().as_ref()))
                .filter(|code| code != UNMARKED),
            body: delivery.data,
        });
        ackers.push(delivery.acker);
    }
    Ok((outputs, ackers))
}
