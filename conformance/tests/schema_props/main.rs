//! Property tests of the derived schemas against the generated parser.
//!
//! Strategies are derived from each endpoint's strict schema, so from the spec: member types,
//! patterns and bounds, enum values, optional members (sometimes left out) and nullable ones
//! (sometimes `null`). For every endpoint and body:
//!
//! - a generated body is valid under both schemas, parses, and serialises back to itself;
//! - a mutated body (wrong type, missing required member, unknown enum value, extra member)
//!   gets the same verdict from the lenient schema and the parser, and the drift report names
//!   the mutation, and only it, at its pointer;
//! - the parser and the judge never panic on arbitrary bytes or arbitrary JSON.

use conformance::check::json_diff::first_difference;
use conformance::judge::drift::{FindingKind, Judge, Verdict};
use conformance::judge::schema::{self, BodyPart, Strictness};
use conformance::{EndpointInfo, VENUES, VenueInfo};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value};

mod bodies;
mod fast_validator;
mod wire_forms;

/// The bodies generated for: a whole response and an error body.
const PARTS: [BodyPart; 2] = [BodyPart::Response, BodyPart::Error];

fn endpoints() -> impl Iterator<Item = (&'static VenueInfo, &'static EndpointInfo)> {
    VENUES
        .iter()
        .flat_map(|v| v.endpoints.iter().map(move |e| (v, e)))
}

fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(root, root.pointer(&r[1..]).expect("a local $ref")),
        None => node,
    }
}

/// Small JSON of any shape (no floats: they are not what a `json` member is about, and
/// serde_json does not promise to read every float back bit for bit).
fn any_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "\\PC{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

fn string_strategy(node: &Value) -> BoxedStrategy<Value> {
    let max = node
        .get("maxLength")
        .and_then(Value::as_u64)
        .unwrap_or(u64::MAX) as usize;
    let base: BoxedStrategy<String> = match node.get("pattern").and_then(Value::as_str) {
        Some(p) => {
            let p = p.trim_start_matches('^').trim_end_matches('$');
            proptest::string::string_regex(p)
                .unwrap_or_else(|e| panic!("pattern {p}: {e}"))
                .boxed()
        }
        None => "\\PC{0,16}".boxed(),
    };
    base.prop_filter("maxLength", move |s| s.chars().count() <= max)
        .prop_map(Value::from)
        .boxed()
}

/// JSON numbers a decimal reads exactly: up to 9 integer digits and 6 decimals, written
/// as `serde_json` writes them (the client keeps their text), never negative under
/// `minimum: 0`.
fn number_strategy(node: &Value) -> BoxedStrategy<Value> {
    let min = if node.get("minimum").and_then(Value::as_i64) == Some(0) {
        0
    } else {
        -999_999_999_999_999
    };
    (min..999_999_999_999_999_i64, 0u32..=6)
        .prop_map(|(m, scale)| {
            let text = rust_decimal::Decimal::new(m, scale).to_string();
            serde_json::from_str(&text).expect("a decimal's text is a JSON number")
        })
        .boxed()
}

fn integer_strategy(node: &Value) -> BoxedStrategy<Value> {
    let min = node.get("minimum").and_then(Value::as_i64);
    match (node.get("format").and_then(Value::as_str), min) {
        (Some("uint64"), _) | (_, Some(0)) => any::<u64>().prop_map(Value::from).boxed(),
        _ => any::<i64>().prop_map(Value::from).boxed(),
    }
}

