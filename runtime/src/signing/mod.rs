//! Request signing: a small vocabulary of steps (the recipe, declared in each venue's spec and
//! generated as constants) and the engine that runs it.
//!
//! A [`Scheme`] says which parameters to add (keys, timestamps, literals), how to build the
//! string to sign from parts (method, host, path, canonical query, exact body bytes,
//! credentials, literal separators, nested digests), how to sign it (HMAC-SHA256/512,
//! Ed25519, RSA PKCS#1 v1.5 SHA-256; keys raw, hex or base64) and encode the result (hex or
//! base64), and where to put it (header, query, body field, WebSocket params). No venue is
//! named here: venues differ only in their recipes.

mod clock;
mod credentials;
pub(crate) mod encode;
mod engine;
pub(crate) mod fast;
mod keys;
pub mod paths;
mod recipe;
mod signed;
mod verify;

pub use clock::{Clock, FixedClock, SystemClock};
pub use credentials::{CredentialError, CredentialInfo, Credentials, Secret};
pub use encode::{encode_query_value, hex_lower};
pub use engine::{SignError, Signer, Timestamp, put_frame_head};
pub use keys::{KeyError, PreparedKey};
pub use recipe::{
    Add, DigestAlgorithm, Encoding, JsonMember, KeyEncoding, KeyKind, Output, Part, Place, Scheme,
    SchemeTransport, Sign, SignAlgorithm, TimestampFormat,
};
pub use signed::{Explained, SignedHttp, SignedWs};
pub use verify::verify_with_public_key;
