//! A venue's `Client`: one async method per endpoint, each a thin call into the runtime
//! (`runtime::client::ClientCore`), which signs, sends, retries, classifies and
//! decodes from the venue's spec data.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::lines;
use super::{ident, rt};
use crate::model::{Endpoint, Transport, Venue};

/// `pub struct Client` and its methods.
pub fn client(v: &Venue) -> TokenStream {
    let rt = rt();
    let methods = v.endpoints.iter().map(methods);
    let header = lines(&format!(
        "A {} client: one async method per endpoint, returning the payload or a typed \
         [`VenueError`]({}).\n\nBuild it with [`Client::builder`] (environment, URLs, \
         credentials, scheme, clock, timeouts, retries) or [`Client::from_env`]. Clones share \
         the connection and the signers.",
        v.name, "generated::runtime::error::VenueError"
    ));
    quote! {
        #header
        #[derive(Debug, Clone)]
        pub struct Client(#rt::client::ClientCore);

        impl ::std::convert::From<#rt::client::ClientCore> for Client {
            fn from(core: #rt::client::ClientCore) -> Self {
                Client(core)
            }
        }

        impl Client {
            /// Starts a client for this venue (its first environment, no credentials).
            pub fn builder() -> #rt::client::ClientBuilder<Client> {
                #rt::client::ClientBuilder::new(&INFO)
            }

            /// A client with the credentials set in the environment ([`credentials_from_env`]).
            pub fn from_env() -> ::std::result::Result<Client, #rt::error::VenueError> {
                let credentials = credentials_from_env().map_err(|e| #rt::error::VenueError::Sign {
                    venue: ID,
                    endpoint: "",
                    source: #rt::signing::SignError::Credential(e),
                })?;
                Self::builder().credentials(credentials).build()
            }

            /// The venue-independent client underneath (for
            /// [`ClientCore::call_json`](generated::runtime::client::ClientCore::call_json)).
            pub fn core(&self) -> &#rt::client::ClientCore {
                &self.0
            }

            #(#methods)*
        }
    }
}

/// An endpoint's two methods: the payload, and the payload with the reply's details.
fn methods(e: &Endpoint) -> TokenStream {
    let rt = rt();
    let module = ident(&e.id);
    let method = ident(&e.id);
    let reply = ident(&format!("{}_reply", e.id));
    let how = match &e.transport {
        Transport::Rest { method, path, .. } => format!("`{method} {path}`"),
        Transport::Ws { method } => format!("WebSocket API method `{method}`"),
    };
    let retry = if e.idempotent {
        "Idempotent: retried as the client's retry policy says."
    } else {
        "Not idempotent: retried only when it was certainly not sent."
    };
    let doc = lines(&format!(
        "{}\n\n{how}. {retry} See [`{}`].",
        e.summary.trim(),
        e.id
    ));
    let reply_doc = lines(&format!(
        "As [`Client::{}`], with the HTTP status, the attempts and the venue's rate-limit usage.",
        e.id
    ));
    quote! {
        #doc
        pub async fn #method(
            &self,
            request: &#module::Request,
        ) -> ::std::result::Result<#module::Response, #rt::error::VenueError> {
            self.0.call(&#module::INFO, request, #module::parse_payload).await
        }

        #reply_doc
        pub async fn #reply(
            &self,
            request: &#module::Request,
        ) -> ::std::result::Result<#rt::client::Reply<#module::Response>, #rt::error::VenueError> {
            self.0.call_reply(&#module::INFO, request, #module::parse_payload).await
        }
    }
}
