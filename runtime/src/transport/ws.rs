//! A WebSocket API connection carrying many requests at once, answers matched by `id`.
//!
//! One supervisor task per client owns the connection's life: it connects (within the
//! connect timeout), logs the session on when the client was given a log-on (sent first, on
//! every connection), publishes the connection as ready, and when the connection drops, fails
//! the requests in flight on it, waits (exponential backoff) and connects again. A connection
//! is two tasks: one writer, which takes frames from a channel and flushes them in batches,
//! and one reader, which routes each answer to its waiting caller by `id` (`link`). The
//! server's pings are answered by tungstenite (pongs are flushed by the reader); an optional
//! keep-alive ping detects a silent connection.
//!
//! Callers never hang: every request is bounded by its deadline, and a request on a
//! connection that drops gets [`Sent::Dropped`] at once, with the reason (the caller re-sends
//! it when it is idempotent, or fails it with a typed error).
//!
//! How faults end:
//! - **Answers that match no caller** (a second answer with the same id, an unknown id, no
//!   id, an error envelope for an unknown id): dropped and counted
//!   ([`WsStats::unmatched`]); the connection is kept and no caller is disturbed.
//! - **Binary frames**: read as text when they are UTF-8 (then routed like text), else
//!   dropped and counted.
//! - **A caller that gives up** (its future dropped by a timeout or `select!`): its entry
//!   leaves the in-flight map at once ([`WsStats::in_flight`]); its late answer is dropped and
//!   counted.
//! - **Connecting fails** (refused, TLS, handshake, no answer in time, closed during the
//!   log-on): a caller waiting for a connection keeps waiting while the supervisor tries
//!   again, up to `reconnect.max_attempts` attempts in a row with its backoff; then the
//!   supervisor parks, and every waiting caller gets the last attempt's error (nothing of
//!   theirs was sent, so [`TransportKind::Connect`] or [`TransportKind::ConnectTimeout`],
//!   which the client may retry whatever the request). The next request starts a new round. A close during
//!   the log-on is noticed at once, not at the connect timeout.
//! - **A log-on the venue refuses** (an error answer): no retry; the supervisor parks at once
//!   and the waiting callers get the venue's error (`Auth` for a bad key). The next request
//!   tries one log-on again.
//! - **A broken connection** (close, reset, an oversized frame over tungstenite's limit, a
//!   silent server with the keep-alive on): every caller in flight gets [`Sent::Dropped`]
//!   with the reason (tungstenite's error, such as the size limit) and the supervisor
//!   reconnects.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::{Notify, mpsc, watch};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

use super::http::install_crypto_provider;
use super::retry::RetryPolicy;
use crate::error::{TransportKind, VenueError};

mod alone;
mod link;

use link::{Forget, Link};

/// A frame as received.
pub type Frame = Utf8Bytes;

/// Signs the log-on frame with the given id.
pub type LogonFrame = Box<dyn Fn(&str) -> Result<String, VenueError> + Send + Sync>;
/// Checks the log-on answer.
pub type LogonCheck = Box<dyn Fn(&[u8]) -> Result<(), VenueError> + Send + Sync>;

/// The session log-on sent first on every connection.
pub struct Logon {
    /// The signed frame for an id.
    pub frame: LogonFrame,
    /// Whether the answer is a success.
    pub check: LogonCheck,
}

/// How a WebSocket API connection is made and kept.
pub struct WsConfig {
    /// The URL.
    pub url: String,
    /// Venue id (for errors).
    pub venue: &'static str,
    /// Limit on connecting (and logging on).
    pub connect_timeout: Duration,
    /// Waits between reconnection attempts.
    pub reconnect: RetryPolicy,
    /// Send a ping after this long without traffic, and drop the connection when nothing at
    /// all arrives for twice as long.
    pub ping_interval: Option<Duration>,
    /// The session log-on, if the client logs on.
    pub logon: Option<Logon>,
    /// The largest message (and frame) read; a larger one drops the connection.
    pub max_message_bytes: usize,
}

/// What became of a request.
#[derive(Debug)]
pub enum Sent {
    /// The answer.
    Answer(Frame),
    /// The connection dropped after the request was sent: it may or may not have run. Why it
    /// dropped.
    Dropped(String),
}

/// Counters of a client's WebSocket traffic, for monitoring and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WsStats {
    /// Requests waiting for their answer on the current connection.
    pub in_flight: usize,
    /// Frames that reached no caller (duplicate, unknown or missing id, late answers,
    /// undecodable binary frames), since the client was made.
    pub unmatched: u64,
}

