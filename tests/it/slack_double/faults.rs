//! Faults the double can inject after it has acted on a call: an HTTP 500, or a connection
//! closed with no answer at all. The listener wraps every accepted connection in a [`Killable`]
//! stream; the handler reaches its own connection's switch through `ConnectInfo`.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// What the client gets instead of the answer, once the call has had its effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 500 with an HTML body, as a failing load balancer sends it.
    Status500,
    /// The connection is closed without a byte of the answer.
    DropConnection,
}

/// A listener whose connections can be cut from inside a handler.
pub struct FaultyListener(pub TcpListener);

/// A connection's switch, handed to handlers as its `ConnectInfo`.
#[derive(Clone, Debug, Default)]
pub struct Connection {
    killed: Arc<AtomicBool>,
}

impl Connection {
    /// Closes the connection before anything more is written to it.
    pub fn kill(&self) {
        self.killed.store(true, Ordering::SeqCst);
    }
}

impl Listener for FaultyListener {
    type Io = Killable;
    type Addr = Connection;

    async fn accept(&mut self) -> (Killable, Connection) {
        loop {
            if let Ok((stream, _)) = self.0.accept().await {
                let connection = Connection::default();
                return (Killable { stream, killed: connection.killed.clone() }, connection);
            }
        }
    }

    fn local_addr(&self) -> io::Result<Connection> {
        Ok(Connection::default())
    }
}

impl Connected<IncomingStream<'_, FaultyListener>> for Connection {
    fn connect_info(stream: IncomingStream<'_, FaultyListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A TCP stream that fails every write once killed, so hyper drops the connection unanswered.
pub struct Killable {
    stream: TcpStream,
    killed: Arc<AtomicBool>,
}

impl Killable {
    fn cut(&self) -> bool {
        self.killed.load(Ordering::SeqCst)
    }
}

impl AsyncRead for Killable {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if self.cut() {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Killable {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if self.cut() {
            return Poll::Ready(Err(io::Error::new(io::ErrorKind::ConnectionReset, "cut by the double")));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
