//! Writes into a sink (the request's text or the string to sign), as a list of operations
//! that becomes code: constant text is merged at generation time, so that a run of names,
//! separators and literals is one `put_str`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// One write, or a block of writes that runs when a value is present.
pub(super) enum Op {
    /// Constant text.
    Lit(String),
    /// A call `sink.<method>(<arg>)`.
    Put(&'static str, TokenStream),
    /// Code that writes through the sink, given the sink's name.
    Code(Box<dyn Fn(&Ident) -> TokenStream>),
    /// `if let <pattern> = <value> { ops }`: a value that may be absent.
    IfLet(TokenStream, Vec<Op>),
    /// A list separator that depends on whether anything was written yet: `sep` if
    /// `flag` is set, else `open`.
    Sep {
        flag: Ident,
        sep: &'static str,
        open: &'static str,
    },
    /// Marks that an item of a list was written.
    Mark(Ident),
}

impl Op {
    pub(super) fn put(method: &'static str, arg: TokenStream) -> Op {
        Op::Put(method, arg)
    }
}

/// The code of `ops` writing into `sink`, runs of constant text merged.
pub(super) fn render(sink: &Ident, ops: Vec<Op>) -> TokenStream {
    let mut out = TokenStream::new();
    let mut text = String::new();
    let flush = |text: &mut String, out: &mut TokenStream| {
        if text.is_empty() {
            return;
        }
        out.extend(put_text(sink, text));
        text.clear();
    };
    for op in ops {
        match op {
            Op::Lit(t) => text.push_str(&t),
            other => {
                flush(&mut text, &mut out);
                out.extend(match other {
                    Op::Lit(_) => TokenStream::new(),
                    Op::Put(method, arg) => {
                        let m = super::super::ident(method);
                        quote!(#sink.#m(#arg);)
                    }
                    Op::Code(f) => f(sink),
                    Op::IfLet(cond, ops) => {
                        let body = render(sink, ops);
                        quote!(if let #cond { #body })
                    }
                    Op::Sep { flag, sep, open } => {
                        let sep = put_text(sink, sep);
                        if open.is_empty() {
                            quote!(if #flag { #sep })
                        } else {
                            let open = put_text(sink, open);
                            quote!(if #flag { #sep } else { #open })
                        }
                    }
                    Op::Mark(flag) => quote!(#flag = true;),
                });
            }
        }
    }
    flush(&mut text, &mut out);
    out
}

/// `sink.put_byte(b'x');` for one ASCII byte, else `sink.put_str("...");`.
fn put_text(sink: &Ident, text: &str) -> TokenStream {
    match text.as_bytes() {
        [b] if b.is_ascii() => {
            let b = proc_macro2::Literal::byte_character(*b);
            quote!(#sink.put_byte(#b);)
        }
        _ => quote!(#sink.put_str(#text);),
    }
}

/// Whether anything is written yet, as far as generation time knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Filled {
    /// Nothing yet.
    Empty,
    /// Something, for sure.
    Some,
    /// Depends on which optional values are present: a run-time flag says.
    Unknown,
}

/// A list item: its writes, and the value it needs present (`None`: always written).
pub(super) struct Item {
    pub(super) when: Option<TokenStream>,
    pub(super) ops: Vec<Op>,
}

/// A joined list: its writes and what generation time knows of it at its end.
pub(super) struct Joined {
    pub(super) ops: Vec<Op>,
    pub(super) end: Filled,
}

/// Items joined by `sep`, the first preceded by `open`. Where whether an item is the first
/// depends on optional values, a run-time `flag` tracks it (declared only then).
/// `read_after`: the caller writes one more item after the list (a signature), which reads
/// the flag if the list ends [`Filled::Unknown`].
pub(super) fn join(
    items: Vec<Item>,
    open: &'static str,
    sep: &'static str,
    flag: &Ident,
    read_after: bool,
) -> Joined {
    let n = items.len();
    let mut state = Filled::Empty;
    let mut ops = Vec::new();
    let mut flagged = false;
    for (i, item) in items.into_iter().enumerate() {
        let read_later = i + 1 < n || read_after;
        let mut inner = Vec::new();
        inner.push(separator(state, open, sep, flag));
        flagged |= state == Filled::Unknown;
        inner.extend(item.ops);
        match item.when {
            None => {
                ops.extend(inner);
                state = Filled::Some;
            }
            Some(when) => {
                if state != Filled::Some && read_later {
                    inner.push(Op::Mark(flag.clone()));
                }
                ops.push(Op::IfLet(when, inner));
                if state == Filled::Empty {
                    state = Filled::Unknown;
                }
            }
        }
    }
    flagged |= read_after && state == Filled::Unknown;
    if flagged {
        ops.insert(
            0,
            Op::Code(Box::new({
                let flag = flag.clone();
                move |_| quote!(let mut #flag = false;)
            })),
        );
    }
    Joined { ops, end: state }
}

/// The separator before an item when the list is `state`.
pub(super) fn separator(state: Filled, open: &'static str, sep: &'static str, flag: &Ident) -> Op {
    match state {
        Filled::Empty => Op::Lit(open.to_string()),
        Filled::Some => Op::Lit(sep.to_string()),
        Filled::Unknown => Op::Sep {
            flag: flag.clone(),
            sep,
            open,
        },
    }
}

/// `s` percent-encoded as RFC 3986 (as the runtime encodes it: unreserved characters kept,
/// every other byte `%XX` in upper-case hex).
pub(super) fn rfc3986(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `s` as a JSON string, quotes included, as `serde_json` (and the runtime) writes it.
pub(super) fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The inside of [`json`] (no quotes).
pub(super) fn json_inner(s: &str) -> String {
    let quoted = json(s);
    quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_encodings() {
        assert_eq!(rfc3986("a b/é~"), "a%20b%2F%C3%A9~");
        assert_eq!(json("a\"\n"), "\"a\\\"\\n\"");
        assert_eq!(json_inner("a\"\u{1}"), "a\\\"\\u0001");
    }

    /// Constant text is merged; a separator that depends on optional values reads a flag.
    #[test]
    fn lists_merge_constants_and_track_optional_items() {
        let sink = super::super::super::ident("w");
        let flag = super::super::super::ident("any");
        let item = |when: Option<TokenStream>, name: &str| Item {
            when,
            ops: vec![Op::Lit(format!("{name}=")), Op::put("put_str", quote!(v))],
        };
        let j = join(
            vec![item(Some(quote!(Some(v) = a)), "a"), item(None, "b")],
            "?",
            "&",
            &flag,
            false,
        );
        assert_eq!(j.end, Filled::Some);
        let code = render(&sink, j.ops).to_string();
        assert_eq!(
            code,
            quote! {
                let mut any = false;
                if let Some(v) = a { w.put_str("?a="); w.put_str(v); any = true; }
                if any { w.put_byte(b'&'); } else { w.put_byte(b'?'); }
                w.put_str("b=");
                w.put_str(v);
            }
            .to_string()
        );
        // Known separators are merged into the names; a last optional item sets no flag.
        let j = join(
            vec![item(None, "a"), item(Some(quote!(Some(v) = b)), "b")],
            "",
            "&",
            &flag,
            false,
        );
        let code = render(&sink, j.ops).to_string();
        assert_eq!(
            code,
            quote! {
                w.put_str("a=");
                w.put_str(v);
                if let Some(v) = b { w.put_str("&b="); w.put_str(v); }
            }
            .to_string()
        );
    }
}
