//! `conformance fuzz`: adversarial bodies at volume through the generated client's parse,
//! the strict validator and the drift judge.
//!
//! Every body is a pure function of the seed, the venue and its index (`rng`), made by one
//! of the [`Family`] generators from the venue's docs examples. Bodies run on every core; a
//! panic in any consumer is caught, counted and saved to a file with the command that makes
//! the body again; a body over the time limit is a time-out, and one that runs ten times
//! over it stops the run.

mod body;
mod families;
mod report;
mod rng;
mod run;
mod tree;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

pub use body::{Consumer, Outcome, consume};
pub use families::{Family, Limits};
pub use report::render;
pub use run::Target;

/// A fuzz run's settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// The seed every body derives from.
    pub seed: u64,
    /// Bodies per venue.
    pub bodies: u64,
    /// Only these venues (all when empty).
    pub venues: Vec<String>,
    /// A body taking longer is a time-out.
    pub time_limit: Duration,
    /// Worker threads.
    pub threads: usize,
    /// Sizes of the big families.
    pub limits: Limits,
    /// Where bodies that panicked or timed out are saved.
    pub out: PathBuf,
    /// Print progress on stderr.
    pub progress: bool,
    /// Run only this body (of each selected venue).
    pub index: Option<u64>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            seed: 0,
            bodies: 1_000_000,
            venues: Vec::new(),
            time_limit: Duration::from_secs(5),
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            limits: Limits {
                max_width: DEFAULT_MAX_WIDTH,
                max_depth: 5_000,
                max_string: 4 << 20,
            },
            out: PathBuf::from("fuzz-findings"),
            progress: false,
            index: None,
        }
    }
}

/// The default widest body: members or elements.
pub const DEFAULT_MAX_WIDTH: usize = 100_000;

/// A body that panicked, timed out or made the validators disagree.
#[derive(Debug, Clone)]
pub struct FoundBody {
    /// Its index (with the seed and the venue, what makes it again).
    pub index: u64,
    /// The endpoint it was judged against.
    pub endpoint: &'static str,
    /// Its family.
    pub family: Family,
    /// What happened.
    pub what: String,
    /// The file it was saved to.
    pub file: Option<PathBuf>,
}

/// What one venue's run found.
#[derive(Debug, Clone, Default)]
pub struct VenueReport {
    /// Venue id.
    pub venue: &'static str,
    /// Bodies run.
    pub bodies: u64,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// Bodies the judge found valid.
    pub valid: u64,
    /// Bodies the judge found drifting.
    pub drift: u64,
    /// Bodies the judge found invalid.
    pub invalid: u64,
    /// Panics in any consumer.
    pub panics: Vec<FoundBody>,
    /// Bodies over the time limit.
    pub timeouts: Vec<FoundBody>,
    /// Bodies the fast and the strict validator judged differently.
    pub disagreements: Vec<FoundBody>,
    /// The longest time one body took, and its index.
    pub max_time: Duration,
    /// The index of the slowest body.
    pub slowest: Option<u64>,
    /// Per family: bodies and the longest time one took.
    pub families: BTreeMap<Family, (u64, Duration)>,
}

