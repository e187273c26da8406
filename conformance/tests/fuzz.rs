//! The fuzz command's CI slice: a few thousand adversarial bodies per venue with a fixed
//! seed, no panic, no time-out, every family made; and regression tests for the bodies the
//! fuzzer found panicking.

use std::process::Command;
use std::time::Duration;

use conformance::VENUES;
use conformance::cmd::fuzz::{self, Config, Family, Limits};
use conformance::judge::drift::{self, FindingKind, Judge};
use conformance::judge::schema::BodyPart;

fn slice(bodies: u64, out: &std::path::Path) -> Config {
    Config {
        seed: 20_261_204,
        bodies,
        time_limit: Duration::from_secs(60),
        limits: Limits {
            max_width: 10_000,
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
        .env("FUZZ_MAX_WIDTH", "5_000")
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

/// Every node of every docs example, in turn, nested in arrays down to serde_json's deepest
/// (127 levels in all): the client's parse, the validators and the judge walk it on a 2 MiB
/// stack (a tokio worker's) without overflowing, and one level deeper is refused as not
/// JSON, not walked.
#[test]
fn bodies_at_serde_jsons_depth_limit_are_judged_on_a_workers_stack() {
    let run = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let mut judged = 0;
            for v in VENUES {
                for e in v.endpoints {
                    let judge = Judge::new(v, e);
                    for x in e.examples {
                        judged += judge_nested_everywhere(&judge, x.body);
                    }
                }
            }
            judged
        })
        .unwrap();
    assert!(run.join().unwrap() > 0);
}

fn judge_nested_everywhere(judge: &Judge, example: &str) -> usize {
    let tree: serde_json::Value = serde_json::from_str(example).unwrap();
    let mut judged = 0;
    for at in pointers(&tree, String::new()) {
        // Containers around the node, and the node's own.
        let around = at.matches('/').count();
        let own = depth_of(tree.pointer(&at).unwrap());
        for (extra, ok) in [(0, true), (1, false)] {
            let depth = 127 - around - own + extra;
            let mut body = tree.clone();
            let inner = body.pointer(&at).unwrap().to_string();
            *body.pointer_mut(&at).unwrap() = serde_json::Value::String("\u{1}".into());
            let nest = format!("{}{inner}{}", "[".repeat(depth), "]".repeat(depth));
            let raw = body.to_string().replacen("\"\\u0001\"", &nest, 1);
            assert_eq!(serde_json::from_str::<serde_json::Value>(&raw).is_ok(), ok);
            let j = judge.judge(raw.as_bytes(), None);
            let _ = drift::render("body", &j);
            let fast = fuzz::consume(judge, raw.as_bytes());
            assert!(fast.panics.is_empty(), "{:?}", fast.panics);
            if !ok {
                assert_eq!(j.verdict, conformance::judge::drift::Verdict::Invalid);
            }
            judged += 1;
        }
    }
    judged
}

fn pointers(v: &serde_json::Value, at: String) -> Vec<String> {
    let mut out = vec![at.clone()];
    match v {
        serde_json::Value::Object(m) => {
            for (k, child) in m {
                let k = k.replace('~', "~0").replace('/', "~1");
                out.extend(pointers(child, format!("{at}/{k}")));
            }
        }
        serde_json::Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                out.extend(pointers(child, format!("{at}/{i}")));
            }
        }
        _ => {}
    }
    out
}

fn depth_of(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::Object(m) => 1 + m.values().map(depth_of).max().unwrap_or(0),
        serde_json::Value::Array(a) => 1 + a.iter().map(depth_of).max().unwrap_or(0),
        _ => 0,
    }
}
