//! What a client call returns when it does not return the response: [`VenueError`], and the
//! common [`ErrorKind`] a caller matches on whichever venue it talks to.
//!
//! - [`classify`]: decides from a venue's spec data (`VenueInfo`) whether a body is a success,
//!   and turns an error body (or an HTTP status alone) into a [`VenueError`];
//! - [`pointer`](mod@pointer): reads one member of a JSON body without building the whole tree.

pub mod classify;
pub mod pointer;

use std::fmt;
use std::time::Duration;

use super::decode::DecodeError;
use super::request::RequestError;
use super::signing::SignError;

/// The common kinds of failure, shared by all venues. The venue kinds (`NotFound` to
/// `Server`) come from the spec's code tables and HTTP statuses; the others from the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The record does not exist.
    NotFound,
    /// Bad key, signature or permissions.
    Auth,
    /// The timestamp is outside the venue's window.
    TimestampOutsideWindow,
    /// Too many requests (see [`VenueError::retry_after`]).
    RateLimited,
    /// Malformed request.
    InvalidRequest,
    /// Venue failure or maintenance.
    Server,
    /// The venue reported an error its spec does not classify.
    Unknown,
    /// A body that could not be decoded: malformed, truncated, HTML, or not of the expected
    /// shape (the raw body is kept).
    Decode,
    /// No answer in time (connecting, or waiting for the response).
    Timeout,
    /// The connection could not be made, or broke (reset, closed with the request in
    /// flight).
    Transport,
    /// The request was refused before it was sent (parameters the spec does not allow).
    Request,
    /// The request could not be signed (credentials, keys, scheme).
    Sign,
    /// The client could not be set up (unknown environment, invalid URL).
    Config,
    /// The venue banned this client (HTTP 418): it is not retried, and the client refuses
    /// further requests without sending them until the ban's `Retry-After` (or a default
    /// back-off) has passed (see [`VenueError::retry_after`]).
    Banned,
    /// The response was larger than the client's limit (`max_response_bytes`); the error
    /// keeps the first bytes (see [`DecodeFailure::too_large`]).
    TooLarge,
    /// The venue refused the timestamp and the client measured its clock off the venue's
    /// (see [`VenueError::clock_offset`]): correction is off, or the refusal persisted after
    /// correcting.
    ClockSkew,
}

impl ErrorKind {
    /// A short lower-case name (`not found`, `rate limited`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not found",
            ErrorKind::Auth => "authentication failed",
            ErrorKind::TimestampOutsideWindow => "timestamp outside the window",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::InvalidRequest => "invalid request",
            ErrorKind::Server => "venue failure",
            ErrorKind::Unknown => "unclassified venue error",
            ErrorKind::Decode => "undecodable response",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Transport => "transport failure",
            ErrorKind::Request => "request refused",
            ErrorKind::Sign => "signing failed",
            ErrorKind::Config => "client set-up failed",
            ErrorKind::Banned => "banned by the venue",
            ErrorKind::TooLarge => "response too large",
            ErrorKind::ClockSkew => "clock skew",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A venue's error code as it came on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireCode {
    /// A JSON integer (`50005`, `-2013`).
    Int(i64),
    /// A JSON string (`base-record-invalid`), or any other JSON value as its text.
    Str(String),
}

impl fmt::Display for WireCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireCode::Int(i) => write!(f, "{i}"),
            WireCode::Str(s) => f.write_str(s),
        }
    }
}

/// The venue answered, and the answer is an error.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// Venue id.
    pub venue: &'static str,
    /// Endpoint id.
    pub endpoint: &'static str,
    /// The common kind.
    pub kind: ErrorKind,
    /// The venue's code, when the body has one.
    pub code: Option<WireCode>,
    /// The code's symbolic name from the spec (`NO_SUCH_ORDER`).
    pub code_name: Option<&'static str>,
    /// The venue's message, when the body has one.
    pub message: Option<String>,
    /// The HTTP status, or the HTTP-like status inside a WebSocket error frame.
    pub http_status: Option<u16>,
    /// The body exactly as received (lossy UTF-8).
    pub raw: String,
    /// How long the venue asks to wait before trying again (`Retry-After`).
    pub retry_after: Option<Duration>,
    /// The venue's rate-limit usage reported with the error (raw JSON from the spec's
    /// `rate_limits.pointer`).
    pub rate_limits: Option<serde_json::Value>,
}

