//! [`Outgoing`]: what the client asks of a request, to sign it for each attempt.
//!
//! Every generated `Request` implements it (through a private macro, one line of generated
//! code): a signed endpoint signs with the function generated for it and the signer's scheme,
//! exactly what `Request::sign` runs, and the engine signs the rest. A [`WireRequest`] (what
//! tools build from text) is signed by the engine.

use crate::request::WireRequest;
use crate::signing::{Clock, SignError, SignedHttp, SignedWs, Signer, Timestamp};

/// A request the client can sign for each attempt, at the clock's current time.
pub trait Outgoing: Sync {
    /// The request's wire form, which the engine signs.
    fn wire(&self) -> WireRequest<'_>;

    /// Signs the request for `base_url` (an environment's REST URL). By default, the engine.
    fn sign_http(
        &self,
        signer: &Signer,
        base_url: &str,
        clock: &dyn Clock,
    ) -> Result<SignedHttp, SignError> {
        signer.sign_http(&self.wire(), base_url, &Timestamp::Now, clock)
    }

    /// Signs the request as the WebSocket frame with id `id`. By default, the engine.
    fn sign_ws(&self, signer: &Signer, id: &str, clock: &dyn Clock) -> Result<SignedWs, SignError> {
        signer.sign_ws(&self.wire(), id, &Timestamp::Now, clock)
    }
}

impl Outgoing for WireRequest<'_> {
    fn wire(&self) -> WireRequest<'_> {
        self.clone()
    }

    fn sign_http(
        &self,
        signer: &Signer,
        base_url: &str,
        clock: &dyn Clock,
    ) -> Result<SignedHttp, SignError> {
        signer.sign_http(self, base_url, &Timestamp::Now, clock)
    }

    fn sign_ws(&self, signer: &Signer, id: &str, clock: &dyn Clock) -> Result<SignedWs, SignError> {
        signer.sign_ws(self, id, &Timestamp::Now, clock)
    }
}

/// `impl Outgoing for Request` in a generated endpoint module: `rest` or `ws` for a signed
/// endpoint of that transport (its `Request::sign`), `unsigned` for the others (the engine,
/// which adds nothing). It implements [`SignPaths`](crate::signing::paths::SignPaths) too
/// (from the module's `FAST_SCHEMES`, `Request::sign_fast` and `Request::sign`), which the
/// conformance tests compare. Only generated code calls it, as `runtime::__private::outgoing!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __outgoing {
    (unsigned) => {
        impl $crate::client::Outgoing for Request {
            fn wire(&self) -> $crate::request::WireRequest<'_> {
                Request::to_wire(self)
            }
        }

        impl $crate::signing::paths::SignPaths for Request {
            const FAST_SCHEMES: &'static [&'static str] = &[];
        }
    };
    (rest) => {
        impl $crate::client::Outgoing for Request {
            fn wire(&self) -> $crate::request::WireRequest<'_> {
                Request::to_wire(self)
            }

            #[inline]
            fn sign_http(
                &self,
                signer: &$crate::signing::Signer,
                base_url: &str,
                clock: &dyn $crate::signing::Clock,
            ) -> ::std::result::Result<$crate::signing::SignedHttp, $crate::signing::SignError>
            {
                Request::sign(
                    self,
                    signer,
                    base_url,
                    &$crate::signing::Timestamp::Now,
                    clock,
                )
            }
        }

        impl $crate::signing::paths::SignPaths for Request {
            const FAST_SCHEMES: &'static [&'static str] = FAST_SCHEMES;

            fn http_paths(
                &self,
                signer: &$crate::signing::Signer,
                base_url: &str,
                timestamp: &$crate::signing::Timestamp,
                clock: &dyn $crate::signing::Clock,
            ) -> ::std::option::Option<$crate::signing::paths::Paths<$crate::signing::SignedHttp>>
            {
                // Each path from the signer's state as it is (a `us` nonce grows per request).
                let (fast, engine, public) = (signer.fork(), signer.fork(), signer.fork());
                ::std::option::Option::Some($crate::signing::paths::Paths {
                    fast: Request::sign_fast(self, &fast, base_url, timestamp, clock),
                    engine: engine.sign_http(&Request::to_wire(self), base_url, timestamp, clock),
                    public: Request::sign(self, &public, base_url, timestamp, clock),
                })
            }
        }
    };
    (ws) => {
        impl $crate::client::Outgoing for Request {
            fn wire(&self) -> $crate::request::WireRequest<'_> {
                Request::to_wire(self)
            }

            #[inline]
            fn sign_ws(
                &self,
                signer: &$crate::signing::Signer,
                id: &str,
                clock: &dyn $crate::signing::Clock,
            ) -> ::std::result::Result<$crate::signing::SignedWs, $crate::signing::SignError> {
                Request::sign(self, signer, id, &$crate::signing::Timestamp::Now, clock)
            }
        }

        impl $crate::signing::paths::SignPaths for Request {
            const FAST_SCHEMES: &'static [&'static str] = FAST_SCHEMES;

            fn ws_paths(
                &self,
                signer: &$crate::signing::Signer,
                id: &str,
                timestamp: &$crate::signing::Timestamp,
                clock: &dyn $crate::signing::Clock,
            ) -> ::std::option::Option<$crate::signing::paths::Paths<$crate::signing::SignedWs>>
            {
                let (fast, engine, public) = (signer.fork(), signer.fork(), signer.fork());
                ::std::option::Option::Some($crate::signing::paths::Paths {
                    fast: Request::sign_fast(self, &fast, id, timestamp, clock),
                    engine: engine.sign_ws(&Request::to_wire(self), id, timestamp, clock),
                    public: Request::sign(self, &public, id, timestamp, clock),
                })
            }
        }
    };
}