/// What the supervisor publishes.
#[derive(Clone)]
enum State {
    /// Connecting, or waiting to connect again.
    Connecting,
    Ready(Arc<Link>),
    /// The last round of attempts failed with this error; the next request starts another.
    Parked(Arc<VenueError>),
    Shutdown,
}

/// A WebSocket API connection shared by all requests of a client.
pub struct WsTransport {
    shared: Arc<Shared>,
    state: watch::Receiver<State>,
    started: std::sync::Once,
    shutdown: watch::Sender<bool>,
}

struct Shared {
    config: WsConfig,
    state: watch::Sender<State>,
    next_id: AtomicU64,
    /// Frames that reached no caller.
    unmatched: Arc<AtomicU64>,
    /// A request wants a connection while the supervisor is parked.
    demand: Notify,
}

impl WsTransport {
    /// A transport that connects on first use.
    pub fn new(config: WsConfig) -> Self {
        let (state_tx, state_rx) = watch::channel(State::Connecting);
        let (shutdown, _) = watch::channel(false);
        WsTransport {
            shared: Arc::new(Shared {
                config,
                state: state_tx,
                next_id: AtomicU64::new(1),
                unmatched: Arc::new(AtomicU64::new(0)),
                demand: Notify::new(),
            }),
            state: state_rx,
            started: std::sync::Once::new(),
            shutdown,
        }
    }

    /// The traffic counters.
    pub fn stats(&self) -> WsStats {
        let in_flight = match &*self.state.borrow() {
            State::Ready(link) => link.in_flight(),
            _ => 0,
        };
        WsStats {
            in_flight,
            unmatched: self.shared.unmatched.load(Ordering::Relaxed),
        }
    }

    fn start(&self) {
        self.started.call_once(|| {
            let shared = Arc::clone(&self.shared);
            let shutdown = self.shutdown.subscribe();
            tokio::spawn(supervise(shared, shutdown));
        });
    }

    /// The current connection, waiting for one until `deadline`. A parked supervisor found
    /// on arrival is woken for a new round; a round that ends parked fails the caller.
    async fn link(
        &self,
        endpoint: &'static str,
        deadline: Instant,
    ) -> Result<Arc<Link>, VenueError> {
        self.start();
        let mut state = self.state.clone();
        let mut arriving = true;
        loop {
            let parked = match &*state.borrow_and_update() {
                State::Ready(link) => return Ok(Arc::clone(link)),
                State::Parked(err) if !arriving => return Err(for_caller(err, endpoint)),
                State::Parked(_) => true,
                State::Shutdown => return Err(self.shut_down(endpoint)),
                State::Connecting => false,
            };
            if parked {
                self.wake();
            }
            arriving = false;
            match tokio::time::timeout_at(deadline, state.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => return Err(self.shut_down(endpoint)),
                Err(_) => {
                    return Err(self.error(
                        endpoint,
                        TransportKind::ConnectTimeout,
                        "no connection within the request timeout",
                    ));
                }
            }
        }
    }

    /// Starts a new round of attempts: only the caller that moves the state on from parked
    /// wakes the supervisor.
    fn wake(&self) {
        let woke = self.shared.state.send_if_modified(|s| {
            let parked = matches!(s, State::Parked(_));
            if parked {
                *s = State::Connecting;
            }
            parked
        });
        if woke {
            self.shared.demand.notify_one();
        }
    }

    fn shut_down(&self, endpoint: &'static str) -> VenueError {
        self.error(endpoint, TransportKind::Shutdown, "the client shut down")
    }

    fn error(&self, endpoint: &'static str, kind: TransportKind, message: &str) -> VenueError {
        VenueError::transport(self.shared.config.venue, endpoint, kind, message, 1)
    }

