//! Verifiers written by hand from each venue's docs, independent of the project's signer and
//! of the recipe verifier the mock uses (`conformance::verify::RecipeVerifier`): a second
//! reading of the docs that the engine's signatures are checked against.
//!
//! | Venue | Function | What is signed |
//! |---|---|---|
//! | BitMart | [`verify_bitmart`] | `X-BM-TIMESTAMP + "#" + memo + "#" + body`, lower-case hex HMAC-SHA256 in `X-BM-SIGN` |
//! | HTX | [`verify_htx`] | `METHOD\nhost\npath\ncanonical query`, base64 HMAC-SHA256 in the `Signature` parameter |
//! | Binance USDⓈ-M WebSocket API | [`verify_binance_ws_hmac`], [`verify_binance_ws_ed25519`] | the sorted `params` (except `signature`) as `k=v&...` |
//! | p99 | [`verify_p99_hmac`], [`verify_p99_bearer`] | the query string before `&signature=`, then the body |
//!
//! Hex signatures must be lower-case, as the docs write them (stricter than Binance's servers,
//! which also take upper-case hex). The HMAC verifiers take an [`HmacKey`] (borrowed key and
//! secret) or a [`PreparedHmacKey`], whose HMAC key state is computed once.
//!
//! | Module | Holds |
//! |---|---|
//! | `keys` | HMAC keys and the constant-time checks |
//! | `params` | query parameters read by name |
//! | `memo_hmac` | timestamp, memo and body joined by `#` (BitMart) |
//! | `canonical_query` | method, host, path and canonical query (HTX) |
//! | `ws_params` | a WebSocket frame's sorted params (Binance) |
//! | `query_body` | the query before the signature, then the body; a bearer token (p99) |

#![allow(dead_code, unused_imports)]

mod canonical_query;
mod keys;
mod memo_hmac;
mod params;
mod query_body;
mod ws_params;

pub use canonical_query::{htx_string_to_sign, verify_htx};
pub use keys::{HmacKey, HmacSecret, PreparedHmacKey, decode_base64, hmac_sha256_check};
pub use memo_hmac::verify_bitmart;
pub use query_body::{verify_p99_bearer, verify_p99_hmac};
pub use ws_params::{
    binance_ws_payload, parse_ws_frame, verify_binance_ws_ed25519, verify_binance_ws_hmac,
};
