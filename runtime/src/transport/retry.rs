//! When to try a request again, and how long to wait first.
//!
//! Only what cannot have done harm is retried: a request that never left (the connection
//! could not be made, the name not resolved, the TLS handshake failed) always; an idempotent
//! one (a query) also after a rate limit (429), a venue failure (5xx, or a venue code of kind
//! `server`), a timeout or a dropped connection. A ban (418), a redirect and a body over the
//! size limit are never retried. The wait grows exponentially from `base_delay` up to `max_delay`, with jitter
//! unless turned off (tests), and is at least what the venue asked for in `Retry-After`. A
//! `Retry-After` longer than `max_retry_after` is not waited for: the error is returned with
//! it.

use std::cell::Cell;
use std::time::{Duration, SystemTime};

use crate::error::{ErrorKind, TransportKind, VenueError};

/// How often and how patiently a client retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1: never retry).
    pub max_attempts: u32,
    /// The wait before the first retry; it doubles for each further one.
    pub base_delay: Duration,
    /// The longest computed wait.
    pub max_delay: Duration,
    /// Whether waits are randomised (between half and all of the computed wait), so that
    /// many clients do not retry in step. Off: waits are exact, for tests.
    pub jitter: bool,
    /// The longest `Retry-After` a client waits for; a longer one is returned to the caller.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts, 100 ms doubling up to 2 s, with jitter; `Retry-After` up to 10 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
            jitter: true,
            max_retry_after: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The computed wait before retry number `retry` (1 for the first), without jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// How long to wait before retry number `retry`, given the venue's `Retry-After`;
    /// `None` when that is longer than [`RetryPolicy::max_retry_after`].
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if retry_after.is_some_and(|r| r > self.max_retry_after) {
            return None;
        }
        let mut wait = self.backoff(retry);
        if self.jitter && !wait.is_zero() {
            let half = wait / 2;
            let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
            wait = half + Duration::from_nanos(random() % nanos.saturating_add(1));
        }
        Some(wait.max(retry_after.unwrap_or_default()))
    }

    /// The wait before another attempt at a request that failed with `err` after `attempts`
    /// attempts; `None` when it must not (or need not) be retried.
    pub fn next(&self, err: &VenueError, idempotent: bool, attempts: u32) -> Option<Duration> {
        if attempts >= self.max_attempts || !retryable(err, idempotent) {
            return None;
        }
        self.delay(attempts, err.retry_after())
    }
}

/// Whether a failure may be retried: a request that was never sent always; an idempotent one
/// after a rate limit, a venue failure, a timeout or a dropped connection.
pub fn retryable(err: &VenueError, idempotent: bool) -> bool {
    match err {
        VenueError::Transport(t) => match t.kind {
            TransportKind::Connect
            | TransportKind::ConnectTimeout
            | TransportKind::Dns
            | TransportKind::Tls => true,
            TransportKind::RequestTimeout | TransportKind::Closed | TransportKind::Other => {
                idempotent
            }
            _ => false,
        },
        VenueError::Decode(d) if d.too_large.is_some() => false,
        VenueError::Api(_) | VenueError::Decode(_) => {
            idempotent
                && err.kind() != ErrorKind::Banned
                && err.http_status() != Some(418)
                && (matches!(err.kind(), ErrorKind::RateLimited | ErrorKind::Server)
                    || err
                        .http_status()
                        .is_some_and(|s| s == 429 || (500..600).contains(&s)))
        }
        _ => false,
    }
}

/// Reads a `Retry-After` value: seconds (`120`) or an HTTP date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`, counted from `now`; a date in the past is zero).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::UNIX_EPOCH
        + Duration::from_millis(u64::try_from(date.timestamp_millis()).ok()?);
    Some(at.duration_since(now).unwrap_or_default())
}

thread_local! {
    static SEED: Cell<u64> = Cell::new({
        let t = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        (t ^ (&t as *const u64 as u64)) | 1
    });
}

/// A xorshift step: cheap, and random enough to spread retries.
fn random() -> u64 {
    SEED.with(|s| {
        let mut x = s.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        x
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ApiError, WireCode};

    fn exact() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(700),
            jitter: false,
            max_retry_after: Duration::from_secs(5),
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = exact();
        let waits: Vec<_> = (1..=6).map(|r| p.backoff(r).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 700, 700, 700]);
        assert_eq!(p.backoff(200), Duration::from_millis(700));
    }

    #[test]
    fn retry_after_is_honoured_and_bounded() {
        let p = exact();
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(2))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            p.delay(3, Some(Duration::from_millis(10))),
            Some(Duration::from_millis(400))
        );
        assert_eq!(p.delay(1, Some(Duration::from_secs(6))), None);
    }

    #[test]
    fn jitter_stays_between_half_and_all() {
        let p = RetryPolicy {
            jitter: true,
            ..exact()
        };
        for _ in 0..1000 {
            let d = p.delay(3, None).unwrap();
            assert!(
                d >= Duration::from_millis(200) && d <= Duration::from_millis(400),
                "{d:?}"
            );
        }
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        // 2015-10-21T07:28:00Z is 1445412480.
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    fn api(kind: ErrorKind, status: u16) -> VenueError {
        VenueError::Api(Box::new(ApiError {
            venue: "v",
            endpoint: "e",
            kind,
            code: Some(WireCode::Int(1)),
            code_name: None,
            message: None,
            http_status: Some(status),
            raw: String::new(),
            retry_after: None,
            rate_limits: None,
        }))
    }

    #[test]
    fn what_is_retried() {
        let t = |k| VenueError::transport("v", "e", k, "x", 1);
        // Never sent: always.
        assert!(retryable(&t(TransportKind::Connect), false));
        assert!(retryable(&t(TransportKind::ConnectTimeout), false));
        // Maybe executed: only queries.
        for k in [TransportKind::RequestTimeout, TransportKind::Closed] {
            assert!(retryable(&t(k), true));
            assert!(!retryable(&t(k), false));
        }
        assert!(!retryable(&t(TransportKind::ClosedInFlight), true));
        assert!(!retryable(&t(TransportKind::Shutdown), true));
        assert!(retryable(&t(TransportKind::Dns), false));
        assert!(retryable(&t(TransportKind::Tls), false));
        assert!(!retryable(&t(TransportKind::Redirect), true));
        // A ban is never retried, whatever its kind says.
        assert!(!retryable(&api(ErrorKind::Banned, 418), true));
        assert!(!retryable(&api(ErrorKind::RateLimited, 418), true));
        let too_large = VenueError::too_large(
            "v",
            "e",
            503,
            crate::decode::DecodeError::new("big", ""),
            crate::error::TooLarge {
                limit: 1,
                announced: None,
                received: 2,
            },
        );
        assert!(!retryable(&too_large, true));
        assert!(retryable(&api(ErrorKind::RateLimited, 429), true));
        assert!(retryable(&api(ErrorKind::Server, 200), true));
        assert!(retryable(&api(ErrorKind::Unknown, 503), true));
        assert!(!retryable(&api(ErrorKind::RateLimited, 429), false));
        for k in [
            ErrorKind::NotFound,
            ErrorKind::Auth,
            ErrorKind::InvalidRequest,
            ErrorKind::TimestampOutsideWindow,
        ] {
            assert!(!retryable(&api(k, 400), true), "{k:?}");
        }
        // Attempts run out.
        let p = exact();
        assert!(p.next(&api(ErrorKind::Server, 500), true, 4).is_some());
        assert!(p.next(&api(ErrorKind::Server, 500), true, 5).is_none());
    }
}
