//! Seed corpora for the fuzz targets, from `tests/fixtures/**` (nothing else is read).
//!
//! `paraprint-fuzz-seeds FIXTURES CORPUS MAX_LEN` writes `CORPUS/<target>/seed-*`:
//! - `message`, `engine`: every line of every JSON-lines fixture (`*.jsonl`, `*.jsonl.gz`), whole;
//!   `engine` also gets runs of up to four consecutive lines joined by the 0x1E separator its
//!   target splits on (so state carries across the messages of one input);
//! - `plain`: the `body` field of every line, and the `*.txt` fixtures;
//! - `html`: the `body` fields that are HTML, and the `*.html` fixtures;
//! - `date`: the short lines with digits of every `body` (datelines, bylines, captions), at
//!   most five a body.
//!
//! Inputs longer than MAX_LEN bytes (the fuzzer's `-max_len`) are left out where cutting would
//! break them (whole JSON lines) and cut at a character boundary otherwise (bodies, pages).

use std::io::Read;
use std::path::{Path, PathBuf};

const TARGETS: [&str; 5] = ["message", "plain", "html", "engine", "date"];
/// Longest line taken as a `date` seed.
const DATE_SEED_BYTES: usize = 200;
const SEPARATOR: u8 = 0x1E;
const MAX_MESSAGES: usize = 4;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [fixtures, corpus, max_len] = args.as_slice() else {
        eprintln!("usage: paraprint-fuzz-seeds FIXTURES_DIR CORPUS_DIR MAX_LEN");
        std::process::exit(2);
    };
    let max_len: usize = max_len.parse().expect("MAX_LEN is a number of bytes");
    let mut seeds = Seeds {
        corpus: PathBuf::from(corpus),
        max_len,
        counts: [0; 5],
    };
    for target in TARGETS {
        std::fs::create_dir_all(seeds.corpus.join(target)).expect("corpus dir");
    }
    let mut files = Vec::new();
    walk(Path::new(fixtures), &mut files);
    files.sort();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let stem = name
            .trim_end_matches(".gz")
            .trim_end_matches(".jsonl")
            .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_");
        if name.ends_with(".jsonl") || name.ends_with(".jsonl.gz") {
            let text = read_text(path);
            let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            for (n, line) in lines.iter().enumerate() {
                seeds.whole("message", &format!("{stem}-{n}"), line.as_bytes());
                seeds.whole("engine", &format!("{stem}-{n}"), line.as_bytes());
                let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
                    continue;
                };
                let Some(body) = value.get("body").and_then(|b| b.as_str()) else {
                    continue;
                };
                seeds.cut("plain", &format!("{stem}-{n}"), body);
                let dated = body
                    .lines()
                    .filter(|l| l.len() <= DATE_SEED_BYTES && l.bytes().any(|b| b.is_ascii_digit()))
                    .take(5);
                for (k, line) in dated.enumerate() {
                    seeds.whole("date", &format!("{stem}-{n}-{k}"), line.trim().as_bytes());
                }
                let html = value
                    .get("content_type")
                    .and_then(|c| c.as_str())
                    .is_some_and(|c| c.to_ascii_lowercase().contains("html"))
                    || body.contains("</");
                if html {
                    seeds.cut("html", &format!("{stem}-{n}"), body);
                }
            }
            for (n, run) in lines.chunks(MAX_MESSAGES).enumerate() {
                if run.len() > 1 {
                    let joined = run.join(&(SEPARATOR as char).to_string());
                    seeds.whole("engine", &format!("{stem}-run{n}"), joined.as_bytes());
                }
            }
        } else if name.ends_with(".html") {
            seeds.cut("html", &stem, &read_text(path));
        } else if name.ends_with(".txt") {
            seeds.cut("plain", &stem, &read_text(path));
        }
    }
    let counts: Vec<String> = TARGETS
        .iter()
        .zip(seeds.counts)
        .map(|(t, n)| format!("{t}={n}"))
        .collect();
    println!(
        "seeds from {} fixture files: {}",
        files.len(),
        counts.join(" ")
    );
}

struct Seeds {
    corpus: PathBuf,
    max_len: usize,
    counts: [usize; 5],
}

impl Seeds {
    fn write(&mut self, target: &str, name: &str, bytes: &[u8]) {
        std::fs::write(self.corpus.join(target).join(format!("seed-{name}")), bytes)
            .expect("seed written");
        self.counts[TARGETS.iter().position(|t| *t == target).unwrap()] += 1;
    }

    /// A seed that is useless cut short: left out when too long.
    fn whole(&mut self, target: &str, name: &str, bytes: &[u8]) {
        if bytes.len() <= self.max_len {
            self.write(target, name, bytes);
        }
    }

    /// Text cut to `max_len` bytes at a character boundary.
    fn cut(&mut self, target: &str, name: &str, text: &str) {
        let mut end = text.len().min(self.max_len);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        if end > 0 {
            self.write(target, name, &text.as_bytes()[..end]);
        }
    }
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            // Committed crash inputs are regression tests, not seeds of the fuzzer's corpus.
            if path.file_name().is_some_and(|n| n == "fuzz") {
                continue;
            }
            walk(&path, files);
        } else {
            files.push(path);
        }
    }
}

fn read_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let bytes = if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .read_to_end(&mut out)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out
    } else {
        bytes
    };
    String::from_utf8_lossy(&bytes).into_owned()
}
