//! The specialised function of a REST endpoint and scheme. It writes what the engine's
//! `Signer::sign_http` writes, in the same order: headers, body, URL (path, then query), the
//! string to sign (taking path, query and body as written), the signature where the scheme
//! places it, `Content-Type` when there is a body, then the timestamp.

use proc_macro2::TokenStream;
use quote::quote;

use super::Prelude;
use super::ops::{Op, join, render, separator};
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
    let rt = rt();
    let s = &plan.scheme.spec;
    let w = crate::generate::ident("w");
    let p = crate::generate::ident("p");
    let mut flags = Flags::default();
    let output = s.sign.as_ref().map(|sign| sign.output);
    let query_form = Form::from(s.query_encoding);
    let place = s.place.as_ref().filter(|_| s.sign.is_some());

    // Headers, then the body (the signature never goes there, see `plan`).
    let header_ops = headers(plan);
    let has_body = HasBody::of(plan);
    let body_ops = object(
        member_items(&plan.at(ParamLocation::Body, false), output),
        &flags.next(),
    );
    let mut constant = constant_len(&header_ops) + constant_len(&body_ops);
    let header_code = render(&w, header_ops);
    let body_code = render(&w, body_ops);
    let write_body = match &has_body {
        HasBody::Never => quote!(),
        HasBody::Always => quote! {
            let body_start = w.len();
            #body_code
            let body = w.since(body_start);
        },
        HasBody::When(cond) => quote! {
            let body = if #cond {
                let body_start = w.len();
                #body_code
                ::std::option::Option::Some(w.since(body_start))
            } else {
                ::std::option::Option::None
            };
        },
    };

    // The URL: path, then the query (sorted when the string to sign sorts it).
    let path_ops = path(plan);
    let query_flag = flags.next();
    let sig_in_query = place.filter(|p| p.location == ParamLocation::Query);
    let query = join(
        pair_items(
            &plan.at(ParamLocation::Query, plan.url_sorted),
            query_form,
            output,
        ),
        "?",
        "&",
        &query_flag,
        sig_in_query.is_some(),
    );
    constant += constant_len(&path_ops) + constant_len(&query.ops);
    let path_code = render(&w, path_ops);
    let query_end = query.end;
    let query_code = render(&w, query.ops);

    // The string to sign and the signature, placed.
    let mut reads = Reads::default();
    let (sign_code, place_code) = match (s.sign.as_ref(), place) {
        (Some(sign), Some(place)) => {
            let ops = payload(plan, &has_body, &mut flags, &mut reads)?;
            let start = super::payload_start(plan);
            let payload_code = render(&p, ops);
            let out = super::output(sign.output);
            let sign_code = quote! {
                #start
                #payload_code
                let mut sig_buf = #rt::__private::SignatureBuf::new();
                let sig = p.finish(#out, &mut sig_buf);
            };
            let sig = Val::Signature;
            let place_ops = match place.location {
                ParamLocation::Header => {
                    let mut ops = vec![header_begin(&place.name)];
                    ops.extend(value(&sig, Form::Raw, Some(sign.output)));
                    ops.push(header_end(&place.name, &sig, false));
                    ops
                }
                _ => {
                    let mut ops = vec![
                        separator(query_end, "?", "&", &query_flag),
                        Op::Lit(format!("{}=", name(&place.name, query_form))),
                    ];
                    ops.extend(value(&sig, query_form, Some(sign.output)));
                    ops
                }
            };
            constant += constant_len(&place_ops) + 128;
            let place_code = render(&w, place_ops);
            (sign_code, place_code)
        }
        _ => (quote!(), quote!()),
    };
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
    let (url_before, url_after) = if sig_in_query.is_some() {
        (quote!(), quote!(let url = w.since(url_start);))
    } else {
        (quote!(let url = w.since(url_start);), quote!())
    };

    let content_type = quote!(w.put_header("Content-Type", "application/json", false););
    let (content_type, body_arg) = match &has_body {
        HasBody::Never => (quote!(), quote!(::std::option::Option::None)),
        HasBody::Always => (content_type, quote!(::std::option::Option::Some(body))),
        HasBody::When(_) => (quote!(if body.is_some() { #content_type }), quote!(body)),
    };
    constant += 32;
    let reads_plain = [
        &header_code,
        &write_body,
        &path_code,
        &query_code,
        &sign_code,
        &place_code,
    ]
    .into_iter()
    .any(|c| super::mentions(c, "ts_plain"));
    let prelude = Prelude::new(plan, true, reads_plain);
    let capacity = prelude.capacity(constant);
    let Prelude { code: prelude, .. } = prelude;
    let ts_arg = super::timestamp_arg(plan);
    let method = &plan.method;
    Ok(quote! {
        #prelude
        let mut w = #rt::__private::Text::with_capacity(#capacity);
        #header_code
        #write_body
        let url_start = w.len();
        #path_start
        #path_code
        #path_span
        #query_start
        #query_code
        #query_span
        #url_before
        #sign_code
        #place_code
        #url_after
        #content_type
        w.finish_http(#method, url, #body_arg, #ts_arg)
    })
}
