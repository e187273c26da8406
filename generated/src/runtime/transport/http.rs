//! Sending signed HTTP requests: one `reqwest` client per venue client, built once, over rustls
//! with the `ring` provider, keeping connections alive between requests.

use std::sync::Once;
use std::time::{Duration, SystemTime};

use super::Timeouts;
use super::retry::parse_retry_after;
use crate::runtime::error::{TransportKind, VenueError};
use crate::runtime::signing::SignedHttp;

/// Installs rustls's `ring` provider as the process default, unless one is installed already
/// (reqwest and tokio-tungstenite use the process default).
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            // Another thread may install one in between: then that one is used.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
    });
}

/// An HTTP answer: status, the headers a client keeps, and the body.
#[derive(Debug)]
pub struct HttpAnswer {
    /// The status code.
    pub status: u16,
    /// What `Retry-After` asked for, if sent.
    pub retry_after: Option<Duration>,
    /// The values of the venue's rate-limit headers that were sent, as `(name, value)`.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: bytes::Bytes,
}

/// An HTTP client for one venue client.
#[derive(Debug, Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
}

impl HttpTransport {
    /// Builds the client: connect timeout, request timeout, keep-alive, no Nagle delay.
    pub fn new(timeouts: &Timeouts) -> Result<Self, String> {
        install_crypto_provider();
        let client = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.request)
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(90))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(HttpTransport { client })
    }

    /// Sends `req` once; `keep` names the response headers to return (case-insensitive).
    pub async fn send(
        &self,
        venue: &'static str,
        endpoint: &'static str,
        req: &SignedHttp,
        keep: &[&str],
    ) -> Result<HttpAnswer, VenueError> {
        let fail = |e: reqwest::Error| {
            let kind = if e.is_connect() && e.is_timeout() {
                TransportKind::ConnectTimeout
            } else if e.is_connect() {
                TransportKind::Connect
            } else if e.is_timeout() {
                TransportKind::RequestTimeout
            } else if e.is_request() || e.is_body() {
                TransportKind::Closed
            } else {
                TransportKind::Other
            };
            // The URL may carry signed parameters: keep it out of messages.
            let e = e.without_url();
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                message.push_str(": ");
                message.push_str(&s.to_string());
                source = s.source();
            }
            VenueError::transport(venue, endpoint, kind, message, 1)
        };
        let method = reqwest::Method::from_bytes(req.method().as_bytes()).map_err(|_| {
            VenueError::transport(
                venue,
                endpoint,
                TransportKind::Other,
                format!("invalid method {}", req.method()),
                0,
            )
        })?;
        let mut builder = self.client.request(method, req.url());
        for (name, value, _) in req.headers() {
            builder = builder.header(name, value);
        }
        if let Some(body) = req.body() {
            builder = builder.body(body.to_owned());
        }
        let resp = builder.send().await.map_err(fail)?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let headers = keep
            .iter()
            .filter_map(|name| {
                let v = resp.headers().get(*name)?.to_str().ok()?;
                Some(((*name).to_string(), v.to_string()))
            })
            .collect();
        let body = resp.bytes().await.map_err(fail)?;
        Ok(HttpAnswer {
            status,
            retry_after,
            headers,
            body,
        })
    }
}
