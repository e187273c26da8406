//! `conformance list`: the venues and endpoints generated from the specs.

use std::process::ExitCode;

/// Prints each venue, its endpoints and the environment variables of its credentials.
pub fn run() -> ExitCode {
    for v in crate::VENUES {
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
