//! The worker's session with the broker: a consuming connection and a publishing one, the
//! topology declared, a prefetch-bounded consumer, a confirming publisher, and the connection
//! events the worker reacts to (a blocked publisher, a lost connection).

use futures_util::StreamExt;
use lapin::options::{BasicCancelOptions, BasicConsumeOptions, BasicQosOptions};
use lapin::types::FieldTable;
use lapin::{Channel, Connection, Event};
use tokio::sync::{mpsc, watch};
use tracing::{info, warn};

use super::connect::{close_all, connect};
use super::topology::{TopologyError, declare_topology};
use super::{Inbound, Publisher};
use crate::config::{AmqpSettings, TopologySettings};

/// Why a session could not start.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The broker is unreachable or dropped the connection: try again later.
    #[error(transparent)]
    Connection(#[from] lapin::Error),
    /// A topology step failed; [`TopologyError::is_refusal`] says whether retrying can help.
    #[error("topology: {0}")]
    Topology(#[from] TopologyError),
}

/// An open session. Its fields are what the worker's loop waits on.
pub struct Session {
    consume_conn: Connection,
    publish_conn: Connection,
    consumer_channel: Channel,
    heartbeat_s: u16,
    pub consumer: Consumer,
    pub publisher: Publisher,
    /// True while the broker blocks the publishing connection (a resource alarm).
    pub blocked: watch::Receiver<bool>,
    /// Errors either connection reported: the session is over.
    pub errors: mpsc::UnboundedReceiver<lapin::Error>,
}

/// Deliveries from the input queue, as many unacked at once as the prefetch allows.
pub struct Consumer(lapin::Consumer);

impl Consumer {
    /// The next delivery; `None` when the broker cancelled the consumer (its queue deleted, a
    /// consumer timeout on RabbitMQ 4.3+).
    pub async fn next(&mut self) -> Option<Result<Inbound, lapin::Error>> {
        let next = self.0.next().await?;
        Some(next.map(|delivery| Inbound { delivery }))
    }
}

impl Session {
    /// Connects, declares the topology and starts consuming. Consuming and publishing use
    /// separate connections: flow control throttles publishing connections, and must not stall
    /// the acks that free prefetch slots.
    pub async fn open(
        amqp: &AmqpSettings,
        topology: &TopologySettings,
    ) -> Result<Session, OpenError> {
        let consume_conn = connect(amqp, "consume").await?;
        let publish_conn = match connect(amqp, "publish").await {
            Ok(conn) => conn,
            Err(e) => {
                close_all(&[&consume_conn], amqp.heartbeat_s).await;
                return Err(e.into());
            }
        };
        match Session::start(amqp, topology, &consume_conn, &publish_conn).await {
            Ok((consumer_channel, consumer, publisher)) => {
                let (errors_tx, errors) = mpsc::unbounded_channel();
                let (blocked_tx, blocked) = watch::channel(false);
                watch_events(&publish_conn, blocked_tx, errors_tx.clone());
                watch_events(&consume_conn, watch::channel(false).0, errors_tx);
                Ok(Session {
                    consume_conn,
                    publish_conn,
                    consumer_channel,
                    heartbeat_s: amqp.heartbeat_s,
                    consumer,
                    publisher,
                    blocked,
                    errors,
                })
            }
            Err(e) => {
                close_all(&[&consume_conn, &publish_conn], amqp.heartbeat_s).await;
                Err(e)
            }
        }
    }

    async fn start(
        amqp: &AmqpSettings,
        topology: &TopologySettings,
        consume_conn: &Connection,
        publish_conn: &Connection,
    ) -> Result<(Channel, Consumer, Publisher), OpenError> {
        let setup = publish_conn.create_channel().await?;
        declare_topology(&setup, topology).await?;
        let _ = setup.close(200, "topology ready".into()).await;
        let publisher = Publisher::open(publish_conn).await?;
        let channel = consume_conn.create_channel().await?;
        // Prefetch is the only bound on the consumer's buffer (lapin's is unbounded), so it bounds
        // memory: prefetch × max message size. Set per consumer, as quorum queues require.
        channel
            .basic_qos(amqp.prefetch, BasicQosOptions { global: false })
            .await?;
        let consumer = channel
            .basic_consume(
                topology.input_queue.as_str().into(),
                "".into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        Ok((channel, Consumer(consumer), publisher))
    }

    /// Stops deliveries; those already pushed stay with us until settled or the session closes.
    pub async fn stop_consuming(&self) {
        let _ = self
            .consumer_channel
            .basic_cancel(self.consumer.0.tag(), BasicCancelOptions::default())
            .await;
    }

    /// Closes both connections; the broker requeues every delivery not acked.
    pub async fn close(self) {
        close_all(&[&self.consume_conn, &self.publish_conn], self.heartbeat_s).await;
    }
}

/// Forwards connection events: blocked state to `blocked`, errors to `errors`.
fn watch_events(
    conn: &Connection,
    blocked: watch::Sender<bool>,
    errors: mpsc::UnboundedSender<lapin::Error>,
) {
    let events = conn.events_listener();
    tokio::spawn(async move {
        tokio::pin!(events);
        while let Some(event) = events.next().await {
            match event {
                Event::ConnectionBlocked(reason) => {
                    warn!(%reason, "Broker blocked publishing; pausing.");
                    blocked.send_replace(true);
                }
                Event::ConnectionUnblocked => {
                    info!("Broker unblocked publishing; resuming.");
                    blocked.send_replace(false);
                }
                Event::Error(e) => {
                    let _ = errors.send(e);
                }
                _ => {}
            }
        }
    });
}
