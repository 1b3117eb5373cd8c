//! What a page's JSON-LD (schema.org) says about its article.

use serde_json::Value;

use super::facts::bounded;

/// Most JSON values looked at in one page's JSON-LD; the walk is iterative, and serde_json
/// refuses nesting deeper than 128.
const MAX_VALUES: usize = 20_000;

/// The article's own object's fields, from the first object of an article type (else of a
/// web page type).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JsonLd {
    pub date_published: Option<String>,
    pub headline: Option<String>,
    /// Names of the authors that are people (an organization as author is the publisher).
    pub authors: Vec<String>,
    pub language: Option<String>,
    pub publisher: Option<String>,
    pub url: Option<String>,
}

/// How well a `@type` names an article: 2 for an article, 1 for a web page, 0 otherwise.
fn rank(object: &serde_json::Map<String, Value>) -> u8 {
    let names = match object.get("@type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => return 0,
    };
    let mut best = 0;
    for name in names {
        let name = name.rsplit(['/', ':']).next().unwrap_or(name);
        if name.ends_with("Article")
            || matches!(
                name,
                "BlogPosting"
                    | "LiveBlogPosting"
                    | "Report"
                    | "SocialMediaPosting"
                    | "Blog"
                    | "OpinionNewsArticle"
            )
        {
            best = 2;
        } else if name.ends_with("WebPage") {
            best = best.max(1);
        }
    }
    best
}

fn text(value: &Value) -> Option<String> {
    match value {
        // Sites write HTML's character references into JSON-LD ("Redacci&oacute;n").
        Value::String(s) if !s.trim().is_empty() => {
            Some(htmlize::unescape(bounded(s.trim())).into_owned())
        }
        Value::Array(a) => a.iter().find_map(text),
        Value::Object(o) => o.get("@value").or_else(|| o.get("name")).and_then(text),
        _ => None,
    }
}

fn is_organization(object: &serde_json::Map<String, Value>) -> bool {
    matches!(object.get("@type"), Some(Value::String(t)) if t.contains("Organization") || t == "NewsMediaOrganization" || t == "Corporation")
}

/// Names of people by their `@id`, for authors given as a reference into the page's graph.
type People = std::collections::HashMap<String, String>;

fn authors(value: &Value, people: &People, out: &mut Vec<String>) {
    let items: &[Value] = match value {
        Value::Array(a) => a,
        other => std::slice::from_ref(other),
    };
    for item in items.iter().take(16) {
        match item {
            Value::String(s) if !s.trim().is_empty() => {
                out.push(htmlize::unescape(bounded(s.trim())).into_owned())
            }
            Value::Object(o) if !is_organization(o) => {
                let name = o.get("name").and_then(text).or_else(|| {
                    o.get("@id")
                        .and_then(Value::as_str)
                        .and_then(|id| people.get(id).cloned())
                });
                out.extend(name);
            }
            _ => {}
        }
    }
}

fn read(object: &serde_json::Map<String, Value>, people: &People) -> JsonLd {
    let mut found = JsonLd {
        date_published: object.get("datePublished").and_then(text),
        headline: object.get("headline").and_then(text),
        language: object.get("inLanguage").and_then(text),
        publisher: object.get("publisher").and_then(|p| match p {
            Value::Object(o) => o.get("name").and_then(text),
            other => text(other),
        }),
        url: object
            .get("mainEntityOfPage")
            .and_then(|m| match m {
                Value::Object(o) => o.get("@id").or_else(|| o.get("url")).and_then(text),
                other => text(other),
            })
            .or_else(|| object.get("url").and_then(text)),
        authors: Vec::new(),
    };
    if let Some(a) = object.get("author").or_else(|| object.get("creator")) {
        authors(a, people, &mut found.authors);
    }
    found
}

/// The article's fields from a page's JSON-LD scripts: the first object of the best type,
/// completed from the page's other objects only for its publisher (often a separate
/// `Organization` or `WebSite` object).
pub fn read_scripts(scripts: &[String]) -> Option<JsonLd> {
    let values: Vec<Value> = scripts
        .iter()
        .filter_map(|script| {
            // Pages wrap JSON-LD in HTML comments or CDATA, or end it with a stray `;`.
            let body = script
                .trim()
                .trim_start_matches("<!--")
                .trim_end_matches("-->")
                .trim()
                .trim_start_matches("//<![CDATA[")
                .trim_end_matches("//]]>")
                .trim()
                .trim_end_matches(';');
            serde_json::from_str(body).ok()
        })
        .collect();
    if values.is_empty() {
        // Hand-written JSON-LD that is not JSON (a raw newline in a string, a trailing comma)
        // still says when it was published.
        return scripts
            .iter()
            .find_map(|s| quoted_value(s, "datePublished"))
            .map(|date| JsonLd {
                date_published: Some(date),
                ..JsonLd::default()
            });
    }
    let mut best: Option<(u8, &serde_json::Map<String, Value>)> = None;
    let mut site: Option<String> = None;
    let mut people = People::new();
    let mut seen = 0;
    let mut stack: Vec<&Value> = values.iter().rev().collect();
    while let Some(v) = stack.pop() {
        seen += 1;
        if seen > MAX_VALUES {
            break;
        }
        match v {
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(o) => {
                let r = rank(o);
                if r > 0 && best.is_none_or(|(b, _)| r > b) {
                    best = Some((r, o));
                }
                let kind = o.get("@type").and_then(Value::as_str);
                if site.is_none() && kind == Some("WebSite") {
                    site = o.get("name").and_then(text);
                }
                if kind == Some("Person")
                    && let (Some(id), Some(name)) = (
                        o.get("@id").and_then(Value::as_str),
                        o.get("name").and_then(text),
                    )
                {
                    people.insert(id.to_owned(), name);
                }
                // A page's objects, or its article as the page's main entity.
                for key in ["@graph", "mainEntity"] {
                    if let Some(inner) = o.get(key) {
                        stack.push(inner);
                    }
                }
            }
            _ => {}
        }
    }
    best.map(|(_, object)| {
        let mut found = read(object, &people);
        if found.publisher.is_none() {
            found.publisher = site;
        }
        found
    })
}

/// The string after `"key":` in text that is not valid JSON.
fn quoted_value(text: &str, key: &str) -> Option<String> {
    let needle = format!("\"{key}\"");
    let after = &text[text.find(&needle)? + needle.len()..];
    let after = after
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    let value = &after[..after.find('"')?];
    (value.len() <= 64).then(|| value.to_owned())
}
