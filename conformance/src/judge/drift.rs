//! Judging a captured body against an endpoint's spec: `valid`, `drift` (with each finding at
//! its JSON pointer) or `invalid` (the generated client cannot parse it).
//!
//! Findings come from the strict schema's errors (their instance paths), mapped to what
//! drifted: a member the spec does not know, a member the spec requires that is missing, a
//! wrong wire type, an enum value the spec does not list. A documented erratum that the body
//! shows is reported too, as a note: the spec already follows the wire there, so it does not
//! make the body drift.

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::sync::OnceLock;

use generated::runtime::registry::{EndpointInfo, Parsed, VenueInfo};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

mod errata;
mod errors;
mod order;

use errata::walk_errata;
use errors::map_error;
use order::{Positions, at_or_under};

use crate::judge::compiled_validator::{self, FastValidator};
use crate::judge::schema::{self, BodyPart, SchemaError, Strictness};

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKind {
    /// A member the spec does not know.
    UnknownField,
    /// A member the spec requires is missing.
    MissingField,
    /// A value of another wire type than the spec's (a number where a string was, a string
    /// that is not a decimal, ...).
    WrongType,
    /// A string the spec's enum does not list.
    UnknownEnumValue,
    /// Any other way the body breaks the strict schema.
    Violation,
    /// The body shows what a documented erratum says the wire does (a note, not drift).
    ErratumObserved,
}

impl FindingKind {
    /// The label printed before the pointer.
    pub fn label(self) -> &'static str {
        match self {
            FindingKind::UnknownField => "unknown field",
            FindingKind::MissingField => "missing field",
            FindingKind::WrongType => "wrong type",
            FindingKind::UnknownEnumValue => "unknown enum value",
            FindingKind::Violation => "violation",
            FindingKind::ErratumObserved => "erratum observed",
        }
    }

    /// Whether this finding makes a body drift (every kind but [`Self::ErratumObserved`]).
    pub fn is_drift(self) -> bool {
        self != FindingKind::ErratumObserved
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One finding, at a JSON pointer into the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// JSON pointer (`/data/state`; empty for the whole body).
    pub pointer: String,
    /// What it is.
    pub kind: FindingKind,
    /// A sentence saying what was found.
    pub detail: String,
}

/// The overall verdict on a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Exactly what the spec promises (documented errata aside).
    Valid,
    /// The client parses it, but it differs from the spec.
    Drift,
    /// The generated client cannot parse it.
    Invalid,
}

impl Verdict {
    /// `valid`, `drift` or `invalid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Drift => "drift",
            Verdict::Invalid => "invalid",
        }
    }

    /// The exit code `conformance validate` uses: 0 valid, 1 drift, 2 invalid.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Valid => 0,
            Verdict::Drift => 1,
            Verdict::Invalid => 2,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything known about one body.
#[derive(Debug)]
pub struct Judgement {
    /// The verdict.
    pub verdict: Verdict,
    /// The body it was judged as.
    pub part: BodyPart,
    /// Findings in body order (drift first at each pointer, then errata).
    pub findings: Vec<Finding>,
    /// Whether the strict schema accepts the body (errata notes aside).
    pub strict: bool,
    /// Whether the lenient schema accepts the body.
    pub lenient: bool,
    /// The typed value, or why the generated client refused the body.
    pub parsed: Result<Parsed, String>,
}

impl Judgement {
    /// The drift findings (errata notes left out).
    pub fn drift(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.kind.is_drift())
    }
}

/// The compiled schemas of one body part.
struct Compiled {
    lenient: Validator,
    strict: Validator,
    /// Accepts exactly what `strict` accepts, faster; `strict` names the errors.
    fast: FastValidator,
    strict_schema: Value,
}

/// Judges bodies of one endpoint. Schemas are compiled once, when a part is first needed.
pub struct Judge {
    venue: &'static VenueInfo,
    endpoint: &'static EndpointInfo,
    parts: [OnceLock<Result<Compiled, SchemaError>>; 3],
}

