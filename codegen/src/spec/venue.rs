//! The venue file (`specs/<venue>/venue.yaml`): environments, envelope, errors, signing.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::field::FieldSpec;
use super::signing::SigningSpec;

/// Everything a venue's endpoints share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VenueSpec {
    /// The venue id; must equal the folder name (`bitmart`, `htx`, ...).
    pub venue: String,
    /// Human name (`BitMart`).
    pub name: String,
    /// Where the docs live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// A paragraph about the venue; becomes the module's rustdoc.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Named environments (`production`, `testnet`, ...), in preference order.
    pub environments: IndexMap<String, Environment>,
    /// The wrapper around a successful payload; absent when the payload is the whole body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub envelope: Option<EnvelopeSpec>,
    /// The error body and the error codes table.
    pub errors: ErrorsSpec,
    /// How requests are signed.
    pub signing: SigningSpec,
}

/// Base URLs of one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// REST base URL (scheme and host, plus any path prefix the endpoint paths are relative to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest: Option<String>,
    /// WebSocket API URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ws: Option<String>,
    /// What the environment is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

/// The wrapper object around an endpoint's payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeSpec {
    /// The wire name of the member that carries the endpoint's payload (`data`, `result`).
    pub payload: String,
    /// Description of the payload member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_doc: Option<String>,
    /// The other members of the wrapper.
    pub fields: IndexMap<String, FieldSpec>,
    /// When a body in this envelope is a success (otherwise it is an error body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<SuccessRule>,
}

/// A body is a success when the member at `pointer` equals `equals`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuccessRule {
    /// JSON pointer into the body (`/code`).
    pub pointer: String,
    /// The value that means success (`1000`, `"ok"`, `200`).
    pub equals: serde_json::Value,
}

/// The shape of an error body and the venue's error codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorsSpec {
    /// Members of an error body (at least one). Errors signalled by an HTTP status with an
    /// empty body are the transport's business, not this shape's.
    pub body: IndexMap<String, FieldSpec>,
    /// JSON pointer to the venue's error code in an error body (`/err-code`, `/error/code`).
    pub code: String,
    /// JSON pointer to the human message, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The documented codes.
    #[serde(default)]
    pub codes: Vec<ErrorCodeSpec>,
    /// An error body with placeholders, as the venue writes it, to build the body of any
    /// documented code: a string whose whole value is `"{code}"`, `"{message}"`, `"{http}"` or
    /// `"{id}"` is replaced by the code (as its JSON type: numbers stay numbers), its first
    /// message, the HTTP status (a number) or the request's id (a WebSocket frame's `id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<serde_json::Value>,
    /// Errors signalled by an HTTP status alone (p99's authentication failure: a 401 with an
    /// empty body), which have no code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<ErrorStatusSpec>,
}

/// An error the venue signals by its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorStatusSpec {
    /// The HTTP status (`401`).
    pub http: u16,
    /// The common kind it means.
    pub kind: ErrorKind,
    /// What the body holds: `empty` or `any`.
    pub body: StatusBody,
    /// Where the docs say so, and what they say.
    pub doc: String,
}

/// The body of a status-only error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusBody {
    /// No body at all.
    Empty,
    /// Anything (not read).
    Any,
}

/// One documented error code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorCodeSpec {
    /// The venue's code: a number (`50005`, `-2013`) or a string (`base-record-invalid`).
    pub code: ErrorCode,
    /// The HTTP status the venue sends it with, when documented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<u16>,
    /// The venue's symbolic name, when it has one (`NO_SUCH_ORDER`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The documented message(s).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<String>,
    /// The common kind a caller can match on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ErrorKind>,
}

/// A venue error code: numeric or symbolic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ErrorCode {
    /// `50005`, `-2013`
    Int(i64),
    /// `base-record-invalid`, `ORDER_NOT_FOUND`
    Str(String),
}

/// Common error kinds shared by all venues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The order (or other record) does not exist.
    NotFound,
    /// Bad key, signature or permissions.
    Auth,
    /// The request timestamp is outside the venue's window.
    TimestampOutsideWindow,
    /// Too many requests.
    RateLimited,
    /// The request was malformed or its parameters invalid.
    InvalidRequest,
    /// The venue failed or is unavailable.
    Server,
}
