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

#[test]
fn generated_bodies_are_valid_under_both_schemas_parse_and_round_trip() {
    for (v, e) in endpoints() {
        let judge = Judge::new(v, e);
        for part in PARTS {
            let strict = schema::schema(e, part, Strictness::Strict);
            let lenient = judge.validator(part, Strictness::Lenient).unwrap();
            let strict_v = judge.validator(part, Strictness::Strict).unwrap();
            let (kind, scope) = part.kind_scope();
            let result = runner(128).run(&strategy(&strict, &strict), |body| {
                let text = body.to_string();
                prop_assert!(strict_v.is_valid(&body), "strict refuses {text}");
                prop_assert!(lenient.is_valid(&body), "lenient refuses {text}");
                let back = (e.roundtrip)(kind, scope, &text)
                    .map_err(|err| TestCaseError::fail(format!("{err}")))?;
                prop_assert_eq!(first_difference(&body, &back), None, "{}", text);
                let j = judge.judge(text.as_bytes(), Some(part));
                prop_assert_eq!(j.verdict, Verdict::Valid, "{:?}", j.findings);
                Ok(())
            });
            if let Err(err) = result {
                panic!("{}/{} {part}: {err}", v.id, e.id);
            }
        }
    }
}

#[test]
fn mutations_get_one_verdict_from_schema_and_parser_and_are_named_at_their_pointer() {
    for (v, e) in endpoints() {
        let judge = Judge::new(v, e);
        for part in PARTS {
            let strict = schema::schema(e, part, Strictness::Strict);
            let lenient_schema = schema::schema(e, part, Strictness::Lenient);
            let lenient = judge.validator(part, Strictness::Lenient).unwrap();
            let (kind, scope) = part.kind_scope();
            let cases = (strategy(&strict, &strict), any::<Index>());
            let result = runner(256).run(&cases, |(body, pick)| {
                let mut all = Vec::new();
                sites(&strict, &strict, &body, "", &mut all);
                prop_assume!(!all.is_empty());
                let m = pick.get(&all).clone();
                let mut mutated = body.clone();
                let (finding, pointer) = apply(&mut mutated, &m);
                let raw = mutated.to_string();
                let parses = (e.parse)(kind, scope, raw.as_bytes()).is_ok();
                prop_assert_eq!(
                    lenient.is_valid(&mutated),
                    parses,
                    "{:?}: lenient schema and parser disagree on {}",
                    m,
                    raw
                );
                // What the client tolerates is exactly the spec's open ends.
                let tolerated = match &m {
                    // Only where the lenient schema sets no type (the `id` wire type).
                    Mutation::WrongType { pointer, .. } => untyped_at(&lenient_schema, pointer),
                    Mutation::UnknownEnum { .. } | Mutation::Extra { .. } => true,
                    Mutation::Missing { .. } => parses,
                };
                prop_assert_eq!(parses, tolerated, "{:?}", m);
                let j = judge.judge(raw.as_bytes(), Some(part));
                let drift: Vec<(FindingKind, &str)> =
                    j.drift().map(|f| (f.kind, f.pointer.as_str())).collect();
                prop_assert_eq!(drift, vec![(finding, pointer.as_str())], "{}", raw);
                let verdict = if parses {
                    Verdict::Drift
                } else {
                    Verdict::Invalid
                };
                prop_assert_eq!(j.verdict, verdict);
                Ok(())
            });
            if let Err(err) = result {
                panic!("{}/{} {part}: {err}", v.id, e.id);
            }
        }
    }
}

