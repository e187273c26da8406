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
    /// The venue id; must equal the folder name (`acme`).
    pub venue: String,
    /// Human name (`ACME Exchange`).
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
    /// Where the venue reports rate-limit usage (a body member, response headers), so a
    /// client can hand it to its caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limits: Option<RateLimitsSpec>,
    /// How the venue's WebSocket API connection is used (session log-on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ws: Option<WsSpec>,
    /// Where a client reads the venue's time to measure its clock's offset (see
    /// `generated::runtime::client::ClockCorrection`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<super::ClockSpec>,
}

/// Where rate-limit usage is reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitsSpec {
    /// JSON pointer to the rate-limit member of a body, success or error (`/rateLimits`). Its
    /// first step must be a member of the envelope or of the error body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// Response headers that carry rate-limit usage (`X-BM-RateLimit-Remaining`), compared
    /// case-insensitively.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<String>,
    /// Where the docs say so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The venue's WebSocket API connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WsSpec {
    /// Log the connection on once, then send requests without per-request signatures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<WsSessionSpec>,
    /// Members every request frame carries besides `id`, `method` and `params`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<WsFrameSpec>,
}

/// The request frame's constant members (JSON-RPC 2.0's `"jsonrpc": "2.0"`), written before
/// `id` in every WebSocket API request (signed, unsigned, log-on and clock frames alike).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WsFrameSpec {
    /// Member name to its constant value (a JSON string, number or boolean).
    pub constants: IndexMap<String, serde_json::Value>,
    /// Where the docs say so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

/// A WebSocket session log-on: sent first on every (re)connection when the client signs with
/// a key of kind `when_key`; later requests on that connection use `scheme`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WsSessionSpec {
    /// The log-on endpoint's id (a WebSocket endpoint of this venue, `session_logon`).
    pub logon: String,
    /// The scheme requests use once logged on (a WebSocket scheme, `ws_session`).
    pub scheme: String,
    /// The key kind of the client's scheme that makes it log on (`ed25519`).
    pub when_key: runtime_vocab::KeyKind,
    /// Where the docs say so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
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
    /// Headers sent with every request to this environment, by name (a demo-trading flag on
    /// the production host: `paptrading: "1"`). Not signed.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub headers: IndexMap<String, String>,
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
    /// The error body is a JSON array whose elements are `body`'s members by index, in the
    /// order listed (`["error", 10100, "apikey: invalid"]`); pointers then name an index
    /// (`/1`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub positional: bool,
    /// A body is an error body, whatever its HTTP status, when the member at `pointer` equals
    /// `equals` (`{ pointer: /0, equals: error }`): for a venue that may answer an error with
    /// a 2xx status and has no success rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discriminator: Option<SuccessRule>,
    /// JSON pointer to the venue's error code in an error body (`/err-code`, `/error/code`).
    pub code: String,
    /// JSON pointer to the human message, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// JSON pointer to an HTTP-like status inside the error body (`/status` on a WebSocket
    /// API, where there is no HTTP status). It stands in for the HTTP status when a code is
    /// not in the table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<String>,
    /// The documented codes.
    #[serde(default)]
    pub codes: Vec<ErrorCodeSpec>,
    /// An error body with placeholders, as the venue writes it, to build the body of any
    /// documented code: a string whose whole value is `"{code}"`, `"{message}"`, `"{http}"` or
    /// `"{id}"` is replaced by the code (as its JSON type: numbers stay numbers), its first
    /// message, the HTTP status (a number) or the request's id (a WebSocket frame's `id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<serde_json::Value>,
    /// Errors the venue signals by HTTP status alone (a 401 with an empty body).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<StatusErrorSpec>,
    /// What marks an error body that comes with a 2xx status, for a venue without a success
    /// envelope: the member at `pointer` equals `equals` (`/status` equals `error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detect: Option<ErrorDetectSpec>,
    /// Errors told apart by their message (bodies without a code, or whose code the table
    /// does not classify): the first entry whose `contains` is in the message gives the kind.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<ErrorMessageSpec>,
}

/// The rule that marks an error body under a 2xx status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorDetectSpec {
    /// JSON pointer into the error body (`/status`); its first step is a member of `body`.
    pub pointer: String,
    /// The JSON value that marks an error (`error`, `false`, `-1`).
    pub equals: serde_json::Value,
}

/// An error recognised by its message text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorMessageSpec {
    /// Text the message contains (not empty; each entry's text once).
    pub contains: String,
    /// The common kind.
    pub kind: ErrorKind,
    /// Where the docs (or a capture) show it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// An error signalled by the HTTP status, without an error body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusErrorSpec {
    /// The HTTP status (100 to 599).
    pub http: u16,
    /// The common kind a caller can match on.
    pub kind: ErrorKind,
    /// Which bodies it applies to: `empty` (default; nothing or only whitespace) or `any`
    /// (any body that is not an error body of the venue's shape).
    #[serde(default)]
    pub body: StatusBody,
    /// What the docs say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

/// Which bodies a status-only error applies to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusBody {
    /// An empty body (or only whitespace).
    #[default]
    Empty,
    /// Any body that is not an error body of the venue's shape.
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
    /// This entry applies only when the error message contains this text, so that one code
    /// can map to several kinds (one signature-error code that covers bad keys and stale
    /// timestamps alike). An entry without it applies to the code's other messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_contains: Option<String>,
    /// Where the docs show it (for entries added from a source other than the codes table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
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
