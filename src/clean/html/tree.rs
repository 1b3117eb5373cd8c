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

use std::borrow::Cow;

use super::{Content, Open, Role, State, content, role};

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

/// Elements that belong in the head; any other start tag there opens the body.
fn head_content(name: &str) -> bool {
    matches!(
        name,
        "base"
            | "basefont"
            | "bgsound"
            | "link"
            | "meta"
            | "title"
            | "noscript"
            | "noframes"
            | "style"
            | "script"
            | "template"
    )
}

/// The standard's "special" category: a stray end tag stops at these.
fn special(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "applet"
            | "area"
            | "article"
            | "aside"
            | "base"
            | "basefont"
            | "bgsound"
            | "blockquote"
            | "body"
            | "br"
            | "button"
            | "caption"
            | "center"
            | "col"
            | "colgroup"
            | "dd"
            | "details"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "embed"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "frame"
            | "frameset"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "iframe"
            | "img"
            | "input"
            | "keygen"
            | "li"
            | "link"
            | "listing"
            | "main"
            | "marquee"
            | "menu"
            | "meta"
            | "nav"
            | "noembed"
            | "noframes"
            | "ol"
            | "object"
            | "p"
            | "param"
            | "plaintext"
            | "pre"
            | "script"
            | "search"
            | "section"
            | "select"
            | "source"
            | "style"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "template"
            | "textarea"
            | "tfoot"
            | "th"
            | "thead"
            | "title"
            | "tr"
            | "track"
            | "ul"
            | "wbr"
            | "xmp"
    )
}

/// Start tags that close an open `p` first.
fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "header"
            | "hgroup"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "search"
            | "section"
            | "summary"
            | "ul"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "pre"
            | "listing"
            | "form"
            | "hr"
            | "xmp"
            | "plaintext"
            | "li"
            | "dd"
            | "dt"
    )
}

/// End tags of block elements that close only what is in scope.
fn block_end(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "button"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "header"
            | "hgroup"
            | "listing"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "pre"
            | "search"
            | "section"
            | "summary"
            | "ul"
            | "form"
            | "applet"
            | "marquee"
            | "object"
    )
}

/// Formatting elements: their end tags run the adoption agency algorithm.
fn formatting(name: &str) -> bool {
    matches!(
        name,
        "a" | "b"
            | "big"
            | "code"
            | "em"
            | "font"
            | "i"
            | "nobr"
            | "s"
            | "small"
            | "strike"
            | "strong"
            | "tt"
            | "u"
    )
}

/// Start tags a table takes as its own structure.
fn table_structure(name: &str) -> bool {
    matches!(
        name,
        "caption" | "col" | "colgroup" | "tbody" | "tfoot" | "thead" | "tr" | "td" | "th"
    )
}

/// Elements whose end the standard implies when another element's start or end asks.
fn implied_end(name: &str) -> bool {
    matches!(
        name,
        "dd" | "dt" | "li" | "optgroup" | "option" | "p" | "rb" | "rp" | "rt" | "rtc"
    )
}

/// Start tags after which a `frameset` no longer replaces the body (its "frameset-ok" flag).
fn ends_frameset_ok(name: &str) -> bool {
    matches!(
        name,
        "pre"
            | "listing"
            | "li"
            | "dd"
            | "dt"
            | "table"
            | "hr"
            | "img"
            | "input"
            | "embed"
            | "area"
            | "br"
            | "wbr"
            | "keygen"
            | "textarea"
            | "select"
            | "xmp"
            | "iframe"
            | "applet"
            | "marquee"
            | "object"
            | "button"
    )
}

fn heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

fn table_part(name: &str) -> bool {
    matches!(name, "table" | "tbody" | "thead" | "tfoot" | "tr")
}

