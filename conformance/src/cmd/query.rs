//! `conformance query`: sends one request to a venue (or a mock of it) through the generated
//! client and prints the typed response, for any endpoint, naming no venue in code.

use std::process::ExitCode;
use std::time::Duration;

use generated::runtime::client::{ClientBuilder, ClientCore, Reply};
use generated::runtime::error::VenueError;
use generated::runtime::order::{Order, OrderSide};
use generated::runtime::registry::{EndpointInfo, ExampleScope, TransportInfo, VenueInfo};
use generated::runtime::transport::retry::RetryPolicy;

use crate::cmd::args::{Target, find_endpoint};
use crate::cmd::sign::SignCliError;

/// `conformance query` flags.
#[derive(clap::Args)]
pub struct QueryCommand {
    #[command(flatten)]
    /// What to send, and through what.
    pub request: RequestArgs,
    /// Print one JSON object (response, unified order, status) instead of the report.
    #[arg(long)]
    pub json: bool,
}

/// Sends the request and prints the answer. Exit status: 0 on success, 1 when the venue or
/// the transport failed, 2 for a usage error or a request that never left.
pub fn run(cmd: QueryCommand) -> ExitCode {
    let (v, e, args) = match cmd.request.resolve() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let runtime = match crate::cmd::runtime::current_thread() {
        Ok(r) => r,
        Err(code) => return code,
    };
    match runtime.block_on(query(v, e, &args)) {
        Ok(reply) => {
            print!("{}", render(v, e, &reply, cmd.json));
            ExitCode::SUCCESS
        }
        Err(QueryError::Venue(err)) => report_venue_error(&err),
        Err(err) => {
            eprintln!("{err}");
            ExitCode::from(2)
        }
    }
}

/// Prints a venue or transport failure; exit 2 when the request never left, 1 otherwise.
fn report_venue_error(err: &VenueError) -> ExitCode {
    use generated::runtime::error::ErrorKind;
    eprintln!("{err}");
    if let Some(raw) = err.raw_body().filter(|r| !r.is_empty()) {
        // At most 4 KiB of it, then its length: a body can be megabytes.
        eprintln!("body: {}", generated::runtime::decode::clip(raw, 4096));
    }
    match err.kind() {
        ErrorKind::Request | ErrorKind::Sign | ErrorKind::Config => ExitCode::from(2),
        _ => ExitCode::from(1),
    }
}

/// What `query` and `record` send, and through what.
#[derive(clap::Args)]
pub struct RequestArgs {
    #[command(flatten)]
    /// The endpoint, its parameters and credentials.
    pub target: Target,
    /// The environment whose URLs to use (default: the venue's first).
    #[arg(long = "env")]
    pub environment: Option<String>,
    /// A base URL overriding the environment's (`ws://...` for the WebSocket API).
    #[arg(long)]
    pub base_url: Option<String>,
    /// A signing scheme by name (default: the first whose credentials are all given).
    #[arg(long)]
    pub scheme: Option<String>,
    /// Seconds to wait for each attempt.
    #[arg(long)]
    pub timeout: Option<f64>,
    /// Attempts in all (1: no retry).
    #[arg(long)]
    pub attempts: Option<u32>,
    /// Ignore credentials in the environment.
    #[arg(long)]
    pub no_env: bool,
}

impl RequestArgs {
    /// The endpoint and the query arguments, or the exit code of a usage error (printed).
    pub fn resolve(
        self,
    ) -> Result<(&'static VenueInfo, &'static EndpointInfo, QueryArgs), ExitCode> {
        let (v, e) = find_endpoint(&self.target.venue, &self.target.endpoint)?;
        let timeout = match self.timeout.map(std::time::Duration::try_from_secs_f64) {
            Some(Err(_)) => {
                eprintln!("--timeout needs a positive number of seconds");
                return Err(ExitCode::from(2));
            }
            Some(Ok(t)) => Some(t),
            None => None,
        };
        let args = QueryArgs {
            params: self.target.params,
            credentials: self.target.credentials,
            credential_files: self.target.credential_files,
            environment: self.environment,
            base_url: self.base_url,
            scheme: self.scheme,
            use_env: !self.no_env,
            timeout,
            attempts: self.attempts,
        };
        Ok((v, e, args))
    }
}

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

