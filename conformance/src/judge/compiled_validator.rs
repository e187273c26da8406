//! A faster compiled form of a strict schema that accepts exactly the same bodies.
//!
//! Most of the time jsonschema spends on a strict order body goes into two keywords: `pattern`
//! (a regex search per decimal, integer or UUID string) and `required` (a scan or a hashed
//! lookup per required member, on top of the `properties` pass that `additionalProperties:
//! false` already makes). [`compile`] compiles a rewritten copy of the strict schema
//! ([`rewrite`]) in which:
//!
//! - a `pattern` that is one of the strict wire forms (`DECIMAL_STRICT_PATTERN`,
//!   `DECIMAL_NON_NEGATIVE_STRICT_PATTERN`, `U64_STRING_STRICT_PATTERN`, `UUID_STRICT_PATTERN`),
//!   with its node's `maxLength` if any, becomes the keyword [`X_FAST_FORM`], checked by a
//!   hand-written matcher ([`is_decimal`], [`is_non_negative_decimal`], [`is_u64`],
//!   [`is_uuid`]) that accepts exactly the strings the pattern (and the bound) does;
//! - `required` in a closed object (`additionalProperties: false`, no `patternProperties`, every
//!   required name among `properties`) becomes the keyword [`X_FAST_REQUIRED`], which counts
//!   instead of looking names up: in such an object every member is a declared property (or the
//!   object fails `additionalProperties` anyway), so the required ones are all present exactly
//!   when the members that are not optional number as many as `required` lists;
//! - a `$ref` to a plain `$defs` entry (no reference or identifier inside, only annotations
//!   beside the `$ref`) is replaced by a copy of the entry, which saves a call per value.
//!
//! Each rewritten keyword decides its schema node exactly as the original keyword does wherever
//! the node's other keywords hold, and an inlined entry means the same as the `$ref` to it, so
//! every node, and the whole body, gets the same answer.
//! The exported schemas keep the standard keywords (other tools read them); the matchers are
//! property-tested against the regexes, and the compiled validators against the standard ones
//! on generated and mutated bodies (`tests/schema_props.rs`).
//!
//! The rewritten keywords say nothing useful when a body fails: a [`FastValidator`] only
//! answers yes or no, and the drift findings come from the standard strict validator.

use generated::runtime::schema::{
    DECIMAL_NON_NEGATIVE_STRICT_PATTERN, DECIMAL_STRICT_PATTERN, U64_STRING_STRICT_PATTERN,
    UUID_STRICT_PATTERN,
};
use jsonschema::{Keyword, ValidationError, Validator, paths::Location};
use serde_json::{Map, Value};

use crate::judge::schema::{SchemaError, for_each_subschema};

/// The keyword that replaces a strict wire-form `pattern` (and its node's `maxLength`):
/// `{"form": "decimal" | "non_negative_decimal" | "u64" | "uuid", "maxLength": n}`
/// (`maxLength` optional).
pub const X_FAST_FORM: &str = "x-fast-form";
/// The keyword that replaces `required` in a closed object: the same list of names.
pub const X_FAST_REQUIRED: &str = "x-fast-required";

/// A strict wire form of a string, with the pattern it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `DECIMAL_STRICT_PATTERN`: [`is_decimal`].
    Decimal,
    /// `DECIMAL_NON_NEGATIVE_STRICT_PATTERN`: [`is_non_negative_decimal`].
    NonNegativeDecimal,
    /// `U64_STRING_STRICT_PATTERN`: [`is_u64`].
    U64,
    /// `UUID_STRICT_PATTERN`: [`is_uuid`].
    Uuid,
}

impl Form {
    /// Every form.
    pub const ALL: [Form; 4] = [
        Form::Decimal,
        Form::NonNegativeDecimal,
        Form::U64,
        Form::Uuid,
    ];

    /// The name in [`X_FAST_FORM`].
    pub fn name(self) -> &'static str {
        match self {
            Form::Decimal => "decimal",
            Form::NonNegativeDecimal => "non_negative_decimal",
            Form::U64 => "u64",
            Form::Uuid => "uuid",
        }
    }

    /// The form named `name`.
    pub fn from_name(name: &str) -> Option<Form> {
        Form::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The pattern this form stands for.
    pub fn pattern(self) -> &'static str {
        match self {
            Form::Decimal => DECIMAL_STRICT_PATTERN,
            Form::NonNegativeDecimal => DECIMAL_NON_NEGATIVE_STRICT_PATTERN,
            Form::U64 => &U64_STRING_STRICT_PATTERN,
            Form::Uuid => UUID_STRICT_PATTERN,
        }
    }

    /// The form whose pattern is `pattern`.
    pub fn of_pattern(pattern: &str) -> Option<Form> {
        Form::ALL.into_iter().find(|f| f.pattern() == pattern)
    }

    /// Whether `s` matches the form's pattern (every string that does is ASCII).
    pub fn matches(self, s: &str) -> bool {
        match self {
            Form::Decimal => is_decimal(s),
            Form::NonNegativeDecimal => is_non_negative_decimal(s),
            Form::U64 => is_u64(s),
            Form::Uuid => is_uuid(s),
        }
    }
}

