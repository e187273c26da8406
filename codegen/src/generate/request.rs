//! The request type, its builder (which enforces the spec's constraints) and its wire form.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::docs::{blank, doc, erratum, lines};
use super::{ident, rt};
use crate::model::{Endpoint, Param, ParamTy, Transport};
use crate::spec::ParamLocation;

fn location(l: ParamLocation) -> TokenStream {
    let rt = rt();
    match l {
        ParamLocation::Path => quote!(#rt::request::Location::Path),
        ParamLocation::Query => quote!(#rt::request::Location::Query),
        ParamLocation::Body => quote!(#rt::request::Location::Body),
        ParamLocation::WsParams => quote!(#rt::request::Location::WsParams),
        ParamLocation::Header => quote!(#rt::request::Location::Header),
    }
}

/// The Rust type a parameter is stored as once validated.
fn stored_ty(t: &ParamTy) -> TokenStream {
    match t {
        ParamTy::String => quote!(::std::string::String),
        ParamTy::I64 => quote!(i64),
        ParamTy::U64 => quote!(u64),
        ParamTy::Bool => quote!(bool),
        ParamTy::Decimal => quote!(::rust_decimal::Decimal),
        ParamTy::Uuid => quote!(::uuid::Uuid),
        ParamTy::Enum(n) => {
            let n = ident(n);
            quote!(#n)
        }
        ParamTy::List(item) => {
            let item = stored_ty(item);
            quote!(::std::vec::Vec<#item>)
        }
    }
}

/// The type the builder holds until `build()` (UUIDs stay text until they are checked).
fn builder_ty(t: &ParamTy) -> TokenStream {
    match t {
        ParamTy::Uuid => quote!(::std::string::String),
        other => stored_ty(other),
    }
}

/// Setter argument type and the conversion into the builder's type.
fn setter(p: &Param) -> (TokenStream, TokenStream) {
    match &p.ty {
        ParamTy::String | ParamTy::Uuid => (
            quote!(impl ::std::convert::Into<::std::string::String>),
            quote!(value.into()),
        ),
        other => (stored_ty(other), quote!(value)),
    }
}

/// The wire value of `v` (a reference to the stored value): text is borrowed from the request,
/// never copied (decimals, which are not stored as text, are written out).
fn wire_value(t: &ParamTy, v: TokenStream) -> TokenStream {
    let rt = rt();
    let borrowed = |text: TokenStream| quote!(#rt::request::WireValue::Str(::std::borrow::Cow::Borrowed(#text)));
    match t {
        ParamTy::String => borrowed(quote!(::std::string::String::as_str(#v))),
        ParamTy::I64 => quote!(#rt::request::WireValue::Int(*#v)),
        ParamTy::U64 => quote!(#rt::request::WireValue::UInt(*#v)),
        ParamTy::Bool => quote!(#rt::request::WireValue::Bool(*#v)),
        ParamTy::Uuid => quote!(#rt::request::WireValue::Uuid(*#v)),
        ParamTy::Decimal => {
            quote!(#rt::request::WireValue::Str(::std::borrow::Cow::Owned(::std::string::ToString::to_string(#v))))
        }
        ParamTy::Enum(_) => borrowed(quote!((#v).as_wire())),
        ParamTy::List(item) => {
            let each = wire_value(item, quote!(x));
            quote!(#rt::request::WireValue::List((#v).iter().map(|x| #each).collect()))
        }
    }
}

fn param_doc(p: &Param) -> TokenStream {
    let d = doc(p.doc.as_deref());
    let mut facts = vec![format!("Wire: `{}`", p.wire)];
    facts.push(if p.required {
        "required".into()
    } else {
        "optional".into()
    });
    if let Some(r) = &p.range {
        facts.push(format!("range `{}`", r.notation()));
    }
    if let Some(n) = p.min_length {
        facts.push(format!("at least {n} characters"));
    }
    if let Some(n) = p.max_length {
        facts.push(format!("at most {n} characters"));
    }
    if let Some(def) = &p.default {
        facts.push(format!("venue default `{def}` when not sent"));
    }
    let facts = lines(&(facts.join(", ") + "."));
    let b = if d.is_empty() { quote!() } else { blank() };
    let e = erratum(p.erratum.as_ref());
    quote!(#d #b #facts #e)
}

/// Checks run by `build()` on a value `v` of parameter `p` (runtime `param_check` calls).
fn checks(p: &Param) -> TokenStream {
    let rt = rt();
    let wire = &p.wire;
    let mut out = TokenStream::new();
    if let Some(r) = &p.range {
        let notation = r.notation();
        let bound = |b: Option<(i64, bool)>| match b {
            Some((m, incl)) => {
                let m = proc_macro2::Literal::i128_unsuffixed(m as i128);
                quote!(::std::option::Option::Some((#m, #incl)))
            }
            None => quote!(::std::option::Option::None),
        };
        let (lo, hi) = (bound(r.min), bound(r.max));
        out.extend(quote! {
            #rt::param_check::range(#wire, *v as i128, #lo, #hi, #notation)?;
        });
    }
    if p.min_length.is_some() || p.max_length.is_some() {
        let opt = |n: Option<usize>| match n {
            Some(n) => quote!(::std::option::Option::Some(#n)),
            None => quote!(::std::option::Option::None),
        };
        let (lo, hi) = (opt(p.min_length), opt(p.max_length));
        out.extend(quote!(#rt::param_check::length(#wire, v, #lo, #hi)?;));
    }
    out
}

/// `Request`, `RequestBuilder` and their impls.
pub fn request(e: &Endpoint) -> TokenStream {
    let rt = rt();
    let params = &e.params;
    let names: Vec<_> = params.iter().map(|p| ident(&p.rust)).collect();
    let struct_fields = params.iter().zip(&names).map(|(p, n)| {
        let t = stored_ty(&p.ty);
        let t = if p.required {
            t
        } else {
            quote!(::std::option::Option<#t>)
        };
        quote!(#n: #t,)
    });
    let getters = params.iter().zip(&names).map(|(p, n)| {
        let d = param_doc(p);
        let t = stored_ty(&p.ty);
        if p.required {
            quote!(#d pub fn #n(&self) -> &#t { &self.#n })
        } else {
            quote!(#d pub fn #n(&self) -> ::std::option::Option<&#t> { self.#n.as_ref() })
        }
    });
    let supplied = e.supplied.iter().map(|s| {
        let w = &s.wire;
        let loc = location(s.location);
        quote!((#w, #loc))
    });
    let supplied_doc = if e.supplied.is_empty() {
        quote!()
    } else {
        let names: Vec<_> = e.supplied.iter().map(|s| format!("`{}`", s.wire)).collect();
        let l = lines(&format!(
            "Added when the request is sent (by the signer or the transport): {}.",
            names.join(", ")
        ));
        let b = blank();
        quote!(#b #l)
    };
    let summary = lines(&format!("Request for: {}", e.summary));
    let from_params = from_params(e, &names);
    let to_wire = to_wire(e, &names);
    let builder = builder(e, &names);
    quote! {
        #summary
        #supplied_doc
        ///
        /// Built with [`Request::builder`], which refuses a request the spec does not allow.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Request {
            #(#struct_fields)*
        }

        /// Parameters the caller does not give: the signer or transport adds them.
        pub const SUPPLIED_PARAMS: &[(&str, #rt::request::Location)] = &[#(#supplied),*];

        impl Request {
            #from_params

            /// Starts a request; call the setters, then [`RequestBuilder::build`].
            pub fn builder() -> RequestBuilder {
                RequestBuilder::default()
            }

            #(#getters)*

            #to_wire
        }

        #builder
    }
}

/// `Request::from_params`: each wire name's text parsed into its parameter's type, then
/// `build()`.
fn from_params(e: &Endpoint, names: &[Ident]) -> TokenStream {
    let rt = rt();
    let wires: Vec<&str> = e.params.iter().map(|p| p.wire.as_str()).collect();
    // What an unexpected name means: supplied by the signer, or unknown.
    let refuse = quote! {
        if SUPPLIED_PARAMS.iter().any(|(n, _)| *n == name) {
            return ::std::result::Result::Err(#rt::request::RequestError::Supplied {
                param: ::std::borrow::ToOwned::to_owned(name),
            });
        }
        return ::std::result::Result::Err(#rt::request::RequestError::UnknownParam {
            param: ::std::borrow::ToOwned::to_owned(name),
            known: &[#(#wires),*],
        });
    };
    let parse_arms = e.params.iter().zip(names).map(|(p, n)| {
        let wire = &p.wire;
        let parsed = parse_text(e, p);
        quote!(#wire => b.#n(#parsed),)
    });
    // With no parameter of its own, the first name is refused.
    let body = if e.params.is_empty() {
        quote! {
            if let ::std::option::Option::Some((name, _)) = ::std::iter::IntoIterator::into_iter(pairs).next() {
                #refuse
            }
            Request::builder().build()
        }
    } else {
        quote! {
            let mut b = Request::builder();
            for (name, value) in pairs {
                b = match name {
                    #(#parse_arms)*
                    _ => { #refuse }
                };
            }
            b.build()
        }
    };
    quote! {
        /// Builds a request from wire names and text values (`recvWindow` = `"5000"`), as a
        /// command line gives them: each value is parsed into the parameter's type, then
        /// every constraint is checked as by [`RequestBuilder::build`].
        pub fn from_params<'a>(
            pairs: impl ::std::iter::IntoIterator<Item = (&'a str, &'a str)>,
        ) -> ::std::result::Result<Request, #rt::request::RequestError> {
            #body
        }
    }
}

/// The expression parsing the text `value` into parameter `p`'s setter argument.
fn parse_text(e: &Endpoint, p: &Param) -> TokenStream {
    let rt = rt();
    let wire = &p.wire;
    let invalid = |expected: String| {
        quote! {
            #rt::request::RequestError::InvalidFormat {
                param: #wire,
                expected: #expected,
                value: ::std::borrow::ToOwned::to_owned(value),
            }
        }
    };
    match &p.ty {
        ParamTy::String | ParamTy::Uuid => quote!(value),
        ParamTy::I64 | ParamTy::U64 => {
            let e = invalid("an integer".into());
            quote!(value.parse().map_err(|_| #e)?)
        }
        ParamTy::Bool => {
            let e = invalid("`true` or `false`".into());
            quote!(value.parse().map_err(|_| #e)?)
        }
        ParamTy::Decimal => {
            let e = invalid("a decimal number".into());
            quote!(<::rust_decimal::Decimal as ::std::str::FromStr>::from_str(value).map_err(|_| #e)?)
        }
        ParamTy::Enum(t) => {
            let expected = match e.types.get(t) {
                Some(crate::model::TypeDef::Enum(en)) => {
                    let values: Vec<_> = en
                        .variants
                        .iter()
                        .map(|v| format!("`{}`", v.value))
                        .collect();
                    values.join(", ")
                }
                _ => String::new(),
            };
            let t = ident(t);
            let err = invalid(format!("one of {expected}"));
            quote!(#t::from_wire(value).ok_or_else(|| #err)?)
        }
        ParamTy::List(item) => {
            // Comma-separated items (`1,2,3`); none for an empty text.
            let (each, expected) = match item.as_ref() {
                ParamTy::String => (
                    quote!(::std::result::Result::Ok(::std::borrow::ToOwned::to_owned(
                        x
                    ))),
                    "comma-separated text",
                ),
                _ => (
                    quote!(x.trim().parse().map_err(|_| ())),
                    "comma-separated integers",
                ),
            };
            let e = invalid(expected.into());
            quote! {
                value
                    .split(',')
                    .filter(|x| !x.is_empty())
                    .map(|x| #each)
                    .collect::<::std::result::Result<::std::vec::Vec<_>, ()>>()
                    .map_err(|_| #e)?
            }
        }
    }
}

/// `Request::to_wire`: the transport and each given parameter, borrowed.
fn to_wire(e: &Endpoint, names: &[Ident]) -> TokenStream {
    let rt = rt();
    let pushes = e.params.iter().zip(names).map(|(p, n)| {
        let wire = &p.wire;
        let loc = location(p.location);
        let val = wire_value(&p.ty, quote!(v));
        let push = quote! {
            wire.params.push(#rt::request::WireParam {
                name: ::std::borrow::Cow::Borrowed(#wire),
                location: #loc,
                value: #val,
            });
        };
        if p.required {
            quote!({ let v = &self.#n; #push })
        } else {
            quote!(if let ::std::option::Option::Some(v) = &self.#n { #push })
        }
    });
    let body_format = match &e.transport {
        Transport::Rest { body, .. } => *body,
        Transport::Ws { .. } => runtime_vocab::BodyFormat::Json,
    };
    let transport = match &e.transport {
        Transport::Rest { method, path, .. } => {
            // The signer fills a template's placeholders in as it writes the path.
            let path = if path.contains("{") {
                let pieces = path_pieces(path);
                quote!(#rt::request::WirePath::Template(&[#(#pieces),*]))
            } else {
                quote!(#rt::request::WirePath::Text(::std::borrow::Cow::Borrowed(#path)))
            };
            quote! {
                #rt::request::WireTransport::Rest {
                    method: #method,
                    path: #path,
                }
            }
        }
        Transport::Ws { method } => quote!(#rt::request::WireTransport::Ws { method: #method }),
    };
    quote! {
        /// The parameters as they go on the wire, and the path (its template, filled in
        /// where it is written). Text is borrowed from the request; nothing is allocated.
        pub fn to_wire(&self) -> #rt::request::WireRequest<'_> {
            // Built in place: the parameters are held inline, and moving them is a copy.
            let mut wire = #rt::request::WireRequest {
                transport: #transport,
                params: #rt::request::WireParams::new(),
                body_format: #body_format,
            };
            #(#pushes)*
            wire
        }
    }
}

/// `RequestBuilder`: its fields, setters and `build()`, which checks presence, then
/// exactly-one-of groups, then each value's own constraints.
fn builder(e: &Endpoint, names: &[Ident]) -> TokenStream {
    let rt = rt();
    let params = &e.params;
    let builder_fields = params.iter().zip(names).map(|(p, n)| {
        let t = builder_ty(&p.ty);
        quote!(#n: ::std::option::Option<#t>,)
    });
    let setters = params.iter().zip(names).map(|(p, n)| {
        let d = param_doc(p);
        let (arg, conv) = setter(p);
        quote! {
            #d
            pub fn #n(mut self, value: #arg) -> Self {
                self.#n = ::std::option::Option::Some(#conv);
                self
            }
        }
    });
    let missing = params.iter().zip(names).filter(|(p, _)| p.required).map(|(p, n)| {
        let wire = &p.wire;
        quote! {
            let ::std::option::Option::Some(#n) = self.#n else {
                return ::std::result::Result::Err(#rt::request::RequestError::Missing { param: #wire });
            };
        }
    });
    let groups = group_checks(e, names);
    let optional = params
        .iter()
        .zip(names)
        .filter(|(p, _)| !p.required)
        .map(|(_, n)| quote!(let #n = self.#n;));
    let converts = params.iter().zip(names).map(|(p, n)| convert(p, n));
    quote! {
        /// Collects parameters for a [`Request`].
        #[derive(Debug, Clone, Default)]
        pub struct RequestBuilder {
            #(#builder_fields)*
        }

        impl RequestBuilder {
            #(#setters)*

            /// Checks every constraint of the spec and returns the request, or the first
            /// violation.
            pub fn build(self) -> ::std::result::Result<Request, #rt::request::RequestError> {
                #(#missing)*
                #groups
                #(#optional)*
                #(#converts)*
                ::std::result::Result::Ok(Request { #(#names),* })
            }
        }
    }
}

/// The checks of the parameter groups, in this order: every `exactly_one_of` group, every
/// `at_least_one_of` group, every `all_or_none_of` group.
fn group_checks(e: &Endpoint, names: &[Ident]) -> TokenStream {
    let rt = rt();
    let params = &e.params;
    let groups = e.exactly_one_of.iter().map(|g| {
        let wires: Vec<&str> = g.iter().map(|&i| params[i].wire.as_str()).collect();
        let ns: Vec<_> = g.iter().map(|&i| &names[i]).collect();
        quote! {
            let given = [#(self.#ns.is_some()),*].into_iter().filter(|&set| set).count();
            if given != 1 {
                return ::std::result::Result::Err(#rt::request::RequestError::ExactlyOneOf {
                    params: &[#(#wires),*],
                    given,
                });
            }
        }
    });
    let at_least = e.at_least_one_of.iter().map(|g| {
        let wires: Vec<&str> = g.iter().map(|&i| params[i].wire.as_str()).collect();
        let ns: Vec<_> = g.iter().map(|&i| &names[i]).collect();
        quote! {
            if !(#(self.#ns.is_some())||*) {
                return ::std::result::Result::Err(#rt::request::RequestError::AtLeastOneOf {
                    params: &[#(#wires),*],
                });
            }
        }
    });
    let together = e.all_or_none_of.iter().map(|g| {
        let wires: Vec<&str> = g.iter().map(|&i| params[i].wire.as_str()).collect();
        let ns: Vec<_> = g.iter().map(|&i| &names[i]).collect();
        let len = proc_macro2::Literal::usize_unsuffixed(g.len());
        quote! {
            let given = [#(self.#ns.is_some()),*].into_iter().filter(|&set| set).count();
            if given != 0 && given != #len {
                return ::std::result::Result::Err(#rt::request::RequestError::AllOrNoneOf {
                    params: &[#(#wires),*],
                    given,
                });
            }
        }
    });
    quote! {
        #(#groups)*
        #(#at_least)*
        #(#together)*
    }
}

/// In `build()`: parameter `p` (bound as `n`) parsed where it is text (UUIDs), then checked.
fn convert(p: &Param, n: &Ident) -> TokenStream {
    let rt = rt();
    let c = checks(p);
    let wire = &p.wire;
    let parse_uuid = |raw: TokenStream| {
        quote! {
            ::uuid::Uuid::parse_str(&#raw).map_err(|_| #rt::request::RequestError::InvalidFormat {
                param: #wire,
                expected: "a UUID",
                value: #raw,
            })?
        }
    };
    let parse = match (p.ty == ParamTy::Uuid, p.required) {
        (false, _) => quote!(),
        (true, true) => {
            let e = parse_uuid(quote!(#n));
            quote!(let #n = #e;)
        }
        (true, false) => {
            let e = parse_uuid(quote!(raw));
            quote! {
                let #n = match #n {
                    ::std::option::Option::Some(raw) => ::std::option::Option::Some(#e),
                    ::std::option::Option::None => ::std::option::Option::None,
                };
            }
        }
    };
    let check = match (c.is_empty(), p.required) {
        (true, _) => quote!(),
        (false, true) => quote!({ let v = &#n; #c }),
        (false, false) => quote!(if let ::std::option::Option::Some(v) = &#n { #c }),
    };
    quote!(#parse #check)
}

/// A path template split where its placeholders are: literal text and parameter names,
/// alternating, starting with text (`/spot/orders/{id}` is `["/spot/orders/", "id", ""]`). A
/// `{` without its `}` is text.
pub(super) fn path_pieces(template: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        pieces.push(rest[..start].to_string());
        pieces.push(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    pieces.push(rest.to_string());
    pieces
}

#[cfg(test)]
mod tests {
    use super::path_pieces;

    #[test]
    fn path_templates_split_where_placeholders_are() {
        assert_eq!(
            path_pieces("/spot/orders/{id}"),
            ["/spot/orders/", "id", ""]
        );
        assert_eq!(
            path_pieces("/a/{x}/b/{y}/c"),
            ["/a/", "x", "/b/", "y", "/c"]
        );
        assert_eq!(path_pieces("{x}{y}"), ["", "x", "", "y", ""]);
        assert_eq!(path_pieces("/open{x"), ["/open{x"]);
    }
}
