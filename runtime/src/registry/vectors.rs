//! A venue's signing vectors (`specs/<venue>/vectors.yaml`), embedded in its `INFO` when the
//! `generated` crate is built with its `conformance` feature (empty otherwise).

use crate::request::Location;

/// One published request and what signing it must give.
#[derive(Debug, Clone, Copy)]
pub struct VectorInfo {
    /// Id, unique within the venue.
    pub id: &'static str,
    /// Where it comes from.
    pub kind: VectorKind,
    /// The citation (URL, or repository, commit and file).
    pub source: &'static str,
    /// The name of the venue's scheme (`Scheme::name`) it signs with.
    pub scheme: &'static str,
    /// The credentials it gives, by the venue's names.
    pub credentials: &'static [VectorCredential],
    /// The request's shape.
    pub request: VectorRequest,
    /// The caller's parameters (none the scheme adds), in the source's order.
    pub params: &'static [VectorParam],
    /// What the signer's clock reads.
    pub timestamp: VectorTimestamp,
    /// The nonce the signer writes (`random_hex` parts), as the source gives it.
    pub nonce: Option<&'static str>,
    /// What signing must give.
    pub expect: VectorExpect,
    /// Whether the signature can be reproduced (`false`: the secret was never published;
    /// only the string to sign and the body are compared).
    pub verified: bool,
}

/// Where a vector comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VectorKind {
    /// The venue's docs.
    Official,
    /// A test of the venue's SDK.
    Sdk,
    /// Built from public material where the venue publishes no vector.
    Derived,
}

/// A credential of a vector.
#[derive(Debug, Clone, Copy)]
pub struct VectorCredential {
    /// The venue's credential name (`secret`, `ed25519_key`).
    pub name: &'static str,
    /// Its value (a key file's text).
    pub value: &'static str,
    /// The key file it was read from, relative to the venue folder.
    pub file: Option<&'static str>,
}

/// The shape of a vector's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VectorRequest {
    /// Built by a generated endpoint's typed builder (`EndpointInfo::build`).
    Endpoint {
        /// The endpoint's id.
        id: &'static str,
        /// The base URL, for an HTTP endpoint.
        base_url: Option<&'static str>,
    },
    /// An HTTP request no endpoint describes.
    Http {
        /// Method.
        method: &'static str,
        /// Scheme, host and any path prefix.
        base_url: &'static str,
        /// The path after the base URL.
        path: &'static str,
        /// How the body members are written.
        body: crate::request::BodyFormat,
    },
    /// A WebSocket API request no endpoint describes.
    Ws {
        /// The frame's `method`.
        method: &'static str,
    },
}

/// A parameter of a vector's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VectorParam {
    /// Where it travels.
    pub location: Location,
    /// Its wire name.
    pub name: &'static str,
    /// Its value as JSON text (`"BTCUSDT"`, `100`, `true`).
    pub value: &'static str,
}

/// The time a vector's signer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VectorTimestamp {
    /// Milliseconds since the epoch, formatted as the scheme says.
    Millis(i64),
    /// Text put in the request as written.
    Text(&'static str),
}

/// What signing a vector's request must give (`None`: not compared).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VectorExpect {
    /// The exact string signed.
    pub string_to_sign: Option<&'static str>,
    /// The signature as the scheme places it.
    pub signature: Option<&'static str>,
    /// The request body.
    pub body: Option<&'static str>,
    /// The signed request's URL.
    pub url: Option<&'static str>,
    /// Headers of the signed request: `(name, value)`.
    pub headers: &'static [(&'static str, &'static str)],
    /// A public key (SPKI PEM) the signature must verify under, with the string signed.
    pub verify_key: Option<&'static str>,
}
