//! `conformance`: the project's main command.
//!
//! `conformance check` runs, offline, every check of the generated clients against the docs
//! they were generated from, prints a table per venue, and exits non-zero on any failure.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use conformance::report;

/// Checks typed exchange clients against the venues' docs.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per run: the size difference between variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Run every offline check: the specs compiled into this binary, each docs example parsed
    /// through the generated types and serialised back, each documented enum value.
    Check {
        /// Only this venue (repeatable).
        #[arg(long = "venue", value_name = "VENUE")]
        venues: Vec<String>,
    },
    /// List the venues and endpoints generated from the specs.
    List,
    /// Print, without sending, exactly what a signed request would put on the wire: method,
    /// URL, headers and body, or the WebSocket frame, and the string that was signed.
    /// Credentials come from the venue's environment variables (`conformance list` shows
    /// them) and `--credential`.
    Sign {
        /// Venue id (`bitmart`, `htx`, `binance_usdm`, `p99`).
        #[arg(long)]
        venue: String,
        /// Endpoint id (`query_client_order`, ...).
        #[arg(long)]
        endpoint: String,
        /// A request parameter by its wire name (repeatable): `--param clientOrderId=abc`.
        #[arg(long = "param", value_name = "NAME=VALUE", value_parser = conformance::sign::parse_pair)]
        params: Vec<(String, String)>,
        /// A credential (repeatable), overriding the environment: `--credential secret=...`.
        #[arg(long = "credential", value_name = "NAME=VALUE")]
        credentials: Vec<String>,
        /// A credential read from a file (repeatable): `--credential-file ed25519_key=key.pem`.
        #[arg(long = "credential-file", value_name = "NAME=PATH", value_parser = conformance::sign::parse_pair)]
        credential_files: Vec<(String, String)>,
        /// The timestamp to sign with, in milliseconds since the epoch (default: now).
        #[arg(long)]
        timestamp: Option<i64>,
        /// The environment whose URL to use (default: the venue's first).
        #[arg(long = "env")]
        environment: Option<String>,
        /// A base URL overriding the environment's.
        #[arg(long)]
        base_url: Option<String>,
        /// A signing scheme by name (default: the first whose credentials are all given).
        #[arg(long)]
        scheme: Option<String>,
        /// The WebSocket frame id.
        #[arg(long, default_value = "1")]
        id: String,
        /// Show sensitive header values (bearer tokens, passphrases) instead of `[redacted]`.
        #[arg(long)]
        reveal: bool,
        /// Ignore credentials in the environment.
        #[arg(long)]
        no_env: bool,
    },
    /// Send one request through the generated client and print the typed response (the
    /// payload, envelope unwrapped, as pretty JSON). Same parameter and credential flags as
    /// `sign`. Exit status: 0 on success, 1 when the venue or the transport failed (the error
    /// and the raw body go to stderr), 2 for a usage error.
    Query {
        /// Venue id (`bitmart`, `htx`, `binance_usdm`, `p99`).
        #[arg(long)]
        venue: String,
        /// Endpoint id (`query_client_order`, ...).
        #[arg(long)]
        endpoint: String,
        /// A request parameter by its wire name (repeatable): `--param clientOrderId=abc`.
        #[arg(long = "param", value_name = "NAME=VALUE", value_parser = conformance::sign::parse_pair)]
        params: Vec<(String, String)>,
        /// A credential (repeatable), overriding the environment: `--credential secret=...`.
        #[arg(long = "credential", value_name = "NAME=VALUE")]
        credentials: Vec<String>,
        /// A credential read from a file (repeatable): `--credential-file ed25519_key=key.pem`.
        #[arg(long = "credential-file", value_name = "NAME=PATH", value_parser = conformance::sign::parse_pair)]
        credential_files: Vec<(String, String)>,
        /// The environment whose URLs to use (default: the venue's first).
        #[arg(long = "env")]
        environment: Option<String>,
        /// A base URL overriding the environment's (`ws://...` for the WebSocket API).
        #[arg(long)]
        base_url: Option<String>,
        /// A signing scheme by name (default: the first whose credentials are all given).
        #[arg(long)]
        scheme: Option<String>,
        /// Seconds to wait for each attempt.
        #[arg(long)]
        timeout: Option<f64>,
        /// Attempts in all (1: no retry).
        #[arg(long)]
        attempts: Option<u32>,
        /// Print only the payload's JSON.
        #[arg(long)]
        json: bool,
        /// Ignore credentials in the environment.
        #[arg(long)]
        no_env: bool,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check { venues } => check(&venues),
        Command::List => {
            for v in conformance::VENUES {
                println!("{} ({})", v.id, v.name);
                for e in v.endpoints {
                    println!("  {:<24} {}", e.id, e.summary);
                }
                let envs: Vec<_> = v
                    .credentials
                    .iter()
                    .map(|c| format!("{}={}", c.name, c.env))
                    .collect();
                println!("  credentials: {}", envs.join(", "));
            }
            ExitCode::SUCCESS
        }
        Command::Sign {
            venue,
            endpoint,
            params,
            credential_files,
            credentials,
            timestamp,
            environment,
            base_url,
            scheme,
            id,
            reveal,
            no_env,
        } => {
            let Some((v, e)) = conformance::find(&venue, &endpoint) else {
                eprintln!("unknown venue/endpoint `{venue}/{endpoint}` (see `conformance list`)");
                return ExitCode::from(2);
            };
            let args = conformance::sign::SignArgs {
                params,
                credentials,
                credential_files,
                timestamp,
                environment,
                base_url,
                scheme,
                id,
                reveal,
                use_env: !no_env,
            };
            match conformance::sign::sign(v, e, &args) {
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
        Command::Query {
            venue,
            endpoint,
            params,
            credentials,
            credential_files,
            environment,
            base_url,
            scheme,
            timeout,
            attempts,
            json,
            no_env,
        } => {
            let Some((v, e)) = conformance::find(&venue, &endpoint) else {
                eprintln!("unknown venue/endpoint `{venue}/{endpoint}` (see `conformance list`)");
                return ExitCode::from(2);
            };
            let timeout = match timeout.map(std::time::Duration::try_from_secs_f64) {
                Some(Err(_)) => {
                    eprintln!("--timeout needs a positive number of seconds");
                    return ExitCode::from(2);
                }
                Some(Ok(t)) => Some(t),
                None => None,
            };
            let args = conformance::query::QueryArgs {
                params,
                credentials,
                credential_files,
                environment,
                base_url,
                scheme,
                use_env: !no_env,
                timeout,
                attempts,
            };
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(err) => {
                    eprintln!("cannot start the runtime: {err}");
                    return ExitCode::from(2);
                }
            };
            match runtime.block_on(conformance::query::query(v, e, &args)) {
                Ok(reply) => {
                    print!("{}", conformance::query::render(&reply, json));
                    ExitCode::SUCCESS
                }
                Err(conformance::query::QueryError::Venue(err)) => {
                    use generated::runtime::error::ErrorKind;
                    eprintln!("{err}");
                    if let Some(raw) = err.raw_body().filter(|r| !r.is_empty()) {
                        eprintln!("body: {raw}");
                    }
                    match err.kind() {
                        ErrorKind::Request | ErrorKind::Sign | ErrorKind::Config => {
                            ExitCode::from(2)
                        }
                        _ => ExitCode::from(1),
                    }
                }
                Err(err) => {
                    eprintln!("{err}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn check(filter: &[String]) -> ExitCode {
    let selected: Vec<_> = conformance::VENUES
        .iter()
        .filter(|v| filter.is_empty() || filter.iter().any(|f| f == v.id))
        .collect();
    if let Some(unknown) = filter
        .iter()
        .find(|f| !conformance::VENUES.iter().any(|v| v.id == *f))
    {
        let known: Vec<_> = conformance::VENUES.iter().map(|v| v.id).collect();
        eprintln!("unknown venue `{unknown}` (known: {})", known.join(", "));
        return ExitCode::from(2);
    }
    let endpoints: usize = selected.iter().map(|v| v.endpoints.len()).sum();
    println!(
        "conformance check: {} venues, {endpoints} endpoints (specs fingerprint {})",
        selected.len(),
        generated::SPECS_FINGERPRINT
    );
    let tty = std::io::stderr().is_terminal();
    let reports = report::check_all(&selected, |done, total, label| {
        let mut err = std::io::stderr();
        if tty {
            let _ = write!(err, "\r\x1b[2K[{done}/{total}] {label}");
            if done == total {
                let _ = writeln!(err);
            }
        } else if done < total {
            let _ = writeln!(err, "[{}/{total}] {label}", done + 1);
        }
    });
    print!("{}", report::render(&reports));
    let vectors: Vec<_> = conformance::vectors::run_all()
        .into_iter()
        .filter(|r| filter.is_empty() || filter.iter().any(|f| f == r.venue))
        .collect();
    print!("{}", report::render_vectors(&vectors));
    let failed = reports.iter().filter(|r| !r.passed()).count()
        + vectors.iter().filter(|r| r.outcome.is_err()).count();
    println!(
        "\n{}",
        if failed == 0 {
            "all checks passed".to_string()
        } else {
            format!("{failed} checks FAILED")
        }
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