fn object_strategy(root: &Value, node: &Value) -> BoxedStrategy<Value> {
    let required: Vec<&str> = node
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let members: Vec<BoxedStrategy<Option<(String, Value)>>> = node
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .map(|(name, schema)| {
                    let name = name.clone();
                    let value = strategy(root, schema);
                    if required.contains(&name.as_str()) {
                        value.prop_map(move |v| Some((name.clone(), v))).boxed()
                    } else {
                        prop::option::of(value.prop_map(move |v| (name.clone(), v))).boxed()
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    members
        .prop_map(|m| Value::Object(m.into_iter().flatten().collect::<Map<_, _>>()))
        .boxed()
}

/// A strategy for the values a (strict) schema node describes.
fn strategy(root: &Value, node: &Value) -> BoxedStrategy<Value> {
    let node = resolve(root, node);
    if let Some(branches) = node.get("anyOf").and_then(Value::as_array) {
        let options: Vec<_> = branches.iter().map(|b| strategy(root, b)).collect();
        return proptest::strategy::Union::new(options).boxed();
    }
    if let Some(values) = node.get("enum").and_then(Value::as_array) {
        return prop::sample::select(values.clone()).boxed();
    }
    let one = |t: &str| -> BoxedStrategy<Value> {
        match t {
            "null" => Just(Value::Null).boxed(),
            "boolean" => any::<bool>().prop_map(Value::from).boxed(),
            "integer" => integer_strategy(node),
            "number" => number_strategy(node),
            "string" => string_strategy(node),
            "object" => object_strategy(root, node),
            "array" if node.get("prefixItems").is_some() => {
                // A positional record: exactly its listed elements (the strict schema closes
                // it with `items: false`).
                let elements: Vec<_> = node["prefixItems"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|e| strategy(root, e))
                    .collect();
                elements.prop_map(Value::Array).boxed()
            }
            "array" => {
                let item = strategy(root, node.get("items").unwrap_or(&Value::Bool(true)));
                prop::collection::vec(item, 0..3)
                    .prop_map(Value::Array)
                    .boxed()
            }
            other => panic!("no strategy for type {other}"),
        }
    };
    let values = match node.get("type") {
        Some(Value::String(t)) => one(t),
        Some(Value::Array(ts)) => {
            let options: Vec<_> = ts.iter().filter_map(Value::as_str).map(one).collect();
            proptest::strategy::Union::new(options).boxed()
        }
        _ => any_json(),
    };
    // `not: {type: null}`: an optional member that may be anything but null.
    match node.get("not").and_then(|n| n.get("type")) {
        Some(t) if t == "null" => values.prop_filter("not null", |v| !v.is_null()).boxed(),
        Some(t) => panic!("no strategy for not: {t}"),
        None => values,
    }
}

/// The JSON types a schema node allows, or `None` when it allows anything.
fn allowed_types(root: &Value, node: &Value) -> Option<Vec<&'static str>> {
    let node = resolve(root, node);
    if let Some(branches) = node.get("anyOf").and_then(Value::as_array) {
        let mut all = Vec::new();
        for b in branches {
            all.extend(allowed_types(root, b)?);
        }
        return Some(all);
    }
    let name = |t: &str| -> &'static str {
        match t {
            "null" => "null",
            "boolean" => "boolean",
            "integer" => "integer",
            "number" => "number",
            "string" => "string",
            "object" => "object",
            "array" => "array",
            other => panic!("type {other}"),
        }
    };
    match node.get("type") {
        Some(Value::String(t)) => Some(vec![name(t)]),
        Some(Value::Array(ts)) => Some(ts.iter().filter_map(Value::as_str).map(name).collect()),
        _ => None,
    }
}

/// A change to a valid body, at a pointer.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the value with one of a type the schema does not allow.
    WrongType { pointer: String, with: Value },
    /// Remove a member the strict schema requires.
    Missing { object: String, name: String },
    /// Replace an enum string with one the spec does not list.
    UnknownEnum { pointer: String },
    /// Add a member the spec does not know.
    Extra { object: String },
}

const EXTRA: &str = "conformanceExtraMember";
const UNSEEN: &str = "conformance-unseen-value";

fn escape(k: &str) -> String {
    k.replace('~', "~0").replace('/', "~1")
}

/// A value of a type `node` does not allow (none where it allows any), at `at`.
fn wrong_type(root: &Value, node: &Value, at: &str, out: &mut Vec<Mutation>) {
    if at.is_empty() {
        return;
    }
    let Some(types) = allowed_types(root, node) else {
        return;
    };
    let candidates = [
        ("string", Value::from("x")),
        ("integer", Value::from(7)),
        ("boolean", Value::from(true)),
        ("object", Value::Object(Map::new())),
        ("array", Value::Array(Vec::new())),
    ];
    if let Some((_, with)) = candidates.into_iter().find(|(t, _)| !types.contains(t)) {
        out.push(Mutation::WrongType {
            pointer: at.to_string(),
            with,
        });
    }
}

/// Every mutation that applies to `body` under `node`.
fn sites(root: &Value, node: &Value, body: &Value, at: &str, out: &mut Vec<Mutation>) {
    sites_of(root, node, body, at, out, false);
}

