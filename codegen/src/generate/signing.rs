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
/// functions specialised for the endpoint (see [`super::fast_sign`]).
pub fn endpoint_items(e: &Endpoint, signing: &Signing) -> TokenStream {
    let rt = rt();
    if !e.signed {
        return quote!();
    }
    let (transport, kind) = match &e.transport {
        Transport::Rest { .. } => (quote!(Rest), "REST"),
        Transport::Ws { .. } => (quote!(Ws), "WebSocket"),
    };
    let signer_doc = super::docs::lines(&format!(
        "The first of the venue's {kind} schemes whose credentials are all given."
    ));
    let fast = super::fast_sign::functions(e, signing);
    let fast_names: Vec<&str> = fast.schemes.iter().map(|(_, n, _)| n.as_str()).collect();
    let (target, target_ty, output, engine) = match &e.transport {
        Transport::Rest { .. } => (
            quote!(base_url),
            quote!(&str),
            quote!(#rt::signing::SignedHttp),
            quote!(signer.sign_http(&self.to_wire(), base_url, timestamp, clock)),
        ),
        Transport::Ws { .. } => (
            quote!(id),
            quote!(&str),
            quote!(#rt::signing::SignedWs),
            quote!(signer.sign_ws(&self.to_wire(), id, timestamp, clock)),
        ),
    };
    let dispatch = fast.schemes.iter().map(|(index, _, name)| {
        let index = proc_macro2::Literal::usize_unsuffixed(*index);
        quote! {
            if signer.uses(&super::SCHEMES[#index]) {
                return ::std::option::Option::Some(self.#name(signer, #target, timestamp, clock));
            }
        }
    });
    // `sign` calls the functions itself (rather than through `sign_fast`) so that the signed
    // request is returned in place, not moved out of an `Option`.
    let direct = fast.schemes.iter().map(|(index, _, name)| {
        let index = proc_macro2::Literal::usize_unsuffixed(*index);
        quote! {
            if signer.uses(&super::SCHEMES[#index]) {
                return self.#name(signer, #target, timestamp, clock);
            }
        }
    });
    let unused = fast
        .schemes
        .is_empty()
        .then(|| quote!(let _ = (signer, #target, timestamp, clock);));
    let (sign_doc, fast_doc) = match &e.transport {
        Transport::Rest { .. } => (
            quote! {
                /// Signs the request for `base_url` (an environment's REST URL): the exact
                /// method, URL, headers and body to send.
            },
            quote! {
                /// Signs the request for `base_url` with the function generated for the
                /// signer's scheme (see [`FAST_SCHEMES`]); `None` when there is none. The
                /// result is exactly what the engine ([`Signer::sign_http`]) returns.
                ///
                /// [`Signer::sign_http`]: ::generated::runtime::signing::Signer::sign_http
            },
        ),
        Transport::Ws { .. } => (
            quote! {
                /// Signs the request as the WebSocket frame with id `id`.
            },
            quote! {
                /// Signs the request as the frame with id `id` with the function generated
                /// for the signer's scheme (see [`FAST_SCHEMES`]); `None` when there is none.
                /// The result is exactly what the engine ([`Signer::sign_ws`]) returns.
                ///
                /// [`Signer::sign_ws`]: ::generated::runtime::signing::Signer::sign_ws
            },
        ),
    };
    let fast_code = fast.code;
    quote! {
        #signer_doc
        pub fn signer(credentials: &#rt::signing::Credentials) -> ::std::result::Result<#rt::signing::Signer, #rt::signing::SignError> {
            #rt::signing::Signer::choose(super::SCHEMES, #rt::signing::SchemeTransport::#transport, credentials)
        }

        /// The venue's schemes this endpoint has a generated signing function for (the
        /// engine signs with the others).
        pub const FAST_SCHEMES: &[&str] = &[#(#fast_names),*];

        impl Request {
            #sign_doc
            ///
            /// Uses the function generated for the signer's scheme when there is one
            /// ([`Request::sign_fast`]), else the engine.
            pub fn sign(
                &self,
                signer: &#rt::signing::Signer,
                #target: #target_ty,
                timestamp: &#rt::signing::Timestamp,
                clock: &dyn #rt::signing::Clock,
            ) -> ::std::result::Result<#output, #rt::signing::SignError> {
                // A scheme of this venue's (so the venue check passes) with a function.
                #(#direct)*
                signer.check_venue(super::ID)?;
                self.sign_by_engine(signer, #target, timestamp, clock)
            }

            #fast_doc
            pub fn sign_fast(
                &self,
                signer: &#rt::signing::Signer,
                #target: #target_ty,
                timestamp: &#rt::signing::Timestamp,
                clock: &dyn #rt::signing::Clock,
            ) -> ::std::option::Option<::std::result::Result<#output, #rt::signing::SignError>> {
                #unused
                #(#dispatch)*
                ::std::option::Option::None
            }

            /// Signs the request with the engine (for schemes without a generated function,
            /// and signers that lack what one reads).
            #[cold]
            #[inline(never)]
            fn sign_by_engine(
                &self,
                signer: &#rt::signing::Signer,
                #target: #target_ty,
                timestamp: &#rt::signing::Timestamp,
                clock: &dyn #rt::signing::Clock,
            ) -> ::std::result::Result<#output, #rt::signing::SignError> {
                #engine
            }

            #fast_code
        }
    }
}
