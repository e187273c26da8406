//! The embedded mock venue: every generated venue served over HTTP and WebSocket on loopback,
//! in-process, from its spec.
//!
//! Each venue gets its own listener on `127.0.0.1`; its REST base URL carries the path prefix
//! of the spec's environment URL (`https://host/api/v1` gives `http://127.0.0.1:<port>/api/v1`),
//! and its WebSocket API is at the path of the environment's `ws` URL (`wss://host/ws/v1` gives
//! `ws://127.0.0.1:<port>/ws/v1`).
//! The mock
//!
//! - checks every request by re-running the venue's signing recipe over what it received
//!   ([`crate::verify::RecipeVerifier`]) and against the venue's timestamp window
//!   (`signing.window`), with the credentials of its [`MockConfig`]; a microsecond
//!   timestamp (`timestamp: us`) is a nonce that must exceed the last one accepted for the
//!   API key;
//! - keeps the orders of each endpoint's success examples and finds them by the parameters the
//!   spec marks `matches`; it answers the example body verbatim (a WebSocket answer carries
//!   the request's `id`); over HTTP, an endpoint whose record is an item of a list payload
//!   answers no match with that list emptied (`[]`) when its venue documents no not-found
//!   error;
//! - answers not found, auth, timestamp and invalid requests with the venue's documented
//!   error bodies and statuses: a docs error example of that kind, else the first code of
//!   that kind written with `errors.template`, else a status-only error (`errors.statuses`);
//!   a venue documenting nothing for a stale timestamp gives its auth answer;
//! - injects faults armed on its [`FaultSwitch`].
//!
//! Nothing in it names a venue: everything it knows of one comes from the venue's spec.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use conformance::mock::{MockConfig, MockVenue};
//!
//! let mock = MockVenue::start(MockConfig::default()).await?;
//! let venue = generated::VENUES[0].id; // any generated venue
//! let base = mock.rest_base(venue).unwrap(); // http://127.0.0.1:<port>
//! let creds = mock.signing_credentials(venue)?; // what the generated signers take
//! # let _ = (base, creds);
//! mock.shutdown().await;
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::Method;
use axum::routing::get;
use generated::runtime::registry::{EndpointInfo, TransportInfo, VenueInfo};
use generated::runtime::request::BodyFormat;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

mod auth;
mod config;
mod conn;
mod errors;
mod faults;
mod orders;
mod rest;
mod time;
mod ws;

pub use config::{MockClock, MockConfig, MockCredential, MockCredentials, wrong_key};
pub use faults::{Fault, FaultRule, FaultScope, FaultSwitch};
pub use time::RequestCounts;

use auth::VenueAuth;
use conn::{ConnInfo, ConnRegistry, MockListener};
use errors::ErrorReplies;
use orders::OrderBook;

/// Why the mock could not start.
#[derive(Debug, thiserror::Error)]
pub enum MockError {
    /// A venue id that was not generated.
    #[error("unknown venue `{0}`")]
    UnknownVenue(String),
    /// A port could not be bound.
    #[error("cannot listen on 127.0.0.1:{port} for {venue}: {source}")]
    Bind {
        /// The venue.
        venue: &'static str,
        /// The port asked for (0: any).
        port: u16,
        /// Why.
        source: std::io::Error,
    },
    /// `port_base` plus the venue's index is not a port.
    #[error("port base {0} leaves no room for every venue")]
    PortRange(u16),
    /// The mock's credentials do not fit the venue's declared credentials.
    #[error("credentials of {venue}: {source}")]
    Signing {
        /// The venue.
        venue: String,
        /// Why (never contains a value).
        source: generated::runtime::signing::CredentialError,
    },
    /// A credential the mock cannot use (never contains the value).
    #[error("credential `{name}` of {venue}: {reason}")]
    Credential {
        /// The venue.
        venue: String,
        /// The credential's name.
        name: String,
        /// Why.
        reason: &'static str,
    },
}

/// Where a venue of the mock listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VenueAddress {
    /// The venue id.
    pub venue: &'static str,
    /// The socket address.
    pub addr: SocketAddr,
    /// The REST base URL, with the environment's path prefix (when the venue has REST
    /// endpoints).
    pub rest_base: Option<String>,
    /// The WebSocket API URL (when the venue has WebSocket endpoints).
    pub ws_url: Option<String>,
}

