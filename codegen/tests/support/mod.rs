//! What the spec-error suites share: loading one venue folder from text, and the plainest
//! valid venue file.

// Each test crate that includes this module uses part of it.
#![allow(dead_code)]

/// A valid venue file with an error body and no signing: the base most cases edit.
pub const VENUE: &str = "\
venue: v
name: V
environments:
  production:
    rest: https://example.test
errors:
  body:
    code: { type: i64 }
  code: /code
signing:
  summary: none
";

/// The errors `codegen::load` reports for a venue `v` whose `venue.yaml` is `venue` and whose
/// one endpoint `e.yaml` is `endpoint` (empty when the specs load).
pub fn load_errors(venue: &str, endpoint: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("specs/v");
    std::fs::create_dir_all(&v).unwrap();
    std::fs::write(v.join("venue.yaml"), venue).unwrap();
    std::fs::write(v.join("e.yaml"), endpoint).unwrap();
    match codegen::load(&dir.path().join("specs"), dir.path()) {
        Ok(_) => Vec::new(),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}
