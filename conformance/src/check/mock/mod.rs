//! `conformance check` against the embedded mock venue: for every signed endpoint, requests go
//! through the generated client (`ClientCore::call_json`, as `conformance query` sends them:
//! signed, over loopback sockets, classified and decoded) to the mock, and each outcome must be
//! what the docs say.
//!
//! | Scenario | Request | Outcome |
//! |---|---|---|
//! | docs order | the order of the docs' success example | the payload of that example |
//! | unknown order | another value of the selecting parameter (`matches`) | a `NotFound` error the venue documents |
//! | wrong secret | signed with another secret | an `Auth` error the venue documents |
//! | stale timestamp | the client's clock 10 minutes behind | a `TimestampOutsideWindow` error the venue documents (or `Auth` where the venue documents nothing of its own) |
//!
//! An error is "documented with kind K" when the client classifies it as K, its body's code is
//! in the venue's codes table (with that HTTP status, if the table gives one) and the body
//! parses as the venue's error body; or, for an empty body, when the venue lists a
//! status-only error of kind K with that status.
//!
//! Then the round trips, each with a fault injected by the mock into one request:
//!
//! | Round trip | Fault | Outcome |
//! |---|---|---|
//! | 429 -> ok | 429 with `Retry-After: 1` | the docs' payload after 2 attempts, not before the second (REST) |
//! | 500 -> ok | the venue's documented server error | the docs' payload after 2 attempts |
//! | reset -> ok | the TCP connection reset | the docs' payload after 2 attempts |
//! | truncated | the answer cut in half | a `Decode` error keeping the cut body |
//! | html | a proxy's HTML 502 page (HTTP only) | a `Decode` error keeping the page |

mod case;
mod render;

use std::time::Duration;

use generated::runtime::registry::VenueInfo;

use crate::mock::MockHandle;
use case::{Case, docs_success, order_params};

pub use render::render;

/// The scenarios of the first table, in column order.
pub const SCENARIOS: [&str; 4] = [
    "docs order",
    "unknown order",
    "wrong secret",
    "stale timestamp",
];

/// The round trips of the second table, in column order.
pub const ROUND_TRIPS: [&str; 5] = ["429 -> ok", "500 -> ok", "reset -> ok", "truncated", "html"];

/// What the `Retry-After` of the injected 429 asks for (seconds).
const RETRY_AFTER_S: u64 = 1;

/// The outcome of one scenario and how long it took (all attempts included).
#[derive(Debug, Clone)]
pub struct Cell {
    /// `Err` says what was wrong.
    pub outcome: Result<(), String>,
    /// From the call to its result.
    pub took: Duration,
}

/// The outcome of one endpoint against the mock.
#[derive(Debug, Clone)]
pub struct MockRow {
    /// Venue id.
    pub venue: &'static str,
    /// Endpoint id.
    pub endpoint: &'static str,
    /// One cell per scenario of [`SCENARIOS`]; `None` when it does not apply (an endpoint
    /// without a selecting parameter has no unknown order).
    pub outcomes: Vec<Option<Cell>>,
    /// One cell per round trip of [`ROUND_TRIPS`]; `None` when it does not apply (an HTML
    /// page over a WebSocket).
    pub round_trips: Vec<Option<Cell>>,
}

impl MockRow {
    /// Whether every scenario that applies passed.
    pub fn passed(&self) -> bool {
        self.scenarios_passed() && self.round_trips_passed()
    }

    /// Whether every scenario of the first table that applies passed.
    pub fn scenarios_passed(&self) -> bool {
        self.outcomes.iter().flatten().all(|c| c.outcome.is_ok())
    }

    /// Whether every round trip that applies passed.
    pub fn round_trips_passed(&self) -> bool {
        self.round_trips.iter().flatten().all(|c| c.outcome.is_ok())
    }
}

/// Runs every scenario and round trip for every signed endpoint of `venues` against `mock`,
/// one at a time (the faults are the mock's, shared).
pub async fn run(mock: &MockHandle, venues: &[&'static VenueInfo]) -> Vec<MockRow> {
    let mut rows = Vec::new();
    for v in venues {
        for e in v.endpoints.iter().filter(|e| e.signed) {
            let failed = |why: String| MockRow {
                venue: v.id,
                endpoint: e.id,
                outcomes: vec![
                    Some(Cell {
                        outcome: Err(why),
                        took: Duration::ZERO,
                    });
                    SCENARIOS.len()
                ],
                round_trips: vec![None; ROUND_TRIPS.len()],
            };
            let Some((_, payload)) = docs_success(v, e) else {
                rows.push(failed("no whole-body success example".into()));
                continue;
            };
            let params = match order_params(e, &payload) {
                Ok(p) => p,
                Err(why) => {
                    rows.push(failed(why));
                    continue;
                }
            };
            let case = Case {
                mock,
                venue: v,
                endpoint: e,
                params,
                payload,
            };
            let (outcomes, round_trips) = case.run().await;
            rows.push(MockRow {
                venue: v.id,
                endpoint: e.id,
                outcomes,
                round_trips,
            });
        }
    }
    rows
}
