//! The resolved model: what the generator emits, with Rust names decided and every reference
//! checked. Built from the spec by [`crate::resolve`].

mod order;
mod vector;

use std::collections::BTreeMap;

use crate::spec::{
    Erratum, ErrorCode, ErrorKind, ExampleKind, ExampleScope, ParamLocation, StatusBody, WindowSpec,
};

pub use order::{Mapped, OrderMap, Side, Source, Status, StatusRule};
pub use vector::{Vector, VectorCredential, VectorParam, VectorRequest};

/// A venue and everything generated for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Venue {
    /// The venue id, the spec folder's name (`acme`).
    pub id: String,
    /// The human name (`ACME Exchange`).
    pub name: String,
    /// Docs URL.
    pub docs: Option<String>,
    /// Module doc.
    pub description: Option<String>,
    /// Environments in preference order.
    pub environments: Vec<Environment>,
    /// The success envelope, if the venue wraps payloads.
    pub envelope: Option<Envelope>,
    /// The error body struct (named `ErrorBody`).
    pub error_body: StructDef,
    /// JSON pointer and JSON text of the value that mark an error body at any status.
    pub error_discriminator: Option<(String, String)>,
    /// JSON pointer to the error code.
    pub error_code_pointer: String,
    /// JSON pointer to the error message.
    pub error_message_pointer: Option<String>,
    /// JSON pointer to an HTTP-like status in an error body.
    pub error_status_pointer: Option<String>,
    /// The documented error codes.
    pub error_codes: Vec<ErrorCodeInfo>,
    /// Errors signalled by HTTP status alone.
    pub error_statuses: Vec<StatusError>,
    /// JSON pointer and JSON text of the value that marks an error body under a 2xx status.
    pub error_rule: Option<(String, String)>,
    /// Message texts and the kind each gives an error.
    pub error_messages: Vec<(String, ErrorKind)>,
    /// Where rate-limit usage is reported.
    pub rate_limits: RateLimits,
    /// The WebSocket session log-on, if the venue has one.
    pub ws_session: Option<WsSession>,
    /// The constant members of every WebSocket request frame: name and JSON text.
    pub ws_frame: Vec<(String, String)>,
    /// Where the venue's time is read, if the spec says.
    pub clock: Option<ClockSource>,
    /// The error body template (compact JSON text), if the spec gives one.
    pub error_template: Option<String>,
    /// The signing recipe.
    pub signing: Signing,
    /// Types shared by the envelope and the error body.
    pub types: TypeRegistry,
    /// The venue's endpoints, sorted by id.
    pub endpoints: Vec<Endpoint>,
    /// The signing vectors of `vectors.yaml`, in file order.
    pub vectors: Vec<Vector>,
}

/// The signing recipe of a venue.
#[derive(Debug, Clone, PartialEq)]
pub struct Signing {
    /// The scheme in prose.
    pub summary: String,
    /// Declared credentials, in spec order.
    pub credentials: Vec<Credential>,
    /// Schemes, in preference order.
    pub schemes: Vec<Scheme>,
    /// The timestamp window, if the spec gives one.
    pub window: Option<WindowSpec>,
}

/// A declared credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// Name.
    pub name: String,
    /// Environment variable.
    pub env: String,
    /// Secret (redacted)?
    pub secret: bool,
    /// Doc.
    pub doc: String,
}

/// A validated scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct Scheme {
    /// Name.
    pub name: String,
    /// The recipe as written, each `add` marked `sensitive` when its value reads a secret
    /// credential.
    pub spec: crate::spec::SchemeSpec,
    /// Credentials it reads.
    pub credentials: Vec<String>,
}

/// Base URLs of one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// `production`
    pub name: String,
    /// REST base URL.
    pub rest: Option<String>,
    /// WebSocket API URL.
    pub ws: Option<String>,
    /// What it is for.
    pub doc: Option<String>,
    /// Headers sent with every request to it, in spec order.
    pub headers: Vec<(String, String)>,
}

/// The wrapper around payloads (generated as `Envelope<T>`).
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// Wire name of the payload member.
    pub payload_wire: String,
    /// Rust name of the payload member.
    pub payload_rust: String,
    /// Doc of the payload member.
    pub payload_doc: Option<String>,
    /// The other members.
    pub fields: Vec<Field>,
    /// Success rule: pointer and expected JSON value (serialised).
    pub success: Option<(String, String)>,
}

/// One documented error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCodeInfo {
    /// The code.
    pub code: ErrorCode,
    /// HTTP status.
    pub http: Option<u16>,
    /// Symbolic name.
    pub name: Option<String>,
    /// Messages.
    pub messages: Vec<String>,
    /// Common kind.
    pub kind: Option<ErrorKind>,
    /// Applies only to messages containing this text.
    pub message_contains: Option<String>,
}