/// `DECIMAL_STRICT_PATTERN` by hand: an optional `-`, an integer part that is `0` or starts
/// with `1`-`9`, and an optional `.` followed by at least one digit; a negative zero (`-0`,
/// `-0.00`) is not one.
pub fn is_decimal(s: &str) -> bool {
    let b = s.as_bytes();
    let (negative, rest) = match b {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, b),
    };
    let (zero, after) = match rest {
        [b'0', after @ ..] => (true, after),
        [b'1'..=b'9', tail @ ..] => {
            let digits = tail.iter().take_while(|c| c.is_ascii_digit()).count();
            (false, &tail[digits..])
        }
        _ => return false,
    };
    match after {
        [] => !(negative && zero),
        [b'.', fraction @ ..] => {
            !fraction.is_empty()
                && fraction.iter().all(u8::is_ascii_digit)
                && (!(negative && zero) || fraction.iter().any(|&c| c != b'0'))
        }
        _ => false,
    }
}

/// `DECIMAL_NON_NEGATIVE_STRICT_PATTERN` by hand: [`is_decimal`] without a `-`.
pub fn is_non_negative_decimal(s: &str) -> bool {
    !s.starts_with('-') && is_decimal(s)
}

/// `U64_STRING_STRICT_PATTERN` by hand: `0`, or digits without a leading zero up to
/// `u64::MAX` (18446744073709551615).
pub fn is_u64(s: &str) -> bool {
    const MAX: &[u8] = b"18446744073709551615";
    let b = s.as_bytes();
    match b {
        [b'0'] => true,
        [b'1'..=b'9', ..] => {
            b.iter().all(u8::is_ascii_digit)
                && (b.len() < MAX.len() || (b.len() == MAX.len() && b <= MAX))
        }
        _ => false,
    }
}

/// `UUID_STRICT_PATTERN` by hand: 8-4-4-4-12 lower-case hex digits joined by `-`.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
        })
}

/// A strict schema rewritten for [`compile`] (see the module docs). Schemas without the
/// rewritten keywords come back unchanged.
pub fn rewrite(strict: &Value) -> Value {
    let mut out = strict.clone();
    inline_refs(&mut out);
    rewrite_in_place(&mut out);
    out
}

/// Keywords that only annotate: a node whose other keywords are these says what its `$ref`
/// says.
fn is_annotation(key: &str) -> bool {
    matches!(
        key,
        "description"
            | "title"
            | "$comment"
            | "default"
            | "examples"
            | "deprecated"
            | "readOnly"
            | "writeOnly"
    ) || (key.starts_with("x-") && key != X_FAST_FORM && key != X_FAST_REQUIRED)
}

/// Whether a subschema means the same wherever it stands: no reference, identifier or
/// definitions anywhere in it (a key of that name anywhere, data included, counts).
fn location_free(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.iter().all(|(k, v)| {
            !matches!(
                k.as_str(),
                "$ref"
                    | "$dynamicRef"
                    | "$recursiveRef"
                    | "$id"
                    | "$anchor"
                    | "$dynamicAnchor"
                    | "$recursiveAnchor"
                    | "$defs"
                    | "definitions"
            ) && location_free(v)
        }),
        Value::Array(a) => a.iter().all(location_free),
        _ => true,
    }
}

/// Replaces each `{"$ref": "#/$defs/<name>", <annotations>}` whose target means the same
/// anywhere by a copy of the target, until none is left that can be: each `$ref` costs a
/// lookup and a call per value.
fn inline_refs(root: &mut Value) {
    loop {
        let Some(Value::Object(defs)) = root.get("$defs").cloned() else {
            return;
        };
        let mut changed = false;
        inline_refs_in(root, &defs, &mut changed);
        if !changed {
            return;
        }
    }
}

fn inline_refs_in(node: &mut Value, defs: &Map<String, Value>, changed: &mut bool) {
    let Value::Object(m) = node else {
        return;
    };
    let target = m
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
        // A plain name: no pointer escapes (`~0`, `~1`) or percent-encoding to undo.
        .filter(|name| {
            name.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.')
        })
        .and_then(|name| defs.get(name))
        .filter(|t| location_free(t) && t.is_object());
    if let Some(target) = target
        && m.keys().all(|k| k == "$ref" || is_annotation(k))
    {
        *node = target.clone();
        *changed = true;
        return;
    }
    for_each_subschema(m, &mut |child| inline_refs_in(child, defs, changed));
}

