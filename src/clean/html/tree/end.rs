//! End tags: what each closes, implied end tags and the stray ones a browser ignores.

use super::elements::{
    block_end, button_scope_boundary, formatting, heading, list_scope_boundary, scope_boundary,
    table_scope_boundary,
};
use super::{Mode, SCOPE_SEARCH};
use crate::clean::html::{Content, State, content};

impl State<'_> {
    /// An end tag.
    pub(in crate::clean::html) fn end_tag(&mut self, name: &str) {
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
            if self.tree.templates > 0
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
            match self.tree.mode {
                Mode::BeforeHead | Mode::AfterHead => match name {
                    "head" | "body" | "html" | "br" => self.tree.mode = Mode::InBody,
                    _ => return,
                },
                Mode::InHead => match name {
                    "head" => {
                        self.close_head();
                        self.tree.mode = Mode::AfterHead;
                        return;
                    }
                    "body" | "html" | "br" => {
                        self.close_head();
                        self.tree.mode = Mode::InBody;
                    }
                    _ if self.tree.templates > 0 => {
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
}
