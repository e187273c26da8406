//! A venue's signing vectors, resolved: the key files read, the request's shape decided.

use crate::spec::{ParamLocation, VectorExpect, VectorKind, VectorTimestamp};

/// One signing vector of a venue (`specs/<venue>/vectors.yaml`).
#[derive(Debug, Clone, PartialEq)]
pub struct Vector {
    /// Id.
    pub id: String,
    /// Official, SDK or derived.
    pub kind: VectorKind,
    /// The citation.
    pub source: String,
    /// The venue's scheme it signs with.
    pub scheme: String,
    /// The credentials it gives, in file order.
    pub credentials: Vec<VectorCredential>,
    /// The request's shape.
    pub request: VectorRequest,
    /// The caller's parameters.
    pub params: Vec<VectorParam>,
    /// What the signer's clock reads.
    pub timestamp: VectorTimestamp,
    /// The nonce the signer writes, if the scheme writes one.
    pub nonce: Option<String>,
    /// What signing must give.
    pub expect: VectorExpect,
    /// The text of `expect.verify_key`'s file.
    pub verify_key_pem: Option<String>,
    /// Whether the signature can be reproduced.
    pub verified: bool,
}

/// A credential of a vector, with a key file's text read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VectorCredential {
    /// The venue's credential name.
    pub name: String,
    /// The value (a key file's text).
    pub value: String,
    /// The key file it was read from, relative to the venue folder.
    pub file: Option<String>,
}

/// The shape of a vector's request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VectorRequest {
    /// Built by a generated endpoint's typed builder.
    Endpoint {
        /// Endpoint id.
        id: String,
        /// The base URL, for an HTTP endpoint.
        base_url: Option<String>,
    },
    /// An HTTP request described by the vector.
    Http {
        /// Method.
        method: String,
        /// Base URL.
        base_url: String,
        /// Path after the base URL.
        path: String,
        /// How the body members are written.
        body: runtime_vocab::BodyFormat,
    },
    /// A WebSocket API request described by the vector.
    Ws {
        /// The frame's method.
        method: String,
    },
}

/// A parameter of a vector's request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VectorParam {
    /// Where it travels.
    pub location: ParamLocation,
    /// Wire name.
    pub name: String,
    /// The value as compact JSON text.
    pub json: String,
}
