//! The stack of open elements: scopes, searches bounded by [`SCOPE_SEARCH`], and the
//! reduced adoption agency.

use super::SCOPE_SEARCH;
use super::elements::{
    button_scope_boundary, formatting, integration_point, special_open, table_part,
};
use crate::clean::html::{Open, Role, State, role};

impl<'a> State<'a> {
    /// The current node is SVG or MathML content (not an integration point back into HTML).
    pub(in crate::clean::html) fn in_foreign(&self) -> bool {
        self.current()
            .is_some_and(|o| o.foreign && !integration_point(o))
    }

    pub(super) fn current(&self) -> Option<&Open<'a>> {
        self.stack.last()
    }

    /// The nearest open element of a table: a table, section or row means the standard's
    /// "in table" modes, where text and other elements are fostered out; a cell or caption
    /// means body rules inside it.
    fn table_context(&self) -> Option<usize> {
        if self.tree.tables == 0 {
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

    pub(super) fn in_table_mode(&self) -> bool {
        self.table_context()
            .is_some_and(|at| table_part(&self.stack[at].name))
    }

    /// Before a table's own structure opens: closes the open cell or caption, then every
    /// element (fostered or not) back to the context the new part belongs in.
    pub(super) fn clear_to_table_context(&mut self, name: &str) {
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
    pub(super) fn search(
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
    pub(super) fn in_scope(
        &self,
        matches: impl Fn(&Open<'a>) -> bool,
        boundary: impl Fn(&Open<'a>) -> bool,
    ) -> Option<usize> {
        self.search(|o| !o.foreign && matches(o), boundary)
    }

    pub(super) fn close_p(&mut self) {
        if self.tree.paragraphs == 0 {
            return;
        }
        if let Some(p) = self.in_scope(|o| &*o.name == "p", button_scope_boundary) {
            self.pop_to(p);
        }
    }

    /// A new list item closes the open one of its kind, unless a block other than `address`,
    /// `div` or `p` stands between.
    pub(super) fn close_list_item(&mut self, item: impl Fn(&str) -> bool) {
        let at = self.search(
            |o| !o.foreign && item(&o.name),
            |o| special_open(o) && !matches!(&*o.name, "address" | "div" | "p"),
        );
        if let Some(at) = at {
            self.pop_to(at);
        }
    }

    pub(super) fn close_head(&mut self) {
        if let Some(head) = self.search(|o| !o.foreign && &*o.name == "head", |_| false) {
            self.pop_to(head);
        }
    }

    /// The adoption agency algorithm for the formatting element at `at`, as far as the stack
    /// goes: with no special element opened inside it, it closes with everything inside;
    /// otherwise the special elements (and the formatting elements between, which the
    /// standard clones) stay open, other elements between close with it, and of what opened
    /// inside the last special element only special elements stay.
    pub(super) fn adopt(&mut self, at: usize) {
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
    pub(super) fn any_other_end(&mut self, name: &str) {
        let at = self.search(|o| &*o.name == name, special_open);
        if let Some(at) = at {
            self.pop_to(at);
        }
    }

    /// Closes the element at `at` and every element opened inside it.
    pub(super) fn pop_to(&mut self, at: usize) {
        while self.stack.len() > at {
            self.pop();
        }
    }

    pub(super) fn pop(&mut self) {
        let at = self.stack.len() - 1;
        self.remove(at);
    }

    /// Takes one element off the stack, wherever it is.
    fn remove(&mut self, at: usize) {
        let open = self.stack.remove(at);
        if open.capture {
            self.page.close(open.id);
        }
        match role(&open.name) {
            _ if open.foreign || open.boxless => {}
            Role::Block => self.flush(),
            Role::Cell => self.separate(),
            _ => {}
        }
        self.apply(&open, -1);
    }
}
