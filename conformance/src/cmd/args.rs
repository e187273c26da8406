//! Flags several subcommands share: which endpoint with which parameters and credentials
//! (`sign`, `query`, `record`) and which body part (`validate`, `schema`).

use std::process::ExitCode;

use clap::ValueEnum;

use crate::judge::schema::BodyPart;
use crate::{EndpointInfo, VenueInfo};

/// Which endpoint, with which parameters and credentials (`sign`, `query`, `record`).
#[derive(clap::Args)]
pub struct Target {
    /// Venue id, as `conformance list` prints it (the spec folder's name).
    #[arg(long)]
    pub venue: String,
    /// Endpoint id (`query_client_order`, ...).
    #[arg(long)]
    pub endpoint: String,
    /// A request parameter by its wire name (repeatable): `--param clientOrderId=abc`.
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_pair)]
    pub params: Vec<(String, String)>,
    /// A credential (repeatable), overriding the environment: `--credential secret=...`.
    #[arg(long = "credential", value_name = "NAME=VALUE")]
    pub credentials: Vec<String>,
    /// A credential read from a file (repeatable): `--credential-file ed25519_key=key.pem`.
    #[arg(long = "credential-file", value_name = "NAME=PATH", value_parser = parse_pair)]
    pub credential_files: Vec<(String, String)>,
}

/// The endpoint `venue/endpoint`, or exit code 2 after saying it is unknown.
pub fn find_endpoint(
    venue: &str,
    endpoint: &str,
) -> Result<(&'static VenueInfo, &'static EndpointInfo), ExitCode> {
    crate::find(venue, endpoint).ok_or_else(|| {
        eprintln!("unknown venue/endpoint `{venue}/{endpoint}` (see `conformance list`)");
        ExitCode::from(2)
    })
}

/// A body part on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BodyArg {
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

/// Splits `k=v`.
pub fn parse_pair(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("expected name=value, got `{s}`"))
}
