//! Reading spec files from disk into the typed model.
//!
//! This is the only module that names the YAML deserializer: serde_yaml is archived, and a
//! maintained drop-in (serde_norway) can replace it by changing the `use` below.

use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_yaml as yaml;

use crate::error::{Position, SpecError, SpecErrors};
use crate::source_map::{Segment, SourceMap, display_path};
use crate::spec::{EndpointSpec, VectorCredential, VectorsSpec, VenueSpec};

/// The folder under `specs/` that holds the format's own JSON Schemas, not a venue.
pub const SCHEMA_DIR: &str = "schema";
/// The venue file's name inside a venue folder.
pub const VENUE_FILE: &str = "venue.yaml";
/// The optional signing vectors file's name inside a venue folder.
pub const VECTORS_FILE: &str = "vectors.yaml";
/// The folder inside a venue folder that holds the test keys its vectors name.
pub const KEYS_DIR: &str = "keys";

/// A parsed spec file with what is needed to point back into it.
#[derive(Debug)]
pub struct Loaded<T> {
    /// The file as errors name it.
    pub file: String,
    /// The typed content.
    pub spec: T,
    /// Where each node starts.
    pub map: SourceMap,
}

impl<T> Loaded<T> {
    /// An error about the node at `path` in this file.
    pub fn error_at(&self, path: &[Segment], message: impl Into<String>) -> SpecError {
        SpecError {
            file: self.file.clone(),
            position: Some(self.map.position(path)),
            path: display_path(path),
            message: message.into(),
        }
    }
}

/// One venue folder: its venue file and its endpoint files (sorted by file name).
#[derive(Debug)]
pub struct LoadedVenue {
    /// `specs/<venue>/venue.yaml`.
    pub venue: Loaded<VenueSpec>,
    /// `specs/<venue>/<endpoint>.yaml`, sorted by endpoint id.
    pub endpoints: Vec<Loaded<EndpointSpec>>,
    /// `specs/<venue>/vectors.yaml`, if the venue has one.
    pub vectors: Option<LoadedVectors>,
}

/// A venue's signing vectors file and the key files its vectors name.
#[derive(Debug)]
pub struct LoadedVectors {
    /// `specs/<venue>/vectors.yaml`.
    pub file: Loaded<VectorsSpec>,
    /// The text of every file a credential names, by the name it is given as
    /// (`keys/rfc8032_test1_ed25519.pem`).
    pub keys: std::collections::BTreeMap<String, String>,
}

/// Every file the specs under `dir` consist of (for build scripts and change tracking): the
/// YAML files of each venue folder, then the files of its `keys/` folder.
pub fn spec_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for venue_dir in sorted_entries(dir)? {
        if !venue_dir.is_dir() || venue_dir.file_name().is_some_and(|n| n == SCHEMA_DIR) {
            continue;
        }
        for f in sorted_entries(&venue_dir)? {
            if f.extension().is_some_and(|e| e == "yaml") {
                out.push(f);
            }
        }
        let keys = venue_dir.join(KEYS_DIR);
        if keys.is_dir() {
            out.extend(sorted_entries(&keys)?.into_iter().filter(|f| f.is_file()));
        }
    }
    Ok(out)
}

/// Loads every venue folder under `dir`. File names in errors are shown relative to
/// `display_base` (pass the workspace root to get `specs/<venue>/...`). Every file is read and all
/// errors are returned together.
pub fn load_dir(dir: &Path, display_base: &Path) -> Result<Vec<LoadedVenue>, SpecErrors> {
    let show = |p: &Path| {
        p.strip_prefix(display_base)
            .unwrap_or(p)
            .display()
            .to_string()
    };
    let entries = sorted_entries(dir).map_err(|e| whole_file(&show(dir), e.to_string()))?;
    let mut venues = Vec::new();
    let mut errors = Vec::new();
    for venue_dir in entries {
        let Some(dir_name) = venue_dir.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !venue_dir.is_dir() || dir_name == SCHEMA_DIR {
            continue;
        }
        match load_venue(&venue_dir, dir_name, &show) {
            Ok(v) => venues.push(v),
            Err(mut e) => errors.append(&mut e.0),
        }
    }
    if errors.is_empty() {
        Ok(venues)
    } else {
        Err(SpecErrors(errors))
    }
}

