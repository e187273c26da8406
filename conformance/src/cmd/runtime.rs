//! The tokio runtimes the subcommands run on.

use std::process::ExitCode;

/// A single-threaded runtime for one request (`query`, `record`), or exit code 2 after saying
/// why it cannot start.
pub fn current_thread() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| {
            eprintln!("cannot start the runtime: {err}");
            ExitCode::from(2)
        })
}

/// A runtime for the mock and its clients (`mock`, `check`'s round trips).
pub fn multi_thread() -> std::io::Result<tokio::runtime::Runtime> {
    // reqwest and tokio-tungstenite use rustls; ring is the one provider the workspace builds.
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}
