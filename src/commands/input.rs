//! What the commands that read files share: opening an input (a file, or `-` for standard
//! input), reading it as JSON lines, and a progress bar for a person watching.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal};
use std::path::Path;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

/// An opened input and its size, when it is a file.
pub struct Input {
    pub reader: Box<dyn BufRead>,
    pub size: Option<u64>,
}

/// Opens `path`, or standard input for `-`.
pub fn open(path: &Path) -> anyhow::Result<Input> {
    if path.as_os_str() == "-" {
        return Ok(Input {
            reader: Box::new(io::stdin().lock()),
            size: None,
        });
    }
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let size = file.metadata().ok().map(|m| m.len());
    Ok(Input {
        reader: Box::new(BufReader::new(file)),
        size,
    })
}

/// One line of a JSON-lines input.
pub struct Line<'a> {
    /// 1-based, counting blank lines too, as an editor does.
    pub number: usize,
    /// Without its line end; at most the reader's cap plus one byte.
    pub bytes: &'a [u8],
    /// The line's whole length without its line end, even past the cap.
    pub length: usize,
    /// Bytes of input the line took, line end included (for progress).
    pub consumed: usize,
}

/// Reads an input line by line, skipping blank lines. Each line is kept up to a cap, so one
/// huge line cannot exhaust memory; `length` tells the caller it was longer.
pub struct JsonLines<R> {
    input: R,
    cap: usize,
    number: usize,
    buf: Vec<u8>,
}

impl<R: BufRead> JsonLines<R> {
    /// Lines kept whole, whatever their length.
    pub fn new(input: R) -> Self {
        Self::capped(input, usize::MAX - 1)
    }

    /// Lines kept up to `cap + 1` bytes.
    pub fn capped(input: R, cap: usize) -> Self {
        JsonLines {
            input,
            cap,
            number: 0,
            buf: Vec::new(),
        }
    }

    /// The next line that is not blank; `None` at the end. `progress` learns every byte read,
    /// blank lines included.
    pub fn next_line(&mut self, progress: Option<&ProgressBar>) -> io::Result<Option<Line<'_>>> {
        loop {
            let Some((length, consumed)) = self.read_line()? else {
                return Ok(None);
            };
            self.number += 1;
            if let Some(bar) = progress {
                bar.inc(consumed as u64);
            }
            if !self.buf.iter().all(u8::is_ascii_whitespace) {
                return Ok(Some(Line {
                    number: self.number,
                    bytes: &self.buf,
                    length,
                    consumed,
                }));
            }
        }
    }

    /// The next line into `buf` without its line end (`\n`, and any `\r` before it); its full
    /// length and the bytes it took, or `None` at the end.
    fn read_line(&mut self) -> io::Result<Option<(usize, usize)>> {
        self.buf.clear();
        let (mut length, mut consumed) = (0usize, 0usize);
        loop {
            let chunk = self.input.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            let (piece, done) = match memchr::memchr(b'\n', chunk) {
                Some(pos) => (&chunk[..pos], true),
                None => (chunk, false),
            };
            let room = (self.cap + 1).saturating_sub(self.buf.len());
            self.buf.extend_from_slice(&piece[..piece.len().min(room)]);
            length += piece.len();
            let taken = piece.len() + usize::from(done);
            consumed += taken;
            self.input.consume(taken);
            if done {
                break;
            }
        }
        if consumed == 0 {
            return Ok(None);
        }
        while self.buf.last() == Some(&b'\r') {
            self.buf.pop();
            length -= 1;
        }
        Ok(Some((length, consumed)))
    }
}

/// Whether to draw a progress bar: only for a person watching stderr.
pub fn wants_progress() -> bool {
    io::stderr().is_terminal()
}

/// A progress bar over `total` bytes, or a spinner when the total is unknown.
pub fn bytes_bar(total: Option<u64>) -> ProgressBar {
    match total {
        Some(bytes) => ProgressBar::new(bytes).with_style(
            ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .expect("valid template"),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {bytes} {bytes_per_sec}")
                .expect("valid template"),
        ),
    }
}

/// A progress bar over `total` things called `what`.
pub fn count_bar(total: u64, what: &str) -> ProgressBar {
    ProgressBar::new(total).with_style(
        ProgressStyle::with_template(&format!(
            "{{bar:40}} {{pos}}/{{len}} {what} {{per_sec}} eta {{eta}}"
        ))
        .expect("valid template"),
    )
}

/// Prints a line on standard error without tearing the progress bar.
pub fn report(bar: Option<&ProgressBar>, line: &str) {
    match bar {
        Some(bar) => bar.suspend(|| eprintln!("{line}")),
        None => eprintln!("{line}"),
    }
}

/// Progress for a log rather than a person: a line on standard error at most every few seconds,
/// where no progress bar is drawn (standard error is not a terminal).
pub struct Ticker {
    what: &'static str,
    total: Option<u64>,
    done: u64,
    started: std::time::Instant,
    last: std::time::Instant,
}

impl Ticker {
    const EVERY: std::time::Duration = std::time::Duration::from_secs(5);

    pub fn new(what: &'static str, total: Option<u64>) -> Ticker {
        let now = std::time::Instant::now();
        Ticker {
            what,
            total,
            done: 0,
            started: now,
            last: now,
        }
    }

    /// One more done; says so when the last line is old enough.
    pub fn tick(&mut self) {
        self.done += 1;
        if self.last.elapsed() >= Self::EVERY {
            self.last = std::time::Instant::now();
            let of = self.total.map(|t| format!(" of {t}")).unwrap_or_default();
            eprintln!(
                "paraprint: {}{of} {} after {} s",
                self.done,
                self.what,
                self.started.elapsed().as_secs()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::JsonLines;

    fn lines(text: &str, cap: usize) -> Vec<(usize, String, usize)> {
        let mut reader = JsonLines::capped(text.as_bytes(), cap);
        let mut out = Vec::new();
        while let Some(line) = reader.next_line(None).unwrap() {
            out.push((
                line.number,
                String::from_utf8(line.bytes.to_vec()).unwrap(),
                line.length,
            ));
        }
        out
    }

    #[test]
    fn numbers_count_blank_lines_and_ends_are_stripped() {
        assert_eq!(
            lines("a\r\n\n  \nbb\ncc", 100),
            [(1, "a".into(), 1), (4, "bb".into(), 2), (5, "cc".into(), 2)]
        );
    }

    #[test]
    fn a_long_line_is_kept_to_its_cap_and_measured_whole() {
        assert_eq!(
            lines("abcdefgh\nx\n", 3),
            [(1, "abcd".into(), 8), (2, "x".into(), 1)]
        );
    }
}
