//! A WebSocket API connection carrying many requests at once, answers matched by `id`.
//!
//! One supervisor task per client owns the connection's life: it connects (within the
//! connect timeout), logs the session on when the client was given a log-on (sent first, on
//! every connection), publishes the connection as ready, and when the connection drops, fails
//! the requests in flight on it, waits (exponential backoff) and connects again. A connection
//! is two tasks: one writer, which takes frames from a channel and flushes them in batches,
//! and one reader, which routes each answer to its waiting caller by `id` through the
//! in-flight map (a mutex held only to insert or take one entry). The server's pings are
//! answered by tungstenite (pongs are flushed by the reader); an optional keep-alive ping
//! detects a silent connection.
//!
//! Callers never hang: every request is bounded by its deadline, and a request on a
//! connection that drops gets [`Sent::Dropped`] at once (the caller re-sends it when it is
//! idempotent, or fails it with a typed error).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

use super::http::install_crypto_provider;
use super::retry::RetryPolicy;
use crate::runtime::error::pointer::probe;
use crate::runtime::error::{TransportKind, VenueError};

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
    /// The connection dropped after the request was sent: it may or may not have run.
    Dropped,
}

/// What the supervisor publishes.
#[derive(Clone)]
enum State {
    Connecting,
    Ready(Arc<Link>),
    Failed(Arc<VenueError>),
    Shutdown,
}

/// One live connection.
struct Link {
    tx: mpsc::UnboundedSender<Message>,
    inflight: Mutex<Inflight>,
    /// Whether the session is logged on (requests then use the session scheme).
    session: AtomicBool,
}

#[derive(Default)]
struct Inflight {
    closed: bool,
    waiting: HashMap<u64, oneshot::Sender<Frame>>,
}

impl Link {
    fn lock(&self) -> MutexGuard<'_, Inflight> {
        self.inflight.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a waiter; `None` once the connection is closed.
    fn register(&self, id: u64) -> Option<oneshot::Receiver<Frame>> {
        let (tx, rx) = oneshot::channel();
        let mut g = self.lock();
        if g.closed {
            return None;
        }
        g.waiting.insert(id, tx);
        Some(rx)
    }

    fn forget(&self, id: u64) {
        self.lock().waiting.remove(&id);
    }

    /// Routes an answer to its waiter (unsolicited frames and late answers are dropped).
    fn deliver(&self, frame: Frame) {
        let id = match probe(frame.as_bytes(), "/id") {
            Ok(Some(serde_json::Value::String(s))) => s.parse::<u64>().ok(),
            Ok(Some(serde_json::Value::Number(n))) => n.as_u64(),
            Ok(_) => None,
            // Not whole JSON (cut short): an id leading the frame still names its caller, who
            // then gets the frame (a decode error with the raw text) instead of a timeout.
            Err(_) => leading_id(frame.as_bytes()),
        };
        let Some(id) = id else { return };
        let waiter = self.lock().waiting.remove(&id);
        if let Some(w) = waiter {
            let _ = w.send(frame);
        }
    }

    /// Marks the connection closed: every waiter learns at once (its sender is dropped).
    fn close(&self) {
        let waiting = {
            let mut g = self.lock();
            g.closed = true;
            std::mem::take(&mut g.waiting)
        };
        drop(waiting);
    }
}

/// The id of a frame that is not whole JSON, when it is the frame's first member:
/// `{"id":"42",...` or `{"id":42,...`.
fn leading_id(frame: &[u8]) -> Option<u64> {
    let s = std::str::from_utf8(frame).ok()?.trim_start();
    let s = s.strip_prefix('{')?.trim_start();
    let s = s.strip_prefix("\"id\"")?.trim_start();
    let s = s.strip_prefix(':')?.trim_start();
    let (s, quoted) = match s.strip_prefix('"') {
        Some(rest) => (rest, true),
        None => (s, false),
    };
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let rest = &s[end..];
    // The number must be complete: followed by its closing quote, or by what may follow a
    // member.
    let complete = if quoted {
        rest.starts_with('"')
    } else {
        rest.trim_start().starts_with([',', '}'])
    };
    if end == 0 || !complete {
        return None;
    }
    s[..end].parse().ok()
}

