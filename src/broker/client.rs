//! A connection for the commands (`publish`, `redrive`, `audit`): queues read one message at a
//! time with `basic.get`, and publishers with confirms.

use lapin::options::{BasicGetOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use lapin::{Channel, Connection};

use super::connect::connect;
use super::topology::{TopologyError, declare_topology};
use super::{Inbound, Publisher};
use crate::config::{AmqpSettings, TopologySettings};

pub struct Client {
    conn: Connection,
    channel: Channel,
}

impl Client {
    /// Connects as `role` (shown in the management UI).
    pub async fn open(amqp: &AmqpSettings, role: &str) -> Result<Client, lapin::Error> {
        let conn = connect(amqp, role).await?;
        let channel = conn.create_channel().await?;
        Ok(Client { conn, channel })
    }

    /// Declares the topology (or, with `topology.declare = false`, verifies it).
    pub async fn declare(&self, topology: &TopologySettings) -> Result<(), TopologyError> {
        declare_topology(&self.channel, topology).await
    }

    /// Ready messages in `queue`.
    pub async fn ready_count(&self, queue: &str) -> Result<u32, lapin::Error> {
        ready_count(&self.channel, queue).await
    }

    /// One message of `queue`, unacked; `None` when the queue is empty.
    pub async fn get(&self, queue: &str) -> Result<Option<Inbound>, lapin::Error> {
        let got = self
            .channel
            .basic_get(queue.into(), BasicGetOptions { no_ack: false })
            .await?;
        Ok(got.map(|got| Inbound {
            delivery: got.delivery,
        }))
    }

    /// Returns once `queue` has applied every ack and nack this client sent it: a `basic.get`
    /// is a command the queue handles after them (a quorum queue's log is applied in order).
    /// Closing right after an ack can otherwise lose it: the queue learns the channel is gone
    /// first, and gives the message back. A message the get takes goes back at once.
    pub async fn settled(&self, queue: &str) -> Result<(), lapin::Error> {
        if let Some(got) = self.get(queue).await? {
            got.held().give_back().await?;
            // The give-back itself, applied before returning.
            if let Some(again) = self.get(queue).await? {
                again.held().give_back().await?;
            }
        }
        Ok(())
    }

    /// A publisher on a channel of its own.
    pub async fn publisher(&self) -> Result<Publisher, lapin::Error> {
        Publisher::open(&self.conn).await
    }

    /// Closes the connection: whatever is still unacked goes back to its queue.
    pub async fn close(self, reason: &str) {
        let _ = self.conn.close(200, reason.into()).await;
    }
}

/// Ready messages in a queue (a passive declare: fails if the queue does not exist).
pub async fn ready_count(channel: &Channel, queue: &str) -> Result<u32, lapin::Error> {
    let declared = channel
        .queue_declare(
            queue.into(),
            QueueDeclareOptions {
                passive: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await?;
    Ok(declared.message_count())
}
