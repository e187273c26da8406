//! The client behind every generated `Client`: it signs, sends, retries, classifies and
//! decodes, for any venue, from the venue's spec data (`VenueInfo`, `EndpointInfo`).
//!
//! A generated method is one line: `self.0.call(&endpoint::INFO, &req.to_wire(),
//! endpoint::parse_payload)`. [`ClientCore::call_json`] does the same from an endpoint id and
//! text parameters, for tools that name no venue (`conformance query`).
//!
//! Per attempt the request is signed anew (a fresh timestamp), sent, and the answer
//! classified ([`classify`]); a failure is retried as the [`RetryPolicy`] says. Everything
//! costly is done once, when the client is built: the signers (key schedules), the HTTP
//! client, the WebSocket connection (shared by all requests).
//!
//! ```no_run
//! use generated::binance_usdm::{Client, order_status};
//! use generated::runtime::error::{ErrorKind, VenueError};
//!
//! async fn run() -> Result<(), VenueError> {
//!     let client = Client::from_env()?;
//!     let req = order_status::Request::builder()
//!         .symbol("BTCUSDT")
//!         .order_id(1917641)
//!         .build()
//!         .expect("valid request");
//!     match client.order_status(&req).await {
//!         Ok(order) => println!("{} {}", order.status, order.executed_qty),
//!         Err(e) if e.kind() == ErrorKind::NotFound => println!("no such order"),
//!         Err(e) => return Err(e),
//!     }
//!     let reply = client.order_status_reply(&req).await?;
//!     println!("{:?} after {} attempt(s)", reply.rate_limits, reply.attempts);
//!     Ok(())
//! }
//! ```

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::decode::DecodeError;
use super::error::classify;
use super::error::pointer::probe;
use super::error::{TransportKind, VenueError};
use super::registry::{EndpointInfo, TransportInfo, VenueInfo};
use super::request::WireRequest;
use super::signing::{
    Clock, Credentials, Encoding, KeyKind, Scheme, SchemeTransport, SignError, Signer, SystemClock,
    Timestamp,
};
use super::transport::Timeouts;
use super::transport::ban::{BanGate, DEFAULT_BAN_BACKOFF};
use super::transport::http::{HttpOptions, HttpTransport, Resolve};
use super::transport::retry::RetryPolicy;
use super::transport::ws::{Logon, Sent, WsConfig, WsStats, WsTransport};

mod skew;
pub use skew::{ClockCorrection, OffsetClock, offset_ms, parse_http_date, read_time};

/// A response and what came with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply<T> {
    /// The payload (the envelope unwrapped).
    pub value: T,
    /// The HTTP status (`None` over WebSocket).
    pub http_status: Option<u16>,
    /// How many attempts it took.
    pub attempts: u32,
    /// The venue's rate-limit usage from the body, as raw JSON (at the spec's
    /// `rate_limits.pointer`, Binance's `rateLimits`).
    pub rate_limits: Option<serde_json::Value>,
    /// The venue's rate-limit headers that were sent (`rate_limits.headers`), as
    /// `(name, value)`.
    pub headers: Vec<(String, String)>,
    /// The clock offset (ms) this call measured and applied after the venue refused its
    /// timestamp (see [`ClockCorrection`]).
    pub clock_offset: Option<i64>,
}

/// A scheme that signs nothing, for endpoints that are not signed.
const fn unsigned(transport: SchemeTransport) -> Scheme {
    Scheme {
        venue: "",
        name: "unsigned",
        transport,
        key: KeyKind::Token,
        credentials: &[],
        timestamp: None,
        add: &[],
        payload: &[],
        sign: None,
        place: None,
        query_encoding: Encoding::Rfc3986,
    }
}

static UNSIGNED_REST: Scheme = unsigned(SchemeTransport::Rest);
static UNSIGNED_WS: Scheme = unsigned(SchemeTransport::Ws);

