//! Wire types: the raw article that comes in, and the clean record that goes out.
//!
//! Fields the engine does not read are carried through as the exact JSON text they arrived
//! as (`RawValue`), so key order and number text (`1.0`, `1e3`, 20-digit ids) survive.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde_json::value::RawValue;

/// Why an input cannot be processed. Each code is stable: it is the `x-paraprint-error` header
/// of the dead letter, and what `clean` prints for a bad line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    MalformedJson,
    InvalidUtf8,
    MissingField,
    InvalidField,
    TooLarge,
    UnsupportedContentType,
    EmptyBody,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 7] = [
        ErrorCode::MalformedJson,
        ErrorCode::InvalidUtf8,
        ErrorCode::MissingField,
        ErrorCode::InvalidField,
        ErrorCode::TooLarge,
        ErrorCode::UnsupportedContentType,
        ErrorCode::EmptyBody,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::InvalidUtf8 => "invalid_utf8",
            ErrorCode::MissingField => "missing_field",
            ErrorCode::InvalidField => "invalid_field",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::UnsupportedContentType => "unsupported_content_type",
            ErrorCode::EmptyBody => "empty_body",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An input that can never be processed: it becomes a dead letter, never a retry.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct InputError {
    pub code: ErrorCode,
    /// For a person: which field, what was expected, what was found.
    pub message: String,
}

impl InputError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        InputError {
            code,
            message: message.into(),
        }
    }
}

/// How to find paragraphs in the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentType {
    PlainText,
    Html,
}

/// Names the record sets itself; an input field with one of these names is replaced.
pub const RESERVED_FIELDS: [&str; 7] = [
    "paragraphs",
    "status",
    "duplicate_of",
    "fingerprint",
    "dropped",
    "counts",
    "format",
];

/// Largest `id`, in bytes: it becomes the AMQP `message_id`, a short string.
pub const MAX_ID_BYTES: usize = 255;

/// A validated raw article.
#[derive(Debug)]
pub struct RawArticle {
    pub id: String,
    pub source: String,
    pub body: String,
    pub title: Option<String>,
    pub content_type: ContentType,
    /// Every top-level field in input order, verbatim; `body` is skipped when rendering.
    fields: Vec<(String, Box<RawValue>)>,
}

impl RawArticle {
    /// Validates one message. Never panics; every failure names its code and field.
    pub fn parse(bytes: &[u8], max_bytes: usize) -> Result<RawArticle, InputError> {
        if bytes.len() > max_bytes {
            return Err(InputError::new(
                ErrorCode::TooLarge,
                format!(
                    "message is {} bytes; the limit is {max_bytes} (limits.max_message_bytes)",
                    bytes.len()
                ),
            ));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            InputError::new(
                ErrorCode::InvalidUtf8,
                format!(
                    "message is not UTF-8: invalid byte sequence at byte {}",
                    e.valid_up_to()
                ),
            )
        })?;
        let RawObject(fields) = serde_json::from_str(text).map_err(|e| {
            InputError::new(ErrorCode::MalformedJson, format!("not a JSON object: {e}"))
        })?;
        let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| &**v);

        let id = required_string(field("id"), "id", "a string of 1 to 255 bytes")?;
        if id.is_empty() || id.len() > MAX_ID_BYTES {
            return Err(InputError::new(
                ErrorCode::InvalidField,
                format!(
                    "id: expected a string of 1 to 255 bytes, found {} bytes",
                    id.len()
                ),
            ));
        }
        let source = required_string(field("source"), "source", "a non-empty string")?;
        if source.trim().is_empty() {
            return Err(InputError::new(
                ErrorCode::InvalidField,
                "source: expected a non-empty string, found only whitespace",
            ));
        }
        let body = required_string(field("body"), "body", "a string")?;
        for name in ["title", "url", "published_at", "language"] {
            optional_string(field(name), name)?;
        }
        let title = optional_string(field("title"), "title")?;
        let content_type = match optional_string(field("content_type"), "content_type")? {
            None => ContentType::PlainText,
            Some(value) => parse_content_type(&value)?,
        };
        if body.trim().is_empty() {
            return Err(InputError::new(
                ErrorCode::EmptyBody,
                "body: expected some non-whitespace text, found none",
            ));
        }
        Ok(RawArticle {
            id,
            source,
            body,
            title,
            content_type,
            fields,
        })
    }

    /// The carried-through fields, in input order, without the body and the reserved names.
    pub fn carried_fields(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        self.fields
            .iter()
            .filter(|(k, _)| k != "body" && !RESERVED_FIELDS.contains(&k.as_str()))
            .map(|(k, v)| (k.as_str(), &**v))
    }
}