/// An error signalled by HTTP status alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusError {
    /// The HTTP status.
    pub http: u16,
    /// Common kind.
    pub kind: ErrorKind,
    /// Which bodies it applies to.
    pub body: StatusBody,
}

/// Where rate-limit usage is reported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimits {
    /// JSON pointer into bodies.
    pub pointer: Option<String>,
    /// Response header names.
    pub headers: Vec<String>,
}

/// Where a client reads the venue's time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClockSource {
    /// The `Date` header of any HTTP answer.
    HttpDate,
    /// A REST time endpoint.
    Rest {
        /// `GET`.
        method: String,
        /// Path relative to the REST base URL.
        path: String,
        /// JSON pointer to the time.
        pointer: String,
        /// Its unit.
        unit: crate::spec::TimeUnitSpec,
    },
    /// A WebSocket API time method.
    Ws {
        /// The frame's `method`.
        method: String,
        /// JSON pointer to the time.
        pointer: String,
        /// Its unit.
        unit: crate::spec::TimeUnitSpec,
    },
}

/// A WebSocket session log-on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsSession {
    /// The log-on endpoint's id.
    pub logon: String,
    /// The scheme used once logged on.
    pub scheme: String,
    /// The key kind that triggers it.
    pub when_key: runtime_vocab::KeyKind,
}

/// One endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// `query_client_order` (also the module name).
    pub id: String,
    /// The docs' title.
    pub name: String,
    /// One line.
    pub summary: String,
    /// Docs URL.
    pub docs: Option<String>,
    /// Longer notes.
    pub description: Option<String>,
    /// Whether requests are signed.
    pub signed: bool,
    /// Rate limit text.
    pub rate_limit: Option<String>,
    /// Whether sending it twice is harmless.
    pub idempotent: bool,
    /// How it is reached.
    pub transport: Transport,
    /// Parameters the caller gives, in spec order.
    pub params: Vec<Param>,
    /// Parameters someone else fills in (documentation only for now).
    pub supplied: Vec<SuppliedParam>,
    /// Groups of parameter indices of which exactly one must be given.
    pub exactly_one_of: Vec<Vec<usize>>,
    /// Groups of parameter indices of which at least one must be given.
    pub at_least_one_of: Vec<Vec<usize>>,
    /// Groups of parameter indices given together or not at all.
    pub all_or_none_of: Vec<Vec<usize>>,
    /// Rust name of the record struct (the payload, or each item of a list payload).
    pub response_name: String,
    /// Whether the payload is the record or a list of records.
    pub shape: crate::spec::ResponseShape,
    /// JSON pointer, relative to the payload, of the record the unified order maps and a
    /// mock's `matches` read (`""`: the payload itself; `/0`: a list's first item).
    pub record_pointer: String,
    /// Types generated in the endpoint's module (payload struct, enums).
    pub types: TypeRegistry,
    /// The docs' examples.
    pub examples: Vec<ExampleInfo>,
    /// How the payload maps onto the unified `Order`, when it is an order.
    pub order: Option<OrderMap>,
    /// Payload-relative JSON pointers of the fields marked `scrub` (`*` steps into every
    /// array element), in spec order.
    pub scrub: Vec<String>,
    /// A successful response logs a WebSocket connection in (the venue's `ws.session.logon`).
    pub logon: bool,
}

/// How an endpoint is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// HTTP.
    Rest {
        /// `GET`
        method: String,
        /// Path template with `{name}` placeholders.
        path: String,
        /// How the body members are written.
        body: runtime_vocab::BodyFormat,
    },
    /// WebSocket API.
    Ws {
        /// `order.status`
        method: String,
    },
}

/// A parameter the caller gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Wire name.
    pub wire: String,
    /// Rust name (builder method and field).
    pub rust: String,
    /// Doc.
    pub doc: Option<String>,
    /// Type.
    pub ty: ParamTy,
    /// Where it travels.
    pub location: ParamLocation,
    /// Whether the request is refused without it.
    pub required: bool,
    /// The venue's default (JSON text), for the docs.
    pub default: Option<String>,
    /// Allowed interval for integers.
    pub range: Option<Range>,
    /// Minimum string length.
    pub min_length: Option<usize>,
    /// Maximum string length.
    pub max_length: Option<usize>,
    /// Erratum.
    pub erratum: Option<Erratum>,
    /// The response field (wire name) this parameter selects records by.
    pub matches: Option<String>,
}

/// A parameter filled in by the signer or transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuppliedParam {
    /// Wire name.
    pub wire: String,
    /// Where it travels.
    pub location: ParamLocation,
    /// Doc.
    pub doc: Option<String>,
}

/// Rust types of parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamTy {
    /// `String`
    String,
    /// `i64`
    I64,
    /// `u64`
    U64,
    /// `bool`
    Bool,
    /// `Decimal`
    Decimal,
    /// `Uuid`
    Uuid,
    /// A closed enum generated in the endpoint module.
    Enum(String),
    /// A list of scalars (`i64`, `u64` or `String`), sent as a JSON array.
    List(Box<ParamTy>),
}

