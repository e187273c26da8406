//! An endpoint file (`specs/<venue>/<endpoint>.yaml`).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::field::{EnumValue, Erratum, FieldSpec};

/// One endpoint: transport, request, response and the docs' examples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointSpec {
    /// The endpoint id; must equal the file stem (`query_client_order`).
    pub endpoint: String,
    /// The docs' title.
    pub name: String,
    /// One line on what it does; first line of the generated rustdoc.
    pub summary: String,
    /// Where the docs live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// Longer notes from the docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether requests must be signed.
    #[serde(default)]
    pub signed: bool,
    /// The docs' rate limit or weight, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<String>,
    /// Whether sending the request twice is harmless (a query), so a client may retry it
    /// after a failure or re-send it after a reconnection. Default: `true` for `GET`,
    /// `false` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotent: Option<bool>,
    /// REST method and path, or WebSocket API method.
    pub transport: Transport,
    /// The request parameters.
    pub request: RequestSpec,
    /// The successful payload (inside the venue's envelope, if it has one).
    pub response: ResponseSpec,
    /// How the payload maps onto the unified `Order`, when it is an order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<super::order::OrderSpec>,
    /// The docs' examples.
    #[serde(default)]
    pub examples: Vec<Example>,
}

/// How the endpoint is reached: exactly one of `rest` or `ws`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transport {
    /// An HTTP request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest: Option<RestTransport>,
    /// A WebSocket API request/response method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ws: Option<WsTransport>,
}

/// An HTTP method and path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RestTransport {
    /// `GET`, `POST`, `DELETE`, `PUT`.
    pub method: String,
    /// Path relative to the environment's REST base; path parameters as `{name}`.
    pub path: String,
    /// How the parameters `in: body` are written: `json` (default), a JSON object sent as
    /// `application/json`; `form`, `name=value` pairs sent as
    /// `application/x-www-form-urlencoded`.
    #[serde(default, skip_serializing_if = "runtime_vocab::BodyFormat::is_json")]
    pub body: runtime_vocab::BodyFormat,
}

/// A WebSocket API method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WsTransport {
    /// The `method` member of the request frame (`order.status`).
    pub method: String,
}

/// The request parameters and their cross-parameter rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestSpec {
    /// Parameters by wire name, in the docs' order.
    #[serde(default)]
    pub params: IndexMap<String, ParamSpec>,
    /// Groups of parameters of which exactly one must be given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exactly_one_of: Vec<Vec<String>>,
    /// Groups of parameters of which at least one must be given (any number more may be).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub at_least_one_of: Vec<Vec<String>>,
    /// Groups of parameters that are given together or not at all (a filter the docs say
    /// needs a companion: a client order id filter that "must also be provided" its date).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all_or_none_of: Vec<Vec<String>>,
}

/// One request parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamSpec {
    /// The wire type.
    #[serde(rename = "type")]
    pub ty: ParamType,
    /// Where the parameter travels.
    #[serde(rename = "in")]
    pub location: ParamLocation,
    /// The docs' description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// The request is refused without it.
    #[serde(default)]
    pub required: bool,
    /// The venue's default when the parameter is not sent (documentation; not sent by us).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// Allowed integer interval in the docs' notation: `"(0, 60000]"`, `"[1, 1000]"`, `"[1,)"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<String>,
    /// Minimum length of a string, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
    /// Maximum length of a string, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// The values of an `enum` parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<EnumValue>>,
    /// The element type of an `array` parameter: `i64`, `u64` or `string`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<ParamType>,
    /// Rust name of a generated enum type; defaults to the parameter name in PascalCase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Rust name of the builder method and field; defaults to the wire name in snake_case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust: Option<String>,
    /// Filled in by someone other than the caller (the signer adds timestamps, keys and
    /// signatures). Documented, but not part of the generated request type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplied_by: Option<Supplier>,
    /// Where the docs contradict themselves about this parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erratum: Option<Erratum>,
    /// The response field (wire name, top level of the payload) this parameter selects by:
    /// the request names the record whose field has the parameter's value (`clientOrderId`
    /// matches `client-order-id`). A mock venue looks records up by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<String>,
}

/// Wire types a request parameter may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParamType {
    /// Free text.
    String,
    /// A signed integer (sent as a JSON integer in bodies and WebSocket params).
    I64,
    /// An unsigned integer.
    U64,
    /// A boolean.
    Bool,
    /// A decimal, always sent as a string.
    Decimal,
    /// A UUID (checked when the request is built).
    Uuid,
    /// One of `values`.
    Enum,
    /// A JSON array of `items` (in a body or WebSocket params; comma-separated text elsewhere).
    Array,
}

/// Where a parameter travels: the runtime's own [`Location`](runtime_vocab::Location), read
/// in the spec's spelling (`query`, `ws_params`).
pub use runtime_vocab::Location as ParamLocation;

/// Who fills in a parameter the caller does not give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Supplier {
    /// The request signer (keys, timestamps, signatures).
    Signer,
    /// The transport (request ids and the like).
    Transport,
}

/// The successful payload of an endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseSpec {
    /// Rust name of the payload struct (`Order`). Defaults to `Response`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description of the payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// What the payload is: the record `fields` describe (default), or a list of them.
    #[serde(default, skip_serializing_if = "ResponseShape::is_record")]
    pub shape: ResponseShape,
    /// Which record of a `list` payload the unified order maps and the mock's `matches` read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<RecordPick>,
    /// The record is a JSON array whose elements are `fields` by index, in the order listed
    /// (`[ID, GID, CID, ...]`), rather than an object.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub positional: bool,
    /// The record's members (the payload's, unless `shape` says otherwise), in wire order.
    pub fields: IndexMap<String, FieldSpec>,
}

/// How the payload holds the record `fields` describe.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponseShape {
    /// The payload is the record.
    #[default]
    Record,
    /// The payload is a JSON array of records (`data: [ {order} ]`).
    List,
}

impl ResponseShape {
    /// Whether the payload is the record itself.
    pub fn is_record(&self) -> bool {
        *self == ResponseShape::Record
    }
}

/// Which record of a payload that holds several is "the" record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordPick {
    /// The first item of the list; an empty list means the record was not found.
    First,
}

impl RecordPick {
    /// The JSON pointer, relative to the payload, of the record picked.
    pub fn pointer(self) -> &'static str {
        match self {
            RecordPick::First => "/0",
        }
    }
}

/// One example from the docs (or another documented source).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// A short id, unique within the endpoint (`docs_success`).
    pub name: String,
    /// Success or error body.
    pub kind: ExampleKind,
    /// Whether `body` is the whole wire body or only the payload inside the envelope.
    #[serde(default)]
    pub scope: ExampleScope,
    /// The HTTP status it came with, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Where it comes from.
    pub source: String,
    /// Remarks (how it was transcribed, what it shows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// For an error example: the common kind a client must classify it as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<super::ErrorKind>,
    /// The JSON body (YAML flow syntax is JSON, so bodies can be pasted as they are).
    pub body: serde_json::Value,
}

/// What an example is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExampleKind {
    /// A successful response.
    Success,
    /// An error response.
    Error,
}

/// What part of the wire body an example shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExampleScope {
    /// The whole body, envelope included.
    #[default]
    Body,
    /// Only the payload (some docs show just the inner object).
    Payload,
}