fn rewrite_in_place(schema: &mut Value) {
    let Value::Object(m) = schema else {
        return;
    };
    let form = m
        .get("pattern")
        .and_then(Value::as_str)
        .and_then(Form::of_pattern);
    if let Some(form) = form {
        m.remove("pattern");
        let mut spec = Map::new();
        spec.insert("form".into(), form.name().into());
        if let Some(max) = m.remove("maxLength") {
            spec.insert("maxLength".into(), max);
        }
        m.insert(X_FAST_FORM.into(), Value::Object(spec));
    }
    if closed_required(m)
        && let Some(required) = m.remove("required")
    {
        m.insert(X_FAST_REQUIRED.into(), required);
    }
    for_each_subschema(m, &mut rewrite_in_place);
}

/// Whether a node's `required` may be counted: the object is closed to its `properties` and
/// every required name is one of them.
fn closed_required(m: &Map<String, Value>) -> bool {
    let (Some(Value::Array(required)), Some(Value::Object(props))) =
        (m.get("required"), m.get("properties"))
    else {
        return false;
    };
    m.get("additionalProperties") == Some(&Value::Bool(false))
        && !m.contains_key("patternProperties")
        && required
            .iter()
            .all(|r| r.as_str().is_some_and(|r| props.contains_key(r)))
}

/// A compiled strict schema that answers only whether a body is valid.
pub struct FastValidator(Validator);

impl std::fmt::Debug for FastValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FastValidator")
    }
}

impl FastValidator {
    /// Whether the strict schema accepts `body`.
    #[inline]
    pub fn is_valid(&self, body: &Value) -> bool {
        self.0.is_valid(body)
    }
}

/// Compiles a strict schema into a [`FastValidator`]: [`rewrite`], then the same options as
/// [`crate::judge::schema::compile`] with the rewritten keywords registered.
pub fn compile(strict: &Value) -> Result<FastValidator, SchemaError> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .with_pattern_options(jsonschema::PatternOptions::regex())
        .with_keyword(X_FAST_FORM, form_keyword)
        .with_keyword(X_FAST_REQUIRED, required_keyword)
        .build(&rewrite(strict))
        .map(FastValidator)
        .map_err(|e| SchemaError(e.to_string()))
}

/// [`X_FAST_FORM`]: a string of a form, at most `maxLength` characters.
struct FormKeyword {
    form: Form,
    max_length: usize,
}

impl<'i> Keyword<'i> for FormKeyword {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        if self.is_valid(instance) {
            Ok(())
        } else {
            Err(ValidationError::custom(format!(
                "not a {} string of at most {} characters",
                self.form.name(),
                self.max_length
            )))
        }
    }

    #[inline]
    fn is_valid(&self, instance: &'i Value) -> bool {
        // A string of the form is ASCII, so its length in bytes is its length in characters.
        instance
            .as_str()
            .is_none_or(|s| s.len() <= self.max_length && self.form.matches(s))
    }
}

fn invalid_keyword<'a>(value: &'a Value, path: Location, what: &str) -> ValidationError<'a> {
    ValidationError::custom(format!("{path}: {what}, got {value}"))
}

fn form_keyword<'a>(
    _parent: &'a Map<String, Value>,
    value: &'a Value,
    path: Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    let form = value
        .get("form")
        .and_then(Value::as_str)
        .and_then(Form::from_name);
    let max_length = match value.get("maxLength") {
        None => Some(usize::MAX),
        Some(m) => m.as_u64().map(|m| usize::try_from(m).unwrap_or(usize::MAX)),
    };
    match (form, max_length) {
        (Some(form), Some(max_length)) => Ok(Box::new(FormKeyword { form, max_length })),
        _ => Err(invalid_keyword(
            value,
            path,
            "expected {form: decimal|non_negative_decimal|u64|uuid, maxLength?}",
        )),
    }
}

/// [`X_FAST_REQUIRED`]: in an object whose members are all declared properties, the required
/// ones are all present exactly when the members that are not optional number `required`.
struct RequiredKeyword {
    /// How many names `required` lists (distinct).
    required: usize,
    /// The declared properties `required` does not list.
    optional: Vec<Box<str>>,
    /// Bit `min(len, 63)` set for the length of each optional name: most members are ruled
    /// out by their length alone.
    optional_lengths: u64,
}

fn length_bit(name: &str) -> u64 {
    1 << name.len().min(63)
}

impl<'i> Keyword<'i> for RequiredKeyword {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        if self.is_valid(instance) {
            Ok(())
        } else {
            Err(ValidationError::custom("a required member is missing"))
        }
    }

    #[inline]
    fn is_valid(&self, instance: &'i Value) -> bool {
        let Some(members) = instance.as_object() else {
            return true;
        };
        let n = members.len();
        if n < self.required {
            return false;
        }
        if n == self.required + self.optional.len() {
            // Every declared property is present.
            return true;
        }
        let optional = members
            .keys()
            .filter(|k| {
                self.optional_lengths & length_bit(k) != 0
                    && self.optional.iter().any(|o| **o == ***k)
            })
            .count();
        n - optional == self.required
    }
}

