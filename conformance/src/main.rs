//! `conformance`: the project's main command.
//!
//! `conformance check` runs, offline, every check of the generated clients against the docs
//! they were generated from, prints a table per venue, and exits non-zero on any failure.
//! `conformance validate` judges captured responses against a spec; `conformance schema`
//! prints an endpoint's derived JSON Schema.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use conformance::check::report;
use conformance::judge::drift::{Judge, Verdict};
use conformance::judge::schema::{BodyPart, Strictness};

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
        /// Skip the round trips through the embedded mock venue.
        #[arg(long)]
        no_mock: bool,
        /// The fixtures folder (default: this crate's `fixtures/`).
        #[arg(long, value_name = "DIR")]
        fixtures: Option<PathBuf>,
        /// Send real requests instead of the mock round trips: one per endpoint with
        /// parameters in `--live-params`, credentials from the environment, each answer
        /// judged strict and lenient. Drift fails the check.
        #[arg(long, requires = "live_params")]
        live: bool,
        /// JSON file of the live requests' parameters:
        /// `{"htx/get_client_order": {"clientOrderId": "..."}}`.
        #[arg(long, value_name = "FILE")]
        live_params: Option<PathBuf>,
        /// A venue's base URL for live requests (repeatable): `--base-url p99=http://...`.
        #[arg(long = "base-url", value_name = "VENUE=URL", value_parser = conformance::check::live::parse_base_url)]
        base_urls: Vec<(String, String)>,
    },
    /// Judge captured bodies against an endpoint's spec. Prints, per file, `valid`, `drift`
    /// with each finding at its JSON pointer, or `invalid` when the generated client cannot
    /// parse it. Exit status: 0 all valid, 1 drift (and nothing invalid), 2 invalid (or a
    /// file that cannot be read, or an unknown venue or endpoint).
    Validate {
        /// Venue id (`bitmart`, `htx`, `binance_usdm`, `p99`).
        #[arg(long)]
        venue: String,
        /// Endpoint id (`query_client_order`, ...).
        #[arg(long)]
        endpoint: String,
        /// Judge every body as this part (default: the venue's success rule decides between
        /// a response and an error body).
        #[arg(long, value_enum)]
        body: Option<BodyArg>,
        /// Files holding one JSON body each; `-` or none reads standard input.
        files: Vec<PathBuf>,
    },
    /// Print an endpoint's JSON Schema (draft 2020-12), derived from the generated types:
    /// lenient (what the client accepts) or, with `--strict`, what the docs promise.
    Schema {
        /// Venue id.
        #[arg(long)]
        venue: String,
        /// Endpoint id.
        #[arg(long)]
        endpoint: String,
        /// The strict schema: closed objects and enums, canonical wire forms.
        #[arg(long)]
        strict: bool,
        /// Which body.
        #[arg(long, value_enum, default_value = "response")]
        body: BodyArg,
    },
    /// Serve every venue's mock on loopback until Ctrl-C, and print where and with which
    /// credentials to reach it (point any client, CCXT included, at these URLs).
    Mock {
        /// Serve the i-th venue (in `conformance list` order) on port N + i; free ports
        /// otherwise.
        #[arg(long, value_name = "N")]
        port_base: Option<u16>,
        /// Only this venue (repeatable).
        #[arg(long = "venue", value_name = "VENUE")]
        venues: Vec<String>,
    },
    /// List the venues and endpoints generated from the specs.
    List,
    /// Judge adversarial bodies at volume (random bytes, mutated docs examples, wide, deep,
    /// huge numbers and strings, invalid UTF-8, truncated) through the client's parse, the
    /// strict validator and the drift judge, on every core. Exit status: 0 clean, 1 on any
    /// panic or time-out, 2 for a usage error.
    Fuzz(conformance::cmd::fuzz::FuzzArgs),
    /// Print, without sending, exactly what a signed request would put on the wire: method,
    /// URL, headers and body, or the WebSocket frame, and the string that was signed.
    /// Credentials come from the venue's environment variables (`conformance list` shows
    /// them) and `--credential`.
    Sign {
        #[command(flatten)]
        target: Target,
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
    /// Send one request through the generated client and print the unified order (when the
    /// endpoint maps onto one) and the typed response (the payload, envelope unwrapped, as
    /// pretty JSON). Same parameter and credential flags as `sign`. Exit status: 0 on success, 1 when the venue or the transport failed (the error
    /// and the raw body go to stderr), 2 for a usage error.
    Query {
        #[command(flatten)]
        request: RequestArgs,
        /// Print one JSON object (response, unified order, status) instead of the report.
        #[arg(long)]
        json: bool,
    },
    /// Send one real signed request (credentials from the environment, as `query`), scrub
    /// the answer (account identifiers the spec marks `scrub`, any credential echoed back) and
    /// write it as a new fixture for review, with the drift verdict. Error answers are
    /// recorded too. Credentials are redacted in any case, percent- or JSON-escaped, hex,
    /// base64 or in parts, from the fixture and everything printed; a credential shorter
    /// than 8 characters is refused before sending.
    Record {
        #[command(flatten)]
        request: RequestArgs,
        /// The fixtures folder (default: this crate's `fixtures/`); the file goes in
        /// `<venue>/<endpoint>/`.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The file name without `.json` (default: `recorded-<UTC time>`).
        #[arg(long)]
        name: Option<String>,
    },
}

