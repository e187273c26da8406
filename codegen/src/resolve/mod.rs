//! The resolving stage: spec files in, the [`model`](crate::model) out.
//!
//! Split as serde_derive splits its internals: `venue`, `endpoint`, `params`, `types`
//! (the type registry) and `errors` lower the spec into the model, and `check` holds the
//! cross-field rules as flat tables of named checks. Every problem goes into one `Ctx`, which
//! names the file, position and field path of the node it is about; all problems of all files
//! are collected, not just the first.

mod bounds;
mod check;
mod clock;
mod endpoint;
mod errors;
mod order;
mod params;
mod range;
mod signing;
mod types;
mod vectors;
mod venue;

use crate::error::{SpecError, SpecErrors};
use crate::loader::{Loaded, LoadedVenue};
use crate::model::Venue;
use crate::source_map::Segment;

pub use check::TEMPLATE_PLACEHOLDERS;
pub use range::parse_range;

/// Validates and resolves all loaded venues.
pub fn resolve_all(loaded: &[LoadedVenue]) -> Result<Vec<Venue>, SpecErrors> {
    let mut errors = Vec::new();
    let mut venues = Vec::new();
    for lv in loaded {
        if let Some(v) = venue::resolve_venue(lv, &mut errors) {
            venues.push(v);
        }
    }
    if errors.is_empty() {
        Ok(venues)
    } else {
        Err(SpecErrors(errors))
    }
}

/// Error collector bound to one file.
struct Ctx<'a, T> {
    file: &'a Loaded<T>,
    errors: &'a mut Vec<SpecError>,
}

impl<T> Ctx<'_, T> {
    /// Records a problem with the node at `path` of this file.
    fn err(&mut self, path: &[Segment], message: impl Into<String>) {
        self.errors.push(self.file.error_at(path, message));
    }
}

/// A path step naming a mapping key.
fn key(k: &str) -> Segment {
    Segment::Key(k.to_string())
}

/// `path` followed by `more`.
fn with(path: &[Segment], more: &[Segment]) -> Vec<Segment> {
    let mut p = path.to_vec();
    p.extend_from_slice(more);
    p
}
