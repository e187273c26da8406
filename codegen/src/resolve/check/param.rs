//! Rules of one request parameter.

use super::{Found, ParamAt};
use crate::model::{Range, Transport};
use crate::resolve::range::parse_range;
use crate::resolve::{key, with};
use crate::spec::{ParamLocation, ParamType};

/// `in:` is a place the transport has: no body on GET, `ws_params` only on WebSocket.
pub(super) fn location_fits(found: &mut Found, p: &ParamAt<'_>) {
    let transport = p.endpoint.transport;
    let ok = match (transport, p.spec.location) {
        (Transport::Rest { .. }, ParamLocation::WsParams) => false,
        (Transport::Ws { .. }, l) => l == ParamLocation::WsParams,
        (Transport::Rest { method, .. }, ParamLocation::Body) => method != "GET",
        _ => true,
    };
    if ok {
        return;
    }
    let what = match transport {
        Transport::Rest { method, .. } => format!("a REST {method} endpoint"),
        Transport::Ws { .. } => "a WebSocket endpoint (use ws_params)".into(),
    };
    found.at(
        &with(&p.path, &[key("in")]),
        format!("`in: {:?}` is not possible for {what}", p.spec.location).to_lowercase(),
    );
}

/// `matches` names a response field, and only on a parameter the caller sets.
pub(super) fn matches_response_field(found: &mut Found, p: &ParamAt<'_>) {
    let Some(field) = &p.spec.matches else {
        return;
    };
    let at = with(&p.path, &[key("matches")]);
    let fields = &p.endpoint.spec.response.fields;
    if p.spec.supplied_by.is_some() {
        found.at(
            &at,
            "a parameter the signer or transport supplies cannot select records",
        );
    } else if !fields.contains_key(field) {
        let known: Vec<_> = fields.keys().map(String::as_str).collect();
        found.at(
            &at,
            format!(
                "`{field}` is not a response field (fields: {})",
                known.join(", ")
            ),
        );
    }
}

/// `values` only on `type: enum`.
pub(super) fn values_for_enums(found: &mut Found, p: &ParamAt<'_>) {
    if p.spec.ty != ParamType::Enum && p.spec.values.is_some() {
        found.at(
            &with(&p.path, &[key("values")]),
            "`values` is only for `type: enum`",
        );
    }
}

/// The parameter's range, if it has a well-formed one (a malformed one is lowering's error).
fn range(p: &ParamAt<'_>) -> Option<Range> {
    p.spec.range.as_deref().and_then(|r| parse_range(r).ok())
}

fn is_integer(ty: ParamType) -> bool {
    matches!(ty, ParamType::I64 | ParamType::U64)
}

/// `range` only on integers.
pub(super) fn range_for_integers(found: &mut Found, p: &ParamAt<'_>) {
    if range(p).is_some() && !is_integer(p.spec.ty) {
        found.at(
            &with(&p.path, &[key("range")]),
            "`range` is only for integer parameters",
        );
    }
}

/// `min_length`/`max_length` only on strings.
pub(super) fn lengths_for_strings(found: &mut Found, p: &ParamAt<'_>) {
    let set = p.spec.min_length.is_some() || p.spec.max_length.is_some();
    if set && p.spec.ty != ParamType::String {
        found.at(
            &p.path,
            "`min_length`/`max_length` are only for string parameters",
        );
    }
}

/// A default has the parameter's type, lies in its range and is one of its values.
pub(super) fn default_fits(found: &mut Found, p: &ParamAt<'_>) {
    let Some(d) = &p.spec.default else {
        return;
    };
    let at = with(&p.path, &[key("default")]);
    let ok = match p.spec.ty {
        ParamType::I64 | ParamType::U64 => match d.as_i64() {
            Some(v) => {
                if let Some(r) = range(p).filter(|r| !r.contains(v)) {
                    let message = format!("default {v} lies outside the range {}", r.notation());
                    found.at(&at, message);
                }
                true
            }
            None => false,
        },
        ParamType::Bool => d.is_boolean(),
        ParamType::Enum => match d.as_str() {
            Some(s) => {
                let values = p.spec.values.as_deref().unwrap_or_default();
                if !values.iter().any(|v| v.value() == s) {
                    found.at(&at, format!("default `{s}` is not one of the values"));
                }
                true
            }
            None => false,
        },
        ParamType::String | ParamType::Decimal | ParamType::Uuid => d.is_string(),
        ParamType::Array => d.is_array(),
    };
    if !ok {
        found.at(
            &at,
            format!("default {d} does not match the parameter's type"),
        );
    }
}

/// A required parameter has no default.
pub(super) fn required_no_default(found: &mut Found, p: &ParamAt<'_>) {
    if p.spec.required && p.spec.default.is_some() {
        found.at(
            &with(&p.path, &[key("default")]),
            "a required parameter cannot have a default",
        );
    }
}

/// `items` only on `type: array`.
pub(super) fn items_for_arrays(found: &mut Found, p: &ParamAt<'_>) {
    if p.spec.ty != ParamType::Array && p.spec.items.is_some() {
        found.at(
            &with(&p.path, &[key("items")]),
            "`items` is only for array parameters",
        );
    }
}
