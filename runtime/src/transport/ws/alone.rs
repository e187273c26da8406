//! A request on a connection of its own that is not logged on: a public method (the venue's
//! time) read before the client's clock is known, since a log-on signed with a skewed clock
//! is refused.

use futures_util::{SinkExt, StreamExt};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use super::{Sent, WsTransport};
use crate::error::{TransportKind, VenueError};
use crate::transport::http::install_crypto_provider;

impl WsTransport {
    /// Whether the client's connection logs on before any request.
    pub fn logs_on(&self) -> bool {
        self.shared.config.logon.is_some()
    }

    /// Sends one unsigned request on a fresh connection that is not logged on, and returns the
    /// first text frame answered, all before `deadline`; the connection is then closed. `frame`
    /// writes the request for an id.
    pub async fn request_alone(
        &self,
        endpoint: &'static str,
        deadline: Instant,
        frame: &(dyn Fn(&str) -> Result<String, VenueError> + Sync),
    ) -> Result<Sent, VenueError> {
        let cfg = &self.shared.config;
        install_crypto_provider();
        let limits = WebSocketConfig::default()
            .max_message_size(Some(cfg.max_message_bytes))
            .max_frame_size(Some(cfg.max_message_bytes));
        let connect =
            tokio_tungstenite::connect_async_with_config(cfg.url.as_str(), Some(limits), true);
        let timeout = |what: &str| self.error(endpoint, TransportKind::RequestTimeout, what);
        let (mut socket, _) = match tokio::time::timeout_at(deadline, connect).await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => return Err(self.error(endpoint, TransportKind::Connect, &e.to_string())),
            Err(_) => return Err(timeout("no connection within the request timeout")),
        };
        let text = frame("1")?;
        if let Err(e) = socket.send(Message::Text(text.into())).await {
            return Ok(Sent::Dropped(e.to_string()));
        }
        loop {
            let answer = match tokio::time::timeout_at(deadline, socket.next()).await {
                Ok(Some(Ok(Message::Text(t)))) => Sent::Answer(t),
                Ok(Some(Ok(Message::Close(_))) | None) => Sent::Dropped("closed".into()),
                Ok(Some(Ok(_))) => continue,
                Ok(Some(Err(e))) => Sent::Dropped(e.to_string()),
                Err(_) => return Err(timeout("no answer within the request timeout")),
            };
            let _ = socket.close(None).await;
            return Ok(answer);
        }
    }
}
