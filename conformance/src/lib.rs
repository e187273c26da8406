//! The conformance suite: checks the generated clients against the docs they came from.
//!
//! The `conformance` binary is the project's main command; this library holds its checks so
//! tests run exactly what the command runs.
//!
//! # Module map
//!
//! | Module | Role |
//! |---|---|
//! | [`cmd`] | one module per subcommand (`check`, `validate`, `schema`, `mock`, `list`, `fuzz`, `sign`, `query`, `record`): its flags and its `run`; `main.rs` only parses and dispatches |
//! | [`check`] | the tables `conformance check` prints: docs examples, enums, fixtures report, signing vectors, mock round trips, live round trips |
//! | [`judge`] | what a body is worth: derived JSON Schemas, the compiled strict validator, the drift verdict |
//! | [`mock`] | the embedded mock venue (HTTP and WebSocket on loopback, faults, clock) |
//! | [`verify`] | the independent signature verifier the mock uses: request parsing, one module per signing scheme, timestamp windows |
//! | [`fixtures`] | bodies kept as files under `conformance/fixtures/` |
//! | [`scrub`] | scrubbing recorded answers of account identifiers and credentials |

#![deny(missing_docs)]

pub mod check;
pub mod cmd;
pub mod fixtures;
pub mod judge;
pub mod mock;
pub mod scrub;
pub mod verify;

pub use generated::VENUES;
pub use generated::runtime::registry::{EndpointInfo, VenueInfo};

/// The endpoint `venue/endpoint`, if it was generated.
pub fn find(venue: &str, endpoint: &str) -> Option<(&'static VenueInfo, &'static EndpointInfo)> {
    let v = VENUES.iter().find(|v| v.id == venue)?;
    Some((v, v.endpoint(endpoint)?))
}