fn json_type(value: &RawValue) -> &'static str {
    match value.get().as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

fn as_string(value: &RawValue, name: &str, expected: &str) -> Result<String, InputError> {
    if json_type(value) != "a string" {
        return Err(InputError::new(
            ErrorCode::InvalidField,
            format!("{name}: expected {expected}, found {}", json_type(value)),
        ));
    }
    serde_json::from_str(value.get()).map_err(|e| {
        InputError::new(
            ErrorCode::InvalidField,
            format!("{name}: expected {expected}, found a string that is not valid Unicode ({e})"),
        )
    })
}

fn required_string(
    value: Option<&RawValue>,
    name: &str,
    expected: &str,
) -> Result<String, InputError> {
    match value {
        Some(v) if v.get() != "null" => as_string(v, name, expected),
        _ => Err(InputError::new(
            ErrorCode::MissingField,
            format!("{name}: required field is missing (expected {expected})"),
        )),
    }
}

fn optional_string(value: Option<&RawValue>, name: &str) -> Result<Option<String>, InputError> {
    match value {
        Some(v) if v.get() != "null" => as_string(v, name, "a string or null").map(Some),
        _ => Ok(None),
    }
}

fn parse_content_type(value: &str) -> Result<ContentType, InputError> {
    let essence = value.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("text/plain") {
        Ok(ContentType::PlainText)
    } else if essence.eq_ignore_ascii_case("text/html") {
        Ok(ContentType::Html)
    } else {
        Err(InputError::new(
            ErrorCode::UnsupportedContentType,
            format!(
                "content_type: expected text/plain or text/html (optionally with parameters), \
                 found {value:?}"
            ),
        ))
    }
}

/// How deep a carried value may nest arrays and objects. A record carries such values verbatim,
/// and parsers downstream refuse deep nesting (serde_json at 128 levels, counting the record's
/// own object): deeper input is `malformed_json`, not a record nobody can read.
pub const MAX_NESTING: usize = 100;

/// The deepest nesting of arrays and objects in a JSON text already known to be valid.
fn nesting(json: &str) -> usize {
    let bytes = json.as_bytes();
    if !matches!(bytes.first(), Some(b'[' | b'{')) {
        return 0;
    }
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// A name that occurs twice. A few fields (every real article) are compared pairwise, with no
/// allocation; many go through a set, so 100,000 fields do not cost 10^10 comparisons.
fn duplicate_name(fields: &[(String, Box<RawValue>)]) -> Option<&str> {
    if fields.len() <= 32 {
        return fields.iter().enumerate().find_map(|(i, (key, _))| {
            fields[..i]
                .iter()
                .any(|(k, _)| k == key)
                .then_some(key.as_str())
        });
    }
    let mut names = std::collections::HashSet::with_capacity(fields.len());
    fields
        .iter()
        .map(|(key, _)| key.as_str())
        .find(|key| !names.insert(*key))
}

/// A top-level JSON object as its fields in order, values verbatim. Duplicate names are
/// rejected: which of two `id`s is meant cannot be guessed safely.
struct RawObject(Vec<(String, Box<RawValue>)>);

impl<'de> serde::Deserialize<'de> for RawObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = RawObject;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawObject, A::Error> {
                let mut fields: Vec<(String, Box<RawValue>)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Box<RawValue>>()? {
                    if nesting(value.get()) > MAX_NESTING {
                        return Err(de::Error::custom(format!(
                            "field {key:?} nests arrays and objects deeper than {MAX_NESTING} \
                             levels, more than JSON parsers downstream accept"
                        )));
                    }
                    fields.push((key, value));
                }
                if let Some(key) = duplicate_name(&fields) {
                    return Err(de::Error::custom(format!("duplicate field {key:?}")));
                }
                Ok(RawObject(fields))
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}

/// Whether a record's article is new content or a copy of an earlier one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Clean,
    Duplicate,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Clean => "clean",
            Status::Duplicate => "duplicate",
        }
    }
}

