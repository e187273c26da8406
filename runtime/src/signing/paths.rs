//! The three paths that sign a request of a generated endpoint, side by side: the function
//! generated for the signer's scheme (`Request::sign_fast`), the engine (the reference
//! interpreter of the recipe), and `Request::sign` (what clients run).
//!
//! Generated code implements [`SignPaths`] for every endpoint's `Request` (through the
//! runtime's private `outgoing!` macro), and the endpoint's registry entry reaches it from
//! text pairs (`EndpointInfo::sign_http_paths`, `sign_ws_paths`, with the `conformance`
//! feature), so a test can hold the three equal for every endpoint of every venue without
//! naming one.

use super::{Clock, SignError, SignedHttp, SignedWs, Signer, Timestamp};
use crate::request::RequestError;

/// One request signed the three ways.
#[derive(Debug)]
pub struct Paths<T> {
    /// Through the function generated for the signer's scheme; `None` when the endpoint has
    /// none for it.
    pub fast: Option<Result<T, SignError>>,
    /// Through the engine.
    pub engine: Result<T, SignError>,
    /// Through `Request::sign`.
    pub public: Result<T, SignError>,
}

/// A request that can be signed each of the three ways. An unsigned endpoint's request has
/// no paths (both methods return `None`), and a signed one has those of its transport.
pub trait SignPaths {
    /// The venue's schemes the endpoint has a generated function for (`FAST_SCHEMES`).
    const FAST_SCHEMES: &'static [&'static str];

    /// The request signed for `base_url` the three ways, for a signed REST endpoint.
    fn http_paths(
        &self,
        _signer: &Signer,
        _base_url: &str,
        _timestamp: &Timestamp,
        _clock: &dyn Clock,
    ) -> Option<Paths<SignedHttp>> {
        None
    }

    /// The request signed as the frame with id `id` the three ways, for a signed WebSocket
    /// endpoint.
    fn ws_paths(
        &self,
        _signer: &Signer,
        _id: &str,
        _timestamp: &Timestamp,
        _clock: &dyn Clock,
    ) -> Option<Paths<SignedWs>> {
        None
    }
}

/// Builds an endpoint's typed request from `name=value` text pairs and signs it for a base
/// URL the three ways (`None`: not a signed REST endpoint).
pub type HttpPathsFn = fn(
    &[(&str, &str)],
    &Signer,
    &str,
    &Timestamp,
    &dyn Clock,
) -> Result<Option<Paths<SignedHttp>>, RequestError>;

/// Builds an endpoint's typed request from `name=value` text pairs and signs it as the frame
/// with an id the three ways (`None`: not a signed WebSocket endpoint).
pub type WsPathsFn = fn(
    &[(&str, &str)],
    &Signer,
    &str,
    &Timestamp,
    &dyn Clock,
) -> Result<Option<Paths<SignedWs>>, RequestError>;
