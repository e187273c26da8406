//! Where a parameter travels, and how an HTTP body is written.

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "spec",
    derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema),
    serde(rename_all = "snake_case")
)]
pub enum Location {
    /// In the REST path (`{name}` in the path template).
    Path,
    /// In the REST query string.
    Query,
    /// A member of the REST JSON body.
    Body,
    /// A member of the WebSocket request's `params`.
    WsParams,
    /// An HTTP header.
    Header,
}

/// How the members of an HTTP body (parameters `in: body`) are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "spec",
    derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema),
    serde(rename_all = "snake_case")
)]
pub enum BodyFormat {
    /// A compact JSON object, sent as `application/json`.
    #[default]
    Json,
    /// `name=value` pairs joined by `&`, in the order sent, names and values form-encoded
    /// (unreserved characters kept, a space as `+`, every other byte `%XX`), sent as
    /// `application/x-www-form-urlencoded`.
    Form,
}

impl BodyFormat {
    /// The `Content-Type` a body of this format is sent with.
    pub const fn content_type(self) -> &'static str {
        match self {
            BodyFormat::Json => "application/json",
            BodyFormat::Form => "application/x-www-form-urlencoded",
        }
    }

    /// Whether this is the default format (a spec leaves it out).
    pub fn is_json(&self) -> bool {
        *self == BodyFormat::Json
    }
}
