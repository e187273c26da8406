//! The types of a generated endpoint ([`Endpoint`]) and the registry's helpers, written once
//! and made generic over them: each endpoint's [`EndpointInfo`] points at these instead of
//! carrying its own copies.
//!
//! The helpers that read JSON Schemas, and the docs' examples and enums, are what the
//! conformance suite walks: generated code fills them with [`checks`] when the `generated`
//! crate's `conformance` feature is on and with [`without_checks`] otherwise, so a trading
//! client neither compiles nor ships them.

use std::fmt::Debug;

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::decode::{self, DecodeError};
use crate::registry::{
    EndpointInfo, EnumInfo, ExampleInfo, ExampleKind, ExampleScope, Parsed, TransportInfo,
};
use crate::request::{RequestError, WireRequest};
use crate::signing::paths::{Paths, SignPaths};
use crate::signing::{Clock, SignedHttp, SignedWs, Signer, Timestamp};

/// A body type of a generated endpoint: read from JSON, written back, shown with `{:#?}`.
pub trait BodyType: DeserializeOwned + Serialize + Debug + Send + Sync + 'static {}

impl<T: DeserializeOwned + Serialize + Debug + Send + Sync + 'static> BodyType for T {}

/// A generated endpoint, implemented by its `Request`: the types of its bodies and how its
/// request is built from text.
pub trait Endpoint: Sized + 'static {
    /// The whole successful body (`ResponseBody`).
    type Body: BodyType;
    /// The payload (`Response`): the body, or what the venue's envelope wraps.
    type Payload: BodyType;
    /// The venue's error body.
    type Error: BodyType;

    /// The payload of a successful body (the envelope unwrapped).
    fn payload(body: Self::Body) -> Self::Payload;

    /// Builds the typed request from `name=value` text pairs (as `Request::from_params`).
    fn from_params(pairs: &[(&str, &str)]) -> Result<Self, RequestError>;

    /// The request's wire form.
    fn to_wire(&self) -> WireRequest<'_>;
}

/// Builds `E`'s typed request from text pairs and returns its wire form.
pub fn build<E: Endpoint>(pairs: &[(&str, &str)]) -> Result<WireRequest<'static>, RequestError> {
    E::from_params(pairs).map(|r| r.to_wire().into_owned())
}

/// Parses a successful body, whole or payload only, and returns the payload.
pub fn payload<E: Endpoint>(scope: ExampleScope, raw: &[u8]) -> Result<E::Payload, DecodeError> {
    match scope {
        ExampleScope::Body => decode::json::<E::Body>(raw).map(E::payload),
        ExampleScope::Payload => decode::json::<E::Payload>(raw),
    }
}

/// Parses an example through `E`'s types and serialises it back to JSON.
pub fn roundtrip<E: Endpoint>(
    kind: ExampleKind,
    scope: ExampleScope,
    raw: &str,
) -> Result<Value, DecodeError> {
    let bytes = raw.as_bytes();
    let value = match (kind, scope) {
        (ExampleKind::Success, ExampleScope::Body) => to_json(decode::json::<E::Body>(bytes)?),
        (ExampleKind::Success, ExampleScope::Payload) => {
            to_json(decode::json::<E::Payload>(bytes)?)
        }
        (ExampleKind::Error, _) => to_json(decode::json::<E::Error>(bytes)?),
    };
    value.map_err(|e| DecodeError::new(e.to_string(), raw))
}

fn to_json<T: Serialize>(value: T) -> serde_json::Result<Value> {
    serde_json::to_value(value)
}

/// Parses a successful body and returns its payload as JSON (the typed value, serialised
/// back).
pub fn payload_json<E: Endpoint>(raw: &[u8]) -> Result<Value, DecodeError> {
    let payload = payload::<E>(ExampleScope::Body, raw)?;
    serde_json::to_value(&payload)
        .map_err(|e| DecodeError::new(e.to_string(), String::from_utf8_lossy(raw)))
}

/// Parses a body into `E`'s type for it, for display.
pub fn parse<E: Endpoint>(
    kind: ExampleKind,
    scope: ExampleScope,
    raw: &[u8],
) -> Result<Parsed, DecodeError> {
    Ok(match (kind, scope) {
        (ExampleKind::Success, ExampleScope::Body) => Box::new(decode::json::<E::Body>(raw)?),
        (ExampleKind::Success, ExampleScope::Payload) => Box::new(decode::json::<E::Payload>(raw)?),
        (ExampleKind::Error, _) => Box::new(decode::json::<E::Error>(raw)?),
    })
}

