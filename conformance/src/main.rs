//! `conformance`: the project's main command.
//!
//! `conformance check` runs, offline, every check of the generated clients against the docs
//! they were generated from, prints a table per venue, and exits non-zero on any failure.
//! `conformance validate` judges captured responses against a spec; `conformance schema`
//! prints an endpoint's derived JSON Schema.
//!
//! This file only parses the command line and dispatches: each subcommand is a module of
//! `conformance::cmd`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use conformance::cmd;

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
    Check(cmd::check::CheckCommand),
    /// Judge captured bodies against an endpoint's spec. Prints, per file, `valid`, `drift`
    /// with each finding at its JSON pointer, or `invalid` when the generated client cannot
    /// parse it. Exit status: 0 all valid, 1 drift (and nothing invalid), 2 invalid (or a
    /// file that cannot be read, or an unknown venue or endpoint).
    Validate(cmd::validate::ValidateCommand),
    /// Print an endpoint's JSON Schema (draft 2020-12), derived from the generated types:
    /// lenient (what the client accepts) or, with `--strict`, what the docs promise.
    Schema(cmd::schema::SchemaCommand),
    /// Serve every venue's mock on loopback until Ctrl-C, and print where and with which
    /// credentials to reach it (point any client, CCXT included, at these URLs).
    Mock(cmd::mock::MockCommand),
    /// List the venues and endpoints generated from the specs.
    List,
    /// Judge adversarial bodies at volume (random bytes, mutated docs examples, wide, deep,
    /// huge numbers and strings, invalid UTF-8, truncated) through the client's parse, the
    /// strict validator and the drift judge, on every core. Exit status: 0 clean, 1 on any
    /// panic or time-out, 2 for a usage error.
    Fuzz(cmd::fuzz::FuzzCommand),
    /// Print, without sending, exactly what a signed request would put on the wire: method,
    /// URL, headers and body, or the WebSocket frame, and the string that was signed.
    /// Credentials come from the venue's environment variables (`conformance list` shows
    /// them) and `--credential`.
    Sign(cmd::sign::SignCommand),
    /// Send one request through the generated client and print the unified order (when the
    /// endpoint maps onto one) and the typed response (the payload, envelope unwrapped, as
    /// pretty JSON). Same parameter and credential flags as `sign`. Exit status: 0 on success, 1 when the venue or the transport failed (the error
    /// and the raw body go to stderr), 2 for a usage error.
    Query(cmd::query::QueryCommand),
    /// Send one real signed request (credentials from the environment, as `query`), scrub
    /// the answer (account identifiers the spec marks `scrub`, any credential echoed back) and
    /// write it as a new fixture for review, with the drift verdict. Error answers are
    /// recorded too. Credentials are redacted in any case, percent- or JSON-escaped, hex,
    /// base64 or in parts, from the fixture and everything printed; a credential shorter
    /// than 8 characters is refused before sending.
    Record(cmd::record::RecordCommand),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check(c) => cmd::check::run(c),
        Command::Validate(c) => cmd::validate::run(c),
        Command::Schema(c) => cmd::schema::run(c),
        Command::Mock(c) => cmd::mock::run(c),
        Command::List => cmd::list::run(),
        Command::Fuzz(c) => cmd::fuzz::main(c),
        Command::Sign(c) => cmd::sign::run(c),
        Command::Query(c) => cmd::query::run(c),
        Command::Record(c) => cmd::record::run(c),
    }
}
