//! The runtime of the generated exchange clients: what generated code calls.
//!
//! Transports (REST and WebSocket, with retries and reconnects) and the [`client`] that drives
//! them, the [`signing`] engine and its recipe vocabulary, wire encodings ([`wire`]), enum
//! helpers, request validation errors and wire form ([`request`]), body decoding ([`decode`]),
//! typed venue errors ([`error`]), the unified order ([`order`]), positional records
//! ([`positional`]), the JSON Schemas of wire forms
//! ([`schema`]) and the registry of generated items ([`registry`]).
//!
//! Users reach it as `generated::runtime`, the path the generated code names it by; this crate
//! holds no venue: every venue is a module of `generated`, built from its spec folder.

#![deny(missing_docs)]

pub mod client;
pub mod decode;
pub mod endpoint;
pub mod enums;
pub mod error;
pub mod order;
pub mod param_check;
pub mod positional;
pub mod registry;
pub mod request;
pub mod schema;
pub mod signing;
pub mod transport;
pub mod wire;

/// What only generated code calls: the fast signing path's buffers and sinks, and the macro
/// that makes a generated `Request` an [`Outgoing`](client::Outgoing). Not part of the API:
/// it changes with the generator, as serde's `__private` does.
#[doc(hidden)]
pub mod __private {
    pub use crate::__outgoing as outgoing;
    pub use crate::signing::fast::{
        BaseSlot, BaseUrl, Constant, Digits, HmacDigest, HmacKey, HmacPayload, MessagePayload,
        SignatureBuf, Stamp, Text, integer_timestamp,
    };
}
