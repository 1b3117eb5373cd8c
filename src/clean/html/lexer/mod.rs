//! A tokenizer for text extraction: the HTML standard's tokenizer states that decide which bytes
//! are text, over a borrowed `&str`, with no buffers of its own.
//!
//! It follows the standard where it matters for text: tags and their attributes (quoted values
//! may hold `>`), comments (`<!-- … -->`, `--!>`, the abrupt `<!-->`), bogus comments (`<!…>`,
//! `<?…>`, `</ …>`), a `<` that starts no tag is text, a tag cut off by the end of input is
//! dropped, raw-text and RCDATA elements (`script`, `style`, `title`, `textarea` …) end only at
//! their own end tag (a script's through the script-data escape states), `plaintext` runs to
//! the end, foreign content's CDATA sections, and character references are decoded as the
//! standard says (by `htmlize`). It leaves out input-stream newline normalization (callers
//! treat `\r` as whitespace). The tree builder ([`super::tree`]) tells it which elements
//! opened, and so which hold raw text. html5ever's full tokenizer cost about a third of the
//! worker's CPU on real pages.

mod skip;

use std::borrow::Cow;

use memchr::{memchr, memmem};

/// What the tokenizer reports, in document order.
pub trait Visitor<'a> {
    /// A start tag: lower-case name, attributes as (name, value) with references decoded.
    /// Returns whether the element opened as an HTML element, so that its content is read as
    /// its content model says (raw text for `script`, `style` …) whatever `/>` said.
    fn start(
        &mut self,
        name: Cow<'a, str>,
        attrs: &[(&str, Cow<'_, str>)],
        self_closing: bool,
    ) -> bool;
    /// An end tag, lower-case name.
    fn end(&mut self, name: &str);
    /// Text, references decoded.
    fn text(&mut self, text: &str);
    /// Inside SVG or MathML, where `<![CDATA[ … ]]>` is text rather than a bogus comment.
    fn in_foreign(&self) -> bool {
        false
    }
    /// A raw-text or RCDATA element (`title`, `textarea`, `script` …) that no end tag closes
    /// before the end of the page: it was closed at once, and the rest read as markup.
    fn unclosed(&mut self, _name: &str) {}
    /// A `<!DOCTYPE …>`: its text after `<!`, up to the `>`.
    fn doctype(&mut self, _doctype: &str) {}
}

/// How the content of an element is tokenized, as the standard's tree builder would tell the
/// tokenizer.
pub(super) enum Content {
    Markup,
    /// Text until the element's own end tag (script, style …).
    Raw,
    /// Like `Raw`, with character references decoded (title, textarea).
    Rcdata,
    /// Text to the end of the input.
    Plaintext,
}

pub(super) fn content(name: &str) -> Content {
    match name {
        "script" | "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => Content::Raw,
        "textarea" | "title" => Content::Rcdata,
        "plaintext" => Content::Plaintext,
        _ => Content::Markup,
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

/// Tokenizes `html`, calling `visitor` for each tag and each run of text.
pub fn tokenize<'a>(html: &'a str, visitor: &mut impl Visitor<'a>) {
    Lexer {
        html,
        bytes: html.as_bytes(),
        attrs: Vec::new(),
        alt_comment_end: None,
    }
    .run(visitor);
}

struct Lexer<'a> {
    html: &'a str,
    bytes: &'a [u8],
    /// Attribute spans of the tag being read, reused from tag to tag.
    attrs: Vec<(usize, usize, usize, usize)>,
    /// Where the next `--!>` is (it also ends a comment), searched once and again only after
    /// the cursor passed it, so many comments stay linear.
    alt_comment_end: Option<Option<usize>>,
}

/// A tag that was read whole.
struct TagSpan {
    name: (usize, usize),
    self_closing: bool,
    /// Index just past the closing `>`.
    end: usize,
}

impl<'a> Lexer<'a> {
    fn run(&mut self, visitor: &mut impl Visitor<'a>) {
        let html = self.html;
        let len = self.bytes.len();
        let mut text_from = 0;
        let mut at = 0;
        while let Some(found) = memchr(b'<', &self.bytes[at..]) {
            let lt = at + found;
            let next = self.bytes.get(lt + 1).copied();
            let resume = match next {
                Some(b) if b.is_ascii_alphabetic() => {
                    let Some(tag) = self.tag(lt + 1) else {
                        // A tag cut off by the end of the input is dropped, with the rest.
                        self.text(text_from, lt, visitor);
                        return;
                    };
                    self.text(text_from, lt, visitor);
                    let name = lower(&html[tag.name.0..tag.name.1]);
                    let attrs: Vec<(&str, Cow<'_, str>)> = self
                        .attrs
                        .iter()
                        .map(|&(n0, n1, v0, v1)| {
                            let value = &html[v0..v1];
                            let value = if value.contains('&') {
                                htmlize::unescape_attribute(value)
                            } else {
                                Cow::Borrowed(value)
                            };
                            (&html[n0..n1], value)
                        })
                        .collect();
                    let kind = content(&name);
                    if !visitor.start(name.clone(), &attrs, tag.self_closing) {
                        tag.end
                    } else {
                        match kind {
                            Content::Markup => tag.end,
                            Content::Plaintext => {
                                visitor.text(&html[tag.end..]);
                                return;
                            }
                            kind @ (Content::Raw | Content::Rcdata) => {
                                let close = if name == "script" {
                                    self.find_script_end(tag.end)
                                } else {
                                    self.find_end_tag(tag.end, &name)
                                };
                                if close == html.len() && self.page_goes_on(tag.end) {
                                    // No end tag to the end of the page, and the rest is a
                                    // page's (a body, the head's end): a browser shows it all
                                    // as, say, title text and nothing else. The page lost that
                                    // end tag (a broken crawl); read on as libxml2 does, the
                                    // element closed at once.
                                    visitor.end(&name);
                                    visitor.unclosed(&name);
                                    tag.end
                                } else {
                                    let text = &html[tag.end..close];
                                    if matches!(kind, Content::Rcdata) && text.contains('&') {
                                        visitor.text(&htmlize::unescape(text));
                                    } else if !text.is_empty() {
                                        visitor.text(text);
                                    }
                                    close
                                }
                            }
                        }
                    }
                }
                Some(b'/') => match self.bytes.get(lt + 2).copied() {
                    Some(b) if b.is_ascii_alphabetic() => {
                        let Some(tag) = self.tag(lt + 2) else {
                            self.text(text_from, lt, visitor);
                            return;
                        };
                        self.text(text_from, lt, visitor);
                        visitor.end(&lower(&html[tag.name.0..tag.name.1]));
                        tag.end
                    }
                    // `</>` is nothing at all.
                    Some(b'>') => {
                        self.text(text_from, lt, visitor);
                        lt + 3
                    }
                    None => break,
                    Some(_) => {
                        self.text(text_from, lt, visitor);
                        self.bogus_comment(lt + 2)
                    }
                },
                Some(b'!') => {
                    self.text(text_from, lt, visitor);
                    if self.bytes[lt + 2..].starts_with(b"--") {
                        self.comment(lt + 4)
                    } else if visitor.in_foreign() && self.bytes[lt + 2..].starts_with(b"[CDATA[") {
                        // Foreign content's CDATA section: never shown, so skipped whole.
                        memmem::find(&self.bytes[lt + 9..], b"]]>").map_or(len, |i| lt + 9 + i + 3)
                    } else if self.bytes.len() >= lt + 9
                        && self.bytes[lt + 2..lt + 9].eq_ignore_ascii_case(b"doctype")
                    {
                        let end = self.bogus_comment(lt + 2);
                        // Up to its `>`, or to the end of the page when none closes it.
                        let close = if self.bytes.get(end.wrapping_sub(1)) == Some(&b'>') {
                            end - 1
                        } else {
                            end
                        };
                        let text = &self.html[lt + 2..close.max(lt + 2)];
                        visitor.doctype(text);
                        end
                    } else {
                        self.bogus_comment(lt + 2)
                    }
                }
                Some(b'?') => {
                    self.text(text_from, lt, visitor);
                    self.bogus_comment(lt + 1)
                }
                // A `<` that starts nothing is text.
                _ => {
                    at = lt + 1;
                    continue;
                }
            };
            at = resume.min(len);
            text_from = at;
        }
        self.text(text_from, len, visitor);
    }

    /// Emits the text between two markup positions.
    fn text(&self, from: usize, to: usize, visitor: &mut impl Visitor<'a>) {
        if from >= to {
            return;
        }
        let text = &self.html[from..to];
        if memchr(b'&', text.as_bytes()).is_some() {
            visitor.text(&htmlize::unescape(text));
        } else {
            visitor.text(text);
        }
    }

    /// Reads a tag whose name starts at `from`; `None` when the input ends inside it.
    fn tag(&mut self, from: usize) -> Option<TagSpan> {
        let b = self.bytes;
        let mut i = from;
        while i < b.len() && !is_space(b[i]) && b[i] != b'/' && b[i] != b'>' {
            i += 1;
        }
        let name = (from, i);
        self.attrs.clear();
        let mut self_closing = false;
        loop {
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            match b.get(i)? {
                b'>' => break,
                b'/' => {
                    i += 1;
                    if b.get(i) == Some(&b'>') {
                        self_closing = true;
                        break;
                    }
                    continue;
                }
                _ => {}
            }
            // An attribute name; a leading `=` belongs to it.
            let n0 = i;
            i += 1;
            while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
                i += 1;
            }
            let n1 = i;
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            let (mut v0, mut v1) = (i, i);
            if b.get(i) == Some(&b'=') {
                i += 1;
                while i < b.len() && is_space(b[i]) {
                    i += 1;
                }
                match b.get(i)? {
                    &quote @ (b'"' | b'\'') => {
                        v0 = i + 1;
                        v1 = v0 + memchr(quote, &b[v0..])?;
                        i = v1 + 1;
                    }
                    // `<a href=>` has an empty value.
                    b'>' => {}
                    _ => {
                        v0 = i;
                        while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                            i += 1;
                        }
                        v1 = i;
                    }
                }
            }
            self.attrs.push((n0, n1, v0, v1));
        }
        Some(TagSpan {
            name,
            self_closing,
            end: i + 1,
        })
    }
}

/// Tag names compare in lower case; most pages write them so already.
fn lower(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

#[cfg(test)]
mod tests;
