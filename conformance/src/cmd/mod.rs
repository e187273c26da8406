//! The subcommands of the `conformance` binary, one module each: its flags (a `clap::Args`
//! struct, `<Name>Command`) and its `run` (`fuzz::main`, since `fuzz::run` is the library
//! entry the tests call), which prints and returns the exit status. `main.rs` only parses
//! the command line and calls them.
//!
//! | Subcommand | Module |
//! |---|---|
//! | `check` | [`check`] (its tables are [`crate::check`]'s) |
//! | `validate` | [`validate`] |
//! | `schema` | [`schema`] |
//! | `mock` | [`mock`] (the server is [`crate::mock`]) |
//! | `list` | [`list`] |
//! | `fuzz` | [`fuzz`] |
//! | `sign` | [`sign`] |
//! | `query` | [`query`] |
//! | `record` | [`record`] |
//!
//! [`args`] holds the flags several subcommands share, [`runtime`] the tokio runtimes.

pub mod args;
pub mod check;
pub mod fuzz;
pub mod list;
pub mod mock;
pub mod query;
pub mod record;
pub mod runtime;
pub mod schema;
pub mod sign;
pub mod validate;
