//! Element classes of the HTML standard: which names are special, close a `p`, end a block,
//! format text, or bound a scope.

use std::borrow::Cow;

use crate::clean::html::Open;

/// Elements that belong in the head; any other start tag there opens the body.
pub(super) fn head_content(name: &str) -> bool {
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
pub(super) fn special(name: &str) -> bool {
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
pub(super) fn closes_p(name: &str) -> bool {
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
pub(super) fn block_end(name: &str) -> bool {
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
pub(super) fn formatting(name: &str) -> bool {
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
pub(super) fn table_structure(name: &str) -> bool {
    matches!(
        name,
        "caption" | "col" | "colgroup" | "tbody" | "tfoot" | "thead" | "tr" | "td" | "th"
    )
}

/// Elements whose end the standard implies when another element's start or end asks.
pub(super) fn implied_end(name: &str) -> bool {
    matches!(
        name,
        "dd" | "dt" | "li" | "optgroup" | "option" | "p" | "rb" | "rp" | "rt" | "rtc"
    )
}

/// Start tags after which a `frameset` no longer replaces the body (its "frameset-ok" flag).
pub(super) fn ends_frameset_ok(name: &str) -> bool {
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

pub(super) fn heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

pub(super) fn table_part(name: &str) -> bool {
    matches!(name, "table" | "tbody" | "thead" | "tfoot" | "tr")
}

/// HTML start tags that end foreign content (`svg`, `math`) and are read as HTML.
pub(super) fn breaks_out_of_foreign(name: &str, attrs: &[(&str, Cow<'_, str>)]) -> bool {
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
pub(super) fn integration_point(open: &Open<'_>) -> bool {
    open.foreign
        && if open.math {
            matches!(&*open.name, "mi" | "mo" | "mn" | "ms" | "mtext")
        } else {
            matches!(&*open.name, "foreignobject" | "desc" | "title")
        }
}

/// The standard's special category, foreign elements included.
pub(super) fn special_open(open: &Open<'_>) -> bool {
    if open.foreign {
        integration_point(open) || (open.math && &*open.name == "annotation-xml")
    } else {
        special(&open.name)
    }
}

/// Elements that bound the standard's default scope.
pub(super) fn scope_boundary(open: &Open<'_>) -> bool {
    if open.foreign {
        return integration_point(open) || (open.math && &*open.name == "annotation-xml");
    }
    matches!(
        &*open.name,
        "applet" | "caption" | "html" | "table" | "td" | "th" | "marquee" | "object" | "template"
    )
}

pub(super) fn button_scope_boundary(open: &Open<'_>) -> bool {
    scope_boundary(open) || (!open.foreign && &*open.name == "button")
}

pub(super) fn list_scope_boundary(open: &Open<'_>) -> bool {
    scope_boundary(open) || (!open.foreign && matches!(&*open.name, "ol" | "ul"))
}

pub(super) fn table_scope_boundary(open: &Open<'_>) -> bool {
    !open.foreign && matches!(&*open.name, "html" | "table" | "template")
}
