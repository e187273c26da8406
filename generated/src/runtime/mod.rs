//! What generated code calls: wire encodings, enum helpers, request validation errors and wire
//! form, body decoding, the JSON Schemas of wire forms, and the registry of generated items.

pub mod client;
pub mod decode;
pub mod enums;
pub mod error;
pub mod order;
pub mod registry;
pub mod request;
pub mod schema;
pub mod signing;
pub mod transport;
pub mod wire;
