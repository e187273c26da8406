//! A venue folder into a [`model::Venue`](Venue): environments, envelope, error section, rate
//! limits, WebSocket session, clock, signing and its endpoints. Its cross-field rules are in
//! [`check`].

use super::endpoint::resolve_endpoint;
use super::types::{refuse_reserved, resolve_fields};
use super::{Ctx, check, clock, errors, key, signing, vectors};
use crate::error::SpecError;
use crate::loader::LoadedVenue;
use crate::model::{Envelope, Environment, RateLimits, TypeRegistry, Venue, WsSession};
use crate::names::field_name;
use crate::spec::{EnvelopeSpec, VenueSpec};

/// Names the generator itself uses in a venue module.
const VENUE_RESERVED: &[&str] = &["Envelope", "ErrorBody", "Client"];

/// Resolves one venue folder; `None` if any of its files has errors (they are in `errors`).
pub(super) fn resolve_venue(lv: &LoadedVenue, errors: &mut Vec<SpecError>) -> Option<Venue> {
    let before = errors.len();
    let spec: &VenueSpec = &lv.venue.spec;
    let mut cx = Ctx {
        file: &lv.venue,
        errors,
    };
    check::venue(&mut cx, lv);
    let mut types = TypeRegistry::new();
    let envelope = spec
        .envelope
        .as_ref()
        .map(|env| envelope(&mut cx, env, &mut types));
    let error_body = errors::body(&mut cx, spec, &mut types);
    let clock = clock::resolve(&mut cx, spec);
    refuse_reserved(&mut cx, &[], &types, VENUE_RESERVED, "");
    let signing = signing::resolve(&mut cx, &spec.venue, &spec.signing);
    let mut endpoints: Vec<_> = lv
        .endpoints
        .iter()
        .filter_map(|le| resolve_endpoint(le, spec, cx.errors))
        .collect();
    endpoints.sort_by(|a, b| a.id.cmp(&b.id));
    // A vector names endpoints: while one of them has errors, its vectors would only repeat them.
    let vectors = match &lv.vectors {
        Some(lvec) if endpoints.len() == lv.endpoints.len() => {
            vectors::resolve(lvec, spec, &signing, &endpoints, cx.errors)
        }
        _ => Vec::new(),
    };
    if cx.errors.len() > before {
        return None;
    }
    Some(Venue {
        id: spec.venue.clone(),
        name: spec.name.clone(),
        docs: spec.docs.clone(),
        description: spec.description.clone(),
        environments: environments(spec),
        envelope,
        error_body,
        error_code_pointer: spec.errors.code.clone(),
        error_message_pointer: spec.errors.message.clone(),
        error_status_pointer: spec.errors.http_status.clone(),
        error_discriminator: spec
            .errors
            .discriminator
            .as_ref()
            .map(|d| (d.pointer.clone(), d.equals.to_string())),
        error_statuses: errors::statuses(&spec.errors),
        error_rule: spec
            .errors
            .detect
            .as_ref()
            .map(|d| (d.pointer.clone(), d.equals.to_string())),
        error_messages: spec
            .errors
            .messages
            .iter()
            .map(|m| (m.contains.clone(), m.kind))
            .collect(),
        rate_limits: rate_limits(spec),
        ws_session: ws_session(spec),
        ws_frame: ws_frame(spec),
        clock,
        error_codes: errors::codes(&spec.errors),
        error_template: spec.errors.template.as_ref().map(ToString::to_string),
        signing,
        types,
        endpoints,
        vectors,
    })
}

/// The environments, in preference order.
fn environments(spec: &VenueSpec) -> Vec<Environment> {
    spec.environments
        .iter()
        .map(|(name, e)| Environment {
            name: name.clone(),
            rest: e.rest.clone(),
            ws: e.ws.clone(),
            doc: e.doc.clone(),
            headers: e
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), v.clone()))
                .collect(),
        })
        .collect()
}

/// The success envelope; registers the types its fields define.
fn envelope(cx: &mut Ctx<'_, VenueSpec>, env: &EnvelopeSpec, types: &mut TypeRegistry) -> Envelope {
    let at = [key("envelope"), key("fields")];
    Envelope {
        payload_wire: env.payload.clone(),
        payload_rust: field_name(&env.payload),
        payload_doc: env.payload_doc.clone(),
        fields: resolve_fields(cx, &at, &env.fields, types),
        success: env
            .success
            .as_ref()
            .map(|s| (s.pointer.clone(), s.equals.to_string())),
    }
}

/// Where rate-limit usage is reported (nowhere, by default).
fn rate_limits(spec: &VenueSpec) -> RateLimits {
    match &spec.rate_limits {
        Some(rl) => RateLimits {
            pointer: rl.pointer.clone(),
            headers: rl.headers.clone(),
        },
        None => RateLimits::default(),
    }
}

/// The constant members of the venue's WebSocket request frames, as name and JSON text.
fn ws_frame(spec: &VenueSpec) -> Vec<(String, String)> {
    let Some(f) = spec.ws.as_ref().and_then(|w| w.frame.as_ref()) else {
        return Vec::new();
    };
    f.constants
        .iter()
        .map(|(name, value)| (name.clone(), value.to_string()))
        .collect()
}

/// The WebSocket session log-on, if the venue has one.
fn ws_session(spec: &VenueSpec) -> Option<WsSession> {
    let s = spec.ws.as_ref()?.session.as_ref()?;
    Some(WsSession {
        logon: s.logon.clone(),
        scheme: s.scheme.clone(),
        when_key: s.when_key,
    })
}
