//! The drift judge on wide bodies: 200,000 members the spec does not know, at the root of a
//! response and nested in its payload. Each must be reported once, as an unknown field at its
//! pointer, in body order, and the judge must finish: it used to sort its findings with a
//! linear search per comparison (quadratic; 200,000 members never finished).
//!
//! The deadline only detects a hang (a debug build takes a few seconds); the speed is measured by
//! the `drift_width` bench.

use std::sync::mpsc;
use std::time::Duration;

use conformance::find;
use conformance::judge::drift::{FindingKind, Judge, Verdict};
use serde_json::{Map, Value};

const WIDE: usize = 200_000;
const DEADLINE: Duration = Duration::from_secs(60);

/// BitMart's documented order response (its own copy, so the test does not lean on the
/// registry's examples).
const BITMART_ORDER: &str =
    include_str!("../fixtures/bitmart/query_client_order/docs_success.json");

/// Escapes a member name for a JSON pointer (RFC 6901).
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// `object` with `extra` unknown members spread between its own: after each known member
/// comes a batch of unknown ones, named in descending order (so body order is not name order),
/// with a name that needs escaping among them. Returns the object and the pointers (under
/// `prefix`) of the unknown members, in body order.
fn widen(object: &Map<String, Value>, extra: usize, prefix: &str) -> (Value, Vec<String>) {
    let per_member = extra.div_ceil(object.len());
    let mut out = Map::new();
    let mut unknown = Vec::with_capacity(extra);
    let mut left = extra;
    for (name, value) in object {
        out.insert(name.clone(), value.clone());
        for _ in 0..per_member.min(left) {
            let n = if left == extra / 2 {
                "odd/name~here".to_string()
            } else {
                format!("x{left:07}")
            };
            unknown.push(format!("{prefix}/{}", escape(&n)));
            out.insert(n, Value::from(left as u64));
            left -= 1;
        }
    }
    assert_eq!(left, 0);
    (Value::Object(out), unknown)
}

/// Judges `body` on another thread and waits at most [`DEADLINE`].
fn judge_within_deadline(body: Value) -> conformance::judge::drift::Judgement {
    let raw = serde_json::to_vec(&body).unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (v, e) = find("bitmart", "query_client_order").unwrap();
        let _ = tx.send(Judge::new(v, e).judge(&raw, None));
    });
    rx.recv_timeout(DEADLINE)
        .unwrap_or_else(|e| panic!("the judge did not finish within {DEADLINE:?}: {e}"))
}

fn assert_all_unknown_in_order(j: &conformance::judge::drift::Judgement, expected: &[String]) {
    assert_eq!(j.verdict, Verdict::Drift);
    assert!(j.parsed.is_ok());
    assert_eq!(j.findings.len(), expected.len());
    for (i, (f, want)) in j.findings.iter().zip(expected).enumerate() {
        assert_eq!(
            (f.kind, f.pointer.as_str()),
            (FindingKind::UnknownField, want.as_str()),
            "finding {i}"
        );
    }
}

#[test]
fn two_hundred_thousand_unknown_members_at_the_root_are_all_reported_in_body_order() {
    let docs: Value = serde_json::from_str(BITMART_ORDER).unwrap();
    let (body, expected) = widen(docs.as_object().unwrap(), WIDE, "");
    assert_eq!(expected.len(), WIDE);
    let j = judge_within_deadline(body);
    assert_all_unknown_in_order(&j, &expected);
}

#[test]
fn two_hundred_thousand_unknown_members_in_the_payload_are_all_reported_in_body_order() {
    let mut docs: Value = serde_json::from_str(BITMART_ORDER).unwrap();
    let (data, expected) = widen(docs["data"].as_object().unwrap(), WIDE, "/data");
    docs["data"] = data;
    let j = judge_within_deadline(docs);
    assert_all_unknown_in_order(&j, &expected);
}