/// A body that could not be decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeFailure {
    /// Venue id.
    pub venue: &'static str,
    /// Endpoint id.
    pub endpoint: &'static str,
    /// The HTTP status it came with, if any.
    pub http_status: Option<u16>,
    /// What went wrong, with the raw body (for a body over the limit: its first bytes).
    pub error: DecodeError,
    /// Set when the body was over the client's limit, and not read past it.
    pub too_large: Option<TooLarge>,
}

/// A response over the client's size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge {
    /// The limit, in bytes.
    pub limit: u64,
    /// The `Content-Length` the venue sent, if any.
    pub announced: Option<u64>,
    /// How many bytes were read before stopping.
    pub received: u64,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.announced {
            Some(n) if n > self.limit => write!(
                f,
                "the response announces {n} bytes, over the limit of {} bytes; not read",
                self.limit
            ),
            _ => write!(
                f,
                "the response is over the limit of {} bytes; reading stopped at {} bytes",
                self.limit, self.received
            ),
        }
    }
}

/// How a transport failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The connection could not be made (refused, DNS, TLS handshake).
    Connect,
    /// Connecting took longer than the connect timeout.
    ConnectTimeout,
    /// No response within the request timeout.
    RequestTimeout,
    /// The connection was reset or closed before the response arrived.
    Closed,
    /// The connection (WebSocket, or HTTP once the request may have been sent) closed with
    /// the request in flight, and the request is not idempotent, so it was not re-sent: it
    /// may or may not have been executed.
    ClosedInFlight,
    /// The client was dropped or shut down.
    Shutdown,
    /// Anything else the HTTP or WebSocket stack reported (a protocol error).
    Other,
    /// The venue answered with a redirect (3xx), which is not followed: a signed request is
    /// never sent anywhere but where it was signed for. The message names where it pointed
    /// (without its query).
    Redirect,
    /// The TLS handshake failed (untrusted or invalid certificate, not TLS on the other end).
    Tls,
    /// The host name could not be resolved.
    Dns,
}

/// The request did not get an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    /// Venue id.
    pub venue: &'static str,
    /// Endpoint id.
    pub endpoint: &'static str,
    /// How it failed.
    pub kind: TransportKind,
    /// What the stack reported (never contains a credential).
    pub message: String,
    /// How many times the request was sent (or tried).
    pub attempts: u32,
}

/// The venue refused a timestamp, and the client measured how far its clock is off.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockSkewError {
    /// Venue id.
    pub venue: &'static str,
    /// Endpoint id.
    pub endpoint: &'static str,
    /// The venue's time minus the client's clock, in ms, as measured (positive: the client
    /// is behind).
    pub offset_ms: i64,
    /// Whether the offset was applied and the request re-sent (and refused again).
    pub corrected: bool,
    /// The venue's refusal (a `TimestampOutsideWindow` error).
    pub refusal: VenueError,
}

