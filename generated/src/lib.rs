//! Typed exchange clients generated from the YAML specs in `specs/`.
//!
//! Every venue is a module (`bitmart`, `htx`, `binance_usdm`, `p99`), every endpoint a module
//! inside it with:
//!
//! - `Request` and its `RequestBuilder`, which refuses a request the spec does not allow
//!   (missing parameter, value out of range, malformed UUID, not exactly one of a group);
//! - `Response`, the payload, with decimals as [`rust_decimal::Decimal`], full-width ids,
//!   timestamps typed with their unit, `Option` where the wire omits or nulls a field, and enums
//!   that keep unseen values in an `Unknown(String)` variant;
//! - `ResponseBody`, the whole body (the venue's `Envelope<Response>` when it wraps payloads),
//!   and `parse_response` / `parse_error`.
//!
//! [`VENUES`] lists everything that was generated, for tools that walk all endpoints.
//!
//! ```
//! use generated::bitmart::query_client_order::{QueryState, Request};
//!
//! let req = Request::builder()
//!     .client_order_id("118100034543076010")
//!     .query_state(QueryState::Open)
//!     .recv_window(5000)
//!     .build()
//!     .expect("valid request");
//! assert_eq!(req.to_wire().params.len(), 3);
//!
//! // recvWindow must lie in (0, 60000]: refused before anything is sent.
//! let err = Request::builder().client_order_id("x").recv_window(0).build().unwrap_err();
//! assert_eq!(err.to_string(), "parameter `recvWindow` = 0 is outside (0, 60000]");
//! ```

#![deny(missing_docs)]

// Generated code names this crate as `::generated`, inside it and outside alike.
extern crate self as generated;

/// The runtime every generated client calls (the `runtime` crate), under the path generated
/// code and users name it by.
pub use runtime;

// The README's Rust examples compile and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;

/// The fingerprint of the spec files this build was generated from.
pub const SPECS_FINGERPRINT: &str = env!("SPECS_FINGERPRINT");

codegen_macro::generate_venues!("../specs");
