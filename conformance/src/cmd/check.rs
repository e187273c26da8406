//! `conformance check`: runs, offline, every check of the generated clients against the docs
//! they were generated from, prints a table per venue (the tables are [`crate::check`]'s), and
//! exits non-zero on any failure.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::VenueInfo;
use crate::check::{live, mock, report, vectors};
use crate::cmd::runtime::multi_thread;
use crate::mock::{MockConfig, MockVenue};

/// `conformance check` flags.
#[derive(clap::Args)]
pub struct CheckCommand {
    /// Only this venue (repeatable).
    #[arg(long = "venue", value_name = "VENUE")]
    pub venues: Vec<String>,
    /// Skip the round trips through the embedded mock venue.
    #[arg(long)]
    pub no_mock: bool,
    /// The fixtures folder (default: this crate's `fixtures/`).
    #[arg(long, value_name = "DIR")]
    pub fixtures: Option<PathBuf>,
    /// Send real requests instead of the mock round trips: one per endpoint with
    /// parameters in `--live-params`, credentials from the environment, each answer
    /// judged strict and lenient. Drift fails the check.
    #[arg(long, requires = "live_params")]
    pub live: bool,
    /// JSON file of the live requests' parameters:
    /// `{"<venue>/<endpoint>": {"<parameter>": "..."}}`.
    #[arg(long, value_name = "FILE")]
    pub live_params: Option<PathBuf>,
    /// A venue's base URL for live requests (repeatable): `--base-url <venue>=http://...`.
    #[arg(long = "base-url", value_name = "VENUE=URL", value_parser = live::parse_base_url)]
    pub base_urls: Vec<(String, String)>,
}

/// What `check` sends after the offline checks.
enum RoundTrips {
    /// Nothing (`--no-mock`).
    None,
    /// Round trips through the embedded mock venue (the default).
    Mock,
    /// Real requests (`--live`): parameters per `venue/endpoint`, base URLs per venue.
    Live(live::LiveParams, BTreeMap<String, String>),
}

/// Runs the checks; exit 0 when all passed, 1 on any failure, 2 for a usage error.
pub fn run(cmd: CheckCommand) -> ExitCode {
    let round_trips = match (cmd.live, cmd.live_params) {
        (true, Some(path)) => match live::read_params(&path) {
            Ok(params) => RoundTrips::Live(params, cmd.base_urls.into_iter().collect()),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        },
        _ if cmd.no_mock => RoundTrips::None,
        _ => RoundTrips::Mock,
    };
    let fixtures = cmd.fixtures.unwrap_or_else(crate::fixtures::default_dir);
    check(&cmd.venues, &fixtures, round_trips)
}

/// The venues the filter names (all when it is empty), or exit 2 for an unknown one.
fn select(filter: &[String]) -> Result<Vec<&'static VenueInfo>, ExitCode> {
    if let Some(unknown) = filter
        .iter()
        .find(|f| !crate::VENUES.iter().any(|v| v.id == *f))
    {
        let known: Vec<_> = crate::VENUES.iter().map(|v| v.id).collect();
        eprintln!("unknown venue `{unknown}` (known: {})", known.join(", "));
        return Err(ExitCode::from(2));
    }
    Ok(crate::VENUES
        .iter()
        .filter(|v| filter.is_empty() || filter.iter().any(|f| f == v.id))
        .collect())
}

/// Prints the tables and returns the exit code.
fn check(filter: &[String], fixtures: &Path, round_trips: RoundTrips) -> ExitCode {
    let selected = match select(filter) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let endpoints: usize = selected.iter().map(|v| v.endpoints.len()).sum();
    println!(
        "conformance check: {} venues, {endpoints} endpoints (specs fingerprint {})",
        selected.len(),
        generated::SPECS_FINGERPRINT
    );
    let reports = report::check_all(
        &selected,
        fixtures,
        progress(std::io::stderr().is_terminal()),
    );
    print!("{}", report::render(&reports));
    let vectors: Vec<_> = vectors::run_all()
        .into_iter()
        .filter(|r| filter.is_empty() || filter.iter().any(|f| f == r.venue))
        .collect();
    print!("{}", report::render_vectors(&vectors));
    let mut failed = reports.iter().filter(|r| !r.passed()).count()
        + vectors.iter().filter(|r| r.outcome.is_err()).count();
    match &round_trips {
        RoundTrips::Live(params, base_urls) => failed += run_live(&selected, params, base_urls),
        RoundTrips::Mock => failed += run_mock(&selected),
        RoundTrips::None => {}
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

/// Progress on stderr: one line rewritten in place on a terminal, a line per step otherwise.
fn progress(tty: bool) -> impl FnMut(usize, usize, &str) {
    move |done, total, label| {
        let mut err = std::io::stderr();
        if tty {
            let _ = write!(err, "\r\x1b[2K[{done}/{total}] {label}");
            if done == total {
                let _ = writeln!(err);
            }
        } else if done < total {
            let _ = writeln!(err, "[{}/{total}] {label}", done + 1);
        }
    }
}

/// The live round trips: prints their table and returns how many failed.
fn run_live(
    selected: &[&'static VenueInfo],
    params: &live::LiveParams,
    base_urls: &BTreeMap<String, String>,
) -> usize {
    match multi_thread() {
        Ok(rt) => {
            let rows = rt.block_on(live::run(selected, params, base_urls));
            print!("{}", live::render(&rows));
            rows.iter().filter(|r| !r.passed()).count()
        }
        Err(e) => {
            println!("\nlive: cannot start a runtime: {e}");
            1
        }
    }
}

/// The round trips through the embedded mock: prints their tables and returns how many
/// failed.
fn run_mock(selected: &[&'static VenueInfo]) -> usize {
    let rows = multi_thread().map_err(|e| e.to_string()).and_then(|rt| {
        rt.block_on(async {
            let config = MockConfig {
                venues: selected.iter().map(|v| v.id.to_string()).collect(),
                ..Default::default()
            };
            let handle = MockVenue::start(config).await.map_err(|e| e.to_string())?;
            let rows = mock::run(&handle, selected).await;
            handle.shutdown().await;
            Ok::<_, String>(rows)
        })
    });
    match rows {
        Ok(rows) => {
            print!("{}", mock::render(&rows));
            rows.iter().filter(|r| !r.passed()).count()
        }
        Err(e) => {
            println!("\nmock venue: cannot start: {e}");
            1
        }
    }
}
