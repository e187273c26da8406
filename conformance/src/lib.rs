//! The conformance suite: checks the generated clients against the docs they came from.
//!
//! The `conformance` binary is the project's main command; this library holds its checks so
//! tests run exactly what the command runs.

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
