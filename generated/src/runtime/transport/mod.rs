//! Sending requests: HTTP ([`http`]), the WebSocket API ([`ws`]), and when to retry
//! ([`retry`]).

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
