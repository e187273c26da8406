//! Makes `cargo build` regenerate the clients whenever anything under `specs/` changes.
//!
//! A proc-macro cannot declare the files it reads, so this script does: it asks cargo to re-run
//! on the specs folder (cargo then watches every file in it, and new files too) and exports a
//! fingerprint of all spec files, so the crate is recompiled, and the macro re-expanded, exactly
//! when a spec changes.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

fn main() {
    // The fifth-venue test expands the macro over its own fixture specs: watch them too.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fifth_venue_specs");
    println!("cargo:rerun-if-changed={}", fixtures.display());
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    println!("cargo:rerun-if-changed={}", specs.display());
    let mut hasher = DefaultHasher::new();
    match codegen::loader::spec_files(&specs) {
        Ok(files) => {
            for f in files {
                println!("cargo:rerun-if-changed={}", f.display());
                f.hash(&mut hasher);
                std::fs::read(&f).unwrap_or_default().hash(&mut hasher);
            }
        }
        // The macro reports a missing or unreadable folder with a proper error.
        Err(e) => println!("cargo:warning=cannot list {}: {e}", specs.display()),
    }
    println!("cargo:rustc-env=SPECS_FINGERPRINT={:016x}", hasher.finish());
}
