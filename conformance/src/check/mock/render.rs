//! The mock tables of `conformance check`: scenarios, then round trips.

use std::fmt::Write as _;
use std::time::Duration;

use super::{Cell, MockRow, ROUND_TRIPS, SCENARIOS};

/// `1.2ms`, `15ms`, `1.01s`.
fn duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.1}ms")
    } else if ms < 1000.0 {
        format!("{ms:.0}ms")
    } else {
        format!("{:.2}s", ms / 1000.0)
    }
}

fn table(
    out: &mut String,
    rows: &[MockRow],
    names: &[&str],
    cells: fn(&MockRow) -> &[Option<Cell>],
) {
    // Each column ends in a space, so an id longer than its column still stands apart.
    let _ = write!(out, "  {:<13} {:<21} ", "venue", "endpoint");
    for s in names {
        let _ = write!(out, "{s:<16} ");
    }
    out.push_str("result\n");
    for r in rows {
        let _ = write!(out, "  {:<13} {:<21} ", r.venue, r.endpoint);
        let row = cells(r);
        for c in row {
            let cell = match c {
                None => "-".to_string(),
                Some(Cell {
                    outcome: Ok(()),
                    took,
                }) => format!("ok {}", duration(*took)),
                Some(Cell {
                    outcome: Err(_), ..
                }) => "FAILED".to_string(),
            };
            let _ = write!(out, "{cell:<16} ");
        }
        let passed = row.iter().flatten().all(|c| c.outcome.is_ok());
        out.push_str(if passed { "ok\n" } else { "FAILED\n" });
    }
    for r in rows {
        for (s, c) in names.iter().zip(cells(r)) {
            if let Some(Cell {
                outcome: Err(e), ..
            }) = c
            {
                let _ = writeln!(out, "  {}/{} {s}: {e}", r.venue, r.endpoint);
            }
        }
    }
}

/// Renders the rows as two tables (scenarios, then round trips), each followed by one line
/// per failure and a summary line.
pub fn render(rows: &[MockRow]) -> String {
    let mut out = String::from("\nmock venue (embedded, loopback, through the generated client)\n");
    table(&mut out, rows, &SCENARIOS, |r| &r.outcomes);
    let passed = rows.iter().filter(|r| r.scenarios_passed()).count();
    let _ = writeln!(
        out,
        "mock: {passed}/{} endpoints answered as documented",
        rows.len()
    );
    let _ = writeln!(
        out,
        "\nmock round trips (one fault injected; retries: 3 attempts, 10 ms backoff; times of the faulted call)"
    );
    table(&mut out, rows, &ROUND_TRIPS, |r| &r.round_trips);
    let passed = rows.iter().filter(|r| r.round_trips_passed()).count();
    let _ = writeln!(
        out,
        "round trips: {passed}/{} endpoints recovered or failed as documented",
        rows.len()
    );
    out
}
