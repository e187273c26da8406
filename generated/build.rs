//! Generates the clients from `specs/`: one formatted source file per venue in `OUT_DIR`, plus
//! `venues.rs`, which `src/lib.rs` includes.
//!
//! Each venue is its own file so that an edit to one venue's spec leaves the others' text, and
//! rustc's incremental results for them, untouched. A spec error becomes a `compile_error!`
//! naming the spec file, line and field. `GENERATED_VENUES=acme,zeta` (environment, or `[env]`
//! in `.cargo/config.toml`) builds only the venues listed; unset, every venue is built.
//!
//! With the feature `venue-copies` (off by default; the copy test turns it on) every venue is
//! generated twice: as itself and as a copy under `<id>_copy`, which is what copying its folder
//! under a new id and renaming the id in `venue.yaml` would give (see `codegen::emit`).
//!
//! Cargo re-runs this script when anything under `specs/` changes (new files too), and it
//! exports a fingerprint of the spec files' names and contents as `SPECS_FINGERPRINT`.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use codegen::emit::{self, Selection};

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let specs = manifest.join("../specs");
    let specs = specs.canonicalize().unwrap_or(specs);
    println!("cargo:rerun-if-changed={}", specs.display());
    println!("cargo:rerun-if-env-changed=GENERATED_VENUES");
    // The fifth-venue tests expand the macro over their own fixture specs: watch them too.
    let fixtures = manifest.join("tests/fifth_venue_specs");
    println!("cargo:rerun-if-changed={}", fixtures.display());
    fingerprint(&specs);

    let selection = Selection::parse(std::env::var("GENERATED_VENUES").ok().as_deref());
    // Show spec files relative to the folder that holds `specs/` (`specs/<venue>/...`).
    let base = specs.parent().map(PathBuf::from).unwrap_or_default();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let copies = std::env::var_os("CARGO_FEATURE_VENUE_COPIES").is_some();
    for file in emit::files_with_copies(&specs, &base, &selection, copies) {
        write_if_changed(&out.join(&file.name), &file.text);
    }
}

/// Hashes every spec file's path (relative to `specs/`, so every checkout agrees) and bytes.
fn fingerprint(specs: &Path) {
    let mut hasher = DefaultHasher::new();
    match codegen::loader::spec_files(specs) {
        Ok(files) => {
            for f in files {
                println!("cargo:rerun-if-changed={}", f.display());
                f.strip_prefix(specs).unwrap_or(&f).hash(&mut hasher);
                std::fs::read(&f).unwrap_or_default().hash(&mut hasher);
            }
        }
        // The generator reports a missing or unreadable folder with a proper error.
        Err(e) => println!("cargo:warning=cannot list {}: {e}", specs.display()),
    }
    println!("cargo:rustc-env=SPECS_FINGERPRINT={:016x}", hasher.finish());
}

/// Writes `text` unless the file already holds it, so unchanged venues keep their file as is.
fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return;
    }
    if let Err(e) = std::fs::write(path, text) {
        panic!("cannot write {}: {e}", path.display());
    }
}
