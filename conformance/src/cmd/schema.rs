//! `conformance schema`: prints an endpoint's derived JSON Schema.

use std::process::ExitCode;

use crate::cmd::args::{BodyArg, find_endpoint};
use crate::judge::schema::{self, Strictness};

/// `conformance schema` flags.
#[derive(clap::Args)]
pub struct SchemaCommand {
    /// Venue id.
    #[arg(long)]
    pub venue: String,
    /// Endpoint id.
    #[arg(long)]
    pub endpoint: String,
    /// The strict schema: closed objects and enums, canonical wire forms.
    #[arg(long)]
    pub strict: bool,
    /// Which body.
    #[arg(long, value_enum, default_value = "response")]
    pub body: BodyArg,
}

/// Prints the schema (lenient, or strict with `--strict`); exit 2 for an unknown endpoint.
pub fn run(cmd: SchemaCommand) -> ExitCode {
    let (_, e) = match find_endpoint(&cmd.venue, &cmd.endpoint) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let strictness = if cmd.strict {
        Strictness::Strict
    } else {
        Strictness::Lenient
    };
    let schema = schema::schema(e, cmd.body.into(), strictness);
    print!("{}", schema::render(&schema));
    ExitCode::SUCCESS
}