/// An integer interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// Lower bound and whether it is included.
    pub min: Option<(i64, bool)>,
    /// Upper bound and whether it is included.
    pub max: Option<(i64, bool)>,
}

impl Range {
    /// Whether `v` lies inside.
    pub fn contains(&self, v: i64) -> bool {
        let lo = match self.min {
            Some((m, true)) => v >= m,
            Some((m, false)) => v > m,
            None => true,
        };
        let hi = match self.max {
            Some((m, true)) => v <= m,
            Some((m, false)) => v < m,
            None => true,
        };
        lo && hi
    }

    /// The docs' notation, `(0, 60000]`.
    pub fn notation(&self) -> String {
        let (open, lo) = match self.min {
            Some((m, true)) => ('[', m.to_string()),
            Some((m, false)) => ('(', m.to_string()),
            None => ('(', String::new()),
        };
        let (close, hi) = match self.max {
            Some((m, true)) => (']', m.to_string()),
            Some((m, false)) => (')', m.to_string()),
            None => (')', String::new()),
        };
        format!("{open}{lo}, {hi}{close}")
    }
}

/// A docs example, with its body as compact JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleInfo {
    /// Id.
    pub name: String,
    /// Success or error.
    pub kind: ExampleKind,
    /// Whole body or payload only.
    pub scope: ExampleScope,
    /// HTTP status.
    pub http_status: Option<u16>,
    /// Source.
    pub source: String,
    /// Remarks.
    pub note: Option<String>,
    /// For an error example, the kind it must be classified as.
    pub error_kind: Option<ErrorKind>,
    /// The body as JSON text.
    pub body: String,
}

/// Types of a module, by Rust name: deterministic order, and one definition per name.
pub type TypeRegistry = BTreeMap<String, TypeDef>;

/// A generated type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    /// A struct.
    Struct(StructDef),
    /// An enum with an `Unknown(String)` fallback.
    Enum(EnumDef),
}

/// A generated struct.
#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    /// Rust name.
    pub name: String,
    /// Doc.
    pub doc: Option<String>,
    /// Members in wire order.
    pub fields: Vec<Field>,
    /// The wire form is a JSON array of the members by index (a positional record), not an
    /// object.
    pub positional: bool,
    /// The members `fields` does not list, kept in a map field, if the spec says so.
    pub additional: Option<crate::spec::AdditionalSpec>,
}

/// A struct member.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Wire name.
    pub wire: String,
    /// Rust name.
    pub rust: String,
    /// Doc.
    pub doc: Option<String>,
    /// Type (without the `Option` wrappers).
    pub ty: Ty,
    /// May be absent.
    pub optional: bool,
    /// May be null.
    pub nullable: bool,
    /// Erratum.
    pub erratum: Option<Erratum>,
    /// What the strict schema promises beyond the type (sign, length).
    pub bounds: Bounds,
}

/// What the spec promises about a member's value beyond its wire type. Only the strict schema
/// checks it; the client parses values outside it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bounds {
    /// A decimal that is never negative.
    pub non_negative: bool,
    /// The shortest string, in characters.
    pub min_length: Option<usize>,
    /// The longest string, in characters.
    pub max_length: Option<usize>,
}

/// Rust types of response members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// `String`
    String,
    /// `i64`
    I64,
    /// `u64`
    U64,
    /// `bool`
    Bool,
    /// `Decimal` from a JSON string
    Decimal,
    /// `DecimalNumber` from a bare JSON number
    DecimalNumber,
    /// `DecimalNumberOrText`: a bare JSON number or one of these documented texts
    DecimalNumberOrText(Vec<String>),
    /// `u64` from a JSON string
    U64String,
    /// `TimestampMs`
    TimestampMs,
    /// `TimestampMsString`
    TimestampMsString,
    /// `TimestampS`
    TimestampS,
    /// `TimestampUs`
    TimestampUs,
    /// `TimestampRfc3339`
    TimestampRfc3339,
    /// `Uuid`
    Uuid,
    /// `serde_json::Value`
    Json,
    /// `runtime::wire::Id`: a string or integer request id
    Id,
    /// A generated type in the same module.
    Named(String),
    /// `Vec<T>`
    Vec(Box<Ty>),
}

/// A generated enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// Rust name.
    pub name: String,
    /// Doc.
    pub doc: Option<String>,
    /// Documented values.
    pub variants: Vec<Variant>,
    /// Whether unseen values are kept in an `Unknown(String)` variant (responses) or the enum is
    /// closed (request parameters, which must be valid before they are sent).
    pub open: bool,
}

/// One documented enum value.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Wire string.
    pub value: String,
    /// Rust variant name.
    pub ident: String,
    /// Doc.
    pub doc: Option<String>,
    /// Erratum.
    pub erratum: Option<Erratum>,
}
