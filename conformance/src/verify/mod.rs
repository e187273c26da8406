//! A signature verifier, written from the venues' docs and independent of the project's
//! signer (`generated::runtime::signing` is not used here).
//!
//! It checks what a venue's server receives: an HTTP request ([`ReceivedHttp`]: method, URL,
//! headers, body bytes) or a WebSocket API frame (a JSON value), so a mock venue can use it to
//! accept or refuse requests exactly as the venue would.
//!
//! | Venue | Function | What is signed |
//! |---|---|---|
//! | BitMart | [`verify_bitmart`] | `X-BM-TIMESTAMP + "#" + memo + "#" + body`, lower-case hex HMAC-SHA256 in `X-BM-SIGN` |
//! | HTX | [`verify_htx`] | `METHOD\nhost\npath\ncanonical query`, base64 HMAC-SHA256 in the `Signature` parameter |
//! | Binance USDⓈ-M WebSocket API | [`verify_binance_ws_hmac`], [`verify_binance_ws_ed25519`] | the sorted `params` (except `signature`) as `k=v&...` |
//! | p99 | [`verify_p99_hmac`], [`verify_p99_bearer`] | the query string before `&signature=`, then the body |
//!
//! Signatures and tokens are compared in constant time. Hex signatures must be lower-case, as
//! the docs write them (stricter than Binance's servers, which also take upper-case hex).
//! Errors ([`VerifyError`]) say what is wrong and never contain a secret.
//!
//! [`check_timestamp_window`] checks a request's timestamp against the server's clock.
//!
//! The HMAC verifiers take an [`HmacKey`] (borrowed key and secret) or a [`PreparedHmacKey`],
//! whose HMAC key state is computed once, for a server checking many requests (the mock).
//!
//! | Module | Holds |
//! |---|---|
//! | `http` | the received request, its URL and query parsed exactly as sent |
//! | `keys` | HMAC keys and the constant-time checks |
//! | `memo_hmac` | timestamp, memo and body joined by `#` (BitMart) |
//! | `canonical_query` | method, host, path and canonical query (HTX) |
//! | `ws_params` | a WebSocket frame's sorted params (Binance) |
//! | `query_body` | the query before the signature, then the body; a bearer token (p99) |
//! | `window` | the timestamp window |

mod canonical_query;
mod http;
mod keys;
mod memo_hmac;
mod query_body;
mod recipe;
mod window;
mod ws_params;

#[cfg(test)]
mod tests;

pub use canonical_query::{htx_string_to_sign, verify_htx};
pub use http::ReceivedHttp;
pub use keys::{HmacKey, HmacSecret, PreparedHmacKey};
pub use memo_hmac::verify_bitmart;
pub use query_body::{verify_p99_bearer, verify_p99_hmac};
pub use recipe::{Received, RecipeVerifier};
pub use window::{TimestampWindow, check_timestamp_window};
pub use ws_params::{
    binance_ws_payload, parse_ws_frame, verify_binance_ws_ed25519, verify_binance_ws_hmac,
};

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

fn malformed(what: &'static str, reason: &'static str) -> VerifyError {
    VerifyError::Malformed { what, reason }
}

/// What a verified request claimed, for the checks that follow (key permissions, timestamp
/// window).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The API key the request was signed for.
    pub api_key: String,
    /// The timestamp as sent: milliseconds for BitMart, Binance and p99; UTC
    /// `YYYY-MM-DDThh:mm:ss` for HTX.
    pub timestamp: String,
    /// The `recvWindow` sent (Binance, p99; BitMart's JSON body), if any.
    pub recv_window_ms: Option<i64>,
}

impl Verified {
    /// The timestamp in milliseconds, when it is written in milliseconds (not for HTX).
    pub fn timestamp_ms(&self) -> Option<i64> {
        parse_millis(&self.timestamp)
    }
}

/// A non-negative integer written as ASCII digits (what the venues send as milliseconds).
fn parse_millis(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}
