//! Descriptions of the generated venues, endpoints, examples and enums, so tools can walk them
//! all (`generated::VENUES`) without naming any.

mod vectors;

pub use vectors::{
    VectorCredential, VectorExpect, VectorInfo, VectorKind, VectorParam, VectorRequest,
    VectorTimestamp,
};

use super::decode::DecodeError;

/// One venue.
#[derive(Debug, Clone, Copy)]
pub struct VenueInfo {
    /// Venue id (`acme`).
    pub id: &'static str,
    /// Human name.
    pub name: &'static str,
    /// Docs URL.
    pub docs: Option<&'static str>,
    /// Environments in preference order (the first is the default).
    pub environments: &'static [EnvironmentInfo],
    /// JSON pointer to the payload inside the success envelope (`None`: unwrapped).
    pub payload_pointer: Option<&'static str>,
    /// JSON pointer and expected JSON value that mark a success body.
    pub success_rule: Option<(&'static str, &'static str)>,
    /// JSON pointer and JSON value that mark an error body whatever the HTTP status (the
    /// spec's `errors.discriminator`: `("/0", "\"error\"")`).
    pub error_discriminator: Option<(&'static str, &'static str)>,
    /// JSON pointer to the error code in an error body.
    pub error_code_pointer: &'static str,
    /// JSON pointer to the error message in an error body.
    pub error_message_pointer: Option<&'static str>,
    /// JSON pointer to an HTTP-like status in an error body (WebSocket APIs), used like the
    /// HTTP status when a code is not in the table.
    pub error_status_pointer: Option<&'static str>,
    /// The documented error codes.
    pub error_codes: &'static [ErrorCodeInfo],
    /// Errors signalled by HTTP status alone (an empty body, or one not of the error shape).
    pub error_statuses: &'static [StatusErrorInfo],
    /// JSON pointer and expected JSON value that mark an error body even under a 2xx status
    /// (`errors.detect`), for a venue without a success rule.
    pub error_rule: Option<(&'static str, &'static str)>,
    /// Message texts and the kind an error whose message contains one has (`errors.messages`),
    /// in spec order.
    pub error_messages: &'static [(&'static str, ErrorKind)],
    /// Where rate-limit usage is reported.
    pub rate_limits: RateLimitsInfo,
    /// The WebSocket session log-on, if the venue has one.
    pub ws_session: Option<WsSessionInfo>,
    /// The constant members every WebSocket request frame carries before `id` (JSON-RPC
    /// 2.0's `jsonrpc`), as name and JSON text; empty for the plain `{id, method, params}`.
    pub ws_frame: &'static [(&'static str, &'static str)],
    /// An error body with placeholders (JSON text): a string whose whole value is `"{code}"`,
    /// `"{message}"`, `"{http}"` or `"{id}"` stands for the code (as its JSON type), the
    /// message, the HTTP status (a number) or the request's id.
    pub error_template: Option<&'static str>,
    /// How far a signed request's timestamp may be from the venue's clock.
    pub timestamp_window: Option<TimestampWindowInfo>,
    /// Where a client reads the venue's time to measure its clock's offset.
    pub clock: Option<ClockSourceInfo>,
    /// The credentials the signing schemes read.
    pub credentials: &'static [super::signing::CredentialInfo],
    /// The signing schemes, in preference order.
    pub schemes: &'static [super::signing::Scheme],
    /// Enums of the envelope and error body, shared by all endpoints.
    pub enums: &'static [EnumInfo],
    /// The endpoints, sorted by id.
    pub endpoints: &'static [EndpointInfo],
    /// The signing vectors of `specs/<venue>/vectors.yaml` (empty without the `generated`
    /// crate's `conformance` feature).
    pub vectors: &'static [VectorInfo],
}

impl VenueInfo {
    /// The endpoint with this id.
    pub fn endpoint(&self, id: &str) -> Option<&'static EndpointInfo> {
        self.endpoints.iter().find(|e| e.id == id)
    }

    /// The payload of a success body given as JSON (the body itself for a venue without an
    /// envelope).
    pub fn payload_of<'a>(&self, body: &'a serde_json::Value) -> Option<&'a serde_json::Value> {
        match self.payload_pointer {
            Some(p) => body.pointer(p),
            None => Some(body),
        }
    }

    /// The record of endpoint `e` in a success body given as JSON: its payload, or the item
    /// of it that `e.record` points at; `None` when the body holds none.
    pub fn record_in<'a>(
        &self,
        e: &EndpointInfo,
        body: &'a serde_json::Value,
    ) -> Option<&'a serde_json::Value> {
        self.payload_of(body).and_then(|p| e.record_of(p))
    }
}

