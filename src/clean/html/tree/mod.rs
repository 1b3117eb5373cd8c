//! The HTML standard's tree construction, as far as it decides which text a browser shows and
//! which elements hold it: insertion modes from the document's start to its body (the first
//! element that does not belong in the head opens the body), implied end tags (`p`, `li`,
//! `dd`, `dt`, headings, table cells and rows, `option`), scopes, "special" elements that stop
//! a stray end tag, a second `a` closing the first, `select` content read as markup (the
//! standard since 2025), foreign content (`svg`, `math`) that HTML block tags break out of,
//! text fostered out of tables, `template`, and `frameset` pages whose text is their `noframes`
//! content.
//!
//! It builds no tree: it keeps the stack of open elements the standard keeps, and every search
//! of it goes at most [`SCOPE_SEARCH`] deep (browsers bound nesting too), so pages of any depth
//! cost time linear in their length. The adoption agency algorithm is reduced to what the
//! stack needs: a formatting element closed across a block leaves that block open.
//!
//! Start tags and text are here; end tags in `end.rs`, the stack's searches in `stack.rs`,
//! the standard's element classes in `elements.rs`.

mod elements;
mod end;
mod stack;

use std::borrow::Cow;

use super::{Content, State, content};
use elements::{
    breaks_out_of_foreign, closes_p, ends_frameset_ok, head_content, heading, implied_end,
    scope_boundary, table_part, table_scope_boundary, table_structure,
};

/// How deep a scope search or a stray end tag looks into the stack of open elements.
pub(super) const SCOPE_SEARCH: usize = 256;

/// Where the document is, as the standard's insertion modes say (the ones that matter here).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum Mode {
    /// Before `<head>` or the first element of the body.
    #[default]
    BeforeHead,
    InHead,
    AfterHead,
    InBody,
    /// A `frameset` page: only its `noframes` content is text.
    InFrameset,
}

/// What the tree construction keeps besides the stack of open elements (which it shares with
/// the block builder, `State`).
#[derive(Default)]
pub(super) struct Tree {
    pub(super) mode: Mode,
    /// Open elements the tree construction asks about, so that most tags need no search.
    pub(super) paragraphs: usize,
    pub(super) tables: usize,
    pub(super) selects: usize,
    pub(super) templates: usize,
    /// Something was shown (or a tag like `table` opened) in the body: a `frameset` no longer
    /// replaces it.
    pub(super) no_frameset: bool,
    /// Reading a `frameset` page's `noframes` content, which has no frameset of its own.
    pub(super) nested: bool,
    /// `noframes` content met before any frameset: the page's text if one follows.
    pub(super) early_noframes: Vec<String>,
    /// A doctype that is not quirky: then a `table` closes an open `p`.
    pub(super) no_quirks: bool,
}

/// Whether a doctype puts the document in quirks mode, for the few public identifiers of the
/// standard's list that pages of the last decades use. Only `<table>` closing an open `p`
/// depends on it here.
pub(super) fn quirks_doctype(doctype: &str) -> bool {
    let lower = doctype.to_ascii_lowercase();
    let rest = lower.trim_start_matches("doctype").trim_start();
    if !rest.starts_with("html") {
        return true;
    }
    let quoted: Vec<&str> = rest.split(['"', '\'']).skip(1).step_by(2).collect();
    let (public, system) = if rest.contains("public") {
        (quoted.first().copied(), quoted.get(1).copied())
    } else {
        (None, quoted.first().copied())
    };
    let Some(public) = public else {
        return false;
    };
    const QUIRKY: &[&str] = &[
        "-//w3c//dtd html 4.0 transitional//",
        "-//w3c//dtd html 4.0 frameset//",
        "-//w3c//dtd html 3",
        "-//w3c//dtd w3 html//",
        "-//w3o//dtd w3 html",
        "-//ietf//dtd html",
        "-//netscape comm. corp.//dtd",
        "-//microsoft//dtd internet explorer",
        "-//softquad",
        "-//webtechs//",
        "-//sq//dtd html 2.0",
        "-//o'reilly and associates//",
        "-//spyglass//",
        "-//sun microsystems corp.//",
        "-//metrius//",
    ];
    public == "html"
        || QUIRKY.iter().any(|q| public.starts_with(q))
        || (system.is_none()
            && (public.starts_with("-//w3c//dtd html 4.01 transitional//")
                || public.starts_with("-//w3c//dtd html 4.01 frameset//")))
}

