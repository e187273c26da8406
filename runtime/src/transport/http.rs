//! Sending signed HTTP requests: one `reqwest` client per venue client, built once, over rustls
//! with the `ring` provider, keeping connections alive between requests.
//!
//! A signed request goes to the URL it was signed for and nowhere else: redirects are never
//! followed (a 3xx answer is a [`TransportKind::Redirect`] error naming where it pointed,
//! without its query) and no `Referer` is sent. A body is read chunk by chunk up to the
//! client's limit ([`HttpOptions::max_response_bytes`]); a longer one (by its
//! `Content-Length`, or by what arrived) is an [`ErrorKind::TooLarge`] error keeping its first
//! [`TOO_LARGE_PREFIX`] bytes. Names are resolved by an injectable resolver
//! ([`HttpOptions::resolver`]), whose failures are [`TransportKind::Dns`] errors; TLS failures
//! are [`TransportKind::Tls`] errors.
//!
//! [`ErrorKind::TooLarge`]: crate::error::ErrorKind::TooLarge

use std::net::SocketAddr;
use std::sync::{Arc, Once};
use std::time::{Duration, SystemTime};

pub use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::Timeouts;
use super::retry::parse_retry_after;
use crate::decode::DecodeError;
use crate::error::{TooLarge, TransportKind, VenueError};
use crate::signing::SignedHttp;

/// How much of a body over the limit a [`TooLarge`] error keeps (4 KiB).
pub const TOO_LARGE_PREFIX: usize = 4096;

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

/// What an HTTP client is built with, besides its timeouts.
#[derive(Clone)]
pub struct HttpOptions {
    /// The largest body read, in bytes (default [`super::DEFAULT_MAX_RESPONSE_BYTES`]).
    pub max_response_bytes: usize,
    /// Resolves host names (default: the system's resolver, `getaddrinfo`).
    pub resolver: Option<Arc<dyn Resolve>>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            max_response_bytes: super::DEFAULT_MAX_RESPONSE_BYTES,
            resolver: None,
        }
    }
}

impl std::fmt::Debug for HttpOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpOptions")
            .field("max_response_bytes", &self.max_response_bytes)
            .field("resolver", &self.resolver.as_ref().map(|_| "custom"))
            .finish()
    }
}

/// An HTTP client for one venue client.
#[derive(Debug, Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    max_response_bytes: usize,
}

/// A resolver failure, marked so that it can be told from other connect failures.
#[derive(Debug)]
struct DnsFailure(Box<dyn std::error::Error + Send + Sync>);

impl std::fmt::Display for DnsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot resolve the host name: {}", self.0)
    }
}

impl std::error::Error for DnsFailure {}

/// The caller's resolver, or the system's, with failures marked as [`DnsFailure`].
struct MarkedResolver(Option<Arc<dyn Resolve>>);

impl Resolve for MarkedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let inner = self.0.clone();
        Box::pin(async move {
            let addrs: Result<Addrs, _> = match inner {
                Some(r) => r.resolve(name).await,
                None => tokio::net::lookup_host((name.as_str(), 0))
                    .await
                    .map(|a| Box::new(a.collect::<Vec<SocketAddr>>().into_iter()) as Addrs)
                    .map_err(Into::into),
            };
            addrs.map_err(|e| Box::new(DnsFailure(e)) as _)
        })
    }
}