/// Sets up a client: environment or URLs, credentials, scheme, clock, timeouts, retries.
pub struct ClientBuilder<C> {
    venue: &'static VenueInfo,
    environment: Option<String>,
    rest_url: Option<String>,
    ws_url: Option<String>,
    credentials: Option<Credentials>,
    scheme: Option<String>,
    clock: Arc<dyn Clock>,
    clock_correction: ClockCorrection,
    timeouts: Timeouts,
    retry: RetryPolicy,
    ws_ping_interval: Option<Duration>,
    ws_reconnect: RetryPolicy,
    http: HttpOptions,
    ban_backoff: Duration,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("venue", &self.venue.id)
            .field("environment", &self.environment)
            .field("rest_url", &self.rest_url)
            .field("ws_url", &self.ws_url)
            .field("credentials", &self.credentials)
            .field("scheme", &self.scheme)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

impl<C: From<ClientCore>> ClientBuilder<C> {
    /// A builder for `venue`: its first environment, no credentials, the system clock,
    /// default timeouts and retries.
    pub fn new(venue: &'static VenueInfo) -> Self {
        ClientBuilder {
            venue,
            environment: None,
            rest_url: None,
            ws_url: None,
            credentials: None,
            scheme: None,
            clock: Arc::new(SystemClock),
            clock_correction: ClockCorrection::default(),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            ws_ping_interval: None,
            ws_reconnect: RetryPolicy {
                base_delay: Duration::from_millis(50),
                max_delay: Duration::from_secs(5),
                ..RetryPolicy::default()
            },
            http: HttpOptions::default(),
            ban_backoff: DEFAULT_BAN_BACKOFF,
            client: PhantomData,
        }
    }

    /// The environment by name (`testnet`, `aws`); default: the spec's first.
    pub fn environment(mut self, name: impl Into<String>) -> Self {
        self.environment = Some(name.into());
        self
    }

    /// Overrides a base URL: a `ws://` or `wss://` URL replaces the WebSocket API URL, any
    /// other the REST base URL (path prefix included).
    pub fn base_url(self, url: impl Into<String>) -> Self {
        let url = url.into();
        if url.starts_with("ws://") || url.starts_with("wss://") {
            self.ws_url(url)
        } else {
            self.rest_url(url)
        }
    }

    /// Overrides the REST base URL.
    pub fn rest_url(mut self, url: impl Into<String>) -> Self {
        self.rest_url = Some(url.into());
        self
    }

    /// Overrides the WebSocket API URL.
    pub fn ws_url(mut self, url: impl Into<String>) -> Self {
        self.ws_url = Some(url.into());
        self
    }

    /// The credentials signed requests use.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Signs with this scheme (for its transport) instead of the first that fits.
    pub fn scheme(mut self, name: impl Into<String>) -> Self {
        self.scheme = Some(name.into());
        self
    }

    /// The clock timestamps are taken from.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The connect timeout (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.connect = timeout;
        self
    }

