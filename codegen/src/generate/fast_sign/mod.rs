//! Signing functions specialised per endpoint and scheme (the "fast path").
//!
//! The engine (`generated::runtime::signing::Signer`) interprets a scheme's recipe for every
//! request. Here the same recipe is compiled, at generation time, together with what the
//! endpoint's spec fixes (its parameters, their order, types and locations, its method and
//! path) into one function per endpoint and scheme of its transport:
//!
//! - constant text (names, `=`, `&`, `?`, `,`, literals, JSON punctuation) is merged and
//!   written in one piece, already encoded;
//! - the order of the parameters is fixed, sorted here where the recipe sorts; optional
//!   parameters are checked for presence where they are written, and a separator whose need
//!   depends on them reads a flag;
//! - values are written straight into one output buffer and the string to sign goes to the
//!   signer's prepared key as it is written (path, query and body taken from the output as
//!   written).
//!
//! A recipe whose request the function could not fix at generation time (a digest, a value
//! assembled from the request, a JSON member or sorted parameter given twice, a signature in
//! the body) gets no function: `Request::sign` runs the engine for it. The engine stays the
//! reference; `generated/tests/fast_sign.rs` checks both write the same bytes.
//!
//! - [`plan`]: the endpoint and scheme resolved into the request's parameters;
//! - [`ops`]: writes as data, merged and rendered into code;
//! - [`write`](mod@write): values, lists, JSON objects, headers and paths in the engine's forms;
//! - [`steps`]: the string to sign as the signer's steps;
//! - [`payload`]: the string to sign;
//! - [`http`] and [`ws`]: the functions.

mod http;
mod ops;
mod payload;
mod plan;
mod steps;
mod write;
mod ws;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use self::plan::{Bound, Kind, Plan};
use super::rt;
use crate::model::{Endpoint, Param, ParamTy, Signing};
use runtime_vocab::{Output, SignAlgorithm};

/// The specialised functions of one endpoint.
pub(crate) struct Functions {
    /// `(index in the venue's schemes, scheme name, function name)` of each function.
    pub(crate) schemes: Vec<(usize, String, Ident)>,
    /// The functions, as methods of `Request`.
    pub(crate) code: TokenStream,
}

/// The functions of `endpoint` for the venue's schemes of its transport that can have one.
pub(crate) fn functions(endpoint: &Endpoint, signing: &Signing) -> Functions {
    let rt = rt();
    let mut schemes = Vec::new();
    let mut code = TokenStream::new();
    let rest = matches!(endpoint.transport, crate::model::Transport::Rest { .. });
    for (index, scheme) in signing.schemes.iter().enumerate() {
        let Ok(plan) = plan::plan(endpoint, scheme) else {
            continue;
        };
        let body = if rest {
            http::body(&plan)
        } else {
            ws::body(&plan)
        };
        let Ok(body) = body else {
            continue;
        };
        let name = if crate::names::is_ident(&format!("sign_with_{}", scheme.name)) {
            format_ident!("sign_with_{}", scheme.name)
        } else {
            format_ident!("sign_with_scheme_{index}")
        };
        let doc = format!(
            " Signs the request as the venue's scheme `{}` does, with code generated for it.",
            scheme.name
        );
        code.extend(if rest {
            quote! {
                #[doc = #doc]
                fn #name(
                    &self,
                    signer: &#rt::signing::Signer,
                    base_url: &str,
                    timestamp: &#rt::signing::Timestamp,
                    clock: &dyn #rt::signing::Clock,
                ) -> ::std::result::Result<#rt::signing::SignedHttp, #rt::signing::SignError> {
                    #body
                }
            }
        } else {
            quote! {
                #[doc = #doc]
                fn #name(
                    &self,
                    signer: &#rt::signing::Signer,
                    id: &str,
                    timestamp: &#rt::signing::Timestamp,
                    clock: &dyn #rt::signing::Clock,
                ) -> ::std::result::Result<#rt::signing::SignedWs, #rt::signing::SignError> {
                    #body
                }
            }
        });
        schemes.push((index, scheme.name.clone(), name));
    }
    Functions { schemes, code }
}

/// Starts the sink `p` for the string to sign, where it is written (an HMAC key's state is
/// copied there, once).
fn payload_start(plan: &Plan<'_>) -> TokenStream {
    match plan.scheme.spec.sign.as_ref().map(|s| s.algorithm) {
        Some(SignAlgorithm::HmacSha256 | SignAlgorithm::HmacSha384 | SignAlgorithm::HmacSha512) => {
            quote!(let mut p = sign_key.payload();)
        }
        _ => quote!(),
    }
}