/// HTML start tags that end foreign content (`svg`, `math`) and are read as HTML.
fn breaks_out_of_foreign(name: &str, attrs: &[(&str, Cow<'_, str>)]) -> bool {
    match name {
        "b" | "big" | "blockquote" | "body" | "br" | "center" | "code" | "dd" | "div" | "dl"
        | "dt" | "em" | "embed" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "head" | "hr" | "i"
        | "img" | "li" | "listing" | "menu" | "meta" | "nobr" | "ol" | "p" | "pre" | "ruby"
        | "s" | "small" | "span" | "strong" | "strike" | "sub" | "sup" | "table" | "tt" | "u"
        | "ul" | "var" => true,
        "font" => attrs.iter().any(|(key, _)| {
            ["color", "face", "size"]
                .iter()
                .any(|k| key.eq_ignore_ascii_case(k))
        }),
        _ => false,
    }
}

/// Foreign elements whose content is HTML again: SVG's `foreignObject`, `desc` and `title`,
/// MathML's text elements.
fn integration_point(open: &Open<'_>) -> bool {
    open.foreign
        && if open.math {
            matches!(&*open.name, "mi" | "mo" | "mn" | "ms" | "mtext")
        } else {
            matches!(&*open.name, "foreignobject" | "desc" | "title")
        }
}

/// The standard's special category, foreign elements included.
fn special_open(open: &Open<'_>) -> bool {
    if open.foreign {
        integration_point(open) || (open.math && &*open.name == "annotation-xml")
    } else {
        special(&open.name)
    }
}

/// Elements that bound the standard's default scope.
fn scope_boundary(open: &Open<'_>) -> bool {
    if open.foreign {
        return integration_point(open) || (open.math && &*open.name == "annotation-xml");
    }
    matches!(
        &*open.name,
        "applet" | "caption" | "html" | "table" | "td" | "th" | "marquee" | "object" | "template"
    )
}

fn button_scope_boundary(open: &Open<'_>) -> bool {
    scope_boundary(open) || (!open.foreign && &*open.name == "button")
}

fn list_scope_boundary(open: &Open<'_>) -> bool {
    scope_boundary(open) || (!open.foreign && matches!(&*open.name, "ol" | "ul"))
}

fn table_scope_boundary(open: &Open<'_>) -> bool {
    !open.foreign && matches!(&*open.name, "html" | "table" | "template")
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
            match self.mode {
                Mode::BeforeHead => match &*name {
                    "html" => return false,
                    "head" => {
                        self.mode = Mode::InHead;
                        break;
                    }
                    n if head_content(n) => break,
                    _ => self.mode = Mode::AfterHead,
                },
                Mode::InHead => match &*name {
                    "html" | "head" => return false,
                    n if head_content(n) || self.templates > 0 => break,
                    _ => {
                        self.close_head();
                        self.mode = Mode::AfterHead;
                    }
                },
                Mode::AfterHead => match &*name {
                    "html" | "head" => return false,
                    "body" => {
                        // The body is never on the stack, written or implied, so that the
                        // page signals see the same ancestors either way.
                        self.mode = Mode::InBody;
                        self.no_frameset = true;
                        return false;
                    }
                    "frameset" => {
                        self.enter_frameset();
                        return false;
                    }
                    n if head_content(n) => break,
                    _ => self.mode = Mode::InBody,
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
                if !self.no_frameset && !self.nested {
                    while !self.stack.is_empty() {
                        self.pop();
                    }
                    self.enter_frameset();
                }
                return false;
            }
            n if table_structure(n) => {
                if self.tables == 0 {
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
            "select" | "input" if self.selects > 0 => {
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
                if self.selects > 0
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
        if closes_p(name) || (name == "table" && self.no_quirks) {
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
            self.no_frameset = true;
        }
        true
    }

    /// An end tag.
    pub(super) fn end_tag(&mut self, name: &str) {
        // The lexer ends raw text only at its own end tag.
        if let Some(top) = self.current()
            && !top.foreign
            && !matches!(content(&top.name), Content::Markup)
        {
            if &*top.name == name {
                self.pop();
            }
            return;
        }
        if name == "template" {
            if self.templates > 0
                && let Some(at) = self.search(|o| !o.foreign && &*o.name == "template", |_| false)
            {
                self.pop_to(at);
            }
            return;
        }
        if self.current().is_some_and(|o| o.foreign) {
            if self.in_foreign() && matches!(name, "p" | "br") {
                while self.in_foreign() {
                    self.pop();
                }
            } else {
                for i in (self.stack.len().saturating_sub(SCOPE_SEARCH)..self.stack.len()).rev() {
                    let open = &self.stack[i];
                    if !open.foreign {
                        break;
                    }
                    if open.name.eq_ignore_ascii_case(name) {
                        self.pop_to(i);
                        return;
                    }
                }
            }
        }
        loop {
            match self.mode {
                Mode::BeforeHead | Mode::AfterHead => match name {
                    "head" | "body" | "html" | "br" => self.mode = Mode::InBody,
                    _ => return,
                },
                Mode::InHead => match name {
                    "head" => {
                        self.close_head();
                        self.mode = Mode::AfterHead;
                        return;
                    }
                    "body" | "html" | "br" => {
                        self.close_head();
                        self.mode = Mode::InBody;
                    }
                    _ if self.templates > 0 => {
                        self.any_other_end(name);
                        return;
                    }
                    _ => return,
                },
                Mode::InFrameset => return,
                Mode::InBody => break,
            }
        }
        match name {
            // The body and the document stay open: words on either side still join.
            "body" | "html" => {}
            "br" => self.flush(),
            "p" => match self.in_scope(|o| &*o.name == "p", button_scope_boundary) {
                Some(p) => self.pop_to(p),
                None => self.flush(),
            },
            "li" => {
                if let Some(li) = self.in_scope(|o| &*o.name == "li", list_scope_boundary) {
                    self.pop_to(li);
                }
            }
            "dd" | "dt" => {
                if let Some(at) = self.in_scope(|o| &*o.name == name, scope_boundary) {
                    self.pop_to(at);
                }
            }
            n if heading(n) => {
                if let Some(at) = self.in_scope(|o| heading(&o.name), scope_boundary) {
                    self.pop_to(at);
                }
            }
            "td" | "th" | "tr" | "tbody" | "thead" | "tfoot" | "table" | "caption" => {
                if let Some(at) = self.in_scope(|o| &*o.name == name, table_scope_boundary) {
                    self.pop_to(at);
                }
            }
            "select" => {
                if let Some(at) = self.in_scope(|o| &*o.name == "select", scope_boundary) {
                    self.pop_to(at);
                }
            }
            n if block_end(n) => {
                if let Some(at) = self.in_scope(|o| &*o.name == n, scope_boundary) {
                    self.pop_to(at);
                }
            }
            n if formatting(n) => {
                if let Some(at) = self.in_scope(|o| &*o.name == n, scope_boundary) {
                    self.adopt(at);
                }
            }
            _ => self.any_other_end(name),
        }
    }

    /// Text: it opens the body unless it is whitespace or belongs to a head element.
    pub(super) fn text_token(&mut self, text: &str) {
        let raw = self
            .current()
            .is_some_and(|o| !o.foreign && !matches!(content(&o.name), Content::Markup));
        if raw {
            let noframes = self.current().is_some_and(|o| &*o.name == "noframes");
            if self.mode == Mode::InFrameset && noframes {
                self.noframes(text);
            } else if noframes && !self.nested && !self.no_frameset {
                // Shown only if a frameset follows.
                self.early_noframes.push(text.to_owned());
            } else {
                self.push_text(text, None);
            }
            return;
        }
        let words = text.contains(|c: char| !c.is_whitespace());
        match self.mode {
            Mode::InFrameset => return,
            Mode::BeforeHead | Mode::AfterHead if words => self.mode = Mode::InBody,
            Mode::InHead if words && self.templates == 0 => {
                self.close_head();
                self.mode = Mode::InBody;
            }
            Mode::BeforeHead | Mode::AfterHead => return,
            _ => {}
        }
        if words {
            self.no_frameset = true;
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
        self.mode = Mode::InFrameset;
        for text in std::mem::take(&mut self.early_noframes) {
            self.noframes(&text);
        }
    }

    /// A `frameset` page's `noframes` content, read as the page it stands for.
    fn noframes(&mut self, text: &str) {
        let mut inner = State {
            next_id: self.next_id,
            nested: true,
            ..State::default()
        };
        super::lexer::tokenize(text, &mut inner);
        inner.flush();
        self.next_id = inner.next_id;
        self.blocks.append(&mut inner.blocks);
    }

    /// The current node is SVG or MathML content (not an integration point back into HTML).
    pub(super) fn in_foreign(&self) -> bool {
        self.current()
            .is_some_and(|o| o.foreign && !integration_point(o))
    }

    fn current(&self) -> Option<&Open<'a>> {
        self.stack.last()
    }

    /// The nearest open element of a table: a table, section or row means the standard's
    /// "in table" modes, where text and other elements are fostered out; a cell or caption
    /// means body rules inside it.
    fn table_context(&self) -> Option<usize> {
        if self.tables == 0 {
            return None;
        }
        self.search(
            |o| {
                !o.foreign
                    && matches!(
                        &*o.name,
                        "table"
                            | "tbody"
                            | "thead"
                            | "tfoot"
                            | "tr"
                            | "td"
                            | "th"
                            | "caption"
                            | "template"
                    )
            },
            |_| false,
        )
    }

    fn in_table_mode(&self) -> bool {
        self.table_context()
            .is_some_and(|at| table_part(&self.stack[at].name))
    }

    /// Before a table's own structure opens: closes the open cell or caption, then every
    /// element (fostered or not) back to the context the new part belongs in.
    fn clear_to_table_context(&mut self, name: &str) {
        while let Some(at) = self.table_context() {
            let row_part = matches!(name, "td" | "th");
            let section_part = row_part || name == "tr";
            match &*self.stack[at].name {
                "td" | "th" | "caption" => self.pop_to(at),
                "tr" if row_part => return self.pop_to(at + 1),
                "tr" => self.pop_to(at),
                "tbody" | "thead" | "tfoot" if section_part => return self.pop_to(at + 1),
                "tbody" | "thead" | "tfoot" => self.pop_to(at),
                "table" => return self.pop_to(at + 1),
                _ => return,
            }
        }
    }

    /// The topmost open element that `matches`, looking no deeper than a `boundary` element
    /// or [`SCOPE_SEARCH`] elements.
    fn search(
        &self,
        matches: impl Fn(&Open<'a>) -> bool,
        boundary: impl Fn(&Open<'a>) -> bool,
    ) -> Option<usize> {
        let depth = self.stack.len();
        for i in (depth.saturating_sub(SCOPE_SEARCH)..depth).rev() {
            let open = &self.stack[i];
            if matches(open) {
                return Some(i);
            }
            if boundary(open) {
                return None;
            }
        }
        None
    }

    /// [`Self::search`] among HTML elements.
    fn in_scope(
        &self,
        matches: impl Fn(&Open<'a>) -> bool,
        boundary: impl Fn(&Open<'a>) -> bool,
    ) -> Option<usize> {
        self.search(|o| !o.foreign && matches(o), boundary)
    }

    fn close_p(&mut self) {
        if self.paragraphs == 0 {
            return;
        }
        if let Some(p) = self.in_scope(|o| &*o.name == "p", button_scope_boundary) {
            self.pop_to(p);
        }
    }

    /// A new list item closes the open one of its kind, unless a block other than `address`,
    /// `div` or `p` stands between.
    fn close_list_item(&mut self, item: impl Fn(&str) -> bool) {
        let at = self.search(
            |o| !o.foreign && item(&o.name),
            |o| special_open(o) && !matches!(&*o.name, "address" | "div" | "p"),
        );
        if let Some(at) = at {
            self.pop_to(at);
        }
    }

    fn close_head(&mut self) {
        if let Some(head) = self.search(|o| !o.foreign && &*o.name == "head", |_| false) {
            self.pop_to(head);
        }
    }

    /// The adoption agency algorithm for the formatting element at `at`, as far as the stack
    /// goes: with no special element opened inside it, it closes with everything inside;
    /// otherwise the special elements (and the formatting elements between, which the
    /// standard clones) stay open, other elements between close with it, and of what opened
    /// inside the last special element only special elements stay.
    fn adopt(&mut self, at: usize) {
        let Some(last_special) = (at + 1..self.stack.len())
            .rev()
            .find(|&i| special_open(&self.stack[i]))
        else {
            return self.pop_to(at);
        };
        self.pop_to(last_special + 1);
        for i in (at + 1..last_special).rev() {
            let o = &self.stack[i];
            if !special_open(o) && (o.foreign || !formatting(&o.name)) {
                self.remove(i);
            }
        }
        self.remove(at);
    }

    /// The standard's "any other end tag": closes the nearest element of that name unless a
    /// special element stands between.
    fn any_other_end(&mut self, name: &str) {
        let at = self.search(|o| &*o.name == name, special_open);
        if let Some(at) = at {
            self.pop_to(at);
        }
    }

    /// Closes the element at `at` and every element opened inside it.
    fn pop_to(&mut self, at: usize) {
        while self.stack.len() > at {
            self.pop();
        }
    }

    fn pop(&mut self) {
        let at = self.stack.len() - 1;
        self.remove(at);
    }

    /// Takes one element off the stack, wherever it is.
    fn remove(&mut self, at: usize) {
        let open = self.stack.remove(at);
        match role(&open.name) {
            _ if open.foreign || open.boxless => {}
            Role::Block => self.flush(),
            Role::Cell => self.separate(),
            _ => {}
        }
        self.apply(&open, -1);
    }
}
