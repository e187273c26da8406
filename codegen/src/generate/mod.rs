//! Model -> tokens. Every path in the output is absolute (`::serde::...`, `::generated::...`), so
//! the code compiles wherever it is expanded as long as the `generated` crate is reachable under
//! that name (the `generated` crate itself declares `extern crate self as generated;`).

mod client;
mod docs;
mod fast_sign;
mod order;
mod registry;
mod request;
mod signing;
mod types;
mod venue;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Venue;

/// The path of the runtime module every generated item refers to.
pub(crate) fn rt() -> TokenStream {
    quote!(::generated::runtime)
}

/// Generates a module per venue plus the `VENUES` registry.
pub fn all(venues: &[Venue]) -> TokenStream {
    let modules = venues.iter().map(venue::module);
    let registry = registry::root(venues);
    quote! {
        #(#modules)*
        #registry
    }
}

/// Generates one venue's module (for snapshots of a single venue).
pub fn venue(v: &Venue) -> TokenStream {
    venue::module(v)
}

pub(crate) fn ident(s: &str) -> proc_macro2::Ident {
    proc_macro2::Ident::new(s, proc_macro2::Span::call_site())
}
