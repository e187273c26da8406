//! Sending requests: HTTP ([`http`]), the WebSocket API ([`ws`]), when to retry
//! ([`retry`]), and when not to send at all ([`ban`]).

pub mod ban;
pub mod http;
pub mod retry;
pub mod ws;

use std::time::Duration;

/// Time limits of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Connecting (TCP, TLS, WebSocket handshake and session log-on).
    pub connect: Duration,
    /// One attempt of a request, from sending to the whole answer (for WebSocket requests,
    /// waiting for a connection included).
    pub request: Duration,
}

impl Default for Timeouts {
    /// 5 s to connect, 10 s per request.
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(10),
        }
    }
}

/// The default limit on a response body (HTTP) or message (WebSocket): 16 MiB. Change it
/// with `ClientBuilder::max_response_bytes`.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 << 20;
