//! Judging a captured body against an endpoint's spec: `valid`, `drift` (with each finding at
//! its JSON pointer) or `invalid` (the generated client cannot parse it).
//!
//! Findings come from the strict schema's errors (their instance paths), mapped to what
//! drifted: a member the spec does not know, a member the spec requires that is missing, a
//! wrong wire type, an enum value the spec does not list. A documented erratum that the body
//! shows is reported too, as a note: the spec already follows the wire there, so it does not
//! make the body drift.

use std::fmt;
use std::sync::OnceLock;

use generated::runtime::registry::{EndpointInfo, Parsed, VenueInfo};
use generated::runtime::schema::{
    DECIMAL_STRICT_PATTERN, U64_STRING_STRICT_PATTERN, UUID_STRICT_PATTERN, X_ERRATA, X_ERRATUM,
};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError, Validator};
use serde_json::Value;

use crate::fast::{self, FastValidator};
use crate::schema::{self, BodyPart, SchemaError, Strictness};

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
                    fast: fast::compile(&strict_schema)?,
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
    /// ([`crate::fast`]). The judge asks it first, and the strict one only for the findings of
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
    let wrong: Vec<String> = out
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
    errata.retain(|n: &Finding| {
        !out.iter()
            .any(|f| f.pointer == n.pointer || f.pointer.starts_with(&format!("{}/", n.pointer)))
    });
    out.extend(errata);
    out.sort_by_key(|f| order_key(&f.pointer, body));
    out.dedup();
    out
}

/// Sorts findings in body order: by the position of each pointer step among its object's
/// members (members the body lacks come after the ones it has).
fn order_key(pointer: &str, body: &Value) -> Vec<usize> {
    let mut key = Vec::new();
    let mut at = Some(body);
    for step in pointer.split('/').skip(1) {
        let step = step.replace("~1", "/").replace("~0", "~");
        let (pos, next) = match at {
            Some(Value::Object(m)) => match m.keys().position(|k| *k == step) {
                Some(i) => (i, m.get(&step)),
                None => (usize::MAX, None),
            },
            Some(Value::Array(a)) => match step.parse::<usize>() {
                Ok(i) => (i, a.get(i)),
                Err(_) => (usize::MAX, None),
            },
            _ => (usize::MAX, None),
        };
        key.push(pos);
        at = next;
    }
    key
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A short rendering of a JSON value for messages.
fn preview(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        let head: String = s.chars().take(57).collect();
        format!("{head}...")
    } else {
        s
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// What a schema node expects, in words (`a decimal in a string`, `integer`, ...).
fn expected(node: Option<&Value>, fallback: String) -> String {
    let Some(node) = node else {
        return fallback;
    };
    match node.get("pattern").and_then(Value::as_str) {
        Some(p) if p == DECIMAL_STRICT_PATTERN => return "a decimal in a string".into(),
        Some(p) if p == *U64_STRING_STRICT_PATTERN => return "an integer in a string".into(),
        Some(p) if p == UUID_STRICT_PATTERN => return "a UUID string".into(),
        Some(p) => return format!("a string matching {p}"),
        None => {}
    }
    if node.get("enum").is_some() {
        return "one of the enum's strings".into();
    }
    fallback
}

fn type_kind(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(t) => t.to_string(),
        TypeKind::Multiple(set) => set
            .iter()
            .filter(|t| *t != JsonType::Null)
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

/// The schema node that holds the keyword an error is about.
fn node_of<'a>(schema: &'a Value, e: &ValidationError<'_>) -> Option<&'a Value> {
    let path = e.schema_path().as_str();
    let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
    schema.pointer(parent)
}

fn map_error(e: &ValidationError<'_>, schema: &Value, out: &mut Vec<Finding>) {
    let at = e.instance_path().as_str().to_string();
    let instance = e.instance().clone().into_owned();
    let push = |out: &mut Vec<Finding>, pointer: String, kind, detail: String| {
        out.push(Finding {
            pointer,
            kind,
            detail,
        })
    };
    match e.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            for name in unexpected {
                let value = instance.get(name).map(preview).unwrap_or_default();
                push(
                    out,
                    format!("{at}/{}", escape(name)),
                    FindingKind::UnknownField,
                    format!("`{name}` is not in the spec (value {value})"),
                );
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            push(
                out,
                format!("{at}/{}", escape(name)),
                FindingKind::MissingField,
                format!("`{name}` is required by the spec"),
            );
        }
        ValidationErrorKind::Type { kind } => {
            let what = expected(node_of(schema, e), type_kind(kind));
            let got = match &instance {
                Value::Null => "null".to_string(),
                v => format!("{} {}", type_name(v), preview(v)),
            };
            push(
                out,
                at,
                FindingKind::WrongType,
                format!("expected {what}, got {got}"),
            );
        }
        ValidationErrorKind::Pattern { .. } => {
            let what = expected(node_of(schema, e), "a string of another form".into());
            push(
                out,
                at,
                FindingKind::WrongType,
                format!("expected {what}, got {}", preview(&instance)),
            );
        }
        ValidationErrorKind::MaxLength { limit } => {
            let what = expected(node_of(schema, e), "a string".into());
            push(
                out,
                at,
                FindingKind::WrongType,
                format!(
                    "expected {what} of at most {limit} characters, got {}",
                    preview(&instance)
                ),
            );
        }
        ValidationErrorKind::Enum { options } => {
            let listed: Vec<String> = options
                .as_array()
                .map(|a| a.iter().map(preview).collect())
                .unwrap_or_default();
            push(
                out,
                at,
                FindingKind::UnknownEnumValue,
                format!("{} is not one of {}", preview(&instance), listed.join(", ")),
            );
        }
        ValidationErrorKind::AnyOf { context } if !instance.is_null() => {
            // `anyOf: [T, {type: null}]` is how a nullable member reads: a non-null value
            // failed `T`, so report `T`'s errors.
            let not_null: Vec<_> = context
                .iter()
                .filter(|branch| !branch.iter().all(expects_only_null))
                .collect();
            if let [branch] = not_null.as_slice() {
                for inner in branch.iter() {
                    map_error(inner, schema, out);
                }
            } else {
                push(
                    out,
                    at,
                    FindingKind::WrongType,
                    format!("{} matches none of the spec's forms", preview(&instance)),
                );
            }
        }
        ValidationErrorKind::Not { schema: not } if instance.is_null() && not["type"] == "null" => {
            push(
                out,
                at,
                FindingKind::WrongType,
                "expected a value, got null (the spec makes the member optional, not nullable)"
                    .into(),
            )
        }
        _ => push(out, at, FindingKind::Violation, e.to_string()),
    }
}

fn expects_only_null(e: &ValidationError<'_>) -> bool {
    matches!(
        e.kind(),
        ValidationErrorKind::Type {
            kind: TypeKind::Single(JsonType::Null)
        }
    )
}

fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..32 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) if r.starts_with('#') => match root.pointer(&r[1..]) {
                Some(n) => node = n,
                None => break,
            },
            _ => break,
        }
    }
    node
}

