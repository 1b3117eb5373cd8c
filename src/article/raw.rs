//! The raw article: parsing and checking the input JSON, carried fields kept as their text.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{ErrorCode, InputError};

/// How to find paragraphs in the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentType {
    PlainText,
    Html,
}

/// Names the record sets itself; an input field with one of these names is replaced.
pub const RESERVED_FIELDS: [&str; 11] = [
    "paragraphs",
    "status",
    "duplicate_of",
    "copy",
    "fingerprint",
    "dropped",
    "repairs",
    "page",
    "counts",
    "format",
    "record_format",
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
    /// The fields a record carries through: the top-level ones in input order, verbatim,
    /// without the body and the reserved names.
    fields: Vec<(String, Box<RawValue>)>,
}

impl RawArticle {
    /// Validates one message. Never panics; every failure names its code and field.
    pub fn parse(bytes: &[u8], max_bytes: usize) -> Result<RawArticle, InputError> {
        Self::check(bytes, max_bytes, Body::Inline)
    }

    /// [`RawArticle::parse`] with every value read verbatim first: the reference the one-pass
    /// read is checked against (tests, fuzzing).
    #[doc(hidden)]
    pub fn parse_verbatim(bytes: &[u8], max_bytes: usize) -> Result<RawArticle, InputError> {
        Self::check(bytes, max_bytes, Body::Raw)
    }

    /// Both ways of reading the body accept the same messages, make the same article of them
    /// and name the same failure ([`Body`]).
    fn check(bytes: &[u8], max_bytes: usize, read_body: Body) -> Result<RawArticle, InputError> {
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
        let RawObject { fields, body } = RawObject::parse(text, read_body).map_err(|e| {
            InputError::new(ErrorCode::MalformedJson, format!("not a JSON object: {e}"))
        })?;
        let field = |name: &str| fields.iter().find(|(k, _)| k == name).and_then(|(_, v)| *v);

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
        let body = match body {
            Some(body) => body,
            None => required_string(field("body"), "body", "a string")?,
        };
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
        // Only the carried fields are kept: the body (most of the message) is not copied again.
        let fields = fields
            .into_iter()
            .filter(|(k, _)| k != "body" && !RESERVED_FIELDS.contains(&k.as_str()))
            .filter_map(|(k, v)| Some((k, v?.to_owned())))
            .collect();
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
        self.fields.iter().map(|(k, v)| (k.as_str(), &**v))
    }

    /// The input's `url`, when it is a string.
    pub fn url(&self) -> Option<String> {
        self.carried_fields()
            .find(|(k, _)| *k == "url")
            .and_then(|(_, v)| serde_json::from_str::<String>(v.get()).ok())
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
fn duplicate_name<'a>(fields: &'a [(String, Option<&RawValue>)]) -> Option<&'a str> {
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

/// How [`RawObject`] reads the `body` field.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Body {
    /// Into its text as the object is read, in one pass over the message (the body is most of
    /// it). An object that fails so (a body that is not a valid string, or any other fault) is
    /// read again `Raw`, which finds the failure and names it.
    Inline,
    /// Verbatim, like every other field.
    Raw,
}

/// A top-level JSON object as its fields in order, values verbatim (borrowed from the message's
/// text), except a body read inline (its value then `None`, its text in `body`). Duplicate
/// names are rejected: which of two `id`s is meant cannot be guessed safely.
struct RawObject<'a> {
    fields: Vec<(String, Option<&'a RawValue>)>,
    body: Option<String>,
}

impl<'de> RawObject<'de> {
    fn parse(text: &'de str, read_body: Body) -> serde_json::Result<RawObject<'de>> {
        let read = |read_body| {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            let object = deserializer.deserialize_map(ObjectVisitor(read_body))?;
            deserializer.end()?;
            Ok(object)
        };
        match read_body {
            Body::Inline => read(Body::Inline).or_else(|_| read(Body::Raw)),
            Body::Raw => read(Body::Raw),
        }
    }
}

struct ObjectVisitor(Body);

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = RawObject<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawObject<'de>, A::Error> {
        let mut fields: Vec<(String, Option<&'de RawValue>)> = Vec::new();
        let mut body = None;
        while let Some(key) = map.next_key::<String>()? {
            if self.0 == Body::Inline && key == "body" && body.is_none() {
                body = Some(map.next_value::<String>()?);
                fields.push((key, None));
                continue;
            }
            let value: &'de RawValue = map.next_value()?;
            if nesting(value.get()) > MAX_NESTING {
                return Err(de::Error::custom(format!(
                    "field {key:?} nests arrays and objects deeper than {MAX_NESTING} \
                     levels, more than JSON parsers downstream accept"
                )));
            }
            fields.push((key, Some(value)));
        }
        if let Some(key) = duplicate_name(&fields) {
            return Err(de::Error::custom(format!("duplicate field {key:?}")));
        }
        Ok(RawObject { fields, body })
    }
}
