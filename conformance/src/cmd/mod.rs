//! The subcommands of the `conformance` binary, one module each.

pub mod fuzz;
pub mod query;
pub mod record;
pub mod sign;
