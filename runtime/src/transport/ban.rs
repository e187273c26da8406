//! Respecting a venue's ban: after an answer of kind [`ErrorKind::Banned`] (HTTP 418, or an
//! HTTP-like 418 in a WebSocket error frame), a client sends nothing more until the ban's
//! `Retry-After` has passed, or [`DEFAULT_BAN_BACKOFF`] when the venue sent none. A request
//! made before then is refused locally with the same kind and the time left as its
//! [`VenueError::retry_after`].

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::{ApiError, ErrorKind, VenueError};

/// How long a client waits after a ban that came without `Retry-After`: 60 s.
pub const DEFAULT_BAN_BACKOFF: Duration = Duration::from_secs(60);

/// When a client may send again. Shared by the clones of a client.
#[derive(Debug)]
pub struct BanGate {
    until: Mutex<Option<Instant>>,
    backoff: Duration,
}

impl BanGate {
    /// A gate that waits `backoff` after a ban without `Retry-After`.
    pub fn new(backoff: Duration) -> Self {
        BanGate {
            until: Mutex::new(None),
            backoff,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        // The value is one `Option<Instant>`: consistent even after a panic elsewhere.
        self.until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `Ok` when requests may be sent; else the refusal, of kind [`ErrorKind::Banned`].
    pub fn check(&self, venue: &'static str, endpoint: &'static str) -> Result<(), VenueError> {
        let mut until = self.lock();
        let Some(at) = *until else { return Ok(()) };
        let now = Instant::now();
        if now >= at {
            *until = None;
            return Ok(());
        }
        let left = at - now;
        Err(VenueError::Api(Box::new(ApiError {
            venue,
            endpoint,
            kind: ErrorKind::Banned,
            code: None,
            code_name: None,
            message: Some(format!(
                "not sent: the venue banned this client; {} ms left",
                left.as_millis()
            )),
            http_status: None,
            raw: String::new(),
            retry_after: Some(left),
            rate_limits: None,
        })))
    }

    /// Notes a ban, if `err` is one.
    pub fn observe(&self, err: &VenueError) {
        if err.kind() != ErrorKind::Banned || err.http_status().is_none() {
            return;
        }
        let at = Instant::now() + err.retry_after().unwrap_or(self.backoff);
        let mut until = self.lock();
        *until = Some(until.map_or(at, |u| u.max(at)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn banned(status: Option<u16>, retry_after: Option<Duration>) -> VenueError {
        VenueError::Api(Box::new(ApiError {
            venue: "v",
            endpoint: "e",
            kind: ErrorKind::Banned,
            code: None,
            code_name: None,
            message: None,
            http_status: status,
            raw: String::new(),
            retry_after,
            rate_limits: None,
        }))
    }

    #[tokio::test(start_paused = true)]
    async fn refuses_until_the_ban_ends() {
        let gate = BanGate::new(Duration::from_secs(60));
        assert!(gate.check("v", "e").is_ok());
        // A local refusal (no status) does not extend the ban.
        gate.observe(&banned(None, Some(Duration::from_secs(999))));
        assert!(gate.check("v", "e").is_ok());

        gate.observe(&banned(Some(418), Some(Duration::from_secs(2))));
        let err = gate.check("v", "e").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Banned);
        assert_eq!(err.retry_after(), Some(Duration::from_secs(2)));
        tokio::time::advance(Duration::from_millis(1500)).await;
        assert_eq!(
            gate.check("v", "e").unwrap_err().retry_after(),
            Some(Duration::from_millis(500))
        );
        tokio::time::advance(Duration::from_millis(500)).await;
        assert!(gate.check("v", "e").is_ok());

        // Without Retry-After: the default back-off.
        gate.observe(&banned(Some(418), None));
        tokio::time::advance(Duration::from_secs(59)).await;
        assert!(gate.check("v", "e").is_err());
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(gate.check("v", "e").is_ok());
    }
}
