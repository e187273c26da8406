//! The cross-field rules, as flat tables of named checks (serde_derive's `check`).
//!
//! A rule reads the spec and records what it finds in [`Found`] as field paths and messages;
//! the runners here place those in the file [`Ctx`] is bound to. Rules never build the model:
//! that is lowering's job ([`super::venue`], [`super::endpoint`], ...), which runs the venue
//! and endpoint rules before it lowers a file and the field rules at each field node. Rules
//! that need the lowered model (reserved type names, the order mapping, signing) stay with it.

mod endpoint;
mod errors;
mod field;
mod param;
mod venue;

use indexmap::IndexMap;

use super::{Ctx, key, with};
use crate::loader::LoadedVenue;
use crate::model::Transport;
use crate::source_map::Segment;
use crate::spec::{EndpointSpec, FieldSpec, ParamSpec, VenueSpec};

pub(super) use endpoint::is_logon;
pub use errors::TEMPLATE_PLACEHOLDERS;

/// What the rules found: field paths (in the file being checked) and messages.
#[derive(Default)]
struct Found(Vec<(Vec<Segment>, String)>);

impl Found {
    /// Records a problem with the node at `path`.
    fn at(&mut self, path: &[Segment], message: impl Into<String>) {
        self.0.push((path.to_vec(), message.into()));
    }

    /// Moves every problem into `cx`'s file.
    fn report<T>(self, cx: &mut Ctx<'_, T>) {
        for (path, message) in self.0 {
            cx.err(&path, message);
        }
    }
}

/// An endpoint file as its rules see it: the spec, its venue, and the transport resolved from it.
struct EndpointAt<'a> {
    spec: &'a EndpointSpec,
    venue: &'a VenueSpec,
    transport: &'a Transport,
}

/// One request parameter as its rules see it.
struct ParamAt<'a> {
    endpoint: &'a EndpointAt<'a>,
    spec: &'a ParamSpec,
    /// `request.params.<wire>`.
    path: [Segment; 3],
}

