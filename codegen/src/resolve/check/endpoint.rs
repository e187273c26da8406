//! Rules of an endpoint file: transport, signing, path, parameter groups, response, examples.

use super::{EndpointAt, Found};
use runtime_vocab::SchemeTransport;

use crate::model::Transport;
use crate::resolve::signing::reads_body;
use crate::resolve::{key, with};
use crate::source_map::Segment;
use crate::spec::{EndpointSpec, ExampleKind, ParamLocation, ResponseShape, SchemeSpec, VenueSpec};

/// A REST method is one of the five, in upper case.
pub(super) fn method_known(found: &mut Found, at: &EndpointAt<'_>) {
    let Some(r) = &at.spec.transport.rest else {
        return;
    };
    let m = r.method.to_ascii_uppercase();
    if !["GET", "POST", "PUT", "DELETE", "PATCH"].contains(&m.as_str()) || m != r.method {
        found.at(
            &[key("transport"), key("rest"), key("method")],
            format!(
                "unknown HTTP method `{}` (use GET, POST, PUT, DELETE or PATCH)",
                r.method
            ),
        );
    }
}

/// A REST path starts with `/`.
pub(super) fn path_absolute(found: &mut Found, at: &EndpointAt<'_>) {
    if let Transport::Rest { path, .. } = at.transport
        && !path.starts_with('/')
    {
        found.at(
            &[key("transport"), key("rest"), key("path")],
            "path must start with `/`",
        );
    }
}

/// Some environment has a URL for the endpoint's transport.
pub(super) fn environment_serves(found: &mut Found, at: &EndpointAt<'_>) {
    let envs = || at.venue.environments.values();
    let message = match at.transport {
        Transport::Rest { .. } if envs().all(|e| e.rest.is_none()) => {
            "REST endpoint, but no environment has a `rest` URL"
        }
        Transport::Ws { .. } if envs().all(|e| e.ws.is_none()) => {
            "WebSocket endpoint, but no environment has a `ws` URL"
        }
        _ => return,
    };
    found.at(&[key("transport")], message);
}

/// The kind of signing scheme the endpoint's transport needs.
fn scheme_kind(transport: &Transport) -> SchemeTransport {
    match transport {
        Transport::Rest { .. } => SchemeTransport::Rest,
        Transport::Ws { .. } => SchemeTransport::Ws,
    }
}

/// The venue's schemes that sign this endpoint: those of its transport, if it is signed.
fn schemes<'a>(at: &EndpointAt<'a>) -> Vec<(&'a String, &'a SchemeSpec)> {
    if !at.spec.signed {
        return Vec::new();
    }
    let kind = scheme_kind(at.transport);
    let all = &at.venue.signing.schemes;
    all.iter().filter(|(_, s)| s.transport == kind).collect()
}

/// A signed endpoint has a scheme for its transport.
pub(super) fn signed_has_scheme(found: &mut Found, at: &EndpointAt<'_>) {
    if at.spec.signed && schemes(at).is_empty() {
        let kind = scheme_kind(at.transport);
        found.at(
            &[key("signed")],
            format!("signed, but the venue has no {kind:?} signing scheme").to_lowercase(),
        );
    }
}

/// A signed endpoint that sends a body is signed by schemes that read it.
pub(super) fn body_signed(found: &mut Found, at: &EndpointAt<'_>) {
    let params = &at.spec.request.params;
    let sends_body = params.values().any(|p| p.location == ParamLocation::Body);
    for (name, s) in schemes(at) {
        if sends_body && s.sign.is_some() && !reads_body(&s.payload) {
            found.at(
                &[key("signed")],
                format!("scheme `{name}` does not sign the body, but this endpoint sends one (it would go unsigned)"),
            );
        }
    }
}

/// Every parameter a signing scheme adds is declared (as `supplied_by`), so the docs say what
/// goes on the wire. On a venue with a WebSocket session, a scheme whose key logs on
/// (`when_key`) signs only the log-on: a client signs the other endpoints with the session's
/// scheme, so they do not declare what the log-on adds.
pub(super) fn added_declared(found: &mut Found, at: &EndpointAt<'_>) {
    let params = &at.spec.request.params;
    let session = at.venue.ws.as_ref().and_then(|w| w.session.as_ref());
    let logs_on = |s: &SchemeSpec| {
        session.is_some_and(|session| s.key == session.when_key)
            && !is_logon(at.venue, at.spec)
            && s.transport == SchemeTransport::Ws
    };
    for (name, s) in schemes(at).into_iter().filter(|(_, s)| !logs_on(s)) {
        let added = s.add.iter().map(|a| &*a.name);
        for n in added.chain(s.place.iter().map(|p| &*p.name)) {
            let declared = params.get(n).is_some_and(|p| p.supplied_by.is_some());
            if !declared {
                found.at(
                    &[key("request"), key("params")],
                    format!(
                        "scheme `{name}` adds `{n}`: declare it here with `supplied_by: signer`"
                    ),
                );
            }
        }
    }
}

/// The endpoint the venue's `ws.session.logon` names is signed.
pub(super) fn logon_signed(found: &mut Found, at: &EndpointAt<'_>) {
    if is_logon(at.venue, at.spec) && !at.spec.signed {
        found.at(
            &[key("signed")],
            "the venue's `ws.session.logon` names this endpoint, so it must be `signed: true`",
        );
    }
}

