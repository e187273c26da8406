//! Signing recipes as constants of the runtime's vocabulary, and the per-endpoint glue.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::rt;
use crate::model::{Endpoint, Scheme, Signing, Transport};
use crate::spec::SchemeSpec;

/// The scheme as a constant of the runtime's `Scheme`; its steps write themselves (the shared
/// vocabulary's `ToTokens`).
fn scheme(venue: &str, s: &Scheme) -> TokenStream {
    let rt = rt();
    let SchemeSpec {
        transport,
        key,
        timestamp,
        add,
        payload,
        sign,
        place,
        query_encoding,
        object_body,
        doc: _,
    } = &s.spec;
    let (name, creds) = (&s.name, &s.credentials);
    let timestamp = option(timestamp.as_ref());
    let (sign, place) = (option(sign.as_ref()), option(place.as_ref()));
    quote! {
        #rt::signing::Scheme {
            venue: #venue,
            name: #name,
            transport: #transport,
            key: #key,
            credentials: &[#(#creds),*],
            timestamp: #timestamp,
            add: &[#(#add),*],
            payload: &[#(#payload),*],
            sign: #sign,
            place: #place,
            query_encoding: #query_encoding,
            object_body: #object_body,
        }
    }
}

/// `Some(v)` or `None`, spelled out.
fn option(v: Option<&impl ToTokens>) -> TokenStream {
    match v {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    }
}

/// Venue-level items: `CREDENTIALS`, `SCHEMES`, `credentials_from_env`.
pub fn venue_items(venue: &str, s: &Signing) -> TokenStream {
    let rt = rt();
    let creds = s.credentials.iter().map(|c| {
        let (n, e, sec, d) = (&c.name, &c.env, c.secret, &c.doc);
        quote!(#rt::signing::CredentialInfo { name: #n, env: #e, secret: #sec, doc: #d })
    });
    let schemes = s.schemes.iter().map(|sc| scheme(venue, sc));
    let env_list: Vec<String> = s
        .credentials
        .iter()
        .map(|c| format!("`{}`", c.env))
        .collect();
    let env_doc = format!(
        " Reads the venue's credentials from the environment ({}).",
        env_list.join(", ")
    );
    quote! {
        /// The credentials this venue's signing schemes read.
        pub const CREDENTIALS: &[#rt::signing::CredentialInfo] = &[#(#creds),*];

        /// The venue's signing schemes, in preference order.
        pub const SCHEMES: &[#rt::signing::Scheme] = &[#(#schemes),*];

        #[doc = #env_doc]
        pub fn credentials_from_env() -> ::std::result::Result<#rt::signing::Credentials, #rt::signing::CredentialError> {
            #rt::signing::Credentials::from_env(CREDENTIALS)
        }
    }
}

/// Endpoint-level items: `signer()`, `Request::sign`, and `Request::sign_fast` with the
/// functions specialised for the endpoint (see [`super::fast_sign`]); and, for every endpoint,
/// `impl Outgoing for Request`, so the `Client` signs the way `Request::sign` does.
pub fn endpoint_items(e: &Endpoint, signing: &Signing) -> TokenStream {
    let rt = rt();
    let shape = Shape::of(e);
    if !e.signed {
        return quote!(#rt::__private::outgoing!(unsigned););
    }
    let transport = &shape.transport;
    let signer_doc = super::docs::lines(&format!(
        "The first of the venue's {} schemes whose credentials are all given.",
        shape.kind
    ));
    let fast = super::fast_sign::functions(e, signing);
    let fast_names: Vec<&str> = fast.schemes.iter().map(|(_, n, _)| n.as_str()).collect();
    let methods = sign_methods(&shape, &fast);
    let fast_code = fast.code;
    let outgoing = &shape.outgoing;
    quote! {
        #signer_doc
        pub fn signer(credentials: &#rt::signing::Credentials) -> ::std::result::Result<#rt::signing::Signer, #rt::signing::SignError> {
            #rt::signing::Signer::choose(super::SCHEMES, #rt::signing::SchemeTransport::#transport, credentials)
        }

        /// The venue's schemes this endpoint has a generated signing function for (the
        /// engine signs with the others).
        pub const FAST_SCHEMES: &[&str] = &[#(#fast_names),*];

        impl Request {
            #methods

            #fast_code
        }

        #rt::__private::outgoing!(#outgoing);
    }
}

/// What differs between a REST and a WebSocket endpoint's signing methods.
struct Shape {
    /// `Rest` or `Ws` (the runtime's `SchemeTransport` variant).
    transport: TokenStream,
    /// `REST` or `WebSocket`, for docs.
    kind: &'static str,
    /// The `outgoing!` macro's arm.
    outgoing: TokenStream,
    /// The argument naming where the request goes (`base_url`, `id`).
    target: TokenStream,
    /// The signed request's type.
    output: TokenStream,
    /// The engine's call on the request.
    engine: TokenStream,
    /// The docs of `sign` and `sign_fast`.
    sign_doc: TokenStream,
    fast_doc: TokenStream,
}

impl Shape {
    fn of(e: &Endpoint) -> Self {
        let rt = rt();
        match &e.transport {
            Transport::Rest { .. } => Shape {
                transport: quote!(Rest),
                kind: "REST",
                outgoing: quote!(rest),
                target: quote!(base_url),
                output: quote!(#rt::signing::SignedHttp),
                engine: quote!(signer.sign_http(&self.to_wire(), base_url, timestamp, clock)),
                sign_doc: quote! {
                    /// Signs the request for `base_url` (an environment's REST URL): the exact
                    /// method, URL, headers and body to send.
                },
                fast_doc: quote! {
                    /// Signs the request for `base_url` with the function generated for the
                    /// signer's scheme (see [`FAST_SCHEMES`]); `None` when there is none. The
                    /// result is exactly what the engine ([`Signer::sign_http`]) returns.
                    ///
                    /// [`Signer::sign_http`]: ::generated::runtime::signing::Signer::sign_http
                },
            },
            Transport::Ws { .. } => Shape {
                transport: quote!(Ws),
                kind: "WebSocket",
                outgoing: quote!(ws),
                target: quote!(id),
                output: quote!(#rt::signing::SignedWs),
                engine: quote!(signer.sign_ws(&self.to_wire(), id, timestamp, clock)),
                sign_doc: quote! {
                    /// Signs the request as the WebSocket frame with id `id`.
                },
                fast_doc: quote! {
                    /// Signs the request as the frame with id `id` with the function generated
                    /// for the signer's scheme (see [`FAST_SCHEMES`]); `None` when there is none.
                    /// The result is exactly what the engine ([`Signer::sign_ws`]) returns.
                    ///
                    /// [`Signer::sign_ws`]: ::generated::runtime::signing::Signer::sign_ws
                },
            },
        }
    }
}

/// `Request::sign`, `Request::sign_fast` and `Request::sign_by_engine`.
fn sign_methods(shape: &Shape, fast: &super::fast_sign::Functions) -> TokenStream {
    let rt = rt();
    let Shape {
        target,
        output,
        engine,
        sign_doc,
        fast_doc,
        ..
    } = shape;
    let branch = |wrap: bool| {
        fast.schemes.iter().map(move |(index, _, name)| {
            let index = proc_macro2::Literal::usize_unsuffixed(*index);
            let call = quote!(self.#name(signer, #target, timestamp, clock));
            let call = if wrap {
                quote!(::std::option::Option::Some(#call))
            } else {
                call
            };
            quote! {
                if signer.uses(&super::SCHEMES[#index]) {
                    return #call;
                }
            }
        })
    };
    // `sign` calls the functions itself (rather than through `sign_fast`) so that the signed
    // request is returned in place, not moved out of an `Option`.
    let (direct, dispatch) = (branch(false), branch(true));
    let unused =
        (fast.schemes.is_empty()).then(|| quote!(let _ = (signer, #target, timestamp, clock);));
    let params = quote! {
        &self,
        signer: &#rt::signing::Signer,
        #target: &str,
        timestamp: &#rt::signing::Timestamp,
        clock: &dyn #rt::signing::Clock,
    };
    quote! {
        #sign_doc
        ///
        /// Uses the function generated for the signer's scheme when there is one
        /// ([`Request::sign_fast`]), else the engine.
        pub fn sign(#params) -> ::std::result::Result<#output, #rt::signing::SignError> {
            // A scheme of this venue's (so the venue check passes) with a function.
            #(#direct)*
            signer.check_venue(super::ID)?;
            self.sign_by_engine(signer, #target, timestamp, clock)
        }

        #fast_doc
        pub fn sign_fast(#params) -> ::std::option::Option<::std::result::Result<#output, #rt::signing::SignError>> {
            #unused
            #(#dispatch)*
            ::std::option::Option::None
        }

        /// Signs the request with the engine (for schemes without a generated function,
        /// and signers that lack what one reads).
        #[cold]
        #[inline(never)]
        fn sign_by_engine(#params) -> ::std::result::Result<#output, #rt::signing::SignError> {
            #engine
        }
    }
}