impl<'a> State<'a> {
    /// A start tag. Returns whether its content is read as the element's content model says
    /// (raw text for `script`, `style` …): only for an HTML element actually opened.
    pub(super) fn start_tag(
        &mut self,
        name: Cow<'a, str>,
        attrs: &[(&str, Cow<'_, str>)],
        self_closing: bool,
    ) -> bool {
        if self.in_foreign() {
            if !breaks_out_of_foreign(&name, attrs) {
                // An element of the same foreign tree; `/>` closes it there.
                self.open(name, attrs, true, self_closing);
                return false;
            }
            while self.in_foreign() {
                self.pop();
            }
        }
        loop {
            match self.tree.mode {
                Mode::BeforeHead => match &*name {
                    "html" => return false,
                    "head" => {
                        self.tree.mode = Mode::InHead;
                        break;
                    }
                    n if head_content(n) => break,
                    _ => self.tree.mode = Mode::AfterHead,
                },
                Mode::InHead => match &*name {
                    "html" | "head" => return false,
                    n if head_content(n) || self.tree.templates > 0 => break,
                    _ => {
                        self.close_head();
                        self.tree.mode = Mode::AfterHead;
                    }
                },
                Mode::AfterHead => match &*name {
                    "html" | "head" => return false,
                    "body" => {
                        // The body is never on the stack, written or implied, so that the
                        // page signals see the same ancestors either way.
                        self.tree.mode = Mode::InBody;
                        self.tree.no_frameset = true;
                        return false;
                    }
                    // `noframes` content read as a page has no frameset of its own.
                    "frameset" if !self.tree.nested => {
                        self.enter_frameset();
                        return false;
                    }
                    n if head_content(n) => break,
                    _ => self.tree.mode = Mode::InBody,
                },
                Mode::InBody => {
                    if !self.body_start(&name) {
                        return false;
                    }
                    break;
                }
                Mode::InFrameset => {
                    if &*name != "noframes" {
                        return false;
                    }
                    break;
                }
            }
        }
        let foreign = matches!(&*name, "svg" | "math");
        self.open(name, attrs, foreign, self_closing)
            && !foreign
            && !matches!(
                content(&self.stack[self.stack.len() - 1].name),
                Content::Markup
            )
    }

    /// What a start tag does in the body before its element opens; false when it opens none.
    fn body_start(&mut self, name: &str) -> bool {
        match name {
            "html" | "head" | "body" => return false,
            "frameset" => {
                if !self.tree.no_frameset && !self.tree.nested {
                    while !self.stack.is_empty() {
                        self.pop();
                    }
                    self.enter_frameset();
                }
                return false;
            }
            n if table_structure(n) => {
                if self.tree.tables == 0 {
                    // Table parts outside a table are parse errors the standard ignores.
                    return false;
                }
                self.clear_to_table_context(n);
            }
            "table" if self.in_table_mode() => {
                // A table directly in a table ends the first.
                if let Some(table) = self.in_scope(|o| &*o.name == "table", table_scope_boundary) {
                    self.pop_to(table);
                }
            }
            // Since 2025 the standard parses a select's content as markup (customizable
            // select); a select, or an input, inside one ends it.
            "select" | "input" if self.tree.selects > 0 => {
                if let Some(select) = self.in_scope(|o| &*o.name == "select", scope_boundary) {
                    self.pop_to(select);
                    if name == "select" {
                        return false;
                    }
                }
            }
            "li" => self.close_list_item(|n| n == "li"),
            "dd" | "dt" => self.close_list_item(|n| matches!(n, "dd" | "dt")),
            "a" if self.links > 0 => {
                // A second link ends the first, as the adoption agency does.
                let at = self.search(
                    |o| !o.foreign && &*o.name == "a",
                    |o| {
                        !o.foreign
                            && matches!(
                                &*o.name,
                                "td" | "th"
                                    | "caption"
                                    | "template"
                                    | "applet"
                                    | "object"
                                    | "marquee"
                            )
                    },
                );
                if let Some(at) = at {
                    self.adopt(at);
                }
            }
            "option" | "optgroup" => {
                if self.tree.selects > 0
                    && self
                        .in_scope(|o| &*o.name == "select", scope_boundary)
                        .is_some()
                {
                    while self.current().is_some_and(|o| {
                        !o.foreign
                            && implied_end(&o.name)
                            && (name == "optgroup" || &*o.name != "optgroup")
                    }) {
                        self.pop();
                    }
                } else if self.current().is_some_and(|o| &*o.name == "option") {
                    self.pop();
                }
            }
            _ => {}
        }
        if closes_p(name) || (name == "table" && self.tree.no_quirks) {
            self.close_p();
        }
        if heading(name)
            && self
                .current()
                .is_some_and(|o| !o.foreign && heading(&o.name))
        {
            self.pop();
        }
        if ends_frameset_ok(name) {
            self.tree.no_frameset = true;
        }
        true
    }

    /// Text: it opens the body unless it is whitespace or belongs to a head element.
    pub(super) fn text_token(&mut self, text: &str) {
        let raw = self
            .current()
            .is_some_and(|o| !o.foreign && !matches!(content(&o.name), Content::Markup));
        if raw {
            let noframes = self.current().is_some_and(|o| &*o.name == "noframes");
            if self.tree.mode == Mode::InFrameset && noframes {
                self.noframes(text);
            } else if noframes && !self.tree.nested && !self.tree.no_frameset {
                // Shown only if a frameset follows.
                self.tree.early_noframes.push(text.to_owned());
            } else {
                self.push_text(text, None);
            }
            return;
        }
        let words = text.contains(|c: char| !c.is_whitespace());
        match self.tree.mode {
            Mode::InFrameset => return,
            Mode::BeforeHead | Mode::AfterHead if words => self.tree.mode = Mode::InBody,
            Mode::InHead if words && self.tree.templates == 0 => {
                self.close_head();
                self.tree.mode = Mode::InBody;
            }
            Mode::BeforeHead | Mode::AfterHead => return,
            _ => {}
        }
        if words {
            self.tree.no_frameset = true;
        }
        // Text directly in a table is fostered out of it, before the table.
        let fostered = (words
            && self
                .current()
                .is_some_and(|o| !o.foreign && table_part(&o.name)))
        .then(|| {
            self.search(|o| !o.foreign && &*o.name == "table", |_| false)
                .map_or(0, |t| self.stack[t].ignored_outside)
        });
        self.push_text(text, fostered);
    }

    /// A `frameset` replaces the body: the page's text is its `noframes` content, that
    /// before the frameset included.
    fn enter_frameset(&mut self) {
        self.tree.mode = Mode::InFrameset;
        for text in std::mem::take(&mut self.tree.early_noframes) {
            self.noframes(&text);
        }
    }

    /// A `frameset` page's `noframes` content, read as the page it stands for. Once: that page
    /// has no frameset, and its own `noframes` content is its text.
    fn noframes(&mut self, text: &str) {
        if self.tree.nested {
            self.push_text(text, None);
            return;
        }
        let mut inner = State {
            next_id: self.next_id,
            tree: Tree {
                nested: true,
                ..Tree::default()
            },
            ..State::default()
        };
        super::lexer::tokenize(text, &mut inner);
        inner.flush();
        self.next_id = inner.next_id;
        self.blocks.append(&mut inner.blocks);
    }
}
