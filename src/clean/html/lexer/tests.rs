//! Tokenizer tests: the tokens a visitor sees for small inputs.

use super::*;

#[derive(Default)]
struct Log(Vec<String>);

impl Visitor<'_> for Log {
    fn start(
        &mut self,
        name: Cow<'_, str>,
        attrs: &[(&str, Cow<'_, str>)],
        self_closing: bool,
    ) -> bool {
        let attrs: Vec<String> = attrs.iter().map(|(n, v)| format!(" {n}={v}")).collect();
        let close = if self_closing { "/" } else { "" };
        self.0.push(format!("<{name}{}{close}>", attrs.concat()));
        true
    }
    fn end(&mut self, name: &str) {
        self.0.push(format!("</{name}>"));
    }
    fn text(&mut self, text: &str) {
        self.0.push(text.to_string());
    }
}

fn log(html: &str) -> Vec<String> {
    let mut log = Log::default();
    tokenize(html, &mut log);
    log.0
}

#[test]
fn tags_attributes_and_references() {
    assert_eq!(
        log(r#"<P Class="a>b" id=x hidden>One &amp; two&nbsp</p><br/>"#),
        [
            "<p Class=a>b id=x hidden=>",
            "One & two\u{a0}",
            "</p>",
            "<br/>"
        ]
    );
    assert_eq!(log("<a href='?a=1&amp;b=2'>x"), ["<a href=?a=1&b=2>", "x"]);
}

#[test]
fn comments_and_bogus_comments_are_skipped() {
    assert_eq!(
        log("a<!-- <p>x</p> -->b<!DOCTYPE html>c<?xml x?>d</ x>e<!-->f<!--->g<!-- x --!>h</>i"),
        ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
    );
    assert_eq!(log("a<!-- never closed"), ["a"]);
}

#[test]
fn a_lone_less_than_is_text_and_a_cut_tag_is_dropped() {
    assert_eq!(log("1 < 2 <3"), ["1 < 2 <3"]);
    assert_eq!(log("a<p class=\"b"), ["a"]);
    assert_eq!(log("a</"), ["a</"]);
}

#[test]
fn raw_text_ends_only_at_its_own_end_tag() {
    assert_eq!(
        log("<script>if (a<b) x='</p>';</SCRIPT >t<title>A &amp; B</title>"),
        [
            "<script>",
            "if (a<b) x='</p>';",
            "</script>",
            "t",
            "<title>",
            "A & B",
            "</title>"
        ]
    );
    assert_eq!(log("<style>a{}"), ["<style>", "a{}"]);
    let escaped = "<script><!-- w('<script></script>'); --></script>t";
    assert_eq!(log(escaped)[3], "t");
    assert_eq!(log("<script><!--></script>t")[3], "t");
    assert_eq!(log("<plaintext><p>x"), ["<plaintext>", "<p>x"]);
}
