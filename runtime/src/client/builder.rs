//! [`ClientBuilder`]: environment or URLs, credentials, scheme, clock, timeouts, retries; and
//! what `build` prepares once (signers, the HTTP client, the WebSocket session's log-on).

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use super::{ClientCore, ClockCorrection, Inner, OffsetClock, Outgoing};
use crate::error::VenueError;
use crate::error::classify;
use crate::registry::{EnvironmentInfo, TransportInfo, VenueInfo};
use crate::signing::{
    Clock, Credentials, Encoding, KeyKind, Scheme, SchemeTransport, Signer, SystemClock,
};
use crate::transport::Timeouts;
use crate::transport::ban::{BanGate, DEFAULT_BAN_BACKOFF};
use crate::transport::http::{HttpOptions, HttpTransport, Resolve};
use crate::transport::retry::RetryPolicy;
use crate::transport::ws::{Logon, WsConfig, WsTransport};

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
        object_body: false,
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
    pub(super) clock_correction: ClockCorrection,
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
        let env = self.environment_info()?;
        let named = self.named_scheme()?;
        let clock = Arc::new(OffsetClock::new(self.clock));
        let rest_url = self.rest_url.or_else(|| env.rest.map(str::to_string));
        let ws_url = self.ws_url.or_else(|| env.ws.map(str::to_string));
        let credentials = (self.credentials).unwrap_or_else(|| Credentials::new(venue.credentials));
        let pick = |t: SchemeTransport| {
            match named {
                Some(s) if s.transport == t => Signer::new(s, &credentials),
                _ => Signer::choose(venue.schemes, t, &credentials),
            }
            .map(|s| s.with_frame(venue.ws_frame))
        };
        let rest_signer = pick(SchemeTransport::Rest);
        let ws_signer = pick(SchemeTransport::Ws);
        let (session_signer, logon) = match &ws_signer {
            Ok(signer) => session(venue, signer, &credentials, &clock)?,
            Err(_) => (None, None),
        };
        let has = |ws: bool| {
            venue
                .endpoints
                .iter()
                .any(|e| matches!(e.transport, TransportInfo::Ws { .. }) == ws)
        };
        let http = match has(false) {
            true => Some(HttpTransport::new(&self.timeouts, &self.http).map_err(config(venue))?),
            false => None,
        };
        let ws = match (ws_url, has(true)) {
            (Some(url), true) => Some(WsTransport::new(WsConfig {
                url,
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
        let unsigned_signer = |scheme| {
            Signer::new(scheme, &unsigned)
                .map(|s| s.with_frame(venue.ws_frame))
                .map_err(|e| config(venue)(e.to_string()))
        };
        Ok(C::from(ClientCore(Arc::new(Inner {
            venue,
            rest_url,
            rest_headers: env.headers,
            http,
            ws,
            rest_signer,
            ws_signer,
            session_signer,
            unsigned_rest: unsigned_signer(&UNSIGNED_REST)?,
            unsigned_ws: unsigned_signer(&UNSIGNED_WS)?,
            clock,
            clock_correction: self.clock_correction,
            retry: self.retry,
            timeouts: self.timeouts,
            ban: BanGate::new(self.ban_backoff),
        }))))
    }

    /// The environment asked for, or the spec's first.
    fn environment_info(&self) -> Result<&'static EnvironmentInfo, VenueError> {
        let venue = self.venue;
        let Some(name) = &self.environment else {
            return (venue.environments.first())
                .ok_or_else(|| config(venue)("the venue has no environment".into()));
        };
        let found = venue.environments.iter().find(|e| e.name == name);
        found.ok_or_else(|| {
            let known: Vec<_> = venue.environments.iter().map(|e| e.name).collect();
            config(venue)(format!(
                "unknown environment `{name}` (this venue has: {})",
                known.join(", ")
            ))
        })
    }

    /// The scheme asked for by name, if one was.
    fn named_scheme(&self) -> Result<Option<&'static Scheme>, VenueError> {
        let venue = self.venue;
        let Some(name) = &self.scheme else {
            return Ok(None);
        };
        let found = venue.schemes.iter().find(|s| s.name == name);
        found.map(Some).ok_or_else(|| {
            let known: Vec<_> = venue.schemes.iter().map(|s| s.name).collect();
            config(venue)(format!(
                "unknown scheme `{name}` (this venue has: {})",
                known.join(", ")
            ))
        })
    }
}

/// A configuration error of `venue`, from its message.
fn config(venue: &'static VenueInfo) -> impl Fn(String) -> VenueError {
    move |message| VenueError::Config {
        venue: venue.id,
        message,
    }
}

/// The WebSocket session's signer and log-on, when the venue has a session and the WebSocket
/// signer's key is the kind that logs on.
fn session(
    venue: &'static VenueInfo,
    signer: &Signer,
    credentials: &Credentials,
    clock: &Arc<OffsetClock>,
) -> Result<(Option<Signer>, Option<Logon>), VenueError> {
    let Some(session) = venue
        .ws_session
        .filter(|s| signer.scheme().key == s.when_key)
    else {
        return Ok((None, None));
    };
    let config = config(venue);
    let scheme = (venue.schemes.iter().find(|s| s.name == session.scheme))
        .ok_or_else(|| config(format!("unknown session scheme `{}`", session.scheme)))?;
    let session_signer = Signer::new(scheme, credentials)
        .map(|s| s.with_frame(venue.ws_frame))
        .map_err(|source| VenueError::Sign {
            venue: venue.id,
            endpoint: session.logon,
            source,
        })?;
    let endpoint = (venue.endpoint(session.logon))
        .ok_or_else(|| config(format!("unknown log-on endpoint `{}`", session.logon)))?;
    let wire = (endpoint.build)(&[]).map_err(|source| VenueError::Request {
        venue: venue.id,
        endpoint: endpoint.id,
        source,
    })?;
    let (signer, clock) = (signer.clone(), Arc::clone(clock));
    let logon = Logon {
        frame: Box::new(move |id| {
            (wire.sign_ws(&signer, id, &*clock))
                .map(|s| s.into_frame_text())
                .map_err(|source| VenueError::Sign {
                    venue: venue.id,
                    endpoint: endpoint.id,
                    source,
                })
        }),
        check: Box::new(move |raw| classify::check(venue, endpoint.id, None, raw, None)),
    };
    Ok((Some(session_signer), Some(logon)))
}