    /// Sends one request and waits for its answer until `deadline`. `sign` writes the frame
    /// for an id; its second argument says whether the connection is logged on.
    pub async fn request(
        &self,
        endpoint: &'static str,
        deadline: Instant,
        sign: &(dyn Fn(&str, bool) -> Result<String, VenueError> + Sync),
    ) -> Result<Sent, VenueError> {
        loop {
            let link = self.link(endpoint, deadline).await?;
            let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
            let frame = sign(
                itoa::Buffer::new().format(id),
                link.session.load(Ordering::Acquire),
            )?;
            let Some(rx) = link.register(id) else {
                // Closed before anything was sent: safe to try the next connection.
                tokio::task::yield_now().await;
                continue;
            };
            // Dropping this future (a caller's timeout or `select!`) drops the guard too.
            let _forget = Forget { link: &link, id };
            if link.tx.send(Message::Text(frame.into())).is_err() {
                tokio::task::yield_now().await;
                continue;
            }
            return match tokio::time::timeout_at(deadline, rx).await {
                Ok(Ok(frame)) => Ok(Sent::Answer(frame)),
                Ok(Err(_)) => Ok(Sent::Dropped(link.reason())),
                Err(_) => Err(self.error(
                    endpoint,
                    TransportKind::RequestTimeout,
                    "no answer within the request timeout",
                )),
            };
        }
    }
}

impl Drop for WsTransport {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// A connection failure as one caller reports it: with its endpoint.
fn for_caller(err: &VenueError, endpoint: &'static str) -> VenueError {
    let mut err = err.clone();
    if let VenueError::Transport(t) = &mut err
        && t.endpoint.is_empty()
    {
        t.endpoint = endpoint;
    }
    err
}

/// Whether a failed attempt ends its round at once: the venue answered the log-on with an
/// error (or it could not be signed), which trying again at once would not change.
fn refused(err: &VenueError) -> bool {
    !matches!(err, VenueError::Transport(_) | VenueError::Decode(_))
}

/// Connects, logs on, publishes, waits for the drop, and again, until shut down; parks after
/// a round of failed attempts until a request asks again.
async fn supervise(shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let cfg = &shared.config;
    let mut failures = 0u32;
    loop {
        if *shutdown.borrow() {
            break;
        }
        let outcome = tokio::select! {
            o = connect_and_serve(&shared) => o,
            _ = shutdown.changed() => break,
        };
        match outcome {
            Ok(()) => failures = 0,
            Err(err) => {
                failures += 1;
                if failures >= cfg.reconnect.max_attempts || refused(&err) {
                    shared.state.send_replace(State::Parked(Arc::new(err)));
                    tokio::select! {
                        _ = shared.demand.notified() => {}
                        _ = shutdown.changed() => break,
                    }
                    failures = 0;
                    continue;
                }
            }
        }
        let wait = cfg.reconnect.backoff(failures.max(1));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => break,
        }
    }
    if let State::Ready(link) = shared.state.send_replace(State::Shutdown) {
        link.close("the client shut down");
    }
}

/// One connection's life: `Err` when it could not be made or logged on, `Ok` when it was
/// ready and then dropped.
async fn connect_and_serve(shared: &Arc<Shared>) -> Result<(), VenueError> {
    let cfg = &shared.config;
    install_crypto_provider();
    let deadline = Instant::now() + cfg.connect_timeout;
    let limits = WebSocketConfig::default()
        .max_message_size(Some(cfg.max_message_bytes))
        .max_frame_size(Some(cfg.max_message_bytes));
    let connect =
        tokio_tungstenite::connect_async_with_config(cfg.url.as_str(), Some(limits), true);
    let (socket, _) = match tokio::time::timeout_at(deadline, connect).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Err(shared.fail(TransportKind::Connect, e.to_string())),
        Err(_) => {
            return Err(shared.fail(
                TransportKind::ConnectTimeout,
                "no connection within the connect timeout".into(),
            ));
        }
    };
    let (sink, stream) = socket.split();
    let (tx, rx) = mpsc::unbounded_channel();
    let link = Arc::new(Link::new(tx, Arc::clone(&shared.unmatched)));
    // Both tasks end with this function, however it ends (a dropped client cancels it).
    let mut writer = AbortOnDrop(tokio::spawn(write(sink, rx, cfg.ping_interval)));
    let mut reader = AbortOnDrop(tokio::spawn(read(
        Arc::clone(&link),
        stream,
        cfg.ping_interval,
    )));

    if let Some(logon) = &cfg.logon {
        let result = tokio::select! {
            biased;
            r = log_on(shared, logon, &link, deadline) => r,
            // The connection ended before the answer: no need to wait for the deadline.
            ended = &mut reader.0 => Err(shared.ended_while_logging_on(ended)),
            ended = &mut writer.0 => Err(shared.ended_while_logging_on(ended)),
        };
        if let Err(e) = result {
            link.close(&e.to_string());
            return Err(e);
        }
        link.session.store(true, Ordering::Release);
    }

    shared.state.send_replace(State::Ready(Arc::clone(&link)));
    let reason = tokio::select! {
        r = &mut reader.0 => r,
        r = &mut writer.0 => r,
    };
    shared.state.send_replace(State::Connecting);
    link.close(&reason.unwrap_or_else(|e| e.to_string()));
    Ok(())
}

