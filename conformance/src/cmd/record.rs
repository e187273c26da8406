//! `conformance record`: sends one real signed request through the generated client, scrubs
//! the answer (account identifiers the spec marks `scrub`, and any credential echoed back),
//! and writes it as a new fixture for review, with the drift judge's verdict.
//!
//! Success and error answers are both recorded: a venue's error bodies drift too.
//!
//! Everything the command writes or prints (the fixture, the summary, every error message,
//! raw bodies included) goes through the [`Scrubber`] first, and the fixture is not written
//! when a credential in any form the scrubber knows survives. A credential too short to be
//! found reliably is refused before anything is sent.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generated::runtime::error::{ErrorKind, VenueError};
use generated::runtime::registry::{EndpointInfo, VenueInfo};

use crate::cmd::query::{QueryArgs, QueryError, RequestArgs};
use crate::judge::drift::{Judge, Judgement};
use crate::scrub::{ScrubReport, Scrubber, scrub_body};

/// `conformance record` flags.
#[derive(clap::Args)]
pub struct RecordCommand {
    #[command(flatten)]
    /// What to send, and through what.
    pub request: RequestArgs,
    /// The fixtures folder (default: this crate's `fixtures/`); the file goes in
    /// `<venue>/<endpoint>/`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The file name without `.json` (default: `recorded-<UTC time>`).
    #[arg(long)]
    pub name: Option<String>,
}

/// Records one answer and prints the summary; the exit status is [`RecordError::exit_code`]'s
/// on failure.
pub fn run(cmd: RecordCommand) -> ExitCode {
    let (v, e, args) = match cmd.request.resolve() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let runtime = match crate::cmd::runtime::current_thread() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let target = RecordTarget {
        root: cmd.out.unwrap_or_else(crate::fixtures::default_dir),
        name: cmd.name.unwrap_or_else(default_name),
    };
    match runtime.block_on(record(v, e, &args, &target)) {
        Ok(rec) => {
            print!("{}", summary(&rec));
            ExitCode::SUCCESS
        }
        Err(err) => {
            // Redacted by the recorder, raw body included.
            eprintln!("{err}");
            ExitCode::from(err.exit_code())
        }
    }
}

/// Where and under which name to write.
#[derive(Debug, Clone)]
pub struct RecordTarget {
    /// The fixtures root (`conformance/fixtures`); the file goes in `<venue>/<endpoint>/`.
    pub root: PathBuf,
    /// The file name without `.json` (`recorded-20261121T084900Z`).
    pub name: String,
}

/// What was recorded.
#[derive(Debug)]
pub struct Recorded {
    /// The file written.
    pub path: PathBuf,
    /// The HTTP status (`None` over WebSocket).
    pub http_status: Option<u16>,
    /// Whether the venue answered with an error (recorded as well).
    pub error: Option<String>,
    /// What was scrubbed and redacted.
    pub scrub: ScrubReport,
    /// The drift judge's verdict on the scrubbed body.
    pub judgement: Judgement,
}

/// Why nothing was recorded. Every message is redacted by the scrubber: it may be printed.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The command line does not make a request (unknown names, bad or too-short
    /// credentials); nothing was sent.
    #[error("{0}")]
    Usage(String),
    /// The request could not be made or sent, or the venue answered an error without a body.
    #[error("{message}")]
    Venue {
        /// The error's kind.
        kind: ErrorKind,
        /// The error as printed (redacted).
        message: String,
    },
    /// The answer is not JSON, so it cannot be a fixture (the raw body is kept here, redacted).
    #[error(
        "the answer is not JSON ({message}); nothing recorded. Body: {}",
        generated::runtime::decode::clip(raw, 4096)
    )]
    NotJson {
        /// What the JSON parser said.
        message: String,
        /// The body as received, redacted.
        raw: String,
    },
    /// A credential survived scrubbing (it appears in a member the scrubber cannot rewrite).
    #[error("a credential would reach the fixture; nothing recorded")]
    SecretLeft,
    /// The file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl RecordError {
    /// The command's exit status: 2 when the request could not be made (usage, request,
    /// signing or configuration), 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            RecordError::Usage(_) => 2,
            RecordError::Venue {
                kind: ErrorKind::Request | ErrorKind::Sign | ErrorKind::Config,
                ..
            } => 2,
            _ => 1,
        }
    }

    /// A query error as printed, with every credential redacted.
    fn from_query(err: QueryError, scrubber: &Scrubber) -> RecordError {
        match err {
            QueryError::Venue(err) => {
                let mut message = err.to_string();
                if let Some(raw) = err.raw_body().filter(|r| !r.is_empty()) {
                    message.push_str(&format!("\nbody: {raw}"));
                }
                RecordError::Venue {
                    kind: err.kind(),
                    message: scrubber.redacted(&message),
                }
            }
            QueryError::Usage(err) => RecordError::Usage(scrubber.redacted(&err.to_string())),
        }
    }
}

