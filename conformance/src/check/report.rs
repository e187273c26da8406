//! Runs the checks over every generated endpoint and renders the result as tables.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use generated::runtime::registry::{EndpointInfo, VenueInfo};

use super::{enums, examples};
use crate::fixtures;
use crate::judge::drift::Judge;

/// The result of checking one endpoint.
#[derive(Debug, Clone)]
pub struct EndpointReport {
    /// Venue id.
    pub venue: &'static str,
    /// Endpoint id.
    pub endpoint: &'static str,
    /// Examples that round-trip.
    pub examples_passed: usize,
    /// Examples in all.
    pub examples_total: usize,
    /// Enum probes that passed (each documented value, plus one unseen value per enum).
    pub enum_probes_passed: usize,
    /// Enum probes in all.
    pub enum_probes_total: usize,
    /// Fixtures (docs examples and recorded responses) the strict schema accepts.
    pub fixtures_strict: usize,
    /// Fixtures the lenient schema accepts and the generated client parses.
    pub fixtures_lenient: usize,
    /// Fixtures in all.
    pub fixtures_total: usize,
    /// One line per failure.
    pub failures: Vec<String>,
    /// How long the checks took.
    pub elapsed: Duration,
}

impl EndpointReport {
    /// Whether everything passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// The row name of a venue's shared types (envelope and error body).
pub const SHARED_ROW: &str = "(envelope, errors)";

/// Checks one endpoint: every example, every enum, and every fixture under `fixtures_root`
/// (strict, lenient, and parsed; the docs' examples must all be there, as in the spec).
pub fn check_endpoint(
    venue: &'static VenueInfo,
    endpoint: &'static EndpointInfo,
    fixtures_root: &Path,
) -> EndpointReport {
    let start = Instant::now();
    let mut r = EndpointReport {
        venue: venue.id,
        endpoint: endpoint.id,
        examples_passed: 0,
        examples_total: endpoint.examples.len(),
        enum_probes_passed: 0,
        enum_probes_total: 0,
        fixtures_strict: 0,
        fixtures_lenient: 0,
        fixtures_total: 0,
        failures: Vec::new(),
        elapsed: Duration::ZERO,
    };
    for ex in endpoint.examples {
        let outcome = examples::check(endpoint, ex);
        if outcome.passed() {
            r.examples_passed += 1;
        } else {
            r.failures.push(format!("example `{}`: {outcome}", ex.name));
        }
    }
    check_enums(&mut r, endpoint.enums);
    check_fixtures(&mut r, venue, endpoint, fixtures_root);
    r.elapsed = start.elapsed();
    r
}

fn check_fixtures(
    r: &mut EndpointReport,
    venue: &'static VenueInfo,
    endpoint: &'static EndpointInfo,
    root: &Path,
) {
    r.failures
        .extend(fixtures::stale_docs_examples(root, venue.id, endpoint));
    let judge = Judge::new(venue, endpoint);
    let checked =
        fixtures::list(root, venue.id, endpoint).and_then(|files| fixtures::check(&judge, files));
    match checked {
        Err(e) => r.failures.push(format!(
            "cannot read fixtures under {}: {e}",
            fixtures::endpoint_dir(root, venue.id, endpoint.id).display()
        )),
        Ok(checked) => {
            for c in checked {
                r.fixtures_total += 1;
                let j = &c.judgement;
                r.fixtures_strict += usize::from(j.strict);
                r.fixtures_lenient += usize::from(j.lenient && j.parsed.is_ok());
                r.failures.extend(c.problems());
            }
        }
    }
}

/// Checks the enums a venue's envelope and error body share.
pub fn check_shared(venue: &VenueInfo) -> EndpointReport {
    let start = Instant::now();
    let mut r = EndpointReport {
        venue: venue.id,
        endpoint: SHARED_ROW,
        examples_passed: 0,
        examples_total: 0,
        enum_probes_passed: 0,
        enum_probes_total: 0,
        fixtures_strict: 0,
        fixtures_lenient: 0,
        fixtures_total: 0,
        failures: Vec::new(),
        elapsed: Duration::ZERO,
    };
    check_enums(&mut r, venue.enums);
    r.elapsed = start.elapsed();
    r
}

fn check_enums(r: &mut EndpointReport, infos: &[generated::runtime::registry::EnumInfo]) {
    for e in infos {
        let (passed, problems) = enums::check(e);
        r.enum_probes_passed += passed;
        r.enum_probes_total += e.values.len() + 1;
        for p in problems {
            r.failures.push(format!(
                "enum {} value {:?}: {}",
                p.enum_name, p.value, p.problem
            ));
        }
    }
}

/// Checks every endpoint of the selected venues (fixtures under `fixtures_root`), calling
/// `progress(done, total, label)` before each one.
pub fn check_all(
    venues: &[&'static VenueInfo],
    fixtures_root: &Path,
    mut progress: impl FnMut(usize, usize, &str),
) -> Vec<EndpointReport> {
    let total: usize = venues.iter().map(|v| v.endpoints.len()).sum();
    let mut out = Vec::with_capacity(total + venues.len());
    let mut done = 0;
    for v in venues {
        for e in v.endpoints {
            progress(done, total, &format!("{}/{}", v.id, e.id));
            done += 1;
            out.push(check_endpoint(v, e, fixtures_root));
        }
        if !v.enums.is_empty() {
            out.push(check_shared(v));
        }
    }
    progress(total, total, "done");
    out
}

/// Renders the reports as one table per venue, then the failures, then a summary line.
pub fn render(reports: &[EndpointReport]) -> String {
    let mut s = String::new();
    let mut venues: Vec<&str> = reports.iter().map(|r| r.venue).collect();
    venues.dedup();
    for venue in venues {
        let _ = writeln!(s, "\n{venue}");
        let _ = writeln!(
            s,
            "  {:<24} {:>10} {:>12} {:>8} {:>8} {:>9}  result",
            "endpoint", "examples", "enum values", "strict", "lenient", "time"
        );
        for r in reports.iter().filter(|r| r.venue == venue) {
            let _ = writeln!(
                s,
                "  {:<24} {:>10} {:>12} {:>8} {:>8} {:>9}  {}",
                r.endpoint,
                format!("{}/{}", r.examples_passed, r.examples_total),
                format!("{}/{}", r.enum_probes_passed, r.enum_probes_total),
                format!("{}/{}", r.fixtures_strict, r.fixtures_total),
                format!("{}/{}", r.fixtures_lenient, r.fixtures_total),
                format!("{:.2?}", r.elapsed),
                if r.passed() { "ok" } else { "FAIL" }
            );
        }
    }
    let failed: Vec<_> = reports.iter().filter(|r| !r.passed()).collect();
    if !failed.is_empty() {
        let _ = writeln!(s, "\nfailures");
        for r in &failed {
            for f in &r.failures {
                let _ = writeln!(s, "  {}/{}: {f}", r.venue, r.endpoint);
            }
        }
    }
    let ex_pass: usize = reports.iter().map(|r| r.examples_passed).sum();
    let ex_total: usize = reports.iter().map(|r| r.examples_total).sum();
    let en_pass: usize = reports.iter().map(|r| r.enum_probes_passed).sum();
    let en_total: usize = reports.iter().map(|r| r.enum_probes_total).sum();
    let fx_strict: usize = reports.iter().map(|r| r.fixtures_strict).sum();
    let fx_lenient: usize = reports.iter().map(|r| r.fixtures_lenient).sum();
    let fx_total: usize = reports.iter().map(|r| r.fixtures_total).sum();
    let _ = writeln!(
        s,
        "\n{} rows: {} passed, {} failed; examples {ex_pass}/{ex_total}, enum values {en_pass}/{en_total}, fixtures strict {fx_strict}/{fx_total}, lenient {fx_lenient}/{fx_total}",
        reports.len(),
        reports.len() - failed.len(),
        failed.len(),
    );
    s
}

/// Renders the signing vectors as one table: passed per venue, then the failures.
pub fn render_vectors(results: &[crate::check::vectors::VectorResult]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "\nsigning vectors");
    let _ = writeln!(s, "  {:<24} {:>10}  result", "venue", "vectors");
    let mut venues: Vec<&str> = results.iter().map(|r| r.venue).collect();
    venues.dedup();
    for venue in venues {
        let of: Vec<_> = results.iter().filter(|r| r.venue == venue).collect();
        let passed = of.iter().filter(|r| r.outcome.is_ok()).count();
        let ok = if passed == of.len() { "ok" } else { "FAIL" };
        let _ = writeln!(
            s,
            "  {venue:<24} {:>10}  {ok}",
            format!("{passed}/{}", of.len())
        );
    }
    for r in results {
        if let Err(e) = &r.outcome {
            let _ = writeln!(s, "  {}/{} ({}): {e}", r.venue, r.id, r.checked);
        }
    }
    let passed = results.iter().filter(|r| r.outcome.is_ok()).count();
    let _ = writeln!(s, "signing: {passed}/{} vectors passed", results.len());
    s
}
