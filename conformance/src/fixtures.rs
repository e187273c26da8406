//! Bodies kept as files: `conformance/fixtures/<venue>/<endpoint>/*.json`.
//!
//! Each endpoint folder holds the docs' examples, written out from the spec as
//! `<example name>.json` (kept identical to the spec by a test), and any recorded responses.
//! `drift/` below it holds hand-made drifted copies, whose expected verdicts a test asserts.
//! `conformance check` validates every fixture of an endpoint folder (not `drift/`) strict and
//! lenient, and parses it with the generated client.

use std::io;
use std::path::{Path, PathBuf};

use generated::runtime::registry::EndpointInfo;

use crate::judge::drift::{Judge, Judgement};
use crate::judge::schema::BodyPart;

/// The fixtures folder of this crate: `conformance/fixtures/`.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The folder of one endpoint's fixtures.
pub fn endpoint_dir(root: &Path, venue: &str, endpoint: &str) -> PathBuf {
    root.join(venue).join(endpoint)
}

/// The folder of one endpoint's hand-made drifted copies.
pub fn drift_dir(root: &Path, venue: &str, endpoint: &str) -> PathBuf {
    endpoint_dir(root, venue, endpoint).join("drift")
}

/// One fixture file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixture {
    /// The file.
    pub path: PathBuf,
    /// The file name without `.json`.
    pub name: String,
    /// The body part, when the file is one of the spec's examples (by name); otherwise the
    /// judge classifies it.
    pub part: Option<BodyPart>,
}

/// Renders a JSON body as fixture files hold it: pretty, with a final newline.
pub fn render(body: &str) -> Result<String, serde_json::Error> {
    let v: serde_json::Value = serde_json::from_str(body)?;
    let mut s = serde_json::to_string_pretty(&v)?;
    s.push('\n');
    Ok(s)
}

/// The docs' examples of an endpoint as fixture files: `(file name, text)`.
pub fn docs_examples(endpoint: &EndpointInfo) -> Vec<(String, String)> {
    endpoint
        .examples
        .iter()
        .map(|x| {
            let text = render(x.body).unwrap_or_else(|_| x.body.to_string());
            (format!("{}.json", x.name), text)
        })
        .collect()
}

fn json_files(dir: &Path, endpoint: &EndpointInfo) -> io::Result<Vec<Fixture>> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        if !path.is_file() || path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let part = endpoint
            .examples
            .iter()
            .find(|x| x.name == name)
            .map(|x| BodyPart::of_example(x.kind, x.scope));
        out.push(Fixture { path, name, part });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The fixtures of an endpoint (its folder's `*.json`, by name; `drift/` not included).
pub fn list(root: &Path, venue: &str, endpoint: &EndpointInfo) -> io::Result<Vec<Fixture>> {
    json_files(&endpoint_dir(root, venue, endpoint.id), endpoint)
}

/// The hand-made drifted copies of an endpoint (`drift/*.json`, by name). Their part is
/// classified from the body, like a captured response.
pub fn list_drift(root: &Path, venue: &str, endpoint: &EndpointInfo) -> io::Result<Vec<Fixture>> {
    let mut files = json_files(&drift_dir(root, venue, endpoint.id), endpoint)?;
    for f in &mut files {
        f.part = None;
    }
    Ok(files)
}

/// Writes every docs example of `endpoint` into its fixture folder.
pub fn write_docs_examples(root: &Path, venue: &str, endpoint: &EndpointInfo) -> io::Result<()> {
    let dir = endpoint_dir(root, venue, endpoint.id);
    std::fs::create_dir_all(&dir)?;
    for (name, text) in docs_examples(endpoint) {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(())
}

/// Docs examples missing from the fixture folder or different there, one line each.
pub fn stale_docs_examples(root: &Path, venue: &str, endpoint: &EndpointInfo) -> Vec<String> {
    let dir = endpoint_dir(root, venue, endpoint.id);
    docs_examples(endpoint)
        .into_iter()
        .filter_map(
            |(name, text)| match std::fs::read_to_string(dir.join(&name)) {
                Ok(t) if t == text => None,
                Ok(_) => Some(format!("fixture {name} differs from the spec's example")),
                Err(_) => Some(format!("fixture {name} is missing")),
            },
        )
        .collect()
}

/// A fixture and what the judge made of it.
#[derive(Debug)]
pub struct Checked {
    /// The fixture.
    pub fixture: Fixture,
    /// The judgement (strict and lenient verdicts, parsed value, findings).
    pub judgement: Judgement,
}

impl Checked {
    /// Whether the lenient schema and the generated parser agree on the body.
    pub fn agrees(&self) -> bool {
        self.judgement.lenient == self.judgement.parsed.is_ok()
    }

    /// Problems with a fixture that should be valid, one line each.
    pub fn problems(&self) -> Vec<String> {
        let j = &self.judgement;
        let name = &self.fixture.name;
        let mut out = Vec::new();
        for f in j.drift() {
            out.push(format!(
                "fixture {name} ({}): strict: {} at {}: {}",
                j.part,
                f.kind,
                if f.pointer.is_empty() {
                    "/"
                } else {
                    &f.pointer
                },
                f.detail
            ));
        }
        if !j.lenient {
            out.push(format!(
                "fixture {name} ({}): the lenient schema refuses it",
                j.part
            ));
        }
        if let Err(e) = &j.parsed {
            out.push(format!(
                "fixture {name} ({}): the client cannot parse it: {e}",
                j.part
            ));
        }
        if !self.agrees() {
            out.push(format!(
                "fixture {name}: the lenient schema and the parser disagree"
            ));
        }
        out
    }
}

/// Judges every fixture in `fixtures` with `judge`.
pub fn check(judge: &Judge, fixtures: Vec<Fixture>) -> io::Result<Vec<Checked>> {
    fixtures
        .into_iter()
        .map(|fixture| {
            let raw = std::fs::read(&fixture.path)?;
            let judgement = judge.judge(&raw, fixture.part);
            Ok(Checked { fixture, judgement })
        })
        .collect()
}
