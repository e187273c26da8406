//! The wire types' patterns agree with the parsers, and the fast form keywords with the
//! patterns.

use super::*;

/// A validator for strings with one pattern (and optional maxLength).
fn string_validator(pattern: &str, max_length: Option<u64>) -> jsonschema::Validator {
    let mut s = serde_json::json!({ "type": "string", "pattern": pattern });
    if let Some(m) = max_length {
        s["maxLength"] = m.into();
    }
    schema::compile(&s).unwrap()
}

#[test]
fn the_u64_string_patterns_agree_with_the_parser() {
    use generated::runtime::schema as wire;
    let u64_lenient = string_validator(&wire::U64_STRING_PATTERN, None);
    let u64_strict = string_validator(&wire::U64_STRING_STRICT_PATTERN, None);
    // u64 in a string: the lenient pattern is exactly `u64::from_str`; the strict one is
    // exactly the strings that parse and print back unchanged.
    let ints = prop_oneof![
        "[+-]?0{0,3}[0-9]{0,21}",
        any::<u64>().prop_map(|n| n.to_string()),
        (any::<u64>(), 1u64..=999).prop_map(|(n, k)| (n as u128 + k as u128).to_string()),
    ];
    runner(4096)
        .run(&ints, |s| {
            let v = Value::from(s.as_str());
            let parsed = s.parse::<u64>();
            prop_assert_eq!(u64_lenient.is_valid(&v), parsed.is_ok(), "{}", s);
            let canonical = parsed.is_ok_and(|n| n.to_string() == s);
            prop_assert_eq!(u64_strict.is_valid(&v), canonical, "{}", s);
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_decimal_patterns_agree_with_the_parser() {
    use generated::runtime::schema as wire;
    let decimal = |s: &str| serde_json::from_value::<rust_decimal::Decimal>(s.into());
    let dec_lenient = string_validator(wire::DECIMAL_PATTERN, None);
    let dec_strict = string_validator(
        wire::DECIMAL_STRICT_PATTERN,
        Some(wire::DECIMAL_STRICT_MAX_LENGTH),
    );
    // Decimals: whatever the lenient pattern accepts parses; whatever the strict schema
    // accepts parses and prints back unchanged (scale included).
    let decimals = prop_oneof![
        "[+-]?[0-9]{0,30}(\\.[0-9]{0,30})?",
        "[+-]?[0-9_]{0,6}\\.?[0-9_eE+-]{0,6}",
        "-?0\\.0{0,5}[0-9]{0,3}",
    ];
    runner(8192)
        .run(&decimals, |s| {
            let v = Value::from(s.as_str());
            let parsed = decimal(&s);
            if dec_lenient.is_valid(&v) {
                prop_assert!(
                    parsed.is_ok(),
                    "lenient accepts {} but it does not parse",
                    s
                );
            }
            if dec_strict.is_valid(&v) {
                let d = parsed.map_err(|e| TestCaseError::fail(format!("{s}: {e}")))?;
                prop_assert_eq!(d.to_string(), s);
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_uuid_patterns_agree_with_the_parser() {
    use generated::runtime::schema as wire;
    let uuid_lenient = string_validator(wire::UUID_PATTERN, None);
    let uuid_strict = string_validator(wire::UUID_STRICT_PATTERN, None);
    // UUIDs: the lenient pattern is exactly what the parser reads; strict is the canonical
    // form, which prints back unchanged.
    let uuids = (any::<u128>(), 0usize..8, any::<bool>()).prop_map(|(n, form, upper)| {
        let u = uuid::Uuid::from_u128(n);
        let s = match form {
            0 => u.hyphenated().to_string(),
            1 => u.simple().to_string(),
            2 => u.braced().to_string(),
            3 => u.urn().to_string(),
            4 => format!("{{{}", u.hyphenated()),
            5 => format!("urn:uuid:{}", u.simple()),
            6 => format!("{{{}}}", u.simple()),
            _ => u.hyphenated().to_string()[1..].to_string(),
        };
        if upper { s.to_uppercase() } else { s }
    });
    runner(4096)
        .run(&uuids, |s| {
            let v = Value::from(s.as_str());
            let parsed = serde_json::from_value::<uuid::Uuid>(v.clone());
            prop_assert_eq!(uuid_lenient.is_valid(&v), parsed.is_ok(), "{}", s);
            let canonical = parsed.is_ok_and(|u| u.to_string() == s);
            prop_assert_eq!(uuid_strict.is_valid(&v), canonical, "{}", s);
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_rfc3339_pattern_agrees_with_the_parser() {
    use generated::runtime::wire::{RFC3339_PATTERN, TimestampRfc3339};
    let pattern = string_validator(&RFC3339_PATTERN, None);
    // Strings the pattern describes, and strings of the same shape that break it (any digits,
    // a lower-case or space separator, a lower-case `z`, up to ten fraction digits): the
    // pattern accepts exactly what the parser reads.
    let regex = RFC3339_PATTERN
        .trim_start_matches('^')
        .trim_end_matches('$')
        .to_owned();
    let texts = prop_oneof![
        proptest::string::string_regex(&regex).unwrap(),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,10})?(Z|z|[+-][0-9]{2}:[0-9]{2})",
    ];
    runner(8192)
        .run(&texts, |s| {
            let v = Value::from(s.as_str());
            let parsed = TimestampRfc3339::parse(&s);
            prop_assert_eq!(pattern.is_valid(&v), parsed.is_ok(), "{} {:?}", s, parsed);
            if let Ok(t) = parsed {
                prop_assert_eq!(t.as_str(), s.as_str());
            }
            Ok(())
        })
        .unwrap();
}

/// Strings at and near the strict wire forms (decimals, integers, UUIDs), and any string.
pub(crate) fn near_forms() -> BoxedStrategy<String> {
    prop_oneof![
        "[+-]?[0-9]{0,30}(\\.[0-9]{0,30})?",
        "-?0{0,2}(\\.0{0,3}[0-9]{0,3})?",
        "-?[0-9]{1,3}\\.?[0-9]{0,3}[\\n .eE+-]?",
        "[0-9]{17,21}",
        (any::<u64>(), 0u64..3).prop_map(|(n, k)| (u128::from(n) + u128::from(k)).to_string()),
        any::<u128>().prop_map(|n| uuid::Uuid::from_u128(n).to_string()),
        (any::<u128>(), any::<Index>(), "[0-9a-zA-Z_\\n-]").prop_map(|(n, at, c)| {
            let mut s: Vec<char> = uuid::Uuid::from_u128(n).to_string().chars().collect();
            let i = at.index(s.len());
            s[i] = c.chars().next().unwrap();
            s.into_iter().collect()
        }),
        "[0-9a-fA-F-]{34,38}",
        "\\PC{0,40}",
        any::<String>(),
    ]
    .boxed()
}

#[test]
fn the_fast_form_keywords_agree_with_the_patterns() {
    use conformance::judge::compiled_validator::Form;
    use generated::runtime::schema as wire;
    let bounded = |form: Form| {
        matches!(form, Form::Decimal | Form::NonNegativeDecimal)
            .then_some(wire::DECIMAL_STRICT_MAX_LENGTH)
    };
    let checks: Vec<_> = Form::ALL
        .into_iter()
        .flat_map(|form| {
            [None, bounded(form), Some(4)].map(|max| {
                let mut s = serde_json::json!({ "type": "string", "pattern": form.pattern() });
                if let Some(m) = max {
                    s["maxLength"] = m.into();
                }
                let fast = conformance::judge::compiled_validator::compile(&s).unwrap();
                assert!(
                    conformance::judge::compiled_validator::rewrite(&s)
                        .get("pattern")
                        .is_none(),
                    "{form:?} is rewritten"
                );
                (form, max, schema::compile(&s).unwrap(), fast)
            })
        })
        .collect();
    runner(16384)
        .run(&near_forms(), |s| {
            let v = Value::from(s.as_str());
            for (form, max, standard, fast) in &checks {
                let expected = standard.is_valid(&v);
                if max.is_none() {
                    prop_assert_eq!(form.matches(&s), expected, "{:?} {:?}", form, s);
                }
                prop_assert_eq!(fast.is_valid(&v), expected, "{:?} {:?} {:?}", form, max, s);
            }
            Ok(())
        })
        .unwrap();
    // Non-strings are any form's business only through `type`.
    for (_, _, standard, fast) in &checks {
        for v in [
            Value::Null,
            Value::from(1),
            Value::from(1.5),
            serde_json::json!(["1"]),
        ] {
            assert_eq!(fast.is_valid(&v), standard.is_valid(&v), "{v}");
        }
    }
}