/// Writes the string to sign (`ops`, into the sink `p`) and signs it into `sig`.
fn sign_code(plan: &Plan<'_>, ops: Vec<ops::Op>, output: Output) -> TokenStream {
    let rt = rt();
    let start = payload_start(plan);
    let payload_code = ops::render(&super::ident("p"), ops);
    let out = self::output(output);
    quote! {
        #start
        #payload_code
        let mut sig_buf = #rt::__private::SignatureBuf::new();
        let sig = p.finish(#out, &mut sig_buf);
    }
}

/// Whether `code` names `ident` anywhere.
fn mentions(code: &TokenStream, ident: &str) -> bool {
    code.clone().into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == ident,
        proc_macro2::TokenTree::Group(g) => mentions(&g.stream(), ident),
        _ => false,
    })
}

/// `Output::..` of the runtime.
fn output(o: Output) -> TokenStream {
    let rt = rt();
    let v = super::ident(match o {
        Output::Hex => "Hex",
        Output::HexUpper => "HexUpper",
        Output::Base64 => "Base64",
        Output::Base64Url => "Base64Url",
    });
    quote!(#rt::signing::Output::#v)
}

/// The timestamp the signed request reports: `Some(ts)` when the scheme has one.
fn timestamp_arg(plan: &Plan<'_>) -> TokenStream {
    if plan.scheme.spec.timestamp.is_some() {
        quote!(::std::option::Option::Some(ts))
    } else {
        quote!(::std::option::Option::None)
    }
}

/// What every function starts with: the base URL, the timestamp, the credentials it reads
/// and the request's parameters bound to locals; and the lengths of the text among them, to
/// size the output.
struct Prelude {
    code: TokenStream,
    lens: Vec<TokenStream>,
}

impl Prelude {
    /// `reads_plain`: whether the function's code reads `ts_plain`.
    fn new(plan: &Plan<'_>, rest: bool, reads_plain: bool) -> Self {
        let mut prelude = Prelude {
            code: TokenStream::new(),
            lens: Vec::new(),
        };
        // The signer's key and the added values it wrote out: every signer of the scheme has
        // them, but if one did not, the engine would sign.
        let target = super::ident(if rest { "base_url" } else { "id" });
        let engine = quote!(self.sign_by_engine(signer, #target, timestamp, clock));
        prelude.key(plan, &engine);
        prelude.signer_texts(plan, &engine);
        prelude.target(rest);
        prelude.timestamp(plan, reads_plain);
        prelude.credentials(plan);
        for (b, p) in &plan.bindings {
            prelude.param(b, p);
        }
        prelude
    }

    /// The key of the scheme's algorithm (an HMAC key's sink for the string to sign is made
    /// where it is written, see `payload_start`).
    fn key(&mut self, plan: &Plan<'_>, engine: &TokenStream) {
        let Some(sign) = &plan.scheme.spec.sign else {
            return;
        };
        self.code.extend(match sign.algorithm {
            SignAlgorithm::HmacSha256 | SignAlgorithm::HmacSha384 | SignAlgorithm::HmacSha512 => {
                let key = super::ident(match sign.algorithm {
                    SignAlgorithm::HmacSha256 => "fast_hmac_sha256",
                    SignAlgorithm::HmacSha384 => "fast_hmac_sha384",
                    _ => "fast_hmac_sha512",
                });
                quote! {
                    let ::std::option::Option::Some(sign_key) = signer.#key() else {
                        return #engine;
                    };
                }
            }
            SignAlgorithm::Ed25519
            | SignAlgorithm::RsaPkcs1Sha256
            | SignAlgorithm::EcdsaP256Sha256 => quote! {
                let ::std::option::Option::Some(mut p) = signer.fast_message() else {
                    return #engine;
                };
            },
        });
    }

    /// The steps of the string to sign and the added values the signer wrote out.
    fn signer_texts(&mut self, plan: &Plan<'_>, engine: &TokenStream) {
        for &i in &plan.payload_texts {
            let local = write::payload_text(i);
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            self.code.extend(quote! {
                let ::std::option::Option::Some(#local) = signer.fast_payload_text(#i) else {
                    return #engine;
                };
            });
        }
        for &i in &plan.constants {
            let local = write::constant(i);
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            self.code.extend(quote! {
                let ::std::option::Option::Some(#local) = signer.fast_constant(#i) else {
                    return #engine;
                };
            });
            self.lens.push(quote!(#local.json().len()));
        }
    }

    /// The base URL, parsed (REST), or the frame's id. As the engine: the base URL is parsed
    /// before the timestamp is written.
    fn target(&mut self, rest: bool) {
        if rest {
            let rt = rt();
            self.code.extend(quote! {
                let mut base_slot = #rt::__private::BaseSlot::new();
                let base = signer.fast_base(base_url, &mut base_slot)?;
            });
            self.lens.push(quote!(base.root().len()));
        } else {
            self.lens.push(quote!(id.len()));
        }
    }

    /// The timestamp's text, and its number form where JSON takes it.
    fn timestamp(&mut self, plan: &Plan<'_>, reads_plain: bool) {
        let rt = rt();
        if plan.scheme.spec.timestamp.is_none() {
            self.code.extend(quote!(let _ = (timestamp, clock);));
            return;
        }
        // `ts_plain` is bound only where the function reads it.
        let plain = if reads_plain {
            quote!(ts_plain)
        } else {
            quote!(_)
        };
        self.code.extend(quote! {
            let mut stamp = #rt::__private::Stamp::new();
            let (ts, #plain) = signer.fast_timestamp(timestamp, clock, &mut stamp)?;
        });
        self.lens.push(quote!(ts.len()));
        if plan.int_timestamp() {
            self.code.extend(quote! {
                let mut digits = #rt::__private::Digits::new();
                let (ts_int, ts_bare) =
                    #rt::__private::integer_timestamp(timestamp, ts, &mut digits);
            });
        }
    }

    /// The credentials the function reads.
    fn credentials(&mut self, plan: &Plan<'_>) {
        for &i in &plan.credentials {
            let local = write::credential(i);
            let name = &plan.scheme.credentials[i];
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            self.code
                .extend(quote!(let #local = signer.fast_credential(#i, #name);));
            self.lens.push(quote!(#local.len()));
        }
    }

    /// A request parameter, bound to its local; its length counts when it is text.
    fn param(&mut self, b: &Bound, p: &Param) {
        self.code.extend(binding(b, p));
        let local = &b.local;
        if matches!(b.kind, Kind::Str | Kind::Digits | Kind::Plain) {
            self.lens.push(if b.optional {
                quote!(#local.map_or(0, str::len))
            } else {
                quote!(#local.len())
            });
        }
    }

    /// The output's capacity: `constant` bytes and the text bound here, with room for
    /// escapes.
    fn capacity(&self, constant: usize) -> TokenStream {
        let constant = proc_macro2::Literal::usize_unsuffixed(constant);
        let lens = &self.lens;
        if lens.is_empty() {
            return quote!(#constant);
        }
        quote!({
            let text = #(#lens)+*;
            #constant + text + text / 4
        })
    }
}

/// `let p_..` binding a request parameter as `b` holds it, from the field of `p`.
fn binding(b: &Bound, p: &Param) -> TokenStream {
    let local = &b.local;
    let field = super::ident(&p.rust);
    let text = format_ident!("{}_text", local);
    match (&p.ty, b.optional) {
        (ParamTy::String, false) => quote!(let #local: &str = &self.#field;),
        (ParamTy::String, true) => {
            quote!(let #local: ::std::option::Option<&str> = self.#field.as_deref();)
        }
        (ParamTy::Enum(_), false) => quote!(let #local: &str = self.#field.as_wire();),
        (ParamTy::Enum(t), true) => {
            let t = super::ident(t);
            quote!(let #local: ::std::option::Option<&str> = self.#field.as_ref().map(#t::as_wire);)
        }
        (ParamTy::Decimal, false) => quote! {
            let #text = ::std::string::ToString::to_string(&self.#field);
            let #local: &str = &#text;
        },
        (ParamTy::Decimal, true) => quote! {
            let #text: ::std::option::Option<::std::string::String> =
                self.#field.as_ref().map(::std::string::ToString::to_string);
            let #local: ::std::option::Option<&str> = #text.as_deref();
        },
        (ParamTy::Uuid, false) => quote!(let #local = &self.#field;),
        (ParamTy::Uuid, true) => quote!(let #local = self.#field.as_ref();),
        (ParamTy::I64 | ParamTy::U64, optional) => digits_binding(b, p, optional),
        (ParamTy::Bool, _) => quote!(let #local = self.#field;),
        // A plan never binds a list (`plan::plan` refuses the endpoint).
        (ParamTy::List(_), _) => quote!(),
    }
}

/// `let p_..` binding an integer parameter's digits, written out once.
fn digits_binding(b: &Bound, p: &Param, optional: bool) -> TokenStream {
    let rt = rt();
    let local = &b.local;
    let field = super::ident(&p.rust);
    let digits = format_ident!("{}_digits", local);
    let format = super::ident(if p.ty == ParamTy::I64 { "i64" } else { "u64" });
    let make = quote!(let mut #digits = #rt::__private::Digits::new(););
    if optional {
        quote! {
            #make
            let #local: ::std::option::Option<&str> = match self.#field {
                ::std::option::Option::Some(v) => ::std::option::Option::Some(#digits.#format(v)),
                ::std::option::Option::None => ::std::option::Option::None,
            };
        }
    } else {
        quote! {
            #make
            let #local: &str = #digits.#format(self.#field);
        }
    }
}
