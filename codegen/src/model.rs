//! The resolved model: what the generator emits, with Rust names decided and every reference
//! checked. Built from the spec by [`crate::validate`].

use std::collections::BTreeMap;

use crate::spec::{
    Erratum, ErrorCode, ErrorKind, ErrorStatusSpec, ExampleKind, ExampleScope, ParamLocation,
    WindowSpec,
};

/// A venue and everything generated for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Venue {
    /// `bitmart`
    pub id: String,
    /// `BitMart`
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
    /// JSON pointer to the error code.
    pub error_code_pointer: String,
    /// JSON pointer to the error message.
    pub error_message_pointer: Option<String>,
    /// The documented error codes.
    pub error_codes: Vec<ErrorCodeInfo>,
    /// The error body template (compact JSON text), if the spec gives one.
    pub error_template: Option<String>,
    /// Errors signalled by an HTTP status alone.
    pub error_statuses: Vec<ErrorStatusSpec>,
    /// The signing recipe.
    pub signing: Signing,
    /// Types shared by the envelope and the error body.
    pub types: TypeRegistry,
    /// The venue's endpoints, sorted by id.
    pub endpoints: Vec<Endpoint>,
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
    /// The recipe as written.
    pub spec: crate::spec::SchemeSpec,
    /// Credentials it reads.
    pub credentials: Vec<String>,
    /// For each `add`, whether its value contains a secret credential.
    pub sensitive: Vec<bool>,
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
    /// How it is reached.
    pub transport: Transport,
    /// Parameters the caller gives, in spec order.
    pub params: Vec<Param>,
    /// Parameters someone else fills in (documentation only for now).
    pub supplied: Vec<SuppliedParam>,
    /// Groups of parameter indices of which exactly one must be given.
    pub exactly_one_of: Vec<Vec<usize>>,
    /// Rust name of the payload struct.
    pub response_name: String,
    /// Types generated in the endpoint's module (payload struct, enums).
    pub types: TypeRegistry,
    /// The docs' examples.
    pub examples: Vec<ExampleInfo>,
    /// A successful response logs a WebSocket connection in.
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
    /// `u64` from a JSON string
    U64String,
    /// `TimestampMs`
    TimestampMs,
    /// `TimestampS`
    TimestampS,
    /// `Uuid`
    Uuid,
    /// `serde_json::Value`
    Json,
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