/// Removes a waiter when its caller gives up (timeout, or the future is dropped).
struct Forget<'a> {
    link: &'a Link,
    id: u64,
}

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        self.link.forget(self.id);
    }
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
            }),
            state: state_rx,
            started: std::sync::Once::new(),
            shutdown,
        }
    }

    fn start(&self) {
        self.started.call_once(|| {
            let shared = Arc::clone(&self.shared);
            let shutdown = self.shutdown.subscribe();
            tokio::spawn(supervise(shared, shutdown));
        });
    }

    /// The current connection, waiting for one until `deadline`.
    async fn link(
        &self,
        endpoint: &'static str,
        deadline: Instant,
    ) -> Result<Arc<Link>, VenueError> {
        self.start();
        let mut state = self.state.clone();
        loop {
            match &*state.borrow_and_update() {
                State::Ready(link) => return Ok(Arc::clone(link)),
                State::Failed(err) => return Err(VenueError::clone(err)),
                State::Shutdown => {
                    return Err(self.error(
                        endpoint,
                        TransportKind::Shutdown,
                        "the client shut down",
                    ));
                }
                State::Connecting => {}
            }
            match tokio::time::timeout_at(deadline, state.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => {
                    return Err(self.error(
                        endpoint,
                        TransportKind::Shutdown,
                        "the client shut down",
                    ));
                }
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
            let _forget = Forget { link: &link, id };
            if link.tx.send(Message::Text(frame.into())).is_err() {
                continue;
            }
            return match tokio::time::timeout_at(deadline, rx).await {
                Ok(Ok(frame)) => Ok(Sent::Answer(frame)),
                Ok(Err(_)) => Ok(Sent::Dropped),
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

/// Connects, logs on, publishes, waits for the drop, and again, until shut down.
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
                shared.state.send_replace(State::Failed(Arc::new(err)));
            }
        }
        let wait = cfg.reconnect.backoff(failures.max(1));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => break,
        }
        // Keep a failure visible until the next attempt starts; then callers wait for it.
        shared.state.send_if_modified(|s| {
            if matches!(s, State::Failed(_)) {
                *s = State::Connecting;
                true
            } else {
                false
            }
        });
    }
    if let State::Ready(link) = shared.state.send_replace(State::Shutdown) {
        link.close();
    }
}

/// One connection's life: `Err` when it could not be made or logged on, `Ok` when it was
/// ready and then dropped.
async fn connect_and_serve(shared: &Arc<Shared>) -> Result<(), VenueError> {
    let cfg = &shared.config;
    let venue = cfg.venue;
    let fail = |kind, message: String| VenueError::transport(venue, "", kind, message, 1);
    install_crypto_provider();
    let deadline = Instant::now() + cfg.connect_timeout;
    let limits = WebSocketConfig::default()
        .max_message_size(Some(cfg.max_message_bytes))
        .max_frame_size(Some(cfg.max_message_bytes));
    let connect =
        tokio_tungstenite::connect_async_with_config(cfg.url.as_str(), Some(limits), true);
    let (socket, _) = match tokio::time::timeout_at(deadline, connect).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Err(fail(TransportKind::Connect, e.to_string())),
        Err(_) => {
            return Err(fail(
                TransportKind::ConnectTimeout,
                "no connection within the connect timeout".into(),
            ));
        }
    };
    let (sink, stream) = socket.split();
    let (tx, rx) = mpsc::unbounded_channel();
    let link = Arc::new(Link {
        tx,
        inflight: Mutex::new(Inflight::default()),
        session: AtomicBool::new(false),
    });
    // Both tasks end with this function, however it ends (a dropped client cancels it).
    let mut writer = AbortOnDrop(tokio::spawn(write(sink, rx, cfg.ping_interval)));
    let mut reader = AbortOnDrop(tokio::spawn(read(
        Arc::clone(&link),
        stream,
        cfg.ping_interval,
    )));

    if let Some(logon) = &cfg.logon {
        let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
        let result = async {
            let frame = (logon.frame)(itoa::Buffer::new().format(id))?;
            let rx = link
                .register(id)
                .ok_or_else(|| fail(TransportKind::Closed, "closed while logging on".into()))?;
            link.tx
                .send(Message::Text(frame.into()))
                .map_err(|_| fail(TransportKind::Closed, "closed while logging on".into()))?;
            match tokio::time::timeout_at(deadline, rx).await {
                Ok(Ok(answer)) => (logon.check)(answer.as_bytes()),
                Ok(Err(_)) => Err(fail(
                    TransportKind::Closed,
                    "closed while logging on".into(),
                )),
                Err(_) => Err(fail(
                    TransportKind::ConnectTimeout,
                    "no log-on answer within the connect timeout".into(),
                )),
            }
        }
        .await;
        if let Err(e) = result {
            link.close();
            return Err(e);
        }
        link.session.store(true, Ordering::Release);
    }

    shared.state.send_replace(State::Ready(Arc::clone(&link)));
    tokio::select! {
        _ = &mut reader.0 => {}
        _ = &mut writer.0 => {}
    }
    shared.state.send_replace(State::Connecting);
    link.close();
    Ok(())
}