/// Builds the client a query sends through: credentials from the arguments (and the
/// environment unless `use_env` is off), the environment or base URL, scheme, timeout and
/// retries as given.
pub fn client(
    venue: &'static VenueInfo,
    endpoint: &EndpointInfo,
    args: &QueryArgs,
) -> Result<ClientCore, QueryError> {
    let creds = crate::cmd::sign::credentials(
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
    Ok(builder.build()?)
}

/// The `name=value` parameters as the registry's builders take them.
pub fn pairs(args: &QueryArgs) -> Vec<(&str, &str)> {
    args.params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Sends the request and returns the reply, the payload as the generated type serialised
/// back to JSON.
pub async fn query(
    venue: &'static VenueInfo,
    endpoint: &EndpointInfo,
    args: &QueryArgs,
) -> Result<Reply<serde_json::Value>, QueryError> {
    let client = client(venue, endpoint, args)?;
    Ok(client.call_json(endpoint.id, &pairs(args)).await?)
}

/// The unified [`Order`] of a reply's payload, when the endpoint maps onto one and the payload
/// holds its record (a client answers a payload without it as not found).
pub fn unified_order(
    endpoint: &EndpointInfo,
    reply: &Reply<serde_json::Value>,
) -> Option<Result<Order, generated::runtime::decode::DecodeError>> {
    let to_order = endpoint.to_order?;
    let bytes = serde_json::to_vec(&reply.value).unwrap_or_default();
    to_order(ExampleScope::Payload, &bytes).transpose()
}

/// The reply as printed.
///
/// For people: `#` lines (status, attempts, rate limits), the unified order as aligned
/// `name  value` lines when the endpoint maps onto one, then the venue's typed payload as
/// pretty JSON. With `json_only`, one JSON object for machines:
/// `{"venue", "endpoint", "http_status", "attempts", "rate_limits", "response", "order"}`.
pub fn render(
    venue: &VenueInfo,
    endpoint: &EndpointInfo,
    reply: &Reply<serde_json::Value>,
    json_only: bool,
) -> String {
    let order = unified_order(endpoint, reply);
    if json_only {
        let order = match &order {
            Some(Ok(o)) => serde_json::to_value(o).unwrap_or_default(),
            Some(Err(e)) => serde_json::json!({ "error": e.to_string() }),
            None => serde_json::Value::Null,
        };
        let out = serde_json::json!({
            "venue": venue.id,
            "endpoint": endpoint.id,
            "http_status": reply.http_status,
            "attempts": reply.attempts,
            "rate_limits": reply.rate_limits,
            "response": reply.value,
            "order": order,
        });
        return format!(
            "{}\n",
            serde_json::to_string_pretty(&out).unwrap_or_default()
        );
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
    match order {
        Some(Ok(o)) => {
            out.push_str("\norder (unified)\n");
            out.push_str(&order_lines(&o));
        }
        Some(Err(e)) => out.push_str(&format!("\norder (unified): cannot map: {e}\n")),
        None => {}
    }
    out.push_str("\nresponse (typed)\n");
    out.push_str(&serde_json::to_string_pretty(&reply.value).unwrap_or_default());
    out.push('\n');
    out
}

/// `  name            value` lines of an order; absent members print `-` (an empty symbol
/// and the side `Unknown("")` too: the venue's answer did not say).
pub fn order_lines(o: &Order) -> String {
    fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
        v.as_ref()
            .map_or_else(|| "-".to_owned(), ToString::to_string)
    }
    let said = |text: String, absent: bool| if absent { "-".to_owned() } else { text };
    let side_absent = o.side == OrderSide::Unknown(String::new());
    let rows = [
        ("venue", o.venue.to_owned()),
        ("order_id", o.order_id.clone()),
        ("client_order_id", opt(&o.client_order_id)),
        ("symbol", said(o.symbol.clone(), o.symbol.is_empty())),
        ("side", said(o.side.to_string(), side_absent)),
        ("type", opt(&o.order_type)),
        ("status", o.status.to_string()),
        ("price", opt(&o.price)),
        ("average_price", opt(&o.average_price)),
        ("quantity", opt(&o.quantity)),
        ("filled_quantity", opt(&o.filled_quantity)),
        ("filled_quote", opt(&o.filled_quote)),
        ("created_at", opt(&o.created_at.map(|t| t.to_rfc3339()))),
        ("updated_at", opt(&o.updated_at.map(|t| t.to_rfc3339()))),
    ];
    rows.iter()
        .map(|(k, v)| format!("  {k:<16} {v}\n"))
        .collect()
}
