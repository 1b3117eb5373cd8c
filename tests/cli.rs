//! The `paraprint` binary as a user runs it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn paraprint(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_paraprint"))
        .args(args)
        .env_remove("PARAPRINT_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("paraprint runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn clean_a_file_prints_one_record_per_article() {
    let out = paraprint(&["clean", &fixture("seed-menafn.jsonl")], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["counts"]["kept"], 9);
}

#[test]
fn bad_lines_are_reported_and_the_rest_still_cleaned() {
    let seed = std::fs::read(fixture("seed-menafn.jsonl")).unwrap();
    let mut input = Vec::new();
    input.extend_from_slice(&seed);
    input.extend_from_slice(b"{\"id\": \"x\", \"source\": \"s\"}\n");
    input.extend_from_slice(b"\n");
    input.extend_from_slice(b"not json\r\n");
    input.extend_from_slice(br#"{"id": "y", "source": "s", "body": "A last line of news."}"#);
    let out = paraprint(&["clean", "-"], &input);
    assert_eq!(out.status.code(), Some(1), "bad lines make a non-zero exit");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("line 2: missing_field: body"), "{stderr}");
    assert!(stderr.contains("line 4: malformed_json:"), "{stderr}");
    assert!(
        stderr.contains("2 of 4 lines could not be cleaned"),
        "{stderr}"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.lines().count(),
        2,
        "both good lines cleaned: {stdout}"
    );
}

#[test]
fn explain_shows_each_paragraph_and_its_fate() {
    let seed = std::fs::read_to_string(fixture("seed-menafn.jsonl")).unwrap();
    let copy = seed
        .replace(r#""id": "menafn-seed""#, r#""id": "the-copy""#)
        .replace(
            r#""source": "menafn.com""#,
            r#""source": "another.example""#,
        );
    let out = paraprint(&["clean", "--explain"], format!("{seed}{copy}").as_bytes());
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("menafn-seed (menafn.com): clean, kept 9 of"),
        "{text}"
    );
    assert!(
        text.contains(
            "the-copy (another.example): duplicate of menafn-seed (exact: 1.000 of its measured \
             text, 9 of 9 paragraphs held),"
        ),
        "{text}"
    );
    assert!(text.contains("drop title_echo"));
    assert!(text.contains("drop repeated_in_article"));
    assert!(text.contains("drop boilerplate/edge_marker"));
    assert!(text.contains("drop boilerplate/trailing_zone"));
}

#[test]
fn unknown_key_in_a_config_file_fails_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "[copies]\ncontainmint = 0.5\n").unwrap();
    let out = paraprint(&["config", "--config", path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("unknown configuration key `copies.containmint`")
    );
}

