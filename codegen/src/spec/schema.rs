//! The JSON Schemas of the spec format itself, derived from the model with schemars, so editors
//! can validate and complete spec files (`specs/schema/*.schema.json`).

use schemars::schema_for;

use super::{EndpointSpec, VectorsSpec, VenueSpec};

/// `(file name, pretty JSON)` of each schema, as committed under `specs/schema/`.
pub fn spec_schemas() -> Vec<(&'static str, String)> {
    let pretty = |s: schemars::Schema| {
        let mut text = serde_json::to_string_pretty(&s).unwrap_or_default();
        text.push('\n');
        text
    };
    vec![
        ("venue.schema.json", pretty(schema_for!(VenueSpec))),
        ("endpoint.schema.json", pretty(schema_for!(EndpointSpec))),
        ("vectors.schema.json", pretty(schema_for!(VectorsSpec))),
    ]
}