/// [`sites`] of a node; `in_branch` for a form of an `anyOf`, whose wrong types are those of
/// the whole `anyOf` (a number-or-text's number branch does not make a text wrong).
fn sites_of(
    root: &Value,
    node: &Value,
    body: &Value,
    at: &str,
    out: &mut Vec<Mutation>,
    in_branch: bool,
) {
    let node = resolve(root, node);
    if let Some(branches) = node.get("anyOf").and_then(Value::as_array) {
        if !body.is_null() {
            let forms: Vec<&Value> = branches
                .iter()
                .filter(|b| b.get("type") != Some(&Value::from("null")))
                .collect();
            // One form (a nullable member): its own wrong types, as before.
            let one = forms.len() == 1;
            if !one {
                wrong_type(root, node, at, out);
            }
            for b in forms {
                sites_of(root, b, body, at, out, !one);
            }
        }
        return;
    }
    if !in_branch {
        wrong_type(root, node, at, out);
    }
    if node.get("enum").is_some() && body.is_string() {
        out.push(Mutation::UnknownEnum {
            pointer: at.to_string(),
        });
    }
    match body {
        Value::Object(members) => {
            let Some(props) = node.get("properties").and_then(Value::as_object) else {
                return;
            };
            // An object open to members of a type (`additional`) takes one of that type; the
            // typed-extras test in `schemas.rs` covers it.
            if node.get("additionalProperties") == Some(&Value::Bool(false)) {
                out.push(Mutation::Extra {
                    object: at.to_string(),
                });
            }
            for name in node
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                out.push(Mutation::Missing {
                    object: at.to_string(),
                    name: name.to_string(),
                });
            }
            for (name, value) in members {
                if let Some(p) = props.get(name) {
                    sites(root, p, value, &format!("{at}/{}", escape(name)), out);
                }
            }
        }
        Value::Array(items) => {
            let positional = node.get("prefixItems").and_then(Value::as_array);
            for (i, v) in items.iter().enumerate() {
                let item = match positional {
                    Some(elements) => elements.get(i),
                    None => node.get("items"),
                };
                if let Some(item) = item {
                    sites(root, item, v, &format!("{at}/{i}"), out);
                }
            }
        }
        _ => {}
    }
}

/// Whether the schema node a pointer leads to allows any type (no `type`, `enum` or `$ref`):
/// the client keeps whatever the wire sends there.
fn untyped_at(root: &Value, pointer: &str) -> bool {
    let non_null = |node: &Value| -> Value {
        let node = resolve(root, node).clone();
        match node.get("anyOf").and_then(Value::as_array) {
            Some(branches) => branches
                .iter()
                .find(|b| b.get("type") != Some(&Value::from("null")))
                .map(|b| resolve(root, b).clone())
                .unwrap_or(node),
            None => node,
        }
    };
    let mut node = non_null(root);
    for step in pointer.split('/').skip(1) {
        let step = step.replace("~1", "/").replace("~0", "~");
        let element = node
            .get("prefixItems")
            .and_then(|p| p.get(step.parse::<usize>().ok()?));
        let next = match node
            .get("properties")
            .and_then(|p| p.get(&step))
            .or(element)
        {
            Some(n) => n.clone(),
            None => match node.get("items") {
                Some(n) => n.clone(),
                None => return false,
            },
        };
        node = non_null(&next);
    }
    ["type", "enum", "$ref", "anyOf"]
        .iter()
        .all(|k| node.get(*k).is_none())
}

/// Applies a mutation; returns the finding the drift report must name.
fn apply(body: &mut Value, m: &Mutation) -> (FindingKind, String) {
    match m {
        Mutation::WrongType { pointer, with } => {
            *body.pointer_mut(pointer).unwrap() = with.clone();
            (FindingKind::WrongType, pointer.clone())
        }
        Mutation::UnknownEnum { pointer } => {
            *body.pointer_mut(pointer).unwrap() = UNSEEN.into();
            (FindingKind::UnknownEnumValue, pointer.clone())
        }
        Mutation::Missing { object, name } => {
            let o = body.pointer_mut(object).unwrap().as_object_mut().unwrap();
            o.remove(name);
            (
                FindingKind::MissingField,
                format!("{object}/{}", escape(name)),
            )
        }
        Mutation::Extra { object } => {
            let o = body.pointer_mut(object).unwrap().as_object_mut().unwrap();
            o.insert(EXTRA.into(), "1".into());
            (FindingKind::UnknownField, format!("{object}/{EXTRA}"))
        }
    }
}

/// `cases` cases, or `PROPTEST_CASES` when set (as `Config::default()` reads it).
fn runner(cases: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}