/// A task aborted when its handle is dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The writer: frames from the channel, fed in batches and flushed once per batch; pings when
/// idle.
async fn write<S>(mut sink: S, mut rx: mpsc::UnboundedReceiver<Message>, ping: Option<Duration>)
where
    S: futures_util::Sink<Message> + Unpin,
{
    let mut ticker = ping.map(|p| {
        let mut t = tokio::time::interval_at(Instant::now() + p, p);
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        t
    });
    loop {
        let msg = match &mut ticker {
            Some(t) => tokio::select! {
                m = rx.recv() => m,
                _ = t.tick() => Some(Message::Ping(bytes::Bytes::new())),
            },
            None => rx.recv().await,
        };
        let Some(msg) = msg else { break };
        if sink.feed(msg).await.is_err() {
            break;
        }
        while let Ok(more) = rx.try_recv() {
            if sink.feed(more).await.is_err() {
                return;
            }
        }
        if sink.flush().await.is_err() {
            break;
        }
    }
    let _ = sink.close().await;
}

/// The reader: routes every text (or UTF-8 binary) frame by id; ends when the connection
/// does, or when nothing arrives for twice the ping interval.
async fn read<S>(link: Arc<Link>, mut stream: S, ping: Option<Duration>)
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    let silence = ping.map(|p| p * 2);
    loop {
        let next = match silence {
            Some(s) => match tokio::time::timeout(s, stream.next()).await {
                Ok(n) => n,
                Err(_) => break,
            },
            None => stream.next().await,
        };
        match next {
            Some(Ok(Message::Text(t))) => link.deliver(t),
            Some(Ok(Message::Binary(b))) => {
                if let Ok(t) = Utf8Bytes::try_from(b) {
                    link.deliver(t);
                }
            }
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
            // Pings are answered by tungstenite; pongs and raw frames need nothing.
            Some(Ok(_)) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::leading_id;

    #[test]
    fn the_id_of_a_cut_frame() {
        assert_eq!(leading_id(br#"{"id":"42","status":200,"res"#), Some(42));
        assert_eq!(leading_id(br#" { "id" : 7 , "status""#), Some(7));
        // Cut inside the id, or the id is not first: nobody can be named.
        assert_eq!(leading_id(br#"{"id":"42"#), None);
        assert_eq!(leading_id(br#"{"id":42"#), None);
        assert_eq!(leading_id(br#"{"status":200,"id":"1""#), None);
        assert_eq!(leading_id(b"<html><head>"), None);
        assert_eq!(leading_id(br#"{"id":"x1","#), None);
    }
}
