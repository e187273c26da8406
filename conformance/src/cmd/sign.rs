//! `conformance sign`: what a request would look like on the wire, without sending it.

use std::process::ExitCode;

use generated::runtime::registry::{EndpointInfo, EnvironmentInfo, TransportInfo, VenueInfo};
use generated::runtime::signing::{
    Clock, Credentials, FixedClock, Scheme, SchemeTransport, Signer, SystemClock, Timestamp,
};

use crate::cmd::args::{Target, find_endpoint};

/// `conformance sign` flags.
#[derive(clap::Args)]
pub struct SignCommand {
    #[command(flatten)]
    /// The endpoint, its parameters and credentials.
    pub target: Target,
    /// The timestamp to sign with, in milliseconds since the epoch (default: now).
    #[arg(long)]
    pub timestamp: Option<i64>,
    /// The environment whose URL to use (default: the venue's first).
    #[arg(long = "env")]
    pub environment: Option<String>,
    /// A base URL overriding the environment's.
    #[arg(long)]
    pub base_url: Option<String>,
    /// A signing scheme by name (default: the first whose credentials are all given).
    #[arg(long)]
    pub scheme: Option<String>,
    /// The WebSocket frame id.
    #[arg(long, default_value = "1")]
    pub id: String,
    /// Show sensitive header values (bearer tokens, passphrases) instead of `[redacted]`.
    #[arg(long)]
    pub reveal: bool,
    /// Ignore credentials in the environment.
    #[arg(long)]
    pub no_env: bool,
}

/// Prints the signed request; exit 2 for any usage or signing error.
pub fn run(cmd: SignCommand) -> ExitCode {
    let (v, e) = match find_endpoint(&cmd.target.venue, &cmd.target.endpoint) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let args = SignArgs {
        params: cmd.target.params,
        credentials: cmd.target.credentials,
        credential_files: cmd.target.credential_files,
        timestamp: cmd.timestamp,
        environment: cmd.environment,
        base_url: cmd.base_url,
        scheme: cmd.scheme,
        id: cmd.id,
        reveal: cmd.reveal,
        use_env: !cmd.no_env,
    };
    match sign(v, e, &args) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("{err}");
            ExitCode::from(2)
        }
    }
}

/// What to sign. (No `Debug`: it holds credentials as given.)
#[derive(Clone, Default)]
pub struct SignArgs {
    /// `name=value` request parameters.
    pub params: Vec<(String, String)>,
    /// `name=value` credentials (override the environment), as given on the command line.
    pub credentials: Vec<String>,
    /// `name=path` credentials read from files (PEM keys).
    pub credential_files: Vec<(String, String)>,
    /// Milliseconds since the epoch; the clock's time when absent.
    pub timestamp: Option<i64>,
    /// The environment whose URL to use (the venue's first when absent).
    pub environment: Option<String>,
    /// A base URL that overrides the environment's.
    pub base_url: Option<String>,
    /// A scheme by name (otherwise the first whose credentials are all given).
    pub scheme: Option<String>,
    /// The WebSocket frame id.
    pub id: String,
    /// Show sensitive header values (bearer tokens, passphrases) instead of `[redacted]`.
    pub reveal: bool,
    /// Read credentials from the environment too.
    pub use_env: bool,
}

