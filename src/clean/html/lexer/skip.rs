//! Where skipped input ends: a raw-text element's own end tag (a script's through the
//! script-data escape states), a comment, a bogus comment.

use memchr::{memchr, memmem};

use super::{Lexer, is_space};

impl<'a> Lexer<'a> {
    /// Where a script's end tag starts, through the standard's script-data escape states:
    /// after `<!--`, a `<script>` hides the next `</script>` (old pages wrote
    /// `<!-- document.write("<script …></script>") -->`), until `-->` ends the escape.
    pub(super) fn find_script_end(&self, from: usize) -> usize {
        #[derive(PartialEq)]
        enum State {
            Data,
            Escaped,
            DoubleEscaped,
        }
        let b = self.bytes;
        let tag_at = |at: usize, name: &[u8]| {
            let after = at + name.len();
            after <= b.len()
                && b[at..after].eq_ignore_ascii_case(name)
                && b.get(after)
                    .is_none_or(|&c| is_space(c) || c == b'/' || c == b'>')
        };
        let mut state = State::Data;
        let mut at = from;
        while let Some(found) = memchr::memchr2(b'<', b'-', &b[at..]) {
            let i = at + found;
            at = i + 1;
            if b[i] == b'-' {
                if state != State::Data && b[i..].starts_with(b"-->") {
                    state = State::Data;
                    at = i + 3;
                }
                continue;
            }
            match state {
                State::Data if b[i..].starts_with(b"<!--") => {
                    state = State::Escaped;
                    // `<!-->` and `<!--->` end the escape at once.
                    at = i + 2;
                }
                State::Data | State::Escaped if tag_at(i + 1, b"/script") => return i,
                State::Escaped if tag_at(i + 1, b"script") => state = State::DoubleEscaped,
                State::DoubleEscaped if tag_at(i + 1, b"/script") => state = State::Escaped,
                _ => {}
            }
        }
        b.len()
    }

    /// Where the end tag of a raw-text element starts (`</name` then a space, `/` or `>`), or
    /// the end of the input.
    pub(super) fn find_end_tag(&self, from: usize, name: &str) -> usize {
        let b = self.bytes;
        let mut at = from;
        while let Some(found) = memchr(b'<', &b[at..]) {
            let lt = at + found;
            let after = lt + 2 + name.len();
            if b.get(lt + 1) == Some(&b'/')
                && after <= b.len()
                && b[lt + 2..after].eq_ignore_ascii_case(name.as_bytes())
                && b.get(after)
                    .is_none_or(|&c| is_space(c) || c == b'/' || c == b'>')
            {
                return lt;
            }
            at = lt + 1;
        }
        b.len()
    }

    /// Whether the page's own structure follows `from`: a `<body`, `</head>` or `</html>` tag
    /// (any case), which raw text never holds on a page whose end tag was not lost.
    pub(super) fn page_goes_on(&self, from: usize) -> bool {
        let b = self.bytes;
        let mut at = from;
        while let Some(found) = memchr(b'<', &b[at..]) {
            let lt = at + found;
            let rest = &b[lt + 1..];
            if [&b"body"[..], b"/head", b"/html"].iter().any(|tag| {
                rest.len() >= tag.len()
                    && rest[..tag.len()].eq_ignore_ascii_case(tag)
                    && rest
                        .get(tag.len())
                        .is_none_or(|&c| is_space(c) || c == b'/' || c == b'>')
            }) {
                return true;
            }
            at = lt + 1;
        }
        false
    }

    /// Skips a comment whose text starts at `from` (after `<!--`); returns where text resumes.
    pub(super) fn comment(&mut self, from: usize) -> usize {
        let b = self.bytes;
        // `<!-->` and `<!--->` end at once.
        if b[from..].starts_with(b">") {
            return from + 1;
        }
        if b[from..].starts_with(b"->") {
            return from + 2;
        }
        let plain = memmem::find(&b[from..], b"-->").map(|i| from + i + 3);
        let alt = match self.alt_comment_end {
            Some(Some(at)) if at >= from => Some(at),
            Some(None) => None,
            _ => {
                let found = memmem::find(&b[from..], b"--!>").map(|i| from + i);
                self.alt_comment_end = Some(found);
                found
            }
        }
        .map(|at| at + 4);
        match (plain, alt) {
            (Some(p), Some(a)) => p.min(a),
            (Some(end), None) | (None, Some(end)) => end,
            (None, None) => b.len(),
        }
    }

    /// Skips a bogus comment (`<!DOCTYPE …>`, `<?xml …>`, `</ …>`) up to its `>`.
    pub(super) fn bogus_comment(&self, from: usize) -> usize {
        memchr(b'>', &self.bytes[from.min(self.bytes.len())..])
            .map_or(self.bytes.len(), |i| from + i + 1)
    }
}