impl HttpTransport {
    /// Builds the client: connect timeout, request timeout, keep-alive, no Nagle delay, no
    /// redirects, no `Referer`, the body limit and the resolver of `options`.
    pub fn new(timeouts: &Timeouts, options: &HttpOptions) -> Result<Self, String> {
        install_crypto_provider();
        let client = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.request)
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(90))
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .dns_resolver(Arc::new(MarkedResolver(options.resolver.clone())))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(HttpTransport {
            client,
            max_response_bytes: options.max_response_bytes,
        })
    }

    /// The request `req` with the `extra` headers after its own; `Err` for an invalid method.
    fn request(
        &self,
        req: &SignedHttp,
        extra: &[(&str, &str)],
    ) -> Result<reqwest::RequestBuilder, String> {
        let method = reqwest::Method::from_bytes(req.method().as_bytes())
            .map_err(|_| format!("invalid method {}", req.method()))?;
        let mut builder = self.client.request(method, req.url());
        for (name, value, _) in req.headers() {
            builder = builder.header(name, value);
        }
        for (name, value) in extra {
            builder = builder.header(*name, *value);
        }
        if let Some(body) = req.body() {
            builder = builder.body(body.to_owned());
        }
        Ok(builder)
    }

    /// Sends `req` once with the `extra` headers after its own (an environment's, not
    /// signed); `keep` names the response headers to return (case-insensitive).
    pub async fn send(
        &self,
        venue: &'static str,
        endpoint: &'static str,
        req: &SignedHttp,
        extra: &[(&str, &str)],
        keep: &[&str],
    ) -> Result<HttpAnswer, VenueError> {
        let fail = |e: reqwest::Error| {
            let (kind, message) = describe(e);
            VenueError::transport(venue, endpoint, kind, message, 1)
        };
        let builder = self.request(req, extra).map_err(|message| {
            VenueError::transport(venue, endpoint, TransportKind::Other, message, 0)
        })?;
        let mut resp = builder.send().await.map_err(fail)?;
        let status = resp.status().as_u16();
        if resp.status().is_redirection() {
            let to = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .map(|v| without_query(&String::from_utf8_lossy(v.as_bytes())));
            let message = format!(
                "HTTP {status} redirects to {}; not followed: a signed request goes only where \
                 it was signed for",
                to.as_deref().unwrap_or("(no Location)")
            );
            return Err(VenueError::transport(
                venue,
                endpoint,
                TransportKind::Redirect,
                message,
                1,
            ));
        }
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
        let body = match self.read_body(&mut resp).await {
            Ok(body) => body,
            Err(Read::Failed(e)) => return Err(fail(e)),
            Err(Read::TooLarge(too_large, prefix)) => {
                let error = DecodeError::new(
                    too_large.to_string(),
                    String::from_utf8_lossy(&prefix).into_owned(),
                );
                return Err(VenueError::too_large(
                    venue, endpoint, status, error, too_large,
                ));
            }
        };
        Ok(HttpAnswer {
            status,
            retry_after,
            headers,
            body,
        })
    }

    /// Reads the body chunk by chunk, stopping past the limit (at once when the
    /// `Content-Length` is over it).
    async fn read_body(&self, resp: &mut reqwest::Response) -> Result<bytes::Bytes, Read> {
        let limit = self.max_response_bytes;
        let announced = resp.content_length();
        let over = |received| TooLarge {
            limit: limit as u64,
            announced,
            received,
        };
        let mut body = bytes::BytesMut::new();
        if announced.is_some_and(|n| n > limit as u64) {
            // Keep what arrives of the first bytes, and read no more.
            while body.len() < TOO_LARGE_PREFIX {
                match resp.chunk().await {
                    Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                    _ => break,
                }
            }
            body.truncate(TOO_LARGE_PREFIX);
            return Err(Read::TooLarge(over(body.len() as u64), body.freeze()));
        }
        while let Some(chunk) = resp.chunk().await.map_err(Read::Failed)? {
            if body.len() + chunk.len() > limit {
                let received = (body.len() + chunk.len()) as u64;
                body.extend_from_slice(&chunk[..chunk.len().min(TOO_LARGE_PREFIX)]);
                body.truncate(TOO_LARGE_PREFIX);
                return Err(Read::TooLarge(over(received), body.freeze()));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}

/// Why a body was not read whole.
enum Read {
    Failed(reqwest::Error),
    TooLarge(TooLarge, bytes::Bytes),
}

/// The kind of a reqwest failure, and its message with every cause (never the URL: it may
/// carry signed parameters).
fn describe(e: reqwest::Error) -> (TransportKind, String) {
    let e = e.without_url();
    let mut kind = if e.is_connect() && e.is_timeout() {
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
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        if s.is::<DnsFailure>() {
            kind = TransportKind::Dns;
        } else if is_tls(s) && kind != TransportKind::Dns {
            kind = TransportKind::Tls;
        }
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    (kind, message)
}

/// Whether `e` is a rustls error, or an I/O error carrying one (I/O errors nest, and their
/// `source` skips the error they carry).
fn is_tls(e: &(dyn std::error::Error + 'static)) -> bool {
    if e.is::<rustls::Error>() {
        return true;
    }
    match e
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        Some(inner) => is_tls(inner),
        None => false,
    }
}

/// A `Location` without its query and fragment (they may carry signed parameters).
fn without_query(location: &str) -> String {
    let end = location.find(['?', '#']).unwrap_or(location.len());
    let mut s = location[..end].to_string();
    if end < location.len() {
        s.push_str(" (query omitted)");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_lose_their_query() {
        assert_eq!(
            without_query("http://b:1/v1/order?AccessKeyId=k&Signature=s"),
            "http://b:1/v1/order (query omitted)"
        );
        assert_eq!(without_query("/x#frag"), "/x (query omitted)");
        assert_eq!(without_query("https://b/x"), "https://b/x");
    }
}