/// Base URLs of an environment.
#[derive(Debug, Clone, Copy)]
pub struct EnvironmentInfo {
    /// `production`
    pub name: &'static str,
    /// REST base URL.
    pub rest: Option<&'static str>,
    /// WebSocket API URL.
    pub ws: Option<&'static str>,
    /// Headers a client sends with every REST request to it, `(name, value)`, after signing.
    pub headers: &'static [(&'static str, &'static str)],
}

/// An error signalled by HTTP status alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusErrorInfo {
    /// The HTTP status.
    pub http: u16,
    /// Common kind.
    pub kind: ErrorKind,
    /// Which bodies it applies to.
    pub body: StatusBody,
}

/// Which bodies a status-only error applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusBody {
    /// Nothing, or only whitespace.
    Empty,
    /// Any body that is not an error body of the venue's shape.
    Any,
}

/// Where a venue reports rate-limit usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitsInfo {
    /// JSON pointer to the rate-limit member of a body (`/rateLimits`).
    pub pointer: Option<&'static str>,
    /// Response headers carrying rate-limit usage (compared case-insensitively).
    pub headers: &'static [&'static str],
}

/// Where a client reads the venue's time (the spec's `clock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockSourceInfo {
    /// The `Date` header of any HTTP answer (whole seconds).
    HttpDate,
    /// A REST time endpoint.
    Rest {
        /// `GET`.
        method: &'static str,
        /// Path relative to the REST base URL.
        path: &'static str,
        /// JSON pointer to the time in its answer.
        pointer: &'static str,
        /// The unit of that value.
        unit: TimeUnit,
    },
    /// A WebSocket API time method.
    Ws {
        /// The frame's `method`.
        method: &'static str,
        /// JSON pointer to the time in its answer.
        pointer: &'static str,
        /// The unit of that value.
        unit: TimeUnit,
    },
}

impl ClockSourceInfo {
    /// How finely the source tells the time, in ms (1000 for the `Date` header).
    pub fn resolution_ms(&self) -> i64 {
        match self {
            ClockSourceInfo::HttpDate => 1000,
            ClockSourceInfo::Rest { unit, .. } | ClockSourceInfo::Ws { unit, .. } => {
                unit.resolution_ms()
            }
        }
    }
}

/// The unit of a time value since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// Seconds.
    Seconds,
    /// Milliseconds.
    Millis,
    /// Microseconds.
    Micros,
}

impl TimeUnit {
    /// `value` in this unit as milliseconds (microseconds rounded down); `None` on overflow.
    pub fn to_millis(self, value: i64) -> Option<i64> {
        match self {
            TimeUnit::Seconds => value.checked_mul(1000),
            TimeUnit::Millis => Some(value),
            TimeUnit::Micros => Some(value.div_euclid(1000)),
        }
    }

    /// Milliseconds as a value in this unit (seconds rounded down).
    pub fn from_millis(self, ms: i64) -> i64 {
        match self {
            TimeUnit::Seconds => ms.div_euclid(1000),
            TimeUnit::Millis => ms,
            TimeUnit::Micros => ms.saturating_mul(1000),
        }
    }

    /// How finely a value in this unit tells the time, in ms (at least 1).
    pub fn resolution_ms(self) -> i64 {
        match self {
            TimeUnit::Seconds => 1000,
            TimeUnit::Millis | TimeUnit::Micros => 1,
        }
    }
}

/// A WebSocket session log-on: sent first on every connection when the client's scheme has a
/// key of kind `when_key`; later requests on the connection are signed with `scheme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WsSessionInfo {
    /// The log-on endpoint's id.
    pub logon: &'static str,
    /// The scheme requests use once logged on.
    pub scheme: &'static str,
    /// The key kind that makes a client log on.
    pub when_key: super::signing::KeyKind,
}

