//! `paraprint publish FILE`: a JSON-lines file into the input exchange, each line one
//! persistent message, with publisher confirms and a bounded number in flight.

use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use indicatif::ProgressBar;

use super::input::{self, JsonLines};
use crate::broker::{Client, Message, PublishError};
use crate::config::Settings;

/// Publishes the file (or standard input); exit 1 when some lines were not published.
pub async fn main(settings: &Settings, path: &Path) -> anyhow::Result<ExitCode> {
    let mut opened = input::open(path)?;
    let bar = input::wants_progress().then(|| input::bytes_bar(opened.size));
    let summary = run(settings, &mut opened.reader, bar.as_ref()).await?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    eprintln!("paraprint: published {} messages", summary.published);
    if summary.failed > 0 {
        eprintln!(
            "paraprint: {} lines were not published (see above)",
            summary.failed
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Publishes awaiting confirmation at once: enough to hide the broker's batched disk writes.
const IN_FLIGHT: usize = 1000;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub published: usize,
    pub failed: usize,
}

/// Publishes every non-blank line of `input` as it is (bad JSON too: the worker dead-letters
/// it), with the article id as `message_id` when the line has one.
pub async fn run(
    settings: &Settings,
    input: &mut impl BufRead,
    bar: Option<&ProgressBar>,
) -> anyhow::Result<Summary> {
    let client = Client::open(&settings.amqp, "publish-cli").await?;
    if settings.topology.declare {
        client.declare(&settings.topology).await?;
    }
    let publisher = client.publisher().await?;
    let topology = &settings.topology;
    let mut summary = Summary::default();
    let mut pending = FuturesUnordered::new();
    let mut lines = JsonLines::new(input);
    while let Some(line) = lines.next_line(bar)? {
        let number = line.number;
        let id = serde_json::from_slice::<serde_json::Value>(line.bytes)
            .ok()
            .and_then(|v| v.get("id").and_then(|id| id.as_str()).map(str::to_string))
            .filter(|id| !id.is_empty() && id.len() <= 255);
        let message = Message::article(line.bytes.to_vec(), id.as_deref());
        let publisher = publisher.clone();
        let (exchange, key) = (
            topology.input_exchange.clone(),
            topology.input_routing_key.clone(),
        );
        pending.push(async move { (number, publisher.publish(&exchange, &key, &message).await) });
        while pending.len() >= IN_FLIGHT {
            settle(pending.next().await, &mut summary, bar)?;
        }
    }
    while let Some(done) = pending.next().await {
        settle(Some(done), &mut summary, bar)?;
    }
    client.close("published").await;
    Ok(summary)
}

fn settle(
    done: Option<(usize, Result<(), PublishError>)>,
    summary: &mut Summary,
    bar: Option<&ProgressBar>,
) -> anyhow::Result<()> {
    match done {
        Some((_, Ok(()))) => summary.published += 1,
        Some((_, Err(PublishError::Channel(e)))) => return Err(e.into()),
        Some((number, Err(e))) => {
            summary.failed += 1;
            input::report(bar, &format!("line {number}: not published: {e}"));
        }
        None => {}
    }
    Ok(())
}
