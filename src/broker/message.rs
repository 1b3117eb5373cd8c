//! The messages paraprint publishes, each shaped in one place: articles as `paraprint publish`
//! sends them, records with their headers, and (in `dead_letter.rs`) dead letters.

use lapin::BasicProperties;
use lapin::types::{AMQPValue, FieldTable, LongString};

use crate::article::{CleanRecord, MAX_ID_BYTES, Status};

/// Routing keys of records on the output exchange.
pub const CLEAN_ROUTING_KEY: &str = "article.clean";
pub const DUPLICATE_ROUTING_KEY: &str = "article.duplicate";

/// The routing key of a record on the output exchange.
pub fn record_routing_key(status: Status) -> &'static str {
    match status {
        Status::Clean => CLEAN_ROUTING_KEY,
        Status::Duplicate => DUPLICATE_ROUTING_KEY,
    }
}

/// Headers on every record, so consumers can route or filter without parsing the body.
pub const STATUS_HEADER: &str = "x-paraprint-status";
pub const KEPT_HEADER: &str = "x-paraprint-kept";
pub const DROPPED_HEADER: &str = "x-paraprint-dropped";
pub const FORMAT_HEADER: &str = "x-paraprint-format";

/// AMQP delivery mode of messages written to disk.
const PERSISTENT: u8 = 2;

/// A message to publish: its bytes and its AMQP properties.
#[derive(Clone, Debug)]
pub struct Message {
    pub payload: Vec<u8>,
    pub(super) properties: BasicProperties,
}

impl Message {
    /// A raw article as `paraprint publish` sends it: persistent JSON, its id (when it has a
    /// usable one) as `message_id`.
    pub fn article(payload: Vec<u8>, id: Option<&str>) -> Message {
        Message {
            payload,
            properties: persistent("application/json", id, FieldTable::default()),
        }
    }

    /// A clean record: persistent JSON, the article id as `message_id`, the status and counts
    /// in headers.
    pub fn record(record: &CleanRecord) -> Message {
        let status = record.status.as_str();
        let counts = record.counts();
        let mut headers = FieldTable::default();
        headers.insert(STATUS_HEADER.into(), long_string(status));
        headers.insert(
            KEPT_HEADER.into(),
            AMQPValue::LongLongInt(counts.kept as i64),
        );
        headers.insert(
            DROPPED_HEADER.into(),
            AMQPValue::LongLongInt(counts.dropped as i64),
        );
        headers.insert(
            FORMAT_HEADER.into(),
            AMQPValue::LongLongInt(i64::from(record.format)),
        );
        Message {
            payload: record.to_json(),
            properties: persistent("application/json", Some(&record.article.id), headers),
        }
    }
}

/// Properties of a persistent message. A `message_id` is an AMQP short string: one longer than
/// 255 bytes (never a valid article id) is left out rather than sent.
pub fn persistent(
    content_type: &str,
    message_id: Option<&str>,
    headers: FieldTable,
) -> BasicProperties {
    let props = BasicProperties::default()
        .with_delivery_mode(PERSISTENT)
        .with_content_type(content_type.into())
        .with_headers(headers);
    match message_id {
        Some(id) if id.len() <= MAX_ID_BYTES => props.with_message_id(id.into()),
        _ => props,
    }
}

pub(super) fn long_string(value: &str) -> AMQPValue {
    AMQPValue::LongString(LongString::from(value))
}

/// Sets a message persistent (dead letters and redriven ones keep everything else).
pub(super) fn made_persistent(properties: BasicProperties) -> BasicProperties {
    properties.with_delivery_mode(PERSISTENT)
}
