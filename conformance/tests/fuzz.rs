//! The fuzz command's CI slice: a few thousand adversarial bodies per venue with a fixed
//! seed, no panic, no time-out, every family made; and regression tests for the bodies the
//! fuzzer found panicking.

use std::process::Command;
use std::time::Duration;

use conformance::VENUES;
use conformance::drift::{self, FindingKind, Judge};
use conformance::fuzz::{self, Config, Family, Limits};
use conformance::schema::BodyPart;

fn slice(bodies: u64, out: &std::path::Path) -> Config {
    Config {
        seed: 20_261_204,
        bodies,
        time_limit: Duration::from_secs(60),
        limits: Limits {
            max_width: 2_000,
            max_depth: 3_000,
            max_string: 1 << 20,
        },
        out: out.to_path_buf(),
        ..Config::default()
    }
}

#[test]
fn a_few_thousand_bodies_per_venue_neither_panic_nor_time_out() {
    let out = tempfile::tempdir().unwrap();
    let config = slice(2_000, out.path());
    let reports = fuzz::run(&config).unwrap();
    assert_eq!(reports.len(), VENUES.len());
    let summary = fuzz::render(&config, &reports);
    for r in &reports {
        assert_eq!(r.bodies, 2_000, "{summary}");
        assert!(r.panics.is_empty(), "{summary}");
        assert!(r.timeouts.is_empty(), "{summary}");
        assert!(r.disagreements.is_empty(), "{summary}");
        // Every body got a verdict, and mutated examples reach every verdict.
        assert_eq!(r.valid + r.drift + r.invalid, r.bodies, "{summary}");
        assert!(r.valid > 0 && r.drift > 0 && r.invalid > 0, "{summary}");
        for f in Family::ALL {
            let n = r.families.get(&f).map_or(0, |(n, _)| *n);
            assert!(n > 0, "{}: no {} bodies\n{summary}", r.venue, f.name());
        }
    }
    // Nothing panicked, so nothing was saved.
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

/// Found by `conformance fuzz --seed 0 --venue htx --index 1321`: a member name longer than
/// 65,535 characters made the report's column width overflow `format!`'s, and the judge's
/// report panicked.
#[test]
fn a_member_name_longer_than_a_format_width_is_reported() {
    let name = "a".repeat(70_000);
    let mut reported = 0;
    for v in VENUES {
        for e in v.endpoints {
            let judge = Judge::new(v, e);
            for x in e.examples {
                let Ok(serde_json::Value::Object(mut body)) = serde_json::from_str(x.body) else {
                    continue;
                };
                body.insert(name.clone(), 1.into());
                let raw = serde_json::Value::Object(body).to_string();
                let part = BodyPart::of_example(x.kind, x.scope);
                let j = judge.judge(raw.as_bytes(), Some(part));
                let at = format!("/{name}");
                if !j
                    .findings
                    .iter()
                    .any(|f| f.pointer == at && f.kind == FindingKind::UnknownField)
                {
                    continue;
                }
                let text = drift::render("body", &j);
                assert!(
                    text.contains(&format!("  {at}  unknown field")),
                    "{}/{}",
                    v.id,
                    e.id
                );
                reported += 1;
            }
        }
    }
    assert!(
        reported > 0,
        "no example reports the long member as unknown"
    );
}

#[test]
fn the_command_prints_the_summary_and_exits_zero_when_nothing_panics() {
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .args(["fuzz", "--venue", VENUES[0].id, "--seed", "7"])
        .env("FUZZ_BODIES", "300")
        .env("FUZZ_MAX_STRING", "100000")
        .env("FUZZ_OUT", out.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(0), "{stdout}");
    let row = stdout
        .lines()
        .find(|l| l.starts_with(VENUES[0].id))
        .unwrap_or_else(|| panic!("no row for {}: {stdout}", VENUES[0].id));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells[1], "300", "{row}");
    assert_eq!(&cells[7..9], ["0", "0"], "panics and time-outs: {row}");
}

#[test]
fn the_command_refuses_an_unknown_venue_and_a_bad_time_limit() {
    for args in [
        &["fuzz", "--venue", "nowhere", "--bodies", "1"][..],
        &["fuzz", "--time-limit", "soon", "--bodies", "1"][..],
    ] {
        let run = Command::new(env!("CARGO_BIN_EXE_conformance"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(2), "{args:?}");
    }
}
