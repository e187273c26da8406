//! `conformance`: the project's main command.
//!
//! `conformance check` runs, offline, every check of the generated clients against the docs
//! they were generated from, prints a table per venue, and exits non-zero on any failure.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use conformance::report;

/// Checks typed exchange clients against the venues' docs.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
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
            }
            ExitCode::SUCCESS
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
    if reports.iter().all(|r| r.passed()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
