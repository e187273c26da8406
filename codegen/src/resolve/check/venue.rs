//! Rules of a venue file outside its error section: environments, envelope, rate limits and
//! the WebSocket session.

use super::{Found, pointer};
use crate::loader::LoadedVenue;
use crate::resolve::{key, with};
use runtime_vocab::SchemeTransport;

/// A venue is reachable somewhere.
pub(super) fn environment_given(found: &mut Found, lv: &LoadedVenue) {
    if lv.venue.spec.environments.is_empty() {
        found.at(&[key("environments")], "at least one environment is needed");
    }
}

/// Every environment names a REST or WebSocket URL.
pub(super) fn environments_have_url(found: &mut Found, lv: &LoadedVenue) {
    for (name, e) in &lv.venue.spec.environments {
        if e.rest.is_none() && e.ws.is_none() {
            found.at(
                &[key("environments"), key(name)],
                "an environment needs a `rest` or `ws` URL",
            );
        }
    }
}

/// Every environment header has a name of HTTP token characters and a value without control
/// characters.
pub(super) fn environment_headers_valid(found: &mut Found, lv: &LoadedVenue) {
    let token = |n: &str| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    for (name, e) in &lv.venue.spec.environments {
        for (header, value) in &e.headers {
            let at = [key("environments"), key(name), key("headers"), key(header)];
            if !token(header) {
                found.at(&at, format!("`{header}` is not an HTTP header name"));
            } else if value.chars().any(|c| c.is_control()) {
                found.at(&at, "a header value cannot hold a control character");
            }
        }
    }
}

/// The envelope's payload member is not also one of its fields.
pub(super) fn payload_not_a_field(found: &mut Found, lv: &LoadedVenue) {
    let Some(env) = &lv.venue.spec.envelope else {
        return;
    };
    if env.fields.contains_key(&env.payload) {
        found.at(
            &[key("envelope"), key("fields"), key(&env.payload)],
            format!(
                "`{}` is the payload member; do not list it in fields",
                env.payload
            ),
        );
    }
}

/// The envelope's success pointer names one of its fields.
pub(super) fn success_pointer(found: &mut Found, lv: &LoadedVenue) {
    let Some(env) = &lv.venue.spec.envelope else {
        return;
    };
    if let Some(s) = &env.success {
        let at = [key("envelope"), key("success"), key("pointer")];
        pointer(found, &at, &s.pointer, &env.fields);
    }
}

/// The rate-limit pointer names a member of the error body or the envelope.
pub(super) fn rate_limit_pointer(found: &mut Found, lv: &LoadedVenue) {
    let spec = &lv.venue.spec;
    let Some(p) = spec.rate_limits.as_ref().and_then(|rl| rl.pointer.as_ref()) else {
        return;
    };
    let mut members = spec.errors.body.clone();
    if let Some(env) = &spec.envelope {
        members.extend(env.fields.clone());
    }
    pointer(found, &[key("rate_limits"), key("pointer")], p, &members);
}

/// `ws.session.logon` is a WebSocket endpoint of this venue.
pub(super) fn logon_is_ws(found: &mut Found, lv: &LoadedVenue) {
    let Some(s) = lv.venue.spec.ws.as_ref().and_then(|w| w.session.as_ref()) else {
        return;
    };
    let logon_ok = lv
        .endpoints
        .iter()
        .any(|e| e.spec.endpoint == s.logon && e.spec.transport.ws.is_some());
    if !logon_ok {
        found.at(
            &with(&[key("ws"), key("session")], &[key("logon")]),
            format!("`{}` is not a WebSocket endpoint of this venue", s.logon),
        );
    }
}

/// `ws.session.scheme` is a WebSocket signing scheme of this venue.
pub(super) fn scheme_is_ws(found: &mut Found, lv: &LoadedVenue) {
    let spec = &lv.venue.spec;
    let Some(s) = spec.ws.as_ref().and_then(|w| w.session.as_ref()) else {
        return;
    };
    let scheme_ok = spec
        .signing
        .schemes
        .get(&s.scheme)
        .is_some_and(|sc| sc.transport == SchemeTransport::Ws);
    if !scheme_ok {
        found.at(
            &with(&[key("ws"), key("session")], &[key("scheme")]),
            format!("`{}` is not a WebSocket scheme of this venue", s.scheme),
        );
    }
}

/// `ws.frame.constants` are scalar members other than the frame's own `id`, `method` and
/// `params`.
pub(super) fn frame_constants(found: &mut Found, lv: &LoadedVenue) {
    let Some(f) = lv.venue.spec.ws.as_ref().and_then(|w| w.frame.as_ref()) else {
        return;
    };
    for (name, value) in &f.constants {
        let at = [key("ws"), key("frame"), key("constants"), key(name)];
        if matches!(name.as_str(), "id" | "method" | "params") || name.is_empty() {
            found.at(
                &at,
                format!("`{name}` is written by every frame already; a constant cannot be it"),
            );
        } else if value.is_null() || value.is_array() || value.is_object() {
            found.at(&at, "a frame constant is a string, number or boolean");
        }
    }
}
