//! The signing vectors file (`specs/<venue>/vectors.yaml`, optional): published requests with
//! their credentials, timestamp and expected string to sign and signature, which
//! `conformance check` runs through the venue's generated signer.
//!
//! A vector is never computed by us: every input, expected value and citation is the
//! source's, copied as it is published (see `specs/README.md`).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ParamLocation;

/// The venue's signing vectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VectorsSpec {
    /// The vectors, in the order they are run and reported.
    pub vectors: Vec<VectorSpec>,
}

/// One published request and what signing it must give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VectorSpec {
    /// Unique within the file (`python_sdk_test_request`).
    pub id: String,
    /// Where the vector comes from: the venue's docs, its SDK, or derived by us.
    pub kind: VectorKind,
    /// The citation: the docs' URL or the SDK's repository, commit and file, and how it was
    /// read (a mirror, a scrape).
    pub source: String,
    /// The algorithm as the source names it (`HmacSHA256, base64`); for readers only.
    pub algorithm: String,
    /// The signature's encoding as the source names it (`hex`); for readers only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// The name of the venue's scheme (`signing.schemes`) the vector signs with.
    pub scheme: String,
    /// The credentials it signs with, by the venue's credential names. A value is the text
    /// itself or `{ file: keys/<name>.pem }`, a file of the venue folder (public test keys
    /// only). A credential the source masks is left out (the vector is then `verified: false`).
    #[serde(default)]
    pub credentials: IndexMap<String, VectorCredential>,
    /// The request that was signed.
    pub request: VectorRequest,
    /// The time the signer reads: an integer is milliseconds since the epoch; a string is put
    /// in the request exactly as written (SDK tests that mock the clock with `"123"`).
    pub timestamp: VectorTimestamp,
    /// The nonce the signer writes (`random_hex` parts), as the source gives it; required
    /// exactly when the scheme writes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// What signing it must give.
    pub expect: VectorExpect,
    /// Whether the expected signature can be reproduced: `false` when the secret that made it
    /// was never published; only the string to sign (and the body) are then checked.
    pub verified: bool,
    /// What `verified` means for this vector (the published value recomputed, or only two
    /// implementations agreeing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_meaning: Option<String>,
    /// Remarks on the vector and its source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Other facts recorded with the vector (values recomputed by other tools, keys tried),
    /// kept verbatim; the build does not read them.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub recorded: IndexMap<String, serde_json::Value>,
}

/// Where a vector comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VectorKind {
    /// The venue's own docs.
    Official,
    /// A test of the venue's own SDK.
    Sdk,
    /// Built by us from public material (a documented secret, an RFC test key) where the
    /// venue publishes no vector; says only that independent implementations agree.
    Derived,
}

/// A credential's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum VectorCredential {
    /// The value itself.
    Text(String),
    /// A file of the venue folder holding it (a PEM test key).
    File {
        /// Relative to the venue folder (`keys/rfc8032_test1_ed25519.pem`).
        file: String,
    },
}

/// The signed request: a generated endpoint's, or one described here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VectorRequest {
    /// A generated endpoint of the venue (`query_order`): the request is built by its typed
    /// builder from `params`, and its transport, method and path are the endpoint's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// An HTTP request: its base URL, and its method and path unless `endpoint` gives them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<VectorHttp>,
    /// A WebSocket API request not described by an endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ws: Option<VectorWs>,
    /// The caller's parameters, in the order the source gives them. Those the scheme adds
    /// itself (timestamp, key, signature) are not listed: they come from `timestamp` and
    /// `credentials`.
    #[serde(default)]
    pub params: Vec<VectorParam>,
}

/// Where an HTTP vector's request goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VectorHttp {
    /// Scheme, host and any path prefix (`https://api.example.com`).
    pub base_url: String,
    /// `GET`, `POST`, ...; absent with `endpoint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The path after the base URL (`/v1/order/orders`); absent with `endpoint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// How the parameters `in: body` are written (`json`, the default, or `form`); absent
    /// with `endpoint`, whose `transport.rest.body` says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<runtime_vocab::BodyFormat>,
}

/// A WebSocket API vector's request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VectorWs {
    /// The frame's `method` (`order.place`).
    pub method: String,
}

/// One parameter of a vector's request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VectorParam {
    /// Where it travels.
    #[serde(rename = "in")]
    pub location: ParamLocation,
    /// Its wire name.
    pub name: String,
    /// Its value as the source gives it: a string, an integer or a boolean.
    pub value: serde_json::Value,
}

/// A vector's timestamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum VectorTimestamp {
    /// Milliseconds since the epoch, formatted as the scheme says.
    Millis(i64),
    /// Text put in the request as written.
    Text(String),
}

/// What signing a vector's request must give. A vector expects a string to sign, a
/// signature, or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VectorExpect {
    /// The exact string that is signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_to_sign: Option<String>,
    /// The signature as the scheme places it (before any URL encoding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// The request body, byte for byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The signed request's URL (checked only when `verified`: it carries the signature).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Headers of the signed request (checked only when `verified`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub headers: IndexMap<String, String>,
    /// A public key file of the venue's `keys/` folder (SPKI PEM, `keys/<name>.pub.pem`) the
    /// signature must verify under, over the string signed: how a randomised signature
    /// (ECDSA) is checked, and a check of a deterministic one independent of the signer's
    /// key. Only for algorithms with public keys (Ed25519, ECDSA P-256), on a `verified`
    /// vector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_key: Option<String>,
}