impl fmt::Debug for Judge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Judge({}/{})", self.venue.id, self.endpoint.id)
    }
}

fn index(part: BodyPart) -> usize {
    match part {
        BodyPart::Response => 0,
        BodyPart::Payload => 1,
        BodyPart::Error => 2,
    }
}

impl Judge {
    /// A judge for `venue/endpoint`.
    pub fn new(venue: &'static VenueInfo, endpoint: &'static EndpointInfo) -> Judge {
        Judge {
            venue,
            endpoint,
            parts: Default::default(),
        }
    }

    /// The venue.
    pub fn venue(&self) -> &'static VenueInfo {
        self.venue
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &'static EndpointInfo {
        self.endpoint
    }

    fn compiled(&self, part: BodyPart) -> Result<&Compiled, &SchemaError> {
        self.parts[index(part)]
            .get_or_init(|| {
                let lenient = schema::schema(self.endpoint, part, Strictness::Lenient);
                let strict_schema = schema::schema(self.endpoint, part, Strictness::Strict);
                Ok(Compiled {
                    lenient: schema::compile(&lenient)?,
                    strict: schema::compile(&strict_schema)?,
                    fast: compiled_validator::compile(&strict_schema)?,
                    strict_schema,
                })
            })
            .as_ref()
    }

    /// The compiled validator of a part (for benchmarks and tools).
    pub fn validator(
        &self,
        part: BodyPart,
        strictness: Strictness,
    ) -> Result<&Validator, &SchemaError> {
        let c = self.compiled(part)?;
        Ok(match strictness {
            Strictness::Lenient => &c.lenient,
            Strictness::Strict => &c.strict,
        })
    }

    /// The fast strict validator of a part: it accepts exactly the bodies the strict one does
    /// ([`crate::judge::compiled_validator`]). The judge asks it first, and the strict one only for the findings of
    /// a body it refuses.
    pub fn fast_validator(&self, part: BodyPart) -> Result<&FastValidator, &SchemaError> {
        Ok(&self.compiled(part)?.fast)
    }

    /// Which part a body is: by the venue's success rule (`/code` equals `1000`) when it has
    /// one; otherwise an error body if the error schema accepts it and the response schema
    /// does not, and a response otherwise.
    pub fn classify(&self, body: &Value) -> BodyPart {
        if let Some((pointer, expected)) = self.venue.success_rule {
            let expected: Option<Value> = serde_json::from_str(expected).ok();
            return if body.pointer(pointer) == expected.as_ref() {
                BodyPart::Response
            } else {
                BodyPart::Error
            };
        }
        if let Some((pointer, expected)) = self.venue.error_rule {
            let expected: Option<Value> = serde_json::from_str(expected).ok();
            if expected.is_some() && body.pointer(pointer) == expected.as_ref() {
                return BodyPart::Error;
            }
        }
        let accepts = |part| {
            self.validator(part, Strictness::Lenient)
                .is_ok_and(|v| v.is_valid(body))
        };
        if !accepts(BodyPart::Response) && accepts(BodyPart::Error) {
            BodyPart::Error
        } else {
            BodyPart::Response
        }
    }

    /// Judges a body as `part` (or as what [`Self::classify`] says).
    pub fn judge(&self, raw: &[u8], part: Option<BodyPart>) -> Judgement {
        let body: Value = match serde_json::from_slice(raw) {
            Ok(v) => v,
            Err(e) => {
                return Judgement {
                    verdict: Verdict::Invalid,
                    part: part.unwrap_or(BodyPart::Response),
                    findings: Vec::new(),
                    strict: false,
                    lenient: false,
                    parsed: Err(format!("not JSON: {e}")),
                };
            }
        };
        let part = part.unwrap_or_else(|| self.classify(&body));
        let (kind, scope) = part.kind_scope();
        let parsed = (self.endpoint.parse)(kind, scope, raw).map_err(|e| e.message);
        let (lenient, findings) = match self.compiled(part) {
            Ok(c) => {
                let valid = c.fast.is_valid(&body);
                debug_assert_eq!(valid, c.strict.is_valid(&body), "fast and strict disagree");
                let errors: Vec<_> = if valid {
                    Vec::new()
                } else {
                    c.strict.iter_errors(&body).collect()
                };
                (
                    c.lenient.is_valid(&body),
                    findings_of(errors, &c.strict_schema, &body),
                )
            }
            Err(e) => (
                false,
                vec![Finding {
                    pointer: String::new(),
                    kind: FindingKind::Violation,
                    detail: e.to_string(),
                }],
            ),
        };
        let strict = !findings.iter().any(|f| f.kind.is_drift());
        let verdict = if parsed.is_err() {
            Verdict::Invalid
        } else if !strict {
            Verdict::Drift
        } else {
            Verdict::Valid
        };
        Judgement {
            verdict,
            part,
            findings,
            strict,
            lenient,
            parsed,
        }
    }
}