/// The lenient JSON Schema of a body, derived from `E`'s types.
pub fn schema<E>(kind: ExampleKind, scope: ExampleScope) -> schemars::Schema
where
    E: Endpoint<Body: JsonSchema, Payload: JsonSchema, Error: JsonSchema>,
{
    let generator = crate::schema::generator();
    match (kind, scope) {
        (ExampleKind::Success, ExampleScope::Body) => generator.into_root_schema_for::<E::Body>(),
        (ExampleKind::Success, ExampleScope::Payload) => {
            generator.into_root_schema_for::<E::Payload>()
        }
        (ExampleKind::Error, _) => generator.into_root_schema_for::<E::Error>(),
    }
}

/// Builds `E`'s typed request from text pairs and signs it for `base_url` the three ways.
pub fn sign_http_paths<E: Endpoint + SignPaths>(
    pairs: &[(&str, &str)],
    signer: &Signer,
    base_url: &str,
    timestamp: &Timestamp,
    clock: &dyn Clock,
) -> Result<Option<Paths<SignedHttp>>, RequestError> {
    Ok(E::from_params(pairs)?.http_paths(signer, base_url, timestamp, clock))
}

/// Builds `E`'s typed request from text pairs and signs it as the frame `id` the three ways.
pub fn sign_ws_paths<E: Endpoint + SignPaths>(
    pairs: &[(&str, &str)],
    signer: &Signer,
    id: &str,
    timestamp: &Timestamp,
    clock: &dyn Clock,
) -> Result<Option<Paths<SignedWs>>, RequestError> {
    Ok(E::from_params(pairs)?.ws_paths(signer, id, timestamp, clock))
}

/// The conformance part of `E`'s [`EndpointInfo`]: the docs' examples, the enums and the
/// typed helpers. The rest of the value is a placeholder for the endpoint's own `INFO` to
/// override (`EndpointInfo { id: .., ..checks::<Request>(..) }`).
pub const fn checks<E>(examples: &'static [ExampleInfo], enums: &'static [EnumInfo]) -> EndpointInfo
where
    E: Endpoint<Body: JsonSchema, Payload: JsonSchema, Error: JsonSchema> + SignPaths,
{
    EndpointInfo {
        examples,
        enums,
        roundtrip: roundtrip::<E>,
        parse: parse::<E>,
        schema: schema::<E>,
        payload_json: payload_json::<E>,
        fast_schemes: E::FAST_SCHEMES,
        sign_http_paths: sign_http_paths::<E>,
        sign_ws_paths: sign_ws_paths::<E>,
        ..without_checks::<E>()
    }
}

/// `E`'s [`EndpointInfo`] without the conformance part: no examples, no enums, and helpers
/// that report the missing `conformance` feature. The rest is a placeholder, as in [`checks`].
pub const fn without_checks<E: Endpoint>() -> EndpointInfo {
    EndpointInfo {
        id: "",
        name: "",
        summary: "",
        signed: false,
        idempotent: false,
        transport: TransportInfo::Ws { method: "" },
        params: &[],
        matches: &[],
        logon: false,
        examples: &[],
        enums: &[],
        build: build::<E>,
        roundtrip: |_, _, raw| Err(DecodeError::new(WITHOUT_CHECKS, raw)),
        parse: |_, _, raw| {
            Err(DecodeError::new(
                WITHOUT_CHECKS,
                String::from_utf8_lossy(raw),
            ))
        },
        schema: |_, _| schemars::Schema::default(),
        record: "",
        to_order: None,
        order_may_lack: &[],
        scrub: &[],
        payload_json: |raw| {
            Err(DecodeError::new(
                WITHOUT_CHECKS,
                String::from_utf8_lossy(raw),
            ))
        },
        fast_schemes: &[],
        sign_http_paths: |_, _, _, _, _| Ok(None),
        sign_ws_paths: |_, _, _, _, _| Ok(None),
    }
}

/// What the helpers of [`without_checks`] report.
const WITHOUT_CHECKS: &str = "generated without the `conformance` feature";
