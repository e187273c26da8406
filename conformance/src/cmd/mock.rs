//! `conformance mock`: serves every venue's mock on loopback until Ctrl-C, and prints where and
//! with which credentials to reach it.

use std::fmt::Write as _;
use std::process::ExitCode;

use generated::runtime::registry::TransportInfo;
use generated::runtime::signing::SchemeTransport;

use crate::VenueInfo;
use crate::mock::{MockConfig, MockError, MockHandle, MockVenue};

/// `conformance mock` flags.
#[derive(clap::Args)]
pub struct MockCommand {
    /// Serve the i-th venue (in `conformance list` order) on port N + i; free ports
    /// otherwise.
    #[arg(long, value_name = "N")]
    pub port_base: Option<u16>,
    /// Only this venue (repeatable).
    #[arg(long = "venue", value_name = "VENUE")]
    pub venues: Vec<String>,
}

/// Serves until Ctrl-C; exit 2 for an unknown venue, 1 when the mock cannot start.
pub fn run(cmd: MockCommand) -> ExitCode {
    let rt = match crate::cmd::runtime::multi_thread() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start a runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async {
        let config = MockConfig {
            venues: cmd.venues,
            port_base: cmd.port_base,
            ..Default::default()
        };
        let mock = match MockVenue::start(config).await {
            Ok(m) => m,
            Err(e @ MockError::UnknownVenue(_)) => {
                eprintln!("{e} (see `conformance list`)");
                return ExitCode::from(2);
            }
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        print!("{}", describe(&mock));
        println!("\nserving; Ctrl-C stops");
        let _ = tokio::signal::ctrl_c().await;
        mock.shutdown().await;
        ExitCode::SUCCESS
    })
}

/// Where each venue of the mock listens, the credentials it accepts (as the environment
/// variables the generated clients and `conformance sign` read) and the orders it knows.
pub fn describe(mock: &MockHandle) -> String {
    let mut out = String::from(
        "conformance mock: the venues' mocks on loopback. The credentials are the mock's own\n\
         test values (and the public test keys of conformance/fixtures/vectors/keys).\n",
    );
    for a in mock.venues() {
        let Some(v) = crate::VENUES.iter().find(|v| v.id == a.venue) else {
            continue;
        };
        let _ = writeln!(out, "\n{} ({})", v.id, v.name);
        if let Some(u) = &a.rest_base {
            let _ = writeln!(out, "  rest: {u}");
        }
        if let Some(u) = &a.ws_url {
            let _ = writeln!(out, "  ws:   {u}");
        }
        credentials(&mut out, mock, v);
        let _ = writeln!(out, "  schemes: {}", schemes(mock, v).join(", "));
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

/// One line per credential of the venue: its variable and the mock's value (or file).
fn credentials(out: &mut String, mock: &MockHandle, v: &VenueInfo) {
    let Some(creds) = mock.credentials(v.id) else {
        return;
    };
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

/// The venue's signing schemes that one of its endpoints can use, each marked when the mock
/// cannot verify it (it holds no credentials for it).
fn schemes(mock: &MockHandle, v: &VenueInfo) -> Vec<String> {
    let creds = mock.credentials(v.id);
    v.schemes
        .iter()
        .filter(|s| !s.credentials.is_empty())
        .filter(|s| {
            v.endpoints.iter().any(|e| {
                matches!(
                    (e.transport, s.transport),
                    (TransportInfo::Rest { .. }, SchemeTransport::Rest)
                        | (TransportInfo::Ws { .. }, SchemeTransport::Ws)
                )
            })
        })
        .map(|s| {
            if s.credentials
                .iter()
                .all(|n| creds.is_some_and(|c| c.get(n).is_some()))
            {
                s.name.to_string()
            } else {
                format!("{} (refused: not verifiable)", s.name)
            }
        })
        .collect()
}
