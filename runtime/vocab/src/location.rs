//! Where a parameter travels.

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