/// An order the mock knows, seeded from a docs example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededOrder {
    /// The endpoint that answers it.
    pub endpoint: &'static str,
    /// The docs example it comes from.
    pub example: &'static str,
    /// The values of the endpoint's selecting parameters (`matches`) that find it, by
    /// parameter wire name (empty for an endpoint without `matches`, which answers it to every
    /// request).
    pub selectors: Vec<(&'static str, String)>,
}

/// Starts mock venues.
#[derive(Debug)]
pub struct MockVenue;

impl MockVenue {
    /// Starts the venues of `config` on the current tokio runtime; they run until the handle
    /// is shut down or dropped.
    pub async fn start(config: MockConfig) -> Result<MockHandle, MockError> {
        if let Some(unknown) = config
            .venues
            .iter()
            .find(|id| !generated::VENUES.iter().any(|v| v.id == id.as_str()))
        {
            return Err(MockError::UnknownVenue(unknown.clone()));
        }
        let clock = Arc::new(MockClock::new(config.clock_offset_ms));
        let faults = FaultSwitch::default();
        let mut handle = MockHandle {
            addresses: Vec::new(),
            credentials: BTreeMap::new(),
            faults: faults.clone(),
            clock: clock.clone(),
            servers: Vec::new(),
        };
        for (i, venue) in generated::VENUES.iter().enumerate() {
            if !config.venues.is_empty() && !config.venues.iter().any(|v| v == venue.id) {
                continue;
            }
            let creds = config
                .credentials
                .get(venue.id)
                .cloned()
                .unwrap_or_else(|| MockCredentials::defaults(venue));
            let port = port_for(config.port_base, i)?;
            let (listener, addr) = conn::bind(port).await.map_err(|source| MockError::Bind {
                venue: venue.id,
                port,
                source,
            })?;
            let server = Arc::new(VenueServer::new(
                venue,
                creds.clone(),
                clock.clone(),
                faults.clone(),
            )?);
            let conns = ConnRegistry::default();
            let listener = MockListener {
                inner: listener,
                venue: venue.id,
                faults: faults.clone(),
                conns: conns.clone(),
            };
            let (stop, task) = serve(listener, router(&server));
            handle.addresses.push(VenueAddress {
                venue: venue.id,
                addr,
                rest_base: (!server.rest.is_empty())
                    .then(|| format!("http://{addr}{}", server.rest_prefix)),
                ws_url: server.ws_path.as_ref().map(|p| format!("ws://{addr}{p}")),
            });
            handle.credentials.insert(venue.id, creds);
            handle.servers.push(Server {
                venue: server,
                stop: Some(stop),
                task: Some(task),
                conns,
            });
        }
        Ok(handle)
    }
}

/// The port of the `i`-th venue: `base + i`, or 0 (any free port) without a base.
fn port_for(base: Option<u16>, i: usize) -> Result<u16, MockError> {
    match base {
        Some(base) => u16::try_from(i)
            .ok()
            .and_then(|i| base.checked_add(i))
            .ok_or(MockError::PortRange(base)),
        None => Ok(0),
    }
}

/// A venue's routes: its WebSocket API path, if any, and REST for everything else, every
/// answer with the mock clock's `Date` header.
fn router(server: &Arc<VenueServer>) -> Router {
    let mut router = Router::new();
    if let Some(path) = &server.ws_path {
        router = router.route(path, get(ws::upgrade));
    }
    router
        .fallback(rest::handle)
        .layer(axum::middleware::map_response_with_state(
            server.clone(),
            time::date_header,
        ))
        .with_state(server.clone())
}

/// Serves `router` on `listener` until the returned sender fires (or is dropped).
fn serve(listener: MockListener, router: Router) -> (oneshot::Sender<()>, JoinHandle<()>) {
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<ConnInfo>();
        let _ = axum::serve(listener, service)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    (stop, task)
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("venue", &self.venue.venue.id)
            .finish_non_exhaustive()
    }
}

/// A running mock. Dropping it stops the venues (and resets their connections);
/// [`MockHandle::shutdown`] also waits for them.
#[derive(Debug)]
pub struct MockHandle {
    addresses: Vec<VenueAddress>,
    credentials: BTreeMap<&'static str, MockCredentials>,
    faults: FaultSwitch,
    clock: Arc<MockClock>,
    servers: Vec<Server>,
}