/// Why a client call did not return the response.
///
/// Match [`VenueError::kind`] for the common kinds; the variants keep the details.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VenueError {
    /// The venue answered with an error.
    #[error("{}", api(.0))]
    Api(Box<ApiError>),
    /// The body could not be decoded (the raw body is kept).
    #[error("{}", decode(.0))]
    Decode(Box<DecodeFailure>),
    /// No answer: connect failure, timeout, connection closed.
    #[error("{} {}: {} ({:?}, after {} attempt(s)): {}", .0.venue, .0.endpoint, kind_of(.0.kind).as_str(), .0.kind, .0.attempts, .0.message)]
    Transport(Box<TransportError>),
    /// The request was refused before it was sent.
    #[error("{venue} {endpoint}: request refused: {source}")]
    Request {
        /// Venue id.
        venue: &'static str,
        /// Endpoint id.
        endpoint: &'static str,
        /// Why.
        #[source]
        source: RequestError,
    },
    /// The request could not be signed.
    #[error("{venue} {endpoint}: cannot sign: {source}")]
    Sign {
        /// Venue id.
        venue: &'static str,
        /// Endpoint id.
        endpoint: &'static str,
        /// Why (never contains a secret).
        #[source]
        source: SignError,
    },
    /// The venue refused the timestamp and the client's clock is measured off the venue's.
    #[error("{}", skew(.0))]
    ClockSkew(Box<ClockSkewError>),
    /// The client could not be set up (unknown environment, invalid URL, TLS set-up).
    #[error("{venue}: cannot set up the client: {message}")]
    Config {
        /// Venue id.
        venue: &'static str,
        /// What is wrong.
        message: String,
    },
}

fn api(e: &ApiError) -> String {
    let mut s = format!("{} {}: {}", e.venue, e.endpoint, e.kind);
    if let Some(c) = &e.code {
        s.push_str(&format!(": code {c}"));
        if let Some(n) = e.code_name {
            s.push_str(&format!(" ({n})"));
        }
    }
    if let Some(m) = &e.message {
        s.push_str(&format!(": {}", super::decode::clip(m, MESSAGE_MAX)));
    }
    s.push_str(&status(e.http_status));
    if let Some(r) = e.retry_after {
        s.push_str(&format!(", retry after {} ms", r.as_millis()));
    }
    if e.code.is_none() && e.message.is_none() && !e.raw.is_empty() {
        s.push_str(&format!(" (body: {})", super::decode::preview(&e.raw)));
    }
    s
}

fn decode(d: &DecodeFailure) -> String {
    let what = match d.too_large {
        Some(_) => format!(
            "response too large: {} (first bytes: {})",
            d.error.message,
            super::decode::preview(&d.error.raw)
        ),
        None => d.error.to_string(),
    };
    format!(
        "{} {}: {what}{}",
        d.venue,
        d.endpoint,
        status(d.http_status)
    )
}

/// The longest venue message a `Display` shows (longer ones are cut, with their length).
const MESSAGE_MAX: usize = 512;

fn skew(e: &ClockSkewError) -> String {
    let (amount, way) = if e.offset_ms >= 0 {
        (e.offset_ms, "behind")
    } else {
        (e.offset_ms.saturating_neg(), "ahead of")
    };
    let what = if e.corrected {
        "refused again after correcting"
    } else {
        "correction is off"
    };
    format!(
        "{} {}: clock skew: the local clock is {amount} ms {way} the venue's (offset {:+} ms; {what}): {}",
        e.venue, e.endpoint, e.offset_ms, e.refusal
    )
}

fn status(s: Option<u16>) -> String {
    s.map(|s| format!(" [HTTP {s}]")).unwrap_or_default()
}

fn kind_of(t: TransportKind) -> ErrorKind {
    match t {
        TransportKind::ConnectTimeout | TransportKind::RequestTimeout => ErrorKind::Timeout,
        _ => ErrorKind::Transport,
    }
}

impl VenueError {
    /// The common kind, to match on.
    pub fn kind(&self) -> ErrorKind {
        match self {
            VenueError::Api(e) => e.kind,
            VenueError::Decode(d) if d.too_large.is_some() => ErrorKind::TooLarge,
            VenueError::Decode(_) => ErrorKind::Decode,
            VenueError::Transport(t) => kind_of(t.kind),
            VenueError::Request { .. } => ErrorKind::Request,
            VenueError::Sign { .. } => ErrorKind::Sign,
            VenueError::Config { .. } => ErrorKind::Config,
            VenueError::ClockSkew(_) => ErrorKind::ClockSkew,
        }
    }

    /// The venue's code, when it answered with one.
    pub fn code(&self) -> Option<&WireCode> {
        match self {
            VenueError::Api(e) => e.code.as_ref(),
            VenueError::ClockSkew(s) => s.refusal.code(),
            _ => None,
        }
    }

