//! Descriptions of the generated venues, endpoints, examples and enums, so tools can walk them
//! all (`generated::VENUES`) without naming any.

use super::decode::DecodeError;

/// One venue.
#[derive(Debug, Clone, Copy)]
pub struct VenueInfo {
    /// Venue id (`bitmart`).
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
    /// JSON pointer to the error code in an error body.
    pub error_code_pointer: &'static str,
    /// JSON pointer to the error message in an error body.
    pub error_message_pointer: Option<&'static str>,
    /// The documented error codes.
    pub error_codes: &'static [ErrorCodeInfo],
    /// The credentials the signing schemes read.
    pub credentials: &'static [super::signing::CredentialInfo],
    /// The signing schemes, in preference order.
    pub schemes: &'static [super::signing::Scheme],
    /// Enums of the envelope and error body, shared by all endpoints.
    pub enums: &'static [EnumInfo],
    /// The endpoints, sorted by id.
    pub endpoints: &'static [EndpointInfo],
}

impl VenueInfo {
    /// The endpoint with this id.
    pub fn endpoint(&self, id: &str) -> Option<&'static EndpointInfo> {
        self.endpoints.iter().find(|e| e.id == id)
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
}

/// A venue error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCodeValue {
    /// Numeric.
    Int(i64),
    /// Symbolic.
    Str(&'static str),
}

/// Common error kinds shared by all venues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The record does not exist.
    NotFound,
    /// Bad key, signature or permissions.
    Auth,
    /// The timestamp is outside the venue's window.
    TimestampOutsideWindow,
    /// Too many requests.
    RateLimited,
    /// Malformed request.
    InvalidRequest,
    /// Venue failure.
    Server,
}

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
    /// How it is reached.
    pub transport: TransportInfo,
    /// Wire names of the caller's parameters.
    pub params: &'static [&'static str],
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
