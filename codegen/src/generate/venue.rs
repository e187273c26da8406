//! A venue module: envelope, error body, shared types, and a submodule per endpoint.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{blank, doc, lines};
use super::registry;
use super::request::request;
use super::types::{self, field};
use super::{ident, rt, rt_alias};
use crate::model::{Endpoint, Envelope, Transport, Venue};
use crate::spec::ResponseShape;

/// `pub mod <venue> { ... }`
pub fn module(v: &Venue) -> TokenStream {
    let name = ident(&v.id);
    let mut header = format!("{} (`{}`).", v.name, v.id);
    if let Some(d) = &v.description {
        header.push_str("\n\n");
        header.push_str(d.trim());
    }
    if let Some(u) = &v.docs {
        header.push_str(&format!("\n\nDocs: <{u}>"));
    }
    header.push_str(&format!("\n\n# Signing\n\n{}", v.signing.summary.trim()));
    let header = lines(&header);
    let id = &v.id;
    let envelope = v.envelope.as_ref().map(envelope);
    let error_body = types::registry(
        &[(
            "ErrorBody".to_string(),
            crate::model::TypeDef::Struct(v.error_body.clone()),
        )]
        .into_iter()
        .collect(),
    );
    let shared = types::registry(&v.types);
    let endpoints = v.endpoints.iter().map(|e| endpoint(v, e));
    let info = registry::venue_info(v);
    let signing = super::signing::venue_items(&v.id, &v.signing);
    let client = super::client::client(v);
    let alias = rt_alias();
    quote! {
        #header
        pub mod #name {
            #alias
            /// The venue id used by specs, commands and tests.
            pub const ID: &str = #id;
            #signing
            #envelope
            #error_body
            #shared
            #(#endpoints)*
            #client
            #info
        }
    }
}

fn envelope(e: &Envelope) -> TokenStream {
    let fields = e.fields.iter().map(field);
    let payload = ident(&e.payload_rust);
    let wire = &e.payload_wire;
    let pd = doc(e.payload_doc.as_deref());
    let b = if pd.is_empty() { quote!() } else { blank() };
    let wd = lines(&format!("Wire: `{wire}`."));
    quote! {
        /// The wrapper the venue puts around every successful payload.
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "conformance", derive(::schemars::JsonSchema))]
        pub struct Envelope<T> {
            #pd
            #b
            #wd
            #[serde(rename = #wire)]
            pub #payload: T,
            #(#fields)*
        }
    }
}

/// `pub mod <endpoint> { ... }`
fn endpoint(v: &Venue, e: &Endpoint) -> TokenStream {
    let name = ident(&e.id);
    let header = lines(&endpoint_header(e));
    let id = &e.id;
    let types = types::registry(&e.types);
    let req = request(e);
    let sign = super::signing::endpoint_items(e, &v.signing);
    let (bodies, parsers) = bodies(v, e);
    let info = registry::endpoint_info(v, e);
    let order = super::order::items(e);
    let rt_alias = rt_alias();
    quote! {
        #header
        pub mod #name {
            #rt_alias
            /// The endpoint id used by specs, commands and tests.
            pub const ID: &str = #id;
            #req
            #sign
            #bodies
            #types
            #parsers
            #order

            #info
        }
    }
}

/// The endpoint module's docs: summary, name, transport, rate limit, description and link.
fn endpoint_header(e: &Endpoint) -> String {
    let mut header = e.summary.trim().to_string();
    header.push_str(&format!("\n\n**{}**", e.name));
    match &e.transport {
        Transport::Rest { method, path, .. } => header.push_str(&format!(" — `{method} {path}`")),
        Transport::Ws { method } => header.push_str(&format!(" — WebSocket API method `{method}`")),
    }
    if e.signed {
        header.push_str(" (signed)");
    }
    if let Some(r) = &e.rate_limit {
        header.push_str(&format!("\n\nRate limit: {r}"));
    }
    if let Some(d) = &e.description {
        header.push_str("\n\n");
        header.push_str(d.trim());
    }
    if let Some(u) = &e.docs {
        header.push_str(&format!("\n\nDocs: <{u}>"));
    }
    header
}

/// `Response` and `ResponseBody`, and the functions that parse bodies into them.
fn bodies(v: &Venue, e: &Endpoint) -> (TokenStream, TokenStream) {
    let rt = rt();
    let resp = ident(&e.response_name);
    let alias = match e.shape {
        ResponseShape::List => quote! {
            /// The endpoint's payload type: a list of records (the unified order and a mock
            /// read the one at `INFO.record`).
            pub type Response = ::std::vec::Vec<#resp>;
        },
        ResponseShape::Record if e.response_name != "Response" => quote! {
            /// The endpoint's payload type.
            pub type Response = #resp;
        },
        ResponseShape::Record => quote!(),
    };
    let body = if v.envelope.is_some() {
        quote! {
            /// The whole successful body: the venue's envelope around [`Response`].
            pub type ResponseBody = super::Envelope<Response>;
        }
    } else {
        quote! {
            /// The whole successful body (this venue sends the payload unwrapped).
            pub type ResponseBody = Response;
        }
    };
    let unwrap = match &v.envelope {
        Some(env) => {
            let field = ident(&env.payload_rust);
            quote!(parse_response(raw).map(|body| body.#field))
        }
        None => quote!(parse_response(raw)),
    };
    let parsers = quote! {
        /// Parses a successful body.
        pub fn parse_response(raw: &[u8]) -> ::std::result::Result<ResponseBody, #rt::decode::DecodeError> {
            #rt::decode::json(raw)
        }

        /// Parses a successful body and returns its payload (the envelope unwrapped).
        pub fn parse_payload(raw: &[u8]) -> ::std::result::Result<Response, #rt::decode::DecodeError> {
            #unwrap
        }

        /// Parses an error body.
        pub fn parse_error(raw: &[u8]) -> ::std::result::Result<super::ErrorBody, #rt::decode::DecodeError> {
            #rt::decode::json(raw)
        }
    };
    (quote!(#alias #body), parsers)
}