struct Server {
    venue: Arc<VenueServer>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    conns: ConnRegistry,
}

impl MockHandle {
    /// Where each venue listens, in `generated::VENUES` order.
    pub fn venues(&self) -> &[VenueAddress] {
        &self.addresses
    }

    /// Where `venue` listens.
    pub fn venue(&self, venue: &str) -> Option<&VenueAddress> {
        self.addresses.iter().find(|a| a.venue == venue)
    }

    /// The REST base URL of `venue` (with the environment's path prefix).
    pub fn rest_base(&self, venue: &str) -> Option<&str> {
        self.venue(venue)?.rest_base.as_deref()
    }

    /// The WebSocket API URL of `venue`.
    pub fn ws_url(&self, venue: &str) -> Option<&str> {
        self.venue(venue)?.ws_url.as_deref()
    }

    /// The credentials `venue` accepts.
    pub fn credentials(&self, venue: &str) -> Option<&MockCredentials> {
        self.credentials.get(venue)
    }

    /// The credentials `venue` accepts, as the generated signers take them.
    pub fn signing_credentials(
        &self,
        venue: &str,
    ) -> Result<generated::runtime::signing::Credentials, MockError> {
        let info = generated::VENUES
            .iter()
            .find(|v| v.id == venue)
            .ok_or_else(|| MockError::UnknownVenue(venue.to_string()))?;
        let creds = self
            .credentials(venue)
            .ok_or_else(|| MockError::UnknownVenue(venue.to_string()))?;
        creds.to_signing(info).map_err(|source| MockError::Signing {
            venue: venue.to_string(),
            source,
        })
    }

    /// The orders `venue` knows, endpoint by endpoint.
    pub fn seeded_orders(&self, venue: &str) -> Vec<SeededOrder> {
        self.servers
            .iter()
            .filter(|s| s.venue.venue.id == venue)
            .flat_map(|s| {
                let rest = s.venue.rest.iter().map(|e| &e.orders);
                let ws = s.venue.ws.iter().map(|e| &e.orders);
                rest.chain(ws).flat_map(OrderBook::describe)
            })
            .collect()
    }

    /// The fault switch (shared by every venue of this mock).
    pub fn faults(&self) -> &FaultSwitch {
        &self.faults
    }

    /// The mock's clock.
    pub fn clock(&self) -> &MockClock {
        &self.clock
    }

    /// How many requests `venue` has received (endpoints, time source).
    pub fn requests(&self, venue: &str) -> Option<RequestCounts> {
        let s = self.servers.iter().find(|s| s.venue.venue.id == venue)?;
        Some(s.venue.counters.get())
    }

    /// Stops every venue, resets their connections, and waits for them to end.
    pub async fn shutdown(mut self) {
        self.stop();
        for s in &mut self.servers {
            if let Some(task) = s.task.take() {
                let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
            }
        }
    }

    fn stop(&mut self) {
        for s in &mut self.servers {
            if let Some(stop) = s.stop.take() {
                let _ = stop.send(());
            }
            s.conns.kill_all();
        }
    }
}

impl Drop for MockHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A REST endpoint of a venue.
pub(crate) struct RestEndpoint {
    pub(crate) info: &'static EndpointInfo,
    method: Method,
    /// How the request body's members are written.
    pub(crate) body: BodyFormat,
    /// The full path (the environment's prefix, then the endpoint's), split at `/`:
    /// `Some(name)` for a `{name}` segment.
    segments: Vec<(String, Option<String>)>,
    pub(crate) orders: OrderBook,
    pub(crate) errors: ErrorReplies,
}

/// A WebSocket API method of a venue.
pub(crate) struct WsEndpoint {
    pub(crate) info: &'static EndpointInfo,
    method: &'static str,
    pub(crate) orders: OrderBook,
    pub(crate) errors: ErrorReplies,
}

/// Everything one venue's handlers share.
pub(crate) struct VenueServer {
    pub(crate) venue: &'static VenueInfo,
    pub(crate) auth: VenueAuth,
    pub(crate) clock: Arc<MockClock>,
    pub(crate) faults: FaultSwitch,
    rest_prefix: String,
    pub(crate) rest: Vec<RestEndpoint>,
    ws_path: Option<String>,
    pub(crate) ws: Vec<WsEndpoint>,
    /// Names of the parameters the venue's schemes add or place (keys, timestamps,
    /// signatures): not the caller's, so not checked as request parameters.
    scheme_params: Vec<&'static str>,
    traces: AtomicU64,
    counters: time::Counters,
}

