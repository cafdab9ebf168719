//! The listening socket, as `warden serve`, the tests and the benchmarks use it.
//!
//! Every accepted connection gets `TCP_NODELAY`: a streamed page ends with a small chunk, and
//! without it that chunk waits for the browser's delayed ACK (about 40 ms) on every kept-alive
//! connection after the first request.

use std::{io, net::SocketAddr};

use axum::serve::{ListenerExt, TapIo};
use tokio::net::{TcpListener, TcpStream};

pub type Listener = TapIo<TcpListener, fn(&mut TcpStream)>;

pub async fn bind(address: SocketAddr) -> io::Result<Listener> {
    let listener = TcpListener::bind(address).await?;
    Ok(listener.tap_io(no_delay as fn(&mut TcpStream)))
}

fn no_delay(connection: &mut TcpStream) {
    if let Err(error) = connection.set_nodelay(true) {
        tracing::warn!(%error, "could not set TCP_NODELAY");
    }
}

#[cfg(test)]
mod tests {
    use axum::serve::Listener as _;

    use super::*;

    #[tokio::test]
    async fn accepted_connections_send_without_delay() {
        let mut listener = bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("bind");
        let address = listener.local_addr().expect("address");
        let _client = TcpStream::connect(address).await.expect("connect");
        let (accepted, _) = listener.accept().await;
        assert!(accepted.nodelay().expect("socket option"), "TCP_NODELAY is set on accepted connections");
    }
}
