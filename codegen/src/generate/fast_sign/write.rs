//! The writes of values, parameter lists, JSON objects, headers and paths, in the forms the
//! engine writes them: text as it is, percent-encoded, or JSON.
//!
//! The generated function names its locals: `ts` (the timestamp's text), `ts_int` and
//! `ts_bare` (its number form in JSON), `cred_<i>` (credentials), `add_<i>` (added values
//! the signer wrote out), `base` (the base URL),
//! `sig` (the signature), `v` (an optional value that is present) and `p_<param>` (the
//! request's parameters).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::ops::{Item, Joined, Op, join, json, json_inner, rfc3986};
use super::plan::{Bound, Entry, Kind, PathPiece, Piece, Plan, Val};
use runtime_vocab::{Encoding, Output};

use crate::spec::ParamLocation;

/// How text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    /// As it is.
    Raw,
    /// Percent-encoded (RFC 3986).
    Rfc3986,
    /// As a JSON value.
    Json,
}

impl From<Encoding> for Form {
    fn from(e: Encoding) -> Self {
        match e {
            Encoding::None => Form::Raw,
            Encoding::Rfc3986 => Form::Rfc3986,
        }
    }
}

/// The local holding credential `i`.
pub(super) fn credential(i: usize) -> Ident {
    format_ident!("cred_{i}")
}

/// The local holding step `i` of the string to sign, written out by the signer.
pub(super) fn payload_text(i: usize) -> Ident {
    format_ident!("sign_text_{i}")
}

/// The local holding the scheme's added value `i`, written out by the signer.
pub(super) fn constant(i: usize) -> Ident {
    format_ident!("add_{i}")
}

/// Constant text in `form`, inside a JSON string for [`Form::Json`].
fn lit(text: &str, form: Form) -> String {
    match form {
        Form::Raw => text.to_string(),
        Form::Rfc3986 => rfc3986(text),
        Form::Json => json_inner(text),
    }
}

/// Run-time text in `form`, inside a JSON string for [`Form::Json`].
fn text(value: TokenStream, form: Form) -> Op {
    Op::put(
        match form {
            Form::Raw => "put_str",
            Form::Rfc3986 => "put_rfc3986",
            Form::Json => "put_json_inner",
        },
        value,
    )
}

/// Run-time text in `form`, a whole JSON string for [`Form::Json`] (its quotes constant
/// text, merged with what surrounds them).
fn string(value: TokenStream, form: Form) -> Vec<Op> {
    match form {
        Form::Json => vec![
            Op::Lit("\"".into()),
            Op::put("put_json_inner", value),
            Op::Lit("\"".into()),
        ],
        other => vec![text(value, other)],
    }
}

/// A name in `form` (a JSON name is a string).
pub(super) fn name(name: &str, form: Form) -> String {
    match form {
        Form::Json => json(name),
        other => lit(name, other),
    }
}

/// A request value in `form`.
fn param(b: &Bound, form: Form) -> Vec<Op> {
    let v = b.value();
    match b.kind {
        Kind::Str => string(v, form),
        // Digits, `-`, `true`/`false` and UUIDs' hex and hyphens read the same in every
        // encoding; JSON carries numbers and booleans bare, UUIDs as strings.
        Kind::Digits => vec![Op::put("put_str", v)],
        Kind::Plain if form == Form::Json => vec![
            Op::Lit("\"".into()),
            Op::put("put_str", v),
            Op::Lit("\"".into()),
        ],
        Kind::Plain => vec![Op::put("put_str", v)],
        Kind::Bool => vec![Op::put("put_bool", v)],
        Kind::Uuid if form == Form::Json => vec![
            Op::Lit("\"".into()),
            Op::put("put_uuid", v),
            Op::Lit("\"".into()),
        ],
        Kind::Uuid => vec![Op::put("put_uuid", v)],
    }
}

