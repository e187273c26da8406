//! The docs' examples, parsed through the generated types and serialised back.

use generated::runtime::registry::{EndpointInfo, ExampleInfo};

use crate::check::json_diff::first_difference;

/// What became of one example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Parsed, and serialised back to the same JSON value.
    RoundTrips,
    /// The generated types refused it.
    DoesNotParse(String),
    /// Parsed, but came back different at this pointer.
    Changed {
        /// JSON pointer.
        pointer: String,
        /// What changed.
        detail: String,
    },
    /// The example itself is not JSON (a spec bug).
    NotJson(String),
}

impl Outcome {
    /// Whether the example passed.
    pub fn passed(&self) -> bool {
        matches!(self, Outcome::RoundTrips)
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::RoundTrips => write!(f, "round-trips"),
            Outcome::DoesNotParse(e) => write!(f, "does not parse: {e}"),
            Outcome::Changed { pointer, detail } => write!(f, "changed at {pointer}: {detail}"),
            Outcome::NotJson(e) => write!(f, "example is not JSON: {e}"),
        }
    }
}

/// Parses one example of `endpoint` and compares the round trip with the original.
pub fn check(endpoint: &EndpointInfo, example: &ExampleInfo) -> Outcome {
    let original: serde_json::Value = match serde_json::from_str(example.body) {
        Ok(v) => v,
        Err(e) => return Outcome::NotJson(e.to_string()),
    };
    match (endpoint.roundtrip)(example.kind, example.scope, example.body) {
        Err(e) => Outcome::DoesNotParse(e.message),
        Ok(back) => match first_difference(&original, &back) {
            None => Outcome::RoundTrips,
            Some((pointer, detail)) => Outcome::Changed { pointer, detail },
        },
    }
}
