//! The specialised function of a REST endpoint and scheme. It writes what the engine's
//! `Signer::sign_http` writes, in the same order: headers, body, URL (path, then query), the
//! string to sign (taking path, query and body as written), the signature where the scheme
//! places it, `Content-Type` when there is a body, then the timestamp.
//!
//! Each part is made by its own step (`Written::of` for the headers, `body_part`, `url`,
//! `signature`, which makes the string to sign while flags are named in the same order);
//! `assemble` puts them in the engine's order and sizes the output.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use runtime_vocab::{Output, Place};

use super::Prelude;
use super::ops::{Filled, Op, join, render, separator};
use super::payload::{Flags, HasBody, Reads, payload};
use super::plan::{Plan, Unsupported, Val};
use super::write::{
    Form, constant_len, header_begin, header_end, headers, member_items, name, object, pair_items,
    path, value,
};
use crate::generate::rt;
use crate::spec::ParamLocation;

/// The body of `fn(&self, signer, base_url, timestamp, clock) -> Result<SignedHttp, _>`.
pub(super) fn body(plan: &Plan<'_>) -> Result<TokenStream, Unsupported> {
    // The flags are named in the order the parts are made: body, query, string to sign.
    let mut flags = Flags::default();
    let has_body = HasBody::of(plan);
    let headers = Written::of(headers(plan));
    let body = body_part(plan, &has_body, &mut flags);
    let url = url(plan, &mut flags);
    let mut reads = Reads::default();
    let signed = signature(plan, &url, &has_body, &mut flags, &mut reads)?;
    Ok(assemble(
        plan,
        &has_body,
        &reads,
        Parts {
            headers,
            body,
            url,
            signed,
        },
    ))
}

/// Code that writes one part of the request into the output `w`, and the length of the
/// constant text it writes.
struct Written {
    code: TokenStream,
    constant: usize,
}

impl Written {
    fn of(ops: Vec<Op>) -> Written {
        Written {
            constant: constant_len(&ops),
            code: render(&crate::generate::ident("w"), ops),
        }
    }

    fn empty() -> Written {
        Written {
            code: quote!(),
            constant: 0,
        }
    }
}

/// The body, held at local `body` (an `Option` when it may be absent). The signature never
/// goes there (see `plan`).
fn body_part(plan: &Plan<'_>, has_body: &HasBody, flags: &mut Flags) -> Written {
    let output = plan.scheme.spec.sign.as_ref().map(|sign| sign.output);
    let members = member_items(&plan.at(ParamLocation::Body, false), output);
    let Written { code, constant } = Written::of(object(members, &flags.next()));
    let code = match has_body {
        HasBody::Never => quote!(),
        HasBody::Always => quote! {
            let body_start = w.len();
            #code
            let body = w.since(body_start);
        },
        HasBody::When(cond) => quote! {
            let body = if #cond {
                let body_start = w.len();
                #code
                ::std::option::Option::Some(w.since(body_start))
            } else {
                ::std::option::Option::None
            };
        },
    };
    Written { code, constant }
}

/// The URL's path and query as written, and what a signature placed after the query needs.
struct Url {
    path: Written,
    query: Written,
    /// What generation time knows of the query at its end.
    query_end: Filled,
    /// The query's flag (declared only where it is read).
    query_flag: Ident,
    /// Whether the signature goes into the query (then the URL ends after it).
    sig_in_query: bool,
}

/// The URL: path, then the query (sorted when the string to sign sorts it).
fn url(plan: &Plan<'_>, flags: &mut Flags) -> Url {
    let s = &plan.scheme.spec;
    let output = s.sign.as_ref().map(|sign| sign.output);
    let query_flag = flags.next();
    let sig_in_query = s.sign.is_some()
        && s.place
            .as_ref()
            .is_some_and(|p| p.location == ParamLocation::Query);
    let items = pair_items(
        &plan.at(ParamLocation::Query, plan.url_sorted),
        Form::from(s.query_encoding),
        output,
    );
    let query = join(items, "?", "&", &query_flag, sig_in_query);
    Url {
        path: Written::of(path(plan)),
        query_end: query.end,
        query: Written::of(query.ops),
        query_flag,
        sig_in_query,
    }
}

