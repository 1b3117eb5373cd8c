//! A message taken from a queue, pushed to a consumer or fetched with `basic.get`, and what can
//! be done with it: read it, ack it, or give it back.

use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicNackOptions, BasicRejectOptions};

use super::dead_letter::code_of;

/// A message taken from a queue and not settled yet.
pub struct Inbound {
    pub(super) delivery: Delivery,
}

impl Inbound {
    pub fn data(&self) -> &[u8] {
        &self.delivery.data
    }

    /// Its delivery tag: its place among the deliveries of its channel.
    pub fn tag(&self) -> u64 {
        self.delivery.delivery_tag
    }

    /// The broker delivered it before (to us or to another consumer).
    pub fn redelivered(&self) -> bool {
        self.delivery.redelivered
    }

    pub fn routing_key(&self) -> &str {
        self.delivery.routing_key.as_str()
    }

    pub fn message_id(&self) -> Option<&str> {
        self.delivery
            .properties
            .message_id()
            .as_ref()
            .map(|id| id.as_str())
    }

    /// Its dead-letter code, for a message taken from the dead queue (see [`code_of`]).
    pub fn dead_letter_code(&self) -> String {
        code_of(self.delivery.properties.headers().as_ref())
    }

    /// A handle to settle it later, once its bytes have gone elsewhere.
    pub fn held(&self) -> Held {
        Held(self.delivery.acker.clone())
    }

    pub fn into_data(self) -> Vec<u8> {
        self.delivery.data
    }

    /// Done with: the broker forgets it.
    pub async fn ack(&self) -> Result<(), lapin::Error> {
        self.delivery
            .acker
            .ack(BasicAckOptions::default())
            .await
            .map(|_| ())
    }

    /// Back to its queue, counted toward the queue's delivery limit on every RabbitMQ version
    /// (a nack is not, from 4.3): the answer to a message that crashed the worker.
    pub async fn reject(&self) -> Result<(), lapin::Error> {
        self.delivery
            .acker
            .reject(BasicRejectOptions { requeue: true })
            .await
            .map(|_| ())
    }
}

/// A message's handle for settling it.
#[derive(Clone)]
pub struct Held(lapin::Acker);

impl Held {
    /// Acks it; `false` when the channel that took it is gone (the broker gives it back).
    pub async fn ack(&self) -> Result<bool, lapin::Error> {
        self.0.ack(BasicAckOptions::default()).await
    }

    /// Acks it and every message taken before it on the same channel and not yet settled, in
    /// one `basic.ack` with `multiple`. Single acks sent just before a connection closes can be
    /// lost on RabbitMQ 3.10 quorum queues (the messages come back); one ack of all is not.
    pub async fn ack_all_up_to(&self) -> Result<bool, lapin::Error> {
        self.0.ack(BasicAckOptions { multiple: true }).await
    }

    /// Back to its queue in place, with every message taken before it on the same channel and
    /// not yet settled (`basic.nack` with requeue and `multiple`).
    pub async fn give_back_all_up_to(&self) -> Result<(), lapin::Error> {
        self.0
            .nack(BasicNackOptions {
                multiple: true,
                requeue: true,
            })
            .await
            .map(|_| ())
    }

    /// Back to its queue in place (`basic.nack` with requeue), as if never taken.
    pub async fn give_back(&self) -> Result<(), lapin::Error> {
        self.0
            .nack(BasicNackOptions {
                multiple: false,
                requeue: true,
            })
            .await
            .map(|_| ())
    }
}
