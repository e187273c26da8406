//! Model -> tokens. Every path in the output is absolute (`::serde::...`, `::std::...`) or goes
//! through the module's alias of the runtime, `__rt` (`use ::generated::runtime as __rt;` at
//! the top of every generated module), so the code compiles wherever it is expanded as long as
//! the `generated` crate is reachable under that name (the `generated` crate itself declares
//! `extern crate self as generated;`). A spec cannot shadow the alias: spec names become
//! CamelCase types and snake_case modules and fields, never a leading `__`.

mod client;
mod docs;
mod fast_sign;
mod order;
mod registry;
mod request;
mod signing;
mod types;
mod vectors;
mod venue;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Venue;

/// The path of the runtime every generated item refers to: the module's alias (see
/// [`rt_alias`]).
pub(crate) fn rt() -> TokenStream {
    quote!(__rt)
}

/// The alias [`rt`] names, declared at the top of every generated module.
pub(crate) fn rt_alias() -> TokenStream {
    quote!(
        use ::generated::runtime as __rt;
    )
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

/// Generates the `VENUES` registry of the given venues (each a module beside it).
pub fn registry_root(venues: &[Venue]) -> TokenStream {
    registry::root(venues)
}

/// Generates one venue's module (for snapshots of a single venue).
pub fn venue(v: &Venue) -> TokenStream {
    venue::module(v)
}

pub(crate) fn ident(s: &str) -> proc_macro2::Ident {
    proc_macro2::Ident::new(s, proc_macro2::Span::call_site())
}
