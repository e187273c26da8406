//! The documented errata a body shows.

use generated::runtime::schema::{X_ERRATA, X_ERRATUM};
use serde_json::Value;

use super::errors::escape;
use super::{Finding, FindingKind};

fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..32 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) if r.starts_with('#') => match root.pointer(&r[1..]) {
                Some(n) => node = n,
                None => break,
            },
            _ => break,
        }
    }
    node
}

fn erratum_detail(e: &Value) -> String {
    let field = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or_default();
    let mut s = format!(
        "the docs say: {}; the wire shows: {}",
        field("docs").trim_end_matches('.'),
        field("wire").trim_end_matches('.')
    );
    if let Some(n) = e.get("note").and_then(Value::as_str) {
        s.push_str(&format!(" ({n})"));
    }
    s
}

/// Walks the body along the schema and notes every documented erratum it shows.
pub(super) fn walk_errata(
    root: &Value,
    node: &Value,
    body: &Value,
    at: String,
    out: &mut Vec<Finding>,
) {
    if let Some(e) = node.get(X_ERRATUM) {
        out.push(Finding {
            pointer: at.clone(),
            kind: FindingKind::ErratumObserved,
            detail: erratum_detail(e),
        });
    }
    let node = resolve(root, node);
    if let (Some(errata), Some(s)) = (node.get(X_ERRATA), body.as_str())
        && let Some(e) = errata.get(s)
    {
        out.push(Finding {
            pointer: at.clone(),
            kind: FindingKind::ErratumObserved,
            detail: format!("value {s:?}: {}", erratum_detail(e)),
        });
    }
    if let Some(branches) = node.get("anyOf").and_then(Value::as_array) {
        if !body.is_null()
            && let Some(b) = branches
                .iter()
                .find(|b| b.get("type") != Some(&Value::from("null")))
        {
            walk_errata(root, b, body, at.clone(), out);
        }
        return;
    }
    match body {
        Value::Object(members) => {
            if let Some(props) = node.get("properties").and_then(Value::as_object) {
                for (name, value) in members {
                    if let Some(p) = props.get(name) {
                        walk_errata(root, p, value, format!("{at}/{}", escape(name)), out);
                    }
                }
            }
        }
        Value::Array(items) => {
            // A positional record's element `i` is described by `prefixItems[i]`.
            let positional = node.get("prefixItems").and_then(Value::as_array);
            for (i, value) in items.iter().enumerate() {
                let item = match positional {
                    Some(elements) => elements.get(i),
                    None => node.get("items"),
                };
                if let Some(item) = item {
                    walk_errata(root, item, value, format!("{at}/{i}"), out);
                }
            }
        }
        _ => {}
    }
}
