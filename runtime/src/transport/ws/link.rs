//! One live connection's routing: the requests in flight on it, keyed by id, and the
//! delivery of each answer to its waiting caller.
//!
//! An answer goes to the caller whose id it carries, once: the entry is taken out when the
//! answer is delivered, so a second answer with the same id, an answer for an id nobody
//! waits for (a caller that gave up, or an id that was never sent), a frame without an id
//! (unless it is cut short with its id leading it), and a binary frame that is not UTF-8 are
//! all dropped and counted as unmatched. None of them closes the connection or reaches a
//! caller, even when it carries an error envelope: an error that names no caller in flight
//! cannot be pinned on one.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

use super::Frame;
use crate::error::pointer::probe;

/// One live connection.
pub(super) struct Link {
    /// Frames to send.
    pub(super) tx: mpsc::UnboundedSender<Message>,
    inflight: Mutex<Inflight>,
    /// Whether the session is logged on (requests then use the session scheme).
    pub(super) session: AtomicBool,
    /// Frames that matched no caller, counted across the client's connections.
    unmatched: Arc<AtomicU64>,
}

#[derive(Default)]
struct Inflight {
    /// Why the connection closed, once it has.
    closed: Option<String>,
    waiting: HashMap<u64, oneshot::Sender<Frame>>,
}