/// A rule over a venue file and the endpoint files beside it.
type VenueRule = fn(&mut Found, &LoadedVenue);
/// A rule over an endpoint file.
type EndpointRule = fn(&mut Found, &EndpointAt<'_>);
/// A rule over one request parameter.
type ParamRule = fn(&mut Found, &ParamAt<'_>);
/// A rule over one field node (of a response, envelope or error body), at its path.
type FieldRule = fn(&mut Found, &[Segment], &FieldSpec);

/// The rules of a venue file, in the order they report.
#[rustfmt::skip]
const VENUE: &[(&str, VenueRule)] = &[
    ("an environment is given", venue::environment_given),
    ("environments have a URL", venue::environments_have_url),
    ("environment headers are valid", venue::environment_headers_valid),
    ("the envelope payload is no field", venue::payload_not_a_field),
    ("the success pointer names a field", venue::success_pointer),
    ("the error body has members", errors::body_has_members),
    ("error pointers name body members", errors::pointers),
    ("error codes are distinct, their conditions not empty", errors::codes),
    ("error statuses are distinct HTTP statuses", errors::statuses),
    ("the error rule points into the body, without a success rule", errors::detect),
    ("error messages are distinct and not empty", errors::messages),
    ("the rate-limit pointer names a member", venue::rate_limit_pointer),
    ("the session logon is a WebSocket endpoint", venue::logon_is_ws),
    ("the session scheme is a WebSocket scheme", venue::scheme_is_ws),
    ("frame constants are scalar and not id, method or params", venue::frame_constants),
    ("the error template fits the body", errors::template_fits_body),
    ("the error discriminator points into the body", errors::discriminator),
    ("positional error members are always sent", errors::positional_members),
];

/// The rules of an endpoint file, in the order they report.
#[rustfmt::skip]
const ENDPOINT: &[(&str, EndpointRule)] = &[
    ("the HTTP method is known", endpoint::method_known),
    ("the path is absolute", endpoint::path_absolute),
    ("an environment serves the transport", endpoint::environment_serves),
    ("a signed endpoint has a scheme", endpoint::signed_has_scheme),
    ("a sent body is signed", endpoint::body_signed),
    ("signer-added parameters are declared", endpoint::added_declared),
    ("the session logon is signed", endpoint::logon_signed),
    ("path placeholders are parameters", endpoint::placeholders_known),
    ("path parameters are placeholders", endpoint::path_params_placed),
    ("one-of groups are optional parameters", endpoint::parameter_groups),
    ("the response has fields", endpoint::response_has_fields),
    ("the record fits the payload's shape", endpoint::record_fits_shape),
    ("the response name is an identifier", endpoint::response_name_ident),
    ("positional record members are always sent", endpoint::positional_members),
    ("example names are distinct", endpoint::example_names_distinct),
    ("error kinds are on error examples", endpoint::error_kind_on_errors),
];

/// The rules of every request parameter.
#[rustfmt::skip]
const PARAM: &[(&str, ParamRule)] = &[
    ("the location fits the transport", param::location_fits),
    ("`matches` names a response field", param::matches_response_field),
];

/// The rules of a parameter the caller sets (not `supplied_by` the signer or transport).
#[rustfmt::skip]
const CALLER_PARAM: &[(&str, ParamRule)] = &[
    ("`values` are for enums", param::values_for_enums),
    ("`items` are for arrays", param::items_for_arrays),
    ("`range` is for integers", param::range_for_integers),
    ("lengths are for strings", param::lengths_for_strings),
    ("the default fits the type", param::default_fits),
    ("a required parameter has no default", param::required_no_default),
];

/// The rules of every field node.
#[rustfmt::skip]
const FIELD: &[(&str, FieldRule)] = &[
    ("`values` are for enums", field::values_for_enums),
    ("`texts` are for decimal_number_or_text", field::texts_for_number_or_text),
    ("`fields` are for objects", field::fields_for_objects),
    ("`items` are for arrays", field::items_for_arrays),
    ("`additional` is for objects, a new Rust name", field::additional_for_objects),
    ("`name` is for enums and objects", field::name_for_named),
    ("a u64_string is not optional and nullable", field::u64_string_one_absence),
];

/// Runs the venue rules on `lv` (whose venue file `cx` is bound to).
pub(super) fn venue(cx: &mut Ctx<'_, VenueSpec>, lv: &LoadedVenue) {
    let mut found = Found::default();
    for (_, rule) in VENUE {
        rule(&mut found, lv);
    }
    found.report(cx);
}

/// Runs the endpoint and parameter rules on `spec` (the file `cx` is bound to).
pub(super) fn endpoint(
    cx: &mut Ctx<'_, EndpointSpec>,
    spec: &EndpointSpec,
    venue: &VenueSpec,
    transport: &Transport,
) {
    let at = EndpointAt {
        spec,
        venue,
        transport,
    };
    let mut found = Found::default();
    for (_, rule) in ENDPOINT {
        rule(&mut found, &at);
    }
    for (wire, p) in &spec.request.params {
        let param = ParamAt {
            endpoint: &at,
            spec: p,
            path: [key("request"), key("params"), key(wire)],
        };
        let caller = if p.supplied_by.is_none() {
            CALLER_PARAM
        } else {
            &[]
        };
        for (_, rule) in PARAM.iter().chain(caller) {
            rule(&mut found, &param);
        }
    }
    found.report(cx);
}

/// Runs the field rules on the field node at `path`.
pub(super) fn field<T>(cx: &mut Ctx<'_, T>, path: &[Segment], f: &FieldSpec) {
    let mut found = Found::default();
    for (_, rule) in FIELD {
        rule(&mut found, path, f);
    }
    found.report(cx);
}

/// The members of a positional record (`positional: true`) at `path`: each is the element at
/// its index, so none is `optional` (a missing element cannot be told from a shifted one), and
/// none needs a serde helper the element reader does not apply (`u64_string`).
fn positional_members(found: &mut Found, path: &[Segment], fields: &IndexMap<String, FieldSpec>) {
    for (wire, f) in fields {
        let at = with(path, &[key(wire)]);
        if f.optional {
            found.at(
                &with(&at, &[key("optional")]),
                "a positional record's element is always sent (use `nullable` for `null`)",
            );
        }
        if f.ty == crate::spec::WireType::U64String {
            found.at(
                &with(&at, &[key("type")]),
                "u64_string is not supported in a positional record",
            );
        }
    }
}

/// A pointer into a positional record must start with `/` and its first step must be the
/// index of one of its `len` elements.
fn index_pointer(found: &mut Found, path: &[Segment], pointer: &str, len: usize) {
    let Some(rest) = pointer.strip_prefix('/') else {
        found.at(
            path,
            format!("`{pointer}` is not a JSON pointer (it must start with `/`)"),
        );
        return;
    };
    let first = rest.split('/').next().unwrap_or_default();
    if !first.parse::<usize>().is_ok_and(|i| i < len) {
        found.at(
            path,
            format!("JSON pointer `{pointer}` must start with an element index below {len}"),
        );
    }
}

/// A pointer must start with `/` and its first step must name a member of `fields`.
fn pointer(
    found: &mut Found,
    path: &[Segment],
    pointer: &str,
    fields: &IndexMap<String, FieldSpec>,
) {
    let Some(rest) = pointer.strip_prefix('/') else {
        found.at(
            path,
            format!("`{pointer}` is not a JSON pointer (it must start with `/`)"),
        );
        return;
    };
    let first = rest.split('/').next().unwrap_or_default();
    if !fields.contains_key(first) {
        found.at(
            path,
            format!("JSON pointer `{pointer}` names unknown member `{first}`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_distinct_within_a_table() {
        let tables: [Vec<&str>; 5] = [
            VENUE.iter().map(|r| r.0).collect(),
            ENDPOINT.iter().map(|r| r.0).collect(),
            PARAM.iter().map(|r| r.0).collect(),
            CALLER_PARAM.iter().map(|r| r.0).collect(),
            FIELD.iter().map(|r| r.0).collect(),
        ];
        for names in tables {
            let distinct: std::collections::BTreeSet<_> = names.iter().collect();
            assert_eq!(distinct.len(), names.len(), "{names:?}");
        }
    }
}