    /// The timeout of each attempt of a request (default 10 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.request = timeout;
        self
    }

    /// When to retry ([`RetryPolicy::none`] to never).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Waits between WebSocket reconnection attempts (only `base_delay` and `max_delay`
    /// count; default 50 ms doubling up to 5 s).
    pub fn ws_reconnect(mut self, policy: RetryPolicy) -> Self {
        self.ws_reconnect = policy;
        self
    }

    /// Pings the WebSocket server after this long without traffic, and reconnects when it
    /// stays silent for twice as long (default: off; the server's own pings are always
    /// answered).
    pub fn ws_ping_interval(mut self, interval: Duration) -> Self {
        self.ws_ping_interval = Some(interval);
        self
    }

    /// The largest response body (HTTP) or message (WebSocket) read, in bytes (default
    /// 16 MiB); a larger one is an `ErrorKind::TooLarge` error keeping its first 4 KiB.
    pub fn max_response_bytes(mut self, max: usize) -> Self {
        self.http.max_response_bytes = max;
        self
    }

    /// Resolves host names with `resolver` instead of the system's (tests, custom DNS).
    pub fn dns_resolver(mut self, resolver: Arc<dyn Resolve>) -> Self {
        self.http.resolver = Some(resolver);
        self
    }

    /// How long to send nothing after a ban (HTTP 418) that came without `Retry-After`
    /// (default 60 s).
    pub fn ban_backoff(mut self, wait: Duration) -> Self {
        self.ban_backoff = wait;
        self
    }

    /// Builds the client: picks the environment and schemes, prepares the signers and the
    /// HTTP client. The WebSocket connection is made on first use, so this needs no runtime.
    pub fn build(self) -> Result<C, VenueError> {
        let venue = self.venue;
        let clock = Arc::new(OffsetClock::new(self.clock));
        let config = |message: String| VenueError::Config {
            venue: venue.id,
            message,
        };
        let env = match &self.environment {
            Some(name) => venue
                .environments
                .iter()
                .find(|e| e.name == name)
                .ok_or_else(|| {
                    config(format!(
                        "unknown environment `{name}` (this venue has: {})",
                        venue
                            .environments
                            .iter()
                            .map(|e| e.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?,
            None => venue
                .environments
                .first()
                .ok_or_else(|| config("the venue has no environment".into()))?,
        };
        let rest_url = self.rest_url.or_else(|| env.rest.map(str::to_string));
        let ws_url = self.ws_url.or_else(|| env.ws.map(str::to_string));
        let credentials = self
            .credentials
            .unwrap_or_else(|| Credentials::new(venue.credentials));
        let named =
            match &self.scheme {
                Some(name) => Some(venue.schemes.iter().find(|s| s.name == name).ok_or_else(
                    || {
                        config(format!(
                            "unknown scheme `{name}` (this venue has: {})",
                            venue
                                .schemes
                                .iter()
                                .map(|s| s.name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                    },
                )?),
                None => None,
            };
        let pick = |t: SchemeTransport| match named {
            Some(s) if s.transport == t => Signer::new(s, &credentials),
            _ => Signer::choose(venue.schemes, t, &credentials),
        };
        let rest_signer = pick(SchemeTransport::Rest);
        let ws_signer = pick(SchemeTransport::Ws);
        let has = |ws: bool| {
            venue
                .endpoints
                .iter()
                .any(|e| matches!(e.transport, TransportInfo::Ws { .. }) == ws)
        };

        let mut session_signer = None;
        let mut logon = None;
        if let (Some(session), Ok(signer)) = (venue.ws_session, &ws_signer)
            && signer.scheme().key == session.when_key
        {
            let scheme = venue
                .schemes
                .iter()
                .find(|s| s.name == session.scheme)
                .ok_or_else(|| config(format!("unknown session scheme `{}`", session.scheme)))?;
            session_signer =
                Some(
                    Signer::new(scheme, &credentials).map_err(|source| VenueError::Sign {
                        venue: venue.id,
                        endpoint: session.logon,
                        source,
                    })?,
                );
            let endpoint = venue
                .endpoint(session.logon)
                .ok_or_else(|| config(format!("unknown log-on endpoint `{}`", session.logon)))?;
            let wire = (endpoint.build)(&[]).map_err(|source| VenueError::Request {
                venue: venue.id,
                endpoint: endpoint.id,
                source,
            })?;
            let (signer, clock) = (signer.clone(), Arc::clone(&clock));
            logon = Some(Logon {
                frame: Box::new(move |id| {
                    signer
                        .sign_ws(&wire, id, &Timestamp::Now, &*clock)
                        .map(|s| s.into_frame_text())
                        .map_err(|source| VenueError::Sign {
                            venue: venue.id,
                            endpoint: endpoint.id,
                            source,
                        })
                }),
                check: Box::new(move |raw| classify::check(venue, endpoint.id, None, raw, None)),
            });
        }

        let http = if has(false) {
            Some(HttpTransport::new(&self.timeouts, &self.http).map_err(config)?)
        } else {
            None
        };
        let ws = match (&ws_url, has(true)) {
            (Some(url), true) => Some(WsTransport::new(WsConfig {
                url: url.clone(),
                venue: venue.id,
                connect_timeout: self.timeouts.connect,
                reconnect: self.ws_reconnect,
                ping_interval: self.ws_ping_interval,
                logon,
                max_message_bytes: self.http.max_response_bytes,
            })),
            _ => None,
        };
        let unsigned = Credentials::new(&[]);
        let core = ClientCore(Arc::new(Inner {
            venue,
            rest_url,
            http,
            ws,
            rest_signer,
            ws_signer,
            session_signer,
            unsigned_rest: Signer::new(&UNSIGNED_REST, &unsigned)
                .map_err(|e| config(e.to_string()))?,
            unsigned_ws: Signer::new(&UNSIGNED_WS, &unsigned).map_err(|e| config(e.to_string()))?,
            clock,
            clock_correction: self.clock_correction,
            retry: self.retry,
            timeouts: self.timeouts,
            ban: BanGate::new(self.ban_backoff),
        }));
        Ok(C::from(core))
    }
}

/// A venue client: cheap to clone (clones share the HTTP client, the WebSocket connection
/// and the signers).
#[derive(Clone)]
pub struct ClientCore(Arc<Inner>);

struct Inner {
    venue: &'static VenueInfo,
    rest_url: Option<String>,
    http: Option<HttpTransport>,
    ws: Option<WsTransport>,
    rest_signer: Result<Signer, SignError>,
    ws_signer: Result<Signer, SignError>,
    /// Signs requests on a logged-on WebSocket connection.
    session_signer: Option<Signer>,
    unsigned_rest: Signer,
    unsigned_ws: Signer,
    /// The builder's clock plus the measured offset; every signer reads it.
    clock: Arc<OffsetClock>,
    clock_correction: ClockCorrection,
    retry: RetryPolicy,
    timeouts: Timeouts,
    /// Refuses requests while the venue's ban lasts.
    ban: BanGate,
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &*self.0;
        let scheme = |s: &Result<Signer, SignError>| s.as_ref().map(|s| s.scheme().name).ok();
        f.debug_struct("Client")
            .field("venue", &i.venue.id)
            .field("rest_url", &i.rest_url)
            .field("rest_scheme", &scheme(&i.rest_signer))
            .field("ws_scheme", &scheme(&i.ws_signer))
            .field("session", &i.session_signer.is_some())
            .field("timeouts", &i.timeouts)
            .field("retry", &i.retry)
            .finish_non_exhaustive()
    }
}

impl ClientCore {
    /// The venue.
    pub fn venue(&self) -> &'static VenueInfo {
        self.0.venue
    }

    /// The WebSocket traffic counters (`None` without a WebSocket connection).
    pub fn ws_stats(&self) -> Option<WsStats> {
        self.0.ws.as_ref().map(WsTransport::stats)
    }

    /// Sends a request and returns its payload.
    pub async fn call<T>(
        &self,
        endpoint: &'static EndpointInfo,
        wire: &WireRequest<'_>,
        decode: fn(&[u8]) -> Result<T, DecodeError>,
    ) -> Result<T, VenueError> {
        self.send_synced(endpoint, wire, decode, false)
            .await
            .map(|r| r.value)
    }

    /// Sends a request and returns its payload with the status, attempts and rate limits.
    pub async fn call_reply<T>(
        &self,
        endpoint: &'static EndpointInfo,
        wire: &WireRequest<'_>,
        decode: fn(&[u8]) -> Result<T, DecodeError>,
    ) -> Result<Reply<T>, VenueError> {
        self.send_synced(endpoint, wire, decode, true).await
    }

    /// Sends a request to the endpoint with id `endpoint`, built from wire names and text
    /// values as `Request::from_params` builds it, and returns the typed payload serialised
    /// back to JSON.
    pub async fn call_json(
        &self,
        endpoint: &str,
        params: &[(&str, &str)],
    ) -> Result<Reply<serde_json::Value>, VenueError> {
        let venue = self.0.venue;
        let ep = venue.endpoint(endpoint).ok_or_else(|| VenueError::Config {
            venue: venue.id,
            message: format!(
                "unknown endpoint `{endpoint}` (this venue has: {})",
                venue
                    .endpoints
                    .iter()
                    .map(|e| e.id)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })?;
        let wire = (ep.build)(params).map_err(|source| VenueError::Request {
            venue: venue.id,
            endpoint: ep.id,
            source,
        })?;
        self.send_synced(ep, &wire, ep.payload_json, true).await
    }

    fn sign_error(&self, endpoint: &'static str, source: SignError) -> VenueError {
        VenueError::Sign {
            venue: self.0.venue.id,
            endpoint,
            source,
        }
    }

    fn signer<'s>(
        &'s self,
        ep: &'static EndpointInfo,
        signer: &'s Result<Signer, SignError>,
        unsigned: &'s Signer,
    ) -> Result<&'s Signer, VenueError> {
        if !ep.signed {
            return Ok(unsigned);
        }
        signer
            .as_ref()
            .map_err(|e| self.sign_error(ep.id, e.clone()))
    }

    async fn send<T>(
        &self,
        ep: &'static EndpointInfo,
        wire: &WireRequest<'_>,
        decode: fn(&[u8]) -> Result<T, DecodeError>,
        extras: bool,
    ) -> Result<Reply<T>, VenueError> {
        let mut attempts = 0;
        loop {
            self.0.ban.check(self.0.venue.id, ep.id)?;
            attempts += 1;
            let result = match ep.transport {
                TransportInfo::Rest { .. } => self.rest_once(ep, wire, decode, extras).await,
                TransportInfo::Ws { .. } => self.ws_once(ep, wire, decode, extras).await,
            };
            match result {
                Ok(mut reply) => {
                    reply.attempts = attempts;
                    return Ok(reply);
                }
                Err(err) => {
                    self.0.ban.observe(&err);
                    match self.0.retry.next(&err, ep.idempotent, attempts) {
                        Some(wait) => tokio::time::sleep(wait).await,
                        None => return Err(err.with_attempts(attempts)),
                    }
                }
            }
        }
    }

    /// Classifies an answer and decodes its payload.
    fn answer<T>(
        &self,
        ep: &'static EndpointInfo,
        status: Option<u16>,
        body: &[u8],
        retry_after: Option<Duration>,
        decode: fn(&[u8]) -> Result<T, DecodeError>,
        extras: bool,
    ) -> Result<(T, Option<serde_json::Value>), VenueError> {
        let venue = self.0.venue;
        classify::check(venue, ep.id, status, body, retry_after)?;
        let value = decode(body).map_err(|e| VenueError::decode(venue.id, ep.id, status, e))?;
        let rate_limits = match venue.rate_limits.pointer {
            Some(p) if extras => probe(body, p).ok().flatten(),
            _ => None,
        };
        Ok((value, rate_limits))
    }

    async fn rest_once<T>(
        &self,
        ep: &'static EndpointInfo,
        wire: &WireRequest<'_>,
        decode: fn(&[u8]) -> Result<T, DecodeError>,
        extras: bool,
    ) -> Result<Reply<T>, VenueError> {
        let inner = &*self.0;
        let venue = inner.venue;
        let missing = |what: &str| VenueError::Config {
            venue: venue.id,
            message: format!("no {what} for REST endpoint `{}`", ep.id),
        };
        let http = inner.http.as_ref().ok_or_else(|| missing("HTTP client"))?;
        let base = inner
            .rest_url
            .as_deref()
            .ok_or_else(|| missing("REST base URL"))?;
        let signer = self.signer(ep, &inner.rest_signer, &inner.unsigned_rest)?;
        let signed = signer
            .sign_http(wire, base, &Timestamp::Now, &*inner.clock)
            .map_err(|e| self.sign_error(ep.id, e))?;
        let keep = if extras {
            venue.rate_limits.headers
        } else {
            &[]
        };
        let answer = (http.send(venue.id, ep.id, &signed, keep).await)
            .map_err(|e| e.in_flight(ep.idempotent))?;
        let (value, rate_limits) = self.answer(
            ep,
            Some(answer.status),
            &answer.body,
            answer.retry_after,
            decode,
            extras,
        )?;
        Ok(Reply {
            value,
            http_status: Some(answer.status),
            attempts: 1,
            rate_limits,
            headers: answer.headers,
            clock_offset: None,
        })
    }

    async fn ws_once<T>(
        &self,
        ep: &'static EndpointInfo,
        wire: &WireRequest<'_>,
        decode: fn(&[u8]) -> Result<T, DecodeError>,
        extras: bool,
    ) -> Result<Reply<T>, VenueError> {
        let inner = &*self.0;
        let venue = inner.venue;
        let ws = inner.ws.as_ref().ok_or_else(|| VenueError::Config {
            venue: venue.id,
            message: format!("no WebSocket URL for endpoint `{}`", ep.id),
        })?;
        let signer = self.signer(ep, &inner.ws_signer, &inner.unsigned_ws)?;
        let session = inner.session_signer.as_ref().filter(|_| ep.signed);
        let sign = |id: &str, logged_on: bool| {
            let s = match session {
                Some(s) if logged_on => s,
                _ => signer,
            };
            s.sign_ws(wire, id, &Timestamp::Now, &*inner.clock)
                .map(|s| s.into_frame_text())
                .map_err(|e| self.sign_error(ep.id, e))
        };
        let deadline = Instant::now() + inner.timeouts.request;
        match ws.request(ep.id, deadline, &sign).await? {
            Sent::Answer(frame) => {
                let (value, rate_limits) =
                    self.answer(ep, None, frame.as_bytes(), None, decode, extras)?;
                Ok(Reply {
                    value,
                    http_status: None,
                    attempts: 1,
                    rate_limits,
                    headers: Vec::new(),
                    clock_offset: None,
                })
            }
            Sent::Dropped(reason) => Err(VenueError::transport(
                venue.id,
                ep.id,
                if ep.idempotent {
                    TransportKind::Closed
                } else {
                    TransportKind::ClosedInFlight
                },
                format!("the connection closed with the request in flight: {reason}"),
                1,
            )),
        }
    }
}
