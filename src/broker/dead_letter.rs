//! Dead letters: the headers paraprint adds to one, how to read the code a dead letter carries
//! (paraprint's or the broker's), and the message a redrive sends back to the input.

use std::collections::BTreeMap;

use lapin::BasicProperties;
use lapin::types::{AMQPValue, FieldTable};

use super::message::{long_string, made_persistent};
use super::{Inbound, Message};
use crate::article::InputError;

/// Header names on dead letters: the error code and a message for a person.
pub const ERROR_HEADER: &str = "x-paraprint-error";
pub const ERROR_MESSAGE_HEADER: &str = "x-paraprint-error-message";

/// Headers dead-lettering added, removed from a redriven message so it enters the input as it
/// first did: paraprint's error code and message; the broker's death history (`x-death`; the
/// `x-first-death-*` summaries of RabbitMQ 3.8+ and the `x-last-death-*` ones of 3.13+; since
/// 3.13 the broker no longer reads an `x-death` a client publishes, so it would only mislead);
/// and the quorum-queue delivery counters (`x-delivery-count`, and `x-acquired-count` since
/// 4.3), which a redelivered input carries into the worker's dead letter and the dead queue
/// adds to a message returned there.
pub const DEAD_LETTER_HEADERS: [&str; 11] = [
    ERROR_HEADER,
    ERROR_MESSAGE_HEADER,
    "x-death",
    "x-first-death-reason",
    "x-first-death-queue",
    "x-first-death-exchange",
    "x-last-death-reason",
    "x-last-death-queue",
    "x-last-death-exchange",
    "x-delivery-count",
    "x-acquired-count",
];

/// The `x-death` reasons a dead letter made by the broker may carry. On paraprint's topology
/// only `delivery_limit` happens (a message that kept crashing workers); the others appear if
/// an operator adds a TTL or a length limit to the input queue.
pub const BROKER_REASONS: [&str; 4] = ["delivery_limit", "expired", "maxlen", "rejected"];

/// The code of a message in the dead queue with neither paraprint's header nor `x-death`
/// (someone published it to the dead-letter exchange by hand).
pub const UNMARKED: &str = "unmarked";

impl Message {
    /// The dead letter of an input that can never be processed: its original bytes and
    /// properties, persistent, with the error's code and message added to its headers.
    pub fn dead_letter(input: &Inbound, error: &InputError) -> Message {
        let properties = &input.delivery.properties;
        let mut headers = properties.headers().clone().unwrap_or_default();
        headers.insert(ERROR_HEADER.into(), long_string(error.code.as_str()));
        headers.insert(ERROR_MESSAGE_HEADER.into(), long_string(&error.message));
        Message {
            payload: input.delivery.data.clone(),
            properties: made_persistent(properties.clone().with_headers(headers)),
        }
    }

    /// A dead letter on its way back to the input: all its properties as they were (message
    /// id, content type, timestamp, correlation id …), persistent, its headers without
    /// [`DEAD_LETTER_HEADERS`].
    pub fn redriven(dead: Inbound) -> Message {
        Message {
            properties: redriven_properties(&dead.delivery.properties),
            payload: dead.delivery.data,
        }
    }
}

fn redriven_properties(properties: &BasicProperties) -> BasicProperties {
    let headers: BTreeMap<_, _> = properties
        .headers()
        .as_ref()
        .map(|h| {
            h.inner()
                .iter()
                .filter(|(name, _)| !DEAD_LETTER_HEADERS.contains(&name.as_str()))
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect()
        })
        .unwrap_or_default();
    made_persistent(properties.clone().with_headers(FieldTable::from(headers)))
}

/// The code of a dead letter: paraprint's `x-paraprint-error`; else the reason of the most
/// recent `x-death` entry (`delivery_limit` for a message that kept crashing workers); else
/// [`UNMARKED`]. Paraprint's header wins: it copies the headers of the input, so it is the
/// most recent verdict.
pub fn code_of(headers: Option<&FieldTable>) -> String {
    let Some(headers) = headers else {
        return UNMARKED.to_string();
    };
    let headers = headers.inner();
    if let Some(code) = headers.get(ERROR_HEADER).and_then(text) {
        return code;
    }
    let Some(death) = headers.get("x-death") else {
        return UNMARKED.to_string();
    };
    let latest = match death {
        AMQPValue::FieldArray(entries) => entries.as_slice().first(),
        _ => None,
    };
    latest
        .and_then(|entry| match entry {
            AMQPValue::FieldTable(entry) => entry.inner().get("reason").and_then(text),
            _ => None,
        })
        .or_else(|| headers.get("x-last-death-reason").and_then(text))
        .or_else(|| headers.get("x-first-death-reason").and_then(text))
        .unwrap_or_else(|| "delivery_limit".to_string())
}

fn text(value: &AMQPValue) -> Option<String> {
    match value {
        AMQPValue::LongString(s) => Some(s.to_string()),
        AMQPValue::ShortString(s) => Some(s.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lapin::types::{FieldArray, ShortString};

    fn table(entries: &[(&str, AMQPValue)]) -> FieldTable {
        let mut t = FieldTable::default();
        for (k, v) in entries {
            t.insert(ShortString::from(*k), v.clone());
        }
        t
    }

    #[test]
    fn paraprint_code_wins_then_death_reason_then_unmarked() {
        let death =
            AMQPValue::FieldArray(FieldArray::from(vec![AMQPValue::FieldTable(table(&[(
                "reason",
                long_string("delivery_limit"),
            )]))]));
        assert_eq!(
            code_of(Some(&table(&[
                ("x-paraprint-error", long_string("too_large")),
                ("x-death", death.clone()),
            ]))),
            "too_large"
        );
        assert_eq!(
            code_of(Some(&table(&[("x-death", death)]))),
            "delivery_limit"
        );
        assert_eq!(
            code_of(Some(&table(&[(
                "x-death",
                AMQPValue::FieldArray(FieldArray::default())
            )]))),
            "delivery_limit"
        );
        assert_eq!(
            code_of(Some(&table(&[("other", AMQPValue::Boolean(true))]))),
            UNMARKED
        );
        assert_eq!(code_of(None), UNMARKED);
    }

    #[test]
    fn redriven_properties_keep_everything_but_dead_letter_headers() {
        let mut headers = table(&[("trace", long_string("abc"))]);
        for name in DEAD_LETTER_HEADERS {
            headers.insert(name.into(), long_string("x"));
        }
        let original = BasicProperties::default()
            .with_message_id("m1".into())
            .with_content_type("application/json".into())
            .with_correlation_id("c1".into())
            .with_delivery_mode(1)
            .with_headers(headers);
        let out = redriven_properties(&original);
        assert_eq!(out.message_id().as_ref().map(|s| s.as_str()), Some("m1"));
        assert_eq!(
            out.correlation_id().as_ref().map(|s| s.as_str()),
            Some("c1")
        );
        assert_eq!(
            out.content_type().as_ref().map(|s| s.as_str()),
            Some("application/json")
        );
        assert_eq!(out.delivery_mode(), &Some(2));
        let headers = out.headers().as_ref().unwrap().inner();
        assert_eq!(
            headers.keys().map(|k| k.as_str()).collect::<Vec<_>>(),
            ["trace"]
        );
    }
}
