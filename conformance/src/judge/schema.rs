//! JSON Schemas (draft 2020-12) of every endpoint's bodies, derived from the generated types.
//!
//! The generated types derive `schemars::JsonSchema`, which gives the **lenient** schema: what
//! the generated parser accepts (unknown members and unseen enum values allowed, nullable
//! members that the parser also reads when absent). The **strict** schema is what the docs
//! promise: [`to_strict`] rewrites the lenient one using the spec's promises, which the
//! generated types carry as `x-` annotations (`generated::runtime::schema`): closed objects,
//! closed enums, canonical wire forms (decimal and integer strings, UUIDs), and every
//! non-optional member required, nullable or not. Nothing here is specific to a venue.

use std::path::{Path, PathBuf};

use generated::runtime::registry::{EndpointInfo, ExampleKind, ExampleScope, VenueInfo};
use generated::runtime::schema::{X_ENUM, X_NULLABLE, X_REQUIRED, X_STRICT};
use serde_json::{Map, Value};

/// Which body of an endpoint a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BodyPart {
    /// A successful response body (envelope included, when the venue has one).
    Response,
    /// Only the payload of a successful response (some docs show just the inner object).
    Payload,
    /// An error body.
    Error,
}

impl BodyPart {
    /// Every part, in display order.
    pub const ALL: [BodyPart; 3] = [BodyPart::Response, BodyPart::Payload, BodyPart::Error];

    /// The registry's `(kind, scope)` for this part.
    pub fn kind_scope(self) -> (ExampleKind, ExampleScope) {
        match self {
            BodyPart::Response => (ExampleKind::Success, ExampleScope::Body),
            BodyPart::Payload => (ExampleKind::Success, ExampleScope::Payload),
            BodyPart::Error => (ExampleKind::Error, ExampleScope::Body),
        }
    }

    /// The part a docs example is.
    pub fn of_example(kind: ExampleKind, scope: ExampleScope) -> BodyPart {
        match (kind, scope) {
            (ExampleKind::Success, ExampleScope::Body) => BodyPart::Response,
            (ExampleKind::Success, ExampleScope::Payload) => BodyPart::Payload,
            (ExampleKind::Error, _) => BodyPart::Error,
        }
    }

    /// `response`, `payload` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            BodyPart::Response => "response",
            BodyPart::Payload => "payload",
            BodyPart::Error => "error",
        }
    }
}

impl std::fmt::Display for BodyPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lenient (what the client accepts) or strict (what the docs promise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Strictness {
    /// What the generated parser accepts.
    Lenient,
    /// What the docs promise.
    Strict,
}

impl Strictness {
    /// `lenient` or `strict`.
    pub fn as_str(self) -> &'static str {
        match self {
            Strictness::Lenient => "lenient",
            Strictness::Strict => "strict",
        }
    }
}

/// The schema of one body of an endpoint.
pub fn schema(endpoint: &EndpointInfo, part: BodyPart, strictness: Strictness) -> Value {
    let (kind, scope) = part.kind_scope();
    let mut value = (endpoint.schema)(kind, scope).to_value();
    if strictness == Strictness::Strict {
        to_strict(&mut value);
    }
    value
}

/// Rewrites a lenient schema into the strict one, in place.
///
/// - `x-enum` becomes `enum` (an open enum is closed to its documented values);
/// - the keywords in `x-strict` replace the lenient ones (the docs' canonical `pattern` for
///   decimal and integer strings and UUIDs, and bounds such as `maxLength`);
/// - `x-nullable: false` (optional, not nullable in the spec) removes the `null` the parser
///   tolerates (and reads as absent);
/// - every object with `properties` gets `additionalProperties: false`, and members marked
///   `x-required` (nullable but not optional in the spec) join `required`, in member order.
pub fn to_strict(schema: &mut Value) {
    let Value::Object(m) = schema else {
        return;
    };
    let mut overrides = match m.get(X_STRICT) {
        Some(Value::Object(o)) => o.clone(),
        _ => Map::new(),
    };
    let not_nullable = m.get(X_NULLABLE) == Some(&Value::Bool(false));
    let additional = m
        .get(X_ADDITIONAL)
        .and_then(Value::as_str)
        .map(additional_schema);
    let old = std::mem::take(m);
    for (key, value) in old {
        match key.as_str() {
            k if k == X_STRICT || k == X_NULLABLE || k == X_ADDITIONAL => {}
            k if k == X_ENUM => {
                m.insert("enum".into(), value);
            }
            _ => {
                let value = overrides.remove(&key).unwrap_or(value);
                m.insert(key, value);
            }
        }
    }
    // Strict keywords the lenient schema does not have (such as `maxLength`) go last.
    m.extend(overrides);
    if not_nullable {
        drop_null(m);
    }
    close_object(m);
    // An object whose unlisted members the spec types (`additional`) allows them, of that type.
    if let Some(schema) = additional {
        m.insert("additionalProperties".into(), schema);
    }
    for_each_subschema(m, &mut to_strict);
}

/// The annotation of an object whose unlisted members the spec types (`additional`): the
/// member type's name, as the generated struct writes it.
const X_ADDITIONAL: &str = "x-additional";