/// A value in `form`; `output` is how the signature is written.
pub(super) fn value(val: &Val, form: Form, output: Option<Output>) -> Vec<Op> {
    match val {
        Val::Param(b) => param(b, form),
        // Written through the timestamp's own writes: the output notes where it is.
        // A plain timestamp (an integer the signer wrote) needs no escape.
        Val::Timestamp => match form {
            Form::Raw => vec![Op::put("put_timestamp", quote!(ts))],
            Form::Rfc3986 => vec![Op::Code(Box::new(
                |s| quote!(if ts_plain { #s.put_timestamp(ts); } else { #s.put_timestamp_rfc3986(ts); }),
            ))],
            Form::Json => vec![
                Op::Lit("\"".into()),
                Op::Code(Box::new(
                    |s| quote!(if ts_plain { #s.put_str(ts); } else { #s.put_json_inner(ts); }),
                )),
                Op::Lit("\"".into()),
            ],
        },
        Val::IntTimestamp if form == Form::Json => {
            vec![Op::put("put_int_timestamp", quote!(ts_int, ts_bare))]
        }
        Val::IntTimestamp => vec![text(quote!(ts_int), form)],
        Val::Text(pieces) => {
            let quote_mark = || Op::Lit("\"".into());
            let mut ops = Vec::new();
            if form == Form::Json {
                ops.push(quote_mark());
            }
            for piece in pieces {
                ops.push(match piece {
                    Piece::Lit(t) => Op::Lit(lit(t, form)),
                    Piece::Credential(i) => {
                        let c = credential(*i);
                        text(quote!(#c), form)
                    }
                    Piece::Timestamp => text(quote!(ts), form),
                    Piece::Host => text(quote!(base.host()), form),
                });
            }
            if form == Form::Json {
                ops.push(quote_mark());
            }
            ops
        }
        Val::Constant {
            index,
            query_rfc3986,
        } => {
            let c = constant(*index);
            vec![match form {
                Form::Raw => Op::put("put_str", quote!(#c.raw())),
                Form::Rfc3986 if *query_rfc3986 => Op::put("put_str", quote!(#c.query())),
                Form::Rfc3986 => Op::put("put_rfc3986", quote!(#c.raw())),
                Form::Json => Op::put("put_str", quote!(#c.json())),
            }]
        }
        Val::Signature => {
            // Hex and base64 need no JSON escape; hex and URL-safe base64 no percent-escape.
            let plain = matches!(
                output,
                Some(Output::Hex | Output::HexUpper | Output::Base64Url)
            );
            match form {
                Form::Json => vec![
                    Op::Lit("\"".into()),
                    Op::put("put_str", quote!(sig)),
                    Op::Lit("\"".into()),
                ],
                Form::Rfc3986 if !plain => vec![Op::put("put_rfc3986", quote!(sig))],
                _ => vec![Op::put("put_str", quote!(sig))],
            }
        }
    }
}

/// `name=value` items of `entries` in `form`.
pub(super) fn pair_items(entries: &[&Entry], form: Form, output: Option<Output>) -> Vec<Item> {
    entries
        .iter()
        .map(|e| {
            let mut ops = vec![Op::Lit(format!("{}=", name(&e.name, form)))];
            ops.extend(value(&e.val, form, output));
            Item {
                when: e.when(),
                ops,
            }
        })
        .collect()
}

/// The parameters of `location` as `name=value` joined by `&`, as the string to sign takes
/// them.
pub(super) fn params(
    plan: &Plan<'_>,
    location: ParamLocation,
    sort: bool,
    form: Form,
    flag: &Ident,
) -> Vec<Op> {
    let items = pair_items(&plan.at(location, sort), form, None);
    join(items, "", "&", flag, false).ops
}

/// `"name":value` items of `entries`.
pub(super) fn member_items(entries: &[&Entry], output: Option<Output>) -> Vec<Item> {
    entries
        .iter()
        .map(|e| {
            let mut ops = vec![Op::Lit(format!("{}:", name(&e.name, Form::Json)))];
            ops.extend(value(&e.val, Form::Json, output));
            Item {
                when: e.when(),
                ops,
            }
        })
        .collect()
}

/// A compact JSON object of `items`, as `serde_json` writes the same members.
pub(super) fn object(items: Vec<Item>, flag: &Ident) -> Vec<Op> {
    let Joined { ops, .. } = join(items, "", ",", flag, false);
    let mut out = vec![Op::Lit("{".into())];
    out.extend(ops);
    out.push(Op::Lit("}".into()));
    out
}

/// The headers of the request, in order.
pub(super) fn headers(plan: &Plan<'_>) -> Vec<Op> {
    let mut ops = Vec::new();
    for e in plan.at(ParamLocation::Header, false) {
        let mut inner = vec![header_begin(&e.name)];
        inner.extend(value(&e.val, Form::Raw, None));
        inner.push(header_end(&e.name, &e.val, e.sensitive));
        match e.when() {
            None => ops.extend(inner),
            Some(when) => ops.push(Op::IfLet(when, inner)),
        }
    }
    ops
}

pub(super) fn header_begin(name: &str) -> Op {
    Op::put("begin_header", quote!(#name))
}

/// Ends the header `name` holding `val`: a header that cannot hold a control character (a
/// literal name without one, the signer's constants or the signature as its value) is not
/// scanned again when the request is finished; any other is.
pub(super) fn header_end(name: &str, val: &Val, sensitive: bool) -> Op {
    let clean_name = !name.bytes().any(|b| b < 0x20 || b == 0x7f);
    let clean_value = matches!(val, Val::Constant { .. } | Val::Signature);
    if clean_name && clean_value {
        Op::put("end_clean_header", quote!(#sensitive))
    } else {
        Op::put("end_header", quote!(#sensitive))
    }
}

/// The request's path (after the base URL's prefix): its text, each parameter written as
/// one percent-encoded segment.
pub(super) fn path(plan: &Plan<'_>) -> Vec<Op> {
    let mut ops = Vec::new();
    for piece in &plan.path {
        match piece {
            PathPiece::Lit(t) => ops.push(Op::Lit(t.clone())),
            PathPiece::Param(None) => {}
            PathPiece::Param(Some(b)) => {
                let inner = param(b, Form::Rfc3986);
                match b.when() {
                    None => ops.extend(inner),
                    Some(when) => ops.push(Op::IfLet(when, inner)),
                }
            }
        }
    }
    ops
}

/// The length of the constant text of `ops`.
pub(super) fn constant_len(ops: &[Op]) -> usize {
    ops.iter()
        .map(|op| match op {
            Op::Lit(t) => t.len(),
            Op::IfLet(_, inner) => constant_len(inner),
            Op::Sep { sep, .. } => sep.len(),
            _ => 0,
        })
        .sum()
}