/// One dropped paragraph, as the record's audit trail shows it.
#[derive(Debug, serde::Serialize)]
pub struct DroppedEntry {
    pub index: usize,
    pub reason: &'static str,
    /// Which boilerplate rule decided (`learned`, `link_list`, `edge_marker`, `trailing_zone`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'static str>,
    /// Hex content key; `null` for an `empty` paragraph, which has none.
    pub key: Option<String>,
}

#[derive(Debug, serde::Serialize)]
pub struct Counts {
    pub paragraphs: usize,
    pub kept: usize,
    pub dropped: usize,
}

/// The record published downstream for one article.
#[derive(Debug)]
pub struct CleanRecord<'a> {
    pub article: &'a RawArticle,
    pub paragraphs: Vec<&'a str>,
    pub status: Status,
    pub duplicate_of: Option<&'a str>,
    pub fingerprint: String,
    pub dropped: Vec<DroppedEntry>,
    pub format: u32,
}

impl CleanRecord<'_> {
    pub fn counts(&self) -> Counts {
        Counts {
            paragraphs: self.paragraphs.len() + self.dropped.len(),
            kept: self.paragraphs.len(),
            dropped: self.dropped.len(),
        }
    }

    /// The record as one line of JSON: carried fields first, in input order, then the
    /// record's own fields in a fixed order. Deterministic, so a redelivery is byte-identical.
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.article.body.len() + 512);
        let mut ser = serde_json::Serializer::new(&mut out);
        let write = |ser: &mut serde_json::Serializer<&mut Vec<u8>>| -> serde_json::Result<()> {
            let mut map = ser.serialize_map(None)?;
            for (key, value) in self.article.carried_fields() {
                map.serialize_entry(key, value)?;
            }
            map.serialize_entry("paragraphs", &self.paragraphs)?;
            map.serialize_entry("status", self.status.as_str())?;
            map.serialize_entry("duplicate_of", &self.duplicate_of)?;
            map.serialize_entry("fingerprint", &self.fingerprint)?;
            map.serialize_entry("dropped", &self.dropped)?;
            map.serialize_entry("counts", &self.counts())?;
            map.serialize_entry("format", &self.format)?;
            map.end()
        };
        write(&mut ser).expect("serializing to a Vec cannot fail");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<RawArticle, InputError> {
        RawArticle::parse(s.as_bytes(), 1 << 20)
    }

    #[test]
    fn carried_fields_keep_order_and_number_text() {
        let a = parse(r#"{"z":1.50,"id":"a","source":"s","body":"x","n":12345678901234567890123,"o":{"b":1, "a":2}}"#).unwrap();
        let carried: Vec<String> = a
            .carried_fields()
            .map(|(k, v)| format!("{k}={}", v.get()))
            .collect();
        assert_eq!(
            carried,
            [
                "z=1.50",
                "id=\"a\"",
                "source=\"s\"",
                "n=12345678901234567890123",
                "o={\"b\":1, \"a\":2}"
            ]
        );
    }

    #[test]
    fn duplicate_field_is_malformed() {
        let e = parse(r#"{"id":"a","id":"b","source":"s","body":"x"}"#).unwrap_err();
        assert_eq!(e.code, ErrorCode::MalformedJson);
        assert!(
            e.message.contains("duplicate field \"id\""),
            "{}",
            e.message
        );
    }

    #[test]
    fn carried_values_nest_at_most_max_nesting_deep() {
        let nested = |depth: usize| {
            format!(
                r#"{{"id":"a","source":"s","body":"x","extra":{}"]["{}}}"#,
                "[".repeat(depth),
                "]".repeat(depth)
            )
        };
        assert!(parse(&nested(MAX_NESTING)).is_ok());
        let e = parse(&nested(MAX_NESTING + 1)).unwrap_err();
        assert_eq!(e.code, ErrorCode::MalformedJson);
        assert!(e.message.contains("\"extra\" nests"), "{}", e.message);
    }

    #[test]
    fn content_type_parameters_are_allowed() {
        let a = parse(
            r#"{"id":"a","source":"s","body":"x","content_type":"Text/Plain; charset=utf-8"}"#,
        );
        assert_eq!(a.unwrap().content_type, ContentType::PlainText);
    }
}
