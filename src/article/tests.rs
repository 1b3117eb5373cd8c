//! Parsing tests: carried fields, duplicates, nesting, content types.

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
    let a =
        parse(r#"{"id":"a","source":"s","body":"x","content_type":"Text/Plain; charset=utf-8"}"#);
    assert_eq!(a.unwrap().content_type, ContentType::PlainText);
}
