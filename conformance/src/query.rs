//! `conformance query`: sends one request to a venue (or a mock of it) through the generated
//! client and prints the typed response, for any endpoint, naming no venue in code.

use std::time::Duration;

use generated::runtime::client::{ClientBuilder, ClientCore, Reply};
use generated::runtime::error::VenueError;
use generated::runtime::registry::{EndpointInfo, TransportInfo, VenueInfo};
use generated::runtime::transport::retry::RetryPolicy;

use crate::sign::SignCliError;

/// What to send. (No `Debug`: it holds credentials as given.)
#[derive(Clone, Default)]
pub struct QueryArgs {
    /// `name=value` request parameters.
    pub params: Vec<(String, String)>,
    /// `name=value` credentials (override the environment), as given on the command line.
    pub credentials: Vec<String>,
    /// `name=path` credentials read from files (PEM keys).
    pub credential_files: Vec<(String, String)>,
    /// The environment whose URLs to use (the venue's first when absent).
    pub environment: Option<String>,
    /// A base URL that overrides the environment's (`ws://` or `wss://` for the WebSocket
    /// API).
    pub base_url: Option<String>,
    /// A scheme by name (otherwise the first whose credentials are all given).
    pub scheme: Option<String>,
    /// Read credentials from the environment too.
    pub use_env: bool,
    /// The timeout of each attempt.
    pub timeout: Option<Duration>,
    /// Attempts in all (default: the client's retry policy).
    pub attempts: Option<u32>,
}

/// Why a query failed.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The command line does not make a request (unknown names, bad credentials).
    #[error(transparent)]
    Usage(#[from] SignCliError),
    /// The client or the venue failed.
    #[error(transparent)]
    Venue(#[from] VenueError),
}

/// Sends the request and returns the reply, the payload as the generated type serialised
/// back to JSON.
pub async fn query(
    venue: &'static VenueInfo,
    endpoint: &EndpointInfo,
    args: &QueryArgs,
) -> Result<Reply<serde_json::Value>, QueryError> {
    let creds = crate::sign::credentials(
        venue,
        args.use_env,
        &args.credentials,
        &args.credential_files,
    )?;
    let mut builder = ClientBuilder::<ClientCore>::new(venue).credentials(creds);
    if let Some(env) = &args.environment {
        builder = builder.environment(env);
    }
    if let Some(url) = &args.base_url {
        let ws_url = url.starts_with("ws://") || url.starts_with("wss://");
        let ws_endpoint = matches!(endpoint.transport, TransportInfo::Ws { .. });
        if ws_url != ws_endpoint {
            return Err(QueryError::Usage(SignCliError::Usage(format!(
                "`{}` is a {} endpoint: --base-url must be a {} URL",
                endpoint.id,
                if ws_endpoint { "WebSocket" } else { "REST" },
                if ws_endpoint {
                    "ws:// or wss://"
                } else {
                    "http:// or https://"
                },
            ))));
        }
        builder = builder.base_url(url);
    }
    if let Some(scheme) = &args.scheme {
        builder = builder.scheme(scheme);
    }
    if let Some(t) = args.timeout {
        builder = builder.request_timeout(t);
    }
    if let Some(n) = args.attempts {
        builder = builder.retry(RetryPolicy {
            max_attempts: n.max(1),
            ..RetryPolicy::default()
        });
    }
    let client = builder.build()?;
    let pairs: Vec<(&str, &str)> = args
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    Ok(client.call_json(endpoint.id, &pairs).await?)
}

/// The reply as printed: `#` lines (status, attempts, rate limits), then the payload as
/// pretty JSON; with `json_only`, the payload alone.
pub fn render(reply: &Reply<serde_json::Value>, json_only: bool) -> String {
    let body = serde_json::to_string_pretty(&reply.value).unwrap_or_default();
    if json_only {
        return format!("{body}\n");
    }
    let mut out = String::new();
    match reply.http_status {
        Some(s) => out.push_str(&format!("# HTTP {s}")),
        None => out.push_str("# WebSocket"),
    }
    out.push_str(&format!(", {} attempt(s)\n", reply.attempts));
    if let Some(rl) = &reply.rate_limits {
        out.push_str(&format!("# rate limits: {rl}\n"));
    }
    for (name, value) in &reply.headers {
        out.push_str(&format!("# {name}: {value}\n"));
    }
    out.push_str(&body);
    out.push('\n');
    out
}
