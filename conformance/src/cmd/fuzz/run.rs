//! Running one venue's bodies on every core, with a watchdog that reports progress and
//! stops the run when a body hangs.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use generated::runtime::registry::VenueInfo;

use super::body::{self, Outcome};
use super::families::{self, Family};
use super::rng::Rng;
use super::{Config, FoundBody, VenueReport};
use crate::judge::drift::{Judge, Verdict};

/// Bodies a worker takes at a time.
const CHUNK: u64 = 16;
/// Bodies saved to files per venue and kind of finding, at most.
const SAVED: usize = 20;

/// A venue's endpoints, judges and docs examples.
pub struct Target {
    venue: &'static VenueInfo,
    judges: Vec<Judge>,
    examples: Vec<Vec<&'static str>>,
}

impl Target {
    /// Every endpoint of `venue`.
    pub fn new(venue: &'static VenueInfo) -> Target {
        Target {
            venue,
            judges: venue
                .endpoints
                .iter()
                .map(|e| Judge::new(venue, e))
                .collect(),
            examples: venue
                .endpoints
                .iter()
                .map(|e| e.examples.iter().map(|x| x.body).collect())
                .collect(),
        }
    }

    /// Body `index`: its endpoint (as an index into the venue's), family and bytes.
    pub fn body(&self, config: &Config, index: u64) -> (usize, Family, Vec<u8>) {
        let mut rng = Rng::for_body(config.seed, self.venue.id, index);
        let endpoint = rng.below(self.judges.len());
        let family = Family::of_index(index);
        let raw = families::make(family, &mut rng, &self.examples[endpoint], &config.limits);
        (endpoint, family, raw)
    }

    /// Makes body `index` and runs it through the consumers.
    fn run_one(&self, config: &Config, index: u64) -> (usize, Family, Outcome) {
        let (endpoint, family, raw) = self.body(config, index);
        let outcome = body::consume(&self.judges[endpoint], &raw);
        (endpoint, family, outcome)
    }

    /// Saves body `index` to the output folder; the file, if it could be written.
    fn save(&self, config: &Config, index: u64) -> Option<PathBuf> {
        let (_, _, raw) = self.body(config, index);
        let path = config.out.join(format!(
            "{}-seed{}-{index}.body",
            self.venue.id, config.seed
        ));
        std::fs::create_dir_all(&config.out).ok()?;
        std::fs::write(&path, raw).ok()?;
        Some(path)
    }
}

/// What one worker counted.
#[derive(Default)]
struct Tally {
    report: VenueReport,
}

impl Tally {
    fn add(&mut self, t: &Target, config: &Config, index: u64, done: (usize, Family, Outcome)) {
        let (endpoint, family, o) = done;
        let r = &mut self.report;
        r.bodies += 1;
        let f = r.families.entry(family).or_default();
        f.0 += 1;
        f.1 = f.1.max(o.elapsed);
        if o.elapsed > r.max_time {
            r.max_time = o.elapsed;
            r.slowest = Some(index);
        }
        match o.verdict {
            Some(Verdict::Valid) => r.valid += 1,
            Some(Verdict::Drift) => r.drift += 1,
            Some(Verdict::Invalid) => r.invalid += 1,
            None => {}
        }
        let found = |what: String, saved: usize| FoundBody {
            index,
            endpoint: t.venue.endpoints[endpoint].id,
            family,
            what,
            file: (saved < SAVED).then(|| t.save(config, index)).flatten(),
        };
        for (consumer, message) in o.panics {
            let b = found(
                format!("{} panicked: {message}", consumer.name()),
                r.panics.len(),
            );
            r.panics.push(b);
        }
        if o.elapsed > config.time_limit {
            let b = found(format!("took {:?}", o.elapsed), r.timeouts.len());
            r.timeouts.push(b);
        }
        if o.disagreement {
            let b = found(
                "fast and strict validators disagree".into(),
                r.disagreements.len(),
            );
            r.disagreements.push(b);
        }
    }
}

/// What each worker is doing, for the watchdog.
struct Slot {
    /// Nanoseconds since the run started when the current body started, plus one; 0 idle.
    started: AtomicU64,
    index: AtomicU64,
}

