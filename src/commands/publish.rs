//! `paraprint publish FILE`: a JSON-lines file into the input exchange, each line one
//! persistent message, with publisher confirms and a bounded number in flight.

use std::io::BufRead;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use indicatif::{ProgressBar, ProgressStyle};
use lapin::options::ConfirmSelectOptions;
use lapin::types::FieldTable;

use crate::broker::{self, PublishError};
use crate::config::Settings;

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
    total_bytes: Option<u64>,
    show_progress: bool,
) -> anyhow::Result<Summary> {
    let conn = broker::connect(&settings.amqp, "publish-cli").await?;
    let channel = conn.create_channel().await?;
    if settings.topology.declare {
        broker::declare_topology(&channel, &settings.topology).await?;
    }
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let bar = show_progress.then(|| {
        ProgressBar::new(total_bytes.unwrap_or(0)).with_style(
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {per_sec} eta {eta}")
                .expect("valid template"),
        )
    });

    let topology = &settings.topology;
    let mut summary = Summary::default();
    let mut pending = FuturesUnordered::new();
    let mut line = Vec::new();
    let mut number = 0usize;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        number += 1;
        if let Some(bar) = &bar {
            bar.inc(line.len() as u64);
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let id = serde_json::from_slice::<serde_json::Value>(&line)
            .ok()
            .and_then(|v| v.get("id").and_then(|id| id.as_str()).map(str::to_string))
            .filter(|id| !id.is_empty() && id.len() <= 255);
        let properties =
            broker::persistent("application/json", id.as_deref(), FieldTable::default());
        let payload = std::mem::take(&mut line);
        let channel = channel.clone();
        let (exchange, key) = (
            topology.input_exchange.clone(),
            topology.input_routing_key.clone(),
        );
        pending.push(async move {
            let result =
                broker::publish_confirmed(&channel, &exchange, &key, &payload, properties).await;
            (number, result)
        });
        while pending.len() >= IN_FLIGHT {
            settle(pending.next().await, &mut summary, bar.as_ref())?;
        }
    }
    while let Some(done) = pending.next().await {
        settle(Some(done), &mut summary, bar.as_ref())?;
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let _ = conn.close(200, "published".into()).await;
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
            let report = format!("line {number}: not published: {e}");
            match bar {
                Some(bar) => bar.suspend(|| eprintln!("{report}")),
                None => eprintln!("{report}"),
            }
        }
        None => {}
    }
    Ok(())
}
