//! How far paraprint's HTML extractor agrees with the words a browser shows (html5ever's tree,
//! see tests/visible), page by page.
//!
//! ```sh
//! cargo run --release --example html_agreement -- [--summary] [--below X] [--page ID] [FILE…]
//! ```
//!
//! Each FILE holds JSON lines (gzipped when its name ends in `.gz`) with `id` and `body` (the
//! HTML). Without FILEs: the test fixture pages and `${EVAL_DEV_DIR:-../shared/eval-dev}`'s
//! `stream_html.jsonl.gz` when it exists. For each file: pages, mean and minimum agreement,
//! pages below 0.99 (or `--below X`) and not identical and, unless `--summary`, one line per page
//! below the threshold, worst first, with the words only one side has. `--page ID` prints both
//! sides' words in reading order for one page.

#[path = "../tests/visible/mod.rs"]
mod visible;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use visible::{Comparison, top};

/// The agreement below which a page is listed, unless `--below X` says otherwise.
const AGREE: f64 = 0.99;
/// Words listed per side for each page.
const TOP: usize = 12;

struct Args {
    summary: bool,
    below: f64,
    page: Option<String>,
    files: Vec<PathBuf>,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        summary: false,
        below: AGREE,
        page: None,
        files: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--summary" => args.summary = true,
            "--below" => {
                let value = it.next().context("--below needs a number")?;
                args.below = value.parse().with_context(|| format!("--below {value}"))?;
            }
            "--page" => args.page = Some(it.next().context("--page needs an id")?),
            "-h" | "--help" => {
                println!("html_agreement [--summary] [--below X] [--page ID] [FILE…]");
                std::process::exit(0);
            }
            flag if flag.starts_with("--") => bail!("unknown option {flag}"),
            _ => args.files.push(arg.into()),
        }
    }
    if args.files.is_empty() {
        args.files = default_files();
    }
    Ok(args)
}

fn default_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("tests/fixtures/html/pages_html.jsonl.gz")];
    let dev = std::env::var_os("EVAL_DEV_DIR")
        .map_or_else(|| root.join("../shared/eval-dev"), PathBuf::from)
        .join("stream_html.jsonl.gz");
    if dev.exists() {
        files.push(dev);
    } else {
        eprintln!(
            "*** {} is missing: measuring the fixtures only (set EVAL_DEV_DIR) ***",
            dev.display()
        );
    }
    files
}

/// (id, HTML) of every page of a JSON-lines file; lines without an HTML `body` are skipped.
fn pages(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let file = std::fs::File::open(path).with_context(|| format!("{}", path.display()))?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::GzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut out = Vec::new();
    for (n, line) in BufReader::new(reader).lines().enumerate() {
        let line = line.with_context(|| format!("{}: line {}", path.display(), n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line)
            .with_context(|| format!("{}: line {}", path.display(), n + 1))?;
        if let Some(body) = v["body"].as_str() {
            let id = v["id"]
                .as_str()
                .map_or_else(|| format!("line {}", n + 1), str::to_owned);
            out.push((id, body.to_owned()));
        }
    }
    Ok(out)
}

fn report(path: &Path, summary: bool, threshold: f64) -> anyhow::Result<()> {
    let pages = pages(path)?;
    let mut below: Vec<(String, Comparison)> = Vec::new();
    let (mut sum, mut min, mut differing) = (0.0, 1.0f64, 0);
    for (id, html) in &pages {
        let c = Comparison::of(html);
        sum += c.agreement;
        min = min.min(c.agreement);
        differing += usize::from(c.agreement < 1.0);
        if c.agreement < threshold {
            below.push((id.clone(), c));
        }
    }
    let mean = if pages.is_empty() {
        1.0
    } else {
        sum / pages.len() as f64
    };
    println!(
        "{}: pages {}, mean agreement {mean:.4}, minimum {min:.4}, below {threshold}: {}, \
         not identical: {differing}",
        path.display(),
        pages.len(),
        below.len()
    );
    if summary {
        return Ok(());
    }
    below.sort_by(|a, b| a.1.agreement.total_cmp(&b.1.agreement));
    for (id, c) in &below {
        println!(
            "  {id}  {:.4}  only html5ever: {}  |  only paraprint: {}",
            c.agreement,
            top(&c.only_html5ever(), TOP),
            top(&c.only_paraprint(), TOP)
        );
    }
    Ok(())
}

fn show_page(files: &[PathBuf], wanted: &str) -> anyhow::Result<()> {
    for path in files {
        if let Some((_, html)) = pages(path)?.into_iter().find(|(id, _)| id == wanted) {
            let c = Comparison::of(&html);
            println!(
                "{wanted} ({}): agreement {:.4}",
                path.display(),
                c.agreement
            );
            println!(
                "\nhtml5ever ({} words):\n{}",
                c.html5ever.len(),
                c.html5ever.join(" ")
            );
            println!(
                "\nparaprint ({} words):\n{}",
                c.paraprint.len(),
                c.paraprint.join(" ")
            );
            println!("\nonly html5ever: {}", top(&c.only_html5ever(), usize::MAX));
            println!("only paraprint: {}", top(&c.only_paraprint(), usize::MAX));
            return Ok(());
        }
    }
    bail!("no page {wanted} in {files:?}")
}

fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    if let Some(id) = &args.page {
        return show_page(&args.files, id);
    }
    for path in &args.files {
        report(path, args.summary, args.below)?;
    }
    Ok(())
}
