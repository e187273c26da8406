//! The order of each endpoint's docs example, as the mock venue seeds it (test support, shared
//! by the suites that ask the mock for that order: mock, rest_faults, clock_skew, record_echo).

// Each test crate that includes this module uses part of it.
#![allow(dead_code)]

use generated::runtime::registry::{EndpointInfo, ExampleKind, ExampleScope, VenueInfo};
use generated::runtime::request::RequestError;
use serde_json::Value;

/// The docs' first whole-body success example of `e`.
pub fn docs_success(e: &EndpointInfo) -> Value {
    let x = e
        .examples
        .iter()
        .find(|x| x.kind == ExampleKind::Success && x.scope == ExampleScope::Body)
        .unwrap_or_else(|| panic!("{}: no whole-body success example", e.id));
    serde_json::from_str(x.body).unwrap()
}

/// A JSON value as a parameter's text: a string as is, anything else as JSON.
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value of the same form that names no order: the nil-like UUID v4, digits with a `9`
/// before them, or the text with `-missing` after it.
pub fn unknown(value: &str) -> String {
    if uuid::Uuid::parse_str(value).is_ok() {
        "00000000-0000-4000-8000-000000000000".into()
    } else if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        format!("9{value}")
    } else {
        format!("{value}-missing")
    }
}

/// Parameters naming the order of the docs' success example: its first selecting parameter
/// (`matches`) with the record's value, then every parameter the builder says is missing,
/// from the record's member of the same name.
pub fn order_params(v: &VenueInfo, e: &EndpointInfo) -> Vec<(String, String)> {
    let body = docs_success(e);
    let record = v.record_in(e, &body).unwrap();
    let mut params: Vec<(String, String)> = e
        .matches
        .first()
        .map(|m| {
            let value = record.pointer(m.pointer).unwrap_or(&Value::Null);
            (m.param.to_string(), text(value))
        })
        .into_iter()
        .collect();
    loop {
        let refs: Vec<(&str, &str)> = params
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        match (e.build)(&refs) {
            Ok(_) => return params,
            Err(RequestError::Missing { param }) => {
                params.push((param.to_string(), text(&record[param])));
            }
            Err(other) => panic!("{}/{}: {other}", v.id, e.id),
        }
    }
}
