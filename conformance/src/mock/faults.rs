//! The fault switch: tests arm faults the mock then injects into requests or connections.
//!
//! ```no_run
//! # async fn demo() -> Result<(), conformance::mock::MockError> {
//! use std::time::Duration;
//! use conformance::mock::{Fault, FaultRule, MockConfig, MockVenue};
//!
//! let mock = MockVenue::start(MockConfig::default()).await?;
//! let venue = generated::VENUES[0].id; // any generated venue
//! // The venue's next two requests get a 429 with `Retry-After: 3`.
//! mock.faults().arm(FaultRule::new(Fault::RateLimited { retry_after_s: 3 }).venue(venue).requests(2));
//! // Every request on its next connection is delayed by 50 ms.
//! mock.faults().arm(FaultRule::new(Fault::Delay(Duration::from_millis(50))).venue(venue).connections(1));
//! # Ok(()) }
//! ```

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The answer is delayed by this long, then given as usual.
    Delay(Duration),
    /// HTTP 429 with `Retry-After: <retry_after_s>` and the venue's documented rate-limit body
    /// (on a WebSocket: the error frame, with status 429).
    RateLimited {
        /// Seconds in the `Retry-After` header.
        retry_after_s: u64,
    },
    /// The venue's documented server error (its status, or 500 when the docs give none).
    ServerError,
    /// The answer the request would get, with its status, but only the first half of its body.
    TruncatedBody,
    /// An HTML error page (`text/html`, 502), as a proxy in front of the venue sends.
    HtmlError,
    /// The TCP connection is reset without an answer.
    ConnectionReset,
    /// The WebSocket is closed after the request frame is read, without an answer
    /// (WebSocket requests only).
    WsCloseMidRequest,
    /// HTTP 418 (the client is banned) with `Retry-After: <retry_after_s>` and the venue's
    /// documented rate-limit body (on a WebSocket: the error frame, with status 418).
    Banned {
        /// Seconds in the `Retry-After` header.
        retry_after_s: u64,
    },
}

/// How many times a rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultScope {
    /// The next `n` matching requests (HTTP requests or WebSocket request frames).
    Requests(u32),
    /// Every matching request on each of the next `n` connections opened to a matching venue.
    Connections(u32),
}

/// A fault and where it applies. By default: the next request to any venue and endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// The fault.
    pub fault: Fault,
    /// Only this venue (by id).
    pub venue: Option<String>,
    /// Only this endpoint (by id).
    pub endpoint: Option<String>,
    /// How many times.
    pub scope: FaultScope,
}

impl FaultRule {
    /// `fault` on the next request.
    pub fn new(fault: Fault) -> Self {
        FaultRule {
            fault,
            venue: None,
            endpoint: None,
            scope: FaultScope::Requests(1),
        }
    }

    /// Only requests to this venue.
    pub fn venue(mut self, venue: impl Into<String>) -> Self {
        self.venue = Some(venue.into());
        self
    }

    /// Only requests to this endpoint.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The next `n` matching requests.
    pub fn requests(mut self, n: u32) -> Self {
        self.scope = FaultScope::Requests(n);
        self
    }

    /// Every matching request on each of the next `n` connections.
    pub fn connections(mut self, n: u32) -> Self {
        self.scope = FaultScope::Connections(n);
        self
    }

    fn remaining(&self) -> u32 {
        match self.scope {
            FaultScope::Requests(n) | FaultScope::Connections(n) => n,
        }
    }

    fn venue_matches(&self, venue: &str) -> bool {
        self.venue.as_deref().is_none_or(|v| v == venue)
    }
}

/// A connection's fault, taken when the connection was accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConnFault {
    pub(crate) fault: Fault,
    pub(crate) endpoint: Option<String>,
}

impl ConnFault {
    /// The fault, if it applies to a request to `endpoint` over this transport.
    pub(crate) fn for_request(&self, endpoint: &str, ws: bool) -> Option<Fault> {
        let applies = self.endpoint.as_deref().is_none_or(|e| e == endpoint)
            && (ws || self.fault != Fault::WsCloseMidRequest);
        applies.then(|| self.fault.clone())
    }
}

/// Armed faults, shared by every venue of a mock. Cloning shares the same switch.
#[derive(Debug, Clone, Default)]
pub struct FaultSwitch {
    inner: Arc<FaultState>,
}

#[derive(Debug, Default)]
struct FaultState {
    /// Rules with uses left; the counters let the hot path skip the lock when nothing is armed.
    rules: Mutex<Vec<FaultRule>>,
    request_rules: AtomicUsize,
    connection_rules: AtomicUsize,
}