    /// The venue's message, when it answered with one.
    pub fn message(&self) -> Option<&str> {
        match self {
            VenueError::Api(e) => e.message.as_deref(),
            VenueError::ClockSkew(s) => s.refusal.message(),
            _ => None,
        }
    }

    /// The HTTP status (or a WebSocket frame's HTTP-like status), when there was an answer.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            VenueError::Api(e) => e.http_status,
            VenueError::Decode(d) => d.http_status,
            VenueError::ClockSkew(s) => s.refusal.http_status(),
            _ => None,
        }
    }

    /// The body exactly as received, when there was one.
    pub fn raw_body(&self) -> Option<&str> {
        match self {
            VenueError::Api(e) => Some(&e.raw),
            VenueError::Decode(d) => Some(&d.error.raw),
            VenueError::ClockSkew(s) => s.refusal.raw_body(),
            _ => None,
        }
    }

    /// How long the venue asked to wait before trying again.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            VenueError::Api(e) => e.retry_after,
            _ => None,
        }
    }

    /// The venue id.
    pub fn venue(&self) -> &'static str {
        match self {
            VenueError::Api(e) => e.venue,
            VenueError::Decode(d) => d.venue,
            VenueError::Transport(t) => t.venue,
            VenueError::ClockSkew(s) => s.venue,
            VenueError::Request { venue, .. }
            | VenueError::Sign { venue, .. }
            | VenueError::Config { venue, .. } => venue,
        }
    }

    /// The endpoint id (empty for a set-up error).
    pub fn endpoint(&self) -> &'static str {
        match self {
            VenueError::Api(e) => e.endpoint,
            VenueError::Decode(d) => d.endpoint,
            VenueError::Transport(t) => t.endpoint,
            VenueError::ClockSkew(s) => s.endpoint,
            VenueError::Request { endpoint, .. } | VenueError::Sign { endpoint, .. } => endpoint,
            VenueError::Config { .. } => "",
        }
    }

    /// The measured clock offset (the venue's time minus the client's clock, ms) of a
    /// [`ErrorKind::ClockSkew`] error.
    pub fn clock_offset(&self) -> Option<i64> {
        match self {
            VenueError::ClockSkew(s) => Some(s.offset_ms),
            _ => None,
        }
    }

    /// A transport failure.
    pub fn transport(
        venue: &'static str,
        endpoint: &'static str,
        kind: TransportKind,
        message: impl Into<String>,
        attempts: u32,
    ) -> Self {
        VenueError::Transport(Box::new(TransportError {
            venue,
            endpoint,
            kind,
            message: message.into(),
            attempts,
        }))
    }

    /// A decode failure.
    pub fn decode(
        venue: &'static str,
        endpoint: &'static str,
        http_status: Option<u16>,
        error: DecodeError,
    ) -> Self {
        VenueError::Decode(Box::new(DecodeFailure {
            venue,
            endpoint,
            http_status,
            error,
            too_large: None,
        }))
    }

    /// A body over the client's limit; `error.raw` keeps its first bytes.
    pub fn too_large(
        venue: &'static str,
        endpoint: &'static str,
        http_status: u16,
        error: DecodeError,
        too_large: TooLarge,
    ) -> Self {
        VenueError::Decode(Box::new(DecodeFailure {
            venue,
            endpoint,
            http_status: Some(http_status),
            error,
            too_large: Some(too_large),
        }))
    }

    /// A connection closed under a request that is not idempotent: its outcome is unknown
    /// ([`TransportKind::ClosedInFlight`]). Other errors are returned as they are.
    pub(crate) fn in_flight(mut self, idempotent: bool) -> Self {
        if let VenueError::Transport(t) = &mut self
            && t.kind == TransportKind::Closed
            && !idempotent
        {
            t.kind = TransportKind::ClosedInFlight;
        }
        self
    }

    /// Records how many attempts a transport failure took.
    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        if let VenueError::Transport(t) = &mut self {
            t.attempts = attempts;
        }
        self
    }
}
