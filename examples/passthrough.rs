//! The baseline of the end-to-end benchmark (`scripts/bench_e2e.py`): the simplest correct
//! pass-through written with lapin. It consumes a queue and publishes every body unchanged
//! (with the delivery's own properties, made persistent) to an exchange, `mandatory`, on a
//! channel in confirm mode, and acks each delivery only after the broker confirmed its copy.
//! One task per delivery, `basic.qos` = the prefetch (paraprint's default, 200), a tokio
//! current-thread runtime. Like paraprint it consumes and publishes on separate connections.
//!
//! A nacked or returned copy is not acked: the delivery is rejected with requeue, so the broker
//! hands it out again (at-least-once). A lost channel or connection ends the process with an
//! error; the broker then requeues whatever was not acked.
//!
//! SIGTERM or SIGINT: stop consuming, let the deliveries in flight finish, close, exit 0.
//!
//! ```sh
//! cargo run --release --example passthrough -- --queue paraprint.raw --exchange paraprint.clean
//! ```

use std::time::Duration;

use clap::Parser;
use futures_util::StreamExt;
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions,
    BasicRejectOptions, ConfirmSelectOptions,
};
use lapin::types::FieldTable;
use lapin::{Channel, Confirmation, Connection, ConnectionProperties};
use tokio::signal::unix::{SignalKind, signal};
use tokio::task::JoinSet;

#[derive(Parser)]
struct Args {
    /// The broker.
    #[arg(
        long,
        env = "PASSTHROUGH_URL",
        default_value = "amqp://guest:guest@127.0.0.1:5672/%2f"
    )]
    url: String,
    /// The queue to consume.
    #[arg(long, env = "PASSTHROUGH_QUEUE")]
    queue: String,
    /// The exchange every body is published to.
    #[arg(long, env = "PASSTHROUGH_EXCHANGE")]
    exchange: String,
    /// The routing key of the copies.
    #[arg(long, env = "PASSTHROUGH_ROUTING_KEY", default_value = "article.clean")]
    routing_key: String,
    /// Deliveries in flight at once (per-consumer `basic.qos`).
    #[arg(long, env = "PASSTHROUGH_PREFETCH", default_value_t = 200)]
    prefetch: u16,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lapin::Error> {
    let args = Args::parse();
    let consume_conn = connect(&args.url, "passthrough consume").await?;
    let publish_conn = connect(&args.url, "passthrough publish").await?;
    let publisher = publish_conn.create_channel().await?;
    publisher
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let consumer_channel = consume_conn.create_channel().await?;
    consumer_channel
        .basic_qos(args.prefetch, BasicQosOptions { global: false })
        .await?;
    let mut consumer = consumer_channel
        .basic_consume(
            args.queue.as_str().into(),
            "".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;

    let mut sigterm = signal(SignalKind::terminate()).expect("a SIGTERM handler");
    let mut sigint = signal(SignalKind::interrupt()).expect("a SIGINT handler");
    let mut tasks: JoinSet<Result<(), lapin::Error>> = JoinSet::new();
    loop {
        tokio::select! {
            _ = sigterm.recv() => break,
            _ = sigint.recv() => break,
            Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                done.expect("delivery task")?;
            }
            next = consumer.next() => match next {
                Some(Ok(delivery)) => {
                    tasks.spawn(forward(
                        delivery,
                        publisher.clone(),
                        args.exchange.clone(),
                        args.routing_key.clone(),
                    ));
                }
                Some(Err(e)) => return Err(e),
                None => break,
            },
        }
    }

    // Deliveries not yet taken go back to the queue when the channel closes.
    let _ = consumer_channel
        .basic_cancel(consumer.tag(), BasicCancelOptions::default())
        .await;
    while let Some(done) = tasks.join_next().await {
        done.expect("delivery task")?;
    }
    let _ = consumer_channel.close(200, "done".into()).await;
    for conn in [&consume_conn, &publish_conn] {
        let _ = tokio::time::timeout(Duration::from_secs(5), conn.close(200, "done".into())).await;
    }
    Ok(())
}

async fn connect(url: &str, name: &str) -> Result<Connection, lapin::Error> {
    let properties = ConnectionProperties::default().with_connection_name(name.into());
    Connection::connect(url, properties).await
}

/// Publishes the body unchanged, waits for the confirm, then acks (or, on a nack or a return,
/// rejects with requeue).
async fn forward(
    delivery: Delivery,
    publisher: Channel,
    exchange: String,
    routing_key: String,
) -> Result<(), lapin::Error> {
    let properties = delivery.properties.clone().with_delivery_mode(2);
    let confirm = publisher
        .basic_publish(
            exchange.as_str().into(),
            routing_key.as_str().into(),
            BasicPublishOptions {
                mandatory: true,
                ..Default::default()
            },
            &delivery.data,
            properties,
        )
        .await?
        .await?;
    match confirm {
        Confirmation::Ack(None) => {
            delivery.acker.ack(BasicAckOptions::default()).await?;
        }
        _ => {
            eprintln!("passthrough: a copy was nacked or returned; requeueing its delivery");
            delivery
                .acker
                .reject(BasicRejectOptions { requeue: true })
                .await?;
        }
    }
    Ok(())
}
