//! `conformance validate`: judges captured bodies against an endpoint's spec.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cmd::args::{BodyArg, find_endpoint};
use crate::judge::drift::{self, Judge, Verdict};
use crate::judge::schema::BodyPart;

/// `conformance validate` flags.
#[derive(clap::Args)]
pub struct ValidateCommand {
    /// Venue id, as `conformance list` prints it (the spec folder's name).
    #[arg(long)]
    pub venue: String,
    /// Endpoint id (`query_client_order`, ...).
    #[arg(long)]
    pub endpoint: String,
    /// Judge every body as this part (default: the venue's success rule decides between
    /// a response and an error body).
    #[arg(long, value_enum)]
    pub body: Option<BodyArg>,
    /// Files holding one JSON body each; `-` or none reads standard input.
    pub files: Vec<PathBuf>,
}

/// Prints each file's verdict. Exit status: 0 all valid, 1 drift (and nothing invalid), 2
/// invalid, an unreadable file, or an unknown venue or endpoint.
pub fn run(cmd: ValidateCommand) -> ExitCode {
    let (v, e) = match find_endpoint(&cmd.venue, &cmd.endpoint) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let part = cmd.body.map(BodyPart::from);
    let judge = Judge::new(v, e);
    let stdin = [PathBuf::from("-")];
    let files = if cmd.files.is_empty() {
        &stdin[..]
    } else {
        &cmd.files[..]
    };
    let mut worst = Verdict::Valid;
    let mut unreadable = false;
    let mut out = std::io::stdout().lock();
    for path in files {
        let (name, raw) = read(path);
        match raw {
            Ok(raw) => {
                let j = judge.judge(&raw, part);
                worst = worst.max(j.verdict);
                let _ = out.write_all(drift::render(&name, &j).as_bytes());
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

/// A file's name as printed, and its bytes (`-` is standard input).
fn read(path: &Path) -> (String, std::io::Result<Vec<u8>>) {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        let read = std::io::stdin().read_to_end(&mut buf).map(|_| buf);
        ("<stdin>".to_string(), read)
    } else {
        (path.display().to_string(), std::fs::read(path))
    }
}
