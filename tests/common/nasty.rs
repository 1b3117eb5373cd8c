//! Hostile input: each message a worker may meet at the worst moment, with the end it must
//! come to. Shared by the offline test (`tests/hostile.rs`) and the worker test
//! (`tests/it/hostile.rs`).

use serde_json::json;

/// How a hostile message must end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    Record,
    Dead(&'static str),
}

pub struct Nasty {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub end: End,
}

/// The default message size limit (limits.max_message_bytes).
pub const LIMIT: usize = 8 * 1024 * 1024;

fn article(id: &str, body: &str) -> serde_json::Value {
    json!({"id": id, "source": "hostile.example", "body": body})
}

fn bytes(value: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

/// `i` written in letters only, so each is a distinct paragraph with no digits.
fn letters(mut i: usize) -> String {
    let mut out = String::new();
    loop {
        out.push((b'a' + (i % 26) as u8) as char);
        i /= 26;
        if i == 0 {
            return out;
        }
    }
}

pub fn nasty_inputs() -> Vec<Nasty> {
    let mut out = Vec::new();
    let mut push = |name, bytes: Vec<u8>, end| out.push(Nasty { name, bytes, end });

    // Sizes.
    push(
        "one 7 MB paragraph",
        bytes(&article("huge", &"word ".repeat(1_400_000))),
        End::Record,
    );
    let tiny: Vec<String> = (0..1_000_000).map(letters).collect();
    push(
        "1,000,000 tiny paragraphs",
        bytes(&article("tiny", &tiny.join("\n"))),
        End::Dead("too_large"),
    );
    push(
        "100,000 tiny paragraphs (limits.max_paragraphs)",
        bytes(&article("tiny-limit", &tiny[..100_000].join("\n"))),
        End::Record,
    );
    push(
        "over the size limit",
        bytes(&article("big", &"x".repeat(LIMIT + 1))),
        End::Dead("too_large"),
    );
    push(
        "a 100,000-character word",
        bytes(&article("word", &"ab".repeat(50_000))),
        End::Record,
    );

    // JSON shapes.
    let deep = format!(
        r#"{{"id":"deep","source":"s","body":"x","extra":{}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    push(
        "JSON nested 100,000 deep",
        deep.into_bytes(),
        End::Dead("malformed_json"),
    );
    let deepest = format!(
        r#"{{"id":"deepest","source":"s","body":"x","extra":{}"#,
        "[".repeat(4_000_000)
    );
    push(
        "4,000,000 open brackets",
        deepest.into_bytes(),
        End::Dead("malformed_json"),
    );
    let mut wide = serde_json::Map::new();
    wide.insert("id".into(), json!("wide"));
    wide.insert("source".into(), json!("s"));
    wide.insert("body".into(), json!("Text."));
    for i in 0..100_000 {
        wide.insert(format!("f{i}"), json!(i));
    }
    push(
        "100,000 extra fields",
        serde_json::to_vec(&wide).unwrap(),
        End::Record,
    );
    push(
        "a lone surrogate escape",
        br#"{"id":"sur","source":"s","body":"\ud800 text"}"#.to_vec(),
        End::Dead("invalid_field"),
    );
    push(
        "a duplicated key",
        br#"{"id":"dup","source":"s","body":"one","body":"two"}"#.to_vec(),
        End::Dead("malformed_json"),
    );
    push("JSON null", b"null".to_vec(), End::Dead("malformed_json"));
    push("nothing at all", Vec::new(), End::Dead("malformed_json"));
    push(
        "id of 256 bytes",
        bytes(&article(&"i".repeat(256), "Text.")),
        End::Dead("invalid_field"),
    );

    // Bytes that are not UTF-8, in every field.
    for (name, field) in [
        ("invalid UTF-8 in id", "id"),
        ("invalid UTF-8 in source", "source"),
        ("invalid UTF-8 in body", "body"),
        ("invalid UTF-8 in title", "title"),
        ("invalid UTF-8 in url", "url"),
        ("invalid UTF-8 in an extra field", "extra"),
    ] {
        let mut value = json!({"id": "utf", "source": "s", "body": "Text.", "title": "T",
            "url": "https://u.example/", "extra": "e"});
        value[field] = json!("MARK");
        let text = serde_json::to_string(&value).unwrap();
        let mut raw = text.into_bytes();
        let at = raw.windows(4).position(|w| w == b"MARK").unwrap();
        raw.splice(at..at + 4, [0xC3, 0x28, 0xFF, 0xFE]);
        push(name, raw, End::Dead("invalid_utf8"));
    }
    push(
        "invalid UTF-8 in a key",
        b"{\"id\":\"k\",\"source\":\"s\",\"body\":\"x\",\"\xff\":1}".to_vec(),
        End::Dead("invalid_utf8"),
    );

    // Characters that fool people or terminals.
    push(
        "control characters everywhere",
        bytes(
            &json!({"id": "ctl\u{1}\u{1b}[31m", "source": "s\u{7}", "title": "\u{0}T",
            "body": "Line \u{0} one\u{1b}[2J\n\u{85}Line\u{7f} two\u{8}\u{8}\n\u{c}"}),
        ),
        End::Record,
    );
    push(
        "bidi overrides",
        bytes(
            &json!({"id": "bidi\u{202e}txt.exe", "source": "s", "title": "\u{2066}T\u{2069}",
            "body": "Pay \u{202e}0001\u{202c} dollars.\n\u{200f}\u{202b}Right to left\u{202c}"}),
        ),
        End::Record,
    );
    push(
        "only invisible characters",
        bytes(&article("zw", "\u{200b}\u{feff}\u{ad}\n\u{200d}")),
        End::Record,
    );

    // HTML that breaks naive parsers.
    let html = |id: &str, body: String| {
        bytes(&json!({"id": id, "source": "s", "body": body, "content_type": "text/html"}))
    };
    push(
        "HTML nested 100,000 deep",
        html(
            "nest",
            format!("{}x{}", "<div>".repeat(100_000), "</div>".repeat(100_000)),
        ),
        End::Record,
    );
    push(
        "HTML with a comment never closed",
        html(
            "comment",
            format!("<p>Kept</p><!-- {}", "<p>x</p>".repeat(10_000)),
        ),
        End::Record,
    );
    push(
        "HTML with a script never closed",
        html(
            "script",
            format!("<p>Kept</p><script>{}", "a<b".repeat(100_000)),
        ),
        End::Record,
    );
    push(
        "HTML with 500,000 empty paragraphs",
        html("empty", "<p></p>".repeat(500_000)),
        End::Record,
    );
    push(
        "HTML entity flood",
        html(
            "entities",
            "&amp;&#x1F600;&#0;&#xD800;&bogus;".repeat(100_000),
        ),
        End::Record,
    );
    out
}