/// The raw body, untouched (the recorder decodes nothing itself).
fn raw_body(bytes: &[u8]) -> Result<String, generated::runtime::decode::DecodeError> {
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// An answer as the venue sent it.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The body, exactly as received (lossy UTF-8).
    pub raw: String,
    /// The HTTP status (`None` over WebSocket).
    pub http_status: Option<u16>,
    /// The venue error it was classified as, when it was one.
    pub error: Option<String>,
}

/// Sends the request through the generated client and returns the answer's raw body, success
/// or venue error alike. Fails when there is no body to keep: the request could not be made,
/// the transport failed, or the venue answered an error without a body.
pub async fn fetch(
    venue: &'static VenueInfo,
    endpoint: &'static EndpointInfo,
    args: &QueryArgs,
) -> Result<Fetched, QueryError> {
    let client = crate::cmd::query::client(venue, endpoint, args)?;
    let wire = (endpoint.build)(&crate::cmd::query::pairs(args)).map_err(|source| {
        QueryError::Venue(VenueError::Request {
            venue: venue.id,
            endpoint: endpoint.id,
            source,
        })
    })?;
    match client.call_reply(endpoint, &wire, raw_body).await {
        Ok(reply) => Ok(Fetched {
            raw: reply.value,
            http_status: reply.http_status,
            error: None,
        }),
        Err(err) => match err.raw_body() {
            Some(raw) if !raw.is_empty() => Ok(Fetched {
                raw: raw.to_owned(),
                http_status: err.http_status(),
                error: Some(err.to_string()),
            }),
            _ => Err(QueryError::Venue(err)),
        },
    }
}

/// A file name for now: `recorded-<UTC time>`.
pub fn default_name() -> String {
    format!(
        "recorded-{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ")
    )
}

/// Sends the request, scrubs the answer and writes it under `target`. Refuses credentials
/// the scrubber cannot find reliably before sending anything.
pub async fn record(
    venue: &'static VenueInfo,
    endpoint: &'static EndpointInfo,
    args: &QueryArgs,
    target: &RecordTarget,
) -> Result<Recorded, RecordError> {
    let creds = crate::cmd::sign::credentials(
        venue,
        args.use_env,
        &args.credentials,
        &args.credential_files,
    )
    .map_err(|e| RecordError::Usage(e.to_string()))?;
    let scrubber = Scrubber::new(&creds).map_err(|e| RecordError::Usage(e.to_string()))?;
    let Fetched {
        raw,
        http_status,
        error,
    } = fetch(venue, endpoint, args)
        .await
        .map_err(|e| RecordError::from_query(e, &scrubber))?;
    let mut body: serde_json::Value =
        serde_json::from_str(&raw).map_err(|e| RecordError::NotJson {
            message: scrubber.redacted(&e.to_string()),
            raw: scrubber.redacted(&raw),
        })?;
    let scrub = scrub_body(venue, endpoint, &mut body, &scrubber);
    let text = crate::fixtures::render(&body.to_string()).unwrap_or_else(|_| body.to_string());
    if scrubber.contains(&text) {
        return Err(RecordError::SecretLeft);
    }
    let dir = crate::fixtures::endpoint_dir(&target.root, venue.id, endpoint.id);
    let path = dir.join(format!("{}.json", target.name));
    write(&dir, &path, &text)?;
    let judgement = Judge::new(venue, endpoint).judge(text.as_bytes(), None);
    Ok(Recorded {
        path,
        http_status,
        error: error.map(|e| scrubber.redacted(&e)),
        scrub,
        judgement,
    })
}

fn write(dir: &Path, path: &Path, text: &str) -> Result<(), RecordError> {
    let fail = |source| RecordError::Write {
        path: path.to_owned(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    std::fs::write(path, text).map_err(fail)
}

/// The command's summary of a recording.
pub fn summary(r: &Recorded) -> String {
    let mut out = format!("recorded {}", r.path.display());
    match r.http_status {
        Some(s) => out.push_str(&format!(" (HTTP {s})")),
        None => out.push_str(" (WebSocket)"),
    }
    out.push('\n');
    if let Some(e) = &r.error {
        out.push_str(&format!("  venue error: {e}\n"));
    }
    if r.scrub.scrubbed.is_empty() {
        out.push_str("  scrubbed: nothing marked `scrub` was present\n");
    } else {
        out.push_str(&format!("  scrubbed: {}\n", r.scrub.scrubbed.join(", ")));
    }
    out.push_str(&format!("  credentials redacted: {}\n", r.scrub.redacted));
    out.push_str(&crate::judge::drift::render("  verdict", &r.judgement));
    out
}
