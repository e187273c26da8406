//! A venue is data: every seed venue copied under a new id passes `conformance check` exactly as
//! its seed does (examples, enums, fixtures, signing vectors, mock and round trips), and nothing
//! in Rust had to change for it.
//!
//! Built only with the feature `venue-copies`:
//!
//! ```sh
//! cargo test -p conformance --features venue-copies --test copies
//! ```
//!
//! With it the build generates every venue under `specs/` a second time under `<id>_copy`, as
//! `cp -r specs/<id> specs/<id>_copy` and renaming the id in the copy's `venue.yaml` would
//! (`codegen::emit::files_with_copies`: the folder read again, only the id changed). `.ci/run`
//! runs the suites that iterate `generated::VENUES` with the same feature, so they cover the
//! copies too.

use std::path::{Path, PathBuf};
use std::process::Command;

use conformance::{VENUES, VenueInfo};

/// What the build appends to a seed's id to name its copy (`codegen::emit::COPY_SUFFIX`).
const SUFFIX: &str = "_copy";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The venue folders under `specs/`: a folder holding a `venue.yaml`, named by its id.
fn venue_folders() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(workspace().join("specs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("venue.yaml").is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids
}

/// Each seed venue with its copy.
fn pairs() -> Vec<(&'static VenueInfo, &'static VenueInfo)> {
    VENUES
        .iter()
        .filter(|v| !v.id.ends_with(SUFFIX))
        .map(|seed| {
            let id = format!("{}{SUFFIX}", seed.id);
            let copy = VENUES.iter().find(|v| v.id == id);
            (
                seed,
                copy.unwrap_or_else(|| panic!("{} has no copy", seed.id)),
            )
        })
        .collect()
}

#[test]
fn every_venue_folder_is_generated_with_its_copy_and_nothing_else() {
    let mut want: Vec<String> = venue_folders()
        .into_iter()
        .flat_map(|id| [format!("{id}{SUFFIX}"), id])
        .collect();
    want.sort();
    let got: Vec<&str> = VENUES.iter().map(|v| v.id).collect();
    assert_eq!(got, want);
    for (seed, copy) in pairs() {
        let ids = |v: &VenueInfo| v.endpoints.iter().map(|e| e.id).collect::<Vec<_>>();
        assert_eq!(ids(copy), ids(seed), "{}", copy.id);
    }
}

/// `cp -r`: `from` and everything under it, into `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// The fixtures folder as a user copying a venue would leave it: every seed's folder, and each
/// again under its copy's id (the docs' examples, as `UPDATE_FIXTURES=1` writes them, and any
/// recorded responses).
fn fixtures_with_copies(root: &Path) {
    copy_dir(&conformance::fixtures::default_dir(), root);
    for (seed, copy) in pairs() {
        let from = root.join(seed.id);
        if from.is_dir() {
            copy_dir(&from, &root.join(copy.id));
        }
    }
}

/// `conformance check --venue <id> --fixtures <root>`: its exit code and output.
fn check(id: &str, fixtures: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .args(["check", "--venue", id, "--fixtures"])
        .arg(fixtures)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.code().unwrap_or(-1), text)
}

/// Whether a word of the output is a time (`27.67ms`, `1.00s`, `30.64µs`).
fn is_time(word: &str) -> bool {
    ["ns", "µs", "ms", "s"].iter().any(|unit| {
        word.strip_suffix(unit)
            .is_some_and(|n| !n.is_empty() && n.parse::<f64>().is_ok())
    })
}

/// The output's lines with times blanked and runs of spaces made one (column widths follow the
/// longest id, and a copy's id is longer).
fn rows(out: &str) -> Vec<String> {
    out.lines()
        .map(|l| {
            let words: Vec<&str> = l
                .split_whitespace()
                .map(|w| if is_time(w) { "<time>" } else { w })
                .collect();
            words.join(" ")
        })
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn each_copy_passes_check_in_full_with_the_rows_of_its_seed() {
    let dir = tempfile::tempdir().unwrap();
    fixtures_with_copies(dir.path());
    let runs: Vec<_> = pairs()
        .into_iter()
        .map(|(seed, copy)| {
            let root = dir.path().to_path_buf();
            let seed_run = std::thread::spawn({
                let root = root.clone();
                move || check(seed.id, &root)
            });
            let copy_run = std::thread::spawn(move || check(copy.id, &root));
            (seed, copy, seed_run, copy_run)
        })
        .collect();
    for (seed, copy, seed_run, copy_run) in runs {
        let (seed_code, seed_out) = seed_run.join().unwrap();
        let (copy_code, copy_out) = copy_run.join().unwrap();
        assert_eq!(seed_code, 0, "{seed_out}");
        assert_eq!(copy_code, 0, "{copy_out}");
        assert_eq!(copy_out.lines().last(), Some("all checks passed"));
        let want = rows(&seed_out);
        let got = rows(&copy_out.replace(copy.id, seed.id));
        assert!(
            want.iter().any(|l| l.starts_with("mock: ")) && want.len() > 10,
            "{seed_out}"
        );
        // The signing vectors too: they come from the venue's folder (`vectors.yaml`).
        assert_eq!(got, want, "{} against {}:\n{copy_out}", copy.id, seed.id);
    }
}

#[test]
fn the_row_comparison_sees_a_difference() {
    // The comparison above is not blind: a count, an id or a verdict that differs shows.
    let a = "p99\n  query_order   4/4   16/16  4/4  4/4  5.27ms  ok\n";
    assert_eq!(rows(a), rows(&a.replace("5.27ms", "30.1µs")));
    assert_ne!(rows(a), rows(&a.replace("16/16", "15/16")));
    assert_ne!(rows(a), rows(&a.replace("query_order", "query_orders")));
    assert_ne!(rows(a), rows(&a.replace(" ok", " FAIL")));
}