impl Shared {
    fn fail(&self, kind: TransportKind, message: String) -> VenueError {
        VenueError::transport(self.config.venue, "", kind, message, 1)
    }

    /// Nothing of a caller's was sent on a connection that ended during its log-on: a
    /// connect failure, safe to try again.
    fn ended_while_logging_on(&self, ended: Result<String, tokio::task::JoinError>) -> VenueError {
        let why = ended.unwrap_or_else(|e| e.to_string());
        self.fail(
            TransportKind::Connect,
            format!("the connection closed while logging on: {why}"),
        )
    }
}

/// Sends the log-on and checks its answer, within the connect deadline.
async fn log_on(
    shared: &Shared,
    logon: &Logon,
    link: &Link,
    deadline: Instant,
) -> Result<(), VenueError> {
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
    let frame = (logon.frame)(itoa::Buffer::new().format(id))?;
    let closed = || {
        shared.fail(
            TransportKind::Connect,
            format!("the connection closed while logging on: {}", link.reason()),
        )
    };
    let rx = link.register(id).ok_or_else(closed)?;
    let _forget = Forget { link, id };
    link.tx
        .send(Message::Text(frame.into()))
        .map_err(|_| closed())?;
    match tokio::time::timeout_at(deadline, rx).await {
        Ok(Ok(answer)) => (logon.check)(answer.as_bytes()),
        Ok(Err(_)) => Err(closed()),
        Err(_) => Err(shared.fail(
            TransportKind::ConnectTimeout,
            "no log-on answer within the connect timeout".into(),
        )),
    }
}

/// A task aborted when its handle is dropped.
struct AbortOnDrop(tokio::task::JoinHandle<String>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The writer: frames from the channel, fed in batches and flushed once per batch; pings when
/// idle. Returns why it stopped.
async fn write<S>(
    mut sink: S,
    mut rx: mpsc::UnboundedReceiver<Message>,
    ping: Option<Duration>,
) -> String
where
    S: futures_util::Sink<Message> + Unpin,
    S::Error: std::fmt::Display,
{
    let mut ticker = ping.map(|p| {
        let mut t = tokio::time::interval_at(Instant::now() + p, p);
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        t
    });
    let reason = loop {
        let msg = match &mut ticker {
            Some(t) => tokio::select! {
                m = rx.recv() => m,
                _ = t.tick() => Some(Message::Ping(bytes::Bytes::new())),
            },
            None => rx.recv().await,
        };
        let Some(msg) = msg else {
            break "the client closed the connection".to_string();
        };
        if let Err(e) = sink.feed(msg).await {
            break format!("sending failed: {e}");
        }
        while let Ok(more) = rx.try_recv() {
            if let Err(e) = sink.feed(more).await {
                return format!("sending failed: {e}");
            }
        }
        if let Err(e) = sink.flush().await {
            break format!("sending failed: {e}");
        }
    };
    let _ = sink.close().await;
    reason
}

/// The reader: routes every text (or UTF-8 binary) frame by id; ends when the connection
/// does, or when nothing arrives for twice the ping interval. Returns why it stopped.
async fn read<S>(link: Arc<Link>, mut stream: S, ping: Option<Duration>) -> String
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    let silence = ping.map(|p| p * 2);
    loop {
        let next = match silence {
            Some(s) => match tokio::time::timeout(s, stream.next()).await {
                Ok(n) => n,
                Err(_) => {
                    return format!("nothing received for {} ms (keep-alive)", s.as_millis());
                }
            },
            None => stream.next().await,
        };
        match next {
            Some(Ok(Message::Text(t))) => link.deliver(t),
            Some(Ok(Message::Binary(b))) => match Utf8Bytes::try_from(b) {
                Ok(t) => link.deliver(t),
                Err(_) => link.unmatched(),
            },
            Some(Ok(Message::Close(frame))) => {
                return match frame {
                    Some(f) => {
                        format!("the server closed the connection ({} {})", f.code, f.reason)
                    }
                    None => "the server closed the connection".to_string(),
                };
            }
            Some(Err(e)) => return format!("the connection broke: {e}"),
            None => return "the connection ended".to_string(),
            // Pings are answered by tungstenite; pongs and raw frames need nothing.
            Some(Ok(_)) => {}
        }
    }
}