fn required_keyword<'a>(
    parent: &'a Map<String, Value>,
    value: &'a Value,
    path: Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    let props = parent.get("properties").and_then(Value::as_object);
    let names: Option<Vec<&str>> = value
        .as_array()
        .and_then(|r| r.iter().map(Value::as_str).collect());
    match (props, names) {
        (Some(props), Some(mut names))
            if parent.get("additionalProperties") == Some(&Value::Bool(false))
                && !parent.contains_key("patternProperties")
                && names.iter().all(|n| props.contains_key(*n)) =>
        {
            names.sort_unstable();
            names.dedup();
            let optional: Vec<Box<str>> = props
                .keys()
                .filter(|k| !names.contains(&k.as_str()))
                .map(|k| k.as_str().into())
                .collect();
            Ok(Box::new(RequiredKeyword {
                required: names.len(),
                optional_lengths: optional.iter().fold(0, |m, o| m | length_bit(o)),
                optional,
            }))
        }
        _ => Err(invalid_keyword(
            value,
            path,
            "expected the required names of a closed object",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        for s in [
            "0", "0.0", "0.000", "1", "-1", "10.5", "-0.5", "0.05", "-0.001",
        ] {
            assert!(is_decimal(s), "{s}");
        }
        for s in [
            "", "-", "-0", "-0.0", "00", "01", "1.", ".5", "+1", "1e5", "1.2.3", "1 ", "0x1",
        ] {
            assert!(!is_decimal(s), "{s}");
        }
    }

    #[test]
    fn non_negative_decimals() {
        for s in ["0", "0.0", "1", "10.5", "0.05"] {
            assert!(is_non_negative_decimal(s), "{s}");
        }
        for s in ["-1", "-0.5", "-0.001", "-0", "+1", "", "01"] {
            assert!(!is_non_negative_decimal(s), "{s}");
        }
    }

    #[test]
    fn u64s() {
        for s in ["0", "7", "18446744073709551615", "9999999999999999999"] {
            assert!(is_u64(s), "{s}");
        }
        for s in [
            "",
            "00",
            "01",
            "+1",
            "-1",
            "18446744073709551616",
            "99999999999999999999",
        ] {
            assert!(!is_u64(s), "{s}");
        }
    }

    #[test]
    fn uuids() {
        assert!(is_uuid("67e55044-10b1-426f-9247-bb680e5fe0c8"));
        assert!(!is_uuid("67E55044-10b1-426f-9247-bb680e5fe0c8"));
        assert!(!is_uuid("67e5504410b1426f9247bb680e5fe0c8"));
        assert!(!is_uuid("67e55044-10b1-426f-9247-bb680e5fe0c"));
        assert!(!is_uuid("67e55044-10b1-426f-9247_bb680e5fe0c8"));
    }

    #[test]
    fn rewrite_replaces_the_strict_forms_and_closed_required() {
        let strict = serde_json::json!({
            "type": "object",
            "properties": {
                "a": { "type": "string", "pattern": DECIMAL_STRICT_PATTERN, "maxLength": 28 },
                "b": { "type": "string", "pattern": "^x$" },
                "c": {
                    "type": "object",
                    "properties": { "d": { "type": "string" } },
                    "required": ["d"],
                    "patternProperties": { "^e": true },
                    "additionalProperties": false
                }
            },
            "required": ["a", "b"],
            "additionalProperties": false
        });
        let fast = rewrite(&strict);
        assert_eq!(
            fast,
            serde_json::json!({
                "type": "object",
                "properties": {
                    "a": { "type": "string", X_FAST_FORM: { "form": "decimal", "maxLength": 28 } },
                    "b": { "type": "string", "pattern": "^x$" },
                    "c": {
                        "type": "object",
                        "properties": { "d": { "type": "string" } },
                        "required": ["d"],
                        "patternProperties": { "^e": true },
                        "additionalProperties": false
                    }
                },
                X_FAST_REQUIRED: ["a", "b"],
                "additionalProperties": false
            })
        );
        let v = compile(&strict).unwrap();
        let ok = serde_json::json!({ "a": "1.5", "b": "x", "c": { "d": "", "e1": 1 } });
        assert!(v.is_valid(&ok));
        for bad in [
            serde_json::json!({ "a": "1.5" }),
            serde_json::json!({ "a": "01", "b": "x" }),
            serde_json::json!({ "a": "1.5", "z": "x" }),
            serde_json::json!({ "a": "1.5", "b": "x", "c": {} }),
        ] {
            assert!(!v.is_valid(&bad), "{bad}");
        }
    }
}
