//! The client behind every generated `Client`: it signs, sends, retries, classifies and
//! decodes, for any venue, from the venue's spec data (`VenueInfo`, `EndpointInfo`).
//!
//! A generated method is one line: `self.0.call(&endpoint::INFO, request,
//! endpoint::parse_payload)`. The request is an [`Outgoing`]: a generated `Request` signs
//! itself with the function generated for its endpoint and the signer's scheme (what
//! `Request::sign` runs), so the client and a direct caller sign the same way.
//! [`ClientCore::call_json`] does the same from an endpoint id and text parameters, for tools
//! that name no venue (`conformance query`); its wire request is signed by the engine.
//!
//! - [`builder`]: [`ClientBuilder`], and what `build` prepares once;
//! - `send`: one attempt over REST or WebSocket, retries, the answer classified and decoded;
//! - [`outgoing`]: [`Outgoing`], what the client asks of a request;
//! - `skew`: the venue's clock, measured and corrected.
//!
//! Per attempt the request is signed anew (a fresh timestamp), sent, and the answer
//! classified ([`classify`](crate::error::classify)); a failure is retried as the [`RetryPolicy`] says. Everything
//! costly is done once, when the client is built: the signers (key schedules), the HTTP
//! client, the WebSocket connection (shared by all requests).
//!
//! A generated venue's `Client` wraps a [`ClientCore`]: `docs/sending-requests.md` shows one in
//! use (built from the environment, a typed request, errors by kind, the reply with its
//! attempts and rate limits); its examples compile as doc tests of the `generated` crate.

use std::fmt;
use std::sync::Arc;

use crate::decode::DecodeError;
use crate::error::VenueError;
use crate::registry::{EndpointInfo, VenueInfo};
use crate::signing::{SignError, Signer};
use crate::transport::Timeouts;
use crate::transport::ban::BanGate;
use crate::transport::http::HttpTransport;
use crate::transport::retry::RetryPolicy;
use crate::transport::ws::{WsStats, WsTransport};

pub mod builder;
pub mod outgoing;
mod send;
mod skew;

pub use builder::ClientBuilder;
pub use outgoing::Outgoing;
pub use skew::{ClockCorrection, OffsetClock, offset_ms, parse_http_date, read_time};

/// A response and what came with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply<T> {
    /// The payload (the envelope unwrapped).
    pub value: T,
    /// The HTTP status (`None` over WebSocket).
    pub http_status: Option<u16>,
    /// How many attempts it took.
    pub attempts: u32,
    /// The venue's rate-limit usage from the body, as raw JSON (at the spec's
    /// `rate_limits.pointer`, such as a `rateLimits` member of the envelope).
    pub rate_limits: Option<serde_json::Value>,
    /// The venue's rate-limit headers that were sent (`rate_limits.headers`), as
    /// `(name, value)`.
    pub headers: Vec<(String, String)>,
    /// The clock offset (ms) this call measured and applied after the venue refused its
    /// timestamp (see [`ClockCorrection`]).
    pub clock_offset: Option<i64>,
}

/// A venue client: cheap to clone (clones share the HTTP client, the WebSocket connection
/// and the signers).
#[derive(Clone)]
pub struct ClientCore(Arc<Inner>);

struct Inner {
    venue: &'static VenueInfo,
    rest_url: Option<String>,
    /// The environment's headers, sent with every REST request (after signing).
    rest_headers: &'static [(&'static str, &'static str)],
    http: Option<HttpTransport>,
    ws: Option<WsTransport>,
    rest_signer: Result<Signer, SignError>,
    ws_signer: Result<Signer, SignError>,
    /// Signs requests on a logged-on WebSocket connection.
    session_signer: Option<Signer>,
    unsigned_rest: Signer,
    unsigned_ws: Signer,
    /// The builder's clock plus the measured offset; every signer reads it.
    clock: Arc<OffsetClock>,
    clock_correction: ClockCorrection,
    retry: RetryPolicy,
    timeouts: Timeouts,
    /// Refuses requests while the venue's ban lasts.
    ban: BanGate,
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &*self.0;
        let scheme = |s: &Result<Signer, SignError>| s.as_ref().map(|s| s.scheme().name).ok();
        f.debug_struct("Client")
            .field("venue", &i.venue.id)
            .field("rest_url", &i.rest_url)
            .field("rest_scheme", &scheme(&i.rest_signer))
            .field("ws_scheme", &scheme(&i.ws_signer))
            .field("session", &i.session_signer.is_some())
            .field("timeouts", &i.timeouts)
            .field("retry", &i.retry)
            .finish_non_exhaustive()
    }
}

impl ClientCore {
    /// The venue.
    pub fn venue(&self) -> &'static VenueInfo {
        self.0.venue
    }

    /// The WebSocket traffic counters (`None` without a WebSocket connection).
    pub fn ws_stats(&self) -> Option<WsStats> {
        self.0.ws.as_ref().map(WsTransport::stats)
    }

    /// Sends a request and returns its payload.
    pub async fn call<T>(
        &self,
        endpoint: &'static EndpointInfo,
        request: &dyn Outgoing,
        decode: fn(&[u8]) -> Result<T, DecodeError>,
    ) -> Result<T, VenueError> {
        self.send_synced(endpoint, request, decode, false)
            .await
            .map(|r| r.value)
    }

    /// Sends a request and returns its payload with the status, attempts and rate limits.
    pub async fn call_reply<T>(
        &self,
        endpoint: &'static EndpointInfo,
        request: &dyn Outgoing,
        decode: fn(&[u8]) -> Result<T, DecodeError>,
    ) -> Result<Reply<T>, VenueError> {
        self.send_synced(endpoint, request, decode, true).await
    }

    /// Sends a request to the endpoint with id `endpoint`, built from wire names and text
    /// values as `Request::from_params` builds it, and returns the typed payload serialised
    /// back to JSON.
    pub async fn call_json(
        &self,
        endpoint: &str,
        params: &[(&str, &str)],
    ) -> Result<Reply<serde_json::Value>, VenueError> {
        let venue = self.0.venue;
        let ep = venue.endpoint(endpoint).ok_or_else(|| VenueError::Config {
            venue: venue.id,
            message: format!(
                "unknown endpoint `{endpoint}` (this venue has: {})",
                venue
                    .endpoints
                    .iter()
                    .map(|e| e.id)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })?;
        let wire = (ep.build)(params).map_err(|source| VenueError::Request {
            venue: venue.id,
            endpoint: ep.id,
            source,
        })?;
        self.send_synced(ep, &wire, ep.payload_json, true).await
    }
}