/// Whether the venue's `ws.session.logon` names this endpoint (a success logs the connection in).
pub(in crate::resolve) fn is_logon(venue: &VenueSpec, spec: &EndpointSpec) -> bool {
    let session = venue.ws.as_ref().and_then(|w| w.session.as_ref());
    session.is_some_and(|s| s.logon == spec.endpoint)
}

/// The `{name}` placeholders of a REST path, in order.
fn path_placeholders(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    out
}

/// Every path placeholder has a parameter `in: path`.
pub(super) fn placeholders_known(found: &mut Found, at: &EndpointAt<'_>) {
    let Transport::Rest { path, .. } = at.transport else {
        return;
    };
    for p in path_placeholders(path) {
        let params = &at.spec.request.params;
        if !params
            .get(&p)
            .is_some_and(|s| s.location == ParamLocation::Path)
        {
            found.at(
                &[key("transport"), key("rest"), key("path")],
                format!("path placeholder `{{{p}}}` has no parameter with `in: path`"),
            );
        }
    }
}

/// Every parameter `in: path` has a placeholder.
pub(super) fn path_params_placed(found: &mut Found, at: &EndpointAt<'_>) {
    let Transport::Rest { path, .. } = at.transport else {
        return;
    };
    let placeholders = path_placeholders(path);
    for (name, p) in &at.spec.request.params {
        if p.location == ParamLocation::Path && !placeholders.contains(name) {
            found.at(
                &[key("request"), key("params"), key(name), key("in")],
                format!("`{name}` is `in: path` but the path has no `{{{name}}}`"),
            );
        }
    }
}

/// An exactly-one-of, at-least-one-of or all-or-none-of group has two or more optional
/// parameters the caller sets.
pub(super) fn parameter_groups(found: &mut Found, at: &EndpointAt<'_>) {
    let request = &at.spec.request;
    let lists = [
        ("exactly_one_of", "exactly-one-of", &request.exactly_one_of),
        (
            "at_least_one_of",
            "at-least-one-of",
            &request.at_least_one_of,
        ),
        ("all_or_none_of", "all-or-none-of", &request.all_or_none_of),
    ];
    for (list, what, groups) in lists {
        for (g, group) in groups.iter().enumerate() {
            let gpath = [key("request"), key(list), Segment::Index(g)];
            if group.len() < 2 {
                found.at(&gpath, "a group needs at least two parameters");
            }
            for (j, name) in group.iter().enumerate() {
                let param = request.params.get(name).filter(|p| p.supplied_by.is_none());
                let message = match param {
                    Some(p) if p.required => {
                        format!("`{name}` is required, so it cannot be one of an {what} group")
                    }
                    Some(_) => continue,
                    None => format!("unknown parameter `{name}`"),
                };
                found.at(&with(&gpath, &[Segment::Index(j)]), message);
            }
        }
    }
}

/// A list payload names its record's type and picks a record; a record payload picks none.
pub(super) fn record_fits_shape(found: &mut Found, at: &EndpointAt<'_>) {
    let r = &at.spec.response;
    match r.shape {
        ResponseShape::List => {
            if r.name.as_deref().is_none_or(|n| n == "Response") {
                found.at(
                    &[key("response"), key("shape")],
                    "a list payload needs `name:`, the Rust name of its record type (the payload is `Response = Vec<name>`)",
                );
            }
            if r.record.is_none() {
                found.at(
                    &[key("response"), key("shape")],
                    "a list payload needs `record:` (which record the unified order and the mock read: `first`)",
                );
            }
        }
        ResponseShape::Record => {
            if r.record.is_some() {
                found.at(
                    &[key("response"), key("record")],
                    "`record:` picks from a list payload; this payload is the record (`shape: record`)",
                );
            }
        }
    }
}

/// The response has at least one field.
pub(super) fn response_has_fields(found: &mut Found, at: &EndpointAt<'_>) {
    if at.spec.response.fields.is_empty() {
        found.at(
            &[key("response"), key("fields")],
            "the response needs at least one field",
        );
    }
}

/// The response's `name` is a Rust identifier.
pub(super) fn response_name_ident(found: &mut Found, at: &EndpointAt<'_>) {
    if let Some(name) = &at.spec.response.name
        && !crate::names::is_ident(name)
    {
        found.at(
            &[key("response"), key("name")],
            format!("`{name}` is not a Rust identifier"),
        );
    }
}

/// No two examples share a name.
pub(super) fn example_names_distinct(found: &mut Found, at: &EndpointAt<'_>) {
    let mut seen = std::collections::BTreeSet::new();
    for (i, ex) in at.spec.examples.iter().enumerate() {
        if !seen.insert(&ex.name) {
            found.at(
                &[key("examples"), Segment::Index(i), key("name")],
                format!("duplicate example name `{}`", ex.name),
            );
        }
    }
}

/// `error_kind` is only set on `kind: error` examples.
pub(super) fn error_kind_on_errors(found: &mut Found, at: &EndpointAt<'_>) {
    for (i, ex) in at.spec.examples.iter().enumerate() {
        if ex.error_kind.is_some() && ex.kind != ExampleKind::Error {
            found.at(
                &[key("examples"), Segment::Index(i), key("error_kind")],
                "`error_kind` is only for `kind: error` examples",
            );
        }
    }
}

/// A positional response record's members are always sent.
pub(super) fn positional_members(found: &mut Found, e: &EndpointAt<'_>) {
    if e.spec.response.positional {
        super::positional_members(
            found,
            &[key("response"), key("fields")],
            &e.spec.response.fields,
        );
    }
}
