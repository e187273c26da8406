//! Generated and mutated bodies: valid under both schemas, one verdict from schema and parser,
//! the drift report at the mutation's pointer; no panic on arbitrary bytes or JSON.

use super::*;

#[test]
fn generated_bodies_are_valid_under_both_schemas_parse_and_round_trip() {
    for (v, e) in endpoints() {
        let judge = Judge::new(v, e);
        for part in PARTS {
            let strict = schema::schema(e, part, Strictness::Strict);
            let lenient = judge.validator(part, Strictness::Lenient).unwrap();
            let strict_v = judge.validator(part, Strictness::Strict).unwrap();
            let (kind, scope) = part.kind_scope();
            let result = runner(128).run(&strategy(&strict, &strict), |body| {
                let text = body.to_string();
                prop_assert!(strict_v.is_valid(&body), "strict refuses {text}");
                prop_assert!(lenient.is_valid(&body), "lenient refuses {text}");
                let back = (e.roundtrip)(kind, scope, &text)
                    .map_err(|err| TestCaseError::fail(format!("{err}")))?;
                prop_assert_eq!(first_difference(&body, &back), None, "{}", text);
                let j = judge.judge(text.as_bytes(), Some(part));
                prop_assert_eq!(j.verdict, Verdict::Valid, "{:?}", j.findings);
                Ok(())
            });
            if let Err(err) = result {
                panic!("{}/{} {part}: {err}", v.id, e.id);
            }
        }
    }
}

#[test]
fn mutations_get_one_verdict_from_schema_and_parser_and_are_named_at_their_pointer() {
    for (v, e) in endpoints() {
        let judge = Judge::new(v, e);
        for part in PARTS {
            let strict = schema::schema(e, part, Strictness::Strict);
            let lenient_schema = schema::schema(e, part, Strictness::Lenient);
            let lenient = judge.validator(part, Strictness::Lenient).unwrap();
            let (kind, scope) = part.kind_scope();
            let cases = (strategy(&strict, &strict), any::<Index>());
            let result = runner(256).run(&cases, |(body, pick)| {
                let mut all = Vec::new();
                sites(&strict, &strict, &body, "", &mut all);
                prop_assume!(!all.is_empty());
                let m = pick.get(&all).clone();
                let mut mutated = body.clone();
                let (finding, pointer) = apply(&mut mutated, &m);
                let raw = mutated.to_string();
                let parses = (e.parse)(kind, scope, raw.as_bytes()).is_ok();
                prop_assert_eq!(
                    lenient.is_valid(&mutated),
                    parses,
                    "{:?}: lenient schema and parser disagree on {}",
                    m,
                    raw
                );
                // What the client tolerates is exactly the spec's open ends.
                let tolerated = match &m {
                    // Only where the lenient schema sets no type (the `id` wire type).
                    Mutation::WrongType { pointer, .. } => untyped_at(&lenient_schema, pointer),
                    Mutation::UnknownEnum { .. } | Mutation::Extra { .. } => true,
                    Mutation::Missing { .. } => parses,
                };
                prop_assert_eq!(parses, tolerated, "{:?}", m);
                let j = judge.judge(raw.as_bytes(), Some(part));
                let drift: Vec<(FindingKind, &str)> =
                    j.drift().map(|f| (f.kind, f.pointer.as_str())).collect();
                prop_assert_eq!(drift, vec![(finding, pointer.as_str())], "{}", raw);
                let verdict = if parses {
                    Verdict::Drift
                } else {
                    Verdict::Invalid
                };
                prop_assert_eq!(j.verdict, verdict);
                Ok(())
            });
            if let Err(err) = result {
                panic!("{}/{} {part}: {err}", v.id, e.id);
            }
        }
    }
}

#[test]
fn a_missing_member_parses_only_when_the_spec_makes_it_nullable() {
    // The lenient schema leaves out of `required` exactly the members the parser reads as
    // `None` when absent: nullable ones (required only when strict) and optional ones.
    for (_, e) in endpoints() {
        for part in PARTS {
            let strict = schema::schema(e, part, Strictness::Strict);
            let lenient = schema::schema(e, part, Strictness::Lenient);
            let required = |s: &Value, path: &str| -> Vec<String> {
                s.pointer(path)
                    .and_then(|o| o.get("required"))
                    .and_then(Value::as_array)
                    .map(|r| {
                        r.iter()
                            .filter_map(|x| x.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let mut paths = vec![String::new()];
            if let Some(defs) = strict.get("$defs").and_then(Value::as_object) {
                paths.extend(defs.keys().map(|k| format!("/$defs/{k}")));
            }
            for path in paths {
                let s = required(&strict, &path);
                let l = required(&lenient, &path);
                assert!(l.iter().all(|m| s.contains(m)), "{}{path}", e.id);
                let props = strict.pointer(&path).and_then(|o| o.get("properties"));
                for m in s.iter().filter(|m| !l.contains(m)) {
                    let p = props.and_then(|p| p.get(m)).unwrap();
                    let nullable = allowed_types(&strict, p).is_none_or(|t| t.contains(&"null"));
                    assert!(nullable, "{}{path}: {m} required only when strict", e.id);
                }
            }
        }
    }
}

#[test]
fn the_parser_and_the_judge_never_panic_on_arbitrary_bytes() {
    let judges: Vec<_> = endpoints().map(|(v, e)| Judge::new(v, e)).collect();
    let result = runner(2048).run(&prop::collection::vec(any::<u8>(), 0..256), |bytes| {
        for j in &judges {
            for part in BodyPart::ALL {
                let (kind, scope) = part.kind_scope();
                let _ = (j.endpoint().parse)(kind, scope, &bytes);
                let verdict = j.judge(&bytes, Some(part)).verdict;
                // Bytes that are not JSON can only be invalid.
                if serde_json::from_slice::<Value>(&bytes).is_err() {
                    prop_assert_eq!(verdict, Verdict::Invalid);
                }
            }
        }
        Ok(())
    });
    result.unwrap();
}

#[test]
fn the_parser_and_the_judge_never_panic_on_arbitrary_json() {
    let judges: Vec<_> = endpoints().map(|(v, e)| Judge::new(v, e)).collect();
    // Arbitrary JSON, and arbitrary JSON inside each endpoint's envelope-shaped bodies.
    let result = runner(2048).run(&any_json(), |value| {
        let raw = value.to_string();
        for j in &judges {
            for part in BodyPart::ALL {
                let (kind, scope) = part.kind_scope();
                let _ = (j.endpoint().parse)(kind, scope, raw.as_bytes());
                let _ = j.judge(raw.as_bytes(), None);
                let _ = j.judge(raw.as_bytes(), Some(part));
            }
        }
        Ok(())
    });
    result.unwrap();
}