/// Runs `config.bodies` bodies of `target`'s venue.
pub fn venue(config: &Config, target: &Target) -> VenueReport {
    let started = Instant::now();
    let next = AtomicU64::new(0);
    let done = AtomicU64::new(0);
    let finished = AtomicBool::new(false);
    let threads = config.threads.max(1);
    let slots: Vec<Slot> = (0..threads)
        .map(|_| Slot {
            started: AtomicU64::new(0),
            index: AtomicU64::new(0),
        })
        .collect();
    let tallies = std::thread::scope(|s| {
        s.spawn(|| watch(config, target, started, &slots, &done, &finished));
        let workers: Vec<_> = slots
            .iter()
            .map(|slot| s.spawn(|| work(config, target, started, slot, &next, &done)))
            .collect();
        let tallies: Vec<Tally> = workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .collect();
        finished.store(true, Ordering::Relaxed);
        tallies
    });
    let mut report = VenueReport {
        venue: target.venue.id,
        elapsed: started.elapsed(),
        ..VenueReport::default()
    };
    for t in tallies {
        report.merge(t.report);
    }
    report
}

fn work(
    config: &Config,
    target: &Target,
    run_start: Instant,
    slot: &Slot,
    next: &AtomicU64,
    done: &AtomicU64,
) -> Tally {
    let mut tally = Tally::default();
    loop {
        let first = next.fetch_add(CHUNK, Ordering::Relaxed);
        if first >= config.bodies {
            return tally;
        }
        for index in first..(first + CHUNK).min(config.bodies) {
            slot.index.store(index, Ordering::Relaxed);
            let now = run_start.elapsed().as_nanos() as u64 + 1;
            slot.started.store(now, Ordering::Relaxed);
            let outcome = target.run_one(config, index);
            slot.started.store(0, Ordering::Relaxed);
            tally.add(target, config, index, outcome);
            done.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Prints progress every few seconds; ends the process when a body runs for ten times the
/// time limit (a thread cannot be stopped), after saving it and saying how to make it again.
fn watch(
    config: &Config,
    target: &Target,
    run_start: Instant,
    slots: &[Slot],
    done: &AtomicU64,
    finished: &AtomicBool,
) {
    let hang = config.time_limit.saturating_mul(10);
    let mut last_print = Instant::now();
    while !finished.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(50));
        let now = run_start.elapsed().as_nanos() as u64 + 1;
        for slot in slots {
            let at = slot.started.load(Ordering::Relaxed);
            if at != 0 && Duration::from_nanos(now.saturating_sub(at)) > hang {
                let index = slot.index.load(Ordering::Relaxed);
                let file = target.save(config, index);
                eprintln!(
                    "fuzz: {} body {index} still running after {hang:?}: a hang; saved to {}; \
                     make it again with `conformance fuzz --seed {} --venue {} --index {index}`",
                    target.venue.id,
                    file.map_or("(not saved)".into(), |p| p.display().to_string()),
                    config.seed,
                    target.venue.id,
                );
                std::process::exit(3);
            }
        }
        if config.progress && last_print.elapsed() >= Duration::from_secs(2) {
            last_print = Instant::now();
            let n = done.load(Ordering::Relaxed);
            let secs = run_start.elapsed().as_secs_f64();
            eprint!(
                "\rfuzz: {}: {n}/{} bodies, {:.0} bodies/s   ",
                target.venue.id,
                config.bodies,
                n as f64 / secs.max(1e-9)
            );
            let _ = std::io::stderr().flush();
        }
    }
    if config.progress {
        eprintln!();
    }
}

/// Runs only body `index` of `target`'s venue, on this thread.
pub fn one(config: &Config, target: &Target, index: u64) -> VenueReport {
    let started = Instant::now();
    let mut tally = Tally::default();
    let outcome = target.run_one(config, index);
    tally.add(target, config, index, outcome);
    VenueReport {
        venue: target.venue.id,
        elapsed: started.elapsed(),
        ..tally.report
    }
}
