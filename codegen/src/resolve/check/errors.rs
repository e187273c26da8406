//! Rules of a venue file's error section: the body, its pointers, codes, statuses and template.

use std::collections::BTreeSet;

use indexmap::IndexMap;

use super::{Found, index_pointer, pointer, positional_members as members};
use crate::loader::LoadedVenue;
use crate::resolve::{key, with};
use crate::source_map::Segment;
use crate::spec::{FieldSpec, StatusBody};

/// The placeholders an error body template may use (a string whose whole value is one).
pub const TEMPLATE_PLACEHOLDERS: &[&str] = &["{code}", "{message}", "{http}", "{id}"];

/// The error body has at least one member.
pub(super) fn body_has_members(found: &mut Found, lv: &LoadedVenue) {
    if lv.venue.spec.errors.body.is_empty() {
        found.at(
            &[key("errors"), key("body")],
            "the error body needs at least one member",
        );
    }
}

/// `code`, `message` and `http_status` point into the error body.
pub(super) fn pointers(found: &mut Found, lv: &LoadedVenue) {
    let errors = &lv.venue.spec.errors;
    let given = [
        ("code", Some(&errors.code)),
        ("message", errors.message.as_ref()),
        ("http_status", errors.http_status.as_ref()),
    ];
    for (name, p) in given {
        if let Some(p) = p {
            let at = [key("errors"), key(name)];
            if errors.positional {
                index_pointer(found, &at, p, errors.body.len());
            } else {
                pointer(found, &at, p, &errors.body);
            }
        }
    }
}

/// The discriminator's pointer names a member (an index of a positional body).
pub(super) fn discriminator(found: &mut Found, lv: &LoadedVenue) {
    let errors = &lv.venue.spec.errors;
    let Some(d) = &errors.discriminator else {
        return;
    };
    let at = [key("errors"), key("discriminator"), key("pointer")];
    if errors.positional {
        index_pointer(found, &at, &d.pointer, errors.body.len());
    } else {
        pointer(found, &at, &d.pointer, &errors.body);
    }
}

/// A positional error body's members are always sent.
pub(super) fn positional_members(found: &mut Found, lv: &LoadedVenue) {
    let errors = &lv.venue.spec.errors;
    if errors.positional {
        members(found, &[key("errors"), key("body")], &errors.body);
    }
}

/// Each code's `message_contains`, when given, is not empty, and no code is listed twice for
/// the same message condition.
pub(super) fn codes(found: &mut Found, lv: &LoadedVenue) {
    let mut seen = BTreeSet::new();
    for (i, c) in lv.venue.spec.errors.codes.iter().enumerate() {
        let at = [key("errors"), key("codes"), Segment::Index(i)];
        if c.message_contains.as_deref() == Some("") {
            found.at(
                &with(&at, &[key("message_contains")]),
                "`message_contains` must not be empty",
            );
        }
        if !seen.insert(format!("{:?} {:?}", c.code, c.message_contains)) {
            found.at(&with(&at, &[key("code")]), "duplicate error code");
        }
    }
}

/// `detect` points into the error body, and only a venue without a success rule has one
/// (its envelope's rule already tells errors from successes).
pub(super) fn detect(found: &mut Found, lv: &LoadedVenue) {
    let spec = &lv.venue.spec;
    let Some(d) = &spec.errors.detect else {
        return;
    };
    let at = [key("errors"), key("detect")];
    pointer(
        found,
        &with(&at, &[key("pointer")]),
        &d.pointer,
        &spec.errors.body,
    );
    if spec.envelope.as_ref().is_some_and(|e| e.success.is_some()) {
        found.at(
            &at,
            "the envelope's `success` rule already tells errors apart: give `detect` only to a \
             venue without one",
        );
    }
}

/// Each message entry's text is not empty and given once.
pub(super) fn messages(found: &mut Found, lv: &LoadedVenue) {
    let mut seen = BTreeSet::new();
    for (i, m) in lv.venue.spec.errors.messages.iter().enumerate() {
        let at = [
            key("errors"),
            key("messages"),
            Segment::Index(i),
            key("contains"),
        ];
        if m.contains.is_empty() {
            found.at(&at, "`contains` must not be empty");
        } else if !seen.insert(m.contains.as_str()) {
            found.at(&at, format!("`{}` is listed twice", m.contains));
        }
    }
}

/// Each status is an HTTP status, listed once for each kind of body.
pub(super) fn statuses(found: &mut Found, lv: &LoadedVenue) {
    let mut seen = BTreeSet::new();
    for (i, st) in lv.venue.spec.errors.statuses.iter().enumerate() {
        let at = [
            key("errors"),
            key("statuses"),
            Segment::Index(i),
            key("http"),
        ];
        if !(100..=599).contains(&st.http) {
            found.at(
                &at,
                format!("{} is not an HTTP status (100 to 599)", st.http),
            );
        }
        if !seen.insert((st.http, format!("{:?}", st.body))) {
            let bodies = match st.body {
                StatusBody::Empty => "empty",
                StatusBody::Any => "any",
            };
            found.at(
                &at,
                format!("HTTP {} is already listed for {bodies} bodies", st.http),
            );
        }
    }
}

/// An error template is an object whose members are error body members, and every string that
/// looks like a placeholder (`{...}`) is a known one.
pub(super) fn template_fits_body(found: &mut Found, lv: &LoadedVenue) {
    let errors = &lv.venue.spec.errors;
    let Some(template) = &errors.template else {
        return;
    };
    let base = [key("errors"), key("template")];
    if errors.positional {
        match template.as_array() {
            Some(items) if items.len() == errors.body.len() => {
                for (i, v) in items.iter().enumerate() {
                    placeholders(found, &with(&base, &[Segment::Index(i)]), v);
                }
            }
            _ => found.at(
                &base,
                format!(
                    "the error template of a positional body must be a JSON array of its {} elements",
                    errors.body.len()
                ),
            ),
        }
        return;
    }
    let Some(members) = template.as_object() else {
        found.at(
            &base,
            "the error template must be a JSON object (an error body)",
        );
        return;
    };
    for (name, value) in members {
        let at = with(&base, &[key(name)]);
        if !errors.body.contains_key(name) {
            found.at(&at, not_a_member(name, &errors.body));
        }
        placeholders(found, &at, value);
    }
}

fn not_a_member(name: &str, body: &IndexMap<String, FieldSpec>) -> String {
    let known: Vec<_> = body.keys().map(String::as_str).collect();
    format!(
        "`{name}` is not a member of the error body (members: {})",
        known.join(", ")
    )
}

/// Every placeholder-looking string in `value` is a known placeholder.
fn placeholders(found: &mut Found, at: &[Segment], value: &serde_json::Value) {
    match value {
        serde_json::Value::String(s)
            if s.starts_with('{')
                && s.ends_with('}')
                && !TEMPLATE_PLACEHOLDERS.contains(&s.as_str()) =>
        {
            found.at(
                at,
                format!(
                    "unknown placeholder `{s}` (known: {})",
                    TEMPLATE_PLACEHOLDERS.join(", ")
                ),
            );
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                placeholders(found, &with(at, &[Segment::Index(i)]), v);
            }
        }
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                placeholders(found, &with(at, &[key(k)]), v);
            }
        }
        _ => {}
    }
}
