//! The fast validator accepts exactly what the strict one does, and its rewrite leaves no
//! wire-form pattern, required list or reference behind.

use super::*;
use crate::wire_forms::near_forms;

/// Pointers to every value in a body (the root excluded), and whether it is a string.
fn value_sites(body: &Value, at: &str, out: &mut Vec<(String, bool)>) {
    match body {
        Value::Object(m) => {
            for (k, v) in m {
                let p = format!("{at}/{}", escape(k));
                out.push((p.clone(), v.is_string()));
                value_sites(v, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push((p.clone(), v.is_string()));
                value_sites(v, &p, out);
            }
        }
        _ => {}
    }
}

/// One change for the fast-validator comparison.
#[derive(Debug, Clone)]
enum Change {
    /// One of the spec-aware mutations.
    Mutation(Index),
    /// Replace a string with one near the wire forms.
    String(Index, String),
    /// Replace any value with arbitrary JSON.
    Json(Index, Value),
    /// Remove any member.
    Remove(Index),
}

fn change() -> BoxedStrategy<Change> {
    prop_oneof![
        3 => any::<Index>().prop_map(Change::Mutation),
        3 => (any::<Index>(), near_forms()).prop_map(|(i, s)| Change::String(i, s)),
        1 => (any::<Index>(), any_json()).prop_map(|(i, v)| Change::Json(i, v)),
        1 => any::<Index>().prop_map(Change::Remove),
    ]
    .boxed()
}

fn make_change(strict: &Value, body: &mut Value, c: &Change) {
    let mut values = Vec::new();
    value_sites(body, "", &mut values);
    match c {
        Change::Mutation(pick) => {
            let mut all = Vec::new();
            sites(strict, strict, body, "", &mut all);
            if !all.is_empty() {
                apply(body, pick.get(&all));
            }
        }
        Change::String(pick, s) => {
            let strings: Vec<&str> = values.iter().filter(|v| v.1).map(|v| &*v.0).collect();
            if !strings.is_empty() {
                let p = *pick.get::<&str>(&strings);
                *body.pointer_mut(p).unwrap() = s.as_str().into();
            }
        }
        Change::Json(pick, v) => {
            if !values.is_empty() {
                *body.pointer_mut(&pick.get(&values).0).unwrap() = v.clone();
            }
        }
        Change::Remove(pick) => {
            if !values.is_empty() {
                let p = &pick.get(&values).0;
                let (parent, last) = p.rsplit_once('/').unwrap();
                let key = last.replace("~1", "/").replace("~0", "~");
                match body.pointer_mut(parent).unwrap() {
                    Value::Object(m) => {
                        m.shift_remove(&key);
                    }
                    Value::Array(a) => {
                        a.remove(key.parse::<usize>().unwrap());
                    }
                    _ => unreachable!("a parent holds members"),
                }
            }
        }
    }
}

#[test]
fn the_fast_validator_accepts_exactly_what_the_strict_one_does() {
    for (v, e) in endpoints() {
        let judge = Judge::new(v, e);
        for part in BodyPart::ALL {
            let strict = schema::schema(e, part, Strictness::Strict);
            let standard = judge.validator(part, Strictness::Strict).unwrap();
            let fast = judge.fast_validator(part).unwrap();
            // Docs examples, as they are and as every part.
            for x in e.examples {
                let body: Value = serde_json::from_str(x.body).unwrap();
                assert_eq!(fast.is_valid(&body), standard.is_valid(&body), "{}", x.name);
            }
            // Generated bodies with up to three changes, each checked along the way: one
            // mutation makes a body invalid, two can cancel out in a count (a missing member
            // and an extra one), and near-miss strings probe the forms in place.
            let cases = (
                strategy(&strict, &strict),
                prop::collection::vec(change(), 0..4),
            );
            let result = runner(512).run(&cases, |(mut body, changes)| {
                prop_assert!(fast.is_valid(&body), "{}", body);
                for c in &changes {
                    make_change(&strict, &mut body, c);
                    prop_assert_eq!(
                        fast.is_valid(&body),
                        standard.is_valid(&body),
                        "{:?}: {}",
                        c,
                        body
                    );
                }
                Ok(())
            });
            if let Err(err) = result {
                panic!("{}/{} {part}: {err}", v.id, e.id);
            }
            // Arbitrary JSON.
            runner(256)
                .run(&any_json(), |body| {
                    prop_assert_eq!(fast.is_valid(&body), standard.is_valid(&body), "{}", body);
                    Ok(())
                })
                .unwrap();
        }
    }
}

#[test]
fn the_fast_rewrite_leaves_no_wire_form_pattern_required_or_ref() {
    use conformance::judge::compiled_validator::{Form, X_FAST_FORM, X_FAST_REQUIRED, rewrite};
    /// The keys of the keywords the rewrite replaces, and how many `X_FAST_*` it put in.
    fn walk(v: &Value, left: &mut Vec<String>, fast: &mut usize) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let form = k == "pattern" && v.as_str().and_then(Form::of_pattern).is_some();
                    // A `maxLength` beside a pattern belongs to a wire form; a plain string's
                    // bound (`max_length` in the spec) is jsonschema's own keyword.
                    let form_bound = k == "maxLength" && m.contains_key("pattern");
                    // `required` stays in an object open to typed members (`additional`):
                    // only a closed object's can be counted.
                    let closed = m.get("additionalProperties") == Some(&Value::Bool(false));
                    let required = k == "required" && closed;
                    if form || required || k == "$ref" || form_bound {
                        left.push(k.clone());
                    }
                    if k == X_FAST_FORM || k == X_FAST_REQUIRED {
                        *fast += 1;
                    } else {
                        walk(v, left, fast);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, left, fast)),
            _ => {}
        }
    }
    for (v, e) in endpoints() {
        for part in BodyPart::ALL {
            let strict = schema::schema(e, part, Strictness::Strict);
            let mut fast = rewrite(&strict);
            // Every object of a strict schema is closed, every `$defs` entry is plain, and
            // every `maxLength` beside a pattern bounds a decimal: none is left where the body
            // is checked (the `$defs`, inlined, are no longer referenced).
            fast.as_object_mut().unwrap().remove("$defs");
            let (mut left, mut replaced) = (Vec::new(), 0);
            walk(&fast, &mut left, &mut replaced);
            assert!(left.is_empty(), "{}/{} {part}: {left:?}", v.id, e.id);
            // Something was rewritten wherever the strict schema had something to rewrite (a
            // positional record of numbers and plain strings has none).
            let (mut had, mut none) = (Vec::new(), 0);
            walk(&strict, &mut had, &mut none);
            if had.iter().any(|k| k != "$ref") {
                assert!(replaced > 0, "{}/{} {part}", v.id, e.id);
            }
        }
    }
}