impl Url {
    /// Writes the URL from its start, binding what the string to sign reads of it (`path`,
    /// `query`) and `url` unless the signature comes after the query; and the code that binds
    /// `url` after the signature is placed.
    fn code(&self, reads: &Reads) -> (TokenStream, TokenStream) {
        let (path_code, query_code) = (&self.path.code, &self.query.code);
        let path_span = reads.path.then(|| quote!(let path = w.since(path_start);));
        let path_start = if reads.path {
            quote!(let path_start = w.put_root(&base);)
        } else {
            quote!(w.put_root(&base);)
        };
        let query_start = reads.query.then(|| quote!(let query_start = w.len();));
        let query_span = reads
            .query
            .then(|| quote!(let query = w.query_since(query_start);));
        // The URL ends after the query, or after the signature when it goes there.
        let (url_before, url_after) = if self.sig_in_query {
            (quote!(), quote!(let url = w.since(url_start);))
        } else {
            (quote!(let url = w.since(url_start);), quote!())
        };
        let before = quote! {
            let url_start = w.len();
            #path_start
            #path_code
            #path_span
            #query_start
            #query_code
            #query_span
            #url_before
        };
        (before, url_after)
    }
}

/// The string to sign, signed into `sig` (`sign`), and the signature placed (`place`);
/// empty when the scheme does not sign.
struct Signed {
    sign: TokenStream,
    place: Written,
}

/// The string to sign and the signature, placed.
fn signature(
    plan: &Plan<'_>,
    url: &Url,
    has_body: &HasBody,
    flags: &mut Flags,
    reads: &mut Reads,
) -> Result<Signed, Unsupported> {
    let s = &plan.scheme.spec;
    let (Some(sign), Some(place)) = (s.sign.as_ref(), s.place.as_ref()) else {
        return Ok(Signed {
            sign: quote!(),
            place: Written::empty(),
        });
    };
    let ops = payload(plan, has_body, flags, reads)?;
    let sign_code = super::sign_code(plan, ops, sign.output);
    let mut place = Written::of(place_ops(plan, url, place, sign.output));
    place.constant += 128;
    Ok(Signed {
        sign: sign_code,
        place,
    })
}

/// The signature written as a header, or as the query's last parameter.
fn place_ops(plan: &Plan<'_>, url: &Url, place: &Place, output: Output) -> Vec<Op> {
    let sig = Val::Signature;
    match place.location {
        ParamLocation::Header => {
            let mut ops = vec![header_begin(&place.name)];
            ops.extend(value(&sig, Form::Raw, Some(output)));
            ops.push(header_end(&place.name, &sig, false));
            ops
        }
        _ => {
            let query_form = Form::from(plan.scheme.spec.query_encoding);
            let mut ops = vec![
                separator(url.query_end, "?", "&", &url.query_flag),
                Op::Lit(format!("{}=", name(&place.name, query_form))),
            ];
            ops.extend(value(&sig, query_form, Some(output)));
            ops
        }
    }
}

/// The parts of the request, made.
struct Parts {
    headers: Written,
    body: Written,
    url: Url,
    signed: Signed,
}

/// The function: the prelude, an output sized for the parts, the parts in the engine's
/// order, `Content-Type` when there is a body, and the request finished.
fn assemble(plan: &Plan<'_>, has_body: &HasBody, reads: &Reads, parts: Parts) -> TokenStream {
    let rt = rt();
    let Parts {
        headers,
        body,
        url,
        signed,
    } = parts;
    let content_type = quote!(w.put_header("Content-Type", "application/json", false););
    let (content_type, body_arg) = match has_body {
        HasBody::Never => (quote!(), quote!(::std::option::Option::None)),
        HasBody::Always => (content_type, quote!(::std::option::Option::Some(body))),
        HasBody::When(_) => (quote!(if body.is_some() { #content_type }), quote!(body)),
    };
    let constant = headers.constant
        + body.constant
        + url.path.constant
        + url.query.constant
        + signed.place.constant
        + 32;
    let reads_plain = [
        &headers.code,
        &body.code,
        &url.path.code,
        &url.query.code,
        &signed.sign,
        &signed.place.code,
    ]
    .into_iter()
    .any(|c| super::mentions(c, "ts_plain"));
    let prelude = Prelude::new(plan, true, reads_plain);
    let capacity = prelude.capacity(constant);
    let Prelude { code: prelude, .. } = prelude;
    let ts_arg = super::timestamp_arg(plan);
    let method = &plan.method;
    let (header_code, body_code, sign_code) = (headers.code, body.code, signed.sign);
    let place_code = signed.place.code;
    let (url_before, url_after) = url.code(reads);
    quote! {
        #prelude
        let mut w = #rt::__private::Text::with_capacity(#capacity);
        #header_code
        #body_code
        #url_before
        #sign_code
        #place_code
        #url_after
        #content_type
        w.finish_http(#method, url, #body_arg, #ts_arg)
    }
}