#[test]
fn a_missing_member_parses_only_when_the_spec_makes_it_nullable() {
    // The lenient schema leaves out of `required` exactly the members the parser reads as
    // `None` when absent: nullable ones (required only when strict) and optional ones.
    for (_, e) in endpoints() {
        for part in PARTS {
            let strict = schema::schema(e, part, Strictness::Strict);
            let lenient = schema::schema(e, part, Strictness::Lenient);
            let required = |s: &Value, path: &str| -> Vec<String> {
                s.pointer(path)
                    .and_then(|o| o.get("required"))
                    .and_then(Value::as_array)
                    .map(|r| {
                        r.iter()
                            .filter_map(|x| x.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let mut paths = vec![String::new()];
            if let Some(defs) = strict.get("$defs").and_then(Value::as_object) {
                paths.extend(defs.keys().map(|k| format!("/$defs/{k}")));
            }
            for path in paths {
                let s = required(&strict, &path);
                let l = required(&lenient, &path);
                assert!(l.iter().all(|m| s.contains(m)), "{}{path}", e.id);
                let props = strict.pointer(&path).and_then(|o| o.get("properties"));
                for m in s.iter().filter(|m| !l.contains(m)) {
                    let p = props.and_then(|p| p.get(m)).unwrap();
                    let nullable = allowed_types(&strict, p).is_none_or(|t| t.contains(&"null"));
                    assert!(nullable, "{}{path}: {m} required only when strict", e.id);
                }
            }
        }
    }
}

#[test]
fn the_parser_and_the_judge_never_panic_on_arbitrary_bytes() {
    let judges: Vec<_> = endpoints().map(|(v, e)| Judge::new(v, e)).collect();
    let result = runner(2048).run(&prop::collection::vec(any::<u8>(), 0..256), |bytes| {
        for j in &judges {
            for part in BodyPart::ALL {
                let (kind, scope) = part.kind_scope();
                let _ = (j.endpoint().parse)(kind, scope, &bytes);
                let verdict = j.judge(&bytes, Some(part)).verdict;
                // Bytes that are not JSON can only be invalid.
                if serde_json::from_slice::<Value>(&bytes).is_err() {
                    prop_assert_eq!(verdict, Verdict::Invalid);
                }
            }
        }
        Ok(())
    });
    result.unwrap();
}

#[test]
fn the_parser_and_the_judge_never_panic_on_arbitrary_json() {
    let judges: Vec<_> = endpoints().map(|(v, e)| Judge::new(v, e)).collect();
    // Arbitrary JSON, and arbitrary JSON inside each endpoint's envelope-shaped bodies.
    let result = runner(2048).run(&any_json(), |value| {
        let raw = value.to_string();
        for j in &judges {
            for part in BodyPart::ALL {
                let (kind, scope) = part.kind_scope();
                let _ = (j.endpoint().parse)(kind, scope, raw.as_bytes());
                let _ = j.judge(raw.as_bytes(), None);
                let _ = j.judge(raw.as_bytes(), Some(part));
            }
        }
        Ok(())
    });
    result.unwrap();
}

/// A validator for strings with one pattern (and optional maxLength).
fn string_validator(pattern: &str, max_length: Option<u64>) -> jsonschema::Validator {
    let mut s = serde_json::json!({ "type": "string", "pattern": pattern });
    if let Some(m) = max_length {
        s["maxLength"] = m.into();
    }
    schema::compile(&s).unwrap()
}

#[test]
fn the_wire_patterns_agree_with_the_parsers() {
    use generated::runtime::schema as wire;
    let decimal = |s: &str| serde_json::from_value::<rust_decimal::Decimal>(s.into());
    let u64_lenient = string_validator(&wire::U64_STRING_PATTERN, None);
    let u64_strict = string_validator(&wire::U64_STRING_STRICT_PATTERN, None);
    let dec_lenient = string_validator(wire::DECIMAL_PATTERN, None);
    let dec_strict = string_validator(
        wire::DECIMAL_STRICT_PATTERN,
        Some(wire::DECIMAL_STRICT_MAX_LENGTH),
    );
    let uuid_lenient = string_validator(wire::UUID_PATTERN, None);
    let uuid_strict = string_validator(wire::UUID_STRICT_PATTERN, None);

    // u64 in a string: the lenient pattern is exactly `u64::from_str`; the strict one is
    // exactly the strings that parse and print back unchanged.
    let ints = prop_oneof![
        "[+-]?0{0,3}[0-9]{0,21}",
        any::<u64>().prop_map(|n| n.to_string()),
        (any::<u64>(), 1u64..=999).prop_map(|(n, k)| (n as u128 + k as u128).to_string()),
    ];
    runner(4096)
        .run(&ints, |s| {
            let v = Value::from(s.as_str());
            let parsed = s.parse::<u64>();
            prop_assert_eq!(u64_lenient.is_valid(&v), parsed.is_ok(), "{}", s);
            let canonical = parsed.is_ok_and(|n| n.to_string() == s);
            prop_assert_eq!(u64_strict.is_valid(&v), canonical, "{}", s);
            Ok(())
        })
        .unwrap();

    // Decimals: whatever the lenient pattern accepts parses; whatever the strict schema
    // accepts parses and prints back unchanged (scale included).
    let decimals = prop_oneof![
        "[+-]?[0-9]{0,30}(\\.[0-9]{0,30})?",
        "[+-]?[0-9_]{0,6}\\.?[0-9_eE+-]{0,6}",
        "-?0\\.0{0,5}[0-9]{0,3}",
    ];
    runner(8192)
        .run(&decimals, |s| {
            let v = Value::from(s.as_str());
            let parsed = decimal(&s);
            if dec_lenient.is_valid(&v) {
                prop_assert!(
                    parsed.is_ok(),
                    "lenient accepts {} but it does not parse",
                    s
                );
            }
            if dec_strict.is_valid(&v) {
                let d = parsed.map_err(|e| TestCaseError::fail(format!("{s}: {e}")))?;
                prop_assert_eq!(d.to_string(), s);
            }
            Ok(())
        })
        .unwrap();

    // UUIDs: the lenient pattern is exactly what the parser reads; strict is the canonical
    // form, which prints back unchanged.
    let uuids = (any::<u128>(), 0usize..8, any::<bool>()).prop_map(|(n, form, upper)| {
        let u = uuid::Uuid::from_u128(n);
        let s = match form {
            0 => u.hyphenated().to_string(),
            1 => u.simple().to_string(),
            2 => u.braced().to_string(),
            3 => u.urn().to_string(),
            4 => format!("{{{}", u.hyphenated()),
            5 => format!("urn:uuid:{}", u.simple()),
            6 => format!("{{{}}}", u.simple()),
            _ => u.hyphenated().to_string()[1..].to_string(),
        };
        if upper { s.to_uppercase() } else { s }
    });
    runner(4096)
        .run(&uuids, |s| {
            let v = Value::from(s.as_str());
            let parsed = serde_json::from_value::<uuid::Uuid>(v.clone());
            prop_assert_eq!(uuid_lenient.is_valid(&v), parsed.is_ok(), "{}", s);
            let canonical = parsed.is_ok_and(|u| u.to_string() == s);
            prop_assert_eq!(uuid_strict.is_valid(&v), canonical, "{}", s);
            Ok(())
        })
        .unwrap();
}

/// Strings at and near the strict wire forms (decimals, integers, UUIDs), and any string.
fn near_forms() -> BoxedStrategy<String> {
    prop_oneof![
        "[+-]?[0-9]{0,30}(\\.[0-9]{0,30})?",
        "-?0{0,2}(\\.0{0,3}[0-9]{0,3})?",
        "-?[0-9]{1,3}\\.?[0-9]{0,3}[\\n .eE+-]?",
        "[0-9]{17,21}",
        (any::<u64>(), 0u64..3).prop_map(|(n, k)| (u128::from(n) + u128::from(k)).to_string()),
        any::<u128>().prop_map(|n| uuid::Uuid::from_u128(n).to_string()),
        (any::<u128>(), any::<Index>(), "[0-9a-zA-Z_\\n-]").prop_map(|(n, at, c)| {
            let mut s: Vec<char> = uuid::Uuid::from_u128(n).to_string().chars().collect();
            let i = at.index(s.len());
            s[i] = c.chars().next().unwrap();
            s.into_iter().collect()
        }),
        "[0-9a-fA-F-]{34,38}",
        "\\PC{0,40}",
        any::<String>(),
    ]
    .boxed()
}

#[test]
fn the_fast_form_keywords_agree_with_the_patterns() {
    use conformance::judge::compiled_validator::Form;
    use generated::runtime::schema as wire;
    let bounded = |form: Form| {
        matches!(form, Form::Decimal | Form::NonNegativeDecimal)
            .then_some(wire::DECIMAL_STRICT_MAX_LENGTH)
    };
    let checks: Vec<_> = Form::ALL
        .into_iter()
        .flat_map(|form| {
            [None, bounded(form), Some(4)].map(|max| {
                let mut s = serde_json::json!({ "type": "string", "pattern": form.pattern() });
                if let Some(m) = max {
                    s["maxLength"] = m.into();
                }
                let fast = conformance::judge::compiled_validator::compile(&s).unwrap();
                assert!(
                    conformance::judge::compiled_validator::rewrite(&s)
                        .get("pattern")
                        .is_none(),
                    "{form:?} is rewritten"
                );
                (form, max, schema::compile(&s).unwrap(), fast)
            })
        })
        .collect();
    runner(16384)
        .run(&near_forms(), |s| {
            let v = Value::from(s.as_str());
            for (form, max, standard, fast) in &checks {
                let expected = standard.is_valid(&v);
                if max.is_none() {
                    prop_assert_eq!(form.matches(&s), expected, "{:?} {:?}", form, s);
                }
                prop_assert_eq!(fast.is_valid(&v), expected, "{:?} {:?} {:?}", form, max, s);
            }
            Ok(())
        })
        .unwrap();
    // Non-strings are any form's business only through `type`.
    for (_, _, standard, fast) in &checks {
        for v in [
            Value::Null,
            Value::from(1),
            Value::from(1.5),
            serde_json::json!(["1"]),
        ] {
            assert_eq!(fast.is_valid(&v), standard.is_valid(&v), "{v}");
        }
    }
}

/// Pointers to every value in a body (the root excluded), and whether it is a string.
fn value_sites(body: &Value, at: &str, out: &mut Vec<(String, bool)>) {
    match body {
        Value::Object(m) => {
            for (k, v) in m {
                let p = format!("{at}/{}", escape(k));
                out.push((p.clone(), v.is_string()));
                value_sites(v, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push((p.clone(), v.is_string()));
                value_sites(v, &p, out);
            }
        }
        _ => {}
    }
}

/// One change for the fast-validator comparison.
#[derive(Debug, Clone)]
enum Change {
    /// One of the spec-aware mutations.
    Mutation(Index),
    /// Replace a string with one near the wire forms.
    String(Index, String),
    /// Replace any value with arbitrary JSON.
    Json(Index, Value),
    /// Remove any member.
    Remove(Index),
}

fn change() -> BoxedStrategy<Change> {
    prop_oneof![
        3 => any::<Index>().prop_map(Change::Mutation),
        3 => (any::<Index>(), near_forms()).prop_map(|(i, s)| Change::String(i, s)),
        1 => (any::<Index>(), any_json()).prop_map(|(i, v)| Change::Json(i, v)),
        1 => any::<Index>().prop_map(Change::Remove),
    ]
    .boxed()
}

fn make_change(strict: &Value, body: &mut Value, c: &Change) {
    let mut values = Vec::new();
    value_sites(body, "", &mut values);
    match c {
        Change::Mutation(pick) => {
            let mut all = Vec::new();
            sites(strict, strict, body, "", &mut all);
            if !all.is_empty() {
                apply(body, pick.get(&all));
            }
        }
        Change::String(pick, s) => {
            let strings: Vec<&str> = values.iter().filter(|v| v.1).map(|v| &*v.0).collect();
            if !strings.is_empty() {
                let p = *pick.get::<&str>(&strings);
                *body.pointer_mut(p).unwrap() = s.as_str().into();
            }
        }
        Change::Json(pick, v) => {
            if !values.is_empty() {
                *body.pointer_mut(&pick.get(&values).0).unwrap() = v.clone();
            }
        }
        Change::Remove(pick) => {
            if !values.is_empty() {
                let p = &pick.get(&values).0;
                let (parent, last) = p.rsplit_once('/').unwrap();
                let key = last.replace("~1", "/").replace("~0", "~");
                match body.pointer_mut(parent).unwrap() {
                    Value::Object(m) => {
                        m.shift_remove(&key);
                    }
                    Value::Array(a) => {
                        a.remove(key.parse::<usize>().unwrap());
                    }
                    _ => unreachable!("a parent holds members"),
                }
            }
        }
    }
}

#[test]
fn the_fast_validator_accepts_exactly_what_the_strict_one_does() {
    for (v, e) in endpoints() {
        let judge = Judge::new(v, e);
        for part in BodyPart::ALL {
            let strict = schema::schema(e, part, Strictness::Strict);
            let standard = judge.validator(part, Strictness::Strict).unwrap();
            let fast = judge.fast_validator(part).unwrap();
            // Docs examples, as they are and as every part.
            for x in e.examples {
                let body: Value = serde_json::from_str(x.body).unwrap();
                assert_eq!(fast.is_valid(&body), standard.is_valid(&body), "{}", x.name);
            }
            // Generated bodies with up to three changes, each checked along the way: one
            // mutation makes a body invalid, two can cancel out in a count (a missing member
            // and an extra one), and near-miss strings probe the forms in place.
            let cases = (
                strategy(&strict, &strict),
                prop::collection::vec(change(), 0..4),
            );
            let result = runner(512).run(&cases, |(mut body, changes)| {
                prop_assert!(fast.is_valid(&body), "{}", body);
                for c in &changes {
                    make_change(&strict, &mut body, c);
                    prop_assert_eq!(
                        fast.is_valid(&body),
                        standard.is_valid(&body),
                        "{:?}: {}",
                        c,
                        body
                    );
                }
                Ok(())
            });
            if let Err(err) = result {
                panic!("{}/{} {part}: {err}", v.id, e.id);
            }
            // Arbitrary JSON.
            runner(256)
                .run(&any_json(), |body| {
                    prop_assert_eq!(fast.is_valid(&body), standard.is_valid(&body), "{}", body);
                    Ok(())
                })
                .unwrap();
        }
    }
}

#[test]
fn the_fast_rewrite_leaves_no_wire_form_pattern_required_or_ref() {
    use conformance::judge::compiled_validator::{Form, X_FAST_FORM, X_FAST_REQUIRED, rewrite};
    /// The keys of the keywords the rewrite replaces, and how many `X_FAST_*` it put in.
    fn walk(v: &Value, left: &mut Vec<String>, fast: &mut usize) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let form = k == "pattern" && v.as_str().and_then(Form::of_pattern).is_some();
                    // A `maxLength` beside a pattern belongs to a wire form; a plain string's
                    // bound (`max_length` in the spec) is jsonschema's own keyword.
                    let form_bound = k == "maxLength" && m.contains_key("pattern");
                    // `required` stays in an object open to typed members (`additional`):
                    // only a closed object's can be counted.
                    let closed = m.get("additionalProperties") == Some(&Value::Bool(false));
                    let required = k == "required" && closed;
                    if form || required || k == "$ref" || form_bound {
                        left.push(k.clone());
                    }
                    if k == X_FAST_FORM || k == X_FAST_REQUIRED {
                        *fast += 1;
                    } else {
                        walk(v, left, fast);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, left, fast)),
            _ => {}
        }
    }
    for (v, e) in endpoints() {
        for part in BodyPart::ALL {
            let strict = schema::schema(e, part, Strictness::Strict);
            let mut fast = rewrite(&strict);
            // Every object of a strict schema is closed, every `$defs` entry is plain, and
            // every `maxLength` beside a pattern bounds a decimal: none is left where the body
            // is checked (the `$defs`, inlined, are no longer referenced).
            fast.as_object_mut().unwrap().remove("$defs");
            let (mut left, mut replaced) = (Vec::new(), 0);
            walk(&fast, &mut left, &mut replaced);
            assert!(left.is_empty(), "{}/{} {part}: {left:?}", v.id, e.id);
            // Something was rewritten wherever the strict schema had something to rewrite (a
            // positional record of numbers and plain strings has none).
            let (mut had, mut none) = (Vec::new(), 0);
            walk(&strict, &mut had, &mut none);
            if had.iter().any(|k| k != "$ref") {
                assert!(replaced > 0, "{}/{} {part}", v.id, e.id);
            }
        }
    }
}