/// A documented error code.
#[derive(Debug, Clone, Copy)]
pub struct ErrorCodeInfo {
    /// The code.
    pub code: ErrorCodeValue,
    /// HTTP status it comes with.
    pub http: Option<u16>,
    /// Symbolic name.
    pub name: Option<&'static str>,
    /// Documented messages.
    pub messages: &'static [&'static str],
    /// Common kind.
    pub kind: Option<ErrorKind>,
    /// The entry applies only when the error message contains this text.
    pub message_contains: Option<&'static str>,
}

impl ErrorCodeInfo {
    /// The entry for a numeric code, with nothing else known: the base of generated entries,
    /// which name only what the spec gives (`ErrorCodeInfo { http: .., ..ErrorCodeInfo::int(c) }`).
    pub const fn int(code: i64) -> Self {
        Self::of(ErrorCodeValue::Int(code))
    }

    /// The entry for a symbolic code, with nothing else known (see [`Self::int`]).
    pub const fn str(code: &'static str) -> Self {
        Self::of(ErrorCodeValue::Str(code))
    }

    const fn of(code: ErrorCodeValue) -> Self {
        ErrorCodeInfo {
            code,
            http: None,
            name: None,
            messages: &[],
            kind: None,
            message_contains: None,
        }
    }
}

/// A venue's timestamp window: a request is accepted when
/// `now - recvWindow <= timestamp <= now + max_ahead_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestampWindowInfo {
    /// The recvWindow applied when a request sends none (ms).
    pub recv_window_default_ms: i64,
    /// The largest recvWindow a request may send (ms).
    pub recv_window_max_ms: i64,
    /// How far ahead of the venue's clock a timestamp may be (ms); `i64::MAX` where the docs
    /// bound only the past.
    pub max_ahead_ms: i64,
    /// A nonce may be used only once within this many ms (`None`: reuse is not refused).
    pub nonce_once_within_ms: Option<i64>,
}

/// A venue error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCodeValue {
    /// Numeric.
    Int(i64),
    /// Symbolic.
    Str(&'static str),
}

pub use super::error::ErrorKind;

/// Builds an endpoint's typed request from `name=value` text pairs and returns its wire form.
pub type BuildFn = fn(
    &[(&str, &str)],
)
    -> Result<super::request::WireRequest<'static>, super::request::RequestError>;

/// One endpoint.
#[derive(Debug, Clone, Copy)]
pub struct EndpointInfo {
    /// Endpoint id.
    pub id: &'static str,
    /// The docs' title.
    pub name: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Whether requests are signed.
    pub signed: bool,
    /// Whether sending a request twice is harmless (a query): a client retries and re-sends
    /// only these.
    pub idempotent: bool,
    /// How it is reached.
    pub transport: TransportInfo,
    /// Wire names of the caller's parameters.
    pub params: &'static [&'static str],
    /// Parameters that select a record by one of its response fields.
    pub matches: &'static [ParamMatch],
    /// A successful response logs the WebSocket connection in.
    pub logon: bool,
    /// The docs' examples.
    pub examples: &'static [ExampleInfo],
    /// The endpoint's enums.
    pub enums: &'static [EnumInfo],
    /// Builds the typed request from `name=value` text pairs and returns its wire form.
    pub build: BuildFn,
    /// Parses an example body through the generated types and serialises it back.
    pub roundtrip: fn(ExampleKind, ExampleScope, &str) -> Result<serde_json::Value, DecodeError>,
    /// Parses a body through the generated types (`parse_response`, the payload type, or
    /// `parse_error`) and returns the typed value, for display.
    pub parse: ParseFn,
    /// The JSON Schema (draft 2020-12) of a body, derived from the generated types: the lenient
    /// schema, what [`Self::parse`] accepts, with the spec's promises as `x-` annotations (see
    /// [`super::schema`]).
    pub schema: fn(ExampleKind, ExampleScope) -> schemars::Schema,
    /// JSON pointer, relative to the payload, of the record the unified order maps and a
    /// mock's `matches` read (the spec's `response.record`): `""` when the payload is the
    /// record, `/0` for the first item of a list payload (none: not found).
    pub record: &'static str,
    /// Parses a success body (or payload) and maps its record onto the unified
    /// [`Order`](super::order::Order) (`Ok(None)`: the payload holds no record, an empty
    /// list); `None` when the payload is not an order.
    pub to_order: Option<ToOrderFn>,
    /// The unified members the venue's answers may leave out (the spec's `may_be_absent`):
    /// `"symbol"` (then empty), `"side"` (then `Unknown("")`), `"type"` (then `None`).
    pub order_may_lack: &'static [&'static str],
    /// JSON pointers, relative to the payload, of values that identify the account (`scrub`
    /// in the spec); `*` steps into every array element.
    pub scrub: &'static [&'static str],
    /// Parses a successful body through the generated types and returns its payload (the
    /// envelope unwrapped) serialised back to JSON.
    pub payload_json: fn(&[u8]) -> Result<serde_json::Value, DecodeError>,
    /// The venue's schemes the endpoint has a generated signing function for.
    pub fast_schemes: &'static [&'static str],
    /// Builds the typed request from text pairs and signs it for a base URL the three ways
    /// (generated function, engine, `Request::sign`); `None` unless a signed REST endpoint.
    pub sign_http_paths: super::signing::paths::HttpPathsFn,
    /// As [`Self::sign_http_paths`], as a WebSocket frame with an id.
    pub sign_ws_paths: super::signing::paths::WsPathsFn,
}