#[test]
fn config_shows_environment_overrides() {
    let out = Command::new(env!("CARGO_BIN_EXE_paraprint"))
        .arg("config")
        .env("PARAPRINT_BOILERPLATE__MIN_ARTICLES", "7")
        .env("PARAPRINT_SERVICE_HOST", "10.1.2.3")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("min_articles = 7"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PARAPRINT_SERVICE_HOST"));
}

/// Articles of one source, each with the same footer line, as JSON lines.
fn history(range: std::ops::Range<usize>) -> String {
    let text = std::fs::read_to_string(fixture("wikinews.jsonl")).unwrap();
    text.lines()
        .skip(range.start)
        .take(range.len())
        .map(|line| {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            let body = format!(
                "{}\nSubscribe to the Daily Example newsletter today.",
                v["body"].as_str().unwrap()
            );
            v["body"] = body.into();
            v["source"] = "daily.example".into();
            format!("{v}\n")
        })
        .collect()
}

/// `learn` primes a state folder; `clean --state` then starts warm, while plain `clean`
/// starts cold.
#[test]
fn learn_primes_the_state_that_clean_uses() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let out = paraprint(
        &["learn", "--state", state.to_str().unwrap()],
        history(0..4).as_bytes(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("learned from 4 articles"));

    let footer = "Subscribe to the Daily Example newsletter today.";
    let warm = paraprint(
        &["clean", "--state", state.to_str().unwrap()],
        history(4..5).as_bytes(),
    );
    let warm: serde_json::Value = serde_json::from_slice(&warm.stdout).unwrap();
    assert!(
        !warm["paragraphs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == footer),
        "learned"
    );

    let cold = paraprint(&["clean"], history(4..5).as_bytes());
    let cold: serde_json::Value = serde_json::from_slice(&cold.stdout).unwrap();
    assert!(
        cold["paragraphs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == footer),
        "fresh store"
    );
}

fn kept(out: &Output, line: &str) -> bool {
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    record["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p == line)
}

/// An operator sees what was learned about a source (`state show`, with the lines from a
/// sample), forgets a line wrongly learned, and the next article keeps it again.
#[test]
fn forget_makes_a_dropped_line_kept_again() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let state = state.to_str().unwrap();
    let footer = "Subscribe to the Daily Example newsletter today.";
    let out = paraprint(&["learn", "--state", state], history(0..4).as_bytes());
    assert!(out.status.success());
    assert!(!kept(
        &paraprint(&["clean", "--state", state], history(4..5).as_bytes()),
        footer
    ));

    let sample = dir.path().join("sample.jsonl");
    std::fs::write(&sample, history(0..2)).unwrap();
    let shown = paraprint(
        &[
            "state",
            "show",
            "daily.example",
            "--state",
            state,
            "--sample",
            sample.to_str().unwrap(),
        ],
        b"",
    );
    let table = String::from_utf8_lossy(&shown.stdout);
    let first = table.lines().nth(1).unwrap_or_default();
    assert!(
        first.trim_start().starts_with("5 ") && first.ends_with(footer),
        "{table}"
    );

    // Case, punctuation and spacing do not matter, as with keys.
    let forgot = paraprint(
        &[
            "state",
            "forget",
            "daily.example",
            "--line",
            "subscribe to the daily example newsletter today",
            "--state",
            state,
        ],
        b"",
    );
    assert!(
        String::from_utf8_lossy(&forgot.stderr).contains("forgot 1 entries"),
        "{}",
        String::from_utf8_lossy(&forgot.stderr)
    );
    assert!(kept(
        &paraprint(&["clean", "--state", state], history(5..6).as_bytes()),
        footer
    ));
}

/// A line on the allow list is never dropped as boilerplate, however often it recurs.
#[test]
fn allowed_lines_are_never_boilerplate() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("allow.toml");
    std::fs::write(
        &config,
        "[[boilerplate.allow]]\nsource = \"daily.example\"\nline = \"SUBSCRIBE to the Daily Example newsletter today!\"\n",
    )
    .unwrap();
    let footer = "Subscribe to the Daily Example newsletter today.";
    let out = paraprint(
        &["clean", "--config", config.to_str().unwrap()],
        history(0..6).as_bytes(),
    );
    assert!(out.status.success());
    let last = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap()
        .to_string();
    let record: serde_json::Value = serde_json::from_str(&last).unwrap();
    assert!(
        record["paragraphs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == footer)
    );
    // Without the allow list the same stream drops it.
    let out = paraprint(&["clean"], history(0..6).as_bytes());
    let last = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap()
        .to_string();
    assert!(!last.contains(footer));
}

/// `eval` measures an HTML paragraph by its own text, not by the same byte range of the raw
/// page (which gave wrong figures, or a panic inside a multibyte character).
#[test]
fn eval_counts_html_paragraphs_by_their_text() {
    let line = r#"{"id":"h1","source":"s","content_type":"text/html","body":"<p>Ünïcödé wörds hère.</p><p>A second paragraph, longer than the first one.</p>","truth":{"labels":["content","content"]}}"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("eval.jsonl");
    std::fs::write(&path, line).unwrap();
    let out = paraprint(&["eval", path.to_str().unwrap(), "--json"], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kept = &report["all"]["content_kept"];
    // "Ünïcödé wörds hère." (19) and the second paragraph (46).
    assert_eq!(kept["total_chars"], 65, "{report}");
    assert_eq!(kept["hit_chars"], 65, "{report}");
}
