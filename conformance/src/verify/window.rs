//! Timestamp windows: how far a request's timestamp may be from the server's clock.

use super::VerifyError;

/// How far a request's timestamp may be from the server's clock.
///
/// A request is accepted iff `now - recvWindow <= timestamp <= now + max_ahead_ms`, where
/// `recvWindow` is the request's own (which must lie in `(0, max_recv_window_ms]`) or
/// `default_recv_window_ms` when it sends none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestampWindow {
    /// The recvWindow applied when the request sends none (ms).
    pub default_recv_window_ms: i64,
    /// The largest recvWindow a request may send (ms).
    pub max_recv_window_ms: i64,
    /// How far ahead of the server's clock a timestamp may be (ms).
    pub max_ahead_ms: i64,
}

/// Checks a request's timestamp against the server's clock.
///
/// - `now_ms`: the server's time, ms since the Unix epoch;
/// - `timestamp_ms`: the request's timestamp, same unit;
/// - `recv_window_ms`: the request's recvWindow, `None` when it sends none;
/// - `window`: the venue's rule (its spec's `window`).
///
/// Accepts iff `now_ms - recvWindow <= timestamp_ms <= now_ms + window.max_ahead_ms` (both
/// bounds inclusive, computed without overflow).
pub fn check_timestamp_window(
    now_ms: i64,
    timestamp_ms: i64,
    recv_window_ms: Option<i64>,
    window: &TimestampWindow,
) -> Result<(), VerifyError> {
    let recv_window = recv_window_ms.unwrap_or(window.default_recv_window_ms);
    if recv_window <= 0 || recv_window > window.max_recv_window_ms {
        return Err(VerifyError::RecvWindowOutOfRange {
            recv_window_ms: recv_window,
            max_ms: window.max_recv_window_ms,
        });
    }
    let (now, ts) = (i128::from(now_ms), i128::from(timestamp_ms));
    if ts < now - i128::from(recv_window) {
        return Err(VerifyError::TooOld {
            timestamp_ms,
            now_ms,
            recv_window_ms: recv_window,
        });
    }
    if ts > now + i128::from(window.max_ahead_ms) {
        return Err(VerifyError::TooFarAhead {
            timestamp_ms,
            now_ms,
            max_ahead_ms: window.max_ahead_ms,
        });
    }
    Ok(())
}