impl Link {
    /// A connection sending through `tx`, counting unmatched frames in `unmatched`.
    pub(super) fn new(tx: mpsc::UnboundedSender<Message>, unmatched: Arc<AtomicU64>) -> Self {
        Link {
            tx,
            inflight: Mutex::new(Inflight::default()),
            session: AtomicBool::new(false),
            unmatched,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inflight> {
        self.inflight.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a waiter; `None` once the connection is closed.
    pub(super) fn register(&self, id: u64) -> Option<oneshot::Receiver<Frame>> {
        let (tx, rx) = oneshot::channel();
        let mut g = self.lock();
        if g.closed.is_some() {
            return None;
        }
        g.waiting.insert(id, tx);
        Some(rx)
    }

    fn forget(&self, id: u64) {
        self.lock().waiting.remove(&id);
    }

    /// How many callers wait for an answer.
    pub(super) fn in_flight(&self) -> usize {
        self.lock().waiting.len()
    }

    /// Why the connection closed (empty while it is open).
    pub(super) fn reason(&self) -> String {
        self.lock().closed.clone().unwrap_or_default()
    }

    /// Counts a frame that reached no caller.
    pub(super) fn unmatched(&self) {
        self.unmatched.fetch_add(1, Ordering::Relaxed);
    }

    /// Routes an answer to its waiter; anything else is dropped and counted.
    pub(super) fn deliver(&self, frame: Frame) {
        let id = match probe(frame.as_bytes(), "/id") {
            Ok(Some(serde_json::Value::String(s))) => s.parse::<u64>().ok(),
            Ok(Some(serde_json::Value::Number(n))) => n.as_u64(),
            Ok(_) => None,
            // Not whole JSON (cut short): an id leading the frame still names its caller, who
            // then gets the frame (a decode error with the raw text) instead of a timeout.
            Err(_) => leading_id(frame.as_bytes()),
        };
        let waiter = id.and_then(|id| self.lock().waiting.remove(&id));
        // A caller that gave up just now has dropped its receiver: counted too.
        if waiter.is_none_or(|w| w.send(frame).is_err()) {
            self.unmatched();
        }
    }

    /// Marks the connection closed for `reason`: every waiter learns at once (its sender is
    /// dropped). The first reason given is kept.
    pub(super) fn close(&self, reason: &str) {
        let waiting = {
            let mut g = self.lock();
            g.closed.get_or_insert_with(|| reason.to_string());
            std::mem::take(&mut g.waiting)
        };
        drop(waiting);
    }
}

/// The id of a frame that is not whole JSON, when it comes before any object or array member
/// (`{"id":"42",...`, `{"id":42,...`, or after scalar members such as JSON-RPC's
/// `{"jsonrpc":"2.0","id":42,...`).
fn leading_id(frame: &[u8]) -> Option<u64> {
    let s = std::str::from_utf8(frame).ok()?.trim_start();
    let mut s = s.strip_prefix('{')?.trim_start();
    loop {
        let (name, rest) = json_string(s)?;
        s = rest.trim_start().strip_prefix(':')?.trim_start();
        if name == "id" {
            return id_value(s);
        }
        s = skip_scalar(s)?.trim_start().strip_prefix(',')?.trim_start();
    }
}

/// The id's digits when they are complete: followed by the closing quote, or by what may
/// follow a member.
fn id_value(s: &str) -> Option<u64> {
    let (s, quoted) = match s.strip_prefix('"') {
        Some(rest) => (rest, true),
        None => (s, false),
    };
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let rest = &s[end..];
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

/// A whole JSON string at the start of `s` (its raw text between the quotes) and what follows.
fn json_string(s: &str) -> Option<(&str, &str)> {
    let body = s.strip_prefix('"')?;
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some((&body[..i], &body[i + 1..])),
            _ => {}
        }
    }
    None
}

/// What follows a whole scalar (a string, number, `true`, `false` or `null`) at the start of
/// `s`; `None` for an object, an array, or a value cut short.
fn skip_scalar(s: &str) -> Option<&str> {
    if s.starts_with('"') {
        return json_string(s).map(|(_, rest)| rest);
    }
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.')))?;
    (end > 0).then(|| &s[end..])
}

/// Removes a waiter when its caller gives up (timeout, or the future is dropped).
pub(super) struct Forget<'a> {
    /// The connection.
    pub(super) link: &'a Link,
    /// The caller's id.
    pub(super) id: u64,
}

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        self.link.forget(self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_of_a_cut_frame() {
        assert_eq!(leading_id(br#"{"id":"42","status":200,"res"#), Some(42));
        assert_eq!(leading_id(br#" { "id" : 7 , "status""#), Some(7));
        // Cut inside the id: nobody can be named.
        assert_eq!(leading_id(br#"{"id":"42"#), None);
        assert_eq!(leading_id(br#"{"id":42"#), None);
        // After a whole scalar member, the id still names its caller.
        assert_eq!(leading_id(br#"{"status":200,"id":"1""#), Some(1));
        assert_eq!(leading_id(b"<html><head>"), None);
        assert_eq!(leading_id(br#"{"id":"x1","#), None);
    }

    /// A JSON-RPC 2.0 answer (Deribit's docs: `{"jsonrpc": "2.0", "id": 4316, "result": ...}`)
    /// leads with its version: the id after whole scalar members still names its caller.
    #[test]
    fn the_id_of_a_cut_frame_after_scalar_members() {
        assert_eq!(
            leading_id(br#"{"jsonrpc":"2.0","id":4316,"result":{"order_id":"ETH-3"#),
            Some(4316)
        );
        assert_eq!(
            leading_id(br#"{ "jsonrpc" : "2.0" , "id" : "7" ,"#),
            Some(7)
        );
        assert_eq!(leading_id(br#"{"v":1.5e3,"ok":true,"id":9,"#), Some(9));
        assert_eq!(leading_id(br#"{"a\"b":"x\"","id":3,"#), Some(3));
        // An object or array before the id, or a member cut short: nobody can be named.
        assert_eq!(leading_id(br#"{"result":{"id":1},"id":2,"#), None);
        assert_eq!(leading_id(br#"{"jsonrpc":"2."#), None);
        assert_eq!(leading_id(br#"{"jsonrpc":"2.0","#), None);
    }

    #[test]
    fn a_second_answer_with_the_same_id_is_counted_not_delivered() {
        let (tx, _rx) = mpsc::unbounded_channel();
        let count = Arc::new(AtomicU64::new(0));
        let link = Link::new(tx, Arc::clone(&count));
        let mut rx = link.register(5).unwrap();
        link.deliver(r#"{"id":"5","n":1}"#.into());
        link.deliver(r#"{"id":5,"n":2}"#.into());
        link.deliver(r#"{"id":null,"status":400,"error":{"code":-1}}"#.into());
        assert_eq!(rx.try_recv().unwrap().as_str(), r#"{"id":"5","n":1}"#);
        assert_eq!(count.load(Ordering::Relaxed), 2);
        assert_eq!(link.in_flight(), 0);
        link.close("gone");
        link.close("later");
        assert_eq!(link.reason(), "gone");
        assert!(link.register(6).is_none());
    }
}