/// Why signing from the command line failed (never contains a secret).
#[derive(Debug, thiserror::Error)]
pub enum SignCliError {
    /// Unknown venue, endpoint, environment or scheme.
    #[error("{0}")]
    Usage(String),
    /// The parameters do not make a valid request.
    #[error("invalid request: {0}")]
    Request(#[from] generated::runtime::request::RequestError),
    /// Credentials missing or unusable, or the request cannot be signed.
    #[error("cannot sign: {0}")]
    Sign(#[from] generated::runtime::signing::SignError),
    /// Credentials unknown or unreadable.
    #[error("{0}")]
    Credential(#[from] generated::runtime::signing::CredentialError),
}

/// Signs the request and renders it as it would be sent.
pub fn sign(
    venue: &VenueInfo,
    endpoint: &EndpointInfo,
    args: &SignArgs,
) -> Result<String, SignCliError> {
    let pairs: Vec<(&str, &str)> = args
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let wire = (endpoint.build)(&pairs)?;
    let creds = credentials(
        venue,
        args.use_env,
        &args.credentials,
        &args.credential_files,
    )?;
    let transport = match endpoint.transport {
        TransportInfo::Rest { .. } => SchemeTransport::Rest,
        TransportInfo::Ws { .. } => SchemeTransport::Ws,
    };
    let (signer, logon) =
        choose_signer(venue, endpoint, args.scheme.as_deref(), transport, &creds)?;
    let env = environment(venue, args.environment.as_deref())?;
    let timestamp = args
        .timestamp
        .map(Timestamp::AtMillis)
        .unwrap_or(Timestamp::Now);
    let clock: Box<dyn Clock> = match args.timestamp {
        Some(ms) => Box::new(FixedClock(ms)),
        None => Box::new(SystemClock),
    };
    let mut out = format!(
        "# {} {} via scheme `{}`\n",
        venue.id,
        endpoint.id,
        signer.scheme().name
    );
    out.push_str(&logon.map(logon_note).unwrap_or_default());
    match transport {
        SchemeTransport::Rest => {
            let base = args.base_url.as_deref().or(env.rest).ok_or_else(|| {
                SignCliError::Usage(format!(
                    "environment `{}` has no REST URL; pass --base-url",
                    env.name
                ))
            })?;
            let explained = signer.explain_http(&wire, base, &timestamp, clock.as_ref())?;
            if !explained.payload.is_empty() {
                out.push_str(&format!("# string to sign: {:?}\n", explained.redacted));
            }
            out.push_str(&explained.signed.render(args.reveal));
            for (name, value) in env.headers {
                out.push_str(&format!(
                    "# environment `{}` also sends (not signed) {name}: {value}\n",
                    env.name
                ));
            }
        }
        SchemeTransport::Ws => {
            let url = args.base_url.as_deref().or(env.ws).unwrap_or("?");
            let explained = signer.explain_ws(&wire, &args.id, &timestamp, clock.as_ref())?;
            if !explained.payload.is_empty() {
                out.push_str(&format!("# string to sign: {:?}\n", explained.redacted));
            }
            out.push_str(&format!("# send on {url}\n"));
            out.push_str(
                &serde_json::to_string_pretty(&explained.signed.frame()).unwrap_or_default(),
            );
            out.push('\n');
        }
    }
    Ok(out)
}

/// The session scheme and the log-on, when a client would log its connection on before
/// sending this request: a WebSocket endpoint other than the log-on, whose chosen scheme's key
/// is the session's `when_key`.
fn session(
    venue: &VenueInfo,
    endpoint: &EndpointInfo,
    signer: &Signer,
) -> Option<(&'static Scheme, &'static str)> {
    let session = venue.ws_session?;
    let ws = matches!(endpoint.transport, TransportInfo::Ws { .. });
    if !ws || endpoint.logon || signer.scheme().key != session.when_key {
        return None;
    }
    let scheme = venue.schemes.iter().find(|s| s.name == session.scheme)?;
    Some((scheme, session.logon))
}

/// The line saying the request goes on a connection logged on with `logon` first.
fn logon_note(logon: &str) -> String {
    format!(
        "# on a connection logged on first with `{logon}` (as a client does; \
         `--endpoint {logon}` shows that frame)\n"
    )
}

/// The scheme named on the command line, or the first whose credentials are all given (the
/// session's scheme, with the log-on's id, where a client logs its connection on first).
fn choose_signer(
    venue: &VenueInfo,
    endpoint: &EndpointInfo,
    scheme: Option<&str>,
    transport: SchemeTransport,
    creds: &Credentials,
) -> Result<(Signer, Option<&'static str>), SignCliError> {
    let Some(name) = scheme else {
        let signer = Signer::choose(venue.schemes, transport, creds)?.with_frame(venue.ws_frame);
        if let Some((session, logon)) = session(venue, endpoint, &signer) {
            return Ok((
                Signer::new(session, creds)?.with_frame(venue.ws_frame),
                Some(logon),
            ));
        }
        return Ok((signer, None));
    };
    let scheme = venue
        .schemes
        .iter()
        .find(|s| s.name == name && s.transport == transport)
        .ok_or_else(|| {
            let names: Vec<_> = venue
                .schemes
                .iter()
                .filter(|s| s.transport == transport)
                .map(|s| s.name)
                .collect();
            SignCliError::Usage(format!(
                "no scheme `{name}` for this endpoint (schemes: {})",
                names.join(", ")
            ))
        })?;
    Ok((Signer::new(scheme, creds)?.with_frame(venue.ws_frame), None))
}

/// The environment named on the command line, or the venue's first.
fn environment<'a>(
    venue: &'a VenueInfo,
    name: Option<&str>,
) -> Result<&'a EnvironmentInfo, SignCliError> {
    match name {
        Some(name) => venue
            .environments
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| {
                SignCliError::Usage(format!("venue {} has no environment `{name}`", venue.id))
            }),
        None => venue
            .environments
            .first()
            .ok_or_else(|| SignCliError::Usage(format!("venue {} has no environment", venue.id))),
    }
}

/// The venue's credentials: from the environment (when `use_env`), then `name=value`
/// arguments, then `name=path` files.
pub fn credentials(
    venue: &VenueInfo,
    use_env: bool,
    values: &[String],
    files: &[(String, String)],
) -> Result<Credentials, SignCliError> {
    let mut creds = if use_env {
        Credentials::from_env(venue.credentials)?
    } else {
        Credentials::new(venue.credentials)
    };
    for arg in values {
        // Never echo the argument: without `=` it is likely a bare secret.
        let (k, v) = arg.split_once('=').ok_or_else(|| {
            SignCliError::Usage(
                "a --credential needs name=value (the argument is not shown)".into(),
            )
        })?;
        creds.set(k, v)?;
    }
    for (k, path) in files {
        creds.set_from_file(k, path)?;
    }
    Ok(creds)
}
