//! Publishing: a channel in confirm mode, and what counts as the broker having taken a message.

use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::types::ShortString;
use lapin::{Channel, Confirmation, Connection};

use super::Message;

/// Why a publish did not end in a plain ack.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The broker refused the message (for instance a queue at its limit).
    #[error("the broker nacked the message")]
    Nacked,
    /// The message could not be routed to any queue (`mandatory`).
    #[error("the broker returned the message as unroutable: {code} {text}")]
    Returned { code: u16, text: String },
    /// The channel or connection is gone: the deliveries it held come back by themselves.
    #[error("channel lost: {0}")]
    Channel(#[from] lapin::Error),
}

/// A channel in confirm mode. Clones share the channel, so publishes can be awaited at once.
#[derive(Clone)]
pub struct Publisher {
    channel: Channel,
}

impl Publisher {
    /// A new channel on `conn`, put in confirm mode.
    pub async fn open(conn: &Connection) -> Result<Publisher, lapin::Error> {
        let channel = conn.create_channel().await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        Ok(Publisher { channel })
    }

    /// Publishes `mandatory` and waits for the broker's answer: only a plain ack is success.
    pub async fn publish(
        &self,
        exchange: &str,
        routing_key: &str,
        message: &Message,
    ) -> Result<(), PublishError> {
        publish_confirmed(
            &self.channel,
            exchange,
            routing_key,
            &message.payload,
            message.properties.clone(),
        )
        .await
    }
}

/// Publishes `mandatory` on a channel in confirm mode (a [`Publisher`]'s, the only caller) and
/// waits for the broker's answer. Only a plain ack is success: a nack, or an ack that came with
/// a return, is a failure.
async fn publish_confirmed(
    channel: &Channel,
    exchange: &str,
    routing_key: &str,
    payload: &[u8],
    properties: lapin::BasicProperties,
) -> Result<(), PublishError> {
    let confirm = channel
        .basic_publish(
            ShortString::from(exchange),
            ShortString::from(routing_key),
            BasicPublishOptions {
                mandatory: true,
                ..Default::default()
            },
            payload,
            properties,
        )
        .await?;
    match confirm.await? {
        Confirmation::Ack(None) => Ok(()),
        Confirmation::Ack(Some(returned)) | Confirmation::Nack(Some(returned)) => {
            Err(PublishError::Returned {
                code: returned.reply_code,
                text: returned.reply_text.to_string(),
            })
        }
        Confirmation::Nack(None) => Err(PublishError::Nacked),
        Confirmation::NotRequested => unreachable!("publish channels are put in confirm mode"),
    }
}
