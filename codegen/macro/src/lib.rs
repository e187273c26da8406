//! `generate_venues!("../specs")`: expands to a module per venue found under the given folder
//! (relative to the invoking crate's `CARGO_MANIFEST_DIR`).
//!
//! All the work is in the `codegen` library; this shell only resolves the path and turns spec
//! errors into `compile_error!`s that name `file:line:col: field.path`.

#![deny(missing_docs)]

use std::path::PathBuf;

use proc_macro::TokenStream;
use quote::quote;

/// Generates typed clients from every venue folder under the given specs directory.
///
/// The invoking crate must also have a build script that tells cargo to re-run on changes to
/// that folder (`cargo:rerun-if-changed=...`), since a macro cannot declare file dependencies.
#[proc_macro]
pub fn generate_venues(input: TokenStream) -> TokenStream {
    let lit = syn::parse_macro_input!(input as syn::LitStr);
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    let specs = manifest_dir.join(lit.value());
    let specs = specs.canonicalize().unwrap_or(specs);
    // Show files relative to the folder that holds `specs/` (`specs/<venue>/...`).
    let base = specs.parent().map(PathBuf::from).unwrap_or_default();
    match codegen::generate_dir(&specs, &base) {
        Ok(tokens) => tokens.into(),
        Err(errors) => {
            let errs = errors.0.iter().map(|e| {
                let msg = e.to_string();
                quote!(::core::compile_error!(#msg);)
            });
            quote!(#(#errs)*).into()
        }
    }
}
