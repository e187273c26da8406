//! `clock` in a venue file: where a client reads the venue's time, to measure how far its own
//! clock is off.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::endpoint::{RestTransport, WsTransport};

/// Where the venue's time comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockSpec {
    /// `http_date`: the `Date` header of any HTTP answer (1 s resolution); `endpoint`: a time
    /// endpoint (`rest` or `ws`, `pointer`, `unit`).
    pub source: ClockSourceSpec,
    /// The time endpoint over HTTP (`GET`, a path relative to the REST base URL, no
    /// placeholders). Only with `source: endpoint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest: Option<RestTransport>,
    /// The time method of the WebSocket API. Only with `source: endpoint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ws: Option<WsTransport>,
    /// JSON pointer to the server time in the time endpoint's answer (`/data/server_time`).
    /// Only with `source: endpoint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// The unit of that value (a JSON integer, or an integer in a string). Only with
    /// `source: endpoint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<TimeUnitSpec>,
    /// Where the docs say so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

/// The kind of time source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClockSourceSpec {
    /// The `Date` header of any HTTP answer (RFC 9110 IMF-fixdate, whole seconds).
    HttpDate,
    /// A time endpoint, REST or WebSocket.
    Endpoint,
}

/// The unit of a time value since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnitSpec {
    /// Seconds.
    S,
    /// Milliseconds.
    Ms,
    /// Microseconds.
    Us,
}