impl EndpointInfo {
    /// The record in a payload given as JSON ([`Self::record`]); `None` when it holds none.
    pub fn record_of<'a>(&self, payload: &'a serde_json::Value) -> Option<&'a serde_json::Value> {
        payload.pointer(self.record)
    }
}

/// Parses a success body (whole, or payload only) into the unified order of its record
/// (`None`: the payload holds no record).
pub type ToOrderFn = fn(ExampleScope, &[u8]) -> Result<Option<super::order::Order>, DecodeError>;

/// A request parameter that selects records: the record whose response field `field` has the
/// parameter's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamMatch {
    /// The parameter's wire name (`clientOrderId`).
    pub param: &'static str,
    /// The response field's wire name (`client-order-id`).
    pub field: &'static str,
    /// The field's JSON pointer relative to the record: `/client-order-id`, or `/0` for the
    /// first element of a positional record.
    pub pointer: &'static str,
    /// The parameter is a list: it names every record whose field is one of its items.
    pub list: bool,
}

/// A typed value parsed from a body, shown with `{:#?}`.
pub type Parsed = Box<dyn std::fmt::Debug + Send + Sync>;

/// Parses a body (success, payload or error) into its generated type.
pub type ParseFn = fn(ExampleKind, ExampleScope, &[u8]) -> Result<Parsed, DecodeError>;

/// How an endpoint is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportInfo {
    /// HTTP.
    Rest {
        /// Method.
        method: &'static str,
        /// Path template.
        path: &'static str,
        /// How the body members are written.
        body: super::request::BodyFormat,
    },
    /// WebSocket API.
    Ws {
        /// Method.
        method: &'static str,
    },
}

/// Success or error example.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleKind {
    /// Success body.
    Success,
    /// Error body.
    Error,
}

/// Whole body or payload only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleScope {
    /// Whole body.
    Body,
    /// Payload only.
    Payload,
}

/// A docs example.
#[derive(Debug, Clone, Copy)]
pub struct ExampleInfo {
    /// Id.
    pub name: &'static str,
    /// Success or error.
    pub kind: ExampleKind,
    /// Whole body or payload.
    pub scope: ExampleScope,
    /// HTTP status.
    pub http_status: Option<u16>,
    /// Source.
    pub source: &'static str,
    /// For an error example, the kind a client must classify it as.
    pub error_kind: Option<ErrorKind>,
    /// The body as JSON text.
    pub body: &'static str,
}

/// An enum of an endpoint.
#[derive(Debug, Clone, Copy)]
pub struct EnumInfo {
    /// Rust name.
    pub name: &'static str,
    /// Documented wire values.
    pub values: &'static [&'static str],
    /// Whether unseen values are kept (`Unknown(String)`) rather than rejected.
    pub open: bool,
    /// Deserialises a wire string and serialises it back; `None` when rejected.
    pub probe: fn(&str) -> Option<EnumProbe>,
}

/// What an enum made of a wire string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumProbe {
    /// The variant it became (`"Unknown"` for the fallback).
    pub variant: &'static str,
    /// What it serialises back to.
    pub wire: String,
}