/// The strict schema of an object's additional members of type `kind`.
fn additional_schema(kind: &str) -> Value {
    use generated::runtime::schema::{
        DECIMAL_NON_NEGATIVE_STRICT_PATTERN, DECIMAL_STRICT_MAX_LENGTH, DECIMAL_STRICT_PATTERN,
    };
    let decimal = |pattern: &str| {
        serde_json::json!({
            "type": "string",
            "pattern": pattern,
            "maxLength": DECIMAL_STRICT_MAX_LENGTH,
        })
    };
    match kind {
        "decimal" => decimal(DECIMAL_STRICT_PATTERN),
        "non_negative_decimal" => decimal(DECIMAL_NON_NEGATIVE_STRICT_PATTERN),
        "string" => serde_json::json!({ "type": "string" }),
        _ => Value::Bool(true),
    }
}

/// Calls `f` on every subschema a schema object holds directly (under `properties`, `$defs`,
/// `anyOf`, `items`, ...), not on values such as `enum` lists or annotations.
pub(crate) fn for_each_subschema(m: &mut Map<String, Value>, f: &mut impl FnMut(&mut Value)) {
    for (key, child) in m.iter_mut() {
        match key.as_str() {
            "properties" | "$defs" | "definitions" | "patternProperties" | "dependentSchemas" => {
                if let Value::Object(children) = child {
                    children.values_mut().for_each(&mut *f);
                }
            }
            "anyOf" | "oneOf" | "allOf" | "prefixItems" => {
                if let Value::Array(children) = child {
                    children.iter_mut().for_each(&mut *f);
                }
            }
            "items"
            | "additionalProperties"
            | "not"
            | "if"
            | "then"
            | "else"
            | "contains"
            | "propertyNames"
            | "unevaluatedProperties"
            | "unevaluatedItems" => f(child),
            _ => {}
        }
    }
}

/// Removes `null` from what a schema allows: the `null` branch of an `anyOf` (inlining the
/// one left), `"null"` in a list of types, or, for a schema that allows any value (a `json`
/// member), `not: {type: null}`.
fn drop_null(m: &mut Map<String, Value>) {
    if !m.contains_key("anyOf") && !m.contains_key("type") && !m.contains_key("$ref") {
        m.insert("not".into(), serde_json::json!({ "type": "null" }));
        return;
    }
    let is_null = |b: &Value| b.get("type") == Some(&Value::from("null"));
    if let Some(Value::Array(branches)) = m.get_mut("anyOf") {
        branches.retain(|b| !is_null(b));
        if branches.len() == 1
            && let Some(Value::Object(only)) = branches.pop()
        {
            let old = std::mem::take(m);
            for (key, value) in old {
                if key == "anyOf" {
                    for (k, v) in only.clone() {
                        m.insert(k, v);
                    }
                } else {
                    m.insert(key, value);
                }
            }
        }
    }
    if let Some(Value::Array(types)) = m.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            m.insert("type".into(), only);
        }
    }
}

/// Closes an object schema: no members beyond `properties`, and `required` extended with the
/// members marked `x-required` (the marker is removed), in member order.
fn close_object(m: &mut Map<String, Value>) {
    let Some(Value::Object(props)) = m.get_mut("properties") else {
        return;
    };
    let mut marked = Vec::new();
    for (name, prop) in props.iter_mut() {
        if let Value::Object(p) = prop
            && p.remove(X_REQUIRED) == Some(Value::Bool(true))
        {
            marked.push(name.clone());
        }
    }
    let names: Vec<String> = props.keys().cloned().collect();
    let already: Vec<String> = m
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let required: Vec<Value> = names
        .into_iter()
        .filter(|n| already.contains(n) || marked.contains(n))
        .map(Value::String)
        .collect();
    if !required.is_empty() {
        m.insert("required".into(), Value::Array(required));
    }
    m.insert("additionalProperties".into(), Value::Bool(false));
}

/// Renders a schema as the exported files hold it: pretty JSON and a final newline.
pub fn render(schema: &Value) -> String {
    let mut s = serde_json::to_string_pretty(schema).expect("a JSON value serialises");
    s.push('\n');
    s
}

/// Where the exported schemas live: `conformance/schemas/`.
pub fn export_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

/// Every exported schema as `(path relative to the export folder, text)`, in a fixed order:
/// per venue, `<endpoint>.{lenient,strict}.schema.json` for each endpoint's response body and
/// `venue.error.{lenient,strict}.schema.json` for the venue's error body (no endpoint can be
/// named `venue`: that file name is the venue's own spec).
pub fn exports(venues: &[VenueInfo]) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for v in venues {
        let dir = PathBuf::from(v.id);
        for e in v.endpoints {
            for s in [Strictness::Lenient, Strictness::Strict] {
                out.push((
                    dir.join(format!("{}.{}.schema.json", e.id, s.as_str())),
                    render(&schema(e, BodyPart::Response, s)),
                ));
            }
        }
        // Every endpoint shares the venue's error body; its schema is the same from any of them.
        if let Some(e) = v.endpoints.first() {
            for s in [Strictness::Lenient, Strictness::Strict] {
                out.push((
                    dir.join(format!("venue.error.{}.schema.json", s.as_str())),
                    render(&schema(e, BodyPart::Error, s)),
                ));
            }
        }
    }
    out
}

/// A schema that the validator refused to compile (a generator bug).
#[derive(Debug, thiserror::Error)]
#[error("the derived schema does not compile: {0}")]
pub struct SchemaError(pub String);

/// Compiles a schema into a validator (draft 2020-12).
pub fn compile(schema: &Value) -> Result<jsonschema::Validator, SchemaError> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .with_pattern_options(jsonschema::PatternOptions::regex())
        .build(schema)
        .map_err(|e| SchemaError(e.to_string()))
}