impl VenueReport {
    /// Bodies per second of wall time.
    pub fn rate(&self) -> f64 {
        self.bodies as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Whether nothing panicked or timed out.
    pub fn passed(&self) -> bool {
        self.panics.is_empty() && self.timeouts.is_empty()
    }

    fn merge(&mut self, other: VenueReport) {
        self.bodies += other.bodies;
        self.valid += other.valid;
        self.drift += other.drift;
        self.invalid += other.invalid;
        self.panics.extend(other.panics);
        self.timeouts.extend(other.timeouts);
        self.disagreements.extend(other.disagreements);
        if other.max_time > self.max_time {
            self.max_time = other.max_time;
            self.slowest = other.slowest;
        }
        for (f, (n, t)) in other.families {
            let e = self.families.entry(f).or_default();
            e.0 += n;
            e.1 = e.1.max(t);
        }
    }
}

/// An error in the run's settings.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Runs the fuzzer over the configured venues, one after the other.
pub fn run(config: &Config) -> Result<Vec<VenueReport>, ConfigError> {
    if let Some(unknown) = config
        .venues
        .iter()
        .find(|v| !crate::VENUES.iter().any(|k| k.id == *v))
    {
        let known: Vec<&str> = crate::VENUES.iter().map(|v| v.id).collect();
        return Err(ConfigError(format!(
            "unknown venue `{unknown}` (known: {})",
            known.join(", ")
        )));
    }
    let selected = crate::VENUES
        .iter()
        .filter(|v| config.venues.is_empty() || config.venues.iter().any(|f| f == v.id));
    let mut reports = Vec::new();
    for venue in selected {
        let target = Target::new(venue);
        reports.push(match config.index {
            Some(i) => run::one(config, &target, i),
            None => run::venue(config, &target),
        });
    }
    Ok(reports)
}

/// `conformance fuzz` flags; each falls back to an environment variable, then a default.
#[derive(Debug, Clone, clap::Args)]
pub struct FuzzCommand {
    /// The seed (env `FUZZ_SEED`; default 0).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Bodies per venue, split over its endpoints (env `FUZZ_BODIES`; default 1,000,000).
    #[arg(long)]
    pub bodies: Option<u64>,
    /// Only this venue (repeatable; env `FUZZ_VENUE`, comma-separated).
    #[arg(long = "venue", value_name = "VENUE")]
    pub venues: Vec<String>,
    /// A body taking longer is a time-out: `500ms`, `5s` or seconds (env `FUZZ_TIME_LIMIT`;
    /// default 5s).
    #[arg(long, value_name = "DURATION")]
    pub time_limit: Option<String>,
    /// Worker threads (env `FUZZ_THREADS`; default: every core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Widest wide body (env `FUZZ_MAX_WIDTH`).
    #[arg(long)]
    pub max_width: Option<usize>,
    /// Deepest deep body (env `FUZZ_MAX_DEPTH`; default 5,000).
    #[arg(long)]
    pub max_depth: Option<usize>,
    /// Longest huge string in bytes (env `FUZZ_MAX_STRING`; default 4 MiB).
    #[arg(long)]
    pub max_string: Option<usize>,
    /// Folder for bodies that panicked or timed out (env `FUZZ_OUT`; default `fuzz-findings`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run only body N of each venue (to make a finding again).
    #[arg(long, value_name = "N")]
    pub index: Option<u64>,
}

/// A duration as `500ms`, `5s` or plain seconds.
pub fn parse_duration(s: &str) -> Result<Duration, ConfigError> {
    let bad = || ConfigError(format!("not a duration: `{s}` (try `500ms` or `5s`)"));
    let s = s.trim();
    if let Some(ms) = s.strip_suffix("ms") {
        return ms
            .trim()
            .parse()
            .map(Duration::from_millis)
            .map_err(|_| bad());
    }
    let secs: f64 = s
        .strip_suffix('s')
        .unwrap_or(s)
        .trim()
        .parse()
        .map_err(|_| bad())?;
    Duration::try_from_secs_f64(secs).map_err(|_| bad())
}

fn env_or<T: std::str::FromStr>(
    flag: Option<T>,
    var: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<T>, ConfigError> {
    match (flag, env(var)) {
        (Some(v), _) => Ok(Some(v)),
        (None, Some(text)) => {
            let t = text.trim();
            // `1_000_000` reads as a number.
            t.parse()
                .or_else(|_| t.replace('_', "").parse())
                .map(Some)
                .map_err(|_| ConfigError(format!("{var}: cannot read `{text}`")))
        }
        (None, None) => Ok(None),
    }
}

impl FuzzCommand {
    /// The settings: flags first, then the environment (`env` looks a variable up), then
    /// the defaults.
    pub fn config(self, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let d = Config::default();
        let time_limit = match self.time_limit.or_else(|| env("FUZZ_TIME_LIMIT")) {
            Some(t) => parse_duration(&t)?,
            None => d.time_limit,
        };
        let venues = if self.venues.is_empty() {
            env("FUZZ_VENUE").map_or_else(Vec::new, |v| {
                v.split(',').map(|s| s.trim().to_string()).collect()
            })
        } else {
            self.venues
        };
        Ok(Config {
            seed: env_or(self.seed, "FUZZ_SEED", env)?.unwrap_or(d.seed),
            bodies: env_or(self.bodies, "FUZZ_BODIES", env)?.unwrap_or(d.bodies),
            venues,
            time_limit,
            threads: env_or(self.threads, "FUZZ_THREADS", env)?.unwrap_or(d.threads),
            limits: Limits {
                max_width: env_or(self.max_width, "FUZZ_MAX_WIDTH", env)?
                    .unwrap_or(d.limits.max_width),
                max_depth: env_or(self.max_depth, "FUZZ_MAX_DEPTH", env)?
                    .unwrap_or(d.limits.max_depth),
                max_string: env_or(self.max_string, "FUZZ_MAX_STRING", env)?
                    .unwrap_or(d.limits.max_string),
            },
            out: env_or(self.out, "FUZZ_OUT", env)?.unwrap_or(d.out),
            progress: true,
            index: self.index,
        })
    }
}

/// `conformance fuzz`: runs, prints the summary, exits 1 on any panic or time-out (2 for a
/// usage error).
pub fn main(args: FuzzCommand) -> ExitCode {
    let config = match args.config(&|k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    eprintln!(
        "fuzz: seed {}, {} bodies per venue, {} threads, time limit {:?}",
        config.seed, config.bodies, config.threads, config.time_limit
    );
    match run(&config) {
        Ok(reports) => {
            print!("{}", render(&config, &reports));
            if reports.iter().all(VenueReport::passed) {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