/// The path of an environment URL of `venue` (`rest` or `ws`), without a trailing `/`.
fn env_path(venue: &VenueInfo, ws: bool) -> Option<String> {
    let url = venue
        .environments
        .iter()
        .find_map(|e| if ws { e.ws } else { e.rest })?;
    let url = url::Url::parse(url).ok()?;
    Some(url.path().trim_end_matches('/').to_string())
}

impl VenueServer {
    fn new(
        venue: &'static VenueInfo,
        creds: MockCredentials,
        clock: Arc<MockClock>,
        faults: FaultSwitch,
    ) -> Result<Self, MockError> {
        let rest_prefix = env_path(venue, false).unwrap_or_default();
        let mut rest = Vec::new();
        let mut ws = Vec::new();
        for e in venue.endpoints {
            match e.transport {
                TransportInfo::Rest { method, path, body } => rest.push(RestEndpoint {
                    info: e,
                    method: Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET),
                    body,
                    segments: format!("{rest_prefix}{path}")
                        .split('/')
                        .map(|s| {
                            let name = s
                                .strip_prefix('{')
                                .and_then(|s| s.strip_suffix('}'))
                                .map(str::to_string);
                            (s.to_string(), name)
                        })
                        .collect(),
                    orders: OrderBook::seed(venue, e),
                    errors: ErrorReplies::new(venue, e),
                }),
                TransportInfo::Ws { method } => ws.push(WsEndpoint {
                    info: e,
                    method,
                    orders: OrderBook::seed(venue, e),
                    errors: ErrorReplies::new(venue, e),
                }),
            }
        }
        let ws_path = if ws.is_empty() {
            None
        } else {
            Some(
                env_path(venue, true)
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| "/".into()),
            )
        };
        let mut scheme_params: Vec<&'static str> = venue
            .schemes
            .iter()
            .flat_map(|s| {
                s.add
                    .iter()
                    .map(|a| &*a.name)
                    .chain(s.place.as_ref().map(|p| &*p.name))
            })
            .collect();
        scheme_params.sort_unstable();
        scheme_params.dedup();
        Ok(VenueServer {
            venue,
            auth: VenueAuth::new(venue, creds)?,
            clock,
            faults,
            rest_prefix,
            rest,
            ws_path,
            ws,
            scheme_params,
            traces: AtomicU64::new(1),
            counters: time::Counters::default(),
        })
    }

    /// The REST endpoint for `method` and `path`, with the path parameters' raw values.
    pub(crate) fn route_rest<'p>(
        &self,
        method: &Method,
        path: &'p str,
    ) -> Option<(&RestEndpoint, Vec<(&str, &'p str)>)> {
        'endpoints: for e in &self.rest {
            if e.method != method {
                continue;
            }
            let mut params = Vec::new();
            let mut segments = path.split('/');
            for (literal, name) in &e.segments {
                let Some(s) = segments.next() else {
                    continue 'endpoints;
                };
                match name {
                    Some(n) if !s.is_empty() => params.push((n.as_str(), s)),
                    Some(_) => continue 'endpoints,
                    None if s == literal => {}
                    None => continue 'endpoints,
                }
            }
            if segments.next().is_none() {
                return Some((e, params));
            }
        }
        None
    }

    /// The WebSocket endpoint for a frame's `method`.
    pub(crate) fn ws_endpoint(&self, method: &str) -> Option<&WsEndpoint> {
        self.ws.iter().find(|e| e.method == method)
    }

    /// Whether `name` is a parameter the venue's schemes add or place.
    pub(crate) fn is_scheme_param(&self, name: &str) -> bool {
        self.scheme_params.binary_search(&name).is_ok()
    }

    /// A fresh id for an HTTP error answer: the `"{id}"` placeholder of the error template.
    pub(crate) fn trace_id(&self) -> String {
        format!("mock-{:016x}", self.traces.fetch_add(1, Ordering::Relaxed))
    }
}

/// An HTML error page, as a proxy in front of a venue sends it.
pub(crate) const HTML_ERROR_PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
