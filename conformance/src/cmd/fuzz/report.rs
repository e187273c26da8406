//! The summary a fuzz run prints: one row per venue, then each finding with the command that
//! makes its body again, then bodies and the slowest body per family.

use std::fmt::Write as _;

use super::{Config, Family, FoundBody, VenueReport};

fn ms(d: std::time::Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

/// The summary table of a run.
pub fn render(config: &Config, reports: &[VenueReport]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<14} {:>9} {:>8} {:>9} {:>9} {:>9} {:>9} {:>6} {:>9} {:>12}",
        "venue",
        "bodies",
        "s",
        "bodies/s",
        "valid",
        "drift",
        "invalid",
        "panics",
        "time-outs",
        "max ms/body"
    );
    for r in reports {
        let _ = writeln!(
            s,
            "{:<14} {:>9} {:>8.1} {:>9.0} {:>9} {:>9} {:>9} {:>6} {:>9} {:>12}",
            r.venue,
            r.bodies,
            r.elapsed.as_secs_f64(),
            r.rate(),
            r.valid,
            r.drift,
            r.invalid,
            r.panics.len(),
            r.timeouts.len(),
            ms(r.max_time),
        );
    }
    for r in reports {
        findings(&mut s, config, r, "panic", &r.panics);
        findings(&mut s, config, r, "time-out", &r.timeouts);
        findings(&mut s, config, r, "disagreement", &r.disagreements);
    }
    families(&mut s, reports);
    s
}

fn findings(s: &mut String, config: &Config, r: &VenueReport, label: &str, found: &[FoundBody]) {
    for b in found.iter().take(20) {
        let _ = writeln!(
            s,
            "{label}: {}/{} body {} ({}): {}",
            r.venue,
            b.endpoint,
            b.index,
            b.family.name(),
            b.what
        );
        let file = b.file.as_ref().map(|p| p.display().to_string());
        let _ = writeln!(
            s,
            "  again: conformance fuzz --seed {} --venue {} --index {}{}",
            config.seed,
            r.venue,
            b.index,
            file.map_or(String::new(), |f| format!("  (body saved to {f})"))
        );
    }
    if found.len() > 20 {
        let _ = writeln!(s, "  ... and {} more {label}s", found.len() - 20);
    }
}

fn families(s: &mut String, reports: &[VenueReport]) {
    let _ = write!(s, "{:<14}", "family");
    for r in reports {
        let _ = write!(s, " {:>22}", format!("{} (max ms)", r.venue));
    }
    s.push('\n');
    for f in Family::ALL {
        let _ = write!(s, "{:<14}", f.name());
        for r in reports {
            let (n, t) = r.families.get(&f).copied().unwrap_or_default();
            let _ = write!(s, " {:>22}", format!("{n} ({})", ms(t)));
        }
        s.push('\n');
    }
}
