//! The strict validator's errors, mapped to findings at their pointers.

use generated::runtime::schema::{
    DECIMAL_NON_NEGATIVE_STRICT_PATTERN, DECIMAL_STRICT_PATTERN, U64_STRING_STRICT_PATTERN,
    UUID_STRICT_PATTERN,
};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;

use super::{Finding, FindingKind};

pub(super) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A short rendering of a JSON value for messages: at most 60 characters, and only as much of
/// the value is rendered as that needs (a 10 MB string costs no more than a short one).
fn preview(v: &Value) -> String {
    const SHOWN: usize = 60;
    let mut head = Head {
        bytes: Vec::new(),
        chars: 0,
        keep: SHOWN + 1,
    };
    // Fails once `keep` characters are in: the rest is not needed.
    let _ = serde_json::to_writer(&mut head, v);
    let s = String::from_utf8(head.bytes).unwrap_or_default();
    if head.chars > SHOWN {
        let head: String = s.chars().take(SHOWN - 3).collect();
        format!("{head}...")
    } else {
        s
    }
}

/// A writer that keeps the first `keep` characters written to it and then refuses more.
struct Head {
    bytes: Vec<u8>,
    chars: usize,
    keep: usize,
}

impl std::io::Write for Head {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for &b in buf {
            // Stop only where a character starts, so the bytes kept are whole characters.
            if b & 0xC0 != 0x80 {
                if self.chars == self.keep {
                    return Err(std::io::Error::other("enough for a preview"));
                }
                self.chars += 1;
            }
            self.bytes.push(b);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
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
        Some(p) if p == DECIMAL_NON_NEGATIVE_STRICT_PATTERN => {
            return "a non-negative decimal in a string".into();
        }
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

pub(super) fn map_error(e: &ValidationError<'_>, schema: &Value, out: &mut Vec<Finding>) {
    let at = e.instance_path().as_str().to_string();
    let instance: &Value = e.instance();
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
            let got = match instance {
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
        ValidationErrorKind::Pattern { .. }
        | ValidationErrorKind::MaxLength { .. }
        | ValidationErrorKind::MinLength { .. } => string_error(e, schema, at, instance, out),
        ValidationErrorKind::Enum { options } => {
            let listed: Vec<String> = options
                .as_array()
                .map(|a| a.iter().map(preview).collect())
                .unwrap_or_default();
            push(
                out,
                at,
                FindingKind::UnknownEnumValue,
                format!("{} is not one of {}", preview(instance), listed.join(", ")),
            );
        }
        ValidationErrorKind::AnyOf { context } if !instance.is_null() => {
            map_any_of(context, schema, at, instance, out)
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

/// `anyOf: [T, {type: null}]` is how a nullable member reads: a non-null value failed `T`, so
/// report `T`'s errors. With several forms, a value of exactly one form's type is reported by
/// that form's errors (a text that is not one of a number-or-text's documented texts is an
/// unknown value); otherwise it matches none.
fn map_any_of(
    context: &[Vec<ValidationError<'_>>],
    schema: &Value,
    at: String,
    instance: &Value,
    out: &mut Vec<Finding>,
) {
    let not_null: Vec<_> = context
        .iter()
        .filter(|branch| !branch.iter().all(expects_only_null))
        .collect();
    let of_its_type: Vec<_> = not_null
        .iter()
        .filter(|branch| {
            !branch
                .iter()
                .all(|e| matches!(e.kind(), ValidationErrorKind::Type { .. }))
        })
        .collect();
    if let [branch] = not_null.as_slice() {
        for inner in branch.iter() {
            map_error(inner, schema, out);
        }
    } else if let [branch] = of_its_type.as_slice() {
        for inner in branch.iter() {
            map_error(inner, schema, out);
        }
    } else {
        out.push(Finding {
            pointer: at,
            kind: FindingKind::WrongType,
            detail: format!("{} matches none of the spec's forms", preview(instance)),
        });
    }
}

/// A string error: of another form than the spec's (`WrongType`), or of its form but outside
/// what the spec promises (`Violation`): a negative decimal where the spec says it never is,
/// a string longer or shorter than the docs allow.
fn string_error(
    e: &ValidationError<'_>,
    schema: &Value,
    at: String,
    instance: &Value,
    out: &mut Vec<Finding>,
) {
    let node = node_of(schema, e);
    let pattern = node.and_then(|n| n.get("pattern")).and_then(Value::as_str);
    let got = preview(instance);
    let chars = || instance.as_str().map_or(0, |s| s.chars().count());
    let (kind, detail) = match e.kind() {
        ValidationErrorKind::Pattern { .. }
            if pattern == Some(DECIMAL_NON_NEGATIVE_STRICT_PATTERN)
                && instance
                    .as_str()
                    .is_some_and(crate::judge::compiled_validator::is_decimal) =>
        {
            (
                FindingKind::Violation,
                format!("expected a non-negative decimal, got {got}"),
            )
        }
        ValidationErrorKind::MaxLength { limit } if pattern.is_none() => (
            FindingKind::Violation,
            format!(
                "expected at most {limit} characters, got {}: {got}",
                chars()
            ),
        ),
        ValidationErrorKind::MinLength { limit } if pattern.is_none() => (
            FindingKind::Violation,
            format!(
                "expected at least {limit} characters, got {}: {got}",
                chars()
            ),
        ),
        ValidationErrorKind::MaxLength { limit } => (
            FindingKind::WrongType,
            format!(
                "expected {} of at most {limit} characters, got {got}",
                expected(node, "a string".into())
            ),
        ),
        _ => (
            FindingKind::WrongType,
            format!(
                "expected {}, got {got}",
                expected(node, "a string of another form".into())
            ),
        ),
    };
    out.push(Finding {
        pointer: at,
        kind,
        detail,
    });
}

fn expects_only_null(e: &ValidationError<'_>) -> bool {
    matches!(
        e.kind(),
        ValidationErrorKind::Type {
            kind: TypeKind::Single(JsonType::Null)
        }
    )
}

#[cfg(test)]
mod tests {
    use super::preview;
    use serde_json::Value;

    #[test]
    fn previews_are_the_first_57_characters_of_a_long_rendering() {
        // 60 characters with the quotes: shown whole; 61: cut to 57 and `...`.
        let short = Value::from("é".repeat(58));
        assert_eq!(preview(&short), format!("\"{}\"", "é".repeat(58)));
        let long = Value::from("é".repeat(59));
        assert_eq!(preview(&long), format!("\"{}...", "é".repeat(56)));
        let huge = Value::from("x".repeat(10 << 20));
        assert_eq!(preview(&huge), format!("\"{}...", "x".repeat(56)));
        assert_eq!(
            preview(&serde_json::json!({"a": [1, null]})),
            r#"{"a":[1,null]}"#
        );
    }
}
