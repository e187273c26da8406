//! The string to sign, written into the payload sink `p`: parts the request already holds
//! (path, query, body) are taken from its text as written, everything else is written anew.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::ops::Op;
use super::plan::{Plan, Unsupported};
use super::steps::{Step, steps};
use super::write::{Form, params};
use runtime_vocab::Part;

use crate::spec::ParamLocation;

/// Whether the request has a body, as far as generation time knows.
#[derive(Clone)]
pub(super) enum HasBody {
    /// No parameter goes there.
    Never,
    /// A parameter that is always given goes there.
    Always,
    /// Only optional parameters go there: the body exists when this expression holds.
    When(TokenStream),
}

impl HasBody {
    pub(super) fn of(plan: &Plan<'_>) -> HasBody {
        let body = plan.at(ParamLocation::Body, false);
        if body.is_empty() {
            return HasBody::Never;
        }
        let mut conds = Vec::new();
        for e in body {
            match &e.val {
                super::plan::Val::Param(b) if b.optional => {
                    let l = &b.local;
                    conds.push(quote!(#l.is_some()));
                }
                _ => return HasBody::Always,
            }
        }
        HasBody::When(quote!(#(#conds)||*))
    }
}

/// What of the request's text the string to sign reads, as written.
#[derive(Default)]
pub(super) struct Reads {
    /// The path, at local `path`.
    pub(super) path: bool,
    /// The query, at local `query`.
    pub(super) query: bool,
}

/// Fresh names for the flags of lists whose first item depends on optional values.
#[derive(Default)]
pub(super) struct Flags(usize);

impl Flags {
    pub(super) fn next(&mut self) -> Ident {
        self.0 += 1;
        format_ident!("any_{}", self.0)
    }
}

/// The writes of the scheme's payload into `p`.
pub(super) fn payload(
    plan: &Plan<'_>,
    body: &HasBody,
    flags: &mut Flags,
    reads: &mut Reads,
) -> Result<Vec<Op>, Unsupported> {
    let s = &plan.scheme.spec;
    let mut ops = Vec::new();
    for step in steps(&s.payload) {
        let part = match step {
            Step::Part(part) => part,
            Step::Constant(text) => {
                ops.push(Op::Lit(text));
                continue;
            }
            Step::Signer(index) => {
                let local = super::write::payload_text(index);
                ops.push(Op::put("put_str", quote!(#local)));
                continue;
            }
        };
        match part {
            Part::Method => ops.push(Op::Lit(plan.method.clone())),
            Part::Host => {
                ops.push(Op::put("put_str", quote!(base.host())))
            }
            Part::Path => {
                reads.path = true;
                ops.push(Op::put("put_str", quote!(w.slice(path.clone()))));
            }
            Part::Timestamp => ops.push(Op::put("put_str", quote!(ts))),
            // Runs of literals and credentials are steps of their own (see `steps`).
            Part::Literal(_) | Part::Credential(_) => {}
            Part::Body => match body {
                HasBody::Never => {}
                HasBody::Always => ops.push(Op::put("put_str", quote!(w.slice(body.clone())))),
                HasBody::When(_) => ops.push(Op::Code(Box::new(|p| {
                    quote!(if let ::std::option::Option::Some(b) = &body { #p.put_str(w.slice(b.clone())); })
                }))),
            },
            Part::Params { prefix, .. } if !prefix.is_empty() => {
                return Err("a prefixed parameter list");
            }
            &Part::Params {
                from,
                sort,
                encoding,
                ..
            } => {
                if plan.at(from, false).is_empty() {
                    // No parameter goes there: nothing to write.
                } else if from == ParamLocation::Query
                    && sort == plan.url_sorted
                    && encoding == s.query_encoding
                {
                    // The URL's query, as written.
                    reads.query = true;
                    ops.push(Op::put("put_str", quote!(w.slice(query.clone()))));
                } else {
                    let flag = flags.next();
                    ops.extend(params(plan, from, sort, Form::from(encoding), &flag));
                }
            }
            Part::Param { .. } => return Err("a parameter's value"),
            Part::Digest { .. } => return Err("a digest"),
            Part::Mac { .. } => return Err("a mac"),
            Part::RandomHex(_) | Part::Uuid4 => return Err("a random nonce"),
            Part::ContentType => return Err("a content type"),
            Part::TimestampPlus(_) => return Err("a timestamp offset"),
            Part::Json { .. } => return Err("a JSON object"),
        }
    }
    Ok(ops)
}
