//! Connections of a mock venue: a listener that gives each accepted connection its state (a
//! fault taken for it, a switch that resets it), and the stream wrapper that obeys the switch.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use futures_util::task::AtomicWaker;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use super::faults::{ConnFault, FaultSwitch};

/// One accepted connection.
#[derive(Debug, Default)]
pub(crate) struct ConnState {
    /// The fault taken for this connection when it was accepted.
    pub(crate) fault: Option<ConnFault>,
    killed: AtomicBool,
    waker: AtomicWaker,
}

impl ConnState {
    /// Resets the connection: its next read or write fails, and it is closed with a TCP RST.
    pub(crate) fn kill(&self) {
        self.killed.store(true, Ordering::SeqCst);
        self.waker.wake();
    }

    fn is_killed(&self) -> bool {
        self.killed.load(Ordering::Relaxed)
    }
}

/// The connections of a venue, to reset them all at shutdown.
#[derive(Debug, Clone, Default)]
pub(crate) struct ConnRegistry(Arc<Mutex<Vec<Weak<ConnState>>>>);

impl ConnRegistry {
    fn add(&self, conn: &Arc<ConnState>) {
        let mut all = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        all.retain(|c| c.strong_count() > 0);
        all.push(Arc::downgrade(conn));
    }

    /// Resets every open connection.
    pub(crate) fn kill_all(&self) {
        let all = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for c in all.iter().filter_map(Weak::upgrade) {
            c.kill();
        }
    }
}

/// What a handler learns about its connection (axum's connect info).
#[derive(Debug, Clone)]
pub(crate) struct ConnInfo(pub(crate) Arc<ConnState>);

/// A venue's TCP listener.
pub(crate) struct MockListener {
    pub(crate) inner: TcpListener,
    pub(crate) venue: &'static str,
    pub(crate) faults: FaultSwitch,
    pub(crate) conns: ConnRegistry,
}

impl Listener for MockListener {
    type Io = MockIo;
    type Addr = ConnInfo;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, _)) => {
                    // Small request/response exchanges: do not wait to fill a segment.
                    let _ = stream.set_nodelay(true);
                    let state = Arc::new(ConnState {
                        fault: self.faults.take_for_connection(self.venue),
                        ..ConnState::default()
                    });
                    self.conns.add(&state);
                    let io = MockIo {
                        stream,
                        state: state.clone(),
                    };
                    return (io, ConnInfo(state));
                }
                // Out of file descriptors and the like: wait, as axum's own listener does.
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        // axum asks only for `serve(..).local_addr()`, which the mock does not call.
        Err(io::Error::other(
            "the mock listener has no address of its own",
        ))
    }
}

impl Connected<IncomingStream<'_, MockListener>> for ConnInfo {
    fn connect_info(stream: IncomingStream<'_, MockListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A connection's stream: fails every read and write once its connection is reset.
pub(crate) struct MockIo {
    stream: TcpStream,
    state: Arc<ConnState>,
}

impl MockIo {
    fn reset(&self) -> io::Error {
        // Closing a socket with a zero linger sends RST: the client sees a reset connection,
        // not a clean end of stream.
        let _ = self.stream.set_zero_linger();
        io::Error::from(io::ErrorKind::ConnectionReset)
    }
}

impl AsyncRead for MockIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.state.is_killed() {
            return Poll::Ready(Err(self.reset()));
        }
        let poll = Pin::new(&mut self.stream).poll_read(cx, buf);
        if poll.is_pending() {
            self.state.waker.register(cx.waker());
            if self.state.is_killed() {
                return Poll::Ready(Err(self.reset()));
            }
        }
        poll
    }
}

impl AsyncWrite for MockIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.state.is_killed() {
            return Poll::Ready(Err(self.reset()));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.state.is_killed() {
            return Poll::Ready(Err(self.reset()));
        }
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.state.is_killed() {
            return Poll::Ready(Err(self.reset()));
        }
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Binds `127.0.0.1:<port>` (0: a free port).
pub(crate) async fn bind(port: u16) -> io::Result<(TcpListener, SocketAddr)> {
    let l = TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = l.local_addr()?;
    Ok((l, addr))
}