/// Which endpoint, with which parameters and credentials (`sign`, `query`, `record`).
#[derive(clap::Args)]
struct Target {
    /// Venue id (`bitmart`, `htx`, `binance_usdm`, `p99`).
    #[arg(long)]
    venue: String,
    /// Endpoint id (`query_client_order`, ...).
    #[arg(long)]
    endpoint: String,
    /// A request parameter by its wire name (repeatable): `--param clientOrderId=abc`.
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = conformance::cmd::sign::parse_pair)]
    params: Vec<(String, String)>,
    /// A credential (repeatable), overriding the environment: `--credential secret=...`.
    #[arg(long = "credential", value_name = "NAME=VALUE")]
    credentials: Vec<String>,
    /// A credential read from a file (repeatable): `--credential-file ed25519_key=key.pem`.
    #[arg(long = "credential-file", value_name = "NAME=PATH", value_parser = conformance::cmd::sign::parse_pair)]
    credential_files: Vec<(String, String)>,
}

/// What `query` and `record` send, and through what.
#[derive(clap::Args)]
struct RequestArgs {
    #[command(flatten)]
    target: Target,
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
    /// Ignore credentials in the environment.
    #[arg(long)]
    no_env: bool,
}

impl RequestArgs {
    /// The endpoint and the query arguments, or the exit code of a usage error (printed).
    fn resolve(
        self,
    ) -> Result<
        (
            &'static conformance::VenueInfo,
            &'static conformance::EndpointInfo,
            conformance::cmd::query::QueryArgs,
        ),
        ExitCode,
    > {
        let Some((v, e)) = conformance::find(&self.target.venue, &self.target.endpoint) else {
            eprintln!(
                "unknown venue/endpoint `{}/{}` (see `conformance list`)",
                self.target.venue, self.target.endpoint
            );
            return Err(ExitCode::from(2));
        };
        let timeout = match self.timeout.map(std::time::Duration::try_from_secs_f64) {
            Some(Err(_)) => {
                eprintln!("--timeout needs a positive number of seconds");
                return Err(ExitCode::from(2));
            }
            Some(Ok(t)) => Some(t),
            None => None,
        };
        let args = conformance::cmd::query::QueryArgs {
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

/// A single-threaded runtime for one request.
fn current_thread_runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| {
            eprintln!("cannot start the runtime: {err}");
            ExitCode::from(2)
        })
}

/// Prints a venue or transport failure; exit 2 when the request never left, 1 otherwise.
fn report_venue_error(err: &generated::runtime::error::VenueError) -> ExitCode {
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

/// A body part on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum BodyArg {
    /// A successful response body (envelope included).
    Response,
    /// Only the payload of a successful response.
    Payload,
    /// An error body.
    Error,
}

impl From<BodyArg> for BodyPart {
    fn from(b: BodyArg) -> BodyPart {
        match b {
            BodyArg::Response => BodyPart::Response,
            BodyArg::Payload => BodyPart::Payload,
            BodyArg::Error => BodyPart::Error,
        }
    }
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check {
            venues,
            no_mock,
            fixtures,
            live,
            live_params,
            base_urls,
        } => {
            let round_trips = match (live, live_params) {
                (true, Some(path)) => match conformance::check::live::read_params(&path) {
                    Ok(params) => RoundTrips::Live(params, base_urls.into_iter().collect()),
                    Err(e) => {
                        eprintln!("{e}");
                        return ExitCode::from(2);
                    }
                },
                _ if no_mock => RoundTrips::None,
                _ => RoundTrips::Mock,
            };
            check(
                &venues,
                &fixtures.unwrap_or_else(conformance::fixtures::default_dir),
                round_trips,
            )
        }
        Command::Mock { port_base, venues } => serve_mock(port_base, venues),
        Command::Fuzz(args) => conformance::cmd::fuzz::main(args),
        Command::Validate {
            venue,
            endpoint,
            body,
            files,
        } => validate(&venue, &endpoint, body.map(BodyPart::from), &files),
        Command::Schema {
            venue,
            endpoint,
            strict,
            body,
        } => {
            let Some((_, e)) = conformance::find(&venue, &endpoint) else {
                eprintln!("unknown venue/endpoint `{venue}/{endpoint}` (see `conformance list`)");
                return ExitCode::from(2);
            };
            let strictness = if strict {
                Strictness::Strict
            } else {
                Strictness::Lenient
            };
            let schema = conformance::judge::schema::schema(e, body.into(), strictness);
            print!("{}", conformance::judge::schema::render(&schema));
            ExitCode::SUCCESS
        }
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
            target:
                Target {
                    venue,
                    endpoint,
                    params,
                    credentials,
                    credential_files,
                },
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
            let args = conformance::cmd::sign::SignArgs {
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
            match conformance::cmd::sign::sign(v, e, &args) {
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
        Command::Query { request, json } => {
            let (v, e, args) = match request.resolve() {
                Ok(r) => r,
                Err(code) => return code,
            };
            let runtime = match current_thread_runtime() {
                Ok(r) => r,
                Err(code) => return code,
            };
            match runtime.block_on(conformance::cmd::query::query(v, e, &args)) {
                Ok(reply) => {
                    print!("{}", conformance::cmd::query::render(v, e, &reply, json));
                    ExitCode::SUCCESS
                }
                Err(conformance::cmd::query::QueryError::Venue(err)) => report_venue_error(&err),
                Err(err) => {
                    eprintln!("{err}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Record { request, out, name } => {
            let (v, e, args) = match request.resolve() {
                Ok(r) => r,
                Err(code) => return code,
            };
            let runtime = match current_thread_runtime() {
                Ok(r) => r,
                Err(code) => return code,
            };
            let target = conformance::cmd::record::RecordTarget {
                root: out.unwrap_or_else(conformance::fixtures::default_dir),
                name: name.unwrap_or_else(conformance::cmd::record::default_name),
            };
            match runtime.block_on(conformance::cmd::record::record(v, e, &args, &target)) {
                Ok(rec) => {
                    print!("{}", conformance::cmd::record::summary(&rec));
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    // Redacted by the recorder, raw body included.
                    eprintln!("{err}");
                    ExitCode::from(err.exit_code())
                }
            }
        }
    }
}

/// A runtime for the mock and its clients.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    // reqwest and tokio-tungstenite use rustls; ring is the one provider the workspace builds.
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

fn serve_mock(port_base: Option<u16>, venues: Vec<String>) -> ExitCode {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start a runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async {
        let config = conformance::mock::MockConfig {
            venues,
            port_base,
            ..Default::default()
        };
        let mock = match conformance::mock::MockVenue::start(config).await {
            Ok(m) => m,
            Err(e @ conformance::mock::MockError::UnknownVenue(_)) => {
                eprintln!("{e} (see `conformance list`)");
                return ExitCode::from(2);
            }
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        print!("{}", describe_mock(&mock));
        println!("\nserving; Ctrl-C stops");
        let _ = tokio::signal::ctrl_c().await;
        mock.shutdown().await;
        ExitCode::SUCCESS
    })
}

/// Where each venue of the mock listens, the credentials it accepts (as the environment
/// variables the generated clients and `conformance sign` read) and the orders it knows.
fn describe_mock(mock: &conformance::mock::MockHandle) -> String {
    use std::fmt::Write as _;
    let mut out = String::from(
        "conformance mock: the venues' mocks on loopback. The credentials are the mock's own\n\
         test values (and the public test keys of conformance/fixtures/vectors/keys).\n",
    );
    let verifiable: Vec<_> = conformance::mock::verifiable_schemes().collect();
    for a in mock.venues() {
        let Some(v) = conformance::VENUES.iter().find(|v| v.id == a.venue) else {
            continue;
        };
        let _ = writeln!(out, "\n{} ({})", v.id, v.name);
        if let Some(u) = &a.rest_base {
            let _ = writeln!(out, "  rest: {u}");
        }
        if let Some(u) = &a.ws_url {
            let _ = writeln!(out, "  ws:   {u}");
        }
        if let Some(creds) = mock.credentials(v.id) {
            for info in v.credentials {
                match creds.iter().find(|(n, _)| *n == info.name) {
                    Some((_, c)) => match &c.file {
                        Some(path) => {
                            let _ = writeln!(out, "  {}_FILE={}", info.env, path.display());
                        }
                        None => {
                            let _ = writeln!(out, "  {}={}", info.env, c.value.expose());
                        }
                    },
                    None => {
                        let _ = writeln!(out, "  {}: not accepted", info.env);
                    }
                }
            }
        }
        let schemes: Vec<_> = v
            .schemes
            .iter()
            .filter(|s| !s.credentials.is_empty())
            .filter(|s| {
                v.endpoints.iter().any(|e| {
                    matches!(
                        (e.transport, s.transport),
                        (
                            generated::runtime::registry::TransportInfo::Rest { .. },
                            generated::runtime::signing::SchemeTransport::Rest
                        ) | (
                            generated::runtime::registry::TransportInfo::Ws { .. },
                            generated::runtime::signing::SchemeTransport::Ws
                        )
                    )
                })
            })
            .map(|s| {
                if verifiable.contains(&(v.id, s.name)) {
                    s.name.to_string()
                } else {
                    format!("{} (refused: not verifiable)", s.name)
                }
            })
            .collect();
        let _ = writeln!(out, "  schemes: {}", schemes.join(", "));
        for o in mock.seeded_orders(v.id) {
            let sel: Vec<_> = o
                .selectors
                .iter()
                .map(|(k, val)| format!("{k}={val}"))
                .collect();
            let sel = if sel.is_empty() {
                "any request".to_string()
            } else {
                sel.join(" or ")
            };
            let _ = writeln!(out, "  order: {} {} ({sel})", o.endpoint, o.example);
        }
    }
    out
}

fn validate(venue: &str, endpoint: &str, part: Option<BodyPart>, files: &[PathBuf]) -> ExitCode {
    let Some((v, e)) = conformance::find(venue, endpoint) else {
        eprintln!("unknown venue/endpoint `{venue}/{endpoint}` (see `conformance list`)");
        return ExitCode::from(2);
    };
    let judge = Judge::new(v, e);
    let stdin = [PathBuf::from("-")];
    let files = if files.is_empty() { &stdin[..] } else { files };
    let mut worst = Verdict::Valid;
    let mut unreadable = false;
    let mut out = std::io::stdout().lock();
    for path in files {
        let (name, raw) = if path == Path::new("-") {
            let mut buf = Vec::new();
            let read = std::io::stdin().read_to_end(&mut buf).map(|_| buf);
            ("<stdin>".to_string(), read)
        } else {
            (path.display().to_string(), std::fs::read(path))
        };
        match raw {
            Ok(raw) => {
                let j = judge.judge(&raw, part);
                worst = worst.max(j.verdict);
                let _ = out.write_all(conformance::judge::drift::render(&name, &j).as_bytes());
            }
            Err(err) => {
                unreadable = true;
                eprintln!("{name}: cannot read: {err}");
            }
        }
    }
    if unreadable {
        ExitCode::from(2)
    } else {
        ExitCode::from(worst.exit_code())
    }
}

/// What `check` sends after the offline checks.
enum RoundTrips {
    /// Nothing (`--no-mock`).
    None,
    /// Round trips through the embedded mock venue (the default).
    Mock,
    /// Real requests (`--live`): parameters per `venue/endpoint`, base URLs per venue.
    Live(
        conformance::check::live::LiveParams,
        std::collections::BTreeMap<String, String>,
    ),
}

fn check(filter: &[String], fixtures: &Path, round_trips: RoundTrips) -> ExitCode {
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
    let reports = report::check_all(&selected, fixtures, |done, total, label| {
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
    let vectors: Vec<_> = conformance::check::vectors::run_all()
        .into_iter()
        .filter(|r| filter.is_empty() || filter.iter().any(|f| f == r.venue))
        .collect();
    print!("{}", report::render_vectors(&vectors));
    let mut failed = reports.iter().filter(|r| !r.passed()).count()
        + vectors.iter().filter(|r| r.outcome.is_err()).count();
    if let RoundTrips::Live(params, base_urls) = &round_trips {
        match runtime() {
            Ok(rt) => {
                let rows = rt.block_on(conformance::check::live::run(&selected, params, base_urls));
                print!("{}", conformance::check::live::render(&rows));
                failed += rows.iter().filter(|r| !r.passed()).count();
            }
            Err(e) => {
                println!("\nlive: cannot start a runtime: {e}");
                failed += 1;
            }
        }
    }
    if matches!(round_trips, RoundTrips::Mock) {
        let rows = runtime().map_err(|e| e.to_string()).and_then(|rt| {
            rt.block_on(async {
                let config = conformance::mock::MockConfig {
                    venues: selected.iter().map(|v| v.id.to_string()).collect(),
                    ..Default::default()
                };
                let mock = conformance::mock::MockVenue::start(config)
                    .await
                    .map_err(|e| e.to_string())?;
                let rows = conformance::check::mock::run(&mock, &selected).await;
                mock.shutdown().await;
                Ok::<_, String>(rows)
            })
        });
        match rows {
            Ok(rows) => {
                print!("{}", conformance::check::mock::render(&rows));
                failed += rows.iter().filter(|r| !r.passed()).count();
            }
            Err(e) => {
                println!("\nmock venue: cannot start: {e}");
                failed += 1;
            }
        }
    }
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
