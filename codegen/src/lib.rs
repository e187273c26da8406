//! Turns exchange endpoint specs (YAML under `specs/`) into typed Rust clients.
//!
//! The pipeline is plain library code so it can be unit-tested and snapshotted:
//!
//! 1. [`loader`] reads YAML into the [`spec`] model, with [`source_map`] positions;
//! 2. [`resolve`] resolves the specs into the [`model`] (a registry of Rust types), by concern
//!    (venue, endpoint, params, types, errors), and runs the cross-field rules serde cannot
//!    check (enums without values, unknown parameter references, ...) from flat tables;
//! 3. [`generate`] turns the model into a `TokenStream`;
//! 4. [`emit`] writes it as one formatted source file per venue, for a build script.
//!
//! Errors are [`SpecError`]s naming `file:line:col: field.path`; the proc-macro crate turns
//! them into `compile_error!` at its edge.

#![deny(missing_docs)]

pub mod emit;
pub mod error;
pub mod generate;
pub mod loader;
pub mod model;
pub mod names;
pub mod resolve;
pub mod source_map;
pub mod spec;

use std::path::Path;

pub use error::{Position, SpecError, SpecErrors};

/// Loads, validates and resolves every venue under `specs_dir`.
pub fn load(specs_dir: &Path, display_base: &Path) -> Result<Vec<model::Venue>, SpecErrors> {
    let loaded = loader::load_dir(specs_dir, display_base)?;
    resolve::resolve_all(&loaded)
}

/// Loads every venue under `specs_dir` and, beside each, a copy under the id `<id><suffix>`:
/// the venue `cp -r specs/<id> specs/<id><suffix>` and renaming the id in the copy's
/// `venue.yaml` would make (same files, only the id changed), sorted by id as folders are.
/// The copies prove that a venue is data: nothing in Rust names one.
pub fn load_with_copies(
    specs_dir: &Path,
    display_base: &Path,
    suffix: &str,
) -> Result<Vec<model::Venue>, SpecErrors> {
    let mut loaded = loader::load_dir(specs_dir, display_base)?;
    let mut copies = loader::load_dir(specs_dir, display_base)?;
    for c in &mut copies {
        c.venue.spec.venue.push_str(suffix);
    }
    loaded.append(&mut copies);
    loaded.sort_by(|a, b| a.venue.spec.venue.cmp(&b.venue.spec.venue));
    resolve::resolve_all(&loaded)
}

/// Loads `specs_dir` and generates the code for every venue in it.
pub fn generate_dir(
    specs_dir: &Path,
    display_base: &Path,
) -> Result<proc_macro2::TokenStream, SpecErrors> {
    let venues = load(specs_dir, display_base)?;
    Ok(generate::all(&venues))
}

/// Formats generated tokens as a Rust file (for snapshots and debugging).
pub fn pretty(tokens: proc_macro2::TokenStream) -> Result<String, syn::Error> {
    let file = syn::parse2::<syn::File>(tokens)?;
    Ok(prettyplease::unparse(&file))
}
