//! The committed JSON Schemas of the spec format (`specs/schema/`) match the Rust model, and
//! every spec in the repository validates against them.
//!
//! After changing the model, regenerate them with
//! `UPDATE_SPEC_SCHEMA=1 cargo test -p codegen --test spec_schema` and commit the result.

use std::fs;
use std::path::{Path, PathBuf};

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/schema")
}

#[test]
fn committed_schemas_are_current() {
    let update = std::env::var_os("UPDATE_SPEC_SCHEMA").is_some();
    for (name, text) in codegen::spec::spec_schemas() {
        let path = schema_dir().join(name);
        if update {
            fs::create_dir_all(schema_dir()).unwrap();
            fs::write(&path, &text).unwrap();
            continue;
        }
        let committed = fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == text,
            "{} is out of date with the spec model; run \
             `UPDATE_SPEC_SCHEMA=1 cargo test -p codegen --test spec_schema` and commit it",
            path.display()
        );
    }
}

#[test]
fn every_spec_validates_against_its_schema() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let schemas: Vec<_> = codegen::spec::spec_schemas()
        .into_iter()
        .map(|(name, text)| {
            let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
            (
                name,
                jsonschema::validator_for(&schema).expect("schema compiles"),
            )
        })
        .collect();
    let files = codegen::loader::spec_files(&specs).unwrap();
    assert!(
        files.len() >= 8,
        "expected the four venues' specs, found {files:?}"
    );
    let mut vectors = 0;
    for file in files {
        // Key files of a venue's `keys/` folder are not YAML.
        if file.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let schema = match name {
            codegen::loader::VENUE_FILE => "venue.schema.json",
            codegen::loader::VECTORS_FILE => "vectors.schema.json",
            _ => "endpoint.schema.json",
        };
        vectors += usize::from(name == codegen::loader::VECTORS_FILE);
        let (_, validator) = schemas.iter().find(|(n, _)| *n == schema).unwrap();
        let text = fs::read_to_string(&file).unwrap();
        let value: serde_json::Value = codegen::loader::yaml_to_json(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
    }
    assert!(vectors >= 4, "expected the four venues' vectors files");
}