/// One venue folder: its venue file and every endpoint file, all errors of all of them.
fn load_venue(
    venue_dir: &Path,
    dir_name: &str,
    show: &dyn Fn(&Path) -> String,
) -> Result<LoadedVenue, SpecErrors> {
    let mut errors = Vec::new();
    let venue = venue_file(venue_dir, dir_name, show).map_err(|e| errors.push(e));
    let mut endpoints = Vec::new();
    let files =
        sorted_entries(venue_dir).map_err(|e| whole_file(&show(venue_dir), e.to_string()))?;
    for path in files {
        match endpoint_file(&path, show) {
            Ok(Some(e)) => endpoints.push(e),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    let vectors = vectors_file(venue_dir, show).unwrap_or_else(|mut e| {
        errors.append(&mut e);
        None
    });
    match venue {
        Ok(venue) if errors.is_empty() => Ok(LoadedVenue {
            venue,
            endpoints,
            vectors,
        }),
        _ => Err(SpecErrors(errors)),
    }
}

/// The folder's `vectors.yaml`, if it has one, with the key files its credentials name.
fn vectors_file(
    venue_dir: &Path,
    show: &dyn Fn(&Path) -> String,
) -> Result<Option<LoadedVectors>, Vec<SpecError>> {
    let path = venue_dir.join(VECTORS_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let file = read(&path, show)
        .and_then(|t| parse_vectors(&show(&path), &t))
        .map_err(|e| vec![e])?;
    let mut keys = std::collections::BTreeMap::new();
    let mut errors = Vec::new();
    for (i, v) in file.spec.vectors.iter().enumerate() {
        let credential_files = v.credentials.iter().filter_map(|(name, c)| match c {
            VectorCredential::File { file: rel } => Some((
                rel,
                vec![
                    Segment::Key("credentials".into()),
                    Segment::Key(name.clone()),
                    Segment::Key("file".into()),
                ],
            )),
            VectorCredential::Text(_) => None,
        });
        let verify_key = v.expect.verify_key.iter().map(|rel| {
            let at = vec![
                Segment::Key("expect".into()),
                Segment::Key("verify_key".into()),
            ];
            (rel, at)
        });
        for (rel, inner) in credential_files.chain(verify_key) {
            let mut at = vec![Segment::Key("vectors".into()), Segment::Index(i)];
            at.extend(inner);
            let inside = Path::new(rel)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !inside || !Path::new(rel).starts_with(KEYS_DIR) {
                let msg = format!("`{rel}` must name a file of the venue's `{KEYS_DIR}/` folder");
                errors.push(file.error_at(&at, msg));
                continue;
            }
            match fs::read_to_string(venue_dir.join(rel)) {
                Ok(text) => {
                    keys.insert(rel.clone(), text);
                }
                Err(e) => errors.push(file.error_at(&at, format!("cannot read `{rel}`: {e}"))),
            }
        }
    }
    if errors.is_empty() {
        Ok(Some(LoadedVectors { file, keys }))
    } else {
        Err(errors)
    }
}

/// The folder's `venue.yaml`, its id checked against the folder's name.
fn venue_file(
    venue_dir: &Path,
    dir_name: &str,
    show: &dyn Fn(&Path) -> String,
) -> Result<Loaded<VenueSpec>, SpecError> {
    let venue_path = venue_dir.join(VENUE_FILE);
    if !venue_path.is_file() {
        return Err(whole_file(
            &show(venue_dir),
            format!("venue folder has no {VENUE_FILE}"),
        ));
    }
    let v = read(&venue_path, show).and_then(|t| parse_venue(&show(&venue_path), &t))?;
    let problem = if !is_module_name(&v.spec.venue) {
        "must be lower snake_case (it names a Rust module)".to_string()
    } else if v.spec.venue != dir_name {
        format!("must equal its folder name `{dir_name}`")
    } else {
        return Ok(v);
    };
    Err(v.error_at(
        &[Segment::Key("venue".into())],
        format!("venue id `{}` {problem}", v.spec.venue),
    ))
}

/// An endpoint file, its id checked against the file's name; `None` for files that are not
/// endpoint specs (the venue file, anything not `.yaml`).
fn endpoint_file(
    path: &Path,
    show: &dyn Fn(&Path) -> String,
) -> Result<Option<Loaded<EndpointSpec>>, SpecError> {
    if path.extension().is_some_and(|e| e == "yml") {
        return Err(whole_file(
            &show(path),
            "spec files end in `.yaml`; rename it".into(),
        ));
    }
    let is_yaml = path.extension().is_some_and(|e| e == "yaml");
    if !is_yaml
        || path
            .file_name()
            .is_some_and(|n| n == VENUE_FILE || n == VECTORS_FILE)
    {
        return Ok(None);
    }
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let e = read(path, show).and_then(|t| parse_endpoint(&show(path), &t))?;
    let problem = if !is_module_name(&e.spec.endpoint) {
        "must be lower snake_case (it names a Rust module)".to_string()
    } else if e.spec.endpoint != stem {
        format!("must equal its file name `{stem}`")
    } else {
        return Ok(Some(e));
    };
    Err(e.error_at(
        &[Segment::Key("endpoint".into())],
        format!("endpoint id `{}` {problem}", e.spec.endpoint),
    ))
}

/// Whether `id` can name a generated module: lower snake_case, not a keyword.
fn is_module_name(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && crate::names::is_ident(id)
}

/// Parses a venue file's text.
pub fn parse_venue(file: &str, text: &str) -> Result<Loaded<VenueSpec>, SpecError> {
    parse(file, text)
}

/// Parses an endpoint file's text.
pub fn parse_endpoint(file: &str, text: &str) -> Result<Loaded<EndpointSpec>, SpecError> {
    parse(file, text)
}

/// Parses a signing vectors file's text.
pub fn parse_vectors(file: &str, text: &str) -> Result<Loaded<VectorsSpec>, SpecError> {
    parse(file, text)
}

fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<Loaded<T>, SpecError> {
    let map = SourceMap::build(text).map_err(|e| SpecError {
        file: file.to_string(),
        position: Some(e.position),
        path: display_path(&e.path),
        message: e.message,
    })?;
    let de = yaml::Deserializer::from_str(text);
    let spec: T = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = convert_path(e.path());
        let inner = e.inner();
        // serde_yaml knows where most type errors are; fall back to the node's position.
        let position = inner
            .location()
            .map(|l| Position {
                line: l.line(),
                column: l.column(),
            })
            .unwrap_or_else(|| map.position(&path));
        let shown = display_path(&path);
        let message = strip_location(&inner.to_string());
        // serde_yaml also prefixes its own rendering of the path; it is reported apart.
        let message = match message.split_once(": ") {
            Some((head, rest)) if !head.is_empty() && shown.starts_with(head) => rest.to_string(),
            _ => message,
        };
        SpecError {
            file: file.to_string(),
            position: Some(position),
            path: shown,
            message,
        }
    })?;
    Ok(Loaded {
        file: file.to_string(),
        spec,
        map,
    })
}

fn convert_path(p: &serde_path_to_error::Path) -> Vec<Segment> {
    use serde_path_to_error::Segment as S;
    p.iter()
        .filter_map(|s| match s {
            S::Seq { index } => Some(Segment::Index(*index)),
            S::Map { key } => Some(Segment::Key(key.clone())),
            S::Enum { variant } => Some(Segment::Key(variant.clone())),
            S::Unknown => None,
        })
        .collect()
}

/// serde_yaml appends " at line L column C" to its messages; the position is reported apart.
fn strip_location(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn read(path: &Path, show: &dyn Fn(&Path) -> String) -> Result<String, SpecError> {
    fs::read_to_string(path).map_err(|e| whole_file(&show(path), format!("cannot read: {e}")))
}

fn whole_file(file: &str, message: String) -> SpecError {
    SpecError {
        file: file.to_string(),
        position: None,
        path: String::new(),
        message,
    }
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut v = fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()?;
    v.sort();
    Ok(v)
}

/// Reads YAML text as a JSON value (for validating spec files against the format's schema).
pub fn yaml_to_json(text: &str) -> Result<serde_json::Value, String> {
    yaml::from_str(text).map_err(|e| e.to_string())
}
