//! The tables `conformance check` prints, each check in its own module.
//!
//! Per endpoint: the docs' [`examples`] parsed and serialised back, every documented value of
//! its [`enums`], the recorded fixtures judged (through [`crate::fixtures`]); [`report`] runs
//! those and renders the tables. Then the official signing [`vectors`], the round trips
//! through the embedded [`mock`] venue or, with `--live`, real requests ([`live`]).
//! [`json_diff`] says where an example's round trip first differs.

pub mod enums;
pub mod examples;
pub mod json_diff;
pub mod live;
pub mod mock;
pub mod report;
pub mod vectors;
