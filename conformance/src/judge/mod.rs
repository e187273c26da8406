//! The judges: what a body is worth against its endpoint's spec.
//!
//! [`schema`] derives each endpoint's JSON Schemas (lenient and strict) from the generated
//! types, [`compiled_validator`] compiles a strict schema into a faster validator that accepts
//! exactly the same bodies, and [`drift`] gives the verdict (`valid`, `drift` with findings, or
//! `invalid`) that `check`, `validate`, `record`, `fuzz` and the live round trips report.

pub mod compiled_validator;
pub mod drift;
pub mod schema;