/// The findings of a body under a strict schema: its errors, mapped, then the errata the body
/// shows where nothing drifted.
pub fn findings(strict: &Validator, strict_schema: &Value, body: &Value) -> Vec<Finding> {
    findings_of(strict.iter_errors(body), strict_schema, body)
}

/// The findings of a body given its errors under the strict schema.
fn findings_of<'a>(
    errors: impl IntoIterator<Item = ValidationError<'a>>,
    strict_schema: &Value,
    body: &Value,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for e in errors {
        map_error(&e, strict_schema, &mut out);
    }
    // A wrong type already says the value is not one of the enum's strings.
    let wrong: HashSet<String> = out
        .iter()
        .filter(|f| f.kind == FindingKind::WrongType)
        .map(|f| f.pointer.clone())
        .collect();
    out.retain(|f| f.kind != FindingKind::UnknownEnumValue || !wrong.contains(&f.pointer));
    let mut errata = Vec::new();
    walk_errata(
        strict_schema,
        strict_schema,
        body,
        String::new(),
        &mut errata,
    );
    if !errata.is_empty() {
        let drifted: BTreeSet<&str> = out.iter().map(|f| f.pointer.as_str()).collect();
        errata.retain(|n: &Finding| !at_or_under(&drifted, &n.pointer));
    }
    out.extend(errata);
    let mut positions = Positions::default();
    out.sort_by_cached_key(|f| positions.key(&f.pointer, body));
    out.dedup();
    out
}

/// The widest the pointer column of [`render`] gets.
const MAX_POINTER_COLUMN: usize = 80;

/// Renders a judgement as `conformance validate` prints it: a line `<name>: <verdict> (<part>)`,
/// then one indented line per finding (`<pointer>  <kind>: <detail>`), and for `invalid` the
/// client's error.
pub fn render(name: &str, j: &Judgement) -> String {
    use std::fmt::Write as _;
    let mut s = format!("{name}: {} ({})\n", j.verdict, j.part);
    let shown = |p: &str| {
        if p.is_empty() {
            "(root)".to_string()
        } else {
            p.to_string()
        }
    };
    let width = j
        .findings
        .iter()
        .map(|f| shown(&f.pointer).chars().count())
        .max()
        .unwrap_or(0)
        // Longer pointers go unpadded: a width over `u16::MAX` makes `format!` panic.
        .min(MAX_POINTER_COLUMN);
    for f in &j.findings {
        let _ = writeln!(
            s,
            "  {:<width$}  {}: {}",
            shown(&f.pointer),
            f.kind,
            f.detail
        );
    }
    if let Err(e) = &j.parsed {
        let _ = writeln!(s, "  the client cannot parse it: {e}");
    }
    s
}
