//! `conformance check --live`: sends one real request per endpoint that has parameters in the
//! live parameters file, and judges each answer (success or venue error) strict and lenient,
//! as the offline check judges recorded fixtures.
//!
//! The parameters file is JSON: `{"<venue>/<endpoint>": {"<param>": "<value>", ...}, ...}`;
//! real venues need real order ids, so nothing is guessed. Credentials come from the
//! environment, as for `conformance query`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use generated::runtime::registry::VenueInfo;

use crate::cmd::query::QueryArgs;
use crate::judge::drift::{Judge, Verdict};

/// Parameters per `venue/endpoint`.
pub type LiveParams = BTreeMap<String, BTreeMap<String, String>>;

/// Reads a live parameters file.
pub fn read_params(path: &Path) -> Result<LiveParams, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: expected {{\"venue/endpoint\": {{\"param\": \"value\"}}}}: {e}",
            path.display()
        )
    })
}

/// Parses `venue=URL`.
pub fn parse_base_url(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(v, u)| (v.to_owned(), u.to_owned()))
        .filter(|(v, u)| !v.is_empty() && !u.is_empty())
        .ok_or_else(|| format!("expected VENUE=URL, got `{s}`"))
}

/// How one live request went.
#[derive(Debug, Clone)]
pub struct LiveRow {
    /// Venue id.
    pub venue: &'static str,
    /// Endpoint id.
    pub endpoint: &'static str,
    /// `None`: no parameters given, not sent.
    pub outcome: Option<Result<LiveAnswer, String>>,
    /// Time of the request and the judging.
    pub elapsed: Duration,
}

/// A judged live answer.
#[derive(Debug, Clone)]
pub struct LiveAnswer {
    /// HTTP status (`None` over WebSocket).
    pub http_status: Option<u16>,
    /// The verdict.
    pub verdict: Verdict,
    /// The report as `validate` prints it.
    pub report: String,
}

impl LiveRow {
    /// A row fails when the request failed or the answer is not valid (drift included: that
    /// is what a live check is for).
    pub fn passed(&self) -> bool {
        match &self.outcome {
            None => true,
            Some(Ok(a)) => a.verdict == Verdict::Valid,
            Some(Err(_)) => false,
        }
    }
}

/// Sends and judges every endpoint of `venues` that has parameters.
pub async fn run(
    venues: &[&'static VenueInfo],
    params: &LiveParams,
    base_urls: &BTreeMap<String, String>,
) -> Vec<LiveRow> {
    let mut rows = Vec::new();
    for v in venues {
        for e in v.endpoints {
            let started = Instant::now();
            let key = format!("{}/{}", v.id, e.id);
            let outcome = match params.get(&key) {
                None => None,
                Some(p) => {
                    let args = QueryArgs {
                        params: p.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                        base_url: base_urls.get(v.id).cloned(),
                        use_env: true,
                        ..Default::default()
                    };
                    Some(match crate::cmd::record::fetch(v, e, &args).await {
                        Ok(f) => {
                            let j = Judge::new(v, e).judge(f.raw.as_bytes(), None);
                            Ok(LiveAnswer {
                                http_status: f.http_status,
                                verdict: j.verdict,
                                report: crate::judge::drift::render(&key, &j),
                            })
                        }
                        Err(err) => Err(err.to_string()),
                    })
                }
            };
            rows.push(LiveRow {
                venue: v.id,
                endpoint: e.id,
                outcome,
                elapsed: started.elapsed(),
            });
        }
    }
    rows
}

/// The live section of `check`.
pub fn render(rows: &[LiveRow]) -> String {
    let mut out = String::from("\nlive (real requests, judged strict and lenient)\n");
    let _ = writeln!(
        out,
        "  {:<13} {:<21} {:<10} {:>10}  result",
        "venue", "endpoint", "answer", "time"
    );
    for r in rows {
        let (answer, result) = match &r.outcome {
            None => ("-".to_owned(), "skipped (no params)".to_owned()),
            Some(Ok(a)) => (
                a.http_status
                    .map_or_else(|| "ws".to_owned(), |s| format!("HTTP {s}")),
                a.verdict.as_str().to_owned(),
            ),
            Some(Err(_)) => ("-".to_owned(), "FAILED".to_owned()),
        };
        let _ = writeln!(
            out,
            "  {:<13} {:<21} {:<10} {:>10.2?}  {result}",
            r.venue, r.endpoint, answer, r.elapsed
        );
    }
    for r in rows {
        match &r.outcome {
            Some(Ok(a)) if a.verdict != Verdict::Valid => out.push_str(&a.report),
            Some(Err(e)) => {
                let _ = writeln!(out, "  {}/{}: {e}", r.venue, r.endpoint);
            }
            _ => {}
        }
    }
    let sent = rows.iter().filter(|r| r.outcome.is_some()).count();
    let passed = rows
        .iter()
        .filter(|r| r.outcome.is_some() && r.passed())
        .count();
    let _ = writeln!(out, "live: {passed}/{sent} answers valid");
    out
}
