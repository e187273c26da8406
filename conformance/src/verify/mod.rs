//! What a venue's server checks of a request it receives: the signature, by re-running the
//! venue's signing recipe over what was received ([`RecipeVerifier`]), and the timestamp
//! window ([`check_timestamp_window`]).
//!
//! It reads an HTTP request ([`ReceivedHttp`]: method, URL, headers, body bytes) or a WebSocket
//! API frame's `params`, so the mock venue accepts or refuses requests as the venue would, for
//! any scheme a spec can declare. Signatures and tokens are compared in constant time; errors
//! ([`VerifyError`]) say what is wrong and never contain a secret.
//!
//! Verifiers written by hand from each venue's docs, independent of the recipe engine, live
//! with the tests (`conformance/tests/independent/`): they check the engine's signatures
//! against a second reading of the docs.
//!
//! | Module | Holds |
//! |---|---|
//! | `http` | the received request, its URL and query parsed exactly as sent |
//! | `recipe` | the recipe verifier |
//! | `window` | the timestamp window |

mod http;
mod recipe;
mod window;

pub use http::{QueryParam, ReceivedHttp, UrlParts, parse_query, percent_decode_strict, split_url};
pub use recipe::{Received, RecipeVerifier};
pub use window::{TimestampWindow, check_timestamp_window};

/// Why a request is refused. Never contains a secret (a secret, memo or token).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// A header the scheme needs is not sent.
    #[error("missing header `{0}`")]
    MissingHeader(&'static str),
    /// A header the scheme reads is sent more than once.
    #[error("header `{0}` is sent more than once")]
    DuplicateHeader(&'static str),
    /// A parameter the scheme needs is not sent.
    #[error("missing parameter `{0}`")]
    MissingParam(&'static str),
    /// A parameter the scheme reads is sent more than once.
    #[error("parameter `{0}` is sent more than once")]
    DuplicateParam(&'static str),
    /// A parameter whose value the scheme fixes has another value.
    #[error("parameter `{param}` must be `{expected}`")]
    UnexpectedValue {
        /// The parameter.
        param: &'static str,
        /// The only value accepted.
        expected: &'static str,
    },
    /// Something that cannot be read as the scheme describes it.
    #[error("malformed {what}: {reason}")]
    Malformed {
        /// What (`URL`, `X-BM-SIGN`, `WebSocket frame`).
        what: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// The request names an API key other than the one it is checked against.
    #[error("unknown API key")]
    UnknownApiKey,
    /// The signature is well-formed but does not match the request.
    #[error("signature does not match the request")]
    BadSignature,
    /// The bearer token is not the expected one.
    #[error("bearer token does not match")]
    BadToken,
    /// The timestamp is older than the receive window allows.
    #[error(
        "timestamp {timestamp_ms} is more than recvWindow {recv_window_ms} ms behind server time {now_ms}"
    )]
    TooOld {
        /// The request's timestamp (ms).
        timestamp_ms: i64,
        /// The server's time (ms).
        now_ms: i64,
        /// The receive window applied (ms).
        recv_window_ms: i64,
    },
    /// The timestamp is further ahead of the server's clock than allowed.
    #[error(
        "timestamp {timestamp_ms} is more than {max_ahead_ms} ms ahead of server time {now_ms}"
    )]
    TooFarAhead {
        /// The request's timestamp (ms).
        timestamp_ms: i64,
        /// The server's time (ms).
        now_ms: i64,
        /// How far ahead is allowed (ms).
        max_ahead_ms: i64,
    },
    /// The request's recvWindow is outside what the venue accepts.
    #[error("recvWindow {recv_window_ms} is outside (0, {max_ms}]")]
    RecvWindowOutOfRange {
        /// The recvWindow sent (ms).
        recv_window_ms: i64,
        /// The largest accepted (ms).
        max_ms: i64,
    },
}

/// A [`VerifyError::Malformed`].
pub fn malformed(what: &'static str, reason: &'static str) -> VerifyError {
    VerifyError::Malformed { what, reason }
}

/// What a verified request claimed, for the checks that follow (key permissions, timestamp
/// window).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The API key the request was signed for.
    pub api_key: String,
    /// The timestamp as sent, in the scheme's format (milliseconds, seconds, ISO 8601).
    pub timestamp: String,
    /// The `recvWindow` sent, wherever it travels (query, JSON body, WebSocket params), if any.
    pub recv_window_ms: Option<i64>,
}

impl Verified {
    /// The timestamp in milliseconds, when it is written in milliseconds.
    pub fn timestamp_ms(&self) -> Option<i64> {
        parse_millis(&self.timestamp)
    }
}

/// A non-negative integer written as ASCII digits (what the venues send as milliseconds).
pub fn parse_millis(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}
