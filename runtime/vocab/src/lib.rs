//! The vocabulary the spec format and the runtime share, defined once.
//!
//! The signing recipe ([`Part`], [`Add`], [`Sign`], [`Place`] and their plain enums), where a
//! parameter travels ([`Location`]), and the unified order's enums ([`OrderSide`],
//! [`OrderType`], [`OrderStatus`]). The runtime re-exports every item at the path users know
//! (`runtime::signing::Part`, `runtime::request::Location`, `runtime::order::OrderSide`).
//!
//! Two features serve the code generator and cost the runtime nothing:
//! - `spec` reads these types from a spec file (serde, in the spec's spelling: `ms`,
//!   `hmac_sha256`, `- timestamp`, `{ literal: "#" }`) and describes them in its JSON Schema;
//! - `tokens` writes a value back as the constant expression generated code builds it with.

#![deny(missing_docs)]

mod location;
mod order;
mod recipe;
#[cfg(feature = "spec")]
mod spec;
#[cfg(feature = "tokens")]
mod tokens;

pub use location::{BodyFormat, Location};
pub use order::{NO_TERM, OrderSide, OrderStatus, OrderType};
pub use recipe::{
    Add, DigestAlgorithm, Encoding, JsonMember, KeyEncoding, KeyKind, Output, Part, Place,
    SchemeTransport, Sign, SignAlgorithm, TimestampFormat,
};