fn erratum_detail(e: &Value) -> String {
    let field = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or_default();
    let mut s = format!(
        "the docs say: {}; the wire shows: {}",
        field("docs").trim_end_matches('.'),
        field("wire").trim_end_matches('.')
    );
    if let Some(n) = e.get("note").and_then(Value::as_str) {
        s.push_str(&format!(" ({n})"));
    }
    s
}

/// Walks the body along the schema and notes every documented erratum it shows.
fn walk_errata(root: &Value, node: &Value, body: &Value, at: String, out: &mut Vec<Finding>) {
    if let Some(e) = node.get(X_ERRATUM) {
        out.push(Finding {
            pointer: at.clone(),
            kind: FindingKind::ErratumObserved,
            detail: erratum_detail(e),
        });
    }
    let node = resolve(root, node);
    if let (Some(errata), Some(s)) = (node.get(X_ERRATA), body.as_str())
        && let Some(e) = errata.get(s)
    {
        out.push(Finding {
            pointer: at.clone(),
            kind: FindingKind::ErratumObserved,
            detail: format!("value {s:?}: {}", erratum_detail(e)),
        });
    }
    if let Some(branches) = node.get("anyOf").and_then(Value::as_array) {
        if !body.is_null()
            && let Some(b) = branches
                .iter()
                .find(|b| b.get("type") != Some(&Value::from("null")))
        {
            walk_errata(root, b, body, at.clone(), out);
        }
        return;
    }
    match body {
        Value::Object(members) => {
            if let Some(props) = node.get("properties").and_then(Value::as_object) {
                for (name, value) in members {
                    if let Some(p) = props.get(name) {
                        walk_errata(root, p, value, format!("{at}/{}", escape(name)), out);
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = node.get("items") {
                for (i, value) in items.iter().enumerate() {
                    walk_errata(root, item, value, format!("{at}/{i}"), out);
                }
            }
        }
        _ => {}
    }
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
