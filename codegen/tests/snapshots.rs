//! Snapshots of the generated code, one per venue, formatted with prettyplease.
//! Review changes with `cargo insta review`.

use std::path::Path;

fn specs_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

#[test]
fn generated_code_per_venue() {
    let dir = specs_dir();
    let base = dir.parent().unwrap();
    let venues = codegen::load(&dir, base).unwrap_or_else(|e| panic!("specs do not load:\n{e}"));
    assert!(!venues.is_empty(), "no venue under {}", dir.display());
    for v in &venues {
        let code = codegen::pretty(codegen::generate::venue(v)).expect("generated code parses");
        insta::assert_snapshot!(format!("venue_{}", v.id), code);
    }
}