impl FaultSwitch {
    /// Arms a rule. Rules apply in the order they were armed; a rule with a count of 0 does
    /// nothing.
    pub fn arm(&self, rule: FaultRule) {
        if rule.remaining() == 0 {
            return;
        }
        let counter = match rule.scope {
            FaultScope::Requests(_) => &self.inner.request_rules,
            FaultScope::Connections(_) => &self.inner.connection_rules,
        };
        let mut rules = self.lock();
        counter.fetch_add(1, Ordering::SeqCst);
        rules.push(rule);
    }

    /// Disarms every rule.
    pub fn clear(&self) {
        let mut rules = self.lock();
        rules.clear();
        self.inner.request_rules.store(0, Ordering::SeqCst);
        self.inner.connection_rules.store(0, Ordering::SeqCst);
    }

    /// The rules not used up yet, with their remaining counts.
    pub fn pending(&self) -> Vec<FaultRule> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FaultRule>> {
        // A panic while holding the lock leaves the list consistent (every change is one
        // push, remove or counter update), so a poisoned lock is still usable.
        self.inner
            .rules
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Takes one use of the first request rule matching a request to `venue`/`endpoint`.
    pub(crate) fn take_for_request(&self, venue: &str, endpoint: &str, ws: bool) -> Option<Fault> {
        if self.inner.request_rules.load(Ordering::Relaxed) == 0 {
            return None;
        }
        let mut rules = self.lock();
        let i = rules.iter().position(|r| {
            matches!(r.scope, FaultScope::Requests(_))
                && r.venue_matches(venue)
                && r.endpoint.as_deref().is_none_or(|e| e == endpoint)
                && (ws || r.fault != Fault::WsCloseMidRequest)
        })?;
        let fault = rules[i].fault.clone();
        if let FaultScope::Requests(n) = &mut rules[i].scope {
            *n -= 1;
            if *n == 0 {
                rules.remove(i);
                self.inner.request_rules.fetch_sub(1, Ordering::SeqCst);
            }
        }
        Some(fault)
    }

    /// Takes one use of the first connection rule matching a connection to `venue`.
    pub(crate) fn take_for_connection(&self, venue: &str) -> Option<ConnFault> {
        if self.inner.connection_rules.load(Ordering::Relaxed) == 0 {
            return None;
        }
        let mut rules = self.lock();
        let i = rules.iter().position(|r| {
            matches!(r.scope, FaultScope::Connections(_)) && r.venue_matches(venue)
        })?;
        let taken = ConnFault {
            fault: rules[i].fault.clone(),
            endpoint: rules[i].endpoint.clone(),
        };
        if let FaultScope::Connections(n) = &mut rules[i].scope {
            *n -= 1;
            if *n == 0 {
                rules.remove(i);
                self.inner.connection_rules.fetch_sub(1, Ordering::SeqCst);
            }
        }
        Some(taken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_rules_are_used_up_in_order_and_filtered() {
        let s = FaultSwitch::default();
        assert_eq!(s.take_for_request("htx", "e", false), None);
        s.arm(FaultRule::new(Fault::ServerError).venue("htx").requests(2));
        s.arm(FaultRule::new(Fault::HtmlError));
        s.arm(FaultRule::new(Fault::WsCloseMidRequest));
        assert_eq!(
            s.take_for_request("p99", "e", false),
            Some(Fault::HtmlError)
        );
        assert_eq!(
            s.take_for_request("htx", "e", false),
            Some(Fault::ServerError)
        );
        assert_eq!(
            s.take_for_request("htx", "e", false),
            Some(Fault::ServerError)
        );
        // A WebSocket-only fault is not taken by an HTTP request.
        assert_eq!(s.take_for_request("htx", "e", false), None);
        assert_eq!(
            s.take_for_request("htx", "e", true),
            Some(Fault::WsCloseMidRequest)
        );
        assert!(s.pending().is_empty());
    }

    #[test]
    fn endpoint_filter_and_connection_rules() {
        let s = FaultSwitch::default();
        s.arm(
            FaultRule::new(Fault::ConnectionReset)
                .endpoint("a")
                .connections(1),
        );
        assert_eq!(s.take_for_request("v", "a", false), None);
        let c = s.take_for_connection("v").unwrap();
        assert_eq!(c.for_request("b", false), None);
        assert_eq!(c.for_request("a", false), Some(Fault::ConnectionReset));
        assert_eq!(s.take_for_connection("v"), None);
        s.arm(FaultRule::new(Fault::ServerError).requests(0));
        assert!(s.pending().is_empty());
        s.arm(FaultRule::new(Fault::ServerError).requests(5));
        s.clear();
        assert_eq!(s.take_for_request("v", "a", false), None);
    }
}
